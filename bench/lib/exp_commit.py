"""Experiment 6: metadata blocks written per commit against the number of changed mappings."""
import os

import benchlib as b

ID = "commit"
TITLE = "6. Commit cost vs changed mappings"


def config(quick):
    if quick:
        return dict(mappings=1_000_000, batches=[1, 10, 100, 1000, 10000], repeats=3)
    return dict(mappings=10_000_000, batches=[1, 10, 100, 1000, 10000, 100000], repeats=5)


def run(quick):
    c = config(quick)
    work = os.path.join(b.work_root(), ID)
    b.rmtree(work)
    os.makedirs(work)
    r = b.tool("commit-cost", file=os.path.join(work, "meta"), mappings=c["mappings"],
               batches=",".join(map(str, c["batches"])), repeats=c["repeats"])
    b.rmtree(work)
    rows, pts = [], []
    for k in c["batches"]:
        runs = [x for x in r["commits"] if x["changed"] == k]
        w = b.median([x["blocksWritten"] for x in runs])
        n = b.median([x["pathNodes"] + x["dataBitmaps"] + 1 for x in runs])
        ms = b.median([x["commitMillis"] for x in runs])
        pts.append((k, w, n, ms))
        rows.append([b.fmt(k), b.fmt(w, 0), b.fmt(n, 0), b.fmt(w / n, 2), b.fmt(w / k, 2), b.fmt(ms, 2)])
    plot_specs = [{
        "file": os.path.join(b.PLOTS, "commit-cost.png"),
        "title": "Metadata blocks written by one transaction and its commit (%s mappings)" % b.fmt(c["mappings"]),
        "xLabel": "mappings changed in the transaction", "yLabel": "4 KiB blocks written", "logX": True, "logY": True,
        "series": [{"name": "thinly: blocks written", "x": [p[0] for p in pts], "y": [p[1] for p in pts]},
                   {"name": "lower bound: changed B-tree paths + data bitmaps + superblock", "x": [p[0] for p in pts],
                    "y": [p[2] for p in pts]}]}]
    return {
        "id": ID, "title": TITLE, "quick": quick, "params": c, "plot_specs": plot_specs,
        "commands": [
            "bench/run --only commit" + (" --quick" if quick else ""),
            "java -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool commit-cost file=META "
            "mappings=%d batches=%s repeats=%d" % (c["mappings"], ",".join(map(str, c["batches"])), c["repeats"]),
        ],
        "tables": [{
            "columns": ["mappings changed", "blocks written", "lower bound", "written / bound",
                        "blocks per changed mapping", "commit ms"],
            "rows": rows}],
        "plots": ["commit-cost.png"],
        "targets": [{"what": "commit writes little more than the format forces (at most 1.5x the lower bound + 8 blocks)",
                     "value": "written / bound: " + ", ".join("k=%s %.2f" % (b.fmt(p[0]), p[1] / p[2]) for p in pts),
                     "met": all(p[1] <= 1.5 * p[2] + 8 for p in pts)}],
        "notes": [
            "Each transaction remaps k random mapped blocks to newly allocated data blocks (what a write to a "
            "block shared with a snapshot does), then commits; medians of %d transactions per k. Blocks "
            "written count the whole transaction: a big one writes dirty blocks back early when they overfill "
            "the 64 MiB cache, and those count too. The bound "
            "counts what the format forces any implementation to write: the distinct mapping-tree nodes on the "
            "root-to-leaf paths of the changed keys (before the change; copy-on-write writes each once), the "
            "data space map bitmaps holding the old or new data block of a remap (2 bits per block, 16,320 "
            "per bitmap), and the superblock. The rest is the top-level tree, the device details, the "
            "metadata space map's bitmaps and both index blocks." % c["repeats"],
        ],
    }

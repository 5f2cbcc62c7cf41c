"""Experiment 5: thinly check vs thin_check 0.9.0, thinly delta vs thin_delta, same metadata."""
import os

import benchlib as b

ID = "check"
TITLE = "5. check and delta vs thin-provisioning-tools 0.9.0"


def config(quick):
    if quick:
        return dict(mappings=[1_000_000, 4_000_000], runs=2)
    return dict(mappings=[1_000_000, 10_000_000], runs=3)


def run(quick):
    c = config(quick)
    work = os.path.join(b.work_root(), ID)
    b.rmtree(work)
    os.makedirs(work)
    _, jvm = b.run(b.thinly_cmd("--version"))
    jvm = min(jvm, b.run(b.thinly_cmd("--version"))[1])
    points = []
    for m in c["mappings"]:
        meta = os.path.join(work, "meta-%d" % m)
        built = b.tool("check-metadata", file=meta, mappings=m)
        t = {k: [] for k in ("thin_check", "thinly check", "thin_delta", "thinly delta")}
        cmds = {
            "thin_check": ["thin_check", meta],
            "thinly check": b.thinly_cmd("check", meta),
            "thin_delta": ["thin_delta", "--snap1", "0", "--snap2", "1", meta],
            "thinly delta": b.thinly_cmd("delta", "--thin1", "0", "--thin2", "1", meta),
        }
        for r in range(c["runs"]):
            for name in ("thin_check", "thinly check", "thin_delta", "thinly delta"):
                _, secs = b.run(cmds[name])
                t[name].append(secs)
        os.unlink(meta)
        points.append(dict(mappings=m, built=built, t={k: b.median(v) for k, v in t.items()}))
    b.rmtree(work)
    rows = []
    for p in points:
        t, bt = p["t"], p["built"]
        rows.append([b.fmt(p["mappings"]), b.fmt(bt["metadataBlocksUsed"]),
                     b.fmt(t["thin_check"], 2), b.fmt(t["thinly check"], 2), b.fmt(t["thinly check"] / t["thin_check"], 2),
                     b.fmt(bt["checkInProcessMillis"] / 1000, 2),
                     b.fmt(t["thin_delta"], 2), b.fmt(t["thinly delta"], 2), b.fmt(t["thinly delta"] / t["thin_delta"], 3),
                     b.fmt(bt["changedMappings"]), b.fmt(bt["deltaBlocksRead"]),
                     b.fmt(bt["deltaInProcessMillis"], 1)])
    labels = ["%s mappings" % b.fmt(p["mappings"]) for p in points]
    plot_specs = [{
        "file": os.path.join(b.PLOTS, "check-and-delta.png"), "kind": "bar",
        "title": "Whole-process time on the same metadata (lower is better)",
        "xLabel": "", "yLabel": "seconds",
        "series": [{"name": n, "x": labels, "y": [p["t"][n] for p in points]}
                   for n in ("thin_check", "thinly check", "thin_delta", "thinly delta")]}]
    first, last = points[0], points[-1]
    growth_size = last["mappings"] / first["mappings"]
    growth_blocks = last["built"]["deltaBlocksRead"] / first["built"]["deltaBlocksRead"]
    return {
        "id": ID, "title": TITLE, "quick": quick, "params": c, "plot_specs": plot_specs,
        "commands": [
            "bench/run --only check" + (" --quick" if quick else ""),
            "java -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool check-metadata file=META mappings=N",
            "thin_check META;   thinly check META",
            "thin_delta --snap1 0 --snap2 1 META;   thinly delta --thin1 0 --thin2 1 META",
        ],
        "tables": [{
            "columns": ["mappings (origin)", "metadata blocks", "thin_check s", "thinly check s", "thinly / thin_check", "thinly check in-process s",
                        "thin_delta s", "thinly delta s", "thinly / thin_delta", "mappings that differ",
                        "delta: metadata blocks read", "delta in-process ms"],
            "rows": rows}],
        "plots": ["check-and-delta.png"],
        "targets": [
            {"what": "thinly check no slower than thin_check",
             "value": ", ".join("%s: x%.2f" % (b.fmt(p["mappings"]), p["t"]["thinly check"] / p["t"]["thin_check"]) for p in points),
             "met": all(p["t"]["thinly check"] <= p["t"]["thin_check"] * 1.05 for p in points)},
            {"what": "delta cost follows the difference: blocks read per differing mapping stays flat as the size grows",
             "value": "size x%.0f, differing mappings x%.0f, blocks read x%.1f (%s of %s metadata blocks)" % (
                 growth_size, last["built"]["changedMappings"] / first["built"]["changedMappings"], growth_blocks,
                 b.fmt(last["built"]["deltaBlocksRead"]), b.fmt(last["built"]["metadataBlocksUsed"])),
             "met": growth_blocks <= growth_size * 1.2},
        ],
        "notes": [
            "One metadata file per size: thin 0 maps N blocks (built bottom-up, as restore does), thin 1 is a "
            "snapshot of it in which N/1000 random blocks (0.1 %%) were rewritten. Both tools read the same file, "
            "from the page cache; runs alternate, medians of %d." % c["runs"],
            "Whole-process times: thinly's include starting the JVM, %.2f s here (thinly --version). The "
            "in-process figures are the library calls alone (best of three, in the JVM that built the file)." % jvm,
        ],
    }

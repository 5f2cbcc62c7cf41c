"""Experiment 4: pool open time and heap against the number of mappings; serving with -Xmx256m."""
import os

import benchlib as b
import exp_depth

ID = "open"
TITLE = "4. Pool open time and heap vs mappings"


def config(quick):
    if quick:
        return dict(mappings=[1_000_000, 5_000_000], runtime=3, rounds=1, reads=5000)
    return dict(mappings=[1_000_000, 10_000_000, 50_000_000], runtime=5, rounds=3, reads=20000)


def run(quick):
    c = config(quick)
    work = os.path.join(b.work_root(), ID)
    points = []
    for m in c["mappings"]:
        b.rmtree(work)
        os.makedirs(work)
        pool = os.path.join(work, "pool")
        built = b.tool("open-cost", dir=pool, mappings=m, build="true")
        opened = b.tool("open-cost", heap="256m", dir=pool, mappings=m, reads=c["reads"])
        sock_small = os.path.join(work, "small.sock")
        sock_big = os.path.join(work, "big.sock")
        samples = {h: {1: [], 32: []} for h in ("256m", "default")}
        # one pool has one owner at a time, so the two servers take turns, alternating each round
        for rnd in range(c["rounds"]):
            for heap, sock in (("256m", sock_small), ("default", sock_big)):
                with b.thinly_serve(pool, sock, heap=None if heap == "default" else heap,
                                    probe_volume="origin", log_file=os.path.join(work, "serve.log")):
                    for qd in (1, 32):
                        samples[heap][qd].append(b.fio_randread(b.nbd_uri("origin", sock), qd, c["runtime"]))
        b.rmtree(work)
        reads_us = [n / 1000 for n in opened["readNanos"]]
        points.append(dict(mappings=m, build=built, open=opened, samples=samples,
                           read_p50=b.percentile(reads_us, 50), read_p99=b.percentile(reads_us, 99)))
    return report(c, points, quick)


def report(c, points, quick):
    rows, serve_rows = [], []
    for p in points:
        o = p["open"]
        rows.append([b.fmt(p["mappings"]), b.fmt(p["build"]["metadataBlocksUsed"]), b.fmt(p["build"]["buildSeconds"], 1),
                     b.fmt(o["metadataOpenBlocksRead"]), b.fmt(o["metadataOpenMillis"], 1), b.fmt(o["poolOpenMillis"], 1),
                     b.fmt(o["heapAfterOpenBytes"] / 2**20, 1), b.fmt(o["heapAfterReadsBytes"] / 2**20, 1),
                     b.fmt(o["maxHeapBytes"] / 2**20, 0), b.fmt(p["read_p50"], 1), b.fmt(p["read_p99"], 1)])
        s = p["samples"]
        l_small, l_big = exp_depth.agg(s["256m"][1], "p50_us"), exp_depth.agg(s["default"][1], "p50_us")
        i_small, i_big = exp_depth.agg(s["256m"][32], "iops"), exp_depth.agg(s["default"][32], "iops")
        p["ratios"] = (l_small / l_big, i_small / i_big)
        serve_rows.append([b.fmt(p["mappings"]), b.fmt(l_small), b.fmt(l_big), b.fmt(l_small / l_big, 3),
                           b.fmt(i_small), b.fmt(i_big), b.fmt(i_small / i_big, 3)])
    first, last = points[0], points[-1]
    xs = [p["mappings"] for p in points]
    plot_specs = [{
        "file": os.path.join(b.PLOTS, "open-vs-mappings.png"),
        "title": "Opening a pool vs mappings (JVM with -Xmx256m)",
        "xLabel": "mappings", "yLabel": "ms / blocks / MiB", "logX": True, "yMin": 0,
        "series": [
            {"name": "pool open ms", "x": xs, "y": [p["open"]["poolOpenMillis"] for p in points]},
            {"name": "metadata blocks read by open", "x": xs, "y": [p["open"]["metadataOpenBlocksRead"] for p in points]},
            {"name": "heap after open, MiB", "x": xs, "y": [p["open"]["heapAfterOpenBytes"] / 2**20 for p in points]},
            {"name": "in-process 4 KiB read p50 us", "x": xs, "y": [p["read_p50"] for p in points]},
        ]}]
    const_reads = len({p["open"]["metadataOpenBlocksRead"] for p in points}) == 1
    worst = min(min(p["ratios"][1], 1 / p["ratios"][0]) for p in points)
    return {
        "id": ID, "title": TITLE, "quick": quick, "params": c, "plot_specs": plot_specs,
        "commands": [
            "bench/run --only open" + (" --quick" if quick else ""),
            "java -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool open-cost dir=POOL mappings=N build=true",
            "java -Xmx256m -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool open-cost dir=POOL "
            "mappings=N reads=%d" % c["reads"],
            "THINLY_JAVA_OPTS=-Xmx256m thinly serve --pool POOL --socket S   (and without -Xmx)",
            b.fio_command_line(1, c["runtime"]) + "   (and --iodepth=32) on the whole mapped volume",
        ],
        "tables": [
            {"title": "Open and in-process reads (-Xmx256m, 64 MiB metadata cache)",
             "columns": ["mappings", "metadata blocks used", "build s", "blocks read by open", "metadata open ms",
                         "pool open ms", "heap after open MiB", "heap after reads MiB", "max heap MiB",
                         "read p50 us", "read p99 us"], "rows": rows},
            {"title": "Serving: thinly serve with -Xmx256m vs the default heap (fio over NBD, random 4 KiB over the whole volume)",
             "columns": ["mappings", "QD1 p50 us -Xmx256m", "QD1 p50 us default", "ratio", "QD32 IOPS -Xmx256m",
                         "QD32 IOPS default", "ratio"], "rows": serve_rows}],
        "plots": ["open-vs-mappings.png"],
        "targets": [
            {"what": "open reads a constant number of metadata blocks",
             "value": ", ".join("%s: %d" % (b.fmt(p["mappings"]), p["open"]["metadataOpenBlocksRead"]) for p in points),
             "met": const_reads},
            {"what": "serving with -Xmx256m at full speed (within 5 % of the default heap)",
             "value": ", ".join("%s: QD1 x%.3f, QD32 x%.3f" % (b.fmt(p["mappings"]), p["ratios"][0], p["ratios"][1])
                                for p in points),
             "met": worst >= 0.95},
        ],
        "notes": [
            "Pools built through the library: the pool and its volume are created as usual, then the metadata "
            "is rewritten bottom-up by PoolBuilder (as restore does) so that the volume maps N blocks whose "
            "data was never written (the data file stays sparse; reads of such blocks read file holes).",
            "Random reads over the whole volume touch the whole mapping tree; at %s mappings it is %s blocks "
            "(%s MiB), far more than the 64 MiB metadata cache, so lookups read leaves from the metadata file "
            "(page cache)." % (b.fmt(last["mappings"]), b.fmt(last["build"]["metadataBlocksUsed"]),
                               b.fmt(last["build"]["metadataBlocksUsed"] * 4096 / 2**20, 0)),
        ],
    }

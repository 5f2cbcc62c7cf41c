"""Experiment 3: many writable clones of one golden volume, thinly vs qcow2 overlays."""
import os
import time

import benchlib as b
import exp_depth

ID = "clones"
TITLE = "3. Writable clones of one golden volume"


def config(quick):
    if quick:
        return dict(size="256M", counts=[100, 1000], runtime=2, rounds=3, engine_rounds=20)
    return dict(size="2G", counts=[1000, 10000], runtime=4, rounds=7, engine_rounds=100)


def run(quick):
    c = config(quick)
    work = os.path.join(b.work_root(), ID)
    b.rmtree(work)
    os.makedirs(work)
    n = max(c["counts"])
    pool = os.path.join(work, "pool")
    r = b.tool("clones", dir=pool, size=c["size"], count=n, checkpoints=",".join(map(str, c["counts"])))
    golden = os.path.join(work, "golden.qcow2")
    size_bytes = exp_depth.parse(c["size"])
    b.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=64k", golden, str(size_bytes)])
    exp_depth.qemu_io(golden, ("write -P 0x5a %d 1M" % (i << 20) for i in range(size_bytes >> 20)))
    qmarks = []
    t0 = time.perf_counter()
    allocated = 0
    for i in range(1, n + 1):
        overlay = os.path.join(work, "clone-%d.qcow2" % i)
        b.subprocess_quiet(["qemu-img", "create", "-q", "-f", "qcow2", "-b", golden, "-F", "qcow2", overlay])
        allocated += os.stat(overlay).st_blocks * 512
        if i in c["counts"]:
            qmarks.append(dict(clones=i, seconds=time.perf_counter() - t0, bytes=allocated))
            b.log("qcow2: %d overlays in %.1f s" % (i, time.perf_counter() - t0))
    last = "clone-%d" % n
    engine = b.tool("read-latency", dir=pool, volumes="golden," + last, rounds=c["engine_rounds"])
    for image in (golden, os.path.join(work, last + ".qcow2")):
        with open(image, "rb") as f:
            while f.read(1 << 20):
                pass
    sock = os.path.join(work, "thinly.sock")
    qsock_golden = os.path.join(work, "qemu-golden.sock")
    qsock_clone = os.path.join(work, "qemu-clone.sock")
    targets = [("thinly", "golden", b.nbd_uri("golden", sock)), ("thinly", last, b.nbd_uri(last, sock)),
               ("qcow2", "golden", b.nbd_uri("top", qsock_golden)), ("qcow2", last, b.nbd_uri("top", qsock_clone))]
    samples = {(s, v): {1: [], 32: []} for s, v, _ in targets}
    servers = []
    try:
        servers.append(b.thinly_serve(pool, sock, log_file=os.path.join(work, "serve.log"), probe_volume="golden"))
        servers.append(b.qemu_nbd(golden, qsock_golden, "top"))
        servers.append(b.qemu_nbd(os.path.join(work, last + ".qcow2"), qsock_clone, "top"))
        for rnd in range(c["rounds"]):
            for system, vol, uri in targets:
                for qd in (1, 32):
                    samples[(system, vol)][qd].append(b.fio_randread(uri, qd, c["runtime"]))
    finally:
        for s in servers:
            s.stop()
    b.rmtree(work)
    return report(c, r, qmarks, engine, samples, last, quick)


def report(c, r, qmarks, engine, samples, last, quick):
    micros = r["cloneMicros"]
    rows = []
    for tm, qm in zip(r["checkpoints"], qmarks):
        k = tm["clones"]
        window = micros[:k]
        rows.append([b.fmt(k), b.fmt(tm["seconds"], 1), b.fmt(qm["seconds"], 1), b.fmt(qm["seconds"] / tm["seconds"], 2),
                     b.fmt(b.median(window) / 1000, 2), b.fmt(micros[k - 1] / 1000, 2),
                     b.fmt(qm["seconds"] * 1000 / k, 2),
                     b.fmt(tm["metadataBlocksAdded"]), b.fmt(tm["metadataBlocksAdded"] * 4096 / k, 0),
                     b.fmt(qm["bytes"] / k, 0)])
    eg, ec = engine["results"]["golden"], engine["results"][last]
    key = "medianBurstMeanUs"
    read_rows = [["thinly engine (in-process)", b.fmt(eg[key], 3), b.fmt(ec[key], 3),
                  b.fmt(ec[key] / eg[key], 3), "", "", ""]]
    for system in ("thinly", "qcow2"):
        g, cl = samples[(system, "golden")], samples[(system, last)]
        gl, cll = exp_depth.agg(g[1], "p50_us"), exp_depth.agg(cl[1], "p50_us")
        gi, cli = exp_depth.agg(g[32], "iops"), exp_depth.agg(cl[32], "iops")
        read_rows.append([system, b.fmt(gl), b.fmt(cll), b.fmt(cll / gl, 3), b.fmt(gi), b.fmt(cli), b.fmt(cli / gi, 3)])
    k = max(c["counts"])
    # per-clone time over the run, averaged in windows, shows whether a clone gets dearer as they add up
    win = max(1, k // 50)
    xs = [i + win for i in range(0, k, win)]
    ys = [b.median(micros[i:i + win]) / 1000 for i in range(0, k, win)]
    plot_specs = [{
        "file": os.path.join(b.PLOTS, "clone-time.png"),
        "title": "Time to make clone #i of a %s golden volume (thinly, durable)" % c["size"],
        "xLabel": "clone number", "yLabel": "ms per clone (median of each %d)" % win, "yMin": 0,
        "series": [{"name": "thinly ThinPool.snapshot", "x": xs, "y": ys},
                   {"name": "qcow2 qemu-img create -b (average)", "x": [xs[0], xs[-1]],
                    "y": [qmarks[-1]["seconds"] * 1000 / k] * 2}]}]
    tl = exp_depth.agg(samples[("thinly", last)][1], "p50_us") / exp_depth.agg(samples[("thinly", "golden")][1], "p50_us")
    return {
        "id": ID, "title": TITLE, "quick": quick, "params": c, "plot_specs": plot_specs,
        "commands": [
            "bench/run --only clones" + (" --quick" if quick else ""),
            "java -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool clones dir=POOL size=%s "
            "count=%d checkpoints=%s" % (c["size"], k, ",".join(map(str, c["counts"]))),
            "qemu-img create -f qcow2 -b golden.qcow2 -F qcow2 clone-I.qcow2   (I = 1..%d)" % k,
            "java -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool read-latency dir=POOL "
            "volumes=golden,clone-%d rounds=%d" % (k, c["engine_rounds"]),
            b.fio_command_line(1, c["runtime"]) + "   (and --iodepth=32) on golden and clone-%d" % k,
        ],
        "tables": [
            {"title": "Making the clones",
             "columns": ["clones", "thinly total s", "qcow2 total s", "qcow2 / thinly", "thinly median ms/clone",
                         "thinly last clone ms", "qcow2 ms/clone", "thinly metadata blocks added",
                         "thinly bytes/clone", "qcow2 bytes/clone"],
             "rows": rows},
            {"title": "4 KiB random read, golden vs clone #%d" % k,
             "columns": ["system", "golden QD1 p50 us", "clone QD1 p50 us", "clone / golden", "golden QD32 IOPS",
                         "clone QD32 IOPS", "clone / golden"],
             "rows": read_rows}],
        "plots": ["clone-time.png"],
        "targets": [{"what": "engine: read on clone #%d no more than 5 %% slower than on the golden volume" % k,
                     "value": "x%.3f" % (ec[key] / eg[key]), "met": ec[key] / eg[key] <= 1.05},
                    {"what": "fio over NBD: read on clone #%d no more than 5 %% slower than on the golden volume" % k,
                     "value": "QD1 p50 latency x%.3f" % tl, "met": tl <= 1.05}],
        "notes": [
            "thinly clones are made one at a time through the library (ThinPool.snapshot: the catalog "
            "version is written and synced, the metadata committed), so each is durable when it returns; "
            "qcow2 overlays are one qemu-img process each (process start included; nothing is synced).",
            "Metadata: thinly counts the pool's metadata blocks in use (4 KiB each) before and after; qcow2 "
            "counts the allocated bytes of the overlay files (st_blocks).",
        ],
    }

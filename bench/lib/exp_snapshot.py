"""Experiment 2: snapshot creation time against the mapped size of the origin."""
import os
import time

import benchlib as b

ID = "snapshot"
TITLE = "2. Snapshot creation time vs mapped size"
BLOCK = 64 * 1024


def config(quick):
    if quick:
        return dict(sizes=["1G", "100G", "1T"], count=20, warmup=10, rounds=3, qcow2_runs=3)
    return dict(sizes=["1G", "100G", "1T"], count=60, warmup=20, rounds=6, qcow2_runs=5)


def parse(size):
    units = {"G": 1 << 30, "T": 1 << 40}
    return int(size[:-1]) * units[size[-1]]


def run(quick):
    c = config(quick)
    work = os.path.join(b.work_root(), ID)
    b.rmtree(work)
    os.makedirs(work)
    built = {}
    for size in c["sizes"]:
        built[size] = b.tool("snapshot-times", dir=os.path.join(work, size), mappings=parse(size) // BLOCK,
                             build="true")
    # the sizes take turns, round after round, so the machine's drift hits them alike
    pool_us = {size: [] for size in c["sizes"]}
    meta_us = {size: [] for size in c["sizes"]}
    for rnd in range(c["rounds"]):
        for k in range(len(c["sizes"])):
            size = c["sizes"][(k + rnd) % len(c["sizes"])]
            r = b.tool("snapshot-times", dir=os.path.join(work, size), mappings=parse(size) // BLOCK,
                       count=c["count"], warmup=c["warmup"], round=rnd)
            pool_us[size] += [n / 1000 for n in r["poolNanos"]]
            meta_us[size] += [n / 1000 for n in r["metadataNanos"]]
    sync_us = fdatasync_latency(work, 200)
    b.rmtree(work)
    rows, points = [], []
    for size in c["sizes"]:
        os.makedirs(work)
        mappings = parse(size) // BLOCK
        internal, external = qcow2_snapshots(work, size, c["qcow2_runs"])
        b.rmtree(work)
        p_us, m_us = pool_us[size], meta_us[size]
        point = dict(size=size, mappings=mappings, build=built[size]["buildSeconds"],
                     pool_p50=b.percentile(p_us, 50), pool_p99=b.percentile(p_us, 99),
                     meta_p50=b.percentile(m_us, 50), meta_p99=b.percentile(m_us, 99),
                     internal=b.median(internal), internal_max=max(internal),
                     external=b.median(external))
        points.append(point)
        rows.append([size, b.fmt(mappings), b.fmt(point["pool_p50"]), b.fmt(point["pool_p99"]),
                     b.fmt(point["meta_p50"]), b.fmt(point["meta_p99"]),
                     b.fmt(point["internal"] * 1000), b.fmt(point["external"] * 1000),
                     b.fmt(point["internal"] * 1e6 / point["pool_p50"]),
                     b.fmt(point["external"] * 1e6 / point["pool_p50"])])
    first, last = points[0], points[-1]
    sync_p50 = b.percentile(sync_us, 50)
    floor = "the device's fdatasync p50 is %s us; a durable snapshot waits for at least 4 syncs (catalog file, " \
            "catalog directory, metadata before and after the superblock), the metadata engine for 2" % b.fmt(sync_p50)
    targets = [
        {"what": "snapshot p50 < 1 ms, whole durable operation (ThinPool.snapshot)",
         "value": ", ".join("%s: %s ms" % (p["size"], b.fmt(p["pool_p50"] / 1000, 2)) for p in points)
         + "; floor %s ms (4 x fdatasync p50)" % b.fmt(4 * sync_p50 / 1000, 2),
         "met": all(p["pool_p50"] < 1000 for p in points)},
        {"what": "snapshot p50 < 1 ms, metadata engine (createSnap + commit)",
         "value": ", ".join("%s: %s ms" % (p["size"], b.fmt(p["meta_p50"] / 1000, 2)) for p in points)
         + "; floor %s ms (2 x fdatasync p50)" % b.fmt(2 * sync_p50 / 1000, 2),
         "met": all(p["meta_p50"] < 1000 for p in points)},
        {"what": "flat: p50 at %s no more than 25 %% above p50 at %s (durable operation)" % (last["size"], first["size"]),
         "value": "x%.2f (pool), x%.2f (metadata)" % (last["pool_p50"] / first["pool_p50"],
                                                     last["meta_p50"] / first["meta_p50"]),
         "met": last["pool_p50"] <= 1.25 * first["pool_p50"]},
    ]
    sizes = [p["mappings"] * BLOCK / (1 << 30) for p in points]
    plot_specs = [{
        "file": os.path.join(b.PLOTS, "snapshot-time-vs-mapped.png"),
        "title": "Snapshot creation time vs mapped size of the origin",
        "xLabel": "mapped GiB", "yLabel": "ms", "logX": True, "logY": True,
        "series": [
            {"name": "thinly p50 (durable, ThinPool.snapshot)", "x": sizes, "y": [p["pool_p50"] / 1000 for p in points]},
            {"name": "thinly p99 (durable)", "x": sizes, "y": [p["pool_p99"] / 1000 for p in points]},
            {"name": "thinly metadata p50 (createSnap + commit)", "x": sizes, "y": [p["meta_p50"] / 1000 for p in points]},
            {"name": "qcow2 internal (qemu-img snapshot -c)", "x": sizes, "y": [p["internal"] * 1000 for p in points]},
            {"name": "qcow2 external (qemu-img create -b)", "x": sizes, "y": [p["external"] * 1000 for p in points]},
        ]}]
    return {
        "id": ID, "title": TITLE, "quick": quick, "params": c, "plot_specs": plot_specs,
        "commands": [
            "bench/run --only snapshot" + (" --quick" if quick else ""),
            "java -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool snapshot-times dir=POOL "
            "mappings=N build=true",
            "java -cp thinly-bench/target/benchmarks.jar dev.thinly.bench.tool.Tool snapshot-times dir=POOL "
            "mappings=N count=%d warmup=%d round=R   (%d rounds, sizes in turn)" % (c["count"], c["warmup"], c["rounds"]),
            "qemu-img create -f qcow2 -o preallocation=metadata,cluster_size=64k origin.qcow2 SIZE",
            "qemu-img snapshot -c sI origin.qcow2        (internal snapshot, %d runs)" % c["qcow2_runs"],
            "qemu-img create -f qcow2 -b origin.qcow2 -F qcow2 overlayI.qcow2   (external snapshot, %d runs)"
            % c["qcow2_runs"],
        ],
        "tables": [{
            "columns": ["mapped", "mappings", "thinly p50 us", "thinly p99 us", "metadata p50 us",
                        "metadata p99 us", "qcow2 internal ms", "qcow2 external ms",
                        "internal / thinly p50", "external / thinly p50"],
            "rows": rows}],
        "plots": ["snapshot-time-vs-mapped.png"],
        "targets": targets,
        "notes": [
            "thinly: %d rounds in which every size takes a turn (a fresh JVM, %d warm-up snapshots, then %d "
            "measured); each snapshot is durable when it returns "
            "(catalog version written and synced, metadata committed with its flushes). The origins were "
            "built bottom-up through the library (PoolBuilder, as restore does): %s; their data blocks were "
            "never written, the data file is sparse." % (c["rounds"], c["warmup"], c["count"], ", ".join(
                "%s in %.1f s" % (p["size"], p["build"]) for p in points)),
            "What bounds the durable figures: " + floor + ". Without the syncs a snapshot is CPU work on a "
            "handful of metadata blocks (the JMH createSnapAndCommit figure in experiment 7 includes the same "
            "two fdatasyncs).",
            "qcow2: the origin is preallocated metadata (every cluster mapped, data sparse), the same mapped "
            "size; an internal snapshot bumps the refcount of every cluster, an external one starts a new "
            "overlay (and a backing chain). Both are whole qemu-img processes, so they include process start.",
        ],
    }


def qcow2_snapshots(work, size, runs):
    image = os.path.join(work, "origin.qcow2")
    b.run(["qemu-img", "create", "-q", "-f", "qcow2", "-o", "preallocation=metadata,cluster_size=64k", image, size])
    internal, external = [], []
    for i in range(runs):
        _, secs = b.run(["qemu-img", "snapshot", "-c", "s%d" % i, image])
        internal.append(secs)
        overlay = os.path.join(work, "overlay%d.qcow2" % i)
        _, secs = b.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", image, "-F", "qcow2", overlay])
        external.append(secs)
    return internal, external


def fdatasync_latency(work, n):
    """Microseconds of one 4 KiB overwrite + fdatasync of a file in the work directory, n times."""
    path = os.path.join(work, "sync-probe")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        block = os.urandom(4096)
        os.pwrite(fd, block, 0)
        os.fsync(fd)
        out = []
        for _ in range(n):
            t = time.perf_counter()
            os.pwrite(fd, block, 0)
            os.fdatasync(fd)
            out.append((time.perf_counter() - t) * 1e6)
        return out
    finally:
        os.close(fd)
        os.unlink(path)

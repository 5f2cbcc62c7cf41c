"""Shared plumbing of the benchmark suite: processes, servers, fio, timing, results."""
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.path.join(ROOT, "bench", "results")
DOCS = os.path.join(ROOT, "docs")
PLOTS = os.path.join(DOCS, "benchmarks")
BENCH_JAR = os.path.join(ROOT, "thinly-bench", "target", "benchmarks.jar")
JAVA_OPTS = ["-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true"]


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def java_home():
    jh = os.environ.get("JAVA_HOME")
    if jh and os.path.exists(os.path.join(jh, "bin", "java")):
        return jh
    out = subprocess.run(
        ["bash", "-c", ". '%s/scripts/find-jdk.sh' && thinly_find_jdk >/dev/null && echo $JAVA_HOME" % ROOT],
        capture_output=True, text=True)
    jh = out.stdout.strip()
    if not jh:
        raise BenchError("no JDK 25 found (set JAVA_HOME)")
    return jh


def java():
    return os.path.join(java_home(), "bin", "java")


def run(cmd, check=True, capture=True, env=None, cwd=None, timeout=None):
    """Runs a command; returns (stdout, seconds). Fails the experiment on a non-zero exit."""
    log("  $ " + " ".join(cmd))
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=capture, text=True, env=env, cwd=cwd or ROOT, timeout=timeout)
    secs = time.perf_counter() - t0
    if check and p.returncode != 0:
        raise BenchError("%s exited %d: %s" % (cmd[0], p.returncode, (p.stderr or "")[-2000:]))
    return (p.stdout if capture else ""), secs


def tool(command, heap=None, **kv):
    """Runs an in-process bench tool (dev.thinly.bench.tool.Tool) and returns its JSON result."""
    opts = list(JAVA_OPTS)
    if heap:
        opts.append("-Xmx" + heap)
    cmd = [java()] + opts + ["-cp", BENCH_JAR, "dev.thinly.bench.tool.Tool", command]
    cmd += ["%s=%s" % (k, v) for k, v in kv.items()]
    log("  $ " + " ".join(cmd))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise BenchError("bench tool %s exited %d" % (command, p.returncode))
    return json.loads(p.stdout.strip().splitlines()[-1])


def thinly_cmd(*args):
    return [os.path.join(ROOT, "thinly")] + list(args)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def percentile(xs, p):
    s = sorted(xs)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def rmtree(path):
    if os.path.exists(path):
        shutil.rmtree(path)


def wait_for(predicate, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise BenchError("timed out waiting for " + what)


def nbd_ready(uri):
    return subprocess.run(["nbdinfo", "--size", uri], capture_output=True).returncode == 0


class Server:
    """A server process started by the suite; stopped by its own PID only."""

    def __init__(self, cmd, uri_probe, env=None, log_file=None):
        self.cmd = cmd
        self.log_file = log_file
        out = open(log_file, "w") if log_file else subprocess.DEVNULL
        log("  $ " + " ".join(cmd) + " &")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=out, env=env, cwd=ROOT, start_new_session=True)
        try:
            wait_for(lambda: self.proc.poll() is None and nbd_ready(uri_probe), "server " + cmd[0])
        except BenchError:
            self.stop()
            raise BenchError("server %s did not come up (log: %s)" % (" ".join(cmd), log_file))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def thinly_serve(pool, socket, heap=None, log_file=None, probe_volume=None):
    env = dict(os.environ)
    env["THINLY_JAVA_OPTS"] = ("-Xmx" + heap) if heap else ""
    if os.path.exists(socket):
        os.unlink(socket)
    uri = nbd_uri(probe_volume, socket)
    return Server(thinly_cmd("serve", "--pool", pool, "--socket", socket), uri, env=env, log_file=log_file)


def qemu_nbd(image, socket, name, log_file=None):
    if os.path.exists(socket):
        os.unlink(socket)
    cmd = ["qemu-nbd", "--read-only", "--persistent", "--format=qcow2", "--cache=writeback", "--shared=8",
           "--socket=" + socket, "--export-name=" + name, image]
    return Server(cmd, nbd_uri(name, socket), log_file=log_file)


def nbd_uri(name, socket):
    return "nbd+unix:///%s?socket=%s" % (name, socket)


def fio_randread(uri, iodepth, runtime, bs="4k", size=None):
    """fio 4 KiB random reads over NBD; returns dict(iops, mean_us, p50_us, p99_us)."""
    cmd = ["fio", "--name=randread", "--ioengine=nbd", "--uri=" + uri, "--rw=randread", "--bs=" + bs,
           "--iodepth=%d" % iodepth, "--time_based", "--runtime=%d" % runtime, "--ramp_time=1",
           "--randrepeat=0", "--norandommap", "--output-format=json"]
    if size:
        cmd.append("--size=%d" % size)
    out, _ = run(cmd)
    j = json.loads(out[out.index("{"):])
    r = j["jobs"][0]["read"]
    clat = r["clat_ns"]
    pct = clat.get("percentile", {})
    return {
        "iops": r["iops"],
        "mean_us": clat["mean"] / 1000.0,
        "p50_us": pct.get("50.000000", 0) / 1000.0,
        "p99_us": pct.get("99.000000", 0) / 1000.0,
    }


def fio_command_line(iodepth, runtime):
    return ("fio --name=randread --ioengine=nbd --uri=URI --rw=randread --bs=4k --iodepth=%d "
            "--time_based --runtime=%d --ramp_time=1 --norandommap --output-format=json" % (iodepth, runtime))


def save(section):
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, section["id"] + ".json"), "w") as f:
        json.dump(section, f, indent=1)


def plot(specs):
    """Renders PNGs with the Java plot tool (XChart); a spec's file is a name in docs/benchmarks/."""
    if not specs:
        return
    specs = [dict(s, file=os.path.join(PLOTS, os.path.basename(s["file"]))) for s in specs]
    os.makedirs(PLOTS, exist_ok=True)
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, "plots.tmp.json")
    with open(path, "w") as f:
        json.dump(specs, f)
    cmd = [java()] + JAVA_OPTS + ["-cp", BENCH_JAR, "dev.thinly.bench.tool.Tool", "plot", "spec=" + path]
    run(cmd)
    os.unlink(path)


def machine():
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    jv = subprocess.run([java(), "-version"], capture_output=True, text=True).stderr.splitlines()
    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return "?"
    fs = subprocess.run(["df", "-T", work_root()], capture_output=True, text=True).stdout.splitlines()[-1].split()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "jdk": jv[1].strip() if len(jv) > 1 else "?",
        "fio": version(["fio", "--version"]),
        "qemu": version(["qemu-img", "--version"]),
        "thin_check": version(["thin_check", "-V"]),
        "filesystem": "%s on %s" % (fs[1], fs[0]) if len(fs) > 1 else "?",
        "commit": commit,
        "loadavg": open("/proc/loadavg").read().split()[:3],
    }


def work_root():
    w = os.environ.get("BENCH_WORK", "/var/tmp/thinly-bench")
    os.makedirs(w, exist_ok=True)
    return w


def fmt(x, digits=None):
    """Numbers for tables: thousands separators for ints, sensible digits for floats."""
    if isinstance(x, str):
        return x
    if isinstance(x, int):
        return "{:,}".format(x)
    if x != x:
        return "n/a"
    if digits is None:
        digits = 0 if abs(x) >= 1000 else (1 if abs(x) >= 10 else (2 if abs(x) >= 0.1 else 3))
    return "{:,.{d}f}".format(x, d=digits)


def ratio(a, b):
    return a / b if b else float("nan")


def subprocess_quiet(cmd):
    """Runs a short command without logging it (loops of thousands)."""
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        raise BenchError("%s exited %d: %s" % (cmd[0], p.returncode, p.stderr[-2000:]))

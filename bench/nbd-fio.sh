#!/usr/bin/env bash
# NBD: thinly vs nbdkit file vs qemu-nbd qcow2, measured with fio's nbd engine.
#
#   bench/nbd-fio.sh                       # 1 GiB disks, 3 rounds, 5 s per fio run (~12 min)
#   QUICK=1 bench/nbd-fio.sh               # 256 MiB, 1 round, 1 s per run (~2 min)
#   ROUNDS=5 RUNTIME=10 SIZE_MIB=2048 bench/nbd-fio.sh
#   PROFILE=1 bench/nbd-fio.sh             # also JFR views of thinly under 4k randread QD32 (stderr)
#   WORK_DIR=/mnt/fast bench/nbd-fio.sh
#
# Three servers on the same kind of disk, each fully written first so reads hit data:
#   thinly    `thinly serve` on a pool, the volume imported from a random image
#   nbdkit    nbdkit's file plugin on a raw copy of that image
#   qemu-nbd  qemu-nbd on a qcow2 converted from it (fully allocated), --cache=writeback
# All three go through the page cache (the image fits in RAM), so the numbers compare the
# servers' request paths, not disks. Each server first gets WARMUP seconds of mixed 4 KiB I/O
# (thinly's JIT compiles its request path; the others fill their caches). Jobs (one connection each): 4 KiB randread and randwrite at
# iodepth 1 and 32, 1 MiB sequential read and write at iodepth 8; over a unix socket and over TCP
# on 127.0.0.1. Every round runs every job on every server, the servers' order rotating per round;
# the table shows medians over the rounds. fio, the client library and the server share the
# machine's CPUs.
#
# Prints the table and writes it as a markdown fragment to bench/results/nbd-fio.md (not in git).
# Exits non-zero if a server does not start or a fio run fails.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "${QUICK:-0}" = 1 ]; then
  size_mib=${SIZE_MIB:-256} rounds=${ROUNDS:-1} runtime=${RUNTIME:-1} ramp=${RAMP:-1} warmup=${WARMUP:-2}
else
  size_mib=${SIZE_MIB:-1024} rounds=${ROUNDS:-3} runtime=${RUNTIME:-5} ramp=${RAMP:-1} warmup=${WARMUP:-5}
fi
results_dir="$here/bench/results"
work=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/var/tmp}/thinly-nbd-bench.XXXXXX")}
mkdir -p "$work" "$results_dir"
for tool in fio nbdkit qemu-nbd qemu-img nbdinfo python3; do
  command -v "$tool" >/dev/null || { echo "nbd-fio: $tool is not installed" >&2; exit 2; }
done

pids=()
stop_servers() {
  local p
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  stop_servers
  rm -rf "$work/img" "$work/nbdkit.raw" "$work/disk.qcow2" "$work/pool" "$work"/*.sock "$work"/*.log \
    "$work"/fio-* "$work/results.tsv" "$work/thinly.jfr"
  rmdir "$work" 2>/dev/null || true
}
trap cleanup EXIT
fail() { echo "nbd-fio: $*" >&2; exit 1; }

"$here/thinly" --version >/dev/null # builds the jar if the sources changed

echo "nbd-fio: writing a ${size_mib} MiB random image and the three disks in $work ..." >&2
head -c "$((size_mib << 20))" /dev/urandom >"$work/img"
cp "$work/img" "$work/nbdkit.raw"
qemu-img convert -q -f raw -O qcow2 "$work/img" "$work/disk.qcow2"
"$here/thinly" pool create --pool "$work/pool" --data-size "$((size_mib * 2))M" >/dev/null
"$here/thinly" import --pool "$work/pool" disk "$work/img" >/dev/null
rm -f "$work/img"
sync

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# waits until an NBD URI answers (the servers daemonize differently; this works for all)
await_uri() {
  local uri="$1" i
  for ((i = 0; i < 300; i++)); do
    nbdinfo --size "$uri" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "no NBD server answers at $uri"
}

declare -A uri
# starts the three servers for one transport; fills uri[server]
start_servers() {
  local transport="$1" port
  if [ "$transport" = unix ]; then
    "$here/thinly" serve --pool "$work/pool" --socket "$work/thinly.sock" \
      >"$work/thinly.out.log" 2>"$work/thinly.log" &
    pids+=($!)
    uri[thinly]="nbd+unix:///disk?socket=$work/thinly.sock"
    nbdkit -f -U "$work/nbdkit.sock" file file="$work/nbdkit.raw" 2>"$work/nbdkit.log" &
    pids+=($!)
    uri[nbdkit]="nbd+unix:///?socket=$work/nbdkit.sock"
    qemu-nbd -t -f qcow2 --cache=writeback --aio=threads -x disk -k "$work/qemu.sock" \
      "$work/disk.qcow2" 2>"$work/qemu.log" &
    pids+=($!)
    uri[qemu-nbd]="nbd+unix:///disk?socket=$work/qemu.sock"
  else
    port=$(free_port)
    "$here/thinly" serve --pool "$work/pool" --listen "127.0.0.1:$port" \
      >"$work/thinly.out.log" 2>"$work/thinly.log" &
    pids+=($!)
    uri[thinly]="nbd://127.0.0.1:$port/disk"
    port=$(free_port)
    nbdkit -f -i 127.0.0.1 -p "$port" file file="$work/nbdkit.raw" 2>"$work/nbdkit.log" &
    pids+=($!)
    uri[nbdkit]="nbd://127.0.0.1:$port/"
    port=$(free_port)
    qemu-nbd -t -f qcow2 --cache=writeback --aio=threads -x disk -b 127.0.0.1 -p "$port" \
      "$work/disk.qcow2" 2>"$work/qemu.log" &
    pids+=($!)
    uri[qemu-nbd]="nbd://127.0.0.1:$port/disk"
  fi
  local s
  for s in thinly nbdkit qemu-nbd; do await_uri "${uri[$s]}"; done
}

# job name -> fio arguments
declare -A job=(
  [randread-4k-qd1]="--rw=randread --bs=4k --iodepth=1"
  [randread-4k-qd32]="--rw=randread --bs=4k --iodepth=32"
  [randwrite-4k-qd1]="--rw=randwrite --bs=4k --iodepth=1"
  [randwrite-4k-qd32]="--rw=randwrite --bs=4k --iodepth=32"
  [read-1m-qd8]="--rw=read --bs=1m --iodepth=8"
  [write-1m-qd8]="--rw=write --bs=1m --iodepth=8"
)
jobs=(randread-4k-qd1 randread-4k-qd32 randwrite-4k-qd1 randwrite-4k-qd32 read-1m-qd8 write-1m-qd8)
servers=(thinly nbdkit qemu-nbd)

# runs one fio job against one server; appends "server transport job round iops MB/s" to results
run_fio() {
  local server="$1" transport="$2" name="$3" round="$4"
  local out="$work/fio-$server-$transport-$name-$round.json"
  # shellcheck disable=SC2086 # the job's arguments are meant to split
  if ! fio --name="$name" --ioengine=nbd --uri="${uri[$server]}" ${job[$name]} --size="${size_mib}m" \
    --time_based --runtime="$runtime" --ramp_time="$ramp" --output-format=json --output="$out" \
    >/dev/null 2>"$out.err"; then
    cat "$out.err" >&2
    fail "fio $name against $server over $transport failed"
  fi
  python3 - "$out" "$server" "$transport" "$name" "$round" >>"$work/results.tsv" <<'PY'
import json, sys
path, server, transport, name, rnd = sys.argv[1:]
j = json.load(open(path))["jobs"][0]
if j["error"]:
    sys.exit("fio reported error %s" % j["error"])
io = j["read"] if j["read"]["io_bytes"] else j["write"]
print(server, transport, name, rnd, "%.0f" % io["iops"], "%.1f" % (io["bw_bytes"] / 1e6), sep="\t")
PY
}

: >"$work/results.tsv"
for transport in unix tcp; do
  start_servers "$transport"
  for s in "${servers[@]}"; do
    echo "nbd-fio: $transport warm-up $s" >&2
    fio --name=warmup --ioengine=nbd --uri="${uri[$s]}" --rw=randrw --bs=4k --iodepth=32 \
      --size="${size_mib}m" --time_based --runtime="$warmup" --output=/dev/null >/dev/null 2>&1 ||
      fail "warm-up fio against $s over $transport failed"
  done
  for ((r = 0; r < rounds; r++)); do
    for name in "${jobs[@]}"; do
      for ((k = 0; k < ${#servers[@]}; k++)); do
        s=${servers[$(((k + r) % ${#servers[@]}))]}
        echo "nbd-fio: $transport round $((r + 1))/$rounds $name $s" >&2
        run_fio "$s" "$transport" "$name" "$r"
      done
    done
  done
  if [ "${PROFILE:-0}" = 1 ] && [ "$transport" = unix ]; then
    # records the warm server (its PID is the java that ./thinly execs) under one more run
    . "$here/scripts/find-jdk.sh"; thinly_find_jdk
    "$JAVA_HOME/bin/jcmd" "${pids[0]}" JFR.start name=nbd-fio settings=profile \
      'jdk.CPUTimeSample#enabled=true' >/dev/null
    run_fio thinly unix randread-4k-qd32 profile
    "$JAVA_HOME/bin/jcmd" "${pids[0]}" JFR.dump name=nbd-fio filename="$work/thinly.jfr" >/dev/null
    "$JAVA_HOME/bin/jcmd" "${pids[0]}" JFR.stop name=nbd-fio >/dev/null
    sed -i '/\tprofile\t/d' "$work/results.tsv"
    for view in cpu-time-hot-methods hot-methods thread-cpu-load; do
      "$JAVA_HOME/bin/jfr" view --width 160 "$view" "$work/thinly.jfr" | head -30 >&2 || true
    done
  fi
  stop_servers
done

machine="$(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $("$here/thinly" --version | head -1)"
jdk=$(. "$here/scripts/find-jdk.sh"; thinly_find_jdk; "$JAVA_HOME/bin/java" -version 2>&1 | head -1)
python3 - "$work/results.tsv" "$results_dir/nbd-fio.md" "$size_mib" "$rounds" "$runtime" "$machine" "$jdk" <<'PY'
import statistics, sys
from collections import defaultdict
tsv, md_path, size_mib, rounds, runtime, machine, jdk = sys.argv[1:]
runs = defaultdict(list)
for line in open(tsv):
    server, transport, name, rnd, iops, mbps = line.split("\t")
    runs[(server, transport, name)].append((float(iops), float(mbps)))
def median(server, transport, name, k):
    return statistics.median(r[k] for r in runs[(server, transport, name)])
jobs = ["randread-4k-qd1", "randread-4k-qd32", "randwrite-4k-qd1", "randwrite-4k-qd32", "read-1m-qd8", "write-1m-qd8"]
rows = []
header = ("| job | transport | thinly | nbdkit file | qemu-nbd qcow2 | thinly / nbdkit | thinly / qemu-nbd |\n"
          "|---|---|---|---|---|---|---|")
for name in jobs:
    for transport in ("unix", "tcp"):
        k = 1 if name.endswith("-qd8") else 0  # MB/s for the 1 MiB jobs, IOPS for 4 KiB
        unit = "MB/s" if k else "IOPS"
        t, n, q = (median(s, transport, name, k) for s in ("thinly", "nbdkit", "qemu-nbd"))
        rows.append("| %s | %s | %.0f %s | %.0f %s | %.0f %s | %.2f | %.2f |"
                    % (name, transport, t, unit, n, unit, q, unit, t / n, t / q))
targets = []
for transport in ("unix", "tcp"):
    t, n, q = (median(s, transport, "randread-4k-qd32", 0) for s in ("thinly", "nbdkit", "qemu-nbd"))
    targets.append("4 KiB randread QD32 over %s: thinly/nbdkit %.2f (target >= 0.9: %s), "
                   "thinly/qemu-nbd %.2f (target >= 1.5: %s)"
                   % (transport, t / n, "met" if t / n >= 0.9 else "MISSED",
                      t / q, "met" if t / q >= 1.5 else "MISSED"))
text = "\n".join([
    "Disks of %s MiB, fully written; median of %s round(s), %s s per fio run after a warm-up,"
    " one connection per job." % (size_mib, rounds, runtime),
    "Machine: %s; %s." % (machine, jdk),
    "",
    header,
    *rows,
    "",
    *("- " + t for t in targets),
    "",
])
open(md_path, "w").write(text)
print(text)
PY
echo "nbd-fio: table written to $results_dir/nbd-fio.md" >&2

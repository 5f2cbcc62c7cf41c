#!/usr/bin/env bash
# Import throughput: `thinly import` of a raw image with ~30% all-zero 64 KiB blocks, against
# `cp --sparse=always` of the same file, in the same run. Prints both and the ratio.
#
#   bench/import-throughput.sh                  # 1 GiB image, 3 runs each
#   SIZE_MIB=4096 RUNS=5 bench/import-throughput.sh
#   WORK_DIR=/mnt/fast bench/import-throughput.sh
#   PROFILE=1 bench/import-throughput.sh        # also records one import with JFR and prints hot methods
#   QUICK=1 bench/import-throughput.sh          # 256 MiB image, 1 run each (for bench/run --quick)
#
# Both sides read the image from the page cache (it was just written and is read once before
# timing). cp does not sync; thinly import ends with a flush (fdatasync of data and metadata), so
# "cp + fsync" (cp followed by `sync FILE`) is the like-for-like figure. The thinly time includes
# JVM start-up, as a user sees it; the start-up alone is printed too.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "${QUICK:-0}" = 1 ]; then
  size_mib=${SIZE_MIB:-256}
  runs=${RUNS:-1}
else
  size_mib=${SIZE_MIB:-1024}
  runs=${RUNS:-3}
fi
work=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/var/tmp}/thinly-bench.XXXXXX")}
mkdir -p "$work"
cleanup() { rm -rf "$work/img" "$work/cp.out" "$work/pool" "$work/import.jfr" "$work/timing" "$work/timing.raw"; rmdir "$work" 2>/dev/null || true; }
trap cleanup EXIT

"$here/thinly" --version >/dev/null # builds the jar if the sources changed

echo "making a ${size_mib} MiB image with ~30% zero blocks in $work ..." >&2
python3 - "$work/img" "$size_mib" <<'PY'
import os, sys
path, mib = sys.argv[1], int(sys.argv[2])
block = 65536
zero = bytes(block)
with open(path, "wb") as f:
    for i in range(mib * 16):
        # 3 blocks in 10 are zeros, spread out (not one run)
        f.write(zero if (i * 7919) % 10 < 3 else os.urandom(block))
PY
cat "$work/img" >/dev/null

now() { date +%s.%N; }
# runs "$@" and appends "wall user+sys" seconds to the file $timing
TIMEFORMAT='%R %U %S'
timed() { { time "$@" >/dev/null; } 2>>"$timing.raw"; tail -n 1 "$timing.raw" | awk '{ print $1, $2 + $3 }' >>"$timing"; }
mibps() { awk -v s="$1" -v m="$size_mib" 'BEGIN { printf "%.0f", m / s }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

cp_times=() ; cps_times=() ; thinly_times=() ; cp_cpu=() ; thinly_cpu=()
timing="$work/timing"
for ((r = 1; r <= runs; r++)); do
  rm -f "$work/cp.out"; sync
  : >"$timing"
  t0=$(now); timed cp --sparse=always "$work/img" "$work/cp.out"; t1=$(now)
  sync "$work/cp.out"; t2=$(now)
  cp_cpu+=("$(awk '{ print $2 }' "$timing")")
  cp_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  cps_times+=("$(awk -v a="$t0" -v b="$t2" 'BEGIN { print b - a }')")
  rm -f "$work/cp.out"

  rm -rf "$work/pool"
  "$here/thinly" pool create --pool "$work/pool" --data-size "$((size_mib * 2))M" >/dev/null
  sync
  : >"$timing"
  t0=$(now); timed "$here/thinly" import --pool "$work/pool" vol "$work/img"; t1=$(now)
  thinly_cpu+=("$(awk '{ print $2 }' "$timing")")
  thinly_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
done

t0=$(now); "$here/thinly" --version >/dev/null; t1=$(now)
jvm=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')

cp_s=$(printf '%s\n' "${cp_times[@]}" | median)
cps_s=$(printf '%s\n' "${cps_times[@]}" | median)
th_s=$(printf '%s\n' "${thinly_times[@]}" | median)
echo "image:             ${size_mib} MiB, 30% zero blocks, median of $runs runs"
cp_c=$(printf '%s\n' "${cp_cpu[@]}" | median)
th_c=$(printf '%s\n' "${thinly_cpu[@]}" | median)
printf 'cp --sparse=always: %6.2f s  %5s MiB/s  (CPU %.2f s)\n' "$cp_s" "$(mibps "$cp_s")" "$cp_c"
printf 'cp + fsync:         %6.2f s  %5s MiB/s\n' "$cps_s" "$(mibps "$cps_s")"
printf 'thinly import:      %6.2f s  %5s MiB/s  (CPU %.2f s; JVM start-up alone: %s s)\n' "$th_s" "$(mibps "$th_s")" "$th_c" "$jvm"
awk -v t="$th_s" -v c="$cp_s" -v s="$cps_s" 'BEGIN {
  printf "ratio thinly / cp:          %.2f\n", t / c
  printf "ratio thinly / (cp + fsync): %.2f\n", t / s }'
echo "all runs (s): cp ${cp_times[*]} | cp+fsync ${cps_times[*]} | thinly ${thinly_times[*]}"
echo "machine: $(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${PROFILE:-0}" = 1 ]; then
  rm -rf "$work/pool"
  "$here/thinly" pool create --pool "$work/pool" --data-size "$((size_mib * 2))M" >/dev/null
  THINLY_JAVA_OPTS="-XX:StartFlightRecording=filename=$work/import.jfr,settings=profile" \
    "$here/thinly" import --pool "$work/pool" vol "$work/img" >/dev/null 2>&1
  . "$here/scripts/find-jdk.sh"; thinly_find_jdk
  "$JAVA_HOME/bin/jfr" view hot-methods "$work/import.jfr" | head -40
  "$JAVA_HOME/bin/jfr" view thread-cpu-load "$work/import.jfr" 2>/dev/null | head -20 || true
fi

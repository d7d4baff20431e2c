#!/usr/bin/env bash
# bench/run.sh — memsim against its engine's limit and its peers on the
# four workloads of issue 13: an x87 matrix multiply (samples/matrix), an
# allocator-heavy run (samples/malloc_mmap), busybox `gzip -c` of a 98 KiB
# text and busybox `sort` of 20 000 lines.
#
#   bench/run.sh [BUILD_DIR] [RUNS]          (default build, 5)
#
# For each: raw Unicorn (`--engine raw`: no hook on the access path), the
# full model untraced (`--no-trace`), the model with the default trace
# (`--db`), qemu-i386, and cachegrind with its cache simulation on the same
# i386 binary.  Every figure is the median of RUNS runs of the whole
# process's CPU time (user + sys of every thread, bench/child_cpu.py);
# model+trace also gets its median wall time (the trace writer runs on a
# second thread).  Prints a Markdown table for docs/PERFORMANCE.md.
#
# The inputs are generated, not shipped: the same bytes on every machine
# (bench/lib.sh: make_inputs).  busybox comes from
# scripts/fetch-busybox.sh; without it (no network) its two rows are left
# out with a line on stderr saying so.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-5}
memsim=$build/emu/memsim
bin=$build/samples/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for tool in python3 qemu-i386 valgrind; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
[ -x "$memsim" ] || { echo "run.sh: no memsim in $build (build it first)" >&2; exit 1; }

. "$here/bench/lib.sh"       # make_inputs
make_inputs "$tmp"

busybox=
if busybox=$("$here/scripts/fetch-busybox.sh" 2>"$tmp/fetch.err"); then :; else
    echo "run.sh: busybox unavailable, gzip and sort left out: $(head -1 "$tmp/fetch.err")" >&2
    busybox=
fi

# name|guest command (the program and its arguments)
workloads=("matrix|$bin/matrix" "malloc_mmap|$bin/malloc_mmap")
if [ -n "$busybox" ]; then
    workloads+=("gzip|$busybox gzip -c $tmp/in98.txt" "sort|$busybox sort $tmp/lines.txt")
fi

# The median CPU seconds (or, with WALL=1, wall seconds) of RUNS runs.
cpu_s() {
    python3 "$here/bench/child_cpu.py" --fresh "$tmp/t.db" "$runs" "$@" |
        awk -v w="${WALL:-0}" '{ printf "%.3f\n", (w ? $2 : $5) / 1000 }'
}

echo "| workload | guest instructions | raw s | model s | model+trace s (wall) | qemu-i386 s | cachegrind s | model / raw | model+trace / raw | model+trace / qemu | model+trace / cachegrind |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for w in "${workloads[@]}"; do
    name=${w%%|*}
    read -r -a cmd <<< "${w#*|}"
    insns=$("$memsim" run --no-trace --summary -- "${cmd[@]}" 2>&1 >/dev/null | awk '$1 == "instructions" { print $2 }')
    raw=$(cpu_s "$memsim" run --engine raw --no-trace -- "${cmd[@]}")
    model=$(cpu_s "$memsim" run --no-trace -- "${cmd[@]}")
    traced=$(cpu_s "$memsim" run --db "$tmp/t.db" -- "${cmd[@]}")
    traced_wall=$(WALL=1 cpu_s "$memsim" run --db "$tmp/t.db" -- "${cmd[@]}")
    qemu=$(cpu_s qemu-i386 "${cmd[@]}")
    cg=$(cpu_s valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null "${cmd[@]}")
    awk -v s="$name" -v n="$insns" -v r="$raw" -v m="$model" -v t="$traced" -v tw="$traced_wall" \
        -v q="$qemu" -v c="$cg" 'BEGIN {
        printf "| %s | %d | %.3f | %.3f | %.3f (%.3f) | %.3f | %.3f | %.2fx | %.2fx | %.1fx | %.1fx |\n",
               s, n, r, m, t, tw, q, c, m / r, t / r, t / q, t / c }'
done
echo
echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(. /etc/os-release; echo "$PRETTY_NAME"); $(date -u +%F); memsim $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'); medians of $runs"

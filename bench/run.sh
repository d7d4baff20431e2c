#!/usr/bin/env bash
# Speed of memsim on the samples (median of N runs): the full model (TLB and
# cache hierarchy, timing) untraced and traced, against raw Unicorn running
# the same program with no hook on the access path (--engine raw), and
# qemu-i386 as a reference.
#   bench/run.sh [BUILD_DIR] [RUNS]      (default build, 5)
# Prints a Markdown table for docs/PERFORMANCE.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-5}
memsim=$build/emu/memsim
bin=$build/samples/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# wall seconds of one command, from bash's clock
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}

echo "| sample | guest instructions | raw Unicorn s | model s | model+trace s | model+trace MIPS | vs raw | trace cost | trace rows | qemu-i386 s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for s in matrix malloc_mmap qsort_strings bigstack syscall_storm; do
    insns=$("$memsim" run --no-trace --summary -- "$bin/$s" 2>&1 >/dev/null | awk '/instructions/ { print $2 }')
    raw=$(for i in $(seq "$runs"); do seconds "$memsim" run --engine raw --no-trace -- "$bin/$s"; done | median)
    untraced=$(for i in $(seq "$runs"); do seconds "$memsim" run --no-trace -- "$bin/$s"; done | median)
    traced=$(for i in $(seq "$runs"); do seconds "$memsim" run --db "$tmp/t.db" -- "$bin/$s"; done | median)
    rows=$("$memsim" run --summary --db "$tmp/t.db" -- "$bin/$s" 2>&1 >/dev/null | sed -n 's/.*(\([0-9]*\) rows).*/\1/p')
    qemu=$(for i in $(seq "$runs"); do seconds qemu-i386 "$bin/$s"; done | median)
    awk -v s="$s" -v n="$insns" -v w="$raw" -v u="$untraced" -v t="$traced" -v r="$rows" -v q="$qemu" 'BEGIN {
        printf "| %s | %d | %.3f | %.3f | %.3f | %.1f | %.1fx | %.2fx | %d | %.3f |\n", s, n, w, u, t, n / t / 1e6, t / w, t / u, r, q }'
done

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

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"     # median, seconds

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

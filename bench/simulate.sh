#!/usr/bin/env bash
# Record once, simulate many (median of N runs): each sample recorded once
# with --trace accesses; then the run untraced, the run recording the access
# stream, the stream's size (bytes per access), and memsim-replay --stats
# (the kernel replay plus every access through the TLBs, caches and timing
# model; no Unicorn) with its speed in accesses per second of wall time
# (process start-up and the trace's loading included).
#   bench/simulate.sh [BUILD_DIR] [RUNS]      (default build, 5)
# Prints a Markdown table for docs/PERFORMANCE.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-5}
memsim=$build/emu/memsim
replay_bin=$build/replay/memsim-replay
bin=$build/samples/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"     # median_seconds

echo "| sample | accesses | bytes/access | run s | run+accesses s | replay --stats s | M accesses/s | core2 s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for s in matrix malloc_mmap qsort_strings; do
    db=$tmp/$s.db
    run=$(median_seconds "$runs" "$memsim" run --no-trace --epoch 0 "$bin/$s")
    traced=$(median_seconds --fresh "$db" "$runs" "$memsim" run --trace accesses --db "$db" --epoch 0 "$bin/$s")
    sim=$(median_seconds "$runs" "$replay_bin" --stats "$db")
    other=$(median_seconds "$runs" "$replay_bin" --stats --cpu core2 "$db")
    read -r n bytes < <(sqlite3 -separator ' ' "$db" "SELECT SUM(n), SUM(LENGTH(data)) FROM access_blocks")
    awk -v s="$s" -v n="$n" -v by="$bytes" -v a="$run" -v b="$traced" -v c="$sim" -v d="$other" 'BEGIN {
        printf "| %s | %d | %.2f | %.3f | %.3f | %.3f | %.1f | %.3f |\n", s, n, by / n, a, b, c, n / c / 1e6, d }'
done

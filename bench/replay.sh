#!/usr/bin/env bash
# Speed of `memsim replay` against the original run (median of N runs): the
# run untraced, the run recording its trace (--db, what a replay needs), and
# the replay of that trace (every outcome compared) by `memsim replay` and by
# memsim-replay (the same command line without Unicorn and Capstone loaded).
#   bench/replay.sh [BUILD_DIR] [RUNS]      (default build, 5)
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

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"     # median, seconds

echo "| sample | events compared | run s | run+trace s | memsim replay s | memsim-replay s | run / replay | run / memsim-replay |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for s in matrix malloc_mmap qsort_strings bigstack brk_shrink syscall_storm; do
    opts=()
    [ "$s" = syscall_storm ] && opts=(--ram 64M)
    db=$tmp/$s.db
    run=$(for _ in $(seq "$runs"); do seconds "$memsim" run --epoch 0 "${opts[@]}" "$bin/$s"; done | median)
    traced=$(for _ in $(seq "$runs"); do rm -f "$db" "$db.old"
                 seconds "$memsim" run --db "$db" --epoch 0 "${opts[@]}" "$bin/$s"; done | median)
    replay=$(for _ in $(seq "$runs"); do seconds "$memsim" replay "$db"; done | median)
    tool=$(for _ in $(seq "$runs"); do seconds "$replay_bin" "$db"; done | median)
    n=$("$memsim" replay "$db" | awk 'NR == 1 { print $1 }')
    awk -v s="$s" -v n="$n" -v a="$run" -v b="$traced" -v c="$replay" -v d="$tool" 'BEGIN {
        printf "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.1f× | %.1f× |\n", s, n, a, b, c, d, a / c, a / d }'
done

#!/usr/bin/env bash
# Speed of `memsim replay` against the original run (median of N runs): the
# run untraced, the run recording its trace (--db, what a replay needs), and
# the replay of that trace (every outcome compared) by `memsim replay` and by
# memsim-replay (the same command line as its own executable, without the
# emulator linked in).  Every sample of tests/guest/samples.list, run as that
# list says (arguments, env:, memsim: options; @FIXTURES@ is
# tests/guest/fixtures), or only the NAMEs given.
#   bench/replay.sh [BUILD_DIR] [RUNS] [NAME...]      (default build, 5)
# Prints a Markdown table for docs/PERFORMANCE.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-5}
shift 2 || shift $#
only=("$@")
memsim=$build/emu/memsim
replay_bin=$build/replay/memsim-replay
bin=$build/samples/bin
list=$here/tests/guest/samples.list
fixtures=$here/tests/guest/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"     # median_seconds, for_each_sample

echo "| sample | events compared | run s | run+trace s | memsim replay s | memsim-replay s | run / replay | run / memsim-replay | run+trace / memsim-replay |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
one_sample() {
    local db=$tmp/$s.db run traced replay tool n
    run=$(median_seconds "$runs" "$memsim" run "${cmd[@]}")
    traced=$(median_seconds --fresh "$db" "$runs" "$memsim" run --db "$db" "${cmd[@]}")
    replay=$(median_seconds "$runs" "$memsim" replay "$db")
    tool=$(median_seconds "$runs" "$replay_bin" "$db")
    n=$("$memsim" replay "$db" | awk 'NR == 1 { print ($2 == "events" && $NF == "match") ? $1 : "DIVERGES" }')
    awk -v s="$s" -v n="$n" -v a="$run" -v b="$traced" -v c="$replay" -v d="$tool" 'BEGIN {
        printf "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.1f× | %.1f× | %.1f× |\n", s, n, a, b, c, d, a / c, a / d, b / d }'
}
for_each_sample "$list" "$fixtures" "$bin" one_sample ${only[@]+"${only[@]}"}

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

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"     # median, seconds, sample_fields

wanted() {
    [ ${#only[@]} -eq 0 ] && return 0
    local n
    for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

echo "| sample | events compared | run s | run+trace s | memsim replay s | memsim-replay s | run / replay | run / memsim-replay | run+trace / memsim-replay |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
while IFS='|' read -r -a fields; do
    s=${fields[0]:-}
    case $s in ''|'#'*) continue ;; esac
    wanted "$s" || continue
    [ -x "$bin/$s" ] || continue
    sample_fields "$fixtures" "${fields[@]:1}"      # opts, args
    db=$tmp/$s.db
    cmd=(--epoch 0 ${opts[@]+"${opts[@]}"} -- "$bin/$s" ${args[@]+"${args[@]}"})
    run=$(for _ in $(seq "$runs"); do seconds "$memsim" run "${cmd[@]}" </dev/null; done | median)
    traced=$(for _ in $(seq "$runs"); do rm -f "$db" "$db.old"
                 seconds "$memsim" run --db "$db" "${cmd[@]}" </dev/null; done | median)
    replay=$(for _ in $(seq "$runs"); do seconds "$memsim" replay "$db"; done | median)
    tool=$(for _ in $(seq "$runs"); do seconds "$replay_bin" "$db"; done | median)
    n=$("$memsim" replay "$db" | awk 'NR == 1 { print ($2 == "events" && $NF == "match") ? $1 : "DIVERGES" }')
    awk -v s="$s" -v n="$n" -v a="$run" -v b="$traced" -v c="$replay" -v d="$tool" 'BEGIN {
        printf "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.1f× | %.1f× | %.1f× |\n", s, n, a, b, c, d, a / c, a / d, b / d }'
done < "$list"

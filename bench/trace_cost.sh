#!/usr/bin/env bash
# What the default trace costs a run, and the writer's own speed.
#   bench/trace_cost.sh [BUILD_DIR] [RUNS] [NAME...]      (default build, 5)
#
# 1. Every sample of tests/guest/samples.list, run as that list says
#    (arguments, env:, memsim: options; @FIXTURES@ is tests/guest/fixtures),
#    or only the NAMEs given: CPU time (user + sys of the child and all its
#    threads, getrusage) and wall time (bench/child_cpu.py, medians of RUNS)
#    of `memsim run --no-trace` and of
#    `memsim run --db` (the default level: every table but the access
#    stream, snapshots and the replay log included; each run creates a
#    fresh file), their ratio, the event rows written, and those rows over
#    the CPU time the trace added (the writer's rate inside a run: noisy
#    where the difference is a few ms).
# 2. The writer alone (bench/trace_writer.c, median of RUNS): N synthetic
#    events through trace_consume() into a real trace file, rows / seconds
#    spent in the writer, with and without trace_close().
# Prints Markdown tables for docs/PERFORMANCE.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
runs=${2:-5}
shift 2 || shift $#
only=("$@")
memsim=$build/emu/memsim
writer_bench=$build/bench/trace_writer_bench
bin=$build/samples/bin
list=$here/tests/guest/samples.list
fixtures=$here/tests/guest/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"     # for_each_sample

# The median wall and CPU ms of a command (bench/child_cpu.py's fields).
wall_cpu_ms() { python3 "$here/bench/child_cpu.py" "$@" | awk '{ print $2, $5 }'; }

echo "| sample | rows | untraced wall ms | traced wall ms | wall traced / untraced | untraced CPU ms | traced CPU ms | CPU traced / untraced | rows / added CPU s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
one_sample() {
    local db=$tmp/$s.db plain_wall plain traced_wall traced rows
    read -r plain_wall plain < <(wall_cpu_ms "$runs" "$memsim" run --no-trace "${cmd[@]}")
    read -r traced_wall traced < <(wall_cpu_ms --fresh "$db" "$runs" "$memsim" run --db "$db" "${cmd[@]}")
    rm -f "$db" "$db.old"
    rows=$("$memsim" run --summary --db "$db" "${cmd[@]}" 2>&1 >/dev/null </dev/null |
           sed -n 's/.*(\([0-9]*\) rows).*/\1/p' | head -1) || true   # a guest's own exit status
    awk -v s="$s" -v n="${rows:-0}" -v a="$plain" -v b="$traced" \
        -v wa="$plain_wall" -v wb="$traced_wall" 'BEGIN {
        d = (b - a) / 1e3
        printf "| %s | %d | %.1f | %.1f | %.2f× | %.1f | %.1f | %.2f× | %s |\n", s, n,
               wa, wb, wb / wa, a, b, b / a,
               (d > 0.002 ? sprintf("%.2f M", n / d / 1e6) : "(< 2 ms added)") }'
}
for_each_sample "$list" "$fixtures" "$bin" one_sample ${only[@]+"${only[@]}"}

echo
echo "| writer bench (trace_writer_bench) | rows | consume s | rows/s | with close s | rows/s with close |"
echo "|---|---:|---:|---:|---:|---:|"
for mix in run walks; do
    out=$(for _ in $(seq "$runs"); do
              "$writer_bench" --mix "$mix" --rows 2000000 --db "$tmp/w.db"; rm -f "$tmp/w.db"
          done)
    n=$(awk '{ print $4 }' <<< "$out" | median)
    consume=$(awk '{ print $6 }' <<< "$out" | median)
    whole=$(awk '{ print $6 + $14 }' <<< "$out" | median)
    awk -v m="$mix" -v n="$n" -v c="$consume" -v w="$whole" 'BEGIN {
        printf "| --mix %s | %d | %.3f | %.2f M | %.3f | %.2f M |\n", m, n, c, n / c / 1e6, w, n / w / 1e6 }'
done

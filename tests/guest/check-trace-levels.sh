#!/usr/bin/env bash
# check-trace-levels.sh — `memsim run --trace LIST` records exactly the
# tables of its levels (trace/trace.h trace_level_bits), and replay refuses a
# trace that lacks what it reads.
#
#   check-trace-levels.sh MEMSIM HELLO_BIN
#
#   none:             runs, run_inputs, exec_image, processes and stats rows;
#                     no row in any event table; runs.trace_level 'none'.
#   faults,syscalls:  faults, syscalls and uaccess rows; none in
#                     translations, allocations, vmas, tlb_flushes,
#                     segments; runs.trace_level 'syscalls,faults' (canonical
#                     order); the same stats as the default run (the stream
#                     still runs: only the trace sink skips rows).
#   default:          every one of those tables has rows; trace_level 'default'.
#   replay of the `--trace faults` trace: exit 2, one stderr line naming
#   what the trace lacks and the --trace that records it.
# Exit 0 when all hold, 1 otherwise (each failed check is printed).
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM HELLO_BIN" >&2
    exit 2
fi
memsim=$1 hello=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-trace-levels.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
problem() { echo "FAIL trace levels: $*"; fails=$((fails + 1)); }
q() { "$memsim" query --csv "$1" "$2" | tail -n +2 | tr -d '\r"'; }   # CSV: CRLF, text quoted

record() {                      # record NAME LEVEL
    "$memsim" run --trace "$2" --epoch 0 --db "$tmp/$1.db" -- "$hello" > "$tmp/$1.out" 2>&1 < /dev/null ||
        problem "run --trace $2 failed: $(cat "$tmp/$1.out")"
}
record none none
record fs faults,syscalls
record def default
record f faults

event_tables="syscalls uaccess faults translations allocations vmas tlb_flushes segments page_cache"
count() { q "$1" "SELECT count(*) FROM $2"; }

# none
[ "$(q "$tmp/none.db" "SELECT trace_level FROM runs")" = none ] || problem "none: runs.trace_level is not 'none'"
for t in runs run_inputs exec_image processes stats; do
    [ "$(count "$tmp/none.db" $t)" -gt 0 ] || problem "none: no $t rows"
done
for t in $event_tables file_maps; do
    [ "$(count "$tmp/none.db" $t)" = 0 ] || problem "none: $t has rows"
done

# faults,syscalls
[ "$(q "$tmp/fs.db" "SELECT trace_level FROM runs")" = syscalls,faults ] ||
    problem "faults,syscalls: runs.trace_level is '$(q "$tmp/fs.db" "SELECT trace_level FROM runs")'"
for t in faults syscalls uaccess; do
    [ "$(count "$tmp/fs.db" $t)" -gt 0 ] || problem "faults,syscalls: no $t rows"
done
for t in translations allocations page_cache vmas tlb_flushes segments; do
    [ "$(count "$tmp/fs.db" $t)" = 0 ] || problem "faults,syscalls: $t has rows"
done
for t in faults syscalls uaccess; do
    [ "$(count "$tmp/fs.db" $t)" = "$(count "$tmp/def.db" $t)" ] ||
        problem "faults,syscalls: $t rows differ from the default run's"
done
stats="SELECT group_concat(name || '=' || value, ' ') FROM (SELECT * FROM stats WHERE name NOT LIKE '%wall%' ORDER BY name)"
[ "$(q "$tmp/fs.db" "$stats")" = "$(q "$tmp/def.db" "$stats")" ] || problem "faults,syscalls: stats differ from the default run's"

# default
[ "$(q "$tmp/def.db" "SELECT trace_level FROM runs")" = default ] || problem "default: runs.trace_level is not 'default'"
for t in syscalls uaccess faults translations allocations vmas; do
    [ "$(count "$tmp/def.db" $t)" -gt 0 ] || problem "default: no $t rows"
done

# replay of a trace that lacks what it reads
"$memsim" replay "$tmp/f.db" > "$tmp/replay.out" 2> "$tmp/replay.err" < /dev/null
rc=$?
[ $rc = 2 ] || problem "replay of a --trace faults trace: exit $rc, expected 2"
[ "$(wc -l < "$tmp/replay.err")" = 1 ] || problem "replay of a --trace faults trace: $(wc -l < "$tmp/replay.err") stderr lines, expected 1"
grep -q "the trace lacks syscalls,walks,allocs,vmas,tlb (it was recorded with --trace faults); record it with --trace default" "$tmp/replay.err" ||
    problem "replay message: $(cat "$tmp/replay.err")"
"$memsim" replay "$tmp/def.db" > /dev/null 2>&1 < /dev/null || problem "replay of the default trace failed"

[ $fails = 0 ] && echo "PASS trace levels" && exit 0
exit 1

#!/usr/bin/env bash
# check-snapshots.sh — the snapshots table (kernel-model/snapshot.h,
# docs/TRACE_SCHEMA.md "snapshots").
#
#   check-snapshots.sh MEMSIM SAMPLES_BIN
#
#   hello, default: at least 50 snapshots; the last is at the run's last
#     cycle and its free pages (summed over zones and orders) are the
#     "frames free at exit" --summary prints; RSS and page-table pages > 0;
#     snap numbers 1..N, each with the same rows.
#   matrix (~100 M cycles), default: at least 50 and fewer than 2000.
#   --snapshot-every 0: one snapshot, at exit.  --snapshot-every 10000: at
#     most cycles/10000 + 1, at least cycles/20000, 10000 cycles apart or more.
#   Outcomes unchanged: the kernel events export and --stats of a run with
#     snapshots every 1000 cycles equal those of a run with none (--trace
#     without snapshots) — snapshots take no seq and cost no cycle.
#   --trace none: no rows; --snapshot-every -1: exit 125, one line.
# Exit 0 when all hold, 1 otherwise (each failed check is printed).
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM SAMPLES_BIN" >&2
    exit 2
fi
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-snapshots.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
problem() { echo "FAIL snapshots: $*"; fails=$((fails + 1)); }
q() { "$memsim" query --csv "$1" "$2" | tail -n +2 | tr -d '\r"'; }

record() {                      # record NAME SAMPLE [run options...]
    local name=$1 sample=$2
    shift 2
    "$memsim" run --epoch 0 --db "$tmp/$name.db" --summary --stats "$@" -- "$bin/$sample" \
        > "$tmp/$name.out" 2> "$tmp/$name.err" < /dev/null ||
        problem "run $* $sample failed: $(tail -n 3 "$tmp/$name.err")"
}

# ---- the default schedule
record def hello
n=$(q "$tmp/def.db" "SELECT count(DISTINCT snap) FROM snapshots")
[ "$n" -ge 50 ] || problem "hello: $n snapshots by default, expected >= 50"
[ "$(q "$tmp/def.db" "SELECT max(snap) = count(DISTINCT snap) AND min(snap) = 1 FROM snapshots")" = 1 ] ||
    problem "hello: snap is not 1..N"
[ "$(q "$tmp/def.db" "SELECT count(DISTINCT c) FROM (SELECT count(*) AS c FROM snapshots GROUP BY snap)")" = 1 ] ||
    problem "hello: snapshots with different row counts"
last="(SELECT max(snap) FROM snapshots)"
[ "$(q "$tmp/def.db" "SELECT max(cycle) FROM snapshots WHERE snap = $last")" = \
  "$(q "$tmp/def.db" "SELECT cycles FROM runs")" ] || problem "hello: the last snapshot is not at the run's end"
free=$(q "$tmp/def.db" "SELECT sum(value) FROM snapshots WHERE snap = $last AND metric = 'free-pages'")
summary_free=$(sed -n 's/.* \([0-9]*\) frames free at exit.*/\1/p' "$tmp/def.err")
[ -n "$free" ] && [ "$free" = "$summary_free" ] ||
    problem "hello: free pages at the last snapshot $free, --summary says $summary_free"
for m in rss pgtable-pages; do
    v=$(q "$tmp/def.db" "SELECT value FROM snapshots WHERE snap = $last AND metric = '$m' AND pid = 1000")
    [ -n "$v" ] && [ "$v" -gt 0 ] || problem "hello: $m at exit is '$v'"
done

record mat matrix
n=$(q "$tmp/mat.db" "SELECT count(DISTINCT snap) FROM snapshots")
[ "$n" -ge 50 ] && [ "$n" -lt 2000 ] || problem "matrix: $n snapshots by default, expected 50..1999"

# ---- fixed intervals
record zero hello --snapshot-every 0
[ "$(q "$tmp/zero.db" "SELECT count(DISTINCT snap), max(cycle) = (SELECT cycles FROM runs) FROM snapshots")" = "1,1" ] ||
    problem "--snapshot-every 0: not exactly one snapshot at exit"
record tenk hello --snapshot-every 10000
cycles=$(q "$tmp/tenk.db" "SELECT cycles FROM runs")
n=$(q "$tmp/tenk.db" "SELECT count(DISTINCT snap) FROM snapshots")
[ "$n" -le $((cycles / 10000 + 1)) ] && [ "$n" -ge $((cycles / 20000)) ] ||
    problem "--snapshot-every 10000: $n snapshots in $cycles cycles"
close=$(q "$tmp/tenk.db" "SELECT count(*) FROM (SELECT snap, min(cycle) AS c FROM snapshots GROUP BY snap) a
        JOIN (SELECT snap, min(cycle) AS c FROM snapshots GROUP BY snap) b ON b.snap = a.snap + 1
        WHERE b.c - a.c < 10000 AND b.snap < (SELECT max(snap) FROM snapshots)")
[ "$close" = 0 ] || problem "--snapshot-every 10000: $close intervals shorter than 10000 cycles"

# ---- no other outcome changes
record dense hello --snapshot-every 1000
record without hello --trace syscalls,faults,walks,allocs,vmas,tlb,segments
"$memsim" export "$tmp/dense.db" -o "$tmp/dense.events" && "$memsim" export "$tmp/without.db" -o "$tmp/without.events" ||
    problem "export failed"
# the runs line differs in trace_level and in the options naming the
# interval (runs.options), nothing else may
grep -q '^run .*options="[^"]* snapshot-every=1000"' "$tmp/dense.events" ||
    problem "runs.options does not name --snapshot-every 1000"
sed -i -e 's/ trace_level=[^ ]*$//' -e 's/ snapshot-every=1000"/"/' "$tmp/dense.events" "$tmp/without.events"
cmp -s "$tmp/dense.events" "$tmp/without.events" ||
    problem "the kernel export changes with snapshots: $(diff "$tmp/dense.events" "$tmp/without.events" | head -n 3)"
grep -v 'trace \|MIPS' "$tmp/dense.err" > "$tmp/dense.stats"
grep -v 'trace \|MIPS' "$tmp/without.err" > "$tmp/without.stats"
cmp -s "$tmp/dense.stats" "$tmp/without.stats" ||
    problem "--stats change with snapshots: $(diff "$tmp/dense.stats" "$tmp/without.stats" | head -n 3)"
[ "$(q "$tmp/without.db" "SELECT count(*) FROM snapshots")" = 0 ] || problem "snapshots recorded without the level"
"$memsim" replay "$tmp/dense.db" > "$tmp/replay.out" 2>&1 || problem "replay of a trace with snapshots: $(head -n 3 "$tmp/replay.out")"

# ---- levels and bad input
record none hello --trace none
[ "$(q "$tmp/none.db" "SELECT count(*) FROM snapshots")" = 0 ] || problem "--trace none recorded snapshots"
"$memsim" run --snapshot-every -1 --db "$tmp/bad.db" -- "$bin/hello" > /dev/null 2> "$tmp/bad.err" < /dev/null
rc=$?
[ "$rc" = 125 ] && [ "$(wc -l < "$tmp/bad.err")" = 1 ] ||
    problem "--snapshot-every -1: exit $rc, stderr: $(cat "$tmp/bad.err")"

[ "$fails" = 0 ] && echo "snapshots: all checks passed"
[ "$fails" = 0 ]

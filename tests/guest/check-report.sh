#!/usr/bin/env bash
# check-report.sh — `memsim report TRACE` (trace/report.h): the text report
# of a sample's trace has its key lines, with the numbers SQL gives for the
# same database (asked here independently of report.c's queries where a
# second formulation exists).
#
#   check-report.sh MEMSIM SAMPLES_BIN GOLDEN_DIR
#
#   run totals (instructions, cycles, CPI, exit); faults by kind and by
#   resolution; faults by VMA summing to every fault, [heap] and [stack]
#   present; the page with most faults; allocations (allocs sum); frames
#   held at exit (pages, against a NOT EXISTS query); a system call's count
#   and an error with its name; the l1d and dtlb lines of the stats; the last
#   snapshot's line.  The report of an events file (no cycles, no stats)
#   exits 0 and says what it lacks.  Bad input: a non-trace exits 2, a
#   bad usage 2, an --html path that cannot be written 1, each with one line
#   and no file left behind.
# Exit 0 when all hold, 1 otherwise (each failed check is printed).
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 MEMSIM SAMPLES_BIN GOLDEN_DIR" >&2
    exit 2
fi
memsim=$1 bin=$2 golden=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-report.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
problem() { echo "FAIL report: $*"; fails=$((fails + 1)); }
q() { "$memsim" query --csv "$db" "$1" | tail -n +2 | tr -d '\r"'; }
# has REGEX WHAT: the report has a line matching REGEX (extended, whole line)
has() { grep -Eq "^$1\$" "$tmp/report.txt" || problem "$2: no line /^$1\$/"; }
# section TITLE: the lines of one section (up to the blank line)
section() { awk -v t="$1" '$0 == t {on = 1; next} on && $0 == "" {exit} on' "$tmp/report.txt"; }

db=$tmp/hello.db
"$memsim" run --db "$db" -- "$bin/hello" > /dev/null 2>&1 < /dev/null
"$memsim" report "$db" > "$tmp/report.txt" 2> "$tmp/report.err" ||
    problem "report exited $?: $(cat "$tmp/report.err")"

# ---- run totals
has "instructions +$(q 'SELECT instructions FROM runs')" "instructions"
has "cycles +$(q 'SELECT cycles FROM runs')" "cycles"
has "CPI +$(q "SELECT printf('%.3f', 1.0 * cycles / instructions) FROM runs")" "CPI"
has "exit +$(q "SELECT exit_status || ' \\(' || exit_reason || '\\)' FROM runs")" "exit"

# ---- faults
while IFS=, read -r kind n; do
    has "$kind +$n +[0-9.]+%" "faults by kind $kind"
done < <(q "SELECT kind, count(*) FROM faults GROUP BY kind")
while IFS=, read -r res n; do
    has "$res +$n +[0-9.]+%" "faults by resolution $res"
done < <(q "SELECT resolution, count(*) FROM faults GROUP BY resolution")
vma_sum=$(section "Faults by VMA" | awk 'NR > 3 {s += $(NF - 1)} END {print s + 0}')
[ "$vma_sum" = "$(q 'SELECT count(*) FROM faults')" ] ||
    problem "faults by VMA sum to $vma_sum, the trace has $(q 'SELECT count(*) FROM faults')"
for v in '\[heap\]' '\[stack\]'; do
    section "Faults by VMA" | grep -Eq "^$v +[0-9]+ +[0-9]+$" || problem "faults by VMA: no $v line"
done
top=$(q "SELECT printf('0x%08x', (address >> 12) << 12) || ' +' || pid || ' +' || count(*)
         FROM faults GROUP BY pid, address >> 12 ORDER BY count(*) DESC, pid, address >> 12 LIMIT 1")
section "Pages with most faults" | sed -n 4p | grep -Eq "^$top " ||
    problem "pages with most faults: first row is not /$top/: $(section "Pages with most faults" | sed -n 4p)"

# ---- allocations
allocs=$(section "Allocations by allocator, order and purpose" | awk 'NR > 2 {s += $(NF - 2)} END {print s + 0}')
[ "$allocs" = "$(q "SELECT count(*) FROM allocations WHERE op IN ('alloc', 'reserve')")" ] ||
    problem "allocations: allocs sum to $allocs"
held=$(section "Frames still held at exit" | awk 'NR > 3 {s += $NF} END {print s + 0}')
# frames: page allocator rows (a slab object's frames are its slab's buddy row)
held_sql=$(q "SELECT sum(1 << ord) FROM allocations a WHERE op IN ('alloc', 'reserve')
              AND allocator <> 'slab' AND NOT EXISTS
              (SELECT 1 FROM allocations f WHERE f.op = 'free' AND f.allocator = a.allocator
               AND f.pfn = a.pfn AND f.ord = a.ord AND f.seq > a.seq)")
[ "$held" = "$held_sql" ] || problem "held at exit: $held pages, SQL says $held_sql"

# ---- system calls
IFS=, read -r name nr n errs < <(q "SELECT name, nr, count(*), count(errno) FROM syscalls
                                     GROUP BY nr ORDER BY count(*) DESC, nr LIMIT 1")
has "$name +$nr +$n +$errs" "system calls: $name"
IFS=, read -r name e n < <(q "SELECT name, errno, count(*) FROM syscalls WHERE errno IS NOT NULL
                               GROUP BY name, errno ORDER BY count(*) DESC, name, errno LIMIT 1")
[ -n "$name" ] || problem "hello made no failing system call (its ioctl on stdout)?"
has "$name +$e +E[A-Z0-9]+ +$n" "system call errors: $name $e"

# ---- stats and memory over time
for lvl in l1d dtlb; do
    has "$lvl +$(q "SELECT value FROM stats WHERE name = '$lvl.hits'") +$(q "SELECT value FROM stats WHERE name = '$lvl.misses'") +[0-9.]+%.*" "stats $lvl"
done
has "$(q "SELECT snap || ' +' || min(cycle) || ' +' || sum(CASE WHEN metric = 'free-pages' THEN value END)
          || ' +' || sum(CASE WHEN metric = 'rss' THEN value END) FROM snapshots
          WHERE snap = (SELECT max(snap) FROM snapshots)") +[0-9]+" "memory over time: the last snapshot"

# ---- an events file: what it lacks is said, not fatal
"$memsim" report "$golden/hello.events" > "$tmp/ev.txt" 2> "$tmp/ev.err" ||
    problem "report of hello.events exited $?: $(cat "$tmp/ev.err")"
grep -q "^Memory over time" "$tmp/ev.txt" && grep -q "^  (none)" "$tmp/ev.txt" ||
    problem "report of hello.events: no empty memory section"

# ---- bad input
bad() {                         # bad WANT_STATUS WHAT ARGS...
    local want=$1 what=$2
    shift 2
    "$memsim" report "$@" > /dev/null 2> "$tmp/bad.err"
    local rc=$?
    [ "$rc" = "$want" ] && [ "$(wc -l < "$tmp/bad.err")" = 1 ] ||
        problem "$what: exit $rc (want $want), stderr: $(cat "$tmp/bad.err")"
}
echo "not a trace" > "$tmp/junk.db"
bad 2 "a non-trace" "$tmp/junk.db"
bad 2 "no trace" --html "$tmp/x.html"
bad 2 "an unknown option" --pie "$db"
bad 1 "an unwritable --html" "$db" --html "$tmp/no/such/dir/r.html"
bad 2 "a non-trace with --html" "$tmp/junk.db" --html "$tmp/j.html"
[ ! -e "$tmp/j.html" ] || problem "a failed report left $tmp/j.html"

[ "$fails" = 0 ] && echo "report: all checks passed"
[ "$fails" = 0 ]

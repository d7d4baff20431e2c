#!/usr/bin/env bash
# determinism.sh — the same program, input and options give the same run,
# byte for byte in stdout and row for row in the trace; --seed changes the
# guest's random bytes and nothing it should not.
#
#   determinism.sh MEMSIM SAMPLES_BIN_DIR [CC]
#
# CC (default gcc) builds a small probe guest with -m32 -static.
#
# 1. qsort_strings, page_touch and pipe_fork (two processes under
#    --quantum 5000: preempted and blocked switches) each run twice with the same options into
#    two trace databases.  Asserted: identical exit status (0) and stdout;
#    the same schema; every table dumped in full (`ORDER BY seq` for event
#    tables, by key / id for meta and runs, values in SQL-literal form so
#    NULL, '' and 1.0 are told apart) is identical except runs.started and
#    runs.wall_seconds, the two wall-clock columns (docs/TRACE_SCHEMA.md,
#    "Determinism").  So the comparison is not vacuous, the event tables
#    (translations, faults, allocations, vmas, syscalls) must all have rows
#    and runs must hold one finished run.
# 2. Tracing does not perturb the model: a --no-trace --summary run of
#    qsort_strings reports the same instruction and cycle counts as the
#    traced runs' runs row.
# 3. --seed: a probe guest prints the 16 AT_RANDOM bytes and 16 bytes from
#    getrandom(2).  Same seed twice -> identical output; seeds 0, 1 and
#    4886718345 (0x123456789, beyond 32 bits; --seed is decimal) -> pairwise
#    different AT_RANDOM bytes and different getrandom bytes.  qsort_strings with --seed 7 prints the same stdout as
#    with seed 0 (its output does not depend on the seed), and its trace
#    records seed=7 in runs.options.
#
# Every run passes --epoch, as a rerun must (the default epoch is the host's
# time at the start; guest/clocks checks it).
#
# Needs the sqlite3 shell for the dumps; without it the test is skipped (77).
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 MEMSIM SAMPLES_BIN_DIR [CC]" >&2
    exit 2
fi
memsim=$1 bindir=$2 cc=${3:-gcc}
command -v sqlite3 > /dev/null || { echo "SKIP determinism: no sqlite3 shell"; exit 77; }
for s in qsort_strings page_touch pipe_fork; do
    [ -x "$bindir/$s" ] || { echo "FAIL determinism: missing $bindir/$s (build the samples)"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-determinism.XXXXXX") || exit 1
nfail=0
fail() { echo "FAIL determinism: $*"; nfail=$((nfail + 1)); }

# Every run fixes the guest's epoch (the default is the host's time, which
# runs.epoch records): the runs are then identical whenever they start.
epoch=1700000000

# run TAG [memsim run options...] -- PROGRAM: stdout, stderr and status in $tmp/TAG.*
run() {
    local tag=$1
    shift
    timeout -k 5 300 "$memsim" run --epoch "$epoch" "$@" > "$tmp/$tag.out" 2> "$tmp/$tag.err" < /dev/null
    echo $? > "$tmp/$tag.status"
}

# Every table of a trace, in a fixed order, minus the wall-clock columns.
dump() {
    local db=$1 t cols order
    sqlite3 -batch "$db" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name" \
        || return 1
    for t in $(sqlite3 -batch "$db" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); do
        cols=$(sqlite3 -batch "$db" "SELECT group_concat('\"' || name || '\"', ', ') FROM pragma_table_info('$t')
                                     WHERE NOT ('$t' = 'runs' AND name IN ('started', 'wall_seconds'))")
        case " $(sqlite3 -batch "$db" "SELECT group_concat(name, ' ') FROM pragma_table_info('$t')") " in
            *" seq "*) order=seq ;;                 # the column named seq, not start_seq or seq_first
            *) order=rowid ;;
        esac
        echo "== $t ($cols) ORDER BY $order"
        sqlite3 -batch -cmd '.mode quote' "$db" "SELECT $cols FROM \"$t\" ORDER BY $order" || return 1
    done
}

count() { sqlite3 -batch "$1" "SELECT count(*) FROM $2" 2> /dev/null || echo error; }

# ---- 1. same options twice (pipe_fork: two processes, a quantum short
# enough that the scheduler preempts them as well as the pipe blocking them)
for s in qsort_strings page_touch pipe_fork; do
    opts=()
    [ "$s" = pipe_fork ] && opts=(--quantum 5000)
    run "$s.1" --db "$tmp/$s.1.db" "${opts[@]}" -- "$bindir/$s"
    run "$s.2" --db "$tmp/$s.2.db" "${opts[@]}" -- "$bindir/$s"
    for i in 1 2; do
        [ "$(cat "$tmp/$s.$i.status")" = 0 ] \
            || fail "$s run $i: exit status $(cat "$tmp/$s.$i.status"): $(head -n 3 "$tmp/$s.$i.err")"
    done
    cmp -s "$tmp/$s.1.out" "$tmp/$s.2.out" || fail "$s: stdout differs between two identical runs"
    [ -s "$tmp/$s.1.out" ] || fail "$s: printed nothing"
    dump "$tmp/$s.1.db" > "$tmp/$s.1.dump" || fail "$s: cannot dump trace 1"
    dump "$tmp/$s.2.db" > "$tmp/$s.2.dump" || fail "$s: cannot dump trace 2"
    if ! cmp -s "$tmp/$s.1.dump" "$tmp/$s.2.dump"; then
        fail "$s: traces of two identical runs differ (first differences):"
        diff "$tmp/$s.1.dump" "$tmp/$s.2.dump" | head -n 20 | sed 's/^/    /'
    fi
    for t in translations faults allocations vmas syscalls; do
        n=$(count "$tmp/$s.1.db" "$t")
        case $n in
            ''|error|0) fail "$s: table $t has no rows ($n): nothing was compared" ;;
        esac
    done
    [ "$(count "$tmp/$s.1.db" 'runs WHERE instructions > 0 AND exit_status = 0 AND started IS NOT NULL AND wall_seconds IS NOT NULL')" = 1 ] \
        || fail "$s: runs does not hold one finished run"
    if [ "$s" = pipe_fork ]; then
        for w in "processes" "context_switches WHERE reason = 'preempted'" "context_switches WHERE reason = 'blocked'"; do
            n=$(count "$tmp/$s.1.db" "$w")
            case $n in ''|error|0|1) [ "$w" = processes ] && [ "$n" = 2 ] || fail "$s: $w: $n rows" ;; esac
        done
    fi
    echo "determinism: $s: $(wc -l < "$tmp/$s.1.dump") dump lines identical over two runs"
done

# ---- 2. tracing does not change the model's counts
run qsort_notrace --no-trace --summary -- "$bindir/qsort_strings"
cmp -s "$tmp/qsort_notrace.out" "$tmp/qsort_strings.1.out" || fail "qsort_strings: stdout differs with --no-trace"
traced=$(sqlite3 -batch "$tmp/qsort_strings.1.db" "SELECT instructions || ' ' || cycles FROM runs")
untraced=$(awk '$1 == "instructions" { i = $2 } $1 == "cycles" { c = $2 } END { print i " " c }' "$tmp/qsort_notrace.err")
[ -n "$traced" ] && [ "$traced" = "$untraced" ] \
    || fail "qsort_strings: instructions/cycles traced '$traced' vs --no-trace --summary '$untraced'"

# ---- 3. --seed
cat > "$tmp/seedprobe.c" <<'EOF'
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/random.h>

int main(void)
{
    const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
    unsigned char b[16] = { 0 };
    long n = getrandom(b, sizeof b, 0);
    printf("AT_RANDOM");
    for (int i = 0; r && i < 16; i++)
        printf(" %02x", r[i]);
    printf("\ngetrandom %ld", n);
    for (int i = 0; i < 16; i++)
        printf(" %02x", b[i]);
    printf("\n");
    return 0;
}
EOF
if ! "$cc" -m32 -static -O2 -o "$tmp/seedprobe" "$tmp/seedprobe.c" 2> "$tmp/cc.err"; then
    fail "cannot build the seed probe with $cc -m32 -static: $(head -n 3 "$tmp/cc.err")"
else
    for seed in 0 0b 1 4886718345; do
        run "probe.$seed" --no-trace --seed "${seed%b}" -- "$tmp/seedprobe"
        [ "$(cat "$tmp/probe.$seed.status")" = 0 ] || fail "seed probe, --seed ${seed%b}: status $(cat "$tmp/probe.$seed.status")"
        [ "$(grep -c '^AT_RANDOM \([0-9a-f]\{2\} \?\)\{16\}$' "$tmp/probe.$seed.out")" = 1 ] \
            && [ "$(grep -c '^getrandom 16 \([0-9a-f]\{2\} \?\)\{16\}$' "$tmp/probe.$seed.out")" = 1 ] \
            || fail "seed probe, --seed ${seed%b}: unexpected output: $(head -c 300 "$tmp/probe.$seed.out")"
    done
    cmp -s "$tmp/probe.0.out" "$tmp/probe.0b.out" || fail "--seed 0 twice: the random bytes differ"
    for pair in "0 1" "0 4886718345" "1 4886718345"; do
        set -- $pair
        for what in AT_RANDOM getrandom; do
            a=$(grep "^$what" "$tmp/probe.$1.out") b=$(grep "^$what" "$tmp/probe.$2.out")
            [ -n "$a" ] && [ "$a" != "$b" ] || fail "--seed $1 and --seed $2 give the same $what bytes: $a"
        done
    done
    echo "determinism: seed 0: $(tr '\n' ';' < "$tmp/probe.0.out")"
    echo "determinism: seed 1: $(tr '\n' ';' < "$tmp/probe.1.out")"
fi
run qsort_seed7 --db "$tmp/qsort_seed7.db" --seed 7 -- "$bindir/qsort_strings"
[ "$(cat "$tmp/qsort_seed7.status")" = 0 ] || fail "qsort_strings --seed 7: status $(cat "$tmp/qsort_seed7.status")"
cmp -s "$tmp/qsort_seed7.out" "$tmp/qsort_strings.1.out" || fail "qsort_strings: stdout differs between --seed 0 and --seed 7"
case $(sqlite3 -batch "$tmp/qsort_seed7.db" "SELECT options FROM runs") in
    *seed=7*) ;;
    *) fail "qsort_strings --seed 7: runs.options does not record seed=7" ;;
esac

if [ "$nfail" = 0 ]; then
    rm -rf "$tmp"
    echo "PASS determinism"
    exit 0
fi
echo "kept: $tmp"
echo "FAIL determinism ($nfail problems)"
exit 1

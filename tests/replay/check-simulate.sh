#!/bin/bash
# ctest replay/simulate: record once, simulate many.  matrix and
# malloc_mmap recorded with --trace accesses --stats; `memsim replay
# --stats` drives the access stream through the TLBs, caches and timing
# model between the kernel's recorded inputs: its counters print exactly as
# the run's did.  A smaller L2 (--cpu-config) gives more L2 misses than the
# recording, and exactly the counters a real run with that config has.
# --cpu core2 --db OUT writes the other hierarchy's stats as a trace.  Bad
# input (exit 2, one line): --cpu or --stats on a trace without the
# stream, an unknown --cpu.
#   check-simulate.sh MEMSIM BIN_DIR
set -u
MEMSIM=$1 BIN=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/simulate.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
counters() { sed -n '/Performance counter stats/,$p' "$1"; }
stat_of() { counters "$1" | awk -v n="$2" '$2 == n { print $1 }'; }
run() { "$MEMSIM" run --epoch 0 --seed 1 --env-clear "$@" </dev/null; }

for prog in matrix malloc_mmap; do
    db=$TMP/$prog.db
    run --trace accesses --db "$db" --stats "$BIN/$prog" >/dev/null 2>"$TMP/$prog.run" ||
        bad "$prog: run failed"
    "$MEMSIM" replay --stats "$db" >"$TMP/$prog.out" 2>"$TMP/$prog.sim"
    rc=$?
    [ $rc -eq 0 ] || bad "$prog: replay --stats exit $rc: $(head -1 "$TMP/$prog.out")"
    grep -q 'all outcomes match$' "$TMP/$prog.out" || bad "$prog: $(head -1 "$TMP/$prog.out")"
    [ "$(counters "$TMP/$prog.run" | wc -l)" -gt 40 ] || bad "$prog: the run printed no counters"
    if counters "$TMP/$prog.run" | cmp -s - <(counters "$TMP/$prog.sim"); then
        echo "ok   $prog: replay --stats equals run --stats ($(stat_of "$TMP/$prog.sim" instructions) instructions, $(stat_of "$TMP/$prog.sim" cycles) cycles)"
    else
        bad "$prog: replay --stats differs from run --stats:"
        diff <(counters "$TMP/$prog.run") <(counters "$TMP/$prog.sim") | head -20
    fi
done

# a quarter of skylake's L2, one way in four
# Several processes and threads (pipes, COW, futexes, vfork + execve): the
# run's total equals the simulation's — the stream's switch markers put each
# task's accesses through its own page tables.  (poll_pipe is left out: its
# poll sleeps, and an external call's sleep is not simulated.)
total() { sed -n '/Performance counter stats (modelled, total/,$p' "$1" | tail -n +2; }
for prog in pipe_fork fork_cow threads spawn; do
    db=$TMP/$prog.db
    run --trace accesses --db "$db" --stats "$BIN/$prog" >/dev/null 2>"$TMP/$prog.run" ||
        bad "$prog: run failed"
    "$MEMSIM" replay --stats "$db" >"$TMP/$prog.out" 2>"$TMP/$prog.sim" ||
        bad "$prog: replay --stats exit $?: $(head -1 "$TMP/$prog.out")"
    [ "$(total "$TMP/$prog.run" | wc -l)" -gt 40 ] || bad "$prog: the run printed no total"
    if total "$TMP/$prog.run" | cmp -s - <(counters "$TMP/$prog.sim" | tail -n +2); then
        echo "ok   $prog: replay --stats equals the run's total ($(stat_of "$TMP/$prog.sim" instructions) instructions, $(stat_of "$TMP/$prog.sim" cycles) cycles)"
    else
        bad "$prog: replay --stats differs from the run's total:"
        diff <(total "$TMP/$prog.run") <(counters "$TMP/$prog.sim" | tail -n +2) | head -20
    fi
done

printf 'l2.size = 64K\nl2.ways = 4\n' >"$TMP/small-l2.conf"
"$MEMSIM" replay --stats --cpu-config "$TMP/small-l2.conf" "$TMP/matrix.db" >"$TMP/small.out" 2>"$TMP/small.sim" ||
    bad "--cpu-config small-l2: exit $?: $(head -1 "$TMP/small.out")"
was=$(stat_of "$TMP/matrix.run" l2.misses) now=$(stat_of "$TMP/small.sim" l2.misses)
[ -n "$now" ] && [ "$now" -gt "$was" ] || bad "smaller L2: $now L2 misses, recorded $was (want more)"
echo "ok   smaller L2: $now L2 misses, recorded $was"
run --no-trace --stats --cpu-config "$TMP/small-l2.conf" "$BIN/matrix" >/dev/null 2>"$TMP/small.run"
counters "$TMP/small.run" | cmp -s - <(counters "$TMP/small.sim") ||
    bad "smaller L2: the simulation differs from a run with that config"

out=$TMP/core2.db
"$MEMSIM" replay --cpu core2 --stats --db "$out" "$TMP/matrix.db" >"$TMP/core2.out" 2>"$TMP/core2.sim" ||
    bad "--cpu core2 --db: exit $?: $(head -1 "$TMP/core2.out")"
[ "$(sqlite3 "$out" "SELECT cpu FROM runs")" = core2 ] || bad "--db OUT: runs.cpu is not core2"
want=$(stat_of "$TMP/core2.sim" l1d.misses)
got=$(sqlite3 "$out" "SELECT CAST(value AS INTEGER) FROM stats WHERE name = 'l1d.misses'")
[ -n "$want" ] && [ "$got" = "$want" ] || bad "--db OUT: stats l1d.misses $got, printed $want"
[ "$want" != "$(stat_of "$TMP/matrix.run" l1d.misses)" ] || bad "core2: the same L1D misses as skylake"
echo "ok   --cpu core2 --db: $got L1D misses (skylake $(stat_of "$TMP/matrix.run" l1d.misses))"

run --db "$TMP/plain.db" "$BIN/hello" >/dev/null 2>&1
for opt in "--cpu core2" "--stats" "--cpu-config $TMP/small-l2.conf"; do
    # shellcheck disable=SC2086
    "$MEMSIM" replay $opt "$TMP/plain.db" >"$TMP/o" 2>"$TMP/e"
    rc=$?
    [ $rc -eq 2 ] || bad "$opt without a stream: exit $rc, want 2"
    [ "$(wc -l <"$TMP/e")" -eq 1 ] && grep -q 'this trace has no access stream: only the kernel side can be replayed; record with --trace accesses' "$TMP/e" ||
        bad "$opt without a stream: $(cat "$TMP/e")"
done
"$MEMSIM" replay --cpu nosuch "$TMP/matrix.db" >/dev/null 2>"$TMP/e"
rc=$?; [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/e")" -eq 1 ] || bad "--cpu nosuch: exit $rc: $(cat "$TMP/e")"
exit $fail

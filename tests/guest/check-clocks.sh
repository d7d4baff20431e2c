#!/usr/bin/env bash
# ctest guest/clocks: the guest's clocks run on the model's cycle counter
# from an epoch (samples/clocks.c).
#   1. --epoch E with EPOCH=E in the guest's environment: time() - E is 0
#      (the model's first second), every clock is monotonic, nanosleep and
#      clock_nanosleep (relative, TIMER_ABSTIME) advance CLOCK_MONOTONIC,
#      getrusage counts CPU time, faults and the resident set; the errnos
#      of bad requests are native Linux's: the sample runs natively too (an
#      x86-64 kernel runs i386 code; skipped with a message where it cannot)
#      and both outputs must be the same.  qemu-i386 differs (a nanosleep
#      from an unreadable address is EINVAL there, EFAULT on Linux), so the
#      reference is native and this is a script, not a samples.list line.
#   2. Two runs with the same --epoch print the same bytes and record the
#      epoch in runs.epoch; a run without --epoch takes the host's time:
#      runs.epoch within a minute of `date +%s`, and the guest's time() is
#      runs.epoch.
#   3. alarm(1) then a 5 s nanosleep, and a 20 ms setitimer then a loop with
#      no system call: both killed by SIGALRM's default action, status 142 as
#      natively, with one memsim line naming SIGALRM.
#   4. --epoch is decimal seconds: junk, a sign, hex and a year past 9999
#      are refused with 125.
#   check-clocks.sh MEMSIM BIN_DIR
set -u
memsim=$1 bin=$2/clocks
[ -x "$bin" ] || { echo "FAIL clocks: missing $bin (build the samples)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-clocks.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() { echo "FAIL clocks: $*"; bad=1; }
E=1700000000

run() {   # run TAG [memsim options] -- ARGS: $tmp/TAG.out, .err, .status
    local tag=$1
    shift
    timeout -k 5 120 "$memsim" run "$@" > "$tmp/$tag.out" 2> "$tmp/$tag.err" < /dev/null
    echo $? > "$tmp/$tag.status"
}

# 1. the checks, and the errnos against native Linux
run a --db "$tmp/a.db" --epoch $E -E EPOCH=$E -- "$bin"
[ "$(cat "$tmp/a.status")" = 0 ] || fail "checks: status $(cat "$tmp/a.status"): $(cat "$tmp/a.out" "$tmp/a.err")"
[ "$(head -n 1 "$tmp/a.out")" = "time - epoch: 0" ] || fail "time() - epoch: $(head -n 1 "$tmp/a.out")"
if "$bin" > "$tmp/native.out" 2>&1 < /dev/null; then
    tail -n +2 "$tmp/a.out" | cmp -s - "$tmp/native.out" ||
        fail "differs from native Linux: $(diff <(tail -n +2 "$tmp/a.out") "$tmp/native.out" | tr '\n' '|')"
else
    echo "note clocks: the sample does not run natively here (no IA-32 emulation?): errnos not compared"
fi

# 2. same epoch, same bytes; the epoch is in the trace; the default epoch is now
run b --db "$tmp/b.db" --epoch $E -E EPOCH=$E -- "$bin"
cmp -s "$tmp/a.out" "$tmp/b.out" || fail "two runs with --epoch $E differ"
for db in a b; do
    got=$("$memsim" query --csv "$tmp/$db.db" "SELECT epoch FROM runs" | tail -n 1 | tr -d '\r')
    [ "$got" = $E ] || fail "runs.epoch of run $db: '$got', expected $E"
done
t0=$(date +%s)
run c --db "$tmp/c.db" -E EPOCH=$t0 -- "$bin"
ep=$("$memsim" query --csv "$tmp/c.db" "SELECT epoch FROM runs" | tail -n 1 | tr -d '\r')
case $ep in
    ''|*[!0-9]*) fail "default epoch: runs.epoch is '$ep'" ;;
    *) [ $((ep - t0)) -ge -60 ] && [ $((ep - t0)) -le 60 ] ||
           fail "default epoch $ep is not within a minute of the host's time $t0" ;;
esac
[ "$(head -n 1 "$tmp/c.out")" = "time - epoch: $((ep - t0))" ] ||
    fail "default epoch: the guest's time() is not runs.epoch $ep: $(head -n 1 "$tmp/c.out") (host $t0)"

# 3. SIGALRM's default action on the model clock
for how in alarm busy; do
    run "$how" --no-trace -- "$bin" "$how"
    [ "$(cat "$tmp/$how.status")" = 142 ] || fail "$how: status $(cat "$tmp/$how.status"), expected 142 (SIGALRM)"
    [ "$(grep -c '' "$tmp/$how.err")" = 1 ] && grep -q '^memsim: SIGALRM' "$tmp/$how.err" ||
        fail "$how: stderr is not one SIGALRM line: $(cat "$tmp/$how.err")"
    native=$( ("$bin" "$how" > /dev/null 2>&1 < /dev/null); echo $?)
    [ "$native" = 142 ] || [ "$native" = 126 ] || fail "$how: native status $native (the sample is wrong)"
done

# 4. --epoch's values
for v in x -1 0x10 '' 253402300800 18446744073709551616; do
    run usage --no-trace --epoch "$v" -- "$bin"
    [ "$(cat "$tmp/usage.status")" = 125 ] || fail "--epoch '$v': status $(cat "$tmp/usage.status"), expected 125"
    grep -q -- '--epoch' "$tmp/usage.err" || fail "--epoch '$v': stderr does not name --epoch: $(cat "$tmp/usage.err")"
done

[ $bad = 0 ] && echo "PASS clocks"
exit $bad

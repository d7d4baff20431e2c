#!/usr/bin/env bash
# ctest guest/sig_wait: waiting for signals and time (samples/sig_wait.c),
# each case under memsim and natively (native Linux is the reference; a
# case is compared only where the kernel runs i386 programs):
#   pause, sigsuspend, ignored: alarm(1) + pause ends with SIGALRM's default
#       action (142); a pending SIGUSR1 unblocked by sigsuspend's mask kills
#       (138); a pending ignored SIGCHLD does not end sigsuspend, the alarm
#       does (142).  Same stdout and status as native.
#   select: select/pselect timeouts advance the model clock by the timeout
#       (with --epoch, CLOCK_MONOTONIC differs by it; the time left is 0), a
#       regular file is ready at once, an alarm inside a select kills (142);
#       same stdout as native, and two --epoch runs print the same bytes.
#   pselect_mask, pselect_unblock: pselect6's sigmask is the blocked set
#       during the wait (an alarm it unblocks ends it: 142; one it leaves
#       blocked stays pending); a mask size other than 8 is EINVAL.
#   altstack: sigaltstack round trip and errnos: same output as native.
#   sigpipe: SIGPIPE blocked, a write to a pipe without a reader: EPIPE and
#       SIGPIPE pending (sigpending); unblocked, it kills (141, runs row
#       exit_reason SIGPIPE).  memsim has no pipe(): the sample writes to a
#       stdout whose reader has gone.
#   handler: a signal with a user handler runs it (the handler's _exit(0)
#       ends the run: status 0, exit_reason exit), as natively.
#   sysenter (sig_sysenter.c, memsim only): a bare sysenter's futex wait
#       interrupted by a SIGALRM handler: -EINTR, or restarted (SA_RESTART).
#   check-sig-wait.sh MEMSIM BIN_DIR
set -u
memsim=$1 bin=$2/sig_wait
[ -x "$bin" ] || { echo "FAIL sig_wait: missing $bin (build the samples)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-sigwait.XXXXXX") || exit 1
bad=0
fail() { echo "FAIL sig_wait: $*"; bad=1; }
native_ok=1
"$bin" altstack > /dev/null 2>&1 < /dev/null || { native_ok=0; echo "note sig_wait: the sample does not run natively here: no native comparison"; }

run() {   # run TAG CASE: $tmp/TAG.out, .err, .status, .db
    timeout -k 5 60 "$memsim" run --db "$tmp/$1.db" --epoch 1700000000 -- "$bin" "$2" \
        > "$tmp/$1.out" 2> "$tmp/$1.err" < /dev/null
    echo $? > "$tmp/$1.status"
}
reason() { sqlite3 "$tmp/$1.db" "SELECT exit_reason FROM runs" 2>/dev/null; }

for c in pause:142 sigsuspend:138 ignored:142 select:142 pselect_mask:142 pselect_unblock:142 altstack:0; do
    case=${c%:*} want=${c#*:}
    run "$case" "$case"
    got=$(cat "$tmp/$case.status")
    [ "$got" = "$want" ] || fail "$case: status $got, expected $want: $(cat "$tmp/$case.err")"
    if [ "$want" != 0 ]; then
        [ "$(grep -c '' "$tmp/$case.err")" = 1 ] || fail "$case: stderr is not one line: $(cat "$tmp/$case.err")"
    fi
    if [ $native_ok = 1 ]; then
        timeout -k 5 30 "$bin" "$case" > "$tmp/$case.native" 2> /dev/null < /dev/null
        nst=$?
        [ "$nst" = "$want" ] || fail "$case: native status $nst, expected $want (the sample is wrong)"
        cmp -s "$tmp/$case.out" "$tmp/$case.native" ||
            fail "$case differs from native Linux: $(diff "$tmp/$case.out" "$tmp/$case.native" | tr '\n' '|')"
    fi
done
grep -q 'SIGALRM' "$tmp/pause.err" || fail "pause: no SIGALRM line: $(cat "$tmp/pause.err")"
grep -q '^select(0, 1.25 s): 0, left 0.000000, slept >= 1.25: yes' "$tmp/select.out" ||
    fail "select: the timeout did not advance the clock: $(head -n 1 "$tmp/select.out")"
# the alarm armed after 1.55 s of select timeouts fires at model time 2.55 s
grep -q 'model time 2\.55' "$tmp/select.err" || fail "select: alarm not at 2.55 s: $(cat "$tmp/select.err")"
run select2 select
cmp -s "$tmp/select.out" "$tmp/select2.out" && cmp -s "$tmp/select.err" "$tmp/select2.err" ||
    fail "select: two runs with --epoch differ"

# a bare sysenter interrupted by a handler: -EINTR, or restarted with
# SA_RESTART (memsim only: natively sysenter returns to the vDSO)
se=$2/sig_sysenter
if [ -x "$se" ]; then
    o=$(timeout -k 5 60 "$memsim" run --no-trace -- "$se" 2>&1 < /dev/null)
    [ "$o" = "sysenter futex wait: -4" ] || fail "sysenter: $o"
    o=$(timeout -k 5 60 "$memsim" run --no-trace -- "$se" restart 2>&1 < /dev/null)
    [ "$o" = "sysenter futex wait, SA_RESTART: -11" ] || fail "sysenter restart: $o"
else
    fail "missing $se (build the samples)"
fi

# a blocked SIGPIPE stays pending; unblocking delivers it
timeout -k 5 60 "$memsim" run --db "$tmp/pipe.db" -- "$bin" sigpipe 2> "$tmp/pipe.err" < /dev/null | true
st=${PIPESTATUS[0]}
[ "$st" = 141 ] || fail "sigpipe: status $st, expected 141: $(cat "$tmp/pipe.err")"
[ "$(cat "$tmp/pipe.err")" = "write: -1 Broken pipe; SIGPIPE pending: yes" ] ||
    fail "sigpipe: stderr: $(cat "$tmp/pipe.err")"
[ "$(reason pipe)" = SIGPIPE ] || fail "sigpipe: exit_reason '$(reason pipe)'"
if [ $native_ok = 1 ]; then
    n=$("$bin" sigpipe 2>&1 < /dev/null; echo "st $?")
    [ "$n" = "write: -1 Broken pipe; SIGPIPE pending: yes
st 141" ] || fail "sigpipe: native gives: $n"
fi

# a handler runs (it calls _exit(0): the buffered "raising" line is lost, natively too)
run handler handler
[ "$(cat "$tmp/handler.status")" = 0 ] || fail "handler: status $(cat "$tmp/handler.status"), expected 0: $(cat "$tmp/handler.err")"
[ -s "$tmp/handler.err" ] && fail "handler: stderr: $(cat "$tmp/handler.err")"
[ "$(reason handler)" = exit ] || fail "handler: exit_reason '$(reason handler)'"
if [ $native_ok = 1 ]; then
    timeout -k 5 30 "$bin" handler > "$tmp/handler.native" 2> /dev/null < /dev/null
    cmp -s "$tmp/handler.out" "$tmp/handler.native" || fail "handler differs from native Linux"
fi

if [ $bad = 0 ]; then
    echo "PASS sig_wait"
    rm -rf "$tmp"
else
    echo "kept $tmp"
fi
exit $bad

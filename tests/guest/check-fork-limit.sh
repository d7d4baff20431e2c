#!/usr/bin/env bash
# check-fork-limit.sh MEMSIM SAMPLES_BIN — a fork bomb meets the task limit
# (--max-tasks, Linux's threads-max, which root does not pass either): the
# fork past it is EAGAIN, the guest goes on, its children all exit and are
# reaped, and memsim keeps running.  Natively the limit is the host's
# (samples/fork_limit forks until EAGAIN), so the reference is the rule:
# with --max-tasks N, N - 1 children besides the parent.  Bad values of the
# option are one line and 125.
set -u
memsim=$1 bin=$2/fork_limit
fail=0
for n in 2 40; do
    out=$("$memsim" run --no-trace --max-tasks "$n" -- "$bin" 2>&1 < /dev/null)
    status=$?
    want="forked $((n - 1)), then Resource temporarily unavailable; reaped $((n - 1)), $((n - 1)) exited 0"
    if [ "$status" != 0 ] || [ "$out" != "$want" ]; then
        echo "FAIL --max-tasks $n: status $status, output: $out (want: $want)"
        fail=1
    else
        echo "ok   --max-tasks $n: $out"
    fi
done
for bad in 0 32769 x -1; do
    err=$("$memsim" run --no-trace --max-tasks "$bad" -- "$bin" 2>&1 >/dev/null < /dev/null)
    status=$?
    if [ "$status" != 125 ] || [ "$(printf '%s\n' "$err" | grep -c '')" != 1 ]; then
        echo "FAIL --max-tasks $bad: status $status (want 125), stderr: $err"
        fail=1
    else
        echo "ok   --max-tasks $bad: $err"
    fi
done
exit $fail

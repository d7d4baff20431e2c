#!/usr/bin/env bash
# check-deadlock.sh MEMSIM SAMPLES_BIN — a wait with no timeout and no other
# task to end it (futex WAIT on a matching value, sigwaitinfo on a signal
# nobody sends) ends the run: status 137 (SIGKILL), exit_reason "deadlock" in
# the runs row, one stderr line naming the deadlock.  Natively the program
# would hang forever, so there is no native or qemu-i386 reference to run.
set -u
memsim=$1 bin=$2/deadlock
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-deadlock.XXXXXX") || exit 1
fail=0
for how in futex sigwait; do
    "$memsim" run --db "$tmp/$how.db" -- "$bin" "$how" > "$tmp/out" 2> "$tmp/err" < /dev/null
    status=$?
    reason=$(sqlite3 "$tmp/$how.db" "SELECT exit_reason FROM runs" 2>/dev/null)
    lines=$(grep -c '' "$tmp/err")
    if [ "$status" != 137 ] || [ "$reason" != deadlock ] || [ "$lines" != 1 ] ||
       ! grep -q 'deadlock' "$tmp/err" || [ "$(cat "$tmp/out")" != waiting ]; then
        echo "FAIL deadlock $how: status $status (want 137), exit_reason '$reason', stderr:"
        sed 's/^/    /' "$tmp/err"
        fail=1
    else
        echo "ok   deadlock $how: $(cat "$tmp/err")"
    fi
done
[ $fail = 0 ] && rm -rf "$tmp"
exit $fail

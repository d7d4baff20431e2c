#!/usr/bin/env bash
# check-strace.sh — `memsim run --strace`: the guest's system calls on
# stderr as strace prints them.  The format is checked on samples/hello and
# task_limits (a write with its length and result, an error as
# `-1 ENAME (message)`, a string argument quoted, exit_group's `= ?` and
# the `+++ exited with N +++` line); then the sequence of call names of
# cxx_basics and sig_oldcalls must equal what native strace records of the
# same binaries (skipped, with a line, without strace or IA-32 emulation).
#
#   tests/guest/check-strace.sh MEMSIM SAMPLES_BIN_DIR
set -uo pipefail
memsim=$1 bin=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

"$memsim" run --no-trace --strace -- "$bin/hello" > "$work/out" 2> "$work/err"
grep -qx 'hello, world' "$work/out" || bad "hello's stdout changed under --strace"
grep -Eqx 'write\(1, 0x[0-9a-f]{8}, 13\) = 13' "$work/err" || bad "no 'write(1, 0x..., 13) = 13' line"
grep -qx 'exit_group(0) = ?' "$work/err" || bad "no 'exit_group(0) = ?' line"
[ "$(tail -n1 "$work/err")" = "+++ exited with 0 +++" ] || bad "the last line is not '+++ exited with 0 +++'"
grep -qx 'readlink("/proc/self/exe", 0x[0-9a-f]*, 4096) = [0-9]*' "$work/err" ||
    grep -Eq '^readlink\("/proc/self/exe", 0x[0-9a-f]{8}, 4096\) = [0-9]+$' "$work/err" ||
    bad "readlink's path argument is not printed as a string"

"$memsim" run --no-trace --strace -- "$bin/task_limits" > /dev/null 2> "$work/err"
grep -Eq '^[a-z0-9_]+\(.*\) = -1 E[A-Z0-9]+ \([^)]+\)$' "$work/err" || bad "no error line of the form '= -1 ENAME (message)'"
lines=$(grep -cvE '^[a-z0-9_]+\(.*\) = (-?[0-9]+|0x[0-9a-f]{8}|\?|-1 E[A-Z0-9]+ \(.*\))$|^\+\+\+ ' "$work/err")
[ "$lines" = 0 ] || { bad "$lines lines of task_limits's --strace output are not call lines:"; grep -vE '^[a-z0-9_]+\(.*\) = |^\+\+\+ ' "$work/err" | head -3; }

if ! command -v strace > /dev/null; then
    echo "check-strace: native comparison SKIPPED: no strace on this machine"
elif ! "$bin/hello" > /dev/null 2>&1; then
    echo "check-strace: native comparison SKIPPED: this kernel cannot run i386 programs"
else
    for s in cxx_basics sig_oldcalls; do
        strace -o "$work/native" "$bin/$s" > /dev/null 2>&1
        "$memsim" run --no-trace --strace -- "$bin/$s" > /dev/null 2> "$work/memsim"
        sed -E 's/\(.*//' "$work/native" | grep -vE '^(execve|\+\+\+|---)' > "$work/n"
        sed -E 's/\(.*//' "$work/memsim" | grep -vE '^(\+\+\+|memsim:)' > "$work/m"
        if ! cmp -s "$work/n" "$work/m"; then
            bad "$s: the calls differ from native strace's:"
            diff "$work/n" "$work/m" | head -5
        fi
    done
fi
[ $fail = 0 ] && echo "check-strace: ok"
exit $fail

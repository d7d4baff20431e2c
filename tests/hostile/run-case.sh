#!/usr/bin/env bash
# run-case.sh MEMSIM CASE: one case of the hostile kit (run.sh) as one ctest
# test.  Exit 0 when the case passed, 77 (ctest: skipped) when run.sh could
# not run it here (it prints why), 1 when it failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$("$here/run.sh" "$1" "$2" 2>&1)
rc=$?
printf '%s\n' "$out"
if printf '%s\n' "$out" | grep -q '^SKIP '; then
    exit 77
fi
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -qx '1 passed, 0 failed'; then
    exit 0
fi
exit 1

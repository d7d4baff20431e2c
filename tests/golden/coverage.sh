#!/usr/bin/env bash
# coverage.sh — ctest golden/coverage: every sample of tests/guest/samples.list
# has its golden file tests/golden/NAME.events, and every golden file names a
# sample there.  A new sample fails here until `tests/golden/record.sh BUILD
# NAME` records its file (and record.sh's adjust() gives it a smaller
# argument if the file would be big).
#
#   coverage.sh SAMPLES_LIST GOLDEN_DIR
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 SAMPLES_LIST GOLDEN_DIR" >&2
    exit 2
fi
list=$1 dir=$2
rc=0
names=$(sed -e 's/|.*//' -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$list")
for n in $names; do
    [ -f "$dir/$n.events" ] || { echo "FAIL golden/coverage: sample $n has no $dir/$n.events (tests/golden/record.sh BUILD $n)"; rc=1; }
done
for f in "$dir"/*.events; do
    n=$(basename "$f" .events)
    grep -qx "$n" <<< "$names" || { echo "FAIL golden/coverage: $f names no sample of $list"; rc=1; }
done
[ $rc -eq 0 ] && echo "PASS golden/coverage: $(wc -w <<< "$names") samples, each with its events file"
exit $rc

#!/usr/bin/env bash
# check-mm-calls.sh — samples/mremap_grow.c (not in samples.list): realloc
# of a big block (glibc calls mremap MREMAP_MAYMOVE), mremap grow in place,
# shrink, move, FIXED, DONTUNMAP, mincore, msync and the mlock family, each
# errno rule.  The reference is native Linux (expected/mremap_grow.native.stdout,
# recorded by running the binary on an x86-64 kernel): qemu-i386 is no
# reference here (its mremap dies with SIGSEGV on this sample).  Run under
# both paging modes and the raw engine (which populates every VMA as it is
# made, so its mincore sees all four pages resident); when this host runs i386 binaries,
# the native output must match the recorded one too.
#
#   check-mm-calls.sh MEMSIM MREMAP_GROW_BIN
#
# Exit status 0 when every case holds, 1 otherwise, 2 on usage errors.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM MREMAP_GROW_BIN" >&2
    exit 2
fi
memsim=$1 bin=$2
expected=$(dirname "$0")/expected/mremap_grow.native.stdout
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-mm.XXXXXX") || exit 1
bad=0
if "$bin" > "$tmp/native" 2>/dev/null && ! cmp -s "$tmp/native" "$expected"; then
    echo "FAIL mm_calls native: this kernel differs from the recorded output"
    diff "$expected" "$tmp/native" | head -20
    bad=1
fi
sed 's/^mincore bits 1010$/mincore bits 1111/' "$expected" > "$tmp/expected-raw"
for opts in "--paging 2level" "--paging pae" "--engine raw"; do
    want=$expected
    [ "$opts" = "--engine raw" ] && want=$tmp/expected-raw
    # shellcheck disable=SC2086
    timeout 60 "$memsim" run --no-trace $opts -- "$bin" > "$tmp/out" 2> "$tmp/err" < /dev/null
    status=$?
    if [ $status -ne 0 ] || ! cmp -s "$tmp/out" "$want"; then
        echo "FAIL mm_calls ($opts): status $status"
        diff "$want" "$tmp/out" | head -20
        head -5 "$tmp/err"
        bad=1
    fi
done
[ $bad -eq 0 ] && { echo "PASS mm_calls"; rm -rf "$tmp"; } || echo "kept $tmp"
exit $bad

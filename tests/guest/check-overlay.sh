#!/usr/bin/env bash
# check-overlay.sh — the in-model overlay over --root (kernel-model/overlay.c,
# the walk: namei.c): copy-up, whiteouts, symlinks, hard links, attributes
# and a symlinked directory
# with samples/overlay_files.c as the guest, the host side checked here:
#   guest    the sample's output under --root SCRATCH equals
#            tests/guest/expected/overlay_files.stdout, which is a native
#            run's output on a scratch copy of the same tree (the writes
#            real there); the native run is repeated here when the host
#            runs i386 binaries, and must agree too
#   host     after the memsim run the scratch root is byte-identical to
#            its pristine copy (cmp of every file, the same names: no file
#            made, removed or changed), every name's mode, times, owner and
#            symlink target are what they were before the run, and nothing
#            next to it appeared
#
#   check-overlay.sh MEMSIM OVERLAY_FILES_BIN EXPECTED_STDOUT
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 MEMSIM OVERLAY_FILES_BIN EXPECTED_STDOUT" >&2
    exit 2
fi
memsim=$1 bin=$2 expected=$3
[ -x "$memsim" ] || { echo "FAIL overlay: memsim not found: $memsim"; exit 1; }
[ -f "$bin" ] || { echo "FAIL overlay: sample binary missing: $bin"; exit 1; }
tmp=$(mktemp -d "$PWD/memsim-overlay.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0

make_tree() {
    mkdir -p "$1/etc" "$1/dir/hostsub"
    echo original-data > "$1/etc/data.txt"
    echo aaaa > "$1/dir/a"
    echo bbbb > "$1/dir/b"
    echo cccc > "$1/dir/c"
    mkdir -p "$1/usr/bin"
    echo tool > "$1/usr/bin/tool"
    ln -s usr/bin "$1/bin"
    ln -s ../etc/data.txt "$1/dir/link"
}
make_tree "$tmp/root"
make_tree "$tmp/pristine"
make_tree "$tmp/native"
ls -A "$tmp" | grep -v -e '\.ls$' > "$tmp/before.ls"
# every name's type, mode, size, mtime, owner and symlink target
snapshot() { (cd "$1" && find . -printf '%p %y %m %s %T@ %U %G %l\n' | sort); }
snapshot "$tmp/root" > "$tmp/root.before"

timeout -k 5 120 "$memsim" run --no-trace --root "$tmp/root" -- "$bin" "" \
    > "$tmp/memsim.out" 2> "$tmp/memsim.err" < /dev/null
status=$?
if [ $status = 0 ] && cmp -s "$expected" "$tmp/memsim.out"; then
    echo "PASS overlay guest"
else
    echo "FAIL overlay guest: status $status"
    diff "$expected" "$tmp/memsim.out" | head -20
    head -c 500 "$tmp/memsim.err"
    bad=1
fi

if "$bin" "$tmp/native" > "$tmp/native.out" 2> /dev/null; then
    if cmp -s "$expected" "$tmp/native.out"; then
        echo "PASS overlay native"
    else
        echo "FAIL overlay native: the expected file is stale"
        diff "$expected" "$tmp/native.out" | head -20
        bad=1
    fi
else
    echo "SKIP overlay native: the host does not run the i386 binary"
fi

# the host tree under --root: untouched, file by file
same=1
(cd "$tmp/root" && find . | sort) > "$tmp/root.names"
(cd "$tmp/pristine" && find . | sort) > "$tmp/pristine.names"
cmp -s "$tmp/root.names" "$tmp/pristine.names" || same=0
snapshot "$tmp/root" | cmp -s - "$tmp/root.before" || same=0
while read -r f; do
    [ -f "$tmp/pristine/$f" ] && { cmp -s "$tmp/pristine/$f" "$tmp/root/$f" || same=0; }
done < "$tmp/pristine.names"
ls -A "$tmp" | grep -v -e '\.ls$' -e '\.out$' -e '\.err$' -e '\.names$' -e '\.before$' > "$tmp/after.ls"
cmp -s "$tmp/before.ls" "$tmp/after.ls" || same=0
if [ $same = 1 ]; then
    echo "PASS overlay host"
else
    echo "FAIL overlay host: the host tree changed"
    diff "$tmp/pristine.names" "$tmp/root.names" | head
    bad=1
fi
exit $bad

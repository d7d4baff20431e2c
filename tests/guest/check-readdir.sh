#!/usr/bin/env bash
# check-readdir.sh — samples/readdir_big.c (32-bit readdir, built without
# _FILE_OFFSET_BITS=64, telldir/seekdir, rewinddir, the old getdents 141) on
# a directory of 5000 entries, under memsim with both roots, against the same
# i386 binary run natively (the reference; qemu-i386 passes the host's 64-bit
# d_off through and fails with EOVERFLOW).
#
#   check-readdir.sh MEMSIM READDIR_BIG_BIN
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM READDIR_BIG_BIN" >&2; exit 2; }
memsim=$1 bin=$2
[ -x "$memsim" ] && [ -f "$bin" ] || { echo "FAIL readdir: memsim or sample missing"; exit 1; }
# in the working directory, not /tmp: the guest's /tmp is the model's own
# (empty) tmpfs, also with the default root
tmp=$(mktemp -d "$PWD/memsim-readdir.XXXXXX") || exit 1
bad=0
mkdir "$tmp/big" "$tmp/big/sub"
(cd "$tmp/big" && for i in $(seq 1 4998); do : >"entry-$i"; done)

# what Linux prints: 4998 files + sub + . + ..
expected_head='readdir: 5001 entries, sum '
if native=$("$bin" "$tmp/big" 2>&1); then
    echo "PASS readdir/native-reference"
else
    echo "note: the host does not run i386 binaries natively; checking the counts only"
    native=
fi

check() {
    local name=$1; shift
    local out status
    out=$("$@" 2>"$tmp/$name.err")
    status=$?
    if [ "$status" != 0 ] || { [ -n "$native" ] && [ "$out" != "$native" ]; } ||
       [ "${out#"$expected_head"}" = "$out" ] || ! grep -q '^seekdir back: same entry$' <<<"$out" ||
       ! grep -q '^after rewinddir: 5001 entries$' <<<"$out" ||
       ! grep -q '^getdents: 5001 entries, same sum, 0 bad d_type$' <<<"$out"; then
        echo "FAIL readdir/$name: status $status, stdout:"
        printf '%s\n' "$out" | sed 's/^/    /'
        [ -n "$native" ] && printf '%s\n' "$native" | sed 's/^/    native: /'
        head -5 "$tmp/$name.err" | sed 's/^/    stderr: /'
        bad=1
    else
        echo "PASS readdir/$name"
    fi
}
check default-root "$memsim" run --db "$tmp/d.db" -- "$bin" "$tmp/big"
# under --root the directory is "/", with the same entries
check rooted "$memsim" run --db "$tmp/r.db" --root "$tmp/big" -- "$bin" /

[ "$bad" = 0 ] && rm -rf "$tmp"
exit "$bad"

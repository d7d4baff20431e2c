#!/usr/bin/env bash
# check-mmap-file.sh — samples/mmap_file.c --stdin with stdin a pipe, under
# memsim with the default root and with --root DIR, against the same i386
# binary run natively (the reference: Linux itself, which runs i386 ELFs):
#   fd 0     mmap of a pipe is ENODEV (no ->mmap), not a mapping that
#            SIGBUSes on first touch
#   cwd      fstatat(AT_FDCWD, "", AT_EMPTY_PATH) stats the guest's working
#            directory: the same inode as stat(".") (under --root, the root)
#
#   check-mmap-file.sh MEMSIM MMAP_FILE_BIN
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM MMAP_FILE_BIN" >&2
    exit 2
fi
memsim=$1 bin=$2
[ -x "$memsim" ] || { echo "FAIL mmap-file: memsim not found: $memsim"; exit 1; }
[ -f "$bin" ] || { echo "FAIL mmap-file: sample binary missing: $bin"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-mmap-file.XXXXXX") || exit 1
bad=0

expected='fd 0: ENODEV
fstatat(AT_FDCWD, "", AT_EMPTY_PATH): the same as "."'

# check NAME CMD...: CMD's stdout (stdin a pipe) must be $expected, status 0
check() {
    local name=$1; shift
    local out status
    out=$(echo data | "$@" 2>"$tmp/$name.err")
    status=$?
    if [ "$status" != 0 ] || [ "$out" != "$expected" ]; then
        echo "FAIL mmap-file/$name: status $status, stdout:"
        printf '%s\n' "$out" | sed 's/^/    /'
        sed 's/^/    stderr: /' "$tmp/$name.err" | head -5
        bad=1
    else
        echo "PASS mmap-file/$name"
    fi
}

# The reference first: if the host does not run the i386 binary, say so
# (the expectation above is what Linux answers).
if echo | "$bin" --stdin >/dev/null 2>&1; then
    check native "$bin" --stdin
else
    echo "note: the host does not run i386 binaries natively; no native reference run"
fi
check default-root "$memsim" run --db "$tmp/d.db" -- "$bin" --stdin
mkdir -p "$tmp/root"
check rooted "$memsim" run --db "$tmp/r.db" --root "$tmp/root" -- "$bin" --stdin

[ "$bad" = 0 ] && rm -rf "$tmp"
exit "$bad"

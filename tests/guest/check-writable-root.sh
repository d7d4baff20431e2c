#!/usr/bin/env bash
# check-writable-root.sh — `memsim run --writable-root --root SCRATCH`
# (kernel-model/hostfs_write.c) with samples/writable_root.c as the guest:
#   guest     its output equals tests/guest/expected/writable_root.stdout,
#             which is a native run's output on a scratch copy of the same
#             tree; the native run is repeated here when the host runs
#             i386 binaries, and must agree too
#   tree      the scratch root after memsim equals the native copy after
#             the native run: names, types, modes, sizes, symlink targets,
#             the bytes of every file, and the mtimes utimensat and
#             futimens set (memsim
#             returns with the page cache written back: nothing fsync'd)
#   trace     the run's page_cache table has dirty and writeback rows for
#             dir/mapped (the MAP_SHARED file, msync'd and written again),
#             runs.options says writable-root, and a replay of the trace
#             (the database and its events file) matches without touching
#             the tree (the same listing after)
#   escape    (another scratch root, with files next to it) symlinks the
#             guest plants that point out of the root (../outside, .., an
#             absolute /../../outside) followed by open, mkdir, rename,
#             truncate, chmod, chown, utimensat: each lands inside the root, as in
#             a chroot; the files next to the root are untouched; mknod of a
#             device is EPERM (memsim never makes device nodes, as for an
#             unprivileged user, even when memsim runs as root); no new
#             names in the root's proc/ and sys/ under any spelling (the
#             walk's mounts: /proc is the model's procfs, which has no
#             ->mkdir: EPERM, or EACCES for an unprivileged user as its
#             0555 directories give first; /sys the host's, read-only:
#             EROFS at mnt_want_write), and the host directories stay
#             empty.  Expected:
#             the lines below, derived by hand from chroot semantics (".."
#             of the root is the root; the calls' answers as Linux's), as a
#             native run cannot chroot without privileges.
# That the tree is untouched WITHOUT --writable-root is check-overlay.sh's.
#
#   check-writable-root.sh MEMSIM WRITABLE_ROOT_BIN EXPECTED_STDOUT
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 MEMSIM WRITABLE_ROOT_BIN EXPECTED_STDOUT" >&2
    exit 2
fi
memsim=$1 bin=$2 expected=$3
[ -x "$memsim" ] || { echo "FAIL writable_root: memsim not found: $memsim"; exit 1; }
[ -f "$bin" ] || { echo "FAIL writable_root: sample binary missing: $bin"; exit 1; }
tmp=$(mktemp -d "$PWD/memsim-writable.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
pass() { echo "PASS writable_root $1"; }
fail() { echo "FAIL writable_root $1"; bad=1; }

make_tree() {
    mkdir -p "$1/etc" "$1/dir/hostsub"
    echo original-data > "$1/etc/data.txt"
    echo bye > "$1/etc/remove-me"
    echo aaaa > "$1/dir/a"
    echo bbbb > "$1/dir/b"
    echo cccc > "$1/dir/c"
}
# what a tree holds: every name with type, mode, size, link target, and
# the bytes of every file; the mtimes utimensat and futimens set
listing() {
    (cd "$1" && find . -printf '%y %m %s %p -> %l\n' | LC_ALL=C sort &&
     find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum &&
     stat -c '%n mtime %Y' newdir/f dir/new 2>&1)
}
make_tree "$tmp/root"
make_tree "$tmp/native"

timeout -k 5 120 "$memsim" run --db "$tmp/t.db" --writable-root --root "$tmp/root" -- \
    "$bin" "" > "$tmp/memsim.out" 2> "$tmp/memsim.err" < /dev/null
status=$?
if [ $status = 0 ] && cmp -s "$expected" "$tmp/memsim.out"; then
    pass guest
else
    fail "guest: status $status"
    diff "$expected" "$tmp/memsim.out" | head -20
    head -c 500 "$tmp/memsim.err"
fi

native=0
if "$bin" "$tmp/native" > "$tmp/native.out" 2> /dev/null; then
    native=1
    if cmp -s "$expected" "$tmp/native.out"; then
        pass native
    else
        fail "native: the expected file is stale"
        diff "$expected" "$tmp/native.out" | head -20
    fi
else
    echo "SKIP writable_root native: the host does not run the i386 binary"
fi

listing "$tmp/root" > "$tmp/root.ls"
if [ $native = 1 ]; then
    listing "$tmp/native" > "$tmp/native.ls"
    if cmp -s "$tmp/native.ls" "$tmp/root.ls"; then
        pass tree
    else
        fail "tree: the scratch root differs from the native run's"
        diff "$tmp/native.ls" "$tmp/root.ls" | head -20
    fi
else
    echo "SKIP writable_root tree: no native run to compare with"
fi

# the trace: dirty and writeback rows for dir/mapped's inode
ino=$(stat -c %i "$tmp/root/dir/mapped")
rows=$("$memsim" query --csv "$tmp/t.db" \
    "SELECT op, count(*) FROM page_cache WHERE ino = $ino AND op IN ('dirty','writeback') GROUP BY op ORDER BY op" 2>&1)
opts=$("$memsim" query --csv "$tmp/t.db" "SELECT options FROM runs" 2>&1)
# two pages dirtied, cleaned by msync, page 0 dirtied again, cleaned at munmap
if [ "$(echo "$rows" | tr -d '\r' | grep -v '^op,')" = "$(printf 'dirty,3\nwriteback,3')" ] &&
   echo "$opts" | grep -q ' writable-root'; then
    pass trace
else
    fail "trace: page_cache rows for dir/mapped: $rows; options: $opts"
fi
if "$memsim" replay "$tmp/t.db" > "$tmp/replay.out" 2>&1; then
    listing "$tmp/root" > "$tmp/root-after-replay.ls"
    if cmp -s "$tmp/root.ls" "$tmp/root-after-replay.ls"; then
        pass replay
    else
        fail "replay: the replay changed the host tree"
    fi
else
    fail "replay: $(head -c 300 "$tmp/replay.out")"
fi
# and from the events file (it renumbers the files' host identities: the
# write-back order at exit must not depend on them)
if "$memsim" export "$tmp/t.db" --format events -o "$tmp/t.events" > "$tmp/export.out" 2>&1 &&
   "$memsim" replay "$tmp/t.events" > "$tmp/replay-events.out" 2>&1; then
    pass "replay events"
else
    fail "replay events: $(head -c 600 "$tmp/export.out" "$tmp/replay-events.out")"
fi

# ---- escape: symlinks out of the root, written through
mkdir -p "$tmp/esc/root/dir" "$tmp/esc/root/proc" "$tmp/esc/root/sys"
echo keep > "$tmp/esc/outside"
echo sib > "$tmp/esc/sibling"
(cd "$tmp/esc" && ls -A; cat outside sibling) > "$tmp/esc-before"
# procfs's answer: may_create's EACCES for an unprivileged user, else EPERM
if [ "$(id -u)" = 0 ]; then proc_err="Operation not permitted"; else proc_err="Permission denied"; fi
cat > "$tmp/esc-expected" <<EOF
symlink ../outside /esc              0
open /esc for writing                0
write                                0
symlink .. /up                       0
mkdir /up/made                       0
unlink /up/../sibling: ENOENT        No such file or directory
rename /esc /up/../../moved          0
truncate /up/../moved 2              0
symlink /../../outside /abs          0
chmod /abs 0600                      0
chown /abs own ids                   0
open /abs O_APPEND                   0
write                                0
utimensat /up/.. (the root)          0
mknod /dev0 S_IFCHR: EPERM           Operation not permitted
mkdir /proc/x                        $proc_err
mkdir /./proc/x                      $proc_err
symlink /proc /pl                    0
mkdir /pl/x                          $proc_err
symlink x /sys/y: EROFS              Read-only file system
mkdir /up/sys/z: EROFS               Read-only file system
EOF
timeout -k 5 120 "$memsim" run --no-trace --writable-root --root "$tmp/esc/root" -- \
    "$bin" "" escape > "$tmp/esc.out" 2> "$tmp/esc.err" < /dev/null
status=$?
(cd "$tmp/esc" && ls -A; cat outside sibling) > "$tmp/esc-after"
inside=$(cat "$tmp/esc/root/outside" 2>&1; stat -c %a "$tmp/esc/root/outside" 2>&1;
         readlink "$tmp/esc/root/moved"; [ -d "$tmp/esc/root/made" ] && echo made;
         ls -A "$tmp/esc/root/proc" "$tmp/esc/root/sys")
if [ $status = 0 ] && cmp -s "$tmp/esc-expected" "$tmp/esc.out"; then
    pass "escape guest"
else
    fail "escape guest: status $status"
    diff "$tmp/esc-expected" "$tmp/esc.out" | head -20
    head -c 500 "$tmp/esc.err"
fi
if cmp -s "$tmp/esc-before" "$tmp/esc-after"; then
    pass "escape outside untouched"
else
    fail "escape: the tree next to the root changed"
    diff "$tmp/esc-before" "$tmp/esc-after"
fi
# in the root: "in" (truncated to 2) then "+\n" appended, mode 600; the
# moved symlink; the directory made through /up; proc/ and sys/ empty
if [ "$inside" = "$(printf 'in+\n600\n../outside\nmade\n%s:\n\n%s:' "$tmp/esc/root/proc" "$tmp/esc/root/sys")" ]; then
    pass "escape landed inside"
else
    fail "escape: inside the root: $inside"
fi
exit $bad

#!/usr/bin/env bash
# check-fs-errno.sh — samples/fs_errno.c: the errno of each file-system and
# socket call memsim answers without a writable file system.
#   pre   errors Linux gives before it asks whether the file system is
#         writable (lookups, EEXIST, flags, EBADF, ENOTSOCK): compared with
#         the same i386 binary run natively on a writable copy of the
#         fixture (the reference), under memsim with the default root (cwd
#         the fixture) and with --root FIXTURE
#   rofs  the same sequence of writing calls (stateful: each sees the
#         earlier ones' changes) on the root, which memsim writes in its
#         overlay (kernel-model/overlay.c): every row is what a native run
#         gives on a writable copy of the fixture (overlayfs over a writable
#         upper answers the same: fs/namei.c, fs/open.c, fs/utimes.c),
#         chown to the caller's own ids so the answer is the same for root
#         and for a user — except these known differences of the model:
#           - fchmod, fchown, utimensat of rfd, a descriptor of the host's
#             f opened before f was unlinked: ENOENT (the model copies a
#             host file up by the name it was opened with, and that name is
#             gone; Linux changes the open inode: ok);
#           - mknod of a FIFO: EPERM (FIFOs are not modelled; Linux: ok).
#         The fixture is unchanged afterwards.  socket() is EAFNOSUPPORT:
#         memsim models no family.
#
#   check-fs-errno.sh MEMSIM FS_ERRNO_BIN
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM FS_ERRNO_BIN" >&2; exit 2; }
memsim=$1 bin=$2
[ -x "$memsim" ] && [ -f "$bin" ] || { echo "FAIL fs-errno: memsim or sample missing"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")      # the runs cd into the fixture
memsim=$(cd "$(dirname "$memsim")" && pwd)/$(basename "$memsim")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-fs-errno.XXXXXX") || exit 1
bad=0

fixture() {
    mkdir -p "$1/d" && echo data >"$1/f" && ln -s f "$1/l"
}
fixture "$tmp/fx"

# compare NAME EXPECTED_FILE CMD...: CMD (in the fixture, stdin /dev/null,
# stdout a pipe) must print EXPECTED_FILE and exit 0
compare() {
    local name=$1 want=$2; shift 2
    local status
    (cd "$tmp/fx" && "$@" </dev/null 2>"$tmp/$name.err" | cat >"$tmp/$name.out"; exit "${PIPESTATUS[0]}")
    status=$?
    if [ "$status" != 0 ] || ! diff -u "$want" "$tmp/$name.out" >"$tmp/$name.diff"; then
        echo "FAIL fs-errno/$name: status $status"
        sed 's/^/    /' "$tmp/$name.diff" | head -40
        head -5 "$tmp/$name.err" | sed 's/^/    stderr: /'
        bad=1
    else
        echo "PASS fs-errno/$name"
    fi
}

if (cd "$tmp/fx" && "$bin" pre </dev/null | cat >"$tmp/native-pre.txt"; exit "${PIPESTATUS[0]}"); then
    echo "PASS fs-errno/native-reference"
    [ -e "$tmp/fx/x" ] || [ -e "$tmp/fx/g" ] && { echo "FAIL fs-errno: the pre table changed the fixture"; bad=1; }
    compare pre-default "$tmp/native-pre.txt" "$memsim" run --db "$tmp/p.db" -- "$bin" pre
    compare pre-rooted "$tmp/native-pre.txt" "$memsim" run --db "$tmp/pr.db" --root "$tmp/fx" -- "$bin" pre
else
    echo "note: the host does not run i386 binaries natively; no native reference for the pre table"
fi

cat >"$tmp/rofs.txt" <<'TABLE'
syscall(SYS_unlink, "f")                                   ok
syscall(SYS_unlink, "missing")                             ENOENT
syscall(SYS_unlinkat, AT_FDCWD, "d", 0x200)                ok
syscall(SYS_rmdir, "d")                                    ENOENT
syscall(SYS_rmdir, "missing")                              ENOENT
syscall(SYS_mkdir, "new", 0755)                            ok
syscall(SYS_mkdir, "new/", 0755)                           EEXIST
syscall(SYS_mkdirat, AT_FDCWD, "d/new", 0755)              ENOENT
syscall(SYS_mknod, "new", S_IFIFO | 0644, 0)               EEXIST
syscall(SYS_mknodat, AT_FDCWD, "new", S_IFREG | 0644, 0)   EEXIST
syscall(SYS_rename, "f", "g")                              ENOENT
syscall(SYS_rename, "missing", "g")                        ENOENT
syscall(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, "d/g")      ENOENT
syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "d", 2)    ENOENT
syscall(SYS_symlink, "t", "new")                           EEXIST
syscall(SYS_symlinkat, "t", AT_FDCWD, "new")               EEXIST
syscall(SYS_link, "f", "new")                              ENOENT
syscall(SYS_linkat, AT_FDCWD, "l", AT_FDCWD, "new", 0x400) ENOENT
syscall(SYS_chmod, "f", 0644)                              ENOENT
syscall(SYS_fchmod, rfd, 0644)                             ENOENT
syscall(SYS_fchmodat, AT_FDCWD, "d", 0755)                 ENOENT
syscall(SYS_chown32, "f", 0, 0)                            ENOENT
syscall(SYS_lchown32, "l", getuid(), getgid())             ok
syscall(SYS_fchown32, rfd, getuid(), getgid())             ENOENT
syscall(SYS_fchownat, AT_FDCWD, "l", getuid(), getgid(), 0x100) ok
syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0)             ENOENT
syscall(SYS_utimensat, rfd, NULL, NULL, 0)                 ENOENT
syscall(SYS_utime, "f", NULL)                              ENOENT
syscall(SYS_utimes, "f", NULL)                             ENOENT
syscall(SYS_truncate, "f", 0)                              ENOENT
syscall(SYS_truncate64, "f", 0, 0)                         ENOENT
syscall(SYS_access, "f", W_OK)                             ENOENT
syscall(SYS_access, "d", R_OK | W_OK)                      ENOENT
syscall(SYS_fchmod, nfd, 0700)                             ok
syscall(SYS_utimensat, nfd, NULL, NULL, 0)                 ok
syscall(SYS_symlink, "new", "sl")                          ok
syscall(SYS_link, "sl", "hl")                              ok
syscall(SYS_mknod, "fifo", S_IFIFO | 0644, 0)              EPERM
syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0)               EAFNOSUPPORT
syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0)                EAFNOSUPPORT
TABLE
compare rofs-default "$tmp/rofs.txt" "$memsim" run --db "$tmp/r.db" -- "$bin" rofs
compare rofs-rooted "$tmp/rofs.txt" "$memsim" run --db "$tmp/rr.db" --root "$tmp/fx" -- "$bin" rofs
for n in new g sl hl fifo; do
    [ -e "$tmp/fx/$n" ] || [ -L "$tmp/fx/$n" ] && { echo "FAIL fs-errno: memsim changed the fixture ($n)"; bad=1; }
done
[ -e "$tmp/fx/f" ] && [ -d "$tmp/fx/d" ] && [ -L "$tmp/fx/l" ] || { echo "FAIL fs-errno: the fixture lost a name"; bad=1; }

[ "$bad" = 0 ] && rm -rf "$tmp"
exit "$bad"

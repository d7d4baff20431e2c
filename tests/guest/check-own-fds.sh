#!/usr/bin/env bash
# check-own-fds.sh — samples/own_fds.c: /dev/stdout, /dev/stderr, /dev/fd/N,
# /proc/self/fd/N and /dev/tty name the guest's own descriptors, and
# chdir/fchdir/getcwd move the guest's working directory (relative paths
# follow), under memsim with the default root and with --root, against the
# same i386 binary run natively (the reference) in the same directory, with
# stdin /dev/null, stdout and stderr one pipe and no controlling terminal
# (setsid), so /dev/tty is ENXIO in both.
#
#   check-own-fds.sh MEMSIM OWN_FDS_BIN
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM OWN_FDS_BIN" >&2; exit 2; }
memsim=$1 bin=$2
[ -x "$memsim" ] && [ -f "$bin" ] || { echo "FAIL own-fds: memsim or sample missing"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")      # the runs cd into the fixture
memsim=$(cd "$(dirname "$memsim")" && pwd)/$(basename "$memsim")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-own-fds.XXXXXX") || exit 1
bad=0
mkdir "$tmp/fx" "$tmp/fx/d" && echo data >"$tmp/fx/f"
nosess=
command -v setsid >/dev/null && nosess="setsid -w"

# what Linux prints (the fixed part: a terminal-less run)
cat >"$tmp/expected" <<'OUT'
written through /dev/stdout
written through /dev/stderr
written through /dev/fd/1
written through /proc/self/fd/2
open /dev/fd/7: No such file or directory
open /proc/self/fd/01: No such file or directory
open /dev/tty: No such device or address
chdir d: ok
getcwd is start/d: yes
open ../f: ok
open f: No such file or directory
chdir ..: ok
getcwd is start: yes
fchdir d: ok
stat-open ../d/.: ok
chdir f: Not a directory
chdir missing: No such file or directory
fchdir 0: Not a directory
fchdir 99: Bad file descriptor
OUT

check() {
    local name=$1; shift
    (cd "$tmp/fx" && $nosess "$@" </dev/null 2>&1 | cat >"$tmp/$name.out")
    if diff -u "$tmp/expected" "$tmp/$name.out" >"$tmp/$name.diff"; then
        echo "PASS own-fds/$name"
    else
        echo "FAIL own-fds/$name:"
        sed 's/^/    /' "$tmp/$name.diff" | head -30
        bad=1
    fi
}
if (cd "$tmp/fx" && "$bin" </dev/null >/dev/null 2>&1); then
    if [ -n "$nosess" ]; then
        check native "$bin"
    else
        echo "note: no setsid; the native reference is not run (its /dev/tty may differ)"
    fi
else
    echo "note: the host does not run i386 binaries natively; no native reference run"
fi
check default-root "$memsim" run --db "$tmp/d.db" -- "$bin"
check rooted "$memsim" run --db "$tmp/r.db" --root "$tmp/fx" -- "$bin"

[ "$bad" = 0 ] && rm -rf "$tmp"
exit "$bad"

#!/usr/bin/env bash
# check-fd-ops.sh — samples/fd_ops.c (pread64/pwrite64, fsync family, flock,
# fadvise, fstatfs64, umask, priorities, getgroups, F_SETFL O_NONBLOCK,
# record locks, FIONREAD) under memsim with both roots, against the same
# i386 binary run natively (the reference) in the same directory, with umask
# 022, stdin an empty pipe whose writer stays open, stdout a pipe.
#
#   check-fd-ops.sh MEMSIM FD_OPS_BIN
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM FD_OPS_BIN" >&2; exit 2; }
memsim=$1 bin=$2
[ -x "$memsim" ] && [ -f "$bin" ] || { echo "FAIL fd-ops: memsim or sample missing"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")      # the runs cd into the fixture
memsim=$(cd "$(dirname "$memsim")" && pwd)/$(basename "$memsim")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-fd-ops.XXXXXX") || exit 1
bad=0
mkdir "$tmp/fx" "$tmp/fx/d" && echo data >"$tmp/fx/f"
umask 022

# stdin is an empty FIFO whose write end this shell holds open (fd 3, not
# passed on) for the whole run: reads see "no data yet", never EOF, however
# slow the run (a `sleep N |` writer ended under load, and an ASan build
# then read EOF).
mkfifo "$tmp/stdin"
run() {   # run NAME CMD...
    local name=$1; shift
    (cd "$tmp/fx" && exec 3<>"$tmp/stdin" &&
        "$@" <"$tmp/stdin" 3<&- 2>"$tmp/$name.err" | cat >"$tmp/$name.out"; exit "${PIPESTATUS[0]}")
}
if ! run native "$bin"; then
    echo "note: the host does not run i386 binaries natively; no reference"
    exit 77
fi
grep -q '^read(0, buf, 1) .*Resource temporarily unavailable$' "$tmp/native.out" ||
    { echo "FAIL fd-ops: the native reference did not see O_NONBLOCK"; bad=1; }
for mode in default rooted; do
    opts=()
    [ $mode = rooted ] && opts=(--root "$tmp/fx")
    run $mode "$memsim" run --db "$tmp/$mode.db" "${opts[@]}" -- "$bin"
    status=$?
    if [ "$status" = 0 ] && diff -u "$tmp/native.out" "$tmp/$mode.out" >"$tmp/$mode.diff"; then
        echo "PASS fd-ops/$mode"
    else
        echo "FAIL fd-ops/$mode: status $status"
        sed 's/^/    /' "$tmp/$mode.diff" | head -30
        head -5 "$tmp/$mode.err" | sed 's/^/    stderr: /'
        bad=1
    fi
done
[ "$bad" = 0 ] && rm -rf "$tmp"
exit "$bad"

#!/usr/bin/env bash
# check-sandbox.sh — the sandbox's rules, with samples/sandbox.c as the guest
# and the host side checked here (docs/ARCHITECTURE.md, "Trust boundaries"):
#   write    ROOT/dev/null a symlink to ROOT/etc/passwd, or a hardlink of a
#            file outside the root: opening /dev/null for writing changes
#            neither; the host's real /dev/null takes the writes
#   stdio    memsim started with fds 0 and 2 closed (untraced and traced):
#            the guest sees them closed (EBADF, no /proc/self/fd/N), and
#            its first open() gets fd 0
#   dirfd0   stdin a directory outside --root: no *at() call, no getdents64
#            reaches it (with --root and with the default root)
#   proc     the host's /proc is ENOENT: thread-self, other pids, files the
#            model has not, a symlink to /proc, magic links in the middle of
#            a path; the model's own /proc (+PATH: self, the guest's pid,
#            meminfo) opens and never names memsim's program or process
#   dotdot   ".." from a subdirectory's dirfd stops at --root, as in a chroot
#   readdir  3000 entries in a directory on a disk file system (64-bit
#            hash offsets on the host): an i386 readdir lists them all,
#            telldir/seekdir/rewinddir work
#   mapmany  under `ulimit -n 256`, 1000 private mmaps of one file each
#            through its own (then closed) descriptor
# Linux's semantics (and memsim's promises), not qemu-i386's.
#
#   check-sandbox.sh MEMSIM SANDBOX_BIN
#
# Works in a directory under the current one (ctest: the build tree, on a
# disk file system; a tmpfs would hide the readdir defect).
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM SANDBOX_BIN" >&2
    exit 2
fi
memsim=$1 bin=$2
[ -x "$memsim" ] || { echo "FAIL sandbox: memsim not found: $memsim"; exit 1; }
[ -f "$bin" ] || { echo "FAIL sandbox: sample binary missing: $bin"; exit 1; }
tmp=$(mktemp -d "$PWD/memsim-sandbox.XXXXXX") || exit 1
bad=0

# run NAME [memsim options...] -- ARGS: run the guest, stdout in $tmp/NAME.out
run() {
    local name=$1; shift
    timeout -k 5 120 "$memsim" run --no-trace "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" < /dev/null
}
check() {       # check NAME STATUS WANT_LINE
    if [ "$2" = 0 ] && grep -qx "$3" "$tmp/$1.out"; then
        echo "PASS sandbox $1"
    else
        echo "FAIL sandbox $1: status $2: $(grep -F '(unexpected)' "$tmp/$1.out" | tr '\n' '|')$(head -c 300 "$tmp/$1.err" 2> /dev/null)"
        bad=1
    fi
}

# write: a symlink and a hardlink named dev/null, then the real one
mkdir -p "$tmp/rw1/dev" "$tmp/rw1/etc" "$tmp/rw2/dev"
echo passwd-original > "$tmp/rw1/etc/passwd"
ln -s ../etc/passwd "$tmp/rw1/dev/null"
echo outside-original > "$tmp/outside.txt"
run write_symlink --root "$tmp/rw1" -- "$bin" write /dev/null
if [ "$(cat "$tmp/rw1/etc/passwd")" = passwd-original ]; then echo "PASS sandbox write_symlink"
else echo "FAIL sandbox write_symlink: ROOT/etc/passwd now $(tr '\n' '|' < "$tmp/rw1/etc/passwd")"; bad=1; fi
if ln "$tmp/outside.txt" "$tmp/rw2/dev/null" 2> /dev/null; then
    run write_hardlink --root "$tmp/rw2" -- "$bin" write /dev/null
    if [ "$(cat "$tmp/outside.txt")" = outside-original ]; then echo "PASS sandbox write_hardlink"
    else echo "FAIL sandbox write_hardlink: the outside file now $(tr '\n' '|' < "$tmp/outside.txt")"; bad=1; fi
fi
run write_null -- "$bin" write /dev/null
if [ "$(grep -c 'write 6$' "$tmp/write_null.out")" = 5 ]; then echo "PASS sandbox write_null"
else echo "FAIL sandbox write_null: $(tr '\n' '|' < "$tmp/write_null.out")"; bad=1; fi

# stdio: fds 0 and 2 closed at start
( cd "$tmp" && exec timeout -k 5 60 "$memsim" run --no-trace -- "$bin" stdio ) > "$tmp/stdio.out" 0<&- 2>&-
check stdio $? "stdio ok"
( cd "$tmp" && exec timeout -k 5 60 "$memsim" run --db "$tmp/stdio.db" -- "$bin" stdio ) > "$tmp/stdio_traced.out" 0<&- 2>&-
check stdio_traced $? "stdio ok"
n=$("$memsim" query --csv "$tmp/stdio.db" "SELECT count(*) FROM runs" 2> /dev/null | tail -n 1 | tr -d '\r')
[ "$n" = 1 ] || { echo "FAIL sandbox stdio_traced: the trace has $n runs rows"; bad=1; }

# dirfd0: stdin a directory outside the root
mkdir -p "$tmp/rd" "$tmp/outdir"
echo OUTSIDE > "$tmp/outdir/secret.txt"
ln -s OUTSIDE-LINK "$tmp/outdir/link"
timeout -k 5 60 "$memsim" run --no-trace --root "$tmp/rd" -- "$bin" dirfd0 secret.txt link \
    < "$tmp/outdir" > "$tmp/dirfd0.out" 2> "$tmp/dirfd0.err"
check dirfd0 $? "dirfd0 ok"
timeout -k 5 60 "$memsim" run --no-trace -- "$bin" dirfd0 secret.txt link \
    < "$tmp/outdir" > "$tmp/dirfd0_default.out" 2> "$tmp/dirfd0_default.err"
check dirfd0_default $? "dirfd0 ok"

# proc: the host's procfs, however it is named, is hidden; the guest's /proc
# is the model's, reached by its name or by a symlink the model's walk
# resolves to it (plink -> /proc: the guest's /proc, as a chroot with procfs
# mounted at its /proc; /proc/self/fd/N is the guest's own fd N, not the
# host's: guest/own_fds checks it)
ln -s /proc "$tmp/plink"
echo cwd-file > "$tmp/cwdfile"
( cd "$tmp" && exec timeout -k 5 60 "$memsim" run --no-trace -- "$bin" proc \
    +/proc +/proc/self/status +/proc/self/maps +/proc/self/cmdline +/proc/self/environ /proc/self/mem \
    /proc/thread-self/status /proc/1/status +/proc/1000/status +/proc/meminfo /proc/cpuinfo \
    /proc/self/fdinfo/1 ^/proc/self/fd/1/ /proc/self/fd/3 /proc/self/cwd/cwdfile /proc/self/root/etc/hostname \
    "+$tmp/plink/self/status" +plink/meminfo ) > "$tmp/proc.out" 2> "$tmp/proc.err" < /dev/null
check proc $? "proc ok"
# memsim started inside the host's /proc: its names relative to that
# working directory are the host's procfs, hidden; ".." leaves it, and
# /proc by its canonical place is the model's again
( cd /proc && exec timeout -k 5 60 "$memsim" run --no-trace -- "$bin" proc \
    self/status meminfo . +../proc/self/status +../proc/meminfo ) \
    > "$tmp/proc_cwd.out" 2> "$tmp/proc_cwd.err" < /dev/null
check proc_cwd $? "proc ok"
mkdir -p "$tmp/rp"
ln -s /proc "$tmp/rp/hostproc"                       # the guest's /proc: the model's
ln -s ../../../../../../../../../../proc "$tmp/rp/up"  # ".." stops at the root
cp "$bin" "$tmp/rp/sandbox"
run proc_root --root "$tmp/rp" -- "$tmp/rp/sandbox" proc +/proc/self/status \
    +/hostproc/self/status +/hostproc/meminfo /up/1/status /up/self/mem
check proc_root $? "proc ok"
# exe: /proc/self/exe is the path inside the root, absolute, however named
( cd "$tmp/rp" && exec timeout -k 5 60 "$memsim" run --no-trace --root "$tmp/rp" -- ./sandbox exe /sandbox ) \
    > "$tmp/exe_root.out" 2> "$tmp/exe_root.err" < /dev/null
check exe_root $? "exe ok"
# a program outside the root: its name only, no host path
timeout -k 5 60 "$memsim" run --no-trace --root "$tmp/rp" -- "$bin" exe /sandbox \
    > "$tmp/exe_outside.out" 2> "$tmp/exe_outside.err" < /dev/null
check exe_outside $? "exe ok"

# dotdot: a chroot's ".."
mkdir -p "$tmp/r5/sub/deeper"
echo top-file > "$tmp/r5/top.txt"
echo inner-file > "$tmp/r5/sub/inner.txt"
run dotdot --root "$tmp/r5" -- "$bin" dotdot
check dotdot $? "dotdot ok"

# readdir: a big directory on this (disk) file system
mkdir -p "$tmp/r6/big"
( cd "$tmp/r6/big" && seq -f 'entry-%g' 1 3000 | xargs touch )
run readdir_root --root "$tmp/r6" -- "$bin" readdir /big 3000
check readdir_root $? "readdir ok"
run readdir_default -- "$bin" readdir "$tmp/r6/big" 3000
check readdir_default $? "readdir ok"

# mapmany: one host descriptor per mapped file, not per mapping
echo "a small file to map" > "$tmp/map.txt"
( ulimit -n 256 && exec timeout -k 5 120 "$memsim" run --no-trace -- "$bin" mapmany "$tmp/map.txt" 1000 ) \
    > "$tmp/mapmany.out" 2> "$tmp/mapmany.err" < /dev/null
check mapmany $? "mapmany ok"

if [ "$bad" != 0 ]; then
    echo "  kept: $tmp"
    echo "FAIL guest/sandbox"
    exit 1
fi
rm -rf "$tmp"
echo "PASS guest/sandbox"

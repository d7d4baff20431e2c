#!/usr/bin/env bash
# check-execve.sh — samples/exec_errno.c: the errno of each way execve and
# execveat fail (ENOENT, ENOTDIR, EACCES for no execute permission and for
# a directory, ENOEXEC for text and garbage bytes, ENOENT for a missing #!
# interpreter, ELOOP for #! recursion past five rewrites and for a symlink
# loop, EFAULT for bad pointers, E2BIG at MAX_ARG_STRLEN and at a quarter
# of the stack limit, execveat's EINVAL, AT_SYMLINK_NOFOLLOW, dirfd and
# AT_EMPTY_PATH), run natively (the reference: this host is Linux), then
# under memsim with the fixture as working directory and with --root FIXTURE;
# each output must be the native one.  Then memsim's own choices:
#   - a dynamic i386 ELF whose interpreter exists (default root) runs, as
#     natively, and under --root FIXTURE, where it is missing, execve
#     fails with ENOENT, as Linux (only when the compiler can build one);
#   - busybox (third_party/busybox, when present): sh -c 'exec busybox echo hi'.
#
#   check-execve.sh MEMSIM EXEC_ERRNO_BIN [BUSYBOX]
set -u
[ $# -ge 2 ] || { echo "usage: $0 MEMSIM EXEC_ERRNO_BIN [BUSYBOX]" >&2; exit 2; }
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
memsim=$(abs "$1") bin=$(abs "$2") busybox=${3:+$(abs "$3")}
[ -x "$memsim" ] && [ -f "$bin" ] || { echo "FAIL execve: memsim or sample missing"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-execve.XXXXXX") || exit 1
fx=$tmp/fx bad=0

mkdir -p "$fx/d"
cp "$bin" "$fx/exec_errno"
printf 'data\n' >"$fx/noexec" && chmod 0644 "$fx/noexec"
printf 'echo hi\n' >"$fx/f" && chmod 0755 "$fx/f"
head -c 4096 /dev/urandom | tr -d '#' >"$fx/garbage" && chmod 0755 "$fx/garbage"
: >"$fx/empty" && chmod 0755 "$fx/empty"
printf '#!/nonexistent/interp -x\n' >"$fx/badinterp" && chmod 0755 "$fx/badinterp"
printf '#!./loop\n' >"$fx/loop" && chmod 0755 "$fx/loop"
for p in a b; do
    n=$([ $p = a ] && echo 5 || echo 6)
    for i in $(seq 1 "$n"); do
        next=./$p$((i + 1))
        [ "$i" = "$n" ] && next=./garbage
        printf '#!%s\n' "$next" >"$fx/$p$i" && chmod 0755 "$fx/$p$i"
    done
done
ln -s l2 "$fx/l1" && ln -s l1 "$fx/l2"

# compare NAME EXPECTED CMD...: CMD in the fixture must print EXPECTED
compare() {
    local name=$1 want=$2 status; shift 2
    (cd "$fx" && "$@" </dev/null 2>"$tmp/$name.err" | cat >"$tmp/$name.out"; exit "${PIPESTATUS[0]}")
    status=$?
    if [ "$status" != 0 ] || ! diff -u "$want" "$tmp/$name.out" >"$tmp/$name.diff"; then
        echo "FAIL execve/$name: status $status"
        sed 's/^/    /' "$tmp/$name.diff" | head -40
        head -5 "$tmp/$name.err" | sed 's/^/    stderr: /'
        bad=1
    else
        echo "PASS execve/$name"
    fi
}

if (cd "$fx" && ./exec_errno </dev/null | cat >"$tmp/native.txt"; exit "${PIPESTATUS[0]}"); then
    echo "PASS execve/native-reference ($(grep -c '' "$tmp/native.txt") cases)"
    compare default "$tmp/native.txt" "$memsim" run -- ./exec_errno
    compare rooted "$tmp/native.txt" "$memsim" run --root "$fx" -- ./exec_errno
else
    echo "FAIL execve: the native reference run failed"
    bad=1
fi

# a dynamic i386 program: it runs where its loader is, ENOENT where not
printf '#include <stdio.h>\nint main(int c, char **v) { printf("dyn %%d %%s\\n", c, v[0]); return 0; }\n' >"$tmp/dyn.c"
if cc -m32 -o "$fx/dyn" "$tmp/dyn.c" 2>/dev/null; then
    interp=$(tr -d '\0' <"$fx/dyn" | grep -a -o -m1 '/lib[^ ]*ld-linux[^ ]*\.so\.[0-9]' | head -1)
    if [ -n "$interp" ] && [ -e "$interp" ] &&
       (cd "$fx" && ./exec_errno dyn </dev/null >"$tmp/dyn-host.txt"); then
        grep -q '^dyn 1 dyn$' "$tmp/dyn-host.txt" || echo "FAIL execve/dynamic-native: $(cat "$tmp/dyn-host.txt")"
        compare dynamic-default "$tmp/dyn-host.txt" "$memsim" run -- ./exec_errno dyn
    fi
    printf '%-28s %s\n' "dynamic i386 ELF" ENOENT >"$tmp/dyn-root.txt"
    compare dynamic-rooted "$tmp/dyn-root.txt" "$memsim" run --root "$fx" -- ./exec_errno dyn
else
    echo "SKIP execve/dynamic: cc -m32 cannot build a dynamic i386 program"
fi

if [ -n "$busybox" ] && [ -x "$busybox" ]; then
    printf 'hi\n' >"$tmp/hi.txt"
    compare busybox-exec "$tmp/hi.txt" "$memsim" run -- "$busybox" sh -c "exec $busybox echo hi"
    printf 'hi\nthere\n' >"$tmp/hi2.txt"
    printf '#!%s sh\necho hi\necho there\n' "$busybox" >"$fx/bb.sh" && chmod 0755 "$fx/bb.sh"
    compare busybox-script "$tmp/hi2.txt" "$memsim" run -- "$busybox" sh -c "exec ./bb.sh"
else
    echo "SKIP execve/busybox: no third_party/busybox"
fi

[ "$bad" = 0 ] && rm -rf "$tmp"
exit "$bad"

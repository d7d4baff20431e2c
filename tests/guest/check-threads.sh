#!/usr/bin/env bash
# ctest guest/threads_cases: threads, spawn and /proc of other processes
# beyond what guest/threads and guest/spawn compare (their output under the
# default quantum against qemu-i386).  Native Linux is the reference here
# (qemu-user runs CLONE_VFORK as a fork and shows the host's /proc):
#   threads under other quanta (97, 1000, 50000 instructions): the same
#       output, whatever the interleaving;
#   threads exit / fault / kill: one thread ends the whole process while the
#       others sleep in futex waits: exit_group's status 3, SIGSEGV's 139
#       (with memsim's one report line of the faulting thread), SIGKILL's
#       137; the runs row's exit_reason, and every task of the process ends
#       with the same status in the processes table;
#   spawn with SPAWN_STRICT=1: posix_spawn of a missing program returns
#       ENOENT from the vfork'd child's failed execve (as native);
#   proc_pid: /proc/PID/{status,stat,comm,cmdline,maps} of a sleeping
#       child, of the zombie it becomes, gone after the reap, a thread by
#       tid; the output (pids as names) is native's byte for byte.
#   check-threads.sh MEMSIM BIN_DIR
set -u
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-threads.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() { echo "FAIL threads_cases: $*"; bad=1; }
for s in threads spawn proc_pid; do
    [ -x "$bin/$s" ] || { echo "FAIL threads_cases: missing $bin/$s (build the samples)"; exit 1; }
done
native_ok=1
"$bin/threads" > "$tmp/native.threads" 2>/dev/null < /dev/null || native_ok=0
[ $native_ok = 1 ] || echo "note threads_cases: the samples do not run natively here: no native comparison"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

run() {   # run TAG ARGS...: $tmp/TAG.out, .err, .status, .db
    local tag=$1
    shift
    timeout -k 5 120 "$memsim" run --db "$tmp/$tag.db" "$@" > "$tmp/$tag.out" 2> "$tmp/$tag.err" < /dev/null
    echo $? > "$tmp/$tag.status"
}

for q in 97 1000 50000; do
    run "q$q" --quantum $q -- "$bin/threads"
    [ "$(cat "$tmp/q$q.status")" = 0 ] || fail "quantum $q: status $(cat "$tmp/q$q.status"): $(cat "$tmp/q$q.err")"
    cmp -s "$tmp/q$q.out" "$here/expected/threads.stdout" || fail "quantum $q: output differs"
done

for c in exit:3:exit fault:139:SIGSEGV kill:137:SIGKILL; do
    m=${c%%:*} rest=${c#*:}
    want=${rest%%:*} reason=${rest#*:}
    run "$m" -- "$bin/threads" "$m"
    got=$(cat "$tmp/$m.status")
    [ "$got" = "$want" ] || fail "$m: status $got, expected $want: $(cat "$tmp/$m.err")"
    [ "$(cat "$tmp/$m.out")" = "ender: going" ] || fail "$m: stdout $(cat "$tmp/$m.out")"
    [ "$(sqlite3 "$tmp/$m.db" 'SELECT exit_reason FROM runs')" = "$reason" ] || fail "$m: exit_reason"
    [ "$(sqlite3 "$tmp/$m.db" "SELECT count(*) FROM processes WHERE exit_status = $want")" = 3 ] ||
        fail "$m: not all three threads ended with $want: $(sqlite3 "$tmp/$m.db" 'SELECT tid, exit_status FROM processes')"
    if [ "$m" = fault ]; then
        grep -q '^memsim: SIGSEGV (SEGV_MAPERR) at address 0x00000000' "$tmp/$m.err" ||
            fail "fault: no report line of the faulting thread: $(cat "$tmp/$m.err")"
    fi
    if [ $native_ok = 1 ]; then
        { "$bin/threads" "$m" > "$tmp/$m.native" 2>/dev/null < /dev/null; echo $? > "$tmp/$m.nstatus"; } 2>/dev/null
        cmp -s "$tmp/$m.out" "$tmp/$m.native" && [ "$(cat "$tmp/$m.nstatus")" = "$got" ] ||
            fail "$m: differs from native (status $(cat "$tmp/$m.nstatus"))"
    fi
done

run strict -E SPAWN_STRICT=1 -- "$bin/spawn"
grep -qx '  reported by posix_spawn: No such file or directory' "$tmp/strict.out" ||
    fail "spawn: posix_spawn did not report the failed exec: $(cat "$tmp/strict.out")"
if [ $native_ok = 1 ]; then
    SPAWN_STRICT=1 "$bin/spawn" > "$tmp/strict.native" 2>/dev/null < /dev/null
    cmp -s "$tmp/strict.out" "$tmp/strict.native" || fail "spawn strict: differs from native"
fi

for q in 1000000 300; do
    run "pp$q" --quantum $q -- "$bin/proc_pid"
    [ "$(cat "$tmp/pp$q.status")" = 0 ] || fail "proc_pid (quantum $q): status $(cat "$tmp/pp$q.status"): $(cat "$tmp/pp$q.err")"
    grep -qx 'zombie status: Name proc_pid, State Z (zombie), Tgid child, Pid child, PPid me, Threads 1, Umask (none), VmRSS (none), SigCgt 0000000000000000' "$tmp/pp$q.out" ||
        fail "proc_pid (quantum $q): the zombie's status"
    if [ $native_ok = 1 ]; then
        "$bin/proc_pid" > "$tmp/pp.native" 2>/dev/null < /dev/null
        diff "$tmp/pp.native" "$tmp/pp$q.out" > "$tmp/pp.diff" || fail "proc_pid (quantum $q): differs from native: $(cat "$tmp/pp.diff")"
    fi
done

[ $bad = 0 ] && echo "PASS threads_cases"
exit $bad

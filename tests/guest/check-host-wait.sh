#!/usr/bin/env bash
# check-host-wait.sh MEMSIM BUSYBOX — a task that waits on a host object
# does not stop the others.  busybox sh starts `cat` on the run's stdin (a
# pipe from this script) in the background, sleeps, prints "ready" and waits;
# this script writes to the pipe only once it has read "ready".  If the
# machine waited in the host's read for cat, "ready" would never come (a
# deadlock between the host and the guest).  The same is checked with a
# poll(2) on the pipe (busybox timeout + read -t).  Output as qemu-i386's.
# Exit 77 without busybox or qemu-i386.
set -u
memsim=$1 busybox=$2
[ -x "$busybox" ] || { echo "SKIP: no busybox at $busybox (scripts/fetch-busybox.sh)"; exit 77; }
command -v qemu-i386 >/dev/null || { echo "SKIP: no qemu-i386"; exit 77; }
fail=0

# converse RUNNER...: run `sh -c SCRIPT` under RUNNER as a coprocess, answer
# its "ready", print everything it said
converse() {
    local script=$1
    shift
    coproc G { timeout 30 "$@" "$busybox" sh -c "$script" 2>&1; }
    local line pid=$G_PID
    if ! read -r -t 20 line <&"${G[0]}"; then
        echo "(no ready: the machine waited in a host call)"
        kill "$pid" 2>/dev/null
        return
    fi
    echo "$line"
    echo "hello from the host" >&"${G[1]}"
    exec {G[1]}>&-
    while read -r -t 20 line <&"${G[0]}"; do echo "$line"; done
    wait "$pid" 2>/dev/null
}

for name in read poll; do
    case $name in
    read) script='exec 3<&0; cat <&3 & sleep 0.05; echo ready; wait; echo done' ;;
    poll) script='exec 3<&0; (read -t 10 line <&3; echo "read: $line") & sleep 0.05; echo ready; wait; echo done' ;;
    esac
    want=$(converse "$script" qemu-i386)
    got=$(converse "$script" "$memsim" run --)
    if [ "$got" = "$want" ] && [ -n "$got" ]; then
        echo "ok   host_wait/$name: $(echo "$got" | tr '\n' '|')"
    else
        echo "FAIL host_wait/$name: memsim '$(echo "$got" | tr '\n' '|')', qemu-i386 '$(echo "$want" | tr '\n' '|')'"
        fail=1
    fi
done
exit $fail

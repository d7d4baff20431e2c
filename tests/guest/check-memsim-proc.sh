#!/usr/bin/env bash
# check-memsim-proc.sh — `memsim proc TRACE FILE`: /proc as it was when the
# guest exited (the trace's proc_files, docs/TRACE_SCHEMA.md).
#
#   check-memsim-proc.sh MEMSIM VM_INFO_BIN
#
# The run: samples/vm_info ldt (its LDT is a vmalloc area, so vmallocinfo
# has one line, derived in check-vm-info.sh; the guest itself reads it
# too, and the file at exit is the same text).  Checked: --list names the
# machine's files and the process's as PID/NAME; NAME, PID/NAME, self/NAME
# and /proc/NAME pick the same rows; cmdline is argv with NULs; an events
# file written with --all keeps the files and one of the kernel selection
# does not; a replay renders its own at the replayed exit; bad input: no
# such file 1, a FILE of no form 2, not a trace 2, usage 2, one line each.
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM VM_INFO_BIN" >&2; exit 2; }
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-procfiles.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() { echo "FAIL memsim_proc/$1"; bad=1; }
pass() { echo "PASS memsim_proc/$1"; }
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1"; echo "want: $3"; echo "got:  $2"; fi; }

"$memsim" run --db "$tmp/t.db" -- "$bin" ldt >"$tmp/out" 2>"$tmp/err" || fail "run: status $?"
pid=$("$memsim" query "$tmp/t.db" "SELECT pid FROM processes" | tail -1 | tr -dc 0-9)
list=$("$memsim" proc "$tmp/t.db" --list | tr '\n' ' ')
for f in meminfo buddyinfo slabinfo vmallocinfo vmstat "$pid/maps" "$pid/smaps" "$pid/status" \
         "$pid/statm" "$pid/cmdline" "$pid/environ" "$pid/smaps_rollup"; do
    case " $list" in *" $f "*) ;; *) fail "list has $f"; echo "$list" ;; esac
done
pass list

if [ "$(id -u)" = 0 ]; then   # the guest could read it: the same text at exit
    check vmallocinfo "$("$memsim" proc "$tmp/t.db" vmallocinfo)" "$(sed -n 2p "$tmp/out")"
fi
a=$("$memsim" proc "$tmp/t.db" "$pid/status" | md5sum)
check self "$("$memsim" proc "$tmp/t.db" self/status | md5sum)" "$a"
check name "$("$memsim" proc "$tmp/t.db" status | md5sum)" "$a"
check /proc/NAME "$("$memsim" proc "$tmp/t.db" /proc/meminfo | head -1 | cut -d: -f1)" MemTotal
check status-name "$("$memsim" proc "$tmp/t.db" status | head -1)" "$(printf 'Name:\tvm_info')"
check cmdline "$("$memsim" proc "$tmp/t.db" cmdline | tr '\0' '|' | sed 's|.*/||')" "vm_info|ldt|"

"$memsim" export "$tmp/t.db" --all -o "$tmp/all.events" &&
    check events-all "$("$memsim" proc "$tmp/all.events" "$pid/maps" | md5sum)" \
                     "$("$memsim" proc "$tmp/t.db" "$pid/maps" | md5sum)"
"$memsim" export "$tmp/t.db" -o "$tmp/kernel.events" &&
    check events-kernel "$(grep -c 'table=proc_files' "$tmp/kernel.events")" 0
"$memsim" replay --db "$tmp/r.db" "$tmp/t.db" >/dev/null 2>&1 || fail "replay: status $?"
check replay "$("$memsim" proc "$tmp/r.db" statm)" "$("$memsim" proc "$tmp/t.db" statm)"

expect() {   # STATUS ARGS...: exit status, nothing on stdout, one line on stderr
    local want=$1; shift
    "$memsim" proc "$@" >"$tmp/o" 2>"$tmp/e"
    local rc=$?
    if [ $rc = "$want" ] && [ ! -s "$tmp/o" ] && [ "$(wc -l <"$tmp/e")" = 1 ]; then
        pass "bad: $* -> $want"
    else
        fail "bad: $* -> $want (got $rc)"; cat "$tmp/o" "$tmp/e"
    fi
}
expect 1 "$tmp/t.db" nosuch
expect 1 "$tmp/t.db" 4242/maps
expect 2 "$tmp/t.db" 12x/maps
expect 2 "$tmp/err" maps
expect 2 "$tmp/t.db"
expect 2 "$tmp/t.db" --bogus
exit $bad

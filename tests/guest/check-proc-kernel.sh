#!/usr/bin/env bash
# check-proc-kernel.sh — the machine-wide /proc files as the guest reads
# them (samples/proc_kernel.c): slabinfo's 2.1 header, vm_area_struct's
# active_objs against the reader's own /proc/self/maps, MemTotal against
# zoneinfo's managed pages, and the free pages of meminfo, buddyinfo and
# vmstat against one another (the relations are Linux's definitions; the
# sample's comment says which).  Under each machine shape: the default
# 256 MiB, 1 GiB (lowmem up to 896 MiB), 2 GiB (a HighMem zone), PAE.
# Not compared with a native run: the host's slabinfo counts every
# process's VMAs (and SLUB's per-cpu slabs), and a NUMA host's zones
# differ.
#
#   check-proc-kernel.sh MEMSIM PROC_KERNEL_BIN
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM PROC_KERNEL_BIN" >&2; exit 2; }
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-proc-kernel.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
for cfg in "" "--ram 1G" "--ram 2G" "--paging pae" "--ram 2G --paging pae"; do
    name="proc_kernel ${cfg:-default}"
    # shellcheck disable=SC2086
    if "$memsim" run --no-trace $cfg -- "$bin" >"$tmp/out" 2>"$tmp/err" &&
       [ "$(grep -c ': yes$' "$tmp/out")" = 5 ] && [ "$(wc -l <"$tmp/out")" = 5 ]; then
        echo "PASS $name"
    else
        echo "FAIL $name"; cat "$tmp/out" "$tmp/err"; bad=1
    fi
done
# The zones buddyinfo lists are the machine's: DMA and Normal, and HighMem
# above 896 MiB.
"$memsim" run --no-trace --ram 2G -- "$bin" print >"$tmp/p" 2>"$tmp/err"
buddy='^Node 0, zone +[A-Za-z]+( +[0-9]+){11} *$'   # zoneinfo's zone lines have no counts
if [ "$(grep -cE "$buddy" "$tmp/p")" = 3 ] &&
   [ "$(grep -E "$buddy" "$tmp/p" | awk '{print $4}' | tr '\n' ' ')" = "DMA Normal HighMem " ]; then
    echo "PASS proc_kernel buddyinfo zones"
else
    echo "FAIL proc_kernel buddyinfo zones"; grep -E "$buddy" "$tmp/p"; bad=1
fi
exit $bad

#!/usr/bin/env bash
# check-shm-single.sh — samples/shm_single.c beyond its portable output
# (guest/shm_single compares that with qemu-i386):
#
#   check-shm-single.sh MEMSIM SHM_SINGLE_BIN
#
# 1. `shm_single raw` under memsim --epoch 1700000000: /proc/sysvipc/shm
#    while both attaches exist is exactly the text below, derived from
#    Linux 6.1's ipc/shm.c for an i386 kernel (BITS_PER_LONG 32):
#    the header is shm_init's 32-bit one; the line is sysvipc_shm_proc_show's
#    "%10d %10d  %4o %10lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu
#    %10llu %10lu %10lu" of key 0 (IPC_PRIVATE), id 0 (the first ipc_idr
#    slot, seq 0), perms 600, size 10000, cpid and lpid 1000 (the guest's
#    pid; the last attach's), nattch 2, uid/gid/cuid/cgid memsim's own (the
#    guest's ids are memsim's), atime and ctime the epoch (the model clock
#    is well under a second past boot; ktime_get_real_seconds), dtime 0 (no
#    detach yet), rss 4096 (one page of the segment's page cache: only its
#    first page was written), swap 0.
# 2. The trace: the faults at the two attach addresses (printed by the
#    sample) resolve to one frame — the segment's page-cache page — so
#    SELECT COUNT(DISTINCT pfn), COUNT(DISTINCT address >> 12) over them is
#    1|2; and that frame is a page_cache row of device 0:1 (shm_mnt), inode
#    0 (the segment's id).
# 3. `memsim proc TRACE sysvipc/shm`: at exit the segment is gone, so the
#    recorded file is the header alone.
# 4. The trace replays with every outcome matching.
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM SHM_SINGLE_BIN" >&2; exit 2; }
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-shm.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() { echo "FAIL shm_single/$1"; bad=1; }
pass() { echo "PASS shm_single/$1"; }

"$memsim" run --db "$tmp/t.db" --epoch 1700000000 -- "$bin" raw >"$tmp/out" 2>"$tmp/err" \
    || { fail "run: status $?"; cat "$tmp/err"; exit 1; }
hdr='       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime        rss       swap'
u=$(id -u) g=$(id -g)
line=$(printf '%10d %10d  %4o %10u %5u %5u  %5u %5u %5u %5u %5u %10u %10u %10u %10u %10u' \
       0 0 0600 10000 1000 1000 2 "$u" "$g" "$u" "$g" 1700000000 0 1700000000 4096 0)
printf '%s\n%s\n' "$hdr" "$line" >"$tmp/want"
grep -A1 '^       key      shmid' "$tmp/out" >"$tmp/got"
if diff -u "$tmp/want" "$tmp/got"; then pass sysvipc-exact; else fail sysvipc-exact; fi

read -r pa pb < <(sed -n 's/^attach pages: \([0-9a-f]*\) \([0-9a-f]*\)$/\1 \2/p' "$tmp/out")
if [ -z "${pa:-}" ]; then
    fail attach-pages
else
    q="SELECT COUNT(DISTINCT pfn) || '|' || COUNT(DISTINCT address >> 12) FROM faults
       WHERE (address >> 12) IN ($((16#$pa)), $((16#$pb))) AND pfn IS NOT NULL"
    got=$(sqlite3 "$tmp/t.db" "$q")
    if [ "$got" = "1|2" ]; then pass one-pfn; else fail "one-pfn: $got"; fi
    q="SELECT COUNT(*) FROM page_cache WHERE op = 'add' AND dev = 1 AND ino = 0 AND pfn =
       (SELECT pfn FROM faults WHERE (address >> 12) = $((16#$pa)) AND pfn IS NOT NULL LIMIT 1)"
    got=$(sqlite3 "$tmp/t.db" "$q")
    if [ "$got" = 1 ]; then pass page-cache-row; else fail "page-cache-row: $got"; fi
fi

"$memsim" proc "$tmp/t.db" sysvipc/shm >"$tmp/proc" 2>&1 || fail "memsim proc: status $?"
printf '%s\n' "$hdr" >"$tmp/want2"
if diff -u "$tmp/want2" "$tmp/proc"; then pass memsim-proc; else fail memsim-proc; fi

if "$memsim" replay --expect-same "$tmp/t.db" >"$tmp/replay" 2>&1; then
    pass replay
else
    fail replay; cat "$tmp/replay"
fi
exit $bad

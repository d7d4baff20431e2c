#!/usr/bin/env bash
# check-vm-info.sh — the kernel's own memory in the guest's /proc
# (samples/vm_info.c): the vmalloc area, vmstat, VmPeak/VmHWM, and paths
# relative to a /proc directory descriptor.
#
#   check-vm-info.sh MEMSIM VM_INFO_BIN
#
# 1. `vm_info at peak` prints only "yes" lines, under memsim and natively
#    (when the host runs i386 programs): the same text.
# 2. `vm_info ldt`: modify_ldt makes the LDT, which 6.1 allocates with
#    __vmalloc (alloc_ldt_struct: 8192 entries, 64 KiB, above a page), so
#    /proc/vmallocinfo has one area.  Expected by hand from 6.1's rules:
#    VMALLOC_START = high_memory + 8 MiB (VMALLOC_OFFSET); high_memory is
#    PAGE_OFFSET + the RAM below 896 MiB: 0xD0000000 with the default
#    256 MiB, 0xF8000000 with 1 GiB (lowmem ends at 896 MiB), in either
#    paging mode.  The area is the first, at VMALLOC_START; its size is the
#    16 pages and the guard page: 69632 bytes (s_show prints vm->size,
#    guard included), "%7ld".  The caller is the model function's name with
#    +0x0/0x0 (no code offsets in a model).  The file is 0400 (root only):
#    another uid reads EACCES ("Permission denied").
# 3. `vm_info vmstat`: the line names are 6.1's vmstat_text for an i386
#    kernel with HIGHMEM, ZONE_DMA, SWAP, MIGRATION, COMPACTION and KSM,
#    without NUMA, zsmalloc, THP, hugetlb, CMA, ballooning, zswap,
#    DEBUG_TLBFLUSH (mm/vmstat.c, in its order; TEXTS_FOR_ZONES gives
#    _dma _normal _high _movable); the counters any run moves are above 0.
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM VM_INFO_BIN" >&2; exit 2; }
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-vm-info.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() { echo "FAIL vm_info/$1"; bad=1; }
pass() { echo "PASS vm_info/$1"; }
run() { "$memsim" run --no-trace "$@" 2>"$tmp/err"; }

# ---- 1. portable lines
run -- "$bin" at peak >"$tmp/m" || fail "portable: status $?"
if [ "$(grep -c ': yes$' "$tmp/m")" = 5 ] && [ "$(wc -l <"$tmp/m")" = 5 ]; then
    pass portable
else
    fail portable; cat "$tmp/m" "$tmp/err"
fi
if "$bin" at peak >"$tmp/n" 2>/dev/null; then
    if cmp -s "$tmp/m" "$tmp/n"; then pass native; else fail native; diff "$tmp/m" "$tmp/n"; fi
else
    echo "SKIP vm_info/native (the host does not run i386 programs)"
fi

# ---- 2. vmallocinfo
ldt_line() {   # VMALLOC_START
    printf 'modify_ldt: 0\n0x%08x-0x%08x   69632 alloc_ldt_struct+0x0/0x0 pages=16 vmalloc\n' \
        "$1" $(($1 + 69632))
}
if [ "$(id -u)" = 0 ]; then
    for cfg in "0xd0800000 --ram 256M" "0xf8800000 --ram 1G" "0xd0800000 --paging pae" \
               "0xf8800000 --ram 1G --paging pae"; do
        set -- $cfg
        start=$1; shift
        run "$@" -- "$bin" ldt >"$tmp/v" || fail "vmallocinfo $*: status $?"
        if [ "$(cat "$tmp/v")" = "$(ldt_line $((start)))" ]; then
            pass "vmallocinfo $*"
        else
            fail "vmallocinfo $*"; ldt_line $((start)); cat "$tmp/v"
        fi
    done
else
    run -- "$bin" ldt >"$tmp/v"
    if [ "$(cat "$tmp/v")" = "$(printf 'modify_ldt: 0\nvmallocinfo: Permission denied')" ]; then
        pass "vmallocinfo (0400: not root)"
    else
        fail "vmallocinfo (0400: not root)"; cat "$tmp/v"
    fi
fi

# ---- 3. vmstat
names="nr_free_pages nr_zone_inactive_anon nr_zone_active_anon nr_zone_inactive_file
nr_zone_active_file nr_zone_unevictable nr_zone_write_pending nr_mlock nr_bounce nr_free_cma
nr_inactive_anon nr_active_anon nr_inactive_file nr_active_file nr_unevictable
nr_slab_reclaimable nr_slab_unreclaimable nr_isolated_anon nr_isolated_file workingset_nodes
workingset_refault_anon workingset_refault_file workingset_activate_anon
workingset_activate_file workingset_restore_anon workingset_restore_file
workingset_nodereclaim nr_anon_pages nr_mapped nr_file_pages nr_dirty nr_writeback
nr_writeback_temp nr_shmem nr_shmem_hugepages nr_shmem_pmdmapped nr_file_hugepages
nr_file_pmdmapped nr_anon_transparent_hugepages nr_vmscan_write nr_vmscan_immediate_reclaim
nr_dirtied nr_written nr_throttled_written nr_kernel_misc_reclaimable nr_foll_pin_acquired
nr_foll_pin_released nr_kernel_stack nr_page_table_pages nr_sec_page_table_pages
nr_swapcached nr_dirty_threshold nr_dirty_background_threshold pgpgin pgpgout pswpin pswpout
pgalloc_dma pgalloc_normal pgalloc_high pgalloc_movable allocstall_dma allocstall_normal
allocstall_high allocstall_movable pgskip_dma pgskip_normal pgskip_high pgskip_movable pgfree
pgactivate pgdeactivate pglazyfree pgfault pgmajfault pglazyfreed pgrefill pgreuse
pgsteal_kswapd pgsteal_direct pgdemote_kswapd pgdemote_direct pgscan_kswapd pgscan_direct
pgscan_direct_throttle pgscan_anon pgscan_file pgsteal_anon pgsteal_file pginodesteal
slabs_scanned kswapd_inodesteal kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly
pageoutrun pgrotated drop_pagecache drop_slab oom_kill pgmigrate_success pgmigrate_fail
thp_migration_success thp_migration_fail thp_migration_split compact_migrate_scanned
compact_free_scanned compact_isolated compact_stall compact_fail compact_success
compact_daemon_wake compact_daemon_migrate_scanned compact_daemon_free_scanned
unevictable_pgs_culled unevictable_pgs_scanned unevictable_pgs_rescued unevictable_pgs_mlocked
unevictable_pgs_munlocked unevictable_pgs_cleared unevictable_pgs_stranded swap_ra swap_ra_hit
ksm_swpin_copy cow_ksm direct_map_level2_splits direct_map_level3_splits"
run -- "$bin" vmstat >"$tmp/s" || fail "vmstat: status $?"
got=$(sed -n 's/^line //p' "$tmp/s" | tr '\n' ' ')
want=$(echo $names)
if [ "$got" = "$want " ] && [ "$(grep -c 'above 0: yes$' "$tmp/s")" = 4 ]; then
    pass vmstat
else
    fail vmstat; diff <(tr ' ' '\n' <<< "$want") <(sed -n 's/^line //p' "$tmp/s"); grep above "$tmp/s"
fi
exit $bad

/*
 * vmstat.h — the kernel's VM event counters and /proc/vmstat (Linux 6.1
 * include/linux/vm_event_item.h, mm/vmstat.c).
 *
 * The events (pgfault, pgalloc_normal, pgfree ...) are counted where Linux
 * counts them, into the kernel's struct vm_event_state (no globals: the
 * kernel owns it; the buddy allocator reaches it through pgdat->vm_events).
 * The page-state counters Linux keeps per zone and node (nr_free_pages,
 * nr_anon_pages, nr_page_table_pages ...) are what the model's state says
 * when /proc/vmstat is rendered: the zones' free counts and the frames'
 * struct pages, as /proc/meminfo reads them (vmstat_frame_counts).
 *
 * The configuration: i386 with HIGHMEM and ZONE_DMA, CONFIG_SWAP (no swap
 * device: madvise.c's Debian config), MIGRATION, COMPACTION and KSM
 * (madvise takes MADV_MERGEABLE); without NUMA, zswap, zsmalloc, THP (as
 * meminfo: no AnonHugePages line), hugetlb, CMA or ballooning.  So
 * /proc/vmstat has the lines such a 6.1 kernel prints, in vmstat_text's
 * order, a counter the model has no notion of printing 0.
 */
#ifndef MEMSIM_VMSTAT_H
#define MEMSIM_VMSTAT_H

#include <stdint.h>

struct kernel;
struct seq_file;
struct task_struct;

/* enum vm_event_item for that configuration, in 6.1's order. */
enum vm_event_item {
    PGPGIN, PGPGOUT, PSWPIN, PSWPOUT,
    PGALLOC_DMA, PGALLOC_NORMAL, PGALLOC_HIGH, PGALLOC_MOVABLE,
    ALLOCSTALL_DMA, ALLOCSTALL_NORMAL, ALLOCSTALL_HIGH, ALLOCSTALL_MOVABLE,
    PGSKIP_DMA, PGSKIP_NORMAL, PGSKIP_HIGH, PGSKIP_MOVABLE,
    PGFREE, PGACTIVATE, PGDEACTIVATE, PGLAZYFREE,
    PGFAULT, PGMAJFAULT, PGLAZYFREED,
    PGREFILL, PGREUSE, PGSTEAL_KSWAPD, PGSTEAL_DIRECT, PGDEMOTE_KSWAPD, PGDEMOTE_DIRECT,
    PGSCAN_KSWAPD, PGSCAN_DIRECT, PGSCAN_DIRECT_THROTTLE, PGSCAN_ANON, PGSCAN_FILE,
    PGSTEAL_ANON, PGSTEAL_FILE,
    PGINODESTEAL, SLABS_SCANNED, KSWAPD_INODESTEAL, KSWAPD_LOW_WMARK_HIT_QUICKLY,
    KSWAPD_HIGH_WMARK_HIT_QUICKLY, PAGEOUTRUN,
    PGROTATED, DROP_PAGECACHE, DROP_SLAB, OOM_KILL,
    PGMIGRATE_SUCCESS, PGMIGRATE_FAIL, THP_MIGRATION_SUCCESS, THP_MIGRATION_FAIL,
    THP_MIGRATION_SPLIT,
    COMPACTMIGRATE_SCANNED, COMPACTFREE_SCANNED, COMPACTISOLATED, COMPACTSTALL,
    COMPACTFAIL, COMPACTSUCCESS, KCOMPACTD_WAKE, KCOMPACTD_MIGRATE_SCANNED,
    KCOMPACTD_FREE_SCANNED,
    UNEVICTABLE_PGCULLED, UNEVICTABLE_PGSCANNED, UNEVICTABLE_PGRESCUED,
    UNEVICTABLE_PGMLOCKED, UNEVICTABLE_PGMUNLOCKED, UNEVICTABLE_PGCLEARED,
    UNEVICTABLE_PGSTRANDED,
    SWAP_RA, SWAP_RA_HIT, KSM_SWPIN_COPY,
    COW_KSM,
    DIRECT_MAP_LEVEL2_SPLIT, DIRECT_MAP_LEVEL3_SPLIT,
    NR_VM_EVENT_ITEMS
};

/* Linux's per-CPU vm_event_states, for the one CPU. */
struct vm_event_state {
    uint64_t event[NR_VM_EVENT_ITEMS];
};

/* count_vm_event(s) and __count_zid_vm_events(PGALLOC, zid, n); s may be
 * NULL (a buddy allocator outside a kernel, in unit tests). */
static inline void count_vm_events(struct vm_event_state *s, enum vm_event_item item, uint64_t n)
{
    if (s)
        s->event[item] += n;
}
static inline void count_vm_event(struct vm_event_state *s, enum vm_event_item item)
{
    count_vm_events(s, item, 1);
}
static inline void count_zone_vm_events(struct vm_event_state *s, enum vm_event_item base,
                                        unsigned zone, uint64_t n)
{
    count_vm_events(s, (enum vm_event_item)(base + zone), n);
}

/* Frames by what holds them, from the mem_map (Linux's NR_ANON_MAPPED,
 * NR_PAGETABLE, NR_KERNEL_STACK_KB in pages; the page cache's
 * NR_FILE_PAGES, NR_FILE_MAPPED, NR_FILE_DIRTY, NR_SHMEM) and the slab
 * caches (NR_SLAB_UNRECLAIMABLE_B in pages). */
struct frame_counts {
    uint64_t anon, pagetable, kstack;
    uint64_t cached, mapped, dirty, shmem;
    uint64_t slab;
};
void vmstat_frame_counts(const struct kernel *k, struct frame_counts *c);

/* 6.1's node counters (enum node_stat_item) for the model's configuration:
 * their names, and their values now (t's mm gives the mlocked pages). */
#define NR_VM_NODE_STAT_ITEMS 41
extern const char *const vmstat_node_stat_names[NR_VM_NODE_STAT_ITEMS];
void vmstat_node_stats(struct task_struct *t, uint64_t v[NR_VM_NODE_STAT_ITEMS]);

/* /proc/vmstat */
int proc_vmstat_show(struct seq_file *m, struct task_struct *t);

#endif

/*
 * vmstat.c — /proc/vmstat (mm/vmstat.c vmstat_show, 6.1) and the frame
 * counts it shares with /proc/meminfo (see vmstat.h).
 *
 * Real values: nr_free_pages; the LRU counters, with every page where 6.1
 * puts a new one (inactive; mlocked ones unevictable: the model ages
 * nothing); nr_mlock, nr_anon_pages, nr_mapped, nr_file_pages,
 * nr_slab_unreclaimable (the slab frames), nr_kernel_stack (kB),
 * nr_page_table_pages, the dirty thresholds (20 % and 10 % of the
 * dirtyable memory); the events pgpgin (kB read from files by faults),
 * pgalloc_*, pgfree, pgfault, pgmajfault, pglazyfree, pgreuse, oom_kill.
 * Everything else is 0: the model has no reclaim, swap, compaction,
 * migration, writeback, mlock accounting per page or KSM behind it.
 */
#include <string.h>
#include "kernel-model/filemap.h"
#include "kernel-model/procfs.h"
#include "kernel-model/sched.h"
#include "kernel-model/vmstat.h"

static const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
    "pgpgin", "pgpgout", "pswpin", "pswpout",
    "pgalloc_dma", "pgalloc_normal", "pgalloc_high", "pgalloc_movable",
    "allocstall_dma", "allocstall_normal", "allocstall_high", "allocstall_movable",
    "pgskip_dma", "pgskip_normal", "pgskip_high", "pgskip_movable",
    "pgfree", "pgactivate", "pgdeactivate", "pglazyfree",
    "pgfault", "pgmajfault", "pglazyfreed",
    "pgrefill", "pgreuse", "pgsteal_kswapd", "pgsteal_direct", "pgdemote_kswapd",
    "pgdemote_direct", "pgscan_kswapd", "pgscan_direct", "pgscan_direct_throttle",
    "pgscan_anon", "pgscan_file", "pgsteal_anon", "pgsteal_file",
    "pginodesteal", "slabs_scanned", "kswapd_inodesteal", "kswapd_low_wmark_hit_quickly",
    "kswapd_high_wmark_hit_quickly", "pageoutrun",
    "pgrotated", "drop_pagecache", "drop_slab", "oom_kill",
    "pgmigrate_success", "pgmigrate_fail", "thp_migration_success", "thp_migration_fail",
    "thp_migration_split",
    "compact_migrate_scanned", "compact_free_scanned", "compact_isolated", "compact_stall",
    "compact_fail", "compact_success", "compact_daemon_wake",
    "compact_daemon_migrate_scanned", "compact_daemon_free_scanned",
    "unevictable_pgs_culled", "unevictable_pgs_scanned", "unevictable_pgs_rescued",
    "unevictable_pgs_mlocked", "unevictable_pgs_munlocked", "unevictable_pgs_cleared",
    "unevictable_pgs_stranded",
    "swap_ra", "swap_ra_hit", "ksm_swpin_copy",
    "cow_ksm",
    "direct_map_level2_splits", "direct_map_level3_splits",
};

/* NR_SLAB_UNRECLAIMABLE_B in pages: every slab of every cache (the model
 * has no SLAB_RECLAIM_ACCOUNT cache). */
static uint64_t slab_pages(const struct slab_caches *sc)
{
    uint64_t n = 0;
    for (const struct kmem_cache *c = sc->caches; c; c = c->next)
        for (int l = 0; l < NR_SLAB_LISTS; l++)
            n += (uint64_t)c->nr_slabs[l] << c->order;
    return n;
}

void vmstat_frame_counts(const struct kernel *k, struct frame_counts *c)
{
    const struct physmem *pm = &k->pm;
    memset(c, 0, sizeof *c);
    for (uint32_t pfn = 0; pfn < pm->nr_pages; pfn++) {
        const struct page *p = &pm->mem_map[pfn];
        if (p->flags & PG_buddy)
            continue;
        if (p->flags & PG_file) {
            /* a tmpfs page is Shmem (and Cached), never Dirty (shmem's
             * noop_dirty_folio does not account it) */
            const struct address_space *as = p->mapping;
            c->cached++;
            c->mapped += p->mapcount > 0;
            c->shmem += as->no_writeback;
            c->dirty += (p->flags & PG_dirty) && !as->no_writeback;
        }
        if (p->mapcount > 0 && (p->flags & PG_anon))
            c->anon++;
        else if (p->purpose == PURPOSE_PAGETABLE)
            c->pagetable++;
        else if (p->purpose == PURPOSE_KSTACK)
            c->kstack += p->flags & PG_head ? 1u << p->order : 1;
    }
    c->slab = slab_pages(&k->slab);
}

/* The state of the machine the node and zone counters describe. */
struct vm_state {
    struct frame_counts fc;
    uint64_t free, mlocked, dirtyable;
    uint64_t active_file, inactive_file;
};

static void vm_state_read(struct task_struct *t, struct vm_state *s)
{
    const struct pglist_data *pgdat = &t->k->pgdat;
    uint64_t reserve = 0, high_free = pgdat->node_zones[ZONE_HIGHMEM].free_pages;
    memset(s, 0, sizeof *s);
    vmstat_frame_counts(t->k, &s->fc);
    s->active_file = t->k->lru.nr[LRU_ACTIVE_FILE];
    s->inactive_file = t->k->lru.nr[LRU_INACTIVE_FILE];
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        s->free += pgdat->node_zones[z].free_pages;
        reserve += pgdat->node_zones[z].watermark[WMARK_HIGH];
    }
    if (t->mm) {
        struct mm_counts mc;
        proc_mm_counts(t->mm, &mc);
        s->mlocked = mc.locked_rss < s->fc.anon ? mc.locked_rss : s->fc.anon;
    }
    /* global_dirtyable_memory: free + file pages - totalreserve_pages,
     * without highmem (vm_highmem_is_dirtyable 0) */
    uint64_t avail = s->free - high_free + s->fc.cached;
    s->dirtyable = avail > reserve ? avail - reserve : 0;
}

static void show(struct seq_file *m, const char *name, uint64_t v)
{
    seq_printf(m, "%s %llu\n", name, (unsigned long long)v);
}

/* The LRU lists, as zone (prefix "nr_zone_") or node ("nr_") counters:
 * the file lists the page cache's (filemap.c), every anonymous page
 * inactive (no anon LRU aging), the mlocked ones unevictable. */
static void show_lru(struct seq_file *m, const char *prefix, const struct vm_state *s)
{
    static const char *const lru[] = { "inactive_anon", "active_anon", "inactive_file",
                                       "active_file", "unevictable" };
    const uint64_t v[] = { s->fc.anon - s->mlocked, 0, s->inactive_file, s->active_file,
                           s->mlocked };
    for (size_t i = 0; i < sizeof lru / sizeof *lru; i++)
        seq_printf(m, "%s%s %llu\n", prefix, lru[i], (unsigned long long)v[i]);
}

/* enum zone_stat_item, summed over the zones */
static void show_zone_stats(struct seq_file *m, const struct vm_state *s)
{
    show(m, "nr_free_pages", s->free);
    show_lru(m, "nr_zone_", s);
    show(m, "nr_zone_write_pending", 0);
    show(m, "nr_mlock", s->mlocked);
    show(m, "nr_bounce", 0);
    show(m, "nr_free_cma", 0);
}

/* enum node_stat_item of 6.1 for the model's configuration, in order
 * (/proc/vmstat and the per-node part of /proc/zoneinfo). */
const char *const vmstat_node_stat_names[NR_VM_NODE_STAT_ITEMS] = {
    "nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
    "nr_unevictable", "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon",
    "nr_isolated_file", "workingset_nodes", "workingset_refault_anon",
    "workingset_refault_file", "workingset_activate_anon", "workingset_activate_file",
    "workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim",
    "nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_dirty", "nr_writeback",
    "nr_writeback_temp", "nr_shmem", "nr_shmem_hugepages", "nr_shmem_pmdmapped",
    "nr_file_hugepages", "nr_file_pmdmapped", "nr_anon_transparent_hugepages",
    "nr_vmscan_write", "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
    "nr_throttled_written", "nr_kernel_misc_reclaimable", "nr_foll_pin_acquired",
    "nr_foll_pin_released", "nr_kernel_stack", "nr_page_table_pages",
    "nr_sec_page_table_pages", "nr_swapcached",        /* CONFIG_SWAP */
};

/* The node counters' values; the ones left 0 are the reclaim, writeback,
 * huge-page and pinning counters the model has no notion of. */
static void node_stats(const struct vm_state *s, uint64_t v[NR_VM_NODE_STAT_ITEMS])
{
    memset(v, 0, NR_VM_NODE_STAT_ITEMS * sizeof *v);
    v[0] = s->fc.anon - s->mlocked;             /* every anonymous page inactive */
    v[2] = s->inactive_file;
    v[3] = s->active_file;
    v[4] = s->mlocked;
    v[6] = s->fc.slab;
    v[17] = s->fc.anon;
    v[18] = s->fc.mapped;
    v[19] = s->fc.cached;
    v[20] = s->fc.dirty;
    v[23] = s->fc.shmem;
    v[37] = s->fc.kstack << (PAGE_SHIFT - 10);  /* kB */
    v[38] = s->fc.pagetable;
}

void vmstat_node_stats(struct task_struct *t, uint64_t v[NR_VM_NODE_STAT_ITEMS])
{
    struct vm_state s;
    vm_state_read(t, &s);
    node_stats(&s, v);
}

static void show_node_stats(struct seq_file *m, const struct vm_state *s)
{
    uint64_t v[NR_VM_NODE_STAT_ITEMS];
    node_stats(s, v);
    for (size_t i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
        show(m, vmstat_node_stat_names[i], v[i]);
}

/* vmstat_show over vmstat_start's array: zone, node, writeback, events.
 * oom_kill is the kernel's own count of its OOM kills. */
int proc_vmstat_show(struct seq_file *m, struct task_struct *t)
{
    struct vm_state s;
    vm_state_read(t, &s);
    show_zone_stats(m, &s);
    show_node_stats(m, &s);
    /* global_dirty_limits: vm_dirty_ratio 20, dirty_background_ratio 10 */
    show(m, "nr_dirty_threshold", s.dirtyable * 20 / 100);
    show(m, "nr_dirty_background_threshold", s.dirtyable * 10 / 100);
    const struct vm_event_state *ev = &t->k->vm_events;
    for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
        show(m, vm_event_names[i], i == OOM_KILL ? t->k->oom_kills : ev->event[i]);
    return 0;
}

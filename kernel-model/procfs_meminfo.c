/*
 * procfs_meminfo.c — /proc/meminfo and /proc/buddyinfo: the machine's
 * memory as fs/proc/meminfo.c and mm/vmstat.c print it (6.1), values from
 * the buddy allocator's zones and the frames' struct pages.
 *
 * The kernel modelled is an i386 one with CONFIG_HIGHMEM and without swap,
 * zswap, memory-failure, transparent or hugetlb huge pages and CMA, so
 * those lines are absent, as on such a kernel; what the model has no
 * notion of yet (slab, per-cpu, buffers, writeback) is 0.  There
 * is no page cache: a file page is the model's private copy of the file's
 * bytes, the page Linux would have in its cache, so Cached and Mapped
 * count those.  There is no LRU aging either: every page stays where 6.1
 * puts a new one, on an inactive list.
 */
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include "kernel-model/slab.h"
#include "kernel-model/fs.h"
#include "kernel-model/procfs.h"

#define PAGES_KB(p) ((unsigned long long)(p) << (PAGE_SHIFT - 10))

static void show_val_kb(struct seq_file *m, const char *name, uint64_t pages)
{
    seq_printf(m, "%-16s%8llu kB\n", name, PAGES_KB(pages));
}

/* meminfo_proc_show, line by line, for the configuration above. */
int proc_meminfo_show(struct seq_file *m, struct task_struct *t)
{
    const struct pglist_data *pgdat = &t->k->pgdat;
    const struct zone *high = &pgdat->node_zones[ZONE_HIGHMEM];
    uint64_t total = 0, free = 0, reserve = 0;
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        total += pgdat->node_zones[z].managed_pages;
        free += pgdat->node_zones[z].free_pages;
        reserve += pgdat->node_zones[z].watermark[WMARK_HIGH];
    }
    struct frame_counts fc;
    vmstat_frame_counts(t->k, &fc);
    struct mm_counts mc = { 0 };
    if (t->mm)
        proc_mm_counts(t->mm, &mc);
    uint64_t lowmem = (uint64_t)(t->k->pm.nr_pages < ZONE_NORMAL_END_PFN ? t->k->pm.nr_pages
                                                                       : ZONE_NORMAL_END_PFN)
                      << PAGE_SHIFT;

    show_val_kb(m, "MemTotal:", total);
    show_val_kb(m, "MemFree:", free);
    /* the file LRU lists are the page cache's (filemap.c); anonymous pages
     * are all inactive (the model has no anon LRU aging) */
    const struct lruvec *lru = &t->k->lru;
    uint64_t active_file = lru->nr[LRU_ACTIVE_FILE], inactive_file = lru->nr[LRU_INACTIVE_FILE];
    uint64_t reclaimable = fc.cached - fc.shmem;
    show_val_kb(m, "MemAvailable:", free > reserve ? free - reserve + reclaimable : reclaimable);
    show_val_kb(m, "Buffers:", 0);
    show_val_kb(m, "Cached:", fc.cached);
    show_val_kb(m, "SwapCached:", 0);
    show_val_kb(m, "Active:", active_file);
    show_val_kb(m, "Inactive:", fc.anon - (mc.locked_rss < fc.anon ? mc.locked_rss : fc.anon) +
                                inactive_file);
    show_val_kb(m, "Active(anon):", 0);
    show_val_kb(m, "Inactive(anon):", fc.anon - (mc.locked_rss < fc.anon ? mc.locked_rss : fc.anon));
    show_val_kb(m, "Active(file):", active_file);
    show_val_kb(m, "Inactive(file):", inactive_file);
    show_val_kb(m, "Unevictable:", mc.locked_rss);
    show_val_kb(m, "Mlocked:", mc.locked_rss);
    show_val_kb(m, "HighTotal:", high->managed_pages);
    show_val_kb(m, "HighFree:", high->free_pages);
    show_val_kb(m, "LowTotal:", total - high->managed_pages);
    show_val_kb(m, "LowFree:", free - high->free_pages);
    show_val_kb(m, "SwapTotal:", 0);
    show_val_kb(m, "SwapFree:", 0);
    show_val_kb(m, "Dirty:", fc.dirty);
    show_val_kb(m, "Writeback:", 0);
    show_val_kb(m, "AnonPages:", fc.anon);
    show_val_kb(m, "Mapped:", fc.mapped);
    show_val_kb(m, "Shmem:", fc.shmem);
    show_val_kb(m, "KReclaimable:", 0);
    show_val_kb(m, "Slab:", fc.slab);           /* no SLAB_RECLAIM_ACCOUNT cache */
    show_val_kb(m, "SReclaimable:", 0);
    show_val_kb(m, "SUnreclaim:", fc.slab);
    seq_printf(m, "%-16s%8llu kB\n", "KernelStack:", PAGES_KB(fc.kstack));
    show_val_kb(m, "PageTables:", fc.pagetable);
    show_val_kb(m, "NFS_Unstable:", 0);
    show_val_kb(m, "Bounce:", 0);
    show_val_kb(m, "WritebackTmp:", 0);
    show_val_kb(m, "CommitLimit:", total / 2);          /* overcommit_ratio 50, no swap */
    show_val_kb(m, "Committed_AS:", mc.committed);
    /* the vmalloc area (vmalloc.h) and vmalloc_nr_pages() */
    seq_printf(m, "%-16s%8lu kB\n", "VmallocTotal:",
               (unsigned long)((t->k->vmap.end - t->k->vmap.start) >> 10));
    show_val_kb(m, "VmallocUsed:", t->k->vmap.nr_pages);
    show_val_kb(m, "VmallocChunk:", 0);
    show_val_kb(m, "Percpu:", 0);
    /* arch_report_meminfo: low memory is direct-mapped with large pages
     * (4 MiB; PAE's 2 MiB), the tail past the last whole one with 4 KiB */
    uint64_t large = t->k->paging == PAGING_PAE ? 2u << 20 : 4u << 20;
    seq_printf(m, "DirectMap4k:    %8llu kB\n", (unsigned long long)((lowmem % large) >> 10));
    seq_printf(m, "DirectMap%s:    %8llu kB\n", t->k->paging == PAGING_PAE ? "2M" : "4M",
               (unsigned long long)((lowmem - lowmem % large) >> 10));
    return 0;
}

/* The allocator's own text (buddy_check.c buddyinfo_format). */
int proc_buddyinfo_show(struct seq_file *m, struct task_struct *t)
{
    char buf[MAX_NR_ZONES * 128];
    int n = buddyinfo_format(&t->k->pgdat, buf, sizeof buf);
    if (n < 0)
        return -ENOMEM;
    seq_write(m, buf, (size_t)n);
    return 0;
}

/* The slab allocator's own text (slab_info.c slabinfo_show), into a buffer
 * that grows until it fits. */
int proc_slabinfo_show(struct seq_file *m, struct task_struct *t)
{
    for (size_t len = 16384; len <= (1u << 22); len *= 2) {
        char *buf = malloc(len);
        if (!buf)
            return -ENOMEM;
        int n = slabinfo_show(&t->k->slab, buf, len);
        if (n >= 0)
            seq_write(m, buf, (size_t)n);
        free(buf);
        if (n >= 0)
            return 0;
    }
    return -ENOMEM;
}

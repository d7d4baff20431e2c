/*
 * procfs_zone.c — /proc/pagetypeinfo and /proc/zoneinfo as Linux 6.1's
 * mm/vmstat.c prints them (pagetypeinfo_show, zoneinfo_show_print), and
 * the external-fragmentation indexes of /sys/kernel/debug/extfrag/
 * (extfrag_index, unusable_index) as text for the tests and the trace's
 * users; the guest has no debugfs, and computes them itself from
 * /proc/buddyinfo with the same formula (samples/frag_buddy.c).
 *
 * The kernel is the one procfs_meminfo.c describes (i386, HIGHMEM, no
 * swap, THP, hugetlb, CMA, zsmalloc, NUMA), SMP with one CPU online.  In
 * zoneinfo, what the model keeps is filled: free pages, the watermarks,
 * spanned/present/managed, lowmem_reserve (protection), nr_free_pages,
 * the per-cpu lists' batch and high as 6.1 would size them, the stat
 * threshold, start_pfn.  Every other counter is 0 (the model keeps no
 * LRU, workingset, dirty/writeback, slab or mlock counts per zone or node
 * yet; no per-cpu lists, so pcp count is 0; no boost; no reclaim failure).
 * The Movable zone exists in Linux's zone array (MAX_NR_ZONES 4): zoneinfo
 * lists it, empty; pagetypeinfo and the indexes skip unpopulated zones.
 */
#include <stdio.h>
#include "kernel-model/mm.h"
#include "kernel-model/procfs.h"
#include "kernel-model/sched.h"

#define ZONEINFO_ZONES (MAX_NR_ZONES + 1)        /* + Movable */

/* ---- fragmentation indexes (mm/vmstat.c) -------------------------------- */

struct contig_page_info {
    uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};

static void fill_contig_page_info(const struct zone *zone, unsigned suitable_order,
                                  struct contig_page_info *info)
{
    *info = (struct contig_page_info){ 0 };
    for (unsigned order = 0; order < MAX_ORDER; order++) {
        uint64_t blocks = zone->free_area[order].nr_free;
        info->free_blocks_total += blocks;
        info->free_pages += blocks << order;
        if (order >= suitable_order)
            info->free_blocks_suitable += blocks << (order - suitable_order);
    }
}

int fragmentation_index(const struct zone *zone, unsigned order)
{
    struct contig_page_info info;
    if (order >= MAX_ORDER)
        return 0;
    fill_contig_page_info(zone, order, &info);
    if (!info.free_blocks_total)
        return 0;
    if (info.free_blocks_suitable)
        return -1000;                     /* the request would not fail */
    return (int)(1000 - (1000 + info.free_pages * 1000 / (1u << order)) /
                        info.free_blocks_total);
}

int unusable_free_index(const struct zone *zone, unsigned order)
{
    struct contig_page_info info;
    fill_contig_page_info(zone, order, &info);
    if (info.free_pages == 0)
        return 1000;
    return (int)((info.free_pages - (info.free_blocks_suitable << order)) * 1000 /
                 info.free_pages);
}

void extfrag_show(struct seq_file *m, const struct pglist_data *pgdat, int unusable)
{
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        const struct zone *zone = &pgdat->node_zones[z];
        if (!zone->present_pages)
            continue;
        seq_printf(m, "Node %d, zone %8s ", 0, zone->name);
        for (unsigned order = 0; order < MAX_ORDER; order++) {
            int index = unusable ? unusable_free_index(zone, order)
                                 : fragmentation_index(zone, order);
            /* extfrag_show_print's "%2d.%03d" of -1000 is "-1.000" */
            seq_printf(m, unusable ? "%d.%03d " : "%2d.%03d ", index / 1000,
                       (index < 0 ? -index : index) % 1000);
        }
        seq_putc(m, '\n');
    }
}

/* ---- /proc/pagetypeinfo ------------------------------------------------------ */

static unsigned long list_length(const struct physmem *pm, uint32_t pfn)
{
    unsigned long n = 0;
    for (; pfn != PFN_NONE; pfn = pfn_to_page(pm, pfn)->next)
        n++;
    return n;
}

void pagetypeinfo_show(struct seq_file *m, const struct pglist_data *pgdat)
{
    seq_printf(m, "Page block order: %d\n", pageblock_order);
    seq_printf(m, "Pages per block:  %lu\n", (unsigned long)pageblock_nr_pages);
    seq_putc(m, '\n');
    seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
    for (int order = 0; order < MAX_ORDER; order++)
        seq_printf(m, "%6d ", order);
    seq_putc(m, '\n');
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        const struct zone *zone = &pgdat->node_zones[z];
        if (!zone->present_pages)
            continue;
        for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
            seq_printf(m, "Node %4d, zone %8s, type %12s ", 0, zone->name, migratetype_names[mt]);
            for (int order = 0; order < MAX_ORDER; order++) {
                /* 6.1 stops counting at 100000 and prints ">100000" */
                unsigned long n = list_length(pgdat->pm, zone->free_area[order].free_list[mt]);
                seq_printf(m, "%s%6lu ", n >= 100000 ? ">" : "", n >= 100000 ? 100000ul : n);
            }
            seq_putc(m, '\n');
        }
    }
    seq_printf(m, "\n%-23s", "Number of blocks type ");
    for (int mt = 0; mt < MIGRATE_TYPES; mt++)
        seq_printf(m, "%12s ", migratetype_names[mt]);
    seq_putc(m, '\n');
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        const struct zone *zone = &pgdat->node_zones[z];
        unsigned long count[MIGRATE_TYPES] = { 0 };
        if (!zone->present_pages)
            continue;
        for (uint32_t pfn = zone->zone_start_pfn; pfn < zone->zone_start_pfn + zone->spanned_pages;
             pfn += pageblock_nr_pages)
            count[get_pageblock_migratetype(pgdat, pfn)]++;
        seq_printf(m, "Node %d, zone %8s ", 0, zone->name);
        for (int mt = 0; mt < MIGRATE_TYPES; mt++)
            seq_printf(m, "%12lu ", count[mt]);
        seq_putc(m, '\n');
    }
}

/* ---- /proc/zoneinfo -------------------------------------------------------- */

/* 6.1's zone_stat_item names for this config (the node ones: vmstat.h). */
static const char *const zone_stat_names[] = {
    "nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
    "nr_zone_inactive_file", "nr_zone_active_file", "nr_zone_unevictable",
    "nr_zone_write_pending", "nr_mlock", "nr_bounce", "nr_free_cma",
};

static unsigned fls32(uint32_t x)
{
    return x ? 32u - (unsigned)__builtin_clz(x) : 0;
}

/* zone_batchsize: ~0.1% of the zone or 1 MiB, /4, clamped to 2^n - 1, at
 * least 1 (zone_set_pageset_high_and_batch). */
static uint32_t pcp_batch(const struct zone *zone)
{
    uint32_t batch = zone->managed_pages >> 10;
    if (batch > (1u << 20) / PAGE_SIZE)
        batch = (1u << 20) / PAGE_SIZE;
    batch /= 4;
    if (batch < 1)
        batch = 1;
    batch = (1u << (fls32(batch + batch / 2) - 1)) - 1;
    return batch < 1 ? 1 : batch;
}

/* zone_highsize: the low watermark split over the node's one CPU, at
 * least 4 batches. */
static uint32_t pcp_high(const struct zone *zone, uint32_t batch)
{
    uint32_t high = zone->watermark[WMARK_LOW];
    return high > batch << 2 ? high : batch << 2;
}

/* calculate_normal_threshold for one CPU online. */
static int stat_threshold(const struct zone *zone)
{
    int t = 2 * (int)fls32(1) * (1 + (int)fls32(zone->managed_pages >> (27 - PAGE_SHIFT)));
    return t < 125 ? t : 125;
}

static void zoneinfo_zone(struct seq_file *m, const struct pglist_data *pgdat, int z,
                          int first_populated, const uint64_t *node)
{
    /* Movable: no pages, so __setup_per_zone_wmarks gives it HighMem's
     * rule: min = clamp(0 / 1024, SWAP_CLUSTER_MAX, 128) = 32, no steps. */
    static const struct zone movable = { .name = "Movable", .watermark = { 32, 32, 32, 32 } };
    const struct zone *zone = z < MAX_NR_ZONES ? &pgdat->node_zones[z] : &movable;

    seq_printf(m, "Node %d, zone %8s", 0, zone->name);
    if (z == first_populated) {
        seq_printf(m, "\n  per-node stats");
        for (size_t i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
            seq_printf(m, "\n      %-12s %llu", vmstat_node_stat_names[i],
                       (unsigned long long)node[i]);
    }
    seq_printf(m, "\n  pages free     %u\n        boost    %u\n        min      %u"
               "\n        low      %u\n        high     %u\n        promo    %u"
               "\n        spanned  %u\n        present  %u\n        managed  %u"
               "\n        cma      %u", zone->free_pages, 0u, zone->watermark[WMARK_MIN],
               zone->watermark[WMARK_LOW], zone->watermark[WMARK_HIGH],
               zone->watermark[WMARK_PROMO], zone->spanned_pages, zone->present_pages,
               zone->managed_pages, 0u);
    seq_printf(m, "\n        protection: (%ld", 0l);
    /* Movable has no managed pages: its column repeats HighMem's sum. */
    for (int i = 1; i < ZONEINFO_ZONES; i++)
        seq_printf(m, ", %ld", (long)zone->lowmem_reserve[i < MAX_NR_ZONES ? i : MAX_NR_ZONES - 1]);
    seq_putc(m, ')');
    if (!zone->present_pages) {
        seq_putc(m, '\n');
        return;
    }
    for (size_t i = 0; i < sizeof zone_stat_names / sizeof *zone_stat_names; i++)
        seq_printf(m, "\n      %-12s %lu", zone_stat_names[i],
                   i == 0 ? (unsigned long)zone->free_pages : 0ul);
    uint32_t batch = pcp_batch(zone);
    seq_printf(m, "\n  pagesets\n    cpu: %i\n              count: %i\n              high:  %i"
               "\n              batch: %i\n  vm stats threshold: %d", 0, 0,
               (int)pcp_high(zone, batch), (int)batch, stat_threshold(zone));
    seq_printf(m, "\n  node_unreclaimable:  %u\n  start_pfn:           %lu\n", 0u,
               (unsigned long)zone->zone_start_pfn);
}

void zoneinfo_show(struct seq_file *m, const struct pglist_data *pgdat,
                   const uint64_t node[NR_VM_NODE_STAT_ITEMS])
{
    int first = -1;
    for (int z = 0; z < MAX_NR_ZONES && first < 0; z++)
        if (pgdat->node_zones[z].present_pages)
            first = z;
    for (int z = 0; z < ZONEINFO_ZONES; z++)
        zoneinfo_zone(m, pgdat, z, first, node);
}

int proc_pagetypeinfo_show(struct seq_file *m, struct task_struct *t)
{
    pagetypeinfo_show(m, &t->k->pgdat);
    return 0;
}

int proc_zoneinfo_show(struct seq_file *m, struct task_struct *t)
{
    uint64_t node[NR_VM_NODE_STAT_ITEMS];
    vmstat_node_stats(t, node);
    zoneinfo_show(m, &t->k->pgdat, node);
    return 0;
}

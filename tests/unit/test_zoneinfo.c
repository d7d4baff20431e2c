/*
 * test_zoneinfo.c — /proc/pagetypeinfo, /proc/zoneinfo and the extfrag
 * indexes (kernel-model/procfs_zone.c) against text written by hand from
 * 6.1's mm/vmstat.c formats and the boot of kernel-model/mm_init.c, and
 * their agreement with /proc/buddyinfo.
 *
 * The machine: 64 MiB booted by page_alloc_init (no swapper_pg_dir):
 * DMA frees 768 (bootmem's bitmap frame, order 0) and [898, 4096) =
 * orders 1..6 at 898, 900, 904, 912, 928, 960 and three order 10; Normal
 * twelve order 10; every pageblock Movable.
 */
#include "tests/unit/buddy_fixture.h"
#include "kernel-model/procfs.h"
#include "kernel-model/vmstat.h"

#include <stdlib.h>
#include <string.h>

static char *render(void (*show)(struct seq_file *, const struct pglist_data *),
                    const struct pglist_data *pgdat)
{
    struct seq_file m = { 0 };
    show(&m, pgdat);
    CHECK(!m.failed && seq_reserve(&m, 0) == 0);
    m.buf[m.count] = '\0';                  /* seq_file's text is counted */
    return m.buf;
}

/* zoneinfo with node counters 1, 2, 3 ... (vmstat.c gives the kernel's:
 * here each line shows it prints the value at its own index) */
static void show_zoneinfo(struct seq_file *m, const struct pglist_data *pgdat)
{
    uint64_t node[NR_VM_NODE_STAT_ITEMS];
    for (size_t i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
        node[i] = i + 1;
    zoneinfo_show(m, pgdat, node);
}

static void show_extfrag(struct seq_file *m, const struct pglist_data *pgdat)
{
    extfrag_show(m, pgdat, 0);
}

static void show_unusable(struct seq_file *m, const struct pglist_data *pgdat)
{
    extfrag_show(m, pgdat, 1);
}

#define HDR "Page block order: 10\nPages per block:  1024\n\n" \
    "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
#define ZERO11 "     0      0      0      0      0      0      0      0      0      0      0 \n"
#define BLOCKS_HDR "\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"

static void test_pagetypeinfo(void)
{
    struct env e;
    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    const char *want_boot =
        HDR
        "Node    0, zone      DMA, type    Unmovable " ZERO11
        "Node    0, zone      DMA, type      Movable      1      1      1      1      1      1      1      0      0      0      3 \n"
        "Node    0, zone      DMA, type  Reclaimable " ZERO11
        "Node    0, zone      DMA, type   HighAtomic " ZERO11
        "Node    0, zone      DMA, type      Isolate " ZERO11
        "Node    0, zone   Normal, type    Unmovable " ZERO11
        "Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0     12 \n"
        "Node    0, zone   Normal, type  Reclaimable " ZERO11
        "Node    0, zone   Normal, type   HighAtomic " ZERO11
        "Node    0, zone   Normal, type      Isolate " ZERO11
        BLOCKS_HDR
        "Node 0, zone      DMA            0            4            0            0            0 \n"
        "Node 0, zone   Normal            0           12            0            0            0 \n";
    char *got = render(pagetypeinfo_show, &e.pgdat);
    CHECK_STR(got, want_boot);
    free(got);

    /* One unmovable page: it steals Normal's first pageblock (4096) whole
     * and splits it, the halves on the Unmovable lists; one reclaimable
     * order-9 block steals the next pageblock. */
    uint32_t p = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    uint32_t q = alloc_pages(&e.pgdat, GFP_KERNEL | __GFP_RECLAIMABLE, 9, PURPOSE_TEST);
    CHECK_EQ(p, 4096);
    CHECK_EQ(q, 5120);
    const char *want_after =
        HDR
        "Node    0, zone      DMA, type    Unmovable " ZERO11
        "Node    0, zone      DMA, type      Movable      1      1      1      1      1      1      1      0      0      0      3 \n"
        "Node    0, zone      DMA, type  Reclaimable " ZERO11
        "Node    0, zone      DMA, type   HighAtomic " ZERO11
        "Node    0, zone      DMA, type      Isolate " ZERO11
        "Node    0, zone   Normal, type    Unmovable      1      1      1      1      1      1      1      1      1      1      0 \n"
        "Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0     10 \n"
        "Node    0, zone   Normal, type  Reclaimable      0      0      0      0      0      0      0      0      0      1      0 \n"
        "Node    0, zone   Normal, type   HighAtomic " ZERO11
        "Node    0, zone   Normal, type      Isolate " ZERO11
        BLOCKS_HDR
        "Node 0, zone      DMA            0            4            0            0            0 \n"
        "Node 0, zone   Normal            1           10            1            0            0 \n";
    got = render(pagetypeinfo_show, &e.pgdat);
    CHECK_STR(got, want_after);
    free(got);

    /* buddyinfo is the per-type counts summed. */
    char buf[1024];
    CHECK(buddyinfo_format(&e.pgdat, buf, sizeof buf) > 0);
    CHECK_STR(buf,
        "Node 0, zone      DMA      1      1      1      1      1      1      1      0      0      0      3 \n"
        "Node 0, zone   Normal      1      1      1      1      1      1      1      1      1      2     10 \n");
    free_pages(&e.pgdat, q, 9);
    free_pages(&e.pgdat, p, 0);
    CHECK(consistent(&e.pgdat));
    physmem_destroy(&e.pm);
}

static void test_extfrag(void)
{
    struct env e;
    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    /* Every order has a free block: -1.000.  Unusable, DMA (3199 free):
     * order k leaves free - (suitable << k) unusable, e.g. order 3:
     * suitable 1 + 2 + 4 + 8 + 384 = 399, 3199 - 3192 = 7 -> 0.002;
     * orders >= 7 only the three order-10 blocks count: 127/3199 = 0.039. */
    const char *want_frag =
        "Node 0, zone      DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n"
        "Node 0, zone   Normal -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n";
    const char *want_unusable =
        "Node 0, zone      DMA 0.000 0.000 0.000 0.002 0.004 0.009 0.019 0.039 0.039 0.039 0.039 \n"
        "Node 0, zone   Normal 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 \n";
    char *got = render(show_extfrag, &e.pgdat);
    CHECK_STR(got, want_frag);
    free(got);
    got = render(show_unusable, &e.pgdat);
    CHECK_STR(got, want_unusable);
    free(got);
    physmem_destroy(&e.pm);

    /* A zone of 100 free frames and 10 free pairs: an order-2 request
     * fails for fragmentation, 1000 - (1000 + 120 * 1000 / 4) / 110 = 719;
     * all 120 free frames are unusable for it; an empty zone has index 0
     * (fragmentation) and 1000 (unusable). */
    struct zone z = { .name = "Normal" };
    z.free_area[0].nr_free = 100;
    z.free_area[1].nr_free = 10;
    CHECK_EQ(fragmentation_index(&z, 2), 719);
    CHECK_EQ(unusable_free_index(&z, 2), 1000);
    CHECK_EQ(fragmentation_index(&z, 1), -1000);
    CHECK_EQ(unusable_free_index(&z, 1), 833);       /* (120 - 20) / 120 */
    struct zone empty = { .name = "DMA" };
    CHECK_EQ(fragmentation_index(&empty, 3), 0);
    CHECK_EQ(unusable_free_index(&empty, 3), 1000);
}

/* 6.1's zoneinfo for this boot: watermarks as test_buddy derives them
 * (DMA 51/63/75, promo + 12 = 87; Normal 196/245/294, promo 343;
 * HighMem and Movable, empty, 32/32/32/32), lowmem_reserve DMA 12288 / 256 = 48 for
 * every zone above it, pcp batch (managed >> 10) / 4 rounded to 2^n - 1,
 * at least 1 (DMA 1, Normal 3), high the low mark, stat threshold
 * 2 * (1 + fls(managed >> 15)) = 2. */
static void test_zoneinfo(void)
{
    struct env e;
    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    static const char *const node_stats[] = {
        "nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
        "nr_unevictable", "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon",
        "nr_isolated_file", "workingset_nodes", "workingset_refault_anon",
        "workingset_refault_file", "workingset_activate_anon", "workingset_activate_file",
        "workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim",
        "nr_anon_pages", "nr_mapped   ", "nr_file_pages", "nr_dirty    ", "nr_writeback",
        "nr_writeback_temp", "nr_shmem    ", "nr_shmem_hugepages", "nr_shmem_pmdmapped",
        "nr_file_hugepages", "nr_file_pmdmapped", "nr_anon_transparent_hugepages",
        "nr_vmscan_write", "nr_vmscan_immediate_reclaim", "nr_dirtied  ", "nr_written  ",
        "nr_throttled_written", "nr_kernel_misc_reclaimable", "nr_foll_pin_acquired",
        "nr_foll_pin_released", "nr_kernel_stack", "nr_page_table_pages",
        "nr_sec_page_table_pages", "nr_swapcached",
    };
    char want[8192];
    size_t n = (size_t)snprintf(want, sizeof want, "Node 0, zone      DMA\n  per-node stats\n");
    CHECK_EQ(sizeof node_stats / sizeof *node_stats, NR_VM_NODE_STAT_ITEMS);
    for (size_t i = 0; i < sizeof node_stats / sizeof *node_stats; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "      %s %zu\n", node_stats[i], i + 1);
#define ZONE_STATS(free) \
    "      nr_free_pages " #free "\n      nr_zone_inactive_anon 0\n      nr_zone_active_anon 0\n" \
    "      nr_zone_inactive_file 0\n      nr_zone_active_file 0\n      nr_zone_unevictable 0\n" \
    "      nr_zone_write_pending 0\n      nr_mlock     0\n      nr_bounce    0\n" \
    "      nr_free_cma  0\n"
    snprintf(want + n, sizeof want - n,
        "  pages free     3199\n        boost    0\n        min      51\n        low      63\n"
        "        high     75\n        promo    87\n        spanned  4096\n        present  4096\n"
        "        managed  3199\n        cma      0\n        protection: (0, 48, 48, 48)\n"
        ZONE_STATS(3199)
        "  pagesets\n    cpu: 0\n              count: 0\n              high:  63\n"
        "              batch: 1\n  vm stats threshold: 2\n  node_unreclaimable:  0\n"
        "  start_pfn:           0\n"
        "Node 0, zone   Normal\n"
        "  pages free     12288\n        boost    0\n        min      196\n        low      245\n"
        "        high     294\n        promo    343\n        spanned  12288\n        present  12288\n"
        "        managed  12288\n        cma      0\n        protection: (0, 0, 0, 0)\n"
        ZONE_STATS(12288)
        "  pagesets\n    cpu: 0\n              count: 0\n              high:  245\n"
        "              batch: 3\n  vm stats threshold: 2\n  node_unreclaimable:  0\n"
        "  start_pfn:           4096\n"
        "Node 0, zone  HighMem\n"
        "  pages free     0\n        boost    0\n        min      32\n        low      32\n"
        "        high     32\n        promo    32\n        spanned  0\n        present  0\n"
        "        managed  0\n        cma      0\n        protection: (0, 0, 0, 0)\n"
        "Node 0, zone  Movable\n"
        "  pages free     0\n        boost    0\n        min      32\n        low      32\n"
        "        high     32\n        promo    32\n        spanned  0\n        present  0\n"
        "        managed  0\n        cma      0\n        protection: (0, 0, 0, 0)\n");
    char *got = render(show_zoneinfo, &e.pgdat);
    CHECK_STR(got, want);
    free(got);
    physmem_destroy(&e.pm);
}

int main(void)
{
    test_pagetypeinfo();
    test_extfrag();
    test_zoneinfo();
    return CHECK_DONE();
}

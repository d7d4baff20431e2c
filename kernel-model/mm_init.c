/*
 * mm_init.c — the boot of the page allocator, after Linux 6.1's
 * free_area_init (mm/page_alloc.c), build_all_zonelists, mem_init and the
 * watermark setup (init_per_zone_wmark_min), with 2.6's bootmem in place
 * of memblock (bootmem.h).
 *
 * The first half (free_area_init) sizes the zones, marks every pageblock
 * MIGRATE_MOVABLE (memmap_init), reserves the firmware's first MiB, the
 * kernel image at 1 MiB and bootmem's own bitmap, and allocates mem_map and
 * each zone's pageblock flags from bootmem.  The caller then takes its
 * early page tables from bootmem; the second half (mem_init) hands every
 * frame left to buddy and sets the watermarks and lowmem_reserve from what
 * buddy got.
 */
#include "common/errmsg.h"
#include "kernel-model/bootmem.h"
#include "kernel-model/buddy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FIRMWARE_END_PFN     (1u << (20 - PAGE_SHIFT))        /* 1 MiB */
#define LINUX_STRUCT_PAGE    32u   /* sizeof(struct page) on i386 Linux */
#define SMP_CACHE_BYTES      64u   /* L1_CACHE_BYTES of an X86_GENERIC build */
#define NR_PAGEBLOCK_BITS    4u    /* 3 migrate-type bits and PB_migrate_skip */
#define SWAP_CLUSTER_MAX     32u
#define WATERMARK_SCALE_FACTOR 10u /* vm.watermark_scale_factor's default */

/* sysctl_lowmem_reserve_ratio's defaults (HighMem's 0: nothing above it
 * but the absent Movable zone). */
static const uint32_t lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 32, 0 };

/* ---- zones ---------------------------------------------------------------- */

/* Each zone spans its i386 range clipped to RAM; zones past the end of RAM
 * stay with spanned_pages 0 (absent).  RAM has no holes: present =
 * spanned. */
static void setup_zones(struct pglist_data *pgdat)
{
    static const uint32_t bounds[MAX_NR_ZONES + 1] = {
        0, ZONE_DMA_END_PFN, ZONE_NORMAL_END_PFN, UINT32_MAX,
    };
    uint32_t nr_pages = pgdat->pm->nr_pages;

    for (int z = 0; z < MAX_NR_ZONES; z++) {
        struct zone *zone = &pgdat->node_zones[z];
        uint32_t end = nr_pages < bounds[z + 1] ? nr_pages : bounds[z + 1];

        memset(zone, 0, sizeof(*zone));
        zone->name = zone_name((enum zone_type)z);
        zone->zone_start_pfn = bounds[z];
        zone->spanned_pages = end > bounds[z] ? end - bounds[z] : 0;
        zone->present_pages = zone->spanned_pages;
        for (int o = 0; o < MAX_ORDER; o++)
            for (int mt = 0; mt < MIGRATE_TYPES; mt++)
                zone->free_area[o].free_list[mt] = zone->free_area[o].free_tail[mt] = PFN_NONE;
    }
    /* memmap_init: every pageblock starts movable. */
    for (uint32_t pfn = 0; pfn < nr_pages; pfn += pageblock_nr_pages)
        set_pageblock_migratetype(pgdat, pfn, MIGRATE_MOVABLE);
}

/* calc_memmap_size: the frames of mem_map that describe a zone. */
static uint32_t calc_memmap_size(uint32_t spanned)
{
    return (uint32_t)(((uint64_t)spanned * LINUX_STRUCT_PAGE + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

/* free_area_init_core's estimate of each zone's managed pages (present
 * minus its share of mem_map, lowmem zones only) summed: what
 * build_all_zonelists prints as "Total pages" (the watermarks are still 0
 * then), and what decides whether grouping by mobility is worth it. */
static void build_all_zonelists(struct pglist_data *pgdat)
{
    uint32_t total = 0;

    for (int z = 0; z < MAX_NR_ZONES; z++) {
        const struct zone *zone = &pgdat->node_zones[z];
        uint32_t freesize = zone->present_pages, memmap = calc_memmap_size(zone->spanned_pages);
        if (z != ZONE_HIGHMEM && freesize >= memmap)
            freesize -= memmap;
        total += freesize;
    }
    pgdat->boot.vm_total_pages = total;
    pgdat->page_group_by_mobility_disabled = total < pageblock_nr_pages * MIGRATE_TYPES;
}

/* usemap_size: NR_PAGEBLOCK_BITS per pageblock the zone touches, in
 * whole longs. */
static uint32_t usemap_size(uint32_t zone_start_pfn, uint32_t zonesize)
{
    uint32_t blocks = (zonesize + (zone_start_pfn & (pageblock_nr_pages - 1)) +
                       pageblock_nr_pages - 1) >> pageblock_order;
    uint32_t bits = (blocks * NR_PAGEBLOCK_BITS + 31) / 32 * 32;
    return bits / 8;
}

/* ---- the first half --------------------------------------------------------- */

static int early_reserve(struct bootmem_data *bd, const struct pglist_data *pgdat,
                         char *err, size_t errlen)
{
    uint32_t image_end = (KERNEL_IMAGE_PHYS >> PAGE_SHIFT) + KERNEL_IMAGE_PAGES;
    uint64_t mem_map = (uint64_t)((pgdat->pm->nr_pages + MAX_ORDER_NR_PAGES - 1) &
                                  ~(MAX_ORDER_NR_PAGES - 1)) * LINUX_STRUCT_PAGE;

    /* The image, bootmem's bitmap and mem_map must leave frames for buddy. */
    uint64_t need = image_end + (bootmem_bootmap_bytes(pgdat->boot.max_low_pfn) + PAGE_SIZE - 1) /
                    PAGE_SIZE + (mem_map + PAGE_SIZE - 1) / PAGE_SIZE + 8;
    if (need >= pgdat->boot.max_low_pfn ||
        init_bootmem(bd, (struct pglist_data *)pgdat, image_end, pgdat->boot.max_low_pfn,
                     err, errlen)) {
        set_err(err, errlen, "free_area_init: %u pages of RAM leave nothing after the "
                "boot reservations", pgdat->pm->nr_pages);
        return -1;
    }
    if (reserve_bootmem(bd, 0, FIRMWARE_END_PFN << PAGE_SHIFT, PURPOSE_FIRMWARE) ||
        reserve_bootmem(bd, KERNEL_IMAGE_PHYS, (uint64_t)KERNEL_IMAGE_PAGES << PAGE_SHIFT,
                        PURPOSE_KERNEL_IMAGE) ||
        reserve_bootmem(bd, (uint64_t)image_end << PAGE_SHIFT,
                        bootmem_bootmap_bytes(pgdat->boot.max_low_pfn), PURPOSE_BOOTMEM_MAP) ||
        alloc_bootmem(bd, mem_map, SMP_CACHE_BYTES, 0, PURPOSE_MEM_MAP) == BOOTMEM_FAIL) {
        set_err(err, errlen, "free_area_init: the early reservations do not fit");
        return -1;
    }
    return 0;
}

int free_area_init(struct pglist_data *pgdat, struct physmem *pm, struct event_stream *events,
                   struct bootmem_data *bd, char *err, size_t errlen)
{
    if (!pm || !pm->mem_map) {
        set_err(err, errlen, "free_area_init: physical memory not initialised");
        return -1;
    }
    memset(pgdat, 0, sizeof(*pgdat));
    pgdat->pm = pm;
    pgdat->events = events;
    pgdat->boot.max_low_pfn = pm->nr_pages < ZONE_NORMAL_END_PFN ? pm->nr_pages
                                                                 : ZONE_NORMAL_END_PFN;
    setup_zones(pgdat);
    if (early_reserve(bd, pgdat, err, errlen))
        return -1;
    for (int z = 0; z < MAX_NR_ZONES; z++) {        /* setup_usemap */
        const struct zone *zone = &pgdat->node_zones[z];
        if (zone->spanned_pages &&
            alloc_bootmem(bd, usemap_size(zone->zone_start_pfn, zone->spanned_pages),
                          SMP_CACHE_BYTES, 0, PURPOSE_PAGEBLOCK_FLAGS) == BOOTMEM_FAIL) {
            set_err(err, errlen, "free_area_init: no room for the pageblock flags");
            return -1;
        }
    }
    build_all_zonelists(pgdat);
    return 0;
}

/* ---- watermarks ------------------------------------------------------- */

/* Linux lib/math/int_sqrt.c: floor(sqrt(x)) by digit-by-digit base 4. */
static uint64_t int_sqrt(uint64_t x)
{
    uint64_t m = 1ull << 62, y = 0;

    while (m > x)
        m >>= 2;
    for (; m; m >>= 2) {
        uint64_t b = y + m;

        y >>= 1;
        if (x >= b) {
            x -= b;
            y += m;
        }
    }
    return y;
}

/* mult_frac(x, n, d) without overflow, as Linux computes it. */
static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
    return x / d * n + x % d * n / d;
}

/*
 * 6.1's calculate_min_free_kbytes and __setup_per_zone_wmarks:
 * min_free_kbytes = sqrt(lowmem_kbytes * 16) clamped to [128, 262144],
 * where lowmem_kbytes is nr_free_buffer_pages() (managed lowmem, the high
 * watermarks being 0 the first time).  Lowmem zones share pages_min in
 * proportion to their managed pages; HighMem's min is managed / 1024
 * clamped to [SWAP_CLUSTER_MAX, 128], since it cannot serve the kernel
 * allocations the reserve exists for.  low = min + d, high = low + d,
 * promo = high + d with d = max(share / 4, managed * scale_factor / 10000).
 */
static void setup_per_zone_wmarks(struct pglist_data *pgdat)
{
    struct zone *zones = pgdat->node_zones;
    uint64_t lowmem = (uint64_t)zones[ZONE_DMA].managed_pages + zones[ZONE_NORMAL].managed_pages;
    uint64_t min_free_kbytes = int_sqrt(lowmem * (PAGE_SIZE / 1024) * 16);

    min_free_kbytes = min_free_kbytes < 128 ? 128 : min_free_kbytes > 262144 ? 262144
                                                                          : min_free_kbytes;
    pgdat->boot.min_free_kbytes = (uint32_t)min_free_kbytes;
    uint64_t pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);

    for (int z = 0; z < MAX_NR_ZONES; z++) {
        struct zone *zone = &zones[z];
        uint64_t managed = zone->managed_pages;
        uint64_t share = lowmem ? pages_min * managed / lowmem : 0;

        if (z == ZONE_HIGHMEM) {
            uint64_t min = managed / 1024;
            zone->watermark[WMARK_MIN] = (uint32_t)(min < SWAP_CLUSTER_MAX ? SWAP_CLUSTER_MAX
                                                    : min > 128 ? 128 : min);
        } else {
            zone->watermark[WMARK_MIN] = (uint32_t)share;
        }
        uint64_t d = share >> 2, scaled = mult_frac(managed, WATERMARK_SCALE_FACTOR, 10000);
        if (scaled > d)
            d = scaled;
        zone->watermark[WMARK_LOW] = zone->watermark[WMARK_MIN] + (uint32_t)d;
        zone->watermark[WMARK_HIGH] = zone->watermark[WMARK_LOW] + (uint32_t)d;
        zone->watermark[WMARK_PROMO] = zone->watermark[WMARK_HIGH] + (uint32_t)d;
    }
}

/* setup_per_zone_lowmem_reserve: zone z keeps (managed pages of the zones
 * above it, up to j) / ratio[z] from allocations that could use zone j. */
static void setup_per_zone_lowmem_reserve(struct pglist_data *pgdat)
{
    for (int i = 0; i < MAX_NR_ZONES; i++) {
        struct zone *zone = &pgdat->node_zones[i];
        int clear = !lowmem_reserve_ratio[i] || !zone->managed_pages;
        uint32_t above = 0;

        memset(zone->lowmem_reserve, 0, sizeof zone->lowmem_reserve);
        for (int j = i + 1; j < MAX_NR_ZONES; j++) {
            above += pgdat->node_zones[j].managed_pages;
            zone->lowmem_reserve[j] = clear ? 0 : above / lowmem_reserve_ratio[i];
        }
    }
}

/* ---- the second half -------------------------------------------------------- */

void mem_init(struct pglist_data *pgdat, struct bootmem_data *bd)
{
    free_all_bootmem(bd);
    pgdat->boot.free_at_mem_init = nr_free_pages(pgdat);
    setup_per_zone_wmarks(pgdat);
    setup_per_zone_lowmem_reserve(pgdat);
}

int page_alloc_init(struct pglist_data *pgdat, struct physmem *pm,
                    struct event_stream *events, char *err, size_t errlen)
{
    struct bootmem_data bd;

    if (free_area_init(pgdat, pm, events, &bd, err, errlen))
        return -1;
    mem_init(pgdat, &bd);
    return 0;
}

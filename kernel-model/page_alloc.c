/*
 * page_alloc.c — zones, the boot (memblock) allocator and the buddy
 * allocator, after Linux mm/memblock.c and mm/page_alloc.c on i386.
 *
 * Free lists are doubly linked through struct page by pfn (page->next,
 * page->prev), so a buddy found while merging can be unlinked in O(1) from
 * the middle of its list, as list_del() does in Linux.  Blocks are inserted
 * at the head (add_to_free_list), so the most recently freed block — the one
 * most likely still hot in the cache model — is handed out first.
 *
 * There are no migrate types and no per-cpu lists: one free_area[order] per
 * zone, as in 2.6 before the anti-fragmentation work.
 */
#include "common/errmsg.h"
#include "kernel-model/page_alloc.h"
#include "kernel-model/buddy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef __GFP_HIGH
#define __GFP_HIGH 0x20u                 /* Linux 6.1: may use emergency pools */
#endif

#define MEMBLOCK_MAX_REGIONS 8
#define FIRMWARE_END_PFN     (1u << (20 - PAGE_SHIFT))        /* 1 MiB */
#define KERNEL_IMAGE_PAGES   (2u << (20 - PAGE_SHIFT))        /* 2 MiB */
#define LINUX_STRUCT_PAGE    32u   /* sizeof(struct page) on i386 Linux */
#define SWAP_CLUSTER_MAX     32u

/* Flags a frame loses when it goes back to the allocator. */
#define PAGE_FLAGS_CLEAR_ON_FREE \
    (PG_head | PG_anon | PG_dirty | PG_zero | PG_file | PG_pgtable | PG_uptodate | \
     PG_lru | PG_active | PG_referenced)

/* ---- zones ------------------------------------------------------------ */

enum zone_type pfn_zone(uint32_t pfn)
{
    if (pfn < ZONE_DMA_END_PFN)
        return ZONE_DMA;
    if (pfn < ZONE_NORMAL_END_PFN)
        return ZONE_NORMAL;
    return ZONE_HIGHMEM;
}

const char *zone_name(enum zone_type z)
{
    static const char *const names[MAX_NR_ZONES] = {
        [ZONE_DMA] = "DMA", [ZONE_NORMAL] = "Normal", [ZONE_HIGHMEM] = "HighMem",
    };

    return (unsigned)z < MAX_NR_ZONES ? names[z] : "?";
}



/* Each zone spans its i386 range clipped to RAM; zones past the end of RAM
 * stay with spanned_pages 0 (absent). */
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
        for (int o = 0; o < MAX_ORDER; o++)
            zone->free_area[o].head = PFN_NONE;
    }
}

/* ---- events ------------------------------------------------------------- */

static void report(const struct pglist_data *pgdat, enum event_type type,
                   enum alloc_allocator allocator, enum alloc_op op, unsigned order, uint32_t pfn,
                   enum page_purpose purpose)
{
    if (!pgdat->events)
        return;
    struct event ev = { .type = type };
    ev.u.alloc = (struct alloc_event){
        .allocator = (uint8_t)allocator, .op = (uint8_t)op, .order = order, .pfn = pfn,
        .zone = zone_name(pfn_zone(pfn)), .purpose = page_purpose_name(purpose),
    };
    event_emit(pgdat->events, &ev);
}

/* ---- free lists ------------------------------------------------------- */


static void add_to_free_list(struct physmem *pm, struct zone *zone,
                             uint32_t pfn, unsigned order)
{
    struct free_area *area = &zone->free_area[order];
    struct page *page = pfn_to_page(pm, pfn);

    page->order = (uint8_t)order;
    page->flags |= PG_buddy;
    page->prev = PFN_NONE;
    page->next = area->head;
    if (area->head != PFN_NONE)
        pfn_to_page(pm, area->head)->prev = pfn;
    area->head = pfn;
    area->nr_free++;
}

static void del_page_from_free_list(struct physmem *pm, struct zone *zone,
                                    uint32_t pfn, unsigned order)
{
    struct free_area *area = &zone->free_area[order];
    struct page *page = pfn_to_page(pm, pfn);

    if (page->prev != PFN_NONE)
        pfn_to_page(pm, page->prev)->next = page->next;
    else
        area->head = page->next;
    if (page->next != PFN_NONE)
        pfn_to_page(pm, page->next)->prev = page->prev;
    page->next = page->prev = PFN_NONE;
    page->flags &= ~(uint32_t)PG_buddy;
    page->order = 0;
    area->nr_free--;
}

/* Merge with the buddy at pfn ^ (1 << order) while it is a free block of
 * the same order inside this zone, then put the result on its list.  The
 * zone check matters: at a zone boundary the buddy belongs to another zone's
 * lists and must never be merged across. */
static void __free_one_page(struct physmem *pm, struct zone *zone,
                            uint32_t pfn, unsigned order)
{
    while (order < MAX_ORDER - 1) {
        uint32_t buddy = pfn ^ (1u << order);

        if (!zone_spans_pfn(zone, buddy) || !page_is_buddy(pm, buddy, order))
            break;
        del_page_from_free_list(pm, zone, buddy, order);
        pfn &= buddy;                    /* the combined block starts lower */
        order++;
    }
    add_to_free_list(pm, zone, pfn, order);
}

/* A block of order `high` at pfn was taken to satisfy order `low`: keep the
 * lowest 2^low frames and give each upper half back to the lower lists. */
static void expand(struct physmem *pm, struct zone *zone, uint32_t pfn,
                   unsigned low, unsigned high)
{
    uint32_t size = 1u << high;

    while (high > low) {
        high--;
        size >>= 1;
        add_to_free_list(pm, zone, pfn + size, high);
    }
}

static uint32_t __rmqueue_smallest(struct physmem *pm, struct zone *zone,
                                   unsigned order)
{
    for (unsigned cur = order; cur < MAX_ORDER; cur++) {
        uint32_t pfn = zone->free_area[cur].head;

        if (pfn == PFN_NONE)
            continue;
        del_page_from_free_list(pm, zone, pfn, cur);
        expand(pm, zone, pfn, order, cur);
        return pfn;
    }
    return PFN_NONE;
}

/* ---- allocation ------------------------------------------------------- */

/* The zones to try, best first, as gfp_zone() + the i386 zonelist pick
 * them.  __GFP_DMA together with __GFP_HIGHMEM is GFP_ZONE_BAD in Linux (a
 * BUG); here it is an allocation failure.  Returns the count or -1. */
static int gfp_zonelist(gfp_t gfp, enum zone_type zl[MAX_NR_ZONES])
{
    int n = 0;

    if ((gfp & __GFP_DMA) && (gfp & __GFP_HIGHMEM))
        return -1;
    if (gfp & __GFP_DMA) {
        zl[n++] = ZONE_DMA;
        return n;
    }
    if (gfp & __GFP_HIGHMEM)
        zl[n++] = ZONE_HIGHMEM;
    zl[n++] = ZONE_NORMAL;
    zl[n++] = ZONE_DMA;
    return n;
}

/* The zone keeps its min watermark in reserve; __GFP_HIGH (GFP_ATOMIC)
 * callers cannot sleep or reclaim, so they may drain it to zero. */
static int zone_watermark_ok(const struct zone *zone, unsigned order, gfp_t gfp)
{
    int64_t after = (int64_t)zone->free_pages - ((int64_t)1 << order);
    int64_t min = (gfp & __GFP_HIGH) ? 0 : zone->watermark[WMARK_MIN];

    return after >= min;
}

static uint32_t get_page_from_freelist(struct pglist_data *pgdat, gfp_t gfp,
                                       unsigned order, const enum zone_type *zl,
                                       int nz, int check_wmark)
{
    for (int i = 0; i < nz; i++) {
        struct zone *zone = &pgdat->node_zones[zl[i]];

        if (zone->spanned_pages == 0)
            continue;
        if (check_wmark && !zone_watermark_ok(zone, order, gfp))
            continue;
        uint32_t pfn = __rmqueue_smallest(pgdat->pm, zone, order);
        if (pfn != PFN_NONE) {
            zone->free_pages -= 1u << order;
            return pfn;
        }
    }
    return PFN_NONE;
}

static void prep_new_page(struct physmem *pm, uint32_t pfn, unsigned order,
                          gfp_t gfp, enum page_purpose purpose)
{
    struct page *head = pfn_to_page(pm, pfn);
    uint64_t used = 0;

    /* Tails carry the purpose too, so /proc and the trace can say why any
     * frame is in use, not only a block's first. */
    for (uint32_t i = 0; i < (1u << order); i++) {
        uint64_t *w = &pm->used[(pfn + i) / 64], bit = 1ull << ((pfn + i) % 64);
        used |= *w & bit;
        *w |= bit;
        pfn_to_page(pm, pfn + i)->purpose = (uint16_t)purpose;
    }
    head->_refcount = 1;
    head->mapcount = 0;
    head->private = 0;
    head->index = 0;
    head->mapping = NULL;
    head->order = (uint8_t)order;
    if (order > 0)
        head->flags |= PG_head;
    /* A block no one has had since boot is still the memfd's zeros, and
     * so is one whose host pages were never written (a replay runs no
     * guest): clearing it would only make the host fault its pages in. */
    if ((gfp & __GFP_ZERO) && used && !physmem_is_hole(pm, pfn, 1u << order))
        memset(pfn_to_host(pm, pfn), 0, (size_t)PAGE_SIZE << order);
}

uint32_t alloc_pages(struct pglist_data *pgdat, gfp_t gfp, unsigned order,
                     enum page_purpose purpose)
{
    enum zone_type zl[MAX_NR_ZONES];
    int nz;

    if (order >= MAX_ORDER || (nz = gfp_zonelist(gfp, zl)) < 0)
        return PFN_NONE;
    uint32_t pfn = get_page_from_freelist(pgdat, gfp, order, zl, nz, 1);
    /*
     * Last resort: every zone is at or below its min watermark.  Linux
     * would wake kswapd, reclaim, compact and finally OOM-kill; this model
     * has no reclaim behind the allocator yet, so the watermark can only
     * steer allocations between zones.  Refusing while frames are still
     * free would make small --ram configurations fail needlessly, so ignore
     * the watermarks and fail only when no zone in the zonelist has a block.
     */
    if (pfn == PFN_NONE)
        pfn = get_page_from_freelist(pgdat, gfp, order, zl, nz, 0);
    /* Before failing, reclaim: clean page-cache pages no one maps (the
     * model's only reclaimable memory: no swap), a batch at a time. */
    while (pfn == PFN_NONE && pgdat->reclaim.shrink &&
           pgdat->reclaim.shrink(pgdat->reclaim.ctx, order))
        pfn = get_page_from_freelist(pgdat, gfp, order, zl, nz, 0);
    if (pfn == PFN_NONE)
        return PFN_NONE;
    prep_new_page(pgdat->pm, pfn, order, gfp, purpose);
    report(pgdat, EV_ALLOC, ALLOCATOR_BUDDY, ALLOC_OP_ALLOC, order, pfn, purpose);
    return pfn;
}

/* ---- freeing ---------------------------------------------------------- */

/* Does pfn lie inside a larger block, free (PG_buddy) or allocated
 * (PG_head), that starts below it?  Such a block's head is pfn rounded down
 * to some order o it covers.  Zone bounds are 1024-frame aligned, so the
 * candidates never leave pfn's zone. */
static int pfn_inside_block(const struct physmem *pm, uint32_t pfn)
{
    for (unsigned o = 1; o < MAX_ORDER; o++) {
        uint32_t head = pfn & ~((1u << o) - 1);
        const struct page *page = pfn_to_page(pm, head);

        if (head != pfn && (page->flags & (PG_buddy | PG_head)) && page->order >= o)
            return 1;
    }
    return 0;
}

/* A free that would corrupt the lists is refused and changes nothing: out
 * of range, misaligned, crossing a zone, a reserved frame, a double free
 * (also after the frame merged into a bigger free block), a tail of a live
 * block, or an order that does not match the allocation. */
static int free_pages_valid(const struct pglist_data *pgdat, uint32_t pfn,
                            unsigned order)
{
    const struct physmem *pm = pgdat->pm;

    if (order >= MAX_ORDER || pfn >= pm->nr_pages || (pfn & ((1u << order) - 1)))
        return 0;
    const struct zone *zone = &pgdat->node_zones[pfn_zone(pfn)];
    if ((uint64_t)pfn + (1u << order) > zone_end_pfn(zone) || pfn_inside_block(pm, pfn))
        return 0;
    for (uint32_t i = 0; i < (1u << order); i++) {
        uint32_t flags = pfn_to_page(pm, pfn + i)->flags;

        if ((flags & (PG_buddy | PG_reserved)) || (i > 0 && (flags & PG_head)))
            return 0;
    }
    const struct page *page = pfn_to_page(pm, pfn);
    if (order > 0)
        return (page->flags & PG_head) && page->order == order;
    return !(page->flags & PG_head);
}

static void free_pages_prepare(struct physmem *pm, uint32_t pfn, unsigned order)
{
    for (uint32_t i = 0; i < (1u << order); i++) {
        struct page *page = pfn_to_page(pm, pfn + i);

        page->flags &= ~(uint32_t)PAGE_FLAGS_CLEAR_ON_FREE;
        page->_refcount = 0;
        page->mapcount = 0;
        page->order = 0;
        page->purpose = PURPOSE_NONE;
        page->private = 0;
        page->index = 0;
        page->mapping = NULL;
    }
}

void free_pages(struct pglist_data *pgdat, uint32_t pfn, unsigned order)
{
    if (!free_pages_valid(pgdat, pfn, order))
        return;
    struct zone *zone = &pgdat->node_zones[pfn_zone(pfn)];
    struct page *page = pfn_to_page(pgdat->pm, pfn);

    report(pgdat, EV_FREE, ALLOCATOR_BUDDY, ALLOC_OP_FREE, order, pfn, (enum page_purpose)page->purpose);
    free_pages_prepare(pgdat->pm, pfn, order);
    __free_one_page(pgdat->pm, zone, pfn, order);
    zone->free_pages += 1u << order;
}

void get_page(struct pglist_data *pgdat, uint32_t pfn)
{
    if (pfn < pgdat->pm->nr_pages)
        pfn_to_page(pgdat->pm, pfn)->_refcount++;
}

void put_page(struct pglist_data *pgdat, uint32_t pfn)
{
    if (pfn >= pgdat->pm->nr_pages)
        return;
    struct page *page = pfn_to_page(pgdat->pm, pfn);

    /* A put without a matching reference would free a frame someone still
     * uses and corrupt a guest silently; stop the model where the bug is. */
    if (page->_refcount <= 0) {
        fprintf(stderr, "memsim: put_page(pfn %#x): _refcount is %d - model bug\n",
                pfn, page->_refcount);
        abort();
    }
    if (--page->_refcount == 0)
        free_pages(pgdat, pfn, (page->flags & PG_head) ? page->order : 0);
}

uint32_t nr_free_pages(const struct pglist_data *pgdat)
{
    uint32_t sum = 0;

    for (int z = 0; z < MAX_NR_ZONES; z++)
        sum += pgdat->node_zones[z].free_pages;
    return sum;
}

/* ---- boot: memblock --------------------------------------------------- */

struct memblock {
    struct { uint32_t base, size; } reserved[MEMBLOCK_MAX_REGIONS];   /* pfns */
    unsigned cnt;
};

/* Regions are reserved in ascending, non-overlapping order, which is how
 * the boot below places them; memblock_free_all relies on it. */
static void memblock_reserve(struct pglist_data *pgdat, struct memblock *mb,
                             uint32_t base, uint32_t size,
                             enum page_purpose purpose)
{
    for (uint32_t pfn = base; pfn < base + size; pfn++) {
        struct page *page = pfn_to_page(pgdat->pm, pfn);

        page->flags = PG_reserved;
        page->_refcount = 1;
        page->purpose = (uint16_t)purpose;
    }
    mb->reserved[mb->cnt].base = base;
    mb->reserved[mb->cnt++].size = size;
    pgdat->reserved_pages += size;
    report(pgdat, EV_ALLOC, ALLOCATOR_MEMBLOCK, ALLOC_OP_RESERVE, 0, base, purpose);
}

/* Hand [start, end) to buddy in the largest naturally aligned blocks
 * (__free_pages_core).  Zone bounds are multiples of 2^(MAX_ORDER-1) frames,
 * so an aligned block never straddles two zones.  No events: a boot would
 * otherwise log one line per block for every run. */
static void free_range(struct pglist_data *pgdat, uint32_t start, uint32_t end)
{
    unsigned order;

    for (uint32_t pfn = start; pfn < end; pfn += 1u << order) {
        struct zone *zone = &pgdat->node_zones[pfn_zone(pfn)];

        order = MAX_ORDER - 1;
        while (order > 0 && ((pfn & ((1u << order) - 1)) ||
                             (uint64_t)pfn + (1u << order) > end))
            order--;
        __free_one_page(pgdat->pm, zone, pfn, order);
        zone->managed_pages += 1u << order;
        zone->free_pages += 1u << order;
    }
}

/* Release every frame memblock did not reserve (memblock_free_all). */
static void memblock_free_all(struct pglist_data *pgdat, const struct memblock *mb)
{
    uint32_t cursor = 0;

    for (unsigned i = 0; i < mb->cnt; i++) {
        free_range(pgdat, cursor, mb->reserved[i].base);
        cursor = mb->reserved[i].base + mb->reserved[i].size;
    }
    free_range(pgdat, cursor, pgdat->pm->nr_pages);
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

/*
 * init_per_zone_wmark_min + __setup_per_zone_wmarks (2.6): min_free_kbytes
 * comes from lowmem alone and is split over the lowmem zones in proportion
 * to their managed pages.  HighMem gets no share: as in Linux, its min is
 * managed/1024 clamped to [SWAP_CLUSTER_MAX, 128], because HighMem cannot
 * serve the kernel allocations the reserve exists for.
 */
static void setup_per_zone_wmarks(struct pglist_data *pgdat)
{
    struct zone *zones = pgdat->node_zones;
    uint64_t lowmem = (uint64_t)zones[ZONE_DMA].managed_pages +
                      zones[ZONE_NORMAL].managed_pages;
    uint64_t min_free_kbytes = int_sqrt(lowmem * (PAGE_SIZE / 1024) * 16);

    if (min_free_kbytes < 128)
        min_free_kbytes = 128;
    if (min_free_kbytes > 65536)
        min_free_kbytes = 65536;
    uint64_t pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);

    for (int z = 0; z < MAX_NR_ZONES; z++) {
        struct zone *zone = &zones[z];
        uint64_t min;

        if (z == ZONE_HIGHMEM) {
            min = zone->managed_pages / 1024;
            min = min < SWAP_CLUSTER_MAX ? SWAP_CLUSTER_MAX : min > 128 ? 128 : min;
        } else {
            min = lowmem ? pages_min * zone->managed_pages / lowmem : 0;
        }
        if (zone->spanned_pages == 0)
            min = 0;
        zone->watermark[WMARK_MIN] = (uint32_t)min;
        zone->watermark[WMARK_LOW] = (uint32_t)(min * 5 / 4);
        zone->watermark[WMARK_HIGH] = (uint32_t)(min * 3 / 2);
    }
}

/* ---- boot ------------------------------------------------------------- */

/* pm must be fresh from physmem_init: every frame unused, not on a list. */
int page_alloc_init(struct pglist_data *pgdat, struct physmem *pm,
                    struct event_stream *events, char *err, size_t errlen)
{
    struct memblock mb = { .cnt = 0 };

    if (!pm || !pm->mem_map) {
        set_err(err, errlen, "page_alloc_init: physical memory not initialised");
        return -1;
    }
    /* Linux spends nr_pages * sizeof(struct page) = 32 bytes per frame. */
    uint32_t mem_map_pages = (uint32_t)(((uint64_t)pm->nr_pages * LINUX_STRUCT_PAGE +
                                         PAGE_SIZE - 1) / PAGE_SIZE);
    uint32_t image_end = FIRMWARE_END_PFN + KERNEL_IMAGE_PAGES;
    if ((uint64_t)image_end + mem_map_pages >= pm->nr_pages) {
        set_err(err, errlen, "page_alloc_init: %u pages of RAM leave nothing "
                "after the boot reservations", pm->nr_pages);
        return -1;
    }

    memset(pgdat, 0, sizeof(*pgdat));
    pgdat->pm = pm;
    pgdat->events = events;
    setup_zones(pgdat);

    memblock_reserve(pgdat, &mb, 0, FIRMWARE_END_PFN, PURPOSE_FIRMWARE);
    memblock_reserve(pgdat, &mb, FIRMWARE_END_PFN, KERNEL_IMAGE_PAGES,
                     PURPOSE_KERNEL_IMAGE);
    memblock_reserve(pgdat, &mb, image_end, mem_map_pages, PURPOSE_MEM_MAP);
    memblock_free_all(pgdat, &mb);
    setup_per_zone_wmarks(pgdat);
    return 0;
}


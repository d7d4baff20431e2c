/*
 * page_alloc.c — the buddy allocator, after Linux 6.1 mm/page_alloc.c on
 * i386: free lists per (order, migrate type), the zonelist walk against
 * the watermarks, splitting and merging.  The migrate-type fallback lives
 * in page_fallback.c, the boot in mm_init.c.
 *
 * Free lists are doubly linked through struct page by pfn (page->next,
 * page->prev), so a buddy found while merging can be unlinked in O(1) from
 * the middle of its list, as list_del() does in Linux.  A freed block goes
 * to the head of its list (the most recently freed, likely still hot in the
 * cache model, is handed out first), except where 6.1 puts it at the tail:
 * the boot's frees (FPI_TO_TAIL), a block whose buddy's buddy is free
 * (buddy_merge_likely: leave it time to merge) and a block moved between
 * types (move_to_free_list).  There are no per-cpu lists.
 */
#include "common/errmsg.h"
#include "kernel-model/page_alloc.h"
#include "kernel-model/buddy.h"
#include "kernel-model/vmstat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Flags a frame loses when it goes back to the allocator. */
#define PAGE_FLAGS_CLEAR_ON_FREE \
    (PG_head | PG_anon | PG_dirty | PG_zero | PG_file | PG_pgtable | PG_lazyfree | \
     PG_uptodate | PG_lru | PG_active | PG_referenced)

/* 6.1's alloc_flags that the model uses (mm/internal.h). */
#define ALLOC_WMARK_MIN   WMARK_MIN
#define ALLOC_WMARK_LOW   WMARK_LOW
#define ALLOC_NO_WATERMARKS 0x04
#define ALLOC_WMARK_MASK  (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_HARDER      0x10
#define ALLOC_HIGH        0x20

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

/* ---- events ------------------------------------------------------------- */

void alloc_report(const struct pglist_data *pgdat, enum event_type type,
                  enum alloc_allocator allocator, enum alloc_op op, unsigned order,
                  uint32_t pfn, enum page_purpose purpose, uint32_t addr, const char *gfp)
{
    if (!pgdat->events)
        return;
    struct event ev = { .type = type };
    ev.u.alloc = (struct alloc_event){
        .allocator = (uint8_t)allocator, .op = (uint8_t)op, .order = order, .pfn = pfn,
        .zone = zone_name(pfn_zone(pfn)), .purpose = page_purpose_name(purpose),
        .addr = addr, .gfp = gfp,
    };
    event_emit(pgdat->events, &ev);
}

/* ---- free lists ------------------------------------------------------- */

void add_to_free_list(struct physmem *pm, struct zone *zone, uint32_t pfn,
                      unsigned order, int mt, int tail)
{
    struct free_area *area = &zone->free_area[order];
    struct page *page = pfn_to_page(pm, pfn);

    page->order = (uint8_t)order;
    page->migratetype = (uint8_t)mt;
    page->flags |= PG_buddy;
    if (tail) {
        page->next = PFN_NONE;
        page->prev = area->free_tail[mt];
        if (area->free_tail[mt] != PFN_NONE)
            pfn_to_page(pm, area->free_tail[mt])->next = pfn;
        else
            area->free_list[mt] = pfn;
        area->free_tail[mt] = pfn;
    } else {
        page->prev = PFN_NONE;
        page->next = area->free_list[mt];
        if (area->free_list[mt] != PFN_NONE)
            pfn_to_page(pm, area->free_list[mt])->prev = pfn;
        else
            area->free_tail[mt] = pfn;
        area->free_list[mt] = pfn;
    }
    area->nr_free++;
}

void del_page_from_free_list(struct physmem *pm, struct zone *zone, uint32_t pfn,
                             unsigned order)
{
    struct free_area *area = &zone->free_area[order];
    struct page *page = pfn_to_page(pm, pfn);
    int mt = page->migratetype;

    if (page->prev != PFN_NONE)
        pfn_to_page(pm, page->prev)->next = page->next;
    else
        area->free_list[mt] = page->next;
    if (page->next != PFN_NONE)
        pfn_to_page(pm, page->next)->prev = page->prev;
    else
        area->free_tail[mt] = page->prev;
    page->next = page->prev = PFN_NONE;
    page->flags &= ~(uint32_t)PG_buddy;
    page->order = 0;
    page->migratetype = 0;
    area->nr_free--;
}

void move_to_free_list(struct physmem *pm, struct zone *zone, uint32_t pfn,
                       unsigned order, int mt)
{
    del_page_from_free_list(pm, zone, pfn, order);
    add_to_free_list(pm, zone, pfn, order, mt, 1);
}

/* Is the block a merge away from being whole at order + 2?  Then leave it
 * at the tail so it is not split before its buddy comes back. */
static int buddy_merge_likely(const struct physmem *pm, const struct zone *zone,
                              uint32_t pfn, unsigned order)
{
    if (order >= MAX_ORDER - 2)
        return 0;
    uint32_t higher = pfn & ~(1u << order);
    uint32_t higher_buddy = higher ^ (1u << (order + 1));
    return zone_spans_pfn(zone, higher_buddy) && page_is_buddy(pm, higher_buddy, order + 1);
}

/* Merge with the buddy at pfn ^ (1 << order) while it is a free block of
 * the same order inside this zone, then put the result on the list of
 * type mt.  The zone check matters: at a zone boundary the buddy belongs
 * to another zone's lists and must never be merged across.  (6.1 also
 * refuses merges of unmergeable types at order >= pageblock_order; with
 * pageblock_order = MAX_ORDER - 1 no merge reaches that order.) */
void __free_one_page(struct physmem *pm, struct zone *zone, uint32_t pfn, unsigned order,
                     int mt, int to_tail)
{
    while (order < MAX_ORDER - 1) {
        uint32_t buddy = pfn ^ (1u << order);

        if (!zone_spans_pfn(zone, buddy) || !page_is_buddy(pm, buddy, order))
            break;
        del_page_from_free_list(pm, zone, buddy, order);
        pfn &= buddy;                    /* the combined block starts lower */
        order++;
    }
    if (!to_tail)
        to_tail = buddy_merge_likely(pm, zone, pfn, order);
    add_to_free_list(pm, zone, pfn, order, mt, to_tail);
}

/* A block of order `high` at pfn was taken to satisfy order `low`: keep the
 * lowest 2^low frames and give each upper half back to the lower lists of
 * type mt (the requester's: after a fallback, a stolen block's halves stay
 * with the type that stole it). */
static void expand(struct physmem *pm, struct zone *zone, uint32_t pfn,
                   unsigned low, unsigned high, int mt)
{
    uint32_t size = 1u << high;

    while (high > low) {
        high--;
        size >>= 1;
        add_to_free_list(pm, zone, pfn + size, high, mt, 0);
    }
}

uint32_t __rmqueue_smallest(struct physmem *pm, struct zone *zone, unsigned order, int mt)
{
    for (unsigned cur = order; cur < MAX_ORDER; cur++) {
        uint32_t pfn = zone->free_area[cur].free_list[mt];

        if (pfn == PFN_NONE)
            continue;
        del_page_from_free_list(pm, zone, pfn, cur);
        expand(pm, zone, pfn, order, cur, mt);
        return pfn;
    }
    return PFN_NONE;
}

/* __rmqueue: the requested type's lists, then a fallback that moves a
 * block (or a pageblock) of another type over and tries again. */
static uint32_t __rmqueue(struct pglist_data *pgdat, struct zone *zone, unsigned order, int mt)
{
    for (;;) {
        uint32_t pfn = __rmqueue_smallest(pgdat->pm, zone, order, mt);
        if (pfn != PFN_NONE || !__rmqueue_fallback(pgdat, zone, order, mt))
            return pfn;
    }
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

/* 6.1's __zone_watermark_ok: the zone keeps the watermark plus the
 * lowmem_reserve against allocations that could have used a higher zone
 * (highest); __GFP_HIGH callers may dip to half the mark, __GFP_ATOMIC ones
 * a quarter further; a high-order request also needs a free block of that
 * order on the lists of some type. */
static int zone_watermark_ok(const struct zone *zone, unsigned order, uint32_t mark,
                             enum zone_type highest, int alloc_flags)
{
    int64_t free = (int64_t)zone->free_pages - ((1 << order) - 1);
    int64_t min = mark;

    if (alloc_flags & ALLOC_HIGH)
        min -= min / 2;
    if (alloc_flags & ALLOC_HARDER)
        min -= min / 4;
    if (free <= min + zone->lowmem_reserve[highest])
        return 0;
    if (order == 0)
        return 1;
    for (unsigned o = order; o < MAX_ORDER; o++) {
        const struct free_area *area = &zone->free_area[o];
        if (!area->nr_free)
            continue;
        for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
            if (area->free_list[mt] != PFN_NONE)
                return 1;
        if ((alloc_flags & ALLOC_HARDER) && area->free_list[MIGRATE_HIGHATOMIC] != PFN_NONE)
            return 1;
    }
    return 0;
}

static uint32_t get_page_from_freelist(struct pglist_data *pgdat, unsigned order, int mt,
                                       const enum zone_type *zl, int nz, int alloc_flags)
{
    for (int i = 0; i < nz; i++) {
        struct zone *zone = &pgdat->node_zones[zl[i]];

        if (zone->managed_pages == 0)
            continue;
        if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
            !zone_watermark_ok(zone, order, zone->watermark[alloc_flags & ALLOC_WMARK_MASK],
                               zl[0], alloc_flags))
            continue;
        uint32_t pfn = __rmqueue(pgdat, zone, order, mt);
        if (pfn != PFN_NONE) {
            zone->free_pages -= 1u << order;
            return pfn;
        }
    }
    return PFN_NONE;
}

static void prep_new_page(struct physmem *pm, const struct highmem_hook *hook, uint32_t pfn,
                          unsigned order, gfp_t gfp, enum page_purpose purpose)
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
    if (!(gfp & __GFP_ZERO))
        return;
    int dirty = used && !physmem_is_hole(pm, pfn, 1u << order);
    if (pfn_zone(pfn) == ZONE_HIGHMEM && hook->clear) {
        for (uint32_t i = 0; i < (1u << order); i++)
            hook->clear(hook->ctx, pfn + i, dirty);     /* clear_highpage */
    } else if (dirty) {
        memset(pfn_to_host(pm, pfn), 0, (size_t)PAGE_SIZE << order);
    }
}

/*
 * The fast path against the low watermark, then (6.1's slow path once
 * kswapd is woken) the min watermark with the caller's access to the
 * reserves.  Then Linux would reclaim, compact and finally OOM-kill;
 * the model has no kswapd and no swap, so it first ignores the watermarks
 * (refusing while frames are still free would make small --ram
 * configurations fail needlessly) and reclaims clean page-cache pages
 * (pglist_data.reclaim) only when no zone in the zonelist has a block.
 */
uint32_t alloc_pages(struct pglist_data *pgdat, gfp_t gfp, unsigned order,
                     enum page_purpose purpose)
{
    enum zone_type zl[MAX_NR_ZONES];
    int nz;

    if (order >= MAX_ORDER || (nz = gfp_zonelist(gfp, zl)) < 0)
        return PFN_NONE;
    int mt = gfp_migratetype(pgdat, gfp);
    int slow = ALLOC_WMARK_MIN | ((gfp & __GFP_HIGH) ? ALLOC_HIGH : 0) |
               ((gfp & __GFP_ATOMIC) && !(gfp & __GFP_NOMEMALLOC) ? ALLOC_HARDER : 0);
    uint32_t pfn = get_page_from_freelist(pgdat, order, mt, zl, nz, ALLOC_WMARK_LOW);
    if (pfn == PFN_NONE)
        pfn = get_page_from_freelist(pgdat, order, mt, zl, nz, slow);
    if (pfn == PFN_NONE)
        pfn = get_page_from_freelist(pgdat, order, mt, zl, nz, ALLOC_NO_WATERMARKS);
    /* Before failing, reclaim: clean page-cache pages no one maps (the
     * model's only reclaimable memory: no swap), a batch at a time. */
    while (pfn == PFN_NONE && pgdat->reclaim.shrink &&
           pgdat->reclaim.shrink(pgdat->reclaim.ctx, order))
        pfn = get_page_from_freelist(pgdat, order, mt, zl, nz, ALLOC_NO_WATERMARKS);
    if (pfn == PFN_NONE)
        return PFN_NONE;
    count_zone_vm_events(pgdat->vm_events, PGALLOC_DMA, pfn_zone(pfn), 1u << order);
    prep_new_page(pgdat->pm, &pgdat->highmem, pfn, order, gfp, purpose);
    alloc_report(pgdat, EV_ALLOC, ALLOCATOR_BUDDY, ALLOC_OP_ALLOC, order, pfn, purpose, 0,
                 gfp_name(pgdat, gfp));
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

    alloc_report(pgdat, EV_FREE, ALLOCATOR_BUDDY, ALLOC_OP_FREE, order, pfn,
                 (enum page_purpose)page->purpose, 0, NULL);
    count_vm_events(pgdat->vm_events, PGFREE, 1u << order);
    free_pages_prepare(pgdat->pm, pfn, order);
    __free_one_page(pgdat->pm, zone, pfn, order, get_pageblock_migratetype(pgdat, pfn), 0);
    zone->free_pages += 1u << order;
}

/* Hand [start, end) to buddy in the largest naturally aligned blocks
 * (__free_pages_core, to the tail of the lists as 6.1 does at boot).  Zone
 * bounds are multiples of 2^(MAX_ORDER-1) frames, so an aligned block never
 * straddles two zones.  No events: a boot would otherwise log one line per
 * block for every run. */
void free_boot_range(struct pglist_data *pgdat, uint32_t start, uint32_t end)
{
    unsigned order;

    for (uint32_t pfn = start; pfn < end; pfn += 1u << order) {
        struct zone *zone = &pgdat->node_zones[pfn_zone(pfn)];

        order = MAX_ORDER - 1;
        while (order > 0 && ((pfn & ((1u << order) - 1)) ||
                             (uint64_t)pfn + (1u << order) > end))
            order--;
        __free_one_page(pgdat->pm, zone, pfn, order, get_pageblock_migratetype(pgdat, pfn), 1);
        zone->managed_pages += 1u << order;
        zone->free_pages += 1u << order;
    }
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

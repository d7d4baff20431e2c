/*
 * page_fallback.c — migrate types (Linux 6.1 mm/page_alloc.c): each
 * pageblock's type, gfp_migratetype, and the fallback an allocation takes
 * when its own type's lists are empty: 6.1's fallbacks[] order, the
 * largest block of the fallback type first, and the steal of a whole
 * pageblock when the order is large enough (can_steal_fallback) and enough
 * of the block is free or alike (steal_suitable_fallback).
 *
 * Left out, because nothing in the model produces them: CMA, HIGHATOMIC
 * reserves (reserve_highatomic_pageblock: the type exists, no pageblock
 * ever gets it), watermark boosting (it only wakes kswapd, which the model
 * does not have) and ALLOC_NOFRAGMENT (6.1 sets it only with a DMA32 zone,
 * which i386 has not).
 */
#include "kernel-model/buddy.h"

const char *const migratetype_names[MIGRATE_TYPES] = {
    "Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
};

/* Which type to take from when mt's lists are empty, in order; the
 * non-PCP types never fall back (MIGRATE_TYPES ends a row). */
static const int fallbacks[MIGRATE_TYPES][3] = {
    [MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE,   MIGRATE_TYPES },
    [MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_TYPES },
    [MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE,   MIGRATE_MOVABLE,   MIGRATE_TYPES },
    [MIGRATE_HIGHATOMIC]  = { MIGRATE_TYPES },
    [MIGRATE_ISOLATE]     = { MIGRATE_TYPES },
};

#define GFP_MOVABLE_MASK  (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

int gfp_migratetype(const struct pglist_data *pgdat, gfp_t gfp)
{
    if (pgdat->page_group_by_mobility_disabled)
        return MIGRATE_UNMOVABLE;
    /* Both bits set is a caller bug Linux warns about; it reads as 3. */
    int mt = (int)((gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
    return mt < MIGRATE_PCPTYPES ? mt : MIGRATE_UNMOVABLE;
}

void set_pageblock_migratetype(struct pglist_data *pgdat, uint32_t pfn, int mt)
{
    pgdat->pageblock_mt[pfn >> pageblock_order] = (uint8_t)mt;
}

/* The block is an LRU page in Linux (anonymous or file-backed user
 * memory): what move_freepages counts as movable. */
static int page_movable(const struct page *page)
{
    return page->purpose == PURPOSE_ANON || page->purpose == PURPOSE_PAGECACHE;
}

/* Every free block of [start, end] to mt's lists; the frames moved, and
 * the in-use movable frames met in *num_movable. */
static uint32_t move_freepages(struct pglist_data *pgdat, struct zone *zone, uint32_t start,
                               uint32_t end, int mt, uint32_t *num_movable)
{
    uint32_t moved = 0;

    for (uint32_t pfn = start; pfn <= end;) {
        const struct page *page = pfn_to_page(pgdat->pm, pfn);
        if (!(page->flags & PG_buddy)) {
            *num_movable += page_movable(page);
            pfn++;
            continue;
        }
        unsigned order = page->order;
        move_to_free_list(pgdat->pm, zone, pfn, order, mt);
        pfn += 1u << order;
        moved += 1u << order;
    }
    return moved;
}

static uint32_t move_freepages_block(struct pglist_data *pgdat, struct zone *zone,
                                     uint32_t pfn, int mt, uint32_t *num_movable)
{
    uint32_t start = pfn & ~(pageblock_nr_pages - 1);
    uint32_t end = start + pageblock_nr_pages - 1;

    *num_movable = 0;
    if (!zone_spans_pfn(zone, start))
        start = pfn;
    if (!zone_spans_pfn(zone, end))
        return 0;                        /* do not cross the zone's end */
    return move_freepages(pgdat, zone, start, end, mt, num_movable);
}

/* May an allocation of start_mt at this order take the whole pageblock? */
static int can_steal_fallback(const struct pglist_data *pgdat, unsigned order, int start_mt)
{
    return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
           start_mt == MIGRATE_UNMOVABLE || pgdat->page_group_by_mobility_disabled;
}

/* The first fallback type of mt with a free block at this order, or -1;
 * *can_steal says whether it may be stolen whole. */
static int find_suitable_fallback(const struct pglist_data *pgdat, const struct free_area *area,
                                  unsigned order, int mt, int *can_steal)
{
    if (area->nr_free == 0)
        return -1;
    *can_steal = 0;
    for (int i = 0; fallbacks[mt][i] != MIGRATE_TYPES; i++) {
        int fmt = fallbacks[mt][i];
        if (area->free_list[fmt] == PFN_NONE)
            continue;
        *can_steal = can_steal_fallback(pgdat, order, mt);
        return fmt;
    }
    return -1;
}

/* Move the block at pfn (a free block of another type) to start_type's
 * lists; with whole_block, also every other free block of its pageblock,
 * and claim the pageblock when at least half of it is free or of a
 * compatible type. */
static void steal_suitable_fallback(struct pglist_data *pgdat, struct zone *zone, uint32_t pfn,
                                    int start_type, int whole_block)
{
    unsigned order = pfn_to_page(pgdat->pm, pfn)->order;
    int old_type = get_pageblock_migratetype(pgdat, pfn);
    uint32_t free, movable, alike;

    if (old_type == MIGRATE_HIGHATOMIC)
        goto single_page;
    if (order >= pageblock_order) {      /* change_pageblock_range */
        for (uint32_t b = 0; b < (1u << order) >> pageblock_order; b++)
            set_pageblock_migratetype(pgdat, pfn + b * pageblock_nr_pages, start_type);
        goto single_page;
    }
    if (!whole_block)
        goto single_page;
    free = move_freepages_block(pgdat, zone, pfn, start_type, &movable);
    if (!free)
        goto single_page;
    if (start_type == MIGRATE_MOVABLE)
        alike = movable;
    else if (old_type == MIGRATE_MOVABLE)
        alike = pageblock_nr_pages - (free + movable);
    else
        alike = 0;
    if (free + alike >= (1u << (pageblock_order - 1)) || pgdat->page_group_by_mobility_disabled)
        set_pageblock_migratetype(pgdat, pfn, start_type);
    return;

single_page:
    move_to_free_list(pgdat->pm, zone, pfn, order, start_type);
}

/*
 * The largest free block of a fallback type goes first (it approximates
 * the pageblock with the most free frames); but a movable request that may
 * not steal the whole pageblock takes the smallest one instead, so that a
 * later movable allocation falling back elsewhere fragments nothing for
 * good.
 */
int __rmqueue_fallback(struct pglist_data *pgdat, struct zone *zone, unsigned order, int mt)
{
    int fmt = -1, can_steal = 0;
    int cur;

    if (mt >= MIGRATE_PCPTYPES)
        return 0;
    for (cur = MAX_ORDER - 1; cur >= (int)order; cur--) {
        fmt = find_suitable_fallback(pgdat, &zone->free_area[cur], (unsigned)cur, mt, &can_steal);
        if (fmt != -1)
            break;
    }
    if (fmt == -1)
        return 0;
    if (!can_steal && mt == MIGRATE_MOVABLE && cur > (int)order) {
        for (cur = (int)order; cur < MAX_ORDER; cur++) {
            fmt = find_suitable_fallback(pgdat, &zone->free_area[cur], (unsigned)cur, mt,
                                         &can_steal);
            if (fmt != -1)
                break;
        }
    }
    uint32_t pfn = zone->free_area[cur].free_list[fmt];
    steal_suitable_fallback(pgdat, zone, pfn, mt, can_steal);
    return 1;
}

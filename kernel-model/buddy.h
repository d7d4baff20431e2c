/*
 * buddy.h — what the allocator's files share (page_alloc.c, page_fallback.c,
 * mm_init.c, bootmem.c, gfp.c, and the inspector buddy_check.c); internal to
 * kernel-model.
 */
#ifndef MEMSIM_BUDDY_H
#define MEMSIM_BUDDY_H

#include "kernel-model/page_alloc.h"

static inline uint32_t zone_end_pfn(const struct zone *zone)
{
    return zone->zone_start_pfn + zone->spanned_pages;
}

static inline int zone_spans_pfn(const struct zone *zone, uint32_t pfn)
{
    return pfn >= zone->zone_start_pfn && pfn < zone_end_pfn(zone);
}

/* Is pfn the head of a free block of exactly this order? */
static inline int page_is_buddy(const struct physmem *pm, uint32_t pfn, unsigned order)
{
    const struct page *page = pfn_to_page(pm, pfn);
    return (page->flags & PG_buddy) && page->order == order;
}

/* One allocations row (allocator, op, block, purpose; addr: a bootmem
 * range's or slab object's kernel address, else 0; gfp: the interned
 * %pGg text, or NULL). */
void alloc_report(const struct pglist_data *pgdat, enum event_type type,
                  enum alloc_allocator allocator, enum alloc_op op, unsigned order,
                  uint32_t pfn, enum page_purpose purpose, uint32_t addr, const char *gfp);
/* gfp_flags_text of gfp, stored in pgdat for the events (whose strings
 * must outlive the trace's writer: the kernel's lifetime). */
const char *gfp_name(struct pglist_data *pgdat, gfp_t gfp);

/* Free lists (page_alloc.c).  tail: list_add_tail instead of list_add. */
void add_to_free_list(struct physmem *pm, struct zone *zone, uint32_t pfn,
                      unsigned order, int mt, int tail);
void del_page_from_free_list(struct physmem *pm, struct zone *zone, uint32_t pfn,
                             unsigned order);
void move_to_free_list(struct physmem *pm, struct zone *zone, uint32_t pfn,
                       unsigned order, int mt);
void __free_one_page(struct physmem *pm, struct zone *zone, uint32_t pfn, unsigned order,
                     int mt, int to_tail);
uint32_t __rmqueue_smallest(struct physmem *pm, struct zone *zone, unsigned order, int mt);
/* [start, end) to buddy at boot, in the largest aligned blocks. */
void free_boot_range(struct pglist_data *pgdat, uint32_t start, uint32_t end);

/* The migrate-type fallback (page_fallback.c): move a block of another
 * type to mt's lists as 6.1's __rmqueue_fallback does; 0 when none. */
int  __rmqueue_fallback(struct pglist_data *pgdat, struct zone *zone, unsigned order, int mt);
void set_pageblock_migratetype(struct pglist_data *pgdat, uint32_t pfn, int mt);

#endif

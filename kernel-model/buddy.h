/*
 * buddy.h — helpers the allocator (page_alloc.c) and its inspector
 * (buddy_check.c) share; internal to kernel-model.
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

#endif

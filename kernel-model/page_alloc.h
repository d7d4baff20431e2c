/*
 * page_alloc.h — zones, the boot allocator and the buddy allocator
 * (Linux mm/memblock.c and mm/page_alloc.c, i386 flavour).
 *
 * Zones as on i386: DMA below 16 MiB, Normal below 896 MiB, HighMem above.
 * page_alloc_init() plays the boot: memblock reserves the first 1 MiB
 * (firmware), the kernel image at 1 MiB and the frames a real kernel would
 * spend on mem_map (nr_pages * 32 bytes), then releases every other frame to
 * the buddy allocator in the largest naturally aligned blocks.
 *
 * Buddy: free_area[order] per zone for orders 0..MAX_ORDER-1, a doubly linked
 * list of free block heads (links in struct page, by pfn).  Allocation takes
 * the first block of order >= n from the first zone of the zonelist that has
 * one above its min watermark (HighMem -> Normal -> DMA for __GFP_HIGHMEM,
 * Normal -> DMA otherwise, DMA only for __GFP_DMA) and splits it, putting
 * the upper halves on the lower lists (expand()).  Freeing merges with the
 * buddy at pfn ^ (1 << order) while that buddy is a free block of the same
 * order in the same zone.
 *
 * Every frame the model uses comes from here.  Each alloc and free is
 * emitted to the event stream (allocator "buddy" or "memblock").
 */
#ifndef MEMSIM_PAGE_ALLOC_H
#define MEMSIM_PAGE_ALLOC_H

#include <stdint.h>
#include "kernel-model/page.h"
#include "common/event.h"

#define MAX_ORDER 11                 /* orders 0..10 */

enum zone_type { ZONE_DMA, ZONE_NORMAL, ZONE_HIGHMEM, MAX_NR_ZONES };

#define ZONE_DMA_END_PFN    (16u << (20 - PAGE_SHIFT))    /* 16 MiB */
#define ZONE_NORMAL_END_PFN (896u << (20 - PAGE_SHIFT))   /* 896 MiB */

typedef uint32_t gfp_t;              /* Linux 6.1 values */
#define __GFP_DMA      0x01u
#define __GFP_HIGHMEM  0x02u
#define __GFP_MOVABLE  0x08u
#define __GFP_ZERO     0x100u
#define GFP_KERNEL     0xcc0u
#define GFP_USER       0x100cc0u
#define GFP_HIGHUSER   0x100cc2u
#define GFP_HIGHUSER_MOVABLE 0x100ccau
#define GFP_ATOMIC     0xa20u

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

struct free_area {
    uint32_t head;                   /* first free block's pfn, or PFN_NONE */
    uint32_t nr_free;                /* blocks on this list */
};

struct zone {
    const char *name;                /* "DMA", "Normal", "HighMem" */
    uint32_t zone_start_pfn;
    uint32_t spanned_pages;          /* 0: zone absent */
    uint32_t managed_pages;          /* handed to buddy */
    uint32_t free_pages;
    uint32_t watermark[NR_WMARK];
    struct free_area free_area[MAX_ORDER];
};

struct pglist_data {
    struct physmem *pm;
    struct zone node_zones[MAX_NR_ZONES];
    uint32_t reserved_pages;         /* kept by memblock at boot */
    struct event_stream *events;     /* alloc/free/reserve events, or NULL */
    /* Asked before an allocation fails (the page cache's shrinker,
     * filemap.c): frames freed, 0 when nothing could be; NULL: none. */
    struct page_reclaim {
        void *ctx;
        unsigned long (*shrink)(void *ctx, unsigned order);
    } reclaim;
};

/* Boot: set up zones over pm, reserve the boot ranges, free the rest to
 * buddy.  Returns 0 or -1 with a reason in err. */
int page_alloc_init(struct pglist_data *pgdat, struct physmem *pm,
                    struct event_stream *events, char *err, size_t errlen);

/* 2^order contiguous frames; returns the first pfn or PFN_NONE when no zone
 * can satisfy it.  __GFP_ZERO zeroes the frames.  The block's head page gets
 * _refcount 1, mapcount 0, purpose, and PG_head if order > 0. */
uint32_t alloc_pages(struct pglist_data *pgdat, gfp_t gfp, unsigned order,
                     enum page_purpose purpose);
void     free_pages(struct pglist_data *pgdat, uint32_t pfn, unsigned order);

/* Reference counting on order-0 user pages: put_page frees at zero. */
void get_page(struct pglist_data *pgdat, uint32_t pfn);
void put_page(struct pglist_data *pgdat, uint32_t pfn);

uint32_t nr_free_pages(const struct pglist_data *pgdat);
enum zone_type pfn_zone(uint32_t pfn);
const char *zone_name(enum zone_type z);

/* Consistency check for tests and --check: free lists well formed, every
 * block aligned, in one zone, marked PG_buddy with its order, no two free
 * buddies left unmerged, counts match.  Returns 0 or -1 with a reason. */
int buddy_check(const struct pglist_data *pgdat, char *err, size_t errlen);

/* /proc/buddyinfo text ("Node 0, zone   Normal   ...") into buf. */
int buddyinfo_format(const struct pglist_data *pgdat, char *buf, size_t len);

#endif

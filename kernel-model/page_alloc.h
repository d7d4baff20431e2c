/*
 * page_alloc.h — zones and the buddy allocator (Linux mm/page_alloc.c,
 * i386 flavour), and the boot that sets them up (mm_init.c, with the boot
 * allocator of bootmem.h).
 *
 * Zones as on i386: DMA below 16 MiB, Normal below 896 MiB, HighMem above.
 * The boot (free_area_init, then mem_init) reserves the first 1 MiB
 * (firmware) and the kernel image at 1 MiB in bootmem, allocates mem_map
 * (nr_pages * 32 bytes), each zone's pageblock flags and the early page
 * tables from it, then releases every other frame to the buddy allocator in
 * the largest naturally aligned blocks.
 *
 * Buddy: free_area[order].free_list[migratetype] per zone for orders
 * 0..MAX_ORDER-1, doubly linked lists of free block heads (links in struct
 * page, by pfn).  Every pageblock (2^pageblock_order frames) has a migrate
 * type; a freed block goes on the list of its pageblock's type.  An
 * allocation of type gfp_migratetype(gfp) takes the smallest block of order
 * >= n on its own lists, else falls back to another type in 6.1's
 * fallbacks[] order, stealing the whole pageblock when enough of it is free
 * (steal_suitable_fallback); it tries the zones of the zonelist (HighMem ->
 * Normal -> DMA for __GFP_HIGHMEM, Normal -> DMA otherwise, DMA only for
 * __GFP_DMA) against their low watermark, then their min, honouring
 * lowmem_reserve.  Freeing merges with the buddy at pfn ^ (1 << order) while
 * that buddy is a free block of the same order in the same zone.
 *
 * Every frame the model uses comes from here.  Each alloc and free is
 * emitted to the event stream (allocator "buddy" or "bootmem") with the
 * request's GFP flags as Linux's %pGg prints them.
 */
#ifndef MEMSIM_PAGE_ALLOC_H
#define MEMSIM_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-model/page.h"
#include "common/event.h"

struct bootmem_data;

#define MAX_ORDER 11                 /* orders 0..10 */
#define MAX_ORDER_NR_PAGES (1u << (MAX_ORDER - 1))

enum zone_type { ZONE_DMA, ZONE_NORMAL, ZONE_HIGHMEM, MAX_NR_ZONES };

#define ZONE_DMA_END_PFN    (16u << (20 - PAGE_SHIFT))    /* 16 MiB */
#define ZONE_NORMAL_END_PFN (896u << (20 - PAGE_SHIFT))   /* 896 MiB */

/* GFP bits, Linux 6.1's values (include/linux/gfp_types.h without
 * LOCKDEP or KASAN_HW_TAGS, whose bits are then 0). */
typedef uint32_t gfp_t;
#define __GFP_DMA            0x01u
#define __GFP_HIGHMEM        0x02u
#define __GFP_DMA32          0x04u
#define __GFP_MOVABLE        0x08u
#define __GFP_RECLAIMABLE    0x10u
#define __GFP_HIGH           0x20u
#define __GFP_IO             0x40u
#define __GFP_FS             0x80u
#define __GFP_ZERO           0x100u
#define __GFP_ATOMIC         0x200u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_WRITE          0x1000u
#define __GFP_NOWARN         0x2000u
#define __GFP_RETRY_MAYFAIL  0x4000u
#define __GFP_NOFAIL         0x8000u
#define __GFP_NORETRY        0x10000u
#define __GFP_MEMALLOC       0x20000u
#define __GFP_COMP           0x40000u
#define __GFP_NOMEMALLOC     0x80000u
#define __GFP_HARDWALL       0x100000u
#define __GFP_THISNODE       0x200000u
#define __GFP_ACCOUNT        0x400000u
#define __GFP_ZEROTAGS       0x800000u
#define __GFP_RECLAIM        (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC           (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL           (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT   (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT           __GFP_KSWAPD_RECLAIM
#define GFP_NOIO             __GFP_RECLAIM
#define GFP_NOFS             (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER             (GFP_KERNEL | __GFP_HARDWALL)
#define GFP_DMA              __GFP_DMA
#define GFP_DMA32            __GFP_DMA32
#define GFP_HIGHUSER         (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)
#define GFP_TRANSHUGE_LIGHT  ((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | \
                               __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE        (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)

struct vm_event_state;

/* gfp as Linux's show_gfp_flags / %pGg prints it: composite names first
 * ("GFP_KERNEL|__GFP_ZERO", "GFP_HIGHUSER_MOVABLE"), unnamed bits as
 * 0x..., "none" for 0.  Returns the length (it truncates to buflen). */
int gfp_flags_text(gfp_t gfp, char *buf, size_t buflen);

/* Migrate types, 6.1 without CMA, with MEMORY_ISOLATION. */
enum migratetype {
    MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE,
    MIGRATE_PCPTYPES,                /* the types with free lists of their own */
    MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
    MIGRATE_ISOLATE,
    MIGRATE_TYPES
};
extern const char *const migratetype_names[MIGRATE_TYPES];  /* "Unmovable", ... */

/* pageblock_order: 6.1 uses HUGETLB_PAGE_ORDER with hugetlbfs and
 * MAX_ORDER - 1 without; the model has no hugetlbfs, and on 2-level i386
 * both are 10 anyway (4 MiB large pages). */
#define pageblock_order     (MAX_ORDER - 1)
#define pageblock_nr_pages  (1u << pageblock_order)
#define MAX_PAGEBLOCKS      ((64u << (30 - PAGE_SHIFT)) >> pageblock_order)   /* 64 GiB */

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

struct free_area {
    uint32_t free_list[MIGRATE_TYPES];   /* first free block's pfn, or PFN_NONE */
    uint32_t free_tail[MIGRATE_TYPES];   /* last one (list_add_tail), or PFN_NONE */
    uint32_t nr_free;                    /* blocks on all of this order's lists */
};

struct zone {
    const char *name;                /* "DMA", "Normal", "HighMem" */
    uint32_t zone_start_pfn;
    uint32_t spanned_pages;          /* 0: zone absent */
    uint32_t present_pages;          /* the model's RAM has no holes: = spanned */
    uint32_t managed_pages;          /* handed to buddy */
    uint32_t free_pages;
    uint32_t watermark[NR_WMARK];
    uint32_t lowmem_reserve[MAX_NR_ZONES];   /* pages kept from allocations that
                                              * could have used zone z instead */
    struct free_area free_area[MAX_ORDER];
};

/* What the boot printed and measured, for `memsim run --boot-log`. */
struct boot_info {
    uint32_t max_low_pfn;            /* end of low memory (the direct map) */
    uint32_t free_at_mem_init;       /* nr_free_pages() right after mem_init */
    uint32_t vm_total_pages;         /* build_all_zonelists' "Total pages" */
    uint32_t min_free_kbytes;
};

struct pglist_data {
    struct physmem *pm;
    struct zone node_zones[MAX_NR_ZONES];
    uint32_t reserved_pages;         /* kept by bootmem at boot */
    int page_group_by_mobility_disabled;   /* too little RAM to group (6.1) */
    struct boot_info boot;
    struct event_stream *events;     /* alloc/free/reserve events, or NULL */
    uint8_t pageblock_mt[MAX_PAGEBLOCKS];  /* each pageblock's migrate type (Linux
                                            * zone->pageblock_flags, whose modelled
                                            * bytes bootmem allocates per zone) */
    struct { gfp_t gfp; char text[96]; } gfp_names[32];   /* interned %pGg texts */
    struct highmem_hook {            /* __GFP_ZERO of a HighMem frame goes through
                                      * kmap_local (kernel.c: clear_highpage); NULL:
                                      * a plain store (the allocator alone) */
        void *ctx;
        void (*clear)(void *ctx, uint32_t pfn, int dirty);
    } highmem;
    unsigned nr_gfp_names;
    struct vm_event_state *vm_events;/* pgalloc_*, pgfree (vmstat.h), or NULL */
    /* Asked before an allocation fails (the page cache's shrinker,
     * filemap.c): frames freed, 0 when nothing could be; NULL: none. */
    struct page_reclaim {
        void *ctx;
        unsigned long (*shrink)(void *ctx, unsigned order);
    } reclaim;
};

/* Boot, first half (setup_arch's bootmem and free_area_init): zones over
 * pm, bootmem with the firmware, the kernel image and its bitmap reserved,
 * mem_map and every zone's pageblock flags allocated.  The caller may then
 * take its early tables from bd (swapper_pg_dir) until mem_init.  0, or -1
 * with a reason in err. */
int  free_area_init(struct pglist_data *pgdat, struct physmem *pm,
                    struct event_stream *events, struct bootmem_data *bd,
                    char *err, size_t errlen);
/* Boot, second half: free_all_bootmem, then the watermarks from
 * min_free_kbytes and lowmem_reserve; records pgdat->boot. */
void mem_init(struct pglist_data *pgdat, struct bootmem_data *bd);
/* Both halves with nothing between them: for users of the allocator alone
 * (its unit tests). */
int  page_alloc_init(struct pglist_data *pgdat, struct physmem *pm,
                     struct event_stream *events, char *err, size_t errlen);

/* The kernel image the boot reserves at 1 MiB, by section (the split is
 * the model's; it is what the boot log's Memory: line prints). */
#define KERNEL_IMAGE_PHYS    (1u << 20)
#define KERNEL_CODE_KB       1024u
#define KERNEL_RODATA_KB     448u
#define KERNEL_RWDATA_KB     192u
#define KERNEL_INIT_KB       256u
#define KERNEL_BSS_KB        128u
#define KERNEL_IMAGE_PAGES   ((KERNEL_CODE_KB + KERNEL_RODATA_KB + KERNEL_RWDATA_KB + \
                               KERNEL_INIT_KB + KERNEL_BSS_KB) >> (PAGE_SHIFT - 10))

/* The boot memory map as dmesg prints it (without timestamps), from the
 * model's values: BIOS-e820, HIGHMEM/LOWMEM available, Zone ranges,
 * Movable zone start, Early memory node ranges, Built 1 zonelists, Memory:.
 * Returns the length, or -1 when buf is too small. */
int  boot_log_format(const struct pglist_data *pgdat, char *buf, size_t len);

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
/* The migrate type of gfp's allocations (6.1's gfp_migratetype). */
int gfp_migratetype(const struct pglist_data *pgdat, gfp_t gfp);
static inline int get_pageblock_migratetype(const struct pglist_data *pgdat, uint32_t pfn)
{
    return pgdat->pageblock_mt[pfn >> pageblock_order];
}

/* Consistency check for tests and --check: free lists well formed, every
 * block aligned, in one zone, marked PG_buddy with its order, on the list
 * of the migrate type it records, no two free buddies left unmerged, counts
 * match.  Returns 0 or -1 with a reason. */
int buddy_check(const struct pglist_data *pgdat, char *err, size_t errlen);

/* /proc/buddyinfo text ("Node 0, zone   Normal   ...") into buf. */
int buddyinfo_format(const struct pglist_data *pgdat, char *buf, size_t len);

#endif

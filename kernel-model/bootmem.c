/*
 * bootmem.c — the boot-time allocator (see bootmem.h), after Linux 2.6.30's
 * mm/bootmem.c: alloc_bootmem_core's first fit with last_end_off and
 * hint_idx, __reserve, free_all_bootmem_core.
 *
 * The bitmap is real: its words are the bytes of its frames in modelled
 * RAM (bit n of the little-endian 64-bit word n / 64 is bit n % 32 of
 * Linux's 32-bit word n / 32: the same bytes), so the frames the trace
 * shows reserved for it hold it.
 */
#include "common/errmsg.h"
#include "kernel-model/bootmem.h"
#include "kernel-model/buddy.h"
#include "kernel-model/mm.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PFN_UP(x)   ((uint32_t)(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define PFN_DOWN(x) ((uint32_t)((x) >> PAGE_SHIFT))
#define PFN_PHYS(x) ((uint64_t)(x) << PAGE_SHIFT)
#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))

uint32_t bootmem_bootmap_bytes(uint32_t low_pfn)
{
    uint32_t bytes = (low_pfn + 7) / 8;
    return ALIGN_UP(bytes, 4u);                  /* sizeof(long) on i386 */
}

int init_bootmem(struct bootmem_data *bd, struct pglist_data *pgdat, uint32_t map_pfn,
                 uint32_t low_pfn, char *err, size_t errlen)
{
    uint32_t bytes = bootmem_bootmap_bytes(low_pfn);

    memset(bd, 0, sizeof *bd);
    bd->map_pages = PFN_UP(bytes);
    if (low_pfn > pgdat->pm->nr_pages || (uint64_t)map_pfn + bd->map_pages > low_pfn) {
        set_err(err, errlen, "init_bootmem: the bitmap at pfn %#x does not fit below "
                "pfn %#x", map_pfn, low_pfn);
        return -1;
    }
    bd->pgdat = pgdat;
    bd->node_min_pfn = 0;
    bd->node_low_pfn = low_pfn;
    bd->map_pfn = map_pfn;
    bd->node_bootmem_map = pfn_to_host(pgdat->pm, map_pfn);
    memset(bd->node_bootmem_map, 0, (size_t)bd->map_pages << PAGE_SHIFT);
    for (uint32_t i = 0; i < bd->map_pages; i++)          /* written: not zeros */
        pgdat->pm->used[(map_pfn + i) / 64] |= 1ull << ((map_pfn + i) % 64);
    return 0;
}

/* ---- the bitmap --------------------------------------------------------- */

static int test_bit(const struct bootmem_data *bd, uint32_t idx)
{
    return (int)(bd->node_bootmem_map[idx / 64] >> (idx % 64) & 1);
}

static uint32_t find_next_zero_bit(const struct bootmem_data *bd, uint32_t size, uint32_t idx)
{
    while (idx < size) {
        uint64_t w = ~bd->node_bootmem_map[idx / 64] >> (idx % 64);
        if (w)
            return idx + (uint32_t)__builtin_ctzll(w) < size
                   ? idx + (uint32_t)__builtin_ctzll(w) : size;
        idx = (idx / 64 + 1) * 64;
    }
    return size;
}

/* Frame indexes and byte offsets are relative to node_min_pfn, alignment
 * is of the physical address (align_idx / align_off). */
static uint32_t align_idx(const struct bootmem_data *bd, uint32_t idx, uint32_t step)
{
    uint32_t base = bd->node_min_pfn;
    return (uint32_t)ALIGN_UP((uint64_t)base + idx, step) - base;
}

static uint64_t align_off(const struct bootmem_data *bd, uint64_t off, uint64_t align)
{
    uint64_t base = PFN_PHYS(bd->node_min_pfn);
    return ALIGN_UP(base + off, align) - base;
}

/* ---- reserving ------------------------------------------------------------ */

static void report_range(const struct bootmem_data *bd, enum event_type type, enum alloc_op op,
                         uint64_t phys, uint64_t size, enum page_purpose purpose)
{
    unsigned order = 0;
    while ((PFN_PHYS(1) << order) < size)
        order++;                                  /* get_order(size) */
    alloc_report(bd->pgdat, type, ALLOCATOR_BOOTMEM, op, order, PFN_DOWN(phys), purpose,
                 PAGE_OFFSET + (uint32_t)phys, NULL);
}

/* Frames [sidx, eidx) (indexes) taken: bits set, struct pages reserved. */
static void take_frames(struct bootmem_data *bd, uint32_t sidx, uint32_t eidx,
                        enum page_purpose purpose)
{
    struct physmem *pm = bd->pgdat->pm;

    for (uint32_t i = sidx; i < eidx; i++) {
        uint32_t pfn = bd->node_min_pfn + i;
        struct page *page = pfn_to_page(pm, pfn);

        bd->node_bootmem_map[i / 64] |= 1ull << (i % 64);
        page->flags = PG_reserved;
        page->_refcount = 1;
        page->purpose = (uint16_t)purpose;
        pm->used[pfn / 64] |= 1ull << (pfn % 64);
    }
    bd->pgdat->reserved_pages += eidx - sidx;
}

int reserve_bootmem(struct bootmem_data *bd, uint64_t phys, uint64_t size,
                    enum page_purpose purpose)
{
    if (!bd->node_bootmem_map || size == 0)
        return -1;
    uint64_t start = PFN_DOWN(phys), end = PFN_UP(phys + size);
    if (start < bd->node_min_pfn || end > bd->node_low_pfn)
        return -1;
    uint32_t sidx = (uint32_t)start - bd->node_min_pfn, eidx = (uint32_t)end - bd->node_min_pfn;
    for (uint32_t i = sidx; i < eidx; i++)
        if (test_bit(bd, i))
            return -1;                            /* BOOTMEM_EXCLUSIVE */
    take_frames(bd, sidx, eidx, purpose);
    report_range(bd, EV_ALLOC, ALLOC_OP_RESERVE, phys, size, purpose);
    return 0;
}

/* ---- allocating ----------------------------------------------------------- */

/* The first index >= sidx (aligned to step) with eidx - sidx clear frames
 * for size bytes below midx, or midx when there is none. */
static uint32_t find_block(const struct bootmem_data *bd, uint32_t sidx, uint32_t midx,
                           uint32_t step, uint64_t size)
{
    for (;;) {
        sidx = align_idx(bd, find_next_zero_bit(bd, midx, sidx), step);
        uint64_t eidx = (uint64_t)sidx + PFN_UP(size);
        if (sidx >= midx || eidx > midx)
            return midx;
        uint32_t i;
        for (i = sidx; i < eidx && !test_bit(bd, i); i++)
            ;
        if (i == eidx)
            return sidx;
        sidx = align_idx(bd, i, step);           /* a taken frame: past it */
        if (sidx == i)
            sidx += step;
    }
}

uint64_t alloc_bootmem(struct bootmem_data *bd, uint64_t size, uint64_t align,
                       uint64_t goal, enum page_purpose purpose)
{
    if (!bd->node_bootmem_map || size == 0 || (align & (align - 1)))
        return BOOTMEM_FAIL;
    if (align == 0)
        align = 1;
    uint32_t min = bd->node_min_pfn, max = bd->node_low_pfn;
    uint32_t step = align >> PAGE_SHIFT ? (uint32_t)(align >> PAGE_SHIFT) : 1;
    uint64_t goal_pfn = goal >> PAGE_SHIFT;
    uint32_t start = goal && min < goal_pfn && goal_pfn < max
                     ? (uint32_t)ALIGN_UP(goal_pfn, step) : (uint32_t)ALIGN_UP((uint64_t)min, step);
    uint32_t sidx = start - min, midx = max - min, fallback = 0;

    /* Start where the last allocation ended; once that fails, retry from
     * the goal (the fallback) before giving up. */
    if (bd->hint_idx > sidx) {
        fallback = sidx + 1;
        sidx = align_idx(bd, bd->hint_idx, step);
    }
    sidx = find_block(bd, sidx, midx, step, size);
    if (sidx == midx && fallback)
        sidx = find_block(bd, align_idx(bd, fallback - 1, step), midx, step, size);
    if (sidx == midx)
        return BOOTMEM_FAIL;

    /* Continue in the last allocation's partly used frame when this block
     * begins right after it and the alignment leaves room there. */
    uint64_t start_off;
    if ((bd->last_end_off & (PAGE_SIZE - 1)) && PFN_DOWN(bd->last_end_off) + 1 == sidx)
        start_off = align_off(bd, bd->last_end_off, align);
    else
        start_off = PFN_PHYS(sidx);
    uint32_t merge = PFN_DOWN(start_off) < sidx;
    uint64_t end_off = start_off + size;

    bd->last_end_off = end_off;
    bd->hint_idx = PFN_UP(end_off);
    take_frames(bd, PFN_DOWN(start_off) + merge, PFN_UP(end_off), purpose);
    uint64_t phys = PFN_PHYS(min) + start_off;
    report_range(bd, EV_ALLOC, ALLOC_OP_ALLOC, phys, size, purpose);
    return phys;
}

/* ---- handing over ----------------------------------------------------------- */

uint32_t free_all_bootmem(struct bootmem_data *bd)
{
    struct pglist_data *pgdat = bd->pgdat;
    uint32_t midx = bd->node_low_pfn - bd->node_min_pfn, freed = 0;

    if (!bd->node_bootmem_map)
        return 0;
    for (uint32_t i = find_next_zero_bit(bd, midx, 0); i < midx;) {
        uint32_t end = i;
        while (end < midx && !test_bit(bd, end))
            end++;
        free_boot_range(pgdat, bd->node_min_pfn + i, bd->node_min_pfn + end);
        freed += end - i;
        i = find_next_zero_bit(bd, midx, end);
    }
    free_boot_range(pgdat, bd->node_low_pfn, pgdat->pm->nr_pages);    /* HighMem */
    freed += pgdat->pm->nr_pages - bd->node_low_pfn;

    /* Last, the bitmap itself (when the caller reserved it, as it must):
     * from here on it is ordinary free memory. */
    int map_reserved = test_bit(bd, bd->map_pfn - bd->node_min_pfn);
    bd->node_bootmem_map = NULL;
    if (!map_reserved)
        return freed;
    report_range(bd, EV_FREE, ALLOC_OP_FREE, PFN_PHYS(bd->map_pfn),
                 (uint64_t)bootmem_bootmap_bytes(bd->node_low_pfn), PURPOSE_BOOTMEM_MAP);
    for (uint32_t i = 0; i < bd->map_pages; i++)
        memset(pfn_to_page(pgdat->pm, bd->map_pfn + i), 0, sizeof(struct page));
    pgdat->reserved_pages -= bd->map_pages;
    free_boot_range(pgdat, bd->map_pfn, bd->map_pfn + bd->map_pages);
    return freed + bd->map_pages;
}

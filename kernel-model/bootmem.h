/*
 * bootmem.h — the boot-time allocator (Linux 2.6's mm/bootmem.c), which
 * owns low memory from the first reservation until mem_init() hands every
 * frame it did not give out to the buddy allocator.
 *
 * A bitmap with one bit per low-memory frame (set: reserved or allocated)
 * lives in modelled RAM right after the kernel image, as init_bootmem_node()
 * puts it: its bits are the bytes of those frames.  Allocation is first fit from the bottom, with
 * 2.6.30's memory of the last allocation: last_end_off is the byte offset
 * where the previous allocation ended and hint_idx the frame after it, so
 * the next search starts there (falling back to the start of the node
 * once), and a request that may start in the previous allocation's partly
 * used last frame (its alignment allows it and it begins right there)
 * continues in that frame instead of taking a fresh one.  Reservations do
 * not move the hint.
 *
 * Each reserve, alloc and the bitmap's own free at the end is an
 * `allocations` row with allocator "bootmem": ord is get_order(size) (the
 * block the size rounds up to), pfn the first frame, addr the kernel
 * virtual address of the first byte (PAGE_OFFSET + phys, so sub-page
 * neighbours are told apart), no GFP.  Frames given out stay PG_reserved
 * with _refcount 1 for the life of the machine, as memblock's do in Linux.
 *
 * Usage (page_alloc.c's boot): init_bootmem, reserve_bootmem for firmware
 * and the image, alloc_bootmem for mem_map, the zones' tables and the early
 * page tables, then free_all_bootmem.  Only that one boot uses it.
 */
#ifndef MEMSIM_BOOTMEM_H
#define MEMSIM_BOOTMEM_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-model/page.h"

struct pglist_data;

#define BOOTMEM_FAIL  UINT64_MAX          /* alloc_bootmem found no room */

struct bootmem_data {
    struct pglist_data *pgdat;
    uint32_t node_min_pfn, node_low_pfn;  /* the frames the bitmap covers */
    uint64_t *node_bootmem_map;           /* the bitmap, in modelled RAM */
    uint32_t map_pfn, map_pages;          /* where the modelled bitmap lies */
    uint64_t last_end_off;                /* end of the last allocation, bytes
                                           * from node_min_pfn's first byte */
    uint32_t hint_idx;                    /* frame index after it */
};

/* The bitmap for frames [0, low_pfn), all clear, placed at map_pfn.  The
 * caller reserves its frames (reserve_bootmem, purpose bootmem-map) with
 * the other early reservations, before any alloc_bootmem.  0, or -1 with
 * a reason in err. */
int  init_bootmem(struct bootmem_data *bd, struct pglist_data *pgdat, uint32_t map_pfn,
                  uint32_t low_pfn, char *err, size_t errlen);
/* Bytes of the bitmap for low_pfn frames (Linux's bootmap_bytes). */
uint32_t bootmem_bootmap_bytes(uint32_t low_pfn);
/* Mark [phys, phys + size) reserved for purpose; -1 when it leaves the
 * node or overlaps a frame already taken (Linux BUGs; the model refuses). */
int  reserve_bootmem(struct bootmem_data *bd, uint64_t phys, uint64_t size,
                     enum page_purpose purpose);
/* size bytes aligned to align (a power of two, or 0 for none) at or above
 * goal when goal lies in the node; the physical address, or BOOTMEM_FAIL. */
uint64_t alloc_bootmem(struct bootmem_data *bd, uint64_t size, uint64_t align,
                       uint64_t goal, enum page_purpose purpose);
/* mem_init's step: every frame of the node that is still clear, and every
 * frame above it (HighMem), to buddy in the largest aligned blocks, then
 * the bitmap's own frames (a `free` row); bd cannot be used again.
 * Returns the frames handed over. */
uint32_t free_all_bootmem(struct bootmem_data *bd);

#endif

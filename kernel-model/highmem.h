/*
 * highmem.h — how the kernel model touches a HighMem frame (Linux 6.1
 * mm/highmem.c, i386): HighMem has no direct mapping, so the kernel maps a
 * frame for the time it needs it.
 *
 *   kmap / kunmap: the permanent kmap area, LAST_PKMAP slots of one page
 *       table at PKMAP_BASE (1024 at 0xff400000; PAE 512 at 0xff600000: vmalloc.h),
 *       pkmap_count per slot (0 free, 1 free but maybe still in a TLB, n+1
 *       n users), a cursor that wraps and then clears every unused slot
 *       and flushes the TLB (flush_all_zero_pkmaps).
 *   kmap_local_pfn / kunmap_local: a stack of KM_MAX_IDX (16) fixmap slots
 *       of the one CPU, from FIX_KMAP_BEGIN; unmapping clears the PTE and
 *       flushes that address (flush_tlb_one_kernel): an EV_TLB_FLUSH
 *       invlpg row in the trace, the only thing tracing costs.
 *   clear_highpage / copy_user_highpage: what the allocator's __GFP_ZERO
 *       and a COW copy do through kmap_local when a frame is HighMem.
 * A lowmem frame needs none of this: its address is PAGE_OFFSET + phys.
 * The pkmap and fixmap page tables are boot-time tables (kmap_init, from
 * bootmem, PDEs in swapper_pg_dir, so every mm shares them); the model's
 * own accesses still go through its host mapping of RAM, so the virtual
 * address kmap returns is the address a kernel would use, for the trace
 * and the page tables, not a pointer.
 */
#ifndef MEMSIM_HIGHMEM_H
#define MEMSIM_HIGHMEM_H

#include <stdint.h>

struct kernel;
struct bootmem_data;

#define LAST_PKMAP_MAX 1024u
#define KM_MAX_IDX     16u
#define FIXADDR_TOP    0xfffff000u
/* Fixmap slots below FIX_KMAP_BEGIN on a 6.1 i386 SMP kernel: FIX_HOLE,
 * FIX_DBGP_BASE, FIX_EARLYCON_MEM_BASE, FIX_APIC_BASE and 64 IO-APICs. */
#define FIX_KMAP_BEGIN 68u

struct kmap_state {
    uint32_t pkmap_pt, fixmap_pt;        /* page-table frames, PFN_NONE before boot */
    uint32_t pkmap_base, last_pkmap;
    uint32_t last_pkmap_nr;              /* the slot search's cursor */
    uint16_t pkmap_count[LAST_PKMAP_MAX];
    uint32_t pkmap_pfn[LAST_PKMAP_MAX];  /* what each slot maps */
    uint32_t local_idx;                  /* kmap_local slots in use */
};

/* The pkmap and fixmap page tables from bootmem, hooked into swapper's
 * kernel PDEs (permanent_kmaps_init, page_table_range_init); 0 or -1. */
int  kmap_init(struct kernel *k, struct bootmem_data *bd);
/* The kernel virtual address of pfn, mapped as long as kunmap is not
 * called; 0 when every pkmap slot is in use (Linux would sleep). */
uint32_t kmap(struct kernel *k, uint32_t pfn);
void kunmap(struct kernel *k, uint32_t pfn);
/* A short-lived mapping, unmapped in reverse order; 0 when the 16 slots
 * are taken (Linux BUGs). */
uint32_t kmap_local_pfn(struct kernel *k, uint32_t pfn);
void kunmap_local(struct kernel *k, uint32_t vaddr);
/* Zero a frame (dirty: it may hold bytes; otherwise the mapping is made
 * and the store is skipped, the bytes being zeros already). */
void clear_highpage(struct kernel *k, uint32_t pfn, int dirty);
void copy_user_highpage(struct kernel *k, uint32_t to, uint32_t from);

#endif

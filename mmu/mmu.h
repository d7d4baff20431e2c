/*
 * mmu.h — the memory-management unit model: control registers, TLBs and the
 * page walker over page tables that live in modelled physical memory.
 *
 * mmu_translate() is the hot path, called for every instruction fetch and
 * data access: an L1 TLB hit whose cached rights allow the access returns
 * the physical address; otherwise the unified STLB is tried (its latency is
 * charged), then the page tables are walked (mmu_walk): the PDE cache may
 * spare the directory read, every entry read goes through the data caches
 * (charged), A and D bits are set, both TLB levels are filled, or a #PF
 * error code is reported.  The MMU never resolves faults: the caller hands
 * them to the kernel model and retries.  Every walk is emitted to the
 * event stream (m->events, EV_WALK).  Cycles are charged to *clock (when set).
 *
 * The paging mode follows CR4.PAE: 2-level (32-bit) paging or PAE paging
 * (mmu_set_paging).  In PAE mode the four PDPTEs are loaded into the MMU's
 * PDPTE registers when CR3 is written, as the CPU does (SDM §4.4.1): a walk
 * does not read them from memory, and software that changes a PDPTE must
 * write CR3 again.  EFER.NXE makes the XD bit (63) of PAE entries forbid
 * instruction fetches.
 */
#ifndef MEMSIM_MMU_H
#define MEMSIM_MMU_H

#include <stdint.h>
#include "mmu/paging.h"
#include "mmu/tlb.h"
#include "mmu/mmu_events.h"
#include "mmu/cache.h"
#include "mmu/cpu_config.h"

struct mmu_stats {
    uint64_t walks;
    uint64_t walk_faults;
    uint64_t walk_reads;     /* paging-structure entries read */
    uint64_t walk_cycles;    /* cycles spent reading them through the caches */
    uint64_t stlb_cycles;    /* cycles charged for STLB hits */
    uint64_t bad_frames;     /* walks ended by an entry or frame outside RAM */
};

/*
 * Not a hardware bit (bits 31:16 of the #PF error code are reserved): the
 * walk met a paging-structure entry, or ended at a frame, outside modelled
 * RAM.  Set together with X86_PF_PROT and X86_PF_RSVD.  Real RAM has no
 * hole a PTE could name; in the model it means its own tables are corrupt
 * (a model bug, or a guest that wrote its page tables): the kernel model
 * treats it as Linux's pgtable_bad.  No translation past RAM is ever
 * returned, so m->phys + pa is always inside the RAM mapping.
 */
#define MMU_PF_BADFRAME (1u << 31)

struct mmu {
    uint8_t *phys;           /* host view of modelled RAM */
    uint64_t phys_size;
    uint32_t cr0, cr3, cr4;
    uint32_t efer;           /* X86_EFER_NXE */
    uint64_t pdpte[PAE_PTRS_PER_PDPT]; /* PAE: PDPTE registers, loaded at CR3 write */
    uint32_t pid;            /* reported in walk events */
    struct tlb itlb, dtlb;   /* L1 */
    struct tlb stlb;         /* unified second level (may be absent) */
    struct tlb pdec;         /* paging-structure cache of PDEs (may be absent) */
    uint32_t stlb_latency;
    struct mem_hierarchy mem;
    uint64_t *clock;         /* the machine's cycle counter, or NULL */
    struct mmu_stats stats;
    struct event_stream *events;   /* walks and TLB flushes go here, or NULL */
};

/* A bare MMU: 64-entry 4-way DTLB, 32-entry 4-way ITLB, no STLB, no PDE
 * cache, no caches (walks cost nothing).  mmu_configure() makes it a CPU. */
int  mmu_init(struct mmu *m, uint8_t *phys, uint64_t phys_size);
/* Rebuild TLBs and caches from cfg (flushes everything).  0 or -1 + reason. */
int  mmu_configure(struct mmu *m, const struct cpu_config *cfg, char *err, size_t errlen);
void mmu_destroy(struct mmu *m);

/* The paging mode is CR4.PAE's. */
static inline enum paging_mode mmu_paging(const struct mmu *m)
{
    return (m->cr4 & X86_CR4_PAE) ? PAGING_PAE : PAGING_2LEVEL;
}

/* Set CR4.PAE (and with it the paging mode) and EFER.NXE; flushes every
 * TLB level including global entries, and reloads the PDPTEs in PAE mode. */
void mmu_set_paging(struct mmu *m, enum paging_mode mode, int nxe);
/* Load CR3 (a process switch): flushes non-global TLB entries; in PAE mode
 * also loads the four PDPTEs from the 32-byte aligned PDPT (entries outside
 * RAM load as 0, not present). */
void mmu_write_cr3(struct mmu *m, uint32_t cr3);
void mmu_invlpg(struct mmu *m, uint32_t va);
void mmu_flush_tlb(struct mmu *m);

/*
 * Walk the page tables for va.  On success returns 0, stores the physical
 * address and fills the TLB; on a fault returns -1 and stores the #PF error
 * code in *error_code.
 */
int mmu_walk(struct mmu *m, uint32_t va, enum mmu_access acc, int user,
             uint64_t *pa, uint32_t *error_code);

/* May an access with these rights go through this entry without a walk?
 * (A fetch through an XD entry must walk, and fault.) */
static inline int tlb_entry_permits(uint32_t flags, enum mmu_access acc,
                                    int user, uint32_t cr0)
{
    if (user && !(flags & TLB_USER))
        return 0;
    if (acc == MMU_FETCH && (flags & TLB_NX))
        return 0;
    if (acc == MMU_WRITE) {
        if (!(flags & TLB_DIRTY))
            return 0;            /* must walk to set D (or to fault) */
        if (!(flags & TLB_WRITE) && (user || (cr0 & X86_CR0_WP)))
            return 0;
    }
    return 1;
}

/* L1 missed: try the STLB, then walk.  Same contract as mmu_translate. */
int mmu_translate_slow(struct mmu *m, uint32_t va, enum mmu_access acc, int user,
                       uint64_t *pa, uint32_t *error_code);

static inline int mmu_translate(struct mmu *m, uint32_t va, enum mmu_access acc,
                                int user, uint64_t *pa, uint32_t *error_code)
{
    struct tlb *t = acc == MMU_FETCH ? &m->itlb : &m->dtlb;
    struct tlb_entry *e = tlb_lookup(t, va >> 12);

    if (e && tlb_entry_permits(e->flags, acc, user, m->cr0)) {
        *pa = ((uint64_t)e->pfn << 12) | (va & 0xfffu);
        return 0;
    }
    return mmu_translate_slow(m, va, acc, user, pa, error_code);
}

#endif

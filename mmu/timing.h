/*
 * timing.h — the timing model: what an instruction, a fetch, a data access,
 * a page fault and a system call cost, and the counters they advance.  One
 * place, used by the CPU (emu/cpu.c, through Unicorn's hooks) and by the
 * replay's simulation of a recorded access stream (replay/sim.c, no
 * Unicorn), so both charge exactly the same.
 *
 * Costs come from the CPU config (mmu/cpu_config.h): insn_cost[class] per
 * instruction; a fetch of a new line pays the L1I latency above an L1I hit
 * (a hit is hidden by the pipeline); a data access pays the latency of the
 * level that hit (mmu/cache.c); a TLB miss pays the STLB and the walk
 * (mmu.c, counted in mmu.stats); a fault page_fault_cost plus the zeroing
 * or copying of its page; a system call syscall_cost.
 *
 * The hot path (timing_fetch, timing_data) is inline: an L1 TLB hit costs
 * one lookup; anything else goes to the caller's slow path, which for a
 * miss calls timing_translate_slow with its own way of resolving a fault
 * (emu: the kernel model's do_page_fault; the replay: the recorded fault).
 */
#ifndef MEMSIM_TIMING_H
#define MEMSIM_TIMING_H

#include <stdint.h>
#include "common/event.h"
#include "mmu/mmu.h"

/* The hot path is inlined into its callers whatever the compiler's
 * heuristics say: an out-of-line fetch costs the CPU's code hook ~7%. */
#define TIMING_HOT static inline __attribute__((always_inline))

struct timing {
    struct mmu *mmu;                /* the TLBs, caches and walker charged */
    const struct cpu_config *cpu;   /* the costs */
    /* what the hot path reads of them, copied by timing_init (one load
     * each, as when they were the machine's own fields) */
    uint32_t insn_cost[NR_INSN_CLASSES];
    uint32_t l1i_latency;
    uint8_t l1i_shift, l1d_shift;
    uint64_t icount, cycles;
    uint64_t fault_cycles, syscall_cycles;
    uint64_t nr_faults, nr_syscalls;
    uint32_t fetch_line;            /* the L1I line last fetched (UINT32_MAX: none) */
};

/* mmu configured with cpu (mmu_configure) first: its line sizes are read.
 * cpu may be NULL (a replay without simulation: nothing is charged). */
void timing_init(struct timing *t, struct mmu *mmu, const struct cpu_config *cpu);

/* The slow path of a translation the L1 TLB could not satisfy: 0 with the
 * physical address, or -1 (the access does not happen: the guest died). */
typedef int (*timing_slow_fn)(void *ctx, uint32_t va, enum mmu_access acc, uint64_t *pa);

/* Resolve the fault a walk reported (error code ec): 0 resolved (retry),
 * -1 not (the guest died). */
typedef int (*timing_fault_fn)(void *ctx, uint32_t va, uint32_t ec, enum mmu_access acc);

/* The L1 TLB alone (its lookup counted): 0 with *pa, or -1 when it cannot
 * translate (a miss, or an entry without the right). */
TIMING_HOT int timing_l1_tlb(struct timing *t, uint32_t va, enum mmu_access acc, uint64_t *pa)
{
    struct mmu *u = t->mmu;
    struct tlb_entry *e = tlb_lookup(acc == MMU_FETCH ? &u->itlb : &u->dtlb, va >> 12);
    if (!e || !tlb_entry_permits(e->flags, acc, 1, u->cr0))
        return -1;
    *pa = ((uint64_t)e->pfn << 12) | (va & 0xfffu);
    return 0;
}

TIMING_HOT int timing_translate(struct timing *t, uint32_t va, enum mmu_access acc,
                                   uint64_t *pa, timing_slow_fn slow, void *ctx)
{
    return timing_l1_tlb(t, va, acc, pa) == 0 ? 0 : slow(ctx, va, acc, pa);
}

/*
 * The front end fetches line by line: a new line costs an ITLB lookup and
 * an L1I access, whose latency stalls only when it misses.  Instructions
 * within the line just fetched cost nothing more, which is exact for the
 * L1I: nothing else touches it.
 */
TIMING_HOT void timing_fetch(struct timing *t, uint32_t va, timing_slow_fn slow, void *ctx)
{
    uint32_t line = va >> t->l1i_shift;
    uint64_t pa;
    if (line == t->fetch_line)
        return;
    if (timing_translate(t, va, MMU_FETCH, &pa, slow, ctx))
        return;
    uint32_t lat = mem_access(&t->mmu->mem, pa, MEM_IFETCH);
    t->cycles += lat > t->l1i_latency ? lat - t->l1i_latency : 0;
    t->fetch_line = line;
}

/* Does [va, va + size) end in another L1I line than it starts? */
TIMING_HOT int timing_fetch_splits(const struct timing *t, uint32_t va, uint32_t size)
{
    return ((va + size - 1) ^ va) >> t->l1i_shift;
}

TIMING_HOT int timing_data_splits(const struct timing *t, uint32_t va, uint32_t size)
{
    return ((va + size - 1) ^ va) >> t->l1d_shift;
}

/* An instruction of class cls executes. */
TIMING_HOT void timing_insn(struct timing *t, unsigned cls)
{
    t->cycles += t->insn_cost[cls];
}

/*
 * A data access in two halves, for a caller that keeps the rare one out of
 * line (so that its common path saves no registers).  The first half is
 * the L1 TLB and the L1 cache: TIMING_HIT when both hit (charged: done);
 * TIMING_TLB_MISS when the L1 TLB cannot translate (its lookup counted;
 * finish with timing_data_translate); TIMING_L1_MISS with the line's
 * place for mem_access_missed in *miss (finish with timing_data_miss).
 */
enum timing_half { TIMING_HIT, TIMING_TLB_MISS, TIMING_L1_MISS };

struct timing_l1_miss {
    uint64_t pa;
    size_t set;
    uint32_t key;
};

TIMING_HOT enum timing_half timing_data_l1(struct timing *t, uint32_t va, enum mmu_access acc,
                                           struct timing_l1_miss *miss)
{
    if (timing_l1_tlb(t, va, acc, &miss->pa))
        return TIMING_TLB_MISS;
    struct cache *l1 = &t->mmu->mem.l1d;
    if (mem_l1_lookup(l1, miss->pa, acc == MMU_WRITE, &miss->set, &miss->key)) {
        t->cycles += l1->cfg.latency;
        return TIMING_HIT;
    }
    return TIMING_L1_MISS;
}

/* The second half after TIMING_TLB_MISS: the slow path, then the caches. */
TIMING_HOT void timing_data_translate(struct timing *t, uint32_t va, enum mmu_access acc,
                                      timing_slow_fn slow, void *ctx)
{
    uint64_t pa;
    if (slow(ctx, va, acc, &pa) == 0)
        t->cycles += mem_access(&t->mmu->mem, pa, acc == MMU_WRITE ? MEM_WRITE : MEM_READ);
}

/* The second half after TIMING_L1_MISS: the levels below the L1D. */
TIMING_HOT void timing_data_miss(struct timing *t, const struct timing_l1_miss *miss,
                                 enum mmu_access acc)
{
    struct mem_hierarchy *h = &t->mmu->mem;
    t->cycles += mem_access_missed(h, &h->l1d, miss->pa, miss->set, miss->key, acc == MMU_WRITE);
}

/* A data access: translate, then pay the latency of the level that hit. */
TIMING_HOT void timing_data(struct timing *t, uint32_t va, enum mmu_access acc,
                               timing_slow_fn slow, void *ctx)
{
    struct timing_l1_miss miss;
    switch (timing_data_l1(t, va, acc, &miss)) {
    case TIMING_HIT:
        break;
    case TIMING_TLB_MISS:
        timing_data_translate(t, va, acc, slow, ctx);
        break;
    case TIMING_L1_MISS:
        timing_data_miss(t, &miss, acc);
        break;
    }
}

/* The L1 TLB missed (or was not asked): the STLB, the walk, and up to three
 * faults resolved by fault() with a retry from the L1 TLB after each, as
 * the CPU re-executes the access.  0 with *pa; -1 the guest died (fault()
 * said so); -2 the fault did not resolve after three tries. */
int timing_translate_slow(struct timing *t, uint32_t va, enum mmu_access acc, int user,
                          uint64_t *pa, timing_fault_fn fault, void *ctx);

/* The kernel's cost of a fault (kernel.timing: ctx is the struct timing):
 * entry and exit, plus zeroing or copying the page it brought in (reading
 * a file page is charged as a copy). */
void timing_charge_fault(void *ctx, enum fault_resolution r);
/* The cost of entering and leaving the kernel for one system call. */
void timing_charge_syscall(struct timing *t);
/* An event-stream sink counting faults and system calls (ctx: timing). */
void timing_count_event(void *ctx, const struct event *ev);

/* The counters of a run, in `--stats` order (the `stats` table). */
struct timing_stat {
    char name[32];              /* e.g. "l1d.misses", "walk_cycles" */
    double value;
    int ratio;                  /* derived from other counters (cpi): printed, not in the trace */
};
#define TIMING_MAX_STATS 96
/* Fill out[] (at most max): every counter of t and its MMU, then
 * decode_misses (the CPU's decode cache: not the timing model's, given).
 * Returns how many. */
unsigned timing_collect_stats(const struct timing *t, uint64_t decode_misses,
                              struct timing_stat *out, unsigned max);

#endif

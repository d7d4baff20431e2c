/*
 * tlb.h — a set-associative translation lookaside buffer, used for every
 * level: L1 ITLB and DTLB, the unified STLB, and the paging-structure
 * (PDE) cache, which caches page-directory entries by va >> 22 (2-level)
 * or va >> 21 (PAE).
 *
 * Entries cache one 4 KiB translation with the access rights combined over
 * every level of the walk (U/S and R/W are ANDed, as the SDM §4.10.2.2
 * describes), whether any level forbids instruction fetches (XD), and
 * whether the PTE's dirty flag was set, so a write through a clean entry
 * goes back to the page tables to set D.  Replacement is LRU,
 * FIFO or random (deterministic) within a set.  Lookup is inline: it is on
 * the path of every access, and it tries the entry of the set that last
 * hit or was filled before it scans the set: consecutive fetches stay in
 * one page, and a program's few hot data pages mostly fall in different
 * sets.  A vpn is valid in at most one way of its set (tlb_insert reuses
 * its way), so that entry is the one the scan would find.
 */
#ifndef MEMSIM_TLB_H
#define MEMSIM_TLB_H

#include <stdint.h>
#include "mmu/cache.h"

#define TLB_VALID  0x1u
#define TLB_USER   0x2u    /* user may access */
#define TLB_WRITE  0x4u    /* writable at every level */
#define TLB_DIRTY  0x8u    /* D already set in the mapping entry */
#define TLB_GLOBAL 0x10u
#define TLB_NX     0x20u   /* XD at some level (PAE with EFER.NXE): no fetch */

struct tlb_entry {
    uint32_t vpn;          /* linear page number (PDE cache: va >> 22 or >> 21) */
    uint32_t pfn;          /* physical frame number (PDE cache: the page table's) */
    uint32_t flags;        /* TLB_* */
    uint64_t lru;          /* LRU: last use; FIFO: fill (64-bit: 32 wraps in minutes) */
};

struct tlb_stats {
    uint64_t hits, misses, evictions, flushes;
};

struct tlb {
    const char *name;
    unsigned nr_entries, sets, ways; /* sets is a power of two; nr_entries 0: absent */
    enum cache_repl repl;
    uint64_t stamp, rng;
    struct tlb_entry *entries;    /* sets * ways */
    struct tlb_entry **recent;    /* per set: its entry that last hit or was filled */
    struct tlb_stats stats;
};

/* entries 0 makes an absent level (lookups miss without counting). */
int  tlb_init(struct tlb *t, const char *name, unsigned entries, unsigned ways,
              enum cache_repl repl);
void tlb_destroy(struct tlb *t);
void tlb_insert(struct tlb *t, uint32_t vpn, uint32_t pfn, uint32_t flags);
void tlb_flush_page(struct tlb *t, uint32_t vpn);
void tlb_flush_all(struct tlb *t, int keep_global);

/* A hit on e in set s: its LRU stamp, the count, the set's entry tried
 * first next time. */
static inline struct tlb_entry *tlb_hit(struct tlb *t, size_t s, struct tlb_entry *e)
{
    if (t->repl == REPL_LRU)
        e->lru = ++t->stamp;
    t->stats.hits++;
    t->recent[s] = e;
    return e;
}

/* The entry for vpn, or NULL (counts a hit or a miss). */
static inline struct tlb_entry *tlb_lookup(struct tlb *t, uint32_t vpn)
{
    if (!t->nr_entries)
        return 0;
    size_t s = vpn & (t->sets - 1);
    struct tlb_entry *e = t->recent[s];
    if (e->vpn == vpn && (e->flags & TLB_VALID))
        return tlb_hit(t, s, e);
    struct tlb_entry *set = &t->entries[s * t->ways];
    for (unsigned w = 0; w < t->ways; w++)
        if ((set[w].flags & TLB_VALID) && set[w].vpn == vpn)
            return tlb_hit(t, s, &set[w]);
    t->stats.misses++;
    return 0;
}

#endif

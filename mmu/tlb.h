/*
 * tlb.h — a set-associative translation lookaside buffer.
 *
 * Entries cache one 4 KiB translation with the access rights combined over
 * every level of the walk (U/S and R/W are ANDed, as the SDM §4.10.2.2
 * describes) and whether the PTE's dirty flag was set, so a write through a
 * clean entry goes back to the page tables to set D.  Replacement is LRU
 * within a set.  Lookup is inline: it is on the path of every access.
 */
#ifndef MEMSIM_TLB_H
#define MEMSIM_TLB_H

#include <stdint.h>

#define TLB_VALID  0x1u
#define TLB_USER   0x2u    /* user may access */
#define TLB_WRITE  0x4u    /* writable at every level */
#define TLB_DIRTY  0x8u    /* D already set in the mapping entry */
#define TLB_GLOBAL 0x10u

struct tlb_entry {
    uint32_t vpn;          /* linear page number */
    uint32_t pfn;          /* physical frame number */
    uint32_t flags;        /* TLB_* */
    uint64_t lru;          /* last-use stamp (64-bit: a 32-bit one wraps within minutes) */
};

struct tlb_stats {
    uint64_t hits, misses, evictions, flushes;
};

struct tlb {
    const char *name;
    unsigned sets, ways;   /* sets is a power of two */
    uint64_t stamp;
    struct tlb_entry *entries;     /* sets * ways */
    struct tlb_stats stats;
};

int  tlb_init(struct tlb *t, const char *name, unsigned entries, unsigned ways);
void tlb_destroy(struct tlb *t);
void tlb_insert(struct tlb *t, uint32_t vpn, uint32_t pfn, uint32_t flags);
void tlb_flush_page(struct tlb *t, uint32_t vpn);
void tlb_flush_all(struct tlb *t, int keep_global);

/* The entry for vpn, or NULL (counts a hit or a miss). */
static inline struct tlb_entry *tlb_lookup(struct tlb *t, uint32_t vpn)
{
    struct tlb_entry *set = &t->entries[(vpn & (t->sets - 1)) * t->ways];
    for (unsigned w = 0; w < t->ways; w++) {
        if ((set[w].flags & TLB_VALID) && set[w].vpn == vpn) {
            set[w].lru = ++t->stamp;
            t->stats.hits++;
            return &set[w];
        }
    }
    t->stats.misses++;
    return 0;
}

#endif

/* tlb.c — set-associative TLB with per-set LRU replacement. */
#include <stdlib.h>
#include "mmu/tlb.h"

static int is_pow2(unsigned x) { return x && !(x & (x - 1)); }

int tlb_init(struct tlb *t, const char *name, unsigned entries, unsigned ways)
{
    if (!ways || entries % ways || !is_pow2(entries / ways))
        return -1;
    t->name = name;
    t->ways = ways;
    t->sets = entries / ways;
    t->stamp = 0;
    t->stats = (struct tlb_stats){0};
    t->entries = calloc(entries, sizeof *t->entries);
    return t->entries ? 0 : -1;
}

void tlb_destroy(struct tlb *t)
{
    free(t->entries);
    t->entries = NULL;
}

void tlb_insert(struct tlb *t, uint32_t vpn, uint32_t pfn, uint32_t flags)
{
    struct tlb_entry *set = &t->entries[(vpn & (t->sets - 1)) * t->ways];
    struct tlb_entry *victim = &set[0];

    /* A refill of a cached vpn (a write through a clean entry, a retry
     * after a fault) reuses its way.  Looking for it only alongside the
     * free ways took an earlier free way instead and left a stale twin
     * that occupied a way and cost a live entry an eviction later. */
    for (unsigned w = 0; w < t->ways; w++) {
        if ((set[w].flags & TLB_VALID) && set[w].vpn == vpn) {
            victim = &set[w];
            goto fill;
        }
    }
    for (unsigned w = 0; w < t->ways; w++) {
        if (!(set[w].flags & TLB_VALID)) {
            victim = &set[w];
            goto fill;
        }
        if (set[w].lru < victim->lru)
            victim = &set[w];
    }
    t->stats.evictions++;
fill:
    victim->vpn = vpn;
    victim->pfn = pfn;
    victim->flags = flags | TLB_VALID;
    victim->lru = ++t->stamp;
}

void tlb_flush_page(struct tlb *t, uint32_t vpn)
{
    struct tlb_entry *set = &t->entries[(vpn & (t->sets - 1)) * t->ways];
    for (unsigned w = 0; w < t->ways; w++)
        if (set[w].vpn == vpn)
            set[w].flags = 0;
}

void tlb_flush_all(struct tlb *t, int keep_global)
{
    unsigned n = t->sets * t->ways;
    for (unsigned i = 0; i < n; i++)
        if (!keep_global || !(t->entries[i].flags & TLB_GLOBAL))
            t->entries[i].flags = 0;
    t->stats.flushes++;
}

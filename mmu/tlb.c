/* tlb.c — set-associative TLB with LRU, FIFO or random replacement. */
#include <stdlib.h>
#include "mmu/tlb.h"

static int is_pow2(unsigned x) { return x && !(x & (x - 1)); }

int tlb_init(struct tlb *t, const char *name, unsigned entries, unsigned ways,
             enum cache_repl repl)
{
    *t = (struct tlb){ .name = name, .repl = repl, .rng = 0x9e3779b97f4a7c15ull };
    if (!entries)
        return 0;
    if (!ways || entries % ways || !is_pow2(entries / ways))
        return -1;
    t->nr_entries = entries;
    t->ways = ways;
    t->sets = entries / ways;
    t->entries = calloc(entries, sizeof *t->entries);
    t->recent = malloc(t->sets * sizeof *t->recent);
    if (!t->entries || !t->recent) {
        tlb_destroy(t);
        return -1;
    }
    for (unsigned s = 0; s < t->sets; s++)
        t->recent[s] = &t->entries[s * ways];     /* invalid: never matches */
    return 0;
}

void tlb_destroy(struct tlb *t)
{
    free(t->entries);
    free(t->recent);
    t->entries = NULL;
    t->recent = NULL;
    t->nr_entries = 0;
}

static struct tlb_entry *victim(struct tlb *t, struct tlb_entry *set)
{
    if (t->repl == REPL_RANDOM) {
        t->rng ^= t->rng << 13;
        t->rng ^= t->rng >> 7;
        t->rng ^= t->rng << 17;
        return &set[t->rng % t->ways];
    }
    struct tlb_entry *v = &set[0];           /* LRU and FIFO: the oldest stamp */
    for (unsigned w = 1; w < t->ways; w++)
        if (set[w].lru < v->lru)
            v = &set[w];
    return v;
}

void tlb_insert(struct tlb *t, uint32_t vpn, uint32_t pfn, uint32_t flags)
{
    if (!t->nr_entries)
        return;
    size_t s = vpn & (t->sets - 1);
    struct tlb_entry *set = &t->entries[s * t->ways];
    struct tlb_entry *v = NULL;

    /* A refill of a cached vpn (a write through a clean entry, a retry
     * after a fault) reuses its way; then a free way; then the victim. */
    for (unsigned w = 0; w < t->ways && !v; w++)
        if ((set[w].flags & TLB_VALID) && set[w].vpn == vpn)
            v = &set[w];
    for (unsigned w = 0; w < t->ways && !v; w++)
        if (!(set[w].flags & TLB_VALID))
            v = &set[w];
    if (!v) {
        v = victim(t, set);
        t->stats.evictions++;
    }
    v->vpn = vpn;
    v->pfn = pfn;
    v->flags = flags | TLB_VALID;
    v->lru = ++t->stamp;
    t->recent[s] = v;
}

void tlb_flush_page(struct tlb *t, uint32_t vpn)
{
    if (!t->nr_entries)
        return;
    struct tlb_entry *set = &t->entries[(vpn & (t->sets - 1)) * t->ways];
    for (unsigned w = 0; w < t->ways; w++)
        if (set[w].vpn == vpn)
            set[w].flags = 0;
}

void tlb_flush_all(struct tlb *t, int keep_global)
{
    for (unsigned i = 0; i < t->nr_entries; i++)
        if (!keep_global || !(t->entries[i].flags & TLB_GLOBAL))
            t->entries[i].flags = 0;
    t->stats.flushes++;
}

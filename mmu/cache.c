/*
 * cache.c — set-associative caches and the L1I/L1D -> L2 -> LLC -> DRAM
 * hierarchy (contract in cache.h).
 *
 * cache_access runs once per simulated memory access, so it does only a
 * shift, a mask, a multiply and a scan of one set's keys: no division, no
 * allocation.  LRU and FIFO share the victim rule "oldest stamp in the
 * set"; they differ only in when the stamp is written (every use for LRU,
 * the fill alone for FIFO).
 */
#include <stdlib.h>
#include <string.h>
#include "common/errmsg.h"
#include "mmu/cache.h"

/* Any fixed non-zero seed keeps RANDOM runs repeatable; this is the 64-bit
 * golden ratio, the usual choice for a seed with well-mixed bits. */
#define CACHE_RNG_SEED 0x9e3779b97f4a7c15ull

static int is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

static uint32_t log2_u32(uint32_t x) { return (uint32_t)__builtin_ctz(x); }

/* ---- one cache ---------------------------------------------------------- */

static int check_geometry(const char *name, const struct cache_config *cfg,
                          char *err, size_t errlen)
{
    /* 64-bit product: a silly ways value must not wrap into a valid one. */
    uint64_t way_bytes = (uint64_t)cfg->ways * cfg->line;

    if (cfg->ways == 0) {
        set_err(err, errlen, "%s: ways is 0 (need at least 1)", name);
        return -1;
    }
    if (cfg->line < 16 || !is_pow2(cfg->line)) {
        set_err(err, errlen, "%s: line %u is not a power of two >= 16", name, cfg->line);
        return -1;
    }
    if (cfg->size % way_bytes || !is_pow2(cfg->size / way_bytes)) {
        set_err(err, errlen, "%s: size %u is not ways*line*2^n (ways %u, line %u)",
                name, cfg->size, cfg->ways, cfg->line);
        return -1;
    }
    if (cfg->repl != REPL_LRU && cfg->repl != REPL_FIFO && cfg->repl != REPL_RANDOM) {
        set_err(err, errlen, "%s: unknown replacement policy %d", name, (int)cfg->repl);
        return -1;
    }
    return 0;
}

/* Bytes of the keys of n lines, rounded up to 64 so that the stamps after
 * them start on a host cache line too. */
static size_t keys_bytes(size_t n)
{
    return (n * sizeof(uint32_t) + 63) & ~(size_t)63;
}

/* Bytes of the keys, stamps and dirty flags of n lines. */
static size_t lines_bytes(size_t n)
{
    return keys_bytes(n) + n * (sizeof(uint64_t) + sizeof(uint8_t));
}

int cache_init(struct cache *c, const char *name, const struct cache_config *cfg,
               char *err, size_t errlen)
{
    size_t n, bytes;

    /* Zeroed first so that cache_destroy is safe after any failure. */
    memset(c, 0, sizeof *c);
    c->name = name;
    c->cfg = *cfg;
    c->rng = CACHE_RNG_SEED;
    if (cfg->size == 0)
        return 0;               /* absent: sets 0 makes every access miss uncounted */
    if (check_geometry(name, cfg, err, errlen))
        return -1;

    c->sets = (uint32_t)(cfg->size / ((uint64_t)cfg->ways * cfg->line));
    c->line_shift = log2_u32(cfg->line);
    n = (size_t)c->sets * cfg->ways;
    bytes = lines_bytes(n);
    /* calloc, whose large blocks are zero pages until touched (an 8 MiB LLC
     * has 2 MiB of lines that a short run never sees), aligned by hand to
     * 64 bytes: a 16-way set's keys are then exactly one host cache line. */
    c->mem = calloc(1, bytes + 63);
    if (!c->mem) {
        set_err(err, errlen, "%s: cannot allocate %u sets of %u ways", name,
                c->sets, cfg->ways);
        c->sets = 0;
        return -1;
    }
    c->keys = (uint32_t *)(((uintptr_t)c->mem + 63) & ~(uintptr_t)63);
    c->free_lines = n;
    c->stamps = (uint64_t *)((char *)c->keys + keys_bytes(n));
    c->dirty = (uint8_t *)(c->stamps + n);
    return 0;
}

void cache_destroy(struct cache *c)
{
    free(c->mem);
    c->mem = NULL;
    c->keys = NULL;
    c->stamps = NULL;
    c->dirty = NULL;
    c->sets = 0;
}

void cache_flush(struct cache *c)
{
    if (c->keys) {
        c->free_lines = (size_t)c->sets * c->cfg.ways;
        memset(c->keys, 0, lines_bytes(c->free_lines));
    }
}

/* xorshift64 (Marsaglia), scaled to [0, ways) by a multiply-high rather
 * than a modulo: ways need not be a power of two (12- and 20-way caches
 * are common) and the hot path takes no division. */
static uint32_t random_way(struct cache *c)
{
    uint64_t x = c->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c->rng = x;
    return (uint32_t)(((x >> 32) * c->cfg.ways) >> 32);
}

/* The oldest stamp of a full set (the first such way).  LRU and FIFO share
 * it; they differ only in when the stamp is written (every use for LRU, the
 * fill alone for FIFO).  Conditional moves again: which way is oldest is
 * no more predictable than which way hits. */
static inline __attribute__((always_inline))
uint32_t scan_oldest(const uint64_t *stamps, uint32_t ways)
{
    uint32_t oldest = 0;
    uint64_t min = stamps[0];

    for (uint32_t w = 1; w < ways; w++) {
        int older = stamps[w] < min;
        min = older ? stamps[w] : min;
        oldest = older ? w : oldest;
    }
    return oldest;
}

static inline __attribute__((always_inline))
uint32_t scan_oldest_unrolled(const uint64_t *stamps, uint32_t ways)
{
    uint32_t oldest = 0;
    uint64_t min = stamps[0];

#pragma GCC unroll 16
    for (uint32_t w = 1; w < ways; w++) {
        int older = stamps[w] < min;
        min = older ? stamps[w] : min;
        oldest = older ? w : oldest;
        /* Else GCC merges the selects of neighbouring ways into a branch. */
        __asm__("" : "+r"(oldest));
    }
    return oldest;
}

static uint32_t oldest_way(const uint64_t *stamps, uint32_t ways)
{
    uint32_t w;

    switch (ways) {
    case 4:  w = scan_oldest_unrolled(stamps, 4); break;
    case 8:  w = scan_oldest_unrolled(stamps, 8); break;
    case 16: w = scan_oldest_unrolled(stamps, 16); break;
    default: w = scan_oldest(stamps, ways); break;
    }
    __asm__("" : "+r"(w));          /* as in cache_find_way */
    return w;
}

/*
 * A miss on the set starting at line `set`: fill key into an invalid way if
 * the set has one (no live line is thrown out while space is free), else
 * into the policy's victim.  Returns the victim's line address if it was
 * dirty, else UINT64_MAX.  Whether a victim is dirty is hard to predict, so
 * the flags are added to the counters rather than branched on.
 */
static uint64_t fill_line(struct cache *c, size_t set, uint32_t key, int write)
{
    uint32_t ways = c->cfg.ways, v = ways;
    unsigned evicted, dirty;
    uint64_t wb;
    size_t i;

    c->stats.misses++;
    if (c->free_lines) {            /* once the cache is full, no set has a free way */
        v = cache_find_way(c->keys + set, ways, 0);
        c->free_lines -= v != ways;
    }
    evicted = v == ways;
    if (evicted)
        v = c->cfg.repl == REPL_RANDOM ? random_way(c) : oldest_way(c->stamps + set, ways);
    i = set + v;
    dirty = evicted & c->dirty[i];
    c->stats.evictions += evicted;
    c->stats.writebacks += dirty;
    /* The victim's address, or all ones (UINT64_MAX) when it is clean. */
    wb = ((uint64_t)(c->keys[i] - 1) << c->line_shift) | ((uint64_t)dirty - 1);
    c->keys[i] = key;
    c->stamps[i] = ++c->clock;
    c->dirty[i] = write != 0;
    return wb;
}

int cache_access(struct cache *c, uint64_t paddr, int write, uint64_t *wb)
{
    size_t set;
    uint64_t victim;
    uint32_t key;

    if (wb)
        *wb = UINT64_MAX;
    if (__builtin_expect(c->sets == 0, 0))
        return 0;
    if (cache_lookup(c, paddr, write, &set, &key))
        return 1;
    victim = fill_line(c, set, key, write);
    if (wb)
        *wb = victim;
    return 0;
}

/* ---- the hierarchy ------------------------------------------------------ */

int mem_hierarchy_init(struct mem_hierarchy *h, const struct cache_config *l1i,
                       const struct cache_config *l1d, const struct cache_config *l2,
                       const struct cache_config *llc, uint32_t dram_latency,
                       char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    h->dram_latency = dram_latency;
    if (cache_init(&h->l1i, "l1i", l1i, err, errlen) ||
        cache_init(&h->l1d, "l1d", l1d, err, errlen) ||
        cache_init(&h->l2, "l2", l2, err, errlen) ||
        cache_init(&h->llc, "llc", llc, err, errlen)) {
        mem_hierarchy_destroy(h);           /* every level is zeroed or built */
        return -1;
    }
    return 0;
}

void mem_hierarchy_destroy(struct mem_hierarchy *h)
{
    cache_destroy(&h->l1i);
    cache_destroy(&h->l1d);
    cache_destroy(&h->l2);
    cache_destroy(&h->llc);
}

/*
 * Write the dirty line at addr into the first present level of below[]
 * (n levels, nearest first).  Allocating it there may push out another
 * dirty line, which goes on down; past the last level it is a DRAM write.
 * An absent level is skipped rather than swallowing the data.
 */
static void write_back(struct mem_hierarchy *h, struct cache *const *below, int n,
                       uint64_t addr)
{
    for (int i = 0; i < n; i++) {
        if (below[i]->sets == 0)
            continue;
        cache_access(below[i], addr, 1, &addr);
        if (addr == UINT64_MAX)
            return;
    }
    h->dram_writebacks++;
}

/*
 * Everything after the L1 lookup missed: fill the L1 (a present one; set
 * and key from lookup), then the levels below.  The demand lookup runs
 * first and the victims are written back after it, nearest level first: a
 * real L1 evicts when the fill returns from below, so the L2 has already
 * served the miss when the victim reaches it.  Out of line (cache.h's
 * mem_access calls it), so that the hit path saves no registers.
 */
uint32_t mem_access_missed(struct mem_hierarchy *h, struct cache *l1, uint64_t paddr,
                           size_t set, uint32_t key, int write)
{
    struct cache *const below[2] = { &h->l2, &h->llc };
    uint64_t wb1 = UINT64_MAX, wb2 = UINT64_MAX, wb3 = UINT64_MAX;
    uint32_t latency;

    if (l1->sets != 0)
        wb1 = fill_line(l1, set, key, write);

    /* Writes dirty the L1 line only: the levels below see a read fill. */
    if (cache_access(&h->l2, paddr, 0, &wb2)) {
        latency = h->l2.cfg.latency;
    } else if (cache_access(&h->llc, paddr, 0, &wb3)) {
        latency = h->llc.cfg.latency;
    } else {
        h->dram_accesses++;
        latency = h->dram_latency;
    }

    if (wb1 != UINT64_MAX)
        write_back(h, below, 2, wb1);
    if (wb2 != UINT64_MAX)
        write_back(h, below + 1, 1, wb2);
    if (wb3 != UINT64_MAX)
        write_back(h, below + 2, 0, wb3);
    return latency;
}


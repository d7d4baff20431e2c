/*
 * cache.h — set-associative, physically indexed and tagged caches and the
 * hierarchy L1I/L1D -> L2 -> LLC -> DRAM (internal model of the MMU library).
 *
 * Addresses are the model's own physical addresses (frame numbers from the
 * buddy allocator), so two processes sharing a frame share its lines.
 * Caches are write-back and write-allocate; a dirty victim is written back
 * to the next level (counted; the write-back is buffered and costs the
 * access nothing).  Levels are non-inclusive: a miss fills every level it
 * went through.  An access costs the latency of the level that hit (DRAM's
 * when none did).
 */
#ifndef MEMSIM_CACHE_H
#define MEMSIM_CACHE_H

#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum cache_repl { REPL_LRU, REPL_FIFO, REPL_RANDOM };

struct cache_config {
    uint32_t size;          /* bytes; 0 = level absent */
    uint32_t ways;          /* associativity; size / (ways * line) sets, a power of two */
    uint32_t line;          /* bytes, a power of two >= 16 */
    uint32_t latency;       /* cycles for a hit at this level (load-to-use) */
    enum cache_repl repl;
};

struct cache_stats {
    uint64_t hits, misses;
    uint64_t evictions;     /* valid lines replaced */
    uint64_t writebacks;    /* dirty lines replaced */
};

/*
 * The lines of a cache are kept as three arrays of sets * ways entries
 * (way w of set s at s * ways + w) in one allocation, so that the tag
 * compare over a set reads only its keys: 16 ways are one 64-byte host
 * line.  A key is the line address plus one, 0 meaning invalid, so the
 * compare needs no separate valid flag.  Keys are 32 bits, which holds the
 * line address of any physical address below 2^(32 + line_shift) (64 GiB
 * with the smallest line, 16 bytes; memsim's RAM is at most 4 GiB).
 */
struct cache {
    const char *name;
    struct cache_config cfg;
    uint32_t sets, line_shift;
    uint64_t clock;         /* stamps */
    uint64_t rng;           /* REPL_RANDOM: xorshift state, fixed seed */
    void *mem;              /* the allocation holding the three arrays */
    uint32_t *keys;         /* paddr / line + 1; 0 = invalid; 64-byte aligned */
    uint64_t *stamps;       /* LRU: last use; FIFO: fill time */
    uint8_t *dirty;         /* 0 or 1; 0 for an invalid line */
    size_t free_lines;      /* invalid lines (keys 0) */
    struct cache_stats stats;
};

/* Returns 0, or -1 with a reason in err (bad geometry). size 0 makes an
 * absent level: every access misses it without counting. */
int  cache_init(struct cache *c, const char *name, const struct cache_config *cfg,
                char *err, size_t errlen);
void cache_destroy(struct cache *c);
void cache_flush(struct cache *c);          /* invalidate all (no write-back counted) */

/*
 * Look up the line of paddr.  Hit: returns 1 (LRU stamp updated, dirty set
 * on write).  Miss: returns 0 and fills the line, evicting a victim; if the
 * victim was dirty, *wb gets its line address (else UINT64_MAX).
 */
int cache_access(struct cache *c, uint64_t paddr, int write, uint64_t *wb);

enum mem_kind { MEM_IFETCH, MEM_READ, MEM_WRITE, MEM_WALK };

struct mem_hierarchy {
    struct cache l1i, l1d, l2, llc;
    uint32_t dram_latency;
    uint64_t dram_accesses, dram_writebacks;
};

/* Build the hierarchy; returns 0 or -1 with a reason. */
int  mem_hierarchy_init(struct mem_hierarchy *h, const struct cache_config *l1i,
                        const struct cache_config *l1d, const struct cache_config *l2,
                        const struct cache_config *llc, uint32_t dram_latency,
                        char *err, size_t errlen);
void mem_hierarchy_destroy(struct mem_hierarchy *h);

/*
 * One access of `kind` to paddr (IFETCH through L1I, the others through L1D;
 * page-walk references are MEM_WALK reads, as on real CPUs).  Returns its
 * latency in cycles.  Dirty victims are written back into the next level
 * (and from the LLC to DRAM), updating that level's state and counters.
 * Inline (below): it is on the path of every access.
 */

/* ---- the hot path, inline: every fetch of a new line and every data
 * access of the guest starts here ---- */

/*
 * The first way of a set whose key is `key`, or `ways` if none.  Looking
 * for a tag (key >= 1) finds the one way holding it; looking for 0 finds
 * the first invalid way.  The scan has no data-dependent branch: the way
 * that hits is as good as random from one access to the next, so a loop
 * that stops at the hit mispredicts its exit on most hits (a branch per
 * way measured 14.7 -> 7.4 ns per hit when replaced by conditional moves,
 * 32 KiB 8-way, random reads and writes).  Walking down from the last way
 * makes the first match the one kept.
 */
static inline __attribute__((always_inline))
uint32_t cache_scan_ways(const uint32_t *keys, uint32_t ways, uint32_t key)
{
    uint32_t found = ways;

    for (uint32_t w = ways; w-- > 0; )
        found = keys[w] == key ? w : found;
    return found;
}

/*
 * The same for a constant way count that is a multiple of 4 (at most 28):
 * with SSE2, four keys per compare and a bit per way in a mask whose
 * lowest set bit is the first match (a bit above the ways stands for none),
 * 8 ways in 12 instructions where the scan above takes 24; without SSE2,
 * the scan unrolled.
 */
static inline __attribute__((always_inline))
uint32_t cache_scan_ways_wide(const uint32_t *keys, uint32_t ways, uint32_t key)
{
#ifdef __SSE2__
    const __m128i want = _mm_set1_epi32((int)key);
    uint32_t mask = 1u << ways;

#pragma GCC unroll 7
    for (uint32_t g = 0; g < ways; g += 4) {
        __m128i k = _mm_loadu_si128((const __m128i *)(keys + g));
        mask |= (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(k, want))) << g;
    }
    return (uint32_t)__builtin_ctz(mask);
#else
    uint32_t found = ways;

#pragma GCC unroll 16
    for (uint32_t w = ways; w-- > 0; )
        found = keys[w] == key ? w : found;
    return found;
#endif
}

/* The usual associativities get the wide scan, any other the loop. */
static inline __attribute__((always_inline))
uint32_t cache_find_way(const uint32_t *keys, uint32_t ways, uint32_t key)
{
    uint32_t w;

    switch (ways) {
    case 4:  w = cache_scan_ways_wide(keys, 4, key); break;
    case 8:  w = cache_scan_ways_wide(keys, 8, key); break;
    case 12: w = cache_scan_ways_wide(keys, 12, key); break;
    case 16: w = cache_scan_ways_wide(keys, 16, key); break;
    case 20: w = cache_scan_ways_wide(keys, 20, key); break;
    default: w = cache_scan_ways(keys, ways, key); break;
    }
    /* An empty asm hides where w came from: without it GCC threads the
     * caller's hit test into the last ways of an unrolled scan and turns
     * their conditional moves back into the unpredictable branches the
     * scan exists to avoid. */
    __asm__("" : "+r"(w));
    return w;
}

/* A hit on line i: LRU stamp, dirty on a write. */
static inline __attribute__((always_inline))
void cache_hit_line(struct cache *c, size_t i, int write)
{
    if (c->cfg.repl == REPL_LRU)
        c->stamps[i] = ++c->clock;
    c->dirty[i] |= write != 0;
    c->stats.hits++;
}

/*
 * The lookup of cache_access, inlined into mem_access for the L1: a hit
 * returns 1, a miss returns 0 with the first line of paddr's set in *set
 * and paddr's key in *key, for fill_line.  The cache must be present.
 */
static inline __attribute__((always_inline))
int cache_lookup(struct cache *c, uint64_t paddr, int write, size_t *set, uint32_t *key)
{
    uint32_t tag = (uint32_t)(paddr >> c->line_shift);
    uint32_t ways = c->cfg.ways;
    size_t s = (size_t)(tag & (c->sets - 1)) * ways;
    uint32_t w = cache_find_way(c->keys + s, ways, tag + 1);

    if (w != ways) {
        cache_hit_line(c, s + w, write);
        return 1;
    }
    *set = s;
    *key = tag + 1;
    return 0;
}

/* The levels below an L1 that missed (cache.c; set and key from
 * cache_lookup): fill the L1, then the L2, the LLC or DRAM.  Returns the
 * access's latency. */
uint32_t mem_access_missed(struct mem_hierarchy *h, struct cache *l1, uint64_t paddr,
                           size_t set, uint32_t key, int write);

/* An L1's lookup: 1 on a hit; 0 on a miss with what mem_access_missed
 * needs in *set and *key (0 and 0 for an absent L1). */
static inline __attribute__((always_inline))
int mem_l1_lookup(struct cache *l1, uint64_t paddr, int write, size_t *set, uint32_t *key)
{
    *set = 0;
    *key = 0;
    return __builtin_expect(l1->sets != 0, 1) && cache_lookup(l1, paddr, write, set, key);
}

/* The L1's lookup inline (most accesses end there), then the levels below. */
static inline __attribute__((always_inline))
uint32_t mem_access(struct mem_hierarchy *h, uint64_t paddr, enum mem_kind kind)
{
    struct cache *l1 = kind == MEM_IFETCH ? &h->l1i : &h->l1d;
    int write = kind == MEM_WRITE;
    uint32_t key;
    size_t set;

    if (mem_l1_lookup(l1, paddr, write, &set, &key))
        return l1->cfg.latency;
    return mem_access_missed(h, l1, paddr, set, key, write);
}

#endif

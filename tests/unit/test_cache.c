/*
 * test_cache.c — one cache (hit/miss, LRU/FIFO/RANDOM victims, dirty
 * victims) and the L1I/L1D -> L2 -> LLC -> DRAM hierarchy (latencies,
 * write-backs down the chain, absent levels), with every expected counter
 * worked out by hand from the geometry.
 *
 * The small cache is 2-way, 4 sets, 16-byte lines (128 bytes): the set is
 * bits 4-5 of the address, so 0x00, 0x40, 0x80, ... all fall in set 0.
 * Stamps are written out as "(n)" in the comments where a victim depends
 * on them.
 */
#include "tests/unit/check.h"
#include "mmu/cache.h"

#include <stdint.h>
#include <stdlib.h>

#define NONE UINT64_MAX

static const struct cache_config small_lru    = { 128, 2, 16, 4, REPL_LRU };
static const struct cache_config small_fifo   = { 128, 2, 16, 4, REPL_FIFO };
static const struct cache_config small_random = { 128, 2, 16, 4, REPL_RANDOM };

/* The line holding paddr, or NULL.  Scans the array: counts nothing and
 * touches no stamp. */
static const struct cache_line *find(const struct cache *c, uint64_t paddr)
{
    uint64_t tag = paddr >> c->line_shift;
    for (uint32_t i = 0; i < c->sets * c->cfg.ways; i++)
        if (c->lines[i].valid && c->lines[i].tag == tag)
            return &c->lines[i];
    return NULL;
}

static int dirty(const struct cache *c, uint64_t paddr)
{
    const struct cache_line *l = find(c, paddr);
    return l && l->dirty;
}

static void check_stats(const struct cache *c, uint64_t hits, uint64_t misses,
                        uint64_t evictions, uint64_t writebacks)
{
    CHECK_EQ(c->stats.hits, hits);
    CHECK_EQ(c->stats.misses, misses);
    CHECK_EQ(c->stats.evictions, evictions);
    CHECK_EQ(c->stats.writebacks, writebacks);
}

static void init_ok(struct cache *c, const struct cache_config *cfg)
{
    char err[128] = "";
    CHECK(cache_init(c, "t", cfg, err, sizeof err) == 0);
    CHECK_STR(err, "");
}

/* ---- one cache ------------------------------------------------------------ */

static void test_compulsory_and_hits(void)
{
    struct cache c;
    uint64_t wb = 0;

    init_ok(&c, &small_lru);
    CHECK_EQ(c.sets, 4);
    CHECK_EQ(c.line_shift, 4);

    /* Eight lines, two per set: all compulsory misses, nothing evicted. */
    for (uint64_t a = 0x00; a < 0x80; a += 0x10) {
        CHECK_EQ(cache_access(&c, a, 0, &wb), 0);
        CHECK_EQ(wb, NONE);
    }
    check_stats(&c, 0, 8, 0, 0);

    /* The last byte of each line is the same line. */
    for (uint64_t a = 0x0f; a < 0x80; a += 0x10) {
        CHECK_EQ(cache_access(&c, a, 0, &wb), 1);
        CHECK_EQ(wb, NONE);
    }
    check_stats(&c, 8, 8, 0, 0);

    /* 0x80 is set 0 again: it evicts 0x00 (9) rather than 0x40 (13). */
    CHECK_EQ(cache_access(&c, 0x80, 0, &wb), 0);
    CHECK_EQ(wb, NONE);                             /* clean victim */
    check_stats(&c, 8, 9, 1, 0);
    CHECK(find(&c, 0x00) == NULL);
    CHECK(find(&c, 0x40) != NULL);
    CHECK(find(&c, 0x80) != NULL);
    cache_destroy(&c);
}

/* Touch A B A C in one set: LRU keeps the recently used A, FIFO the
 * recently filled B. */
#define A 0x00
#define B 0x40
#define C 0x80

static void test_lru_order(void)
{
    struct cache c;

    init_ok(&c, &small_lru);
    CHECK_EQ(cache_access(&c, A, 0, NULL), 0);      /* A (1) */
    CHECK_EQ(cache_access(&c, B, 0, NULL), 0);      /* B (2) */
    CHECK_EQ(cache_access(&c, A, 0, NULL), 1);      /* A (3) */
    CHECK_EQ(cache_access(&c, C, 0, NULL), 0);      /* evicts B (2); C (4) */
    CHECK(find(&c, A) && find(&c, C) && !find(&c, B));
    check_stats(&c, 1, 3, 1, 0);

    CHECK_EQ(cache_access(&c, B, 0, NULL), 0);      /* evicts A (3) */
    CHECK(find(&c, B) && find(&c, C) && !find(&c, A));
    check_stats(&c, 1, 4, 2, 0);
    cache_destroy(&c);
}

static void test_fifo_order(void)
{
    struct cache c;

    init_ok(&c, &small_fifo);
    CHECK_EQ(cache_access(&c, A, 0, NULL), 0);      /* A filled (1) */
    CHECK_EQ(cache_access(&c, B, 0, NULL), 0);      /* B filled (2) */
    CHECK_EQ(cache_access(&c, A, 0, NULL), 1);      /* a hit leaves the fill stamp */
    CHECK_EQ(cache_access(&c, C, 0, NULL), 0);      /* evicts A (1) */
    CHECK(find(&c, B) && find(&c, C) && !find(&c, A));
    check_stats(&c, 1, 3, 1, 0);

    CHECK_EQ(cache_access(&c, A, 0, NULL), 0);      /* evicts B (2) */
    CHECK(find(&c, A) && find(&c, C) && !find(&c, B));
    check_stats(&c, 1, 4, 2, 0);
    cache_destroy(&c);
}

/* A test-local address stream, independent of the cache's own RNG. */
static uint64_t stream_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_random(void)
{
    static const struct cache_config cfg = { 512, 4, 16, 4, REPL_RANDOM };
    struct cache c1, c2, c3;
    uint64_t s = 12345, hits = 0;
    int same = 1;

    /* Free ways are used before anything is evicted. */
    init_ok(&c1, &small_random);
    CHECK_EQ(cache_access(&c1, A, 0, NULL), 0);
    CHECK_EQ(cache_access(&c1, B, 0, NULL), 0);
    check_stats(&c1, 0, 2, 0, 0);
    CHECK(find(&c1, A) && find(&c1, B));
    CHECK_EQ(cache_access(&c1, C, 0, NULL), 0);     /* one of A, B goes */
    CHECK(find(&c1, C) && (!find(&c1, A) != !find(&c1, B)));
    check_stats(&c1, 0, 3, 1, 0);
    cache_destroy(&c1);

    /* Two caches fed the same stream, interleaved access by access, make
     * the same choices: the RNG is per cache, seeded with a constant. */
    init_ok(&c1, &cfg);
    init_ok(&c2, &cfg);
    for (int i = 0; i < 20000; i++) {
        uint64_t a = stream_next(&s) & 0xfff;       /* 4 KiB over a 512-byte cache */
        int w = (int)(a & 1);
        int h1 = cache_access(&c1, a, w, NULL);
        int h2 = cache_access(&c2, a, w, NULL);
        same &= h1 == h2;
        hits += (uint64_t)h1;
    }
    CHECK(same);
    CHECK(hits > 0);
    CHECK(c1.stats.evictions > 0);
    CHECK_EQ(c1.stats.hits, c2.stats.hits);
    CHECK_EQ(c1.stats.misses, c2.stats.misses);
    CHECK_EQ(c1.stats.evictions, c2.stats.evictions);
    CHECK_EQ(c1.stats.writebacks, c2.stats.writebacks);
    CHECK_EQ(c1.rng, c2.rng);
    for (uint32_t i = 0; i < c1.sets * c1.cfg.ways; i++) {
        same &= c1.lines[i].tag == c2.lines[i].tag;
        same &= c1.lines[i].valid == c2.lines[i].valid;
        same &= c1.lines[i].dirty == c2.lines[i].dirty;
    }
    CHECK(same);

    /* A later run from a fresh cache repeats the first exactly. */
    s = 12345;
    init_ok(&c3, &cfg);
    for (int i = 0; i < 20000; i++) {
        uint64_t a = stream_next(&s) & 0xfff;
        cache_access(&c3, a, (int)(a & 1), NULL);
    }
    CHECK_EQ(c3.stats.hits, c1.stats.hits);
    CHECK_EQ(c3.stats.writebacks, c1.stats.writebacks);
    CHECK_EQ(c3.rng, c1.rng);
    cache_destroy(&c1);
    cache_destroy(&c2);
    cache_destroy(&c3);
}

static void test_dirty_victims(void)
{
    struct cache c;
    uint64_t wb = 0;

    init_ok(&c, &small_lru);
    /* A write miss allocates the line dirty. */
    CHECK_EQ(cache_access(&c, 0x104, 1, &wb), 0);   /* line 0x100, set 0 (1) */
    CHECK_EQ(wb, NONE);
    CHECK(dirty(&c, 0x100));
    CHECK_EQ(cache_access(&c, 0x148, 0, &wb), 0);   /* line 0x140 (2) */
    CHECK(!dirty(&c, 0x140));

    /* Its eviction reports the line's address, not the access's. */
    CHECK_EQ(cache_access(&c, 0x18c, 0, &wb), 0);   /* evicts 0x100 (1) */
    CHECK_EQ(wb, 0x100);
    check_stats(&c, 0, 3, 1, 1);

    /* A clean victim reports nothing. */
    CHECK_EQ(cache_access(&c, 0x1c0, 0, &wb), 0);   /* evicts 0x140 (2) */
    CHECK_EQ(wb, NONE);
    check_stats(&c, 0, 4, 2, 1);

    /* A write hit dirties a clean line. */
    CHECK_EQ(cache_access(&c, 0x200, 0, &wb), 0);   /* evicts 0x180 (3); 0x200 (5) */
    CHECK(!dirty(&c, 0x200));
    CHECK_EQ(cache_access(&c, 0x208, 1, &wb), 1);   /* 0x200 (6) */
    CHECK_EQ(wb, NONE);
    CHECK(dirty(&c, 0x200));
    CHECK_EQ(cache_access(&c, 0x240, 0, &wb), 0);   /* evicts 0x1c0 (4) */
    CHECK_EQ(wb, NONE);
    CHECK_EQ(cache_access(&c, 0x280, 0, &wb), 0);   /* evicts 0x200 (6) */
    CHECK_EQ(wb, 0x200);
    check_stats(&c, 1, 7, 5, 2);

    /* A flush drops dirty lines without counting write-backs. */
    CHECK_EQ(cache_access(&c, 0x28c, 1, NULL), 1);  /* 0x280 dirty */
    cache_flush(&c);
    CHECK(find(&c, 0x280) == NULL && find(&c, 0x240) == NULL);
    check_stats(&c, 2, 7, 5, 2);
    CHECK_EQ(cache_access(&c, 0x280, 0, &wb), 0);   /* a miss into an empty set */
    CHECK_EQ(wb, NONE);
    CHECK(!dirty(&c, 0x280));
    check_stats(&c, 2, 8, 5, 2);
    cache_destroy(&c);
}

static void test_absent(void)
{
    static const struct cache_config none = { 0, 0, 0, 0, REPL_LRU };
    struct cache c;
    uint64_t wb = 0;

    init_ok(&c, &none);
    CHECK_EQ(c.sets, 0);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(cache_access(&c, 0x1000, 1, &wb), 0);
        CHECK_EQ(wb, NONE);
    }
    check_stats(&c, 0, 0, 0, 0);
    cache_flush(&c);
    cache_destroy(&c);
}

/* ---- geometry ------------------------------------------------------------- */

struct geometry_case {
    const char *name;
    struct cache_config cfg;
    const char *err;                /* NULL: valid */
    uint32_t sets, shift;
};

static const struct geometry_case geometry_cases[] = {
    { "l2",  { 1000, 8, 64, 12, REPL_LRU },
      "l2: size 1000 is not ways*line*2^n (ways 8, line 64)", 0, 0 },
    { "l2",  { 1536, 8, 64, 12, REPL_LRU },                  /* 3 sets */
      "l2: size 1536 is not ways*line*2^n (ways 8, line 64)", 0, 0 },
    { "llc", { 4096, 0x4000000, 64, 40, REPL_LRU },          /* ways*line is 2^32 */
      "llc: size 4096 is not ways*line*2^n (ways 67108864, line 64)", 0, 0 },
    { "l1d", { 32768, 8, 48, 4, REPL_LRU },
      "l1d: line 48 is not a power of two >= 16", 0, 0 },
    { "l1d", { 32768, 8, 8, 4, REPL_LRU },
      "l1d: line 8 is not a power of two >= 16", 0, 0 },
    { "l1d", { 32768, 0, 64, 4, REPL_LRU },
      "l1d: ways is 0 (need at least 1)", 0, 0 },
    { "llc", { 32768, 8, 64, 40, (enum cache_repl)7 },
      "llc: unknown replacement policy 7", 0, 0 },
    { "l1d", { 49152, 12, 64, 5, REPL_LRU }, NULL, 64, 6 },  /* 12 ways is fine */
    { "l1d", { 512, 8, 64, 4, REPL_FIFO }, NULL, 1, 6 },     /* fully associative */
    { "l2",  { 1u << 20, 16, 128, 14, REPL_RANDOM }, NULL, 512, 7 },
    { "llc", { 0, 3, 5, 0, (enum cache_repl)9 }, NULL, 0, 0 }, /* absent: nothing checked */
};

static void test_geometry(void)
{
    for (size_t i = 0; i < sizeof geometry_cases / sizeof geometry_cases[0]; i++) {
        const struct geometry_case *g = &geometry_cases[i];
        struct cache c;
        char err[128] = "";
        int r = cache_init(&c, g->name, &g->cfg, err, sizeof err);

        if (g->err) {
            CHECK_EQ(r, -1);
            CHECK_STR(err, g->err);
            CHECK(c.lines == NULL);
        } else {
            CHECK_EQ(r, 0);
            CHECK_STR(err, "");
            CHECK_EQ(c.sets, g->sets);
            CHECK_EQ(c.line_shift, g->shift);
        }
        cache_destroy(&c);                          /* safe after a failure too */
    }

    /* No buffer for the reason is allowed. */
    struct cache c;
    CHECK_EQ(cache_init(&c, "l2", &geometry_cases[0].cfg, NULL, 0), -1);
    cache_destroy(&c);
}

/* ---- the hierarchy -------------------------------------------------------- */

/*
 * Every level has 16-byte lines: L1 sets are address bits 4-5 (2 ways),
 * L2 bits 4-6 (2 ways), LLC bits 4-8 (2 ways).  So 0x40 apart is the same
 * L1 set, 0x80 apart the same L2 set, 0x200 apart the same LLC set.
 */
#define L1_LAT   4
#define L2_LAT   12
#define LLC_LAT  40
#define DRAM_LAT 200

static const struct cache_config h_l1  = { 128, 2, 16, L1_LAT, REPL_LRU };
static const struct cache_config h_l2  = { 256, 2, 16, L2_LAT, REPL_LRU };
static const struct cache_config h_llc = { 1024, 2, 16, LLC_LAT, REPL_LRU };
static const struct cache_config h_none = { 0, 0, 0, 0, REPL_LRU };

static void hier_ok(struct mem_hierarchy *h, const struct cache_config *l2,
                    const struct cache_config *llc)
{
    char err[128] = "";
    CHECK(mem_hierarchy_init(h, &h_l1, &h_l1, l2, llc, DRAM_LAT, err, sizeof err) == 0);
    CHECK_STR(err, "");
}

static void test_latencies(void)
{
    struct mem_hierarchy h;
    const uint64_t P = 0x1000;                      /* L1 set 0, L2 set 0, LLC set 0 */

    hier_ok(&h, &h_l2, &h_llc);
    CHECK_STR(h.l1d.name, "l1d");
    CHECK_STR(h.llc.name, "llc");
    CHECK_EQ(mem_access(&h, P, MEM_READ), DRAM_LAT);
    CHECK(find(&h.l1d, P) && find(&h.l2, P) && find(&h.llc, P));   /* filled on the way */
    CHECK_EQ(mem_access(&h, P, MEM_READ), L1_LAT);

    /* Two lines in P's L1 set but L2 set 4 push P out of L1 only. */
    CHECK_EQ(mem_access(&h, 0x1040, MEM_READ), DRAM_LAT);
    CHECK_EQ(mem_access(&h, 0x10c0, MEM_READ), DRAM_LAT);       /* evicts P from L1 */
    CHECK(!find(&h.l1d, P) && find(&h.l2, P));
    CHECK_EQ(mem_access(&h, P, MEM_READ), L2_LAT);

    /* Two lines in P's L1 and L2 sets but other LLC sets (8, 16). */
    CHECK_EQ(mem_access(&h, 0x1080, MEM_READ), DRAM_LAT);       /* L2 set 0 had a free way */
    CHECK_EQ(mem_access(&h, 0x1100, MEM_READ), DRAM_LAT);       /* evicts P from L1 and L2 */
    CHECK(!find(&h.l1d, P) && !find(&h.l2, P) && find(&h.llc, P));
    CHECK_EQ(mem_access(&h, P, MEM_READ), LLC_LAT);
    CHECK_EQ(h.dram_accesses, 5);

    /* Two lines in P's set at every level: P is gone everywhere. */
    CHECK_EQ(mem_access(&h, 0x1200, MEM_READ), DRAM_LAT);
    CHECK_EQ(mem_access(&h, 0x1400, MEM_READ), DRAM_LAT);
    CHECK(!find(&h.l1d, P) && !find(&h.l2, P) && !find(&h.llc, P));
    CHECK_EQ(mem_access(&h, P, MEM_READ), DRAM_LAT);

    CHECK_EQ(h.dram_accesses, 8);
    CHECK_EQ(h.dram_writebacks, 0);
    check_stats(&h.l1d, 1, 10, 8, 0);
    check_stats(&h.l2, 1, 9, 5, 0);
    check_stats(&h.llc, 1, 8, 2, 0);                 /* 0x1400 evicts P, P 0x1200 */
    check_stats(&h.l1i, 0, 0, 0, 0);
    mem_hierarchy_destroy(&h);
}

/* A written line travels dirty L1 -> L2 -> LLC -> DRAM as it is evicted. */
static void test_dirty_chain(void)
{
    struct mem_hierarchy h;
    const uint64_t W = 0x000;

    hier_ok(&h, &h_l2, &h_llc);
    CHECK_EQ(mem_access(&h, W, MEM_WRITE), DRAM_LAT);
    CHECK(dirty(&h.l1d, W));
    CHECK(find(&h.l2, W) && !dirty(&h.l2, W));      /* writes dirty L1 only */
    CHECK(find(&h.llc, W) && !dirty(&h.llc, W));

    /* Out of L1 (0x40, 0xc0 share its L1 set, not its L2 set): the write-
     * back hits W's clean copy in L2 and dirties it. */
    CHECK_EQ(mem_access(&h, 0x040, MEM_READ), DRAM_LAT);
    CHECK_EQ(mem_access(&h, 0x0c0, MEM_READ), DRAM_LAT);        /* write-back is free */
    CHECK(!find(&h.l1d, W) && dirty(&h.l2, W) && !dirty(&h.llc, W));
    check_stats(&h.l1d, 0, 3, 1, 1);
    check_stats(&h.l2, 1, 3, 0, 0);                 /* the write-back is the hit */

    /* Out of L2 (0x80, 0x100 share its L2 set, not its LLC set). */
    CHECK_EQ(mem_access(&h, 0x080, MEM_READ), DRAM_LAT);        /* free way in L2 */
    CHECK_EQ(mem_access(&h, 0x100, MEM_READ), DRAM_LAT);        /* evicts W (dirty) */
    CHECK(!find(&h.l2, W) && dirty(&h.llc, W));
    check_stats(&h.l2, 1, 5, 1, 1);
    check_stats(&h.llc, 1, 5, 0, 0);
    CHECK_EQ(h.dram_writebacks, 0);

    /* Out of the LLC (0x200, 0x400 share its LLC set): a DRAM write. */
    CHECK_EQ(mem_access(&h, 0x200, MEM_READ), DRAM_LAT);        /* free way in LLC */
    CHECK_EQ(mem_access(&h, 0x400, MEM_READ), DRAM_LAT);        /* evicts W (dirty) */
    CHECK(!find(&h.llc, W));
    check_stats(&h.llc, 1, 7, 1, 1);
    CHECK_EQ(h.dram_writebacks, 1);
    CHECK_EQ(h.dram_accesses, 7);

    CHECK_EQ(mem_access(&h, W, MEM_READ), DRAM_LAT);
    CHECK_EQ(h.dram_accesses, 8);
    CHECK_EQ(h.dram_writebacks, 1);
    mem_hierarchy_destroy(&h);
}

/* An L1 victim that misses L2 allocates there and pushes L2's own dirty
 * victim on to the LLC, all within one access. */
static void test_writeback_cascade(void)
{
    struct mem_hierarchy h;
    /* Direct-mapped L2: 0x000 and 0x080 share L2 set 0 (and L1 set 0). */
    static const struct cache_config l2_dm = { 128, 1, 16, L2_LAT, REPL_LRU };

    hier_ok(&h, &l2_dm, &h_llc);
    CHECK_EQ(mem_access(&h, 0x000, MEM_WRITE), DRAM_LAT);
    CHECK_EQ(mem_access(&h, 0x080, MEM_WRITE), DRAM_LAT);       /* L2: 0x000 out, clean */
    CHECK(dirty(&h.l1d, 0x000) && dirty(&h.l1d, 0x080));
    CHECK(!find(&h.l2, 0x000));

    /* L1 evicts 0x000; its write-back misses L2 and replaces 0x080. */
    CHECK_EQ(mem_access(&h, 0x040, MEM_READ), DRAM_LAT);
    CHECK(dirty(&h.l2, 0x000) && !find(&h.l2, 0x080));
    check_stats(&h.l2, 0, 4, 2, 0);

    /* L1 evicts 0x080; its write-back replaces the dirty 0x000 in L2, whose
     * write-back dirties the LLC's clean copy. */
    CHECK_EQ(mem_access(&h, 0x0c0, MEM_READ), DRAM_LAT);
    CHECK(dirty(&h.l2, 0x080) && !find(&h.l2, 0x000));
    CHECK(dirty(&h.llc, 0x000) && !dirty(&h.llc, 0x080));
    check_stats(&h.l1d, 0, 4, 2, 2);
    check_stats(&h.l2, 0, 6, 4, 1);
    check_stats(&h.llc, 1, 4, 0, 0);
    CHECK_EQ(h.dram_accesses, 4);
    CHECK_EQ(h.dram_writebacks, 0);
    mem_hierarchy_destroy(&h);
}

static void test_ifetch_and_kinds(void)
{
    struct mem_hierarchy h;

    hier_ok(&h, &h_l2, &h_llc);
    CHECK_EQ(mem_access(&h, 0x3000, MEM_IFETCH), DRAM_LAT);
    check_stats(&h.l1i, 0, 1, 0, 0);
    check_stats(&h.l1d, 0, 0, 0, 0);
    CHECK(find(&h.l1i, 0x3000) && !find(&h.l1d, 0x3000));

    CHECK_EQ(mem_access(&h, 0x3000, MEM_READ), L2_LAT);         /* L1D's own miss */
    CHECK_EQ(mem_access(&h, 0x3004, MEM_IFETCH), L1_LAT);
    CHECK_EQ(mem_access(&h, 0x3008, MEM_WALK), L1_LAT);         /* walks read via L1D */
    check_stats(&h.l1i, 1, 1, 0, 0);
    check_stats(&h.l1d, 1, 1, 0, 0);

    CHECK_EQ(mem_access(&h, 0x300c, MEM_WRITE), L1_LAT);
    CHECK(dirty(&h.l1d, 0x3000));
    CHECK(!dirty(&h.l1i, 0x3000) && !dirty(&h.l2, 0x3000));
    CHECK_EQ(h.dram_accesses, 1);
    mem_hierarchy_destroy(&h);
}

static void test_absent_levels(void)
{
    struct mem_hierarchy h;

    /* No LLC: L2 misses go to DRAM, L2's dirty victims are DRAM writes. */
    hier_ok(&h, &h_l2, &h_none);
    CHECK_EQ(mem_access(&h, 0x000, MEM_READ), DRAM_LAT);
    CHECK_EQ(mem_access(&h, 0x000, MEM_WRITE), L1_LAT);
    CHECK_EQ(mem_access(&h, 0x040, MEM_READ), DRAM_LAT);
    CHECK_EQ(mem_access(&h, 0x0c0, MEM_READ), DRAM_LAT);        /* 0x000 -> L2, dirty */
    CHECK(dirty(&h.l2, 0x000));
    CHECK_EQ(mem_access(&h, 0x080, MEM_READ), DRAM_LAT);
    CHECK_EQ(h.dram_writebacks, 0);
    CHECK_EQ(mem_access(&h, 0x100, MEM_READ), DRAM_LAT);        /* 0x000 -> DRAM */
    CHECK_EQ(h.dram_writebacks, 1);
    CHECK_EQ(mem_access(&h, 0x000, MEM_READ), DRAM_LAT);
    CHECK_EQ(h.dram_accesses, 6);
    check_stats(&h.llc, 0, 0, 0, 0);
    mem_hierarchy_destroy(&h);

    /* No L2: L1 misses go to the LLC, and so do L1's dirty victims. */
    hier_ok(&h, &h_none, &h_llc);
    CHECK_EQ(mem_access(&h, 0x000, MEM_READ), DRAM_LAT);
    CHECK_EQ(mem_access(&h, 0x040, MEM_READ), DRAM_LAT);
    CHECK_EQ(mem_access(&h, 0x0c0, MEM_READ), DRAM_LAT);        /* L1 evicts 0x000 */
    CHECK_EQ(mem_access(&h, 0x000, MEM_WRITE), LLC_LAT);        /* L1 evicts 0x040 */
    CHECK_EQ(mem_access(&h, 0x040, MEM_READ), LLC_LAT);         /* L1 evicts 0x0c0 */
    CHECK_EQ(mem_access(&h, 0x0c0, MEM_READ), LLC_LAT);         /* L1 evicts 0x000, dirty */
    CHECK(!find(&h.l1d, 0x000) && dirty(&h.llc, 0x000));
    check_stats(&h.llc, 4, 3, 0, 0);                /* 3 demand hits + the write-back */
    check_stats(&h.l2, 0, 0, 0, 0);
    CHECK_EQ(h.dram_accesses, 3);
    CHECK_EQ(h.dram_writebacks, 0);
    mem_hierarchy_destroy(&h);
}

static void test_hierarchy_errors(void)
{
    static const struct cache_config bad_l2 = { 1000, 8, 64, 12, REPL_LRU };
    static const struct cache_config bad_line = { 128, 2, 24, 4, REPL_LRU };
    struct mem_hierarchy h;
    char err[128] = "";

    /* L1I and L1D were built when L2 failed: they must be freed (ASan). */
    CHECK_EQ(mem_hierarchy_init(&h, &h_l1, &h_l1, &bad_l2, &h_llc, DRAM_LAT,
                                err, sizeof err), -1);
    CHECK_STR(err, "l2: size 1000 is not ways*line*2^n (ways 8, line 64)");
    CHECK(h.l1i.lines == NULL && h.l1d.lines == NULL);
    mem_hierarchy_destroy(&h);

    CHECK_EQ(mem_hierarchy_init(&h, &bad_line, &h_l1, &h_l2, &h_llc, DRAM_LAT,
                                err, sizeof err), -1);
    CHECK_STR(err, "l1i: line 24 is not a power of two >= 16");
    mem_hierarchy_destroy(&h);
}

/* ---- working-set sweeps ----------------------------------------------------- */

/* `passes` cyclic sweeps over `bytes` from base, `stride` apart. */
static void sweep(struct cache *c, uint64_t base, uint64_t bytes, uint64_t stride,
                  int passes)
{
    for (int p = 0; p < passes; p++)
        for (uint64_t a = base; a < base + bytes; a += stride)
            cache_access(c, a, 0, NULL);
}

/*
 * 32 KiB, 8 ways, 64-byte lines: 64 sets.  A cyclic sweep over n lines puts
 * n/64 in each set.  Up to 8 per set every line stays after the first pass;
 * at 9 LRU always evicts exactly the line needed next, so every access
 * misses: the LRU cliff.  FIFO behaves the same on a cyclic sweep; RANDOM
 * keeps some lines by luck.
 */
static void test_sweeps(void)
{
    static const struct cache_config l1_lru  = { 32768, 8, 64, 4, REPL_LRU };
    static const struct cache_config l1_fifo = { 32768, 8, 64, 4, REPL_FIFO };
    static const struct cache_config l1_rand = { 32768, 8, 64, 4, REPL_RANDOM };
    const uint64_t base = 0x100000;
    struct cache c, c2;

    init_ok(&c, &l1_lru);
    CHECK_EQ(c.sets, 64);
    sweep(&c, base, 16 << 10, 64, 4);               /* 256 lines, 4 per set */
    check_stats(&c, 768, 256, 0, 0);
    cache_destroy(&c);

    init_ok(&c, &l1_lru);                           /* word by word: 16 per line */
    sweep(&c, base, 16 << 10, 4, 4);
    check_stats(&c, 4 * 4096 - 256, 256, 0, 0);
    cache_destroy(&c);

    init_ok(&c, &l1_lru);                           /* exactly the capacity */
    sweep(&c, base, 32 << 10, 64, 4);
    check_stats(&c, 3 * 512, 512, 0, 0);
    cache_destroy(&c);

    init_ok(&c, &l1_lru);                           /* one line per set too many */
    sweep(&c, base, 36 << 10, 64, 4);
    check_stats(&c, 0, 4 * 576, 4 * 576 - 512, 0);
    cache_destroy(&c);

    init_ok(&c, &l1_lru);
    sweep(&c, base, 64 << 10, 64, 4);               /* 1024 lines, 16 per set */
    check_stats(&c, 0, 4096, 4096 - 512, 0);
    cache_destroy(&c);

    init_ok(&c, &l1_fifo);
    sweep(&c, base, 64 << 10, 64, 4);
    check_stats(&c, 0, 4096, 4096 - 512, 0);
    cache_destroy(&c);

    init_ok(&c, &l1_rand);
    init_ok(&c2, &l1_rand);
    sweep(&c, base, 64 << 10, 64, 4);
    sweep(&c2, base, 64 << 10, 64, 4);
    CHECK(c.stats.hits > 0);
    CHECK_EQ(c.stats.hits + c.stats.misses, 4096);
    CHECK_EQ(c.stats.hits, c2.stats.hits);          /* and repeatably so */
    CHECK_EQ(c.stats.evictions, c.stats.misses - 512);
    cache_destroy(&c);
    cache_destroy(&c2);
}

int main(void)
{
    test_compulsory_and_hits();
    test_lru_order();
    test_fifo_order();
    test_random();
    test_dirty_victims();
    test_absent();
    test_geometry();
    test_latencies();
    test_dirty_chain();
    test_writeback_cascade();
    test_ifetch_and_kinds();
    test_absent_levels();
    test_hierarchy_errors();
    test_sweeps();
    return CHECK_DONE();
}

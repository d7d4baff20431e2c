/*
 * test_cache.c — one cache: hit/miss, LRU/FIFO/RANDOM victims, dirty
 * victims, an absent cache, the geometry rules and working-set sweeps
 * (the LRU cliff), with every expected counter worked out by hand from the
 * geometry.  The L1I/L1D -> L2 -> LLC -> DRAM hierarchy is tested in
 * test_cache_hierarchy.c.
 *
 * The small cache is 2-way, 4 sets, 16-byte lines (128 bytes): the set is
 * bits 4-5 of the address, so 0x00, 0x40, 0x80, ... all fall in set 0.
 * Stamps are written out as "(n)" in the comments where a victim depends
 * on them.
 */
#include "tests/unit/cache_fixture.h"

#include <stdint.h>
#include <stdlib.h>

#define NONE UINT64_MAX

static const struct cache_config small_lru    = { 128, 2, 16, 4, REPL_LRU };
static const struct cache_config small_fifo   = { 128, 2, 16, 4, REPL_FIFO };
static const struct cache_config small_random = { 128, 2, 16, 4, REPL_RANDOM };

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
        same &= c1.keys[i] == c2.keys[i];           /* tag and validity */
        same &= c1.dirty[i] == c2.dirty[i];
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
            CHECK(c.keys == NULL);
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
    test_sweeps();
    return CHECK_DONE();
}

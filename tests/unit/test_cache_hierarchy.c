/*
 * test_cache_hierarchy.c — the L1I/L1D -> L2 -> LLC -> DRAM hierarchy:
 * latencies by the level that hits, write-backs down the chain and their
 * cascades within one access, instruction fetches and page walks, absent
 * levels and failed set-up, with every expected counter worked out by hand
 * from the geometry.  One cache on its own is tested in test_cache.c.
 */
#include "tests/unit/cache_fixture.h"

#include <stdint.h>

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
    CHECK(h.l1i.keys == NULL && h.l1d.keys == NULL);
    mem_hierarchy_destroy(&h);

    CHECK_EQ(mem_hierarchy_init(&h, &bad_line, &h_l1, &h_l2, &h_llc, DRAM_LAT,
                                err, sizeof err), -1);
    CHECK_STR(err, "l1i: line 24 is not a power of two >= 16");
    mem_hierarchy_destroy(&h);
}

int main(void)
{
    test_latencies();
    test_dirty_chain();
    test_writeback_cascade();
    test_ifetch_and_kinds();
    test_absent_levels();
    test_hierarchy_errors();
    return CHECK_DONE();
}

/*
 * test_tlb.c — the TLB on its own: replacement policies (LRU, FIFO,
 * deterministic random) worked out by hand, absent levels, and the
 * lookup/insert/flush contract.  (The walker's use of the TLBs is in
 * test_mmu.c.)
 */
#include "mmu/tlb.h"
#include "tests/unit/check.h"

/* One 4-way set: vpns 0x10, 0x20, ... all map to set 0 of a 1-set TLB. */
static int present(struct tlb *t, uint32_t vpn)
{
    for (unsigned i = 0; i < t->nr_entries; i++)
        if ((t->entries[i].flags & TLB_VALID) && t->entries[i].vpn == vpn)
            return 1;
    return 0;
}

static void fill_abcd(struct tlb *t)
{
    for (uint32_t v = 1; v <= 4; v++)       /* A=1 B=2 C=3 D=4 */
        tlb_insert(t, v, 100 + v, TLB_USER);
}

static void test_lru(void)
{
    struct tlb t;
    CHECK_EQ(tlb_init(&t, "lru", 4, 4, REPL_LRU), 0);
    fill_abcd(&t);
    CHECK(tlb_lookup(&t, 1) != NULL);       /* A used: B is now the oldest */
    tlb_insert(&t, 5, 105, 0);
    CHECK(!present(&t, 2));
    CHECK(present(&t, 1) && present(&t, 3) && present(&t, 4) && present(&t, 5));
    CHECK_EQ(t.stats.evictions, 1);
    tlb_destroy(&t);
}

static void test_fifo(void)
{
    struct tlb t;
    CHECK_EQ(tlb_init(&t, "fifo", 4, 4, REPL_FIFO), 0);
    fill_abcd(&t);
    CHECK(tlb_lookup(&t, 1) != NULL);       /* a hit does not make A younger */
    tlb_insert(&t, 5, 105, 0);
    CHECK(!present(&t, 1));                 /* A was filled first: it goes */
    CHECK(present(&t, 2) && present(&t, 5));
    tlb_insert(&t, 6, 106, 0);
    CHECK(!present(&t, 2));                 /* then B */
    tlb_destroy(&t);
}

/* The random victim depends only on the fixed seed: two TLBs fed the same
 * sequence end with the same contents, and over many conflicts every way
 * gets evicted (it is not stuck on one). */
static void test_random(void)
{
    struct tlb a, b;
    CHECK_EQ(tlb_init(&a, "r", 4, 4, REPL_RANDOM), 0);
    CHECK_EQ(tlb_init(&b, "r", 4, 4, REPL_RANDOM), 0);
    unsigned evicted_way[4] = { 0 };
    fill_abcd(&a);
    fill_abcd(&b);
    for (uint32_t v = 10; v < 200; v++) {
        struct tlb_entry before[4];
        for (int i = 0; i < 4; i++)
            before[i] = a.entries[i];
        tlb_insert(&a, v, v, 0);
        tlb_insert(&b, v, v, 0);
        for (int i = 0; i < 4; i++)
            if (before[i].vpn != a.entries[i].vpn)
                evicted_way[i]++;
    }
    int same = 1;
    for (int i = 0; i < 4; i++)
        same &= a.entries[i].vpn == b.entries[i].vpn;
    CHECK(same);
    for (int i = 0; i < 4; i++)
        CHECK(evicted_way[i] > 20);         /* 190 evictions spread over 4 ways */
    CHECK_EQ(a.stats.evictions, 190);
    tlb_destroy(&a);
    tlb_destroy(&b);
}

static void test_absent_and_flush(void)
{
    struct tlb t;
    CHECK_EQ(tlb_init(&t, "none", 0, 0, REPL_LRU), 0);     /* absent level */
    tlb_insert(&t, 1, 1, 0);
    CHECK(tlb_lookup(&t, 1) == NULL);
    CHECK_EQ(t.stats.misses, 0);            /* an absent level counts nothing */
    tlb_destroy(&t);

    CHECK_EQ(tlb_init(&t, "g", 8, 2, REPL_LRU), 0);
    tlb_insert(&t, 1, 11, TLB_GLOBAL);
    tlb_insert(&t, 2, 12, 0);
    tlb_flush_all(&t, 1);                   /* keep global */
    CHECK(present(&t, 1) && !present(&t, 2));
    tlb_flush_page(&t, 1);
    CHECK(!present(&t, 1));
    tlb_insert(&t, 3, 13, TLB_GLOBAL);
    tlb_flush_all(&t, 0);
    CHECK(!present(&t, 3));
    CHECK_EQ(t.stats.flushes, 2);
    tlb_destroy(&t);
}

int main(void)
{
    test_lru();
    test_fifo();
    test_random();
    test_absent_and_flush();
    return CHECK_DONE();
}

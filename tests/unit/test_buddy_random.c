/*
 * test_buddy_random.c — the buddy allocator under long random sequences of
 * allocations and frees (every gfp mask, orders 0..MAX_ORDER-1, frees
 * through free_pages and through the refcount) on 64 MiB, 256 MiB and
 * 1 GiB: every block aligned, in an allowed zone, disjoint from live and
 * reserved frames, zeroed when asked; a failure only when no allowed zone
 * has a big enough block; free + live constant; buddy_check clean (which
 * includes the migrate types: every block on the list its page records,
 * the per-type lists adding up to nr_free, a free pageblock-sized block on
 * its pageblock's type); each allocation takes the smallest block of its
 * own migrate type in the zone it lands in when there is one, and falls
 * back to another type only when there is none; the requests of every
 * migrate type make pageblocks change type; and all memory merged back to exactly the boot
 * free lists at the end.  4 MiB is too small to group by mobility.
 */
#include "tests/unit/buddy_fixture.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* An allocation still held. */
struct live {
    uint32_t pfn;
    uint8_t order;
};

/* One run: the allocator, what it has handed out, what happened. */
struct rnd {
    struct env e;
    uint8_t *owned;                     /* per pfn: part of a live allocation */
    struct live *live;
    uint32_t nlive, live_pages, failures, fallback_dma, highmem, errors, fallbacks;
    uint32_t seed;
};

static const gfp_t gfp_choices[] = {
    GFP_KERNEL, GFP_USER, GFP_HIGHUSER, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC,
    __GFP_DMA, GFP_KERNEL | __GFP_ZERO, GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
    GFP_KERNEL | __GFP_RECLAIMABLE, __GFP_DMA | __GFP_MOVABLE,
};

/* Pageblocks of each migrate type. */
static void count_blocks(const struct rnd *r, uint32_t n[MIGRATE_TYPES])
{
    memset(n, 0, MIGRATE_TYPES * sizeof *n);
    for (uint32_t pfn = 0; pfn < r->e.pm.nr_pages; pfn += pageblock_nr_pages)
        n[get_pageblock_migratetype(&r->e.pgdat, pfn)]++;
}

static void rnd_error(struct rnd *r, const char *what, uint32_t pfn, unsigned order)
{
    if (r->errors++ < 5)
        fprintf(stderr, "random: %s (pfn %#x order %u)\n", what, pfn, order);
}

/* A failed request is only right if no allowed zone has a big enough block. */
static int could_have_served(const struct rnd *r, gfp_t gfp, unsigned order)
{
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        if ((gfp & __GFP_DMA) && z != ZONE_DMA)
            continue;
        if (!(gfp & __GFP_HIGHMEM) && z == ZONE_HIGHMEM)
            continue;
        for (unsigned o = order; o < MAX_ORDER; o++)
            if (zone_of(&r->e, (enum zone_type)z)->free_area[o].nr_free)
                return 1;
    }
    return 0;
}

static void check_new_block(struct rnd *r, gfp_t gfp, uint32_t pfn, unsigned order)
{
    uint32_t size = 1u << order, last = pfn + size - 1;

    if ((pfn & (size - 1)) || last >= r->e.pm.nr_pages || pfn_zone(pfn) != pfn_zone(last))
        rnd_error(r, "block misaligned or crossing a zone", pfn, order);
    if ((gfp & __GFP_DMA) && pfn_zone(pfn) != ZONE_DMA)
        rnd_error(r, "__GFP_DMA block outside DMA", pfn, order);
    if (!(gfp & __GFP_HIGHMEM) && pfn_zone(pfn) == ZONE_HIGHMEM)
        rnd_error(r, "lowmem request got HighMem", pfn, order);
    for (uint32_t i = 0; i < size && last < r->e.pm.nr_pages; i++) {
        if (r->owned[pfn + i] || (pfn_to_page(&r->e.pm, pfn + i)->flags & PG_reserved))
            rnd_error(r, "block overlaps a live or reserved frame", pfn + i, order);
        r->owned[pfn + i] = 1;
    }
    uint8_t *host = pfn_to_host(&r->e.pm, pfn);
    if ((gfp & __GFP_ZERO) && (host[0] || host[((size_t)size << PAGE_SHIFT) - 1]))
        rnd_error(r, "__GFP_ZERO block not zeroed", pfn, order);
    host[0] = 0xee;                     /* dirty it for the next zeroing check */
    host[((size_t)size << PAGE_SHIFT) - 1] = 0xee;
}

/* What __rmqueue_smallest would take in each zone for a request of type
 * mt: the head of the smallest non-empty list of mt at order >= order. */
static void own_type_heads(const struct rnd *r, int mt, unsigned order,
                           uint32_t head[MAX_NR_ZONES])
{
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        const struct zone *zone = zone_of(&r->e, (enum zone_type)z);
        head[z] = PFN_NONE;
        for (unsigned o = order; o < MAX_ORDER && head[z] == PFN_NONE; o++)
            head[z] = zone->free_area[o].free_list[mt];
    }
}

static void rnd_alloc(struct rnd *r)
{
    uint32_t x = xorshift32(&r->seed);
    unsigned order = (x & 3) == 0 ? (x >> 2) % MAX_ORDER : (x >> 2) % 4;
    gfp_t gfp = gfp_choices[(x >> 8) % (sizeof(gfp_choices) / sizeof(gfp_choices[0]))];
    uint32_t own[MAX_NR_ZONES];
    own_type_heads(r, gfp_migratetype(&r->e.pgdat, gfp), order, own);
    uint32_t pfn = alloc_pages(&r->e.pgdat, gfp, order, PURPOSE_TEST);
    /* Its own type first, smallest order first: a fallback to another
     * type only when the zone had no block of the request's type. */
    if (pfn != PFN_NONE && own[pfn_zone(pfn)] != PFN_NONE && pfn != own[pfn_zone(pfn)])
        rnd_error(r, "not the smallest block of the request's own type", pfn, order);
    if (pfn != PFN_NONE && own[pfn_zone(pfn)] == PFN_NONE)
        r->fallbacks++;

    if (pfn == PFN_NONE) {
        r->failures++;
        if (could_have_served(r, gfp, order))
            rnd_error(r, "allocation failed with a block free", 0, order);
        return;
    }
    check_new_block(r, gfp, pfn, order);
    if (!(gfp & __GFP_DMA) && pfn_zone(pfn) == ZONE_DMA)
        r->fallback_dma++;
    if (pfn_zone(pfn) == ZONE_HIGHMEM)
        r->highmem++;
    r->live[r->nlive++] = (struct live){ pfn, (uint8_t)order };
    r->live_pages += 1u << order;
}

static void rnd_free(struct rnd *r)
{
    uint32_t x = xorshift32(&r->seed), i = x % r->nlive;
    struct live l = r->live[i];

    r->live[i] = r->live[--r->nlive];
    r->live_pages -= 1u << l.order;
    for (uint32_t k = 0; k < (1u << l.order); k++)
        r->owned[l.pfn + k] = 0;
    if ((x >> 16) & 1) {                /* through the refcount path */
        get_page(&r->e.pgdat, l.pfn);
        put_page(&r->e.pgdat, l.pfn);
        put_page(&r->e.pgdat, l.pfn);
    } else {
        free_pages(&r->e.pgdat, l.pfn, l.order);
    }
}

static void test_random(uint64_t size, unsigned ops, unsigned check_every, uint32_t seed)
{
    struct rnd r = { .seed = seed };
    uint32_t init_n[MAX_NR_ZONES][MAX_ORDER], now[MAX_ORDER];

    if (env_init(&r.e, size, NULL) < 0)
        return;
    uint32_t initial = nr_free_pages(&r.e.pgdat);
    r.owned = calloc(r.e.pm.nr_pages, 1);
    r.live = calloc(r.e.pm.nr_pages, sizeof(*r.live));
    for (int z = 0; z < MAX_NR_ZONES; z++)
        snapshot(zone_of(&r.e, (enum zone_type)z), init_n[z]);

    for (unsigned op = 0; op < ops; op++) {
        if (r.nlive == 0 || xorshift32(&r.seed) % 100 < 60)
            rnd_alloc(&r);
        else
            rnd_free(&r);
        if (nr_free_pages(&r.e.pgdat) + r.live_pages != initial)
            rnd_error(&r, "free + live != initial", 0, 0);
        if (op % check_every == 0 && !consistent(&r.e.pgdat))
            rnd_error(&r, "buddy_check failed", 0, 0);
    }
    CHECK_EQ(r.errors, 0);
    uint32_t blocks[MIGRATE_TYPES];
    count_blocks(&r, blocks);
    CHECK_EQ(r.e.pgdat.page_group_by_mobility_disabled, size < 32 * MiB);
    /* Unmovable requests stole movable pageblocks (at 4 MiB, every one
     * does); reclaimable ones only where mobility is grouped. */
    CHECK(blocks[MIGRATE_UNMOVABLE] > 0);
    CHECK(blocks[MIGRATE_RECLAIMABLE] > 0 || size < 32 * MiB);
    CHECK(blocks[MIGRATE_HIGHATOMIC] == 0 && blocks[MIGRATE_ISOLATE] == 0);
    CHECK(r.fallbacks > 0);                      /* the fallback path ran */
    CHECK(r.failures > 0 || size > 64 * MiB);    /* small RAM ran out */
    CHECK(r.fallback_dma > 0 || size > 64 * MiB);
    CHECK(r.highmem > 0 || size <= 896 * MiB);
    while (r.nlive)
        rnd_free(&r);
    CHECK_EQ(nr_free_pages(&r.e.pgdat), initial);
    CHECK(consistent(&r.e.pgdat));
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        snapshot(zone_of(&r.e, (enum zone_type)z), now);
        CHECK_EQ(now[MAX_ORDER - 1], init_n[z][MAX_ORDER - 1]);
        CHECK(memcmp(now, init_n[z], sizeof(now)) == 0);
    }
    free(r.owned);
    free(r.live);
    physmem_destroy(&r.e.pm);
}

int main(void)
{
    test_random(4 * MiB, 2000, 1, 0x1b873593u);
    test_random(64 * MiB, 4000, 1, 0x2545f491u);
    test_random(256 * MiB, 3000, 4, 0x9e3779b9u);
    test_random(1 * GiB, 3000, 16, 0xdeadbeefu);
    return CHECK_DONE();
}

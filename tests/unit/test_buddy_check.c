/*
 * test_buddy_check.c — watching the buddy allocator from outside:
 * buddy_check catching each kind of corruption of the free lists and the
 * mem_map, the bootmem and buddy events on the event stream, and /proc/buddyinfo.
 *
 * Expected lines are worked out by hand from the boot layout (see
 * test_buddy.c), not read back from the implementation.
 */
#include "tests/unit/buddy_fixture.h"

#include <stdint.h>
#include <string.h>

/* ---- buddy_check catches corruption ------------------------------------- */

static void test_buddy_check_detects(void)
{
    struct env e;
    char err[256];

    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    struct zone *normal = &e.pgdat.node_zones[ZONE_NORMAL];
    uint32_t pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    struct page *pg = pfn_to_page(&e.pm, pfn), *buddy = pfn_to_page(&e.pm, pfn ^ 1);

    buddy->flags &= ~(uint32_t)PG_buddy;
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    buddy->flags |= PG_buddy;
    normal->free_area[3].nr_free++;
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    normal->free_area[3].nr_free--;
    CHECK(consistent(&e.pgdat));

    /* A tail inside a free order-10 block marked in use. */
    uint32_t block10 = normal->free_area[10].free_list[MIGRATE_MOVABLE];
    struct page *tail = pfn_to_page(&e.pm, block10 + 17);
    tail->_refcount = 1;
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    tail->_refcount = 0;

    /* Migrate types: a block that says it is on another list, a free
     * pageblock whose type changed without it moving, a stale tail. */
    struct page *head10 = pfn_to_page(&e.pm, block10);
    head10->migratetype = MIGRATE_RECLAIMABLE;
    err[0] = '\0';
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    CHECK(strstr(err, "migratetype") != NULL);
    head10->migratetype = MIGRATE_MOVABLE;
    e.pgdat.pageblock_mt[block10 >> pageblock_order] = MIGRATE_RECLAIMABLE;
    err[0] = '\0';
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    CHECK(strstr(err, "another type") != NULL);
    e.pgdat.pageblock_mt[block10 >> pageblock_order] = MIGRATE_MOVABLE;
    uint32_t tail10 = normal->free_area[10].free_tail[MIGRATE_MOVABLE];
    normal->free_area[10].free_tail[MIGRATE_MOVABLE] = block10 == tail10 ? PFN_NONE : block10;
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    normal->free_area[10].free_tail[MIGRATE_MOVABLE] = tail10;
    CHECK(consistent(&e.pgdat));

    /* A frame marked free but on no list (its buddy is allocated, so only
     * the mem_map scan can notice). */
    uint32_t p2 = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(p2, pfn ^ 1);
    struct page *orphan = pfn_to_page(&e.pm, p2);
    orphan->flags = PG_buddy;
    orphan->_refcount = 0;
    orphan->purpose = PURPOSE_NONE;
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    free_pages(&e.pgdat, p2, 0);                    /* refused: looks free */
    orphan->flags = 0;
    orphan->_refcount = 1;
    free_pages(&e.pgdat, p2, 0);
    CHECK(consistent(&e.pgdat));

    /* Put the allocated page on the order-0 list by hand, unmerged with its
     * free buddy: the check must see two free buddies. */
    pg->_refcount = 0;
    pg->purpose = PURPOSE_NONE;
    pg->flags = PG_buddy;
    pg->order = 0;
    pg->migratetype = MIGRATE_UNMOVABLE;
    pg->prev = PFN_NONE;
    pg->next = normal->free_area[0].free_list[MIGRATE_UNMOVABLE];
    pfn_to_page(&e.pm, pg->next)->prev = pfn;
    normal->free_area[0].free_list[MIGRATE_UNMOVABLE] = pfn;
    normal->free_area[0].nr_free++;
    normal->free_pages++;
    err[0] = '\0';
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    CHECK(strstr(err, "merged") != NULL);
    physmem_destroy(&e.pm);
}

/* ---- events -------------------------------------------------------------- */

struct rec {
    unsigned n;
    struct alloc_event ev[16];
};

static void record(void *ctx, const struct event *ev)
{
    struct rec *r = ctx;

    if (ev->type != EV_ALLOC && ev->type != EV_FREE)
        return;
    if (r->n < 16)
        r->ev[r->n] = ev->u.alloc;
    r->n++;
}

static int event_is(const struct rec *r, unsigned i, const char *allocator,
                    const char *op, unsigned order, uint32_t pfn,
                    const char *zone, const char *purpose)
{
    if (i >= r->n || i >= 16)
        return 0;
    const struct alloc_event *ev = &r->ev[i];

    return !strcmp(alloc_allocator_name(ev->allocator), allocator) &&
           !strcmp(alloc_op_name(ev->op), op) && ev->order == order && ev->pfn == pfn &&
           !strcmp(ev->zone, zone) && !strcmp(ev->purpose, purpose);
}

static void test_alloc_events(void)
{
    struct rec r = { 0 };
    struct env e;

    if (env_init(&e, 64 * MiB, test_stream(&r, record)) < 0)
        return;
    /* bootmem's rows (ord = get_order(size), addr = PAGE_OFFSET + phys):
     * the early reservations, mem_map (64 Ki frames * 32 bytes), the two
     * zones' pageblock flags packed into one frame (4 bytes for DMA's 4
     * pageblocks, then 8 for Normal's 12 at the next 64-byte boundary), the
     * bitmap's free at mem_init; then buddy's own rows, with their GFP. */
    CHECK_EQ(r.n, 7);
    CHECK(event_is(&r, 0, "bootmem", "reserve", 8, 0, "DMA", "firmware"));
    CHECK(event_is(&r, 1, "bootmem", "reserve", 9, 256, "DMA", "kernel-image"));
    CHECK(event_is(&r, 2, "bootmem", "reserve", 0, 768, "DMA", "bootmem-map"));
    CHECK(event_is(&r, 3, "bootmem", "alloc", 7, 769, "DMA", "mem_map"));
    CHECK(event_is(&r, 4, "bootmem", "alloc", 0, 897, "DMA", "pageblock-flags"));
    CHECK(event_is(&r, 5, "bootmem", "alloc", 0, 897, "DMA", "pageblock-flags"));
    CHECK(event_is(&r, 6, "bootmem", "free", 0, 768, "DMA", "bootmem-map"));
    CHECK_EQ(r.ev[0].addr, 0xc0000000u);
    CHECK_EQ(r.ev[3].addr, 0xc0301000u);
    CHECK_EQ(r.ev[4].addr, 0xc0381000u);
    CHECK_EQ(r.ev[5].addr, 0xc0381040u);
    CHECK(r.ev[0].gfp == NULL && r.ev[6].gfp == NULL);

    uint32_t p = alloc_pages(&e.pgdat, GFP_HIGHUSER_MOVABLE, 2, PURPOSE_ANON);
    CHECK_EQ(r.n, 8);
    CHECK(event_is(&r, 7, "buddy", "alloc", 2, p, "Normal", "anon"));
    CHECK_STR(r.ev[7].gfp, "GFP_HIGHUSER_MOVABLE");
    free_pages(&e.pgdat, p, 2);
    CHECK_EQ(r.n, 9);
    CHECK(event_is(&r, 8, "buddy", "free", 2, p, "Normal", "anon"));
    CHECK(r.ev[8].gfp == NULL);
    free_pages(&e.pgdat, p, 2);         /* refused double free: no event */
    CHECK_EQ(r.n, 9);

    uint32_t d = alloc_pages(&e.pgdat, __GFP_DMA | __GFP_ZERO, 0, PURPOSE_PAGETABLE);
    CHECK(event_is(&r, 9, "buddy", "alloc", 0, d, "DMA", "pagetable"));
    CHECK_STR(r.ev[9].gfp, "GFP_DMA|__GFP_ZERO");
    get_page(&e.pgdat, d);
    put_page(&e.pgdat, d);
    CHECK_EQ(r.n, 10);                  /* still referenced: nothing freed */
    put_page(&e.pgdat, d);
    CHECK_EQ(r.n, 11);
    CHECK(event_is(&r, 10, "buddy", "free", 0, d, "DMA", "pagetable"));
    CHECK_EQ(alloc_pages(&e.pgdat, GFP_KERNEL, MAX_ORDER, PURPOSE_TEST), PFN_NONE);
    CHECK_EQ(r.n, 11);                  /* failures are not events */
    physmem_destroy(&e.pm);

    /* A stream without sinks is fine. */
    if (env_init(&e, 8 * MiB, test_stream(NULL, NULL)) == 0) {
        uint32_t q = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
        CHECK(q != PFN_NONE);
        free_pages(&e.pgdat, q, 0);
        CHECK(consistent(&e.pgdat));
        physmem_destroy(&e.pm);
    }
}

/* ---- /proc/buddyinfo ----------------------------------------------------- */

static void test_buddyinfo(void)
{
    struct env e;
    char buf[1024];

    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    /* Boot lists on 64 MiB: DMA frees bootmem's bitmap frame 768 (order 0)
     * and [898, 4096) = orders 1..6 (898, 900, 904, 912, 928, 960) and three
     * order 10; Normal is twelve order-10 blocks. */
    const char *want =
        "Node 0, zone      DMA      1      1      1      1      1      1      1      0      0      0      3 \n"
        "Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0     12 \n";
    CHECK_EQ(buddyinfo_format(&e.pgdat, buf, sizeof(buf)), strlen(want));
    CHECK_STR(buf, want);
    CHECK_EQ(buddyinfo_format(&e.pgdat, buf, 50), -1);
    CHECK_EQ(strlen(buf), 49);                      /* truncated to a prefix */
    CHECK(strncmp(buf, want, 49) == 0);
    physmem_destroy(&e.pm);

    if (env_init(&e, 1 * GiB, NULL) < 0)
        return;
    CHECK(buddyinfo_format(&e.pgdat, buf, sizeof(buf)) > 0);
    const char *hm = strstr(buf, "Node 0, zone  HighMem      0");
    CHECK(hm != NULL);
    CHECK(hm && strcmp(hm + strlen(hm) - 8, "    32 \n") == 0);  /* 32768 / 1024 */
    physmem_destroy(&e.pm);
}

int main(void)
{
    test_buddy_check_detects();
    test_alloc_events();
    test_buddyinfo();
    return CHECK_DONE();
}

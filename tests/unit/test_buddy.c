/*
 * test_buddy.c — physical memory, the memblock boot and the buddy allocator:
 * zone layout and watermarks at boot, splitting and merging, page state on
 * alloc and free, refcounts, __GFP_ZERO, zonelists, watermark fallback and
 * exhaustion.  Random sequences are in test_buddy_random.c; buddy_check,
 * the allocation events and /proc/buddyinfo in test_buddy_check.c.
 *
 * Expected numbers are worked out by hand from the i386 rules (zone bounds,
 * 1 MiB firmware + 2 MiB image + nr_pages*32 bytes of mem_map, the
 * min_free_kbytes formula), not read back from the implementation.
 */
#include "tests/unit/buddy_fixture.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

/* ---- physmem ------------------------------------------------------------ */

static void test_physmem(void)
{
    struct physmem pm;
    char err[128] = "";

    CHECK(physmem_init(&pm, 2 * MiB, err, sizeof(err)) == -1);
    CHECK(err[0] != '\0');

    CHECK(physmem_init(&pm, 8 * MiB + 100, err, sizeof(err)) == 0);
    CHECK_EQ(pm.size, 8 * MiB);
    CHECK_EQ(pm.nr_pages, 2048);
    CHECK(pm.memfd >= 0);
    int fresh = 1;
    for (uint32_t pfn = 0; pfn < pm.nr_pages; pfn++) {
        const struct page *p = pfn_to_page(&pm, pfn);
        if (p->_refcount != 0 || p->mapcount != 0 || pfn_zone(pfn) != ZONE_DMA || p->flags)
            fresh = 0;
    }
    CHECK(fresh);
    CHECK_EQ(page_to_pfn(&pm, pfn_to_page(&pm, 1234)), 1234);

    /* The frame seen through pm->base and through a fresh alias of the
     * memfd are the same bytes: that is what emu/ relies on. */
    uint8_t *frame = pfn_to_host(&pm, 5);
    frame[7] = 0x5a;
    uint8_t *alias = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                          pm.memfd, 5u << PAGE_SHIFT);
    CHECK(alias != MAP_FAILED);
    if (alias != MAP_FAILED) {
        CHECK_EQ(alias[7], 0x5a);
        alias[8] = 0xa5;
        CHECK_EQ(frame[8], 0xa5);
        munmap(alias, PAGE_SIZE);
    }
    physmem_destroy(&pm);
    CHECK(pm.base == NULL && pm.mem_map == NULL && pm.memfd == -1);

    CHECK(physmem_init(&pm, 1 * GiB, err, sizeof(err)) == 0);
    CHECK_EQ(pfn_zone(4095), ZONE_DMA);
    CHECK_EQ(pfn_zone(4096), ZONE_NORMAL);
    CHECK_EQ(pfn_zone(229375), ZONE_NORMAL);
    CHECK_EQ(pfn_zone(229376), ZONE_HIGHMEM);
    physmem_destroy(&pm);

    CHECK_STR(page_purpose_name(PURPOSE_ANON), "anon");
    CHECK_STR(page_purpose_name(PURPOSE_PAGETABLE), "pagetable");
    CHECK_STR(page_purpose_name(PURPOSE_MEM_MAP), "mem_map");
    CHECK_STR(page_purpose_name((enum page_purpose)99), "unknown");
    CHECK_STR(zone_name(ZONE_HIGHMEM), "HighMem");
    CHECK_EQ(pfn_zone(0), ZONE_DMA);
    CHECK_EQ(pfn_zone(4096), ZONE_NORMAL);
    CHECK_EQ(pfn_zone(229376), ZONE_HIGHMEM);
}

/* ---- boot layout -------------------------------------------------------- */

struct boot_case {
    uint64_t size;
    uint32_t span[MAX_NR_ZONES];
    uint32_t map_pages, mem_map_pages, reserved;
    uint32_t wmark[MAX_NR_ZONES][3];        /* min, low, high */
};

/* Frames 0..255 firmware, 256..767 the image, then bootmem's bitmap (free
 * again since mem_init), mem_map, and one frame of pageblock flags. */
static void check_reserved_frames(const struct env *e, const struct boot_case *c)
{
    int ok = 1;
    uint32_t map_end = 768 + c->map_pages, end = map_end + c->mem_map_pages + 1;

    for (uint32_t pfn = 0; pfn < end + 8; pfn++) {
        const struct page *p = pfn_to_page(&e->pm, pfn);
        int reserved = pfn < 768 || (pfn >= map_end && pfn < end);
        enum page_purpose want = pfn < 256 ? PURPOSE_FIRMWARE :
                                 pfn < 768 ? PURPOSE_KERNEL_IMAGE :
                                 pfn < end - 1 ? PURPOSE_MEM_MAP : PURPOSE_PAGEBLOCK_FLAGS;
        if (reserved && (!(p->flags & PG_reserved) || p->_refcount != 1 || p->purpose != want))
            ok = 0;
        if (!reserved && (p->flags & PG_reserved))
            ok = 0;
    }
    CHECK(ok);
    /* The bitmap's first frame and the first frame after the
     * reservations head free blocks. */
    CHECK(pfn_to_page(&e->pm, 768)->flags & PG_buddy);
    CHECK(pfn_to_page(&e->pm, end)->flags & PG_buddy);
}

static void test_boot(const struct boot_case *c)
{
    struct env e;

    if (env_init(&e, c->size, NULL) < 0)
        return;
    uint32_t nr = (uint32_t)(c->size >> PAGE_SHIFT);
    static const uint32_t start[MAX_NR_ZONES] = { 0, 4096, 229376 };
    uint32_t managed = 0;

    for (int z = 0; z < MAX_NR_ZONES; z++) {
        const struct zone *zone = zone_of(&e, (enum zone_type)z);
        CHECK_EQ(zone->spanned_pages, c->span[z]);
        CHECK_STR(zone->name, zone_name((enum zone_type)z));
        if (c->span[z])
            CHECK_EQ(zone->zone_start_pfn, start[z]);
        CHECK_EQ(zone->free_pages, zone->managed_pages);
        CHECK_EQ(zone->watermark[WMARK_MIN], c->wmark[z][0]);
        CHECK_EQ(zone->watermark[WMARK_LOW], c->wmark[z][1]);
        CHECK_EQ(zone->watermark[WMARK_HIGH], c->wmark[z][2]);
        managed += zone->managed_pages;
    }
    /* All boot reservations sit in DMA. */
    CHECK_EQ(zone_of(&e, ZONE_DMA)->managed_pages, 4096 - c->reserved);
    CHECK_EQ(zone_of(&e, ZONE_NORMAL)->managed_pages, c->span[ZONE_NORMAL]);
    CHECK_EQ(e.pgdat.reserved_pages, c->reserved);
    CHECK_EQ(managed, nr - c->reserved);
    CHECK_EQ(nr_free_pages(&e.pgdat), nr - c->reserved);
    check_reserved_frames(&e, c);
    CHECK(consistent(&e.pgdat));
    physmem_destroy(&e.pm);
}

static void test_boot_cases(void)
{
    /*
     * bitmap = ceil(lowmem_pages / 8 bytes / 4096); mem_map =
     * ceil(nr_pages * 32 / 4096); reserved = 256 + 512 + mem_map + 1
     * (the pageblock flags; the bitmap is freed at mem_init).
     * min_free_kbytes = isqrt(lowmem_managed_kB * 16), split over DMA and
     * Normal by managed pages; d = max(share / 4, managed * 10 / 10000),
     * low = min + d, high = low + d (6.1):
     *   64 MiB: 3199 + 12288 managed -> 995 kB = 248 pages -> 51 / 196;
     *           d 12 / 49.
     *   256 MiB: 2815 + 61440 -> 2027 kB = 506 -> 22 / 483; d 5 / 120.
     *   1 GiB: 1279 + 225280 -> 3807 kB = 951 -> 5 / 945; d 1 / 236;
     *          HighMem min 32768 / 1024 = 32, share 951 * 32768 / 226559
     *          = 137, d max(34, 32) = 34.
     */
    static const struct boot_case cases[] = {
        { 64 * MiB,  { 4096, 12288, 0 }, 1, 128, 897,
          { { 51, 63, 75 }, { 196, 245, 294 }, { 32, 32, 32 } } },
        { 256 * MiB, { 4096, 61440, 0 }, 2, 512, 1281,
          { { 22, 27, 32 }, { 483, 603, 723 }, { 32, 32, 32 } } },
        { 1 * GiB,   { 4096, 225280, 32768 }, 7, 2048, 2817,
          { { 5, 6, 7 }, { 945, 1181, 1417 }, { 32, 66, 100 } } },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        test_boot(&cases[i]);
}

/* ---- splitting and merging ---------------------------------------------- */

static void test_split_exact(void)
{
    struct env e;
    uint32_t before[MAX_ORDER], after[MAX_ORDER], dma_before[MAX_ORDER];

    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    const struct zone *normal = zone_of(&e, ZONE_NORMAL);
    const struct zone *dma = zone_of(&e, ZONE_DMA);
    snapshot(normal, before);
    snapshot(dma, dma_before);
    /* The boot freed to the tails: the lowest block comes first. */
    uint32_t head10 = normal->free_area[10].free_list[MIGRATE_MOVABLE];
    CHECK_EQ(head10, 4096);

    /* GFP_KERNEL is unmovable: with no unmovable block it falls back to
     * the largest movable one and, that being a whole pageblock, takes the
     * pageblock over. */
    uint32_t pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(pfn, head10);              /* the lowest frame of the split block */
    CHECK_EQ(get_pageblock_migratetype(&e.pgdat, pfn), MIGRATE_UNMOVABLE);
    snapshot(normal, after);
    CHECK_EQ(after[10], before[10] - 1);
    for (int o = 0; o < 10; o++)
        CHECK_EQ(after[o], before[o] + 1);
    CHECK_EQ(normal->free_area[0].free_list[MIGRATE_UNMOVABLE], pfn + 1);   /* its buddy */
    CHECK_EQ(normal->free_area[9].free_list[MIGRATE_UNMOVABLE], pfn + 512);
    snapshot(dma, after);
    CHECK(memcmp(after, dma_before, sizeof(after)) == 0);
    CHECK(consistent(&e.pgdat));

    free_pages(&e.pgdat, pfn, 0);       /* merges all the way back up */
    snapshot(normal, after);
    CHECK(memcmp(after, before, sizeof(after)) == 0);
    CHECK_EQ(normal->free_area[10].free_list[MIGRATE_UNMOVABLE], head10);  /* stays stolen */
    CHECK(consistent(&e.pgdat));

    /* DMA at boot frees 768 (bootmem's bitmap, order 0) and [898, 4096):
     * orders 1..6 at 898..960, three order 10 from 1024.  A movable DMA
     * request takes the smallest movable block, the bitmap's frame... */
    pfn = alloc_pages(&e.pgdat, __GFP_DMA | __GFP_MOVABLE, 0, PURPOSE_TEST);
    CHECK_EQ(pfn, 768);
    snapshot(dma, after);
    CHECK_EQ(after[0], dma_before[0] - 1);
    for (int o = 1; o < MAX_ORDER; o++)
        CHECK_EQ(after[o], dma_before[o]);
    /* ...an unmovable one steals the largest movable block whole. */
    pfn = alloc_pages(&e.pgdat, __GFP_DMA, 0, PURPOSE_TEST);
    CHECK_EQ(pfn, 1024);
    snapshot(dma, after);
    CHECK_EQ(after[0], dma_before[0]);
    for (int o = 1; o < 10; o++)
        CHECK_EQ(after[o], dma_before[o] + 1);
    CHECK_EQ(after[10], dma_before[10] - 1);
    CHECK(consistent(&e.pgdat));

    /* An order-3 request from fresh Normal leaves one more block of each
     * order 3..9. */
    snapshot(normal, before);
    uint32_t p3 = alloc_pages(&e.pgdat, GFP_KERNEL, 3, PURPOSE_TEST);
    snapshot(normal, after);
    CHECK_EQ(p3 & 7, 0);
    CHECK_EQ(after[10], before[10] - 1);
    for (int o = 0; o < 10; o++)
        CHECK_EQ(after[o], before[o] + (o >= 3));
    CHECK(consistent(&e.pgdat));
    physmem_destroy(&e.pm);
}

/* ---- page state on alloc and free --------------------------------------- */

static void test_page_state(void)
{
    struct env e;

    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    uint32_t pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 2, PURPOSE_TEST);
    struct page *head = pfn_to_page(&e.pm, pfn);
    CHECK(pfn != PFN_NONE);
    CHECK_EQ(head->_refcount, 1);
    CHECK_EQ(head->mapcount, 0);
    CHECK_EQ(head->flags, PG_head);
    CHECK_EQ(head->order, 2);
    CHECK_EQ(head->purpose, PURPOSE_TEST);
    CHECK_EQ(pfn_to_page(&e.pm, pfn + 3)->purpose, PURPOSE_TEST);
    CHECK_EQ(pfn_to_page(&e.pm, pfn + 3)->flags, 0);

    /* Freeing with the wrong order, or a tail, must not corrupt the lists. */
    uint32_t free_before = nr_free_pages(&e.pgdat);
    free_pages(&e.pgdat, pfn, 1);
    free_pages(&e.pgdat, pfn + 1, 0);
    free_pages(&e.pgdat, 0, 0);                     /* reserved firmware frame */
    free_pages(&e.pgdat, e.pm.nr_pages, 0);         /* out of range */
    CHECK_EQ(nr_free_pages(&e.pgdat), free_before);
    CHECK_EQ(pfn_to_page(&e.pm, 0)->flags, PG_reserved);
    CHECK(consistent(&e.pgdat));

    free_pages(&e.pgdat, pfn, 2);
    CHECK_EQ(nr_free_pages(&e.pgdat), free_before + 4);
    free_pages(&e.pgdat, pfn, 2);                   /* double free: refused */
    free_pages(&e.pgdat, pfn, 0);                   /* ...also as a single frame */
    free_pages(&e.pgdat, pfn + 1, 0);               /* ...or a frame of the merged block */
    CHECK_EQ(nr_free_pages(&e.pgdat), free_before + 4);
    CHECK(consistent(&e.pgdat));
    physmem_destroy(&e.pm);
}

static void test_reuse_and_refcount(void)
{
    struct env e;

    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    /* A user page comes back clean: flags, mapcount and purpose reset. */
    uint32_t p0 = alloc_pages(&e.pgdat, GFP_HIGHUSER_MOVABLE, 0, PURPOSE_ANON);
    struct page *pg = pfn_to_page(&e.pm, p0);
    CHECK_EQ(pg->flags, 0);
    pg->flags |= PG_anon | PG_dirty | PG_file | PG_pgtable | PG_zero;
    pg->mapcount = 3;
    pg->private = 77;
    free_pages(&e.pgdat, p0, 0);
    CHECK_EQ(pg->flags & ~(uint32_t)PG_buddy, 0);
    CHECK_EQ(pg->mapcount, 0);
    CHECK_EQ(pg->purpose, PURPOSE_NONE);
    uint32_t again = alloc_pages(&e.pgdat, GFP_HIGHUSER_MOVABLE, 0, PURPOSE_PAGECACHE);
    CHECK_EQ(again, p0);                            /* free lists are LIFO */
    CHECK_EQ(pg->flags, 0);
    CHECK_EQ(pg->private, 0);
    CHECK_EQ(pg->purpose, PURPOSE_PAGECACHE);

    /* get_page/put_page: the frame is freed at the last put only. */
    get_page(&e.pgdat, again);
    CHECK_EQ(pg->_refcount, 2);
    uint32_t nfree = nr_free_pages(&e.pgdat);
    put_page(&e.pgdat, again);
    CHECK_EQ(pg->_refcount, 1);
    CHECK_EQ(nr_free_pages(&e.pgdat), nfree);
    put_page(&e.pgdat, again);
    CHECK_EQ(nr_free_pages(&e.pgdat), nfree + 1);
    CHECK(pg->flags & PG_buddy);

    /* put_page on a compound head frees the whole block. */
    uint32_t p4 = alloc_pages(&e.pgdat, GFP_KERNEL, 4, PURPOSE_TEST);
    put_page(&e.pgdat, p4);
    CHECK_EQ(nr_free_pages(&e.pgdat), nfree + 1);
    CHECK(consistent(&e.pgdat));

    /* Invalid requests fail instead of guessing. */
    CHECK_EQ(alloc_pages(&e.pgdat, GFP_KERNEL, MAX_ORDER, PURPOSE_TEST), PFN_NONE);
    CHECK_EQ(alloc_pages(&e.pgdat, __GFP_DMA | __GFP_HIGHMEM, 0, PURPOSE_TEST), PFN_NONE);
    CHECK_EQ(nr_free_pages(&e.pgdat), nfree + 1);
    physmem_destroy(&e.pm);
}

static void test_put_page_underflow_aborts(void)
{
    fflush(NULL);
    pid_t pid = fork();

    if (pid == 0) {
        struct env e;
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        if (env_init(&e, 8 * MiB, NULL) < 0)
            _exit(2);
        uint32_t pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
        put_page(&e.pgdat, pfn);        /* frees it */
        put_page(&e.pgdat, pfn);        /* model bug: must abort */
        _exit(0);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

/* ---- __GFP_ZERO ---------------------------------------------------------- */

static void test_gfp_zero(void)
{
    struct env e;

    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    uint32_t pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    memset(pfn_to_host(&e.pm, pfn), 0xab, PAGE_SIZE);
    free_pages(&e.pgdat, pfn, 0);

    /* Without __GFP_ZERO the same dirty frame comes back as it was... */
    uint32_t p = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(p, pfn);
    uint8_t *b = pfn_to_host(&e.pm, p);
    CHECK(b[0] == 0xab && b[PAGE_SIZE - 1] == 0xab);
    free_pages(&e.pgdat, p, 0);

    /* ...with it, every byte is zero. */
    static const uint8_t zero[PAGE_SIZE];
    p = alloc_pages(&e.pgdat, GFP_KERNEL | __GFP_ZERO, 0, PURPOSE_TEST);
    CHECK_EQ(p, pfn);
    CHECK(memcmp(pfn_to_host(&e.pm, p), zero, PAGE_SIZE) == 0);
    free_pages(&e.pgdat, p, 0);

    /* An order-2 block: dirty all four frames, free, zero-alloc. */
    uint32_t q = alloc_pages(&e.pgdat, GFP_KERNEL, 2, PURPOSE_TEST);
    memset(pfn_to_host(&e.pm, q), 0xcd, 4 * PAGE_SIZE);
    free_pages(&e.pgdat, q, 2);
    CHECK_EQ(alloc_pages(&e.pgdat, GFP_KERNEL | __GFP_ZERO, 2, PURPOSE_TEST), q);
    int all_zero = 1;
    for (int i = 0; i < 4; i++)
        all_zero &= memcmp(pfn_to_host(&e.pm, q + i), zero, PAGE_SIZE) == 0;
    CHECK(all_zero);
    physmem_destroy(&e.pm);
}

/* ---- zonelists ----------------------------------------------------------- */

static void test_zonelist(void)
{
    struct env e;

    if (env_init(&e, 1 * GiB, NULL) < 0)
        return;
    CHECK_EQ(pfn_zone(alloc_pages(&e.pgdat, GFP_HIGHUSER_MOVABLE, 0, PURPOSE_ANON)), ZONE_HIGHMEM);
    CHECK_EQ(pfn_zone(alloc_pages(&e.pgdat, GFP_HIGHUSER, 5, PURPOSE_ANON)), ZONE_HIGHMEM);
    CHECK_EQ(pfn_zone(alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_KERNEL)), ZONE_NORMAL);
    CHECK_EQ(pfn_zone(alloc_pages(&e.pgdat, GFP_USER, 10, PURPOSE_KERNEL)), ZONE_NORMAL);
    CHECK_EQ(pfn_zone(alloc_pages(&e.pgdat, __GFP_DMA, 0, PURPOSE_KERNEL)), ZONE_DMA);
    physmem_destroy(&e.pm);

    /* Without HighMem, a HighMem request falls back to Normal. */
    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    CHECK_EQ(pfn_zone(alloc_pages(&e.pgdat, GFP_HIGHUSER_MOVABLE, 0, PURPOSE_ANON)), ZONE_NORMAL);
    physmem_destroy(&e.pm);
}

/* ---- watermarks, fallback and exhaustion --------------------------------- */

static void free_all(struct env *e, uint32_t *pfns, uint32_t n, uint32_t seed)
{
    /* In a shuffled order, so merging meets buddies in every arrangement. */
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = xorshift32(&seed) % i, t = pfns[i - 1];
        pfns[i - 1] = pfns[j];
        pfns[j] = t;
    }
    for (uint32_t i = 0; i < n; i++)
        free_pages(&e->pgdat, pfns[i], 0);
}

static void test_watermarks_and_exhaustion(void)
{
    struct env e;
    uint32_t init_n[MAX_NR_ZONES][MAX_ORDER], now[MAX_ORDER];

    if (env_init(&e, 64 * MiB, NULL) < 0)
        return;
    const struct zone *normal = zone_of(&e, ZONE_NORMAL), *dma = zone_of(&e, ZONE_DMA);
    uint32_t initial = nr_free_pages(&e.pgdat), n = 0, pfn;
    uint32_t *pfns = calloc(e.pm.nr_pages, sizeof(*pfns));
    for (int z = 0; z < MAX_NR_ZONES; z++)
        snapshot(zone_of(&e, (enum zone_type)z), init_n[z]);

    /* Fast path (6.1's low watermark): GFP_KERNEL takes from Normal down
     * to its low mark, then from DMA, which keeps its low mark plus
     * lowmem_reserve[Normal] = 12288 / 256 = 48 frames from requests that
     * could have used Normal. */
    CHECK_EQ(dma->lowmem_reserve[ZONE_NORMAL], 48);
    CHECK_EQ(dma->lowmem_reserve[ZONE_HIGHMEM], 48);
    CHECK_EQ(normal->lowmem_reserve[ZONE_HIGHMEM], 0);
    while ((pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST)) != PFN_NONE &&
           pfn_zone(pfn) == ZONE_NORMAL)
        pfns[n++] = pfn;
    CHECK_EQ(pfn_zone(pfn), ZONE_DMA);
    pfns[n++] = pfn;
    CHECK_EQ(normal->free_pages, normal->watermark[WMARK_LOW]);
    int all_dma = 1;
    while (dma->free_pages > dma->watermark[WMARK_LOW] + 48) {
        pfns[n] = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
        all_dma &= pfn_zone(pfns[n++]) == ZONE_DMA;
    }
    CHECK(all_dma);

    /* Both at low: the slow path's min mark, Normal first, then DMA. */
    int all_normal = 1;
    while (normal->free_pages > normal->watermark[WMARK_MIN]) {
        pfns[n] = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
        all_normal &= pfn_zone(pfns[n++]) == ZONE_NORMAL;
    }
    CHECK(all_normal);
    pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(pfn_zone(pfn), ZONE_DMA);
    pfns[n++] = pfn;
    while (dma->free_pages > dma->watermark[WMARK_MIN] + 48)
        pfns[n++] = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(pfn_zone(pfns[n - 1]), ZONE_DMA);

    /* GFP_ATOMIC may dig into Normal's reserve (__GFP_HIGH halves the
     * mark, __GFP_ATOMIC takes a quarter of the rest). */
    pfn = alloc_pages(&e.pgdat, GFP_ATOMIC, 0, PURPOSE_TEST);
    CHECK_EQ(pfn_zone(pfn), ZONE_NORMAL);
    pfns[n++] = pfn;
    CHECK_EQ(normal->free_pages, normal->watermark[WMARK_MIN] - 1);

    /* Every zone below its min: the last resort (watermarks ignored)
     * serves the request from the first zone that has a page. */
    pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(pfn_zone(pfn), ZONE_NORMAL);
    pfns[n++] = pfn;
    pfn = alloc_pages(&e.pgdat, __GFP_DMA, 0, PURPOSE_TEST);
    CHECK_EQ(pfn_zone(pfn), ZONE_DMA);
    pfns[n++] = pfn;
    CHECK(consistent(&e.pgdat));

    /* Exhaustion: every free frame can be had, then nothing more. */
    while ((pfn = alloc_pages(&e.pgdat, GFP_ATOMIC, 0, PURPOSE_TEST)) != PFN_NONE)
        pfns[n++] = pfn;
    CHECK_EQ(n, initial);
    CHECK_EQ(nr_free_pages(&e.pgdat), 0);
    CHECK_EQ(alloc_pages(&e.pgdat, __GFP_DMA, 0, PURPOSE_TEST), PFN_NONE);
    CHECK_EQ(alloc_pages(&e.pgdat, GFP_HIGHUSER, 3, PURPOSE_TEST), PFN_NONE);
    CHECK(consistent(&e.pgdat));

    free_all(&e, pfns, n, 12345);
    CHECK_EQ(nr_free_pages(&e.pgdat), initial);
    CHECK(consistent(&e.pgdat));
    /* Fully merged free memory has one shape: exactly the boot lists. */
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        snapshot(zone_of(&e, (enum zone_type)z), now);
        CHECK(memcmp(now, init_n[z], sizeof(now)) == 0);
    }
    free(pfns);
    physmem_destroy(&e.pm);
}

int main(void)
{
    test_physmem();
    test_boot_cases();
    test_split_exact();
    test_page_state();
    test_reuse_and_refcount();
    test_put_page_underflow_aborts();
    test_gfp_zero();
    test_zonelist();
    test_watermarks_and_exhaustion();
    return CHECK_DONE();
}

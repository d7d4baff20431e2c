/*
 * test_buddy.c — physical memory, the memblock boot and the buddy allocator.
 *
 * Expected numbers are worked out by hand from the i386 rules (zone bounds,
 * 1 MiB firmware + 2 MiB image + nr_pages*32 bytes of mem_map, the
 * min_free_kbytes formula), not read back from the implementation.
 */
#include "tests/unit/check.h"
#include "kernel-model/page_alloc.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct env {
    struct physmem pm;
    struct pglist_data pgdat;
};

static int env_init(struct env *e, uint64_t size, const struct kernel_observer *obs)
{
    char err[256] = "";

    if (physmem_init(&e->pm, size, err, sizeof(err)) < 0) {
        fprintf(stderr, "physmem_init(%llu): %s\n", (unsigned long long)size, err);
        CHECK(!"physmem_init");
        return -1;
    }
    if (page_alloc_init(&e->pgdat, &e->pm, obs, err, sizeof(err)) < 0) {
        fprintf(stderr, "page_alloc_init: %s\n", err);
        CHECK(!"page_alloc_init");
        physmem_destroy(&e->pm);
        return -1;
    }
    return 0;
}

/* buddy_check as a CHECK that shows the reason when it fails. */
static int consistent(const struct pglist_data *pgdat)
{
    char err[256] = "";

    if (buddy_check(pgdat, err, sizeof(err)) == 0)
        return 1;
    fprintf(stderr, "buddy_check: %s\n", err);
    return 0;
}

static uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static const struct zone *zone_of(const struct env *e, enum zone_type z)
{
    return &e->pgdat.node_zones[z];
}

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
        if (p->_refcount != 0 || p->_mapcount != -1 || p->zone != ZONE_DMA || p->flags)
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
    CHECK_EQ(pfn_to_page(&pm, 4095)->zone, ZONE_DMA);
    CHECK_EQ(pfn_to_page(&pm, 4096)->zone, ZONE_NORMAL);
    CHECK_EQ(pfn_to_page(&pm, 229375)->zone, ZONE_NORMAL);
    CHECK_EQ(pfn_to_page(&pm, 229376)->zone, ZONE_HIGHMEM);
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
    uint32_t mem_map_pages, reserved;
    uint32_t wmark_min[MAX_NR_ZONES];
};

static void check_reserved_frames(const struct env *e, uint32_t mem_map_pages)
{
    int ok = 1;
    uint32_t end = 768 + mem_map_pages;

    for (uint32_t pfn = 0; pfn < end + 8; pfn++) {
        const struct page *p = pfn_to_page(&e->pm, pfn);
        enum page_purpose want = pfn < 256 ? PURPOSE_FIRMWARE :
                                 pfn < 768 ? PURPOSE_KERNEL_IMAGE : PURPOSE_MEM_MAP;
        if (pfn < end && (!(p->flags & PG_reserved) || p->_refcount != 1 ||
                          p->purpose != want))
            ok = 0;
        if (pfn >= end && (p->flags & PG_reserved))
            ok = 0;
    }
    CHECK(ok);
    /* The first frame after the reservations heads a free block. */
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
        CHECK_EQ(zone->watermark[WMARK_MIN], c->wmark_min[z]);
        CHECK_EQ(zone->watermark[WMARK_LOW], c->wmark_min[z] * 5 / 4);
        CHECK_EQ(zone->watermark[WMARK_HIGH], c->wmark_min[z] * 3 / 2);
        managed += zone->managed_pages;
    }
    /* All boot reservations sit in DMA. */
    CHECK_EQ(zone_of(&e, ZONE_DMA)->managed_pages, 4096 - c->reserved);
    CHECK_EQ(zone_of(&e, ZONE_NORMAL)->managed_pages, c->span[ZONE_NORMAL]);
    CHECK_EQ(e.pgdat.reserved_pages, c->reserved);
    CHECK_EQ(managed, nr - c->reserved);
    CHECK_EQ(nr_free_pages(&e.pgdat), nr - c->reserved);
    check_reserved_frames(&e, c->mem_map_pages);
    CHECK(consistent(&e.pgdat));
    physmem_destroy(&e.pm);
}

static void test_boot_cases(void)
{
    /* mem_map = ceil(nr_pages * 32 / 4096); reserved = 256 + 512 + that.
     * min_free_kbytes = isqrt(lowmem_kB * 16): 64 MiB -> 995 kB = 248 pages
     * split 3200:12288 -> 51/196; 256 MiB -> 2027 kB = 506 pages split
     * 2816:61440 -> 22/483; 1 GiB -> 3807 kB = 951 pages split
     * 1280:225280 -> 5/945, HighMem 32768/1024 = 32. */
    static const struct boot_case cases[] = {
        { 64 * MiB,  { 4096, 12288, 0 },      128,  896,  { 51, 196, 0 } },
        { 256 * MiB, { 4096, 61440, 0 },      512,  1280, { 22, 483, 0 } },
        { 1 * GiB,   { 4096, 225280, 32768 }, 2048, 2816, { 5, 945, 32 } },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        test_boot(&cases[i]);
}

/* ---- splitting and merging ---------------------------------------------- */

static void snapshot(const struct zone *zone, uint32_t out[MAX_ORDER])
{
    for (int o = 0; o < MAX_ORDER; o++)
        out[o] = zone->free_area[o].nr_free;
}

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
    uint32_t head10 = normal->free_area[10].head;

    uint32_t pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(pfn, head10);              /* the lowest frame of the split block */
    snapshot(normal, after);
    CHECK_EQ(after[10], before[10] - 1);
    for (int o = 0; o < 10; o++)
        CHECK_EQ(after[o], before[o] + 1);
    CHECK_EQ(normal->free_area[0].head, pfn + 1);   /* its buddy */
    CHECK_EQ(normal->free_area[9].head, pfn + 512);
    snapshot(dma, after);
    CHECK(memcmp(after, dma_before, sizeof(after)) == 0);
    CHECK(consistent(&e.pgdat));

    free_pages(&e.pgdat, pfn, 0);       /* merges all the way back up */
    snapshot(normal, after);
    CHECK(memcmp(after, before, sizeof(after)) == 0);
    CHECK_EQ(normal->free_area[10].head, head10);
    CHECK(consistent(&e.pgdat));

    /* DMA's smallest block at boot is order 7 at pfn 896 (reservations end
     * at 896 = 7 * 128): an order-0 DMA request splits that, not an order 10. */
    pfn = alloc_pages(&e.pgdat, __GFP_DMA, 0, PURPOSE_TEST);
    CHECK_EQ(pfn, 896);
    snapshot(dma, after);
    for (int o = 0; o < 7; o++)
        CHECK_EQ(after[o], dma_before[o] + 1);
    CHECK_EQ(after[7], dma_before[7] - 1);
    CHECK_EQ(after[10], dma_before[10]);

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
    CHECK_EQ(head->_mapcount, -1);
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
    pg->_mapcount = 2;
    pg->private = 77;
    free_pages(&e.pgdat, p0, 0);
    CHECK_EQ(pg->flags & ~(uint32_t)PG_buddy, 0);
    CHECK_EQ(pg->_mapcount, -1);
    CHECK_EQ(pg->purpose, PURPOSE_NONE);
    uint32_t again = alloc_pages(&e.pgdat, GFP_HIGHUSER_MOVABLE, 0, PURPOSE_FILE);
    CHECK_EQ(again, p0);                            /* free lists are LIFO */
    CHECK_EQ(pg->flags, 0);
    CHECK_EQ(pg->private, 0);
    CHECK_EQ(pg->purpose, PURPOSE_FILE);

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

    /* GFP_KERNEL takes from Normal until Normal sits on its min watermark. */
    while ((pfn = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST)) != PFN_NONE &&
           pfn_zone(pfn) == ZONE_NORMAL)
        pfns[n++] = pfn;
    CHECK_EQ(pfn_zone(pfn), ZONE_DMA);
    pfns[n++] = pfn;
    CHECK_EQ(normal->free_pages, normal->watermark[WMARK_MIN]);

    /* GFP_ATOMIC may dig into Normal's reserve. */
    pfn = alloc_pages(&e.pgdat, GFP_ATOMIC, 0, PURPOSE_TEST);
    CHECK_EQ(pfn_zone(pfn), ZONE_NORMAL);
    pfns[n++] = pfn;
    CHECK_EQ(normal->free_pages, normal->watermark[WMARK_MIN] - 1);

    /* Drain DMA down to its own min, then the last resort (watermarks
     * ignored) serves the request from the first zone that has a page. */
    while (dma->free_pages > dma->watermark[WMARK_MIN])
        pfns[n++] = alloc_pages(&e.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(pfn_zone(pfns[n - 1]), ZONE_DMA);
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

/* ---- random sequences ---------------------------------------------------- */

struct live {
    uint32_t pfn;
    uint8_t order;
};

struct rnd {
    struct env e;
    uint8_t *owned;                     /* per pfn: part of a live allocation */
    struct live *live;
    uint32_t nlive, live_pages, failures, fallback_dma, highmem, errors;
    uint32_t seed;
};

static const gfp_t gfp_choices[] = {
    GFP_KERNEL, GFP_USER, GFP_HIGHUSER, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC,
    __GFP_DMA, GFP_KERNEL | __GFP_ZERO, GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
};

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

static void rnd_alloc(struct rnd *r)
{
    uint32_t x = xorshift32(&r->seed);
    unsigned order = (x & 3) == 0 ? (x >> 2) % MAX_ORDER : (x >> 2) % 4;
    gfp_t gfp = gfp_choices[(x >> 8) % (sizeof(gfp_choices) / sizeof(gfp_choices[0]))];
    uint32_t pfn = alloc_pages(&r->e.pgdat, gfp, order, PURPOSE_TEST);

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
    struct page *tail = pfn_to_page(&e.pm, normal->free_area[10].head + 17);
    tail->_refcount = 1;
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    tail->_refcount = 0;

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
    pg->prev = PFN_NONE;
    pg->next = normal->free_area[0].head;
    pfn_to_page(&e.pm, pg->next)->prev = pfn;
    normal->free_area[0].head = pfn;
    normal->free_area[0].nr_free++;
    normal->free_pages++;
    err[0] = '\0';
    CHECK_EQ(buddy_check(&e.pgdat, err, sizeof(err)), -1);
    CHECK(strstr(err, "merged") != NULL);
    physmem_destroy(&e.pm);
}

/* ---- observer ------------------------------------------------------------ */

struct rec {
    unsigned n;
    struct alloc_event ev[16];
};

static void record(void *ctx, const struct alloc_event *ev)
{
    struct rec *r = ctx;

    if (r->n < 16)
        r->ev[r->n] = *ev;
    r->n++;
}

static int event_is(const struct rec *r, unsigned i, const char *allocator,
                    const char *op, unsigned order, uint32_t pfn,
                    const char *zone, const char *purpose)
{
    if (i >= r->n || i >= 16)
        return 0;
    const struct alloc_event *ev = &r->ev[i];

    return !strcmp(ev->allocator, allocator) &&
           !strcmp(ev->op, op) && ev->order == order && ev->pfn == pfn &&
           !strcmp(ev->zone, zone) && !strcmp(ev->purpose, purpose);
}

static void test_observer(void)
{
    struct rec r = { 0 };
    struct kernel_observer obs = { .ctx = &r, .alloc = record };
    struct env e;

    if (env_init(&e, 64 * MiB, &obs) < 0)
        return;
    CHECK_EQ(r.n, 3);                   /* one per memblock range, no frees */
    CHECK(event_is(&r, 0, "memblock", "reserve", 0, 0, "DMA", "firmware"));
    CHECK(event_is(&r, 1, "memblock", "reserve", 0, 256, "DMA", "kernel-image"));
    CHECK(event_is(&r, 2, "memblock", "reserve", 0, 768, "DMA", "mem_map"));

    uint32_t p = alloc_pages(&e.pgdat, GFP_HIGHUSER_MOVABLE, 2, PURPOSE_ANON);
    CHECK_EQ(r.n, 4);
    CHECK(event_is(&r, 3, "buddy", "alloc", 2, p, "Normal", "anon"));
    free_pages(&e.pgdat, p, 2);
    CHECK_EQ(r.n, 5);
    CHECK(event_is(&r, 4, "buddy", "free", 2, p, "Normal", "anon"));
    free_pages(&e.pgdat, p, 2);         /* refused double free: no event */
    CHECK_EQ(r.n, 5);

    uint32_t d = alloc_pages(&e.pgdat, __GFP_DMA, 0, PURPOSE_PAGETABLE);
    CHECK(event_is(&r, 5, "buddy", "alloc", 0, d, "DMA", "pagetable"));
    get_page(&e.pgdat, d);
    put_page(&e.pgdat, d);
    CHECK_EQ(r.n, 6);                   /* still referenced: nothing freed */
    put_page(&e.pgdat, d);
    CHECK_EQ(r.n, 7);
    CHECK(event_is(&r, 6, "buddy", "free", 0, d, "DMA", "pagetable"));
    CHECK_EQ(alloc_pages(&e.pgdat, GFP_KERNEL, MAX_ORDER, PURPOSE_TEST), PFN_NONE);
    CHECK_EQ(r.n, 7);                   /* failures are not events */
    physmem_destroy(&e.pm);

    /* An observer without an alloc callback is fine. */
    struct kernel_observer quiet = { .ctx = &r };
    if (env_init(&e, 8 * MiB, &quiet) == 0) {
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
    /* Boot lists on 64 MiB: DMA frees [896, 4096) = one order 7 (896..1023)
     * and three order 10; Normal is twelve order-10 blocks. */
    const char *want =
        "Node 0, zone      DMA      0      0      0      0      0      0      0      1      0      0      3 \n"
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
    test_physmem();
    test_boot_cases();
    test_split_exact();
    test_page_state();
    test_reuse_and_refcount();
    test_put_page_underflow_aborts();
    test_gfp_zero();
    test_zonelist();
    test_watermarks_and_exhaustion();
    test_random(64 * MiB, 4000, 1, 0x2545f491u);
    test_random(256 * MiB, 3000, 4, 0x9e3779b9u);
    test_random(1 * GiB, 3000, 16, 0xdeadbeefu);
    test_buddy_check_detects();
    test_observer();
    test_buddyinfo();
    return CHECK_DONE();
}

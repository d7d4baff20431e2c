/*
 * test_slab.c — the slab allocator (kernel-model/slab.h): SLUB's geometry
 * for the kmalloc classes and the model's caches, the list discipline
 * (partial, then empty, then a new slab), min_partial and shrink, the
 * events, /proc/slabinfo's format, and random alloc/free sequences with
 * slab_check and an independent shadow of every live object after every
 * operation (counts add up per cache, every slab frame accounted, no
 * address handed out twice, shrink frees exactly the empty slabs).
 */
#include "tests/unit/buddy_fixture.h"
#include "kernel-model/mm.h"
#include "kernel-model/slab.h"

#include <stdlib.h>

static int slab_ok(const struct slab_caches *sc)
{
    char err[256] = "";
    if (slab_check(sc, err, sizeof err) == 0)
        return 1;
    fprintf(stderr, "slab_check: %s\n", err);
    return 0;
}

/* 64 MiB of RAM, buddy, and the boot's caches; events to es (or none). */
static int slab_env(struct env *e, struct slab_caches *sc, struct event_stream *es)
{
    if (env_init(e, 64 * MiB, es))
        return -1;
    CHECK_EQ(slab_init(sc, &e->pgdat), 0);
    return 0;
}

static void slab_env_fini(struct env *e, struct slab_caches *sc)
{
    slab_destroy(sc);
    physmem_destroy(&e->pm);
}

/* Linux 6.1 SLUB on one CPU gives these (objperslab, pagesperslab): the
 * i386 /proc/slabinfo of a uniprocessor 6.1 kernel, derived by hand from
 * calculate_order (min_objects 8, max order 3, leftover <= 1/16). */
static void test_kmalloc_geometry(void)
{
    struct env e;
    struct slab_caches sc;
    if (slab_env(&e, &sc, NULL))
        return;
    static const struct { const char *name; uint32_t size, objs, pages; } want[] = {
        { "kmalloc-8", 8, 512, 1 },    { "kmalloc-16", 16, 256, 1 },
        { "kmalloc-32", 32, 128, 1 },  { "kmalloc-64", 64, 64, 1 },
        { "kmalloc-96", 96, 42, 1 },   { "kmalloc-128", 128, 32, 1 },
        { "kmalloc-192", 192, 21, 1 }, { "kmalloc-256", 256, 16, 1 },
        { "kmalloc-512", 512, 8, 1 },  { "kmalloc-1k", 1024, 8, 2 },
        { "kmalloc-2k", 2048, 8, 4 },  { "kmalloc-4k", 4096, 8, 8 },
        { "kmalloc-8k", 8192, 4, 8 },
        { "vm_area_struct", 72, 56, 1 }, { "mm_struct", 576, 14, 2 },
        { "task_struct", 3136, 10, 8 },  { "anon_vma", 56, 73, 1 },
        { "files_cache", 256, 16, 1 },   { "signal_cache", 768, 10, 2 },
        { "sighand_cache", 1344, 12, 4 }, { "fs_cache", 64, 64, 1 },
        { "cred_jar", 128, 32, 1 },      { "filp", 192, 21, 1 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct kmem_cache *s = kmem_cache_find(&sc, want[i].name);
        CHECK(s != NULL);
        if (!s)
            continue;
        if (s->size != want[i].size || s->objects != want[i].objs ||
            (1u << s->order) != want[i].pages)
            fprintf(stderr, "%s: size %u objs %u pages %u\n", s->name, s->size, s->objects,
                    1u << s->order);
        CHECK_EQ(s->size, want[i].size);
        CHECK_EQ(s->objects, want[i].objs);
        CHECK_EQ(1u << s->order, want[i].pages);
    }
    CHECK(kmalloc_slab(&sc, 1) == kmem_cache_find(&sc, "kmalloc-8"));
    CHECK(kmalloc_slab(&sc, 65) == kmem_cache_find(&sc, "kmalloc-96"));
    CHECK(kmalloc_slab(&sc, 8192) == kmem_cache_find(&sc, "kmalloc-8k"));
    CHECK(kmalloc_slab(&sc, 8193) == NULL);
    slab_env_fini(&e, &sc);
}

/* Partial first, then empty, then a new slab; addresses are kernel
 * virtual addresses of the slab's frames; min_partial and shrink. */
static void test_lists_and_shrink(void)
{
    struct env e;
    struct slab_caches sc;
    if (slab_env(&e, &sc, NULL))
        return;
    struct kmem_cache *s = sc.vm_area_cachep;
    uint32_t free0 = nr_free_pages(&e.pgdat);
    uint32_t a = kmem_cache_alloc(&sc, s), b = kmem_cache_alloc(&sc, s);
    uint32_t pfn = (a - PAGE_OFFSET) >> PAGE_SHIFT;
    CHECK_EQ(a & 0xfff, 0);                      /* no colouring: first object at 0 */
    CHECK_EQ(b, a + 72);
    CHECK(pfn_to_page(&e.pm, pfn)->flags & PG_slab);
    CHECK_EQ(nr_free_pages(&e.pgdat), free0 - 1);
    CHECK_EQ(s->nr_slabs[SLAB_PARTIAL], 1);
    kmem_cache_free(&sc, s, a);
    CHECK_EQ(kmem_cache_alloc(&sc, s), a);       /* LIFO: the freed object again */
    uint32_t objs[200];
    objs[0] = a, objs[1] = b;
    for (int i = 2; i < 200; i++)
        objs[i] = kmem_cache_alloc(&sc, s);
    CHECK_EQ(s->active_objs, 200);
    CHECK_EQ(s->nr_slabs[SLAB_FULL], 3);         /* 56 a slab: 3 full + 1 partial */
    CHECK_EQ(s->nr_slabs[SLAB_PARTIAL], 1);
    CHECK(slab_ok(&sc));
    for (int i = 0; i < 200; i++) {
        kmem_cache_free(&sc, s, objs[i]);
        CHECK(slab_ok(&sc));
    }
    /* 4 slabs emptied, min_partial of a 72-byte cache is 5: all kept. */
    CHECK_EQ(s->nr_slabs[SLAB_EMPTY], 4);
    CHECK_EQ(s->active_objs, 0);
    uint32_t again = kmem_cache_alloc(&sc, s);  /* from an empty slab, no new frame */
    CHECK_EQ(nr_free_pages(&e.pgdat), free0 - 4);
    kmem_cache_free(&sc, s, again);
    kmem_cache_free(&sc, s, again);              /* a double free is refused */
    CHECK(slab_ok(&sc));
    CHECK_EQ(kmem_cache_shrink(&sc, s), 4);
    CHECK_EQ(nr_free_pages(&e.pgdat), free0);
    CHECK(!(pfn_to_page(&e.pm, pfn)->flags & PG_slab));
    CHECK(consistent(&e.pgdat));
    slab_env_fini(&e, &sc);
}

/* The allocation events a test sees (the first 64). */
struct event_log {
    struct event ev[64];
    size_t n;
};

static void log_event(void *ctx, const struct event *ev)
{
    struct event_log *l = ctx;
    if ((ev->type == EV_ALLOC || ev->type == EV_FREE) && l->n < 64)
        l->ev[l->n++] = *ev;
}

/* Each object is one alloc event and one free event, allocator "slab",
 * the cache's name, the object's address; the slab's frames are buddy
 * allocations with purpose "slab". */
static void test_events(void)
{
    struct env e;
    struct slab_caches sc;
    struct event_log log = { 0 };
    if (slab_env(&e, &sc, test_stream(&log, log_event)))
        return;
    size_t from = log.n;
    uint32_t x = kmalloc(&sc, 100);
    kfree(&sc, x);
    int buddy = 0, alloc = 0, free_ = 0;
    for (size_t i = from; i < log.n; i++) {
        const struct alloc_event *a = &log.ev[i].u.alloc;
        if (a->allocator == ALLOCATOR_BUDDY) {
            buddy++;
            CHECK_STR(a->purpose, "slab");
            continue;
        }
        CHECK_EQ(a->allocator, ALLOCATOR_SLAB);
        CHECK_STR(a->purpose, "kmalloc-128");
        CHECK_EQ(a->addr, x);
        CHECK_EQ(a->pfn, (x - PAGE_OFFSET) >> PAGE_SHIFT);
        alloc += log.ev[i].type == EV_ALLOC;
        free_ += log.ev[i].type == EV_FREE;
    }
    CHECK_EQ(buddy, 1);
    CHECK_EQ(alloc, 1);
    CHECK_EQ(free_, 1);
    slab_env_fini(&e, &sc);
}

/* Linux 6.1's header and cache_show() line, byte for byte: the widths are
 * mm/slab_common.c's "%-17s %6lu %6lu %6u %4u %4d", " : tunables %4u %4u
 * %4u", " : slabdata %6lu %6lu %6lu". */
static void test_slabinfo_format(void)
{
    struct env e;
    struct slab_caches sc;
    if (slab_env(&e, &sc, NULL))
        return;
    uint32_t a = kmem_cache_alloc(&sc, sc.vm_area_cachep);
    kmem_cache_alloc(&sc, sc.vm_area_cachep);
    kmem_cache_free(&sc, sc.vm_area_cachep, a);
    char buf[8192];
    int n = slabinfo_show(&sc, buf, sizeof buf);
    CHECK(n > 0);
    const char *head =
        "slabinfo - version: 2.1\n"
        "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
        " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>"
        " <num_slabs> <sharedavail>\n";
    CHECK(strncmp(buf, head, strlen(head)) == 0);
    CHECK(strstr(buf, "\nvm_area_struct         1     56     72   56    1 : tunables    0    0"
                      "    0 : slabdata      1      1      0\n") != NULL);
    CHECK(strstr(buf, "\nkmalloc-8k             0      0   8192    4    8 : tunables    0    0"
                      "    0 : slabdata      0      0      0\n") != NULL);
    /* newest first: shmem_inode_cache (the last made: shmem_init comes
     * after vfs_caches_init) leads, kmalloc-8 (the first) ends */
    CHECK(strncmp(buf + strlen(head), "shmem_inode_cache ", 18) == 0);
    CHECK(strstr(buf, "\nkmalloc-8 ") && buf[n - 1] == '\n' &&
          strstr(buf, "\nkmalloc-8 ") > strstr(buf, "\nkmalloc-16 "));
    CHECK_EQ(slabinfo_show(&sc, buf, 100), -1);  /* too small: refused, not cut */
    slab_env_fini(&e, &sc);
}

/* ---- random sequences ---------------------------------------------------- */

struct obj { struct kmem_cache *s; uint32_t addr; };

/* The shadow's view, independent of the allocator's lists: live objects
 * per cache equal active_objs, no address twice, each object inside a
 * slab frame of its own cache. */
static int shadow_ok(const struct slab_caches *sc, const struct env *e, const struct obj *live,
                     size_t n)
{
    for (const struct kmem_cache *s = sc->caches; s; s = s->next) {
        uint64_t c = 0;
        for (size_t i = 0; i < n; i++)
            c += live[i].s == s;
        if (c != s->active_objs)
            return fprintf(stderr, "%s: %llu live, %llu counted\n", s->name,
                           (unsigned long long)c, (unsigned long long)s->active_objs), 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t pfn = (live[i].addr - PAGE_OFFSET) >> PAGE_SHIFT;
        const struct page *p = pfn_to_page(&e->pm, pfn);
        const struct slab *slab = p->mapping;
        if (!(p->flags & PG_slab) || !slab || slab->cache != live[i].s)
            return fprintf(stderr, "object %#x not in a slab of %s\n", live[i].addr,
                           live[i].s->name), 0;
        if ((live[i].addr - PAGE_OFFSET - (slab->pfn << PAGE_SHIFT)) % live[i].s->size)
            return fprintf(stderr, "object %#x misaligned\n", live[i].addr), 0;
    }
    return 1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int unique(const struct obj *live, size_t n)
{
    uint32_t *a = malloc((n + 1) * sizeof *a);
    if (!a)
        return 0;
    for (size_t i = 0; i < n; i++)
        a[i] = live[i].addr;
    qsort(a, n, sizeof *a, cmp_u32);
    int ok = 1;
    for (size_t i = 1; i < n; i++)
        ok &= a[i] != a[i - 1];
    free(a);
    return ok;
}

/* The frames the slabs hold equal what buddy lost. */
static uint32_t slab_pages(const struct slab_caches *sc)
{
    uint32_t n = 0;
    for (const struct kmem_cache *s = sc->caches; s; s = s->next)
        for (int l = 0; l < NR_SLAB_LISTS; l++)
            n += s->nr_slabs[l] << s->order;
    return n;
}

static void test_random(uint32_t seed)
{
    struct env e;
    struct slab_caches sc;
    if (slab_env(&e, &sc, NULL))
        return;
    struct kmem_cache *pick[32];
    size_t np = 0;
    for (struct kmem_cache *s = sc.caches; s && np < 32; s = s->next)
        pick[np++] = s;
    uint32_t free0 = nr_free_pages(&e.pgdat);
    struct obj *live = malloc(4096 * sizeof *live);
    size_t n = 0;
    int bad = 0;
    for (int step = 0; step < 6000 && !bad; step++) {
        uint32_t x = xorshift32(&seed);
        if (x % 97 == 0) {                      /* shrink one cache */
            struct kmem_cache *s = pick[(x >> 8) % np];
            uint32_t empty = s->nr_slabs[SLAB_EMPTY], before = slab_pages(&sc);
            CHECK_EQ(kmem_cache_shrink(&sc, s), empty);
            CHECK_EQ(s->nr_slabs[SLAB_EMPTY], 0);
            CHECK_EQ(slab_pages(&sc), before - (empty << s->order));
        } else if (n < 4096 && (n == 0 || x % 5 < 3)) {
            struct kmem_cache *s = pick[(x >> 8) % np];
            uint32_t addr = kmem_cache_alloc(&sc, s);
            CHECK(addr >= PAGE_OFFSET);
            live[n++] = (struct obj){ s, addr };
        } else {
            size_t i = (x >> 8) % n;
            kmem_cache_free(&sc, live[i].s, live[i].addr);
            live[i] = live[--n];
        }
        bad = !slab_ok(&sc) || !shadow_ok(&sc, &e, live, n) || !unique(live, n) ||
              nr_free_pages(&e.pgdat) + slab_pages(&sc) != free0;
        CHECK(!bad);
    }
    while (n) {
        kmem_cache_free(&sc, live[n - 1].s, live[n - 1].addr);
        n--;
    }
    for (struct kmem_cache *s = sc.caches; s; s = s->next)
        kmem_cache_shrink(&sc, s);
    CHECK(slab_ok(&sc));
    CHECK_EQ(nr_free_pages(&e.pgdat), free0);
    CHECK(consistent(&e.pgdat));
    free(live);
    slab_env_fini(&e, &sc);
}

/* dma-kmalloc-N (6.1 with CONFIG_ZONE_DMA): one per kmalloc size, created
 * after the normal ones, its slabs from ZONE_DMA; kmalloc_gfp(__GFP_DMA)
 * takes them; anon_vma_chain is the 32-byte object of mm/rmap.c. */
static void test_kmalloc_dma(void)
{
    struct env e;
    struct slab_caches sc;
    if (slab_env(&e, &sc, NULL))
        return;
    struct kmem_cache *d = kmem_cache_find(&sc, "dma-kmalloc-64");
    CHECK(d != NULL && kmem_cache_find(&sc, "dma-kmalloc-8k") != NULL);
    CHECK(kmem_cache_find(&sc, "anon_vma_chain") && kmem_cache_find(&sc, "anon_vma_chain")->size == 32);
    uint32_t a = kmalloc_gfp(&sc, 50, GFP_KERNEL | __GFP_DMA);
    uint32_t b = kmalloc_gfp(&sc, 50, GFP_KERNEL);
    CHECK(a && b);
    CHECK_EQ(pfn_zone((a - PAGE_OFFSET) >> PAGE_SHIFT), ZONE_DMA);
    CHECK(d && d->active_objs == 1);
    CHECK_EQ(kmem_cache_find(&sc, "kmalloc-64")->active_objs, 1);
    char buf[16384];
    CHECK(slabinfo_show(&sc, buf, sizeof buf) > 0);
    CHECK(strstr(buf, "\ndma-kmalloc-64         1     64     64   64    1 : tunables    0    0"
                      "    0 : slabdata      1      1      0\n") != NULL);
    kfree(&sc, a);
    kfree(&sc, b);
    CHECK(slab_ok(&sc));
    slab_env_fini(&e, &sc);
}

int main(void)
{
    test_kmalloc_geometry();
    test_kmalloc_dma();
    test_lists_and_shrink();
    test_events();
    test_slabinfo_format();
    test_random(1);
    test_random(0x9e3779b9u);
    return CHECK_DONE();
}

/*
 * slab.c — kmem_cache, slabs of buddy frames, kmalloc (see slab.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/mm.h"
#include "kernel-model/slab.h"

#define CACHE_LINE 64u               /* L1_CACHE_BYTES of an X86_GENERIC i386 build */

/* ---- geometry (SLUB's calculate_sizes / calculate_order) ------------- */

static unsigned get_order(uint32_t size)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

static uint32_t order_objects(unsigned order, uint32_t size)
{
    return (PAGE_SIZE << order) / size;
}

/* The smallest order from the one min_objects need whose leftover is at
 * most 1/fract of the slab (SLUB's calc_slab_order). */
static unsigned calc_slab_order(uint32_t size, uint32_t min_objects, unsigned max_order,
                                unsigned fract)
{
    unsigned order;
    for (order = get_order(min_objects * size); order <= max_order; order++) {
        uint32_t slab_size = PAGE_SIZE << order;
        if (slab_size % size <= slab_size / fract)
            break;
    }
    return order;
}

/* SLUB's calculate_order for one CPU: min_objects 4 * (fls(1) + 1) = 8. */
static unsigned calculate_order(uint32_t size)
{
    uint32_t min_objects = 8, max_objects = order_objects(SLUB_MAX_ORDER, size);
    if (min_objects > max_objects)
        min_objects = max_objects;
    for (; min_objects > 1; min_objects--)
        for (unsigned fract = 16; fract >= 4; fract /= 2) {
            unsigned order = calc_slab_order(size, min_objects, SLUB_MAX_ORDER, fract);
            if (order <= SLUB_MAX_ORDER)
                return order;
        }
    unsigned order = calc_slab_order(size, 1, SLUB_MAX_ORDER, 1);
    return order <= SLUB_MAX_ORDER ? order : calc_slab_order(size, 1, MAX_ORDER - 1, 1);
}

/* SLAB_HWCACHE_ALIGN: a cache line, halved while the object fits twice
 * (calculate_alignment); never below the word or the caller's align. */
static uint32_t calculate_alignment(uint32_t flags, uint32_t align, uint32_t size)
{
    uint32_t ralign = 4;
    if (flags & SLAB_HWCACHE_ALIGN) {
        ralign = CACHE_LINE;
        while (size <= ralign / 2)
            ralign /= 2;
    }
    if (ralign < align)
        ralign = align;
    return ralign < 4 ? 4 : ralign;
}

/* min_partial: ilog2(size) / 2 within [5, 10] (SLUB's set_min_partial). */
static uint32_t min_partial(uint32_t size)
{
    uint32_t l = 0;
    while ((2u << l) <= size)
        l++;
    uint32_t m = l / 2;
    return m < 5 ? 5 : m > 10 ? 10 : m;
}

struct kmem_cache *kmem_cache_create(struct slab_caches *sc, const char *name, uint32_t size,
                                     uint32_t align, uint32_t flags)
{
    struct kmem_cache *s = calloc(1, sizeof *s);
    if (!s || !size)
        return free(s), NULL;
    s->name = name;
    s->object_size = size;
    s->flags = flags;
    s->align = calculate_alignment(flags, align, size);
    uint32_t sz = (size + 3) & ~3u;
    if (flags & (SLAB_TYPESAFE_BY_RCU | SLAB_CTOR))
        sz += 4;                     /* the free pointer lives after the object */
    s->size = (sz + s->align - 1) & ~(s->align - 1);
    s->order = calculate_order(s->size);
    s->objects = order_objects(s->order, s->size);
    s->min_partial = min_partial(s->size);
    s->next = sc->caches;
    sc->caches = s;
    return s;
}

/* ---- events and lists -------------------------------------------------- */

static uint32_t obj_addr(const struct kmem_cache *s, const struct slab *slab, uint32_t idx)
{
    return PAGE_OFFSET + (slab->pfn << PAGE_SHIFT) + idx * s->size;
}

static void report(struct slab_caches *sc, enum event_type type, const struct kmem_cache *s,
                   const struct slab *slab, uint32_t addr)
{
    struct event_stream *es = sc->pgdat ? sc->pgdat->events : NULL;
    if (!es)
        return;
    struct event ev = { .type = type };
    ev.u.alloc = (struct alloc_event){
        .allocator = ALLOCATOR_SLAB, .op = type == EV_ALLOC ? ALLOC_OP_ALLOC : ALLOC_OP_FREE,
        .order = s->order, .pfn = slab->pfn, .zone = zone_name(pfn_zone(slab->pfn)),
        .purpose = s->name, .addr = addr,
    };
    event_emit(es, &ev);
}

static void list_del_slab(struct kmem_cache *s, struct slab *slab)
{
    if (slab->prev)
        slab->prev->next = slab->next;
    else
        s->lists[slab->list] = slab->next;
    if (slab->next)
        slab->next->prev = slab->prev;
    s->nr_slabs[slab->list]--;
    slab->next = slab->prev = NULL;
}

static void list_add_slab(struct kmem_cache *s, struct slab *slab, int list)
{
    slab->list = list;
    slab->prev = NULL;
    slab->next = s->lists[list];
    if (slab->next)
        slab->next->prev = slab;
    s->lists[list] = slab;
    s->nr_slabs[list]++;
}

static int slab_list_of(const struct kmem_cache *s, const struct slab *slab)
{
    return slab->inuse == 0 ? SLAB_EMPTY : slab->inuse == s->objects ? SLAB_FULL : SLAB_PARTIAL;
}

/* ---- slabs from and back to buddy ------------------------------------- */

static void slab_host_free(struct slab *slab)
{
    free(slab->free);
    free(slab->used);
    free(slab);
}

static struct slab *new_slab(struct slab_caches *sc, struct kmem_cache *s)
{
    struct slab *slab = calloc(1, sizeof *slab);
    if (!slab || !(slab->free = malloc(s->objects * sizeof *slab->free)) ||
        !(slab->used = calloc(s->objects, 1)))
        goto fail;
    /* SLAB_CACHE_DMA: allocflags GFP_DMA, the slab from ZONE_DMA */
    slab->pfn = alloc_pages(sc->pgdat, GFP_KERNEL | (s->flags & SLAB_CACHE_DMA ? __GFP_DMA : 0),
                            s->order, PURPOSE_SLAB);
    if (slab->pfn == PFN_NONE)
        goto fail;
    slab->cache = s;
    for (uint32_t i = 0; i < s->objects; i++)      /* index 0 on top */
        slab->free[i] = (uint16_t)(s->objects - 1 - i);
    slab->nr_free = s->objects;
    for (uint32_t i = 0; i < (1u << s->order); i++) {
        struct page *p = pfn_to_page(sc->pgdat->pm, slab->pfn + i);
        p->flags |= PG_slab;
        p->mapping = slab;
    }
    list_add_slab(s, slab, SLAB_EMPTY);
    return slab;
fail:
    if (slab)
        slab_host_free(slab);
    return NULL;
}

static void discard_slab(struct slab_caches *sc, struct kmem_cache *s, struct slab *slab)
{
    list_del_slab(s, slab);
    for (uint32_t i = 0; i < (1u << s->order); i++) {
        struct page *p = pfn_to_page(sc->pgdat->pm, slab->pfn + i);
        p->flags &= ~PG_slab;
        p->mapping = NULL;
    }
    free_pages(sc->pgdat, slab->pfn, s->order);
    slab_host_free(slab);
}

/* ---- objects ----------------------------------------------------------- */

uint32_t kmem_cache_alloc(struct slab_caches *sc, struct kmem_cache *s)
{
    if (!s)
        return 0;
    struct slab *slab = s->lists[SLAB_PARTIAL];
    if (!slab)
        slab = s->lists[SLAB_EMPTY];
    if (!slab && !(slab = new_slab(sc, s)))
        return 0;
    uint32_t idx = slab->free[--slab->nr_free];
    slab->used[idx] = 1;
    slab->inuse++;
    s->active_objs++;
    int list = slab_list_of(s, slab);
    if (list != slab->list) {
        list_del_slab(s, slab);
        list_add_slab(s, slab, list);
    }
    uint32_t addr = obj_addr(s, slab, idx);
    report(sc, EV_ALLOC, s, slab, addr);
    return addr;
}

/* The slab holding kernel address addr, or NULL when none does. */
static struct slab *addr_to_slab(const struct slab_caches *sc, uint32_t addr)
{
    const struct physmem *pm = sc->pgdat->pm;
    if (addr < PAGE_OFFSET)
        return NULL;
    uint32_t pfn = (addr - PAGE_OFFSET) >> PAGE_SHIFT;
    if (pfn >= pm->nr_pages || !(pfn_to_page(pm, pfn)->flags & PG_slab))
        return NULL;
    return pfn_to_page(pm, pfn)->mapping;
}

void kmem_cache_free(struct slab_caches *sc, struct kmem_cache *s, uint32_t addr)
{
    struct slab *slab = addr ? addr_to_slab(sc, addr) : NULL;
    if (!slab || (s && slab->cache != s))
        return;                      /* not an object of s: a model bug, ignored */
    s = slab->cache;
    uint32_t off = addr - obj_addr(s, slab, 0);
    uint32_t idx = off / s->size;
    if (off % s->size || idx >= s->objects || !slab->used[idx])
        return;                      /* not an allocated object (double free) */
    report(sc, EV_FREE, s, slab, addr);
    slab->used[idx] = 0;
    slab->free[slab->nr_free++] = (uint16_t)idx;
    slab->inuse--;
    s->active_objs--;
    int list = slab_list_of(s, slab);
    if (list == SLAB_EMPTY && s->nr_slabs[SLAB_EMPTY] >= s->min_partial) {
        discard_slab(sc, s, slab);   /* SLUB frees an empty slab past min_partial */
        return;
    }
    if (list != slab->list) {
        list_del_slab(s, slab);
        list_add_slab(s, slab, list);
    }
}

unsigned kmem_cache_shrink(struct slab_caches *sc, struct kmem_cache *s)
{
    unsigned n = 0;
    while (s->lists[SLAB_EMPTY]) {
        discard_slab(sc, s, s->lists[SLAB_EMPTY]);
        n++;
    }
    return n;
}

struct kmem_cache *kmem_cache_find(struct slab_caches *sc, const char *name)
{
    for (struct kmem_cache *s = sc->caches; s; s = s->next)
        if (!strcmp(s->name, name))
            return s;
    return NULL;
}

/* ---- kmalloc ----------------------------------------------------------- */

/* kmalloc_info: the KMALLOC_NORMAL and KMALLOC_DMA names of each size. */
static const struct { const char *name, *dma_name; uint32_t size; } kmalloc_info[] = {
#define K(n, sz) { "kmalloc-" n, "dma-kmalloc-" n, sz }
    K("8", 8), K("16", 16), K("32", 32), K("64", 64), K("96", 96), K("128", 128),
    K("192", 192), K("256", 256), K("512", 512), K("1k", 1024), K("2k", 2048),
    K("4k", 4096), K("8k", 8192),
#undef K
};
#define NR_KMALLOC (sizeof kmalloc_info / sizeof kmalloc_info[0])

struct kmem_cache *kmalloc_slab(struct slab_caches *sc, size_t size)
{
    for (size_t i = 0; i < NR_KMALLOC && sc->kmalloc[i]; i++)
        if (size <= sc->kmalloc[i]->object_size)
            return sc->kmalloc[i];
    return NULL;
}

uint32_t kmalloc(struct slab_caches *sc, size_t size)
{
    return size ? kmem_cache_alloc(sc, kmalloc_slab(sc, size)) : 0;
}

/* kmalloc with GFP flags: __GFP_DMA takes the size's dma-kmalloc cache
 * (kmalloc_type's KMALLOC_DMA), whose slabs come from ZONE_DMA. */
uint32_t kmalloc_gfp(struct slab_caches *sc, size_t size, gfp_t gfp)
{
    for (size_t i = 0; size && i < NR_KMALLOC && sc->kmalloc[i]; i++)
        if (size <= sc->kmalloc[i]->object_size)
            return kmem_cache_alloc(sc, gfp & __GFP_DMA ? sc->kmalloc_dma[i] : sc->kmalloc[i]);
    return 0;
}

void kfree(struct slab_caches *sc, uint32_t addr)
{
    kmem_cache_free(sc, NULL, addr);
}

/* ---- boot -------------------------------------------------------------- */

/*
 * The model's object caches with Linux 6.1 i386 sizes and flags
 * (docs/ARCHITECTURE.md "Slab" has the table and where each number comes
 * from).  Created after kmalloc, as in Linux's boot (kmem_cache_init,
 * then fork_init, proc_caches_init, vfs_caches_init).
 */
static const struct object_cache {
    const char *name;
    uint32_t size, align, flags;
    size_t off;                      /* of the pointer in struct slab_caches */
} object_caches[] = {
#define C(field, nm, sz, al, fl) { nm, sz, al, fl, offsetof(struct slab_caches, field) }
    C(task_struct_cachep, "task_struct", 3136, 64, 0),
    C(cred_jar, "cred_jar", 128, 0, SLAB_HWCACHE_ALIGN),
    C(sighand_cachep, "sighand_cache", 1300, 0, SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU | SLAB_CTOR),
    C(signal_cachep, "signal_cache", 728, 0, SLAB_HWCACHE_ALIGN),
    C(files_cachep, "files_cache", 256, 0, SLAB_HWCACHE_ALIGN),
    C(fs_cachep, "fs_cache", 40, 0, SLAB_HWCACHE_ALIGN),
    C(mm_cachep, "mm_struct", 576, 64, SLAB_HWCACHE_ALIGN),
    C(vm_area_cachep, "vm_area_struct", 72, 0, 0),
    C(anon_vma_cachep, "anon_vma", 52, 0, SLAB_TYPESAFE_BY_RCU | SLAB_CTOR),
    C(anon_vma_chain_cachep, "anon_vma_chain", 32, 0, 0),
    C(dentry_cache, "dentry", 128, 0, 0),
    C(inode_cachep, "inode_cache", 352, 0, SLAB_CTOR),
    C(filp_cachep, "filp", 160, 0, SLAB_HWCACHE_ALIGN),
    C(shmem_inode_cachep, "shmem_inode_cache", 416, 0, SLAB_CTOR),   /* shmem_init, later */
#undef C
};

int slab_init(struct slab_caches *sc, struct pglist_data *pgdat)
{
    memset(sc, 0, sizeof *sc);
    sc->pgdat = pgdat;
    for (size_t i = 0; i < NR_KMALLOC; i++)
        if (!(sc->kmalloc[i] = kmem_cache_create(sc, kmalloc_info[i].name,
                                                 kmalloc_info[i].size, 0, 0)))
            return -1;
    /* create_kmalloc_caches' KMALLOC_DMA pass (CONFIG_ZONE_DMA): after the
     * normal ones, SLAB_CACHE_DMA */
    for (size_t i = 0; i < NR_KMALLOC; i++)
        if (!(sc->kmalloc_dma[i] = kmem_cache_create(sc, kmalloc_info[i].dma_name,
                                                     kmalloc_info[i].size, 0, SLAB_CACHE_DMA)))
            return -1;
    for (size_t i = 0; i < sizeof object_caches / sizeof object_caches[0]; i++) {
        const struct object_cache *c = &object_caches[i];
        struct kmem_cache *s = kmem_cache_create(sc, c->name, c->size, c->align, c->flags);
        if (!s)
            return -1;
        *(struct kmem_cache **)((char *)sc + c->off) = s;
    }
    return 0;
}

void slab_destroy(struct slab_caches *sc)
{
    struct kmem_cache *s = sc->caches;
    while (s) {
        struct kmem_cache *next = s->next;
        for (int l = 0; l < NR_SLAB_LISTS; l++)
            while (s->lists[l]) {
                struct slab *slab = s->lists[l];
                s->lists[l] = slab->next;
                slab_host_free(slab);
            }
        free(s);
        s = next;
    }
    memset(sc, 0, sizeof *sc);
}

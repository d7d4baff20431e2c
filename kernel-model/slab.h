/*
 * slab.h — the slab allocator: kmem_cache per object type and kmalloc
 * (Linux 6.1 mm/slub.c semantics, the default allocator of 6.1).
 *
 * A cache hands out objects of one size.  A slab is a block of 2^order
 * buddy frames (GFP_KERNEL, lowmem) cut into `objects` slots of `size`
 * bytes; an object's address is its real kernel virtual address,
 * PAGE_OFFSET + (pfn << PAGE_SHIFT) + index * size, inside modelled RAM.
 * The model's own C structs stay on the host heap: the slab object is
 * their shadow in the machine, giving size and placement (contents are
 * not Linux's).
 *
 * SLUB, not SLAB:
 *  - order and objects per slab are SLUB's calculate_order() for one CPU
 *    (slub_min_objects 4 * (fls(1) + 1) = 8, slub_max_order 3, leftover
 *    fractions 1/16, 1/8, 1/4);
 *  - size is object_size aligned to the cache's alignment (SLAB_HWCACHE_ALIGN:
 *    64-byte lines, halved while the object fits in half), plus a word for
 *    the free pointer when it cannot live inside the object (a constructor
 *    or SLAB_TYPESAFE_BY_RCU, as SLUB's calculate_sizes);
 *  - no colouring: SLUB has none (it dropped SLAB's colour offsets; the
 *    leftover of a slab stays at its end), so every slab's first object is
 *    at the slab's first byte;
 *  - no per-CPU slab: with one CPU, SLUB's cpu slab is just the partial
 *    slab allocated from first, so the model keeps the lists only.
 * Lists: full, partial and empty per cache.  Allocation takes the partial
 * slab at the head of the list, then an empty slab, then a new slab from
 * buddy; within a slab the lowest free index (SLUB's freelist after a
 * fresh slab is in index order; frees push to the front, so the model
 * reuses the last freed object first, as SLUB's LIFO freelist does).
 * A slab that becomes empty stays on the empty list while the cache keeps
 * fewer than min_partial (SLUB: ilog2(size) / 2 clamped to [5, 10]) empty
 * slabs, and goes back to buddy otherwise; kmem_cache_shrink returns every
 * empty slab.  Caches are not merged (slab_nomerge): each keeps its name
 * in /proc/slabinfo.
 *
 * Every object alloc and free is an EV_ALLOC/EV_FREE event with allocator
 * "slab", purpose the cache name, order and pfn of the slab, addr the
 * object (the slab's own frames are buddy allocations, purpose "slab").
 */
#ifndef MEMSIM_SLAB_H
#define MEMSIM_SLAB_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-model/page_alloc.h"

#define SLAB_HWCACHE_ALIGN      0x00002000u   /* Linux 6.1 values */
#define SLAB_CACHE_DMA          0x00004000u   /* slabs from ZONE_DMA (GFP_DMA) */
#define SLAB_TYPESAFE_BY_RCU    0x00080000u
#define SLAB_CTOR               0x80000000u   /* model: the cache has a constructor */
#define SLUB_MAX_ORDER          3             /* PAGE_ALLOC_COSTLY_ORDER */
#define KMALLOC_MAX_CACHE_SIZE  8192u

struct slab {
    uint32_t pfn;                /* first frame of the slab */
    uint32_t inuse;              /* objects handed out */
    uint32_t nr_free;            /* entries of free[] */
    uint16_t *free;              /* free object indexes, a stack (top: next) */
    uint8_t  *used;              /* per index: 1 allocated */
    struct slab *next, *prev;    /* on one of the cache's lists */
    int      list;               /* enum slab_list */
    struct kmem_cache *cache;
};

enum slab_list { SLAB_FULL, SLAB_PARTIAL, SLAB_EMPTY, NR_SLAB_LISTS };

struct kmem_cache {
    const char *name;            /* static: it names trace rows */
    uint32_t object_size;        /* what the caller asked for */
    uint32_t size;               /* a slot: object, alignment, free pointer */
    uint32_t align;
    uint32_t flags;
    unsigned order;              /* slab = 2^order frames */
    uint32_t objects;            /* per slab */
    uint32_t min_partial;        /* empty slabs kept */
    struct slab *lists[NR_SLAB_LISTS];
    uint32_t nr_slabs[NR_SLAB_LISTS];
    uint64_t active_objs;        /* allocated objects */
    struct kmem_cache *next;     /* creation order */
};

/* The kernel's caches (struct kernel.slab). */
struct slab_caches {
    struct pglist_data *pgdat;   /* where slabs come from and events go */
    struct kmem_cache *caches;   /* newest first, as Linux's slab_caches list */
    struct kmem_cache *kmalloc[14];  /* kmalloc-8 ... kmalloc-8k, NULL-terminated */
    struct kmem_cache *kmalloc_dma[14];  /* dma-kmalloc-8 ... dma-kmalloc-8k */
    /* The model's object caches (Linux's *_cachep), made by slab_init. */
    struct kmem_cache *vm_area_cachep, *mm_cachep, *task_struct_cachep,
                      *files_cachep, *filp_cachep, *signal_cachep,
                      *sighand_cachep, *anon_vma_cachep, *anon_vma_chain_cachep,
                      *dentry_cache,
                      *inode_cachep, *cred_jar, *fs_cachep, *shmem_inode_cachep;
};

/* Boot: the kmalloc caches and the model's object caches (no slab is
 * allocated until the first object).  0, or -1 when out of host memory. */
int  slab_init(struct slab_caches *sc, struct pglist_data *pgdat);
/* Every cache and slab freed on the host (the frames are not given back:
 * teardown, RAM goes with the kernel). */
void slab_destroy(struct slab_caches *sc);

struct kmem_cache *kmem_cache_create(struct slab_caches *sc, const char *name, uint32_t size,
                                     uint32_t align, uint32_t flags);
/* The object's kernel virtual address, or 0 when buddy has no frames. */
uint32_t kmem_cache_alloc(struct slab_caches *sc, struct kmem_cache *s);
/* Free an object of s (0 is ignored, as kfree(NULL)). */
void kmem_cache_free(struct slab_caches *sc, struct kmem_cache *s, uint32_t addr);
/* Return every empty slab of s to buddy; the number of slabs freed. */
unsigned kmem_cache_shrink(struct slab_caches *sc, struct kmem_cache *s);
/* The cache kmalloc uses for size bytes (NULL above 8 KiB: Linux sends
 * those to the page allocator). */
struct kmem_cache *kmalloc_slab(struct slab_caches *sc, size_t size);
uint32_t kmalloc(struct slab_caches *sc, size_t size);
/* kmalloc(size, gfp): with __GFP_DMA from the dma-kmalloc cache of that size. */
uint32_t kmalloc_gfp(struct slab_caches *sc, size_t size, gfp_t gfp);
void     kfree(struct slab_caches *sc, uint32_t addr);
/* The cache name by its name, or NULL. */
struct kmem_cache *kmem_cache_find(struct slab_caches *sc, const char *name);

/* Consistency: per cache, every slab on the list its count says, counts
 * that add up, each object index in use or free exactly once, each slab's
 * frames PG_slab heads in lowmem and no frame in two slabs.  0 or -1 with
 * a reason. */
int slab_check(const struct slab_caches *sc, char *err, size_t errlen);

/* /proc/slabinfo (version 2.1, SLUB's columns) into buf; the length
 * written, or -1 when buf is too small. */
int slabinfo_show(const struct slab_caches *sc, char *buf, size_t len);

#endif

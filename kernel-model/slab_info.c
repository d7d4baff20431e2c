/*
 * slab_info.c — what the slab caches say about themselves: the
 * consistency check and /proc/slabinfo (see slab.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "kernel-model/slab.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* One slab: its list matches its use, its indexes are each free or used
 * once, its frames are PG_slab and point back at it. */
static int check_slab(const struct slab_caches *sc, const struct kmem_cache *s,
                      const struct slab *slab, int list, char *err, size_t errlen)
{
    const struct physmem *pm = sc->pgdat->pm;
    int want = slab->inuse == 0 ? SLAB_EMPTY : slab->inuse == s->objects ? SLAB_FULL
                                                                          : SLAB_PARTIAL;
    if (slab->list != list || want != list || slab->cache != s)
        return fail(err, errlen, "%s: slab pfn %u on list %d, inuse %u", s->name, slab->pfn,
                    list, slab->inuse);
    if (slab->inuse + slab->nr_free != s->objects)
        return fail(err, errlen, "%s: slab pfn %u: %u used + %u free != %u", s->name,
                    slab->pfn, slab->inuse, slab->nr_free, s->objects);
    uint32_t used = 0;
    for (uint32_t i = 0; i < s->objects; i++)
        used += slab->used[i];
    if (used != slab->inuse)
        return fail(err, errlen, "%s: slab pfn %u counts %u used objects, marks %u", s->name,
                    slab->pfn, slab->inuse, used);
    for (uint32_t i = 0; i < slab->nr_free; i++)
        if (slab->free[i] >= s->objects || slab->used[slab->free[i]])
            return fail(err, errlen, "%s: slab pfn %u: free index %u is in use", s->name,
                        slab->pfn, slab->free[i]);
    if (slab->pfn + (1u << s->order) > ZONE_NORMAL_END_PFN ||
        slab->pfn + (1u << s->order) > pm->nr_pages)
        return fail(err, errlen, "%s: slab pfn %u is not lowmem", s->name, slab->pfn);
    for (uint32_t i = 0; i < (1u << s->order); i++) {
        const struct page *p = pfn_to_page(pm, slab->pfn + i);
        if (!(p->flags & PG_slab) || p->mapping != slab)
            return fail(err, errlen, "%s: frame %u of slab pfn %u not its own (two slabs?)",
                        s->name, slab->pfn + i, slab->pfn);
    }
    return 0;
}

/* A free index appearing twice in a slab's stack would make inuse + nr_free
 * add up while one object is lost; the used[] marks and this catch it. */
static int check_free_unique(const struct kmem_cache *s, const struct slab *slab, char *err,
                             size_t errlen)
{
    uint8_t seen[65536 / 8];
    memset(seen, 0, (s->objects + 7) / 8);
    for (uint32_t i = 0; i < slab->nr_free; i++) {
        uint16_t x = slab->free[i];
        if (seen[x / 8] & (1u << (x % 8)))
            return fail(err, errlen, "%s: slab pfn %u: index %u free twice", s->name, slab->pfn,
                        x);
        seen[x / 8] |= (uint8_t)(1u << (x % 8));
    }
    return 0;
}

int slab_check(const struct slab_caches *sc, char *err, size_t errlen)
{
    for (const struct kmem_cache *s = sc->caches; s; s = s->next) {
        uint64_t active = 0;
        for (int l = 0; l < NR_SLAB_LISTS; l++) {
            uint32_t n = 0;
            for (const struct slab *slab = s->lists[l]; slab; slab = slab->next, n++) {
                if (check_slab(sc, s, slab, l, err, errlen) ||
                    check_free_unique(s, slab, err, errlen))
                    return -1;
                if (slab->next && slab->next->prev != slab)
                    return fail(err, errlen, "%s: list %d broken at pfn %u", s->name, l,
                                slab->pfn);
                active += slab->inuse;
            }
            if (n != s->nr_slabs[l])
                return fail(err, errlen, "%s: list %d holds %u slabs, counted %u", s->name, l,
                            n, s->nr_slabs[l]);
        }
        if (active != s->active_objs)
            return fail(err, errlen, "%s: %llu objects in slabs, counted %llu", s->name,
                        (unsigned long long)active, (unsigned long long)s->active_objs);
        if (s->nr_slabs[SLAB_EMPTY] > s->min_partial)
            return fail(err, errlen, "%s: %u empty slabs kept, min_partial %u", s->name,
                        s->nr_slabs[SLAB_EMPTY], s->min_partial);
    }
    return 0;
}

/*
 * Linux 6.1 mm/slab_common.c cache_show() with SLUB's get_slabinfo(): the
 * tunables are 0 (SLUB has none), active_slabs = num_slabs, sharedavail 0.
 * Caches in slab_caches order, the newest first.
 */
int slabinfo_show(const struct slab_caches *sc, char *buf, size_t len)
{
    size_t off = 0;
    int n = snprintf(buf, len,
                     "slabinfo - version: 2.1\n"
                     "# name            <active_objs> <num_objs> <objsize> <objperslab>"
                     " <pagesperslab> : tunables <limit> <batchcount> <sharedfactor>"
                     " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
    if (n < 0 || (size_t)n >= len)
        return -1;
    off = (size_t)n;
    for (const struct kmem_cache *s = sc->caches; s; s = s->next) {
        unsigned long slabs = 0;
        for (int l = 0; l < NR_SLAB_LISTS; l++)
            slabs += s->nr_slabs[l];
        n = snprintf(buf + off, len - off,
                     "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u"
                     " : slabdata %6lu %6lu %6lu\n",
                     s->name, (unsigned long)s->active_objs, slabs * s->objects, s->size,
                     s->objects, 1 << s->order, 0u, 0u, 0u, slabs, slabs, 0ul);
        if (n < 0 || (size_t)n >= len - off)
            return -1;
        off += (size_t)n;
    }
    return (int)off;
}

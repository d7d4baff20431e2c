/*
 * cache_fixture.h — looking into a cache for the test_cache*.c tests: the
 * line holding an address and whether it is dirty (without counting an
 * access or touching a stamp), and the four counters checked at once.
 * Header-only, like check.h.
 */
#ifndef MEMSIM_CACHE_FIXTURE_H
#define MEMSIM_CACHE_FIXTURE_H

#include "tests/unit/check.h"
#include "mmu/cache.h"

#include <stdint.h>

/* The line holding paddr, or NULL.  Scans the array: counts nothing and
 * touches no stamp. */
static const struct cache_line *find(const struct cache *c, uint64_t paddr)
{
    uint64_t tag = paddr >> c->line_shift;
    for (uint32_t i = 0; i < c->sets * c->cfg.ways; i++)
        if (c->lines[i].valid && c->lines[i].tag == tag)
            return &c->lines[i];
    return NULL;
}

/* Is paddr cached, and dirty? */
static int dirty(const struct cache *c, uint64_t paddr)
{
    const struct cache_line *l = find(c, paddr);
    return l && l->dirty;
}

/* All four counters of c at once. */
static void check_stats(const struct cache *c, uint64_t hits, uint64_t misses,
                        uint64_t evictions, uint64_t writebacks)
{
    CHECK_EQ(c->stats.hits, hits);
    CHECK_EQ(c->stats.misses, misses);
    CHECK_EQ(c->stats.evictions, evictions);
    CHECK_EQ(c->stats.writebacks, writebacks);
}

#endif

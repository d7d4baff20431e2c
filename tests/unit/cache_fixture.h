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

/* The key of the line holding paddr (see struct cache), or NULL.  Scans
 * the array: counts nothing and touches no stamp. */
static const uint32_t *find(const struct cache *c, uint64_t paddr)
{
    uint32_t key = (uint32_t)(paddr >> c->line_shift) + 1;
    for (uint32_t i = 0; i < c->sets * c->cfg.ways; i++)
        if (c->keys[i] == key)
            return &c->keys[i];
    return NULL;
}

/* Is paddr cached, and dirty? */
static int dirty(const struct cache *c, uint64_t paddr)
{
    const uint32_t *k = find(c, paddr);
    return k && c->dirty[k - c->keys];
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

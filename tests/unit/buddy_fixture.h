/*
 * buddy_fixture.h — a booted physical memory and buddy allocator for the
 * test_buddy*.c tests, with the helpers they share: buddy_check as a CHECK
 * that says why, free-list snapshots and a small deterministic PRNG.
 * Header-only, like check.h.
 */
#ifndef MEMSIM_BUDDY_FIXTURE_H
#define MEMSIM_BUDDY_FIXTURE_H

#include "tests/unit/check.h"
#include "kernel-model/page_alloc.h"
#include "tests/unit/event_fixture.h"

#include <stdint.h>

#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct env {
    struct physmem pm;
    struct pglist_data pgdat;
};

/* Physical memory of size bytes and the memblock boot on it. */
static int env_init(struct env *e, uint64_t size, struct event_stream *obs)
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

static inline uint32_t xorshift32(uint32_t *s)
{
    uint32_t x = *s;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static inline const struct zone *zone_of(const struct env *e, enum zone_type z)
{
    return &e->pgdat.node_zones[z];
}

/* The number of free blocks of every order in zone. */
static inline void snapshot(const struct zone *zone, uint32_t out[MAX_ORDER])
{
    for (int o = 0; o < MAX_ORDER; o++)
        out[o] = zone->free_area[o].nr_free;
}

#endif

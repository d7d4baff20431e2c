/*
 * buddy_check.c — looking at the buddy allocator from outside: the
 * invariant checker the tests and --check run, and /proc/buddyinfo.
 * Reads only; never changes a free list.
 */
#include "common/errmsg.h"
#include "kernel-model/buddy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- consistency check ------------------------------------------------ */

/* What is wrong with the free-list entry pfn (reached from prev) on
 * free_area[order].free_list[mt] of zone z, or NULL. */
static const char *free_block_problem(const struct pglist_data *pgdat, int z, unsigned order,
                                      int mt, uint32_t pfn, uint32_t prev)
{
    const struct physmem *pm = pgdat->pm;
    const struct zone *zone = &pgdat->node_zones[z];
    uint32_t size = 1u << order;

    if (!zone_spans_pfn(zone, pfn) || (uint64_t)pfn + size > zone_end_pfn(zone))
        return "block outside the zone";
    if (pfn & (size - 1))
        return "block not aligned to its order";
    const struct page *page = pfn_to_page(pm, pfn);
    if (!(page->flags & PG_buddy))
        return "PG_buddy not set";
    if (page->order != order)
        return "page order does not match the list";
    if (page->migratetype != mt)
        return "page migratetype does not match the list";
    if (page->prev != prev)
        return "prev link does not match";
    if ((page->flags & PG_reserved) || page->_refcount != 0)
        return "free block is reserved or referenced";
    if (order < MAX_ORDER - 1 && zone_spans_pfn(zone, pfn ^ size) &&
        page_is_buddy(pm, pfn ^ size, order))
        return "block and its buddy are both free (not merged)";
    /* A whole pageblock on another type's list would mean a pageblock
     * whose type changed without its free blocks moving; smaller blocks
     * may sit on the list of the type that stole them (expand after a
     * fallback), as in Linux. */
    if (order >= pageblock_order && get_pageblock_migratetype(pgdat, pfn) != mt)
        return "a free pageblock on another type's list";
    return NULL;
}

/* Walk free_area[order].free_list[mt] of one zone: every entry a
 * well-formed free head, links and the tail consistent, nothing left
 * unmerged.  Adds its blocks to *blocks. */
static int check_free_list(const struct pglist_data *pgdat, int z, unsigned order, int mt,
                           uint32_t *blocks, char *err, size_t errlen)
{
    const struct zone *zone = &pgdat->node_zones[z];
    const struct free_area *area = &zone->free_area[order];
    uint32_t prev = PFN_NONE, n = 0;

    for (uint32_t pfn = area->free_list[mt]; pfn != PFN_NONE;
         prev = pfn, pfn = pfn_to_page(pgdat->pm, pfn)->next) {
        /* A list longer than the zone could hold must loop back on itself. */
        const char *why = n++ >= (zone->spanned_pages >> order)
                              ? "more blocks than the zone can hold (a cycle?)"
                              : free_block_problem(pgdat, z, order, mt, pfn, prev);
        if (why) {
            set_err(err, errlen, "zone %s order %u %s pfn %#x: %s",
                    zone->name, order, migratetype_names[mt], pfn, why);
            return -1;
        }
    }
    if (area->free_tail[mt] != prev) {
        set_err(err, errlen, "zone %s order %u %s: tail %#x, last block %#x", zone->name,
                order, migratetype_names[mt], area->free_tail[mt], prev);
        return -1;
    }
    *blocks += n;
    return 0;
}

/* Every list of one order: the per-type counts add up to nr_free.  Adds
 * the pages on them to *pages. */
static int check_free_area(const struct pglist_data *pgdat, int z, unsigned order,
                           uint64_t *pages, char *err, size_t errlen)
{
    const struct zone *zone = &pgdat->node_zones[z];
    uint32_t n = 0;

    for (int mt = 0; mt < MIGRATE_TYPES; mt++)
        if (check_free_list(pgdat, z, order, mt, &n, err, errlen) < 0)
            return -1;
    if (n != zone->free_area[order].nr_free) {
        set_err(err, errlen, "zone %s order %u: %u blocks on the lists, nr_free %u",
                zone->name, order, n, zone->free_area[order].nr_free);
        return -1;
    }
    *pages += (uint64_t)n << order;
    return 0;
}

/* Scan the zone's frames in pfn order: a free block's tail frames must be
 * unused (no flags, no users, no purpose), which catches a free block that
 * overlaps an allocation or another free block. */
static int scan_zone(const struct pglist_data *pgdat, int z, uint64_t list_blocks,
                     char *err, size_t errlen)
{
    const struct physmem *pm = pgdat->pm;
    const struct zone *zone = &pgdat->node_zones[z];
    uint32_t pfn = zone->zone_start_pfn, end = zone_end_pfn(zone);
    uint64_t blocks = 0, pages = 0;

    while (pfn < end) {
        const struct page *page = pfn_to_page(pm, pfn);

        if (!(page->flags & PG_buddy)) {
            pfn++;
            continue;
        }
        uint32_t size = page->order < MAX_ORDER ? 1u << page->order : 0;
        if (!size || (pfn & (size - 1)) || (uint64_t)pfn + size > end) {
            set_err(err, errlen, "zone %s pfn %#x: PG_buddy with bad order %u",
                    zone->name, pfn, page->order);
            return -1;
        }
        for (uint32_t i = 1; i < size; i++) {
            const struct page *tail = pfn_to_page(pm, pfn + i);

            if (tail->flags || tail->_refcount || tail->purpose != PURPOSE_NONE) {
                set_err(err, errlen, "zone %s: free block %#x order %u covers "
                        "pfn %#x which is in use", zone->name, pfn, page->order, pfn + i);
                return -1;
            }
        }
        blocks++;
        pages += size;
        pfn += size;
    }
    if (blocks != list_blocks || pages != zone->free_pages) {
        set_err(err, errlen, "zone %s: %llu PG_buddy blocks in mem_map, %llu on lists",
                zone->name, (unsigned long long)blocks, (unsigned long long)list_blocks);
        return -1;
    }
    return 0;
}

static int check_zone(const struct pglist_data *pgdat, int z, char *err, size_t errlen)
{
    const struct zone *zone = &pgdat->node_zones[z];
    uint64_t list_pages = 0, list_blocks = 0;

    for (unsigned order = 0; order < MAX_ORDER; order++) {
        if (check_free_area(pgdat, z, order, &list_pages, err, errlen) < 0)
            return -1;
        list_blocks += zone->free_area[order].nr_free;
    }
    if (list_pages != zone->free_pages || zone->free_pages > zone->managed_pages) {
        set_err(err, errlen, "zone %s: free lists hold %llu pages, free_pages %u, "
                "managed %u", zone->name, (unsigned long long)list_pages,
                zone->free_pages, zone->managed_pages);
        return -1;
    }
    return scan_zone(pgdat, z, list_blocks, err, errlen);
}

int buddy_check(const struct pglist_data *pgdat, char *err, size_t errlen)
{
    if (!pgdat->pm || !pgdat->pm->mem_map) {
        set_err(err, errlen, "buddy_check: allocator not initialised");
        return -1;
    }
    for (uint32_t b = 0; b < (pgdat->pm->nr_pages + pageblock_nr_pages - 1) >> pageblock_order; b++)
        if (pgdat->pageblock_mt[b] >= MIGRATE_TYPES) {
            set_err(err, errlen, "pageblock %u: migrate type %u", b, pgdat->pageblock_mt[b]);
            return -1;
        }
    for (int z = 0; z < MAX_NR_ZONES; z++)
        if (check_zone(pgdat, z, err, errlen) < 0)
            return -1;
    return 0;
}

/* ---- /proc/buddyinfo -------------------------------------------------- */

static int append(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf + *off, len - *off, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len - *off) {
        *off = len - 1;                  /* full: later appends add nothing */
        return -1;
    }
    *off += (size_t)n;
    return 0;
}

/* mm/vmstat.c frag_show_print(): "Node 0, zone %8s " then "%6lu " per order
 * and a newline — including Linux's trailing space.  Absent zones are not
 * listed.  Returns the length written (without the NUL), or -1 when buf is
 * too small (buf then holds a NUL-terminated prefix). */
int buddyinfo_format(const struct pglist_data *pgdat, char *buf, size_t len)
{
    size_t off = 0;
    int bad = 0;

    if (!buf || len == 0)
        return -1;
    buf[0] = '\0';
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        const struct zone *zone = &pgdat->node_zones[z];

        if (zone->spanned_pages == 0)
            continue;
        bad |= append(buf, len, &off, "Node 0, zone %8s ", zone->name);
        for (unsigned order = 0; order < MAX_ORDER; order++)
            bad |= append(buf, len, &off, "%6lu ",
                          (unsigned long)zone->free_area[order].nr_free);
        bad |= append(buf, len, &off, "\n");
    }
    return bad ? -1 : (int)off;
}

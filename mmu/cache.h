/*
 * cache.h — set-associative, physically indexed and tagged caches and the
 * hierarchy L1I/L1D -> L2 -> LLC -> DRAM (internal model of the MMU library).
 *
 * Addresses are the model's own physical addresses (frame numbers from the
 * buddy allocator), so two processes sharing a frame share its lines.
 * Caches are write-back and write-allocate; a dirty victim is written back
 * to the next level (counted; the write-back is buffered and costs the
 * access nothing).  Levels are non-inclusive: a miss fills every level it
 * went through.  An access costs the latency of the level that hit (DRAM's
 * when none did).
 */
#ifndef MEMSIM_CACHE_H
#define MEMSIM_CACHE_H

#include <stddef.h>
#include <stdint.h>

enum cache_repl { REPL_LRU, REPL_FIFO, REPL_RANDOM };

struct cache_config {
    uint32_t size;          /* bytes; 0 = level absent */
    uint32_t ways;          /* associativity; size / (ways * line) sets, a power of two */
    uint32_t line;          /* bytes, a power of two >= 16 */
    uint32_t latency;       /* cycles for a hit at this level (load-to-use) */
    enum cache_repl repl;
};

struct cache_stats {
    uint64_t hits, misses;
    uint64_t evictions;     /* valid lines replaced */
    uint64_t writebacks;    /* dirty lines replaced */
};

/*
 * The lines of a cache are kept as three arrays of sets * ways entries
 * (way w of set s at s * ways + w) in one allocation, so that the tag
 * compare over a set reads only its keys: 8 ways are one 64-byte host
 * line.  A key is the line address plus one, 0 meaning invalid, so the
 * compare needs no separate valid flag.
 */
struct cache {
    const char *name;
    struct cache_config cfg;
    uint32_t sets, line_shift;
    uint64_t clock;         /* stamps */
    uint64_t rng;           /* REPL_RANDOM: xorshift state, fixed seed */
    void *mem;              /* the allocation holding the three arrays */
    uint64_t *keys;         /* paddr / line + 1; 0 = invalid; 64-byte aligned */
    uint64_t *stamps;       /* LRU: last use; FIFO: fill time */
    uint8_t *dirty;         /* 0 or 1; 0 for an invalid line */
    size_t free_lines;      /* invalid lines (keys 0) */
    struct cache_stats stats;
};

/* Returns 0, or -1 with a reason in err (bad geometry). size 0 makes an
 * absent level: every access misses it without counting. */
int  cache_init(struct cache *c, const char *name, const struct cache_config *cfg,
                char *err, size_t errlen);
void cache_destroy(struct cache *c);
void cache_flush(struct cache *c);          /* invalidate all (no write-back counted) */

/*
 * Look up the line of paddr.  Hit: returns 1 (LRU stamp updated, dirty set
 * on write).  Miss: returns 0 and fills the line, evicting a victim; if the
 * victim was dirty, *wb gets its line address (else UINT64_MAX).
 */
int cache_access(struct cache *c, uint64_t paddr, int write, uint64_t *wb);

enum mem_kind { MEM_IFETCH, MEM_READ, MEM_WRITE, MEM_WALK };

struct mem_hierarchy {
    struct cache l1i, l1d, l2, llc;
    uint32_t dram_latency;
    uint64_t dram_accesses, dram_writebacks;
};

/* Build the hierarchy; returns 0 or -1 with a reason. */
int  mem_hierarchy_init(struct mem_hierarchy *h, const struct cache_config *l1i,
                        const struct cache_config *l1d, const struct cache_config *l2,
                        const struct cache_config *llc, uint32_t dram_latency,
                        char *err, size_t errlen);
void mem_hierarchy_destroy(struct mem_hierarchy *h);

/*
 * One access of `kind` to paddr (IFETCH through L1I, the others through L1D;
 * page-walk references are MEM_WALK reads, as on real CPUs).  Returns its
 * latency in cycles.  Dirty victims are written back into the next level
 * (and from the LLC to DRAM), updating that level's state and counters.
 */
uint32_t mem_access(struct mem_hierarchy *h, uint64_t paddr, enum mem_kind kind);

#endif

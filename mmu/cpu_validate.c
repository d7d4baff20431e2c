/*
 * cpu_validate.c — the rules a CPU configuration must follow: TLB and cache
 * geometries (power-of-two sets, sizes made of whole sets, bounded host
 * memory), latencies that never decrease outwards, positive costs and
 * frequency.  A failed rule
 * names the fields it involves so the loader can point at their lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "common/errmsg.h"
#include "mmu/cpu_config.h"
#include "mmu/cpu_config_internal.h"


/*
 * Bounds on what the model allocates for a level, so that a config cannot
 * make memsim calloc gigabytes (2^30 STLB entries would be 24 GiB): far
 * above any real CPU, far below the host's memory.
 */
#define TLB_MAX_ENTRIES (1u << 20)      /* 24 MiB of entries */
#define CACHE_MAX_LINES (1u << 24)      /* 1 GiB of 64-byte lines, ~270 MiB of tags */

static void blame(struct blame *b, size_t off)
{
    if (b && b->n < 3)
        b->off[b->n++] = off;
}

static int is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

static int check_tlb(const struct cpu_config *c, const char *name, size_t off,
                     int may_be_absent, char *err, size_t errlen, struct blame *b)
{
    const struct tlb_config *t = (const void *)((const char *)c + off);

    if (t->entries == 0) {
        if (may_be_absent)
            return 0;
        blame(b, off + TLB_F(entries));
        set_err(err, errlen, "%s.entries is 0: an L1 TLB cannot be absent", name);
        return -1;
    }
    if (t->ways == 0) {
        blame(b, off + TLB_F(ways));
        blame(b, off + TLB_F(entries));     /* the line that switched it on */
        set_err(err, errlen, "%s.ways is 0 (need at least 1)", name);
        return -1;
    }
    if (t->entries > TLB_MAX_ENTRIES) {
        blame(b, off + TLB_F(entries));
        set_err(err, errlen, "%s.entries %u is more than %u (memsim keeps every entry in "
                "host memory; real TLBs have at most a few thousand)", name, t->entries,
                TLB_MAX_ENTRIES);
        return -1;
    }
    if (t->entries % t->ways || !is_pow2(t->entries / t->ways)) {
        blame(b, off + TLB_F(entries));
        blame(b, off + TLB_F(ways));
        set_err(err, errlen, "%s: %u entries / %u ways is not a power-of-two number of sets",
                name, t->entries, t->ways);
        return -1;
    }
    if ((unsigned)t->repl > REPL_RANDOM) {
        blame(b, off + TLB_F(repl));
        set_err(err, errlen, "%s.replacement: invalid value %d", name, (int)t->repl);
        return -1;
    }
    return 0;
}

static int check_cache(const struct cpu_config *c, const char *name, size_t off,
                       int may_be_absent, char *err, size_t errlen, struct blame *b)
{
    const struct cache_config *k = (const void *)((const char *)c + off);
    uint64_t way_bytes = (uint64_t)k->ways * k->line;   /* 64-bit: no wrap */

    if (k->size == 0) {
        if (may_be_absent)
            return 0;
        blame(b, off + CACHE_F(size));
        set_err(err, errlen, "%s.size is 0: only the llc may be absent", name);
        return -1;
    }
    if (k->ways == 0) {
        blame(b, off + CACHE_F(ways));
        blame(b, off + CACHE_F(size));      /* the line that switched it on */
        set_err(err, errlen, "%s.ways is 0 (need at least 1)", name);
        return -1;
    }
    if (k->line < 16 || !is_pow2(k->line)) {
        blame(b, off + CACHE_F(line));
        set_err(err, errlen, "%s.line %u is not a power of two >= 16", name, k->line);
        return -1;
    }
    if (k->size / k->line > CACHE_MAX_LINES) {
        blame(b, off + CACHE_F(size));
        blame(b, off + CACHE_F(line));
        set_err(err, errlen, "%s: size %u / %u-byte lines is %u lines, more than %u (memsim "
                "keeps every line's tag in host memory)", name, k->size, k->line,
                k->size / k->line, CACHE_MAX_LINES);
        return -1;
    }
    if (k->size % way_bytes || !is_pow2(k->size / way_bytes)) {
        blame(b, off + CACHE_F(size));
        blame(b, off + CACHE_F(ways));
        blame(b, off + CACHE_F(line));
        set_err(err, errlen, "%s: size %u / (%u ways * %u-byte lines) is not a power-of-two "
                "number of sets", name, k->size, k->ways, k->line);
        return -1;
    }
    if (k->latency == 0) {
        blame(b, off + CACHE_F(latency));
        set_err(err, errlen, "%s.latency is 0 (a hit takes at least one cycle)", name);
        return -1;
    }
    if ((unsigned)k->repl > REPL_RANDOM) {
        blame(b, off + CACHE_F(repl));
        set_err(err, errlen, "%s.replacement: invalid value %d", name, (int)k->repl);
        return -1;
    }
    return 0;
}

/* A level further out answers no faster than the one inside it. */
static int check_order(uint32_t outer, const char *outer_key, size_t outer_off,
                       uint32_t inner, const char *inner_key, size_t inner_off,
                       char *err, size_t errlen, struct blame *b)
{
    if (outer >= inner)
        return 0;
    blame(b, outer_off);
    blame(b, inner_off);
    set_err(err, errlen, "%s %u is below %s %u (a level further out cannot be faster)",
            outer_key, outer, inner_key, inner);
    return -1;
}

static int check_costs(const struct cpu_config *c, char *err, size_t errlen, struct blame *b)
{
    for (const struct field *f = cpu_cost_fields; f->name; f++) {
        uint32_t v;
        memcpy(&v, (const char *)c + f->off, sizeof v);
        if (v == 0) {
            blame(b, f->off);
            set_err(err, errlen, "cost.%s is 0 (must be at least 1 cycle)", f->name);
            return -1;
        }
    }
    if (c->hz == 0) {
        blame(b, CPU_F(hz));
        set_err(err, errlen, "cpu.hz is 0");
        return -1;
    }
    return 0;
}

int cpu_config_check(const struct cpu_config *c, char *err, size_t errlen, struct blame *b)
{
    uint32_t l1 = c->l1d.latency > c->l1i.latency ? c->l1d.latency : c->l1i.latency;
    const char *l1_key = c->l1d.latency >= c->l1i.latency ? "l1d.latency" : "l1i.latency";
    size_t l1_off = c->l1d.latency >= c->l1i.latency ? CPU_F(l1d.latency) : CPU_F(l1i.latency);
    uint32_t l1tlb = c->dtlb.latency > c->itlb.latency ? c->dtlb.latency : c->itlb.latency;
    const char *l1tlb_key = c->dtlb.latency >= c->itlb.latency ? "dtlb.latency" : "itlb.latency";
    size_t l1tlb_off = c->dtlb.latency >= c->itlb.latency ? CPU_F(dtlb.latency)
                                                          : CPU_F(itlb.latency);

    if (check_tlb(c, "itlb", CPU_F(itlb), 0, err, errlen, b) ||
        check_tlb(c, "dtlb", CPU_F(dtlb), 0, err, errlen, b) ||
        check_tlb(c, "stlb", CPU_F(stlb), 1, err, errlen, b) ||
        check_tlb(c, "pde_cache", CPU_F(pde_cache), 1, err, errlen, b) ||
        check_cache(c, "l1i", CPU_F(l1i), 0, err, errlen, b) ||
        check_cache(c, "l1d", CPU_F(l1d), 0, err, errlen, b) ||
        check_cache(c, "l2", CPU_F(l2), 0, err, errlen, b) ||
        check_cache(c, "llc", CPU_F(llc), 1, err, errlen, b))
        return -1;

    if (c->stlb.entries &&
        check_order(c->stlb.latency, "stlb.latency", CPU_F(stlb.latency),
                    l1tlb, l1tlb_key, l1tlb_off, err, errlen, b))
        return -1;
    if (check_order(c->l2.latency, "l2.latency", CPU_F(l2.latency),
                    l1, l1_key, l1_off, err, errlen, b))
        return -1;
    if (c->llc.size) {
        if (check_order(c->llc.latency, "llc.latency", CPU_F(llc.latency),
                        c->l2.latency, "l2.latency", CPU_F(l2.latency), err, errlen, b) ||
            check_order(c->dram_latency, "dram.latency", CPU_F(dram_latency),
                        c->llc.latency, "llc.latency", CPU_F(llc.latency), err, errlen, b))
            return -1;
    } else if (check_order(c->dram_latency, "dram.latency", CPU_F(dram_latency),
                           c->l2.latency, "l2.latency", CPU_F(l2.latency), err, errlen, b)) {
        return -1;
    }
    return check_costs(c, err, errlen, b);
}

int cpu_config_validate(const struct cpu_config *cfg, char *err, size_t errlen)
{
    return cpu_config_check(cfg, err, errlen, NULL);
}


/*
 * cpu_config_fixture.h — what the test_cpu_*.c tests share: a preset that
 * must load, and equality over every field a config file can set.
 * Header-only, like check.h.
 */
#ifndef MEMSIM_CPU_CONFIG_FIXTURE_H
#define MEMSIM_CPU_CONFIG_FIXTURE_H

#include "tests/unit/check.h"
#include "mmu/cpu_config.h"

#include <stdint.h>

#define KiB 1024u
#define MiB (1024u * 1024u)

static inline int tlb_equal(const struct tlb_config *a, const struct tlb_config *b)
{
    return a->entries == b->entries && a->ways == b->ways && a->latency == b->latency &&
           a->repl == b->repl;
}

static inline int cache_equal(const struct cache_config *a, const struct cache_config *b)
{
    return a->size == b->size && a->ways == b->ways && a->line == b->line &&
           a->latency == b->latency && a->repl == b->repl;
}

/* Every field a config file can set (not name and description). */
static inline int cfg_equal(const struct cpu_config *a, const struct cpu_config *b)
{
    for (int i = 0; i < NR_INSN_CLASSES; i++)
        if (a->insn_cost[i] != b->insn_cost[i])
            return 0;
    return tlb_equal(&a->itlb, &b->itlb) && tlb_equal(&a->dtlb, &b->dtlb) &&
           tlb_equal(&a->stlb, &b->stlb) && tlb_equal(&a->pde_cache, &b->pde_cache) &&
           cache_equal(&a->l1i, &b->l1i) && cache_equal(&a->l1d, &b->l1d) &&
           cache_equal(&a->l2, &b->l2) && cache_equal(&a->llc, &b->llc) &&
           a->dram_latency == b->dram_latency && a->page_fault_cost == b->page_fault_cost &&
           a->syscall_cost == b->syscall_cost && a->page_zero_cost == b->page_zero_cost &&
           a->page_copy_cost == b->page_copy_cost && a->hz == b->hz;
}

/* Load the preset name into cfg; it must exist. */
static void preset(struct cpu_config *cfg, const char *name)
{
    char err[512] = "";

    if (cpu_config_preset(cfg, name, err, sizeof err)) {
        fprintf(stderr, "preset %s: %s\n", name, err);
        CHECK(!"preset");
    }
}

#endif

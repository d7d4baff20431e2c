/*
 * cpu_config.h — everything that describes a modelled CPU: TLB and cache
 * geometries and latencies, instruction base costs and the kernel's costs.
 *
 * Presets describe real CPUs with published numbers (docs/CPU_PRESETS.md
 * gives the sources); a config file of `key = value` lines overrides any
 * field.  Invalid names or values are errors with the valid choices listed,
 * so the CLI can exit 125 with them.
 */
#ifndef MEMSIM_CPU_CONFIG_H
#define MEMSIM_CPU_CONFIG_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "mmu/cache.h"

struct tlb_config {
    uint32_t entries;       /* 0: level absent */
    uint32_t ways;          /* entries / ways sets, a power of two */
    uint32_t latency;       /* extra cycles for a hit at this level (L1: 0) */
    enum cache_repl repl;
};

/* Instruction classes for base costs (from Capstone's groups and ids). */
enum insn_class {
    INSN_ALU,               /* integer ALU, moves, lea, logic: the default */
    INSN_MUL,               /* imul, mul */
    INSN_DIV,               /* div, idiv */
    INSN_BRANCH,            /* jumps, calls, returns */
    INSN_FP,                /* x87 */
    INSN_SIMD,              /* MMX/SSE/AVX */
    INSN_STRING,            /* rep movs/stos/... per iteration */
    INSN_SYSTEM,            /* int, cpuid, rdtsc, segment loads, ... */
    NR_INSN_CLASSES
};

struct cpu_config {
    char name[32];
    char description[128];
    struct tlb_config itlb, dtlb, stlb;      /* L1 ITLB, L1 DTLB, unified L2 TLB */
    struct tlb_config pde_cache;             /* paging-structure cache of PDEs */
    struct cache_config l1i, l1d, l2, llc;
    uint32_t dram_latency;
    uint32_t insn_cost[NR_INSN_CLASSES];     /* base cycles per instruction class */
    uint32_t page_fault_cost;                /* kernel entry+exit and handling */
    uint32_t syscall_cost;
    uint32_t page_zero_cost;                 /* per 4 KiB page the kernel zeroes */
    uint32_t page_copy_cost;                 /* per 4 KiB page the kernel copies */
    uint64_t hz;                             /* for the guest's clocks */
};

/* The names of the presets, NULL-terminated (the first is the default). */
extern const char *const cpu_preset_names[];

/* Fill cfg from a preset.  Returns 0, or -1 with "unknown CPU 'x' (choose
 * from: a, b)" in err. */
int cpu_config_preset(struct cpu_config *cfg, const char *name, char *err, size_t errlen);

/* Apply a config file's `key = value` lines (# comments, blank lines) over
 * cfg.  Keys: <level>.<field> with level one of itlb dtlb stlb pde_cache
 * l1i l1d l2 llc and field entries/ways/latency/replacement (TLBs) or
 * size/ways/line/latency/replacement (caches); dram.latency;
 * cost.<class> for alu mul div branch fp simd string system;
 * cost.page_fault, cost.syscall, cost.page_zero, cost.page_copy; cpu.hz.
 * Sizes take K/M suffixes; replacement is lru, fifo or random.
 * FILE must be a regular file of at most CPU_CONFIG_MAX_BYTES with lines of
 * at most CPU_CONFIG_MAX_LINE bytes (a FIFO, a device or a directory is
 * refused without reading it).
 * Returns 0, or -1 with "FILE:LINE: reason (valid: ...)" in err. */
#define CPU_CONFIG_MAX_BYTES (1u << 20)
#define CPU_CONFIG_MAX_LINE  4096u
int cpu_config_load(struct cpu_config *cfg, const char *path, char *err, size_t errlen);

/* Check every field (powers of two, sizes consistent with ways and line,
 * L1 present); returns 0 or -1 with the reason. */
int cpu_config_validate(const struct cpu_config *cfg, char *err, size_t errlen);

/* Write cfg as a config file (every key), e.g. for `memsim cpu NAME`. */
void cpu_config_print(const struct cpu_config *cfg, FILE *out);

#endif

/*
 * cpu_presets.c — the modelled CPUs: real processors with their published
 * TLB and cache geometries and latencies (docs/CPU_PRESETS.md gives every
 * number's source, or says it is an estimate).
 */
#include <stdio.h>
#include <string.h>
#include "common/errmsg.h"
#include "mmu/cpu_config.h"
#include "mmu/cpu_config_internal.h"


#define TLB(entries, ways, latency)        { entries, ways, latency, REPL_LRU }
#define CACHE(size, ways, line, latency)   { size, ways, line, latency, REPL_LRU }
#define NO_TLB                             { 0, 0, 0, REPL_LRU }
#define NO_CACHE                           { 0, 0, 0, 0, REPL_LRU }

/*
 * The one global: every number here is explained, with its source or as
 * an estimate, in docs/CPU_PRESETS.md.  Keep the two in step.
 */
static const struct cpu_config presets[] = {
    {
        .name = "skylake",
        .description = "Intel Core i7-6700 (Skylake client, 2015), 3.4 GHz",
        .itlb      = TLB(128, 8, 0),
        .dtlb      = TLB(64, 4, 0),
        .stlb      = TLB(1536, 12, 9),
        .pde_cache = TLB(32, 32, 0),
        .l1i = CACHE(32 * KiB, 8, 64, 4),
        .l1d = CACHE(32 * KiB, 8, 64, 4),
        .l2  = CACHE(256 * KiB, 4, 64, 12),
        .llc = CACHE(8 * MiB, 16, 64, 42),
        .dram_latency = 215,            /* 42 cycles + 51 ns at 3.4 GHz */
        .insn_cost = {
            [INSN_ALU] = 1, [INSN_MUL] = 3, [INSN_DIV] = 26, [INSN_BRANCH] = 1,
            [INSN_FP] = 3, [INSN_SIMD] = 1, [INSN_STRING] = 1, [INSN_SYSTEM] = 25,
        },
        .page_fault_cost = 2600,        /* ~0.76 us */
        .syscall_cost = 500,            /* ~150 ns */
        .page_zero_cost = 400,
        .page_copy_cost = 800,
        .hz = 3400000000ull,
    },
    {
        .name = "core2",
        .description = "Intel Core 2 Duo E6600 (Conroe, 2006), 2.4 GHz",
        .itlb      = TLB(128, 4, 0),
        .dtlb      = TLB(256, 4, 0),    /* DTLB1; DTLB0 not modelled */
        .stlb      = NO_TLB,
        .pde_cache = NO_TLB,
        .l1i = CACHE(32 * KiB, 8, 64, 3),
        .l1d = CACHE(32 * KiB, 8, 64, 3),
        .l2  = CACHE(4 * MiB, 16, 64, 14),
        .llc = NO_CACHE,
        .dram_latency = 170,            /* ~70 ns at 2.4 GHz (estimate) */
        .insn_cost = {
            [INSN_ALU] = 1, [INSN_MUL] = 3, [INSN_DIV] = 29, [INSN_BRANCH] = 1,
            [INSN_FP] = 3, [INSN_SIMD] = 1, [INSN_STRING] = 1, [INSN_SYSTEM] = 25,
        },
        .page_fault_cost = 2400,        /* ~1.0 us */
        .syscall_cost = 400,            /* ~170 ns */
        .page_zero_cost = 500,
        .page_copy_cost = 1000,
        .hz = 2400000000ull,
    },
};

const char *const cpu_preset_names[] = { "skylake", "core2", NULL };

_Static_assert(sizeof presets / sizeof presets[0] ==
               sizeof cpu_preset_names / sizeof cpu_preset_names[0] - 1,
               "cpu_preset_names and presets must list the same CPUs");

static void preset_list(char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; cpu_preset_names[i]; i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, "%s%s", i ? ", " : "", cpu_preset_names[i]);
    }
}

int cpu_config_preset(struct cpu_config *cfg, const char *name, char *err, size_t errlen)
{
    char list[256];

    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        if (name && strcmp(name, presets[i].name) == 0) {
            memcpy(cfg, &presets[i], sizeof *cfg);
            return 0;
        }
    }
    preset_list(list, sizeof list);
    set_err(err, errlen, "unknown CPU '%s' (choose from: %s)", name ? name : "", list);
    return -1;
}


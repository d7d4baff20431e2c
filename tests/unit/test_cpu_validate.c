/*
 * test_cpu_validate.c — the rules every CPU configuration must obey
 * (cpu_config_validate): TLB and cache geometry, present levels, latencies
 * that never get faster further out, non-zero costs and clock.  Each rule
 * is broken by one change to skylake and must fail with its message; the
 * boundary cases next to it must pass.
 */
#include "tests/unit/cpu_config_fixture.h"

#include <stdint.h>
#include <string.h>

/* ---- validation --------------------------------------------------------- */

/* Mutate skylake; validation must fail with a message containing want. */
#define EXPECT_INVALID(mutation, want) do {                                  \
    struct cpu_config c_;                                                    \
    char e_[512] = "";                                                       \
    preset(&c_, "skylake");                                                  \
    mutation;                                                                \
    CHECK_EQ(cpu_config_validate(&c_, e_, sizeof e_), -1);                   \
    if (!strstr(e_, want)) {                                                 \
        fprintf(stderr, "%s:%d: '%s' lacks '%s'\n", __FILE__, __LINE__, e_, want); \
        CHECK(!"message");                                                   \
    }                                                                        \
} while (0)

#define EXPECT_VALID(mutation) do {                                          \
    struct cpu_config c_;                                                    \
    char e_[512] = "";                                                       \
    preset(&c_, "skylake");                                                  \
    mutation;                                                                \
    CHECK_EQ(cpu_config_validate(&c_, e_, sizeof e_), 0);                    \
    if (e_[0])                                                               \
        fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, e_);              \
} while (0)

static void test_validate(void)
{
    /* TLBs: L1 present; entries / ways a power of two. */
    EXPECT_INVALID(c_.itlb.entries = 0, "itlb.entries is 0");
    EXPECT_INVALID(c_.dtlb.entries = 0, "dtlb.entries is 0");
    EXPECT_VALID(c_.stlb.entries = 0);
    EXPECT_VALID(c_.pde_cache.entries = 0);
    EXPECT_VALID((c_.stlb.entries = 0, c_.stlb.ways = 0, c_.stlb.latency = 0));
    EXPECT_INVALID(c_.dtlb.ways = 0, "dtlb.ways is 0");
    EXPECT_INVALID(c_.pde_cache.ways = 0, "pde_cache.ways is 0");
    EXPECT_INVALID(c_.stlb.ways = 7, "stlb: 1536 entries / 7 ways is not a power-of-two");
    EXPECT_INVALID(c_.dtlb.entries = 48, "dtlb: 48 entries / 4 ways is not a power-of-two");
    EXPECT_INVALID(c_.itlb.ways = 256, "itlb: 128 entries / 256 ways");
    EXPECT_VALID(c_.stlb.ways = 6);                     /* what CPUID leaf 2 reports */
    EXPECT_VALID(c_.dtlb.ways = 64);                    /* fully associative */
    EXPECT_INVALID(c_.stlb.repl = (enum cache_repl)7, "stlb.replacement: invalid value 7");

    /* Caches: L1I, L1D, L2 present; line a power of two >= 16;
     * size = ways * line * 2^k. */
    EXPECT_INVALID(c_.l1i.size = 0, "l1i.size is 0");
    EXPECT_INVALID(c_.l1d.size = 0, "l1d.size is 0");
    EXPECT_INVALID(c_.l2.size = 0, "l2.size is 0");
    EXPECT_VALID(c_.llc.size = 0);
    EXPECT_VALID((c_.llc.size = 0, c_.llc.ways = 0, c_.llc.line = 0, c_.llc.latency = 0));
    EXPECT_INVALID(c_.l1d.line = 8, "l1d.line 8 is not a power of two >= 16");
    EXPECT_INVALID(c_.l2.line = 48, "l2.line 48 is not a power of two >= 16");
    EXPECT_INVALID(c_.l2.line = 0, "l2.line 0 is not a power of two >= 16");
    EXPECT_VALID(c_.l1d.line = 16);
    EXPECT_INVALID(c_.llc.ways = 0, "llc.ways is 0");
    EXPECT_INVALID(c_.l1d.size = 48 * KiB, "l1d: size 49152 / (8 ways * 64-byte lines)");
    EXPECT_INVALID(c_.l1i.size = 256, "l1i: size 256 / (8 ways * 64-byte lines)");
    EXPECT_INVALID(c_.l2.ways = 5, "l2: size 262144 / (5 ways * 64-byte lines)");
    EXPECT_INVALID((c_.l1d.ways = 1u << 31, c_.l1d.line = 1u << 31),
                   "l1d: size 32768 / (2147483648 ways");              /* no 32-bit wrap */
    EXPECT_VALID(c_.l1d.size = 512);                    /* one set */
    EXPECT_INVALID(c_.l1d.latency = 0, "l1d.latency is 0");
    EXPECT_INVALID(c_.l1d.repl = (enum cache_repl)3, "l1d.replacement: invalid value 3");

    /* Latencies: l1 <= l2 <= llc <= dram; stlb no faster than the L1 TLBs. */
    EXPECT_INVALID(c_.l2.latency = 3, "l2.latency 3 is below l1d.latency 4");
    EXPECT_INVALID(c_.l1i.latency = 13, "l2.latency 12 is below l1i.latency 13");
    EXPECT_INVALID(c_.llc.latency = 11, "llc.latency 11 is below l2.latency 12");
    EXPECT_INVALID(c_.dram_latency = 41, "dram.latency 41 is below llc.latency 42");
    EXPECT_INVALID((c_.llc.size = 0, c_.dram_latency = 11),
                   "dram.latency 11 is below l2.latency 12");
    EXPECT_VALID((c_.llc.size = 0, c_.dram_latency = 12));
    EXPECT_VALID((c_.l2.latency = 4, c_.llc.latency = 4, c_.dram_latency = 4));  /* equal is fine */
    EXPECT_INVALID(c_.dtlb.latency = 10, "stlb.latency 9 is below dtlb.latency 10");
    EXPECT_INVALID(c_.itlb.latency = 10, "stlb.latency 9 is below itlb.latency 10");
    EXPECT_VALID((c_.stlb.entries = 0, c_.dtlb.latency = 10));

    /* Costs and the clock. */
    EXPECT_INVALID(c_.insn_cost[INSN_ALU] = 0, "cost.alu is 0");
    EXPECT_INVALID(c_.insn_cost[INSN_MUL] = 0, "cost.mul is 0");
    EXPECT_INVALID(c_.insn_cost[INSN_DIV] = 0, "cost.div is 0");
    EXPECT_INVALID(c_.insn_cost[INSN_BRANCH] = 0, "cost.branch is 0");
    EXPECT_INVALID(c_.insn_cost[INSN_FP] = 0, "cost.fp is 0");
    EXPECT_INVALID(c_.insn_cost[INSN_SIMD] = 0, "cost.simd is 0");
    EXPECT_INVALID(c_.insn_cost[INSN_STRING] = 0, "cost.string is 0");
    EXPECT_INVALID(c_.insn_cost[INSN_SYSTEM] = 0, "cost.system is 0");
    EXPECT_INVALID(c_.page_fault_cost = 0, "cost.page_fault is 0");
    EXPECT_INVALID(c_.syscall_cost = 0, "cost.syscall is 0");
    EXPECT_INVALID(c_.page_zero_cost = 0, "cost.page_zero is 0");
    EXPECT_INVALID(c_.page_copy_cost = 0, "cost.page_copy is 0");
    EXPECT_INVALID(c_.hz = 0, "cpu.hz is 0");

    /* err may be NULL. */
    {
        struct cpu_config c;
        preset(&c, "skylake");
        c.hz = 0;
        CHECK_EQ(cpu_config_validate(&c, NULL, 0), -1);
    }
}

int main(void)
{
    test_validate();
    return CHECK_DONE();
}

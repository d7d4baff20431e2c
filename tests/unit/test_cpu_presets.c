/*
 * test_cpu_presets.c — the CPU presets: every one loads, is named and
 * described, and passes validation; the published numbers of skylake and
 * core2; an unknown name is refused with the list of choices.
 *
 * Expected preset numbers are copied from docs/CPU_PRESETS.md (which gives
 * their sources), not read back from the implementation.
 */
#include "tests/unit/cpu_config_fixture.h"

#include <stdint.h>
#include <string.h>

/* ---- presets ------------------------------------------------------------ */

static void test_presets(void)
{
    struct cpu_config cfg;
    char err[512];
    int n = 0;

    CHECK_STR(cpu_preset_names[0], "skylake");          /* the default */
    for (const char *const *name = cpu_preset_names; *name; name++, n++) {
        memset(&cfg, 0xa5, sizeof cfg);
        err[0] = '\0';
        CHECK_EQ(cpu_config_preset(&cfg, *name, err, sizeof err), 0);
        CHECK_STR(cfg.name, *name);
        CHECK(cfg.description[0] != '\0');
        CHECK_EQ(cpu_config_validate(&cfg, err, sizeof err), 0);
        if (err[0])
            fprintf(stderr, "%s: %s\n", *name, err);
    }
    CHECK(n >= 2);
}

/* The published numbers of docs/CPU_PRESETS.md. */
static void test_skylake_numbers(void)
{
    struct cpu_config c;

    preset(&c, "skylake");
    CHECK_EQ(c.l1d.size, 32 * KiB); CHECK_EQ(c.l1d.ways, 8); CHECK_EQ(c.l1d.line, 64);
    CHECK_EQ(c.l1d.latency, 4);
    CHECK_EQ(c.l1i.size, 32 * KiB); CHECK_EQ(c.l1i.ways, 8); CHECK_EQ(c.l1i.line, 64);
    CHECK_EQ(c.l2.size, 256 * KiB); CHECK_EQ(c.l2.ways, 4); CHECK_EQ(c.l2.line, 64);
    CHECK_EQ(c.l2.latency, 12);
    CHECK_EQ(c.llc.size, 8 * MiB); CHECK_EQ(c.llc.ways, 16); CHECK_EQ(c.llc.line, 64);
    CHECK_EQ(c.llc.latency, 42);
    CHECK_EQ(c.dram_latency, 215);          /* 42 cycles + 51 ns * 3.4 GHz */
    CHECK_EQ(c.dtlb.entries, 64); CHECK_EQ(c.dtlb.ways, 4); CHECK_EQ(c.dtlb.latency, 0);
    CHECK_EQ(c.itlb.entries, 128); CHECK_EQ(c.itlb.ways, 8); CHECK_EQ(c.itlb.latency, 0);
    CHECK_EQ(c.stlb.entries, 1536); CHECK_EQ(c.stlb.ways, 12); CHECK_EQ(c.stlb.latency, 9);
    CHECK_EQ(c.stlb.entries / c.stlb.ways, 128);    /* a power of two */
    CHECK_EQ(c.pde_cache.entries, 32);
    CHECK_EQ(c.hz, 3400000000ull);
    CHECK_EQ(c.insn_cost[INSN_ALU], 1);
    CHECK_EQ(c.insn_cost[INSN_MUL], 3);
    CHECK_EQ(c.insn_cost[INSN_DIV], 26);
    CHECK_EQ(c.page_zero_cost, 400);
    CHECK_EQ(c.page_copy_cost, 800);
    CHECK_EQ(c.l1d.repl, REPL_LRU); CHECK_EQ(c.llc.repl, REPL_LRU); CHECK_EQ(c.stlb.repl, REPL_LRU);
}

static void test_core2_numbers(void)
{
    struct cpu_config c;

    preset(&c, "core2");
    CHECK_EQ(c.l1d.size, 32 * KiB); CHECK_EQ(c.l1d.ways, 8); CHECK_EQ(c.l1d.latency, 3);
    CHECK_EQ(c.l1i.size, 32 * KiB); CHECK_EQ(c.l1i.ways, 8);
    CHECK_EQ(c.l2.size, 4 * MiB); CHECK_EQ(c.l2.ways, 16); CHECK_EQ(c.l2.latency, 14);
    CHECK_EQ(c.llc.size, 0);                            /* no L3 */
    CHECK_EQ(c.itlb.entries, 128); CHECK_EQ(c.itlb.ways, 4);
    CHECK_EQ(c.dtlb.entries, 256); CHECK_EQ(c.dtlb.ways, 4);   /* DTLB1 */
    CHECK_EQ(c.stlb.entries, 0);                        /* no unified L2 TLB */
    CHECK_EQ(c.pde_cache.entries, 0);
    CHECK_EQ(c.hz, 2400000000ull);
    CHECK(c.dram_latency > c.l2.latency);
}

static void test_unknown_preset(void)
{
    struct cpu_config cfg, before;
    char err[512] = "", want[512];
    size_t n;

    preset(&cfg, "core2");
    before = cfg;
    CHECK_EQ(cpu_config_preset(&cfg, "pentium9", err, sizeof err), -1);
    n = (size_t)snprintf(want, sizeof want, "unknown CPU 'pentium9' (choose from: ");
    for (const char *const *name = cpu_preset_names; *name; name++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%s%s", name == cpu_preset_names ? "" : ", ",
                              *name);
    snprintf(want + n, sizeof want - n, ")");
    CHECK_STR(err, want);
    CHECK(cfg_equal(&cfg, &before));                    /* untouched */
    CHECK_EQ(cpu_config_preset(&cfg, "", err, sizeof err), -1);
    CHECK_EQ(cpu_config_preset(&cfg, "Skylake", err, sizeof err), -1);   /* names are exact */
    CHECK_EQ(cpu_config_preset(&cfg, "nope", NULL, 0), -1);              /* err may be NULL */
}

int main(void)
{
    test_presets();
    test_skylake_numbers();
    test_core2_numbers();
    test_unknown_preset();
    return CHECK_DONE();
}

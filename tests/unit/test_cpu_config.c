/*
 * test_cpu_config.c — the CPU config file language: keys overriding a
 * preset, sizes and numbers, every parse error with its exact
 * "FILE:LINE: reason" message, validation after loading (naming the line
 * to fix), and printing, which loads back to the same configuration.  The
 * presets are tested in test_cpu_presets.c, the validation rules in
 * test_cpu_validate.c.
 *
 * The key list is the one cpu_config.h documents.  Every config file is a
 * real file, loaded through the same path as `memsim --cpu-config`.
 */
#include "tests/unit/cpu_config_fixture.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every key cpu_config.h lists, spelled out by hand. */
static const char *const all_keys[] = {
    "itlb.entries", "itlb.ways", "itlb.latency", "itlb.replacement",
    "dtlb.entries", "dtlb.ways", "dtlb.latency", "dtlb.replacement",
    "stlb.entries", "stlb.ways", "stlb.latency", "stlb.replacement",
    "pde_cache.entries", "pde_cache.ways", "pde_cache.latency", "pde_cache.replacement",
    "l1i.size", "l1i.ways", "l1i.line", "l1i.latency", "l1i.replacement",
    "l1d.size", "l1d.ways", "l1d.line", "l1d.latency", "l1d.replacement",
    "l2.size", "l2.ways", "l2.line", "l2.latency", "l2.replacement",
    "llc.size", "llc.ways", "llc.line", "llc.latency", "llc.replacement",
    "dram.latency",
    "cost.alu", "cost.mul", "cost.div", "cost.branch", "cost.fp", "cost.simd",
    "cost.string", "cost.system",
    "cost.page_fault", "cost.syscall", "cost.page_zero", "cost.page_copy",
    "cpu.hz",
};
#define NR_KEYS (sizeof all_keys / sizeof all_keys[0])

/* ---- helpers ------------------------------------------------------------ */

/* Write text to a fresh temporary file; its name goes to path. */
static void write_file(char *path, size_t len, const char *text)
{
    int fd;
    FILE *fp;

    snprintf(path, len, "/tmp/test_cpu_config.XXXXXX");
    fd = mkstemp(path);
    fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        CHECK(!"cannot create a temporary file");
        return;
    }
    fputs(text, fp);
    fclose(fp);
}

/* Load text over cfg; the result of cpu_config_load, err filled. */
static int load_text(struct cpu_config *cfg, const char *text, char *path, size_t pathlen,
                     char *err, size_t errlen)
{
    int rc;

    write_file(path, pathlen, text);
    err[0] = '\0';
    rc = cpu_config_load(cfg, path, err, errlen);
    unlink(path);
    return rc;
}

/* cpu_config_print into a malloc'd string. */
static char *print_str(const struct cpu_config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    cpu_config_print(cfg, fp);
    fclose(fp);
    return buf;
}

/* The message for file path: "PATH:LINE: rest" (line 0: "PATH: rest"). */
static void expect_msg(char *buf, size_t len, const char *path, int line, const char *fmt, ...)
{
    va_list ap;
    int n = line ? snprintf(buf, len, "%s:%d: ", path, line) : snprintf(buf, len, "%s: ", path);

    va_start(ap, fmt);
    vsnprintf(buf + n, len - (size_t)n, fmt, ap);
    va_end(ap);
}

/* ---- config files ------------------------------------------------------- */

static void test_override(void)
{
    struct cpu_config cfg, want;
    char path[64], err[512];

    preset(&cfg, "skylake");
    want = cfg;
    CHECK_EQ(load_text(&cfg,
                       "# a lab machine: bigger L2, slower memory\n"
                       "\n"
                       "l2.size = 512K\n"
                       "   l2.ways=8   # trailing comment\n"
                       "\tl2.latency\t=\t0x10\r\n"
                       "dram.latency = 300\n"
                       "llc.size = 16 M\n"
                       "l1d.replacement = random\n"
                       "stlb.replacement = fifo\n"
                       "cost.div = 40\n"
                       "cost.page_fault = 5000\n"
                       "cpu.hz = 1000000000\n"
                       "llc.latency = 50  \n"
                       "llc.latency = 44\n",                 /* the last one wins */
                       path, sizeof path, err, sizeof err), 0);
    if (err[0])
        fprintf(stderr, "override: %s\n", err);
    want.l2.size = 512 * KiB;
    want.l2.ways = 8;
    want.l2.latency = 16;
    want.dram_latency = 300;
    want.llc.size = 16 * MiB;
    want.l1d.repl = REPL_RANDOM;
    want.stlb.repl = REPL_FIFO;
    want.insn_cost[INSN_DIV] = 40;
    want.page_fault_cost = 5000;
    want.hz = 1000000000ull;
    want.llc.latency = 44;
    CHECK(cfg_equal(&cfg, &want));
    CHECK_STR(cfg.name, "skylake");

    /* Sizes: plain bytes, K, M, KiB, lower case. */
    CHECK_EQ(load_text(&cfg, "l1d.size = 65536\nl1d.ways = 16\n", path, sizeof path, err,
                       sizeof err), 0);
    CHECK_EQ(cfg.l1d.size, 65536);
    CHECK_EQ(load_text(&cfg, "l1d.size = 32KiB\nl1d.ways = 8\nl2.size = 1MiB\n", path, sizeof path,
                       err, sizeof err), 0);
    CHECK_EQ(cfg.l1d.size, 32 * KiB);
    CHECK_EQ(cfg.l2.size, 1 * MiB);
    CHECK_EQ(load_text(&cfg, "l1i.size = 64k\nl1i.ways=16\n", path, sizeof path, err, sizeof err), 0);
    CHECK_EQ(cfg.l1i.size, 64 * KiB);
    CHECK_EQ(load_text(&cfg, "l1i.size = 32KB\nl1i.ways = 8\nllc.size = 0x10M\n", path, sizeof path,
                       err, sizeof err), 0);
    CHECK_EQ(cfg.l1i.size, 32 * KiB);
    CHECK_EQ(cfg.llc.size, 16 * MiB);

    /* An empty file (or only comments) changes nothing. */
    want = cfg;
    CHECK_EQ(load_text(&cfg, "", path, sizeof path, err, sizeof err), 0);
    CHECK_EQ(load_text(&cfg, "# nothing\n\n   \n", path, sizeof path, err, sizeof err), 0);
    CHECK(cfg_equal(&cfg, &want));

    /* Absent levels can be switched on and off. */
    preset(&cfg, "core2");
    CHECK_EQ(load_text(&cfg, "stlb.entries = 512\nstlb.ways = 4\nstlb.latency = 7\n"
                       "llc.size = 8M\nllc.ways = 16\nllc.line = 64\nllc.latency = 30\n",
                       path, sizeof path, err, sizeof err), 0);
    CHECK_EQ(cfg.stlb.entries, 512);
    CHECK_EQ(cfg.llc.size, 8 * MiB);
    preset(&cfg, "skylake");
    CHECK_EQ(load_text(&cfg, "llc.size = 0\nstlb.entries = 0\npde_cache.entries = 0\n",
                       path, sizeof path, err, sizeof err), 0);
    CHECK_EQ(cfg.llc.size, 0);
}

/* One bad line: the exact message, and cfg untouched. */
static void expect_line_error(const char *text, int line, const char *reason)
{
    struct cpu_config cfg, before;
    char path[64], err[1024], want[1024];

    preset(&cfg, "skylake");
    before = cfg;
    CHECK_EQ(load_text(&cfg, text, path, sizeof path, err, sizeof err), -1);
    expect_msg(want, sizeof want, path, line, "%s", reason);
    CHECK_STR(err, want);
    CHECK(cfg_equal(&cfg, &before));
}

static void test_errors(void)
{
    struct cpu_config cfg;
    char path[64], err[1024], want[1024];

    expect_line_error("l1d.ways = abc\n", 1, "l1d.ways: 'abc' is not a number");
    expect_line_error("# ok\nl1d.ways = 8\nl1d.ways = -4\n", 3, "l1d.ways: '-4' is not a number");
    expect_line_error("l1d.ways = 8x\n", 1, "l1d.ways: '8x' is not a number");
    expect_line_error("l1d.ways = 0x\n", 1, "l1d.ways: '0x' is not a number");
    expect_line_error("l1d.ways = 1.5\n", 1, "l1d.ways: '1.5' is not a number");
    expect_line_error("dtlb.entries = 32K\n", 1, "dtlb.entries: '32K' is not a number");
    expect_line_error("l1d.ways = 4294967296\n", 1,
                      "l1d.ways: '4294967296' is out of range (at most 4294967295)");
    expect_line_error("cpu.hz = 18446744073709551616\n", 1,
                      "cpu.hz: '18446744073709551616' is out of range "
                      "(at most 18446744073709551615)");
    expect_line_error("l2.size = 32Q\n", 1,
                      "l2.size: '32Q' is not a size (bytes, or a number with K or M)");
    expect_line_error("l2.size = 256KiBs\n", 1,
                      "l2.size: '256KiBs' is not a size (bytes, or a number with K or M)");
    expect_line_error("l2.size = 256 B\n", 1,
                      "l2.size: '256 B' is not a size (bytes, or a number with K or M)");
    expect_line_error("l2.size = K\n", 1,
                      "l2.size: 'K' is not a size (bytes, or a number with K or M)");
    expect_line_error("l2.size = 4096M\n", 1,
                      "l2.size: '4096M' is out of range (at most 4294967295 bytes)");
    expect_line_error("l1d.replacement = foo\n", 1,
                      "l1d.replacement: 'foo' (valid: lru, fifo, random)");
    expect_line_error("itlb.replacement = LRU\n", 1,
                      "itlb.replacement: 'LRU' (valid: lru, fifo, random)");
    expect_line_error("l1d.ways 8\n", 1, "expected 'key = value', got 'l1d.ways 8'");
    expect_line_error("  = 8\n", 1, "missing key before '='");
    expect_line_error("l1d.ways =   # nothing\n", 1, "l1d.ways: missing value");
    expect_line_error("l1d.assoc = 8\n", 1,
                      "unknown key 'l1d.assoc' (valid: l1d.size, l1d.ways, l1d.line, "
                      "l1d.latency, l1d.replacement)");
    expect_line_error("pde_cache.size = 8\n", 1,
                      "unknown key 'pde_cache.size' (valid: pde_cache.entries, pde_cache.ways, "
                      "pde_cache.latency, pde_cache.replacement)");
    expect_line_error("dram.size = 1M\n", 1, "unknown key 'dram.size' (valid: dram.latency)");
    expect_line_error("cost.idiv = 1\n", 1,
                      "unknown key 'cost.idiv' (valid: cost.alu, cost.mul, cost.div, "
                      "cost.branch, cost.fp, cost.simd, cost.string, cost.system, "
                      "cost.page_fault, cost.syscall, cost.page_zero, cost.page_copy)");

    /* A key with no known section lists every key, grouped to stay short. */
    preset(&cfg, "skylake");
    CHECK_EQ(load_text(&cfg, "\n\nl3.size = 8M\n", path, sizeof path, err, sizeof err), -1);
    expect_msg(want, sizeof want, path, 3, "unknown key 'l3.size' (valid: "
               "{itlb,dtlb,stlb,pde_cache}.{entries,ways,latency,replacement}, "
               "{l1i,l1d,l2,llc}.{size,ways,line,latency,replacement}, dram.latency, "
               "cost.{alu,mul,div,branch,fp,simd,string,system,page_fault,syscall,"
               "page_zero,page_copy}, cpu.hz)");
    CHECK_STR(err, want);
    CHECK(strlen(err) < 400);           /* fits the CLI's 512-byte buffer with a long path */
    CHECK_EQ(load_text(&cfg, "hz = 1\n", path, sizeof path, err, sizeof err), -1);
    CHECK(strstr(err, ":1: unknown key 'hz' (valid: {itlb,") != NULL);

    /* Keys are case-sensitive and exact. */
    CHECK_EQ(load_text(&cfg, "L1D.ways = 8\n", path, sizeof path, err, sizeof err), -1);
    CHECK(strstr(err, "unknown key 'L1D.ways'") != NULL);
    CHECK_EQ(load_text(&cfg, "l1d.ways.x = 8\n", path, sizeof path, err, sizeof err), -1);
    CHECK(strstr(err, "unknown key 'l1d.ways.x' (valid: l1d.size,") != NULL);

    /* A file that does not exist. */
    CHECK_EQ(cpu_config_load(&cfg, "/nonexistent/cpu.conf", err, sizeof err), -1);
    CHECK_STR(err, "/nonexistent/cpu.conf: No such file or directory");

    /* A NUL byte is not silently cut off. */
    {
        FILE *fp;
        int fd;
        snprintf(path, sizeof path, "/tmp/test_cpu_config.XXXXXX");
        fd = mkstemp(path);
        fp = fdopen(fd, "w");
        fwrite("l1d.ways = 8\nl2.ways = 4\0junk\n", 1, 30, fp);
        fclose(fp);
        CHECK_EQ(cpu_config_load(&cfg, path, err, sizeof err), -1);
        expect_msg(want, sizeof want, path, 2, "contains a NUL byte");
        CHECK_STR(err, want);
        unlink(path);
    }

    /* err may be NULL. */
    CHECK_EQ(load_text(&cfg, "bogus\n", path, sizeof path, err, sizeof err), -1);
    write_file(path, sizeof path, "bogus\n");
    CHECK_EQ(cpu_config_load(&cfg, path, NULL, 0), -1);
    unlink(path);
}

/* After the file applies, validation runs; its message names the line that
 * set a field the failed rule involves (the latest such line). */
static void test_load_validates(void)
{
    struct cpu_config cfg, before;
    char path[64], err[1024], want[1024];

    expect_line_error("l1d.ways = 6\n", 1,
                      "l1d: size 32768 / (6 ways * 64-byte lines) is not a power-of-two "
                      "number of sets");
    expect_line_error("# fine\nl1d.latency = 4\nl2.latency = 3\n", 3,
                      "l2.latency 3 is below l1d.latency 4 (a level further out cannot be "
                      "faster)");
    expect_line_error("l2.latency = 20\nl1d.latency = 30\n", 2,
                      "l2.latency 20 is below l1d.latency 30 (a level further out cannot be "
                      "faster)");
    expect_line_error("itlb.entries = 0\n", 1, "itlb.entries is 0: an L1 TLB cannot be absent");
    expect_line_error("cost.alu = 0\n", 1, "cost.alu is 0 (must be at least 1 cycle)");

    /* Switching on a level core2 lacks without its geometry: the line
     * that switched it on is the one to fix. */
    preset(&cfg, "core2");
    CHECK_EQ(load_text(&cfg, "# an STLB\nstlb.entries = 512\n", path, sizeof path, err,
                       sizeof err), -1);
    expect_msg(want, sizeof want, path, 2, "stlb.ways is 0 (need at least 1)");
    CHECK_STR(err, want);
    CHECK_EQ(load_text(&cfg, "llc.size = 8M\n", path, sizeof path, err, sizeof err), -1);
    expect_msg(want, sizeof want, path, 1, "llc.ways is 0 (need at least 1)");
    CHECK_STR(err, want);

    /* A rule broken by the base config, not by any line: FILE: reason. */
    preset(&cfg, "skylake");
    cfg.itlb.ways = 0;
    before = cfg;
    CHECK_EQ(load_text(&cfg, "l1d.ways = 8\n", path, sizeof path, err, sizeof err), -1);
    expect_msg(want, sizeof want, path, 0, "itlb.ways is 0 (need at least 1)");
    CHECK_STR(err, want);
    CHECK(cfg_equal(&cfg, &before));
    /* ... and the same file fixes it. */
    CHECK_EQ(load_text(&cfg, "itlb.ways = 8\n", path, sizeof path, err, sizeof err), 0);
    CHECK_EQ(cfg.itlb.ways, 8);
}

/* ---- printing ----------------------------------------------------------- */

/* Print, load over a different CPU, compare: every field survives. */
static void round_trip(const struct cpu_config *orig, const char *base)
{
    struct cpu_config back;
    char path[64], err[1024];
    char *text = print_str(orig), *again;

    preset(&back, base);
    CHECK_EQ(load_text(&back, text, path, sizeof path, err, sizeof err), 0);
    if (err[0])
        fprintf(stderr, "round trip of %s over %s: %s\n", orig->name, base, err);
    CHECK(cfg_equal(&back, orig));
    /* Printing the result gives the same lines (bar the name comment). */
    memcpy(back.name, orig->name, sizeof back.name);
    memcpy(back.description, orig->description, sizeof back.description);
    again = print_str(&back);
    CHECK_STR(again, text);
    free(again);
    free(text);
}

static void test_print(void)
{
    struct cpu_config cfg;
    char *text;

    /* Every key exactly once, as "key = value". */
    preset(&cfg, "skylake");
    text = print_str(&cfg);
    for (size_t i = 0; i < NR_KEYS; i++) {
        char needle[64];
        const char *p;
        int count = 0;
        snprintf(needle, sizeof needle, "\n%s = ", all_keys[i]);
        for (p = text; (p = strstr(p, needle)) != NULL; p++)
            count++;
        if (count != 1)
            fprintf(stderr, "%s printed %d times\n", all_keys[i], count);
        CHECK_EQ(count, 1);
    }
    {
        int lines = 0;
        for (const char *p = text; (p = strstr(p, " = ")) != NULL; p++)
            lines++;
        CHECK_EQ(lines, (int)NR_KEYS);
    }
    CHECK(strstr(text, "\nl1d.size = 32K\n") != NULL);
    CHECK(strstr(text, "\nllc.size = 8M\n") != NULL);
    CHECK(strstr(text, "\nl1d.replacement = lru\n") != NULL);
    CHECK(strstr(text, "\ncpu.hz = 3400000000\n") != NULL);
    CHECK(strncmp(text, "# memsim CPU configuration: skylake\n", 36) == 0);
    free(text);

    preset(&cfg, "core2");
    text = print_str(&cfg);
    CHECK(strstr(text, "\nllc.size = 0\n") != NULL);
    CHECK(strstr(text, "\nl2.size = 4M\n") != NULL);
    free(text);

    /* Round trip for every preset, loaded over every other one. */
    for (const char *const *a = cpu_preset_names; *a; a++) {
        for (const char *const *b = cpu_preset_names; *b; b++) {
            preset(&cfg, *a);
            round_trip(&cfg, *b);
        }
    }

    /* A configuration no preset has: odd sizes, every policy, big numbers. */
    preset(&cfg, "skylake");
    cfg.l1d = (struct cache_config){ 96, 3, 16, 1, REPL_FIFO };     /* 2 sets of 48 bytes */
    cfg.l1i = (struct cache_config){ 48 * KiB, 12, 64, 5, REPL_RANDOM };
    cfg.l2 = (struct cache_config){ 1536 * KiB, 12, 128, 13, REPL_FIFO };
    cfg.llc = (struct cache_config){ 3u * 1024 * MiB, 3, 1024 * KiB, 60, REPL_RANDOM };
    cfg.stlb = (struct tlb_config){ 2048, 16, 8, REPL_RANDOM };
    cfg.pde_cache = (struct tlb_config){ 0, 0, 0, REPL_FIFO };
    cfg.dram_latency = UINT32_MAX;
    cfg.hz = UINT64_MAX;
    cfg.syscall_cost = 123456789;
    {
        char err[512] = "";
        CHECK_EQ(cpu_config_validate(&cfg, err, sizeof err), 0);
        if (err[0])
            fprintf(stderr, "odd config: %s\n", err);
    }
    text = print_str(&cfg);
    CHECK(strstr(text, "\nl1d.size = 96\n") != NULL);
    CHECK(strstr(text, "\nl1i.size = 48K\n") != NULL);
    CHECK(strstr(text, "\nl2.size = 1536K\n") != NULL);
    CHECK(strstr(text, "\nllc.size = 3072M\n") != NULL);
    free(text);
    round_trip(&cfg, "core2");
}

int main(void)
{
    test_override();
    test_errors();
    test_load_validates();
    test_print();
    return CHECK_DONE();
}

/*
 * engine_limit.c — what Unicorn itself charges for each kind of hook memsim
 * could use, with no model behind them: the floor under any front end.
 *
 *   engine_limit [RUNS]            (default 5)
 *
 * A 32-bit guest loop of 7 instructions (a load, an add, a store, pointer
 * and counter updates, a branch) runs 4 million times (28 M instructions,
 * 4 M loads and 4 M stores over a 64 KiB array) under each configuration:
 * no hook; an empty UC_HOOK_CODE; an empty UC_HOOK_BLOCK; empty
 * UC_HOOK_MEM_READ|WRITE; code and memory hooks together; the data's RAM
 * block placed after a 4 MiB pad, out of the code's page-descriptor array
 * (what memsim does, emu/hostmap.c); and the loop with the store replaced
 * by a second load, which isolates Unicorn 2.0.1's per-store write path.  Each figure
 * is the median of RUNS runs of one uc_emu_start (translation included: it
 * is the same for every configuration).  Prints a Markdown table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicorn/unicorn.h>

#define CODE_VA  0x00400000u
#define DATA_VA  0x00800000u
#define DATA_LEN 0x00010000u
#define PAD_VA   0x100000000ull
#define ITERS    4000000u
#define INSNS_PER_ITER 7u

/*
 *    mov ecx, ITERS ; mov esi, DATA_VA ; xor eax, eax
 * 1: mov edx, [esi] ; add eax, edx
 *    mov [esi+4], eax            (store = 0: mov edx, [esi+4])
 *    add esi, 4 ; and esi, DATA_VA | (DATA_LEN - 8)   (stays in the array)
 *    dec ecx ; jnz 1b
 * The loop body is the 7 instructions from the first mov edx.
 */
static size_t build_loop(uint8_t *p, int store)
{
    size_t n = 0;
    uint32_t iters = ITERS, data = DATA_VA, mask = DATA_VA | (DATA_LEN - 8);
    p[n++] = 0xb9; memcpy(p + n, &iters, 4); n += 4;          /* mov ecx, imm32 */
    p[n++] = 0xbe; memcpy(p + n, &data, 4); n += 4;           /* mov esi, imm32 */
    p[n++] = 0x31; p[n++] = 0xc0;                             /* xor eax, eax */
    size_t loop = n;
    p[n++] = 0x8b; p[n++] = 0x16;                             /* mov edx, [esi] */
    p[n++] = 0x01; p[n++] = 0xd0;                             /* add eax, edx */
    if (store) {
        p[n++] = 0x89; p[n++] = 0x46; p[n++] = 0x04;          /* mov [esi+4], eax */
    } else {
        p[n++] = 0x8b; p[n++] = 0x56; p[n++] = 0x04;          /* mov edx, [esi+4] */
    }
    p[n++] = 0x83; p[n++] = 0xc6; p[n++] = 0x04;              /* add esi, 4 */
    p[n++] = 0x81; p[n++] = 0xe6; memcpy(p + n, &mask, 4); n += 4;   /* and esi, imm32 */
    p[n++] = 0x49;                                            /* dec ecx */
    p[n++] = 0x75; p[n] = (uint8_t)(loop - (n + 1)); n++;     /* jnz loop */
    p[n++] = 0xf4;                                            /* hlt: never run (until) */
    return n;
}

static uint64_t counter;

/* EAX at the end of the loop, computed here: the check that each
 * configuration ran the loop and not something else. */
static uint32_t expected_eax(int store)
{
    static uint32_t a[DATA_LEN / 4];
    uint32_t eax = 0, i = 0;
    memset(a, 0, sizeof a);
    for (uint32_t n = 0; n < ITERS; n++) {
        eax += a[i];
        if (store)
            a[i + 1] = eax;
        i = ((DATA_VA + 4 * (i + 1)) & (DATA_VA | (DATA_LEN - 8))) - DATA_VA;
        i /= 4;
    }
    return eax;
}

static void on_code(uc_engine *uc, uint64_t a, uint32_t s, void *ud)
{
    (void)uc; (void)a; (void)s; (void)ud;
    counter++;
}

static void on_mem(uc_engine *uc, uc_mem_type t, uint64_t a, int s, int64_t v, void *ud)
{
    (void)uc; (void)t; (void)s; (void)v; (void)ud;
    counter += a;
}

enum { H_CODE = 1, H_BLOCK = 2, H_MEM = 4 };

/* Seconds of one run of the loop under hooks, or a negative value. */
static double run_once(unsigned hooks, int store, int pad)
{
    uc_engine *uc;
    uint8_t code[64];
    size_t len = build_loop(code, store);
    if (uc_open(UC_ARCH_X86, UC_MODE_32, &uc) != UC_ERR_OK)
        return -1;
    uc_hook h;
    uc_err e = uc_mem_map(uc, CODE_VA, 0x1000, UC_PROT_READ | UC_PROT_EXEC);
    /* a 4 MiB block between code and data puts the data's RAM outside the
     * code's page-descriptor array (emu/hostmap.c: RAM-block pads) */
    if (!e && pad) e = uc_mem_map(uc, PAD_VA, 4u << 20, UC_PROT_NONE);
    if (!e) e = uc_mem_map(uc, DATA_VA, DATA_LEN, UC_PROT_READ | UC_PROT_WRITE);
    if (!e) e = uc_mem_write(uc, CODE_VA, code, len);
    if (!e && (hooks & H_CODE)) e = uc_hook_add(uc, &h, UC_HOOK_CODE, on_code, NULL, 1, 0);
    if (!e && (hooks & H_BLOCK)) e = uc_hook_add(uc, &h, UC_HOOK_BLOCK, on_code, NULL, 1, 0);
    if (!e && (hooks & H_MEM))
        e = uc_hook_add(uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, on_mem, NULL, 1, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!e) e = uc_emu_start(uc, CODE_VA, CODE_VA + len - 1, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    uint32_t eax = 0;
    if (!e) e = uc_reg_read(uc, UC_X86_REG_EAX, &eax);
    uc_close(uc);
    if (!e && eax != expected_eax(store)) {
        fprintf(stderr, "engine_limit: the loop ended with eax 0x%08x, not 0x%08x\n", eax, expected_eax(store));
        return -1;
    }
    if (e) {
        fprintf(stderr, "engine_limit: Unicorn: %s\n", uc_strerror(e));
        return -1;
    }
    return (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    if (runs < 1 || runs > 101) {
        fprintf(stderr, "usage: engine_limit [RUNS (1-101)]\n");
        return 2;
    }
    static const struct { const char *name; unsigned hooks; int store, pad; } cfg[] = {
        { "no hook", 0, 1, 0 },
        { "UC_HOOK_CODE (empty)", H_CODE, 1, 0 },
        { "UC_HOOK_BLOCK (empty)", H_BLOCK, 1, 0 },
        { "UC_HOOK_MEM_READ/WRITE (empty)", H_MEM, 1, 0 },
        { "code + memory hooks (empty)", H_CODE | H_MEM, 1, 0 },
        { "no hook, data RAM after a pad", 0, 1, 1 },
        { "memory hooks, data RAM after a pad", H_MEM, 1, 1 },
        { "no hook, store replaced by a load", 0, 0, 0 },
        { "memory hooks, store replaced by a load", H_MEM, 0, 0 },
    };
    const double insns = (double)ITERS * INSNS_PER_ITER;
    double base = 0;
    printf("| configuration | ns per guest instruction | vs no hook |\n|---|---:|---:|\n");
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
        double t[101];
        for (int r = 0; r < runs; r++)
            if ((t[r] = run_once(cfg[c].hooks, cfg[c].store, cfg[c].pad)) < 0)
                return 1;
        qsort(t, (size_t)runs, sizeof t[0], cmp_double);
        double ns = t[runs / 2] / insns * 1e9;
        if (c == 0)
            base = ns;
        printf("| %s | %.2f | %.2fx |\n", cfg[c].name, ns, ns / base);
    }
    printf("\n%u iterations of a %u-instruction loop (a load and a store each); medians of %d runs.\n",
           ITERS, INSNS_PER_ITER, runs);
    return counter == 42 ? 3 : 0;        /* keeps the hooks' work observable */
}

/*
 * test_emu_window.c — the host-window model must count host mappings
 * exactly as the host kernel splits and merges them, in both directions
 * (aliasing, unaliasing, zero pages), or the budget that keeps memsim clear
 * of vm.max_map_count is wrong.  Each pattern, and every step of random
 * sequences, is checked against the real number of lines in
 * /proc/self/maps, and what the guest would read at each page against the
 * frame (or the zeros) the model says is there.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "emu/window.h"
#include "kernel-model/mm.h"
#include "tests/unit/check.h"

#define RAM_PAGES 4096u

/* Host mappings inside [lo, lo + TASK_SIZE): immune to whatever else the
 * process (or a sanitizer runtime) maps meanwhile. */
static long maps_in(uintptr_t lo)
{
    FILE *f = fopen("/proc/self/maps", "r");
    unsigned long start, end;
    char line[512];
    long n = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start >= lo && start < lo + TASK_SIZE)
            n++;
    if (f)
        fclose(f);
    return n;
}

static int check_exact(struct host_window *w, const char *what)
{
    long real = maps_in((uintptr_t)w->base);
    if (real != (long)w->host_maps)
        fprintf(stderr, "%s: model %llu, host %ld\n", what, (unsigned long long)w->host_maps, real);
    CHECK_EQ(real, w->host_maps);
    return real == (long)w->host_maps;
}

static uint32_t at(struct host_window *w, uint32_t va)
{
    return *(volatile uint32_t *)(w->base + va);
}

/* Every frame starts with its own number, so a read shows which one a page aliases. */
static int make_ram(void)
{
    int memfd = memfd_create("test-ram", 0);
    CHECK(memfd >= 0 && ftruncate(memfd, (off_t)RAM_PAGES << PAGE_SHIFT) == 0);
    for (uint32_t pfn = 0; pfn < RAM_PAGES; pfn++)
        CHECK(pwrite(memfd, &pfn, sizeof pfn, (off_t)pfn << PAGE_SHIFT) == sizeof pfn);
    return memfd;
}

static void test_aliases(struct host_window *w, int memfd)
{
    /* consecutive frames at consecutive pages with equal rights merge */
    for (uint32_t i = 0; i < 16; i++)
        CHECK_EQ(window_alias(w, memfd, 0x08048000u + i * PAGE_SIZE, 100 + i, 1), 0);
    check_exact(w, "run of 16");
    CHECK_EQ(w->host_maps, 3);
    CHECK_EQ(at(w, 0x08048000u + 7 * PAGE_SIZE), 107);

    /* a read-only page in the middle splits the run in three */
    CHECK_EQ(window_alias(w, memfd, 0x08048000u + 5 * PAGE_SIZE, 105, 0), 0);
    check_exact(w, "read-only middle");
    CHECK_EQ(w->host_maps, 5);

    /* scattered frames never merge */
    for (uint32_t i = 0; i < 64; i++)
        CHECK_EQ(window_alias(w, memfd, 0x40000000u + i * PAGE_SIZE, 1000 + (i * 37) % 64 * 2, 1), 0);
    check_exact(w, "scattered");

    /* unaliasing all of them merges the reservation back */
    for (uint32_t i = 0; i < 64; i++)
        CHECK_EQ(window_unalias(w, 0x40000000u + i * PAGE_SIZE), 0);
    check_exact(w, "unaliased");
    CHECK_EQ(w->host_maps, 5);
}

/* MADV_DONTNEED: a hole in a run of aliases splits it, and that costs. */
static void test_holes(struct host_window *w, int memfd)
{
    const uint32_t base = 0x10000000u;
    for (uint32_t i = 0; i < 64; i++)
        CHECK_EQ(window_alias(w, memfd, base + i * PAGE_SIZE, 2000 + i, 1), 0);
    uint64_t run = w->host_maps;
    for (uint32_t i = 1; i < 64; i += 2)
        CHECK_EQ(window_unalias(w, base + i * PAGE_SIZE), 0);
    check_exact(w, "every other page a hole");
    CHECK_EQ(w->host_maps, run + 62);

    /* a hole the budget cannot pay for is refused, and nothing changes */
    CHECK_EQ(window_alias(w, memfd, base + 1 * PAGE_SIZE, 2001, 1), 0);   /* 0..2 one run again */
    uint64_t keep = w->host_maps;
    w->acct->budget = keep + 1;
    CHECK_EQ(window_unalias(w, base + 1 * PAGE_SIZE), -1);
    CHECK_EQ(w->host_maps, keep);
    check_exact(w, "refused hole");
    CHECK_EQ(at(w, base + 1 * PAGE_SIZE), 2001);
    /* closing holes costs nothing, even at the budget */
    w->acct->budget = keep;
    for (uint32_t i = 3; i < 64; i += 2)
        CHECK_EQ(window_alias(w, memfd, base + i * PAGE_SIZE, 2000 + i, 1), 0);
    check_exact(w, "holes closed");
    CHECK_EQ(w->host_maps, run);
    w->acct->budget = UINT32_MAX;
    for (uint32_t i = 0; i < 64; i++)
        CHECK_EQ(window_unalias(w, base + i * PAGE_SIZE), 0);
    check_exact(w, "run unaliased");
}

/* Zero pages merge whatever their order; a COW in the middle splits them. */
static void test_zero_pages(struct host_window *w, int memfd)
{
    const uint32_t base = 0x20000000u;
    uint64_t before = w->host_maps;
    for (uint32_t i = 0; i < 4096; i++) {
        CHECK_EQ(window_zero(w, base + i * PAGE_SIZE), 0);
        CHECK_EQ(at(w, base + i * PAGE_SIZE), 0);           /* read as the emulator would */
    }
    check_exact(w, "4096 zero pages");
    CHECK_EQ(w->host_maps, before + 2);

    /* extending the run costs nothing, even at the budget */
    w->acct->budget = w->host_maps;
    for (uint32_t i = 4096; i < 4096 + 64; i++)
        CHECK_EQ(window_zero(w, base + i * PAGE_SIZE), 0);
    check_exact(w, "zero pages at the budget");
    CHECK_EQ(w->host_maps, before + 2);
    /* pages added backwards end up one mapping too */
    w->acct->budget = UINT32_MAX;
    for (uint32_t i = 4096 + 127; i >= 4096 + 64; i--)
        CHECK_EQ(window_zero(w, base + i * PAGE_SIZE), 0);
    check_exact(w, "zero pages backwards");
    CHECK_EQ(w->host_maps, before + 2);

    /* copy-on-write of one page: a writable frame in the middle */
    w->acct->budget = UINT32_MAX;
    CHECK_EQ(window_alias(w, memfd, base + 100 * PAGE_SIZE, 3000, 1), 0);
    check_exact(w, "COW in a zero run");
    CHECK_EQ(w->host_maps, before + 4);
    *(volatile uint32_t *)(w->base + base + 100 * PAGE_SIZE + 8) = 0xc0ffee;
    uint32_t v = 0;
    CHECK(pread(memfd, &v, sizeof v, ((off_t)3000 << PAGE_SHIFT) + 8) == sizeof v);
    CHECK_EQ(v, 0xc0ffee);
    CHECK_EQ(at(w, base + 99 * PAGE_SIZE), 0);
    CHECK_EQ(at(w, base + 101 * PAGE_SIZE), 0);

    /* the frame freed and the page read again: the run is whole */
    CHECK_EQ(window_zero(w, base + 100 * PAGE_SIZE), 0);
    check_exact(w, "zero run rejoined");
    CHECK_EQ(w->host_maps, before + 2);
    for (uint32_t i = 0; i < 4096 + 128; i++)
        CHECK_EQ(window_unalias(w, base + i * PAGE_SIZE), 0);
    check_exact(w, "zero run unmapped");
    CHECK_EQ(w->host_maps, before);
}

static uint32_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 11);
}

/*
 * Random sequences over 96 pages: aliases of the page's "own" frame (which
 * merge with neighbours) or of a random one, either rights, zero pages,
 * holes.  After every step the count must equal the host's and every page
 * must read what the model says.
 */
static void test_random(struct host_window *w, int memfd)
{
    enum { N = 96 };
    const uint32_t base = 0x30000000u;
    int32_t want[N];                       /* -1 PROT_NONE, else the frame number (0: zero) */
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < N; i++)
        want[i] = -1;
    int exact = 1;
    for (int step = 0; step < 3000 && exact; step++) {
        uint32_t i = rnd(&s) % N, va = base + i * PAGE_SIZE, pick = rnd(&s) % 8;
        if (pick < 3) {
            uint32_t pfn = pick < 2 ? 500 + i : 500 + rnd(&s) % N;
            CHECK_EQ(window_alias(w, memfd, va, pfn, rnd(&s) & 1), 0);
            want[i] = (int32_t)pfn;
        } else if (pick < 6) {
            CHECK_EQ(window_zero(w, va), 0);
            want[i] = 0;
        } else {
            CHECK_EQ(window_unalias(w, va), 0);
            want[i] = -1;
        }
        if (want[i] >= 0)
            CHECK_EQ(at(w, va), want[i]);
        exact = check_exact(w, "random step");
    }
    for (int i = 0; i < N; i++)
        if (want[i] >= 0)
            CHECK_EQ(at(w, base + (uint32_t)i * PAGE_SIZE), want[i]);
    for (uint32_t i = 0; i < N; i++)
        window_unalias(w, base + i * PAGE_SIZE);
    check_exact(w, "random pages unmapped");
}

/* A dying access lands on scratch memory: within the budget one page, past
 * it the whole host mapping around the page, so the count cannot grow. */
static void test_sacrifice(struct host_window *w, int memfd)
{
    const uint32_t base = 0x50000000u;
    for (uint32_t i = 0; i < 8; i++)
        CHECK_EQ(window_alias(w, memfd, base + i * PAGE_SIZE, 600 + i, 0), 0);
    uint64_t run = w->host_maps;
    CHECK_EQ(window_sacrifice(w, base + 3 * PAGE_SIZE), 0);
    check_exact(w, "sacrificed in a read-only run");
    CHECK_EQ(w->host_maps, run + 2);
    *(volatile uint32_t *)(w->base + base + 3 * PAGE_SIZE) = 1;
    CHECK_EQ(at(w, base + 4 * PAGE_SIZE), 604);

    /* many host mappings, and a budget even scratch pages cannot exceed */
    for (uint32_t i = 0; i < 80; i++)
        CHECK_EQ(window_alias(w, memfd, 0x58000000u + 2 * i * PAGE_SIZE, 700 + i, 1), 0);
    w->acct->budget = w->host_maps - WINDOW_SCRATCH_MAPS;
    uint64_t keep = w->host_maps;
    CHECK_EQ(window_alias(w, memfd, base + 6 * PAGE_SIZE, 900, 0), -1);
    CHECK_EQ(window_sacrifice(w, base + 6 * PAGE_SIZE), 0);              /* pages 4..7 go */
    CHECK(w->host_maps <= keep);
    check_exact(w, "sacrificed past the budget");
    *(volatile uint32_t *)(w->base + base + 6 * PAGE_SIZE) = 2;
    CHECK_EQ(at(w, base + 2 * PAGE_SIZE), 602);                          /* 0..2 untouched */
    uint32_t v = 0;
    CHECK(pread(memfd, &v, sizeof v, (off_t)606 << PAGE_SHIFT) == sizeof v);
    CHECK_EQ(v, 606);                                                    /* no frame written */

    /* the reservation itself, at the budget: replaced whole, count unchanged */
    keep = w->host_maps;
    CHECK_EQ(window_sacrifice(w, 0x70000000u), 0);
    CHECK_EQ(w->host_maps, keep);
    check_exact(w, "reservation sacrificed");
    *(volatile uint32_t *)(w->base + 0x70000000u) = 3;
}

/* Two address spaces' windows count against the one accountant: a page
 * the second window maps is refused when the first one has used the
 * budget up, and each window's teardown gives its mappings back. */
static void test_two_windows(struct host_window *w, struct host_map_account *acct, int memfd)
{
    char err[256];
    struct host_window w2;
    uint64_t first = w->host_maps;
    acct->budget = UINT32_MAX;                      /* test_sacrifice left it at its limit */
    CHECK_EQ(acct->host_maps, first);
    CHECK_EQ(window_init(&w2, acct, err, sizeof err), 0);
    CHECK_EQ(acct->host_maps, first + 1);
    CHECK_EQ(window_alias(&w2, memfd, 0x10000000u, 5, 1), 0);    /* splits w2's reservation */
    CHECK_EQ(w2.host_maps, 3);
    CHECK_EQ(acct->host_maps, first + 3);
    check_exact(&w2, "second window");
    acct->budget = acct->host_maps;                 /* both windows together at the limit */
    CHECK_EQ(window_alias(&w2, memfd, 0x20000000u, 6, 1), -1);
    CHECK_EQ(window_alias(w, memfd, 0x7f000000u, 6, 1), -1);
    CHECK_EQ(acct->host_maps, first + 3);
    acct->budget = UINT32_MAX;
    window_destroy(&w2);
    CHECK_EQ(acct->host_maps, first);
    CHECK_EQ(w->host_maps, first);
}

int main(void)
{
    char err[256];
    struct host_window w;
    struct host_map_account acct;
    int memfd = make_ram();
    host_map_account_init(&acct);
    CHECK(acct.budget > 1000);
    CHECK_EQ(window_init(&w, &acct, err, sizeof err), 0);
    CHECK_EQ(acct.host_maps, 1);
    check_exact(&w, "empty");
    CHECK_EQ(w.host_maps, 1);

    test_aliases(&w, memfd);

    /* the budget refuses an alias that would cross it, and changes nothing */
    uint64_t keep = w.host_maps;
    acct.budget = keep + 1;
    CHECK_EQ(window_alias(&w, memfd, 0x50000000u, 7, 1), -1);
    CHECK_EQ(window_zero(&w, 0x50000000u), -1);
    CHECK_EQ(w.host_maps, keep);
    check_exact(&w, "refused");
    acct.budget = UINT32_MAX;

    test_holes(&w, memfd);
    test_zero_pages(&w, memfd);
    test_random(&w, memfd);
    test_sacrifice(&w, memfd);
    test_two_windows(&w, &acct, memfd);

    uintptr_t base = (uintptr_t)w.base;
    window_destroy(&w);
    CHECK_EQ(maps_in(base), 0);
    CHECK_EQ(acct.host_maps, 0);
    close(memfd);
    return CHECK_DONE();
}

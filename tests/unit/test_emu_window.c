/*
 * test_emu_window.c — the host-window alias model must count host mappings
 * exactly as the host kernel merges them, or the budget that keeps memsim
 * clear of vm.max_map_count is wrong.  Each pattern is checked against the
 * real number of lines in /proc/self/maps.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "emu/window.h"
#include "kernel-model/mm.h"
#include "tests/unit/check.h"

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

static void check_exact(struct host_window *w, const char *what)
{
    long real = maps_in((uintptr_t)w->base);
    if (real != (long)w->host_maps)
        fprintf(stderr, "%s: model %llu, host %ld\n", what, (unsigned long long)w->host_maps, real);
    CHECK_EQ(real, w->host_maps);
}

int main(void)
{
    char err[256];
    struct host_window w;
    int memfd = memfd_create("test-ram", 0);
    CHECK(memfd >= 0 && ftruncate(memfd, 64 << 20) == 0);
    CHECK_EQ(window_init(&w, err, sizeof err), 0);
    check_exact(&w, "empty");
    CHECK_EQ(w.host_maps, 1);

    /* consecutive frames at consecutive pages with equal rights merge */
    for (uint32_t i = 0; i < 16; i++)
        CHECK_EQ(window_alias(&w, memfd, 0x08048000u + i * PAGE_SIZE, 100 + i, 1), 0);
    check_exact(&w, "run of 16");
    CHECK_EQ(w.host_maps, 3);

    /* a read-only page in the middle splits the run in three */
    CHECK_EQ(window_alias(&w, memfd, 0x08048000u + 5 * PAGE_SIZE, 105, 0), 0);
    check_exact(&w, "read-only middle");
    CHECK_EQ(w.host_maps, 5);

    /* scattered frames never merge */
    for (uint32_t i = 0; i < 64; i++)
        CHECK_EQ(window_alias(&w, memfd, 0x40000000u + i * PAGE_SIZE, 1000 + (i * 37) % 64 * 2, 1), 0);
    check_exact(&w, "scattered");

    /* unaliasing merges the reservation back */
    for (uint32_t i = 0; i < 64; i++)
        window_unalias(&w, 0x40000000u + i * PAGE_SIZE);
    check_exact(&w, "unaliased");
    CHECK_EQ(w.host_maps, 5);

    /* the budget refuses an alias that would cross it, and changes nothing */
    uint64_t keep = w.host_maps;
    w.budget = keep + 1;
    CHECK_EQ(window_alias(&w, memfd, 0x50000000u, 7, 1), -1);
    CHECK_EQ(w.host_maps, keep);
    check_exact(&w, "refused");

    uintptr_t base = (uintptr_t)w.base;
    window_destroy(&w);
    CHECK_EQ(maps_in(base), 0);
    close(memfd);
    return CHECK_DONE();
}

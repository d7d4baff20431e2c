/*
 * dontneed_holes.c — MADV_DONTNEED holes in memory touched in order.
 *
 * N pages (argument, default 12000) are written in address order, which the
 * host window maps as few host mappings; then every other page is dropped
 * with madvise(MADV_DONTNEED), and each hole splits such a mapping: memsim
 * must count those splits (the host allows vm.max_map_count mappings) and
 * never crash.  A dropped page of private anonymous memory reads as zeros
 * again, and can be written again; pages that were only read (the zero
 * page) can be dropped too.  Under `--engine raw` (no hook to fault a page
 * back in) the same must hold: guest/dontneed_holes_raw.
 *
 * Expected: four lines of sums, exit 0 (the same under qemu-i386).  With an
 * N that needs more host mappings than the host allows, memsim stops the
 * guest with one line and status 137 instead (guest/host_map_budget).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096u

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], 0, 0) : 12000;
    volatile unsigned char *p = mmap(0, n * PG, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    for (size_t i = 0; i < n; i++)
        p[i * PG] = (unsigned char)(1 + i % 7);
    for (size_t i = 1; i < n; i += 2)
        if (madvise((void *)(p + i * PG), PG, MADV_DONTNEED)) {
            perror("madvise");
            return 3;
        }
    long sum = 0, holes_nonzero = 0;
    for (size_t i = 0; i < n; i++) {
        sum += p[i * PG];
        if (i & 1)
            holes_nonzero += p[i * PG + PG - 1] != 0;
    }
    printf("after holes: sum %ld, nonzero bytes in holes %ld\n", sum, holes_nonzero);

    /* fill the holes again, then drop runs of 3 pages every 8 */
    for (size_t i = 1; i < n; i += 2)
        p[i * PG + 5] = 9;
    for (size_t i = 2; i + 3 <= n; i += 8)
        madvise((void *)(p + i * PG), 3 * PG, MADV_DONTNEED);
    sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i * PG] + p[i * PG + 5];
    printf("refilled, runs dropped: sum %ld\n", sum);

    /* a read-only view of never-written memory, dropped and read again */
    size_t z = n / 4;
    volatile unsigned char *q = mmap(0, z * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        return 4;
    long zs = 0;
    for (size_t i = 0; i < z; i++)
        zs += q[i * PG];
    for (size_t i = 0; i < z; i += 3)
        madvise((void *)(q + i * PG), PG, MADV_DONTNEED);
    for (size_t i = 0; i < z; i++)
        zs += q[i * PG + 7];
    printf("zero pages: sum %ld\n", zs);

    /* the whole range at once, then written and read again */
    madvise((void *)p, n * PG, MADV_DONTNEED);
    sum = 0;
    for (size_t i = 0; i < n; i += 5)
        p[i * PG + 1] = 2;
    for (size_t i = 0; i < n; i++)
        sum += p[i * PG] + p[i * PG + 1];
    printf("all dropped, every fifth written: sum %ld\n", sum);
    return 0;
}

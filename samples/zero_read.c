/*
 * zero_read.c — reading much more never-written memory than there is RAM.
 *
 * Each page read maps the shared zero page.  memsim maps those pages on the
 * host as anonymous read-only memory, so however many there are, pages read
 * in order — or backwards — stay a few host mappings (vm.max_map_count
 * would otherwise stop the guest after ~250 MiB).  Then some of them are
 * written: copy-on-write gives each its own zeroed frame, and the pages
 * around it still read zeros.
 *
 * 352 MiB are 90 112 pages, more than the default limit.  Expected (run
 * with --ram 64M by samples.list; qemu-i386 the same): three
 * lines of sums, exit 0.
 *
 *   zero_read [FORWARD_MIB [BACKWARD_MIB]]     (default 320 32)
 *
 * Smaller sizes read and write the same kinds of pages (zero page, cow
 * from it, zeros around): tests/golden records `zero_read 4 1`, whose
 * 1 280 zero-page faults keep its events file small.
 */
#include <stdio.h>
#include <stdlib.h>

#define PG 4096u

/* argv[i] in MiB (1..2048), or def */
static size_t mib_arg(int argc, char **argv, int i, size_t def)
{
    if (argc <= i)
        return def;
    long v = strtol(argv[i], NULL, 10);
    return v >= 1 && v <= 2048 ? (size_t)v : def;
}

int main(int argc, char **argv)
{
    size_t n = mib_arg(argc, argv, 1, 320) << 20, m = mib_arg(argc, argv, 2, 32) << 20;
    volatile unsigned char *p = malloc(n), *q = malloc(m);
    if (!p || !q)
        return 2;
    long s = 0;
    for (size_t i = 0; i < n; i += PG)
        s += p[i];
    for (size_t i = m; i >= PG; i -= PG)
        s += q[i - PG];
    printf("read %zu MiB forward and %zu MiB backward: sum %ld\n", n >> 20, m >> 20, s);

    for (size_t i = 0; i < n; i += 256 * PG)
        p[i + 3] = 5;
    s = 0;
    for (size_t i = 0; i < n; i += PG)
        s += p[i] + p[i + 3];
    printf("every 256th page written: sum %ld\n", s);

    long around = 0;
    for (size_t i = 256 * PG; i + PG < n; i += 256 * PG)
        around += p[i - PG + 3] + p[i + PG + 3];
    printf("the pages around them: sum %ld\n", around);
    return 0;
}

/*
 * alloc_mix.c — an allocator workload: rounds of mixed small (16..527
 * bytes, 95 %) and large (64..320 KiB, 5 %) allocations from a fixed LCG,
 * each touched, half of them freed between rounds, then all freed.  What
 * it prints is the allocator's contract (sizes, checksums of the bytes
 * written), not its addresses, so glibc, jemalloc, tcmalloc, musl's
 * mallocng and any other malloc print the same.  Built static
 * (samples/bin/alloc_mix) and dynamic (samples/dynamic/dyn_alloc_mix.c),
 * and run with LD_PRELOAD of other allocators by tests/guest/allocators.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 800
#define ROUNDS 3

int main(void)
{
    static unsigned char *p[SLOTS];
    static size_t len[SLOTS];
    uint32_t x = 12345;
    uint64_t bytes = 0, check = 0;
    unsigned large = 0;
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < SLOTS; i++) {
            x = x * 1103515245u + 12345u;
            size_t sz = (x >> 16) % 100 < 95 ? 16 + (x >> 8) % 512 : (64u << 10) + (x >> 4) % (256u << 10);
            free(p[i]);
            if (!(p[i] = malloc(sz)))
                return 1;
            len[i] = sz;
            memset(p[i], (int)(i & 0xff), sz < 4096 ? sz : 4096);
            p[i][sz - 1] = (unsigned char)round;
            bytes += sz;
            large += sz >= (64u << 10);
        }
        for (int i = 0; i < SLOTS; i += 2) {
            check += p[i][0] + p[i][len[i] - 1];
            free(p[i]);
            p[i] = NULL;
        }
        unsigned char *grow = NULL;
        for (size_t sz = 64; sz <= (1u << 20); sz *= 2) {     /* realloc's path */
            unsigned char *n = realloc(grow, sz);
            if (!n)
                return 1;
            grow = n;
            grow[sz - 1] = 1;
        }
        free(grow);
    }
    for (int i = 0; i < SLOTS; i++) {
        if (p[i])
            check += p[i][0] + p[i][len[i] - 1];
        free(p[i]);
    }
    printf("%d rounds, %llu bytes in %d allocations (%u large), check %llu\n", ROUNDS,
           (unsigned long long)bytes, ROUNDS * SLOTS, large, (unsigned long long)check);
    return 0;
}

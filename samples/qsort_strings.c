/*
 * qsort_strings.c — ordinary libc code nobody tuned for memsim.
 *
 * Generates 10000 pseudo-random lowercase strings (a fixed LCG, so the set
 * is the same on every run), stores them in malloc'd blocks, sorts an array of
 * pointers with qsort() and strcmp(), and checks the result is ordered.
 * glibc's qsort is a merge sort that takes a temporary buffer (alloca for
 * small arrays; here 40000 bytes, so malloc, after asking sysinfo() how much
 * physical memory there is — it falls back to an in-place quicksort when the
 * buffer would be too large, with the same result); strcmp is the variant
 * (i386, SSSE3, SSE4.2) that the static IFUNC resolver picks from CPUID, so
 * this also exercises the emulated CPU's feature bits.
 *
 * Printed: the first and last five strings, the number of distinct strings,
 * and an FNV-1a hash over the sorted sequence.  Expected: exit status 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 10000

static uint32_t rng = 12345;

static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    char **v = malloc(N * sizeof *v);
    if (!v)
        return 1;
    for (int i = 0; i < N; i++) {
        size_t len = 3 + next() % 14;           /* 3..16 letters */
        v[i] = malloc(len + 1);
        if (!v[i])
            return 1;
        for (size_t j = 0; j < len; j++)
            v[i][j] = (char)('a' + next() % 26);
        v[i][len] = '\0';
    }

    qsort(v, N, sizeof *v, cmp);

    int unordered = 0, distinct = 1;
    uint32_t h = 2166136261u;
    for (int i = 0; i < N; i++) {
        if (i > 0) {
            int c = strcmp(v[i - 1], v[i]);
            unordered += c > 0;
            distinct += c != 0;
        }
        for (const char *s = v[i]; *s; s++) {
            h ^= (uint8_t)*s;
            h *= 16777619u;
        }
        h ^= '\n';
        h *= 16777619u;
    }

    printf("sorted %d strings, %d distinct, %d out of order\n", N, distinct, unordered);
    for (int i = 0; i < 5; i++)
        printf("first[%d] = %s\n", i, v[i]);
    for (int i = N - 5; i < N; i++)
        printf("last[%d] = %s\n", i, v[i]);
    printf("fnv %08x\n", (unsigned)h);

    for (int i = 0; i < N; i++)
        free(v[i]);
    free(v);
    return unordered ? 1 : 0;
}

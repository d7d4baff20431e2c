/*
 * malloc_mmap.c — a malloc workload on both sides of glibc's mmap threshold.
 *
 * glibc's malloc serves requests below M_MMAP_THRESHOLD (128 KiB by default)
 * from the heap, which it grows with brk(), and requests at or above it with
 * a private anonymous mmap() of their own, which free() returns with
 * munmap().  By default the threshold is dynamic (freeing an mmap'd chunk
 * raises it), so this program pins it with mallopt() to keep the mechanism
 * the same in every phase.
 *
 * Phases:
 *   1. 2000 small blocks (16..1000 bytes) from the brk heap, each filled with
 *      a pattern derived from its index, then verified.
 *   2. Large blocks of 256 KiB, 512 KiB, 1 MiB, 2 MiB and 4 MiB: each must be
 *      an mmap'd chunk (glibc marks those with the IS_MMAPPED bit, 0x2, in the
 *      size word just before the user pointer); filled and verified.
 *   3. Every other small block freed, then the large ones (munmap).
 *   4. realloc growth: one block grown 64 B -> 4 MiB by doubling, crossing
 *      the threshold (heap -> mmap'd chunk, contents copied) and then growing
 *      an mmap'd chunk (mremap on Linux); contents checked after every step.
 *   5. The surviving small blocks re-verified, everything freed.
 *
 * The pattern is sparse — one byte every STRIDE bytes plus each block's last
 * byte — because under memsim every access is modelled; it still touches
 * every page and catches a lost, shared or misplaced page, or a block running
 * into its neighbour.  Only sizes, counts and checksums are printed, never
 * addresses.  Expected: a deterministic report and exit status 0 ("FAIL"
 * lines and exit status 1 on any corruption).
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NSMALL 2000
#define THRESHOLD (128 * 1024)
#define STRIDE 16

static int failures;

static uint8_t pattern(uint32_t seed, size_t i)
{
    uint32_t x = seed * 2654435761u + (uint32_t)i * 40503u;
    return (uint8_t)(x ^ (x >> 13) ^ (x >> 24));
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i += STRIDE)
        p[i] = pattern(seed, i);
    p[n - 1] = pattern(seed, n - 1);
}

/* Checks the pattern and folds the checked bytes into the FNV-1a hash *h.
 * Returns the number of mismatching bytes. */
static size_t verify_hash(const uint8_t *p, size_t n, uint32_t seed, uint32_t *h)
{
    size_t bad = 0;
    uint32_t x = *h;
    for (size_t i = 0; i < n; i += STRIDE) {
        bad += p[i] != pattern(seed, i);
        x = (x ^ p[i]) * 16777619u;
    }
    bad += p[n - 1] != pattern(seed, n - 1);
    *h = (x ^ p[n - 1]) * 16777619u;
    return bad;
}

static size_t verify(const uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t h = 0;
    return verify_hash(p, n, seed, &h);
}

/* glibc chunk header: the size word before the user pointer has bit 1
 * (IS_MMAPPED) set when the chunk is its own mmap() region.  noinline and
 * the integer round trip keep -Warray-bounds from tracking the pointer back
 * to its allocation (reading the header is deliberate). */
__attribute__((noinline)) static int is_mmapped(const void *p)
{
    const size_t *hdr = (const size_t *)((uintptr_t)p - sizeof(size_t));
    return (*hdr & 2) != 0;
}

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAIL: %s\n", what);
        failures++;
    }
}

int main(void)
{
    static uint8_t *small[NSMALL];
    static size_t small_len[NSMALL];

    mallopt(M_MMAP_THRESHOLD, THRESHOLD);

    /* Phase 1: small blocks from the brk heap. */
    size_t total = 0;
    int small_mmapped = 0;
    for (int i = 0; i < NSMALL; i++) {
        small_len[i] = 16 + (size_t)((i * 37) % 985);
        small[i] = malloc(small_len[i]);
        check(small[i] != NULL, "small malloc");
        if (!small[i])
            return 1;
        small_mmapped += is_mmapped(small[i]);
        fill(small[i], small_len[i], (uint32_t)i);
        total += small_len[i];
    }
    size_t bad = 0;
    uint32_t sum = 2166136261u;
    for (int i = 0; i < NSMALL; i++)
        bad += verify_hash(small[i], small_len[i], (uint32_t)i, &sum);
    printf("small: %d blocks, %zu bytes, mmapped %d, bad bytes %zu, fnv %08x\n",
           NSMALL, total, small_mmapped, bad, (unsigned)sum);
    check(small_mmapped == 0 && bad == 0, "small blocks");

    /* Phase 2: large blocks, each its own mmap. */
    static const size_t large_len[] = {
        256 * 1024, 512 * 1024, 1024 * 1024, 2048 * 1024, 4096 * 1024,
    };
    enum { NLARGE = sizeof large_len / sizeof large_len[0] };
    uint8_t *large[NLARGE];
    for (int i = 0; i < NLARGE; i++) {
        large[i] = malloc(large_len[i]);
        check(large[i] != NULL, "large malloc");
        if (!large[i])
            return 1;
        fill(large[i], large_len[i], 1000u + (uint32_t)i);
    }
    for (int i = 0; i < NLARGE; i++) {
        uint32_t h = 2166136261u;
        size_t b = verify_hash(large[i], large_len[i], 1000u + (uint32_t)i, &h);
        printf("large %4zu KiB: mmapped %d, bad bytes %zu, fnv %08x\n",
               large_len[i] / 1024, is_mmapped(large[i]), b, (unsigned)h);
        check(is_mmapped(large[i]) && b == 0, "large block");
    }

    /* Phase 3: free every other small block (back to the heap's bins) and all
     * large blocks (munmap). */
    for (int i = 0; i < NSMALL; i += 2) {
        free(small[i]);
        small[i] = NULL;
    }
    for (int i = 0; i < NLARGE; i++)
        free(large[i]);
    printf("freed %d small blocks and %d large blocks\n", NSMALL / 2, NLARGE);

    /* Phase 4: realloc growth across the threshold. */
    size_t len = 64;
    uint8_t *r = malloc(len);
    check(r != NULL, "realloc seed");
    if (!r)
        return 1;
    fill(r, len, 7);
    int steps = 0, crossed_at = -1;
    while (len < 4u * 1024 * 1024) {
        size_t nlen = len * 2;
        uint8_t *nr = realloc(r, nlen);
        check(nr != NULL, "realloc");
        if (!nr)
            return 1;
        r = nr;
        /* The old contents must have moved with the block. */
        check(verify(r, len, 7) == 0, "realloc kept contents");
        if (crossed_at < 0 && is_mmapped(r))
            crossed_at = steps;
        len = nlen;
        fill(r, len, 7);
        steps++;
    }
    uint32_t rh = 2166136261u;
    size_t rbad = verify_hash(r, len, 7, &rh);
    printf("realloc: %d doublings to %zu KiB, mmapped from step %d, bad bytes %zu, fnv %08x\n",
           steps, len / 1024, crossed_at, rbad, (unsigned)rh);
    check(rbad == 0, "realloc final contents");
    free(r);

    /* Phase 5: the surviving small blocks must be untouched. */
    bad = 0;
    int alive = 0;
    for (int i = 1; i < NSMALL; i += 2) {
        bad += verify(small[i], small_len[i], (uint32_t)i);
        alive++;
        free(small[i]);
    }
    printf("survivors: %d blocks, bad bytes %zu\n", alive, bad);
    check(bad == 0, "survivors");

    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}

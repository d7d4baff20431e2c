/*
 * brk_shrink.c — growing and shrinking the heap with sbrk().
 *
 *   1. sbrk(+8 MiB): the heap VMA grows; the new pages are not present yet.
 *   2. Write a pattern to every page (8 MiB / 4 KiB = 2048 demand-zero
 *      write faults) and read it back.
 *   3. sbrk(-6 MiB): the top 6 MiB are unmapped and their frames freed; the
 *      bottom 2 MiB keep their contents (checked).
 *   4. sbrk(+6 MiB) again: the re-grown range must read as zeroes — it is a
 *      fresh anonymous range, not the old frames (Linux brk semantics; qemu
 *      clears it explicitly).  Then it is written and checked once more.
 *   5. sbrk back to where the program started.
 *
 * Nothing is printed until the end, so stdio's malloc'd buffer cannot move
 * the break in the middle.  Only sizes and counts are printed, never
 * addresses.  Expected: a short report, exit status 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define MiB (1024L * 1024L)
#define GROW (8 * MiB)
#define SHRINK (6 * MiB)
#define PAGE 4096L

static unsigned long check_pattern(const volatile uint8_t *p, long from, long to, uint8_t salt)
{
    unsigned long bad = 0;
    for (long off = from; off < to; off += 512)
        bad += p[off] != (uint8_t)((off >> 9) ^ salt);
    return bad;
}

static void write_pattern(volatile uint8_t *p, long from, long to, uint8_t salt)
{
    for (long off = from; off < to; off += 512)
        p[off] = (uint8_t)((off >> 9) ^ salt);
}

int main(void)
{
    char *start = sbrk(0);

    /* 1-2: grow, touch, verify. */
    volatile uint8_t *heap = sbrk(GROW);
    if (heap == (void *)-1)
        return 10;
    long moved1 = (char *)sbrk(0) - start;
    write_pattern(heap, 0, GROW, 0x5a);
    unsigned long bad_grow = check_pattern(heap, 0, GROW, 0x5a);

    /* 3: shrink; the low part keeps its bytes. */
    if (sbrk(-SHRINK) == (void *)-1)
        return 11;
    long moved2 = (char *)sbrk(0) - start;
    unsigned long bad_kept = check_pattern(heap, 0, GROW - SHRINK, 0x5a);

    /* 4: grow again; the new range must be zero. */
    if (sbrk(SHRINK) == (void *)-1)
        return 12;
    long moved3 = (char *)sbrk(0) - start;
    unsigned long nonzero = 0;
    for (long off = GROW - SHRINK; off < GROW; off += 64)
        nonzero += heap[off] != 0;
    write_pattern(heap, GROW - SHRINK, GROW, 0xc3);
    unsigned long bad_regrow = check_pattern(heap, GROW - SHRINK, GROW, 0xc3)
                             + check_pattern(heap, 0, GROW - SHRINK, 0x5a);

    /* 5: back to the start. */
    if (sbrk(-GROW) == (void *)-1)
        return 13;
    long moved4 = (char *)sbrk(0) - start;

    printf("grow:   break +%ld KiB, pattern errors %lu\n", moved1 / 1024, bad_grow);
    printf("shrink: break +%ld KiB, kept-range errors %lu\n", moved2 / 1024, bad_kept);
    printf("regrow: break +%ld KiB, non-zero bytes in re-grown range %lu, pattern errors %lu\n",
           moved3 / 1024, nonzero, bad_regrow);
    printf("final:  break +%ld KiB\n", moved4 / 1024);
    int ok = bad_grow == 0 && bad_kept == 0 && nonzero == 0 && bad_regrow == 0 &&
             moved1 == GROW && moved2 == GROW - SHRINK && moved3 == GROW && moved4 == 0;
    printf("%s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}

/*
 * bigstack.c — the stack grows down by about 2 MiB.
 *
 * The initial stack VMA is small (Linux maps the argument/environment pages
 * plus a little, and grows the VMA on faults below it, up to RLIMIT_STACK,
 * 8 MiB by default).  This recurses 2048 levels deep with a 1 KiB local
 * array (256 words) in every frame, writing the whole array, so the stack
 * pointer walks ~2.1 MiB down page by page: each new page is a 'stack'
 * fault resolved by 'stack-grow' (VMA extended) and a new zeroed frame.  On
 * the way back up each frame re-reads its own array, so a page lost or
 * aliased during growth shows as a wrong checksum.
 *
 * The recursion is not a tail call (the result is combined after the call
 * returns) and the array is volatile, so -O2 keeps every frame.
 * Expected: one line with depth, KiB of locals, bad words and a hash; exit 0.
 */
#include <stdint.h>
#include <stdio.h>

#define DEPTH 2048
#define FRAME_WORDS 256             /* 1 KiB of locals per frame */

static unsigned long bad_words;

__attribute__((noinline)) static uint32_t recurse(uint32_t depth)
{
    volatile uint32_t buf[FRAME_WORDS];
    for (uint32_t i = 0; i < FRAME_WORDS; i++)
        buf[i] = depth * 0x9e3779b9u + i;

    uint32_t below = depth < DEPTH ? recurse(depth + 1) : 0;

    /* Re-read this frame's array after the deeper frames have come and gone. */
    uint32_t h = below * 31 + depth;
    for (uint32_t i = 0; i < FRAME_WORDS; i++) {
        uint32_t v = buf[i];
        bad_words += v != depth * 0x9e3779b9u + i;
        h = (h ^ v) * 16777619u;
    }
    return h;
}

int main(void)
{
    uint32_t h = recurse(1);
    printf("depth %d, %d KiB of locals, bad words %lu, hash %08x\n",
           DEPTH, DEPTH * FRAME_WORDS * 4 / 1024, bad_words, (unsigned)h);
    return bad_words ? 1 : 0;
}

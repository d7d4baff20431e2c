/*
 * tlb_reach.c — the reach of the data TLBs: one load per page over N pages,
 * repeated, so that every load needs its own translation.
 *
 *   tlb_reach N [ROUNDS]
 *
 * Maps N pages and reads one byte on each, page after page: one untimed
 * round (it takes the page faults), then ROUNDS (default 100) timed with
 * rdtsc.  The byte of page i is at offset (i * 64) % 4096, so the lines
 * spread over the cache sets instead of all landing in one.  Prints
 *
 *   pages N cycles_per_access X
 *
 * The pages are only read, so all of them map Linux's (and memsim's) one
 * zero page: the N touched lines are the zero page's 64 lines, one per L1D
 * set, and stay in the L1D whatever N is.  Cycles per access then change
 * only with the TLBs.  (With a frame per page the lines would overflow the
 * L1D beyond 512 pages, and with consecutive frames this offset uses only
 * 64 of a 1024-set L2's sets: cache misses would hide the TLB knees.)
 *
 * X includes the loop's few instructions per load.  Once N pages exceed the
 * L1 DTLB (then the STLB) every load misses it: tests/guest/
 * check-tlb-reach.sh runs this under `memsim run --stats` and checks the
 * knees against the CPU preset.  Not compared with qemu-i386 (timing).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE 4096u

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static unsigned long parse(const char *s, const char *what)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (*end || !v) {
        fprintf(stderr, "tlb_reach: bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: tlb_reach N [ROUNDS]\n");
        return 2;
    }
    unsigned long n = parse(argv[1], "N"), rounds = argc > 2 ? parse(argv[2], "ROUNDS") : 100;
    if (n > (1ul << 18)) {
        fprintf(stderr, "tlb_reach: N at most %lu pages\n", 1ul << 18);
        return 2;
    }
    unsigned char *buf = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        perror("tlb_reach: mmap");
        return 1;
    }
    uint32_t sum = 0;
    uint64_t t0 = 0;
    for (unsigned long r = 0; r <= rounds; r++) {
        if (r == 1)
            t0 = rdtsc();                   /* round 0, the faults, is not timed */
        const unsigned char *p = buf;
        for (unsigned long i = 0; i < n; i++, p += PAGE)
            sum += p[(i * 64) % PAGE];
        __asm__ volatile("" : "+r"(sum));   /* one round after another, not fused */
    }
    uint64_t t1 = rdtsc();
    __asm__ volatile("" : : "r"(sum));
    printf("pages %lu cycles_per_access %.2f\n", n, (double)(t1 - t0) / ((double)n * rounds));
    return 0;
}

/*
 * pointer_chase.c — load-to-use latency of the data caches, one working set
 * at a time: the "staircase" of cycles per dependent load against working-set
 * size.
 *
 *   pointer_chase [MIN_BYTES [MAX_BYTES [ACCESSES]]]
 *
 * For each power-of-two working set from MIN_BYTES (default 4 KiB) to
 * MAX_BYTES (default 64 MiB) it builds one random cyclic chain of pointers
 * over 64-byte-spaced slots, page-local: the chain visits every slot of a
 * page, in random order, before it moves to the next page, and the pages
 * come in random order (a Fisher-Yates shuffle of the pages; each page's
 * slot order is one of 64 random permutations XORed with a random mask).
 * A TLB miss is then amortised over 64 loads, so the chase measures the
 * caches, while the random order within and across pages defeats any
 * stride pattern.  One untimed pass over the whole chain warms
 * caches and TLBs; then ACCESSES (default 2^18, a multiple of 16) dependent
 * loads `p = *(void **)p`, unrolled 16 times, are timed with rdtsc.  Each
 * set prints one line:
 *
 *   WS_BYTES CYCLES_PER_ACCESS          e.g. "4096 5.13"
 *
 * The per-access figure includes the loop's own share: the load instruction
 * itself and 2 instructions (dec, jnz) per 16 loads.  Deterministic: a
 * fixed-seed PRNG, and under memsim rdtsc is the model's cycle counter.
 * Not compared with qemu-i386 (its output is timing); tests/guest/
 * check-staircase.sh checks it against the CPU preset's latencies.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE 4096u
#define SLOT 64u
#define SLOTS_PER_PAGE (PAGE / SLOT)

static uint32_t rng = 0x2545f491u;

/* xorshift32 with a fixed seed, so every run builds the same chains (and
 * cheap in i386 instructions: building dominates the run's instructions). */
static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* a = a random permutation of 0..n-1 (Fisher-Yates). */
static void shuffle(uint32_t *a, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        a[i] = i;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(((uint64_t)next_random() * (i + 1)) >> 32);    /* 0..i */
        uint32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

#define LOAD "movl (%0), %0\n\t"
#define LOAD4 LOAD LOAD LOAD LOAD
#define LOAD16 LOAD4 LOAD4 LOAD4 LOAD4

/* n / 16 iterations of 16 dependent loads; returns where the chase ended. */
static void *chase(void *p, uint32_t n)
{
    uint32_t iters = n / 16;
    if (!iters)
        return p;
    __asm__ volatile("1:\n\t" LOAD16
                     "decl %1\n\t"
                     "jnz 1b"
                     : "+r"(p), "+r"(iters) : : "memory");
    return p;
}

/*
 * The slot orders within pages: NR_PERMS random permutations of the 64
 * slots (Fisher-Yates), each page taking one of them XORed with a random
 * 6-bit mask, so pages get 4096 different random orders at a few
 * instructions per slot (building the chains dominates the run's
 * instruction count; a Fisher-Yates shuffle per page tripled it).
 */
#define NR_PERMS 64
static uint8_t slot_perms[NR_PERMS][SLOTS_PER_PAGE];

static void init_slot_perms(void)
{
    uint32_t order[SLOTS_PER_PAGE];
    for (unsigned k = 0; k < NR_PERMS; k++) {
        shuffle(order, SLOTS_PER_PAGE);
        for (unsigned s = 0; s < SLOTS_PER_PAGE; s++)
            slot_perms[k][s] = (uint8_t)order[s];
    }
}

/* The chain over the first ws bytes of buf; returns its first slot. */
static void *build_chain(char *buf, uint32_t ws, uint32_t *page_order)
{
    uint32_t pages = ws / PAGE;
    void **prev = NULL, **first = NULL;
    shuffle(page_order, pages);
    for (uint32_t i = 0; i < pages; i++) {
        char *page = buf + (size_t)page_order[i] * PAGE;
        uint32_t r = next_random();
        const uint8_t *perm = slot_perms[r % NR_PERMS];
        uint32_t mask = (r >> 16) % SLOTS_PER_PAGE;
        for (uint32_t s = 0; s < SLOTS_PER_PAGE; s++) {
            void **slot = (void **)(page + (perm[s] ^ mask) * SLOT);
            if (prev)
                *prev = slot;
            else
                first = slot;
            prev = slot;
        }
    }
    *prev = first;                       /* close the cycle */
    return first;
}

static unsigned long parse(const char *s, const char *what)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (*end || !v) {
        fprintf(stderr, "pointer_chase: bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    unsigned long lo = 4096, hi = 64ul << 20, accesses = 1ul << 18;
    if (argc > 1)
        lo = parse(argv[1], "MIN_BYTES");
    if (argc > 2)
        hi = parse(argv[2], "MAX_BYTES");
    if (argc > 3)
        accesses = parse(argv[3], "ACCESSES");
    if (lo < PAGE || (lo & (lo - 1)) || (hi & (hi - 1)) || hi < lo || hi > (1ul << 30) ||
        accesses % 16) {
        fprintf(stderr, "usage: pointer_chase [MIN_BYTES [MAX_BYTES [ACCESSES]]]\n"
                        "  sizes powers of two, 4096 <= MIN <= MAX <= 1 GiB; ACCESSES a multiple of 16\n");
        return 2;
    }

    char *buf = mmap(NULL, hi, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t *page_order = malloc(hi / PAGE * sizeof *page_order);
    if (buf == MAP_FAILED || !page_order) {
        perror("pointer_chase: mmap");
        return 1;
    }
    init_slot_perms();
    for (unsigned long ws = lo; ws <= hi && ws; ws <<= 1) {
        void *p = build_chain(buf, (uint32_t)ws, page_order);
        p = chase(p, (uint32_t)(ws / SLOT));                    /* warm: one pass */
        uint64_t t0 = rdtsc();
        p = chase(p, (uint32_t)accesses);
        uint64_t t1 = rdtsc();
        __asm__ volatile("" : : "r"(p));
        printf("%lu %.2f\n", ws, (double)(t1 - t0) / (double)accesses);
        fflush(stdout);
    }
    return 0;
}

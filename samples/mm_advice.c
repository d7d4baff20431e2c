/*
 * mm_advice.c — the mm calls at work, printing what each did (never an
 * address): madvise DONTNEED drops pages (they read back as zeros and
 * mincore stops counting them), WILLNEED and POPULATE_WRITE, mremap growing
 * blocked without MREMAP_MAYMOVE, moving with it (the data goes along),
 * to a MREMAP_FIXED address and shrinking, mlock faulting a range in (mincore),
 * MAP_POPULATE, and MAP_FIXED_NOREPLACE refusing a busy range (EEXIST)
 * and taking a free one.  In samples.list: its output is checked against
 * qemu-i386's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096u

static void residency(const char *what, void *p, unsigned pages)
{
    unsigned char vec[32];
    char bits[33];
    if (mincore(p, pages * PG, vec)) {
        printf("%-36s mincore failed: %s\n", what, strerror(errno));
        return;
    }
    for (unsigned i = 0; i < pages; i++)
        bits[i] = (vec[i] & 1) ? '1' : '0';
    bits[pages] = '\0';
    printf("%-36s %s\n", what, bits);
}

static void fill(unsigned char *p, unsigned pages, unsigned char seed)
{
    for (unsigned i = 0; i < pages; i++)
        memset(p + i * PG, seed + i, PG);
}

/* Does page i of p still hold seed + i everywhere? */
static int intact(const unsigned char *p, unsigned pages, unsigned char seed)
{
    for (unsigned i = 0; i < pages; i++)
        for (unsigned j = 0; j < PG; j++)
            if (p[i * PG + j] != (unsigned char)(seed + i))
                return 0;
    return 1;
}

static void *map(void *at, unsigned pages, int flags)
{
    return mmap(at, pages * PG, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

static void advice(void)
{
    unsigned char *p = map(NULL, 8, 0);
    fill(p, 8, 10);
    residency("written", p, 8);
    printf("%-36s %d\n", "madvise DONTNEED pages 2-3", madvise(p + 2 * PG, 2 * PG, MADV_DONTNEED));
    residency("after DONTNEED", p, 8);
    printf("%-36s %d %d\n", "dropped pages read", p[2 * PG], p[3 * PG + 100]);
    printf("%-36s %s\n", "other pages", intact(p, 2, 10) && intact(p + 4 * PG, 4, 14) ? "intact" : "CHANGED");
    printf("%-36s %d\n", "madvise WILLNEED", madvise(p, 8 * PG, MADV_WILLNEED));
    munmap(p, 8 * PG);
}

/* Growing in place is left to mremap_grow (checked against native Linux):
 * qemu-i386, this sample's reference, moves such a mapping. */
static void remap(void)
{
    unsigned char *q = map(NULL, 9, 0);
    munmap(q + 8 * PG, PG);                /* a free page above, for the block */
    fill(q, 4, 40);
    /* blocked above: without MAYMOVE ENOMEM, with it a move */
    unsigned char *block = map(q + 8 * PG, 1, MAP_FIXED_NOREPLACE);
    printf("%-36s %s\n", "block above", block == q + 8 * PG ? "placed" : "NOT PLACED");
    void *r = mremap(q, 8 * PG, 12 * PG, 0);
    printf("%-36s %s\n", "mremap grow blocked", r == MAP_FAILED && errno == ENOMEM ? "ENOMEM" : "WRONG");
    unsigned char *m = mremap(q, 8 * PG, 12 * PG, MREMAP_MAYMOVE);
    if (m == MAP_FAILED || m == q) {
        printf("%-36s WRONG\n", "mremap MAYMOVE");
        return;
    }
    printf("%-36s %s\n", "mremap MAYMOVE", "moved");
    printf("%-36s %s\n", "  data", intact(m, 4, 40) ? "intact" : "CHANGED");
    printf("%-36s %d\n", "  grown page reads", m[10 * PG]);
    residency("  old place (1 page, unmapped)", q, 1);

    /* FIXED to the old place (free again), then shrink */
    unsigned char *f = mremap(m, 12 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, q);
    if (f != q) {
        printf("%-36s WRONG\n", "mremap FIXED");
        return;
    }
    printf("%-36s %s\n", "mremap FIXED", "at the address asked");
    printf("%-36s %s\n", "  data", intact(f, 4, 40) ? "intact" : "CHANGED");
    unsigned char *s = mremap(f, 4 * PG, 2 * PG, 0);
    printf("%-36s %s\n", "mremap shrink", s == f ? "same address" : "WRONG");
    printf("%-36s %s\n", "  data", intact(s, 2, 40) ? "intact" : "CHANGED");
    munmap(s, 2 * PG);
    munmap(block, PG);
}

static void locking(void)
{
    unsigned char *p = map(NULL, 6, 0);
    residency("fresh mapping", p, 6);
    printf("%-36s %d\n", "mlock pages 1-4", mlock(p + PG, 4 * PG));
    residency("after mlock", p, 6);
    printf("%-36s %d\n", "munlock", munlock(p + PG, 4 * PG));
    printf("%-36s %d\n", "madvise POPULATE_WRITE page 5",
           madvise(p + 5 * PG, PG, MADV_POPULATE_WRITE));
    residency("after POPULATE_WRITE", p, 6);
    munmap(p, 6 * PG);

    unsigned char *pop = map(NULL, 4, MAP_POPULATE);
    residency("MAP_POPULATE", pop, 4);
    munmap(pop, 4 * PG);
}

static void noreplace(void)
{
    unsigned char *p = map(NULL, 4, 0);
    void *busy = map(p + PG, 1, MAP_FIXED_NOREPLACE);
    printf("%-36s %s\n", "MAP_FIXED_NOREPLACE busy",
           busy == MAP_FAILED && errno == EEXIST ? "EEXIST" : "WRONG");
    munmap(p + 2 * PG, 2 * PG);
    void *free_ = map(p + 2 * PG, 2, MAP_FIXED_NOREPLACE);
    printf("%-36s %s\n", "MAP_FIXED_NOREPLACE free", free_ == p + 2 * PG ? "placed" : "WRONG");
    munmap(p, 4 * PG);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);   /* a crash keeps what came before */
    advice();
    remap();
    locking();
    noreplace();
    return 0;
}

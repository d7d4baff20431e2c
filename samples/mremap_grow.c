/*
 * mremap_grow.c — the mm calls a program makes directly: realloc of a big
 * block (glibc's realloc of an mmap'ed chunk calls mremap(MREMAP_MAYMOVE)),
 * mremap grow in place / shrink / move with FIXED and DONTUNMAP, mincore,
 * msync and the mlock family, with Linux's errnos.  Prints no addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096u

static void check(const char *what, long got, long want)
{
    printf("%-40s %s\n", what, got == want ? "ok" : "WRONG");
    if (got != want)
        printf("  got %ld want %ld\n", got, want);
}

static long err_of(long r) { return r == -1 ? -errno : r; }

static void realloc_grow(void)
{
    /* 1 MiB: above the mmap threshold, so the chunk is its own mapping */
    size_t n = 1u << 20;
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7);
    for (int round = 0; round < 5; round++) {
        n *= 2;
        p = realloc(p, n);
        if (!p) {
            puts("realloc failed");
            return;
        }
        memset(p + n / 2, 0x5a, n / 2);
    }
    unsigned long sum = 0;
    for (size_t i = 0; i < (1u << 20); i++)
        sum += p[i] == (unsigned char)(i * 7);
    printf("realloc to %zu MiB: first MiB intact %s, tail %s\n", n >> 20,
           sum == (1u << 20) ? "yes" : "no", p[n - 1] == 0x5a ? "ok" : "bad");
    free(p);
}

static void mremap_cases(void)
{
    char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(a, "page0");
    strcpy(a + 3 * PG, "page3");
    munmap(a + 2 * PG, 2 * PG);               /* a hole after two pages */
    char *b = mremap(a, 2 * PG, 4 * PG, 0);   /* grow in place into it */
    check("grow in place", b == a, 1);
    b[3 * PG] = 'x';
    check("shrink", err_of((long)mremap(a, 4 * PG, PG, 0)) == (long)a, 1);
    check("bad flags EINVAL", err_of((long)mremap(a, PG, PG, 8)), -EINVAL);
    check("FIXED without MAYMOVE EINVAL", err_of((long)mremap(a, PG, PG, MREMAP_FIXED, a + PG)), -EINVAL);
    check("unaligned EINVAL", err_of((long)mremap(a + 1, PG, PG, 0)), -EINVAL);
    check("new_len 0 EINVAL", err_of((long)mremap(a, PG, 0, 0)), -EINVAL);
    check("old_len 0 private EINVAL", err_of((long)mremap(a, 0, PG, MREMAP_MAYMOVE)), -EINVAL);
    char *gone = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, PG);
    check("unmapped EFAULT", err_of((long)mremap(gone, PG, PG, 0)), -EFAULT);
    check("across a VMA EFAULT", err_of((long)mremap(a, 2 * PG, 3 * PG, MREMAP_MAYMOVE)), -EFAULT);
    char *blk = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *c = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(c + PG, 2 * PG);
    /* c's next page taken: growing needs a move */
    char *blocker = mmap(c + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    strcpy(c, "moved data");
    check("grow without MAYMOVE ENOMEM", err_of((long)mremap(c, PG, 2 * PG, 0)), -ENOMEM);
    char *d = mremap(c, PG, 2 * PG, MREMAP_MAYMOVE);
    check("MAYMOVE moves", d != c && d != MAP_FAILED, 1);
    check("data moved", strcmp(d, "moved data") == 0, 1);
    unsigned char v[2] = { 9, 9 };
    check("old range gone (mincore ENOMEM)", err_of(mincore(c, PG, v)), -ENOMEM);
    char *e = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *f = mremap(d, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, e);
    check("FIXED onto a mapping", f == e, 1);
    check("FIXED data", strcmp(f, "moved data") == 0, 1);
    check("FIXED overlap EINVAL", err_of((long)mremap(f, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, f)), -EINVAL);
    char *g = mremap(f, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, (void *)0);
    if (g == MAP_FAILED)
        printf("DONTUNMAP errno %d\n", errno);
    check("DONTUNMAP moves", g != MAP_FAILED && strcmp(g, "moved data") == 0, 1);
    check("DONTUNMAP old reads 0", f[0], 0);
    check("DONTUNMAP size change EINVAL", err_of((long)mremap(g, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP)), -EINVAL);
    munmap(blk, PG);
    munmap(blocker, PG);
}

/* Code moves with its pages: what runs at an address after a mremap is what
 * is there now, never a stale translation of what was. */
static int call_at(const char *p) { return ((int (*)(void))(uintptr_t)p)(); }

static char *map_code(char *at, int value)
{
    unsigned char code[] = { 0xb8, (unsigned char)value, 0, 0, 0, 0xc3 };   /* mov $v,%eax; ret */
    char *p = mmap(at, PG, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED : 0), -1, 0);
    memcpy(p, code, sizeof code);
    return p;
}

static void mremap_code(void)
{
    char *x = map_code(NULL, 42);
    char *blocker = mmap(x + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check("code before the move", call_at(x), 42);
    char *y = mremap(x, PG, 2 * PG, MREMAP_MAYMOVE);
    check("code after the move", call_at(y), 42);
    map_code(x, 43);
    check("new code at the old address", call_at(x), 43);
    check("FIXED back over it", mremap(y, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, x) == x, 1);
    check("moved code runs there", call_at(x), 42);
    munmap(x, PG);
    munmap(blocker, PG);
}

static void mincore_cases(void)
{
    unsigned char *p = mmap(NULL, 5 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p + 4 * PG, PG);                   /* a hole after four pages */
    p[0] = 1;
    p[2 * PG] = 1;
    unsigned char v[4];
    check("mincore", mincore(p, 4 * PG, v), 0);
    printf("mincore bits %d%d%d%d\n", v[0] & 1, v[1] & 1, v[2] & 1, v[3] & 1);
    check("mincore unaligned EINVAL", err_of(mincore(p + 1, PG, v)), -EINVAL);
    check("mincore bad vec EFAULT", err_of(mincore(p, PG, (unsigned char *)8)), -EFAULT);
    check("mincore past end ENOMEM", err_of(mincore(p, 5 * PG, v)), -ENOMEM);
    check("msync", msync(p, 4 * PG, MS_SYNC), 0);
    check("msync ASYNC|SYNC EINVAL", err_of(msync(p, PG, MS_ASYNC | MS_SYNC)), -EINVAL);
    check("msync bad bit EINVAL", err_of(msync(p, PG, 8)), -EINVAL);
    check("msync unaligned EINVAL", err_of(msync(p + 1, PG, MS_SYNC)), -EINVAL);
    check("msync hole ENOMEM", err_of(msync(p, 5 * PG, MS_SYNC)), -ENOMEM);
    check("mlock", mlock(p + 1, PG), 0);
    check("mlock populated", mincore(p, 4 * PG, v) == 0 && (v[1] & 1), 1);
    check("mlock2 bad flag EINVAL", err_of(syscall(376, p, PG, 2)), -EINVAL);
    check("mlock hole ENOMEM", err_of(mlock(p, 5 * PG)), -ENOMEM);
    check("mlock over the limit ENOMEM", err_of(mlock(p, 64u << 20)), -ENOMEM);
    check("msync INVALIDATE locked EBUSY", err_of(msync(p, PG, MS_INVALIDATE)), -EBUSY);
    check("munlock", munlock(p, 4 * PG), 0);
    check("mlockall bad EINVAL", err_of(mlockall(0)), -EINVAL);
    check("mlockall ONFAULT alone EINVAL", err_of(mlockall(4)), -EINVAL);
    check("mlockall FUTURE", mlockall(MCL_FUTURE), 0);
    check("munlockall", munlockall(), 0);
}

int main(void)
{
    realloc_grow();
    mremap_cases();
    mremap_code();
    mincore_cases();
    return 0;
}

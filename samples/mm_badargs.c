/*
 * mm_badargs.c — the bad-input table of the mm system calls: mmap, mremap,
 * madvise, mprotect, msync and the mlock family with unaligned addresses,
 * zero or overflowing lengths, bad flags, bad or non-mappable descriptors.
 * One line per case: its name and what the call returned ("0", "ok" for an
 * address, or the errno's name).  Raw system calls (no libc checks).
 *
 * The reference is Linux 6.1 on i386 (a 32-bit kernel: TASK_SIZE
 * 0xC0000000, unsigned long is 32 bits, so lengths and offsets wrap):
 * tests/guest/expected/mm_badargs.stdout, derived by hand from mm/mmap.c,
 * mm/mremap.c, mm/madvise.c, mm/mprotect.c, mm/msync.c and mm/mlock.c.
 * check-mm-badargs.sh runs it under memsim (both paging modes) against
 * that file and under qemu-i386 and natively as cross-checks; the cases
 * where those differ from an i386 kernel (and why) are listed there.
 *
 *   mm_badargs FILE     FILE: any readable regular file (mapped privately)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PG 4096u

static const char *errname(long e)
{
    switch (e) {
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case ENODEV: return "ENODEV";
    case EEXIST: return "EEXIST";
    case EOVERFLOW: return "EOVERFLOW";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EBUSY: return "EBUSY";
    case EPERM: return "EPERM";
    case EAGAIN: return "EAGAIN";
    default: return "other";
    }
}

/* raw syscall result: -errno, or the value */
static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
    long r = syscall(nr, a, b, c, d, e, f);
    return r == -1 ? -errno : r;
}

static int failed(long r) { return r < 0 && r > -4096; }

static void show(const char *name, long r, int addr)
{
    if (failed(r))
        printf("%-34s %s\n", name, errname(-r));
    else
        printf("%-34s %s\n", name, addr ? "ok" : r == 0 ? "0" : "nonzero");
}

static long mmap2(uint32_t addr, uint32_t len, int prot, int flags, int fd, uint32_t pgoff)
{
    return sys(SYS_mmap2, addr, len, prot, flags, fd, pgoff);
}

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW   (PROT_READ | PROT_WRITE)

static void mmap_cases(int file, int dir, int null_rd, int null_wr, uint32_t busy)
{
    show("mmap len 0", mmap2(0, 0, RW, ANON, -1, 0), 1);
    show("mmap len 0xfffff001", mmap2(0, 0xfffff001u, RW, ANON, -1, 0), 1);
    show("mmap fixed unaligned", mmap2(busy + 1, PG, RW, ANON | MAP_FIXED, -1, 0), 1);
    show("mmap fixed wraps 4G", mmap2(0xfffff000u, 2 * PG, RW, ANON | MAP_FIXED, -1, 0), 1);
    show("mmap type 0", mmap2(0, PG, RW, MAP_ANONYMOUS, -1, 0), 1);
    show("mmap type 0xf", mmap2(0, PG, RW, 0xf | MAP_ANONYMOUS, -1, 0), 1);
    show("mmap anon shared_validate", mmap2(0, PG, RW, 3 | MAP_ANONYMOUS, -1, 0), 1);
    show("mmap anon shared growsdown",
         mmap2(0, PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0), 1);
    show("mmap fd -1", mmap2(0, PG, PROT_READ, MAP_PRIVATE, -1, 0), 1);
    show("mmap fd 1000", mmap2(0, PG, PROT_READ, MAP_PRIVATE, 1000, 0), 1);
    show("mmap directory", mmap2(0, PG, PROT_READ, MAP_PRIVATE, dir, 0), 1);
    show("mmap directory shared write", mmap2(0, PG, RW, MAP_SHARED, dir, 0), 1);
    show("mmap /dev/null", mmap2(0, PG, PROT_READ, MAP_PRIVATE, null_rd, 0), 1);
    show("mmap /dev/null write-only", mmap2(0, PG, PROT_READ, MAP_PRIVATE, null_wr, 0), 1);
    show("mmap file shared write rdonly", mmap2(0, PG, RW, MAP_SHARED, file, 0), 1);
    show("mmap file growsdown", mmap2(0, PG, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, file, 0), 1);
    show("mmap file validate unknown flag", mmap2(0, PG, PROT_READ, 3 | 0x800000, file, 0), 1);
    show("mmap file pgoff wraps", mmap2(0, 2 * PG, PROT_READ, MAP_PRIVATE, file, 0xffffffffu), 1);
    show("mmap fixed_noreplace busy",
         mmap2(busy, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), 1);
    show("mmap file private", mmap2(0, PG, PROT_READ, MAP_PRIVATE, file, 0), 1);
}

static void mremap_cases(uint32_t a, uint32_t b)
{
    /* a: 4 pages followed by b: 1 page at a + 4 pages, different rights */
    show("mremap unknown flag", sys(SYS_mremap, a, PG, PG, 8, 0, 0), 1);
    show("mremap fixed without maymove", sys(SYS_mremap, a, PG, PG, MREMAP_FIXED, b, 0), 1);
    show("mremap unaligned", sys(SYS_mremap, a + 1, PG, PG, 0, 0, 0), 1);
    show("mremap new_len 0", sys(SYS_mremap, a, PG, 0, 0, 0, 0), 1);
    show("mremap new_len 0xfffff001", sys(SYS_mremap, a, PG, 0xfffff001u, 0, 0, 0), 1);
    show("mremap unmapped", sys(SYS_mremap, 0x10000, PG, PG, 0, 0, 0), 1);
    show("mremap across vmas", sys(SYS_mremap, a, 5 * PG, 6 * PG, 0, 0, 0), 1);
    show("mremap grow blocked", sys(SYS_mremap, a, 4 * PG, 5 * PG, 0, 0, 0), 1);
    show("mremap fixed overlap",
         sys(SYS_mremap, a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + PG, 0), 1);
    show("mremap fixed unaligned",
         sys(SYS_mremap, a, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, b + 1, 0), 1);
    show("mremap dontunmap resize",
         sys(SYS_mremap, a, PG, 2 * PG, MREMAP_MAYMOVE | 4, 0, 0), 1);
    show("mremap same size", sys(SYS_mremap, a, 4 * PG, 4 * PG, 0, 0, 0), 1);
}

static void madvise_cases(uint32_t a, uint32_t ro, uint32_t filemap, uint32_t locked)
{
    show("madvise unknown advice 99", sys(SYS_madvise, a, PG, 99, 0, 0, 0), 0);
    show("madvise unaligned", sys(SYS_madvise, a + 1, PG, MADV_DONTNEED, 0, 0, 0), 0);
    show("madvise len -1", sys(SYS_madvise, a, 0xffffffffu, MADV_DONTNEED, 0, 0, 0), 0);
    show("madvise len 0", sys(SYS_madvise, a, 0, MADV_DONTNEED, 0, 0, 0), 0);
    show("madvise unmapped", sys(SYS_madvise, 0x10000, PG, MADV_DONTNEED, 0, 0, 0), 0);
    show("madvise willneed unmapped", sys(SYS_madvise, 0x10000, PG, MADV_WILLNEED, 0, 0, 0), 0);
    show("madvise free file", sys(SYS_madvise, filemap, PG, MADV_FREE, 0, 0, 0), 0);
    show("madvise dontneed locked", sys(SYS_madvise, locked, PG, MADV_DONTNEED, 0, 0, 0), 0);
    show("madvise populate_write ro", sys(SYS_madvise, ro, PG, MADV_POPULATE_WRITE, 0, 0, 0), 0);
    show("madvise remove anon", sys(SYS_madvise, a, PG, MADV_REMOVE, 0, 0, 0), 0);
    show("madvise wipeonfork file", sys(SYS_madvise, filemap, PG, MADV_WIPEONFORK, 0, 0, 0), 0);
    show("madvise cold locked", sys(SYS_madvise, locked, PG, MADV_COLD, 0, 0, 0), 0);
    show("madvise willneed", sys(SYS_madvise, a, PG, MADV_WILLNEED, 0, 0, 0), 0);
    show("madvise normal", sys(SYS_madvise, a, PG, MADV_NORMAL, 0, 0, 0), 0);
}

static void mprotect_cases(uint32_t a)
{
    show("mprotect unaligned", sys(SYS_mprotect, a + 1, PG, PROT_READ, 0, 0, 0), 0);
    show("mprotect unknown prot 0x10", sys(SYS_mprotect, a, PG, 0x10, 0, 0, 0), 0);
    show("mprotect growsdown+growsup",
         sys(SYS_mprotect, a, PG, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP, 0, 0, 0), 0);
    show("mprotect growsdown plain vma",
         sys(SYS_mprotect, a, PG, PROT_READ | PROT_GROWSDOWN, 0, 0, 0), 0);
    show("mprotect unmapped", sys(SYS_mprotect, 0x10000, PG, PROT_READ, 0, 0, 0), 0);
    /* from an unmapped start: a 64-bit kernel, where it does not wrap,
     * must not reprotect what lies above a */
    show("mprotect len wraps", sys(SYS_mprotect, 0x10000, 0xfffff001u, PROT_READ, 0, 0, 0), 0);
    show("mprotect len 0", sys(SYS_mprotect, a, 0, PROT_READ, 0, 0, 0), 0);
}

static void msync_cases(uint32_t a, uint32_t locked)
{
    show("msync unknown flag", sys(SYS_msync, a, PG, 8, 0, 0, 0), 0);
    show("msync async+sync", sys(SYS_msync, a, PG, MS_ASYNC | MS_SYNC, 0, 0, 0), 0);
    show("msync unaligned", sys(SYS_msync, a + 1, PG, MS_SYNC, 0, 0, 0), 0);
    show("msync unmapped", sys(SYS_msync, 0x10000, PG, MS_SYNC, 0, 0, 0), 0);
    show("msync invalidate locked", sys(SYS_msync, locked, PG, MS_INVALIDATE, 0, 0, 0), 0);
    show("msync len 0", sys(SYS_msync, a, 0, MS_SYNC, 0, 0, 0), 0);
    show("msync anon", sys(SYS_msync, a, PG, MS_SYNC, 0, 0, 0), 0);
}

static void mlock_cases(uint32_t a)
{
    show("mlock unmapped", sys(SYS_mlock, 0x10000, PG, 0, 0, 0, 0), 0);
    show("mlock2 bad flags", sys(SYS_mlock2, a, PG, 2, 0, 0, 0), 0);
    show("munlock unmapped", sys(SYS_munlock, 0x10000, PG, 0, 0, 0, 0), 0);
    show("mlockall 0", sys(SYS_mlockall, 0, 0, 0, 0, 0, 0), 0);
    show("mlockall onfault alone", sys(SYS_mlockall, MCL_ONFAULT, 0, 0, 0, 0, 0), 0);
    show("mlockall 8", sys(SYS_mlockall, 8, 0, 0, 0, 0, 0), 0);
    show("mlock unaligned", sys(SYS_mlock, a + 1, PG, 0, 0, 0, 0), 0);
    show("munlock unaligned", sys(SYS_munlock, a + 1, PG, 0, 0, 0, 0), 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mm_badargs FILE\n");
        return 2;
    }
    int file = open(argv[1], O_RDONLY), dir = open("/", O_RDONLY | O_DIRECTORY);
    int null_rd = open("/dev/null", O_RDONLY), null_wr = open("/dev/null", O_WRONLY);
    if (file < 0 || dir < 0 || null_rd < 0 || null_wr < 0) {
        perror("mm_badargs: setup");
        return 1;
    }
    /* a: 4 RW pages, then b: 1 RO page right after it; locked: 1 locked page */
    long a = mmap2(0, 5 * PG, RW, ANON, -1, 0);
    long ro = mmap2(0, PG, PROT_READ, ANON, -1, 0);
    long locked = mmap2(0, PG, RW, ANON, -1, 0);
    long filemap = mmap2(0, PG, PROT_READ, MAP_PRIVATE, file, 0);
    if (failed(a) || failed(ro) || failed(locked) || failed(filemap) ||
        sys(SYS_mprotect, a + 4 * PG, PG, PROT_READ, 0, 0, 0) ||
        sys(SYS_mlock, locked, PG, 0, 0, 0, 0)) {
        puts("setup failed");
        return 1;
    }
    mmap_cases(file, dir, null_rd, null_wr, (uint32_t)a);
    mremap_cases((uint32_t)a, (uint32_t)a + 4 * PG);
    madvise_cases((uint32_t)a, (uint32_t)ro, (uint32_t)filemap, (uint32_t)locked);
    mprotect_cases((uint32_t)a);
    msync_cases((uint32_t)a, (uint32_t)locked);
    mlock_cases((uint32_t)a);
    return 0;
}

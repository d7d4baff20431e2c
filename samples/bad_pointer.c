/*
 * bad_pointer.c — system calls given bad user pointers must fail with EFAULT.
 *
 * Mechanism: the kernel model's uaccess (copy_to_user / copy_from_user /
 * strncpy_from_user) checks every user pointer against the VMAs and their
 * permissions, and a failed copy turns into -EFAULT instead of a crash of
 * memsim or a signal to the guest.  Each case is a raw system call (through
 * syscall(2), so glibc's wrappers neither convert nor check the pointers):
 *
 *   1. write(1, (void *)1, 10)               buffer in the never-mapped page 0
 *   2. read(fd, ro, 10)                      buffer in a PROT_READ page; fd is
 *                                            this program's own file, so there
 *                                            are bytes to copy.  Linux copies
 *                                            nothing and leaves the file offset
 *                                            at 0, and the page stays zero.
 *   3. open(NULL, O_RDONLY)                  NULL path
 *   4. stat64("/", unmapped)                 buffer in a page just munmap'ed
 *   5. clock_gettime(CLOCK_MONOTONIC, 0xC0001000)   a kernel address
 *
 * Each line prints the return value and errno (14 = EFAULT expected); the
 * program then checks it is still alive and exits 0.
 * Expected: seven lines, exit status 0 (same as qemu-i386).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e)
{
    switch (e) {
    case 0: return "none";
    case EFAULT: return "EFAULT";
    case ENOENT: return "ENOENT";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case ENOSYS: return "ENOSYS";
    default: return "other";
    }
}

static void report(const char *what, long r)
{
    int e = r < 0 ? errno : 0;
    printf("%-44s = %ld, errno %d (%s)\n", what, r, e, errname(e));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const long page = 4096;
    long r;

    /* 1. write from an unmapped address */
    errno = 0;
    r = syscall(SYS_write, 1, (void *)1, 10);
    report("write(1, 0x1, 10)", r);

    /* 2. read into a read-only page */
    unsigned char *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fd = argc > 0 ? open(argv[0], O_RDONLY) : -1;
    if (ro == MAP_FAILED || fd < 0) {
        printf("setup failed\n");
        return 1;
    }
    errno = 0;
    r = syscall(SYS_read, fd, ro, 10);
    report("read(self, PROT_READ page, 10)", r);
    unsigned nonzero = 0;
    for (long i = 0; i < page; i++)
        nonzero += ro[i] != 0;
    printf("%-44s = %ld, page bytes changed %u\n", "after it: lseek(self, 0, SEEK_CUR)",
           (long)lseek(fd, 0, SEEK_CUR), nonzero);
    close(fd);

    /* 3. open a NULL path */
    errno = 0;
    r = syscall(SYS_open, (const char *)0, O_RDONLY);
    report("open(NULL, O_RDONLY)", r);

    /* 4. stat64 into an unmapped page */
    void *gone = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (gone == MAP_FAILED || munmap(gone, page) != 0) {
        printf("setup failed\n");
        return 1;
    }
    errno = 0;
    r = syscall(SYS_stat64, "/", gone);
    report("stat64(\"/\", munmapped page)", r);

    /* 5. clock_gettime into kernel space */
    errno = 0;
    r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)0xC0001000u);
    report("clock_gettime(CLOCK_MONOTONIC, 0xC0001000)", r);

    printf("still alive\n");
    return 0;
}

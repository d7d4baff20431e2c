/*
 * mmap_file.c — which files mmap accepts, and stat of the working directory.
 *
 *   mmap_file FILE DIR
 *   mmap_file --stdin
 *
 * FILE is a regular file (the tests pass tests/guest/fixtures/lines.txt),
 * DIR a directory (tests/guest/fixtures).  Prints one line per case:
 *   - a directory, /dev/null (O_RDONLY): -ENODEV, they have no ->mmap;
 *   - /dev/null O_WRONLY, and FILE O_WRONLY: -EACCES (do_mmap checks
 *     FMODE_READ before ->mmap); under memsim the write-only open copies
 *     FILE up into the model's overlay and the mmap of it is refused as on
 *     Linux (a refused open would print the same line as a refused mmap);
 *   - FILE O_RDONLY after that write-only open: the mapping reads FILE's
 *     bytes (a mapping object made from the write-only descriptor could
 *     not read them);
 *   - /dev/zero MAP_PRIVATE: anonymous memory, zeros, writable;
 *   - fstatat(AT_FDCWD, "", AT_EMPTY_PATH) and statx likewise: 0, a
 *     directory (the working directory).
 * Never prints a path, so the output does not depend on where the files are.
 * Expected: exit 0 (the native Linux and qemu-i386 output are the same).
 * --stdin maps fd 0 (a pipe: ENODEV) and stats "" against "." (same inode);
 * tests/guest/check-mmap-file.sh runs it with stdin a pipe and compares with
 * the same binary run natively.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *err_name(int e)
{
    switch (e) {
    case 0:      return "ok";
    case ENODEV: return "ENODEV";
    case EACCES: return "EACCES";
    case EBADF:  return "EBADF";
    case EINVAL: return "EINVAL";
    default:     return strerror(e);
    }
}

/* mmap one page of fd; "ok" (and unmapped) or the errno's name. */
static const char *try_map(int fd, int prot, int flags)
{
    void *p = mmap(NULL, 4096, prot, flags, fd, 0);
    if (p == MAP_FAILED)
        return err_name(errno);
    munmap(p, 4096);
    return "ok";
}

static void map_path(const char *what, const char *path, int oflags)
{
    int fd = open(path, oflags);
    if (fd < 0) {
        printf("%s: open %s\n", what, err_name(errno));
        return;
    }
    printf("%s: %s\n", what, try_map(fd, PROT_READ, MAP_PRIVATE));
    close(fd);
}

/* FILE: write-only (refused), then read-only, which must read its bytes. */
static int file_cases(const char *file)
{
    int w = open(file, O_WRONLY);
    const char *wr = w < 0 ? "EACCES" : try_map(w, PROT_READ, MAP_PRIVATE);
    printf("file O_WRONLY: %s\n", wr);
    printf("file O_WRONLY shared: %s\n",
           w < 0 ? "EACCES" : try_map(w, PROT_READ, MAP_SHARED));
    int r = open(file, O_RDONLY);
    char buf[64];
    ssize_t n = r < 0 ? -1 : read(r, buf, sizeof buf);   /* memsim has no pread64 */
    if (n <= 0) {
        printf("file: cannot read\n");
        return 1;
    }
    const char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, r, 0);
    printf("file O_RDONLY: %s\n", p == MAP_FAILED ? err_name(errno)
           : memcmp(p, buf, (size_t)n) ? "wrong bytes" : "reads the file");
    printf("file O_RDONLY shared writable: %s\n", try_map(r, PROT_READ | PROT_WRITE, MAP_SHARED));
    if (w >= 0)
        close(w);
    close(r);
    return 0;
}

static void zero_case(void)
{
    int fd = open("/dev/zero", O_RDONLY);
    unsigned char *p = fd < 0 ? MAP_FAILED
        : mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        printf("/dev/zero private: %s\n", err_name(errno));
    } else {
        int zeros = p[0] == 0 && p[8191] == 0;
        p[100] = 7;
        printf("/dev/zero private: %s, %s\n", zeros ? "zeros" : "not zeros",
               p[100] == 7 ? "writable" : "not written");
        munmap(p, 8192);
    }
    if (fd >= 0)
        close(fd);
}

static void cwd_cases(void)
{
    struct stat st;
    int r = fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH);
    printf("fstatat(AT_FDCWD, \"\", AT_EMPTY_PATH): %s%s\n", err_name(r ? errno : 0),
           !r && S_ISDIR(st.st_mode) ? ", a directory" : "");
    r = fstatat(AT_FDCWD, "", &st, 0);
    printf("fstatat(AT_FDCWD, \"\", 0): %s\n", r ? (errno == ENOENT ? "ENOENT" : err_name(errno)) : "ok");
    unsigned char stx[256];              /* struct statx; stx_mode at 28 */
    memset(stx, 0, sizeof stx);
    r = (int)syscall(SYS_statx, AT_FDCWD, "", AT_EMPTY_PATH, 0x7ffu, stx);
    unsigned short mode;
    memcpy(&mode, stx + 28, sizeof mode);
    printf("statx(AT_FDCWD, \"\", AT_EMPTY_PATH): %s%s\n", err_name(r ? errno : 0),
           !r && S_ISDIR(mode) ? ", a directory" : "");
}

static int stdin_case(void)
{
    printf("fd 0: %s\n", try_map(0, PROT_READ, MAP_PRIVATE));
    struct stat empty, dot;
    int r = fstatat(AT_FDCWD, "", &empty, AT_EMPTY_PATH);
    printf("fstatat(AT_FDCWD, \"\", AT_EMPTY_PATH): %s\n", r ? err_name(errno)
           : stat(".", &dot) ? "stat(\".\") fails"
           : empty.st_ino == dot.st_ino && empty.st_dev == dot.st_dev ? "the same as \".\""
           : "not \".\"");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--stdin"))
        return stdin_case();
    if (argc != 3) {
        fprintf(stderr, "usage: mmap_file FILE DIR\n");
        return 2;
    }
    map_path("directory", argv[2], O_RDONLY | O_DIRECTORY);
    map_path("/dev/null O_RDONLY", "/dev/null", O_RDONLY);
    map_path("/dev/null O_WRONLY", "/dev/null", O_WRONLY);
    map_path("/dev/null O_RDWR", "/dev/null", O_RDWR);
    printf("fd 99: %s\n", try_map(99, PROT_READ, MAP_PRIVATE));
    if (file_cases(argv[1]))
        return 1;
    zero_case();
    cwd_cases();
    return 0;
}

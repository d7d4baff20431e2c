/*
 * shared_private.c — one /tmp file mapped MAP_SHARED twice and MAP_PRIVATE
 * once: what each mapping and read() see after writes through a mapping
 * and through write().
 *
 * Linux's rules, each checked: a shared mapping's store is the file's page
 * itself (read(), pread() and every other shared mapping see it at once); a
 * private mapping sees the file's page until it writes that page, then its
 * own copy (copy on write), which nothing else sees; a write() to the file
 * reaches the shared mappings and the private pages not yet copied.  Then
 * msync's answers.  Prints no address: the expected output is a native
 * run's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG 4096

static int failures;

static void expect(const char *what, int got, int want)
{
    printf("%-44s %c (want %c) %s\n", what, got, want, got == want ? "ok" : "WRONG");
    failures += got != want;
}

static char file_byte(int fd, off_t off)
{
    char c = 0;
    if (pread(fd, &c, 1, off) != 1)
        return '?';
    return c;
}

int main(void)
{
    char path[] = "/tmp/shared_private.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    char page[PG];
    memset(page, 'A', PG);
    if (write(fd, page, PG) != PG || write(fd, page, PG) != PG) {
        perror("write");
        return 1;
    }
    char *sh = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *pv = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *sh2 = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
    if (sh == MAP_FAILED || pv == MAP_FAILED || sh2 == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    expect("the file's bytes, shared", sh[0], 'A');
    expect("the file's bytes, private", pv[0], 'A');

    sh[0] = 'S';                            /* a store through the shared map */
    expect("shared store: read() sees it", file_byte(fd, 0), 'S');
    expect("shared store: the other shared map", sh2[0], 'S');
    expect("shared store: private page not written", pv[0], 'S');

    pv[1] = 'P';                            /* the private page is copied now */
    expect("private store: its own copy", pv[1], 'P');
    expect("private store: the shared map does not", sh[1], 'A');
    expect("private store: read() does not", file_byte(fd, 1), 'A');
    sh[0] = 'T';
    expect("shared store after the copy: private", pv[0], 'S');

    if (pwrite(fd, "W", 1, 2) != 1)
        perror("pwrite");
    expect("write(): the shared map", sh[2], 'W');
    expect("write(): the other shared map", sh2[2], 'W');
    expect("write(): the private copy", pv[2], 'A');
    if (pwrite(fd, "X", 1, PG) != 1)
        perror("pwrite");
    expect("write(): a private page not written", pv[PG], 'X');
    pv[PG + 1] = 'Q';
    if (pwrite(fd, "Y", 1, PG) != 1)
        perror("pwrite");
    expect("write() after its copy: private", pv[PG], 'X');
    expect("write() after the copy: shared", sh[PG], 'Y');

    printf("msync MS_SYNC: %d\n", msync(sh, 2 * PG, MS_SYNC));
    printf("msync MS_ASYNC: %d\n", msync(sh, PG, MS_ASYNC));
    printf("msync MS_INVALIDATE: %d\n", msync(sh, PG, MS_INVALIDATE));
    int r = msync(sh, PG, MS_SYNC | MS_ASYNC);
    printf("msync MS_SYNC|MS_ASYNC: %d %s\n", r, r ? strerror(errno) : "");
    r = msync(sh + 1, PG, MS_SYNC);
    printf("msync unaligned: %d %s\n", r, r ? strerror(errno) : "");
    r = msync(sh, PG, 8);
    printf("msync unknown flag: %d %s\n", r, r ? strerror(errno) : "");
    munmap(sh2, 2 * PG);
    r = msync(sh2, PG, MS_SYNC);
    printf("msync unmapped: %d %s\n", r, r ? strerror(errno) : "");
    printf("fsync: %d fdatasync: %d\n", fsync(fd), fdatasync(fd));

    struct stat st;
    fstat(fd, &st);
    printf("size %lld\n", (long long)st.st_size);
    munmap(sh, 2 * PG);
    munmap(pv, 2 * PG);
    close(fd);
    /* the file keeps the shared stores, not the private ones */
    fd = open(path, O_RDONLY);
    char head[4] = "";
    if (fd < 0 || read(fd, head, 3) != 3)
        perror("reopen");
    printf("file starts %.3s\n", head);
    close(fd);
    unlink(path);
    printf("%s\n", failures ? "FAILED" : "all as Linux");
    return failures != 0;
}

/*
 * copy_range.c — copy_file_range(2) between files of one directory (one
 * file system): whole-file copies by position and by offset pointers, a
 * short copy at the end of the input, and the errno of each bad argument
 * (flags, a read-only output, an O_APPEND output, a directory, a pipe,
 * overlapping ranges of one file, a bad descriptor, a bad offset pointer).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    if (r >= 0) {
        printf("%-32s = %ld\n", what, r);
        return;
    }
    const char *e = errno == EINVAL ? "EINVAL" : errno == EBADF ? "EBADF" : errno == EISDIR ? "EISDIR"
                    : errno == EFAULT ? "EFAULT" : errno == EXDEV ? "EXDEV" : errno == EOVERFLOW ? "EOVERFLOW" : strerror(errno);
    printf("%-32s %s\n", what, e);
}

int main(void)
{
    char dir[64], a[80], b[80], c[80];
    snprintf(dir, sizeof dir, "copy_range.%d", (int)getpid());
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(c, sizeof c, "%s/c", dir);
    if (mkdir(dir, 0700))
        return 1;
    static char text[30001];
    for (int i = 0; i < 3000; i++)
        snprintf(text + 10 * i, 11, "line %04d\n", i);     /* 30000 bytes */
    int fa = open(a, O_CREAT | O_RDWR, 0600);
    if (write(fa, text, 30000) != 30000)
        return 1;
    lseek(fa, 0, SEEK_SET);
    int fb = open(b, O_CREAT | O_RDWR | O_TRUNC, 0600);

    show("whole file by position", copy_file_range(fa, NULL, fb, NULL, 1 << 20, 0));
    printf("positions now %ld and %ld\n", (long)lseek(fa, 0, SEEK_CUR), (long)lseek(fb, 0, SEEK_CUR));
    off64_t oi = 29995, oo = 5;
    show("past the end, by offsets", copy_file_range(fa, &oi, fb, &oo, 100, 0));
    printf("offsets now %lld and %lld, size %ld\n", (long long)oi, (long long)oo,
           (long)lseek(fb, 0, SEEK_END));
    char buf[16] = "";
    pread(fb, buf, 10, 0);
    printf("b starts \"%.9s\"\n", buf);
    show("length 0", copy_file_range(fa, NULL, fb, NULL, 0, 0));
    show("flags 1", copy_file_range(fa, NULL, fb, NULL, 10, 1));
    int ro = open(b, O_RDONLY);
    show("output read-only", copy_file_range(fa, NULL, ro, NULL, 10, 0));
    int ap = open(b, O_WRONLY | O_APPEND);
    show("output O_APPEND", copy_file_range(fa, NULL, ap, NULL, 10, 0));
    int wo = open(c, O_CREAT | O_WRONLY, 0600);
    show("input write-only", copy_file_range(wo, NULL, fb, NULL, 10, 0));
    int d = open(dir, O_RDONLY | O_DIRECTORY);
    show("input a directory", copy_file_range(d, NULL, fb, NULL, 10, 0));
    int p[2];
    pipe(p);
    show("output a pipe", copy_file_range(fa, NULL, p[1], NULL, 10, 0));
    off64_t x = 0, y = 5;
    show("overlap in one file", copy_file_range(fb, &x, fb, &y, 10, 0));
    x = 0, y = 20;
    show("disjoint in one file", copy_file_range(fb, &x, fb, &y, 10, 0));
    show("bad descriptor", copy_file_range(99, NULL, fb, NULL, 10, 0));
    show("bad offset pointer", copy_file_range(fa, (off64_t *)16, fb, NULL, 10, 0));
    x = -1;
    show("negative offset", copy_file_range(fa, &x, fb, NULL, 10, 0));
    unlink(a);
    unlink(b);
    unlink(c);
    rmdir(dir);
    return 0;
}

/*
 * readdir_big.c — list a directory with 32-bit readdir (built WITHOUT
 * _FILE_OFFSET_BITS=64: i386 glibc's readdir then calls getdents64 and
 * fails with EOVERFLOW on a d_off or d_ino that does not fit 32 bits), then
 * telldir/seekdir back to the middle, then the old getdents (141) directly.
 * Prints counts and an order-independent checksum of the names, so the
 * output is the same natively and under memsim whatever order the file
 * system gives.  Used by tests/guest/check-readdir.sh with 5000 entries.
 *
 *   readdir_big DIR
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned long name_hash(const char *s)
{
    unsigned long h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

/* struct linux_dirent as the i386 kernel fills it for getdents (141). */
struct old_dirent {
    unsigned long d_ino, d_off;
    unsigned short d_reclen;
    char d_name[];
};

static int old_getdents(const char *dir, unsigned long *sum, long *bad_type)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    char buf[4096];
    int n = 0;
    long r;
    if (fd < 0)
        return -1;
    while ((r = syscall(SYS_getdents, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < r;) {
            struct old_dirent *d = (struct old_dirent *)(buf + off);
            unsigned char type = (unsigned char)buf[off + d->d_reclen - 1];
            *sum += name_hash(d->d_name);
            if (type != DT_REG && type != DT_DIR)
                ++*bad_type;
            off += d->d_reclen;
            n++;
        }
    }
    if (r < 0)
        printf("getdents: %s\n", strerror(errno));
    close(fd);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    DIR *d = opendir(argv[1]);
    if (!d) {
        printf("opendir: %s\n", strerror(errno));
        return 1;
    }
    unsigned long sum = 0;
    long n = 0, mid_pos = -1;
    char mid_name[256] = "";
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d))) {
        sum += name_hash(e->d_name);
        if (++n == 2500) {
            mid_pos = telldir(d);
            if ((e = readdir(d))) {
                snprintf(mid_name, sizeof mid_name, "%s", e->d_name);
                sum += name_hash(e->d_name);
                n++;
            }
        }
    }
    printf("readdir: %ld entries, sum %lx, %s\n", n, sum, errno ? strerror(errno) : "end");
    if (mid_pos >= 0) {
        seekdir(d, mid_pos);
        e = readdir(d);
        printf("seekdir back: %s\n", e && !strcmp(e->d_name, mid_name) ? "same entry" : "DIFFERENT");
    }
    rewinddir(d);
    long again = 0;
    while (readdir(d))
        again++;
    printf("after rewinddir: %ld entries\n", again);
    closedir(d);
    unsigned long osum = 0;
    long bad_type = 0;
    int on = old_getdents(argv[1], &osum, &bad_type);
    printf("getdents: %d entries, %s sum, %ld bad d_type\n", on, osum == sum ? "same" : "DIFFERENT",
           bad_type);
    return 0;
}

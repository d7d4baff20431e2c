/*
 * writable_root.c — writing the files of a root that is the host's own
 * tree (memsim run --writable-root --root DIR): write, pwrite past EOF,
 * writev, pwritev, O_APPEND, O_TRUNC, ftruncate, a MAP_SHARED write with msync, rename,
 * unlink, mkdir, rmdir, symlink, link, chmod, chown, lchown, utimensat (with
 * nanoseconds), fchmod, fchown, futimens,
 * mknod of a FIFO (and, memsim only, of a device: EPERM).
 *
 *   writable_root BASE            the tree calls, under BASE
 *   writable_root "" escape       (memsim only) symlinks that point out of
 *                                 the root, followed by writes
 *
 * BASE holds etc/data.txt ("original-data\n"), etc/remove-me, dir/a
 * ("aaaa\n"), dir/b, dir/c and the directory dir/hostsub
 * (tests/guest/check-writable-root.sh makes them): "" under memsim
 * --writable-root --root, or a scratch copy natively.  The output is the
 * same both ways, and so is the tree afterwards: the test compares both.
 * Nothing is fsync'd at the end: the host file must be complete when
 * memsim returns (its exit writes the page cache back).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "scratch.h"

/* What read() gives of name at off (n bytes), and its size. */
static void show(const char *name, off_t off, size_t n)
{
    char buf[64] = "";
    int fd = open(in(name), O_RDONLY);
    ssize_t got = fd >= 0 ? pread(fd, buf, n < sizeof buf ? n : sizeof buf - 1, off) : -1;
    struct stat st;
    int s = stat(in(name), &st);
    for (ssize_t i = 0; i < got; i++)
        if (buf[i] == '\n' || buf[i] == 0)
            buf[i] = '.';
    printf("%-24s @%-6lld %zd \"%.*s\" size %lld\n", name, (long long)off, got,
           got > 0 ? (int)got : 0, buf, s ? -1LL : (long long)st.st_size);
    if (fd >= 0)
        close(fd);
}

static void data_calls(void)
{
    int fd = open(in("etc/data.txt"), O_WRONLY | O_TRUNC);
    result("open O_TRUNC etc/data.txt", fd);
    result("write", write(fd, "new-data\n", 9));
    close(fd);
    show("etc/data.txt", 0, 20);

    fd = open(in("dir/a"), O_RDWR);
    result("pwrite dir/a @10000", pwrite(fd, "TAIL", 4, 10000));
    show("dir/a", 0, 8);
    show("dir/a", 9998, 8);
    close(fd);

    fd = open(in("dir/b"), O_WRONLY | O_APPEND);
    result("append dir/b", write(fd, "more\n", 5));
    result("append again", write(fd, "again\n", 6));
    printf("%-36s %lld\n", "position after appends", (long long)lseek(fd, 0, SEEK_CUR));
    close(fd);
    show("dir/b", 0, 20);

    fd = open(in("dir/c"), O_RDWR);
    char x[9000];
    memset(x, 'x', sizeof x);
    result("write 9000 dir/c", write(fd, x, sizeof x));
    result("ftruncate 5000", ftruncate(fd, 5000));
    show("dir/c", 4996, 8);
    result("ftruncate 4098", ftruncate(fd, 4098));
    result("ftruncate 6000 (grow)", ftruncate(fd, 6000));
    show("dir/c", 4094, 8);
    close(fd);

    fd = open(in("dir/vec"), O_RDWR | O_CREAT, 0644);
    struct iovec v[2] = { { "one-", 4 }, { "two\n", 4 } }, w[2] = { { "AB", 2 }, { "CD", 2 } };
    result("writev dir/vec", writev(fd, v, 2));
    result("pwritev dir/vec @6", pwritev(fd, w, 2, 6));
    printf("%-36s %lld\n", "position after pwritev", (long long)lseek(fd, 0, SEEK_CUR));
    close(fd);
    show("dir/vec", 0, 12);

    fd = open(in("dir/new"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    result("open O_CREAT|O_EXCL dir/new", fd);
    result("write", write(fd, "created\n", 8));
    close(fd);
    result("again: EEXIST", open(in("dir/new"), O_WRONLY | O_CREAT | O_EXCL, 0644));
}

static void mapped_calls(void)
{
    int fd = open(in("dir/mapped"), O_RDWR | O_CREAT, 0644);
    result("open dir/mapped", fd);
    result("ftruncate 8192", ftruncate(fd, 8192));
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    result("mmap MAP_SHARED", p == MAP_FAILED ? -1 : 0);
    if (p == MAP_FAILED)
        return;
    memcpy(p, "page-zero", 9);
    memcpy(p + 4096, "page-one", 8);
    show("dir/mapped", 4096, 8);                /* read() sees the store */
    result("msync MS_SYNC", msync(p, 8192, MS_SYNC));
    memcpy(p + 100, "after-msync", 11);         /* dirties the cleaned page again */
    result("pwrite into the mapping", pwrite(fd, "via-pwrite", 10, 200));
    printf("%-36s \"%.10s\"\n", "the mapping sees it", p + 200);
    result("msync MS_ASYNC", msync(p, 8192, MS_ASYNC));
    result("msync MS_INVALIDATE", msync(p, 8192, MS_INVALIDATE));
    result("munmap", munmap(p, 8192));
    show("dir/mapped", 100, 11);
    close(fd);
    fd = open(in("dir/mapped2"), O_RDWR | O_CREAT, 0644);
    result("ftruncate dir/mapped2", ftruncate(fd, 4096));
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED)
        memcpy(p + 10, "left-mapped", 11);      /* written back at exit */
    close(fd);
}

static void name_calls(void)
{
    result("rename dir/b dir/b2", rename(in("dir/b"), in("dir/b2")));
    result("unlink etc/remove-me", unlink(in("etc/remove-me")));
    result("unlink it again: ENOENT", unlink(in("etc/remove-me")));
    result("mkdir newdir", mkdir(in("newdir"), 0755));
    result("mkdir it again: EEXIST", mkdir(in("newdir"), 0755));
    int fd = open(in("newdir/f"), O_WRONLY | O_CREAT, 0666);
    result("create newdir/f", fd);
    result("write", write(fd, "in-newdir\n", 10));
    close(fd);
    result("rmdir dir/hostsub", rmdir(in("dir/hostsub")));
    result("rmdir newdir: ENOTEMPTY", rmdir(in("newdir")));
    result("symlink b2 dir/link", symlink("b2", in("dir/link")));
    char buf[64] = "";
    ssize_t n = readlink(in("dir/link"), buf, sizeof buf - 1);
    printf("%-36s %zd \"%s\"\n", "readlink dir/link", n, n > 0 ? buf : "");
    result("link dir/b2 dir/hard", link(in("dir/b2"), in("dir/hard")));
    result("chmod newdir/f 0600", chmod(in("newdir/f"), 0600));
    struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 123456789 } };
    result("utimensat newdir/f", utimensat(AT_FDCWD, in("newdir/f"), ts, 0));
    struct stat st;
    stat(in("newdir/f"), &st);
    printf("%-36s %o %lld.%09ld\n", "newdir/f mode mtime", (unsigned)(st.st_mode & 07777),
           (long long)st.st_mtime, st.st_mtim.tv_nsec);
    /* owners: to memsim's own ids (an unprivileged user may; another
     * owner is the host's EPERM for one, as Linux's) */
    result("chown newdir/f -1 own gid", chown(in("newdir/f"), (uid_t)-1, getgid()));
    result("lchown dir/link own ids", lchown(in("dir/link"), getuid(), getgid()));
    fd = open(in("dir/new"), O_RDONLY);
    struct timespec later[2] = { { 1500000000, 0 }, { 1500000000, 0 } };
    result("fchmod dir/new 0604", fchmod(fd, 0604));
    result("futimens dir/new", futimens(fd, later));
    result("fchown dir/new own uid", fchown(fd, getuid(), (gid_t)-1));
    close(fd);
    stat(in("dir/new"), &st);
    printf("%-36s %o %lld\n", "dir/new mode mtime", (unsigned)(st.st_mode & 07777),
           (long long)st.st_mtime);
    result("mknod newdir/fifo S_IFIFO", mknod(in("newdir/fifo"), S_IFIFO | 0640, 0));
    result("unlink dir/hard", unlink(in("dir/hard")));
    show("dir/link", 0, 20);
}

/* Under memsim --writable-root --root R only: names that point out of the
 * root resolve as in a chroot (".." stops at R), so every write lands in R. */
static void escape_calls(void)
{
    result("symlink ../outside /esc", symlink("../outside", "/esc"));
    int fd = open("/esc", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    result("open /esc for writing", fd);
    result("write", write(fd, "inside\n", 7));
    close(fd);
    result("symlink .. /up", symlink("..", "/up"));
    result("mkdir /up/made", mkdir("/up/made", 0755));
    result("unlink /up/../sibling: ENOENT", unlink("/up/../sibling"));
    result("rename /esc /up/../../moved", rename("/esc", "/up/../../moved"));
    result("truncate /up/../moved 2", truncate("/up/../moved", 2));
    result("symlink /../../outside /abs", symlink("/../../outside", "/abs"));
    result("chmod /abs 0600", chmod("/abs", 0600));
    result("chown /abs own ids", chown("/abs", getuid(), getgid()));
    fd = open("/abs", O_WRONLY | O_APPEND);
    result("open /abs O_APPEND", fd);
    result("write", write(fd, "+\n", 2));
    close(fd);
    result("utimensat /up/.. (the root)", utimensat(AT_FDCWD, "/up/..", NULL, 0));
    result("mknod /dev0 S_IFCHR: EPERM", mknod("/dev0", S_IFCHR | 0600, makedev(1, 3)));
    /* /proc is the model's procfs (no ->mkdir: EPERM, EACCES unprivileged),
     * /sys the host's read-only mount (EROFS), under any spelling */
    result("mkdir /proc/x", mkdir("/proc/x", 0755));
    result("mkdir /./proc/x", mkdir("/./proc/x", 0755));
    result("symlink /proc /pl", symlink("/proc", "/pl"));
    result("mkdir /pl/x", mkdir("/pl/x", 0755));
    result("symlink x /sys/y: EROFS", symlink("x", "/sys/y"));
    result("mkdir /up/sys/z: EROFS", mkdir("/up/sys/z", 0755));
}

int main(int argc, char **argv)
{
    base = argc > 1 ? argv[1] : "";
    if (argc > 2 && !strcmp(argv[2], "escape")) {
        escape_calls();
        return 0;
    }
    data_calls();
    mapped_calls();
    name_calls();
    return 0;
}

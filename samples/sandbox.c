/*
 * sandbox.c — probes of memsim's sandbox, one per subcommand; run by
 * tests/guest/check-sandbox.sh, which lays out the roots and checks the
 * host side.  Not in samples.list: qemu-i386 is no reference here (it
 * follows inherited dirfds, shows the host's /proc and fails readdir with
 * EOVERFLOW).  Each prints one line per check and "NAME ok" (exit 0) or
 * "NAME: N unexpected" (exit 1).
 *
 *   write PATH        open PATH for writing five ways, write "PWNED\n"
 *   stdio             run with fds 0 and 2 closed: EBADF from fstat, read,
 *                     write, lseek; /proc/self/fd/{0,2} absent
 *   dirfd0 NAME LINK  fd 0 is a directory: openat, fstatat, faccessat,
 *                     readlinkat, getdents64 on it all fail
 *   proc PATH...      each open gives ENOENT (the host's procfs is hidden;
 *                     "+PATH": the model's /proc, "^PATH": ENOTDIR);
 *                     readlink("/proc/self/exe") still names the program
 *   dotdot            with --root R holding top.txt, sub/inner.txt,
 *                     sub/deeper/: ".." from a dirfd of /sub as in a chroot
 *   readdir DIR N     DIR holds N entries besides . and ..: readdir lists
 *                     them, telldir/seekdir come back to the same entry,
 *                     rewinddir starts again
 *   mapmany PATH N    N times open, mmap privately, touch, close
 *   exe WANT          readlink("/proc/self/exe") is exactly WANT (absolute,
 *                     inside the root, however the program was named)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int bad;

static void expect(int ok, const char *fmt, const char *what, long r, int err)
{
    printf(fmt, what, r, r < 0 ? strerror(err) : "");
    printf("%s\n", ok ? "" : "   (unexpected)");
    bad += !ok;
}

static int do_write(const char *path)
{
    static const int fl[] = { O_WRONLY, O_RDWR, O_WRONLY | O_CREAT, O_RDWR | O_TRUNC, O_WRONLY | O_APPEND };
    for (unsigned k = 0; k < sizeof fl / sizeof *fl; k++) {
        int fd = open(path, fl[k], 0644);
        if (fd < 0) {
            printf("open(%s, 0%o): %s\n", path, fl[k], strerror(errno));
            continue;
        }
        ssize_t w = write(fd, "PWNED\n", 6);
        printf("open(%s, 0%o): write %zd\n", path, fl[k], w);
        close(fd);
    }
    return 0;
}

static void ebadf(const char *what, long r)
{
    expect(r < 0 && errno == EBADF, "%-24s -> %ld %s", what, r, errno);
}

static int do_stdio(void)
{
    struct stat st;
    char b[64];
    ebadf("fstat(0)", fstat(0, &st));
    ebadf("fstat(2)", fstat(2, &st));
    ebadf("read(0)", (long)read(0, b, 1));
    ebadf("write(2)", (long)write(2, "x", 1));
    ebadf("lseek(0)", (long)lseek(0, 0, SEEK_CUR));
    ebadf("lseek(2)", (long)lseek(2, 0, SEEK_CUR));
    long n = (long)readlink("/proc/self/fd/0", b, sizeof b);
    expect(n < 0, "%s -> %ld %s", "readlink(/proc/self/fd/0)", n, errno);
    n = (long)readlink("/proc/self/fd/2", b, sizeof b);
    expect(n < 0, "%s -> %ld %s", "readlink(/proc/self/fd/2)", n, errno);
    int fd = open("/dev/null", O_RDONLY);
    expect(fd == 0, "%s -> %ld %s", "open(/dev/null) takes fd 0", fd, errno);
    return 0;
}

static int do_dirfd0(const char *name, const char *link)
{
    struct stat st;
    char buf[256];
    static char d[4096];
    long r = openat(0, name, O_RDONLY);
    expect(r < 0, "%s -> %ld %s", "openat(0)", r, errno);
    r = fstatat(0, name, &st, 0);
    expect(r < 0, "%s -> %ld %s", "fstatat(0)", r, errno);
    r = syscall(SYS_faccessat, 0, name, R_OK);
    expect(r < 0, "%s -> %ld %s", "faccessat(0)", r, errno);
    r = syscall(SYS_readlinkat, 0, link, buf, sizeof buf);
    expect(r < 0, "%s -> %ld %s", "readlinkat(0)", r, errno);
    r = syscall(SYS_getdents64, 0, d, sizeof d);
    expect(r < 0, "%s -> %ld %s", "getdents64(0)", r, errno);
    return 0;
}

/* proc PATH...: each PATH is ENOENT (the host's procfs, however named);
 * "^PATH" ENOTDIR; "+PATH" is the model's /proc: it opens, and what it
 * reads never names memsim's program or process. */
static int do_proc(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *path = argv[i] + (argv[i][0] == '+' || argv[i][0] == '^');
        int fd = open(path, O_RDONLY);
        if (argv[i][0] == '+') {
            static char text[1 << 16];
            ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
            text[n > 0 ? n : 0] = 0;
            for (ssize_t k = 0; k < n; k++)
                text[k] = text[k] ? text[k] : ' ';      /* cmdline's NULs */
            expect(fd >= 0 && (n > 0 || errno == EISDIR), "open+read(%s) -> %ld %s", path,
                   (long)n, errno);
            expect(!strstr(text, "/emu/memsim") && !strstr(text, "Name:\tmemsim"),
                   "%s names memsim -> %ld %s", path, 0L, 0);
        } else
            expect(fd < 0 && errno == (argv[i][0] == '^' ? ENOTDIR : ENOENT),
                   "open(%s) -> %ld %s", path, fd, errno);
        if (fd >= 0)
            close(fd);
    }
    char b[256];
    ssize_t n = readlink("/proc/self/exe", b, sizeof b - 1);
    b[n > 0 ? n : 0] = 0;
    const char *base = strrchr(b, '/');
    expect(n > 0 && base && !strcmp(base, "/sandbox"), "%s -> %ld %s", "readlink(/proc/self/exe)", n, errno);
    return 0;
}

static int do_exe(int argc, char **argv)
{
    char b[4096];
    ssize_t n = readlink("/proc/self/exe", b, sizeof b - 1);
    b[n > 0 ? n : 0] = 0;
    printf("exe %s\n", b);
    expect(argc == 1 && n > 0 && !strcmp(b, argv[0]), "%s -> %ld %s", "readlink(/proc/self/exe)", n, errno);
    return 0;
}

static void expect_file(int dfd, const char *rel, const char *want)
{
    char buf[64] = "";
    int fd = openat(dfd, rel, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    int err = errno;
    buf[n > 0 ? n : 0] = 0;
    if (fd >= 0)
        close(fd);
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = 0;
    expect(fd >= 0 && !strcmp(buf, want), "openat(/sub, %s) -> %ld %s", rel, fd < 0 ? -1 : 0, err);
}

static int do_dotdot(void)
{
    int sub = open("/sub", O_RDONLY | O_DIRECTORY);
    if (sub < 0) {
        printf("open(/sub): %s\n", strerror(errno));
        return 2;
    }
    expect_file(sub, "inner.txt", "inner-file");
    expect_file(sub, "../top.txt", "top-file");
    expect_file(sub, "deeper/../../top.txt", "top-file");
    expect_file(sub, "../../../../top.txt", "top-file");
    int deeper = openat(sub, "deeper", O_RDONLY | O_DIRECTORY);
    expect_file(deeper, "../inner.txt", "inner-file");
    expect_file(deeper, "../../../top.txt", "top-file");
    struct stat st;
    long r = fstatat(sub, "../top.txt", &st, 0);
    expect(r == 0 && st.st_size == 9, "%s -> %ld %s", "fstatat(/sub, ../top.txt)", r, errno);
    return 0;
}

/* Count entries other than . and .., remembering the offset of the k-th. */
static int count_entries(DIR *d, int k, long *off_k, char *name_k)
{
    int n = 0;
    struct dirent *e;
    errno = 0;
    for (long pos = telldir(d); (e = readdir(d)); pos = telldir(d)) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n++ == k) {
            *off_k = pos;
            strcpy(name_k, e->d_name);
        }
    }
    return errno ? -errno : n;
}

static int do_readdir(const char *dir, int want)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("opendir(%s): %s\n", dir, strerror(errno));
        return 2;
    }
    long off = -1;
    char name[256] = "";
    int n = count_entries(d, want / 2, &off, name);
    expect(n == want, "%s -> %ld %s", "readdir count", n, n < 0 ? -n : 0);
    seekdir(d, off);
    struct dirent *e = readdir(d);
    expect(e && !strcmp(e->d_name, name), "%s -> %ld %s", "seekdir(telldir) back to the same entry", e ? 0 : -1, errno);
    rewinddir(d);
    char dummy[256];
    long o2;
    n = count_entries(d, 0, &o2, dummy);
    expect(n == want, "%s -> %ld %s", "count after rewinddir", n, n < 0 ? -n : 0);
    closedir(d);
    return 0;
}

static int do_mapmany(const char *path, int times)
{
    int fail = 0;
    for (int i = 0; i < times; i++) {
        int fd = open(path, O_RDONLY);
        char *p = fd < 0 ? MAP_FAILED : mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            fail++;
        else
            (void)*(volatile char *)p;
        if (fd >= 0)
            close(fd);
    }
    expect(fail == 0, "%s -> %ld %s", "mmap failures", -fail, 0);
    int fd = open(path, O_RDONLY);
    expect(fd == 3, "%s -> %ld %s", "open after", fd, errno);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, 0, _IONBF, 0);
    const char *t = argc > 1 ? argv[1] : "";
    int r = 99;
    if (!strcmp(t, "write") && argc > 2) r = do_write(argv[2]);
    else if (!strcmp(t, "stdio")) r = do_stdio();
    else if (!strcmp(t, "dirfd0") && argc > 3) r = do_dirfd0(argv[2], argv[3]);
    else if (!strcmp(t, "proc")) r = do_proc(argc - 2, argv + 2);
    else if (!strcmp(t, "exe")) r = do_exe(argc - 2, argv + 2);
    else if (!strcmp(t, "dotdot")) r = do_dotdot();
    else if (!strcmp(t, "readdir") && argc > 3) r = do_readdir(argv[2], atoi(argv[3]));
    else if (!strcmp(t, "mapmany") && argc > 3) r = do_mapmany(argv[2], atoi(argv[3]));
    if (r == 99) {
        printf("usage: sandbox write|stdio|dirfd0|proc|dotdot|readdir|mapmany ...\n");
        return 99;
    }
    if (r)
        return r;
    printf(bad ? "%s: %d unexpected\n" : "%s ok\n", t, bad);
    return bad ? 1 : 0;
}

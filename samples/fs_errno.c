/*
 * fs_errno.c — a table of file-system and socket calls with the errno each
 * returns, run in a fixture directory (cwd, or the root under --root) that
 * holds a file "f", a directory "d" and a symlink "l" -> "f".
 *
 *   fs_errno pre    calls that fail before Linux asks whether the file
 *                   system is writable (argument checks, lookups, EEXIST,
 *                   EISDIR, EBADF, ENOTSOCK...): the same natively on a
 *                   writable directory, so check-fs-errno.sh compares them
 *                   with the native run.  None of them changes anything.
 *   fs_errno rofs   calls Linux answers EROFS on a read-only mount (read
 *                   from fs/namei.c, fs/open.c, fs/utimes.c), and socket()
 *                   for families memsim does not model: asserted by the
 *                   script, never run natively (they would succeed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UTIME_OMIT_ ((1l << 30) - 2l)

static const char *errname(long r)
{
    static char buf[32];
    static const struct { int e; const char *n; } t[] = {
        { ENOENT, "ENOENT" }, { EEXIST, "EEXIST" }, { EROFS, "EROFS" }, { EINVAL, "EINVAL" },
        { EBADF, "EBADF" }, { EISDIR, "EISDIR" }, { ENOTDIR, "ENOTDIR" }, { EPERM, "EPERM" },
        { EBUSY, "EBUSY" }, { ENOTEMPTY, "ENOTEMPTY" }, { ENOTSOCK, "ENOTSOCK" },
        { EAFNOSUPPORT, "EAFNOSUPPORT" }, { EFAULT, "EFAULT" }, { ENOSYS, "ENOSYS" },
        { EACCES, "EACCES" }, { ELOOP, "ELOOP" },
    };
    if (r >= 0)
        return "ok";
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].e == errno)
            return t[i].n;
    snprintf(buf, sizeof buf, "errno %d", errno);
    return buf;
}

#define T(call) printf("%-58s %s\n", #call, errname((long)(call)))

static void pre(void)
{
    int rfd = open("f", O_RDONLY), dfd = open("d", O_RDONLY | O_DIRECTORY);
    struct timespec bad_ns[2] = { { 0, 1000000000 }, { 0, 0 } };
    struct timespec omit[2] = { { 0, UTIME_OMIT_ }, { 0, UTIME_OMIT_ } };
    struct timeval bad_us[2] = { { 0, 1000000 }, { 0, 0 } };
    unsigned long sockargs[3] = { 0, 0, 0 };

    T(syscall(SYS_unlink, "nodir/x"));
    T(syscall(SYS_unlink, "."));
    T(syscall(SYS_unlink, "f/x"));
    T(syscall(SYS_unlinkat, AT_FDCWD, "f", 0x1));
    T(syscall(SYS_rmdir, "."));
    T(syscall(SYS_rmdir, ".."));
    T(syscall(SYS_rmdir, "/"));
    T(syscall(SYS_rmdir, "nodir/x"));
    T(syscall(SYS_mkdir, "d", 0755));
    T(syscall(SYS_mkdir, "f", 0755));
    T(syscall(SYS_mkdir, "l", 0755));
    T(syscall(SYS_mkdir, "nodir/x", 0755));
    T(syscall(SYS_mkdir, "f/x", 0755));
    T(syscall(SYS_mkdir, ".", 0755));
    T(syscall(SYS_mkdirat, 999, "x", 0755));
    T(syscall(SYS_mkdirat, rfd, "x", 0755));
    T(syscall(SYS_mknod, "x", S_IFDIR | 0644, 0));
    T(syscall(SYS_mknod, "x", 0170000 | 0644, 0));
    T(syscall(SYS_mknod, "f", S_IFREG | 0644, 0));
    T(syscall(SYS_rename, "nodir/a", "b"));
    T(syscall(SYS_rename, "f", "nodir/b"));
    T(syscall(SYS_rename, ".", "x"));
    T(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 8));
    T(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 3));
    T(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, ".", 1));
    T(syscall(SYS_symlink, "t", "f"));
    T(syscall(SYS_symlink, "", "x"));
    T(syscall(SYS_symlink, "t", "nodir/x"));
    T(syscall(SYS_link, "missing", "x"));
    T(syscall(SYS_link, "f", "d"));
    T(syscall(SYS_link, "f", "l"));
    T(syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "x", 0x1));
    T(syscall(SYS_chmod, "missing", 0644));
    T(syscall(SYS_chmod, "nodir/x", 0644));
    T(syscall(SYS_fchmod, 999, 0644));
    T(syscall(SYS_fchmodat, AT_FDCWD, "missing", 0644));
    T(syscall(SYS_chown32, "missing", 0, 0));
    T(syscall(SYS_lchown32, "missing", 0, 0));
    T(syscall(SYS_fchown32, 999, 0, 0));
    T(syscall(SYS_fchownat, AT_FDCWD, "f", 0, 0, 0x2));
    T(syscall(SYS_fchownat, AT_FDCWD, "missing", 0, 0, 0));
    T(syscall(SYS_utimensat, AT_FDCWD, "missing", NULL, 0));
    T(syscall(SYS_utimensat, AT_FDCWD, "f", bad_ns, 0));
    T(syscall(SYS_utimensat, AT_FDCWD, "missing", omit, 0));
    T(syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0x2));
    T(syscall(SYS_utimensat, 999, NULL, NULL, 0));
    T(syscall(SYS_utime, "missing", NULL));
    T(syscall(SYS_utimes, "missing", NULL));
    T(syscall(SYS_utimes, "f", bad_us));
    T(syscall(SYS_truncate, "missing", 0));
    T(syscall(SYS_truncate, "d", 0));
    T(syscall(SYS_truncate, "f", -1));
    T(syscall(SYS_truncate64, "d", 0, 0));
    T(syscall(SYS_ftruncate, 999, 0));
    T(syscall(SYS_ftruncate, rfd, 0));
    T(syscall(SYS_ftruncate, dfd, 0));
    T(syscall(SYS_ftruncate, rfd, -1));
    T(syscall(SYS_ftruncate64, rfd, 0, 0));
    T(open("d", O_WRONLY));
    T(open("d", O_RDWR));
    T(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644));
    T(syscall(SYS_access, "missing", W_OK));
    T(syscall(SYS_getpeername, 0, NULL, NULL));
    T(syscall(SYS_getsockname, 999, NULL, NULL));
    T(syscall(SYS_shutdown, 1, 0));
    T(syscall(SYS_accept4, 0, NULL, NULL, 0x1));
    T(syscall(SYS_setsockopt, 0, 1, 1, NULL, -1));
    T(syscall(SYS_socket, 999, SOCK_STREAM, 0));
    T(syscall(SYS_socket, AF_UNIX, 99, 0));
    T(syscall(SYS_socketcall, 0, sockargs));
    T(syscall(SYS_socketcall, 7, sockargs));            /* SYS_GETPEERNAME on fd 0 */
    T(syscall(SYS_socketcall, 7, (void *)16));
}

static void rofs(void)
{
    int rfd = open("f", O_RDONLY);
    T(syscall(SYS_unlink, "f"));
    T(syscall(SYS_unlink, "missing"));                   /* do_unlinkat: lookup after mnt_want_write */
    T(syscall(SYS_unlinkat, AT_FDCWD, "d", 0x200));
    T(syscall(SYS_rmdir, "d"));
    T(syscall(SYS_rmdir, "missing"));
    T(syscall(SYS_mkdir, "new", 0755));
    T(syscall(SYS_mkdir, "new/", 0755));
    T(syscall(SYS_mkdirat, AT_FDCWD, "d/new", 0755));
    T(syscall(SYS_mknod, "new", S_IFIFO | 0644, 0));
    T(syscall(SYS_mknodat, AT_FDCWD, "new", S_IFREG | 0644, 0));
    T(syscall(SYS_rename, "f", "g"));
    T(syscall(SYS_rename, "missing", "g"));
    T(syscall(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, "d/g"));
    T(syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "d", 2));
    T(syscall(SYS_symlink, "t", "new"));
    T(syscall(SYS_symlinkat, "t", AT_FDCWD, "new"));
    T(syscall(SYS_link, "f", "new"));
    T(syscall(SYS_linkat, AT_FDCWD, "l", AT_FDCWD, "new", 0x400));
    T(syscall(SYS_chmod, "f", 0644));
    T(syscall(SYS_fchmod, rfd, 0644));
    T(syscall(SYS_fchmodat, AT_FDCWD, "d", 0755));
    T(syscall(SYS_chown32, "f", 0, 0));
    T(syscall(SYS_lchown32, "l", getuid(), getgid()));
    T(syscall(SYS_fchown32, rfd, getuid(), getgid()));
    T(syscall(SYS_fchownat, AT_FDCWD, "l", getuid(), getgid(), 0x100));
    T(syscall(SYS_utimensat, AT_FDCWD, "f", NULL, 0));
    T(syscall(SYS_utimensat, rfd, NULL, NULL, 0));
    T(syscall(SYS_utime, "f", NULL));
    T(syscall(SYS_utimes, "f", NULL));
    T(syscall(SYS_truncate, "f", 0));
    T(syscall(SYS_truncate64, "f", 0, 0));
    T(syscall(SYS_access, "f", W_OK));
    T(syscall(SYS_access, "d", R_OK | W_OK));
    int nfd = open("new", O_RDONLY | O_DIRECTORY);     /* made above: the model's */
    T(syscall(SYS_fchmod, nfd, 0700));
    T(syscall(SYS_utimensat, nfd, NULL, NULL, 0));
    T(syscall(SYS_symlink, "new", "sl"));
    T(syscall(SYS_link, "sl", "hl"));
    T(syscall(SYS_mknod, "fifo", S_IFIFO | 0644, 0));
    T(syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
    T(syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0));
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2 && !strcmp(argv[1], "pre"))
        pre();
    else if (argc == 2 && !strcmp(argv[1], "rofs"))
        rofs();
    else
        return 2;
    return 0;
}

/*
 * fs_path.c — guest paths to host descriptors and open files, inside the
 * sandbox (the files themselves: vfs.h, hostfs.c).
 *
 * With --root R every path resolves from R's descriptor with
 * openat2(RESOLVE_IN_ROOT): ".." stops at R and absolute symlinks restart
 * at R, as in a chroot.  A path relative to a guest dirfd resolves from R
 * too, with the directory's guest path in front ("/sub" + "/../x"), so ".."
 * from a subdirectory is the chroot's ".." and never climbs past R (the
 * dirfd itself as the base of RESOLVE_IN_ROOT would make it the root).
 * With the default root "/" paths are host paths (relative ones against
 * memsim's working directory, as under qemu-user).
 *
 * The guest's /proc is the model's (procfs.c): an absolute path under
 * /proc is served there by name, before any host lookup, so under --root
 * too the guest sees its own maps, status and meminfo.  Below that, in
 * both modes: magic links (/proc/PID/fd/N, cwd, root, exe) are never
 * followed (RESOLVE_NO_MAGICLINKS), and anything that resolves onto the
 * host's procfs is ENOENT: the host's /proc describes memsim's host
 * process (its command line, maps, descriptors, memory), not the guest.
 * The test is the file system type of what was opened, so a symlink, a
 * relative path or a bind mount that leads to procfs under another name
 * is hidden too (such a path does not reach the model's /proc either).
 *
 * Writing: /tmp and /dev/shm are the model's tmpfs (shmem.c); every other
 * name under the root is written in the model's overlay (overlay.c: copy-up
 * to upper files, whiteouts), never on the host — unless --writable-root,
 * where it is written in the host tree under the root (hostfs_write.c).  A null device takes writes: when
 * what the path names is a character device 1:3, the guest gets the host's
 * /dev/null, opened by memsim, never the file the path names — so a
 * symlink or hardlink named dev/null in the root writes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/procfs.h"
#include "kernel-model/overlay.h"
#include "kernel-model/hostfs_write.h"
#include "kernel-model/shmem.h"

static int on_procfs(int fd)
{
    struct statfs s;
    return fstatfs(fd, &s) == 0 && s.f_type == PROC_SUPER_MAGIC;
}

/* openat2, retried when a concurrent rename made RESOLVE_IN_ROOT give up
 * on a ".." (EAGAIN). */
static int openat2_retry(int base, const char *path, const struct open_how *how)
{
    for (int tries = 0; tries < 16; tries++) {
        long fd = syscall(SYS_openat2, base, path, how, sizeof *how);
        if (fd >= 0)
            return (int)fd;
        if (errno != EAGAIN)
            break;
    }
    return -errno;
}

/* An ELOOP from RESOLVE_NO_MAGICLINKS: did the walk pass through procfs?
 * (Magic links exist only there.)  Each prefix is looked at without
 * following its last component; the error path only. */
static int walks_procfs(int base, const char *path, uint64_t resolve)
{
    char buf[PATH_MAX_G];
    size_t n = strlen(path);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (i < n && buf[i] != '/')
            continue;
        char c = buf[i];
        buf[i] = 0;
        struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC, .resolve = resolve };
        int fd = openat2_retry(base, buf, &how);
        buf[i] = c;
        if (fd >= 0) {
            int proc = on_procfs(fd);
            close(fd);
            if (proc)
                return 1;
        }
    }
    return 0;
}

/* The base descriptor and host path for a guest path relative to dirfd.
 * A dirfd must be a directory the guest opened (inherited stdio is not:
 * a descriptor from outside the root is no way into the host's tree). */
static long path_base(struct task_struct *t, uint32_t dirfd, const char *path,
                      char *buf, int *base, const char **hpath)
{
    int rooted = t->root_fd >= 0;
    *base = rooted ? t->root_fd : AT_FDCWD;
    *hpath = path;
    if (path[0] == '/')
        return 0;
    struct file *d;
    if (dirfd == G_AT_FDCWD) {
        if (!t->cwd)
            return 0;               /* the starting directory: "." from the base */
        d = t->cwd;
    } else if (!(d = fdget(t->files, dirfd)))
        return -EBADF;
    else if (!host_file_dir(d))
        return -ENOTDIR;
    if (!rooted) {
        *base = file_host_fd(d);
        return 0;
    }
    int n = snprintf(buf, PATH_MAX_G, "%s/%s", guest_dir_path(host_file_dir(d)), path);
    if (n < 0 || (unsigned)n >= PATH_MAX_G)
        return -ENAMETOOLONG;
    *hpath = buf;
    return 0;
}

int fs_open(struct task_struct *t, uint32_t dirfd, const char *path, int flags)
{
    return fs_open_mode(t, dirfd, path, flags, 0);
}

int fs_open_mode(struct task_struct *t, uint32_t dirfd, const char *path, int flags, uint32_t mode)
{
    char buf[PATH_MAX_G];
    const char *hpath;
    int base;
    long r = path_base(t, dirfd, path, buf, &base, &hpath);
    if (r)
        return (int)r;
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC), .mode = (flags & O_CREAT) ? mode : 0,
        .resolve = RESOLVE_NO_MAGICLINKS | (t->root_fd >= 0 ? RESOLVE_IN_ROOT : 0),
    };
    int fd = openat2_retry(base, hpath, &how);
    if (fd >= 0 && on_procfs(fd)) {
        close(fd);
        return -ENOENT;
    }
    if (fd == -ELOOP && walks_procfs(base, hpath, how.resolve))
        return -ENOENT;
    return fd;
}

static int is_null_device(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
}

/* Opening for writing: only a null device, and then the host's own. */
static int open_for_writing(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags)
{
    int fd = fs_open(t, dirfd, path, O_PATH | ((flags & G_O_NOFOLLOW) ? O_NOFOLLOW : 0));
    if (fd < 0)
        return fd == -ENOENT && (flags & G_O_CREAT) ? -EROFS : fd;
    struct stat st;
    int r = fstat(fd, &st) ? -errno : 0;
    close(fd);
    if (r)
        return r;
    if ((flags & (G_O_CREAT | G_O_EXCL)) == (G_O_CREAT | G_O_EXCL))
        return -EEXIST;
    if (!is_null_device(&st))
        return S_ISDIR(st.st_mode) ? -EISDIR : -EROFS;
    fd = open("/dev/null", (int)(flags & G_O_ACCMODE) | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* The guest path a directory descriptor stands for under --root: what the
 * host says the directory is (symlinks resolved), relative to the root. */
static char *rooted_dir_path(struct task_struct *t, int hfd, uint32_t dirfd, const char *path)
{
    char proc[40], host[PATH_MAX_G], root[PATH_MAX_G];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", hfd);
    ssize_t n = readlink(proc, host, sizeof host - 1);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", t->root_fd);
    ssize_t rn = readlink(proc, root, sizeof root - 1);
    if (n > 0 && rn > 0) {
        host[n] = root[rn] = 0;
        size_t skip = strcmp(root, "/") ? (size_t)rn : 0;
        if (!strncmp(host, root, (size_t)rn) && (host[skip] == '/' || !host[skip]))
            return strdup(host[skip] ? host + skip : "/");
    }
    /* not under the root's host path (moved meanwhile?): the guest's words */
    struct file *d = path[0] == '/' ? NULL : dirfd == G_AT_FDCWD ? t->cwd
                                                                : fdget(t->files, dirfd);
    const char *pre = d && host_file_dir(d) ? guest_dir_path(host_file_dir(d)) : "";
    char *s = malloc(strlen(pre) + strlen(path) + 3);
    if (s)
        sprintf(s, "%s%s%s", pre, path[0] == '/' ? "" : "/", path);
    return s;
}

/*
 * The names of the guest's own descriptors: /dev/stdin, /dev/stdout,
 * /dev/stderr, /dev/fd/N and /proc/self/fd/N (Linux: symlinks into the
 * process's own fd directory), and /dev/tty.  They name the guest's
 * descriptors, never memsim's (the host's /proc stays hidden), and are
 * matched by name, before any lookup: under --root a dev/ tree's symlinks
 * would lead onto the host's procfs.  Opening one opens the same file
 * again, as Linux's proc_fd_link does: for a regular file that is a new
 * open file description (its own offset, O_TRUNC applied, so `tee
 * /dev/stdout >file` overwrites as it does natively); a pipe, socket or
 * terminal is shared by a dup, which is what reopening one gives.  Writing
 * through the new description needs the old one to be writable: memsim
 * writes only where it was given write access.  /dev/tty: the guest has no
 * controlling terminal of its own; when its stdin, stdout or stderr is a
 * terminal that one stands for it, else ENXIO as for a task without one.
 * -ENOENT... as open would give; 1 when the path is none of these.
 */
/* A new description of the regular file behind g, through the host's own
 * /proc/self/fd (memsim's, never shown to the guest). */
static long reopen_regular(struct task_struct *t, struct file *g, uint32_t flags)
{
    uint32_t acc = flags & G_O_ACCMODE;
    int writing = acc != 0 || (flags & G_O_TRUNC);
    int have = fcntl(file_host_fd(g), F_GETFL);
    if (have < 0)
        return -EBADF;
    if (writing && (have & O_ACCMODE) == O_RDONLY)
        return g->f_path ? -EROFS : -EACCES;  /* a file of the root, or a read-only stdio */
    int hflags = (int)acc | O_CLOEXEC | O_NOCTTY | (flags & G_O_APPEND ? O_APPEND : 0) |
                 (flags & G_O_TRUNC ? O_TRUNC : 0);
    char link[32];
    snprintf(link, sizeof link, "/proc/self/fd/%d", file_host_fd(g));
    int h = open(link, hflags);
    if (h < 0)
        return -errno;
    long err;
    struct file *f = host_file_open(t->k, h, g->f_path, NULL, 0, &err);
    return f ? fd_install_file(t, f, (flags & G_O_CLOEXEC) != 0, 0) : err;
}

static long open_own_fd(struct task_struct *t, const char *path, uint32_t flags)
{
    static const char *const std[3] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };
    long fd = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(path, std[i]))
            fd = i;
    const char *num = !strncmp(path, "/dev/fd/", 8) ? path + 8
                    : !strncmp(path, "/proc/self/fd/", 14) ? path + 14 : NULL;
    if (num) {
        /* decimal, no leading zero (proc's name_to_int) */
        size_t len = strspn(num, "0123456789");
        if (!len || num[len] || (num[0] == '0' && len > 1))
            return -ENOENT;
        fd = len > 9 ? MAX_FDS : strtol(num, NULL, 10);
        fd = fd < MAX_FDS ? fd : MAX_FDS;
    }
    if (!strcmp(path, "/dev/tty")) {
        for (int i = 0; i < 3 && fd < 0; i++)
            if (fdget(t->files, (uint32_t)i) &&
                isatty(file_host_fd(fdget(t->files, (uint32_t)i))))
                fd = i;
        if (fd < 0)
            return -ENXIO;
    }
    if (fd < 0)
        return 1;
    if ((flags & (G_O_CREAT | G_O_EXCL)) == (G_O_CREAT | G_O_EXCL))
        return -EEXIST;
    struct file *g = fdget(t->files, (uint32_t)fd);
    if (!g)
        return -ENOENT;                 /* no such entry in /proc/self/fd */
    struct stat st;
    if (g->f_op->getattr && !g->f_op->getattr(g, &st) && S_ISREG(st.st_mode) &&
        file_host_fd(g) >= 0)
        return reopen_regular(t, g, flags);
    return fd_reopen(t, (uint32_t)fd, (flags & G_O_CLOEXEC) != 0);
}

long fs_open_guest(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
                   uint32_t mode)
{
    char alias[PATH_MAX_G], at[PATH_MAX_G];
    path = procfs_path_at(t, dirfd, path, at, sizeof at);
    long proc = path[0] == '/' ? procfs_open(t, path, flags, alias, sizeof alias) : 1;
    if (proc == 2)
        path = alias;               /* /proc/PID/fd/N, exe, cwd: what they name */
    else if (proc != 1)
        return proc;
    long own = path[0] == '/' ? open_own_fd(t, path, flags) : 1;
    if (own != 1)
        return own;
    struct file *tmp;
    long shm = shmem_open(t, path, flags, mode, &tmp);   /* /tmp, /dev/shm: tmpfs */
    if (shm == 0)
        return fd_install_file(t, tmp, (flags & G_O_CLOEXEC) != 0, 0);
    if (shm == 1)                   /* the host tree, or the overlay over it */
        shm = t->k->writable_root ? hostw_open(t, dirfd, path, flags, mode, &tmp)
                                  : ovl_open(t, dirfd, path, flags, mode, &tmp);
    if (shm == 0)
        return fd_install_file(t, tmp, (flags & G_O_CLOEXEC) != 0, 0);
    if (shm != 1)
        return shm;
    int writing = (flags & G_O_ACCMODE) != 0 || (flags & (G_O_CREAT | G_O_TRUNC)) != 0;
    int fd;
    if (writing)
        fd = open_for_writing(t, dirfd, path, flags);
    else
        fd = fs_open(t, dirfd, path,
                     (int)(flags & (G_O_DIRECTORY | G_O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)));
    if (fd < 0)
        return fd;
    struct stat st;
    struct guest_dir *dir = NULL;
    if (!fstat(fd, &st) && S_ISDIR(st.st_mode)) {
        char *gpath = t->root_fd >= 0 ? rooted_dir_path(t, fd, dirfd, path) : NULL;
        dir = (t->root_fd < 0 || gpath) ? guest_dir_new(gpath) : NULL;
        free(gpath);
        if (!dir) {
            close(fd);
            return -ENOMEM;
        }
    }
    long err;
    struct file *f = host_file_open(t->k, fd, path, dir, 0, &err);
    return f ? fd_install_file(t, f, (flags & G_O_CLOEXEC) != 0, 0) : err;
}

/*
 * chdir/fchdir: the guest's working directory is its own, never memsim's
 * (memsim's relative paths stay memsim's).  Under --root it is a guest path
 * inside the root, and relative paths resolve with it in front, as from a
 * dirfd (path_base), so ".." still stops at the root.  path NULL: fchdir of
 * guest fd dirfd.  Linux's checks: a directory (ENOTDIR), then search
 * permission (EACCES).
 */
long fs_chdir(struct task_struct *t, uint32_t dirfd, const char *path)
{
    int fd;
    if (path)
        fd = fs_open(t, G_AT_FDCWD, path, O_PATH | O_DIRECTORY);
    else {
        struct file *d = fdget(t->files, dirfd);
        if (!d)
            return -EBADF;
        if (!host_file_dir(d))
            return -ENOTDIR;        /* only a directory the guest opened */
        fd = fcntl(file_host_fd(d), F_DUPFD_CLOEXEC, 3);
        fd = fd < 0 ? -errno : fd;
    }
    if (fd < 0)
        return fd;
    char proc[40];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (access(proc, X_OK)) {
        int e = errno;
        close(fd);
        return -e;
    }
    char *gpath = NULL;
    if (t->root_fd >= 0) {
        struct file *d = path ? NULL : fdget(t->files, dirfd);
        gpath = d ? strdup(guest_dir_path(host_file_dir(d)))
                  : rooted_dir_path(t, fd, G_AT_FDCWD, path);
    }
    struct guest_dir *dir = (t->root_fd < 0 || gpath) ? guest_dir_new(gpath) : NULL;
    free(gpath);
    if (!dir) {
        close(fd);
        return -ENOMEM;
    }
    long err;
    struct file *cwd = host_file_open(t->k, fd, NULL, dir, 0, &err);
    if (!cwd)
        return err;
    fs_cwd_release(t);
    t->cwd = cwd;
    return 0;
}

void fs_cwd_release(struct task_struct *t)
{
    fput(t->cwd);
    t->cwd = NULL;
}

/* getcwd: the guest path under --root; else the host's, as Linux prints it. */
long fs_getcwd(struct task_struct *t, char *buf, size_t size)
{
    if (t->root_fd >= 0) {
        snprintf(buf, size, "%s", t->cwd ? guest_dir_path(host_file_dir(t->cwd)) : "/");
        return 0;
    }
    if (!t->cwd)
        return getcwd(buf, size) ? 0 : -errno;
    char proc[40];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", file_host_fd(t->cwd));
    ssize_t n = readlink(proc, buf, size - 1);
    if (n < 0)
        return -errno;
    buf[n] = 0;
    return 0;
}

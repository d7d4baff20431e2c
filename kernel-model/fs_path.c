/*
 * fs_path.c — open(2), chdir and getcwd: guest paths to open files, inside
 * the sandbox (the walk: namei.c; the files themselves: vfs.h, hostfs.c).
 *
 * Every path is walked by the model (namei.h): with --root R from R's
 * descriptor, one component at a time, ".." stopping at R and absolute
 * symlinks restarting at R, as in a chroot; with the default root "/" the
 * same walk from the host's "/", relative paths from memsim's working
 * directory until the guest's first chdir (as under qemu-user).  A path
 * relative to a guest dirfd starts at that directory's canonical guest
 * path, so ".." from it is the guest tree's and never climbs past the root.
 *
 * The guest's /proc is the model's (procfs.c), a mount of the walk; the
 * host's procfs is never entered (namei.c), so its magic links are never
 * followed and the host's /proc never describes memsim to the guest.
 *
 * Writing: /tmp and /dev/shm are the model's tmpfs, every other name under
 * the root is written in the model's overlay (overlay.c: copy-up to upper
 * files, whiteouts), never on the host — unless --writable-root, where the
 * root's tree is the walk's MNT_HOST_RW and a file opened for writing is
 * the host's own, opened by the walk's parent descriptor and last name
 * (hostfs_write.c, its data through the page cache).  /dev and /sys are the host's,
 * read-only; there the memory devices the model serves take writes: when
 * what the path names is a character device 1:3, 1:5 or 1:7, the guest
 * gets the host's /dev/null, /dev/zero or /dev/full, opened by memsim,
 * never the file the path names, and devfs.c answers its reads and writes
 * — so a symlink or hardlink named dev/null in the root writes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/hostfs_write.h"
#include "kernel-model/namei.h"
#include "kernel-model/procfs.h"
#include "kernel-model/overlay.h"
#include "kernel-model/shmem.h"

/* The host's own node of a memory device the model serves (devfs.c:
 * null 1:3, zero 1:5, full 1:7), or NULL. */
static const char *mem_device(const struct stat *st)
{
    if (!devfs_ops(st))
        return NULL;
    switch (minor(st->st_rdev)) {
    case 3:  return "/dev/null";
    case 5:  return "/dev/zero";
    default: return "/dev/full";
    }
}

/* Opening a host object for writing that the overlay does not copy up
 * (/dev, /sys, devices and directories anywhere): only a memory device the
 * model serves (its reads and writes never reach the host: `open
 * ("/dev/zero", O_RDWR)` for a shared mapping, `>/dev/null`), and then the
 * host's own node of that device, opened by memsim. */
static int open_for_writing(const struct nd_path *p, uint32_t flags)
{
    const char *dev = mem_device(&p->st);
    if (!dev)
        return S_ISDIR(p->st.st_mode) ? -EISDIR : -EROFS;
    int fd = open(dev, (int)(flags & G_O_ACCMODE) | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* The host object p names, opened with host flags (its parent's
 * descriptor and name, never followed: the walk followed what it had to). */
static int host_reopen(const struct nd_path *p, int hflags)
{
    int fd = p->parent_fd >= 0 && p->last_type == LAST_NORM
           ? openat(p->parent_fd, p->last, hflags | O_NOFOLLOW | O_CLOEXEC)
           : openat(p->fd, ".", hflags | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
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

/* The file p names (path: as the guest wrote it), opened with guest
 * flags: 0 and *out, or -errno. */
static long open_path(struct task_struct *t, struct nd_path *p, const char *path,
                      uint32_t flags, uint32_t mode, struct file **out)
{
    if (p->mnt == MNT_HOST_RW && !p->mountpoint) {
        long r = hostw_open(t, p, path, flags, mode, out);  /* --writable-root */
        if (r != 1)
            return r;
    } else if (p->mnt == MNT_OVERLAY || p->mnt == MNT_TMPFS || p->mnt == MNT_HOST_RW) {
        /* a mount point's tmpfs root is tmpfs's; /dev and /sys the host's */
        long r = p->mountpoint && p->layer == LAYER_HOST ? 1 : ovl_open(t, p, flags, mode, out);
        if (r != 1)
            return r;
    }
    /* O_CREAT of an existing name opens it as it is (open_last_lookups) */
    int writing = (flags & G_O_ACCMODE) != 0 || (flags & G_O_TRUNC) != 0;
    if (!nd_exists(p))
        return flags & G_O_CREAT ? -EROFS : -ENOENT;    /* /dev, /sys: nothing is made */
    if ((flags & (G_O_CREAT | G_O_EXCL)) == (G_O_CREAT | G_O_EXCL))
        return -EEXIST;
    if (S_ISLNK(p->st.st_mode))
        return -ELOOP;
    int fd = writing ? open_for_writing(p, flags)   /* not copied up: devices, directories */
                     : host_reopen(p, (int)(flags & (G_O_DIRECTORY | O_NONBLOCK | O_NOCTTY)));
    if (fd < 0)
        return fd;
    struct stat st;
    struct guest_dir *dir = NULL;
    if (!fstat(fd, &st) && S_ISDIR(st.st_mode) && !(dir = guest_dir_new(p->gpath))) {
        close(fd);
        return -ENOMEM;
    }
    long err;
    /* f_path: the canonical guest path, as d_path gives (/proc/PID/fd, maps) */
    *out = host_file_open(t->k, fd, p->gpath, dir, 0, &err);
    return *out ? 0 : err;
}

/* The walk and the open, without a guest fd: 0 and *out; 2 and alias
 * (procfs's /proc/PID/fd/N, exe, cwd: the path they name); -errno. */
static long filp_open(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
                      uint32_t mode, struct file **out, char *alias, char *gpath)
{
    int excl = (flags & (G_O_CREAT | G_O_EXCL)) == (G_O_CREAT | G_O_EXCL);
    unsigned lf = (flags & G_O_NOFOLLOW) || excl ? 0 : LOOKUP_FOLLOW;
    lf |= flags & G_O_DIRECTORY ? LOOKUP_DIRECTORY : 0;
    struct nd_path *p = malloc(sizeof *p);
    if (!p)
        return -ENOMEM;
    *out = NULL;
    long r = namei(t, dirfd, path, lf, p);
    if (!r && p->layer == LAYER_PROC) {
        r = procfs_open(t, p->gpath, flags, alias, PATH_MAX_G);
        if (r >= 0 && r != 2) {         /* procfs installed it: hand the file back */
            *out = get_file(fdget(t->files, (uint32_t)r));
            close_fd(t->files, (uint32_t)r);
            r = 0;
        }
    } else if (!r)
        r = open_path(t, p, path, flags, mode, out);
    if (!r && gpath)
        snprintf(gpath, PATH_MAX_G, "%s", p->gpath);
    nd_path_release(p);
    free(p);
    return r;
}

/* filp_open with procfs's aliases taken (the guest's own descriptors);
 * gpath, if not NULL, gets the canonical guest path of what was opened
 * (PATH_MAX_G bytes; a /proc/self/fd/N alias leaves the path as given). */
static long open_file(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
                      uint32_t mode, struct file **out, char *gpath)
{
    char alias[PATH_MAX_G];
    if (gpath)
        snprintf(gpath, PATH_MAX_G, "%s", path);
    long r = filp_open(t, dirfd, path, flags, mode, out, alias, gpath);
    if (r != 2)
        return r;
    if (!strncmp(alias, "/proc/self/fd/", 14)) {
        long fd = open_own_fd(t, alias, flags);
        if (fd < 0)
            return fd;
        *out = get_file(fdget(t->files, (uint32_t)fd));
        close_fd(t->files, (uint32_t)fd);
        return 0;
    }
    r = filp_open(t, G_AT_FDCWD, alias, flags, mode, out, alias, gpath);
    return r == 2 ? -ENOENT : r;
}

long fs_open_guest(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
                   uint32_t mode)
{
    char at[PATH_MAX_G];
    path = procfs_path_at(t, dirfd, path, at, sizeof at);
    /* /dev/stdin, /dev/fd/N, /dev/tty by name; /proc/self/fd/N through
     * procfs (its checks first: a trailing slash is ENOTDIR there) */
    long own = path[0] == '/' && strncmp(path, "/proc/", 6) ? open_own_fd(t, path, flags) : 1;
    if (own != 1)
        return own;
    struct file *f;
    long r = open_file(t, dirfd, path, flags, mode, &f, NULL);
    return r ? r : fd_install_file(t, f, (flags & G_O_CLOEXEC) != 0, 0);
}

/*
 * chdir/fchdir: the guest's working directory is its own, never memsim's
 * (memsim's relative paths stay memsim's): an open directory of the guest
 * (host, upper or tmpfs), whose canonical guest path relative walks start
 * from.  path NULL: fchdir of guest fd dirfd.  Linux's checks: a directory
 * (ENOTDIR), then search permission (EACCES).
 */
/* inode_permission(mask) of an open file: the host's for a host object,
 * the model's attributes for its own. */
static long file_permission(struct file *f, uint32_t mask)
{
    struct stat st;
    int hfd = file_host_fd(f);
    if (hfd >= 0)
        return syscall(SYS_faccessat2, hfd, "", (int)mask, AT_EMPTY_PATH | AT_EACCESS) ? -errno : 0;
    if (!f->f_op->getattr || f->f_op->getattr(f, &st))
        return -EACCES;
    return nd_permission(&st, mask);
}

long fs_chdir(struct task_struct *t, uint32_t dirfd, const char *path)
{
    struct file *d;
    if (path) {
        long r = open_file(t, G_AT_FDCWD, path, G_O_DIRECTORY, 0, &d, NULL);
        if (r)
            return r;
    } else if (!(d = fdget(t->files, dirfd)))
        return -EBADF;
    else
        get_file(d);
    char buf[PATH_MAX_G];
    long r = nd_file_path(t, d, buf, sizeof buf);  /* only a directory the guest opened */
    if (!r)
        r = file_permission(d, X_OK);
    if (r) {
        fput(d);
        return r;
    }
    fput(t->fs->cwd);
    t->fs->cwd = d;                     /* every task of a CLONE_FS group moves */
    return 0;
}

long fs_open_exec(struct task_struct *t, const char *path, struct file **out)
{
    return fs_open_execat(t, G_AT_FDCWD, path, 0, out, NULL);
}

/* The checks do_open_execat makes once the file is open. */
static long exec_permission(struct file *f)
{
    struct stat st;
    long r = f->f_op->getattr ? f->f_op->getattr(f, &st) : -EACCES;
    if (!r && !S_ISREG(st.st_mode))
        r = -EACCES;                    /* a regular file only */
    return r ? r : file_permission(f, X_OK);
}

long fs_open_execat(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t at_flags,
                    struct file **out, char *gpath)
{
    long r;
    *out = NULL;
    if (at_flags & ~(G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    if (!path[0] && (at_flags & G_AT_EMPTY_PATH)) {
        /* fexecve: the descriptor's own file */
        struct file *f = fdget(t->files, dirfd);
        if (!f)
            return -EBADF;
        *out = get_file(f);
        if (gpath)
            snprintf(gpath, PATH_MAX_G, "%s", f->f_path ? f->f_path : "");
    } else {
        char at[PATH_MAX_G];
        path = procfs_path_at(t, dirfd, path, at, sizeof at);
        uint32_t oflags = at_flags & G_AT_SYMLINK_NOFOLLOW ? G_O_NOFOLLOW : 0;
        r = open_file(t, dirfd, path, oflags, 0, out, gpath);   /* O_RDONLY */
        if (r)
            return r;
    }
    if ((r = exec_permission(*out))) {
        fput(*out);
        *out = NULL;
    }
    return r;
}

struct fs_struct *fs_struct_alloc(void)
{
    struct fs_struct *fs = calloc(1, sizeof *fs);
    if (fs)
        fs->users = 1;
    return fs;
}

struct fs_struct *fs_struct_copy(const struct fs_struct *old)
{
    struct fs_struct *fs = fs_struct_alloc();
    if (fs && old) {
        fs->cwd = old->cwd ? get_file(old->cwd) : NULL;
        fs->umask = old->umask;
    }
    return fs;
}

struct fs_struct *fs_struct_get(struct fs_struct *fs)
{
    fs->users++;
    return fs;
}

void fs_struct_put(struct fs_struct *fs)
{
    if (!fs || --fs->users > 0)
        return;
    fput(fs->cwd);
    free(fs);
}

void fs_cwd_release(struct task_struct *t)
{
    fs_struct_put(t->fs);
    t->fs = NULL;
}

/* getcwd: the working directory's canonical guest path ("/" at the
 * start under --root; memsim's own with the default root). */
long fs_getcwd(struct task_struct *t, char *buf, size_t size)
{
    if (t->fs && t->fs->cwd)
        return nd_file_path(t, t->fs->cwd, buf, size);
    if (t->root_fd >= 0)
        return snprintf(buf, size, "/") < (int)size ? 0 : -ERANGE;
    return getcwd(buf, size) ? 0 : -errno;
}

/*
 * sys_fsmeta.c — calls that change the file system: unlink, rmdir, mkdir,
 * mknod, symlink, link, rename, chmod, chown, utimes, truncate.
 *
 * Each walks its path once (namei.h) and dispatches on the answer: names
 * in the overlay over the root and in tmpfs are changed in the model's
 * upper layer (overlay.h), names in the root's tree under --writable-root
 * (MNT_HOST_RW) on the host, by the walk's parent descriptor and last name
 * (hostfs_write.h), /dev and /sys (the host's, read-only) answer EROFS,
 * /proc what procfs's permissions say.  Linux's order of checks is
 * kept (fs/namei.c, fs/open.c, fs/utimes.c):
 *   - unlink, rmdir, rename: the parent is resolved first, the last
 *     component's type ("." "..", "/") decides EISDIR/EINVAL/ENOTEMPTY/
 *     EBUSY, then mnt_want_write (EROFS on a read-only tree, also for a
 *     missing name), then the lookup (ENOENT); rename across mounts is
 *     EXDEV before EROFS;
 *   - mkdir, mknod, symlink, link's new name (filename_create): an
 *     existing name is EEXIST before EROFS;
 *   - chmod, chown, utimensat, truncate: the whole path is resolved
 *     (user_path_at), so a missing file is ENOENT;
 *   - by descriptor (fchmod, fchown, futimens, ftruncate): EBADF first.
 * Argument checks (flags, modes, lengths, times) come first, as there.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/hostfs_write.h"
#include "kernel-model/namei.h"
#include "kernel-model/overlay.h"
#include "kernel-model/procfs.h"
#include "kernel-model/shmem_priv.h"

#define G_AT_REMOVEDIR 0x200u
#define G_AT_SYMLINK_FOLLOW 0x400u
#define G_RENAME_NOREPLACE 1u
#define G_RENAME_EXCHANGE 2u
#define G_RENAME_WHITEOUT 4u
#define G_UTIME_NOW ((1u << 30) - 1u)
#define G_UTIME_OMIT ((1u << 30) - 2u)

static long get_path(struct task_struct *t, uint32_t uptr, char *buf)
{
    long n = strncpy_from_user(t->mm, buf, uptr, PATH_MAX_G);
    if (n == 0)
        return -ENOENT;
    return n < 0 ? n : 0;
}

/* The walk of the guest path at upath (lookup flags lf). */
static long walk_user(struct task_struct *t, uint32_t dirfd, uint32_t upath, unsigned lf,
                      struct nd_path *p)
{
    char path[PATH_MAX_G];
    long r = get_path(t, upath, path);
    return r ? r : namei(t, dirfd, path, lf, p);
}

/* A change of the name p in its mount: 0 (the model's upper layer takes
 * it), or Linux's error for the mounts that are not written. */
static long may_change(const struct nd_path *p)
{
    if (p->mnt == MNT_PROC)
        return getuid() ? -EACCES : -EPERM;   /* procfs's directories: 0555, no such ops */
    if (p->mnt == MNT_HOST_RO)
        return -EROFS;
    return 0;
}

/* Is a the same mount as b (rename, link: EXDEV otherwise)? */
static int same_mount(const struct nd_path *a, const struct nd_path *b)
{
    return a->mnt == b->mnt && a->sb == b->sb;
}

/* Is procfs's name p there (a /proc path, by name)?  1, 0, -errno. */
static long proc_exists(struct task_struct *t, const struct nd_path *p)
{
    struct stat st;
    char alias[PATH_MAX_G];
    long r = procfs_stat(t, p->gpath, 1, &st, alias, sizeof alias);
    return r == 0 || r == 2 ? 1 : r == 1 || r == -ENOENT ? 0 : r;
}

/* filename_create: the parent, then EEXIST, then EROFS.  0: p is a new
 * name the model's upper layer may make.  A new /proc name: procfs has no
 * ->mkdir, ->create, ->symlink (may_change's EPERM, EACCES). */
static long create_check(struct task_struct *t, struct nd_path *p, int want_dir)
{
    long e = p->layer == LAYER_PROC ? proc_exists(t, p) : nd_exists(p);
    if (e < 0)
        return e;
    if (p->last_type != LAST_NORM || e)
        return -EEXIST;
    if (p->trailing_slash && !want_dir)
        return -ENOENT;             /* "foo/" asks for a directory */
    return may_change(p);
}

/* The walk of a new name (filename_create): not followed. */
static long create_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, int want_dir,
                      struct nd_path *p)
{
    long r = walk_user(t, dirfd, upath, 0, p);
    if (r)
        return r;
    if ((r = create_check(t, p, want_dir)))
        nd_path_release(p);
    return r;
}

/* unlink (dir 0) and rmdir (dir 1): do_unlinkat, do_rmdir. */
static long remove_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, int dir)
{
    struct nd_path p;
    long r = walk_user(t, dirfd, upath, 0, &p);
    if (r)
        return r;
    if (p.last_type != LAST_NORM && !dir)
        r = -EISDIR;
    else if (p.last_type == LAST_DOTDOT)
        r = -ENOTEMPTY;
    else if (p.last_type == LAST_DOT)
        r = -EINVAL;
    else if (p.last_type == LAST_ROOT)
        r = -EBUSY;
    else if (p.layer == LAYER_PROC)
        r = may_change(&p);
    else if ((r = may_change(&p)))
        ;
    else if (!nd_exists(&p))
        r = -ENOENT;
    else if (p.mountpoint)
        r = S_ISDIR(p.st.st_mode) || dir ? (dir ? -EBUSY : -EISDIR) : -EBUSY;
    else if (p.mnt == MNT_HOST_RW)
        r = hostw_unlink(t, &p, dir);
    else
        r = upper_unlink(t, &p, dir);
    nd_path_release(&p);
    return r;
}

static long unlink_at(struct task_struct *t, uint32_t dirfd, uint32_t upath)
{
    return remove_at(t, dirfd, upath, 0);
}

static long rmdir_at(struct task_struct *t, uint32_t dirfd, uint32_t upath)
{
    return remove_at(t, dirfd, upath, 1);
}

SYSCALL_DEFINE1(unlink, uint32_t, pathname) { return unlink_at(t, G_AT_FDCWD, pathname); }
SYSCALL_DEFINE1(rmdir, uint32_t, pathname) { return rmdir_at(t, G_AT_FDCWD, pathname); }

SYSCALL_DEFINE3(unlinkat, uint32_t, dfd, uint32_t, pathname, uint32_t, flag)
{
    if (flag & ~G_AT_REMOVEDIR)
        return -EINVAL;
    return (flag & G_AT_REMOVEDIR) ? rmdir_at(t, dfd, pathname) : unlink_at(t, dfd, pathname);
}

/* A new object at the path: mkdir, mknod of a regular file, symlink. */
static long make_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t mode,
                    const char *link)
{
    struct nd_path p;
    long r = create_at(t, dirfd, upath, S_ISDIR(mode), &p);
    if (r)
        return r;
    r = p.mnt == MNT_HOST_RW ? hostw_make(&p, mode, link) : upper_create(t, &p, mode, link);
    nd_path_release(&p);
    return r;
}

static long mkdir_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t mode)
{
    return make_at(t, dirfd, upath, S_IFDIR | (mode & 07777 & ~t->fs->umask), NULL);
}

SYSCALL_DEFINE2(mkdir, uint32_t, pathname, uint32_t, mode) { return mkdir_at(t, G_AT_FDCWD, pathname, mode); }
SYSCALL_DEFINE3(mkdirat, uint32_t, dfd, uint32_t, pathname, uint32_t, mode) { return mkdir_at(t, dfd, pathname, mode); }

/* may_mknod: the type is checked before anything else.  A regular file
 * is made; devices need CAP_MKNOD and the model makes none, and FIFOs and
 * sockets are not modelled in the upper layer (Linux would make them):
 * EPERM after the lookup's EEXIST.  Under --writable-root a FIFO or a
 * socket is made on the host; a device stays EPERM (memsim never makes
 * one, as for an unprivileged user). */
static long mknod_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t mode)
{
    switch (mode & S_IFMT) {
    case 0: case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
        break;
    case S_IFDIR:
        return -EPERM;
    default:
        return -EINVAL;
    }
    uint32_t type = mode & S_IFMT ? mode & S_IFMT : S_IFREG;
    struct nd_path p;
    long r = create_at(t, dirfd, upath, 0, &p);
    if (r)
        return r;
    uint32_t m = type | (mode & 07777 & ~t->fs->umask);
    if (type == S_IFCHR || type == S_IFBLK)
        r = -EPERM;
    else if (p.mnt == MNT_HOST_RW)
        r = hostw_make(&p, m, NULL);
    else
        r = type == S_IFREG ? upper_create(t, &p, m, NULL) : -EPERM;
    nd_path_release(&p);
    return r;
}

SYSCALL_DEFINE3(mknod, uint32_t, filename, uint32_t, mode, uint32_t, dev) { return mknod_at(t, G_AT_FDCWD, filename, mode); }
SYSCALL_DEFINE4(mknodat, uint32_t, dfd, uint32_t, filename, uint32_t, mode, uint32_t, dev) { return mknod_at(t, dfd, filename, mode); }

/* do_renameat2: flags, both parents, EXDEV, EROFS, then the names. */
static long rename_at(struct task_struct *t, uint32_t od, uint32_t op, uint32_t nd, uint32_t np,
                      uint32_t flags)
{
    if (flags & ~(G_RENAME_NOREPLACE | G_RENAME_EXCHANGE | G_RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & G_RENAME_EXCHANGE) && (flags & (G_RENAME_NOREPLACE | G_RENAME_WHITEOUT)))
        return -EINVAL;
    struct nd_path a, b;
    long r = walk_user(t, od, op, 0, &a);
    if (r)
        return r;
    if ((r = walk_user(t, nd, np, 0, &b))) {
        nd_path_release(&a);
        return r;
    }
    if (a.last_type != LAST_NORM)
        r = -EBUSY;
    else if (b.last_type != LAST_NORM)
        r = (flags & G_RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
    else if (!same_mount(&a, &b))
        r = -EXDEV;
    else if ((r = may_change(&a)))
        ;
    else if (!nd_exists(&a))
        r = -ENOENT;
    else if (a.mountpoint || b.mountpoint)
        r = -EBUSY;
    else if (!S_ISDIR(a.st.st_mode) && (a.trailing_slash || b.trailing_slash))
        r = -ENOTDIR;               /* "file/": only a directory may have one */
    else if (a.mnt == MNT_HOST_RW)
        r = hostw_rename(t, &a, &b, flags);
    else
        r = upper_rename(t, &a, &b, flags);
    nd_path_release(&a);
    nd_path_release(&b);
    return r;
}

SYSCALL_DEFINE2(rename, uint32_t, oldname, uint32_t, newname)
{
    return rename_at(t, G_AT_FDCWD, oldname, G_AT_FDCWD, newname, 0);
}
SYSCALL_DEFINE4(renameat, uint32_t, olddfd, uint32_t, oldname, uint32_t, newdfd, uint32_t, newname) { return rename_at(t, olddfd, oldname, newdfd, newname, 0); }
SYSCALL_DEFINE5(renameat2, uint32_t, olddfd, uint32_t, oldname, uint32_t, newdfd, uint32_t, newname, uint32_t, flags) { return rename_at(t, olddfd, oldname, newdfd, newname, flags); }

/* symlink: the target is only a string (getname), then the new name. */
static long symlink_at(struct task_struct *t, uint32_t utarget, uint32_t dirfd, uint32_t upath)
{
    char target[PATH_MAX_G];
    long r = get_path(t, utarget, target);
    return r ? r : make_at(t, dirfd, upath, S_IFLNK | 0777, target);
}

SYSCALL_DEFINE2(symlink, uint32_t, oldname, uint32_t, newname) { return symlink_at(t, oldname, G_AT_FDCWD, newname); }
SYSCALL_DEFINE3(symlinkat, uint32_t, oldname, uint32_t, newdfd, uint32_t, newname) { return symlink_at(t, oldname, newdfd, newname); }

/* do_linkat: the old path resolves whole (followed with
 * AT_SYMLINK_FOLLOW; AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH: ENOENT as
 * for an unprivileged caller), then the new name, then EXDEV. */
static long link_at(struct task_struct *t, uint32_t od, uint32_t op, uint32_t nd, uint32_t np,
                    uint32_t flags)
{
    if (flags & ~(G_AT_SYMLINK_FOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    struct nd_path a, b;
    long r = walk_user(t, od, op, flags & G_AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0, &a);
    if (r)
        return r;
    if (!nd_exists(&a))
        r = -ENOENT;
    else if ((r = create_at(t, nd, np, 0, &b)))
        ;
    else {
        if (!same_mount(&a, &b) || a.mountpoint)
            r = -EXDEV;
        else if (S_ISDIR(a.st.st_mode))
            r = -EPERM;
        else if (a.mnt == MNT_HOST_RW)
            r = hostw_link(&a, &b);     /* a: the walk's object (followed or not) */
        else
            r = upper_link(t, &a, &b);
        nd_path_release(&b);
    }
    nd_path_release(&a);
    return r;
}

SYSCALL_DEFINE2(link, uint32_t, oldname, uint32_t, newname) { return link_at(t, G_AT_FDCWD, oldname, G_AT_FDCWD, newname, 0); }
SYSCALL_DEFINE5(linkat, uint32_t, olddfd, uint32_t, oldname, uint32_t, newdfd, uint32_t, newname, uint32_t, flags) { return link_at(t, olddfd, oldname, newdfd, newname, flags); }

/* notify_change on the object p names. */
static long setattr_path(struct task_struct *t, struct nd_path *p, const struct upper_attr *a)
{
    if (!nd_exists(p))
        return -ENOENT;
    if (p->layer == LAYER_PROC)
        return -EPERM;              /* procfs: proc_setattr refuses a mode; owners are fixed */
    if (p->mnt == MNT_HOST_RO || p->mountpoint)
        return -EROFS;
    return p->mnt == MNT_HOST_RW ? hostw_setattr(p, a) : upper_setattr(t, p, a);
}

/* fchmod, fchown, futimens: the open file's object.  A tmpfs or upper
 * file is its own inode; a host file of the overlay is copied up by the
 * name it was opened with (the open description keeps reading the host's
 * bytes, as an overlayfs file opened before its copy-up does). */
static long setattr_fd(struct task_struct *t, uint32_t fd, const struct upper_attr *a)
{
    struct file *f = fdget(t->files, fd);
    if (!f)
        return -EBADF;
    if (f->f_op == &shmem_file_ops) {
        struct shmem_file *sf = f->private_data;
        struct shmem_dentry *d = shmem_d_find(sf->sb, f->f_inode);
        struct nd_path p = { .layer = LAYER_UPPER, .mnt = MNT_TMPFS, .sb = sf->sb, .d = d,
                             .fd = -1, .parent_fd = -1 };
        if (!d)
            return -ENOENT;         /* removed: Linux would still change it */
        shmem_fill_stat(f->f_inode, sf->sb->dev, &p.st);
        return upper_setattr(t, &p, a);
    }
    if (!f->f_path || f->f_op->kind == FILE_PROCFS || f->f_op->kind == FILE_STDIO)
        return f->f_op->kind == FILE_PROCFS ? -EPERM : -EROFS;
    struct nd_path p;
    long r = namei(t, G_AT_FDCWD, f->f_path, 0, &p);
    if (r)
        return r;
    /* --writable-root: the open file's own host object, once its name says
     * it is in the root's tree (not /dev, /sys) */
    int own = p.mnt == MNT_HOST_RW && !p.mountpoint && nd_exists(&p) && file_host_fd(f) >= 0;
    r = own ? hostw_setattr_fd(f, a) : setattr_path(t, &p, a);
    nd_path_release(&p);
    return r;
}

/* chmod, chown, utimes on a path (upath 0 with AT_EMPTY_PATH-like use:
 * dirfd's own file). */
static long setattr_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t flags,
                       int follow, const struct upper_attr *a)
{
    char path[PATH_MAX_G];
    long r = upath ? strncpy_from_user(t->mm, path, upath, PATH_MAX_G) : 0;
    if (r < 0)
        return r;
    if (!upath || !path[0]) {
        if (upath && !(flags & G_AT_EMPTY_PATH))
            return -ENOENT;
        return setattr_fd(t, dirfd == G_AT_FDCWD && upath ? (uint32_t)-1 : dirfd, a);
    }
    struct nd_path p;
    if ((r = namei(t, dirfd, path, follow ? LOOKUP_FOLLOW : 0, &p)))
        return r;
    r = setattr_path(t, &p, a);
    nd_path_release(&p);
    return r;
}

static long chmod_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t mode)
{
    struct upper_attr a = { .valid = UATTR_MODE, .mode = mode };
    return setattr_at(t, dirfd, upath, 0, 1, &a);
}

/* chown's -1: that id unchanged. */
static struct upper_attr chown_attr(uint32_t user, uint32_t group)
{
    struct upper_attr a = { .uid = user, .gid = group };
    a.valid = (user != (uint32_t)-1 ? UATTR_UID : 0) | (group != (uint32_t)-1 ? UATTR_GID : 0);
    return a;
}

SYSCALL_DEFINE2(chmod, uint32_t, filename, uint32_t, mode) { return chmod_at(t, G_AT_FDCWD, filename, mode); }
SYSCALL_DEFINE3(fchmodat, uint32_t, dfd, uint32_t, filename, uint32_t, mode) { return chmod_at(t, dfd, filename, mode); }
SYSCALL_DEFINE2(fchmod, uint32_t, fd, uint32_t, mode)
{
    struct upper_attr a = { .valid = UATTR_MODE, .mode = mode };
    return setattr_fd(t, fd, &a);
}
SYSCALL_DEFINE3(chown, uint32_t, filename, uint32_t, user, uint32_t, group)
{
    struct upper_attr a = chown_attr(user, group);
    return setattr_at(t, G_AT_FDCWD, filename, 0, 1, &a);
}
SYSCALL_DEFINE3(lchown, uint32_t, filename, uint32_t, user, uint32_t, group)
{
    struct upper_attr a = chown_attr(user, group);
    return setattr_at(t, G_AT_FDCWD, filename, 0, 0, &a);
}
SYSCALL_DEFINE3(fchown, uint32_t, fd, uint32_t, user, uint32_t, group)
{
    struct upper_attr a = chown_attr(user, group);
    return setattr_fd(t, fd, &a);
}

SYSCALL_DEFINE5(fchownat, uint32_t, dfd, uint32_t, filename, uint32_t, user, uint32_t, group, uint32_t, flag)
{
    if (flag & ~(G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    struct upper_attr a = chown_attr(user, group);
    return setattr_at(t, dfd, filename, flag, !(flag & G_AT_SYMLINK_NOFOLLOW), &a);
}

static int nsec_valid(uint64_t ns)
{
    return ns < 1000000000u || ns == G_UTIME_NOW || ns == G_UTIME_OMIT;
}

/* The times to set: NULL is both "now" (the model's clock, its epoch). */
static void times_attr(struct task_struct *t, const int64_t *sec, const uint64_t *ns,
                       struct upper_attr *a)
{
    *a = (struct upper_attr){ .valid = UATTR_ATIME | UATTR_MTIME,
                              .atime = t->k->epoch, .mtime = t->k->epoch };
    if (!sec)
        return;
    for (int i = 0; i < 2; i++) {
        unsigned bit = i ? UATTR_MTIME : UATTR_ATIME;
        if (ns[i] == G_UTIME_OMIT)
            a->valid &= ~bit;
        else if (ns[i] != G_UTIME_NOW) {
            a->valid |= UATTR_TIMES_SET | (i ? UATTR_MTIME_SET : UATTR_ATIME_SET);
            *(i ? &a->mtime : &a->atime) = sec[i];
            *(i ? &a->mtime_nsec : &a->atime_nsec) = (long)ns[i];
        }
    }
}

/* utimensat (both time layouts): times read and checked first; both
 * UTIME_OMIT is success without looking at the path; a NULL path is the
 * descriptor itself (futimens). */
static long utimens(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t utimes, uint32_t flags, int time64)
{
    int64_t sec[2];
    uint64_t ns[2];
    if (utimes) {
        if (time64) {
            uint64_t tsv[4];
            if (copy_from_user(t->mm, tsv, utimes, sizeof tsv))
                return -EFAULT;
            sec[0] = (int64_t)tsv[0], ns[0] = tsv[1], sec[1] = (int64_t)tsv[2], ns[1] = tsv[3];
        } else {
            int32_t tsv[4];
            if (copy_from_user(t->mm, tsv, utimes, sizeof tsv))
                return -EFAULT;
            sec[0] = tsv[0], sec[1] = tsv[2];
            ns[0] = (uint64_t)(int64_t)tsv[1], ns[1] = (uint64_t)(int64_t)tsv[3];
        }
        if (ns[0] == G_UTIME_OMIT && ns[1] == G_UTIME_OMIT)
            return 0;
        if (!nsec_valid(ns[0]) || !nsec_valid(ns[1]))
            return -EINVAL;
    }
    struct upper_attr a;
    times_attr(t, utimes ? sec : NULL, ns, &a);
    if (!upath && dirfd != G_AT_FDCWD)
        return flags ? -EINVAL : setattr_fd(t, dirfd, &a);
    if (flags & ~(G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    if (!upath)
        return -EFAULT;
    return setattr_at(t, dirfd, upath, flags, !(flags & G_AT_SYMLINK_NOFOLLOW), &a);
}

SYSCALL_DEFINE4(utimensat, uint32_t, dfd, uint32_t, filename, uint32_t, utimes, uint32_t, flags) { return utimens(t, dfd, filename, utimes, flags, 0); }
SYSCALL_DEFINE4(utimensat64, uint32_t, dfd, uint32_t, filename, uint32_t, utimes, uint32_t, flags) { return utimens(t, dfd, filename, utimes, flags, 1); }

SYSCALL_DEFINE2(utime, uint32_t, filename, uint32_t, times)
{
    uint32_t tv[2] = { 0, 0 };
    if (times && copy_from_user(t->mm, tv, times, sizeof tv))
        return -EFAULT;
    int64_t sec[2] = { (int32_t)tv[0], (int32_t)tv[1] };
    uint64_t ns[2] = { 0, 0 };
    struct upper_attr a;
    times_attr(t, times ? sec : NULL, ns, &a);
    return setattr_at(t, G_AT_FDCWD, filename, 0, 1, &a);
}

/* utimes/futimesat: struct timeval[2], microseconds checked first. */
static long utimes_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t utv)
{
    int32_t tv[4];
    if (utv) {
        if (copy_from_user(t->mm, tv, utv, sizeof tv))
            return -EFAULT;
        if (tv[1] < 0 || tv[1] >= 1000000 || tv[3] < 0 || tv[3] >= 1000000)
            return -EINVAL;
    }
    int64_t sec[2] = { utv ? tv[0] : 0, utv ? tv[2] : 0 };
    uint64_t ns[2] = { utv ? (uint64_t)tv[1] * 1000u : 0, utv ? (uint64_t)tv[3] * 1000u : 0 };
    struct upper_attr a;
    times_attr(t, utv ? sec : NULL, ns, &a);
    return setattr_at(t, dirfd, upath, 0, 1, &a);
}

SYSCALL_DEFINE2(utimes, uint32_t, filename, uint32_t, utimes) { return utimes_at(t, G_AT_FDCWD, filename, utimes); }
SYSCALL_DEFINE3(futimesat, uint32_t, dfd, uint32_t, filename, uint32_t, utimes) { return utimes_at(t, dfd, filename, utimes); }

/* do_sys_truncate / vfs_truncate: length, path, type, then EROFS. */
static long truncate_path(struct task_struct *t, uint32_t upath, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    struct nd_path p;
    long r = walk_user(t, G_AT_FDCWD, upath, LOOKUP_FOLLOW, &p);
    if (r)
        return r;
    if (!nd_exists(&p))
        r = -ENOENT;
    else if (p.layer == LAYER_PROC)
        r = S_ISDIR(p.st.st_mode) ? -EISDIR : -EACCES;
    else if (p.mnt == MNT_HOST_RO || p.mountpoint)
        r = S_ISDIR(p.st.st_mode) ? -EISDIR : S_ISREG(p.st.st_mode) ? -EROFS : -EINVAL;
    else if (p.mnt == MNT_HOST_RW)
        r = S_ISDIR(p.st.st_mode) ? -EISDIR : S_ISREG(p.st.st_mode) ? hostw_truncate(t, &p, length)
                                                                   : -EINVAL;
    else
        r = upper_truncate(t, &p, length);
    nd_path_release(&p);
    return r;
}

/* do_sys_ftruncate: a tmpfs file, or a root file under --writable-root,
 * open for writing; no other guest descriptor is open for writing a file. */
static long truncate_fd(struct task_struct *t, uint32_t fd, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    struct file *f = fdget(t->files, fd);
    if (f && f->f_op == &shmem_file_ops)
        return shmem_ftruncate(t, f, length);
    if (f && f->f_op == &hostfs_file_ops && (f->f_mode & FMODE_WRITE_))
        return hostw_ftruncate(t, f, length);       /* --writable-root only */
    return f ? -EINVAL : -EBADF;
}

SYSCALL_DEFINE2(truncate, uint32_t, path, int32_t, length) { return truncate_path(t, path, length); }
SYSCALL_DEFINE3(truncate64, uint32_t, path, uint32_t, length_lo, uint32_t, length_hi) { return truncate_path(t, path, arg64(length_lo, length_hi)); }
SYSCALL_DEFINE2(ftruncate, uint32_t, fd, int32_t, length) { return truncate_fd(t, fd, length); }
SYSCALL_DEFINE3(ftruncate64, uint32_t, fd, uint32_t, length_lo, uint32_t, length_hi) { return truncate_fd(t, fd, arg64(length_lo, length_hi)); }

/*
 * sys_fsmeta.c — calls that change the file system: EROFS, in Linux's order.
 *
 * The guest's file system is read-only (fs.h) until the writable overlay
 * comes, so these calls answer what Linux answers on a read-only mount:
 * EROFS from mnt_want_write(), but only where the kernel asks for it.  The
 * errors that come first stay: a path is resolved before, and a few calls
 * look at the last component before (fs/namei.c):
 *   - unlink, rmdir, rename: only the parent is resolved (filename_parentat),
 *     then mnt_want_write; the last component is looked up after it, so a
 *     missing name in an existing directory is EROFS, a missing directory
 *     ENOENT;
 *   - mkdir, mknod, symlink, link's new name (filename_create): the lookup
 *     comes first, and an existing name is EEXIST before EROFS;
 *   - chmod, chown, utimensat, truncate: the whole path is resolved
 *     (user_path_at), so a missing file is ENOENT;
 *   - by descriptor (fchmod, fchown, futimens, ftruncate): EBADF first;
 *     ftruncate of a descriptor not open for writing is EINVAL
 *     (do_sys_ftruncate) — and every guest file is open read-only.
 * Argument checks (flags, modes, lengths, times) come first, as there.
 *
 * With --writable-root each call, past those same earlier checks, is the
 * host tree's instead of EROFS or the overlay's: one dispatch point per
 * call, `if (t->k->writable_root) return hostw_..._at(...)`, into
 * hostfs_write.c (which finds the parent inside the root, hostw_parent).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/overlay.h"
#include "kernel-model/hostfs_write.h"
#include "kernel-model/shmem.h"

#define G_AT_REMOVEDIR 0x200u
#define G_AT_SYMLINK_FOLLOW 0x400u
#define G_RENAME_NOREPLACE 1u
#define G_RENAME_EXCHANGE 2u
#define G_RENAME_WHITEOUT 4u
#define G_UTIME_NOW ((1u << 30) - 1u)
#define G_UTIME_OMIT ((1u << 30) - 2u)

/* What the last component of a path is (namei.c's LAST_*). */
enum last_type { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

struct parent {
    enum last_type type;
    int exists;             /* the last component is there (not followed) */
    int trailing_slash;
    struct stat st;         /* when it exists */
};

static long get_path(struct task_struct *t, uint32_t uptr, char *buf)
{
    long n = strncpy_from_user(t->mm, buf, uptr, PATH_MAX_G);
    if (n == 0)
        return -ENOENT;
    return n < 0 ? n : 0;
}

/* filename_parentat: resolve everything but the last component of the
 * guest path at upath, and say what that component is. */
static long parentat(struct task_struct *t, uint32_t dirfd, uint32_t upath, struct parent *p)
{
    char path[PATH_MAX_G];
    long r = get_path(t, upath, path);
    if (r)
        return r;
    size_t n = strlen(path);
    *p = (struct parent){ .type = LAST_NORM };
    while (n > 1 && path[n - 1] == '/') {
        path[--n] = 0;
        p->trailing_slash = 1;
    }
    if (!strcmp(path, "/")) {
        p->type = LAST_ROOT;
        p->exists = 1;
        return 0;
    }
    char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    if (!strcmp(last, "."))
        p->type = LAST_DOT;
    else if (!strcmp(last, ".."))
        p->type = LAST_DOTDOT;
    char dir[PATH_MAX_G];
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = 0;
    }
    struct stat dst;
    long od = ovl_stat(t, dirfd, dir, &dst);   /* an upper directory is no host one */
    if (od != 1 && od != 0)
        return od;
    int fd = od ? fs_open(t, dirfd, dir, O_PATH | O_DIRECTORY) : -1;
    if (od && fd < 0)
        return fd;
    if (!od && !S_ISDIR(dst.st_mode))
        return -ENOTDIR;
    /* one component, not followed: nothing here leaves the directory */
    p->exists = p->type != LAST_NORM ||
                (fd >= 0 && !fstatat(fd, last, &p->st, AT_SYMLINK_NOFOLLOW));
    if (fd >= 0)
        close(fd);
    long ol = p->type == LAST_NORM ? ovl_stat(t, dirfd, path, &p->st) : 1;
    if (ol != 1)
        p->exists = ol == 0;                /* the overlay's name, or its whiteout */
    return 0;
}

/* user_path_at: the whole path must resolve; its stat in *st. */
static long resolve(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t flags,
                    int follow, struct stat *st)
{
    char path[PATH_MAX_G];
    long n = strncpy_from_user(t->mm, path, upath, PATH_MAX_G);
    if (n < 0)
        return n;
    int fd;
    if (!path[0]) {
        if (!(flags & G_AT_EMPTY_PATH))
            return -ENOENT;
        if (dirfd != G_AT_FDCWD) {
            struct file *f = fdget(t->files, dirfd);
            if (!f)
                return -EBADF;
            return f->f_op->getattr ? f->f_op->getattr(f, st) : -EBADF;
        }
        strcpy(path, ".");
    }
    long o = ovl_stat(t, dirfd, path, st);     /* an upper name or a whiteout */
    if (o != 1)
        return o;
    fd = fs_open(t, dirfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return fd;
    long r = fstat(fd, st) ? -errno : 0;
    close(fd);
    return r;
}

/* What tmpfs answers for the guest path at upath (absolute paths under
 * /tmp and /dev/shm, shmem.c); 1: not tmpfs's (the host's answer follows). */
static long tmpfs_call(struct task_struct *t, uint32_t dirfd, uint32_t upath, int op,
                       uint32_t arg)
{
    char path[PATH_MAX_G];
    long r = get_path(t, upath, path);
    if (r)
        return r == -ENOENT ? 1 : r;        /* "" : the host path's answer */
    switch (op) {
    case 'u': r = shmem_unlink(t, path, 0); break;
    case 'r': r = shmem_unlink(t, path, 1); break;
    case 'm': r = shmem_mkdir(t, path, arg); break;
    default:  return 1;
    }
    if (r != 1 || t->k->writable_root)
        return r;                           /* tmpfs's, or the host tree's (below) */
    switch (op) {                           /* the overlay over the root */
    case 'u': return ovl_unlink(t, dirfd, path, 0);
    case 'r': return ovl_unlink(t, dirfd, path, 1);
    default:  return ovl_mkdir(t, dirfd, path, arg);
    }
}

/* filename_create: the parent, then EEXIST before EROFS. */
static long create_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, int want_dir)
{
    struct parent p;
    long r = parentat(t, dirfd, upath, &p);
    if (r)
        return r;
    if (p.type != LAST_NORM || p.exists)
        return -EEXIST;
    if (p.trailing_slash && !want_dir)
        return -ENOENT;             /* "foo/" asks for a directory */
    return -EROFS;
}

static long unlink_at(struct task_struct *t, uint32_t dirfd, uint32_t upath)
{
    struct parent p;
    char path[PATH_MAX_G];
    long r = tmpfs_call(t, dirfd, upath, 'u', 0);
    if (r != 1)
        return r;
    r = parentat(t, dirfd, upath, &p);
    if (!r && p.type == LAST_NORM && t->k->writable_root)      /* dispatch: the host tree */
        return (r = get_path(t, upath, path)) ? r : hostw_unlink_at(t, dirfd, path, 0);
    return r ? r : p.type != LAST_NORM ? -EISDIR : -EROFS;
}

static long rmdir_at(struct task_struct *t, uint32_t dirfd, uint32_t upath)
{
    struct parent p;
    long r = tmpfs_call(t, dirfd, upath, 'r', 0);
    if (r != 1)
        return r;
    r = parentat(t, dirfd, upath, &p);
    if (r)
        return r;
    char path[PATH_MAX_G];
    switch (p.type) {
    case LAST_DOTDOT: return -ENOTEMPTY;
    case LAST_DOT:    return -EINVAL;
    case LAST_ROOT:   return -EBUSY;
    default:                                /* dispatch: the host tree */
        if (t->k->writable_root)
            return (r = get_path(t, upath, path)) ? r : hostw_unlink_at(t, dirfd, path, 1);
        return -EROFS;
    }
}

SYSCALL_DEFINE1(unlink, uint32_t, pathname) { return unlink_at(t, G_AT_FDCWD, pathname); }
SYSCALL_DEFINE1(rmdir, uint32_t, pathname) { return rmdir_at(t, G_AT_FDCWD, pathname); }

SYSCALL_DEFINE3(unlinkat, uint32_t, dfd, uint32_t, pathname, uint32_t, flag)
{
    if (flag & ~G_AT_REMOVEDIR)
        return -EINVAL;
    return (flag & G_AT_REMOVEDIR) ? rmdir_at(t, dfd, pathname) : unlink_at(t, dfd, pathname);
}

static long mkdir_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t mode)
{
    char path[PATH_MAX_G];
    long r = tmpfs_call(t, dirfd, upath, 'm', mode);
    if (r == 1 && t->k->writable_root)      /* dispatch: the host tree */
        return (r = get_path(t, upath, path)) ? r : hostw_mkdir_at(t, dirfd, path, mode);
    return r != 1 ? r : create_at(t, dirfd, upath, 1);
}

SYSCALL_DEFINE2(mkdir, uint32_t, pathname, uint32_t, mode) { return mkdir_at(t, G_AT_FDCWD, pathname, mode); }
SYSCALL_DEFINE3(mkdirat, uint32_t, dfd, uint32_t, pathname, uint32_t, mode) { return mkdir_at(t, dfd, pathname, mode); }

/* may_mknod: the type is checked before anything else. */
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
    char path[PATH_MAX_G];
    long r;
    if (t->k->writable_root)                /* dispatch: the host tree */
        return (r = get_path(t, upath, path)) ? r : hostw_mknod_at(t, dirfd, path, mode);
    return create_at(t, dirfd, upath, 0);
}

SYSCALL_DEFINE3(mknod, uint32_t, filename, uint32_t, mode, uint32_t, dev) { return mknod_at(t, G_AT_FDCWD, filename, mode); }
SYSCALL_DEFINE4(mknodat, uint32_t, dfd, uint32_t, filename, uint32_t, mode, uint32_t, dev) { return mknod_at(t, dfd, filename, mode); }

/* do_renameat2: flags, both parents, then the last components' types. */
static long rename_at(struct task_struct *t, uint32_t od, uint32_t op, uint32_t nd, uint32_t np,
                      uint32_t flags)
{
    if (flags & ~(G_RENAME_NOREPLACE | G_RENAME_EXCHANGE | G_RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & G_RENAME_EXCHANGE) && (flags & (G_RENAME_NOREPLACE | G_RENAME_WHITEOUT)))
        return -EINVAL;
    char a[PATH_MAX_G], b[PATH_MAX_G];
    if (!get_path(t, op, a) && !get_path(t, np, b)) {
        long tr = shmem_rename(t, a, b, flags);     /* tmpfs names: its answer */
        if (tr == 1 && t->k->writable_root)         /* dispatch: the host tree */
            return hostw_rename_at(t, od, a, nd, b, flags);
        if (tr == 1 && (a[0] == '/' || od == G_AT_FDCWD) && (b[0] == '/' || nd == G_AT_FDCWD))
            tr = ovl_rename(t, a, b, flags);        /* the overlay over the root */
        if (tr != 1)
            return tr;
    }
    struct parent from, to;
    long r = parentat(t, od, op, &from);
    if (!r)
        r = parentat(t, nd, np, &to);
    if (r)
        return r;
    if (from.type != LAST_NORM)
        return -EBUSY;
    if (to.type != LAST_NORM)
        return (flags & G_RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
    return -EROFS;
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
    char target[PATH_MAX_G], path[PATH_MAX_G];
    long r = get_path(t, utarget, target);
    if (!r && t->k->writable_root)          /* dispatch: the host tree */
        return (r = get_path(t, upath, path)) ? r : hostw_symlink_at(t, target, dirfd, path);
    return r ? r : create_at(t, dirfd, upath, 0);
}

SYSCALL_DEFINE2(symlink, uint32_t, oldname, uint32_t, newname) { return symlink_at(t, oldname, G_AT_FDCWD, newname); }
SYSCALL_DEFINE3(symlinkat, uint32_t, oldname, uint32_t, newdfd, uint32_t, newname) { return symlink_at(t, oldname, newdfd, newname); }

/* do_linkat: the old path resolves whole (followed with AT_SYMLINK_FOLLOW). */
static long link_at(struct task_struct *t, uint32_t od, uint32_t op, uint32_t nd, uint32_t np,
                    uint32_t flags)
{
    if (flags & ~(G_AT_SYMLINK_FOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    struct stat st;
    char a[PATH_MAX_G], b[PATH_MAX_G];
    long r = resolve(t, od, op, flags, (flags & G_AT_SYMLINK_FOLLOW) != 0, &st);
    if (!r && t->k->writable_root && !(flags & G_AT_EMPTY_PATH))   /* dispatch: the host tree */
        return (r = get_path(t, op, a)) || (r = get_path(t, np, b)) ? r
               : hostw_link_at(t, od, a, nd, b, (flags & G_AT_SYMLINK_FOLLOW) != 0);
    return r ? r : create_at(t, nd, np, 0);
}

SYSCALL_DEFINE2(link, uint32_t, oldname, uint32_t, newname) { return link_at(t, G_AT_FDCWD, oldname, G_AT_FDCWD, newname, 0); }
SYSCALL_DEFINE5(linkat, uint32_t, olddfd, uint32_t, oldname, uint32_t, newdfd, uint32_t, newname, uint32_t, flags) { return link_at(t, olddfd, oldname, newdfd, newname, flags); }

/* chmod, chown, utimes on a path: resolved, then EROFS. */
static long path_erofs(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t flags, int follow)
{
    struct stat st;
    long r = resolve(t, dirfd, upath, flags, follow, &st);
    return r ? r : -EROFS;
}

static long fd_erofs(struct task_struct *t, uint32_t fd)
{
    return fdget(t->files, fd) ? -EROFS : -EBADF;
}

/* chmod: resolved, then the host tree's (dispatch) or EROFS. */
static long chmod_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t mode)
{
    char path[PATH_MAX_G];
    struct stat st;
    long r = resolve(t, dirfd, upath, 0, 1, &st);
    if (!r && t->k->writable_root)
        return (r = get_path(t, upath, path)) ? r : hostw_chmod_at(t, dirfd, path, mode);
    return r ? r : -EROFS;
}

SYSCALL_DEFINE2(chmod, uint32_t, filename, uint32_t, mode) { return chmod_at(t, G_AT_FDCWD, filename, mode); }
SYSCALL_DEFINE3(fchmodat, uint32_t, dfd, uint32_t, filename, uint32_t, mode) { return chmod_at(t, dfd, filename, mode); }
SYSCALL_DEFINE3(chown, uint32_t, filename, uint32_t, user, uint32_t, group) { return path_erofs(t, G_AT_FDCWD, filename, 0, 1); }
SYSCALL_DEFINE3(lchown, uint32_t, filename, uint32_t, user, uint32_t, group) { return path_erofs(t, G_AT_FDCWD, filename, 0, 0); }
SYSCALL_DEFINE1(fd_erofs, uint32_t, fd) { return fd_erofs(t, fd); }

SYSCALL_DEFINE5(fchownat, uint32_t, dfd, uint32_t, filename, uint32_t, user, uint32_t, group, uint32_t, flag)
{
    if (flag & ~(G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    return path_erofs(t, dfd, filename, flag, !(flag & G_AT_SYMLINK_NOFOLLOW));
}

static int nsec_valid(uint64_t ns)
{
    return ns < 1000000000u || ns == G_UTIME_NOW || ns == G_UTIME_OMIT;
}

/* utimensat (both time layouts): times read and checked first; both
 * UTIME_OMIT is success without looking at the path; a NULL path is the
 * descriptor itself (futimens). */
static long utimens(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t utimes, uint32_t flags, int time64)
{
    struct timespec ts[2];
    if (utimes) {
        uint64_t ns[2];
        if (time64) {
            uint64_t tsv[4];
            if (copy_from_user(t->mm, tsv, utimes, sizeof tsv))
                return -EFAULT;
            ns[0] = tsv[1], ns[1] = tsv[3];
            ts[0].tv_sec = (time_t)tsv[0], ts[1].tv_sec = (time_t)tsv[2];
        } else {
            int32_t tsv[4];
            if (copy_from_user(t->mm, tsv, utimes, sizeof tsv))
                return -EFAULT;
            ns[0] = (uint64_t)(int64_t)tsv[1], ns[1] = (uint64_t)(int64_t)tsv[3];
            ts[0].tv_sec = tsv[0], ts[1].tv_sec = tsv[2];
        }
        ts[0].tv_nsec = (long)ns[0], ts[1].tv_nsec = (long)ns[1];    /* UTIME_NOW/OMIT alike */
        if (ns[0] == G_UTIME_OMIT && ns[1] == G_UTIME_OMIT)
            return 0;
        if (!nsec_valid(ns[0]) || !nsec_valid(ns[1]))
            return -EINVAL;
    }
    if (!upath && dirfd != G_AT_FDCWD)
        return flags ? -EINVAL : t->k->writable_root      /* dispatch: futimens */
                                 ? hostw_futimens(t, dirfd, utimes ? ts : NULL)
                                 : fd_erofs(t, dirfd);
    if (flags & ~(G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    char path[PATH_MAX_G];
    struct stat st;
    long r = resolve(t, dirfd, upath, flags, !(flags & G_AT_SYMLINK_NOFOLLOW), &st);
    if (!r && t->k->writable_root && !(r = get_path(t, upath, path)))  /* dispatch */
        return hostw_utimens_at(t, dirfd, path, utimes ? ts : NULL,
                                (flags & G_AT_SYMLINK_NOFOLLOW) != 0);
    return r ? r : -EROFS;
}

SYSCALL_DEFINE4(utimensat, uint32_t, dfd, uint32_t, filename, uint32_t, utimes, uint32_t, flags) { return utimens(t, dfd, filename, utimes, flags, 0); }
SYSCALL_DEFINE4(utimensat64, uint32_t, dfd, uint32_t, filename, uint32_t, utimes, uint32_t, flags) { return utimens(t, dfd, filename, utimes, flags, 1); }

SYSCALL_DEFINE2(utime, uint32_t, filename, uint32_t, times)
{
    uint32_t tv[2];
    if (times && copy_from_user(t->mm, tv, times, sizeof tv))
        return -EFAULT;
    return path_erofs(t, G_AT_FDCWD, filename, 0, 1);
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
    return path_erofs(t, dirfd, upath, 0, 1);
}

SYSCALL_DEFINE2(utimes, uint32_t, filename, uint32_t, utimes) { return utimes_at(t, G_AT_FDCWD, filename, utimes); }
SYSCALL_DEFINE3(futimesat, uint32_t, dfd, uint32_t, filename, uint32_t, utimes) { return utimes_at(t, dfd, filename, utimes); }

/* do_sys_truncate / vfs_truncate: length, path, type, then EROFS. */
static long truncate_path(struct task_struct *t, uint32_t upath, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    char path[PATH_MAX_G];
    if (!get_path(t, upath, path)) {
        long tr = shmem_truncate(t, path, length);
        if (tr == 1 && !t->k->writable_root)
            tr = ovl_truncate(t, path, length);
        if (tr != 1)
            return tr;
    }
    struct stat st;
    long r = resolve(t, G_AT_FDCWD, upath, 0, 1, &st);
    if (r)
        return r;
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    if (S_ISREG(st.st_mode) && t->k->writable_root && !(r = get_path(t, upath, path)))
        return hostw_truncate_at(t, path, length);  /* dispatch: the host tree */
    return r ? r : S_ISREG(st.st_mode) ? -EROFS : -EINVAL;
}

/* do_sys_ftruncate: a tmpfs file open for writing; no other guest
 * descriptor is open for writing a file. */
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

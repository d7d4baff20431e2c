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
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/fs.h"

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
    int fd = fs_open(t, dirfd, dir, O_PATH | O_DIRECTORY);
    if (fd < 0)
        return fd;
    /* one component, not followed: nothing here leaves the directory */
    p->exists = p->type != LAST_NORM ||
                !fstatat(fd, last, &p->st, AT_SYMLINK_NOFOLLOW);
    close(fd);
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
    fd = fs_open(t, dirfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return fd;
    long r = fstat(fd, st) ? -errno : 0;
    close(fd);
    return r;
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
    long r = parentat(t, dirfd, upath, &p);
    return r ? r : p.type != LAST_NORM ? -EISDIR : -EROFS;
}

static long rmdir_at(struct task_struct *t, uint32_t dirfd, uint32_t upath)
{
    struct parent p;
    long r = parentat(t, dirfd, upath, &p);
    if (r)
        return r;
    switch (p.type) {
    case LAST_DOTDOT: return -ENOTEMPTY;
    case LAST_DOT:    return -EINVAL;
    case LAST_ROOT:   return -EBUSY;
    default:          return -EROFS;
    }
}

long sys_unlink(struct task_struct *t, const uint32_t a[6]) { return unlink_at(t, G_AT_FDCWD, a[0]); }
long sys_rmdir(struct task_struct *t, const uint32_t a[6]) { return rmdir_at(t, G_AT_FDCWD, a[0]); }

long sys_unlinkat(struct task_struct *t, const uint32_t a[6])
{
    if (a[2] & ~G_AT_REMOVEDIR)
        return -EINVAL;
    return (a[2] & G_AT_REMOVEDIR) ? rmdir_at(t, a[0], a[1]) : unlink_at(t, a[0], a[1]);
}

long sys_mkdir(struct task_struct *t, const uint32_t a[6]) { return create_at(t, G_AT_FDCWD, a[0], 1); }
long sys_mkdirat(struct task_struct *t, const uint32_t a[6]) { return create_at(t, a[0], a[1], 1); }

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
    return create_at(t, dirfd, upath, 0);
}

long sys_mknod(struct task_struct *t, const uint32_t a[6]) { return mknod_at(t, G_AT_FDCWD, a[0], a[1]); }
long sys_mknodat(struct task_struct *t, const uint32_t a[6]) { return mknod_at(t, a[0], a[1], a[2]); }

/* do_renameat2: flags, both parents, then the last components' types. */
static long rename_at(struct task_struct *t, uint32_t od, uint32_t op, uint32_t nd, uint32_t np,
                      uint32_t flags)
{
    if (flags & ~(G_RENAME_NOREPLACE | G_RENAME_EXCHANGE | G_RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & G_RENAME_EXCHANGE) && (flags & (G_RENAME_NOREPLACE | G_RENAME_WHITEOUT)))
        return -EINVAL;
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

long sys_rename(struct task_struct *t, const uint32_t a[6])
{
    return rename_at(t, G_AT_FDCWD, a[0], G_AT_FDCWD, a[1], 0);
}
long sys_renameat(struct task_struct *t, const uint32_t a[6]) { return rename_at(t, a[0], a[1], a[2], a[3], 0); }
long sys_renameat2(struct task_struct *t, const uint32_t a[6]) { return rename_at(t, a[0], a[1], a[2], a[3], a[4]); }

/* symlink: the target is only a string (getname), then the new name. */
static long symlink_at(struct task_struct *t, uint32_t utarget, uint32_t dirfd, uint32_t upath)
{
    char target[PATH_MAX_G];
    long r = get_path(t, utarget, target);
    return r ? r : create_at(t, dirfd, upath, 0);
}

long sys_symlink(struct task_struct *t, const uint32_t a[6]) { return symlink_at(t, a[0], G_AT_FDCWD, a[1]); }
long sys_symlinkat(struct task_struct *t, const uint32_t a[6]) { return symlink_at(t, a[0], a[1], a[2]); }

/* do_linkat: the old path resolves whole (followed with AT_SYMLINK_FOLLOW). */
static long link_at(struct task_struct *t, uint32_t od, uint32_t op, uint32_t nd, uint32_t np,
                    uint32_t flags)
{
    if (flags & ~(G_AT_SYMLINK_FOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    struct stat st;
    long r = resolve(t, od, op, flags, (flags & G_AT_SYMLINK_FOLLOW) != 0, &st);
    return r ? r : create_at(t, nd, np, 0);
}

long sys_link(struct task_struct *t, const uint32_t a[6]) { return link_at(t, G_AT_FDCWD, a[0], G_AT_FDCWD, a[1], 0); }
long sys_linkat(struct task_struct *t, const uint32_t a[6]) { return link_at(t, a[0], a[1], a[2], a[3], a[4]); }

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

long sys_chmod(struct task_struct *t, const uint32_t a[6]) { return path_erofs(t, G_AT_FDCWD, a[0], 0, 1); }
long sys_fchmodat(struct task_struct *t, const uint32_t a[6]) { return path_erofs(t, a[0], a[1], 0, 1); }
long sys_chown(struct task_struct *t, const uint32_t a[6]) { return path_erofs(t, G_AT_FDCWD, a[0], 0, 1); }
long sys_lchown(struct task_struct *t, const uint32_t a[6]) { return path_erofs(t, G_AT_FDCWD, a[0], 0, 0); }
long sys_fd_erofs(struct task_struct *t, const uint32_t a[6]) { return fd_erofs(t, a[0]); }

long sys_fchownat(struct task_struct *t, const uint32_t a[6])
{
    if (a[4] & ~(G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    return path_erofs(t, a[0], a[1], a[4], !(a[4] & G_AT_SYMLINK_NOFOLLOW));
}

static int nsec_valid(uint64_t ns)
{
    return ns < 1000000000u || ns == G_UTIME_NOW || ns == G_UTIME_OMIT;
}

/* utimensat (both time layouts): times read and checked first; both
 * UTIME_OMIT is success without looking at the path; a NULL path is the
 * descriptor itself (futimens). */
static long utimens(struct task_struct *t, const uint32_t a[6], int time64)
{
    uint32_t dirfd = a[0], upath = a[1], utimes = a[2], flags = a[3];
    if (utimes) {
        uint64_t ns[2];
        if (time64) {
            uint64_t tsv[4];
            if (copy_from_user(t->mm, tsv, utimes, sizeof tsv))
                return -EFAULT;
            ns[0] = tsv[1], ns[1] = tsv[3];
        } else {
            int32_t tsv[4];
            if (copy_from_user(t->mm, tsv, utimes, sizeof tsv))
                return -EFAULT;
            ns[0] = (uint64_t)(int64_t)tsv[1], ns[1] = (uint64_t)(int64_t)tsv[3];
        }
        if (ns[0] == G_UTIME_OMIT && ns[1] == G_UTIME_OMIT)
            return 0;
        if (!nsec_valid(ns[0]) || !nsec_valid(ns[1]))
            return -EINVAL;
    }
    if (!upath && dirfd != G_AT_FDCWD)
        return flags ? -EINVAL : fd_erofs(t, dirfd);
    if (flags & ~(G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    return path_erofs(t, dirfd, upath, flags, !(flags & G_AT_SYMLINK_NOFOLLOW));
}

long sys_utimensat(struct task_struct *t, const uint32_t a[6]) { return utimens(t, a, 0); }
long sys_utimensat64(struct task_struct *t, const uint32_t a[6]) { return utimens(t, a, 1); }

long sys_utime(struct task_struct *t, const uint32_t a[6])
{
    uint32_t tv[2];
    if (a[1] && copy_from_user(t->mm, tv, a[1], sizeof tv))
        return -EFAULT;
    return path_erofs(t, G_AT_FDCWD, a[0], 0, 1);
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

long sys_utimes(struct task_struct *t, const uint32_t a[6]) { return utimes_at(t, G_AT_FDCWD, a[0], a[1]); }
long sys_futimesat(struct task_struct *t, const uint32_t a[6]) { return utimes_at(t, a[0], a[1], a[2]); }

/* do_sys_truncate / vfs_truncate: length, path, type, then EROFS. */
static long truncate_path(struct task_struct *t, uint32_t upath, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    struct stat st;
    long r = resolve(t, G_AT_FDCWD, upath, 0, 1, &st);
    if (r)
        return r;
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    return S_ISREG(st.st_mode) ? -EROFS : -EINVAL;
}

/* do_sys_ftruncate: no guest descriptor is open for writing a file. */
static long truncate_fd(struct task_struct *t, uint32_t fd, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    return fdget(t->files, fd) ? -EINVAL : -EBADF;
}

static int64_t arg64(const uint32_t a[6], int i) { return (int64_t)((uint64_t)a[i + 1] << 32 | a[i]); }

long sys_truncate(struct task_struct *t, const uint32_t a[6]) { return truncate_path(t, a[0], (int32_t)a[1]); }
long sys_truncate64(struct task_struct *t, const uint32_t a[6]) { return truncate_path(t, a[0], arg64(a, 1)); }
long sys_ftruncate(struct task_struct *t, const uint32_t a[6]) { return truncate_fd(t, a[0], (int32_t)a[1]); }
long sys_ftruncate64(struct task_struct *t, const uint32_t a[6]) { return truncate_fd(t, a[0], arg64(a, 1)); }

/*
 * sys_xattr.c — extended attributes (fs/xattr.c): the get, list, set and
 * remove calls by path, by path without following a symlink, and by
 * descriptor.
 *
 * The model's file systems store no extended attributes: every object
 * answers as one on a file system that supports them and has none set.  A
 * get is ENODATA and a list is empty (what ls -l and libselinux expect of
 * an unlabelled file: no "security.selinux", no POSIX ACL); a set or a
 * remove is EOPNOTSUPP, as tmpfs answers user.* in Linux 6.1.  The host's
 * own attributes of the root's files are never read: they describe the
 * host, and a Debian root made by dpkg -x has none.  Each call does
 * Linux's checks in Linux's order first: the path walk (ENOENT, ENOTDIR,
 * ELOOP, EFAULT) or the descriptor (EBADF), then the name (ERANGE when
 * empty or longer than XATTR_NAME_MAX), then the flags and size.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/sys_internal.h"

#define XATTR_NAME_MAX 255u
#define XATTR_SIZE_MAX 65536u
#define XATTR_CREATE   0x1u
#define XATTR_REPLACE  0x2u

#define BY_FD (-1)

/* The object a call names: by path (following the last symlink unless
 * nofollow is 1) or, nofollow BY_FD, by descriptor fd (upath unused). */
static long xattr_target(struct task_struct *t, uint32_t upath, int nofollow, uint32_t fd)
{
    struct stat st;
    if (nofollow == BY_FD)
        return fdget(t->files, fd) ? 0 : -EBADF;
    char path[PATH_MAX_G];
    long r = strncpy_from_user(t->mm, path, upath, PATH_MAX_G);
    if (r < 0)
        return r;
    if (r == PATH_MAX_G)
        return -ENAMETOOLONG;
    int hfd;
    r = stat_lookup(t, G_AT_FDCWD, path, nofollow == 1 ? G_AT_SYMLINK_NOFOLLOW : 0, &st, &hfd, NULL);
    if (!r && hfd >= 0)
        close(hfd);
    return r;
}

/* import_xattr_name: a name of 1..XATTR_NAME_MAX bytes, else ERANGE. */
static long xattr_name(struct task_struct *t, uint32_t uname)
{
    char name[XATTR_NAME_MAX + 1];
    long r = strncpy_from_user(t->mm, name, uname, sizeof name);
    if (r == 0 || r == (long)sizeof name || r == -ENAMETOOLONG)
        return -ERANGE;                 /* no NUL in the first 256 bytes */
    return r < 0 ? r : 0;
}

static long do_getxattr(struct task_struct *t, uint32_t upath, int nofollow, uint32_t fd,
                        uint32_t uname)
{
    long r = xattr_target(t, upath, nofollow, fd);
    if (!r)
        r = xattr_name(t, uname);
    return r ? r : -ENODATA;            /* no attribute of that name */
}

static long do_listxattr(struct task_struct *t, uint32_t upath, int nofollow, uint32_t fd)
{
    return xattr_target(t, upath, nofollow, fd);   /* 0 bytes: the list is empty */
}

static long do_setxattr(struct task_struct *t, uint32_t upath, int nofollow, uint32_t fd,
                        uint32_t uname, uint32_t size, uint32_t flags)
{
    long r = xattr_target(t, upath, nofollow, fd);
    if (!r && (flags & ~(XATTR_CREATE | XATTR_REPLACE)))
        r = -EINVAL;
    if (!r)
        r = xattr_name(t, uname);
    if (!r && size > XATTR_SIZE_MAX)
        r = -E2BIG;
    return r ? r : -EOPNOTSUPP;
}

static long do_removexattr(struct task_struct *t, uint32_t upath, int nofollow, uint32_t fd,
                           uint32_t uname)
{
    long r = xattr_target(t, upath, nofollow, fd);
    if (!r)
        r = xattr_name(t, uname);
    return r ? r : -EOPNOTSUPP;
}

SYSCALL_DEFINE5(setxattr, uint32_t, path, uint32_t, name, uint32_t, value, uint32_t, size,
                uint32_t, flags)
{
    (void)value;
    return do_setxattr(t, path, 0, 0, name, size, flags);
}
SYSCALL_DEFINE5(lsetxattr, uint32_t, path, uint32_t, name, uint32_t, value, uint32_t, size,
                uint32_t, flags)
{
    (void)value;
    return do_setxattr(t, path, 1, 0, name, size, flags);
}
SYSCALL_DEFINE5(fsetxattr, uint32_t, fd, uint32_t, name, uint32_t, value, uint32_t, size,
                uint32_t, flags)
{
    (void)value;
    return do_setxattr(t, 0, BY_FD, fd, name, size, flags);
}
SYSCALL_DEFINE4(getxattr, uint32_t, path, uint32_t, name, uint32_t, value, uint32_t, size)
{
    (void)value, (void)size;
    return do_getxattr(t, path, 0, 0, name);
}
SYSCALL_DEFINE4(lgetxattr, uint32_t, path, uint32_t, name, uint32_t, value, uint32_t, size)
{
    (void)value, (void)size;
    return do_getxattr(t, path, 1, 0, name);
}
SYSCALL_DEFINE4(fgetxattr, uint32_t, fd, uint32_t, name, uint32_t, value, uint32_t, size)
{
    (void)value, (void)size;
    return do_getxattr(t, 0, BY_FD, fd, name);
}
SYSCALL_DEFINE3(listxattr, uint32_t, path, uint32_t, list, uint32_t, size)
{
    (void)list, (void)size;
    return do_listxattr(t, path, 0, 0);
}
SYSCALL_DEFINE3(llistxattr, uint32_t, path, uint32_t, list, uint32_t, size)
{
    (void)list, (void)size;
    return do_listxattr(t, path, 1, 0);
}
SYSCALL_DEFINE3(flistxattr, uint32_t, fd, uint32_t, list, uint32_t, size)
{
    (void)list, (void)size;
    return do_listxattr(t, 0, BY_FD, fd);
}
SYSCALL_DEFINE2(removexattr, uint32_t, path, uint32_t, name)
{
    return do_removexattr(t, path, 0, 0, name);
}
SYSCALL_DEFINE2(lremovexattr, uint32_t, path, uint32_t, name)
{
    return do_removexattr(t, path, 1, 0, name);
}
SYSCALL_DEFINE2(fremovexattr, uint32_t, fd, uint32_t, name)
{
    return do_removexattr(t, 0, BY_FD, fd, name);
}

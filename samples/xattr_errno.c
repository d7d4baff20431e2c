/*
 * xattr_errno.c — the extended-attribute calls on a file nobody labelled:
 * what each get, list and set answers, and the errno of each bad argument
 * in Linux's order (the path or descriptor first, then the flags, the
 * name and the size).  Works on a scratch directory it makes under the
 * current directory, so any file system without attributes set on new
 * files (ext4, tmpfs, memsim's overlay) answers the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

static void show(const char *what, long r)
{
    if (r >= 0)
        printf("%-36s = %ld\n", what, r);
    else
        printf("%-36s %s\n", what, errno == ENODATA ? "ENODATA" : errno == ERANGE ? "ERANGE"
               : errno == ENOENT ? "ENOENT" : errno == ENOTDIR ? "ENOTDIR"
               : errno == EBADF ? "EBADF" : errno == EINVAL ? "EINVAL"
               : errno == E2BIG ? "E2BIG" : errno == EFAULT ? "EFAULT" : strerror(errno));
}

int main(void)
{
    char dir[64], file[96], link[96], buf[256], longname[300];
    snprintf(dir, sizeof dir, "xattr_errno.%d", (int)getpid());
    snprintf(file, sizeof file, "%s/f", dir);
    snprintf(link, sizeof link, "%s/l", dir);
    if (mkdir(dir, 0700) || close(open(file, O_CREAT | O_WRONLY, 0600)) || symlink("f", link))
        return 1;
    int fd = open(file, O_RDONLY);
    memset(longname, 'a', sizeof longname - 1);
    memcpy(longname, "user.", 5);
    longname[sizeof longname - 1] = 0;

    show("getxattr user.memsim", getxattr(file, "user.memsim", buf, sizeof buf));
    show("lgetxattr on the symlink", lgetxattr(link, "user.memsim", buf, sizeof buf));
    show("getxattr through the symlink", getxattr(link, "user.memsim", buf, sizeof buf));
    show("fgetxattr", fgetxattr(fd, "user.memsim", buf, sizeof buf));
    show("getxattr system.posix_acl_access", getxattr(file, "system.posix_acl_access", buf, sizeof buf));
    show("listxattr", listxattr(file, buf, sizeof buf));
    show("llistxattr", llistxattr(link, buf, sizeof buf));
    show("flistxattr size 0", flistxattr(fd, NULL, 0));
    show("getxattr missing file", getxattr("nosuch/f", "user.x", buf, sizeof buf));
    snprintf(buf, sizeof buf, "%s/x", file);
    show("listxattr through a file", listxattr(buf, NULL, 0));
    show("fgetxattr bad fd", fgetxattr(999, "user.x", buf, sizeof buf));
    show("flistxattr bad fd", flistxattr(999, NULL, 0));
    show("getxattr empty name", getxattr(file, "", buf, sizeof buf));
    show("getxattr 299-byte name", getxattr(file, longname, buf, sizeof buf));
    show("setxattr bad flags", setxattr(file, "user.x", "v", 1, 4));
    show("setxattr empty name", setxattr(file, "", "v", 1, 0));
    show("setxattr missing file", setxattr("nosuch/f", "user.x", "v", 1, 0));
    show("fsetxattr bad fd", fsetxattr(999, "user.x", "v", 1, 0));
    show("removexattr missing file", removexattr("nosuch/f", "user.x"));
    show("fremovexattr bad fd", fremovexattr(999, "user.x"));
    show("removexattr empty name", removexattr(file, ""));
    close(fd);
    unlink(link);
    unlink(file);
    rmdir(dir);
    return 0;
}

/*
 * nd_path.c — what the system calls ask of a walked path (namei.h's
 * struct nd_path) once namei.c has answered: its release, whether a
 * directory is a merged one or a name has a lower below it, the upper
 * parent a change needs, the permission check on the model's attributes,
 * and the guest path of an open directory (a relative walk's start).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/namei.h"
#include "kernel-model/shmem_priv.h"

long nd_file_path(struct task_struct *t, struct file *f, char *buf, size_t len)
{
    (void)t;
    const char *g = NULL;
    if (host_file_dir(f))
        g = guest_dir_path(host_file_dir(f));
    else if (f->f_inode && S_ISDIR(f->f_inode->i_mode) && f->f_op->kind == FILE_SHMEM)
        g = f->f_path;                      /* an upper or tmpfs directory, a merged one */
    if (!g)
        return -ENOTDIR;
    int n = snprintf(buf, len, "%s", g);
    return n >= 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

void nd_path_release(struct nd_path *p)
{
    if (p->fd >= 0)
        close(p->fd);
    if (p->parent_fd >= 0)
        close(p->parent_fd);
    p->fd = p->parent_fd = -1;
}

int nd_merged_dir(const struct nd_path *p)
{
    const struct shmem_dentry *d = p->d;
    if ((p->mnt != MNT_OVERLAY && p->mnt != MNT_TMPFS) || !d || d->whiteout ||
        !S_ISDIR(p->st.st_mode) || p->fd < 0)
        return 0;
    return d->inode ? !d->opaque : d->child != NULL;
}

int nd_has_lower(const struct nd_path *p)
{
    struct stat st;
    if ((p->mnt != MNT_OVERLAY && p->mnt != MNT_TMPFS) || p->parent_fd < 0 ||
        p->last_type != LAST_NORM)
        return 0;
    return !fstatat(p->parent_fd, p->last, &st, AT_SYMLINK_NOFOLLOW);
}

long nd_upper_parent(struct task_struct *t, struct nd_path *p)
{
    if (p->dir)
        return 0;               /* tmpfs directories are all upper entries: the overlay's */
    char path[PATH_MAX_G];
    snprintf(path, sizeof path, "%s", p->gpath);
    *strrchr(path, '/') = 0;
    return (p->dir = nd_merge_path(t, p->sb, path)) ? 0 : -ENOMEM;
}

long nd_permission(const struct stat *st, uint32_t mask)
{
    uid_t uid = getuid();
    if (!uid)
        return (mask & X_OK) && !(st->st_mode & 0111) && !S_ISDIR(st->st_mode) ? -EACCES : 0;
    unsigned bits = st->st_uid == uid ? st->st_mode >> 6
                  : st->st_gid == getgid() ? st->st_mode >> 3 : st->st_mode;
    return (mask & ~bits & 7u) ? -EACCES : 0;
}

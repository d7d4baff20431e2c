/*
 * overlay.c — the model's upper layer (fs/overlayfs with a tmpfs upper,
 * and tmpfs itself): creates, copy-ups, unlinks, renames, links and
 * attribute changes of names that the walk (namei.c) found in the
 * overlay over the root or in a tmpfs mount.  Nothing reaches the host;
 * everything is gone at exit.
 *
 * The upper layer of the overlay is the third superblock of shmem.c's
 * mounts (OVL_SB), a tree of shmem_dentry: an entry with an inode is an
 * upper object (a tmpfs inode: its data is its page-cache pages); an
 * entry without one is a whiteout (the lower name is gone) or a merge
 * entry (a host directory that holds upper names).  A directory made by
 * mkdir is opaque (nothing of the host below it); a host directory
 * copied up for its attributes is not.  tmpfs's mounts are trees of the
 * same kind with no host below at all.
 *
 * Copy-up (ovl_copy_up): a host regular file's bytes are read into the
 * pages of a new upper inode (the host's cached pages are not shared: the
 * copy is of the bytes), a symlink's target into an upper symlink, a
 * directory gets an upper inode over its merge entry; the attributes
 * (mode, owner, times) are the host's.  Metadata-only copy-up (chmod,
 * chown, utimens) copies the data too: the model has no lazy data copy.
 * A host directory is renamed only as overlayfs without redirect_dir
 * does it: EXDEV.  Special files (devices, FIFOs, sockets) are not copied
 * up: EROFS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kernel-model/namei.h"
#include "kernel-model/overlay.h"
#include "kernel-model/shmem_priv.h"

/* p names upper entry d now. */
static void set_upper(struct nd_path *p, struct shmem_dentry *d)
{
    p->d = d;
    p->layer = LAYER_UPPER;
    shmem_fill_stat(d->inode, p->sb->dev, &p->st);
}

/* A new upper inode of mode at p's last name (a whiteout there goes: the
 * new entry hides the lower name itself). */
static long new_upper(struct task_struct *t, struct nd_path *p, uint32_t mode, const char *link)
{
    long r = nd_upper_parent(t, p);
    if (r)
        return r;
    if (p->d)
        shmem_d_remove(t->k, p->d);
    p->d = NULL;
    struct inode *i = shmem_new_inode(t->k, p->sb, mode);
    if (i && link) {
        if (!(i->i_link = strdup(link))) {
            iput(i);
            return -ENOMEM;
        }
        i->i_size = (int64_t)strlen(link);
    }
    struct shmem_dentry *d = i ? shmem_d_alloc(t->k, p->dir, p->last, strlen(p->last), i) : NULL;
    if (!d) {
        if (i)
            iput(i);
        return -ENOMEM;
    }
    set_upper(p, d);
    return 0;
}

long upper_create(struct task_struct *t, struct nd_path *p, uint32_t mode, const char *link)
{
    long r = new_upper(t, p, mode, link);
    if (!r && S_ISDIR(mode))
        p->d->opaque = 1;
    return r;
}

/* The host regular file's bytes into upper inode i. */
static long copy_data(struct task_struct *t, struct nd_path *p, struct inode *i)
{
    int fd = openat(p->parent_fd, p->last, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    long r = 0;
    char buf[PAGE_SIZE];
    for (int64_t pos = 0; !r;) {
        ssize_t n = pread(fd, buf, sizeof buf, pos);
        if (n <= 0) {
            r = n < 0 ? -errno : 0;
            break;
        }
        long wr = shmem_write_at(t->k, i, buf, (size_t)n, pos);
        r = wr < 0 ? wr : 0;
        pos += n;
    }
    close(fd);
    return r;
}

/* A host directory's upper inode: on its merge entry, not opaque. */
static long copy_up_dir(struct task_struct *t, struct nd_path *p)
{
    struct shmem_dentry *d = p->d ? p->d : nd_merge_path(t, p->sb, p->gpath);
    if (!d)
        return -ENOMEM;
    if (d == &p->sb->root)
        return -EROFS;                  /* the root's own attributes stay the host's */
    struct inode *i = shmem_new_inode(t->k, p->sb, p->st.st_mode);
    if (!i)
        return -ENOMEM;
    d->inode = i;
    p->d = d;
    return 0;
}

long ovl_copy_up(struct task_struct *t, struct nd_path *p)
{
    if (p->layer == LAYER_UPPER)
        return 0;
    if (p->layer != LAYER_HOST || (p->mnt != MNT_OVERLAY && p->mnt != MNT_TMPFS) || p->mountpoint)
        return -EROFS;
    struct stat st = p->st;
    long r;
    if (S_ISDIR(st.st_mode))
        r = copy_up_dir(t, p);
    else if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX_G];
        ssize_t n = readlinkat(p->fd, "", target, sizeof target - 1);
        if (n < 0)
            return -errno;
        target[n] = 0;
        r = new_upper(t, p, st.st_mode, target);
    } else if (S_ISREG(st.st_mode)) {
        r = new_upper(t, p, st.st_mode & (S_IFMT | 07777), NULL);
        if (!r && (r = copy_data(t, p, p->d->inode))) {
            shmem_d_remove(t->k, p->d);
            p->d = NULL;
            p->layer = LAYER_HOST;
            return r;
        }
    } else
        return -EROFS;
    if (r)
        return r;
    struct inode *i = p->d->inode;
    i->i_uid = st.st_uid;
    i->i_gid = st.st_gid;
    i->i_atime = st.st_atime;
    i->i_mtime = st.st_mtime;
    i->i_ctime = st.st_ctime;
    set_upper(p, p->d);
    if (S_ISDIR(st.st_mode))
        p->st.st_nlink = st.st_nlink;
    return 0;
}

long ovl_open(struct task_struct *t, struct nd_path *p, uint32_t flags, uint32_t mode,
              struct file **out)
{
    int creat = (flags & G_O_CREAT) != 0;
    int writing = (flags & G_O_ACCMODE) != 0 || (flags & G_O_TRUNC);
    if (!nd_exists(p)) {
        if (!creat)
            return -ENOENT;
        if (p->trailing_slash)
            return -EISDIR;
        long r = new_upper(t, p, S_IFREG | (mode & 07777 & ~t->fs->umask), NULL);
        return r ? r : shmem_open_dentry(t, p->sb, p->d, p->gpath, flags, 0, out);
    }
    if (creat && (flags & G_O_EXCL))
        return -EEXIST;
    if (S_ISLNK(p->st.st_mode))
        return -ELOOP;                  /* O_NOFOLLOW on a symlink */
    if (S_ISDIR(p->st.st_mode) && nd_merged_dir(p))
        return writing ? -EISDIR : ovl_open_merged_dir(t, p, flags, out);
    if (p->layer == LAYER_HOST) {
        if (!writing || !S_ISREG(p->st.st_mode))
            return 1;                   /* the host's file (a directory: EISDIR) */
        long r = ovl_copy_up(t, p);
        if (r)
            return r;
    }
    return shmem_open_dentry(t, p->sb, p->d, p->gpath, flags, p->trailing_slash, out);
}

/* Hide the lower name at p (its upper entry gone): a whiteout entry. */
static long whiteout(struct task_struct *t, struct nd_path *p)
{
    long r = nd_upper_parent(t, p);
    if (r)
        return r;
    struct shmem_dentry *wh = shmem_d_alloc(t->k, p->dir, p->last, strlen(p->last), NULL);
    if (!wh)
        return -ENOMEM;
    wh->whiteout = 1;
    return 0;
}

/* Is the directory p empty in its mount's view? 1, 0, -errno. */
static long dir_empty(struct task_struct *t, struct nd_path *p)
{
    if (p->layer == LAYER_UPPER && !nd_merged_dir(p)) {
        for (const struct shmem_dentry *c = p->d->child; c; c = c->next)
            if (c->inode)
                return 0;
        return 1;
    }
    return ovl_dir_empty(t, p);
}

long upper_unlink(struct task_struct *t, struct nd_path *p, int dir)
{
    int is_dir = S_ISDIR(p->st.st_mode);
    if (dir && !is_dir)
        return -ENOTDIR;
    if (!dir && is_dir)
        return -EISDIR;
    long r;
    if (dir && (r = dir_empty(t, p)) <= 0)
        return r ? r : -ENOTEMPTY;
    int lower = nd_has_lower(p);
    if (p->d)
        shmem_d_remove(t->k, p->d);
    p->d = NULL;
    return lower ? whiteout(t, p) : 0;
}

/* The target's kind in its mount's view: 0 none, 1 a file, 2 a directory. */
static int target_kind(const struct nd_path *b)
{
    return !nd_exists(b) ? 0 : S_ISDIR(b->st.st_mode) ? 2 : 1;
}

/* Is b's path a or below it? */
static int path_within(const char *b, const char *a)
{
    size_t n = strlen(a);
    return !strncmp(b, a, n) && (b[n] == '/' || !b[n]);
}

long upper_rename(struct task_struct *t, struct nd_path *a, struct nd_path *b, uint32_t flags)
{
    if (flags & ~1u)                    /* RENAME_EXCHANGE, _WHITEOUT: not modelled */
        return -EINVAL;
    if (a->layer == LAYER_UPPER && b->layer == LAYER_UPPER && a->d->inode == b->d->inode)
        return 0;                       /* the same file (or a link of it) */
    if (!strcmp(a->gpath, b->gpath))
        return 0;
    int ad = S_ISDIR(a->st.st_mode);
    if (ad && (a->layer == LAYER_HOST || nd_merged_dir(a)))
        return -EXDEV;                  /* a lower directory: no redirect_dir */
    if (ad && path_within(b->gpath, a->gpath))
        return -EINVAL;                 /* into itself */
    int kind = target_kind(b);
    long r;
    if (kind) {
        if (flags & 1u)
            return -EEXIST;
        if (ad && kind == 1)
            return -ENOTDIR;
        if (!ad && kind == 2)
            return -EISDIR;
        if (kind == 2 && (r = dir_empty(t, b)) <= 0)
            return r ? r : -ENOTEMPTY;
    }
    if ((r = ovl_copy_up(t, a)))
        return r;
    int lower = nd_has_lower(a);
    if ((r = nd_upper_parent(t, b)))
        return r;
    char *name = strdup(b->last);
    if (!name)
        return -ENOMEM;
    if (b->d)
        shmem_d_remove(t->k, b->d);
    b->d = NULL;
    struct shmem_dentry *src = a->d;
    shmem_d_unlink(src);
    free(src->name);
    src->name = name;
    shmem_d_link(b->dir, src);
    src->inode->i_ctime = t->k->epoch;
    a->d = NULL;
    return lower ? whiteout(t, a) : 0;
}

long upper_link(struct task_struct *t, struct nd_path *old, struct nd_path *new)
{
    long r = ovl_copy_up(t, old);
    if (r)
        return r;
    if ((r = nd_upper_parent(t, new)))
        return r;
    if (new->d)
        shmem_d_remove(t->k, new->d);   /* a whiteout */
    new->d = NULL;
    struct inode *i = old->d->inode;
    struct shmem_dentry *d = shmem_d_alloc(t->k, new->dir, new->last, strlen(new->last),
                                           ihold(i));
    if (!d) {
        iput(i);
        return -ENOMEM;
    }
    i->i_nlink++;
    i->i_ctime = t->k->epoch;
    return 0;
}

/* setattr_prepare's permission: the owner or root may change attributes;
 * chown to another user is root's, to another group the owner's only
 * into its own group (the model's groups: memsim's gid). */
static long setattr_prepare(const struct stat *st, const struct upper_attr *a)
{
    uid_t uid = getuid();
    if (!uid)
        return 0;
    int owner = st->st_uid == uid;
    if ((a->valid & UATTR_UID) && a->uid != st->st_uid)
        return -EPERM;
    if ((a->valid & UATTR_GID) && a->gid != st->st_gid && (!owner || a->gid != getgid()))
        return -EPERM;
    if ((a->valid & (UATTR_MODE | UATTR_GID | UATTR_TIMES_SET)) && !owner)
        return -EPERM;
    if ((a->valid & (UATTR_ATIME | UATTR_MTIME)) && !owner && !(st->st_mode & 0222))
        return -EACCES;                 /* "now" needs write permission */
    return 0;
}

long upper_setattr(struct task_struct *t, struct nd_path *p, const struct upper_attr *a)
{
    long r = setattr_prepare(&p->st, a);
    if (r || (r = ovl_copy_up(t, p)))
        return r;
    struct inode *i = p->d->inode;
    if (a->valid & UATTR_MODE)
        i->i_mode = (i->i_mode & S_IFMT) | (a->mode & 07777);
    if (a->valid & UATTR_UID)
        i->i_uid = a->uid;
    if (a->valid & UATTR_GID)
        i->i_gid = a->gid;
    if ((a->valid & (UATTR_UID | UATTR_GID)) && !S_ISDIR(i->i_mode) && getuid())
        i->i_mode &= ~(uint32_t)(S_ISUID | S_ISGID);    /* chown clears set-id bits */
    if (a->valid & UATTR_ATIME)
        i->i_atime = a->atime;
    if (a->valid & UATTR_MTIME)
        i->i_mtime = a->mtime;
    i->i_ctime = t->k->epoch;
    return 0;
}

long upper_truncate(struct task_struct *t, struct nd_path *p, int64_t length)
{
    if (S_ISDIR(p->st.st_mode))
        return -EISDIR;
    if (!S_ISREG(p->st.st_mode))
        return -EINVAL;
    long r = ovl_copy_up(t, p);
    return r ? r : shmem_truncate_inode(t, p->d->inode, length);
}

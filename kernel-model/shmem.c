/*
 * shmem.c — tmpfs for /tmp and /dev/shm (mm/shmem.c): files whose data
 * lives only in their page-cache pages, in a directory tree of the model's
 * own.  The host is never written.
 *
 * Each mount is a superblock of its own (st_dev 0:TMPFS_MINOR_BASE + n,
 * inode numbers from 2), its inodes are in the kernel's inode cache under
 * that identity (so mmap's vm_file finds them by (dev, ino), as a replay's
 * placeholders do), each named by one dentry of the tree; an inode's pages
 * are never reclaimed (no_writeback: there is no swap) and go with the
 * last reference to an unlinked file.
 *
 * Lookup (shmem_walk): an absolute guest path whose first components are
 * /tmp or /dev/shm.  The tree is a tmpfs mounted over the root's own
 * directory, with the host's entries still visible beneath it: a name
 * directly in the mount's top directory that tmpfs lacks falls through to
 * the host, so a guest can still read what the host keeps in /tmp;
 * writing such a name, or creating one the host has, is the overlay's
 * (overlay.c: copy-up into its upper layer, not into tmpfs).  Inside a
 * directory made in tmpfs every
 * name is tmpfs's.  The top directory itself (open, stat, getdents) is the
 * host's.  Relative paths are always the host's (a guest whose working
 * directory is in tmpfs is not modelled: chdir there is the host's too).
 *
 * The calls: open with O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY;
 * read/write/pread/pwrite/readv/writev through the page cache (a hole
 * reads as zeros without a page, as shmem_file_read_iter's ZERO_PAGE; a
 * write allocates zeroed pages and dirties them); lseek (SEEK_DATA and
 * SEEK_HOLE: the whole file is data); ftruncate/truncate; mmap (shared
 * mappings map the cache pages, MAP_PRIVATE copies on write, memory.c);
 * fstat/stat/statx; getdents64 of tmpfs directories; unlink, mkdir, rmdir
 * and rename inside one mount; fsync/fdatasync succeed (nothing to write).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "kernel-model/shmem_priv.h"

/* ---- the tree ---------------------------------------------------------- */

struct shmem_mounts *shmem_mounts(struct kernel *k)
{
    if (!k->shmem) {
        struct shmem_mounts *m = calloc(1, sizeof *m);
        if (!m)
            return NULL;
        static const char *const mnt[3] = { "/tmp", "/dev/shm", "/" };
        for (int i = 0; i < 3; i++)
            m->sb[i] = (struct shmem_sb){ .mnt = mnt[i], .next_ino = 2,
                                          .dev = makedev(0, TMPFS_MINOR_BASE + i) };
        k->shmem = m;
    }
    return k->shmem;
}

static void dentry_free(struct kernel *k, struct shmem_dentry *d)
{
    while (d->child) {
        struct shmem_dentry *c = d->child;
        d->child = c->next;
        dentry_free(k, c);
    }
    if (d->kaddr)
        kmem_cache_free(&k->slab, k->slab.dentry_cache, d->kaddr);
    if (d->inode) {
        d->inode->i_nlink = 0;          /* its one name: the file goes with it */
        iput(d->inode);
    }
    free(d->name);
    if (d->parent)
        free(d);
}

void shmem_destroy(struct kernel *k)
{
    struct shmem_mounts *m = k->shmem;
    if (!m)
        return;
    for (int i = 0; i < 3; i++)
        dentry_free(k, &m->sb[i].root);
    free(m);
    k->shmem = NULL;
}

struct shmem_dentry *shmem_d_lookup(struct shmem_dentry *dir, const char *name, size_t n)
{
    for (struct shmem_dentry *c = dir->child; c; c = c->next)
        if (strlen(c->name) == n && !memcmp(c->name, name, n))
            return c;
    return NULL;
}

static struct shmem_dentry *d_find_under(struct shmem_dentry *d, const struct inode *i)
{
    for (struct shmem_dentry *c = d->child; c; c = c->next) {
        if (c->inode == i)
            return c;
        struct shmem_dentry *in = !c->inode || S_ISDIR(c->inode->i_mode) ? d_find_under(c, i)
                                                                           : NULL;
        if (in)
            return in;
    }
    return NULL;
}

struct shmem_dentry *shmem_d_find(struct shmem_sb *sb, const struct inode *i)
{
    return d_find_under(&sb->root, i);
}

void shmem_d_unlink(struct shmem_dentry *d)
{
    struct shmem_dentry **pp = &d->parent->child;
    while (*pp != d)
        pp = &(*pp)->next;
    *pp = d->next;
    d->next = NULL;
}

void shmem_d_link(struct shmem_dentry *dir, struct shmem_dentry *d)
{
    d->parent = dir;
    d->next = dir->child;
    dir->child = d;
}

/* Where a path is in tmpfs: the mount, the directory of its last component
 * and that component (name, n), the dentry when it exists. */
struct shmem_where {
    struct shmem_sb *sb;
    struct shmem_dentry *dir, *d;
    const char *name;
    size_t n;
    int trailing_slash;
};

/*
 * 1: not tmpfs's (a relative path, another tree, the top directory, or a
 * name in the top directory that tmpfs lacks and that is not being made:
 * the host's); 0 and *w; -errno (ENOENT, ENOTDIR inside tmpfs).
 */
static long shmem_walk(struct kernel *k, const char *path, int creating, struct shmem_where *w)
{
    if (path[0] != '/')
        return 1;
    struct shmem_mounts *m = shmem_mounts(k);
    if (!m)
        return -ENOMEM;
    for (int i = 0; i < 2; i++) {
        size_t ml = strlen(m->sb[i].mnt);
        const char *p = path;
        while (p[1] == '/')
            p++;
        if (strncmp(p, m->sb[i].mnt, ml) || (p[ml] && p[ml] != '/'))
            continue;
        *w = (struct shmem_where){ .sb = &m->sb[i], .dir = &m->sb[i].root };
        p += ml;
        for (;;) {
            while (*p == '/')
                p++;
            if (!*p)
                return w->d ? 0 : 1;            /* the top directory: the host's */
            const char *e = strchr(p, '/');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            const char *rest = p + n;
            while (*rest == '/')
                rest++;
            if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                return 1;                       /* dot names: left to the host walk */
            if (w->d) {
                if (!S_ISDIR(w->d->inode->i_mode))
                    return -ENOTDIR;
                w->dir = w->d;
            }
            w->d = shmem_d_lookup(w->dir, p, n);
            w->name = p;
            w->n = n;
            w->trailing_slash = e != NULL;
            if (!*rest) {
                if (!w->d && w->dir == &w->sb->root && !creating)
                    return 1;
                return 0;
            }
            if (!w->d)
                return w->dir == &w->sb->root ? 1 : -ENOENT;
            p = rest;
        }
    }
    return 1;
}

/* A new name in a mount's top directory that the host's directory already
 * has is not tmpfs's: the overlay over the root answers for it (EEXIST,
 * or a copy-up), so tmpfs never shadows the host's file. */
static int host_has(struct task_struct *t, const struct shmem_where *w, const char *path)
{
    if (w->d || w->dir != &w->sb->root)
        return 0;
    int fd = fs_open(t, G_AT_FDCWD, path, O_PATH | O_NOFOLLOW);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

struct inode *shmem_new_inode(struct kernel *k, struct shmem_sb *sb, uint32_t mode)
{
    struct inode *i = iget_ident(k, sb->dev, sb->next_ino++);
    if (!i)
        return NULL;
    i->i_mode = mode;
    i->i_size = 0;
    i->i_nlink = 1;
    i->i_data.no_writeback = 1;
    i->i_mtime = i->i_ctime = k->epoch;
    inode_alloc_object(k, i, k->slab.shmem_inode_cachep);
    return i;
}

struct shmem_dentry *shmem_d_alloc(struct kernel *k, struct shmem_dentry *dir,
                                   const char *name, size_t n, struct inode *inode)
{
    struct shmem_dentry *d = calloc(1, sizeof *d);
    if (!d || !(d->name = strndup(name, n))) {
        free(d);
        return NULL;
    }
    d->inode = inode;
    d->kaddr = kmem_cache_alloc(&k->slab, k->slab.dentry_cache);
    shmem_d_link(dir, d);
    return d;
}

static struct shmem_dentry *d_create(struct kernel *k, struct shmem_where *w, uint32_t mode)
{
    struct inode *i = shmem_new_inode(k, w->sb, mode);
    struct shmem_dentry *d = i ? shmem_d_alloc(k, w->dir, w->name, w->n, i) : NULL;
    if (i && !d)
        iput(i);
    return d;
}

/* ---- the path calls ----------------------------------------------------- */

long shmem_open(struct task_struct *t, const char *path, uint32_t flags, uint32_t mode,
                struct file **out)
{
    struct shmem_where w;
    int creat = (flags & G_O_CREAT) != 0;
    long r = shmem_walk(t->k, path, creat, &w);
    if (r)
        return r;
    if (host_has(t, &w, path))
        return 1;
    if (w.d && creat && (flags & G_O_EXCL))
        return -EEXIST;
    if (!w.d) {
        if (!creat)
            return -ENOENT;
        if (w.trailing_slash)
            return -EISDIR;
        if (!(w.d = d_create(t->k, &w, S_IFREG | (mode & 07777 & ~t->umask))))
            return -ENOMEM;
    }
    return shmem_open_dentry(t, w.sb, w.d, path, flags, w.trailing_slash, out);
}

long shmem_open_dentry(struct task_struct *t, struct shmem_sb *sb, struct shmem_dentry *d,
                       const char *path, uint32_t flags, int trailing_slash, struct file **out)
{
    uint32_t acc = flags & G_O_ACCMODE;
    struct inode *i = d->inode;
    if (S_ISDIR(i->i_mode) && (acc != 0 || (flags & G_O_TRUNC)))
        return -EISDIR;
    if (!S_ISDIR(i->i_mode) && ((flags & G_O_DIRECTORY) || trailing_slash))
        return -ENOTDIR;
    if (acc == 3)
        return -EINVAL;
    struct shmem_file *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    *s = (struct shmem_file){ .sb = sb };
    struct file *f = alloc_file(&shmem_file_ops, ihold(i), flags & ~(uint32_t)(G_O_CREAT |
                                G_O_EXCL | G_O_TRUNC | G_O_CLOEXEC), path, s);
    if (!f) {
        iput(i);
        free(s);
        return -ENOMEM;
    }
    f->f_mode = (acc != 1 ? FMODE_READ_ : 0) | (acc != 0 ? FMODE_WRITE_ : 0);
    if ((flags & G_O_TRUNC) && (f->f_mode & FMODE_WRITE_) && S_ISREG(i->i_mode))
        shmem_setsize(t, i, 0);
    *out = f;
    return 0;
}

/* shmem_walk to a name that must exist: 1 (not tmpfs's), -ENOENT ... */
static long walk_existing(struct task_struct *t, const char *path, struct shmem_where *w)
{
    long r = shmem_walk(t->k, path, 0, w);
    return r ? r : w->d ? 0 : -ENOENT;
}

long shmem_stat(struct task_struct *t, const char *path, struct stat *st)
{
    struct shmem_where w;
    long r = walk_existing(t, path, &w);
    if (r)
        return r;
    if (w.trailing_slash && !S_ISDIR(w.d->inode->i_mode))
        return -ENOTDIR;
    shmem_fill_stat(w.d->inode, w.sb->dev, st);
    return 0;
}

/* The last name goes (its dentry object with it: tmpfs keeps no negative
 * dentries); an inode no one holds any more goes with its pages. */
void shmem_d_remove(struct kernel *k, struct shmem_dentry *d)
{
    shmem_d_unlink(d);
    dentry_free(k, d);                  /* an overlay directory: its names too */
}

long shmem_unlink(struct task_struct *t, const char *path, int dir)
{
    struct shmem_where w;
    long r = walk_existing(t, path, &w);
    if (r)
        return r;
    int is_dir = S_ISDIR(w.d->inode->i_mode);
    if (dir && !is_dir)
        return -ENOTDIR;
    if (!dir && is_dir)
        return -EISDIR;
    if (dir && w.d->child)
        return -ENOTEMPTY;
    if (!dir && w.trailing_slash)
        return -ENOTDIR;
    shmem_d_remove(t->k, w.d);
    return 0;
}

long shmem_mkdir(struct task_struct *t, const char *path, uint32_t mode)
{
    struct shmem_where w;
    long r = shmem_walk(t->k, path, 1, &w);
    if (r)
        return r;
    if (host_has(t, &w, path))
        return 1;
    if (w.d)
        return -EEXIST;
    return d_create(t->k, &w, S_IFDIR | (mode & 07777 & ~t->umask)) ? 0 : -ENOMEM;
}

/* Is d a or under a? */
static int d_within(const struct shmem_dentry *d, const struct shmem_dentry *a)
{
    for (; d; d = d->parent)
        if (d == a)
            return 1;
    return 0;
}

long shmem_rename(struct task_struct *t, const char *from, const char *to, uint32_t flags)
{
    struct shmem_where a, b;
    long ra = shmem_walk(t->k, from, 0, &a), rb = shmem_walk(t->k, to, 1, &b);
    if (ra == 1 && rb == 1)
        return 1;                           /* neither is tmpfs's: the host's answer */
    if (ra < 0)
        return ra;
    if (rb < 0)
        return rb;
    if (ra == 1 || rb == 1 || a.sb != b.sb)
        return ra == 1 && !a.d ? -ENOENT : -EXDEV;
    if (!a.d)
        return -ENOENT;
    if (flags & ~1u)                        /* only RENAME_NOREPLACE */
        return -EINVAL;
    if (b.d == a.d)
        return 0;
    if (S_ISDIR(a.d->inode->i_mode) && d_within(b.dir, a.d))
        return -EINVAL;                     /* into itself */
    if (b.d) {
        if (flags & 1u)
            return -EEXIST;
        int ad = S_ISDIR(a.d->inode->i_mode), bd = S_ISDIR(b.d->inode->i_mode);
        if (ad && !bd)
            return -ENOTDIR;
        if (!ad && bd)
            return -EISDIR;
        if (bd && b.d->child)
            return -ENOTEMPTY;
        shmem_d_remove(t->k, b.d);
    }
    char *name = strndup(b.name, b.n);
    if (!name)
        return -ENOMEM;
    shmem_d_unlink(a.d);
    free(a.d->name);
    a.d->name = name;
    shmem_d_link(b.dir, a.d);
    return 0;
}

long shmem_truncate(struct task_struct *t, const char *path, int64_t length)
{
    struct shmem_where w;
    long r = walk_existing(t, path, &w);
    return r ? r : shmem_truncate_inode(t, w.d->inode, length);
}

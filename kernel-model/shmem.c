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
 * Lookup is the model's walk (namei.c): /tmp and /dev/shm are mount
 * points, each a fresh tmpfs whose root directory (inode 1, 01777) is made
 * at first use; nothing of the host's directory beneath shows, as on Linux
 * with tmpfs mounted there.  The names' calls (create, unlink, rename,
 * link, setattr) are the upper layer's (overlay.c), shared with the
 * overlay over the root, whose upper tree is the third superblock here.
 * A dentry names one inode; hard links are dentries sharing one inode,
 * counted in i_nlink (the last name takes the file).
 *
 * The calls: open with O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY;
 * read/write/pread/pwrite/readv/writev through the page cache (a hole
 * reads as zeros without a page, as shmem_file_read_iter's ZERO_PAGE; a
 * write allocates zeroed pages and dirties them); lseek (SEEK_DATA and
 * SEEK_HOLE: the whole file is data); ftruncate/truncate; mmap (shared
 * mappings map the cache pages, MAP_PRIVATE copies on write, memory.c);
 * fstat/stat/statx; getdents64 of tmpfs directories; fsync/fdatasync
 * succeed (nothing to write).
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
        if (d->inode->i_nlink)
            d->inode->i_nlink--;        /* a name less: the last one takes the file */
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
    return sb->root.inode == i ? &sb->root : d_find_under(&sb->root, i);
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

struct inode *shmem_new_inode(struct kernel *k, struct shmem_sb *sb, uint32_t mode)
{
    struct inode *i = iget_ident(k, sb->dev, sb->next_ino++);
    if (!i)
        return NULL;
    i->i_mode = mode;
    i->i_size = 0;
    i->i_nlink = 1;
    i->i_uid = getuid();                /* the guest's is memsim's (sys_core.c) */
    i->i_gid = getgid();
    i->i_data.no_writeback = 1;
    i->i_atime = i->i_mtime = i->i_ctime = k->epoch;
    inode_alloc_object(k, i, k->slab.shmem_inode_cachep);
    return i;
}

struct inode *shmem_root_inode(struct kernel *k, struct shmem_sb *sb)
{
    if (sb->root.inode)
        return sb->root.inode;
    uint64_t next = sb->next_ino;
    sb->next_ino = 1;                   /* tmpfs's root is inode 1, files from 2 */
    struct inode *i = shmem_new_inode(k, sb, S_IFDIR | 01777);
    sb->next_ino = next;
    return sb->root.inode = i;
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

/* ---- opening a dentry ---------------------------------------------------- */

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

/* The last name goes (its dentry object with it: tmpfs keeps no negative
 * dentries); an inode no one holds any more goes with its pages. */
void shmem_d_remove(struct kernel *k, struct shmem_dentry *d)
{
    shmem_d_unlink(d);
    dentry_free(k, d);                  /* an overlay directory: its names too */
}

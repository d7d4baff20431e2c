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
 * the host (read-only, as every root file: EROFS on writes), so a guest
 * can still read what the host keeps in /tmp; creating a name the host
 * has is the host's answer (EEXIST, or EROFS to write it: no copy-up, the
 * overlay of item 6 is not here).  Inside a directory made in tmpfs every
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
#include "kernel-model/fs.h"
#include "kernel-model/sched.h"
#include "kernel-model/shmem.h"

#define TMPFS_MINOR_BASE 30u            /* anonymous block devices 0:N, as tmpfs's */

struct shmem_dentry {
    char *name;
    uint32_t kaddr;                     /* its dentry slab object (d_alloc) */
    struct inode *inode;                /* a reference */
    struct shmem_dentry *parent, *child, *next;   /* the tree */
};

struct shmem_sb {
    const char *mnt;                    /* "/tmp", "/dev/shm" */
    uint64_t dev;
    uint64_t next_ino;
    struct shmem_dentry root;           /* its inode: none (the host's directory) */
};

struct shmem_mounts {
    struct shmem_sb sb[2];
};

/* The private data of an open tmpfs file. */
struct shmem_file {
    struct shmem_sb *sb;
    struct shmem_dentry *dentry;        /* NULL once unlinked */
    uint32_t dir_pos;                   /* getdents: entries handed out */
};

/* ---- the tree ---------------------------------------------------------- */

static struct shmem_mounts *mounts(struct kernel *k)
{
    if (!k->shmem) {
        struct shmem_mounts *m = calloc(1, sizeof *m);
        if (!m)
            return NULL;
        static const char *const mnt[2] = { "/tmp", "/dev/shm" };
        for (int i = 0; i < 2; i++)
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
    if (d->inode)
        iput(d->inode);
    free(d->name);
    if (d->parent)
        free(d);
}

void shmem_destroy(struct kernel *k)
{
    struct shmem_mounts *m = k->shmem;
    if (!m)
        return;
    for (int i = 0; i < 2; i++)
        dentry_free(k, &m->sb[i].root);
    free(m);
    k->shmem = NULL;
}

static struct shmem_dentry *d_lookup(struct shmem_dentry *dir, const char *name, size_t n)
{
    for (struct shmem_dentry *c = dir->child; c; c = c->next)
        if (strlen(c->name) == n && !memcmp(c->name, name, n))
            return c;
    return NULL;
}

static void d_unlink(struct shmem_dentry *d)
{
    struct shmem_dentry **pp = &d->parent->child;
    while (*pp != d)
        pp = &(*pp)->next;
    *pp = d->next;
    d->next = NULL;
}

static void d_link(struct shmem_dentry *dir, struct shmem_dentry *d)
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
    struct shmem_mounts *m = mounts(k);
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
            w->d = d_lookup(w->dir, p, n);
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
 * has stays the host's (read-only beneath: no copy-up), so creating it
 * gives the host's answer (EEXIST, EROFS) and never shadows the file. */
static int host_has(struct task_struct *t, const struct shmem_where *w, const char *path)
{
    if (w->d || w->dir != &w->sb->root)
        return 0;
    int fd = fs_open(t, G_AT_FDCWD, path, O_PATH | O_NOFOLLOW);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

static struct inode *shmem_new_inode(struct kernel *k, struct shmem_sb *sb, uint32_t mode)
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

static struct shmem_dentry *d_create(struct kernel *k, struct shmem_where *w, uint32_t mode)
{
    struct shmem_dentry *d = calloc(1, sizeof *d);
    if (!d || !(d->name = strndup(w->name, w->n)) ||
        !(d->inode = shmem_new_inode(k, w->sb, mode))) {
        if (d)
            free(d->name);
        free(d);
        return NULL;
    }
    d->kaddr = kmem_cache_alloc(&k->slab, k->slab.dentry_cache);
    d_link(w->dir, d);
    return d;
}

/* ---- data -------------------------------------------------------------- */

/* Drop the pages past a new size and zero the tail of the last one. */
static void shmem_setsize(struct kernel *k, struct inode *i, int64_t size)
{
    if (size < i->i_size) {
        uint32_t keep = (uint32_t)((size + PAGE_SIZE - 1) >> PAGE_SHIFT);
        truncate_inode_pages(k, i->i_mapping, keep);
        uint32_t pfn = size & (PAGE_SIZE - 1) ? filemap_lookup(i->i_mapping, keep - 1) : PFN_NONE;
        if (pfn != PFN_NONE)
            memset((uint8_t *)pfn_to_host(&k->pm, pfn) + (size & (PAGE_SIZE - 1)), 0,
                   PAGE_SIZE - (size & (PAGE_SIZE - 1)));
    }
    i->i_size = size;
    i->i_mtime = i->i_ctime = k->epoch;
}

static long shmem_write_at(struct kernel *k, struct inode *i, const void *buf, size_t n, int64_t pos)
{
    size_t done = 0;
    while (done < n) {
        int64_t at = pos + (int64_t)done;
        uint32_t index = (uint32_t)(at >> PAGE_SHIFT), off = (uint32_t)(at & (PAGE_SIZE - 1));
        size_t chunk = PAGE_SIZE - off < n - done ? PAGE_SIZE - off : n - done;
        long err = 0;
        uint32_t pfn = filemap_get_page(k, i->i_mapping, index, -1, &err);
        if (pfn == PFN_NONE)
            return done ? (long)done : err;
        memcpy((uint8_t *)pfn_to_host(&k->pm, pfn) + off, (const uint8_t *)buf + done, chunk);
        filemap_dirty(k, pfn);
        mark_page_accessed(k, pfn);
        put_page(&k->pgdat, pfn);
        done += chunk;
    }
    if (pos + (int64_t)done > i->i_size)
        i->i_size = pos + (int64_t)done;
    i->i_mtime = i->i_ctime = k->epoch;
    return (long)done;
}

/* ---- file operations ---------------------------------------------------- */

static struct shmem_file *sf(const struct file *f) { return f->private_data; }
static struct kernel *fk(const struct file *f) { return f->f_inode->i_k; }

static long shmem_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    if (S_ISDIR(f->f_inode->i_mode))
        return -EISDIR;
    struct inode *i = f->f_inode;
    long r = filemap_read(fk(f), i->i_mapping, -1, buf, n, *pos, i->i_size);
    if (r > 0)
        *pos += r;
    return r;
}

static long shmem_write(struct file *f, const void *buf, size_t n, int64_t *pos)
{
    if (!(f->f_mode & FMODE_WRITE_))
        return -EBADF;
    if (f->f_flags & G_O_APPEND)
        *pos = f->f_inode->i_size;
    if (*pos + (int64_t)n > SHMEM_MAX_BYTES)
        return -EFBIG;
    long r = shmem_write_at(fk(f), f->f_inode, buf, n, *pos);
    if (r > 0)
        *pos += r;
    return r;
}

static long shmem_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    int64_t size = f->f_inode->i_size, to;
    switch (whence) {
    case SEEK_SET: to = off; break;
    case SEEK_CUR: to = f->f_pos + off; break;
    case SEEK_END: to = size + off; break;
    case SEEK_DATA: if (off >= size) return -ENXIO; to = off; break;
    case SEEK_HOLE: if (off >= size) return -ENXIO; to = size; break;
    default: return -EINVAL;
    }
    if (to < 0)
        return -EINVAL;
    f->f_pos = *res = to;
    return 0;
}

static void fill_stat(const struct inode *i, uint64_t dev, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = dev;
    st->st_ino = i->i_ino;
    st->st_mode = i->i_mode;
    st->st_nlink = i->i_nlink + (S_ISDIR(i->i_mode) ? 1 : 0);
    st->st_size = S_ISDIR(i->i_mode) ? 40 : i->i_size;
    st->st_blksize = PAGE_SIZE;
    st->st_blocks = (blkcnt_t)(i->i_data.nrpages * (PAGE_SIZE / 512));
    st->st_atim.tv_sec = st->st_mtim.tv_sec = i->i_mtime;
    st->st_ctim.tv_sec = i->i_ctime;
}

static long shmem_getattr(struct file *f, struct stat *st)
{
    fill_stat(f->f_inode, sf(f)->sb->dev, st);
    return 0;
}

/* The page cache is the data: the vm_file is a descriptor-less one of this
 * inode (shared by nothing else: two mmaps are two VMAs of one inode). */
static long shmem_mmap(struct file *f, const char *name, struct mmap_file *mf)
{
    if (S_ISDIR(f->f_inode->i_mode))
        return mf->f_mode = f->f_mode, 0;       /* no ->mmap: do_mmap's ENODEV */
    mf->f_mode = f->f_mode | FMODE_MMAP_;
    if (!(f->f_mode & FMODE_READ_))
        return 0;
    struct vm_file *v = vm_file_placeholder(f->f_path ? f->f_path : name,
                                            (uint64_t)f->f_inode->i_size);
    if (!v)
        return -ENOMEM;
    v->image = 0;
    v->dev = f->f_inode->i_dev;
    v->ino = f->f_inode->i_ino;
    v->inode = ihold(f->f_inode);
    mf->vmf = v;
    return 0;
}

/* The idx-th entry of directory d: ".", "..", then its children. */
static int dir_entry(const struct shmem_dentry *d, const struct inode *self, uint32_t idx,
                     const char **name, uint64_t *ino, unsigned *type)
{
    *type = 4;                                  /* DT_DIR */
    if (idx < 2) {
        const struct shmem_dentry *p = d->parent;
        *name = idx ? ".." : ".";
        *ino = idx == 0 || !p ? self->i_ino : p->inode ? p->inode->i_ino : 1;
        return 1;
    }
    const struct shmem_dentry *c = d->child;
    for (uint32_t i = 2; c && i < idx; i++)
        c = c->next;
    if (!c)
        return 0;
    *name = c->name;
    *ino = c->inode->i_ino;
    *type = S_ISDIR(c->inode->i_mode) ? 4 : 8;  /* DT_REG */
    return 1;
}

/* One record at r: linux_dirent64 (ino 8, off 8, reclen 2, type 1, name)
 * or, old, i386's linux_dirent (ino 4, off 4, reclen 2, name, NUL, type). */
static uint32_t put_dirent(uint8_t *r, int old, const char *name, uint64_t ino, int64_t off,
                           unsigned type)
{
    size_t nl = strlen(name);
    uint32_t rec = old ? (uint32_t)((10 + nl + 2 + 3) & ~(size_t)3)
                       : (uint32_t)((19 + nl + 1 + 7) & ~(size_t)7);
    if (!r)
        return rec;
    uint16_t rl = (uint16_t)rec;
    memset(r, 0, rec);
    if (old) {
        uint32_t i32 = (uint32_t)ino, o32 = (uint32_t)off;
        memcpy(r, &i32, 4), memcpy(r + 4, &o32, 4), memcpy(r + 8, &rl, 2);
        memcpy(r + 10, name, nl);
        r[rec - 1] = (uint8_t)type;
    } else {
        memcpy(r, &ino, 8), memcpy(r + 8, &off, 8), memcpy(r + 16, &rl, 2);
        r[18] = (uint8_t)type;
        memcpy(r + 19, name, nl);
    }
    return rec;
}

static long shmem_getdents(struct file *f, struct mm_struct *mm, uint32_t ubuf, uint32_t len, int old)
{
    struct shmem_file *s = sf(f);
    if (!S_ISDIR(f->f_inode->i_mode))
        return -ENOTDIR;
    if (!s->dentry)
        return 0;                               /* removed: empty */
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    uint32_t out = 0;
    const char *name;
    uint64_t ino;
    unsigned type;
    while (dir_entry(s->dentry, f->f_inode, s->dir_pos, &name, &ino, &type)) {
        uint32_t rec = put_dirent(NULL, old, name, ino, 0, type);
        if (out + rec > len)
            break;
        out += put_dirent(buf + out, old, name, ino, (int64_t)s->dir_pos + 1, type);
        s->dir_pos++;
    }
    long ret = !out && dir_entry(s->dentry, f->f_inode, s->dir_pos, &name, &ino, &type)
               ? -EINVAL : out && copy_to_user(mm, ubuf, buf, out) ? -EFAULT : (long)out;
    free(buf);
    return ret;
}

static void shmem_release(struct file *f)
{
    free(f->private_data);
}

const struct file_operations shmem_file_ops = {
    .kind = FILE_SHMEM, .read = shmem_read, .write = shmem_write, .llseek = shmem_llseek,
    .getdents = shmem_getdents, .mmap = shmem_mmap, .getattr = shmem_getattr,
    .release = shmem_release,
};

long shmem_ftruncate(struct file *f, int64_t length)
{
    if (S_ISDIR(f->f_inode->i_mode) || !(f->f_mode & FMODE_WRITE_))
        return -EINVAL;
    if (length > SHMEM_MAX_BYTES)
        return -EFBIG;
    shmem_setsize(fk(f), f->f_inode, length);
    return 0;
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
    uint32_t acc = flags & G_O_ACCMODE;
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
    struct inode *i = w.d->inode;
    if (S_ISDIR(i->i_mode) && (acc != 0 || (flags & G_O_TRUNC)))
        return -EISDIR;
    if (!S_ISDIR(i->i_mode) && ((flags & G_O_DIRECTORY) || w.trailing_slash))
        return -ENOTDIR;
    if (acc == 3)
        return -EINVAL;
    struct shmem_file *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    *s = (struct shmem_file){ .sb = w.sb, .dentry = w.d };
    struct file *f = alloc_file(&shmem_file_ops, ihold(i), flags & ~(uint32_t)(G_O_CREAT |
                                G_O_EXCL | G_O_TRUNC | G_O_CLOEXEC), path, s);
    if (!f) {
        iput(i);
        free(s);
        return -ENOMEM;
    }
    f->f_mode = (acc != 1 ? FMODE_READ_ : 0) | (acc != 0 ? FMODE_WRITE_ : 0);
    if ((flags & G_O_TRUNC) && (f->f_mode & FMODE_WRITE_) && S_ISREG(i->i_mode))
        shmem_setsize(t->k, i, 0);
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
    fill_stat(w.d->inode, w.sb->dev, st);
    return 0;
}

/* The last name goes (its dentry object with it: tmpfs keeps no negative
 * dentries); an inode no one holds any more goes with its pages. */
static void d_remove(struct kernel *k, struct shmem_dentry *d)
{
    d_unlink(d);
    kmem_cache_free(&k->slab, k->slab.dentry_cache, d->kaddr);
    d->inode->i_nlink = 0;
    iput(d->inode);
    free(d->name);
    free(d);
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
    d_remove(t->k, w.d);
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
        d_remove(t->k, b.d);
    }
    char *name = strndup(b.name, b.n);
    if (!name)
        return -ENOMEM;
    d_unlink(a.d);
    free(a.d->name);
    a.d->name = name;
    d_link(b.dir, a.d);
    return 0;
}

long shmem_truncate(struct task_struct *t, const char *path, int64_t length)
{
    struct shmem_where w;
    long r = walk_existing(t, path, &w);
    if (r)
        return r;
    if (S_ISDIR(w.d->inode->i_mode))
        return -EISDIR;
    if (length > SHMEM_MAX_BYTES)
        return -EFBIG;
    shmem_setsize(t->k, w.d->inode, length);
    return 0;
}

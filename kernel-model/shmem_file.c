/*
 * shmem_file.c — tmpfs files' data and operations (shmem.c has the tree
 * and the path calls): read and write through the page cache, lseek,
 * getattr, mmap, getdents64 of a tmpfs directory, ftruncate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/shmem_priv.h"

/* ---- data -------------------------------------------------------------- */

void shmem_setsize(struct task_struct *t, struct inode *i, int64_t size)
{
    struct kernel *k = t->k;
    if (size < i->i_size)
        truncate_pagecache(k, t->mm, i, size);
    i->i_size = size;
    i->i_mtime = i->i_ctime = k->epoch;
}

long shmem_truncate_inode(struct task_struct *t, struct inode *i, int64_t length)
{
    if (S_ISDIR(i->i_mode))
        return -EISDIR;
    if (length > SHMEM_MAX_BYTES)
        return -EFBIG;
    shmem_setsize(t, i, length);
    return 0;
}

long shmem_write_at(struct kernel *k, struct inode *i, const void *buf, size_t n, int64_t pos)
{
    /* no backing: every page starts as zeros (filemap_write with fd -1) */
    long done = filemap_write(k, i->i_mapping, -1, buf, n, pos, 0);
    if (done <= 0 && n)
        return done;
    if (pos + done > i->i_size)
        i->i_size = pos + done;
    i->i_mtime = i->i_ctime = k->epoch;
    return done;
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

void shmem_fill_stat(const struct inode *i, uint64_t dev, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = dev;
    st->st_ino = i->i_ino;
    st->st_mode = i->i_mode;
    st->st_nlink = i->i_nlink + (S_ISDIR(i->i_mode) ? 1 : 0);
    st->st_size = S_ISDIR(i->i_mode) ? 40 : i->i_size;
    st->st_blksize = PAGE_SIZE;
    st->st_blocks = (blkcnt_t)(i->i_data.nrpages * (PAGE_SIZE / 512));
    st->st_atim.tv_sec = i->i_atime;
    st->st_mtim.tv_sec = i->i_mtime;
    st->st_uid = i->i_uid;
    st->st_gid = i->i_gid;
    st->st_rdev = i->i_rdev;
    st->st_ctim.tv_sec = i->i_ctime;
}

static long shmem_getattr(struct file *f, struct stat *st)
{
    shmem_fill_stat(f->f_inode, sf(f)->sb->dev, st);
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
    for (uint32_t i = 2; c; c = c->next)       /* entries without an inode: the overlay's */
        if (c->inode && i++ == idx)
            break;
    if (!c)
        return 0;
    *name = c->name;
    *ino = c->inode->i_ino;
    *type = (c->inode->i_mode & S_IFMT) >> 12;  /* DT_*: the mode's type bits */
    return 1;
}

/* One record at r: linux_dirent64 (ino 8, off 8, reclen 2, type 1, name)
 * or, old, i386's linux_dirent (ino 4, off 4, reclen 2, name, NUL, type). */
uint32_t shmem_put_dirent(uint8_t *r, int old, const char *name, uint64_t ino, int64_t off,
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
    struct shmem_dentry *d = shmem_d_find(s->sb, f->f_inode);
    if (!d)
        return 0;                               /* removed: empty */
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    uint32_t out = 0;
    const char *name;
    uint64_t ino;
    unsigned type;
    while (dir_entry(d, f->f_inode, s->dir_pos, &name, &ino, &type)) {
        uint32_t rec = shmem_put_dirent(NULL, old, name, ino, 0, type);
        if (out + rec > len)
            break;
        out += shmem_put_dirent(buf + out, old, name, ino, (int64_t)s->dir_pos + 1, type);
        s->dir_pos++;
    }
    long ret = !out && dir_entry(d, f->f_inode, s->dir_pos, &name, &ino, &type)
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

long shmem_ftruncate(struct task_struct *t, struct file *f, int64_t length)
{
    if (S_ISDIR(f->f_inode->i_mode) || !(f->f_mode & FMODE_WRITE_))
        return -EINVAL;
    if (length > SHMEM_MAX_BYTES)
        return -EFBIG;
    shmem_setsize(t, f->f_inode, length);
    return 0;
}


/* ---- files on the kernel's internal mount (mm/shmem.c __shmem_file_setup) ---- */

struct vm_file *shmem_kernel_file_setup(struct kernel *k, const char *name, uint64_t size,
                                        uint64_t ino)
{
    struct inode *i = new_inode(S_IFREG | 0777);    /* shmem_get_inode(S_IFREG | S_IRWXUGO) */
    if (!i)
        return NULL;
    i->i_k = k;
    i->i_dev = SHMEM_KERNEL_DEV;
    i->i_ino = ino;
    i->i_size = (int64_t)size;
    i->i_nlink = 0;                     /* alloc_file_pseudo: never linked, "(deleted)" */
    i->i_uid = getuid();                /* the guest's is memsim's (sys_core.c) */
    i->i_gid = getgid();
    i->i_data.no_writeback = 1;
    i->i_atime = i->i_mtime = i->i_ctime = k->epoch;
    inode_alloc_object(k, i, k->slab.shmem_inode_cachep);
    struct vm_file *v = vm_file_placeholder(name, size);
    if (!v) {
        iput(i);
        return NULL;
    }
    v->image = 0;
    v->dev = i->i_dev;
    v->ino = ino;
    v->inode = i;                       /* new_inode's reference */
    return v;
}

struct vm_file *shmem_zero_file(struct kernel *k, uint32_t len)
{
    return shmem_kernel_file_setup(k, "/dev/zero (deleted)", len, ++k->shmem_next_ino);
}

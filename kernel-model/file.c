/*
 * file.c — open file descriptions (struct file) and the descriptor table
 * (struct files_struct): their references and the fd <-> file mapping.
 *
 * A file is referenced by every fd that names it (dup shares one file, so
 * one position and one set of flags) and by whoever holds it a while
 * (fget); the last fput calls the backend's release and puts the inode.
 * close-on-exec is a bit of the table, per fd, as Linux's fdtable.
 * No system call lives here (fd_table.c has close, dup, fcntl).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/mm.h"
#include "kernel-model/vfs.h"

struct files_struct *files_alloc(void)
{
    struct files_struct *fs = calloc(1, sizeof *fs);
    if (fs)
        fs->count = 1;
    return fs;
}

struct files_struct *files_get(struct files_struct *fs)
{
    fs->count++;
    return fs;
}

void files_put(struct files_struct *fs)
{
    if (!fs || --fs->count > 0)
        return;
    for (uint32_t i = 0; i < NR_OPEN_MAX; i++)
        if (fs->fd[i])
            close_fd(fs, i);
    free(fs);
}

struct files_struct *files_dup(const struct files_struct *old)
{
    struct files_struct *fs = files_alloc();
    if (!fs)
        return NULL;
    for (uint32_t i = 0; i < NR_OPEN_MAX; i++)
        if (old->fd[i])
            fs->fd[i] = get_file(old->fd[i]);
    memcpy(fs->close_on_exec, old->close_on_exec, sizeof fs->close_on_exec);
    return fs;
}

long get_unused_fd(struct files_struct *fs, uint32_t lowest, uint32_t limit)
{
    if (limit > NR_OPEN_MAX)
        limit = NR_OPEN_MAX;
    for (uint32_t i = lowest; i < limit; i++)
        if (!fs->fd[i])
            return i;
    return lowest >= limit ? -EINVAL : -EMFILE;   /* F_DUPFD past the limit: EINVAL */
}

void fd_set_cloexec(struct files_struct *fs, uint32_t fd, int on)
{
    uint32_t bit = 1u << (fd % 32);
    fs->close_on_exec[fd / 32] = on ? fs->close_on_exec[fd / 32] | bit
                                    : fs->close_on_exec[fd / 32] & ~bit;
}

int fd_cloexec(const struct files_struct *fs, uint32_t fd)
{
    return (fs->close_on_exec[fd / 32] >> (fd % 32)) & 1;
}

void fd_install(struct files_struct *fs, uint32_t fd, struct file *f, int cloexec)
{
    fs->fd[fd] = f;
    fd_set_cloexec(fs, fd, cloexec);
}

struct file *fdget(struct files_struct *fs, uint32_t fd)
{
    return fd < NR_OPEN_MAX ? fs->fd[fd] : NULL;
}

struct file *get_file(struct file *f)
{
    f->f_count++;
    return f;
}

struct file *fget(struct files_struct *fs, uint32_t fd)
{
    struct file *f = fdget(fs, fd);
    return f ? get_file(f) : NULL;
}

void fput(struct file *f)
{
    if (!f || --f->f_count > 0)
        return;
    if (f->f_ep)
        eventpoll_release(f);               /* __fput: eventpoll_release */
    if (f->f_op->release)
        f->f_op->release(f);
    if (f->f_kaddr)                         /* __fput: file_free */
        kmem_cache_free(&f->f_inode->i_k->slab, f->f_inode->i_k->slab.filp_cachep, f->f_kaddr);
    iput(f->f_inode);
    free(f->f_path);
    free(f);
}

long close_fd(struct files_struct *fs, uint32_t fd)
{
    struct file *f = fdget(fs, fd);
    if (!f)
        return -EBADF;
    fs->fd[fd] = NULL;
    fd_set_cloexec(fs, fd, 0);
    fput(f);
    return 0;
}

long anon_inode_getattr(struct file *f, struct stat *st)
{
    (void)f;
    memset(st, 0, sizeof *st);
    st->st_mode = 0600;                     /* anon_inode: no file type bits */
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

struct file *alloc_file(const struct file_operations *ops, struct inode *inode,
                        uint32_t f_flags, const char *path, void *private_data)
{
    struct file *f = calloc(1, sizeof *f);
    if (!f || (path && !(f->f_path = strdup(path)))) {
        free(f);
        return NULL;
    }
    f->f_count = 1;
    f->f_op = ops;
    f->f_inode = inode;
    struct kernel *k = inode ? inode->i_k : NULL;
    if (k && k->slab.filp_cachep)
        f->f_kaddr = kmem_cache_alloc(&k->slab, k->slab.filp_cachep);   /* alloc_empty_file */
    f->f_flags = f_flags;
    f->private_data = private_data;
    return f;
}

/*
 * devfs.c — /dev/null, /dev/zero and /dev/full served by the model
 * (drivers/char/mem.c): reads and writes never reach the host.  The host
 * device stays open behind the file, for fstat, mmap of /dev/zero (the
 * model's anonymous memory, FMODE_ZERO_) and the host's answers to
 * fcntl/poll.  /dev/random and /dev/urandom stay host devices (hostdev_ops),
 * as before the VFS: what they return is the host's entropy, not --seed's.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "kernel-model/fs.h"

static long null_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    (void)buf; (void)n; (void)pos;
    return f->f_mode & FMODE_READ_ ? 0 : -EBADF;
}

static long zero_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    (void)pos;
    if (!(f->f_mode & FMODE_READ_))
        return -EBADF;
    memset(buf, 0, n);
    return (long)n;
}

static long null_write(struct file *f, const void *buf, size_t n, int64_t *pos)
{
    (void)buf; (void)pos;
    return f->f_mode & FMODE_WRITE_ ? (long)n : -EBADF;
}

static long full_write(struct file *f, const void *buf, size_t n, int64_t *pos)
{
    (void)buf; (void)n; (void)pos;
    return f->f_mode & FMODE_WRITE_ ? -ENOSPC : -EBADF;
}

/* null_lseek: every offset is 0 */
static long null_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    (void)off; (void)whence;
    f->f_pos = *res = 0;
    return 0;
}

#define DEVFS_OPS(rd, wr) {                                           \
    .kind = FILE_DEVFS, .read = rd, .write = wr, .llseek = null_llseek,      \
    .ioctl = host_file_ioctl, .mmap = host_file_mmap,                        \
    .getattr = host_file_getattr, .host_fd = host_file_fd,                   \
    .release = host_file_release }

static const struct file_operations null_ops = DEVFS_OPS(null_read, null_write);
static const struct file_operations zero_ops = DEVFS_OPS(zero_read, null_write);
static const struct file_operations full_ops = DEVFS_OPS(zero_read, full_write);

const struct file_operations *devfs_ops(const struct stat *st)
{
    if (!S_ISCHR(st->st_mode) || major(st->st_rdev) != 1)
        return NULL;
    switch (minor(st->st_rdev)) {
    case 3: return &null_ops;
    case 5: return &zero_ops;
    case 7: return &full_ops;
    default: return NULL;
    }
}

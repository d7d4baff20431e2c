/*
 * hostfs.c — files backed by host descriptors: the root's regular files
 * and directories, the inherited stdio, other host objects.
 *
 * Each open file (struct file) owns one host descriptor, so dups of a guest
 * fd share it through the file, never through a host dup.  The backends
 * differ in whose position counts:
 *   - hostfs_file_ops (a regular file of the root: read-only, or any mode
 *     under --writable-root): f_pos, the model's; reads go through the
 *     page cache (filemap_read, its pages read with pread), writes too
 *     (hostw_file_write: dirty cache pages, written back later,
 *     hostfs_write.h), and lseek computes it (the host, kept at f_pos,
 *     checks the result exactly as Linux would);
 *   - stdio_file_ops (inherited 0-2, and a regular stdio file reopened for
 *     writing through /dev/stdout): the host description's own position,
 *     since it may be shared with the user's shell (`prog >>log; echo x
 *     >>log` interleave as natively), and O_APPEND is the host's;
 *   - hostdev_ops (devices, FIFOs, sockets opened by path): the host's I/O;
 *   - hostfs_dir_ops: getdents with the guest's own cookies (sys_dir.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/hostfs_write.h"
#include "kernel-model/poll.h"

/* The private data of a host-backed file. */
struct host_file {
    int fd;                     /* the host descriptor, owned */
    struct guest_dir *dir;      /* a directory's reading state, or NULL */
    struct kernel *k;           /* for the vm_file table (mmap) */
};

static struct host_file *hf(const struct file *f) { return f->private_data; }

int host_file_fd(struct file *f) { return hf(f)->fd; }

struct guest_dir *host_file_dir(const struct file *f)
{
    return f->f_op == &hostfs_dir_ops ? hf(f)->dir : NULL;
}

void host_file_release(struct file *f)
{
    struct host_file *h = hf(f);
    close(h->fd);
    guest_dir_free(h->dir);
    free(h);
}

long host_file_getattr(struct file *f, struct stat *st)
{
    if (fstat(hf(f)->fd, st))
        return -errno;
    inode_set_attr(f->f_inode, st);
    return 0;
}

/* FIONREAD (bytes queued, as the host counts them), TCGETS, TIOCGWINSZ. */
long host_file_ioctl(struct file *f, unsigned cmd, void *arg)
{
    return ioctl(hf(f)->fd, cmd, arg) < 0 ? -errno : 0;
}

/* A host object something outside the guest can make ready (a pipe's or
 * socket's other end, a terminal, a device): a real wait is worth it.
 * Regular files and directories are always ready. */
static int waits_on_host(int h)
{
    struct stat st;
    return fstat(h, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
}

unsigned host_file_poll(struct file *f, struct poll_table *pt)
{
    struct pollfd p = { .fd = hf(f)->fd, .events = (short)(pt ? pt->key : DEFAULT_POLLMASK) };
    if (pt && waits_on_host(p.fd))
        pt->outside++;
    if (poll(&p, 1, 0) < 0)
        return G_POLLERR;
    return (unsigned)(uint16_t)p.revents;   /* the host's POLL* bits are i386's */
}

/*
 * What a host descriptor is to mmap (Linux's f_mode and f_op->mmap): its
 * access mode, and whether the model can map it — a regular file (paged in
 * with pread) or /dev/zero (anonymous memory, as mmap_zero makes it).
 * Directories, pipes, sockets, ttys, /dev/null and other devices have no
 * ->mmap the model serves: do_mmap answers -ENODEV.  (Linux maps block
 * devices and a few character devices; memsim does not page them in.)
 */
static long host_f_mode(int h, unsigned *f_mode)
{
    int fl = fcntl(h, F_GETFL);
    struct stat st;
    if (fl < 0 || fstat(h, &st))
        return -errno;
    if (fl & O_PATH)
        return -EBADF;                   /* fget refuses an O_PATH file */
    int acc = fl & O_ACCMODE;
    *f_mode = (acc != O_WRONLY ? FMODE_READ_ : 0) | (acc != O_RDONLY ? FMODE_WRITE_ : 0);
    if (S_ISREG(st.st_mode))
        *f_mode |= FMODE_MMAP_;
    else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 5))
        *f_mode |= FMODE_ZERO_;
    return 0;
}

long host_file_mmap(struct file *f, const char *name, struct mmap_file *mf)
{
    struct host_file *h = hf(f);
    long r = host_f_mode(h->fd, &mf->f_mode);
    if (r)
        return r;
    /* Only a readable regular file gets pages: the vm_file is shared with
     * every later mapping of the same file (vm_file_get), so
     * it must be made from a descriptor that can read it.  An unreadable
     * one goes to do_mmap without pages, and do_mmap refuses it (EACCES). */
    if ((mf->f_mode & (FMODE_MMAP_ | FMODE_READ_)) != (FMODE_MMAP_ | FMODE_READ_))
        return 0;
    /* the vm_file of this host file (one per (dev, ino)); its faults read
     * through the inode's page cache (vm_file_mapping) */
    mf->vmf = vm_file_get(&h->k->vm_files, h->fd, f->f_path ? f->f_path : name);
    return mf->vmf ? 0 : errno ? -errno : -ENOMEM;
}

/* The host's own position: stdio, devices, FIFOs (and a directory's read,
 * which the host refuses with EISDIR). */
static long host_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    (void)pos;
    ssize_t r = read(hf(f)->fd, buf, n);
    return r < 0 ? -errno : r;
}

static long host_write(struct file *f, const void *buf, size_t n, int64_t *pos)
{
    (void)pos;
    ssize_t r = write(hf(f)->fd, buf, n);
    return r < 0 ? -errno : r;
}

static long host_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    off_t r = lseek(hf(f)->fd, (off_t)off, whence);
    if (r < 0)
        return -errno;
    *res = r;
    return 0;
}

/* A regular file of the root: the position is f_pos, the bytes come
 * through the page cache (filemap_read; its readpage is a pread of this
 * file's host descriptor), up to the size the host gives now. */
static long hostfs_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    struct host_file *h = hf(f);
    struct stat st;
    if (!(f->f_mode & FMODE_READ_))
        return -EBADF;                  /* O_WRONLY (--writable-root) */
    if (fstat(h->fd, &st))
        return -errno;
    inode_set_attr(f->f_inode, &st);
    long r = filemap_read(h->k, f->f_inode->i_mapping, h->fd, buf, n, *pos, st.st_size);
    if (r < 0)
        return r;
    *pos += r;
    return r;
}

/* Only --writable-root opens a root file for writing (HOST_OPEN_WRITABLE). */
static long hostfs_write(struct file *f, const void *buf, size_t n, int64_t *pos)
{
    if (!(f->f_mode & FMODE_WRITE_))
        return -EBADF;
    return hostw_file_write(hf(f)->k, f, hf(f)->fd, buf, n, pos);
}

/* The host descriptor is put at f_pos first, then moved as asked: its
 * answer (EINVAL for a negative result, SEEK_DATA/SEEK_HOLE, ENXIO, the
 * file system's size limit) is Linux's; the result is the new f_pos. */
static long hostfs_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    int h = hf(f)->fd;
    if (lseek(h, (off_t)f->f_pos, SEEK_SET) < 0)
        return -errno;
    off_t r = lseek(h, (off_t)off, whence);
    if (r < 0)
        return -errno;
    f->f_pos = *res = r;
    return 0;
}

/* FIONREAD on a regular file: size - position (file_ioctl), at f_pos. */
static long hostfs_ioctl(struct file *f, unsigned cmd, void *arg)
{
    if (cmd != FIONREAD)
        return host_file_ioctl(f, cmd, arg);
    struct stat st;
    long r = host_file_getattr(f, &st);
    if (r)
        return r;
    int n = (int)(st.st_size - f->f_pos);
    memcpy(arg, &n, sizeof n);
    return 0;
}

const struct file_operations hostfs_file_ops = {
    .kind = FILE_HOSTFS, .read = hostfs_read, .write = hostfs_write,
    .llseek = hostfs_llseek, .ioctl = hostfs_ioctl, .mmap = host_file_mmap,
    .getattr = host_file_getattr, .host_fd = host_file_fd, .release = host_file_release,
};

const struct file_operations hostfs_dir_ops = {
    .kind = FILE_HOSTFS_DIR, .read = host_read, .write = host_write,
    .llseek = hostfs_dir_llseek, .getdents = hostfs_getdents, .ioctl = host_file_ioctl,
    .mmap = host_file_mmap, .getattr = host_file_getattr, .host_fd = host_file_fd,
    .release = host_file_release,
};

/* stdio and other host objects do the same today: all the host's.  They
 * are two so that a tty can gain the model's termios and job control, and
 * host devices the model's drivers, one at a time. */
#define HOST_STREAM_OPS(kind_) {                                              \
    .kind = kind_, .read = host_read, .write = host_write,                    \
    .llseek = host_llseek, .ioctl = host_file_ioctl, .mmap = host_file_mmap,  \
    .poll = host_file_poll,                                                   \
    .getattr = host_file_getattr, .host_fd = host_file_fd,                    \
    .release = host_file_release }

const struct file_operations stdio_file_ops = HOST_STREAM_OPS(FILE_STDIO);
const struct file_operations hostdev_ops = HOST_STREAM_OPS(FILE_HOSTDEV);

/* Which backend serves host descriptor hfd (flags fl, attributes st). */
static const struct file_operations *pick_ops(const struct stat *st, int fl,
                                              const struct guest_dir *dir, int how)
{
    if (dir)
        return &hostfs_dir_ops;
    if (how == HOST_OPEN_STDIO)
        return &stdio_file_ops;
    if (S_ISREG(st->st_mode))
        return ((fl & O_ACCMODE) == O_RDONLY || how == HOST_OPEN_WRITABLE) && !(fl & O_PATH)
               ? &hostfs_file_ops : &stdio_file_ops;
    const struct file_operations *dev = devfs_ops(st);
    return dev ? dev : &hostdev_ops;
}

struct file *host_file_open(struct kernel *k, int hfd, const char *path,
                            struct guest_dir *dir, int how, long *err)
{
    struct stat st;
    int fl = fcntl(hfd, F_GETFL);
    struct host_file *h = NULL;
    struct inode *inode = NULL;
    struct file *f = NULL;
    *err = -ENOMEM;
    if (fl < 0 || fstat(hfd, &st)) {
        *err = -errno;
        goto fail;
    }
    if (!(h = malloc(sizeof *h)) || !(inode = iget_host(k, &st)))
        goto fail;
    *h = (struct host_file){ .fd = hfd, .dir = dir, .k = k };
    f = alloc_file(pick_ops(&st, fl, dir, how), inode, (uint32_t)fl, path, h);
    if (!f)
        goto fail;
    int acc = fl & O_ACCMODE;
    if (!(fl & O_PATH))
        f->f_mode = (acc != O_WRONLY ? FMODE_READ_ : 0) | (acc != O_RDONLY ? FMODE_WRITE_ : 0);
    *err = 0;
    return f;
fail:
    iput(inode);
    free(h);
    close(hfd);
    guest_dir_free(dir);
    return NULL;
}

/*
 * sys_fs.c — file I/O and the calls that read a path: open, read/write,
 * lseek, the stat family, readlink, access, getcwd, chdir (poll is
 * select.c's, ioctl tty_ioctl.c's).
 *
 * Guest descriptors are struct files of the guest's own table (vfs.h):
 * I/O goes through the file's f_op (hostfs.c, devfs.c, shmem_file.c);
 * guest paths are walked by the model inside the sandbox (namei.c,
 * fs_path.c); directories are read
 * with the guest's own offsets (sys_dir.c).  Structures are converted to
 * their i386 layouts (struct stat64); statx and linux_dirent64 are the same
 * on every architecture and pass through.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/namei.h"
#include "kernel-model/procfs.h"
#include "kernel-model/shmem_priv.h"

#define IO_CHUNK (256u << 10)

static long get_path(struct task_struct *t, uint32_t uptr, char *buf)
{
    long n = strncpy_from_user(t->mm, buf, uptr, PATH_MAX_G);
    if (n == 0)
        return -ENOENT;
    return n < 0 ? n : 0;
}

static long do_open(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t flags,
                    uint32_t mode)
{
    char path[PATH_MAX_G];
    long r = get_path(t, upath, path);
    return r ? r : fs_open_guest(t, dirfd, path, flags, mode);
}

SYSCALL_DEFINE3(open, uint32_t, filename, uint32_t, flags, uint32_t, mode) { return do_open(t, G_AT_FDCWD, filename, flags, mode); }
SYSCALL_DEFINE4(openat, uint32_t, dfd, uint32_t, filename, uint32_t, flags, uint32_t, mode) { return do_open(t, dfd, filename, flags, mode); }

/* f->f_op->read at the file's position, committed to f_pos (a backend
 * whose position is the host's ignores it). */
static long file_read(struct file *f, void *buf, size_t n)
{
    if (!f->f_op->read)
        return -EINVAL;
    int64_t pos = f->f_pos;
    long r = f->f_op->read(f, buf, n, &pos);
    if (r >= 0)
        f->f_pos = pos;
    return r;
}

static long file_write(struct file *f, const void *buf, size_t n)
{
    if (!f->f_op->write)
        return -EINVAL;
    int64_t pos = f->f_pos;
    long r = f->f_op->write(f, buf, n, &pos);
    if (r >= 0)
        f->f_pos = pos;
    return r;
}

/* Linux copies as it reads: when nothing reached the guest, the file
 * position must not have moved either. */
static void unread(struct file *f, long n)
{
    int64_t res;
    if (f->f_op->llseek)
        f->f_op->llseek(f, -(int64_t)n, SEEK_CUR, &res);
}

/* read(2) through a bounce buffer into user memory. */
static long read_to_user(struct task_struct *t, struct file *f, uint32_t uaddr, uint32_t count)
{
    uint32_t len = count < IO_CHUNK ? count : IO_CHUNK;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    long n = file_read(f, buf, len);
    long r = n;
    if (n == (long)len && len < count && S_ISREG(f->f_inode->i_mode)) {
        /* a regular file gives the whole count (to 256 KiB chunks) */
        long more = n > 0 && copy_to_user(t->mm, uaddr, buf, (uint32_t)n) ? -EFAULT : 0;
        free(buf);
        if (more)
            return unread(f, n), -EFAULT;
        more = read_to_user(t, f, uaddr + (uint32_t)n, count - len);
        return more < 0 ? n : n + more;
    }
    if (n > 0 && copy_to_user(t->mm, uaddr, buf, (uint32_t)n)) {
        unread(f, n);
        r = -EFAULT;
    }
    free(buf);
    return r;
}

/* rw_verify_area's MAX_RW_COUNT: a count is cut to the last page below 2 GiB. */
#define MAX_RW_COUNT (INT32_MAX & ~(uint32_t)(PAGE_SIZE - 1))

/* The call's buffers to a file that may block (f_op->read_iter/write_iter). */
static long file_iter(struct task_struct *t, struct file *f, const struct user_iov *iov,
                      unsigned nr, int writing)
{
    if (!(f->f_mode & (writing ? FMODE_WRITE_ : FMODE_READ_)))
        return -EBADF;
    return writing ? f->f_op->write_iter(t, f, iov, nr) : f->f_op->read_iter(t, f, iov, nr);
}

/*
 * A blocking read of a host object that has nothing to give yet (the
 * terminal, a host pipe or socket) while other tasks can run: the task
 * sleeps until the scheduler sees the descriptor ready (task_wait_host),
 * rather than the whole machine waiting in the host's read.  0: read now;
 * else the call's -ERESTART_BLOCK (re-run when woken) or a signal's
 * restart code.  Alone, the task reads (and waits) on the host as ever.
 */
static long host_read_wait(struct task_struct *t, struct file *f)
{
    int h = f->f_op->poll == host_file_poll ? file_host_fd(f) : -1;
    if (h < 0 || (f->f_inode && S_ISREG(f->f_inode->i_mode)) || (f->f_flags & O_NONBLOCK) ||
        task_alone(t))
        return 0;
    struct pollfd p = { .fd = h, .events = POLLIN };
    short ev = POLLIN;
    if (poll(&p, 1, 0) != 0 || task_wait_host(t, &h, &ev, 1))
        return 0;                       /* ready (or the host says why not): read */
    return task_block(t, NULL, 0, NULL, "read");
}

static long fd_read(struct task_struct *t, uint32_t fd, uint32_t uaddr, uint32_t count)
{
    struct file *f = fdget(t->files, fd);
    long w = f ? host_read_wait(t, f) : 0;
    if (w)
        return w;
    if (f && f->f_op->read_iter) {
        struct user_iov v = { uaddr, count < MAX_RW_COUNT ? count : MAX_RW_COUNT };
        return file_iter(t, f, &v, 1, 0);
    }
    return f ? read_to_user(t, f, uaddr, count) : -EBADF;
}

SYSCALL_DEFINE3(read, uint32_t, fd, uint32_t, buf, uint32_t, count) { return fd_read(t, fd, buf, count); }

/*
 * A write to a pipe or socket without a reader fails with EPIPE and sends
 * the writer SIGPIPE (pipe_write's send_sig): pending unless ignored, so a
 * blocked one waits for its unblocking; its default action, taken on the
 * return to user mode, ends the run silently (as a shell is silent).
 */
static void send_sigpipe(struct task_struct *t)
{
    signal_send_kernel(t, SIGPIPE);
}

int syscall_epipe_signals(uint32_t nr)
{
    return nr == 4 || nr == 146;        /* write, writev: the callers of write_user */
}

static long write_user(struct task_struct *t, struct file *f, uint32_t uaddr, uint32_t len)
{
    long done = 0;
    uint8_t *buf = malloc(IO_CHUNK);
    if (!buf)
        return -ENOMEM;
    while (len) {
        uint32_t chunk = len < IO_CHUNK ? len : IO_CHUNK;
        if (copy_from_user(t->mm, buf, uaddr, chunk)) {
            done = done ? done : -EFAULT;
            break;
        }
        long n = file_write(f, buf, chunk);
        if (n < 0) {
            if (n == -EPIPE)
                send_sigpipe(t);
            done = done ? done : n;
            break;
        }
        done += n;
        if ((uint32_t)n < chunk)
            break;
        uaddr += chunk;
        len -= chunk;
    }
    free(buf);
    return done;
}

SYSCALL_DEFINE3(write, uint32_t, fd, uint32_t, buf, uint32_t, count)
{
    struct file *f = fdget(t->files, fd);
    if (f && f->f_op->write_iter) {
        struct user_iov v = { buf, count < MAX_RW_COUNT ? count : MAX_RW_COUNT };
        return file_iter(t, f, &v, 1, 1);
    }
    return f ? write_user(t, f, buf, count) : -EBADF;
}

/* readv/writev of a file that may block: the whole vector in one call, as
 * Linux's import_iovec hands it to ->read_iter/->write_iter (so a writev of
 * at most PIPE_BUF bytes is one atomic write); a negative length is
 * EINVAL, the total is cut to MAX_RW_COUNT. */
static long iov_iter_call(struct task_struct *t, struct file *f, uint32_t vec, uint32_t vlen,
                          int writing)
{
    struct user_iov *iov = malloc((vlen ? vlen : 1) * sizeof *iov);
    if (!iov)
        return -ENOMEM;
    long r = vlen && copy_from_user(t->mm, iov, vec, vlen * (uint32_t)sizeof *iov) ? -EFAULT : 0;
    uint32_t total = 0;
    for (uint32_t i = 0; !r && i < vlen; i++) {
        if (iov[i].len > INT32_MAX)
            r = -EINVAL;
        else if (iov[i].len > MAX_RW_COUNT - total)
            iov[i].len = MAX_RW_COUNT - total;
        total += iov[i].len;
    }
    if (!r)
        r = file_iter(t, f, iov, vlen, writing);
    free(iov);
    return r;
}

long fs_iov(struct task_struct *t, uint32_t fd, uint32_t vec, uint32_t vlen, int positional,
            int64_t pos, int writing)
{
    struct file *f = fdget(t->files, fd);
    if (!f)
        return -EBADF;
    if (vlen > 1024 || (positional && pos < 0))
        return -EINVAL;
    if (positional && f->f_op->kind == FILE_PIPE)
        return -ESPIPE;
    long w = writing || positional ? 0 : host_read_wait(t, f);
    if (w)
        return w;
    if (writing ? f->f_op->write_iter != NULL : f->f_op->read_iter != NULL)
        return iov_iter_call(t, f, vec, vlen, writing);
    long total = 0;
    for (uint32_t i = 0; i < vlen; i++) {
        uint32_t iov[2];
        if (copy_from_user(t->mm, iov, vec + 8 * i, 8))
            return total ? total : -EFAULT;
        if (!iov[1])
            continue;
        long r = positional ? fs_pio(t, fd, iov[0], iov[1], pos + total, writing)
               : writing ? write_user(t, f, iov[0], iov[1]) : read_to_user(t, f, iov[0], iov[1]);
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((uint32_t)r < iov[1])
            break;
    }
    return total;
}

SYSCALL_DEFINE3(writev, uint32_t, fd, uint32_t, vec, uint32_t, vlen) { return fs_iov(t, fd, vec, vlen, 0, 0, 1); }
SYSCALL_DEFINE3(readv, uint32_t, fd, uint32_t, vec, uint32_t, vlen) { return fs_iov(t, fd, vec, vlen, 0, 0, 0); }

/* lseek for both entry points: the backend's (directories seek among the
 * offsets getdents64 gave the guest, sys_dir.c). */
static long do_lseek(struct task_struct *t, uint32_t fd, int64_t off, int whence, int64_t *res)
{
    struct file *f = fdget(t->files, fd);
    if (!f)
        return -EBADF;
    return f->f_op->llseek ? f->f_op->llseek(f, off, whence, res) : -ESPIPE;
}

SYSCALL_DEFINE3(lseek, uint32_t, fd, int32_t, offset, int, whence)
{
    int64_t res;
    long r = do_lseek(t, fd, offset, whence, &res);
    if (r)
        return r;
    return res > INT32_MAX ? -EOVERFLOW : (long)res;
}

SYSCALL_DEFINE5(llseek, uint32_t, fd, uint32_t, offset_high, uint32_t, offset_low, uint32_t, result, int, whence)
{
    int64_t res;
    long r = do_lseek(t, fd, (int64_t)(((uint64_t)offset_high << 32) | offset_low), whence, &res);
    if (r)
        return r;
    uint64_t v = (uint64_t)res;
    return copy_to_user(t->mm, result, &v, 8) ? -EFAULT : 0;
}

/* struct stat64 as i386 lays it out (arch/x86/include/uapi/asm/stat.h). */
struct __attribute__((packed)) stat64_i386 {
    uint64_t st_dev; uint8_t pad0[4]; uint32_t st_ino32;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev; uint8_t pad3[4];
    int64_t st_size; uint32_t st_blksize; uint64_t st_blocks;
    uint32_t st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
    uint64_t st_ino;
};
_Static_assert(sizeof(struct stat64_i386) == 96, "i386 struct stat64 is 96 bytes");

static long put_stat64(struct task_struct *t, uint32_t uaddr, const struct stat *st)
{
    struct stat64_i386 s = {
        .st_dev = st->st_dev, .st_ino32 = (uint32_t)st->st_ino, .st_mode = st->st_mode,
        .st_nlink = (uint32_t)st->st_nlink, .st_uid = st->st_uid, .st_gid = st->st_gid,
        .st_rdev = st->st_rdev, .st_size = st->st_size, .st_blksize = (uint32_t)st->st_blksize,
        .st_blocks = (uint64_t)st->st_blocks,
        .st_atime_ = (uint32_t)st->st_atim.tv_sec, .st_atime_nsec = (uint32_t)st->st_atim.tv_nsec,
        .st_mtime_ = (uint32_t)st->st_mtim.tv_sec, .st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec,
        .st_ctime_ = (uint32_t)st->st_ctim.tv_sec, .st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec,
        .st_ino = st->st_ino,
    };
    return copy_to_user(t->mm, uaddr, &s, sizeof s) ? -EFAULT : 0;
}

/*
 * The walk of a stat-like call (vfs_fstatat, statx, access): the object's
 * attributes into *st and, with hfd, a descriptor of the host object (-1
 * when the model's).  An empty path with AT_EMPTY_PATH is dirfd itself,
 * and with AT_FDCWD the working directory (filename_lookup of "").
 */
long stat_lookup(struct task_struct *t, uint32_t dirfd, char *path, uint32_t flags,
                        struct stat *st, int *hfd, int *host_ro)
{
    if (hfd)
        *hfd = -1;
    if (host_ro)
        *host_ro = 0;
    if (!path[0]) {
        if (!(flags & G_AT_EMPTY_PATH))
            return -ENOENT;
        if (dirfd != G_AT_FDCWD) {
            struct file *f = fdget(t->files, dirfd);
            if (!f)
                return -EBADF;
            long r = f->f_op->getattr ? f->f_op->getattr(f, st) : -EBADF;
            int h = file_host_fd(f);
            if (!r && hfd && h >= 0 && (*hfd = fcntl(h, F_DUPFD_CLOEXEC, 3)) < 0)
                r = -errno;
            return r;
        }
        strcpy(path, ".");
    }
    char at[PATH_MAX_G], alias[PATH_MAX_G];
    const char *walk = procfs_path_at(t, dirfd, path, at, sizeof at);
    int nofollow = (flags & G_AT_SYMLINK_NOFOLLOW) != 0;
    struct nd_path p;
    long r = namei(t, dirfd, walk, nofollow ? 0 : LOOKUP_FOLLOW, &p);
    if (!r && p.layer == LAYER_PROC) {
        r = procfs_stat(t, p.gpath, nofollow, st, alias, sizeof alias);
        nd_path_release(&p);
        if (r == 1)
            return -ENOENT;
        if (r != 2)
            return r;
        r = namei(t, G_AT_FDCWD, alias, LOOKUP_FOLLOW, &p);   /* exe, cwd followed */
        if (!r && p.layer == LAYER_PROC)
            r = -ENOENT, nd_path_release(&p);
    }
    if (r)
        return r;
    if (!nd_exists(&p))
        r = -ENOENT;
    *st = p.st;
    if (!r && hfd && p.layer == LAYER_HOST) {
        *hfd = p.fd;
        p.fd = -1;
    }
    if (host_ro)
        *host_ro = p.mnt == MNT_HOST_RO || p.mountpoint;
    nd_path_release(&p);
    return r;
}

/* stat, lstat, fstatat. */
static long stat_at(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t ubuf, uint32_t flags)
{
    char path[PATH_MAX_G];
    struct stat st;
    long r = strncpy_from_user(t->mm, path, upath, PATH_MAX_G);
    if (r < 0)
        return r;
    r = stat_lookup(t, dirfd, path, flags, &st, NULL, NULL);
    return r ? r : put_stat64(t, ubuf, &st);
}

SYSCALL_DEFINE2(fstat64, uint32_t, fd, uint32_t, statbuf)
{
    struct file *f = fdget(t->files, fd);
    struct stat st;
    if (!f)
        return -EBADF;
    long r = f->f_op->getattr ? f->f_op->getattr(f, &st) : -EBADF;
    return r ? r : put_stat64(t, statbuf, &st);
}

SYSCALL_DEFINE2(stat64, uint32_t, filename, uint32_t, statbuf) { return stat_at(t, G_AT_FDCWD, filename, statbuf, 0); }
SYSCALL_DEFINE2(lstat64, uint32_t, filename, uint32_t, statbuf)
{
    return stat_at(t, G_AT_FDCWD, filename, statbuf, G_AT_SYMLINK_NOFOLLOW);
}
SYSCALL_DEFINE4(fstatat64, uint32_t, dfd, uint32_t, filename, uint32_t, statbuf, uint32_t, flag) { return stat_at(t, dfd, filename, statbuf, flag); }

/* A struct statx of what the model's stat says (a tmpfs or upper inode,
 * a /proc name): the basic fields and times (procfs keeps none: 0). */
static void stat_to_statx(const struct stat *st, struct statx *stx)
{
    memset(stx, 0, sizeof *stx);
    stx->stx_mask = STATX_BASIC_STATS;
    stx->stx_blksize = (uint32_t)st->st_blksize;
    stx->stx_nlink = (uint32_t)st->st_nlink;
    stx->stx_uid = st->st_uid;
    stx->stx_gid = st->st_gid;
    stx->stx_mode = (uint16_t)st->st_mode;
    stx->stx_ino = st->st_ino;
    stx->stx_size = (uint64_t)st->st_size;
    stx->stx_dev_major = major(st->st_dev);
    stx->stx_dev_minor = minor(st->st_dev);
    stx->stx_rdev_major = major(st->st_rdev);
    stx->stx_rdev_minor = minor(st->st_rdev);
    stx->stx_blocks = (uint64_t)st->st_blocks;
    stx->stx_atime = (struct statx_timestamp){ .tv_sec = st->st_atim.tv_sec,
                                               .tv_nsec = (uint32_t)st->st_atim.tv_nsec };
    stx->stx_mtime = (struct statx_timestamp){ .tv_sec = st->st_mtim.tv_sec,
                                               .tv_nsec = (uint32_t)st->st_mtim.tv_nsec };
    stx->stx_ctime = (struct statx_timestamp){ .tv_sec = st->st_ctim.tv_sec,
                                               .tv_nsec = (uint32_t)st->st_ctim.tv_nsec };
}

SYSCALL_DEFINE5(statx, uint32_t, dfd, uint32_t, filename, uint32_t, flags, uint32_t, mask, uint32_t, buffer)
{
    char path[PATH_MAX_G];
    struct stat st;
    struct statx stx;
    long r = strncpy_from_user(t->mm, path, filename, PATH_MAX_G);
    if (r < 0)
        return r;
    int fd;
    if ((r = stat_lookup(t, dfd, path, flags, &st, &fd, NULL)))
        return r;
    if (fd < 0)
        stat_to_statx(&st, &stx);       /* the model's object */
    else {
        r = statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, mask, &stx) ? -errno : 0;
        close(fd);
    }
    if (!r && copy_to_user(t->mm, buffer, &stx, sizeof stx))
        r = -EFAULT;
    return r;
}

/* readlink: the last component not followed; procfs's, an upper
 * symlink's target, or the host's (read by the model: never followed). */
static long do_readlink(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t ubuf, uint32_t size)
{
    char path[PATH_MAX_G], target[PATH_MAX_G], at[PATH_MAX_G];
    long r = get_path(t, upath, path);
    if (r)
        return r;
    if ((int32_t)size <= 0)
        return -EINVAL;
    struct nd_path p;
    if ((r = namei(t, dirfd, procfs_path_at(t, dirfd, path, at, sizeof at), 0, &p)))
        return r;
    long n;
    if (p.layer == LAYER_PROC) {
        int is_proc;
        n = procfs_readlink(t, p.gpath, target, sizeof target, &is_proc);
        n = is_proc ? n : -ENOENT;
    } else if (!nd_exists(&p))
        n = -ENOENT;
    else if (!S_ISLNK(p.st.st_mode))
        n = -EINVAL;
    else if (p.layer == LAYER_UPPER)
        n = snprintf(target, sizeof target, "%s", p.d->inode->i_link ? p.d->inode->i_link : "");
    else {
        ssize_t k = readlinkat(p.fd, "", target, sizeof target);
        n = k < 0 ? -errno : k;
    }
    nd_path_release(&p);
    if (n < 0)
        return n;
    if ((uint32_t)n > size)
        n = size;
    return copy_to_user(t->mm, ubuf, target, (uint32_t)n) ? -EFAULT : n;
}

SYSCALL_DEFINE3(readlink, uint32_t, path, uint32_t, buf, uint32_t, bufsiz) { return do_readlink(t, G_AT_FDCWD, path, buf, bufsiz); }
SYSCALL_DEFINE4(readlinkat, uint32_t, dfd, uint32_t, pathname, uint32_t, buf, uint32_t, bufsiz) { return do_readlink(t, dfd, pathname, buf, bufsiz); }

/* access(2): the model's objects by their mode (nd_permission); a host
 * object by the host's own faccessat2 for memsim's user on the walked
 * descriptor (so --root holds).  W_OK on the host's read-only trees (/dev,
 * /sys) is EROFS first, as sb_permission() on a read-only file system —
 * except on the memory devices the model serves (null, zero, full), the
 * files the guest can open for writing there (fs_path.c).  In the overlay a write copies up: the host's W_OK
 * answer stands, as overlayfs asks the lower inode. */
static long do_access(struct task_struct *t, uint32_t dirfd, uint32_t upath, uint32_t mode,
                      uint32_t flags)
{
    if (mode & ~7u)
        return -EINVAL;
    if (flags & ~(G_AT_EACCESS | G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    char path[PATH_MAX_G];
    long r = strncpy_from_user(t->mm, path, upath, PATH_MAX_G);
    if (r < 0)
        return r;
    struct stat st;
    int fd;
    int ro;
    if ((r = stat_lookup(t, dirfd, path, flags, &st, &fd, &ro)))
        return r;
    if (fd < 0)
        return nd_permission(&st, mode);
    ro = ro && (mode & W_OK);
    if (ro && !devfs_ops(&st))              /* null, zero, full: the model's */
        r = -EROFS;
    int hflags = AT_EMPTY_PATH | (flags & G_AT_EACCESS ? AT_EACCESS : 0);
    if (!r && (mode & 7u) && syscall(SYS_faccessat2, fd, "", (int)(mode & 7u), hflags))
        r = -errno;
    close(fd);
    return r;
}
SYSCALL_DEFINE2(access, uint32_t, filename, uint32_t, mode)
{
    return do_access(t, G_AT_FDCWD, filename, mode, 0);
}
SYSCALL_DEFINE3(faccessat, uint32_t, dfd, uint32_t, filename, uint32_t, mode)
{
    return do_access(t, dfd, filename, mode, 0);       /* the old call has no flags */
}
SYSCALL_DEFINE4(faccessat2, uint32_t, dfd, uint32_t, filename, uint32_t, mode, uint32_t, flags)
{
    return do_access(t, dfd, filename, mode, flags);
}

SYSCALL_DEFINE2(getcwd, uint32_t, buf, uint32_t, size)
{
    char cwd[PATH_MAX_G];
    long r = fs_getcwd(t, cwd, sizeof cwd);
    if (r)
        return r;
    uint32_t n = (uint32_t)strlen(cwd) + 1;
    if (n > size)
        return -ERANGE;
    return copy_to_user(t->mm, buf, cwd, n) ? -EFAULT : (long)n;
}

SYSCALL_DEFINE1(chdir, uint32_t, filename)
{
    char path[PATH_MAX_G];
    long r = get_path(t, filename, path);
    return r ? r : fs_chdir(t, G_AT_FDCWD, path);
}

SYSCALL_DEFINE1(fchdir, uint32_t, fd) { return fs_chdir(t, fd, NULL); }

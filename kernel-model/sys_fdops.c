/*
 * sys_fdops.c — the smaller calls on descriptors and the process's file
 * state: pread64/pwrite64, preadv/pwritev, fsync/fdatasync/syncfs, flock, fadvise,
 * statfs64/fstatfs64, umask, getpriority/setpriority, getgroups32, record
 * locks (fcntl F_GETLK/F_SETLK) and sendfile.
 *
 * Where the host's answer is Linux's answer for the same descriptor (pread,
 * pwrite, fsync, fadvise: errno by file type and mode) the host call on
 * the host descriptor behind the guest's file decides.  Where the answer is about
 * the process (locks, flock, priority) the guest is modelled as what it is:
 * alone, so nobody else holds a lock and no lock it takes can conflict.
 */
#include <errno.h>
#include <linux/magic.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/hostfs_write.h"
#include "kernel-model/namei.h"

#define PIO_CHUNK (256u << 10)
#define G_ST_RDONLY 1u


/* The host descriptor behind guest fd's file (vfs.h: f_op->host_fd), for
 * the calls whose answer the host gives exactly; -1: not open (or no host
 * object behind it, which these calls refuse as a bad descriptor). */
static int host_of(struct task_struct *t, uint32_t fd)
{
    struct file *f = fdget(t->files, fd);
    return f ? file_host_fd(f) : -1;
}

/* A file whose bytes the model keeps (hostfs through the page cache, tmpfs):
 * positional I/O goes through its f_op at a position of its own. */
static int model_positional(const struct file *f)
{
    return f && (f->f_op->kind == FILE_HOSTFS || f->f_op->kind == FILE_SHMEM);
}

/* One chunk of pread: a model_positional file by its f_op, else the host's
 * pread, which answers as Linux for everything else (ESPIPE, EISDIR ...). */
static ssize_t pread_chunk(struct file *f, int h, void *buf, size_t len, int64_t pos)
{
    if (model_positional(f)) {
        if (pos < 0)
            return errno = EINVAL, -1;
        long r = f->f_op->read(f, buf, len, &pos);
        return r < 0 ? (errno = (int)-r, -1) : r;
    }
    return pread(h, buf, len, (off_t)pos);
}

/* pread64(fd, buf, count, pos): whole chunks until count or end of file. */
static long do_pread(struct task_struct *t, uint32_t fd, uint32_t ubuf, uint32_t count, int64_t pos)
{
    int h = host_of(t, fd);
    struct file *f = fdget(t->files, fd);
    if (f && f->f_op->kind == FILE_PIPE)
        return -ESPIPE;                 /* a pipe has no FMODE_PREAD/PWRITE */
    if (f && f->f_op->kind == FILE_SHMEM && !(f->f_mode & FMODE_READ_))
        return -EBADF;
    if (h < 0 && !model_positional(f))
        return -EBADF;
    count = count > INT32_MAX ? INT32_MAX : count;
    uint8_t *buf = malloc(PIO_CHUNK);
    if (!buf)
        return -ENOMEM;
    long done = 0;
    do {
        uint32_t len = count - done < PIO_CHUNK ? count - (uint32_t)done : PIO_CHUNK;
        ssize_t n = pread_chunk(f, h, buf, len, pos + done);
        if (n < 0) {
            done = done ? done : -errno;
            break;
        }
        if (n > 0 && copy_to_user(t->mm, ubuf + (uint32_t)done, buf, (uint32_t)n)) {
            done = done ? done : -EFAULT;
            break;
        }
        done += n;
        if ((uint32_t)n < len)
            break;
    } while ((uint32_t)done < count);
    free(buf);
    return done;
}

SYSCALL_DEFINE5(pread64, uint32_t, fd, uint32_t, ubuf, uint32_t, count, uint32_t, pos_lo, uint32_t, pos_hi)
{
    return do_pread(t, fd, ubuf, count, arg64(pos_lo, pos_hi));
}

/* pwrite64: the host refuses a read-only descriptor (EBADF) and a pipe
 * (ESPIPE) as Linux does; only /dev/null and stdio are writable there. */
/* pwrite64 of a file whose bytes the model keeps (tmpfs, a writable root
 * file under --writable-root): its write at a position of its own. */
static long model_pwrite(struct task_struct *t, struct file *f, uint32_t ubuf, uint32_t count,
                         int64_t pos)
{
    if (pos < 0)
        return -EINVAL;
    long done = 0;
    uint8_t *buf = malloc(PIO_CHUNK);
    if (!buf)
        return -ENOMEM;
    while ((uint32_t)done < count) {
        uint32_t len = count - (uint32_t)done < PIO_CHUNK ? count - (uint32_t)done : PIO_CHUNK;
        if (copy_from_user(t->mm, buf, ubuf + (uint32_t)done, len)) {
            done = done ? done : -EFAULT;
            break;
        }
        int64_t at = pos + done;
        long n = f->f_op->write(f, buf, len, &at);
        if (n <= 0) {
            done = done ? done : n;
            break;
        }
        done += n;
    }
    free(buf);
    return done;
}

static long do_pwrite(struct task_struct *t, uint32_t fd, uint32_t ubuf, uint32_t count, int64_t pos)
{
    int h = host_of(t, fd);
    struct file *f = fdget(t->files, fd);
    if (f && f->f_op->kind == FILE_PIPE)
        return -ESPIPE;                 /* a pipe has no FMODE_PREAD/PWRITE */
    if (f && (f->f_op->kind == FILE_SHMEM ||
              (f->f_op->kind == FILE_HOSTFS && (f->f_mode & FMODE_WRITE_))))
        return model_pwrite(t, f, ubuf, count > INT32_MAX ? INT32_MAX : count, pos);
    if (h < 0)
        return -EBADF;
    uint32_t len = count < PIO_CHUNK ? count : PIO_CHUNK;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    long r = pwrite(h, buf, 0, (off_t)pos) < 0 ? -errno : 0;
    if (!r && len && copy_from_user(t->mm, buf, ubuf, len))
        r = -EFAULT;
    if (!r) {
        ssize_t n = pwrite(h, buf, len, (off_t)pos);
        r = n < 0 ? -errno : n;
    }
    free(buf);
    return r;
}

SYSCALL_DEFINE5(pwrite64, uint32_t, fd, uint32_t, ubuf, uint32_t, count, uint32_t, pos_lo, uint32_t, pos_hi)
{
    return do_pwrite(t, fd, ubuf, count, arg64(pos_lo, pos_hi));
}

long fs_pio(struct task_struct *t, uint32_t fd, uint32_t ubuf, uint32_t count, int64_t pos,
            int writing)
{
    return writing ? do_pwrite(t, fd, ubuf, count, pos) : do_pread(t, fd, ubuf, count, pos);
}

/* preadv/pwritev(fd, iov, vlen, pos_l, pos_h): sys_fs.c's iovec walk at
 * a position. */
SYSCALL_DEFINE5(preadv, uint32_t, fd, uint32_t, vec, uint32_t, vlen, uint32_t, pos_lo, uint32_t, pos_hi)
{
    return fs_iov(t, fd, vec, vlen, 1, arg64(pos_lo, pos_hi), 0);
}

SYSCALL_DEFINE5(pwritev, uint32_t, fd, uint32_t, vec, uint32_t, vlen, uint32_t, pos_lo, uint32_t, pos_hi)
{
    return fs_iov(t, fd, vec, vlen, 1, arg64(pos_lo, pos_hi), 1);
}

/* fsync/fdatasync: EINVAL for what cannot be synced (a pipe), else 0 —
 * a read-only descriptor too, as Linux.  A root file's dirty cache pages
 * (--writable-root) are written back first, whatever the descriptor's
 * mode (file_write_and_wait_range). */
SYSCALL_DEFINE1(fsync, uint32_t, fd)
{
    int h = host_of(t, fd);
    struct file *f = fdget(t->files, fd);
    if (f && f->f_op->kind == FILE_SHMEM)
        return 0;                   /* tmpfs: noop_fsync, nothing to write back */
    if (f && f->f_op->kind == FILE_PIPE)
        return -EINVAL;             /* pipefifo_fops has no ->fsync */
    if (h < 0)
        return -EBADF;
    long r = f->f_op->kind == FILE_HOSTFS && t->k->writable_root
             ? hostw_writeback(t->k, t->mm, f->f_inode, 0, UINT32_MAX) : 0;
    return r ? r : fdatasync(h) ? -errno : 0;
}

SYSCALL_DEFINE1(syncfs, uint32_t, fd)
{
    return fdget(t->files, fd) ? 0 : -EBADF;    /* nothing of the guest's to write back */
}

/* flock: the guest is alone; only the operation is checked (EINVAL). */
SYSCALL_DEFINE2(flock, uint32_t, fd, uint32_t, cmd)
{
    if (!fdget(t->files, fd))
        return -EBADF;
    cmd = cmd & ~(uint32_t)LOCK_NB;
    return cmd == LOCK_SH || cmd == LOCK_EX || cmd == LOCK_UN ? 0 : -EINVAL;
}

static long fadvise(struct task_struct *t, uint32_t fd, int64_t off, int64_t len, uint32_t advice)
{
    int h = host_of(t, fd);
    if (h < 0)
        return -EBADF;
    return -posix_fadvise(h, (off_t)off, (off_t)len, (int)advice);   /* ESPIPE, EINVAL */
}

/* fadvise64(fd, offset64, len32, advice), fadvise64_64(fd, offset64, len64, advice) */
SYSCALL_DEFINE5(fadvise64, uint32_t, fd, uint32_t, offset_lo, uint32_t, offset_hi, int32_t, len, uint32_t, advice)
{
    return fadvise(t, fd, arg64(offset_lo, offset_hi), len, advice);
}
SYSCALL_DEFINE6(fadvise64_64, uint32_t, fd, uint32_t, offset_lo, uint32_t, offset_hi, uint32_t, len_lo, uint32_t, len_hi, uint32_t, advice)
{
    return fadvise(t, fd, arg64(offset_lo, offset_hi), arg64(len_lo, len_hi), advice);
}

/* struct statfs64 as i386 lays it out (packed, 84 bytes). */
struct __attribute__((packed)) statfs64_i386 {
    uint32_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct statfs64_i386) == 84, "i386 struct statfs64 is 84 bytes");

/* struct statfs as i386 lays it out (64 bytes): the old calls 99/100. */
struct statfs_i386 {
    uint32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct statfs_i386) == 64, "i386 struct statfs is 64 bytes");

/* The model file system: the host's sizes for the file, read-only. */
static long put_statfs64(struct task_struct *t, const struct statfs *s, uint32_t size, uint32_t ubuf)
{
    if (size != sizeof(struct statfs64_i386))
        return -EINVAL;
    struct statfs64_i386 g = {
        .f_type = (uint32_t)s->f_type, .f_bsize = (uint32_t)s->f_bsize,
        .f_blocks = s->f_blocks, .f_bfree = s->f_bfree, .f_bavail = s->f_bavail,
        .f_files = s->f_files, .f_ffree = s->f_ffree,
        .f_namelen = (uint32_t)s->f_namelen, .f_frsize = (uint32_t)s->f_frsize,
        .f_flags = (uint32_t)s->f_flags | G_ST_RDONLY,
    };
    memcpy(g.f_fsid, &s->f_fsid, sizeof g.f_fsid);
    return copy_to_user(t->mm, ubuf, &g, sizeof g) ? -EFAULT : 0;
}

/* do_statfs_native on a 32-bit kernel: a count that does not fit in 32
 * bits is EOVERFLOW (an unknown file count, ~0, passes as ~0). */
static int fits32(uint64_t v) { return !(v >> 32); }
static int fits32_or_unknown(uint64_t v) { return v == UINT64_MAX || fits32(v); }

static long put_statfs(struct task_struct *t, const struct statfs *s, uint32_t size, uint32_t ubuf)
{
    (void)size;
    if (!fits32(s->f_blocks | s->f_bfree | s->f_bavail | (uint64_t)s->f_bsize |
                (uint64_t)s->f_frsize) ||
        !fits32_or_unknown(s->f_files) || !fits32_or_unknown(s->f_ffree))
        return -EOVERFLOW;
    struct statfs_i386 g = {
        .f_type = (uint32_t)s->f_type, .f_bsize = (uint32_t)s->f_bsize,
        .f_blocks = (uint32_t)s->f_blocks, .f_bfree = (uint32_t)s->f_bfree,
        .f_bavail = (uint32_t)s->f_bavail, .f_files = (uint32_t)s->f_files,
        .f_ffree = (uint32_t)s->f_ffree, .f_namelen = (uint32_t)s->f_namelen,
        .f_frsize = (uint32_t)s->f_frsize, .f_flags = (uint32_t)s->f_flags | G_ST_RDONLY,
    };
    memcpy(g.f_fsid, &s->f_fsid, sizeof g.f_fsid);
    return copy_to_user(t->mm, ubuf, &g, sizeof g) ? -EFAULT : 0;
}

typedef long (*statfs_writer)(struct task_struct *, const struct statfs *, uint32_t, uint32_t);

static long fstatfs_common(struct task_struct *t, uint32_t fd, uint32_t size, uint32_t ubuf,
                           statfs_writer put)
{
    struct statfs s;
    int h = host_of(t, fd);
    if (h < 0)
        return -EBADF;
    if (fstatfs(h, &s))
        return -errno;
    return put(t, &s, size, ubuf);
}

static long statfs_common(struct task_struct *t, uint32_t upath, uint32_t size, uint32_t ubuf,
                          statfs_writer put)
{
    char path[PATH_MAX_G];
    long n = strncpy_from_user(t->mm, path, upath, PATH_MAX_G);
    if (n <= 0)
        return n ? n : -ENOENT;
    struct nd_path p;
    long r = namei(t, G_AT_FDCWD, path, LOOKUP_FOLLOW, &p);
    if (r)
        return r;
    struct statfs s;
    memset(&s, 0, sizeof s);
    if (!nd_exists(&p))
        r = -ENOENT;
    else if (p.layer == LAYER_HOST)
        r = fstatfs(p.fd, &s) ? -errno : 0;
    else {                              /* the model's: tmpfs (the overlay's upper too), procfs */
        s.f_type = p.layer == LAYER_PROC ? PROC_SUPER_MAGIC : TMPFS_MAGIC;
        s.f_bsize = s.f_frsize = PAGE_SIZE;
        s.f_namelen = NAME_MAX_G;
    }
    nd_path_release(&p);
    return r ? r : put(t, &s, size, ubuf);
}

SYSCALL_DEFINE3(fstatfs64, uint32_t, fd, uint32_t, sz, uint32_t, buf)
{
    return fstatfs_common(t, fd, sz, buf, put_statfs64);
}

SYSCALL_DEFINE3(statfs64, uint32_t, pathname, uint32_t, sz, uint32_t, buf)
{
    return statfs_common(t, pathname, sz, buf, put_statfs64);
}

SYSCALL_DEFINE2(fstatfs, uint32_t, fd, uint32_t, buf)
{
    return fstatfs_common(t, fd, 0, buf, put_statfs);
}

SYSCALL_DEFINE2(statfs, uint32_t, pathname, uint32_t, buf)
{
    return statfs_common(t, pathname, 0, buf, put_statfs);
}

SYSCALL_DEFINE1(umask, uint32_t, mask)
{
    uint32_t old = t->fs->umask;
    t->fs->umask = mask & 0777;
    return (long)old;
}

/* getpriority/setpriority for the one process (and its group and user):
 * getpriority answers 20 - nice, as the system call does. */
static long prio_target(struct task_struct *t, uint32_t which, uint32_t who)
{
    if (which > 2)
        return -EINVAL;
    if (who == 0 || (which != 2 && who == t->pid) || (which == 2 && who == (uint32_t)getuid()))
        return 0;
    return -ESRCH;
}

SYSCALL_DEFINE2(getpriority, uint32_t, which, uint32_t, who)
{
    long r = prio_target(t, which, who);
    return r ? r : 20 - t->nice;
}

/* Lowering the nice value needs CAP_SYS_NICE (can_nice): the host's root
 * has it, anyone else gets EACCES. */
SYSCALL_DEFINE3(setpriority, uint32_t, which, uint32_t, who, int32_t, niceval)
{
    long r = prio_target(t, which, who);
    if (r)
        return r;
    int32_t nice = niceval;
    nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
    if (nice < t->nice && !task_capable(23))   /* CAP_SYS_NICE */
        return -EACCES;
    t->nice = nice;
    return 0;
}

SYSCALL_DEFINE2(getgroups32, uint32_t, gidsetsize, uint32_t, grouplist)
{
    gid_t g[256];
    int n = getgroups(256, g);
    if ((int32_t)gidsetsize < 0)
        return -EINVAL;
    if (n < 0)
        return -errno;
    if (gidsetsize == 0)
        return n;
    if (gidsetsize < (uint32_t)n)
        return -EINVAL;
    return copy_to_user(t->mm, grouplist, g, (uint32_t)n * 4u) ? -EFAULT : n;
}

/*
 * Record locks (fs/locks.c fcntl_getlk / fcntl_setlk) for a process alone:
 * the lock is checked as Linux checks it — l_type and l_whence EINVAL, a
 * negative start EINVAL, then the descriptor's mode for the lock's type
 * (EBADF) — and then F_GETLK finds no conflicting lock (F_UNLCK) and
 * F_SETLK(W) succeeds.  flock64 (F_*LK64, OFD locks): 24 bytes; flock: 16.
 */
long fd_record_lock(struct task_struct *t, struct file *f, uint32_t cmd, uint32_t uaddr)
{
    int wide = cmd >= 12;           /* F_GETLK64..F_SETLKW64, F_OFD_* */
    int getlk = cmd == 5 || cmd == 12 || cmd == 36;
    uint8_t fl[24];
    uint32_t size = wide ? 24 : 16;
    if (copy_from_user(t->mm, fl, uaddr, size))
        return -EFAULT;
    int16_t type, whence;
    memcpy(&type, fl, 2);
    memcpy(&whence, fl + 2, 2);
    int64_t start;
    if (wide)
        memcpy(&start, fl + 4, 8);
    else {
        int32_t s32;
        memcpy(&s32, fl + 4, 4);
        start = s32;
    }
    if (type != F_RDLCK && type != F_WRLCK && (getlk || type != F_UNLCK))
        return -EINVAL;
    if (whence < 0 || whence > 2 || (whence == SEEK_SET && start < 0))
        return -EINVAL;
    if (getlk) {
        int16_t unlck = F_UNLCK;
        memcpy(fl, &unlck, 2);
        return copy_to_user(t->mm, uaddr, fl, size) ? -EFAULT : 0;
    }
    if ((type == F_RDLCK && !(f->f_mode & FMODE_READ_)) ||
        (type == F_WRLCK && !(f->f_mode & FMODE_WRITE_)))
        return -EBADF;
    return 0;
}

/* sendfile/sendfile64(out, in, offset, count): the host copies between the
 * guest's host descriptors (the modes and types checked there are Linux's:
 * EBADF for a descriptor not open for reading or writing, EINVAL for an
 * input that cannot be read that way); the offset, when given, is the
 * guest's and is written back. */
static long do_sendfile(struct task_struct *t, uint32_t out_fd, uint32_t in_fd, uint32_t offset, uint32_t count, int wide)
{
    int out = host_of(t, out_fd), in = host_of(t, in_fd);
    if (out < 0 || in < 0)
        return -EBADF;
    /* without an offset the input's own position: a hostfs file's is f_pos */
    struct file *inf = fdget(t->files, in_fd);
    int model_pos = !offset && inf->f_op->kind == FILE_HOSTFS;
    off_t off = model_pos ? (off_t)inf->f_pos : 0;
    if (offset) {
        int64_t v = 0;
        int32_t v32;
        if (copy_from_user(t->mm, wide ? (void *)&v : (void *)&v32, offset, wide ? 8 : 4))
            return -EFAULT;
        off = wide ? (off_t)v : (off_t)v32;
    }
    size_t len = count < PIO_CHUNK * 4 ? count : PIO_CHUNK * 4;
    ssize_t n = sendfile(out, in, offset || model_pos ? &off : NULL, len);
    if (n < 0)
        return -errno;
    if (model_pos)
        inf->f_pos = off;
    if (offset) {
        int64_t v = off;
        int32_t v32 = (int32_t)off;
        if (copy_to_user(t->mm, offset, wide ? (void *)&v : (void *)&v32, wide ? 8 : 4))
            return -EFAULT;
    }
    return n;
}

SYSCALL_DEFINE4(sendfile, uint32_t, out_fd, uint32_t, in_fd, uint32_t, offset, uint32_t, count) { return do_sendfile(t, out_fd, in_fd, offset, count, 0); }
SYSCALL_DEFINE4(sendfile64, uint32_t, out_fd, uint32_t, in_fd, uint32_t, offset, uint32_t, count) { return do_sendfile(t, out_fd, in_fd, offset, count, 1); }

/* generic_file_rw_checks and generic_copy_file_checks (fs/read_write.c):
 * regular files (EISDIR, EINVAL), open for reading and for writing without
 * O_APPEND (EBADF), offsets that do not wrap (EOVERFLOW), no overlap
 * within one file (EINVAL), and one
 * superblock: the model copies within one file system only (EXDEV
 * otherwise, as Linux without a ->copy_file_range across them). */
static long copy_range_checks(struct file *in, struct file *out, int64_t pos_in,
                              int64_t pos_out, uint32_t len)
{
    struct stat si, so;
    if (!in->f_op->getattr || !out->f_op->getattr || in->f_op->getattr(in, &si) ||
        out->f_op->getattr(out, &so))
        return -EINVAL;
    if (S_ISDIR(si.st_mode) || S_ISDIR(so.st_mode))
        return -EISDIR;
    if (!S_ISREG(si.st_mode) || !S_ISREG(so.st_mode))
        return -EINVAL;
    int append = out->f_op->kind == FILE_SHMEM ? (out->f_flags & G_O_APPEND) != 0
                                              : (out->f_flags & O_APPEND) != 0;
    if (!(in->f_mode & FMODE_READ_) || !(out->f_mode & FMODE_WRITE_) || append)
        return -EBADF;
    if (pos_in < 0 || pos_out < 0 || pos_in > INT64_MAX - len || pos_out > INT64_MAX - len)
        return -EOVERFLOW;              /* an end that wraps (a negative loff_t is one) */
    if (si.st_dev == so.st_dev && si.st_ino == so.st_ino &&
        pos_out + len > pos_in && pos_in + len > pos_out)
        return -EINVAL;                 /* overlapping ranges of one file */
    if (si.st_dev != so.st_dev || !model_positional(in) || !model_positional(out))
        return -EXDEV;
    return 0;
}

/* The copy itself: do_splice_direct's loop, chunk by chunk through the
 * two files' own read and write at their positions; bytes copied (short
 * at the input's end), or the first error. */
static long copy_range(struct file *in, struct file *out, int64_t *pos_in, int64_t *pos_out,
                       uint32_t len)
{
    uint8_t *buf = malloc(PIO_CHUNK);
    if (!buf)
        return -ENOMEM;
    long done = 0;
    while ((uint32_t)done < len) {
        uint32_t want = len - (uint32_t)done < PIO_CHUNK ? len - (uint32_t)done : PIO_CHUNK;
        int64_t at = *pos_in;
        long n = in->f_op->read(in, buf, want, &at);
        if (n <= 0) {
            done = done ? done : n;
            break;
        }
        int64_t to = *pos_out;
        long w = out->f_op->write(out, buf, (size_t)n, &to);
        if (w <= 0) {
            done = done ? done : w;
            break;
        }
        *pos_in += w;
        *pos_out += w;
        done += w;
        if (w < n)
            break;
    }
    free(buf);
    return done;
}

/* copy_file_range(fd_in, off_in, fd_out, off_out, len, flags): flags must
 * be 0; an offset pointer's loff_t is used and written back, else the
 * file's position moves. */
SYSCALL_DEFINE6(copy_file_range, uint32_t, fd_in, uint32_t, uoff_in, uint32_t, fd_out,
                uint32_t, uoff_out, uint32_t, len, uint32_t, flags)
{
    if (flags)
        return -EINVAL;
    struct file *in = fdget(t->files, fd_in), *out = fdget(t->files, fd_out);
    if (!in || !out)
        return -EBADF;
    int64_t pos_in = in->f_pos, pos_out = out->f_pos;
    if ((uoff_in && copy_from_user(t->mm, &pos_in, uoff_in, 8)) ||
        (uoff_out && copy_from_user(t->mm, &pos_out, uoff_out, 8)))
        return -EFAULT;
    len = len > INT32_MAX ? INT32_MAX : len;
    long r = copy_range_checks(in, out, pos_in, pos_out, len);
    if (r || !len)
        return r;
    r = copy_range(in, out, &pos_in, &pos_out, len);
    if (r <= 0)
        return r;
    if (uoff_in ? copy_to_user(t->mm, uoff_in, &pos_in, 8) != 0 : (in->f_pos = pos_in, 0))
        return -EFAULT;
    if (uoff_out ? copy_to_user(t->mm, uoff_out, &pos_out, 8) != 0 : (out->f_pos = pos_out, 0))
        return -EFAULT;
    return r;
}

/*
 * fd_table.c — the guest's descriptor calls: close, dup, dup2, dup3, fcntl,
 * and the table's setup (stdio) and mmap's view of a descriptor.
 *
 * A guest fd is an index into t->files->fd (vfs.h, file.c), whose entries
 * are struct files: never a host number.  dup shares the file (one
 * position, one set of flags: Linux's open file description), never a
 * host dup.  memsim's own files — the program, the RAM memfd, the trace,
 * the --root directory — are in no file, so whatever numbers the host gave
 * them, no guest number reaches them.
 *
 * Closed stdio: when memsim is started with fd 0, 1 or 2 closed, its first
 * open()s would land there, and a host library writing to "stderr" would
 * write into the trace or into RAM.  fd_stdio_reserve() opens /dev/null on
 * the closed ones before memsim opens anything, and tells which were really
 * open: only those become the guest's 0-2, so the guest sees the others
 * closed, as the same program run natively would.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/pipe.h"

/* memsim's internal descriptors go at or above this (fd_move_high). */
#define FD_INTERNAL_MIN 512

unsigned fd_stdio_reserve(void)
{
    unsigned open_mask = 0;
    for (int i = 0; i < 3; i++) {
        if (fcntl(i, F_GETFD) >= 0 || errno != EBADF) {
            open_mask |= 1u << i;
            continue;
        }
        /* the lowest free number is i: 0..i-1 are open by now */
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0 && fd != i)
            close(fd);
    }
    return open_mask;
}

int fd_move_high(int fd)
{
    if (fd < 0 || fd >= FD_INTERNAL_MIN)
        return fd;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, FD_INTERNAL_MIN);
    if (h < 0)
        return fd;                  /* a low RLIMIT_NOFILE: keep it where it is */
    close(fd);
    return h;
}

int fd_table_init(struct task_struct *t, unsigned stdio_open)
{
    mode_t mask = umask(022);       /* inherited, as a child inherits its parent's */
    umask(mask);
    t->fs->umask = (uint32_t)mask;
    for (uint32_t i = 0; i < 3; i++) {
        if (!(stdio_open & (1u << i)))
            continue;
        /* A dup: the guest may close or dup2 over its 0-2 without
         * touching memsim's own stdio. */
        int h = fcntl((int)i, F_DUPFD_CLOEXEC, 3);
        long err;
        struct file *f = h < 0 ? NULL : host_file_open(t->k, h, NULL, NULL, HOST_OPEN_STDIO, &err);
        if (!f)
            return -1;
        close_fd(t->files, i);
        fd_install(t->files, i, f, 0);
    }
    return 0;
}

void fd_table_close(struct task_struct *t)
{
    fs_cwd_release(t);
    files_put(t->files);
    t->files = NULL;
}

uint32_t fd_nofile_limit(const struct task_struct *t)
{
    uint64_t cur = t->mm->rlim[RLIMIT_NOFILE_].rlim_cur;
    return cur < MAX_FDS ? (uint32_t)cur : MAX_FDS;
}

long fd_install_file(struct task_struct *t, struct file *f, int cloexec, uint32_t lowest)
{
    long fd = get_unused_fd(t->files, lowest, fd_nofile_limit(t));
    if (fd < 0) {
        fput(f);
        return fd;
    }
    fd_install(t->files, (uint32_t)fd, f, cloexec);
    return fd;
}

SYSCALL_DEFINE1(close, uint32_t, fd)
{
    return close_fd(t->files, fd);
}

/* A second guest fd >= lowest for the open file of oldfd (F_DUPFD, dup). */
static long dup_from(struct task_struct *t, uint32_t oldfd, int cloexec, uint32_t lowest)
{
    struct file *f = fget(t->files, oldfd);
    return f ? fd_install_file(t, f, cloexec, lowest) : -EBADF;
}

/* dup2/dup3: newfd names oldfd's file; what newfd named is closed. */
static long dup_to(struct task_struct *t, uint32_t oldfd, uint32_t newfd, int cloexec)
{
    struct file *f = fdget(t->files, oldfd);
    if (!f || newfd >= fd_nofile_limit(t))
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    get_file(f);
    close_fd(t->files, newfd);
    fd_install(t->files, newfd, f, cloexec);
    return newfd;
}

long fd_reopen(struct task_struct *t, uint32_t fd, int cloexec)
{
    return dup_from(t, fd, cloexec, 0);
}

SYSCALL_DEFINE1(dup, uint32_t, fildes) { return dup_from(t, fildes, 0, 0); }
SYSCALL_DEFINE2(dup2, uint32_t, oldfd, uint32_t, newfd) { return dup_to(t, oldfd, newfd, 0); }
SYSCALL_DEFINE3(dup3, uint32_t, oldfd, uint32_t, newfd, uint32_t, flags)
{
    return oldfd == newfd ? -EINVAL : dup_to(t, oldfd, newfd, (flags & G_O_CLOEXEC) != 0);
}

/* setfl's SETFL_MASK on i386 (O_NDELAY is O_NONBLOCK), O_ASYNC aside: no
 * SIGIO is ever sent, so it is not kept. */
#define G_SETFL_MASK (G_O_APPEND | G_O_NONBLOCK | G_O_DIRECT | G_O_NOATIME)

/* F_SETFL on a file of the model's own (a pipe, tmpfs, /proc): its f_flags
 * within SETFL_MASK, as setfl.  O_DIRECT is a pipe's packet mode; no other
 * model file can do direct I/O (6.1's tmpfs has no FMODE_CAN_ODIRECT):
 * EINVAL.  O_NOATIME is the owner's (the guest is memsim's user). */
static long model_setfl(struct file *f, uint32_t arg)
{
    if ((arg & G_O_DIRECT) && !S_ISFIFO(f->f_inode->i_mode))
        return -EINVAL;
    f->f_flags = (arg & G_SETFL_MASK) | (f->f_flags & ~G_SETFL_MASK);
    return 0;
}

/* F_GETFL/F_SETFL: the host description's flags, for a host-backed file
 * (its access mode, O_APPEND, O_NONBLOCK, O_LARGEFILE as the host shows
 * them); f_flags follows.  A model file's are its own f_flags. */
static long fcntl_fl(struct file *f, uint32_t cmd, uint32_t arg)
{
    int h = file_host_fd(f);
    if (h < 0)
        return cmd == F_GETFL ? (long)f->f_flags : model_setfl(f, arg);
    if (cmd == F_SETFL) {
        /* setfl's SETFL_MASK (O_ASYNC aside: no signals are delivered).
         * For inherited stdio the host description is shared with
         * memsim's caller, as a native program's is with its shell. */
        if (fcntl(h, F_SETFL, (int)(arg & (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME))) < 0)
            return -errno;
    }
    int r = fcntl(h, F_GETFL);
    if (r < 0)
        return -errno;
    f->f_flags = (uint32_t)r;
    return cmd == F_GETFL ? r : 0;
}

SYSCALL_DEFINE3(fcntl64, uint32_t, fd, uint32_t, cmd, uint32_t, arg)
{
    struct file *f = fdget(t->files, fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
        return dup_from(t, fd, cmd == F_DUPFD_CLOEXEC, arg);
    case F_GETFD: return fd_cloexec(t->files, fd) ? FD_CLOEXEC : 0;
    case F_SETFD: fd_set_cloexec(t->files, fd, (arg & FD_CLOEXEC) != 0); return 0;
    case F_GETFL: case F_SETFL:
        return fcntl_fl(f, cmd, arg);
    case 5: case 6: case 7:             /* F_GETLK, F_SETLK, F_SETLKW */
    case 12: case 13: case 14:          /* the same with struct flock64 */
    case 36: case 37: case 38:          /* F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW */
        return fd_record_lock(t, f, cmd, arg);
    case G_F_SETPIPE_SZ: case G_F_GETPIPE_SZ:
        return pipe_fcntl(f, cmd, arg);
    default:      return -EINVAL;
    }
}

static long file_mmap(struct task_struct *t, uint32_t fd, struct mmap_file *mf)
{
    struct file *f = fdget(t->files, fd);
    *mf = (struct mmap_file){ 0 };
    if (!f)
        return -EBADF;
    if (!f->f_op->mmap)
        return -ENODEV;
    char name[32];
    snprintf(name, sizeof name, "fd:%u", fd);
    return f->f_op->mmap(f, name, mf);
}

/* The answer is data from outside the model (the host file's mode, size
 * and identity): an EV_FILE_MAP event records it for replay. */
static void emit_file_map(struct task_struct *t, uint32_t fd, long r, const struct mmap_file *mf)
{
    struct kernel *k = t->k;
    if (!k->events)
        return;
    struct event ev = { .type = EV_FILE_MAP };
    task_event_ids(t, &ev);
    struct file_map_event *e = &ev.u.file_map;
    *e = (struct file_map_event){ .fd = fd, .result = (int32_t)r, .f_mode = mf->f_mode };
    const struct vm_file *v = mf->vmf;
    if (v) {
        struct stat st = { .st_size = (off_t)v->size };
        if (v->fd >= 0 && fstat(v->fd, &st))
            st.st_size = 0;
        e->path = v->path;
        e->size = (uint64_t)st.st_size;
        e->dev = v->dev;
        e->ino = v->ino;
    }
    event_emit(k->events, &ev);
}

long fd_mmap_file(struct task_struct *t, uint32_t fd, struct mmap_file *mf)
{
    const struct file_map_source *src = &t->k->file_src;
    long r = src->map ? src->map(src->ctx, t, fd, mf) : file_mmap(t, fd, mf);
    emit_file_map(t, fd, r, mf);
    return r;
}

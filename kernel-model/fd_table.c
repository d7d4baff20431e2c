/*
 * fd_table.c — the guest's descriptor table.
 *
 * A guest fd is an index into t->files->fd, never a host number: each entry
 * holds a host descriptor the guest itself opened (or a dup of one of
 * memsim's stdio streams that was open when memsim started).  memsim's own
 * files — the program, the RAM memfd, the trace, the --root directory —
 * are not in the table, so whatever numbers the host gave them, no guest
 * number reaches them.
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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "kernel-model/fs.h"

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
    for (uint32_t i = 0; i < MAX_FDS; i++)
        t->files->fd[i] = (struct guest_fd){ .host_fd = -1 };
    t->cwd = (struct guest_fd){ .host_fd = -1 };
    mode_t mask = umask(022);       /* inherited, as a child inherits its parent's */
    umask(mask);
    t->umask = (uint32_t)mask;
    for (int i = 0; i < 3; i++) {
        if (!(stdio_open & (1u << i)))
            continue;
        /* A dup: the guest may close or dup2 over its 0-2 without
         * touching memsim's own stdio. */
        int h = fcntl(i, F_DUPFD_CLOEXEC, 3);
        if (h < 0)
            return -1;
        t->files->fd[i].host_fd = h;
    }
    return 0;
}

/* Forget guest fd: close its host fd and drop its mapping and directory
 * objects; VMAs that map the file keep their own references. */
static void fd_release(struct task_struct *t, uint32_t fd)
{
    struct guest_fd *g = &t->files->fd[fd];
    close(g->host_fd);
    vm_file_put(g->vmf);
    guest_dir_put(g->dir);
    free(g->path);
    *g = (struct guest_fd){ .host_fd = -1 };
}

void fd_table_close(struct task_struct *t)
{
    fs_cwd_release(t);
    for (uint32_t i = 0; i < MAX_FDS; i++)
        if (t->files->fd[i].host_fd >= 0)
            fd_release(t, i);
}

struct guest_fd *fd_get(struct task_struct *t, uint32_t fd)
{
    return fd < MAX_FDS && t->files->fd[fd].host_fd >= 0 ? &t->files->fd[fd] : NULL;
}

int fd_host(struct task_struct *t, uint32_t fd)
{
    struct guest_fd *g = fd_get(t, fd);
    return g ? g->host_fd : -1;
}

/* The descriptors the guest may hold: RLIMIT_NOFILE, within the table. */
static uint32_t nofile_limit(const struct task_struct *t)
{
    uint64_t cur = t->mm->rlim[RLIMIT_NOFILE_].rlim_cur;
    return cur < MAX_FDS ? (uint32_t)cur : MAX_FDS;
}

long fd_install(struct task_struct *t, int hfd, int cloexec, uint32_t lowest,
                const char *path, struct guest_dir *dir)
{
    uint32_t limit = nofile_limit(t);
    for (uint32_t i = lowest; i < limit; i++) {
        if (t->files->fd[i].host_fd < 0) {
            t->files->fd[i] = (struct guest_fd){ .host_fd = hfd, .cloexec = cloexec,
                                           .path = path ? strdup(path) : NULL, .dir = dir };
            return i;
        }
    }
    close(hfd);
    guest_dir_put(dir);
    return lowest >= limit ? -EINVAL : -EMFILE;   /* F_DUPFD past the limit: EINVAL */
}

long sys_close(struct task_struct *t, const uint32_t a[6])
{
    if (!fd_get(t, a[0]))
        return -EBADF;
    fd_release(t, a[0]);
    return 0;
}

/* A second guest fd for the open file of g: a host dup (same file
 * description: offset and flags shared, as Linux's dup shares the file). */
static long dup_from(struct task_struct *t, struct guest_fd *g, int cloexec, uint32_t lowest)
{
    int nh = fcntl(g->host_fd, F_DUPFD_CLOEXEC, 3);
    if (nh < 0)
        return -errno;
    return fd_install(t, nh, cloexec, lowest, g->path, g->dir ? guest_dir_get(g->dir) : NULL);
}

static long dup_to(struct task_struct *t, uint32_t oldfd, uint32_t newfd, int cloexec)
{
    struct guest_fd *g = fd_get(t, oldfd);
    if (!g || newfd >= nofile_limit(t))
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    int nh = fcntl(g->host_fd, F_DUPFD_CLOEXEC, 3);
    if (nh < 0)
        return -errno;
    if (t->files->fd[newfd].host_fd >= 0)
        fd_release(t, newfd);
    t->files->fd[newfd] = (struct guest_fd){ .host_fd = nh, .cloexec = cloexec,
                                       .path = g->path ? strdup(g->path) : NULL,
                                       .dir = g->dir ? guest_dir_get(g->dir) : NULL };
    return newfd;
}

long fd_reopen(struct task_struct *t, uint32_t fd, int cloexec)
{
    struct guest_fd *g = fd_get(t, fd);
    return g ? dup_from(t, g, cloexec, 0) : -EBADF;
}

long sys_dup(struct task_struct *t, const uint32_t a[6])
{
    struct guest_fd *g = fd_get(t, a[0]);
    return g ? dup_from(t, g, 0, 0) : -EBADF;
}

long sys_dup2(struct task_struct *t, const uint32_t a[6]) { return dup_to(t, a[0], a[1], 0); }
long sys_dup3(struct task_struct *t, const uint32_t a[6])
{
    return a[0] == a[1] ? -EINVAL : dup_to(t, a[0], a[1], (a[2] & G_O_CLOEXEC) != 0);
}

long sys_fcntl64(struct task_struct *t, const uint32_t a[6])
{
    struct guest_fd *g = fd_get(t, a[0]);
    if (!g)
        return -EBADF;
    switch (a[1]) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
        return dup_from(t, g, a[1] == F_DUPFD_CLOEXEC, a[2]);
    case F_GETFD: return g->cloexec ? FD_CLOEXEC : 0;
    case F_SETFD: g->cloexec = (a[2] & FD_CLOEXEC) != 0; return 0;
    case F_GETFL: { int r = fcntl(g->host_fd, F_GETFL); return r < 0 ? -errno : r; }
    case F_SETFL:
        /* setfl's SETFL_MASK (O_ASYNC aside: no signals are delivered).  The
         * host file description is shared with its dups, as Linux's; for
         * inherited stdio it is shared with memsim's caller, as a native
         * program's is with its shell. */
        if (fcntl(g->host_fd, F_SETFL,
                  (int)(a[2] & (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME))) < 0)
            return -errno;
        return 0;
    case 5: case 6: case 7:             /* F_GETLK, F_SETLK, F_SETLKW */
    case 12: case 13: case 14:          /* the same with struct flock64 */
    case 36: case 37: case 38:          /* F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW */
        return fd_record_lock(t, g, a[1], a[2]);
    default:      return -EINVAL;
    }
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

long fd_mmap_file(struct task_struct *t, uint32_t fd, struct mmap_file *f)
{
    struct guest_fd *g = fd_get(t, fd);
    *f = (struct mmap_file){ 0 };
    if (!g)
        return -EBADF;
    long r = host_f_mode(g->host_fd, &f->f_mode);
    if (r)
        return r;
    /* Only a readable regular file gets pages: the vm_file is shared with
     * every later mapping of the same file (vm_file_get), so it must be
     * made from a descriptor that can read it.  An unreadable one goes to
     * do_mmap without pages, and do_mmap refuses it (EACCES) in order. */
    if ((f->f_mode & (FMODE_MMAP_ | FMODE_READ_)) != (FMODE_MMAP_ | FMODE_READ_))
        return 0;
    if (!g->vmf) {
        char name[32];
        snprintf(name, sizeof name, "fd:%u", fd);
        g->vmf = vm_file_get(&t->k->vm_files, g->host_fd, g->path ? g->path : name);
        if (!g->vmf)
            return errno ? -errno : -ENOMEM;
    }
    g->vmf->refs++;                      /* the caller's reference */
    f->vmf = g->vmf;
    return 0;
}

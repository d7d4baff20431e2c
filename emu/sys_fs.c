/*
 * sys_fs.c — file system calls on the host's files, read-only.
 *
 * Guest descriptors map to host descriptors.  Guest paths resolve under
 * --root with openat2(RESOLVE_IN_ROOT), so ".." and symlinks cannot climb
 * out; with the default root "/" they are host paths (relative ones against
 * memsim's working directory, as under qemu-user).  Opening for writing is
 * refused with EROFS, except /dev/null.  Structures are converted to their
 * i386 layouts (struct stat64); statx and linux_dirent64 are the same on
 * every architecture and pass through.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#include "emu/syscall.h"

#define G_AT_FDCWD ((uint32_t)-100)
#define G_AT_EMPTY_PATH 0x1000u
#define G_AT_SYMLINK_NOFOLLOW 0x100u
#define G_O_ACCMODE 3u
#define G_O_CREAT 0100u
#define G_O_TRUNC 01000u
#define G_O_APPEND 02000u
#define G_O_CLOEXEC 02000000u
#define IO_CHUNK (256u << 10)
#define PATH_MAX_G 4096u

int fd_table_init(struct machine *m)
{
    for (int i = 0; i < MAX_FDS; i++)
        m->fds[i] = (struct guest_fd){ .host_fd = i < 3 ? i : -1 };
    return 0;
}

/* Forget guest fd: close its host fd (never memsim's own stdio) and drop
 * its mapping object; VMAs that map the file keep their references. */
static void fd_release(struct machine *m, uint32_t fd)
{
    struct guest_fd *g = &m->fds[fd];
    if (g->host_fd > 2)
        close(g->host_fd);
    vm_file_put(g->vmf);
    free(g->path);
    *g = (struct guest_fd){ .host_fd = -1 };
}

void fd_table_close(struct machine *m)
{
    for (uint32_t i = 0; i < MAX_FDS; i++)
        if (m->fds[i].host_fd >= 0)
            fd_release(m, i);
}

static int host_fd(struct machine *m, uint32_t fd)
{
    return fd < MAX_FDS ? m->fds[fd].host_fd : -1;
}

static long install_fd(struct machine *m, int hfd, int cloexec, uint32_t lowest,
                       const char *path)
{
    for (uint32_t i = lowest; i < MAX_FDS; i++) {
        if (m->fds[i].host_fd < 0) {
            m->fds[i] = (struct guest_fd){ .host_fd = hfd, .cloexec = cloexec,
                                           .path = path ? strdup(path) : NULL };
            return i;
        }
    }
    close(hfd);
    return -EMFILE;
}

static long get_path(struct machine *m, uint32_t uptr, char *buf)
{
    long n = strncpy_from_user(m->mm, buf, uptr, PATH_MAX_G);
    if (n == 0)
        return -ENOENT;
    return n < 0 ? n : 0;
}

/* Open a guest path (relative to guest dirfd) on the host, inside --root. */
static int open_guest_path(struct machine *m, uint32_t dirfd, const char *path, int flags)
{
    int base;
    if (dirfd == G_AT_FDCWD || path[0] == '/')
        base = m->root_fd >= 0 ? m->root_fd : AT_FDCWD;
    else if ((base = host_fd(m, dirfd)) < 0)
        return -EBADF;
    if (m->root_fd < 0) {
        int fd = openat(base, path, flags | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
    }
    struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT };
    long fd = syscall(SYS_openat2, base, path, &how, sizeof how);
    return fd < 0 ? -errno : (int)fd;
}

static long do_open(struct machine *m, uint32_t dirfd, uint32_t upath, uint32_t flags)
{
    char path[PATH_MAX_G];
    long r = get_path(m, upath, path);
    if (r)
        return r;
    int writing = (flags & G_O_ACCMODE) != 0 || (flags & (G_O_CREAT | G_O_TRUNC)) != 0;
    if (writing && strcmp(path, "/dev/null") != 0)
        return -EROFS;
    int hflags = (int)(flags & (G_O_ACCMODE | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
    int fd = open_guest_path(m, dirfd, path, hflags);
    if (fd < 0)
        return fd;
    return install_fd(m, fd, (flags & G_O_CLOEXEC) != 0, 0, path);
}

long sys_open(struct machine *m, const uint32_t a[6]) { return do_open(m, G_AT_FDCWD, a[0], a[1]); }
long sys_openat(struct machine *m, const uint32_t a[6]) { return do_open(m, a[0], a[1], a[2]); }

long sys_close(struct machine *m, const uint32_t a[6])
{
    if (host_fd(m, a[0]) < 0)
        return -EBADF;
    fd_release(m, a[0]);                 /* the guest may close 0-2; memsim keeps its own */
    return 0;
}

/* Run a host read-like call through a bounce buffer into user memory. */
static long read_to_user(struct machine *m, uint32_t fd, uint32_t uaddr, uint32_t count,
                         ssize_t (*op)(int, void *, size_t))
{
    int h = host_fd(m, fd);
    if (h < 0)
        return -EBADF;
    uint32_t len = count < IO_CHUNK ? count : IO_CHUNK;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    ssize_t n = op(h, buf, len);
    long r = n < 0 ? -errno : n;
    if (n == (ssize_t)len && len < count && op == read) {
        /* a regular file gives the whole count (to 256 KiB chunks) */
        struct stat st;
        if (fstat(h, &st) == 0 && S_ISREG(st.st_mode)) {
            long more = n > 0 && copy_to_user(m->mm, uaddr, buf, (uint32_t)n) ? -EFAULT : 0;
            free(buf);
            if (more)
                return lseek(h, -(off_t)n, SEEK_CUR), -EFAULT;
            more = read_to_user(m, fd, uaddr + (uint32_t)n, count - len, op);
            return more < 0 ? n : n + more;
        }
    }
    if (n > 0 && copy_to_user(m->mm, uaddr, buf, (uint32_t)n)) {
        /* Linux copies as it reads: nothing reached the guest, so the
         * file position must not have moved either. */
        lseek(h, -(off_t)n, SEEK_CUR);
        r = -EFAULT;
    }
    free(buf);
    return r;
}

static ssize_t host_getdents64(int fd, void *buf, size_t len)
{
    return syscall(SYS_getdents64, fd, buf, len);
}

long sys_read(struct machine *m, const uint32_t a[6]) { return read_to_user(m, a[0], a[1], a[2], read); }
long sys_getdents64(struct machine *m, const uint32_t a[6])
{
    return read_to_user(m, a[0], a[1], a[2], host_getdents64);
}

/*
 * A write to a pipe or socket without a reader fails with EPIPE and sends
 * the writer SIGPIPE (pipe_write), whose default action kills it.  No guest
 * handler runs in this model, so as for kill(self) every disposition but
 * SIG_IGN (or a blocked SIGPIPE) kills; the shell's silence for SIGPIPE is
 * kept (no report line).
 */
static void send_sigpipe(struct machine *m)
{
    if (m->stopped || m->sigactions[SIGPIPE].handler == 1 ||
        (m->sigmask & (1ull << (SIGPIPE - 1))))
        return;
    m->exit_reason = "SIGPIPE";
    machine_kill(m, SIGPIPE, "%s", "");
}

static long write_user(struct machine *m, int h, uint32_t uaddr, uint32_t len)
{
    long done = 0;
    uint8_t *buf = malloc(IO_CHUNK);
    if (!buf)
        return -ENOMEM;
    while (len) {
        uint32_t chunk = len < IO_CHUNK ? len : IO_CHUNK;
        if (copy_from_user(m->mm, buf, uaddr, chunk)) {
            done = done ? done : -EFAULT;
            break;
        }
        ssize_t n = write(h, buf, chunk);
        if (n < 0) {
            if (errno == EPIPE)
                send_sigpipe(m);
            done = done ? done : -errno;
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

long sys_write(struct machine *m, const uint32_t a[6])
{
    int h = host_fd(m, a[0]);
    return h < 0 ? -EBADF : write_user(m, h, a[1], a[2]);
}

static long do_iov(struct machine *m, const uint32_t a[6], int writing)
{
    int h = host_fd(m, a[0]);
    if (h < 0)
        return -EBADF;
    if (a[2] > 1024)
        return -EINVAL;
    long total = 0;
    for (uint32_t i = 0; i < a[2]; i++) {
        uint32_t iov[2];
        if (copy_from_user(m->mm, iov, a[1] + 8 * i, 8))
            return total ? total : -EFAULT;
        if (!iov[1])
            continue;
        uint32_t b[6] = { a[0], iov[0], iov[1] };
        long r = writing ? write_user(m, h, iov[0], iov[1]) : sys_read(m, b);
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((uint32_t)r < iov[1])
            break;
    }
    return total;
}

long sys_writev(struct machine *m, const uint32_t a[6]) { return do_iov(m, a, 1); }
long sys_readv(struct machine *m, const uint32_t a[6]) { return do_iov(m, a, 0); }

long sys_lseek(struct machine *m, const uint32_t a[6])
{
    int h = host_fd(m, a[0]);
    if (h < 0)
        return -EBADF;
    off_t r = lseek(h, (off_t)(int32_t)a[1], (int)a[2]);
    if (r < 0)
        return -errno;
    return r > INT32_MAX ? -EOVERFLOW : (long)r;
}

long sys_llseek(struct machine *m, const uint32_t a[6])
{
    int h = host_fd(m, a[0]);
    if (h < 0)
        return -EBADF;
    off_t off = (off_t)(((uint64_t)a[1] << 32) | a[2]);
    off_t r = lseek(h, off, (int)a[4]);
    if (r < 0)
        return -errno;
    uint64_t res = (uint64_t)r;
    return copy_to_user(m->mm, a[3], &res, 8) ? -EFAULT : 0;
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

static long put_stat64(struct machine *m, uint32_t uaddr, const struct stat *st)
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
    return copy_to_user(m->mm, uaddr, &s, sizeof s) ? -EFAULT : 0;
}

/* Open a path for stat-like calls: O_PATH, optionally not following a final link. */
static int path_fd(struct machine *m, uint32_t dirfd, uint32_t upath, uint32_t flags, long *err)
{
    char path[PATH_MAX_G];
    if ((*err = strncpy_from_user(m->mm, path, upath, PATH_MAX_G)) < 0)
        return -1;
    if (!path[0]) {
        if (!(flags & G_AT_EMPTY_PATH)) {
            *err = -ENOENT;
            return -1;
        }
        int h = dirfd == G_AT_FDCWD ? -1 : host_fd(m, dirfd);
        int fd = h < 0 ? -1 : fcntl(h, F_DUPFD_CLOEXEC, 3);
        *err = fd < 0 ? -EBADF : 0;
        return fd;
    }
    int fd = open_guest_path(m, dirfd, path,
                             O_PATH | ((flags & G_AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0));
    *err = fd < 0 ? fd : 0;
    return fd < 0 ? -1 : fd;
}

static long stat_at(struct machine *m, uint32_t dirfd, uint32_t upath, uint32_t ubuf, uint32_t flags)
{
    long err;
    int fd = path_fd(m, dirfd, upath, flags, &err);
    if (fd < 0)
        return err;
    struct stat st;
    long r = fstat(fd, &st) ? -errno : put_stat64(m, ubuf, &st);
    close(fd);
    return r;
}

long sys_fstat64(struct machine *m, const uint32_t a[6])
{
    int h = host_fd(m, a[0]);
    struct stat st;
    if (h < 0)
        return -EBADF;
    return fstat(h, &st) ? -errno : put_stat64(m, a[1], &st);
}

long sys_stat64(struct machine *m, const uint32_t a[6]) { return stat_at(m, G_AT_FDCWD, a[0], a[1], 0); }
long sys_lstat64(struct machine *m, const uint32_t a[6])
{
    return stat_at(m, G_AT_FDCWD, a[0], a[1], G_AT_SYMLINK_NOFOLLOW);
}
long sys_fstatat64(struct machine *m, const uint32_t a[6]) { return stat_at(m, a[0], a[1], a[2], a[3]); }

long sys_statx(struct machine *m, const uint32_t a[6])
{
    long err;
    int fd = path_fd(m, a[0], a[1], a[2], &err);
    if (fd < 0)
        return err;
    struct statx stx;
    long r = statx(fd, "", AT_EMPTY_PATH, a[3], &stx) ? -errno : 0;
    close(fd);
    if (!r && copy_to_user(m->mm, a[4], &stx, sizeof stx))
        r = -EFAULT;
    return r;
}

static long do_readlink(struct machine *m, uint32_t dirfd, uint32_t upath, uint32_t ubuf, uint32_t size)
{
    char path[PATH_MAX_G], target[PATH_MAX_G];
    long r = get_path(m, upath, path);
    if (r)
        return r;
    if ((int32_t)size <= 0)
        return -EINVAL;
    ssize_t n;
    if (strcmp(path, "/proc/self/exe") == 0) {
        n = (ssize_t)strlen(m->exe_guest_path);
        memcpy(target, m->exe_guest_path, (size_t)n);
    } else {
        int fd = open_guest_path(m, dirfd, path, O_PATH | O_NOFOLLOW);
        if (fd < 0)
            return fd;
        n = readlinkat(fd, "", target, sizeof target);
        r = n < 0 ? -errno : 0;
        close(fd);
        if (r)
            return r == -ENOENT ? -EINVAL : r;
    }
    if ((uint32_t)n > size)
        n = size;
    return copy_to_user(m->mm, ubuf, target, (uint32_t)n) ? -EFAULT : n;
}

long sys_readlink(struct machine *m, const uint32_t a[6]) { return do_readlink(m, G_AT_FDCWD, a[0], a[1], a[2]); }
long sys_readlinkat(struct machine *m, const uint32_t a[6]) { return do_readlink(m, a[0], a[1], a[2], a[3]); }

/* access(2): the host decides R_OK and X_OK for memsim's own user (through
 * the resolved descriptor, so --root holds); W_OK is EROFS. */
static long do_access(struct machine *m, uint32_t dirfd, uint32_t upath, uint32_t mode)
{
    long err;
    if (mode & ~7u)
        return -EINVAL;
    int fd = path_fd(m, dirfd, upath, 0, &err);
    if (fd < 0)
        return err;
    char proc[40];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    long r = (mode & (R_OK | X_OK)) && access(proc, (int)(mode & (R_OK | X_OK))) ? -errno : 0;
    close(fd);
    return r ? r : (mode & W_OK) ? -EROFS : 0;
}

long sys_access(struct machine *m, const uint32_t a[6]) { return do_access(m, G_AT_FDCWD, a[0], a[1]); }
long sys_faccessat(struct machine *m, const uint32_t a[6]) { return do_access(m, a[0], a[1], a[2]); }

long sys_ioctl(struct machine *m, const uint32_t a[6])
{
    int h = host_fd(m, a[0]);
    if (h < 0)
        return -EBADF;
    uint8_t buf[64];
    size_t size;
    switch (a[1]) {
    case TCGETS:     size = 36; break;       /* struct termios: same on i386 and x86-64 */
    case TIOCGWINSZ: size = sizeof(struct winsize); break;
    default:         return -ENOTTY;
    }
    if (ioctl(h, a[1], buf) < 0)
        return -errno;
    return copy_to_user(m->mm, a[2], buf, (uint32_t)size) ? -EFAULT : 0;
}

static long dup_to(struct machine *m, uint32_t oldfd, uint32_t newfd, int cloexec)
{
    int h = host_fd(m, oldfd);
    if (h < 0 || newfd >= MAX_FDS)
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    int nh = fcntl(h, F_DUPFD_CLOEXEC, 3);
    if (nh < 0)
        return -errno;
    if (m->fds[newfd].host_fd >= 0)
        fd_release(m, newfd);
    m->fds[newfd] = (struct guest_fd){ .host_fd = nh, .cloexec = cloexec,
                                       .path = m->fds[oldfd].path ? strdup(m->fds[oldfd].path) : NULL };
    return newfd;
}

long sys_dup(struct machine *m, const uint32_t a[6])
{
    int h = host_fd(m, a[0]);
    if (h < 0)
        return -EBADF;
    int nh = fcntl(h, F_DUPFD_CLOEXEC, 3);
    return nh < 0 ? -errno : install_fd(m, nh, 0, 0, m->fds[a[0]].path);
}

long sys_dup2(struct machine *m, const uint32_t a[6]) { return dup_to(m, a[0], a[1], 0); }
long sys_dup3(struct machine *m, const uint32_t a[6])
{
    return a[0] == a[1] ? -EINVAL : dup_to(m, a[0], a[1], (a[2] & G_O_CLOEXEC) != 0);
}

long sys_fcntl64(struct machine *m, const uint32_t a[6])
{
    int h = host_fd(m, a[0]);
    if (h < 0)
        return -EBADF;
    switch (a[1]) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
        int nh = fcntl(h, F_DUPFD_CLOEXEC, 3);
        return nh < 0 ? -errno : install_fd(m, nh, a[1] == F_DUPFD_CLOEXEC, a[2], m->fds[a[0]].path);
    }
    case F_GETFD: return m->fds[a[0]].cloexec ? FD_CLOEXEC : 0;
    case F_SETFD: m->fds[a[0]].cloexec = (a[2] & FD_CLOEXEC) != 0; return 0;
    case F_GETFL: { int r = fcntl(h, F_GETFL); return r < 0 ? -errno : r; }
    case F_SETFL: return 0;
    default:      return -EINVAL;
    }
}

long sys_poll(struct machine *m, const uint32_t a[6])
{
    uint32_t n = a[1];
    if (n > MAX_FDS)
        return -EINVAL;
    struct pollfd *p = calloc(n ? n : 1, sizeof *p);
    if (!p)
        return -ENOMEM;
    long r = n && copy_from_user(m->mm, p, a[0], n * (uint32_t)sizeof *p) ? -EFAULT : 0;
    int32_t guest_fd[MAX_FDS];
    for (uint32_t i = 0; !r && i < n; i++) {
        guest_fd[i] = p[i].fd;
        p[i].fd = p[i].fd < 0 ? -1 : host_fd(m, (uint32_t)p[i].fd);
        if (guest_fd[i] >= 0 && p[i].fd < 0)
            p[i].fd = -1;                      /* closed fd: POLLNVAL below */
    }
    if (!r) {
        r = poll(p, n, (int32_t)a[2]);
        r = r < 0 ? -errno : r;
        for (uint32_t i = 0; i < n; i++) {
            if (guest_fd[i] >= 0 && p[i].fd < 0) {
                p[i].revents = POLLNVAL;
                r = r < 0 ? 1 : r + 1;
            }
            p[i].fd = guest_fd[i];
        }
        if (r >= 0 && n && copy_to_user(m->mm, a[0], p, n * (uint32_t)sizeof *p))
            r = -EFAULT;
    }
    free(p);
    return r;
}

long sys_getcwd(struct machine *m, const uint32_t a[6])
{
    char cwd[PATH_MAX_G];
    if (m->root_fd >= 0)
        strcpy(cwd, "/");
    else if (!getcwd(cwd, sizeof cwd))
        return -errno;
    uint32_t n = (uint32_t)strlen(cwd) + 1;
    if (n > a[1])
        return -ERANGE;
    return copy_to_user(m->mm, a[0], cwd, n) ? -EFAULT : (long)n;
}

long sys_chdir(struct machine *m, const uint32_t a[6])
{
    return -EPERM;     /* the guest's working directory is fixed for now */
}

struct vm_file *fd_vm_file(struct machine *m, uint32_t fd, long *err)
{
    int h = host_fd(m, fd);
    if (h < 0) {
        *err = -EBADF;
        return NULL;
    }
    struct guest_fd *g = &m->fds[fd];
    if (!g->vmf) {
        char name[32];
        snprintf(name, sizeof name, "fd:%u", fd);
        g->vmf = vm_file_open(h, g->path ? g->path : name);
    }
    *err = g->vmf ? 0 : -ENOMEM;
    if (g->vmf)
        g->vmf->refs++;                  /* the caller's reference */
    return g->vmf;
}

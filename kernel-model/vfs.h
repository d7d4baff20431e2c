/*
 * vfs.h — the guest's files: struct file, struct inode, struct files_struct
 * and the backends' struct file_operations (internal to kernel-model/).
 *
 * A guest fd is an index into t->files->fd[], whose entries are struct file
 * pointers: never a host descriptor number.  A struct file is one open file
 * description (Linux's): its position, flags and mode, shared by every fd
 * dup/dup2/dup3/F_DUPFD made from it (and, with fork, by both processes);
 * it is freed when the last fd (or other holder) puts it.  close-on-exec is
 * per fd (files_struct), not per file.  Every fd system call goes
 * fdget/fget -> f->f_op.
 *
 * One struct inode per file-system object (for host-backed files: per host
 * st_dev/st_ino), shared by every open and every vm_file of it; it carries
 * the attributes at open and its page cache (i_data, filemap.h).  A cached
 * inode outlives its last holder while it has pages (inode.c).
 *
 * Backends (one file_operations each):
 *   hostfs_file_ops  regular files under --root, read-only: a host
 *                    descriptor per open file, the position is f_pos (the
 *                    model's) and I/O is pread at it (hostfs.c);
 *   hostfs_dir_ops   directories: getdents with the guest's cookies (sys_dir.c);
 *   stdio_file_ops   the inherited 0-2 and their reopenings for writing:
 *                    the host descriptor's own position, since it may be
 *                    shared with the user's shell (hostfs.c);
 *   hostdev_ops      other host objects opened by path (character devices
 *                    such as /dev/urandom, FIFOs, sockets): the host's I/O;
 *   devfs_null/zero/full_ops  /dev/null, /dev/zero, /dev/full served by the
 *                    model (devfs.c); the host device stays behind for fstat;
 *   proc_file_ops, proc_dir_ops  the guest's /proc (procfs.c): text rendered
 *                    at open, no host object behind it.
 *   pipefifo_fops    both ends of a pipe (pipe.c): the model's pages, reads
 *                    and writes that block (read_iter/write_iter), poll.
 * hostfs reads go through the page cache (filemap_read).
 */
#ifndef MEMSIM_VFS_H
#define MEMSIM_VFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "kernel-model/resource.h"
#include "kernel-model/filemap.h"

struct kernel;
struct task_struct;
struct mm_struct;
struct file;
struct vm_file;
struct mmap_file;
struct guest_dir;
struct kmem_cache;
struct poll_table;

/* One user buffer of a read or write (Linux's iovec in an iov_iter). */
struct user_iov {
    uint32_t base, len;
};

/* Which backend a file is (for tests, traces and the seams to come). */
enum file_kind {
    FILE_HOSTFS,                /* a regular file of the root (model f_pos) */
    FILE_HOSTFS_DIR,            /* a directory of the root */
    FILE_STDIO,                 /* inherited stdio (host position) */
    FILE_HOSTDEV,               /* another host object (host I/O) */
    FILE_DEVFS,                 /* /dev/null, /dev/zero, /dev/full (the model's) */
    FILE_PROCFS,                /* the guest's /proc (procfs.c) */
    FILE_PIPE,                  /* pipe(2), pipe2(2) (pipe.c) */
    FILE_SHMEM,                 /* seam: memfd, /dev/shm (shmem issue) */
    FILE_EPOLL,                 /* epoll_create (eventpoll.c) */
    FILE_EVENTFD,               /* eventfd, eventfd2 (eventfd.c) */
};

/*
 * Operations of an open file.  Positional ones take the position to use
 * and move it (Linux's loff_t *): the caller commits it to f_pos.  A
 * backend whose position is the host's (stdio, hostdev) ignores *pos and
 * lets the host move its own.  NULL: the call does not apply (read/write
 * -EINVAL, getdents -ENOTDIR, mmap -ENODEV, host_fd -1).
 */
struct file_operations {
    enum file_kind kind;
    long (*read)(struct file *f, void *buf, size_t n, int64_t *pos);
    long (*write)(struct file *f, const void *buf, size_t n, int64_t *pos);
    /*
     * A file that may make the call wait (pipes): read/readv and
     * write/writev go here instead, with the user's buffers, so the
     * backend copies the user memory of t (current) itself and can block t
     * (wait.h) with its progress kept in the task.  Bytes, -errno, or
     * -ERESTART_BLOCK (the call runs again when t is woken).
     */
    long (*read_iter)(struct task_struct *t, struct file *f, const struct user_iov *iov,
                      unsigned nr);
    long (*write_iter)(struct task_struct *t, struct file *f, const struct user_iov *iov,
                       unsigned nr);
    /* readiness now, and the wait queues that may change it (poll.h);
     * NULL: always ready (DEFAULT_POLLMASK) */
    unsigned (*poll)(struct file *f, struct poll_table *pt);
    /* 0 and *res the new position, or -errno */
    long (*llseek)(struct file *f, int64_t off, int whence, int64_t *res);
    /* getdents64 (old: getdents) into user memory at ubuf; bytes or -errno */
    long (*getdents)(struct file *f, struct mm_struct *mm, uint32_t ubuf, uint32_t len, int old);
    /* FIONREAD, TCGETS, TIOCGWINSZ (written back), TCSETS*, TIOCSWINSZ (read
     * from the user first; tty_ioctl.c): arg a kernel buffer of 64 bytes */
    long (*ioctl)(struct file *f, unsigned cmd, void *arg);
    /* what mmap needs (mm.h struct mmap_file); name names a new vm_file */
    long (*mmap)(struct file *f, const char *name, struct mmap_file *mf);
    /* fresh attributes (fstat); the inode's are refreshed with them */
    long (*getattr)(struct file *f, struct stat *st);
    /*
     * The host descriptor behind a host-backed file: what the calls the
     * host answers exactly as Linux would (a host stream's poll readiness,
     * host_file_poll; pread/pwrite, fsync, fadvise, fstatfs, statx and
     * faccessat2 on an empty path, sendfile, F_GETFL/F_SETFL) act on.  Never
     * a guest number.  Procfs, pipes and shmem will have none (-1).
     */
    int  (*host_fd)(struct file *f);
    void (*release)(struct file *f);        /* the last reference went */
};

struct inode {
    int i_count;                /* open files, vm_files (and other holders) */
    uint32_t i_mode;            /* S_IF* | permissions, at the first open */
    int64_t i_size;             /* refreshed by getattr */
    uint64_t i_dev, i_ino, i_rdev;   /* the host's identity: the cache key */
    struct kernel *i_k;         /* the kernel whose frames its pages are (Linux: i_sb) */
    unsigned i_nlink;           /* tmpfs: names (0: unlinked, freed with its last holder) */
    int64_t i_atime, i_mtime, i_ctime;  /* tmpfs: seconds (the model's epoch) */
    uint32_t i_uid, i_gid;      /* tmpfs: the owner */
    char *i_link;               /* tmpfs: a symlink's target (Linux's i_link), owned */
    uint32_t i_kaddr;           /* its slab object (inode_cache, shmem_inode_cache), or 0 */
    struct kmem_cache *i_cache;
    struct address_space i_data;       /* its page cache (filemap.h) */
    struct address_space *i_mapping;   /* &i_data */
    int i_wb_fd;                /* --writable-root: the host descriptor write-back
                                   pwrites through (its own description), or -1 */
    int i_mmap_written;         /* a shared mapping's store dirtied a page since the
                                   last write-back: it sets the host mtime (hostfs_write.c) */
    struct inode *i_next, **i_pprev;   /* in the kernel's inode cache */
};

/* One open file description. */
struct file {
    int f_count;
    const struct file_operations *f_op;
    int64_t f_pos;              /* the model's position (hostfs_file_ops, devfs) */
    uint32_t f_flags;           /* the open flags F_GETFL shows: the host's for a
                                   host-backed file, the guest's (G_O_*) for the
                                   model's own (pipes, tmpfs, /proc) */
    unsigned f_mode;            /* FMODE_READ_ | FMODE_WRITE_ (mm.h) */
    struct inode *f_inode;
    char *f_path;               /* as the guest opened it, or NULL (stdio) */
    void *private_data;         /* the backend's (hostfs: struct host_file) */
    uint32_t f_kaddr;           /* its filp slab object, or 0 (see alloc_file) */
    struct epitem *f_ep;        /* the epoll items watching it (eventpoll.c) */
};

/* The descriptor table, shared by threads and (until exec) nothing else;
 * fork will copy it with file references or share it (CLONE_FILES). */
struct files_struct {
    int count;
    struct file *fd[NR_OPEN_MAX];
    uint32_t close_on_exec[NR_OPEN_MAX / 32];
};

/* file.c: the files_struct and file life */
struct files_struct *files_alloc(void);                 /* empty; NULL: no memory */
struct files_struct *files_get(struct files_struct *fs);
void files_put(struct files_struct *fs);                /* the last put closes all */
/* fork without CLONE_FILES (Linux's dup_fd): a new table naming the same
 * files (a reference each) with the same close-on-exec bits; NULL: no memory. */
struct files_struct *files_dup(const struct files_struct *old);
/* The lowest free fd in [lowest, limit): -EMFILE, or -EINVAL if lowest >= limit. */
long get_unused_fd(struct files_struct *fs, uint32_t lowest, uint32_t limit);
/* fd (free, from get_unused_fd) takes over the caller's reference to f. */
void fd_install(struct files_struct *fs, uint32_t fd, struct file *f, int cloexec);
/* The fd's file without a reference (valid for the system call: a table
 * shared with another running task would take one, as Linux's fdget). */
struct file *fdget(struct files_struct *fs, uint32_t fd);
struct file *fget(struct files_struct *fs, uint32_t fd);   /* a reference, or NULL */
struct file *get_file(struct file *f);
void fput(struct file *f);                              /* the last put releases */
/* getattr of an anonymous file (epoll, eventfd: anon_inode): mode 0600,
 * no file type, one link. */
long anon_inode_getattr(struct file *f, struct stat *st);
/* eventpoll.c: f's last reference went: every epoll item watching it goes. */
void eventpoll_release(struct file *f);
/* Take fd out of the table and put its file: -EBADF when not open. */
long close_fd(struct files_struct *fs, uint32_t fd);
int  fd_cloexec(const struct files_struct *fs, uint32_t fd);
void fd_set_cloexec(struct files_struct *fs, uint32_t fd, int on);
/* A file of backend ops on inode (its reference taken over); NULL: no memory.
 * Its struct file is a filp slab object of the inode's kernel (i_k) when
 * the kernel is booted; the last fput frees it.  None: the inherited stdio
 * (made before boot, as the task) and /proc files (inodes of no kernel). */
struct file *alloc_file(const struct file_operations *ops, struct inode *inode,
                        uint32_t f_flags, const char *path, void *private_data);

/* inode.c: the inode cache, one inode per host (dev, ino); new_inode: one
 * of the model's own (procfs), in no cache, i_count 1; NULL: no memory.
 * iget_ident: the cached inode of identity (dev, ino) without a host object
 * behind it (a replay's placeholder, vm_file_mapping), made when missing;
 * one of a tmpfs device (shmem_dev) is made no_writeback, as tmpfs's own.
 * iput of the last reference keeps a cached inode that has pages (Linux's
 * unused inodes stay on the LRU with their page cache); inode_evict drops
 * its pages and frees it (the shrinker, teardown). */
struct inode *new_inode(uint32_t mode);
struct inode *iget_host(struct kernel *k, const struct stat *st);   /* NULL: no memory */
struct inode *iget_ident(struct kernel *k, uint64_t dev, uint64_t ino);
struct inode *ihold(struct inode *inode);
void iput(struct inode *inode);
void inode_alloc_object(struct kernel *k, struct inode *i, struct kmem_cache *c);
void inode_evict(struct kernel *k, struct inode *inode);
void inode_cache_destroy(struct kernel *k);             /* teardown: every cached inode */
void inode_set_attr(struct inode *inode, const struct stat *st);

/* hostfs.c: a file on host descriptor hfd (taken over, closed on failure);
 * dir (taken over) for a directory the guest opened; how: HOST_OPEN_ROOT
 * (a root name: a regular file read-only through the page cache),
 * HOST_OPEN_STDIO (an inherited 0-2), HOST_OPEN_WRITABLE (a regular root
 * file under --writable-root: through the page cache whatever its access
 * mode, hostfs_write.h).  The backend is chosen from what the host says
 * hfd is. */
enum { HOST_OPEN_ROOT, HOST_OPEN_STDIO, HOST_OPEN_WRITABLE };
struct file *host_file_open(struct kernel *k, int hfd, const char *path,
                            struct guest_dir *dir, int how, long *err);
struct guest_dir *host_file_dir(const struct file *f);  /* NULL: not a directory */
extern const struct file_operations hostfs_file_ops, hostfs_dir_ops, stdio_file_ops,
                                    hostdev_ops;
/* Generic host-backed pieces the backends share. */
int  host_file_fd(struct file *f);
long host_file_mmap(struct file *f, const char *name, struct mmap_file *mf);
long host_file_getattr(struct file *f, struct stat *st);
long host_file_ioctl(struct file *f, unsigned cmd, void *arg);
/* The host descriptor's readiness for pt->key, polled with timeout 0. */
unsigned host_file_poll(struct file *f, struct poll_table *pt);
void host_file_release(struct file *f);

/* devfs.c: the ops for a host character device the model serves, or NULL. */
const struct file_operations *devfs_ops(const struct stat *st);

/* sys_dir.c: hostfs directories' getdents and lseek */
long hostfs_getdents(struct file *f, struct mm_struct *mm, uint32_t ubuf, uint32_t len, int old);
long hostfs_dir_llseek(struct file *f, int64_t off, int whence, int64_t *res);

/* The file's host descriptor, or -1 (no host object behind it). */
static inline int file_host_fd(struct file *f)
{
    return f->f_op->host_fd ? f->f_op->host_fd(f) : -1;
}

#endif

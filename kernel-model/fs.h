/*
 * fs.h — the guest's descriptors and paths (internal to kernel-model/;
 * the file objects are vfs.h).
 *
 * The sandbox rules, each enforced in one place:
 *   - a guest descriptor is an entry of t->files->fd, a struct file (vfs.h)
 *     whose backend owns its host descriptor; memsim's own host files (the
 *     program, the RAM memfd, the trace, --root) are in no file, so no
 *     guest number can name them (fd_table.c, file.c);
 *   - paths are walked by the model one component at a time under --root
 *     (namei.h): symlinks are resolved by the walk, never by the host;
 *     /proc is the model's procfs (procfs.c), and anything on the host's
 *     procfs is ENOENT;
 *   - a dirfd is a directory the guest opened itself (a host, upper,
 *     tmpfs or merged directory: nd_file_path), so inherited stdio never
 *     becomes a way out of the root (namei.c);
 *   - the root's files are never written: writes go to the model's
 *     overlay (overlay.c) or its tmpfs (/tmp, /dev/shm) — unless
 *     --writable-root, where the walk's MNT_HOST_RW names are written on
 *     the host by their parent's descriptor and last name (hostfs_write.h);
 *     the only other host thing opened for writing is the host's /dev/null,
 *     when what the path names is a null device (fs_path.c).
 */
#ifndef MEMSIM_FS_H
#define MEMSIM_FS_H

#include "kernel-model/sys_internal.h"
#include "kernel-model/vfs.h"

#define G_AT_FDCWD ((uint32_t)-100)
#define G_AT_EMPTY_PATH 0x1000u
#define G_AT_SYMLINK_NOFOLLOW 0x100u
#define G_AT_EACCESS 0x200u
#define G_O_ACCMODE 3u
#define G_O_CREAT 0100u
#define G_O_EXCL 0200u
#define G_O_TRUNC 01000u
#define G_O_APPEND 02000u
#define G_O_DIRECTORY 0200000u
#define G_O_NOFOLLOW 0400000u
#define G_O_CLOEXEC 02000000u
#define G_O_NONBLOCK 04000u
#define G_O_DIRECT 040000u            /* on a pipe: packet mode (pipe.c) */
#define G_O_NOATIME 01000000u
#define PATH_MAX_G 4096u

/* fd_table.c: a new guest fd (the lowest free >= lowest, within
 * RLIMIT_NOFILE) for f, taking over the caller's reference: -EMFILE or
 * -EINVAL (F_DUPFD past the limit), f put. */
long fd_install_file(struct task_struct *t, struct file *f, int cloexec, uint32_t lowest);
/* The descriptors the guest may hold: RLIMIT_NOFILE, within the table. */
uint32_t fd_nofile_limit(const struct task_struct *t);
/* A new guest fd (the lowest free) sharing guest fd's open file: -EBADF. */
long fd_reopen(struct task_struct *t, uint32_t fd, int cloexec);

/* sys_fdops.c: fcntl's record locks. */
long fd_record_lock(struct task_struct *t, struct file *f, uint32_t cmd, uint32_t uaddr);
/* pread64/pwrite64 (writing 1) of count bytes at pos: bytes or -errno. */
long fs_pio(struct task_struct *t, uint32_t fd, uint32_t ubuf, uint32_t count, int64_t pos,
            int writing);

/* sys_fs.c: readv/writev (positional 0: at the file's position) and
 * preadv/pwritev (at pos, moved on by each segment): each iovec in turn,
 * stopping at a short one; EBADF, then more than UIO_MAXIOV (1024)
 * vectors or a negative position EINVAL (rw_verify_area). */
long fs_iov(struct task_struct *t, uint32_t fd, uint32_t vec, uint32_t vlen, int positional,
            int64_t pos, int writing);

/* fs_path.c: open(2)/openat(2) with guest flags: the new guest fd or -errno. */
long fs_open_guest(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
                   uint32_t mode);

/* open_exec: the file execve would run, by the model's walk (an upper
 * file is the overlay's copy): a regular file the guest may execute
 * (EACCES otherwise), open for reading: 0 and *out (a reference), or
 * -errno.  For execve (issue 11); memsim's first program is a host path
 * that emu/run.c opens before the guest has written anything. */
long fs_open_exec(struct task_struct *t, const char *path, struct file **out);
/* execveat's do_open_execat: path relative to guest dirfd, at_flags
 * AT_SYMLINK_NOFOLLOW (a symlink is ELOOP) and AT_EMPTY_PATH (an empty
 * path runs dirfd's own file), any other flag EINVAL.  gpath, if not NULL,
 * gets the canonical guest path of the file (PATH_MAX_G bytes). */
long fs_open_execat(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t at_flags,
                    struct file **out, char *gpath);

/* chdir (path) or fchdir (path NULL, guest fd dirfd); 0 or -errno. */
long fs_chdir(struct task_struct *t, uint32_t dirfd, const char *path);
/* A task's fs_struct: a new one (no cwd, umask 0), a copy (copy_fs
 * without CLONE_FS), another user of it (with), one user less (the last
 * puts the cwd); NULL when out of memory.  exit_fs: t's dropped. */
struct fs_struct *fs_struct_alloc(void);
struct fs_struct *fs_struct_copy(const struct fs_struct *fs);
struct fs_struct *fs_struct_get(struct fs_struct *fs);
void fs_struct_put(struct fs_struct *fs);
void fs_cwd_release(struct task_struct *t);
long fs_getcwd(struct task_struct *t, char *buf, size_t size);    /* 0 or -errno */

/* sys_dir.c: a directory's reading state, the private part of its file
 * (hostfs_dir_ops), so shared by the dups of its fd. */
struct guest_dir *guest_dir_new(const char *gpath);        /* NULL: no memory */
void guest_dir_free(struct guest_dir *d);
const char *guest_dir_path(const struct guest_dir *d);     /* its canonical guest path */

#endif

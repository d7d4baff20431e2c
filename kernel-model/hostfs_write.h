/*
 * hostfs_write.h — `--writable-root`: the guest's writes under --root land
 * in the host tree itself (hostfs_write.c), internal to kernel-model/.
 *
 * Off by default: then every write under the root goes to the in-model
 * overlay (overlay.h) and the host is never written.  With it (kernel.
 * writable_root) the overlay is not used; /tmp and /dev/shm stay the
 * model's tmpfs, /proc the model's procfs.
 *
 * The sandbox rule: every host call that changes the tree acts on ONE name
 * in a parent directory whose descriptor was opened inside the root
 * (hostw_parent: openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, O_PATH |
 * O_DIRECTORY), with the *at call that does not follow that name where
 * Linux would not (mkdirat, unlinkat, renameat2, symlinkat, linkat,
 * utimensat AT_SYMLINK_NOFOLLOW).  Where Linux follows the last name (open
 * without O_NOFOLLOW, chmod, truncate, utimensat) the target is opened
 * with openat2 from the root descriptor (RESOLVE_IN_ROOT: a symlink the
 * guest planted resolves as in a chroot, ".." stopping at the root) and
 * the change is made on that descriptor.  So no symlink can make a write
 * land outside the root.  The backends take (parent fd, last name, args)
 * and return 0 or -errno; the *_at entry points read the guest's path,
 * find the parent and call them (the sys_fsmeta.c dispatch points).
 *
 * File data goes through the page cache (filemap.h): write/pwrite/writev
 * copy into cache pages and dirty them; a file's size is the host's, set
 * at once when a write extends it (the bytes follow at write-back).
 * Write-back (hostw_writeback: pwrite of each dirty page's bytes up to
 * the size, filemap_clean, the mm's shared PTEs write-protected so the
 * next store dirties the page again) runs at fsync/fdatasync, msync
 * MS_SYNC, munmap of a file's last shared mapping, ftruncate, and for the
 * whole cache when the task dies (hostw_sync), so the host tree is
 * complete when memsim returns.  close is not a write-back point (Linux's
 * is lazy), nor is MS_ASYNC (a no-op in 6.1: the flusher would write the
 * pages later; the model has no flusher, so they go at the next point
 * above).  Reclaim never drops a dirty page (filemap.c reclaimable).
 *
 * Each inode written through has i_wb_fd: a description of its own,
 * write-only, opened from the guest's first writable one (so the guest's
 * O_APPEND or a later F_SETFL never moves a write-back pwrite).  A replay
 * opens nothing: its inodes have i_wb_fd -1, and write-back only cleans.
 */
#ifndef MEMSIM_HOSTFS_WRITE_H
#define MEMSIM_HOSTFS_WRITE_H

#include <stdint.h>
#include <time.h>

struct kernel;
struct task_struct;
struct mm_struct;
struct file;
struct inode;

#define HOSTW_NAME_MAX 255
#define HOSTW_NAME_BUF (HOSTW_NAME_MAX + 2)     /* a name, a trailing '/', NUL */

/* The parent directory of guest path `path` (relative to guest dirfd) as
 * an O_PATH descriptor opened inside the root, owned by the caller, and
 * its last name in name[HOSTW_NAME_BUF] (trailing slashes kept as one,
 * so the host's *at call answers ENOTDIR for them as Linux).  A last name
 * of "/", "." or "..": the directory itself is returned, resolved inside
 * the root, with the name "." (a ".." looked up from a parent descriptor
 * could leave the root).  -errno: the lookup failed; -EPERM: the parent
 * is the root's /proc or /sys (kernel file systems in the guest's view:
 * no new names there, as Linux's procfs and sysfs). */
int  hostw_parent(struct task_struct *t, uint32_t dirfd, const char *path, char *name);

/* The backends: one name in parent directory pfd. */
long hostw_mkdir(int pfd, const char *name, uint32_t mode);
long hostw_unlink(struct task_struct *t, int pfd, const char *name, int dir);
long hostw_rename(struct task_struct *t, int opfd, const char *oname, int npfd,
                  const char *nname, uint32_t flags);
long hostw_symlink(const char *target, int pfd, const char *name);
long hostw_link(int opfd, const char *oname, int npfd, const char *nname);
long hostw_utimens(int pfd, const char *name, const struct timespec ts[2], int nofollow);

/* The sys_fsmeta.c entry points (guest path strings, Linux's checks on the
 * last component already made there). */
long hostw_unlink_at(struct task_struct *t, uint32_t dirfd, const char *path, int dir);
long hostw_mkdir_at(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t mode);
long hostw_rename_at(struct task_struct *t, uint32_t od, const char *from, uint32_t nd,
                     const char *to, uint32_t flags);
long hostw_symlink_at(struct task_struct *t, const char *target, uint32_t dirfd, const char *path);
/* link: the old name followed (AT_SYMLINK_FOLLOW) or not. */
long hostw_link_at(struct task_struct *t, uint32_t od, const char *from, uint32_t nd,
                   const char *to, int follow);
long hostw_chmod_at(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t mode);
/* ts NULL: now; nofollow: AT_SYMLINK_NOFOLLOW. */
long hostw_utimens_at(struct task_struct *t, uint32_t dirfd, const char *path,
                      const struct timespec *ts, int nofollow);
long hostw_truncate_at(struct task_struct *t, const char *path, int64_t length);
/* mknod: a regular file, FIFO or socket (the guest's umask); a device is
 * EPERM (EEXIST first), as for an unprivileged user: memsim never makes
 * device nodes. */
long hostw_mknod_at(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t mode);
/* By descriptor (fchmod, futimens): a root file or directory the guest
 * opened, on its host descriptor; EROFS for any other file, -EBADF for no
 * file. */
long hostw_fchmod(struct task_struct *t, uint32_t fd, uint32_t mode);
long hostw_futimens(struct task_struct *t, uint32_t fd, const struct timespec *ts);

/* open(2) of a root name with guest flags: 0 and *out, -errno, or 1 when
 * the call is not a write (the read-only path follows) or what the name
 * is is no regular file or directory (fs_path.c's device rules follow). */
long hostw_open(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
                uint32_t mode, struct file **out);

/* A hostfs file's write at *pos (O_APPEND: at the end) through the page
 * cache: bytes written, or -errno before any. */
long hostw_file_write(struct kernel *k, struct file *f, int hfd, const void *buf, size_t n,
                      int64_t *pos);
/* ftruncate of a writable hostfs file. */
long hostw_ftruncate(struct task_struct *t, struct file *f, int64_t length);
/* Write inode's dirty pages with index in [first, last] back to its host
 * file (none when it has no i_wb_fd: a replay, a file never written):
 * 0 or the first -errno (the pages are cleaned either way, as Linux's
 * mapping_set_error). */
long hostw_writeback(struct kernel *k, struct mm_struct *mm, struct inode *inode,
                     uint32_t first, uint32_t last);
/* Every dirty page of every cached inode (a task's death). */
void hostw_sync(struct kernel *k, struct mm_struct *mm);
/* munmap of [start, end): the inodes mapped shared there, referenced
 * before the unmap (at most HOSTW_UNMAP_MAX; more are written back at
 * the task's death), then written back when no shared mapping of theirs
 * is left (hostw_unmapped). */
#define HOSTW_UNMAP_MAX 8
unsigned hostw_unmapping(struct mm_struct *mm, uint32_t start, uint32_t end, struct inode **out);
void hostw_unmapped(struct mm_struct *mm, struct inode **inodes, unsigned n);

#endif

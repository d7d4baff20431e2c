/*
 * hostfs_write.h — `--writable-root`: the guest's writes under --root land
 * in the host tree itself (hostfs_write.c), internal to kernel-model/.
 *
 * Off by default: then every write under the root goes to the in-model
 * overlay (overlay.h) and the host is never written.  With it (kernel.
 * writable_root) the overlay is not used; /tmp and /dev/shm stay the
 * model's tmpfs, /proc the model's procfs.
 *
 * The sandbox rule: there is one path resolution, the model's walk
 * (namei.h), which answers MNT_HOST_RW for the root's tree.  Every host
 * call here acts on what the walk found: ONE name (nd_path last) in the
 * parent directory descriptor it opened one component at a time inside
 * the root (parent_fd), with the *at call that does not follow that name
 * (mkdirat, mknodat, symlinkat, unlinkat, renameat2, linkat, openat
 * O_NOFOLLOW), or the walked object's own descriptor (nd_path fd: chmod,
 * chown, utimensat).  Where Linux follows the last name (open without
 * O_NOFOLLOW, chmod, truncate, utimensat, linkat AT_SYMLINK_FOLLOW) the
 * walk already followed it with the model's symlink rules (".." stopping
 * at the root, absolute targets restarting there): the host kernel never
 * resolves a guest path, so no symlink can make a write land outside the
 * root.  /proc, /dev and /sys are not MNT_HOST_RW (namei.c): nothing here
 * is reached for them.  The callers (fs_path.c open_path, sys_fsmeta.c)
 * make Linux's checks first; the backends answer 0 or -errno.
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

#include <stddef.h>
#include <stdint.h>

struct kernel;
struct task_struct;
struct mm_struct;
struct file;
struct inode;

struct nd_path;
struct upper_attr;

/* open(2) of p (MNT_HOST_RW) with guest flags: 0 and *out, -errno, or 1
 * when the call is not a write of a regular file (a read, a directory, a
 * device: fs_path.c's read-only rules follow).  A negative name with
 * O_CREAT is created (the guest's umask). */
long hostw_open(struct task_struct *t, struct nd_path *p, const char *path, uint32_t flags,
                uint32_t mode, struct file **out);
/* A new name at p's negative last: a directory, a regular file, FIFO or
 * socket (mode's type, the umask already taken), or a symlink to link. */
long hostw_make(struct nd_path *p, uint32_t mode, const char *link);
/* unlink (dir 0) and rmdir (dir 1) of p's name. */
long hostw_unlink(struct task_struct *t, struct nd_path *p, int dir);
/* rename a to b (renameat2's flags). */
long hostw_rename(struct task_struct *t, struct nd_path *a, struct nd_path *b, uint32_t flags);
/* link: new (negative) names old's object. */
long hostw_link(struct nd_path *old, struct nd_path *new);
/* chmod, chown, utimens of p's object (overlay.h's struct upper_attr;
 * "now" is the host's clock), and of an open root file f. */
long hostw_setattr(struct nd_path *p, const struct upper_attr *a);
long hostw_setattr_fd(struct file *f, const struct upper_attr *a);
/* truncate(2) of p's regular file (followed by the walk). */
long hostw_truncate(struct task_struct *t, struct nd_path *p, int64_t length);

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

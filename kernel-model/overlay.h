/*
 * overlay.h — the in-model overlay over the root (overlay.c), internal to
 * kernel-model/: writes to names under the root go to tmpfs-like upper
 * files of the model, never to the host.
 *
 * Each call answers 1 when the overlay has nothing to say (the name is the
 * host's and stays untouched: the caller's host answer follows), else 0
 * or -errno as Linux's overlayfs over a read-only lower would.  Paths are
 * guest paths, relative ones from dirfd (G_AT_FDCWD only: a relative path
 * from a directory descriptor is the host's).
 */
#ifndef MEMSIM_OVERLAY_H
#define MEMSIM_OVERLAY_H

#include <stdint.h>
#include <sys/stat.h>

struct task_struct;
struct file;

/* open(2): 0 and *out (the caller installs it), 1, -errno. */
long ovl_open(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
              uint32_t mode, struct file **out);
/* Would a write of path go to the overlay (not /proc, /sys, /dev, "/")? */
int ovl_covers(struct task_struct *t, uint32_t dirfd, const char *path);
long ovl_stat(struct task_struct *t, uint32_t dirfd, const char *path, struct stat *st);
long ovl_unlink(struct task_struct *t, uint32_t dirfd, const char *path, int dir);
long ovl_mkdir(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t mode);
long ovl_truncate(struct task_struct *t, const char *path, int64_t length);
/* Both names in the overlay (EXDEV for a host directory, as overlayfs
 * without redirect_dir); RENAME_NOREPLACE the only flag. */
long ovl_rename(struct task_struct *t, const char *from, const char *to, uint32_t flags);

#endif

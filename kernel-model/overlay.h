/*
 * overlay.h — the model's upper layer (overlay.c, overlay_dir.c), internal
 * to kernel-model/: the names of tmpfs (/tmp, /dev/shm) and of the overlay
 * over the root.  Writes land in tmpfs inodes of the model, never on the
 * host.
 *
 * Every call takes a walked path (namei.h's struct nd_path) in MNT_OVERLAY
 * or MNT_TMPFS, after the caller's checks that come first in Linux (the
 * last component's type, EEXIST, mount points); it answers 0 or -errno as
 * Linux's overlayfs over a read-only lower (and tmpfs) would.  A host
 * object that must change is copied up first (ovl_copy_up).
 */
#ifndef MEMSIM_OVERLAY_H
#define MEMSIM_OVERLAY_H

#include <stdint.h>
#include <sys/stat.h>

struct task_struct;
struct file;
struct nd_path;

/* open(2) of p: 0 and *out (the caller installs it), 1 (the host's file,
 * opened read-only by the caller), -errno. */
long ovl_open(struct task_struct *t, struct nd_path *p, uint32_t flags, uint32_t mode,
              struct file **out);
/* Copy-up of p's host object (a regular file's bytes, a symlink's target,
 * a directory's attributes: full copy-up for data, metadata copy-up is the
 * same here): p becomes LAYER_UPPER.  EROFS for special files. */
long ovl_copy_up(struct task_struct *t, struct nd_path *p);
/* A new upper object at p's negative last name: a regular file, a
 * directory (opaque) or a symlink to link. */
long upper_create(struct task_struct *t, struct nd_path *p, uint32_t mode, const char *link);
/* unlink (dir 0) and rmdir (dir 1) of p's existing name. */
long upper_unlink(struct task_struct *t, struct nd_path *p, int dir);
/* rename a to b, one mount; RENAME_NOREPLACE the only flag. */
long upper_rename(struct task_struct *t, struct nd_path *a, struct nd_path *b, uint32_t flags);
/* link: new (negative) names old's inode (copied up first). */
long upper_link(struct task_struct *t, struct nd_path *old, struct nd_path *new);

/* setattr: chmod, chown, utimens (Linux's struct iattr, the model's part). */
#define UATTR_MODE  1u
#define UATTR_UID   2u
#define UATTR_GID   4u
#define UATTR_ATIME 8u
#define UATTR_MTIME 16u
#define UATTR_TIMES_SET 32u             /* explicit times (not "now"): owner only */
#define UATTR_ATIME_SET 64u             /* atime is explicit (ATTR_ATIME_SET), not "now" */
#define UATTR_MTIME_SET 128u            /* mtime is explicit (ATTR_MTIME_SET) */
struct upper_attr {
    unsigned valid;
    uint32_t mode, uid, gid;
    int64_t atime, mtime;               /* seconds (the model's inodes keep only these) */
    long atime_nsec, mtime_nsec;        /* with *_SET: a host file's (--writable-root) */
};
long upper_setattr(struct task_struct *t, struct nd_path *p, const struct upper_attr *a);
/* truncate(2) of p (copied up when a host regular file). */
long upper_truncate(struct task_struct *t, struct nd_path *p, int64_t length);

/* overlay_dir.c: a merged directory (nd_merged_dir): open for getdents,
 * and whether it is empty in the merged view (1, 0, -errno). */
long ovl_open_merged_dir(struct task_struct *t, struct nd_path *p, uint32_t flags,
                         struct file **out);
long ovl_dir_empty(struct task_struct *t, struct nd_path *p);

#endif

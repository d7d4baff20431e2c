/*
 * namei.h — the model's path walk (namei.c; the helpers on its result:
 * nd_path.c), internal to kernel-model/: one walk, component by
 * component, for every call that takes a path.
 *
 * The contract (fs/namei.c's, in the model):
 *   - a path is walked one component at a time from the guest's root (an
 *     absolute path, or a symlink's absolute target) or from the canonical
 *     guest path of the working directory or of a directory descriptor;
 *   - "." stays, ".." goes up one canonical name and stops at the guest's
 *     root (a chroot's "..");
 *   - at each directory the overlay's upper entry (a tmpfs inode, a
 *     whiteout, a merge entry) is consulted before the host's lower name;
 *     host names are looked up with openat(O_PATH | O_NOFOLLOW) under the
 *     root's descriptor, one component at a time, so the host kernel never
 *     follows a symlink for the guest: the walk reads it (readlinkat) and
 *     resolves it itself, at most MAXSYMLINKS (40) times (then ELOOP);
 *   - a host directory on procfs is never entered nor returned (ENOENT):
 *     the host's /proc describes memsim, not the guest (magic links exist
 *     only there, so none is ever followed);
 *   - mounts are crossed by canonical name: /proc is the model's procfs
 *     (the rest of the path is procfs's), /tmp and /dev/shm are the model's
 *     tmpfs (nothing of the host's directory shows), /dev and /sys are the
 *     host's, read-only, without an upper layer; the rest is the overlay;
 *   - the last component is followed with LOOKUP_FOLLOW or a trailing
 *     slash (which also asks for a directory: ENOTDIR otherwise).
 * With the default root "/" the walk is the same, from the host's "/";
 * a relative path with no chdir yet starts at memsim's working directory.
 *
 * The answer is a struct nd_path: which layer the last name is in, the
 * parent (its upper entry and its host O_PATH descriptor) and the last
 * name, so every operation dispatches on one result.  Under
 * --writable-root the root's tree is MNT_HOST_RW instead of MNT_OVERLAY
 * (the same walk, no upper layer; /proc, /tmp, /dev/shm, /dev and /sys
 * are the same mounts): its ops (hostfs_write.h) get parent_fd and last,
 * or the walked object's fd, and act on the host there.
 */
#ifndef MEMSIM_NAMEI_H
#define MEMSIM_NAMEI_H

#include <stdint.h>
#include <sys/stat.h>
#include "kernel-model/fs.h"

struct shmem_sb;
struct shmem_dentry;

#define MAXSYMLINKS 40
#define NAME_MAX_G 255

/* lookup flags (namei.h's LOOKUP_*) */
#define LOOKUP_FOLLOW    0x1u       /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 0x2u       /* the last component must be a directory */

/* The mount a name is in. */
enum nd_mnt {
    MNT_OVERLAY,        /* the root's tree: host lower, model upper (overlay.c) */
    MNT_TMPFS,          /* /tmp, /dev/shm: the model's own (shmem.c) */
    MNT_HOST_RO,        /* /dev, /sys: the host's, never written */
    MNT_PROC,           /* /proc: the model's procfs (procfs.c), by name */
    MNT_HOST_RW,        /* --writable-root: the root's tree is the host's, written
                           there by parent_fd and last (hostfs_write.h), no upper */
};

/* Which layer the object the path names lives in. */
enum nd_layer {
    LAYER_NEGATIVE,     /* no such name (the parent exists: create it there) */
    LAYER_UPPER,        /* a model inode: d->inode (tmpfs or overlay upper) */
    LAYER_HOST,         /* the host's object: fd (may have a merge entry d) */
    LAYER_PROC,         /* procfs's: gpath is the /proc path to hand it */
};

/* What the last component is (fs/namei.c's LAST_*). */
enum nd_last { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

struct nd_path {
    enum nd_layer layer;
    enum nd_mnt mnt;                /* the last name's mount */
    enum nd_last last_type;
    int trailing_slash;
    int mountpoint;                 /* the last name is a mount point (/proc, /tmp, /dev,
                                       /sys, /dev/shm): mnt is its parent's */
    struct shmem_sb *sb;            /* tmpfs's or the overlay's upper superblock */
    struct shmem_dentry *dir;       /* the parent's upper entry, NULL: none yet */
    struct shmem_dentry *d;         /* the last name's upper entry (inode, whiteout,
                                       merge), or NULL */
    int parent_fd;                  /* the parent's host O_PATH fd, or -1 */
    int fd;                         /* LAYER_HOST: the object's O_PATH|O_NOFOLLOW fd;
                                       a copied-up directory's lower, or -1 */
    struct stat st;                 /* LAYER_UPPER, LAYER_HOST: its attributes */
    char last[NAME_MAX_G + 1];      /* LAST_NORM: the last name */
    char gpath[PATH_MAX_G];         /* the canonical guest path (LAYER_PROC: procfs's) */
};

/* Walk path relative to guest dirfd (G_AT_FDCWD: the working directory)
 * with LOOKUP_* flags.  0 and *p (release it with nd_path_release), or
 * -errno (ENOENT on the way, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, EBADF).
 * A negative last name is 0 with LAYER_NEGATIVE (a trailing slash on it
 * stays for the caller: create calls decide). */
long namei(struct task_struct *t, uint32_t dirfd, const char *path, unsigned flags,
           struct nd_path *p);
void nd_path_release(struct nd_path *p);

/* Does the last name exist (upper, host or procfs)? */
static inline int nd_exists(const struct nd_path *p) { return p->layer != LAYER_NEGATIVE; }
/* Is the object a merged directory (a host directory under upper names)? */
int nd_merged_dir(const struct nd_path *p);
/* Is the host's lower name there below p's last (upper) name? */
int nd_has_lower(const struct nd_path *p);

/* generic_permission on the model's own attributes (an upper or tmpfs
 * inode, a /proc file): R_OK/W_OK/X_OK against the owner's, group's or
 * others' bits (the guest's ids are memsim's); root passes R and W, and X
 * when any x bit is set or it is a directory.  0 or -EACCES. */
long nd_permission(const struct stat *st, uint32_t mask);

/* The canonical guest path of a directory file (a guest descriptor or the
 * cwd) into buf: 0, -ENOTDIR (not a directory the guest opened). */
long nd_file_path(struct task_struct *t, struct file *f, char *buf, size_t len);

/* The overlay's entry for canonical directory gpath, merge entries made
 * for the host directories on the way: NULL, no memory. */
struct shmem_dentry *nd_merge_path(struct task_struct *t, struct shmem_sb *sb, const char *gpath);
/* The parent's upper entry, made (merge entries along the canonical path)
 * when the overlay has none yet: 0 or -ENOMEM; p->dir is set. */
long nd_upper_parent(struct task_struct *t, struct nd_path *p);

#endif

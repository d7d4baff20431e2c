/*
 * shmem_priv.h — private to shmem.c (the tree and the path calls) and
 * shmem_file.c (the data and the file operations).
 */
#ifndef MEMSIM_SHMEM_PRIV_H
#define MEMSIM_SHMEM_PRIV_H

#include <stdint.h>
#include <sys/stat.h>
#include "kernel-model/fs.h"
#include "kernel-model/sched.h"
#include "kernel-model/shmem.h"

struct shmem_dentry {
    char *name;
    uint32_t kaddr;                     /* its dentry slab object (d_alloc) */
    struct inode *inode;                /* a reference (hard links: several
                                           dentries share one, i_nlink counts) */
    struct shmem_dentry *parent, *child, *next;   /* the tree */
    /* The overlay's (overlay.c) dentries without an inode: a whiteout (the
     * lower name is hidden) or else a host directory holding upper names. */
    int whiteout;
    /* An upper directory of the overlay that hides the host's below it
     * (made by mkdir); a copied-up host directory is not opaque. */
    int opaque;
};

struct shmem_sb {
    const char *mnt;                    /* "/tmp", "/dev/shm" */
    uint64_t dev;
    uint64_t next_ino;
    struct shmem_dentry root;           /* its inode: none (the host's directory) */
};

struct shmem_mounts {
    struct shmem_sb sb[3];              /* /tmp, /dev/shm, the overlay over the root */
};

/* The private data of an open tmpfs file. */
struct shmem_file {
    struct shmem_sb *sb;
    uint32_t dir_pos;                   /* getdents: entries handed out */
};

/* shmem.c: the mounts (made at first use; NULL: no memory). */
struct shmem_mounts *shmem_mounts(struct kernel *k);
#define OVL_SB 2
/* The tree's pieces, shared with overlay.c: a dentry named (name, n) in
 * dir, its inode (may be NULL) taken over; lookup; (un)linking; removal of
 * a name (its inode's last link). */
struct shmem_dentry *shmem_d_alloc(struct kernel *k, struct shmem_dentry *dir,
                                   const char *name, size_t n, struct inode *inode);
struct shmem_dentry *shmem_d_lookup(struct shmem_dentry *dir, const char *name, size_t n);
void shmem_d_link(struct shmem_dentry *dir, struct shmem_dentry *d);
void shmem_d_unlink(struct shmem_dentry *d);
void shmem_d_remove(struct kernel *k, struct shmem_dentry *d);
struct inode *shmem_new_inode(struct kernel *k, struct shmem_sb *sb, uint32_t mode);
/* A tmpfs mount's root directory inode (ino 1, 01777), made at first use. */
struct inode *shmem_root_inode(struct kernel *k, struct shmem_sb *sb);
/* open(2) of an existing tmpfs/upper dentry d (it has an inode). */
long shmem_open_dentry(struct task_struct *t, struct shmem_sb *sb, struct shmem_dentry *d,
                       const char *path, uint32_t flags, int trailing_slash, struct file **out);
/* shmem_file.c: write n bytes at pos into i's pages (bytes or -errno). */
long shmem_write_at(struct kernel *k, struct inode *i, const void *buf, size_t n, int64_t pos);
/* One getdents record at r (NULL: its length only). */
uint32_t shmem_put_dirent(uint8_t *r, int old, const char *name, uint64_t ino, int64_t off,
                          unsigned type);

/* shmem.c: the dentry naming inode i in sb's tree, or NULL (removed: an
 * open directory outlives its name). */
struct shmem_dentry *shmem_d_find(struct shmem_sb *sb, const struct inode *i);

/* shmem_file.c: a new size (pages past it unmapped from t's mappings and
 * dropped, the last one's tail zeroed). */
void shmem_setsize(struct task_struct *t, struct inode *i, int64_t size);
/* truncate(2) of a tmpfs or upper inode: EISDIR, EFBIG, else its new size. */
long shmem_truncate_inode(struct task_struct *t, struct inode *i, int64_t length);
/* The stat of a tmpfs inode of the mount with device dev. */
void shmem_fill_stat(const struct inode *i, uint64_t dev, struct stat *st);

#endif

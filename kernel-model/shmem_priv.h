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
    struct inode *inode;                /* a reference */
    struct shmem_dentry *parent, *child, *next;   /* the tree */
};

struct shmem_sb {
    const char *mnt;                    /* "/tmp", "/dev/shm" */
    uint64_t dev;
    uint64_t next_ino;
    struct shmem_dentry root;           /* its inode: none (the host's directory) */
};

struct shmem_mounts {
    struct shmem_sb sb[2];
};

/* The private data of an open tmpfs file. */
struct shmem_file {
    struct shmem_sb *sb;
    uint32_t dir_pos;                   /* getdents: entries handed out */
};

/* shmem.c: the dentry naming inode i in sb's tree, or NULL (removed: an
 * open directory outlives its name). */
struct shmem_dentry *shmem_d_find(struct shmem_sb *sb, const struct inode *i);

/* shmem_file.c: a new size (pages past it dropped, the last one's tail
 * zeroed). */
void shmem_setsize(struct kernel *k, struct inode *i, int64_t size);
/* The stat of a tmpfs inode of the mount with device dev. */
void shmem_fill_stat(const struct inode *i, uint64_t dev, struct stat *st);

#endif

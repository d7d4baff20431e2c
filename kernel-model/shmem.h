/*
 * shmem.h — tmpfs for /tmp and /dev/shm (shmem.c), internal to kernel-model/.
 *
 * Paths reach tmpfs through the model's walk (namei.h: /tmp and /dev/shm
 * are mount points); the calls on its names are overlay.h's upper ones,
 * shared with the overlay's upper layer.
 */
#ifndef MEMSIM_SHMEM_H
#define MEMSIM_SHMEM_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct kernel;
struct task_struct;
struct file;

#define SHMEM_MAX_BYTES ((int64_t)1 << 40)     /* MAX_LFS_FILESIZE-like bound */
#define TMPFS_MINOR_BASE 30u            /* anonymous block devices 0:N, as tmpfs's */
#define TMPFS_NR_MOUNTS  2              /* /tmp 0:30, /dev/shm 0:31 */

/* Is dev a tmpfs mount's (an inode of it is tmpfs's: never reclaimed)? */
static inline int shmem_dev(uint64_t dev)
{
    return major(dev) == 0 && minor(dev) >= TMPFS_MINOR_BASE &&
           minor(dev) < TMPFS_MINOR_BASE + TMPFS_NR_MOUNTS;
}

extern const struct file_operations shmem_file_ops;

long shmem_ftruncate(struct task_struct *t, struct file *f, int64_t length); /* shmem_file_ops */
void shmem_destroy(struct kernel *k);                     /* teardown: the trees */

#endif

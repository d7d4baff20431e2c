/*
 * shmem.h — tmpfs for /tmp and /dev/shm (shmem.c), internal to kernel-model/.
 *
 * The path calls answer 1 when the path is not tmpfs's (the caller goes on
 * to the host's file), else 0 or -errno as Linux's tmpfs would.
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

/* open(2) of an absolute path with guest flags and mode: 0 and *out (a new
 * file: the caller installs it), 1 (not tmpfs's), -errno. */
long shmem_open(struct task_struct *t, const char *path, uint32_t flags, uint32_t mode,
                struct file **out);
long shmem_stat(struct task_struct *t, const char *path, struct stat *st);
long shmem_unlink(struct task_struct *t, const char *path, int dir);    /* dir: rmdir */
long shmem_mkdir(struct task_struct *t, const char *path, uint32_t mode);
/* Both names in one tmpfs mount; 1 when neither is tmpfs's, -EXDEV across. */
long shmem_rename(struct task_struct *t, const char *from, const char *to, uint32_t flags);
long shmem_truncate(struct task_struct *t, const char *path, int64_t length);
long shmem_ftruncate(struct task_struct *t, struct file *f, int64_t length); /* shmem_file_ops */
void shmem_destroy(struct kernel *k);                     /* teardown: the trees */

#endif

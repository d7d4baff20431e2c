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

/* shm_mnt, the kernel's internal tmpfs mount: its files are nowhere in the
 * tree (SysV shm segments, shared anonymous memory) and show as 00:01 in
 * /proc/PID/maps, as on Linux, where it is the first anonymous device. */
#define SHMEM_KERNEL_DEV makedev(0, 1)

extern const struct file_operations shmem_file_ops;

struct vm_file;
/*
 * shmem_kernel_file_setup: an unlinked tmpfs file of `size` bytes on
 * shm_mnt, inode number ino, in no directory and no inode cache (its
 * number may repeat: SysV's are segment ids), whose pages are its page
 * cache.  The vm_file (path `name`, as maps prints it: "/SYSV0000002a
 * (deleted)", "/dev/zero (deleted)") holds the inode's one reference, so
 * the last put frees the inode and its pages.  NULL: out of memory.
 */
struct vm_file *shmem_kernel_file_setup(struct kernel *k, const char *name, uint64_t size,
                                        uint64_t ino);
/* shmem_zero_setup's file: a shared anonymous mapping (or shared /dev/zero)
 * of len bytes, "/dev/zero (deleted)", its number get_next_ino's. */
struct vm_file *shmem_zero_file(struct kernel *k, uint32_t len);

long shmem_ftruncate(struct task_struct *t, struct file *f, int64_t length); /* shmem_file_ops */
void shmem_destroy(struct kernel *k);                     /* teardown: the trees */

#endif

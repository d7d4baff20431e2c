/*
 * shm.h — SysV shared memory (Linux 6.1's ipc/shm.c), internal to
 * kernel-model/.
 *
 * A segment (struct shmid_kernel, a kmalloc-128 object as 6.1's kvmalloc
 * of it) owns an unlinked file on the kernel's tmpfs mount, "SYSV%08x" of
 * its key, inode number its id (shmem_kernel_file_setup); its pages are
 * that file's page cache, so every attach maps the same frames.  An attach
 * is a VMA whose vm_file is the segment's and whose vm_ops are shm's: their
 * open/close hooks (vma.c: insertion, split, mremap's copy; removal) count
 * shm_nattch, and the last close of a segment marked SHM_DEST (IPC_RMID
 * while attached) destroys it.
 */
#ifndef MEMSIM_SHM_H
#define MEMSIM_SHM_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-model/ipc.h"

struct kernel;
struct task_struct;
struct vm_file;

/* include/uapi/linux/shm.h */
#define SHMMIN_         1u
#define SHM_HUGETLB_    04000
#define SHM_NORESERVE_  010000
#define SHM_RDONLY_     010000
#define SHM_RND_        020000
#define SHM_REMAP_      040000
#define SHM_EXEC_       0100000
#define SHM_LOCK_       11
#define SHM_UNLOCK_     12
#define SHM_STAT_       13
#define SHM_INFO_       14
#define SHM_STAT_ANY_   15
#define SHM_DEST_       01000           /* destroyed at the last detach */
#define SHM_LOCKED_     02000
#define SHMLBA_         4096u           /* x86: PAGE_SIZE */
#define SHMID_KERNEL_SIZE 128u          /* i386 6.1: kern_ipc_perm (cacheline-aligned) + 60 */

struct shmid_kernel {
    struct kern_ipc_perm shm_perm;
    struct vm_file *shm_file;           /* a reference; its inode holds the pages */
    uint32_t shm_nattch;
    uint32_t shm_segsz;
    int64_t shm_atim, shm_dtim, shm_ctim;
    uint32_t shm_cprid, shm_lprid;      /* tgids (0: none yet) */
    uint32_t kaddr;                     /* its kmalloc object */
};

/* The calls (ksys_*): the results Linux returns.  shmat's address is *raddr. */
long ksys_shmget(struct task_struct *t, int32_t key, uint32_t size, int shmflg);
long do_shmat(struct task_struct *t, int shmid, uint32_t shmaddr, int shmflg, uint32_t *raddr);
long ksys_shmdt(struct task_struct *t, uint32_t shmaddr);
/* version: IPC_64_ (shmctl(2)) or ipc_parse_version's (ipc(2)'s SHMCTL) */
long ksys_shmctl(struct task_struct *t, int shmid, int cmd, uint32_t buf, int version);

/* Teardown (kernel_destroy, after every mm): every segment. */
void shm_destroy_all(struct kernel *k);

#endif

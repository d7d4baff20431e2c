/*
 * ipc.h — SysV IPC identifiers (Linux 6.1's ipc/util.c), internal to
 * kernel-model/.  Only shared memory (shm.h) uses them: the model has no
 * semaphores or message queues.
 *
 * An id is seq * SEQ_MULTIPLIER + idx (ipc_buildid): idx the slot in the
 * table (ipc_idr), allocated cyclically below max(in_use * 3 / 2, 64), so
 * a freed slot is not reused at once; seq grows each time the allocation
 * wraps to an index at or below the last one, so a stale id does not find
 * the slot's next owner (ipc_checkid: -EINVAL).  Keys are found by a walk
 * of the table (Linux's rhashtable; a guest has a handful of segments).
 */
#ifndef MEMSIM_IPC_H
#define MEMSIM_IPC_H

#include <stdint.h>

struct kernel;
struct task_struct;

#define IPCMNI          32768           /* ids per type (IPCMNI_SHIFT 15) */
#define IPCMNI_SHIFT    15
#define SEQ_MULTIPLIER  IPCMNI
#define IPC_MIN_CYCLE   64              /* RADIX_TREE_MAP_SIZE */
#define IPCID_SEQ_MAX   (0x7fffffff >> IPCMNI_SHIFT)

/* include/uapi/linux/ipc.h */
#define IPC_PRIVATE_    0
#define IPC_CREAT_      001000
#define IPC_EXCL_       002000
#define IPC_NOWAIT_     004000
#define IPC_RMID_       0
#define IPC_SET_        1
#define IPC_STAT_       2
#define IPC_INFO_       3
#define IPC_OLD_        0               /* ipc_parse_version: the old structs */
#define IPC_64_         0x0100          /* the cmd flag of the 64-bit ones */

/* Linux's kern_ipc_perm: the owner, the mode and the id of an object. */
struct kern_ipc_perm {
    int id;
    int32_t key;
    uint32_t uid, gid, cuid, cgid;
    uint32_t mode;                      /* permission bits, SHM_DEST, SHM_LOCKED */
    uint32_t seq;
    int deleted;
};

/* Linux's ipc_ids: one type's table. */
struct ipc_ids {
    int in_use;
    uint32_t seq;
    int last_idx;                       /* the last allocated idx (-1: none yet) */
    int max_idx;                        /* the highest idx in use (-1: none) */
    int next;                           /* idr_alloc_cyclic's idr_next */
    struct kern_ipc_perm **idr;         /* by idx, NULL: free */
    int cap;
};

/* The one IPC namespace: shm's table and limits (shm_init_ns). */
struct ipc_namespace {
    struct ipc_ids shm_ids;
    uint32_t shm_ctlmax, shm_ctlall, shm_ctlmni;
    uint32_t shm_tot;                   /* pages of all segments */
};

/* k's namespace, made at first use (NULL: out of host memory). */
struct ipc_namespace *ipc_ns(struct kernel *k);
/* Teardown (kernel_destroy): the table; the objects are the owner's to free. */
void ipc_ns_destroy(struct kernel *k);

/* ipc_addid: a free idx for p (limit: the type's mni), its id, uid/gid and
 * cuid/cgid the caller's.  The id, or -ENOSPC / -ENOMEM. */
int ipc_addid(struct ipc_ids *ids, struct kern_ipc_perm *p, int limit);
/* ipc_rmid: p leaves the table (its id is free; max_idx follows). */
void ipc_rmid(struct ipc_ids *ids, struct kern_ipc_perm *p);
/* ipc_obtain_object_idr: the object in slot id % SEQ_MULTIPLIER (NULL:
 * -EINVAL); _check also needs the id's seq to match. */
struct kern_ipc_perm *ipc_obtain_object_idr(struct ipc_ids *ids, int id);
struct kern_ipc_perm *ipc_obtain_object_check(struct ipc_ids *ids, int id);
/* ipc_findkey: the object with that key (never IPC_PRIVATE), or NULL. */
struct kern_ipc_perm *ipc_findkey(struct ipc_ids *ids, int32_t key);
/* ipc_set_key_private: the key stops finding p. */
static inline void ipc_set_key_private(struct kern_ipc_perm *p) { p->key = IPC_PRIVATE_; }
/* ipc_get_maxidx: the highest idx in use, -1 when none. */
int ipc_get_maxidx(const struct ipc_ids *ids);
/* ipcperms: 0 when the caller may access p with the rwx bits in flag
 * (owner, group or other class; root has CAP_IPC_OWNER), else -1. */
int ipcperms(const struct kern_ipc_perm *p, int flag);
/* Is the caller p's owner or creator, or root (ipcctl_obtain_check)? */
int ipc_owner(const struct kern_ipc_perm *p);
/* ipc_parse_version: strips IPC_64 from *cmd; IPC_64_ or IPC_OLD_. */
int ipc_parse_version(int *cmd);
/* ktime_get_real_seconds on the model's clock (epoch + model time). */
int64_t ipc_real_seconds(const struct kernel *k);

#endif

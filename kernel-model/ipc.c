/*
 * ipc.c — SysV IPC identifiers and permissions (Linux 6.1's ipc/util.c,
 * ipc/namespace.c's one namespace).  See ipc.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/ipc.h"
#include "kernel-model/mm.h"

/* include/uapi/linux/shm.h for a 32-bit kernel */
#define SHMMAX_ 0xfeffffffu             /* ULONG_MAX - (1UL << 24) bytes */
#define SHMALL_ 0xfeffffffu             /* ... pages */
#define SHMMNI_ 4096u

struct ipc_namespace *ipc_ns(struct kernel *k)
{
    if (k->ipc)
        return k->ipc;
    struct ipc_namespace *ns = calloc(1, sizeof *ns);
    if (!ns)
        return NULL;
    ns->shm_ctlmax = SHMMAX_;           /* shm_init_ns */
    ns->shm_ctlall = SHMALL_;
    ns->shm_ctlmni = SHMMNI_;
    ns->shm_ids.last_idx = -1;          /* ipc_init_ids */
    ns->shm_ids.max_idx = -1;
    k->ipc = ns;
    return ns;
}

void ipc_ns_destroy(struct kernel *k)
{
    if (!k->ipc)
        return;
    free(k->ipc->shm_ids.idr);
    free(k->ipc);
    k->ipc = NULL;
}

/* Room for slot idx in the table. */
static int idr_reserve(struct ipc_ids *ids, int idx)
{
    if (idx < ids->cap)
        return 0;
    int cap = ids->cap ? ids->cap : IPC_MIN_CYCLE;
    while (cap <= idx)
        cap *= 2;
    struct kern_ipc_perm **n = realloc(ids->idr, (size_t)cap * sizeof *n);
    if (!n)
        return -1;
    memset(n + ids->cap, 0, (size_t)(cap - ids->cap) * sizeof *n);
    ids->idr = n;
    ids->cap = cap;
    return 0;
}

static int idr_used(const struct ipc_ids *ids, int idx)
{
    return idx < ids->cap && ids->idr[idx];
}

/* idr_alloc_cyclic(start 0, end): the first free idx from idr_next below
 * end, else from 0; idr_next moves past it.  -ENOSPC when none is free. */
static int idr_alloc_cyclic(struct ipc_ids *ids, int end)
{
    int from = ids->next < end ? ids->next : 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int idx = from; idx < end; idx++) {
            if (!idr_used(ids, idx)) {
                ids->next = idx + 1;
                return idx;
            }
        }
        if (from == 0)
            break;
        from = 0;
    }
    return -ENOSPC;
}

int ipc_addid(struct ipc_ids *ids, struct kern_ipc_perm *p, int limit)
{
    if (limit > IPCMNI)
        limit = IPCMNI;
    if (ids->in_use >= limit)
        return -ENOSPC;
    p->uid = p->cuid = (uint32_t)getuid();  /* the guest's is memsim's (sys_core.c) */
    p->gid = p->cgid = (uint32_t)getgid();
    p->deleted = 0;
    /* ipc_idr_alloc: the window grows with the number in use */
    int max_idx = ids->in_use * 3 / 2;
    max_idx = max_idx > IPC_MIN_CYCLE ? max_idx : IPC_MIN_CYCLE;
    max_idx = max_idx < IPCMNI ? max_idx : IPCMNI;
    int idx = idr_alloc_cyclic(ids, max_idx);
    if (idx < 0)
        return idx;
    if (idr_reserve(ids, idx))
        return -ENOMEM;
    if (idx <= ids->last_idx) {
        ids->seq++;
        if (ids->seq >= IPCID_SEQ_MAX)
            ids->seq = 0;
    }
    ids->last_idx = idx;
    p->seq = ids->seq;
    p->id = (int)(p->seq << IPCMNI_SHIFT) + idx;
    ids->idr[idx] = p;
    ids->in_use++;
    if (idx > ids->max_idx)
        ids->max_idx = idx;
    return p->id;
}

void ipc_rmid(struct ipc_ids *ids, struct kern_ipc_perm *p)
{
    int idx = p->id % SEQ_MULTIPLIER;
    ids->idr[idx] = NULL;
    ids->in_use--;
    p->deleted = 1;
    if (idx == ids->max_idx) {
        do
            idx--;
        while (idx >= 0 && !idr_used(ids, idx));
        ids->max_idx = idx;
    }
}

struct kern_ipc_perm *ipc_obtain_object_idr(struct ipc_ids *ids, int id)
{
    int idx = id % SEQ_MULTIPLIER;
    return id >= 0 && idr_used(ids, idx) ? ids->idr[idx] : NULL;
}

struct kern_ipc_perm *ipc_obtain_object_check(struct ipc_ids *ids, int id)
{
    struct kern_ipc_perm *p = ipc_obtain_object_idr(ids, id);
    return p && (uint32_t)id >> IPCMNI_SHIFT == p->seq ? p : NULL;   /* ipc_checkid */
}

struct kern_ipc_perm *ipc_findkey(struct ipc_ids *ids, int32_t key)
{
    for (int idx = 0; idx <= ids->max_idx; idx++)
        if (idr_used(ids, idx) && ids->idr[idx]->key == key)
            return ids->idr[idx];
    return NULL;
}

int ipc_get_maxidx(const struct ipc_ids *ids)
{
    return ids->in_use ? ids->max_idx : -1;
}

int ipcperms(const struct kern_ipc_perm *p, int flag)
{
    uint32_t euid = (uint32_t)getuid(), egid = (uint32_t)getgid();
    int requested = (flag >> 6) | (flag >> 3) | flag;
    uint32_t granted = p->mode;
    if (euid == p->cuid || euid == p->uid)
        granted >>= 6;
    else if (egid == p->cgid || egid == p->gid)
        granted >>= 3;
    /* a bit requested but not granted, and no CAP_IPC_OWNER */
    return (requested & ~granted & 0007) && euid != 0 ? -1 : 0;
}

int ipc_owner(const struct kern_ipc_perm *p)
{
    uint32_t euid = (uint32_t)getuid();
    return euid == p->cuid || euid == p->uid || euid == 0;    /* or CAP_SYS_ADMIN */
}

int ipc_parse_version(int *cmd)
{
    if (*cmd & IPC_64_) {
        *cmd ^= IPC_64_;
        return IPC_64_;
    }
    return IPC_OLD_;
}

int64_t ipc_real_seconds(const struct kernel *k)
{
    uint64_t c = k->clock.cycles ? *k->clock.cycles : 0;
    return (int64_t)k->epoch + (k->clock.hz ? (int64_t)(c / k->clock.hz) : 0);
}

/*
 * shm_ctl.c — shmctl(2) and /proc/sysvipc/shm (Linux 6.1's ipc/shm.c
 * ksys_shmctl, shmctl_*, copy_shmid_to_user, sysvipc_shm_proc_show) with
 * i386's user structs: IPC_64 the 64-bit ones (struct shmid64_ds with
 * ipc64_perm, shminfo64), IPC_OLD the old ones (struct shmid_ds with
 * 16-bit ids, struct shminfo of ints), as ipc(2)'s SHMCTL picks by the cmd's
 * IPC_64 bit; shmctl(2) itself is always IPC_64.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/procfs.h"
#include "kernel-model/shm_priv.h"

/* asm-generic/ipcbuf.h, i386 (mode_t 16 bits): 36 bytes */
struct ipc64_perm_i386 {
    int32_t key;
    uint32_t uid, gid, cuid, cgid;
    uint16_t mode, pad1;
    uint16_t seq, pad2;
    uint32_t unused1, unused2;
};
/* asm-generic/shmbuf.h, 32-bit: 84 bytes */
struct shmid64_ds_i386 {
    struct ipc64_perm_i386 shm_perm;
    uint32_t shm_segsz;
    uint32_t shm_atime, shm_atime_high, shm_dtime, shm_dtime_high, shm_ctime, shm_ctime_high;
    int32_t shm_cpid, shm_lpid;
    uint32_t shm_nattch, unused4, unused5;
};
/* linux/ipc.h's old ipc_perm (16-bit ids): 16 bytes */
struct ipc_perm_old_i386 {
    int32_t key;
    uint16_t uid, gid, cuid, cgid, mode, seq;
};
/* linux/shm.h's old shmid_ds: 48 bytes */
struct shmid_ds_old_i386 {
    struct ipc_perm_old_i386 shm_perm;
    int32_t shm_segsz;
    int32_t shm_atime, shm_dtime, shm_ctime;
    uint16_t shm_cpid, shm_lpid, shm_nattch, shm_unused;
    uint32_t shm_unused2, shm_unused3;
};
struct shminfo64_i386 { uint32_t shmmax, shmmin, shmmni, shmseg, shmall, unused[4]; };
struct shminfo_old_i386 { int32_t shmmax, shmmin, shmmni, shmseg, shmall; };
struct shm_info_i386 {
    int32_t used_ids;
    uint32_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
_Static_assert(sizeof(struct shmid64_ds_i386) == 84, "i386 shmid64_ds");
_Static_assert(sizeof(struct shmid_ds_old_i386) == 48, "i386 shmid_ds");
_Static_assert(sizeof(struct shminfo64_i386) == 36, "i386 shminfo64");
_Static_assert(sizeof(struct shm_info_i386) == 24, "i386 shm_info");

/* high2lowuid: an id that does not fit 16 bits is the overflow id */
static uint16_t low16(uint32_t id) { return id & ~0xffffu ? 65534 : (uint16_t)id; }

static long copy_shmid_to_user(struct task_struct *t, uint32_t buf,
                               const struct shmid64_ds_i386 *in, int version)
{
    if (version == IPC_64_)
        return copy_to_user(t->mm, buf, in, sizeof *in) ? -EFAULT : 0;
    struct shmid_ds_old_i386 out;
    memset(&out, 0, sizeof out);
    out.shm_perm = (struct ipc_perm_old_i386){
        .key = in->shm_perm.key, .uid = low16(in->shm_perm.uid), .gid = low16(in->shm_perm.gid),
        .cuid = low16(in->shm_perm.cuid), .cgid = low16(in->shm_perm.cgid),
        .mode = in->shm_perm.mode, .seq = in->shm_perm.seq,
    };
    out.shm_segsz = (int32_t)in->shm_segsz;
    out.shm_atime = (int32_t)in->shm_atime;
    out.shm_dtime = (int32_t)in->shm_dtime;
    out.shm_ctime = (int32_t)in->shm_ctime;
    out.shm_cpid = (uint16_t)in->shm_cpid;
    out.shm_lpid = (uint16_t)in->shm_lpid;
    out.shm_nattch = (uint16_t)in->shm_nattch;
    return copy_to_user(t->mm, buf, &out, sizeof out) ? -EFAULT : 0;
}

/* The new owner and mode IPC_SET takes (copy_shmid_from_user). */
static long copy_shmid_from_user(struct task_struct *t, uint32_t buf, int version,
                                 uint32_t *uid, uint32_t *gid, uint32_t *mode)
{
    if (version == IPC_64_) {
        struct shmid64_ds_i386 in;
        if (copy_from_user(t->mm, &in, buf, sizeof in))
            return -EFAULT;
        *uid = in.shm_perm.uid, *gid = in.shm_perm.gid, *mode = in.shm_perm.mode;
        return 0;
    }
    struct shmid_ds_old_i386 in;
    if (copy_from_user(t->mm, &in, buf, sizeof in))
        return -EFAULT;
    *uid = in.shm_perm.uid, *gid = in.shm_perm.gid, *mode = in.shm_perm.mode;
    return 0;
}

/* shmctl_stat: IPC_STAT by id (0), SHM_STAT/SHM_STAT_ANY by index (the id). */
static long shmctl_stat(struct task_struct *t, int shmid, int cmd, struct shmid64_ds_i386 *o)
{
    memset(o, 0, sizeof *o);
    struct ipc_ids *ids = shm_ids(t->k);
    if (!ids)
        return -ENOMEM;
    struct shmid_kernel *shp = shm_of(cmd == IPC_STAT_ ? ipc_obtain_object_check(ids, shmid)
                                                       : ipc_obtain_object_idr(ids, shmid));
    if (!shp)
        return -EINVAL;
    if (cmd != SHM_STAT_ANY_ && ipcperms(&shp->shm_perm, 0444))
        return -EACCES;
    const struct kern_ipc_perm *p = &shp->shm_perm;
    o->shm_perm = (struct ipc64_perm_i386){
        .key = p->key, .uid = p->uid, .gid = p->gid, .cuid = p->cuid, .cgid = p->cgid,
        .mode = (uint16_t)p->mode, .seq = (uint16_t)p->seq,
    };
    o->shm_segsz = shp->shm_segsz;
    o->shm_atime = (uint32_t)shp->shm_atim, o->shm_atime_high = (uint32_t)(shp->shm_atim >> 32);
    o->shm_dtime = (uint32_t)shp->shm_dtim, o->shm_dtime_high = (uint32_t)(shp->shm_dtim >> 32);
    o->shm_ctime = (uint32_t)shp->shm_ctim, o->shm_ctime_high = (uint32_t)(shp->shm_ctim >> 32);
    o->shm_cpid = (int32_t)shp->shm_cprid;
    o->shm_lpid = (int32_t)shp->shm_lprid;
    o->shm_nattch = shp->shm_nattch;
    return cmd == IPC_STAT_ ? 0 : p->id;
}

/* shmctl_down: IPC_RMID and IPC_SET, for the owner, the creator or root. */
static long shmctl_down(struct task_struct *t, int shmid, int cmd, uint32_t uid, uint32_t gid,
                        uint32_t mode)
{
    struct ipc_ids *ids = shm_ids(t->k);
    struct shmid_kernel *shp = ids ? shm_of(ipc_obtain_object_check(ids, shmid)) : NULL;
    if (!shp)
        return -EINVAL;
    if (!ipc_owner(&shp->shm_perm))
        return -EPERM;
    if (cmd == IPC_RMID_) {
        do_shm_rmid(t->k, shp);
        return 0;
    }
    if (uid == (uint32_t)-1 || gid == (uint32_t)-1)
        return -EINVAL;                 /* ipc_update_perm: !uid_valid */
    shp->shm_perm.uid = uid;
    shp->shm_perm.gid = gid;
    shp->shm_perm.mode = (shp->shm_perm.mode & ~0777u) | (mode & 0777u);
    shp->shm_ctim = ipc_real_seconds(t->k);
    return 0;
}

/* shmctl_do_lock: SHM_LOCK/SHM_UNLOCK set and clear SHM_LOCKED (tmpfs pages
 * are never reclaimed here: nothing else changes). */
static long shmctl_do_lock(struct task_struct *t, int shmid, int cmd)
{
    struct ipc_ids *ids = shm_ids(t->k);
    struct shmid_kernel *shp = ids ? shm_of(ipc_obtain_object_check(ids, shmid)) : NULL;
    if (!shp)
        return -EINVAL;
    uint32_t euid = (uint32_t)getuid();
    if (euid != 0) {                    /* no CAP_IPC_LOCK */
        if (euid != shp->shm_perm.uid && euid != shp->shm_perm.cuid)
            return -EPERM;
        uint64_t lim = t->mm->rlim[RLIMIT_MEMLOCK_].rlim_cur;
        if (cmd == SHM_LOCK_ && !lim)
            return -EPERM;
        /* user_shm_lock: the segment's pages within RLIMIT_MEMLOCK */
        if (cmd == SHM_LOCK_ && ((uint64_t)shp->shm_segsz + PAGE_SIZE - 1) / PAGE_SIZE >
                                    lim / PAGE_SIZE)
            return -ENOMEM;
    }
    if (cmd == SHM_LOCK_)
        shp->shm_perm.mode |= SHM_LOCKED_;
    else
        shp->shm_perm.mode &= ~(uint32_t)SHM_LOCKED_;
    return 0;
}

/* shm_get_stat: the resident pages of every segment. */
static uint32_t shm_rss(struct kernel *k)
{
    struct ipc_ids *ids = &k->ipc->shm_ids;
    uint32_t rss = 0;
    for (int idx = 0; idx <= ids->max_idx; idx++)
        if (idx < ids->cap && ids->idr[idx])
            rss += (uint32_t)shm_of(ids->idr[idx])->shm_file->inode->i_data.nrpages;
    return rss;
}

static long shmctl_info(struct task_struct *t, int cmd, uint32_t buf, int version)
{
    struct ipc_namespace *ns = ipc_ns(t->k);
    if (!ns)
        return -ENOMEM;
    int maxidx = ipc_get_maxidx(&ns->shm_ids);
    long r = maxidx < 0 ? 0 : maxidx;
    if (cmd == SHM_INFO_) {
        struct shm_info_i386 si = {
            .used_ids = ns->shm_ids.in_use, .shm_tot = ns->shm_tot, .shm_rss = shm_rss(t->k),
        };
        return copy_to_user(t->mm, buf, &si, sizeof si) ? -EFAULT : r;
    }
    struct shminfo64_i386 in = {
        .shmmax = ns->shm_ctlmax, .shmmin = SHMMIN_, .shmmni = ns->shm_ctlmni,
        .shmseg = ns->shm_ctlmni, .shmall = ns->shm_ctlall,
    };
    if (version == IPC_64_)
        return copy_to_user(t->mm, buf, &in, sizeof in) ? -EFAULT : r;
    struct shminfo_old_i386 old = {
        .shmmax = in.shmmax > 0x7fffffffu ? 0x7fffffff : (int32_t)in.shmmax,
        .shmmin = (int32_t)in.shmmin, .shmmni = (int32_t)in.shmmni,
        .shmseg = (int32_t)in.shmseg, .shmall = (int32_t)in.shmall,
    };
    return copy_to_user(t->mm, buf, &old, sizeof old) ? -EFAULT : r;
}

long ksys_shmctl(struct task_struct *t, int shmid, int cmd, uint32_t buf, int version)
{
    if (cmd < 0 || shmid < 0)
        return -EINVAL;
    switch (cmd) {
    case IPC_INFO_:
    case SHM_INFO_:
        return shmctl_info(t, cmd, buf, version);
    case SHM_STAT_:
    case SHM_STAT_ANY_:
    case IPC_STAT_: {
        struct shmid64_ds_i386 ds;
        long err = shmctl_stat(t, shmid, cmd, &ds);
        if (err < 0)
            return err;
        return copy_shmid_to_user(t, buf, &ds, version) ? -EFAULT : err;
    }
    case IPC_SET_: {
        uint32_t uid, gid, mode;
        if (copy_shmid_from_user(t, buf, version, &uid, &gid, &mode))
            return -EFAULT;
        return shmctl_down(t, shmid, cmd, uid, gid, mode);
    }
    case IPC_RMID_:
        return shmctl_down(t, shmid, cmd, 0, 0, 0);
    case SHM_LOCK_:
    case SHM_UNLOCK_:
        return shmctl_do_lock(t, shmid, cmd);
    default:
        return -EINVAL;
    }
}

/* ---- /proc/sysvipc/shm --------------------------------------------------- */

int proc_sysvipc_shm_show(struct seq_file *m, struct task_struct *t)
{
    /* shm_init's header for BITS_PER_LONG <= 32, then sysvipc_find_ipc's
     * order: by index */
    seq_printf(m, "       key      shmid perms       size  cpid  lpid nattch   uid   gid"
                  "  cuid  cgid      atime      dtime      ctime        rss       swap\n");
    struct ipc_ids *ids = t->k->ipc ? &t->k->ipc->shm_ids : NULL;
    for (int idx = 0; ids && idx <= ids->max_idx; idx++) {
        if (idx >= ids->cap || !ids->idr[idx])
            continue;
        const struct shmid_kernel *s = shm_of(ids->idr[idx]);
        const struct kern_ipc_perm *p = &s->shm_perm;
        unsigned long rss = (unsigned long)s->shm_file->inode->i_data.nrpages * PAGE_SIZE;
        seq_printf(m, "%10d %10d  %4o %10u %5u %5u  %5u %5u %5u %5u %5u %10llu %10llu %10llu "
                      "%10lu %10lu\n",
                   p->key, p->id, p->mode, s->shm_segsz, s->shm_cprid, s->shm_lprid,
                   s->shm_nattch, p->uid, p->gid, p->cuid, p->cgid,
                   (unsigned long long)s->shm_atim, (unsigned long long)s->shm_dtim,
                   (unsigned long long)s->shm_ctim, rss, 0ul);
    }
    return 0;
}

/*
 * shm.c — SysV shared memory segments (Linux 6.1's ipc/shm.c): shmget,
 * shmat, shmdt, the attach count through the VMA hooks, destruction.
 * shmctl and /proc/sysvipc/shm are shm_ctl.c's.  See shm.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel-model/shm_priv.h"
#include "kernel-model/shmem.h"
#include "kernel-model/vma.h"

static const struct vm_operations_struct shm_vm_ops;

struct ipc_ids *shm_ids(struct kernel *k)
{
    struct ipc_namespace *ns = ipc_ns(k);
    return ns ? &ns->shm_ids : NULL;
}

struct shmid_kernel *shm_of(struct kern_ipc_perm *p)
{
    return p ? (struct shmid_kernel *)((char *)p - offsetof(struct shmid_kernel, shm_perm)) : NULL;
}

/* shm_destroy: out of the table, its pages go with the file's last user
 * (an attach being closed holds one). */
static void shm_destroy(struct kernel *k, struct shmid_kernel *shp)
{
    struct ipc_namespace *ns = k->ipc;
    ns->shm_tot -= (shp->shm_segsz + PAGE_SIZE - 1) >> PAGE_SHIFT;
    ipc_rmid(&ns->shm_ids, &shp->shm_perm);
    vm_file_put(shp->shm_file);
    kfree(&k->slab, shp->kaddr);
    free(shp);
}

static int shm_may_destroy(const struct shmid_kernel *shp)
{
    return shp->shm_nattch == 0 && (shp->shm_perm.mode & SHM_DEST_);  /* shm_rmid_forced 0 */
}

void do_shm_rmid(struct kernel *k, struct shmid_kernel *shp)
{
    if (shp->shm_nattch) {
        shp->shm_perm.mode |= SHM_DEST_;
        ipc_set_key_private(&shp->shm_perm);       /* do not find it any more */
    } else {
        shm_destroy(k, shp);
    }
}

/* The segment an attach VMA maps (shm_lock by the file's id; the same
 * file, or the id was reused). */
static struct shmid_kernel *shm_of_vma(struct mm_struct *mm, const struct vm_area_struct *vma)
{
    if (!mm->k->ipc)
        return NULL;                    /* teardown: the namespace went first */
    struct shmid_kernel *shp =
        shm_of(ipc_obtain_object_idr(&mm->k->ipc->shm_ids, vma->vm_file->shm_id));
    return shp && shp->shm_file == vma->vm_file ? shp : NULL;
}

/* __shm_open: one more attach (a new mapping, a split's part, a copy). */
static void shm_open(struct mm_struct *mm, struct vm_area_struct *vma)
{
    struct shmid_kernel *shp = shm_of_vma(mm, vma);
    if (!shp)
        return;
    shp->shm_atim = ipc_real_seconds(mm->k);
    shp->shm_lprid = mm->pid;
    shp->shm_nattch++;
}

/* shm_close: one attach fewer; the last one of a removed segment frees it. */
static void shm_close(struct mm_struct *mm, struct vm_area_struct *vma)
{
    struct shmid_kernel *shp = shm_of_vma(mm, vma);
    if (!shp)
        return;
    shp->shm_lprid = mm->pid;
    shp->shm_dtim = ipc_real_seconds(mm->k);
    shp->shm_nattch--;
    if (shm_may_destroy(shp))
        shm_destroy(mm->k, shp);
}

static const struct vm_operations_struct shm_vm_ops = { .open = shm_open, .close = shm_close };

void shm_destroy_all(struct kernel *k)
{
    struct ipc_ids *ids = k->ipc ? &k->ipc->shm_ids : NULL;
    for (int idx = 0; ids && idx <= ids->max_idx; idx++)
        if (idx < ids->cap && ids->idr[idx])
            shm_destroy(k, shm_of(ids->idr[idx]));
    ipc_ns_destroy(k);
}

/* ---- shmget ------------------------------------------------------------- */

/* newseg: a segment of size bytes for key, its file on shm_mnt. */
static long newseg(struct task_struct *t, struct ipc_namespace *ns, int32_t key, uint32_t size,
                   int shmflg)
{
    struct kernel *k = t->k;
    uint32_t numpages = (uint32_t)(((uint64_t)size + PAGE_SIZE - 1) >> PAGE_SHIFT);
    if (size < SHMMIN_ || size > ns->shm_ctlmax)
        return -EINVAL;
    if ((uint64_t)numpages << PAGE_SHIFT < size || numpages == 0)
        return -ENOSPC;                 /* the page count wrapped */
    if (ns->shm_tot + numpages < ns->shm_tot || ns->shm_tot + numpages > ns->shm_ctlall)
        return -ENOSPC;
    if (shmflg & SHM_HUGETLB_)
        return -ENOMEM;                 /* no hugetlbfs pages reserved (nr_hugepages 0) */
    struct shmid_kernel *shp = calloc(1, sizeof *shp);
    uint32_t kaddr = shp ? kmalloc(&k->slab, SHMID_KERNEL_SIZE) : 0;
    if (!kaddr) {
        free(shp);
        return -ENOMEM;
    }
    shp->kaddr = kaddr;
    shp->shm_perm.key = key;
    shp->shm_perm.mode = (uint32_t)shmflg & 0777;
    shp->shm_cprid = t->tgid;
    shp->shm_ctim = ipc_real_seconds(k);
    shp->shm_segsz = size;
    long id = ipc_addid(&ns->shm_ids, &shp->shm_perm, (int)ns->shm_ctlmni);
    char name[40];
    snprintf(name, sizeof name, "/SYSV%08x (deleted)", (uint32_t)key);
    /* the file's inode number is the id ("shmid gets reported as inode#") */
    if (id >= 0 && !(shp->shm_file = shmem_kernel_file_setup(k, name, size, (uint64_t)id))) {
        ipc_rmid(&ns->shm_ids, &shp->shm_perm);
        id = -ENOMEM;
    }
    if (id < 0) {
        kfree(&k->slab, kaddr);
        free(shp);
        return id;
    }
    shp->shm_file->shm_id = (int)id;
    ns->shm_tot += numpages;
    return id;
}

long ksys_shmget(struct task_struct *t, int32_t key, uint32_t size, int shmflg)
{
    struct ipc_namespace *ns = ipc_ns(t->k);
    if (!ns)
        return -ENOMEM;
    if (key == IPC_PRIVATE_)
        return newseg(t, ns, key, size, shmflg);          /* ipcget_new */
    struct kern_ipc_perm *p = ipc_findkey(&ns->shm_ids, key);  /* ipcget_public */
    if (!p)
        return shmflg & IPC_CREAT_ ? newseg(t, ns, key, size, shmflg) : -ENOENT;
    if ((shmflg & IPC_CREAT_) && (shmflg & IPC_EXCL_))
        return -EEXIST;
    if (shm_of(p)->shm_segsz < size)
        return -EINVAL;                 /* shm_more_checks */
    return ipcperms(p, shmflg) ? -EACCES : p->id;         /* ipc_check_perms */
}

/* ---- shmat / shmdt ------------------------------------------------------- */

/* The address an attach asks for (0: the kernel's choice), or -EINVAL. */
static long shmat_addr(uint32_t addr, int shmflg)
{
    if (!addr)
        return shmflg & SHM_REMAP_ ? -EINVAL : 0;
    if (addr & (SHMLBA_ - 1)) {
        if (!(shmflg & SHM_RND_))
            return -EINVAL;             /* x86 has no __ARCH_FORCE_SHMLBA */
        addr &= ~(SHMLBA_ - 1);
        if (!addr && (shmflg & SHM_REMAP_))
            return -EINVAL;
    }
    return addr;
}

long do_shmat(struct task_struct *t, int shmid, uint32_t shmaddr, int shmflg, uint32_t *raddr)
{
    struct mm_struct *mm = t->mm;
    long r = shmid < 0 ? -EINVAL : shmat_addr(shmaddr, shmflg);
    if (r < 0)
        return r;
    uint32_t addr = (uint32_t)r, flags = MAP_SHARED_ | (addr ? MAP_FIXED_ : 0);
    uint32_t prot = PROT_READ_, acc_mode = 0444;
    unsigned f_mode = FMODE_READ_ | FMODE_MMAP_;
    if (!(shmflg & SHM_RDONLY_)) {
        prot |= PROT_WRITE_;
        acc_mode |= 0222;
        f_mode |= FMODE_WRITE_;
    }
    if (shmflg & SHM_EXEC_) {
        prot |= PROT_EXEC_;
        acc_mode |= 0111;
    }
    struct ipc_ids *ids = shm_ids(t->k);
    struct shmid_kernel *shp = ids ? shm_of(ipc_obtain_object_check(ids, shmid)) : NULL;
    if (!shp)
        return -EINVAL;
    if (ipcperms(&shp->shm_perm, (int)acc_mode))
        return -EACCES;
    uint32_t size = shp->shm_segsz;
    if (addr && !(shmflg & SHM_REMAP_)) {
        const struct vm_area_struct *v = find_vma(mm, addr);
        if (addr + size < addr || (v && v->vm_start < addr + size))
            return -EINVAL;             /* find_vma_intersection */
    }
    /* do_mmap of the segment's file: shm_mmap counts the attach (the VMA's
     * open hook); do_shmat's own hold of nattch around it only matters to
     * the destroy check below */
    struct mmap_file mf = { .f_mode = f_mode, .vmf = shp->shm_file, .vm_ops = &shm_vm_ops };
    shp->shm_nattch++;
    r = do_mmap_file(mm, addr, size, prot, flags, &mf, 0, (size + PAGE_SIZE - 1) & PAGE_MASK,
                     NULL);
    shp->shm_nattch--;
    if (shm_may_destroy(shp))
        shm_destroy(t->k, shp);         /* removed meanwhile and the mmap failed */
    if (r < 0)
        return r;
    *raddr = (uint32_t)r;
    return 0;
}

static int is_attach_at(const struct vm_area_struct *v, uint32_t addr)
{
    return v->vm_ops == &shm_vm_ops && (v->vm_start - addr) / PAGE_SIZE == v->vm_pgoff;
}

/* ksys_shmdt: the attach starting at addr (its first VMA found by offset),
 * then its other parts within the segment's size (split by mprotect or a
 * partial munmap). */
long ksys_shmdt(struct task_struct *t, uint32_t addr)
{
    struct mm_struct *mm = t->mm;
    if (addr & ~PAGE_MASK)
        return -EINVAL;
    long ret = -EINVAL;
    const struct vm_file *file = NULL;
    uint64_t size = 0;
    struct vm_area_struct *v = find_vma(mm, addr), *next;
    for (; v; v = next) {
        next = vma_next(mm, v);
        if (is_attach_at(v, addr)) {
            file = v->vm_file;
            size = (uint64_t)file->inode->i_size;
            do_munmap(mm, v->vm_start, v->vm_end - v->vm_start);
            ret = 0;
            v = next;
            break;
        }
    }
    size = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    for (; v && (uint64_t)(uint32_t)(v->vm_end - addr) <= size; v = next) {
        next = vma_next(mm, v);
        if (is_attach_at(v, addr) && v->vm_file == file)
            do_munmap(mm, v->vm_start, v->vm_end - v->vm_start);
    }
    return ret;
}

/*
 * test_shm.c — SysV shared memory (kernel-model/shm.c, shm_ctl.c, ipc.c,
 * sys_ipc.c) through the guest's system calls, against Linux 6.1's
 * ipc/shm.c and ipc/util.c:
 *   - ids: seq * 32768 + idx, idx cyclic in [0, 64) while few are in use,
 *     seq bumped when the allocation wraps, a stale id is -EINVAL;
 *   - keys: IPC_CREAT, IPC_EXCL, ENOENT, a bigger size EINVAL, the
 *     SHMMIN/SHMMAX/SHMALL/SHMMNI limits;
 *   - IPC_RMID while attached: SHM_DEST, key private, destroyed at the last
 *     detach with its pages;
 *   - shm_nattch through attach, split by mprotect, partial munmap, shmdt of
 *     every part, and two attaches mapping one frame;
 *   - shmat/shmdt/shmctl errnos; ipc(2)'s SHMAT writing *third, version 1,
 *     SHMCTL's IPC_64 and old struct sizes; /proc/sysvipc/shm's text;
 *   - shared anonymous memory is a "/dev/zero (deleted)" tmpfs file.
 * At the end every frame is back (sys_fini).  Both paging modes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/filemap.h"
#include "kernel-model/ipc.h"
#include "kernel-model/pgtable.h"
#include "kernel-model/procfs.h"
#include "kernel-model/shm.h"
#include "tests/unit/task_fixture.h"
#include "tests/unit/mm_check.h"

#define NR_IPC 117u
#define NR_MPROTECT 125u
#define NR_SHMGET 395u
#define NR_SHMCTL 396u
#define NR_SHMAT 397u
#define NR_SHMDT 398u

static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
                 uint32_t a3, uint32_t a4)
{
    uint32_t a[6] = { a0, a1, a2, a3, a4, 0 };
    return fixture_syscall(t, nr, a);
}

static long shmget_(struct task_struct *t, int32_t key, uint32_t size, int flg)
{
    return call(t, NR_SHMGET, (uint32_t)key, size, (uint32_t)flg, 0, 0);
}

static long shmat_(struct task_struct *t, long id, uint32_t addr, int flg)
{
    return call(t, NR_SHMAT, (uint32_t)id, addr, (uint32_t)flg, 0, 0);
}

static long shmdt_(struct task_struct *t, uint32_t addr)
{
    return call(t, NR_SHMDT, addr, 0, 0, 0, 0);
}

static long rmid(struct task_struct *t, long id)
{
    return call(t, NR_SHMCTL, (uint32_t)id, IPC_RMID_, 0, 0, 0);
}

/* IPC_STAT (shmid64_ds) into ubuf: the result; *nattch, *mode, *key. */
static long stat_(struct task_struct *t, uint32_t ubuf, long id, uint32_t *nattch,
                  uint32_t *mode, int32_t *key)
{
    long r = call(t, NR_SHMCTL, (uint32_t)id, IPC_STAT_, ubuf, 0, 0);
    uint8_t ds[84];
    CHECK_EQ(copy_from_user(t->mm, ds, ubuf, sizeof ds), 0);
    uint16_t m16;
    memcpy(key, ds + 0, 4);
    memcpy(&m16, ds + 20, 2);
    memcpy(nattch, ds + 72, 4);
    *mode = m16;
    return r;
}

static uint32_t nattch_of(struct task_struct *t, uint32_t ubuf, long id)
{
    uint32_t n = ~0u, mode;
    int32_t key;
    CHECK_EQ(stat_(t, ubuf, id, &n, &mode, &key), 0);
    return n;
}

static void test_ids(struct task_struct *t, uint32_t ubuf)
{
    uint32_t n, mode;
    int32_t key;
    CHECK_EQ(shmget_(t, IPC_PRIVATE_, PG, 0600), 0);
    CHECK_EQ(shmget_(t, IPC_PRIVATE_, PG, 0600), 1);
    CHECK_EQ(rmid(t, 0), 0);
    CHECK_EQ(shmget_(t, IPC_PRIVATE_, PG, 0600), 2);      /* cyclic: 0 is not reused at once */
    CHECK_EQ(rmid(t, 1), 0);
    CHECK_EQ(rmid(t, 2), 0);
    for (long idx = 3; idx < IPC_MIN_CYCLE; idx++) {
        CHECK_EQ(shmget_(t, IPC_PRIVATE_, PG, 0600), idx);
        CHECK_EQ(rmid(t, idx), 0);
    }
    /* the window [0, 64) wrapped: idx 0 again, seq 1 */
    long id = shmget_(t, IPC_PRIVATE_, PG, 0600);
    CHECK_EQ(id, SEQ_MULTIPLIER + 0);
    CHECK_EQ(stat_(t, ubuf, 0, &n, &mode, &key), -EINVAL);   /* the stale id of slot 0 */
    CHECK_EQ(stat_(t, ubuf, id, &n, &mode, &key), 0);
    /* SHM_STAT takes the index and answers the id */
    CHECK_EQ(call(t, NR_SHMCTL, 0, SHM_STAT_, ubuf, 0, 0), id);
    CHECK_EQ(call(t, NR_SHMCTL, 1, SHM_STAT_, ubuf, 0, 0), -EINVAL);
    CHECK_EQ(rmid(t, id), 0);
}

static void test_keys_and_limits(struct task_struct *t, uint32_t ubuf)
{
    long id = shmget_(t, 42, 3 * PG, IPC_CREAT_ | 0640);
    CHECK(id >= 0);
    CHECK_EQ(shmget_(t, 42, 0, 0), id);
    CHECK_EQ(shmget_(t, 42, 3 * PG, IPC_CREAT_), id);
    CHECK_EQ(shmget_(t, 42, 3 * PG, IPC_CREAT_ | IPC_EXCL_), -EEXIST);
    CHECK_EQ(shmget_(t, 42, 3 * PG + 1, 0), -EINVAL);        /* shm_more_checks */
    CHECK_EQ(shmget_(t, 43, PG, 0), -ENOENT);
    CHECK_EQ(shmget_(t, IPC_PRIVATE_, 0, 0600), -EINVAL);    /* below SHMMIN */
    CHECK_EQ(shmget_(t, IPC_PRIVATE_, 0xff000000u, 0600), -EINVAL);   /* above SHMMAX */
    CHECK_EQ(shmget_(t, IPC_PRIVATE_, 0xfffffff0u, 0600), -EINVAL);
    struct ipc_namespace *ns = t->k->ipc;
    ns->shm_ctlall = 4;                 /* pages: 3 in use */
    CHECK_EQ(shmget_(t, IPC_PRIVATE_, 2 * PG, 0600), -ENOSPC);
    long one = shmget_(t, IPC_PRIVATE_, 1, 0600);            /* one page: fits */
    CHECK(one >= 0);
    ns->shm_ctlall = 0xfeffffffu;
    ns->shm_ctlmni = 2;
    CHECK_EQ(shmget_(t, IPC_PRIVATE_, PG, 0600), -ENOSPC);   /* ipc_addid: in_use >= limit */
    ns->shm_ctlmni = 4096;
    /* IPC_INFO's and SHM_INFO's result is the highest index in use */
    CHECK_EQ(call(t, NR_SHMCTL, 0, IPC_INFO_, ubuf, 0, 0), one % SEQ_MULTIPLIER);
    uint32_t info[6];
    CHECK_EQ(call(t, NR_SHMCTL, 0, SHM_INFO_, ubuf, 0, 0), one % SEQ_MULTIPLIER);
    CHECK_EQ(copy_from_user(t->mm, info, ubuf, sizeof info), 0);
    CHECK_EQ(info[0], 2);               /* used_ids */
    CHECK_EQ(info[1], 4);               /* shm_tot: pages */
    CHECK_EQ(info[2], 0);               /* shm_rss: nothing touched */
    CHECK_EQ(rmid(t, id), 0);
    CHECK_EQ(rmid(t, one), 0);
    CHECK_EQ(rmid(t, one), -EINVAL);
}

/* RMID while attached; two attaches see one frame; destroyed at the last
 * detach with its pages. */
static void test_rmid_after_detach(struct sys *s, struct task_struct *t, uint32_t ubuf)
{
    uint32_t n, mode;
    int32_t key;
    long id = shmget_(t, 7, 2 * PG, IPC_CREAT_ | 0600);
    CHECK(id >= 0);
    long a = shmat_(t, id, 0, 0), b = shmat_(t, id, 0, 0);
    CHECK(a > 0 && b > 0 && a != b);
    CHECK_EQ(nattch_of(t, ubuf, id), 2);
    uint32_t v = 0x5a5a1234;
    CHECK_EQ(copy_to_user(t->mm, (uint32_t)a + 8, &v, 4), 0);
    uint32_t w = 0;
    CHECK_EQ(copy_from_user(t->mm, &w, (uint32_t)b + 8, 4), 0);
    CHECK_EQ(w, v);
    uint32_t pa = pte_pfn(pte_read(t->k, pte_offset(t->mm, (uint32_t)a)));
    uint32_t pb = pte_pfn(pte_read(t->k, pte_offset(t->mm, (uint32_t)b)));
    CHECK_EQ(pa, pb);                                        /* one frame, two attaches */
    CHECK(pfn_to_page(&s->k.pm, pa)->flags & PG_file);
    char err[256] = "";
    CHECK(filemap_check(&s->k, err, sizeof err) == 0 || !fprintf(stderr, "%s\n", err));
    check_vmas(t->mm);
    CHECK_EQ(rmid(t, id), 0);
    CHECK_EQ(stat_(t, ubuf, id, &n, &mode, &key), 0);
    CHECK_EQ(n, 2);
    CHECK_EQ(mode, SHM_DEST_ | 0600);
    CHECK_EQ(key, IPC_PRIVATE_);
    CHECK_EQ(shmget_(t, 7, PG, 0), -ENOENT);                 /* the key finds it no more */
    CHECK_EQ(shmdt_(t, (uint32_t)a), 0);
    CHECK_EQ(nattch_of(t, ubuf, id), 1);
    CHECK_EQ(shmdt_(t, (uint32_t)a), -EINVAL);
    CHECK_EQ(shmdt_(t, (uint32_t)b), 0);
    CHECK_EQ(stat_(t, ubuf, id, &n, &mode, &key), -EINVAL);  /* destroyed */
    CHECK_EQ(t->k->ipc->shm_tot, 0);
}

/* nattch counts VMAs: a split by mprotect adds one, a partial munmap takes
 * one, shmdt removes every part of the attach. */
static void test_nattch_split(struct task_struct *t, uint32_t ubuf)
{
    long id = shmget_(t, IPC_PRIVATE_, 4 * PG, 0600);
    long a = shmat_(t, id, 0, 0);
    CHECK(a > 0);
    CHECK_EQ(call(t, NR_MPROTECT, (uint32_t)a + PG, PG, PROT_READ_, 0, 0), 0);
    CHECK_EQ(nattch_of(t, ubuf, id), 3);
    CHECK_EQ(call(t, NR_MPROTECT, (uint32_t)a + PG, PG, PROT_READ_ | PROT_WRITE_, 0, 0), 0);
    CHECK_EQ(nattch_of(t, ubuf, id), 3);                     /* shm VMAs never merge back */
    CHECK_EQ(call(t, NR_MUNMAP, (uint32_t)a + 3 * PG, PG, 0, 0, 0), 0);
    CHECK_EQ(nattch_of(t, ubuf, id), 3);                     /* the last part shrank */
    CHECK_EQ(call(t, NR_MUNMAP, (uint32_t)a + 2 * PG, PG, 0, 0, 0), 0);
    CHECK_EQ(nattch_of(t, ubuf, id), 2);                     /* a part went */
    CHECK_EQ(shmdt_(t, (uint32_t)a), 0);
    CHECK_EQ(nattch_of(t, ubuf, id), 0);
    CHECK(find_vma(t->mm, (uint32_t)a) == NULL || find_vma(t->mm, (uint32_t)a)->vm_start >=
                                                        (uint32_t)a + 4 * PG);
    CHECK_EQ(rmid(t, id), 0);
}

static void test_errnos(struct task_struct *t, uint32_t ubuf)
{
    long id = shmget_(t, IPC_PRIVATE_, PG, 0600);
    uint32_t hint = 0x60000000;
    CHECK_EQ(shmat_(t, -1, 0, 0), -EINVAL);
    CHECK_EQ(shmat_(t, id + 1, 0, 0), -EINVAL);
    CHECK_EQ(shmat_(t, id, hint + 12, 0), -EINVAL);          /* unaligned, no SHM_RND */
    CHECK_EQ(shmat_(t, id, 0, SHM_REMAP_), -EINVAL);
    CHECK_EQ(shmat_(t, id, 12, SHM_RND_ | SHM_REMAP_), -EINVAL);   /* rounds to 0 */
    CHECK_EQ(shmat_(t, id, hint + 12, SHM_RND_), hint);
    CHECK_EQ(shmat_(t, id, hint, 0), -EINVAL);               /* over a mapping, no SHM_REMAP */
    CHECK_EQ(shmat_(t, id, hint, SHM_REMAP_), hint);         /* replaces it */
    CHECK_EQ(nattch_of(t, ubuf, id), 1);
    long ro = shmat_(t, id, 0, SHM_RDONLY_);
    CHECK(ro > 0);
    const struct vm_area_struct *v = find_vma(t->mm, (uint32_t)ro);
    CHECK(v && !(v->vm_flags & (VM_WRITE | VM_SHARED | VM_MAYWRITE)) && (v->vm_flags & VM_MAYSHARE));
    CHECK_EQ(shmdt_(t, hint + 4), -EINVAL);
    CHECK_EQ(shmdt_(t, ubuf), -EINVAL);                      /* not an attach */
    CHECK_EQ(call(t, NR_SHMCTL, (uint32_t)-1, IPC_STAT_, ubuf, 0, 0), -EINVAL);
    CHECK_EQ(call(t, NR_SHMCTL, (uint32_t)id, 99, ubuf, 0, 0), -EINVAL);
    CHECK_EQ(call(t, NR_SHMCTL, (uint32_t)id, IPC_STAT_ | IPC_64_, ubuf, 0, 0), -EINVAL);
    CHECK_EQ(call(t, NR_SHMCTL, (uint32_t)id, IPC_STAT_, 0x1000, 0, 0), -EFAULT);
    CHECK_EQ(call(t, NR_SHMCTL, (uint32_t)id, SHM_LOCK_, 0, 0, 0), 0);
    CHECK_EQ(t->k->ipc->shm_ids.idr[id % SEQ_MULTIPLIER]->mode & SHM_LOCKED_, SHM_LOCKED_);
    CHECK_EQ(call(t, NR_SHMCTL, (uint32_t)id, SHM_UNLOCK_, 0, 0, 0), 0);
    CHECK_EQ(t->k->ipc->shm_ids.idr[id % SEQ_MULTIPLIER]->mode & SHM_LOCKED_, 0);
    CHECK_EQ(shmdt_(t, hint), 0);
    CHECK_EQ(shmdt_(t, (uint32_t)ro), 0);
    CHECK_EQ(rmid(t, id), 0);
}

/* ipc(2): SHMGET 23, SHMAT 21 writing the address to *third, version 1
 * -EINVAL, SHMCTL's struct by the IPC_64 bit, SHMDT 22, others -ENOSYS. */
static void test_ipc_multiplexer(struct task_struct *t, uint32_t ubuf)
{
    long id = call(t, NR_IPC, 23, IPC_PRIVATE_, 3 * PG, 0600, 0);
    CHECK(id >= 0);
    CHECK_EQ(call(t, NR_IPC, 21, (uint32_t)id, 0, ubuf, 0), 0);
    uint32_t addr = 0;
    CHECK_EQ(copy_from_user(t->mm, &addr, ubuf, 4), 0);
    CHECK(addr && find_vma(t->mm, addr) && find_vma(t->mm, addr)->vm_start == addr);
    CHECK_EQ(call(t, NR_IPC, 21 | 1u << 16, (uint32_t)id, 0, ubuf, 0), -EINVAL);
    /* old shmid_ds: 48 bytes; shmid64_ds: 84 */
    uint8_t fill[96];
    memset(fill, 0xee, sizeof fill);
    CHECK_EQ(copy_to_user(t->mm, ubuf, fill, sizeof fill), 0);
    CHECK_EQ(call(t, NR_IPC, 24, (uint32_t)id, IPC_STAT_, 0, ubuf), 0);
    uint8_t got[96];
    CHECK_EQ(copy_from_user(t->mm, got, ubuf, sizeof got), 0);
    CHECK_EQ(got[47], 0);               /* shm_unused3's last byte */
    CHECK_EQ(got[48], 0xee);
    uint16_t nattch16;
    memcpy(&nattch16, got + 36, 2);          /* after cpid, lpid */
    CHECK_EQ(nattch16, 1);
    CHECK_EQ(call(t, NR_IPC, 24, (uint32_t)id, IPC_STAT_ | IPC_64_, 0, ubuf), 0);
    CHECK_EQ(copy_from_user(t->mm, got, ubuf, sizeof got), 0);
    CHECK_EQ(got[83], 0);
    CHECK_EQ(got[84], 0xee);
    uint32_t segsz;
    memcpy(&segsz, got + 36, 4);
    CHECK_EQ(segsz, 3 * PG);
    CHECK_EQ(call(t, NR_IPC, 1, 0, 0, 0, 0), -ENOSYS);       /* SEMOP: no semaphores */
    CHECK_EQ(call(t, NR_IPC, 22, 0, 0, 0, addr), 0);
    CHECK_EQ(call(t, NR_IPC, 24, (uint32_t)id, IPC_RMID_, 0, 0), 0);
}

static void test_proc(struct task_struct *t)
{
    long id = shmget_(t, 0x2a, 10000, IPC_CREAT_ | 0644);
    long a = shmat_(t, id, 0, 0);
    uint32_t v = 1;
    CHECK_EQ(copy_to_user(t->mm, (uint32_t)a, &v, 4), 0);     /* one page resident */
    struct seq_file m = { 0 };
    CHECK_EQ(proc_sysvipc_shm_show(&m, t), 0);
    char want[512];
    int64_t now = ipc_real_seconds(t->k);
    snprintf(want, sizeof want,
             "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid"
             "      atime      dtime      ctime        rss       swap\n"
             "        42 %10ld   644      10000  1000  1000      1 %5u %5u %5u %5u %10lld"
             "          0 %10lld       4096          0\n",
             id, getuid(), getgid(), getuid(), getgid(), (long long)now, (long long)now);
    CHECK(m.buf && !strcmp(m.buf, want));
    if (m.buf && strcmp(m.buf, want))
        fprintf(stderr, "got:\n%swant:\n%s", m.buf, want);
    free(m.buf);
    /* the attach's maps name and inode number: the segment's key and id */
    const struct vm_area_struct *vma = find_vma(t->mm, (uint32_t)a);
    CHECK(vma && vma->vm_file && !strcmp(vma->vm_file->path, "/SYSV0000002a (deleted)"));
    CHECK(vma && vma->vm_file->ino == (uint64_t)id);
    CHECK_EQ(shmdt_(t, (uint32_t)a), 0);
    CHECK_EQ(rmid(t, id), 0);
}

/* shmem_zero_setup: MAP_SHARED|MAP_ANONYMOUS is an unlinked tmpfs file. */
static void test_shared_anon(struct task_struct *t)
{
    long a = do_mmap(t->mm, 0, 2 * PG, PROT_READ_ | PROT_WRITE_, MAP_SHARED_ | MAP_ANONYMOUS_,
                     NULL, 0, 0, NULL);
    CHECK(a > 0);
    const struct vm_area_struct *v = find_vma(t->mm, (uint32_t)a);
    CHECK(v && v->vm_file && !strcmp(v->vm_file->path, "/dev/zero (deleted)"));
    CHECK(v && (v->vm_flags & (VM_SHARED | VM_MAYSHARE)) == (VM_SHARED | VM_MAYSHARE));
    CHECK(v && v->vm_file->inode && v->vm_file->inode->i_size == 2 * PG);
    uint32_t x = 9;
    CHECK_EQ(copy_to_user(t->mm, (uint32_t)a + PG, &x, 4), 0);
    CHECK_EQ(v->vm_file->inode->i_data.nrpages, 1);          /* its page cache */
    CHECK_EQ(do_munmap(t->mm, (uint32_t)a, 2 * PG), 0);
    /* /dev/zero shared (mmap_zero): the same, when open for writing; through
     * a read-only descriptor do_mmap drops VM_SHARED, so it is private
     * anonymous memory (VM_MAYSHARE kept: 's' in maps) */
    struct mmap_file rw = { .f_mode = FMODE_READ_ | FMODE_WRITE_ | FMODE_ZERO_ };
    struct mmap_file ro = { .f_mode = FMODE_READ_ | FMODE_ZERO_ };
    long z = do_mmap_file(t->mm, 0, PG, PROT_READ_ | PROT_WRITE_, MAP_SHARED_, &rw, 0, 0, NULL);
    CHECK(z > 0);
    v = find_vma(t->mm, (uint32_t)z);
    CHECK(v && v->vm_file && !strcmp(v->vm_file->path, "/dev/zero (deleted)"));
    CHECK_EQ(do_munmap(t->mm, (uint32_t)z, PG), 0);
    z = do_mmap_file(t->mm, 0, PG, PROT_READ_, MAP_SHARED_, &ro, 0, 0, NULL);
    CHECK(z > 0);
    v = find_vma(t->mm, (uint32_t)z);
    CHECK(v && !v->vm_file && (v->vm_flags & (VM_SHARED | VM_MAYSHARE)) == VM_MAYSHARE);
    CHECK_EQ(do_munmap(t->mm, (uint32_t)z, PG), 0);
}

static void test_all(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    if (!t)
        return;
    uint32_t ubuf = user_page(t);
    test_ids(t, ubuf);
    test_keys_and_limits(t, ubuf);
    test_rmid_after_detach(&s, t, ubuf);
    test_nattch_split(t, ubuf);
    test_errnos(t, ubuf);
    test_ipc_multiplexer(t, ubuf);
    test_proc(t);
    test_shared_anon(t);
    CHECK_EQ(t->k->ipc->shm_ids.in_use, 0);
    check_vmas(t->mm);
    task_free(t);
    sys_fini(&s);
}

int main(void)
{
    run_in_every_paging_mode(test_all);
    return CHECK_DONE();
}

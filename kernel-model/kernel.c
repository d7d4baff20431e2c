/*
 * kernel.c — boot of the kernel model and the life of an mm.
 *
 * Boot order follows a real i386 kernel: RAM, then the boot allocator
 * with the firmware, kernel image, mem_map and pageblock flags
 * (free_area_init), swapper_pg_dir from it too (paging_init: the kernel
 * page directory, or the PDPT and kernel PMD with PAE: low memory
 * direct-mapped at PAGE_OFFSET with global large pages, supervisor only),
 * then mem_init hands the rest to buddy, and the slab caches and the shared
 * zero page come from buddy.  The paging mode is set in the CPU's MMU
 * (CR4.PAE, and EFER.NXE with PAE: NX is on whenever PAE is).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/sched.h"
#include "kernel-model/shm.h"
#include "kernel-model/shmem.h"
#include "kernel-model/vfs.h"
#include "kernel-model/vma.h"
#include "kernel-model/bootmem.h"

/* The allocator's __GFP_ZERO of a HighMem frame (pglist_data.highmem). */
static void kernel_clear_highpage(void *ctx, uint32_t pfn, int dirty)
{
    clear_highpage(ctx, pfn, dirty);
}

int kernel_boot(struct kernel *k, const struct kernel_config *cfg, char *err, size_t errlen)
{
    uint64_t ram_bytes = cfg->ram_bytes;
    enum paging_mode paging = cfg->paging;
    struct mmu *mmu = cfg->mmu;

    memset(k, 0, sizeof *k);
    k->snapshot.next_cycle = UINT64_MAX;   /* none until the engine starts them */
    k->events = cfg->events;
    k->mmu = mmu;
    futex_hash_init(&k->futex);
    INIT_LIST_HEAD(&k->tasks);
    INIT_LIST_HEAD(&k->runqueue);
    INIT_LIST_HEAD(&k->mms);
    k->last_pid = GUEST_PID - 1;    /* alloc_pid: GUEST_PID, or the next one free */
    lruvec_init(&k->lru);
    k->paging = paging;
    k->nx = paging == PAGING_PAE;
    if (mmu)
        mmu_set_paging(mmu, paging, k->nx);
    if (physmem_init(&k->pm, ram_bytes, err, errlen))
        return -1;
    struct bootmem_data bd;
    if (free_area_init(&k->pgdat, &k->pm, cfg->events, &bd, err, errlen)) {
        physmem_destroy(&k->pm);
        return -1;
    }
    int no_swapper = swapper_init(k, &bd);
    mem_init(&k->pgdat, &bd);
    k->pgdat.highmem = (struct highmem_hook){ k, kernel_clear_highpage };
    /* the frames free_all_bootmem handed to buddy: __free_pages_core
     * counts them in pgfree; from here on buddy counts its own */
    count_vm_events(&k->vm_events, PGFREE, nr_free_pages(&k->pgdat));
    k->pgdat.vm_events = &k->vm_events;
    if (slab_init(&k->slab, &k->pgdat)) {
        snprintf(err, errlen, "out of host memory for the slab caches");
        kernel_destroy(k);
        return -1;
    }
    k->zero_pfn = alloc_pages(&k->pgdat, GFP_KERNEL | __GFP_ZERO, 0, PURPOSE_ZERO_PAGE);
    if (no_swapper || k->zero_pfn == PFN_NONE) {
        snprintf(err, errlen, "--ram %llu is too small to boot the kernel model",
                 (unsigned long long)ram_bytes);
        kernel_destroy(k);
        return -1;
    }
    pfn_to_page(&k->pm, k->zero_pfn)->flags |= PG_zero;
    if (vmalloc_init(k)) {
        snprintf(err, errlen, "out of host memory for the vmalloc area");
        kernel_destroy(k);
        return -1;
    }
    k->pgdat.reclaim = (struct page_reclaim){ k, filemap_reclaim };
    if (mmu) {
        mmu->phys = k->pm.base;
        mmu->phys_size = k->pm.size;
    }
    return 0;
}

void kernel_destroy(struct kernel *k)
{
    k->pgdat.reclaim.shrink = NULL;
    shm_destroy_all(k);                 /* SysV segments (their attaches went with the mms) */
    shmem_destroy(k);
    inode_cache_destroy(k);
    vmalloc_destroy(k);
    slab_destroy(&k->slab);
    physmem_destroy(&k->pm);
    memset(k, 0, sizeof *k);
}

struct mm_struct *mm_alloc(struct kernel *k, uint32_t pid)
{
    struct mm_struct *mm = calloc(1, sizeof *mm);
    if (!mm)
        return NULL;
    mm->k = k;
    mm->pid = pid;
    mm->mm_users = 1;
    mm->mmap_base = MMAP_BASE;
    mm->max_map_count = DEFAULT_MAX_MAP_COUNT;
    rlimits_init(mm->rlim, k->pm.nr_pages);
    mm->kaddr = kmem_cache_alloc(&k->slab, k->slab.mm_cachep);
    if (!mm->kaddr || pgd_alloc(mm)) {
        kmem_cache_free(&k->slab, k->slab.mm_cachep, mm->kaddr);
        free(mm);
        return NULL;
    }
    list_add_tail(&mm->mmlist, &k->mms);
    return mm;
}

void mm_release(struct mm_struct *mm)
{
    if (!mm)
        return;
    const struct vm_area_struct *v;
    for_each_vma(mm, v)
        zap_page_range(mm, v->vm_start, v->vm_end, (v->vm_flags & VM_EXEC) != 0);
    vma_destroy_all(mm);
    free_pgtables(mm, 0, TASK_SIZE);
    pgd_free(mm);
    kmem_cache_free(&mm->k->slab, mm->k->slab.mm_cachep, mm->kaddr);
    list_del_init(&mm->mmlist);
    free(mm);
}

void mmput(struct mm_struct *mm)
{
    if (!mm || --mm->mm_users > 0)
        return;
    if (mm->k->arch.mm_destroy)
        mm->k->arch.mm_destroy(mm->k->arch.ctx, mm);
    mm_release(mm);
}

/*
 * kernel.c — boot of the kernel model and the life of an mm.
 *
 * Boot order follows a real i386 kernel: RAM and mem_map, memblock
 * reservations, the buddy allocator, then swapper_pg_dir (the kernel page
 * directory: low memory direct-mapped at PAGE_OFFSET with 4 MiB global PSE
 * pages, supervisor only) and the shared zero page, both from buddy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/vma.h"

#define KERNEL_PGD_FIRST pgd_index(PAGE_OFFSET)

static void build_direct_map(struct kernel *k)
{
    uint32_t *pgd = pte_table(k, k->swapper_pg_dir);
    uint64_t lowmem = k->pm.size < (896ull << 20) ? k->pm.size : (896ull << 20);
    uint32_t n = (uint32_t)((lowmem + (1u << PGDIR_SHIFT) - 1) >> PGDIR_SHIFT);
    for (uint32_t i = 0; i < n && KERNEL_PGD_FIRST + i < PTRS_PER_PGD; i++)
        pgd[KERNEL_PGD_FIRST + i] = (i << PGDIR_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
                                    _PAGE_PSE | _PAGE_GLOBAL | _PAGE_ACCESSED | _PAGE_DIRTY;
}

int kernel_init(struct kernel *k, uint64_t ram_bytes, struct mmu *mmu,
                const struct kernel_observer *obs, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    if (obs)
        k->obs = *obs;
    k->mmu = mmu;
    if (physmem_init(&k->pm, ram_bytes, err, errlen))
        return -1;
    if (page_alloc_init(&k->pgdat, &k->pm, &k->obs, err, errlen)) {
        physmem_destroy(&k->pm);
        return -1;
    }
    k->swapper_pg_dir = alloc_pages(&k->pgdat, GFP_KERNEL | __GFP_ZERO, 0, PURPOSE_PGD);
    k->zero_pfn = alloc_pages(&k->pgdat, GFP_KERNEL | __GFP_ZERO, 0, PURPOSE_ZERO_PAGE);
    if (k->swapper_pg_dir == PFN_NONE || k->zero_pfn == PFN_NONE) {
        snprintf(err, errlen, "--ram %llu is too small to boot the kernel model",
                 (unsigned long long)ram_bytes);
        kernel_destroy(k);
        return -1;
    }
    pfn_to_page(&k->pm, k->swapper_pg_dir)->flags |= PG_pgtable;
    pfn_to_page(&k->pm, k->zero_pfn)->flags |= PG_zero;
    build_direct_map(k);
    return 0;
}

void kernel_destroy(struct kernel *k)
{
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
    mm->mmap_base = MMAP_BASE;
    mm->max_map_count = DEFAULT_MAX_MAP_COUNT;
    mm->pgd = alloc_pages(&k->pgdat, GFP_KERNEL | __GFP_ZERO, 0, PURPOSE_PGD);
    if (mm->pgd == PFN_NONE) {
        free(mm);
        return NULL;
    }
    pfn_to_page(&k->pm, mm->pgd)->flags |= PG_pgtable;
    /* clone_pgd_range: every process shares the kernel half. */
    memcpy(pte_table(k, mm->pgd) + KERNEL_PGD_FIRST,
           pte_table(k, k->swapper_pg_dir) + KERNEL_PGD_FIRST,
           (PTRS_PER_PGD - KERNEL_PGD_FIRST) * sizeof(uint32_t));
    return mm;
}

void mm_release(struct mm_struct *mm)
{
    if (!mm)
        return;
    for (size_t i = 0; i < mm->nr_vmas; i++) {
        struct vm_area_struct *v = &mm->vmas[i];
        zap_page_range(mm, v->vm_start, v->vm_end, (v->vm_flags & VM_EXEC) != 0);
        vm_file_put(v->vm_file);
    }
    mm->nr_vmas = 0;
    free_pgtables(mm, 0, TASK_SIZE);
    pfn_to_page(&mm->k->pm, mm->pgd)->flags &= ~PG_pgtable;
    free_pages(&mm->k->pgdat, mm->pgd, 0);
    free(mm->vmas);
    free(mm);
}

/*
 * pgtable.c — page-table edits for the kernel model (mm/memory.c's
 * __pte_alloc, set_pte_at, zap_pte_range, mm/mprotect.c's change_pte_range).
 *
 * Every edit that removes or downgrades a translation also invalidates it in
 * the CPU's TLB model (flush_tlb_page), as the kernel must on real hardware.
 */
#include "kernel-model/pgtable.h"
#include "kernel-model/vma.h"

static uint32_t *pgd_entry(struct mm_struct *mm, uint32_t va)
{
    return pte_table(mm->k, mm->pgd) + pgd_index(va);
}

uint32_t *pte_offset(struct mm_struct *mm, uint32_t va)
{
    uint32_t pde = *pgd_entry(mm, va);
    if (!(pde & _PAGE_PRESENT) || (pde & _PAGE_PSE))
        return NULL;
    return pte_table(mm->k, pde >> PAGE_SHIFT) + pte_index(va);
}

uint32_t follow_pte(struct mm_struct *mm, uint32_t va)
{
    uint32_t *pte = va < TASK_SIZE ? pte_offset(mm, va) : NULL;
    return pte && (*pte & _PAGE_PRESENT) ? *pte >> PAGE_SHIFT : PFN_NONE;
}

int user_page_present(struct mm_struct *mm, uint32_t va)
{
    return follow_pte(mm, va) != PFN_NONE;
}

uint32_t *pte_alloc(struct mm_struct *mm, uint32_t va)
{
    uint32_t *pde = pgd_entry(mm, va);
    if (!(*pde & _PAGE_PRESENT)) {
        uint32_t pfn = alloc_pages(&mm->k->pgdat, GFP_KERNEL | __GFP_ZERO, 0,
                                   PURPOSE_PAGETABLE);
        if (pfn == PFN_NONE)
            return NULL;
        pfn_to_page(&mm->k->pm, pfn)->flags |= PG_pgtable;
        /* The PDE grants everything; the PTEs carry the real rights. */
        *pde = (pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
        mm->pgtable_pages++;
    }
    return pte_offset(mm, va);
}

static void flush_tlb_page(struct mm_struct *mm, uint32_t va)
{
    if (mm->k->mmu && mm->k->mmu->cr3 == (mm->pgd << PAGE_SHIFT))
        mmu_invlpg(mm->k->mmu, va);
}

void set_pte_at(struct mm_struct *mm, uint32_t va, uint32_t *pte, uint32_t pfn,
                int writable)
{
    struct page *page = pfn_to_page(&mm->k->pm, pfn);
    int was_present = (*pte & _PAGE_PRESENT) != 0;

    if (!was_present || (*pte >> PAGE_SHIFT) != pfn) {
        page->_mapcount++;
        if (!was_present)
            mm->rss_pages++;
    }
    *pte = (pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER | (writable ? _PAGE_RW : 0);
    if (was_present)
        flush_tlb_page(mm, va);
    if (mm->notifier.set_pte)
        mm->notifier.set_pte(mm->notifier.ctx, mm, va, pfn, writable);
}

/* Drop one mapping of the frame behind a present PTE. */
static void zap_pte(struct mm_struct *mm, uint32_t va, uint32_t *pte, int exec)
{
    uint32_t pfn = *pte >> PAGE_SHIFT;
    struct page *page = pfn_to_page(&mm->k->pm, pfn);

    *pte = 0;
    flush_tlb_page(mm, va);
    if (mm->notifier.clear_pte)
        mm->notifier.clear_pte(mm->notifier.ctx, mm, va, exec);
    page->_mapcount--;
    mm->rss_pages--;
    put_page(&mm->k->pgdat, pfn);
}

void zap_page_range(struct mm_struct *mm, uint32_t start, uint32_t end, int exec)
{
    for (uint32_t va = start; va < end && va >= start; va += PAGE_SIZE) {
        uint32_t *pte = pte_offset(mm, va);
        if (!pte) {                           /* skip the rest of this table */
            va = (va | ((1u << PGDIR_SHIFT) - 1)) - PAGE_SIZE + 1;
            continue;
        }
        if (*pte & (_PAGE_PRESENT | _PAGE_PROTNONE))
            zap_pte(mm, va, pte, exec);
    }
}

void change_protection(struct mm_struct *mm, uint32_t start, uint32_t end,
                       uint32_t vm_flags)
{
    for (uint32_t va = start; va < end && va >= start; va += PAGE_SIZE) {
        uint32_t *pte = pte_offset(mm, va);
        if (!pte || !(*pte & (_PAGE_PRESENT | _PAGE_PROTNONE)))
            continue;
        uint32_t pfn = *pte >> PAGE_SHIFT;
        struct page *page = pfn_to_page(&mm->k->pm, pfn);
        /*
         * Write access is granted only where no sharing is left to break:
         * a private page still shared (zero page, mapped twice) stays
         * read-only so the next write takes the COW path.
         */
        int writable = (vm_flags & VM_WRITE) &&
                       ((vm_flags & VM_SHARED) ||
                        (!(page->flags & PG_zero) && page->_mapcount == 0 &&
                         page->_refcount == 1));
        if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC))) {
            /*
             * PROT_NONE: hide the page but keep the frame, so mprotect back
             * finds the data (Linux's pte_modify to PAGE_NONE).  Zapping it,
             * as this did, freed the contents: a later PROT_READ|PROT_WRITE
             * read zeros.  A fault meanwhile is SEGV_ACCERR (VMA rights).
             */
            if (*pte & _PAGE_PRESENT) {
                *pte = (*pte & ~(uint32_t)_PAGE_PRESENT) | _PAGE_PROTNONE;
                flush_tlb_page(mm, va);
                if (mm->notifier.clear_pte)
                    mm->notifier.clear_pte(mm->notifier.ctx, mm, va, 1);
            }
            continue;
        }
        uint32_t old = *pte;
        *pte = (old & ~(uint32_t)(_PAGE_RW | _PAGE_PROTNONE)) | _PAGE_PRESENT |
               (writable ? _PAGE_RW : 0);
        if (*pte != old || (vm_flags & VM_EXEC) == 0) {
            flush_tlb_page(mm, va);
            if (mm->notifier.set_pte)
                mm->notifier.set_pte(mm->notifier.ctx, mm, va, pfn, writable);
        }
    }
}

void free_pgtables(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    uint32_t first = pgd_index(start), last = pgd_index(end - 1);
    for (uint32_t i = first; i <= last && i < pgd_index(TASK_SIZE); i++) {
        uint32_t lo = i << PGDIR_SHIFT, hi = lo + (1u << PGDIR_SHIFT) - 1;
        size_t v = vma_index(mm, lo);
        if (v < mm->nr_vmas && mm->vmas[v].vm_start <= hi)
            continue;                          /* still in use */
        uint32_t *pde = pte_table(mm->k, mm->pgd) + i;
        if (!(*pde & _PAGE_PRESENT))
            continue;
        uint32_t pfn = *pde >> PAGE_SHIFT;
        *pde = 0;
        pfn_to_page(&mm->k->pm, pfn)->flags &= ~PG_pgtable;
        free_pages(&mm->k->pgdat, pfn, 0);
        mm->pgtable_pages--;
        if (mm->k->mmu && mm->k->mmu->cr3 == (mm->pgd << PAGE_SHIFT))
            mmu_flush_tlb(mm->k->mmu);         /* paging-structure caches too */
    }
}

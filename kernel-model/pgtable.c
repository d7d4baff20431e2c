/*
 * pgtable.c — page-table edits for the kernel model (mm/memory.c's
 * __pte_alloc, set_pte_at, zap_pte_range, mm/mprotect.c's change_pte_range,
 * arch/x86/mm/pgtable.c's pgd_alloc, arch/x86/mm/init_32.c's direct map).
 *
 * Both formats go through the accessors of pgtable.h; the mode decides only
 * the geometry (pmd_offset) and how page directories are made.
 *
 * PAE follows Linux's pgd_alloc with a shared kernel PMD (SHARED_KERNEL_PMD,
 * i.e. no PTI): the three user PMDs are preallocated when the PDPT is made
 * (PREALLOCATED_PMDS; PDPTEs are cached by the CPU at CR3 load, so they are
 * never changed under a live CR3), and PDPTE 3, covering PAGE_OFFSET, points
 * to swapper's kernel PMD, so every process shares one kernel PMD.  A PDPTE
 * holds only the frame and P (pud_populate: "almost everything apart from
 * _PAGE_PRESENT is reserved at the pmd (PDPT) level").  The PDPT takes a
 * whole buddy frame (Linux uses a 32-byte slab object: the model allocates
 * only frames).
 *
 * Every edit that removes or downgrades a translation also invalidates it in
 * the CPU's TLB model (flush_tlb_page), as the kernel must on real hardware.
 *
 * Every frame number read back from an entry is checked against RAM
 * (entry_frame_ok) before its struct page or its bytes are touched: an
 * entry past RAM means corrupt tables (a model bug, or a guest that wrote
 * them), is reported once per find through pgtable_bad, and is treated as
 * Linux treats a bad PTE (vm_normal_page: print_bad_pte, the struct page
 * left alone): walked past, zapped to 0, never freed.
 */
#include <string.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/vma.h"
#include "kernel-model/bootmem.h"

#define KERNEL_PDPTE pae_pdpt_index(PAGE_OFFSET)     /* 3 */

void pgtable_bad(struct mm_struct *mm, uint32_t va, uint64_t entry)
{
    mm->bad_entries++;
    if (mm->notifier.bad_pagetable)
        mm->notifier.bad_pagetable(mm->notifier.ctx, mm, va, entry);
}

/* ---- paging-structure frames ---- */

static uint32_t pgtable_frame_alloc(struct kernel *k, enum page_purpose why)
{
    uint32_t pfn = alloc_pages(&k->pgdat, GFP_KERNEL | __GFP_ZERO, 0, why);
    if (pfn != PFN_NONE)
        pfn_to_page(&k->pm, pfn)->flags |= PG_pgtable;
    return pfn;
}

static void pgtable_frame_free(struct kernel *k, uint32_t pfn)
{
    pfn_to_page(&k->pm, pfn)->flags &= ~PG_pgtable;
    free_pages(&k->pgdat, pfn, 0);
}

/* Low memory (at most 896 MiB) direct-mapped from PAGE_OFFSET with large,
 * global, supervisor-only, executable pages, entries from `first` on. */
static void map_lowmem(struct kernel *k, uint32_t dir_pfn, uint32_t first, uint32_t nr_entries)
{
    unsigned shift = pmd_shift(k);
    uint64_t lowmem = k->pm.size < (896ull << 20) ? k->pm.size : (896ull << 20);
    uint32_t n = (uint32_t)((lowmem + (1u << shift) - 1) >> shift);
    for (uint32_t i = 0; i < n && first + i < nr_entries; i++)
        pte_write(k, pt_entry(k, dir_pfn, first + i),
                  ((uint64_t)i << shift) | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE |
                  _PAGE_GLOBAL | _PAGE_ACCESSED | _PAGE_DIRTY);
}

/* A zeroed frame for swapper's tables from bootmem (alloc_low_page). */
uint32_t early_pgtable_alloc(struct kernel *k, struct bootmem_data *bd, enum page_purpose why)
{
    uint64_t phys = alloc_bootmem(bd, PAGE_SIZE, PAGE_SIZE, 0, why);
    if (phys == BOOTMEM_FAIL)
        return PFN_NONE;
    uint32_t pfn = (uint32_t)(phys >> PAGE_SHIFT);
    memset(pfn_to_host(&k->pm, pfn), 0, PAGE_SIZE);
    pfn_to_page(&k->pm, pfn)->flags |= PG_pgtable;
    return pfn;
}

int swapper_init(struct kernel *k, struct bootmem_data *bd)
{
    k->swapper_pg_dir = early_pgtable_alloc(k, bd, PURPOSE_PGD);
    if (k->swapper_pg_dir == PFN_NONE)
        return -1;
    if (!pgtable_pae(k)) {
        map_lowmem(k, k->swapper_pg_dir, pgd_index(PAGE_OFFSET), PTRS_PER_PGD);
        return kmap_init(k, bd);
    }
    /* The user PDPTEs of swapper stay not present: nothing runs in user
     * space on swapper's page tables. */
    uint32_t kpmd = early_pgtable_alloc(k, bd, PURPOSE_PAGETABLE);
    if (kpmd == PFN_NONE)
        return -1;
    pte_write(k, pt_entry(k, k->swapper_pg_dir, KERNEL_PDPTE),
              ((uint64_t)kpmd << PAGE_SHIFT) | _PAGE_PRESENT);
    map_lowmem(k, kpmd, 0, PAE_PTRS_PER_PMD);
    return kmap_init(k, bd);
}

/* Linux's pgd_list: every mm's page directory, so that a new kernel page
 * table can be copied into each (2-level paging has no shared kernel PMD). */
static void pgd_list_add(struct mm_struct *mm)
{
    struct kernel *k = mm->k;
    mm->pgd_next = k->pgd_list;
    if (k->pgd_list)
        k->pgd_list->pgd_pprev = &mm->pgd_next;
    mm->pgd_pprev = &k->pgd_list;
    k->pgd_list = mm;
}

static void pgd_list_del(struct mm_struct *mm)
{
    if (!mm->pgd_pprev)
        return;
    *mm->pgd_pprev = mm->pgd_next;
    if (mm->pgd_next)
        mm->pgd_next->pgd_pprev = mm->pgd_pprev;
    mm->pgd_next = NULL;
    mm->pgd_pprev = NULL;
}

int pgd_alloc(struct mm_struct *mm)
{
    struct kernel *k = mm->k;
    mm->pgd = pgtable_frame_alloc(k, PURPOSE_PGD);
    if (mm->pgd == PFN_NONE)
        return -1;
    if (!pgtable_pae(k)) {
        pgd_list_add(mm);
        /* clone_pgd_range: every process shares the kernel half. */
        uint32_t first = pgd_index(PAGE_OFFSET);
        memcpy(pt_entry(k, mm->pgd, first), pt_entry(k, k->swapper_pg_dir, first),
               (PTRS_PER_PGD - first) * sizeof(uint32_t));
        return 0;
    }
    for (uint32_t i = 0; i < KERNEL_PDPTE; i++) {          /* preallocate_pmds */
        uint32_t pmd = pgtable_frame_alloc(k, PURPOSE_PAGETABLE);
        if (pmd == PFN_NONE) {
            pgd_free(mm);
            return -1;
        }
        pte_write(k, pt_entry(k, mm->pgd, i), ((uint64_t)pmd << PAGE_SHIFT) | _PAGE_PRESENT);
    }
    pte_t *kernel = pt_entry(k, k->swapper_pg_dir, KERNEL_PDPTE);
    pte_write(k, pt_entry(k, mm->pgd, KERNEL_PDPTE), pte_read(k, kernel));
    return 0;
}

void pgd_free(struct mm_struct *mm)
{
    struct kernel *k = mm->k;
    pgd_list_del(mm);
    for (uint32_t i = 0; pgtable_pae(k) && i < KERNEL_PDPTE; i++) {
        uint64_t pdpte = pte_read(k, pt_entry(k, mm->pgd, i));
        if ((pdpte & _PAGE_PRESENT) && entry_frame_ok(mm, i << PAE_PDPT_SHIFT, pdpte))
            pgtable_frame_free(k, pte_pfn(pdpte));
    }
    pgtable_frame_free(k, mm->pgd);
}

/* ---- the kernel's own mappings ---- */

pte_t *kernel_pmd_offset(struct kernel *k, uint32_t va)
{
    if (!pgtable_pae(k))
        return pt_entry(k, k->swapper_pg_dir, pgd_index(va));
    uint64_t pdpte = pte_read(k, pt_entry(k, k->swapper_pg_dir, KERNEL_PDPTE));
    return pt_entry(k, pte_pfn(pdpte), pae_pmd_index(va));
}

pte_t *kernel_pte_offset(struct kernel *k, uint32_t va)
{
    uint64_t pde = pte_read(k, kernel_pmd_offset(k, va));
    if (!(pde & _PAGE_PRESENT) || (pde & _PAGE_PSE))
        return NULL;
    return pt_entry(k, pte_pfn(pde), pgtable_pae(k) ? pae_pte_index(va) : pte_index(va));
}

pte_t *kernel_pte_alloc(struct kernel *k, uint32_t va)
{
    pte_t *pmd = kernel_pmd_offset(k, va);
    if (!(pte_read(k, pmd) & _PAGE_PRESENT)) {
        /* pte_alloc_kernel: a kernel table is no mm's (not in VmPTE) */
        uint32_t pfn = pgtable_frame_alloc(k, PURPOSE_PAGETABLE);
        if (pfn == PFN_NONE)
            return NULL;
        uint64_t pde = ((uint64_t)pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
                       _PAGE_ACCESSED | _PAGE_DIRTY;          /* _KERNPG_TABLE */
        pte_write(k, pmd, pde);
        for (struct mm_struct *mm = k->pgd_list; mm && !pgtable_pae(k); mm = mm->pgd_next)
            pte_write(k, pt_entry(k, mm->pgd, pgd_index(va)), pde);
    }
    return kernel_pte_offset(k, va);
}

void set_kernel_pte(struct kernel *k, pte_t *pte, uint32_t pfn)
{
    pte_write(k, pte, ((uint64_t)pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL |
                      _PAGE_ACCESSED | _PAGE_DIRTY | (k->nx ? _PAGE_NX : 0));
}

void clear_kernel_pte(struct kernel *k, uint32_t va, pte_t *pte)
{
    pte_write(k, pte, 0);
    if (k->mmu)
        mmu_invlpg(k->mmu, va);       /* the kernel half is in every address space */
}

/* ---- walking an mm's tables ---- */

/* The PDE slot covering va (NULL under a PDPTE that is not present). */
static pte_t *pmd_offset(struct mm_struct *mm, uint32_t va)
{
    struct kernel *k = mm->k;
    if (!pgtable_pae(k))
        return pt_entry(k, mm->pgd, pgd_index(va));
    uint64_t pdpte = pte_read(k, pt_entry(k, mm->pgd, pae_pdpt_index(va)));
    if (!(pdpte & _PAGE_PRESENT) || !entry_frame_ok(mm, va, pdpte))
        return NULL;
    return pt_entry(k, pte_pfn(pdpte), pae_pmd_index(va));
}

pte_t *pte_offset(struct mm_struct *mm, uint32_t va)
{
    pte_t *pmd = pmd_offset(mm, va);
    uint64_t pde = pmd ? pte_read(mm->k, pmd) : 0;
    if (!(pde & _PAGE_PRESENT))
        return NULL;
    if ((pde & _PAGE_PSE) && va < TASK_SIZE) {
        pgtable_bad(mm, va, pde);             /* the model maps no user large page */
        return NULL;
    }
    if ((pde & _PAGE_PSE) || !entry_frame_ok(mm, va, pde))
        return NULL;
    return pt_entry(mm->k, pte_pfn(pde), pgtable_pae(mm->k) ? pae_pte_index(va) : pte_index(va));
}

uint32_t follow_pte(struct mm_struct *mm, uint32_t va)
{
    pte_t *pte = va < TASK_SIZE ? pte_offset(mm, va) : NULL;
    uint64_t v = pte ? pte_read(mm->k, pte) : 0;
    return (v & _PAGE_PRESENT) && entry_frame_ok(mm, va, v) ? pte_pfn(v) : PFN_NONE;
}

int user_page_present(struct mm_struct *mm, uint32_t va)
{
    return follow_pte(mm, va) != PFN_NONE;
}

pte_t *pte_alloc(struct mm_struct *mm, uint32_t va)
{
    pte_t *pmd = pmd_offset(mm, va);
    if (!pmd)
        return NULL;
    if (!(pte_read(mm->k, pmd) & _PAGE_PRESENT)) {
        uint32_t pfn = pgtable_frame_alloc(mm->k, PURPOSE_PAGETABLE);
        if (pfn == PFN_NONE)
            return NULL;
        /* The PDE grants everything; the PTEs carry the real rights. */
        pte_write(mm->k, pmd, ((uint64_t)pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
        mm->pgtable_pages++;
    }
    return pte_offset(mm, va);
}

/* ---- editing PTEs ---- */

static int mm_is_live(struct mm_struct *mm)
{
    return mm->k->mmu && mm->k->mmu->cr3 == (mm->pgd << PAGE_SHIFT);
}

static void flush_tlb_page(struct mm_struct *mm, uint32_t va)
{
    if (mm_is_live(mm))
        mmu_invlpg(mm->k->mmu, va);
}

/* XD for a mapping without exec rights, when NX is on. */
static uint64_t nx_bit(const struct kernel *k, int exec)
{
    return k->nx && !exec ? _PAGE_NX : 0;
}

void set_pte_at(struct mm_struct *mm, uint32_t va, pte_t *pte, uint32_t pfn,
                int writable, int exec)
{
    struct kernel *k = mm->k;
    struct page *page = pfn_to_page(&k->pm, pfn);
    uint64_t old = pte_read(k, pte);
    int was_present = (old & _PAGE_PRESENT) != 0;

    if (!was_present || pte_pfn(old) != pfn) {
        page->mapcount++;
        if (!was_present)
            mm->rss_pages++;
        mm->zero_rss += pfn == k->zero_pfn;
    }
    pte_write(k, pte, ((uint64_t)pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER |
                      (writable ? _PAGE_RW : 0) | nx_bit(k, exec));
    if (was_present)
        flush_tlb_page(mm, va);
    if (mm->notifier.set_pte)
        mm->notifier.set_pte(mm->notifier.ctx, mm, va, pfn, writable);
}

void ptep_set_wrprotect(struct mm_struct *mm, uint32_t va, pte_t *pte)
{
    uint64_t v = pte_read(mm->k, pte);
    if (!(v & _PAGE_RW))
        return;
    pte_write(mm->k, pte, v & ~(uint64_t)_PAGE_RW);
    if (!(v & _PAGE_PRESENT))
        return;                               /* PROT_NONE: no translation to drop */
    flush_tlb_page(mm, va);
    if (mm->notifier.set_pte)
        mm->notifier.set_pte(mm->notifier.ctx, mm, va, pte_pfn(v), 0);
}

void ptep_mkold_clean(struct mm_struct *mm, uint32_t va, pte_t *pte)
{
    uint64_t v = pte_read(mm->k, pte);
    if (!(v & (_PAGE_ACCESSED | _PAGE_DIRTY)))
        return;
    pte_write(mm->k, pte, v & ~(uint64_t)(_PAGE_ACCESSED | _PAGE_DIRTY));
    flush_tlb_page(mm, va);
}

/* Drop one mapping of the frame behind a present PTE. */
static void zap_pte(struct mm_struct *mm, uint32_t va, pte_t *pte, int exec)
{
    uint64_t v = pte_read(mm->k, pte);
    uint32_t pfn = pte_pfn(v);
    int ok = entry_frame_ok(mm, va, v);

    pte_write(mm->k, pte, 0);
    flush_tlb_page(mm, va);
    if (mm->notifier.clear_pte)
        mm->notifier.clear_pte(mm->notifier.ctx, mm, va, exec);
    if (!ok)
        return;                               /* not a frame of ours: nothing to put */
    struct page *page = pfn_to_page(&mm->k->pm, pfn);
    page->mapcount--;
    mm->rss_pages--;
    mm->zero_rss -= pfn == mm->k->zero_pfn;
    put_page(&mm->k->pgdat, pfn);
}

void zap_page_range(struct mm_struct *mm, uint32_t start, uint32_t end, int exec)
{
    uint32_t span = 1u << pmd_shift(mm->k);
    update_hiwater_rss(mm);
    for (uint32_t va = start; va < end && va >= start; va += PAGE_SIZE) {
        pte_t *pte = pte_offset(mm, va);
        if (!pte) {                           /* skip the rest of this table */
            va = (va | (span - 1)) - PAGE_SIZE + 1;
            continue;
        }
        if (pte_read(mm->k, pte) & (_PAGE_PRESENT | _PAGE_PROTNONE))
            zap_pte(mm, va, pte, exec);
    }
}

/* Move one entry (present or PROT_NONE) from old_va to new_va: 0, or -1
 * when the new page table cannot be allocated (nothing moved). */
static int move_pte(struct mm_struct *mm, uint32_t old_va, uint32_t new_va, int exec)
{
    struct kernel *k = mm->k;
    pte_t *src = pte_offset(mm, old_va);
    uint64_t v = src ? pte_read(k, src) : 0;
    if (!(v & (_PAGE_PRESENT | _PAGE_PROTNONE)) || !entry_frame_ok(mm, old_va, v))
        return 0;                             /* none, or corrupt: left for the unmap */
    pte_t *dst = pte_alloc(mm, new_va);
    if (!dst)
        return -1;
    pte_write(k, src, 0);
    flush_tlb_page(mm, old_va);
    if (mm->notifier.clear_pte)
        mm->notifier.clear_pte(mm->notifier.ctx, mm, old_va, exec);
    pte_write(k, dst, v);                     /* same frame, rights and map count */
    flush_tlb_page(mm, new_va);
    if ((v & _PAGE_PRESENT) && mm->notifier.set_pte)
        mm->notifier.set_pte(mm->notifier.ctx, mm, new_va, pte_pfn(v), (v & _PAGE_RW) != 0);
    return 0;
}

uint32_t move_page_tables(struct mm_struct *mm, uint32_t old, uint32_t new, uint32_t len, int exec)
{
    uint32_t off;
    for (off = 0; off < len; off += PAGE_SIZE)
        if (move_pte(mm, old + off, new + off, exec))
            break;
    return off;
}

/*
 * Write access is granted only where no sharing is left to break: a private
 * page still shared (zero page, mapped twice) stays read-only so the next
 * write takes the COW path.
 */
static int may_write(const struct page *page, uint32_t vm_flags)
{
    if ((vm_flags & VM_SHARED) && (page->flags & PG_file))
        return (vm_flags & VM_WRITE) && (page->flags & PG_dirty);   /* write-notify */
    return (vm_flags & VM_WRITE) &&
           ((vm_flags & VM_SHARED) ||
            (!(page->flags & PG_zero) && page->mapcount == 1 && page->_refcount == 1));
}

/*
 * PROT_NONE: hide the page but keep the frame, so mprotect back finds the
 * data (Linux's pte_modify to PAGE_NONE).  Zapping it, as this did, freed
 * the contents: a later PROT_READ|PROT_WRITE read zeros.  A fault meanwhile
 * is SEGV_ACCERR (VMA rights).
 */
static void protnone_pte(struct mm_struct *mm, uint32_t va, pte_t *pte)
{
    uint64_t v = pte_read(mm->k, pte);
    if (!(v & _PAGE_PRESENT))
        return;
    pte_write(mm->k, pte, (v & ~(uint64_t)_PAGE_PRESENT) | _PAGE_PROTNONE);
    flush_tlb_page(mm, va);
    if (mm->notifier.clear_pte)
        mm->notifier.clear_pte(mm->notifier.ctx, mm, va, 1);
}

void change_protection(struct mm_struct *mm, uint32_t start, uint32_t end,
                       uint32_t vm_flags)
{
    struct kernel *k = mm->k;
    for (uint32_t va = start; va < end && va >= start; va += PAGE_SIZE) {
        pte_t *pte = pte_offset(mm, va);
        uint64_t old = pte ? pte_read(k, pte) : 0;
        if (!(old & (_PAGE_PRESENT | _PAGE_PROTNONE)) || !entry_frame_ok(mm, va, old))
            continue;
        if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC))) {
            protnone_pte(mm, va, pte);
            continue;
        }
        uint32_t pfn = pte_pfn(old);
        int writable = may_write(pfn_to_page(&k->pm, pfn), vm_flags);
        uint64_t new = (old & ~(uint64_t)(_PAGE_RW | _PAGE_PROTNONE | _PAGE_NX)) | _PAGE_PRESENT |
                       (writable ? _PAGE_RW : 0) | nx_bit(k, (vm_flags & VM_EXEC) != 0);
        pte_write(k, pte, new);
        if (new != old || (vm_flags & VM_EXEC) == 0) {
            flush_tlb_page(mm, va);
            if (mm->notifier.set_pte)
                mm->notifier.set_pte(mm->notifier.ctx, mm, va, pfn, writable);
        }
    }
}

void free_pgtables(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    struct kernel *k = mm->k;
    unsigned shift = pmd_shift(k);
    uint32_t first = start >> shift, last = (end - 1) >> shift;
    for (uint32_t i = first; i <= last && i < (TASK_SIZE >> shift); i++) {
        uint32_t lo = i << shift, hi = lo + (1u << shift) - 1;
        const struct vm_area_struct *v = find_vma(mm, lo);
        if (v && v->vm_start <= hi)
            continue;                          /* still in use */
        pte_t *pmd = pmd_offset(mm, lo);
        uint64_t pde = pmd ? pte_read(k, pmd) : 0;
        if (!(pde & _PAGE_PRESENT))
            continue;
        pte_write(k, pmd, 0);
        if ((pde & _PAGE_PSE) || !entry_frame_ok(mm, lo, pde))
            continue;                          /* corrupt: not a table of ours */
        pgtable_frame_free(k, pte_pfn(pde));
        mm->pgtable_pages--;
        if (mm_is_live(mm))
            mmu_flush_tlb(k->mmu);             /* paging-structure caches too */
    }
}

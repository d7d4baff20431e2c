/*
 * pgtable.h — reading and writing the i386 page tables of an mm (internal).
 *
 * Page tables live in modelled RAM, in the format of the kernel's paging
 * mode (k->paging): 2-level (4-byte entries, a PDE maps 4 MiB) or PAE
 * (8-byte entries; a 4-entry PDPT, then PDEs that map 2 MiB).  Code outside
 * this file handles entries only as pte_t pointers and uint64_t values read
 * and written through pte_read()/pte_write(), so the fault, mprotect and
 * munmap paths are the same in both modes.  The flag bits (_PAGE_PRESENT,
 * _PAGE_RW, _PAGE_USER, _PAGE_PROTNONE, ...) are the same in both formats;
 * _PAGE_NX exists only in PAE with NX enabled (k->nx).
 *
 * Setting or clearing a PTE also keeps the secondary MMU (the notifier),
 * the CPU's TLB and the page's map count in step.
 */
#ifndef MEMSIM_PGTABLE_H
#define MEMSIM_PGTABLE_H

#include "kernel-model/mm.h"

/*
 * A page whose VMA became PROT_NONE keeps its frame in a PTE with P clear
 * and this bit set, as Linux's _PAGE_PROTNONE (the G bit, unused while P is
 * clear): the hardware walk faults, the frame and its contents stay, and
 * mprotect back makes the PTE present again.
 */
#define _PAGE_PROTNONE _PAGE_GLOBAL

/* The frame bits of an entry in either format (Linux's PTE_PFN_MASK). */
#define PTE_PFN_MASK 0x000ffffffffff000ull

/* One entry slot in a paging structure: 4 or 8 bytes by the mode.  An
 * incomplete type: only pte_read/pte_write look inside. */
typedef struct pte_slot pte_t;

static inline int pgtable_pae(const struct kernel *k) { return k->paging == PAGING_PAE; }

static inline uint64_t pte_read(const struct kernel *k, const pte_t *p)
{
    return pgtable_pae(k) ? *(const uint64_t *)(const void *)p : *(const uint32_t *)(const void *)p;
}

static inline void pte_write(const struct kernel *k, pte_t *p, uint64_t v)
{
    if (pgtable_pae(k))
        *(uint64_t *)(void *)p = v;
    else
        *(uint32_t *)(void *)p = (uint32_t)v;
}

static inline uint32_t pte_pfn(uint64_t v) { return (uint32_t)((v & PTE_PFN_MASK) >> PAGE_SHIFT); }

/* Record and report an entry for va whose frame is outside RAM (Linux's
 * print_bad_pte / pgtable_bad): mm->bad_entries, the notifier. */
void pgtable_bad(struct mm_struct *mm, uint32_t va, uint64_t entry);

/* Does the present entry `v` (for va) name a frame inside RAM?  Every
 * frame number read from a PDPTE, PDE or PTE goes through this before
 * pfn_to_page / pfn_to_host; a bad one is reported and left untouched. */
static inline int entry_frame_ok(struct mm_struct *mm, uint32_t va, uint64_t v)
{
    if (pte_pfn(v) < mm->k->pm.nr_pages)
        return 1;
    pgtable_bad(mm, va, v);
    return 0;
}

/* Level geometry: the span of one PDE (log2), entries per page table. */
static inline unsigned pmd_shift(const struct kernel *k)
{
    return pgtable_pae(k) ? PAE_PMD_SHIFT : PGDIR_SHIFT;
}

/* Entry `index` of the paging structure in frame pfn. */
static inline pte_t *pt_entry(const struct kernel *k, uint32_t pfn, uint32_t index)
{
    return (pte_t *)((uint8_t *)pfn_to_host(&k->pm, pfn) + (index << (pgtable_pae(k) ? 3 : 2)));
}

/* ---- page directories (pgtable.c) ---- */
/* swapper_pg_dir with the direct map of low memory at PAGE_OFFSET, global
 * and supervisor only: 4 MiB PSE pages (2-level), or a PDPT whose entry 3
 * points to the kernel PMD of 2 MiB pages (PAE).  Boot-time tables: their
 * frames come from bootmem (paging_init runs before mem_init) and are never
 * freed.  With PSE for all of low memory no page table is needed (Linux
 * builds one only for a tail that is not large-page aligned; the model maps
 * the last large page whole).  -1 when bootmem has no room. */
int  swapper_init(struct kernel *k, struct bootmem_data *bd);
/* A zeroed page-table frame from bootmem (alloc_low_page), PG_pgtable;
 * PFN_NONE when bootmem has no room. */
uint32_t early_pgtable_alloc(struct kernel *k, struct bootmem_data *bd, enum page_purpose why);
/* The mm's page directory (2-level: the kernel half copied from swapper) or
 * PDPT (PAE: three user PMDs preallocated, the kernel PMD shared).  -1: OOM. */
int  pgd_alloc(struct mm_struct *mm);
void pgd_free(struct mm_struct *mm);

/* ---- the kernel's own mappings (pgtable.c) ---- */
/* swapper's PTE for the kernel address va (the vmalloc area), allocating
 * its page table (never freed, as Linux's kernel tables); with 2-level
 * paging the new page-directory entry is copied into every mm's pgd
 * (arch_sync_kernel_mappings), with PAE the kernel PMD is shared.
 * NULL when out of memory. */
pte_t *kernel_pte_alloc(struct kernel *k, uint32_t va);
/* swapper's PDE slot (PAE: kernel-PMD entry) for the kernel address va. */
pte_t *kernel_pmd_offset(struct kernel *k, uint32_t va);
/* swapper's PTE for va, or NULL if its page table is absent. */
pte_t *kernel_pte_offset(struct kernel *k, uint32_t va);
/* PAGE_KERNEL: present, writable, global, accessed, dirty (NX with NX on). */
void set_kernel_pte(struct kernel *k, pte_t *pte, uint32_t pfn);
/* Clear a kernel PTE and drop its translation from the CPU's TLB (a global
 * page: INVLPG, flush_tlb_kernel_range). */
void clear_kernel_pte(struct kernel *k, uint32_t va, pte_t *pte);

/* The PTE for va, or NULL if its page table is absent (or named by an
 * entry past RAM: then mm->bad_entries grew). */
pte_t *pte_offset(struct mm_struct *mm, uint32_t va);
/* The PTE for va, allocating the page table; NULL on OOM. */
pte_t *pte_alloc(struct mm_struct *mm, uint32_t va);

/* Map va to pfn, user accessible, writable only if `writable`, and with XD
 * unless `exec` when NX is on (Linux's vm_get_page_prot: a VMA without
 * VM_EXEC gets _PAGE_NX); account the mapping and tell the secondary MMU. */
void set_pte_at(struct mm_struct *mm, uint32_t va, pte_t *pte, uint32_t pfn,
                int writable, int exec);
/* Clear the RW bit of a present or PROT_NONE PTE (fork's COW): a present
 * one's TLB entry is dropped and the secondary MMU told (set_pte with
 * writable 0).  Nothing when the PTE is read-only already. */
void ptep_set_wrprotect(struct mm_struct *mm, uint32_t va, pte_t *pte);
/* Clear the accessed and dirty bits of a present PTE and drop its TLB
 * entry, so the next access sets them again (madvise_free_pte_range's
 * pte_mkold(pte_mkclean())). */
void ptep_mkold_clean(struct mm_struct *mm, uint32_t va, pte_t *pte);
/* Unmap and release every page in [start, end) (zap_page_range). */
void zap_page_range(struct mm_struct *mm, uint32_t start, uint32_t end, int exec);
/* Move the PTEs of [old, old+len) to [new, new+len) (move_page_tables):
 * the frames go with them, no byte is copied; the secondary MMU sees a
 * clear_pte (translations of exec pages dropped) and a set_pte per page.
 * The new range must have no PTEs.  Returns the bytes handled: less than
 * len when a page table could not be allocated. */
uint32_t move_page_tables(struct mm_struct *mm, uint32_t old, uint32_t new, uint32_t len, int exec);
/* Re-apply the rights of vm_flags to the present PTEs of [start, end). */
void change_protection(struct mm_struct *mm, uint32_t start, uint32_t end,
                       uint32_t vm_flags);
/* Free page tables no VMA covers any more (free_pgtables). */
void free_pgtables(struct mm_struct *mm, uint32_t start, uint32_t end);

#endif

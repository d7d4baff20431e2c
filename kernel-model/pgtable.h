/*
 * pgtable.h — reading and writing the i386 page tables of an mm (internal).
 *
 * Page tables live in modelled RAM; these helpers return host pointers to
 * entries.  Setting or clearing a PTE also keeps the secondary MMU (the
 * notifier), the CPU's TLB and the page's map count in step.
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

static inline uint32_t *pte_table(struct kernel *k, uint32_t pfn)
{
    return (uint32_t *)pfn_to_host(&k->pm, pfn);
}

/* The PTE for va, or NULL if its page table is absent. */
uint32_t *pte_offset(struct mm_struct *mm, uint32_t va);
/* The PTE for va, allocating the page table; NULL on OOM. */
uint32_t *pte_alloc(struct mm_struct *mm, uint32_t va);

/* Map va to pfn with the rights of vm_flags (write only if `writable`),
 * account the mapping and tell the secondary MMU. */
void set_pte_at(struct mm_struct *mm, uint32_t va, uint32_t *pte, uint32_t pfn,
                int writable);
/* Unmap and release every page in [start, end) (zap_page_range). */
void zap_page_range(struct mm_struct *mm, uint32_t start, uint32_t end, int exec);
/* Re-apply the rights of vm_flags to the present PTEs of [start, end). */
void change_protection(struct mm_struct *mm, uint32_t start, uint32_t end,
                       uint32_t vm_flags);
/* Free page tables no VMA covers any more (free_pgtables). */
void free_pgtables(struct mm_struct *mm, uint32_t start, uint32_t end);

#endif

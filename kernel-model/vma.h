/*
 * vma.h — the sorted VMA array of an mm (internal to kernel-model).
 *
 * VMAs never overlap and are kept in address order.  Functions here only
 * edit the array; mapping pages and notifying observers is the callers' job.
 */
#ifndef MEMSIM_VMA_H
#define MEMSIM_VMA_H

#include "kernel-model/mm.h"

/* Index of the first VMA with vm_end > addr (nr_vmas if none). */
size_t vma_index(const struct mm_struct *mm, uint32_t addr);
/* Insert a VMA that overlaps none; returns its index, or -1 when out of
 * memory or at mm->max_map_count. */
long vma_insert(struct mm_struct *mm, const struct vm_area_struct *vma);
/* Make a VMA boundary fall on addr (split a VMA straddling it).
 * Returns 0, or -1 when out of memory or at mm->max_map_count. */
int vma_split_at(struct mm_struct *mm, uint32_t addr);
/* Remove every VMA inside [start, end) (boundaries already split). */
void vma_remove_range(struct mm_struct *mm, uint32_t start, uint32_t end);
/* Merge neighbours that are adjacent and identical in flags and backing. */
void vma_merge_adjacent(struct mm_struct *mm);

/* vm_file.c: take a vm_file out of its table (no-op when in none). */
void vm_file_unhash(struct vm_file *f);

#endif

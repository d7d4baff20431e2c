/*
 * vma.h — the sorted VMA array of an mm (internal to kernel-model).
 *
 * VMAs never overlap and are kept in address order.  Functions here only
 * edit the array; mapping pages and emitting events is the callers' job.
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

/* ---- shared by mmap.c, mremap.c, mlock.c, mincore.c ---- */
/*
 * Every length and address here is an i386 kernel's unsigned long: 32 bits,
 * and PAGE_ALIGN wraps to 0 for anything above 0xfffff000, exactly as it
 * does in Linux, whose checks are written for that ("len = PAGE_ALIGN(len);
 * if (!len) return -ENOMEM").  A typed function, not a macro, so that no
 * 64-bit operand can slip in: PAGE_ALIGN of a uint64_t with the 32-bit
 * PAGE_MASK dropped bit 32 and turned 0xfffff001 bytes into a 0-byte VMA.
 */
static inline uint32_t page_align(uint32_t x)
{
    return (x + PAGE_SIZE - 1) & PAGE_MASK;
}
/* The VMA containing addr, or NULL (Linux's vma_lookup). */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint32_t addr);
/* Remove [start, end) from the address space: split, zap, drop VMAs. */
int unmap_region(struct mm_struct *mm, uint32_t start, uint32_t end);
/* get_unmapped_area for a 32-bit task: the address or a negative errno. */
long get_unmapped_area(struct mm_struct *mm, uint32_t addr, uint32_t len, uint32_t flags);
/* mlock.c: may vm_flags with `bytes` more be locked (mlock_future_ok)?
 * The bytes of [start, end) inside VM_LOCKED VMAs. */
int mlock_future_ok(const struct mm_struct *mm, uint32_t vm_flags, uint64_t bytes);
uint64_t locked_bytes(const struct mm_struct *mm, uint32_t start, uint32_t end);
void notify_vma_changed(struct mm_struct *mm, uint32_t start, uint32_t end);
/* vm_file.c: take a vm_file out of its table (no-op when in none). */
void vm_file_unhash(struct vm_file *f);

#endif

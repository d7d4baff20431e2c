/*
 * vma.h — changing the VMA index of an mm (internal to kernel-model).
 *
 * VMAs never overlap and are kept in address order.  Each is its own
 * object that keeps its address until it is removed or merged away: a
 * split leaves the lower part in the old object, a merge keeps the lower
 * VMA's object.  Functions here only edit VMAs and the index; mapping
 * pages and emitting events is the callers' job.  Lookup and iteration
 * are public (mm.h).
 */
#ifndef MEMSIM_VMA_H
#define MEMSIM_VMA_H

#include "kernel-model/mm.h"

/* A new VMA, a copy of tmpl (which overlaps none), taking a reference on
 * its file; NULL when out of memory or at mm->max_map_count. */
struct vm_area_struct *vma_insert(struct mm_struct *mm, const struct vm_area_struct *tmpl);
/* Make a VMA boundary fall on addr (split a VMA straddling it; the part
 * below addr keeps the object).  0, or -1 when out of memory or at
 * mm->max_map_count. */
int vma_split_at(struct mm_struct *mm, uint32_t addr);
/* Remove and free every VMA inside [start, end) (boundaries already split). */
void vma_remove_range(struct mm_struct *mm, uint32_t start, uint32_t end);
/*
 * 6.1's vma_merge for v, a VMA just made (mmap, brk, mremap's copy) or
 * whose flags just changed (mprotect, mlock, madvise): v joins the VMA
 * before it when they are adjacent and identical in flags, file, name and
 * contiguous vm_pgoff and v's anon_vma is NULL or the same, and likewise the
 * one after it (both at once only when those two anon_vmas agree).  Only
 * v's neighbours are looked at, as Linux merges only around the range that
 * changed.  Returns the VMA that holds v's range now (prev when v joined it).
 */
struct vm_area_struct *vma_merge_changed(struct mm_struct *mm, struct vm_area_struct *v);
/*
 * The common step of mprotect_fixup, mlock_fixup and madvise_update_vma:
 * [lo, hi), inside v, gets vm_flags `flags`.  Unchanged flags touch
 * nothing (6.1 returns early: no split, no merge).  Otherwise the range is
 * split off, gets the flags (a VMA_OP_PROTECT row) and is merged
 * (vma_merge_changed).  Returns the VMA that holds [lo, hi) now, or NULL
 * when a split was refused (out of memory, or mm->max_map_count).
 */
struct vm_area_struct *vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *v,
                                        uint32_t lo, uint32_t hi, uint32_t flags);
/* After v grew in place (mremap): v takes in the next VMA when 6.1's
 * vma_merge of the extension would (can_vma_merge_before: a grown v with
 * an anon_vma never takes in a next without one). */
void vma_merge_grown(struct mm_struct *mm, struct vm_area_struct *v);
/* ---- rmap.c: anon_vma objects ---- */
/* anon_vma_prepare: give vma an anon_vma before its first private page, a
 * compatible neighbour's when it has one (find_mergeable_anon_vma), and
 * the anon_vma_chain linking them; 0, or -1 when out of memory. */
int  anon_vma_prepare(struct mm_struct *mm, struct vm_area_struct *vma);
/* anon_vma_clone: vma, a copy or part of another, holds that one's
 * anon_vma (if any): its own chain and a reference. */
void anon_vma_clone(struct mm_struct *mm, struct vm_area_struct *vma);
/* anon_vma_fork: vma, fork's copy of a VMA whose anon_vma is `parent`
 * (0: none, and nothing to do), gets an anon_vma of its own, child of
 * parent, and its chain; 0, or -1 when out of memory (vma then has none). */
int  anon_vma_fork(struct mm_struct *mm, struct vm_area_struct *vma, uint32_t parent);
/* Is owner anon_vma itself or one of its ancestors (the pages a VMA may
 * map: its own, and its parent mm's from before the fork)? */
int  anon_vma_owns(struct kernel *k, uint32_t owner, uint32_t anon_vma);
/* Was anon_vma made by fork (its VMAs' chains are not singular in Linux:
 * they link the ancestors too)?  0 for 0. */
int  anon_vma_forked(struct kernel *k, uint32_t anon_vma);
/* unlink_anon_vmas: vma goes; its chain is freed, and the anon_vma with
 * its last reference (then its parent, when that was its last). */
void unlink_anon_vmas(struct mm_struct *mm, struct vm_area_struct *vma);
/* Free every VMA and the index (mm teardown; pages already zapped). */
void vma_destroy_all(struct mm_struct *mm);

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
/* Remove [start, end) from the address space: split, zap, drop VMAs. */
int unmap_region(struct mm_struct *mm, uint32_t start, uint32_t end);
/* get_unmapped_area for a 32-bit task: the address or a negative errno. */
long get_unmapped_area(struct mm_struct *mm, uint32_t addr, uint32_t len, uint32_t flags);
/* mlock.c: may vm_flags with `bytes` more be locked (mlock_future_ok)?
 * The bytes of [start, end) inside VM_LOCKED VMAs. */
int mlock_future_ok(struct mm_struct *mm, uint32_t vm_flags, uint64_t bytes);
uint64_t locked_bytes(struct mm_struct *mm, uint32_t start, uint32_t end);
void notify_vma_changed(struct mm_struct *mm, uint32_t start, uint32_t end);
/* vm_file.c: take a vm_file out of its table (no-op when in none). */
void vm_file_unhash(struct vm_file *f);

#endif

/*
 * mm_check.h — the kernel model's invariant checker: what must hold
 * between any two system calls.  One implementation, used by the unit
 * tests (tests/unit/mm_check.h wraps it in CHECKs) and, in a build with
 * MEMSIM_DEBUG_CHECK (cmake -DMEMSIM_DEBUG_CHECK=ON, on by default for
 * CMAKE_BUILD_TYPE=Debug), by syscall_dispatch after every call.
 *
 *   mm_check_vmas       sorted, page aligned, non-empty, non-overlapping,
 *                       below TASK_SIZE, the index finds each, map_count
 *                       right, and no two neighbours Linux's vma_merge would
 *                       have merged (is_mergeable_vma, is_mergeable_anon_vma,
 *                       can_vma_merge_after; not checked in a fork's child
 *                       whose copies lost VM_LOCKED: Linux keeps those apart);
 *   mm_check_mapcounts  the user PTEs (present or PROT_NONE) against the
 *                       frames: every frame's map count is the number of
 *                       PTEs naming it in every live mm (k->mms: fork
 *                       shares frames), no mapped frame is free or has
 *                       fewer references than mappings, mm's rss_pages is
 *                       its PTEs, zero_rss the zero page's, an anonymous
 *                       page mapped by mm is owned by its VMA's anon_vma;
 *   kernel_check        buddy_check, slab_check, vmalloc_check, and the
 *                       two above for mm (may be NULL).
 * Each returns 0, or -1 with one line in err.
 */
#ifndef MEMSIM_MM_CHECK_H
#define MEMSIM_MM_CHECK_H

#include <stddef.h>
#include "kernel-model/mm.h"

struct task_struct;

/* Must a and b (a just below b) be one VMA, whatever the history?  Two
 * compatible unfaulted neighbours: vma_merge would have joined them. */
int linux_would_merge(const struct vm_area_struct *a, const struct vm_area_struct *b);
int mm_check_vmas(struct mm_struct *mm, char *err, size_t errlen);
int mm_check_mapcounts(struct mm_struct *mm, char *err, size_t errlen);
int kernel_check(struct kernel *k, struct mm_struct *mm, char *err, size_t errlen);

/* MEMSIM_DEBUG_CHECK: kernel_check after the system call `name`; on a
 * failure the guest is stopped: SIGKILL (status 137), exit reason
 * "check-failed", the line "memsim: invariant broken after NAME: WHY". */
void kernel_check_after_syscall(struct task_struct *t, const char *name);

#endif

/*
 * mm_check.h — invariants of one process's memory for the unit tests: the
 * kernel model's own checker (kernel-model/mm_check.h, which the debug
 * build also runs after every system call), each as a CHECK:
 *
 *   check_mapcounts  every frame's map count is the number of PTEs naming
 *                    it in every live mm (fork shares frames); no mapped
 *                    frame is free (PG_buddy, or fewer references than
 *                    mappings); mm->rss_pages is the PTEs that hold a frame;
 *                    an anonymous page is owned by its VMA's anon_vma or,
 *                    from before a fork, an ancestor of it;
 *   check_vmas       sorted, page aligned, non-empty, non-overlapping, the
 *                    index finds each, and no two neighbours that Linux's
 *                    vma_merge would have merged (is_mergeable_vma,
 *                    is_mergeable_anon_vma and can_vma_merge_after:
 *                    touching, equal vm_flags, the same file and name,
 *                    compatible anon_vmas, contiguous vm_pgoff);
 *   check_mm         kernel_check: both, buddy_check, slab_check and
 *                    vmalloc_check.
 */
#ifndef MEMSIM_TEST_MM_CHECK_H
#define MEMSIM_TEST_MM_CHECK_H

#include "tests/unit/kernel_fixture.h"
#include "kernel-model/mm_check.h"
#include "kernel-model/pgtable.h"

#include <stdlib.h>

/* The kernel model's checker (kernel-model/mm_check.c), as CHECKs. */
static inline void check_vmas(struct mm_struct *mm)
{
    char err[256] = "";
    int r = mm_check_vmas(mm, err, sizeof err);
    CHECK(r == 0 || !fprintf(stderr, "mm_check_vmas: %s\n", err));
}

static inline void check_mapcounts(struct sys *s)
{
    char err[256] = "";
    int r = mm_check_mapcounts(s->mm, err, sizeof err);
    CHECK(r == 0 || !fprintf(stderr, "mm_check_mapcounts: %s\n", err));
}

static inline void check_mm(struct sys *s)
{
    char err[256] = "";
    int r = kernel_check(&s->k, s->mm, err, sizeof err);
    CHECK(r == 0 || !fprintf(stderr, "kernel_check: %s\n", err));
}

#endif


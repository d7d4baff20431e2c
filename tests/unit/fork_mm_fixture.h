/*
 * fork_mm_fixture.h — what the dup_mm tests share (test_fork_mm.c: the
 * copy and its faults; test_fork_mm_engine.c: the engine's side and
 * ENOMEM): an engine-less kernel booted with a fault-resolution probe,
 * CR3 switching between the two mms, PTE and page lookups, the kernel
 * invariants of both mms, and the free frame count with slabs shrunk.
 */
#ifndef MEMSIM_FORK_MM_FIXTURE_H
#define MEMSIM_FORK_MM_FIXTURE_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/filemap.h"
#include "kernel-model/ipc.h"
#include "kernel-model/pgtable.h"
#include "kernel-model/shm.h"
#include "kernel-model/shm_priv.h"
#include "kernel-model/vma.h"
#include "tests/unit/task_fixture.h"
#include "tests/unit/mm_check.h"

#define BASE 0x50000000u

/* ---- helpers ---------------------------------------------------------- */

static enum fault_resolution last_resolution;   /* the last fault, as the timing model sees it */
static inline void on_fault(void *ctx, enum fault_resolution r) { (void)ctx; last_resolution = r; }

/* Make mm the one the CPU runs (CR3), as a context switch would. */
static inline void use_mm(struct sys *s, struct mm_struct *mm)
{
    s->mm = mm;
    mmu_write_cr3(&s->mmu, mm->pgd << PAGE_SHIFT);
}

static inline uint64_t pte_of(struct mm_struct *mm, uint32_t va)
{
    pte_t *pte = pte_offset(mm, va);
    return pte ? pte_read(mm->k, pte) : 0;
}

static inline const struct page *page_at(struct sys *s, uint32_t pfn)
{
    return pfn_to_page(&s->k.pm, pfn);
}

static inline void check_pair(struct sys *s, struct mm_struct *a, struct mm_struct *b)
{
    char err[256] = "";
    CHECK(kernel_check(&s->k, a, err, sizeof err) == 0 || !fprintf(stderr, "parent: %s\n", err));
    CHECK(kernel_check(&s->k, b, err, sizeof err) == 0 || !fprintf(stderr, "child: %s\n", err));
}

/* The free frames with every empty slab given back (SLUB keeps some). */
static inline uint32_t free_frames(struct sys *s)
{
    sys_shrink_slabs(s);
    return nr_free_pages(&s->k.pgdat);
}

static inline int boot(struct sys *s, uint64_t ram)
{
    if (sys_boot(s, ram, NULL, 1))
        return -1;
    s->k.timing = (struct fault_timing){ NULL, on_fault };
    return 0;
}

#endif

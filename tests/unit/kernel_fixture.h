/*
 * kernel_fixture.h — a booted kernel model and MMU for the unit tests, wired
 * as emu/run.c wires them, with one process's mm loaded in CR3.  Tear-down
 * checks that every frame came back and the buddy lists are sound.
 * Header-only, like check.h.
 */
#ifndef MEMSIM_KERNEL_FIXTURE_H
#define MEMSIM_KERNEL_FIXTURE_H

#include "kernel-model/mm.h"
#include "tests/unit/check.h"

struct sys {
    struct mmu mmu;
    struct kernel k;
    struct mm_struct *mm;
    uint32_t free_before_mm;
};

static int sys_boot(struct sys *s, uint64_t ram, const struct kernel_observer *obs, uint32_t pid)
{
    char err[256] = "";

    if (mmu_init(&s->mmu, NULL, 0) || kernel_init(&s->k, ram, &s->mmu, obs, err, sizeof err)) {
        fprintf(stderr, "setup: %s\n", err);
        CHECK(!"setup");
        return -1;
    }
    s->mmu.phys = s->k.pm.base;
    s->mmu.phys_size = s->k.pm.size;
    s->free_before_mm = nr_free_pages(&s->k.pgdat);
    s->mm = mm_alloc(&s->k, pid);
    CHECK(s->mm != NULL);
    mmu_write_cr3(&s->mmu, s->mm->pgd << PAGE_SHIFT);
    s->mmu.pid = pid;
    return 0;
}

/* Release the mm: every frame back, the zero page's count back to 1. */
static void sys_fini(struct sys *s)
{
    char err[256] = "";

    mm_release(s->mm);
    mmu_write_cr3(&s->mmu, s->k.swapper_pg_dir << PAGE_SHIFT);
    CHECK_EQ(nr_free_pages(&s->k.pgdat), s->free_before_mm);
    CHECK_EQ(pfn_to_page(&s->k.pm, s->k.zero_pfn)->_refcount, 1);
    if (buddy_check(&s->k.pgdat, err, sizeof err)) {
        fprintf(stderr, "buddy_check: %s\n", err);
        CHECK(!"buddy_check");
    }
    kernel_destroy(&s->k);
    mmu_destroy(&s->mmu);
}

/* One user access the way the CPU makes it: translate; on #PF let the
 * kernel resolve it, retry. */
static enum fault_result touch(struct sys *s, uint32_t va, enum mmu_access acc, uint64_t *pa)
{
    uint64_t p;
    uint32_t ec;

    for (int i = 0; i < 4; i++) {
        if (mmu_translate(&s->mmu, va, acc, 1, &p, &ec) == 0) {
            if (pa)
                *pa = p;
            return FAULT_OK;
        }
        enum fault_result r = do_page_fault(s->mm, va, ec, acc, 0x08048123);
        if (r != FAULT_OK)
            return r;
    }
    CHECK(!"fault loop");
    return FAULT_SIGBUS;
}

#endif

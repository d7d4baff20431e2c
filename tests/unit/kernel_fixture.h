/*
 * kernel_fixture.h — a booted kernel model and MMU for the unit tests, wired
 * as emu/run.c wires them, with one process's mm loaded in CR3.  Tear-down
 * checks that every frame came back and the buddy lists are sound.
 * Header-only, like check.h.
 *
 * fixture_paging picks the page-table format of the next sys_boot (a test
 * runs its cases once per mode); sys_pte() reads a PTE straight from the
 * tables in either format, independently of the kernel model's helpers.
 */
#ifndef MEMSIM_KERNEL_FIXTURE_H
#define MEMSIM_KERNEL_FIXTURE_H

#include "kernel-model/mm.h"
#include "tests/unit/event_fixture.h"
#include "tests/unit/check.h"

/* Shorthands of the kernel-model tests. */
#define MiB   (1ull << 20)
#define PG    4096u
#define RW    (PROT_READ_ | PROT_WRITE_)
#define RO    PROT_READ_
#define ANON  (MAP_PRIVATE_ | MAP_ANONYMOUS_)
#define FIXED (ANON | MAP_FIXED_)

static enum paging_mode fixture_paging = PAGING_2LEVEL;

/* The frame the first VMA of an mm takes for the vm_area_struct slab
 * (kernel-model/slab.h); SLUB keeps it, empty, after the last VMA goes. */
#define VMA_SLAB 1u
/* The slabs a first private page takes for its VMA's anon_vma and
 * anon_vma_chain (kernel-model/rmap.c); kept, empty, the same way. */
#define ANON_VMA_SLABS 2u

struct sys {
    struct mmu mmu;
    struct kernel k;
    struct mm_struct *mm;
    uint32_t free_before_mm;
};

static int sys_boot(struct sys *s, uint64_t ram, struct event_stream *obs, uint32_t pid)
{
    char err[256] = "";

    struct kernel_config cfg = { .ram_bytes = ram, .paging = fixture_paging,
                                 .mmu = &s->mmu, .events = obs };
    if (mmu_init(&s->mmu, NULL, 0) || kernel_boot(&s->k, &cfg, err, sizeof err)) {
        fprintf(stderr, "setup: %s\n", err);
        CHECK(!"setup");
        return -1;
    }
    s->free_before_mm = nr_free_pages(&s->k.pgdat);
    s->mm = mm_alloc(&s->k, pid);
    CHECK(s->mm != NULL);
    mmu_write_cr3(&s->mmu, s->mm->pgd << PAGE_SHIFT);
    s->mmu.pid = pid;
    return 0;
}

/* The slabs the mm's objects emptied stay on their caches' empty lists
 * (SLUB keeps min_partial of them): give them back before counting. */
static void sys_shrink_slabs(struct sys *s)
{
    for (struct kmem_cache *c = s->k.slab.caches; c; c = c->next)
        kmem_cache_shrink(&s->k.slab, c);
}

/* Release the mm: every frame back, the zero page's count back to 1. */
static void sys_fini(struct sys *s)
{
    char err[256] = "";

    mm_release(s->mm);
    mmu_write_cr3(&s->mmu, s->k.swapper_pg_dir << PAGE_SHIFT);
    CHECK(slab_check(&s->k.slab, err, sizeof err) == 0 || !fprintf(stderr, "%s\n", err));
    shrink_page_cache(&s->k, ~0ul);            /* drop_caches: the files' pages, their inodes */
    sys_shrink_slabs(s);
    CHECK_EQ(nr_free_pages(&s->k.pgdat), s->free_before_mm);
    CHECK_EQ(pfn_to_page(&s->k.pm, s->k.zero_pfn)->_refcount, 1);
    if (buddy_check(&s->k.pgdat, err, sizeof err)) {
        fprintf(stderr, "buddy_check: %s\n", err);
        CHECK(!"buddy_check");
    }
    kernel_destroy(&s->k);
    mmu_destroy(&s->mmu);
}

/* The PTE for va read straight from the tables (0 if no page table). */
static inline uint64_t sys_pte(struct sys *s, uint32_t va)
{
    uint8_t *ram = s->k.pm.base;
    uint64_t pgd = (uint64_t)s->mm->pgd << 12;
    if (fixture_paging == PAGING_2LEVEL) {
        uint32_t pde = ((uint32_t *)(ram + pgd))[va >> 22];
        if (!(pde & _PAGE_PRESENT))
            return 0;
        return ((uint32_t *)(ram + (pde & _PAGE_FRAME)))[(va >> 12) & 1023];
    }
    uint64_t pdpte = ((uint64_t *)(ram + pgd))[va >> 30];
    if (!(pdpte & _PAGE_PRESENT))
        return 0;
    uint64_t pde = ((uint64_t *)(ram + (pdpte & PAE_FRAME)))[(va >> 21) & 511];
    if (!(pde & _PAGE_PRESENT))
        return 0;
    return ((uint64_t *)(ram + (pde & PAE_FRAME)))[(va >> 12) & 511];
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

/* Write / read one user byte through the MMU, faulting as the CPU would
 * (peek: -1 when the access faults). */
static inline void poke(struct sys *s, uint32_t va, uint8_t b)
{
    uint64_t pa = 0;
    CHECK_EQ(touch(s, va, MMU_WRITE, &pa), FAULT_OK);
    s->k.pm.base[pa] = b;
}

static inline int peek(struct sys *s, uint32_t va)
{
    uint64_t pa = 0;
    if (touch(s, va, MMU_READ, &pa) != FAULT_OK)
        return -1;
    return s->k.pm.base[pa];
}

/* Run every test once per paging mode (fixture_paging), naming the mode of
 * any failure. */
static inline void run_in_every_paging_mode(void (*run_all)(void))
{
    for (int mode = PAGING_2LEVEL; mode <= PAGING_PAE; mode++) {
        int before = check_failed;
        fixture_paging = (enum paging_mode)mode;
        run_all();
        if (check_failed != before)
            fprintf(stderr, "  (the failures above: %s paging)\n",
                    mode == PAGING_PAE ? "PAE" : "2-level");
    }
    fixture_paging = PAGING_2LEVEL;
}

/* The n-th VMA of mm in address order (tests only; NULL past the last). */
static inline struct vm_area_struct *nth_vma(struct mm_struct *mm, size_t n)
{
    struct vm_area_struct *v = vma_first(mm);
    while (v && n--)
        v = vma_next(mm, v);
    return v;
}

#endif

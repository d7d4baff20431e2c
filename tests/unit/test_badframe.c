/*
 * test_badframe.c — frame numbers taken from page-table entries are checked
 * against RAM before anything touches them (issue 6, mechanism 1).
 *
 * A PTE, a PDE or (PAE) a PDPTE is planted pointing past the end of RAM, as
 * a guest writing its own tables through a leaked descriptor did; then the
 * MMU walk must fail with MMU_PF_BADFRAME, the fault handler must answer
 * FAULT_BAD_PAGETABLE and tell the notifier, copy_to_user / copy_from_user
 * must be -EFAULT, follow_pte PFN_NONE, and mprotect / munmap / tear-down
 * must leave the bad entry's "frame" alone.  Under ASan any host access
 * outside the RAM mapping is a report; without the checks the walk handed
 * out an address past RAM and copy_to_user wrote there.  Every case runs in
 * both paging modes.
 */
#include "tests/unit/kernel_fixture.h"
#include "kernel-model/pgtable.h"

#include <errno.h>
#include <string.h>

#define RAM (16ull << 20)
#define RW  (PROT_READ_ | PROT_WRITE_)
#define ANON_FIXED (MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_)

struct bad_log {
    int n;
    uint32_t va;
};

static void on_bad(void *ctx, struct mm_struct *mm, uint32_t va, uint64_t entry)
{
    struct bad_log *l = ctx;
    l->n++;
    l->va = va;
}

static void boot(struct sys *s, struct bad_log *log)
{
    memset(log, 0, sizeof *log);
    sys_boot(s, RAM, NULL, 1);
    s->mm->notifier.ctx = log;
    s->mm->notifier.bad_pagetable = on_bad;
}

/* The PDE slot for va, found by hand (independent of pgtable.c). */
static uint8_t *pde_slot(struct sys *s, uint32_t va)
{
    uint8_t *ram = s->k.pm.base;
    uint64_t pgd = (uint64_t)s->mm->pgd << PAGE_SHIFT;
    if (fixture_paging == PAGING_2LEVEL)
        return ram + pgd + 4ull * (va >> 22);
    uint64_t pdpte = ((uint64_t *)(ram + pgd))[va >> 30];
    return ram + (pdpte & PAE_FRAME) + 8ull * ((va >> 21) & 511);
}

static uint8_t *pte_slot(struct sys *s, uint32_t va)
{
    uint8_t *ram = s->k.pm.base;
    if (fixture_paging == PAGING_2LEVEL) {
        uint32_t pde = *(uint32_t *)pde_slot(s, va);
        return ram + (pde & _PAGE_FRAME) + 4ull * ((va >> 12) & 1023);
    }
    uint64_t pde = *(uint64_t *)pde_slot(s, va);
    return ram + (pde & PAE_FRAME) + 8ull * ((va >> 12) & 511);
}

static uint64_t get_entry(uint8_t *slot)
{
    if (fixture_paging == PAGING_2LEVEL)
        return *(uint32_t *)slot;
    return *(uint64_t *)slot;
}

static void set_entry(uint8_t *slot, uint64_t v)
{
    if (fixture_paging == PAGING_2LEVEL)
        *(uint32_t *)slot = (uint32_t)v;
    else
        *(uint64_t *)slot = v;
}

/* Everything that follows the entries for va must fail cleanly. */
static void check_refused(struct sys *s, struct bad_log *log, uint32_t va)
{
    uint64_t pa;
    uint32_t ec = 0;
    uint8_t buf[64] = { 1, 2, 3 };
    int before = log->n;

    CHECK(mmu_walk(&s->mmu, va, MMU_READ, 1, &pa, &ec) == -1);
    CHECK((ec & (MMU_PF_BADFRAME | X86_PF_RSVD | X86_PF_PROT)) ==
          (MMU_PF_BADFRAME | X86_PF_RSVD | X86_PF_PROT));
    CHECK_EQ(touch(s, va, MMU_READ, NULL), FAULT_BAD_PAGETABLE);
    CHECK(log->n > before);
    CHECK_EQ(log->va, va);
    CHECK_EQ(copy_to_user(s->mm, va, buf, sizeof buf), -EFAULT);
    CHECK_EQ(copy_from_user(s->mm, buf, va, sizeof buf), -EFAULT);
    CHECK_EQ(copy_to_user(s->mm, va - 8, buf, 16), -EFAULT);       /* straddling */
    CHECK_EQ(follow_pte(s->mm, va), PFN_NONE);
    CHECK(!user_page_present(s->mm, va));
}

/* A PTE naming the first frame past RAM, then the highest frame the
 * format can name; in a page that was mapped, and in one never touched. */
static void test_pte_past_ram(void)
{
    struct sys s;
    struct bad_log log;
    boot(&s, &log);
    const uint32_t va = 0x40000000;
    const uint64_t hi = fixture_paging == PAGING_PAE ? 0xffffff000ull : 0xfffff000ull;
    CHECK_EQ(do_mmap(s.mm, va, 4 * PAGE_SIZE, RW, ANON_FIXED, NULL, 0, 0, NULL), (long)va);
    CHECK_EQ(touch(&s, va, MMU_WRITE, NULL), FAULT_OK);

    uint8_t *slot = pte_slot(&s, va);
    uint64_t orig = get_entry(slot);
    const uint64_t frames[2] = { RAM, hi };
    for (int i = 0; i < 2; i++) {
        set_entry(slot, frames[i] | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
        mmu_invlpg(&s.mmu, va);
        check_refused(&s, &log, va);
        /* mprotect walks past it and leaves it as it was */
        CHECK_EQ(do_mprotect(s.mm, va, PAGE_SIZE, PROT_READ_), 0);
        CHECK_EQ(get_entry(slot), frames[i] | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
        CHECK_EQ(do_mprotect(s.mm, va, PAGE_SIZE, RW), 0);
    }
    set_entry(slot, orig);
    mmu_invlpg(&s.mmu, va);
    CHECK_EQ(touch(&s, va, MMU_WRITE, NULL), FAULT_OK);
    CHECK_EQ(copy_to_user(s.mm, va, "ok", 3), 0);

    /* an untouched page's empty slot: munmap zaps the bad entry without
     * putting a frame, and the fixture's tear-down finds nothing leaked */
    uint8_t *slot2 = pte_slot(&s, va + PAGE_SIZE);
    CHECK_EQ(get_entry(slot2), 0);
    set_entry(slot2, RAM | _PAGE_PRESENT | _PAGE_USER);
    check_refused(&s, &log, va + PAGE_SIZE);
    uint64_t rss = s.mm->rss_pages;
    int before = log.n;
    CHECK_EQ(do_munmap(s.mm, va, 4 * PAGE_SIZE), 0);
    CHECK(log.n > before);
    CHECK_EQ(s.mm->rss_pages, rss - 1);          /* the real page only */
    sys_fini(&s);
}

/* A PDE naming a page table past RAM. */
static void test_pde_past_ram(void)
{
    struct sys s;
    struct bad_log log;
    boot(&s, &log);
    const uint32_t va = 0x50000000;
    CHECK_EQ(do_mmap(s.mm, va, 4 * PAGE_SIZE, RW, ANON_FIXED, NULL, 0, 0, NULL), (long)va);
    CHECK_EQ(touch(&s, va, MMU_WRITE, NULL), FAULT_OK);
    uint8_t *slot = pde_slot(&s, va);
    uint64_t orig = get_entry(slot);
    set_entry(slot, (RAM + 0x5000) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
    mmu_flush_tlb(&s.mmu);
    check_refused(&s, &log, va);
    check_refused(&s, &log, va + 3 * PAGE_SIZE);     /* untouched page, same table */
    /* a large user page (the model never makes one) is corrupt too */
    set_entry(slot, 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PSE);
    mmu_flush_tlb(&s.mmu);
    int before = log.n;
    CHECK_EQ(follow_pte(s.mm, va), PFN_NONE);
    CHECK(log.n > before);
    set_entry(slot, orig);
    mmu_flush_tlb(&s.mmu);
    CHECK_EQ(touch(&s, va, MMU_READ, NULL), FAULT_OK);
    sys_fini(&s);
}

/* PAE: a PDPTE naming a PMD past RAM (the walker sees it after CR3 is
 * loaded again, the kernel model at once). */
static void test_pdpte_past_ram(void)
{
    if (fixture_paging != PAGING_PAE)
        return;
    struct sys s;
    struct bad_log log;
    boot(&s, &log);
    const uint32_t va = 0x40000000;
    CHECK_EQ(do_mmap(s.mm, va, PAGE_SIZE, RW, ANON_FIXED, NULL, 0, 0, NULL), (long)va);
    uint64_t *pdpt = (uint64_t *)((uint8_t *)s.k.pm.base + ((uint64_t)s.mm->pgd << PAGE_SHIFT));
    uint64_t orig = pdpt[1];
    pdpt[1] = (RAM + 0x3000) | _PAGE_PRESENT;
    mmu_write_cr3(&s.mmu, s.mm->pgd << PAGE_SHIFT);
    check_refused(&s, &log, va);
    pdpt[1] = orig;
    mmu_write_cr3(&s.mmu, s.mm->pgd << PAGE_SHIFT);
    CHECK_EQ(touch(&s, va, MMU_WRITE, NULL), FAULT_OK);
    sys_fini(&s);
}

static void run_all(void)
{
    test_pte_past_ram();
    test_pde_past_ram();
    test_pdpte_past_ram();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

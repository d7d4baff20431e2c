/*
 * test_fork_mm_engine.c — dup_mm (kernel-model/fork_mm.c) as the engine
 * and the allocator see it, both paging modes:
 *   - the engine's mm_init before any copy, the child's notifier seeing
 *     every VMA and PTE, the parent's the PTEs made read-only; mm_init's
 *     failure failing the fork;
 *   - ENOMEM at every point of dup_mm (RAM exhausted but n frames) returns
 *     NULL with nothing leaked and the parent intact.
 */
#include "tests/unit/fork_mm_fixture.h"

/* ---- the engine's side ------------------------------------------------------ */

struct engine {
    struct mm_struct *child;
    int fail, inits, vmas_at_init, destroys;
    int child_set_pte, child_vma_changed, parent_wrprotect;
};

static void eng_vma_changed(void *ctx, struct mm_struct *mm, uint32_t a, uint32_t b)
{
    struct engine *e = ctx;
    (void)a, (void)b;
    e->child_vma_changed += mm == e->child;
}

static void eng_set_pte(void *ctx, struct mm_struct *mm, uint32_t va, uint32_t pfn, int w)
{
    struct engine *e = ctx;
    (void)va, (void)pfn;
    if (mm == e->child)
        e->child_set_pte++;
    else if (!w)
        e->parent_wrprotect++;
}

static int eng_mm_init(void *ctx, struct mm_struct *mm)
{
    struct engine *e = ctx;
    e->inits++;
    e->vmas_at_init = (int)mm->map_count;
    if (e->fail)
        return -ENOMEM;
    e->child = mm;
    mm->notifier = (struct mm_notifier){ .ctx = e, .vma_changed = eng_vma_changed,
                                         .set_pte = eng_set_pte };
    return 0;
}

static void eng_mm_destroy(void *ctx, struct mm_struct *mm)
{
    (void)mm;
    ((struct engine *)ctx)->destroys++;
}

static void test_engine(void)
{
    struct sys s;
    if (boot(&s, 16 * MiB))
        return;
    struct engine e = { 0 };
    struct mm_struct *parent = s.mm;
    s.k.arch.ctx = &e;
    s.k.arch.mm_init = eng_mm_init;
    s.k.arch.mm_destroy = eng_mm_destroy;
    CHECK_EQ(do_mmap(parent, BASE, 3 * PG, RW, FIXED, NULL, 0, 0, NULL), BASE);
    CHECK_EQ(do_mmap(parent, 0x60000000, PG, RO, FIXED, NULL, 0, 0, NULL), 0x60000000);
    poke(&s, BASE, 1);
    poke(&s, BASE + PG, 2);
    CHECK_EQ(peek(&s, BASE + 2 * PG), 0);
    parent->notifier = (struct mm_notifier){ .ctx = &e, .vma_changed = eng_vma_changed,
                                             .set_pte = eng_set_pte };
    uint32_t free0 = free_frames(&s);
    e.fail = 1;
    CHECK(dup_mm(parent, 2) == NULL);                  /* the engine's ENOMEM fails the fork */
    CHECK_EQ(e.destroys, 0);
    CHECK_EQ(free_frames(&s), free0);
    e.fail = 0;
    struct mm_struct *child = dup_mm(parent, 2);
    CHECK(child != NULL && child == e.child);
    CHECK_EQ(e.inits, 2);
    CHECK_EQ(e.vmas_at_init, 0);                       /* before any VMA */
    CHECK_EQ(e.child_vma_changed, 2);
    CHECK_EQ(e.child_set_pte, 3);                      /* two pages and the zero page */
    CHECK_EQ(e.parent_wrprotect, 2);                   /* the zero page was read-only */
    mmput(child);
    CHECK_EQ(e.destroys, 1);
    CHECK_EQ(free_frames(&s), free0);
    parent->notifier = (struct mm_notifier){ 0 };
    sys_fini(&s);
}

/* ---- out of memory ------------------------------------------------------- */

/*
 * RAM exhausted but `spare` frames: dup_mm fails at a page directory, a
 * page table, a slab of VMAs, anon_vma chains or the mm itself, and must
 * leave no frame behind; with enough frames it succeeds.
 */
static void test_enomem(void)
{
    struct sys s;
    if (boot(&s, 8 * MiB))
        return;
    struct mm_struct *parent = s.mm;
    for (uint32_t i = 0; i < 6; i++) {
        uint32_t va = BASE + i * 0x00400000u;          /* a page table each */
        CHECK_EQ(do_mmap(parent, va, 2 * PG, RW, FIXED, NULL, 0, 0, NULL), va);
        poke(&s, va, (uint8_t)(0x10 + i));
    }
    uint32_t cap = nr_free_pages(&s.k.pgdat), n = 0;
    uint32_t *hog = malloc(cap * sizeof *hog);
    while (n < cap && (hog[n] = alloc_pages(&s.k.pgdat, GFP_KERNEL, 0, PURPOSE_TEST)) != PFN_NONE)
        n++;
    struct mm_struct *child = NULL;
    int failures = 0;
    for (uint32_t spare = 0; spare < 64 && !child; spare++) {
        uint32_t free0 = free_frames(&s);
        child = dup_mm(parent, 2);
        if (!child) {
            failures++;
            CHECK_EQ(free_frames(&s), free0);
            check_mm(&s);
            free_pages(&s.k.pgdat, hog[--n], 0);       /* one frame more next time */
        }
    }
    CHECK(child != NULL);
    CHECK(failures >= 3);
    while (n)
        free_pages(&s.k.pgdat, hog[--n], 0);
    free(hog);
    if (child) {
        check_pair(&s, parent, child);
        use_mm(&s, child);
        for (uint32_t i = 0; i < 6; i++)
            CHECK_EQ(peek(&s, BASE + i * 0x00400000u), 0x10 + (int)i);
        use_mm(&s, parent);
        mmput(child);
    }
    for (uint32_t i = 0; i < 6; i++) {                 /* the parent's pages intact, reusable */
        CHECK_EQ(peek(&s, BASE + i * 0x00400000u), 0x10 + (int)i);
        poke(&s, BASE + i * 0x00400000u, 1);
        CHECK_EQ(last_resolution, FR_COW_REUSE);
    }
    sys_fini(&s);
}

static void run_all(void)
{
    test_engine();
    test_enomem();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

/*
 * test_mm_random.c — random sequences of mmap, munmap, mprotect, mremap,
 * madvise, mlock/munlock and touches inside a window of anonymous memory,
 * with every invariant of mm_check.h checked after every operation (VMAs
 * sorted, non-overlapping, merged where Linux's vma_merge merges; map
 * counts equal to the PTEs; no frame both free and mapped; buddy_check),
 * and against a page-by-page reference model of what Linux 6.1 would do:
 * each page's rights, VM_LOCKED, VM_SEQ_READ (MADV_SEQUENTIAL) and the
 * byte last written to it.  The errno of every call is predicted from the
 * model.  By hand: mprotect and madvise split and merge back, and anon_vma
 * and vm_pgoff decide which anonymous VMAs merge.  A moved page keeps its frame (mremap copies nothing).  Every case
 * runs on 2-level and on PAE page tables.
 */
#include "tests/unit/mm_check.h"

#include <errno.h>
#include <string.h>

#define WIN_BASE  0x40000000u
#define WIN_PAGES 64u
#define NO_MAP    0xffu
#define A_PROT    0x07u     /* PROT_* */
#define A_LOCK    0x10u     /* VM_LOCKED */
#define A_SEQ     0x20u     /* VM_SEQ_READ */

struct model {
    uint8_t attr[WIN_PAGES];  /* NO_MAP or A_* bits */
    uint8_t val[WIN_PAGES];   /* the page's first byte (0: never written) */
};

static uint32_t rnd(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

static uint32_t win(uint32_t p) { return WIN_BASE + p * PG; }

static uint32_t vma_attr(const struct vm_area_struct *v)
{
    return vm_flags_to_prot(v->vm_flags) | (v->vm_flags & VM_LOCKED ? A_LOCK : 0) |
           (v->vm_flags & VM_SEQ_READ ? A_SEQ : 0);
}

/* The window's VMAs say what the model says, and readable pages hold
 * what was written (zero-fill after DONTNEED). */
static void check_model(struct sys *s, const struct model *m)
{
    for (uint32_t p = 0; p < WIN_PAGES; p++) {
        const struct vm_area_struct *v = vma_lookup(s->mm, win(p));
        uint32_t got = v ? vma_attr(v) : NO_MAP;
        if (got != m->attr[p]) {
            fprintf(stderr, "page %u: VMAs say %#x, the model %#x\n", p, got, m->attr[p]);
            CHECK(!"VMAs match the model");
            return;
        }
        if (v && (m->attr[p] & PROT_READ_))
            CHECK_EQ(peek(s, win(p)), m->val[p]);
    }
}

/* mlock/munlock and the madvise walks: the model's result for the range,
 * applying `apply` to each page up to the first refusal. */
static long walk_model(struct model *m, uint32_t p, uint32_t n, int stop_at_hole,
                       long (*apply)(struct model *, uint32_t, uint32_t), uint32_t arg)
{
    long unmapped = 0;
    for (uint32_t i = p; i < p + n; i++) {
        if (m->attr[i] == NO_MAP) {
            if (stop_at_hole)
                return -ENOMEM;
            unmapped = -ENOMEM;
            continue;
        }
        long r = apply(m, i, arg);
        if (r)
            return r;
    }
    return unmapped;
}

static long m_dontneed(struct model *m, uint32_t i, uint32_t arg)
{
    (void)arg;
    if (m->attr[i] & A_LOCK)
        return -EINVAL;
    m->val[i] = 0;
    return 0;
}

/* MADV_FREE is lazy (6.1): refused on a locked VMA, else the page keeps
 * its contents (no reclaim ever drops it). */
static long m_free(struct model *m, uint32_t i, uint32_t arg)
{
    (void)arg;
    return m->attr[i] & A_LOCK ? -EINVAL : 0;
}

static long m_seq(struct model *m, uint32_t i, uint32_t on)
{
    m->attr[i] = (uint8_t)((m->attr[i] & ~A_SEQ) | (on ? A_SEQ : 0));
    return 0;
}

static long m_populate_write(struct model *m, uint32_t i, uint32_t arg)
{
    (void)arg;
    return m->attr[i] & PROT_WRITE_ ? 0 : -EINVAL;
}

static long m_noop(struct model *m, uint32_t i, uint32_t arg)
{
    (void)m, (void)i, (void)arg;
    return 0;
}

static long m_lock(struct model *m, uint32_t i, uint32_t on)
{
    m->attr[i] = (uint8_t)((m->attr[i] & ~A_LOCK) | (on ? A_LOCK : 0));
    return 0;
}

/* The frames of pages [p, p+n), to see that a move keeps them. */
static void frames_of(struct sys *s, uint32_t va, uint32_t n, uint32_t *pfn)
{
    for (uint32_t i = 0; i < n; i++)
        pfn[i] = follow_pte(s->mm, va + i * PG);
}

/* mremap of [p, p+n) (inside one VMA) to new_n pages: shrink, grow in
 * place, move anywhere (MAYMOVE) or to a FIXED place in the window. */
static void random_mremap(struct sys *s, struct model *m, uint32_t *seed, uint32_t p,
                          uint32_t n)
{
    const struct vm_area_struct *v = vma_lookup(s->mm, win(p));
    if (!v || v->vm_end < win(p + n) || v->vm_start < WIN_BASE ||
        v->vm_end > win(WIN_PAGES))
        return;                                /* not inside one window VMA */
    uint32_t new_n = 1 + rnd(seed) % 16, kind = rnd(seed) % 3, to = 0;
    uint32_t flags = kind ? MREMAP_MAYMOVE_ : 0;
    if (kind == 2) {
        flags |= MREMAP_FIXED_;
        to = rnd(seed) % WIN_PAGES;
        if (to + new_n > WIN_PAGES || (to < p + n && p < to + new_n))
            return;                            /* off the window, or overlapping */
    }
    uint32_t old_pfn[16], keep = n < new_n ? n : new_n;
    frames_of(s, win(p), n, old_pfn);
    struct model before = *m;
    long r = do_mremap(s->mm, win(p), n * PG, new_n * PG, flags, win(to));
    if (r < 0) {
        /* only growing without MAYMOVE may fail: no room after the VMA */
        CHECK_EQ(r, -ENOMEM);
        CHECK(kind == 0 && new_n > n);
        return;
    }
    uint32_t at = (uint32_t)r;
    if (kind == 2)
        CHECK_EQ(at, win(to));
    if (kind == 2)
        memset(&m->attr[to], NO_MAP, new_n);   /* FIXED unmaps the target */
    memset(&m->attr[p], NO_MAP, n);            /* the old range goes ... */
    uint32_t frames[16];
    frames_of(s, at, keep, frames);
    for (uint32_t i = 0; i < keep; i++)        /* ... its pages with it */
        if (old_pfn[i] != PFN_NONE)
            CHECK_EQ(frames[i], old_pfn[i]);
    if (at < WIN_BASE || at + new_n * PG > win(WIN_PAGES)) {
        /* moved out of the window: check it there, then drop it */
        for (uint32_t i = 0; i < keep; i++)
            if (before.attr[p + i] & PROT_READ_)
                CHECK_EQ(peek(s, at + i * PG), before.val[p + i]);
        CHECK_EQ(do_munmap(s->mm, at, new_n * PG), 0);
        return;
    }
    uint32_t q = (at - WIN_BASE) / PG;
    for (uint32_t i = 0; i < new_n; i++) {
        uint32_t from = p + (i < n ? i : n - 1);     /* grown pages inherit the VMA */
        m->attr[q + i] = before.attr[from];
        m->val[q + i] = i < n ? before.val[p + i] : 0;
    }
}

static void random_madvise(struct sys *s, struct model *m, uint32_t *seed, uint32_t p,
                           uint32_t n)
{
    static const uint32_t advice[] = { MADV_DONTNEED_, MADV_FREE_, MADV_SEQUENTIAL_,
                                       MADV_NORMAL_, MADV_WILLNEED_, MADV_POPULATE_WRITE_ };
    uint32_t a = advice[rnd(seed) % 6];
    long want;
    switch (a) {
    case MADV_DONTNEED_:
        want = walk_model(m, p, n, 0, m_dontneed, 0);
        break;
    case MADV_FREE_:
        want = walk_model(m, p, n, 0, m_free, 0);
        break;
    case MADV_SEQUENTIAL_:
    case MADV_NORMAL_:
        want = walk_model(m, p, n, 0, m_seq, a == MADV_SEQUENTIAL_);
        break;
    case MADV_POPULATE_WRITE_:
        want = walk_model(m, p, n, 0, m_populate_write, 0);
        break;
    default:                                   /* WILLNEED: nothing to refuse */
        want = walk_model(m, p, n, 0, m_noop, 0);
        break;
    }
    CHECK_EQ(do_madvise(s->mm, win(p), n * PG, a), want);
}

static void random_step(struct sys *s, struct model *m, uint32_t *seed)
{
    static const uint8_t prots[] = { RW, RO, PROT_NONE_, RW | PROT_EXEC_ };
    uint32_t p = rnd(seed) % WIN_PAGES, n = 1 + rnd(seed) % 12;
    if (p + n > WIN_PAGES)
        n = WIN_PAGES - p;
    uint32_t prot = prots[rnd(seed) % 4];
    switch (rnd(seed) % 8) {
    case 0:
        CHECK_EQ(do_mmap(s->mm, win(p), n * PG, prot, FIXED, NULL, 0, 0, NULL), win(p));
        memset(&m->attr[p], (int)prot, n);
        memset(&m->val[p], 0, n);
        break;
    case 1:
        CHECK_EQ(do_munmap(s->mm, win(p), n * PG), 0);
        memset(&m->attr[p], NO_MAP, n);
        break;
    case 2: {                                  /* up to the first hole */
        uint32_t i = p;
        for (; i < p + n && m->attr[i] != NO_MAP; i++)
            m->attr[i] = (uint8_t)((m->attr[i] & ~A_PROT) | prot);
        CHECK_EQ(do_mprotect(s->mm, win(p), n * PG, prot), i < p + n ? -ENOMEM : 0);
        break;
    }
    case 3:
        random_mremap(s, m, seed, p, n);
        break;
    case 4:
        random_madvise(s, m, seed, p, n);
        break;
    case 5: {                                  /* mlock / munlock */
        int lock = rnd(seed) & 1;
        long want = m->attr[p] == NO_MAP ? -ENOMEM : walk_model(m, p, n, 1, m_lock, lock);
        CHECK_EQ(lock ? do_mlock(s->mm, win(p), n * PG, 0) : do_munlock(s->mm, win(p), n * PG),
                 want);
        break;
    }
    default:                                   /* touch what allows it */
        for (uint32_t i = p; i < p + n; i++) {
            if (m->attr[i] == NO_MAP || !(m->attr[i] & PROT_READ_))
                continue;
            if ((m->attr[i] & PROT_WRITE_) && (rnd(seed) & 1)) {
                m->val[i] = (uint8_t)(1 + rnd(seed) % 255);
                poke(s, win(i), m->val[i]);
            } else {
                CHECK_EQ(peek(s, win(i)), m->val[i]);
            }
        }
        break;
    }
}

static void test_random_sequences(void)
{
    for (uint32_t run = 0; run < 4; run++) {
        struct sys s;
        if (sys_boot(&s, 64 * MiB, NULL, 1))
            return;
        struct model m;
        memset(m.attr, NO_MAP, sizeof m.attr);
        memset(m.val, 0, sizeof m.val);
        uint32_t seed = 0x9e3779b9u * (run + 1) ^ (uint32_t)fixture_paging;
        int before = check_failed;
        for (int step = 0; step < 600 && check_failed == before; step++) {
            random_step(&s, &m, &seed);
            check_mm(&s);
            check_model(&s, &m);
        }
        if (check_failed != before)
            fprintf(stderr, "  (run %u)\n", run);
        sys_fini(&s);
    }
}

/* The merge rules by hand: a middle mprotect splits into three, protecting
 * it back merges into one; flag advice splits and merges the same way. */
static void test_split_merge(void)
{
    struct sys s;
    if (sys_boot(&s, 64 * MiB, NULL, 1))
        return;
    CHECK_EQ(do_mmap(s.mm, win(0), 9 * PG, RW, FIXED, NULL, 0, 0, NULL), win(0));
    uint32_t n0 = s.mm->map_count;
    CHECK_EQ(do_mprotect(s.mm, win(3), 3 * PG, RO), 0);
    CHECK_EQ(s.mm->map_count, n0 + 2);
    check_mm(&s);
    CHECK_EQ(do_mprotect(s.mm, win(3), 3 * PG, RW), 0);
    CHECK_EQ(s.mm->map_count, n0);
    CHECK_EQ(do_madvise(s.mm, win(3), 3 * PG, MADV_DONTFORK_), 0);
    CHECK_EQ(s.mm->map_count, n0 + 2);
    CHECK(vma_lookup(s.mm, win(4))->vm_flags & VM_DONTCOPY);
    CHECK_EQ(do_madvise(s.mm, win(3), 3 * PG, MADV_DOFORK_), 0);
    CHECK_EQ(s.mm->map_count, n0);
    /* a new mapping touching both ends fills the gap: one VMA */
    CHECK_EQ(do_munmap(s.mm, win(3), 3 * PG), 0);
    CHECK_EQ(s.mm->map_count, n0 + 1);
    CHECK_EQ(do_mmap(s.mm, win(3), 3 * PG, RW, FIXED, NULL, 0, 0, NULL), win(3));
    CHECK_EQ(s.mm->map_count, n0);
    check_mm(&s);
    sys_fini(&s);
}

/* anon_vma and vm_pgoff decide merges of anonymous memory, as in Linux:
 * two VMAs faulted in apart have different anon_vmas, so a mapping filling
 * the gap merges with the lower one only; a faulted-in VMA moved by mremap
 * keeps its vm_pgoff and merges with no new neighbour, one never touched is
 * renumbered at its new place and does. */
static void test_anon_merge(void)
{
    struct sys s;
    if (sys_boot(&s, 64 * MiB, NULL, 1))
        return;
    CHECK_EQ(do_mmap(s.mm, win(0), 2 * PG, RW, FIXED, NULL, 0, 0, NULL), win(0));
    CHECK_EQ(do_mmap(s.mm, win(4), 2 * PG, RW, FIXED, NULL, 0, 0, NULL), win(4));
    poke(&s, win(0), 1);
    poke(&s, win(4), 2);
    CHECK(vma_lookup(s.mm, win(0))->anon_vma != vma_lookup(s.mm, win(4))->anon_vma);
    CHECK_EQ(do_mmap(s.mm, win(2), 2 * PG, RW, FIXED, NULL, 0, 0, NULL), win(2));
    CHECK_EQ(s.mm->map_count, 2);
    CHECK_EQ(vma_lookup(s.mm, win(2))->vm_start, win(0));
    CHECK_EQ(vma_lookup(s.mm, win(4))->vm_start, win(4));
    check_mm(&s);

    /* a touched VMA moved next to an untouched one: two VMAs */
    CHECK_EQ(do_mmap(s.mm, win(20), 2 * PG, RW, FIXED, NULL, 0, 0, NULL), win(20));
    CHECK_EQ(do_mmap(s.mm, win(30), PG, RW, FIXED, NULL, 0, 0, NULL), win(30));
    poke(&s, win(30), 3);
    CHECK_EQ(do_mremap(s.mm, win(30), PG, PG, MREMAP_MAYMOVE_ | MREMAP_FIXED_, win(22)), win(22));
    CHECK(vma_lookup(s.mm, win(22)) != vma_lookup(s.mm, win(20)));
    CHECK_EQ(peek(&s, win(22)), 3);
    /* an untouched one moved next to it: renumbered, one VMA */
    CHECK_EQ(do_mmap(s.mm, win(40), PG, RW, FIXED, NULL, 0, 0, NULL), win(40));
    CHECK_EQ(do_mremap(s.mm, win(40), PG, PG, MREMAP_MAYMOVE_ | MREMAP_FIXED_, win(19)), win(19));
    CHECK(vma_lookup(s.mm, win(19)) == vma_lookup(s.mm, win(20)));
    check_mm(&s);
    sys_fini(&s);
}

/* MADV_FREE is lazy (6.1's madvise_free_pte_range): the pages stay mapped
 * with their contents, their PTEs clean and old, on the lazy-free list
 * (pglazyfree, smaps' LazyFree) until reclaim, which the model never runs;
 * a write after it dirties the PTE again and keeps the frame. */
static void test_lazy_free(void)
{
    struct sys s;
    if (sys_boot(&s, 64 * MiB, NULL, 1))
        return;
    CHECK_EQ(do_mmap(s.mm, win(0), 3 * PG, RW, FIXED, NULL, 0, 0, NULL), win(0));
    poke(&s, win(0), 7);
    poke(&s, win(1), 8);
    uint32_t pfn0 = follow_pte(s.mm, win(0));
    uint64_t lazy0 = s.k.vm_events.event[PGLAZYFREE];
    CHECK_EQ(do_madvise(s.mm, win(0), 3 * PG, MADV_FREE_), 0);
    CHECK_EQ(s.k.vm_events.event[PGLAZYFREE], lazy0 + 2);     /* win(2): never touched */
    CHECK_EQ(follow_pte(s.mm, win(0)), pfn0);
    CHECK_EQ(sys_pte(&s, win(0)) & (_PAGE_DIRTY | _PAGE_ACCESSED), 0);
    CHECK(pfn_to_page(&s.k.pm, pfn0)->flags & PG_lazyfree);
    CHECK_EQ(peek(&s, win(1)), 8);
    poke(&s, win(0), 9);
    CHECK(sys_pte(&s, win(0)) & _PAGE_DIRTY);
    CHECK_EQ(follow_pte(s.mm, win(0)), pfn0);
    CHECK_EQ(peek(&s, win(0)), 9);
    check_mm(&s);
    sys_fini(&s);
}

/* mprotect_fixup: a locked private VMA made writable is faulted in for
 * writing at once (its zero-page PTEs become private pages), where a
 * lock-on-fault one is left as it is. */
static void test_locked_made_writable(void)
{
    struct sys s;
    if (sys_boot(&s, 64 * MiB, NULL, 1))
        return;
    CHECK_EQ(do_mmap(s.mm, win(0), 2 * PG, RO, FIXED, NULL, 0, 0, NULL), win(0));
    CHECK_EQ(do_mlock(s.mm, win(0), 2 * PG, 0), 0);
    CHECK_EQ(follow_pte(s.mm, win(1)), s.k.zero_pfn);         /* populated read-only */
    CHECK_EQ(do_mprotect(s.mm, win(0), 2 * PG, RW), 0);
    for (uint32_t p = 0; p < 2; p++) {
        CHECK(follow_pte(s.mm, win(p)) != s.k.zero_pfn && follow_pte(s.mm, win(p)) != PFN_NONE);
        CHECK(sys_pte(&s, win(p)) & _PAGE_RW);
    }
    CHECK_EQ(do_mmap(s.mm, win(8), 2 * PG, RO, FIXED, NULL, 0, 0, NULL), win(8));
    CHECK_EQ(do_mlock(s.mm, win(8), 2 * PG, MLOCK_ONFAULT_), 0);
    CHECK_EQ(do_mprotect(s.mm, win(8), 2 * PG, RW), 0);
    CHECK_EQ(follow_pte(s.mm, win(8)), PFN_NONE);
    check_mm(&s);
    sys_fini(&s);
}

static void run_all(void)
{
    test_split_merge();
    test_anon_merge();
    test_lazy_free();
    test_locked_made_writable();
    test_random_sequences();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

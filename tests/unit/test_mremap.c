/*
 * test_mremap.c — the mm calls of one process (kernel-model/mremap.c,
 * mlock.c, mincore.c): every errno rule of Linux's mremap, mincore, msync
 * and mlock family, in their order, and the mechanisms: a move takes the
 * frames along (same pfn, no copy, the notifier sees clear_pte with the
 * exec flag and set_pte at the new address), growing in place, VM_LOCKED
 * on the VMAs, populate on lock, RLIMIT_MEMLOCK.  Every case runs on
 * 2-level and on PAE page tables.
 */
#include "tests/unit/kernel_fixture.h"
#include "kernel-model/vma.h"
#include "kernel-model/mm_check.h"

#include <errno.h>
#include <stdint.h>

#define MM  MREMAP_MAYMOVE_
#define FX  MREMAP_FIXED_
#define DU  MREMAP_DONTUNMAP_

static struct {
    int set, clear, clear_exec, changed;
    uint32_t last_set_va, last_set_pfn, last_clear_va;
} nlog;

static void n_set(void *c, struct mm_struct *mm, uint32_t va, uint32_t pfn, int w)
{
    nlog.set++;
    nlog.last_set_va = va;
    nlog.last_set_pfn = pfn;
}

static void n_clear(void *c, struct mm_struct *mm, uint32_t va, int exec)
{
    nlog.clear++;
    nlog.clear_exec += exec != 0;
    nlog.last_clear_va = va;
}

static void n_changed(void *c, struct mm_struct *mm, uint32_t s, uint32_t e) { nlog.changed++; }

static int sys_init(struct sys *s)
{
    int r = sys_boot(s, 64 * MiB, NULL, 1);
    s->mm->notifier = (struct mm_notifier){ .set_pte = n_set, .clear_pte = n_clear,
                                            .vma_changed = n_changed };
    memset(&nlog, 0, sizeof nlog);
    return r;
}

static uint32_t map(struct sys *s, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags)
{
    long r = do_mmap(s->mm, addr, len, prot, flags, NULL, 0, 0, NULL);
    CHECK(r > 0);
    return (uint32_t)r;
}

static void test_mremap_errnos(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    uint32_t a = map(&s, 0, 4 * PG, RW, ANON);
    CHECK_EQ(do_mremap(s.mm, a, PG, PG, 8, 0), -EINVAL);            /* unknown flag */
    CHECK_EQ(do_mremap(s.mm, a, PG, PG, FX, a + 8 * PG), -EINVAL);   /* FIXED needs MAYMOVE */
    CHECK_EQ(do_mremap(s.mm, a, PG, PG, DU, 0), -EINVAL);            /* DONTUNMAP needs MAYMOVE */
    CHECK_EQ(do_mremap(s.mm, a, PG, 2 * PG, MM | DU, 0), -EINVAL);   /* ... and no resize */
    CHECK_EQ(do_mremap(s.mm, a, PG, PG + 1, MM | DU, 0), -EINVAL);   /* raw lengths compared */
    CHECK_EQ(do_mremap(s.mm, a + 1, PG, PG, 0, 0), -EINVAL);         /* unaligned */
    CHECK_EQ(do_mremap(s.mm, a, PG, 0, 0, 0), -EINVAL);              /* new_len 0 */
    CHECK_EQ(do_mremap(s.mm, a, PG, 0xfffff001u, MM, 0), -EINVAL);   /* aligns (wraps) to 0 */
    CHECK_EQ(do_mremap(s.mm, a - PG, PG, PG, 0, 0), -EFAULT);        /* unmapped */
    CHECK_EQ(do_mremap(s.mm, a, 0, PG, MM, 0), -EINVAL);             /* private duplicate */
    CHECK_EQ(do_mremap(s.mm, a, 5 * PG, 6 * PG, MM, 0), -EFAULT);    /* past the VMA */
    CHECK_EQ(do_mremap(s.mm, a, PG, PG, MM | FX, a + 1), -EINVAL);   /* unaligned target */
    CHECK_EQ(do_mremap(s.mm, a, 2 * PG, 2 * PG, MM | FX, a + PG), -EINVAL); /* overlap */
    CHECK_EQ(do_mremap(s.mm, a, PG, 2 * PG, MM | FX, TASK_SIZE - PG), -EINVAL); /* past TASK_SIZE */
    CHECK_EQ(do_mremap(s.mm, a, PG, PG, MM | FX, 0), -EPERM);        /* below mmap_min_addr */
    /* a neighbour right after: in-place growth impossible */
    uint32_t b = map(&s, a + 4 * PG, PG, RW, ANON | MAP_FIXED_);
    (void)b;
    CHECK_EQ(do_mremap(s.mm, a + 3 * PG, PG, 2 * PG, 0, 0), -ENOMEM);
    sys_fini(&s);
}

static void test_mremap_shrink_grow(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    uint32_t a = map(&s, 0, 4 * PG, RW, ANON);
    poke(&s, a + 3 * PG, 3);
    CHECK_EQ(do_mremap(s.mm, a, 4 * PG, 2 * PG + 1, 0, 0), (long)a);   /* shrink to 3 pages */
    const struct vm_area_struct *v = find_vma(s.mm, a);
    CHECK(v && v->vm_start == a && v->vm_end == a + 3 * PG);
    CHECK_EQ(s.mm->rss_pages, 0);                                      /* page 3 was zapped */
    CHECK_EQ(do_mremap(s.mm, a, 3 * PG, 3 * PG, 0, 0), (long)a);       /* same size */
    poke(&s, a, 9);
    uint32_t pfn = follow_pte(s.mm, a);
    CHECK_EQ(do_mremap(s.mm, a, 3 * PG, 8 * PG, 0, 0), (long)a);       /* in place: free after */
    v = find_vma(s.mm, a);
    CHECK(v && v->vm_start == a && v->vm_end == a + 8 * PG);
    CHECK_EQ(follow_pte(s.mm, a), pfn);
    CHECK_EQ(peek(&s, a + 7 * PG), 0);
    sys_fini(&s);
}

/* Growing in place up to the next VMA merges with it as 6.1's vma_merge
 * of the extension does (can_vma_merge_before(next, vma->anon_vma)): not
 * when the grown VMA has an anon_vma and next none; yes when neither has
 * one, or only next (its chain is singular); not with two different ones.
 * The anonymous VMAs' vm_pgoff (their address's page) are contiguous. */
static void grow_into_next(int touch_a, int touch_b, size_t want_vmas)
{
    struct sys s;
    if (sys_init(&s))
        return;
    uint32_t a = map(&s, 0, 6 * PG, RW, ANON);
    CHECK_EQ(do_munmap(s.mm, a + 2 * PG, 4 * PG), 0);
    uint32_t b = map(&s, a + 3 * PG, PG, RW, ANON | MAP_FIXED_);
    if (touch_a)
        poke(&s, a, 1);
    if (touch_b)
        poke(&s, b, 2);
    size_t before = s.mm->map_count;
    CHECK_EQ(do_mremap(s.mm, a, 2 * PG, 3 * PG, 0, 0), (long)a);   /* now abuts b */
    CHECK_EQ(s.mm->map_count, before - 2 + want_vmas);
    const struct vm_area_struct *v = find_vma(s.mm, a);
    CHECK(v && v->vm_start == a && v->vm_end == (want_vmas == 1 ? b + PG : b));
    char why[200];
    CHECK_EQ(mm_check_vmas(s.mm, why, sizeof why), 0);
    if (touch_a)
        CHECK_EQ(peek(&s, a), 1);
    if (touch_b)
        CHECK_EQ(peek(&s, b), 2);
    sys_fini(&s);
}

static void test_mremap_grow_merge(void)
{
    grow_into_next(1, 0, 2);       /* faulted a, unfaulted b: two VMAs, as 6.1 */
    grow_into_next(0, 0, 1);
    grow_into_next(0, 1, 1);
    grow_into_next(1, 1, 2);       /* two anon_vmas */
}

static void test_mremap_move(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    uint32_t a = map(&s, 0, 2 * PG, RW | PROT_EXEC_, ANON);
    map(&s, a + 2 * PG, PG, PROT_READ_, ANON | MAP_FIXED_);            /* blocks growth */
    poke(&s, a, 0x11);
    poke(&s, a + PG, 0x22);
    uint32_t p0 = follow_pte(s.mm, a), p1 = follow_pte(s.mm, a + PG);
    uint64_t rss = s.mm->rss_pages, free_before = nr_free_pages(&s.k.pgdat);
    memset(&nlog, 0, sizeof nlog);
    long n = do_mremap(s.mm, a, 2 * PG, 4 * PG, MM, 0);
    CHECK(n > 0 && (uint32_t)n != a);
    uint32_t na = (uint32_t)n;
    CHECK_EQ(follow_pte(s.mm, na), p0);                                /* the frames moved */
    CHECK_EQ(follow_pte(s.mm, na + PG), p1);
    CHECK_EQ(s.mm->rss_pages, rss);
    CHECK(nr_free_pages(&s.k.pgdat) <= free_before);                   /* nothing copied/freed */
    CHECK_EQ(nlog.clear, 2);
    CHECK_EQ(nlog.clear_exec, 2);                                      /* TBs of exec pages dropped */
    CHECK_EQ(nlog.set, 2);
    CHECK(nlog.changed >= 2);
    CHECK_EQ(peek(&s, na), 0x11);
    CHECK_EQ(peek(&s, na + PG), 0x22);
    CHECK_EQ(peek(&s, na + 3 * PG), 0);
    CHECK(vma_lookup(s.mm, a) == NULL);
    /* MREMAP_FIXED replaces what is at the target */
    uint32_t t = map(&s, 0, 4 * PG, PROT_READ_, ANON);
    CHECK_EQ(do_mremap(s.mm, na, PG, PG, MM | FX, t + PG), (long)(t + PG));
    CHECK_EQ(follow_pte(s.mm, t + PG), p0);
    const struct vm_area_struct *v = find_vma(s.mm, t + PG);
    CHECK(v && v->vm_start == t + PG && v->vm_end == t + 2 * PG && (v->vm_flags & VM_WRITE));
    /* DONTUNMAP: the old range stays mapped and empty */
    long d = do_mremap(s.mm, t + PG, PG, PG, MM | DU, 0);
    CHECK(d > 0);
    CHECK_EQ(follow_pte(s.mm, (uint32_t)d), p0);
    CHECK(vma_lookup(s.mm, t + PG) != NULL);
    CHECK_EQ(follow_pte(s.mm, t + PG), PFN_NONE);
    CHECK_EQ(peek(&s, t + PG), 0);
    sys_fini(&s);
}

static void test_mincore_msync(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    uint32_t a = map(&s, 0, 4 * PG, RW, ANON), done = 99;
    uint8_t vec[8] = { 7, 7, 7, 7, 7, 7, 7, 7 };
    poke(&s, a + PG, 1);
    CHECK_EQ(do_mincore(s.mm, a, 4 * PG, vec, &done), 0);
    CHECK(done == 4 && vec[0] == 0 && vec[1] == 1 && vec[2] == 0 && vec[3] == 0);
    CHECK_EQ(do_mprotect(s.mm, a, 4 * PG, PROT_NONE_), 0);
    CHECK_EQ(do_mincore(s.mm, a, 2 * PG - 1, vec, &done), 0);          /* len rounds up */
    CHECK(done == 2 && vec[1] == 1);                                   /* PROT_NONE keeps it */
    CHECK_EQ(do_mincore(s.mm, a + 1, PG, vec, &done), -EINVAL);
    CHECK_EQ(do_mincore(s.mm, a, 6 * PG, vec, &done), -ENOMEM);        /* past the VMA */
    CHECK_EQ(done, 4);                                                  /* the part before */
    CHECK_EQ(do_mincore(s.mm, a - PG, PG, vec, &done), -ENOMEM);
    CHECK_EQ(do_mincore(s.mm, TASK_SIZE - PG, 2 * PG, vec, &done), -ENOMEM);
    CHECK_EQ(do_mincore(s.mm, a, 0, vec, &done), 0);

    CHECK_EQ(do_msync(s.mm, a, PG, MS_SYNC_), 0);
    CHECK_EQ(do_msync(s.mm, a, PG, MS_ASYNC_ | MS_SYNC_), -EINVAL);
    CHECK_EQ(do_msync(s.mm, a, PG, 8), -EINVAL);
    CHECK_EQ(do_msync(s.mm, a + 1, PG, MS_SYNC_), -EINVAL);
    CHECK_EQ(do_msync(s.mm, a, 0xfffff001u, MS_SYNC_), 0);             /* aligns to 0: empty */
    CHECK_EQ(do_msync(s.mm, 0xffff0000u, 0x20000, MS_SYNC_), -ENOMEM); /* wraps */
    CHECK_EQ(do_msync(s.mm, a - PG, 2 * PG, MS_SYNC_), -ENOMEM);       /* hole first */
    CHECK_EQ(do_msync(s.mm, a - PG, 2 * PG, MS_ASYNC_), -ENOMEM);
    CHECK_EQ(do_msync(s.mm, a, 0, MS_SYNC_), 0);
    sys_fini(&s);
}

static void test_mlock(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    uint32_t a = map(&s, 0, 4 * PG, RW, ANON);
    CHECK_EQ(do_mlock(s.mm, a, PG, 2), -EINVAL);                       /* mlock2 flag */
    CHECK_EQ(do_mlock(s.mm, a + 1, PG, 0), 0);                         /* 2 pages, rounded */
    CHECK(follow_pte(s.mm, a) != PFN_NONE && follow_pte(s.mm, a + PG) != PFN_NONE);
    CHECK_EQ(follow_pte(s.mm, a + 2 * PG), PFN_NONE);
    const struct vm_area_struct *v = find_vma(s.mm, a);
    CHECK(v && v->vm_end == a + 2 * PG && (v->vm_flags & VM_LOCKED));
    CHECK_EQ(do_msync(s.mm, a, PG, MS_INVALIDATE_), -EBUSY);
    CHECK_EQ(do_mlock(s.mm, a + 2 * PG, PG, MLOCK_ONFAULT_), 0);       /* no populate */
    CHECK_EQ(follow_pte(s.mm, a + 2 * PG), PFN_NONE);
    CHECK_EQ(do_mlock(s.mm, a - PG, 2 * PG, 0), -ENOMEM);              /* starts in a hole */
    CHECK_EQ(do_mlock(s.mm, a, 5 * PG, 0), -ENOMEM);                   /* hole after */
    v = find_vma(s.mm, a + 3 * PG);
    CHECK(v && (v->vm_flags & VM_LOCKED));                             /* before the hole: locked */
    CHECK_EQ(do_mlock(s.mm, a, 9 * MiB, 0), -ENOMEM);                  /* over RLIMIT_MEMLOCK */
    CHECK_EQ(do_munlock(s.mm, a, 4 * PG), 0);
    v = find_vma(s.mm, a);
    CHECK(v && v->vm_end == a + 4 * PG && !(v->vm_flags & VM_LOCKED_MASK)); /* merged back */
    CHECK_EQ(do_munlock(s.mm, a - PG, PG), -ENOMEM);
    CHECK_EQ(do_munlock(s.mm, a, 0), 0);
    /* what is locked counts once against the limit */
    s.mm->rlim[RLIMIT_MEMLOCK_].rlim_cur = 4 * PG;
    CHECK_EQ(do_mlock(s.mm, a, 4 * PG, 0), 0);
    CHECK_EQ(do_mlock(s.mm, a, 4 * PG, 0), 0);
    CHECK_EQ(do_mmap(s.mm, 0, PG, RW, ANON | MAP_LOCKED_, NULL, 0, 0, NULL), -EAGAIN);
    CHECK_EQ(do_mremap(s.mm, a, 4 * PG, 5 * PG, MM, 0), -EAGAIN);      /* locked growth */
    s.mm->rlim[RLIMIT_MEMLOCK_].rlim_cur = 0;
    CHECK_EQ(do_mlock(s.mm, a, PG, 0), -EPERM);
    CHECK_EQ(do_mlockall(s.mm, MCL_CURRENT_), -EPERM);
    CHECK_EQ(do_mmap(s.mm, 0, PG, RW, ANON | MAP_LOCKED_, NULL, 0, 0, NULL), -EPERM);
    sys_fini(&s);
}

static void test_mlockall(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    uint32_t a = map(&s, 0, 2 * PG, RW, ANON);
    CHECK_EQ(do_mlockall(s.mm, 0), -EINVAL);
    CHECK_EQ(do_mlockall(s.mm, 8), -EINVAL);
    CHECK_EQ(do_mlockall(s.mm, MCL_ONFAULT_), -EINVAL);
    CHECK_EQ(do_mlockall(s.mm, MCL_FUTURE_), 0);
    CHECK(!(find_vma(s.mm, a)->vm_flags & VM_LOCKED));                 /* FUTURE only */
    uint32_t b = map(&s, 0, PG, RW, ANON);
    CHECK((find_vma(s.mm, b)->vm_flags & VM_LOCKED) && follow_pte(s.mm, b) != PFN_NONE);
    s.mm->start_brk = s.mm->brk = 0x10000000u;                        /* a break: locked too */
    CHECK_EQ(do_brk(s.mm, 0x10000000u + 2 * PG), 0x10000000u + 2 * PG);
    CHECK((find_vma(s.mm, 0x10000000u)->vm_flags & VM_LOCKED) &&
          follow_pte(s.mm, 0x10000000u + PG) != PFN_NONE);
    CHECK_EQ(do_mlockall(s.mm, MCL_CURRENT_), 0);                      /* clears FUTURE */
    CHECK_EQ(s.mm->def_flags, 0);
    CHECK(follow_pte(s.mm, a + PG) != PFN_NONE);
    CHECK_EQ(do_munlockall(s.mm), 0);
    CHECK(!(find_vma(s.mm, a)->vm_flags & VM_LOCKED));
    s.mm->rlim[RLIMIT_MEMLOCK_].rlim_cur = PG;
    CHECK_EQ(do_mlockall(s.mm, MCL_CURRENT_), -ENOMEM);                /* total_vm too big */
    CHECK_EQ(do_mlockall(s.mm, MCL_FUTURE_), 0);
    sys_fini(&s);
}

static void run_all(void)
{
    test_mremap_errnos();
    test_mremap_shrink_grow();
    test_mremap_move();
    test_mincore_msync();
    test_mlock();
    test_mlockall();
    test_mremap_grow_merge();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

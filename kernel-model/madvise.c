/*
 * madvise.c — madvise(2) (mm/madvise.c, Linux 6.1 for an i386 kernel with
 * CONFIG_SWAP, CONFIG_KSM and CONFIG_TRANSPARENT_HUGEPAGE, as Debian's).
 *
 * The walk is madvise_walk_vmas: the advice is applied to every mapped part
 * of the range, a hole makes the result -ENOMEM, and the first VMA that
 * refuses the advice ends the walk with its errno (the parts before it
 * advised).  Each advice does what madvise_vma_behavior does:
 *   DONTNEED, DONTNEED_LOCKED  drop the private pages (zap); refused on
 *                    VM_LOCKED (not DONTNEED_LOCKED);
 *   FREE             lazy: the pages stay, clean, on the lazy-free list
 *                    (madvise_free_range); only private anonymous memory,
 *                    refused on VM_LOCKED;
 *   POPULATE_READ/WRITE  fault the range in, -EINVAL when the VMA's rights
 *                    do not allow the access, -EFAULT past a file's end;
 *   REMOVE           punch a hole: only a shared writable mapping (-EACCES),
 *                    never a locked or anonymous private one (-EINVAL);
 *   COLD, PAGEOUT    refused on VM_LOCKED; the model never reclaims, so
 *                    nothing else happens;
 *   WILLNEED, COLLAPSE  nothing to do (no readahead, no huge pages): 0;
 *   the flag advice (NORMAL, RANDOM, SEQUENTIAL, DONTFORK, DOFORK,
 *                    WIPEONFORK, KEEPONFORK, DONTDUMP, DODUMP, MERGEABLE,
 *                    UNMERGEABLE, HUGEPAGE, NOHUGEPAGE) changes vm_flags: the
 *                    range is split off and merged as vma_merge would
 *                    (madvise_update_vma, vma_modify_flags); advice that
 *                    changes no flag touches no VMA.
 */
#include <errno.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/vma.h"

static int madvise_behavior_valid(uint32_t advice)
{
    return advice <= MADV_DONTNEED_ || (advice >= MADV_FREE_ && advice <= MADV_COLLAPSE_) ||
           advice == MADV_HWPOISON_ || advice == MADV_SOFT_OFFLINE_;
}

/* Drop the private pages of [lo, hi): the next touch demand-zeroes
 * (anonymous) or re-reads the file; shared pages keep their contents, as
 * shmem would. */
static void madvise_zap(struct mm_struct *mm, const struct vm_area_struct *v,
                        uint32_t lo, uint32_t hi)
{
    zap_page_range(mm, lo, hi, (v->vm_flags & VM_EXEC) != 0);
    if (mm->notifier.range_zapped)        /* mmu_notifier_invalidate_range_end */
        mm->notifier.range_zapped(mm->notifier.ctx, mm, lo, hi);
}

/* madvise_free_pte_range: MADV_FREE is lazy.  Each private page mapped
 * only here is made clean and old (its PTE and PG_dirty) and moves to the
 * lazy-free list (PG_lazyfree: LazyFree in smaps, pglazyfree); it stays
 * mapped with its contents.  Reclaim would drop it while still clean, a
 * write in between keeps it; the model has no reclaim, so every page
 * stays until unmapped.  The zero page and shared pages are left alone. */
static void madvise_free_range(struct mm_struct *mm, uint32_t lo, uint32_t hi)
{
    struct kernel *k = mm->k;
    for (uint32_t va = lo; va < hi && va >= lo; va += PAGE_SIZE) {
        pte_t *pte = pte_offset(mm, va);
        uint64_t v = pte ? pte_read(k, pte) : 0;
        if (!(v & (_PAGE_PRESENT | _PAGE_PROTNONE)) || !entry_frame_ok(mm, va, v) ||
            pte_pfn(v) == k->zero_pfn)
            continue;
        struct page *page = pfn_to_page(&k->pm, pte_pfn(v));
        if (page_mapcount(page) != 1 || !(page->flags & PG_anon))
            continue;
        page->flags &= ~(uint32_t)PG_dirty;
        ptep_mkold_clean(mm, va, pte);
        if (!(page->flags & PG_lazyfree)) {                 /* mark_page_lazyfree */
            page->flags |= PG_lazyfree;
            count_vm_event(&k->vm_events, PGLAZYFREE);
        }
    }
}

/* madvise_dontneed_free: DONTNEED, DONTNEED_LOCKED and FREE. */
static long madvise_dontneed_free(struct mm_struct *mm, const struct vm_area_struct *v,
                                  uint32_t lo, uint32_t hi, uint32_t advice)
{
    if (advice != MADV_DONTNEED_LOCKED_ && (v->vm_flags & VM_LOCKED))
        return -EINVAL;                      /* madvise_dontneed_free_valid_vma */
    /* madvise_free_single_vma: only private anonymous memory is freed lazily */
    if (advice == MADV_FREE_ && (v->vm_file || (v->vm_flags & VM_SHARED)))
        return -EINVAL;
    if (advice == MADV_FREE_)
        madvise_free_range(mm, lo, hi);
    else if (!(v->vm_flags & VM_SHARED))
        madvise_zap(mm, v, lo, hi);
    return 0;
}

/* madvise_populate: fault [lo, hi) in for reading or writing, as
 * faultin_vma_page_range, whose check_vma_flags refusal is -EINVAL. */
static long madvise_populate(struct mm_struct *mm, const struct vm_area_struct *v,
                             uint32_t lo, uint32_t hi, int write)
{
    if (!(v->vm_flags & (write ? VM_WRITE : VM_READ)))
        return -EINVAL;
    enum fault_result r = faultin_range(mm, lo, hi, write);
    if (r == FAULT_OOM)
        return -ENOMEM;
    return r == FAULT_OK ? 0 : -EFAULT;      /* VM_FAULT_SIGBUS / SIGSEGV */
}

/* madvise_remove: shmem's hole punch.  A shared anonymous VMA is shmem in
 * Linux (it has a vm_file there); its pages go, the next touch reads zeros. */
static long madvise_remove(struct mm_struct *mm, const struct vm_area_struct *v,
                           uint32_t lo, uint32_t hi)
{
    if (v->vm_flags & VM_LOCKED)
        return -EINVAL;
    if (!v->vm_file && !(v->vm_flags & VM_SHARED))
        return -EINVAL;                      /* no file to punch a hole in */
    if ((v->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE))
        return -EACCES;
    madvise_zap(mm, v, lo, hi);
    return 0;
}

/* The vm_flags the flag advice gives v, or a negative errno.  The model has
 * no VM_IO/VM_PFNMAP/VM_DONTEXPAND mappings, so DOFORK and DODUMP never
 * refuse; ksm_madvise leaves shared VMAs alone. */
static long advised_flags(const struct vm_area_struct *v, uint32_t advice, uint32_t *flags)
{
    uint32_t f = v->vm_flags;
    switch (advice) {
    case MADV_NORMAL_:      f &= ~(VM_RAND_READ | VM_SEQ_READ); break;
    case MADV_SEQUENTIAL_:  f = (f & ~VM_RAND_READ) | VM_SEQ_READ; break;
    case MADV_RANDOM_:      f = (f & ~VM_SEQ_READ) | VM_RAND_READ; break;
    case MADV_DONTFORK_:    f |= VM_DONTCOPY; break;
    case MADV_DOFORK_:      f &= ~VM_DONTCOPY; break;
    case MADV_WIPEONFORK_:
        if (v->vm_file || (v->vm_flags & VM_SHARED))
            return -EINVAL;                  /* anonymous private memory only */
        f |= VM_WIPEONFORK;
        break;
    case MADV_KEEPONFORK_:  f &= ~VM_WIPEONFORK; break;
    case MADV_DONTDUMP_:    f |= VM_DONTDUMP; break;
    case MADV_DODUMP_:      f &= ~VM_DONTDUMP; break;
    case MADV_MERGEABLE_:
        if (!(f & VM_SHARED))
            f |= VM_MERGEABLE;
        break;
    case MADV_UNMERGEABLE_: f &= ~VM_MERGEABLE; break;
    case MADV_HUGEPAGE_:    f = (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE; break;
    case MADV_NOHUGEPAGE_:  f = (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE; break;
    }
    *flags = f;
    return 0;
}

/* madvise_update_vma: [lo, hi) of v gets the advised vm_flags. */
static long madvise_update_vma(struct mm_struct *mm, struct vm_area_struct *v,
                               uint32_t lo, uint32_t hi, uint32_t advice)
{
    uint32_t flags;
    long err = advised_flags(v, advice, &flags);
    if (err)
        return err;
    return vma_modify_flags(mm, v, lo, hi, flags) ? 0 : -ENOMEM;
}

/* madvise_vma_behavior: one VMA's part [lo, hi). */
static long madvise_vma_behavior(struct mm_struct *mm, struct vm_area_struct *v,
                                 uint32_t lo, uint32_t hi, uint32_t advice)
{
    switch (advice) {
    case MADV_REMOVE_:
        return madvise_remove(mm, v, lo, hi);
    case MADV_WILLNEED_:
    case MADV_COLLAPSE_:
    case MADV_HWPOISON_:
    case MADV_SOFT_OFFLINE_:
        return 0;
    case MADV_COLD_:
    case MADV_PAGEOUT_:
        return v->vm_flags & VM_LOCKED ? -EINVAL : 0;   /* can_madv_lru_vma */
    case MADV_FREE_:
    case MADV_DONTNEED_:
    case MADV_DONTNEED_LOCKED_:
        return madvise_dontneed_free(mm, v, lo, hi, advice);
    case MADV_POPULATE_READ_:
    case MADV_POPULATE_WRITE_:
        return madvise_populate(mm, v, lo, hi, advice == MADV_POPULATE_WRITE_);
    default:
        return madvise_update_vma(mm, v, lo, hi, advice);
    }
}

/* madvise_walk_vmas over [start, end) (start < end). */
static long madvise_walk_vmas(struct mm_struct *mm, uint32_t start, uint32_t end,
                              uint32_t advice)
{
    long unmapped = 0;
    for (;;) {
        struct vm_area_struct *v = find_vma(mm, start);
        if (!v)
            return -ENOMEM;
        if (start < v->vm_start) {
            unmapped = -ENOMEM;              /* a hole: go on past it */
            start = v->vm_start;
            if (start >= end)
                return unmapped;
        }
        uint32_t hi = v->vm_end < end ? v->vm_end : end;
        long err = madvise_vma_behavior(mm, v, start, hi, advice);
        if (err)
            return err;
        start = hi;
        if (start >= end)
            return unmapped;
    }
}

/*
 * do_madvise for an i386 kernel: unknown advice, an unaligned start, a
 * length that rounds from nonzero to 0 (above 0xfffff000) or a range that
 * wraps past 4 GiB are -EINVAL; an empty range does nothing.  HWPOISON and
 * SOFT_OFFLINE are accepted and change nothing (the model's RAM has no
 * errors to inject).
 */
long do_madvise(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t advice)
{
    if (!madvise_behavior_valid(advice) || (start & ~PAGE_MASK))
        return -EINVAL;
    uint32_t alen = page_align(len);
    if (len && !alen)
        return -EINVAL;
    uint32_t end = start + alen;
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    return madvise_walk_vmas(mm, start, end, advice);
}

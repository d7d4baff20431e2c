/*
 * mlock.c — locking mappings in memory (mm/mlock.c).
 *
 * The model never reclaims, so a lock changes no residency after the
 * populate: what it records is VM_LOCKED on the VMAs (visible in
 * /proc/self/maps-like traces, kept across mprotect and mremap) and what
 * Linux checks against RLIMIT_MEMLOCK (mm->rlim[RLIMIT_MEMLOCK_].rlim_cur).  The process has
 * no CAP_IPC_LOCK.  The locked total is counted from the VMAs, not kept in
 * a counter (Linux's mm->locked_vm), so munmap and mremap need no upkeep.
 */
#include <errno.h>
#include "kernel-model/vma.h"

uint64_t locked_bytes(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    uint64_t n = 0;
    const struct vm_area_struct *v;
    for_each_vma_range(mm, v, start, end) {
        if (!(v->vm_flags & VM_LOCKED))
            continue;
        uint32_t lo = v->vm_start > start ? v->vm_start : start;
        uint32_t hi = v->vm_end < end ? v->vm_end : end;
        n += hi - lo;
    }
    return n;
}

int mlock_future_ok(struct mm_struct *mm, uint32_t vm_flags, uint64_t bytes)
{
    if (!(vm_flags & VM_LOCKED))
        return 1;
    return locked_bytes(mm, 0, TASK_SIZE) + bytes <= mm->rlim[RLIMIT_MEMLOCK_].rlim_cur;
}

/* mlock_fixup: [lo, hi) of v gets the VM_LOCKED_MASK bits `flags`; the
 * VMA holding it now, or NULL when a split was refused. */
static struct vm_area_struct *mlock_fixup(struct mm_struct *mm, struct vm_area_struct *v,
                                          uint32_t lo, uint32_t hi, uint32_t flags)
{
    return vma_modify_flags(mm, v, lo, hi, (v->vm_flags & ~VM_LOCKED_MASK) | flags);
}

/* apply_mlockall_flags: every VMA's lock bits, one mlock_fixup each. */
static void apply_mlockall_flags(struct mm_struct *mm, uint32_t flags)
{
    uint32_t at = 0;
    for (struct vm_area_struct *v = find_vma(mm, 0); v; v = find_vma(mm, at)) {
        struct vm_area_struct *now = mlock_fixup(mm, v, v->vm_start, v->vm_end, flags);
        at = (now ? now : v)->vm_end;        /* a whole VMA needs no split */
    }
}

/*
 * apply_vma_lock_flags: set the VM_LOCKED_MASK bits of every VMA in
 * [start, end) to `flags`.  start must be inside a VMA and the range have
 * no hole (-ENOMEM), the VMAs before a hole keep their new flags, as Linux.
 */
static long apply_vma_lock_flags(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t flags)
{
    uint32_t end = start + len;
    if (end < start)
        return -EINVAL;
    if (end == start)
        return 0;
    if (!vma_lookup(mm, start))
        return -ENOMEM;
    uint32_t at = start;
    for (struct vm_area_struct *v = find_vma(mm, at); at < end; v = find_vma(mm, at)) {
        if (!v || v->vm_start > at)
            return -ENOMEM;
        uint32_t hi = v->vm_end < end ? v->vm_end : end;
        if (!mlock_fixup(mm, v, at, hi, flags))
            return -ENOMEM;
        at = hi;
    }
    return 0;
}

/* __mlock_posix_error_return: what a failed populate means to mlock. */
static long populate_errno(enum fault_result r)
{
    if (r == FAULT_OK)
        return 0;
    return r == FAULT_OOM ? -EAGAIN : -ENOMEM;
}

/*
 * mlock(2) and mlock2(2) (do_mlock): unknown mlock2 flags -EINVAL; a zero
 * RLIMIT_MEMLOCK -EPERM; more than the limit locked, counting what already
 * is only once, -ENOMEM; then the range is locked and faulted in (not with
 * MLOCK_ONFAULT).  start is rounded down, len up with it, in 32 bits.
 */
long do_mlock(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t mlock2_flags)
{
    if (mlock2_flags & ~MLOCK_ONFAULT_)
        return -EINVAL;
    uint32_t vm_flags = VM_LOCKED | (mlock2_flags & MLOCK_ONFAULT_ ? VM_LOCKONFAULT : 0);
    if (!mm->rlim[RLIMIT_MEMLOCK_].rlim_cur)
        return -EPERM;
    len = page_align(len + (start & ~PAGE_MASK));
    start &= PAGE_MASK;
    uint64_t locked = (uint64_t)len + locked_bytes(mm, 0, TASK_SIZE);
    if (locked > mm->rlim[RLIMIT_MEMLOCK_].rlim_cur)
        locked -= locked_bytes(mm, start, start + len < start ? TASK_SIZE : start + len);
    if (locked > mm->rlim[RLIMIT_MEMLOCK_].rlim_cur)
        return -ENOMEM;
    long err = apply_vma_lock_flags(mm, start, len, vm_flags);
    if (err || (vm_flags & VM_LOCKONFAULT))
        return err;
    return populate_errno(mm_populate(mm, start, start + len));
}

long do_munlock(struct mm_struct *mm, uint32_t start, uint32_t len)
{
    len = page_align(len + (start & ~PAGE_MASK));
    start &= PAGE_MASK;
    return apply_vma_lock_flags(mm, start, len, 0);
}

/* Bytes of every VMA (Linux's total_vm). */
static uint64_t total_vm_bytes(struct mm_struct *mm)
{
    uint64_t n = 0;
    const struct vm_area_struct *v;
    for_each_vma(mm, v)
        n += v->vm_end - v->vm_start;
    return n;
}

/*
 * mlockall(2): flags 0, unknown, or MCL_ONFAULT alone -EINVAL; no limit
 * -EPERM; MCL_CURRENT with more mapped than the limit -ENOMEM.  MCL_FUTURE
 * makes later mappings locked (mm->def_flags); MCL_CURRENT locks and
 * populates what is mapped now (populate errors ignored, as Linux).
 */
long do_mlockall(struct mm_struct *mm, uint32_t flags)
{
    if (!flags || (flags & ~(MCL_CURRENT_ | MCL_FUTURE_ | MCL_ONFAULT_)) || flags == MCL_ONFAULT_)
        return -EINVAL;
    if (!mm->rlim[RLIMIT_MEMLOCK_].rlim_cur)
        return -EPERM;
    if ((flags & MCL_CURRENT_) && total_vm_bytes(mm) > mm->rlim[RLIMIT_MEMLOCK_].rlim_cur)
        return -ENOMEM;
    uint32_t onfault = flags & MCL_ONFAULT_ ? VM_LOCKONFAULT : 0;
    mm->def_flags &= ~VM_LOCKED_MASK;
    if (flags & MCL_FUTURE_)
        mm->def_flags |= VM_LOCKED | onfault;
    if (!(flags & MCL_CURRENT_))
        return 0;
    apply_mlockall_flags(mm, VM_LOCKED | onfault);
    if (!onfault)
        mm_populate(mm, 0, TASK_SIZE);
    return 0;
}

long do_munlockall(struct mm_struct *mm)
{
    mm->def_flags &= ~VM_LOCKED_MASK;
    apply_mlockall_flags(mm, 0);
    return 0;
}

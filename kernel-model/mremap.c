/*
 * mremap.c — resizing and moving a mapping (mm/mremap.c).
 *
 * The checks and their order follow Linux's mremap syscall, vma_to_resize
 * and mremap_to.  A move takes the page-table entries along (the frames
 * move, as move_page_tables does; nothing is copied), so a realloc of a big
 * block costs what it costs on Linux.  Shared anonymous mappings have no
 * shmem object in the model yet, so the old_len 0 "duplicate" of one is
 * refused (-EINVAL) until the kernel-depth issue adds it.
 */
#include <errno.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/vma.h"

/* A file VMA mapped the file to its end keeps doing so as it grows; a part
 * that ended in zeros (an ELF bss) keeps its file bytes and grows zeros. */
static uint32_t grown_file_bytes(const struct vm_area_struct *v, uint32_t old_span,
                                 uint32_t new_span)
{
    if (!v->vm_file)
        return 0;
    return v->vm_file_bytes >= old_span ? new_span : v->vm_file_bytes;
}

/*
 * vma_to_resize: the VMA holding [addr, addr+old_len) and may it grow to
 * new_len?  The VMA in *vp, or a negative errno.
 */
static long vma_to_resize(struct mm_struct *mm, uint32_t addr, uint32_t old_len,
                          uint32_t new_len, struct vm_area_struct **vp)
{
    struct vm_area_struct *v = vma_lookup(mm, addr);
    if (!v)
        return -EFAULT;
    /* duplicating a private mapping makes no sense (Linux refuses it);
     * a shared one needs shmem: see the top of the file */
    if (!old_len)
        return -EINVAL;
    if (old_len > v->vm_end - addr)
        return -EFAULT;                      /* across a VMA boundary */
    *vp = v;
    if (new_len == old_len)
        return 0;
    uint32_t pgoff = v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
    if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
        return -EINVAL;
    if (!mlock_future_ok(mm, v->vm_flags, new_len - old_len))
        return -EAGAIN;
    return 0;
}

/* Populate what a locked mapping gained (mremap's `locked` epilogue). */
static long populate_grown(struct mm_struct *mm, uint32_t vm_flags, uint32_t start, uint32_t end,
                           long ret)
{
    if ((vm_flags & VM_LOCKED_MASK) == VM_LOCKED && start < end)
        mm_populate(mm, start, end);         /* errors ignored, as Linux */
    return ret;
}

/*
 * move_vma: the VMA part [addr, addr+old_len) becomes [new_addr,
 * new_addr+new_len) with its pages; the old range is unmapped, or with
 * MREMAP_DONTUNMAP stays mapped, empty and unlocked.
 */
static long move_vma(struct mm_struct *mm, uint32_t addr, uint32_t old_len, uint32_t new_len,
                     uint32_t new_addr, uint32_t flags)
{
    if (mm->map_count + 3 >= mm->max_map_count)
        return -ENOMEM;                      /* up to 4 new VMAs by splits */
    if (vma_split_at(mm, addr) || vma_split_at(mm, addr + old_len))
        return -ENOMEM;
    struct vm_area_struct *old = vma_lookup(mm, addr), nv = *old;
    nv.vm_start = new_addr;
    nv.vm_end = new_addr + new_len;
    nv.vm_file_bytes = grown_file_bytes(&nv, old_len, new_len);
    /* copy_vma: an anonymous VMA never faulted in is numbered afresh */
    if (!nv.vm_file && !nv.anon_vma && !(nv.vm_flags & VM_SHARED))
        nv.vm_pgoff = new_addr >> PAGE_SHIFT;
    int exec = (nv.vm_flags & VM_EXEC) != 0;
    struct vm_area_struct *moved_vma = vma_insert(mm, &nv);
    if (!moved_vma)
        return -ENOMEM;
    mm_report_vma(mm, VMA_OP_MAP, moved_vma);
    uint32_t moved = move_page_tables(mm, addr, new_addr, old_len, exec);
    if (moved < old_len) {                   /* out of page tables: undo */
        move_page_tables(mm, new_addr, addr, moved, exec);
        unmap_region(mm, new_addr, new_addr + new_len);
        vma_merge_changed(mm, vma_lookup(mm, addr));   /* the split part rejoins */
        notify_vma_changed(mm, new_addr, new_addr + new_len);
        return -ENOMEM;
    }
    if (flags & MREMAP_DONTUNMAP_) {
        old->vm_flags &= ~VM_LOCKED_MASK;     /* the split left it in place */
        vma_merge_changed(mm, old);
    } else
        unmap_region(mm, addr, addr + old_len);  /* no PTEs left to zap */
    /* copy_vma's vma_merge with the old anon_vma (after the old range went:
     * the same boundaries, and no VMA pointer held across a merge) */
    vma_merge_changed(mm, vma_lookup(mm, new_addr));
    notify_vma_changed(mm, addr, addr + old_len);
    notify_vma_changed(mm, new_addr, new_addr + new_len);
    return populate_grown(mm, nv.vm_flags, new_addr + old_len, new_addr + new_len, new_addr);
}

/* MREMAP_FIXED or MREMAP_DONTUNMAP (mremap_to). */
static long mremap_to(struct mm_struct *mm, uint32_t addr, uint32_t old_len, uint32_t new_addr,
                      uint32_t new_len, uint32_t flags)
{
    if (new_addr & ~PAGE_MASK)
        return -EINVAL;
    if (new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len)
        return -EINVAL;
    if ((uint64_t)addr + old_len > new_addr && (uint64_t)new_addr + new_len > addr)
        return -EINVAL;                      /* the ranges overlap */
    if (mm->map_count + 2 >= mm->max_map_count - 3)
        return -ENOMEM;
    long r;
    if ((flags & MREMAP_FIXED_) && (r = do_munmap(mm, new_addr, new_len)) < 0)
        return r;
    if (old_len > new_len) {
        if ((r = do_munmap(mm, addr + new_len, old_len - new_len)) < 0)
            return r;
        old_len = new_len;
    }
    struct vm_area_struct *v;
    if ((r = vma_to_resize(mm, addr, old_len, new_len, &v)) < 0)
        return r;
    uint32_t map_flags = (flags & MREMAP_FIXED_ ? MAP_FIXED_ : 0) |
                         (v->vm_flags & VM_SHARED ? MAP_SHARED_ : 0);
    r = get_unmapped_area(mm, new_addr, new_len, map_flags);
    if (r < 0)
        return r;
    return move_vma(mm, addr, old_len, new_len, (uint32_t)r, flags);
}

/* Can the VMA ending at addr+old_len grow in place by delta (vma_expandable)? */
static int vma_expandable(struct mm_struct *mm, const struct vm_area_struct *v, uint32_t delta)
{
    uint32_t end = v->vm_end + delta;
    if (end < v->vm_end || end > TASK_SIZE)
        return 0;
    const struct vm_area_struct *next = vma_next(mm, v);
    return !next || next->vm_start >= end;
}

/*
 * mremap(2) for a 32-bit task, in Linux's order: unknown flags, FIXED
 * without MAYMOVE, DONTUNMAP without MAYMOVE or with a size change, an
 * unaligned addr, a new_len aligning to 0: -EINVAL; addr not in a VMA:
 * -EFAULT.  Shrinking unmaps the tail; growing is in place when the space
 * after the VMA is free, else a move with MAYMOVE, else -ENOMEM.
 */
long do_mremap(struct mm_struct *mm, uint32_t addr, uint32_t old_len, uint32_t new_len,
               uint32_t flags, uint32_t new_addr)
{
    if (flags & ~(MREMAP_FIXED_ | MREMAP_MAYMOVE_ | MREMAP_DONTUNMAP_))
        return -EINVAL;
    if ((flags & MREMAP_FIXED_) && !(flags & MREMAP_MAYMOVE_))
        return -EINVAL;
    if ((flags & MREMAP_DONTUNMAP_) && (!(flags & MREMAP_MAYMOVE_) || old_len != new_len))
        return -EINVAL;
    if (addr & ~PAGE_MASK)
        return -EINVAL;
    old_len = page_align(old_len);
    new_len = page_align(new_len);
    if (!new_len)
        return -EINVAL;
    if (!vma_lookup(mm, addr))
        return -EFAULT;
    if (flags & (MREMAP_FIXED_ | MREMAP_DONTUNMAP_))
        return mremap_to(mm, addr, old_len, new_addr, new_len, flags);
    if (old_len >= new_len) {
        long r = old_len == new_len ? 0 : do_munmap(mm, addr + new_len, old_len - new_len);
        return r < 0 ? r : (long)addr;
    }
    struct vm_area_struct *v;
    long r = vma_to_resize(mm, addr, old_len, new_len, &v);
    if (r < 0)
        return r;
    if (old_len == v->vm_end - addr && vma_expandable(mm, v, new_len - old_len)) {
        uint32_t old_end = v->vm_end, vm_flags = v->vm_flags;
        v->vm_file_bytes = grown_file_bytes(v, old_end - v->vm_start,
                                            old_end - v->vm_start + new_len - old_len);
        v->vm_end += new_len - old_len;
        mm_report_vma(mm, VMA_OP_MAP, v);
        vma_merge_grown(mm, v);
        notify_vma_changed(mm, old_end, addr + new_len);
        return populate_grown(mm, vm_flags, old_end, addr + new_len, addr);
    }
    if (!(flags & MREMAP_MAYMOVE_))
        return -ENOMEM;
    r = get_unmapped_area(mm, 0, new_len, v->vm_flags & VM_SHARED ? MAP_SHARED_ : 0);
    if (r < 0)
        return r;
    return move_vma(mm, addr, old_len, new_len, (uint32_t)r, flags);
}

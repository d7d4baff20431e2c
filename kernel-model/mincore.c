/*
 * mincore.c — the range walks that report and sync and change nothing:
 * mincore (mm/mincore.c) and msync (mm/msync.c).
 *
 * mincore reports residency: a page is resident when its PTE holds a
 * frame — present, or kept under PROT_NONE, which Linux's pte_present also
 * counts — or, for a file mapping whose PTE is none, when the file's page
 * is in the page cache (mincore_page).
 */
#include <errno.h>
#include "kernel-model/hostfs_write.h"
#include "kernel-model/pgtable.h"
#include "kernel-model/vfs.h"
#include "kernel-model/vma.h"

static uint8_t page_resident(struct mm_struct *mm, const struct vm_area_struct *vma, uint32_t va)
{
    pte_t *pte = pte_offset(mm, va);
    uint64_t v = pte ? pte_read(mm->k, pte) : 0;
    if (v & (_PAGE_PRESENT | _PAGE_PROTNONE))
        return 1;
    struct address_space *m = vma->vm_file ? vm_file_mapping(mm->k, vma->vm_file) : NULL;
    uint32_t index = vma->vm_pgoff + ((va - vma->vm_start) >> PAGE_SHIFT);
    return m && filemap_lookup(m, index) != PFN_NONE;
}

/*
 * The mincore syscall without the copy-out: an unaligned start -EINVAL;
 * a range past TASK_SIZE (access_ok) -ENOMEM; then page by page through
 * the VMAs, a page outside every VMA ends the walk with -ENOMEM.  Linux
 * copies each chunk out as it goes, so vec holds the pages before the hole
 * either way (*done).
 */
long do_mincore(struct mm_struct *mm, uint32_t start, uint32_t len, uint8_t *vec,
                uint32_t *done)
{
    *done = 0;
    if (start & ~PAGE_MASK)
        return -EINVAL;
    if (len > TASK_SIZE || start > TASK_SIZE - len)
        return -ENOMEM;
    uint32_t pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
    for (uint32_t n = 0; n < pages; ) {
        uint32_t va = start + (n << PAGE_SHIFT);
        const struct vm_area_struct *v = vma_lookup(mm, va);
        if (!v)
            return -ENOMEM;
        for (; n < pages && va < v->vm_end; n++, va += PAGE_SIZE)
            vec[n] = page_resident(mm, v, va);
        *done = n;
    }
    return 0;
}

/*
 * msync(2): unknown flags, an unaligned start, MS_ASYNC with MS_SYNC:
 * -EINVAL; a range wrapping past 4 GiB -ENOMEM (a length whose alignment
 * wraps to 0 is an empty range: 0, as Linux); MS_INVALIDATE on a locked
 * VMA -EBUSY; a hole -ENOMEM at the end, or at once for plain MS_ASYNC.
 * Anonymous and private file mappings never write a file, and tmpfs has
 * no backing (Linux's MS_SYNC there is shmem's noop fsync).  A root file's
 * shared mapping is writable only under --writable-root: MS_SYNC writes
 * its dirty pages in the range back (msync_writeback).  MS_ASYNC starts
 * nothing, as since 2.6.19 (6.1 leaves the pages to the flusher; the
 * model has none, so they go at munmap, fsync or the task's death), and
 * MS_INVALIDATE is a no-op past its EBUSY check, as 6.1's.
 */
/* MS_SYNC of a shared file mapping (--writable-root): vfs_fsync_range of
 * the file pages [start, end) of v covers. */
static long msync_writeback(struct mm_struct *mm, const struct vm_area_struct *v,
                            uint32_t start, uint32_t end)
{
    if (!mm->k->writable_root || !(v->vm_flags & VM_SHARED) || !v->vm_file)
        return 0;
    struct address_space *m = vm_file_mapping(mm->k, v->vm_file);
    uint32_t hi = end < v->vm_end ? end : v->vm_end;
    if (!m || m->no_writeback)
        return 0;
    return hostw_writeback(mm->k, mm, m->host, v->vm_pgoff + ((start - v->vm_start) >> PAGE_SHIFT),
                           v->vm_pgoff + ((hi - 1 - v->vm_start) >> PAGE_SHIFT));
}

long do_msync(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t flags)
{
    if ((flags & ~(MS_ASYNC_ | MS_INVALIDATE_ | MS_SYNC_)) || (start & ~PAGE_MASK))
        return -EINVAL;
    if ((flags & MS_ASYNC_) && (flags & MS_SYNC_))
        return -EINVAL;
    uint32_t end = start + page_align(len);
    if (end < start)
        return -ENOMEM;
    if (end == start)
        return 0;
    long unmapped = 0;
    for (const struct vm_area_struct *v = find_vma(mm, start); ; v = vma_next(mm, v)) {
        if (!v)
            return -ENOMEM;
        if (start < v->vm_start) {
            if (flags == MS_ASYNC_)
                return -ENOMEM;
            start = v->vm_start;
            if (start >= end)
                return -ENOMEM;
            unmapped = -ENOMEM;
        }
        if ((flags & MS_INVALIDATE_) && (v->vm_flags & VM_LOCKED))
            return -EBUSY;
        long r = (flags & MS_SYNC_) ? msync_writeback(mm, v, start, end) : 0;
        if (r)
            return r;
        start = v->vm_end;
        if (start >= end)
            return unmapped;
    }
}

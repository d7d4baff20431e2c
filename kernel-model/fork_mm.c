/*
 * fork_mm.c — fork's copy of an address space (kernel/fork.c dup_mm and
 * dup_mmap, mm/memory.c copy_page_range and copy_present_pte, Linux 6.1).
 *
 *   dup_mm ── mm_alloc (a new pgd) ── the fields fork keeps ── arch.mm_init
 *     └ dup_mmap: for every VMA of the parent, in order
 *         ├ VM_DONTCOPY: skipped
 *         ├ dup_vma: the copy (vma_insert: a vm_area_struct object, the file
 *         │          reference, the anon_vma link, vm_ops->open), reported
 *         │          to the trace and to the child's notifier
 *         └ copy_page_range, unless VM_WIPEONFORK or the VMA needs no copy
 *
 * anon_vma: the child's copy of a VMA gets an anon_vma of its own, child
 * of the parent VMA's (anon_vma_fork, rmap.c).  The pages it shares with
 * the parent stay owned by the parent's anon_vma, which the child's holds
 * a reference on; its COW copies are its own.  A frame's owner never goes
 * before its last mapping, whichever mm exits first.
 *
 * Frames are shared, never copied here: each copied PTE takes a reference
 * and a map count, so a frame is freed by whichever mm drops it last.
 */
#include <errno.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/vma.h"

/* is_cow_mapping: private and possibly writable.  Its pages are shared
 * read-only by both mms until one writes (do_wp_page). */
static int is_cow_mapping(uint32_t vm_flags)
{
    return (vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/* 6.1's vma_needs_copy: only a VMA with anonymous pages (an anon_vma)
 * must have its PTEs copied; a file, shmem or untouched anonymous
 * mapping's faults fill the child's PTEs correctly from the page cache or
 * the zero page, which makes fork of big shared mappings cheap.  (The
 * model has no VM_PFNMAP, VM_MIXEDMAP or userfaultfd.) */
static int vma_needs_copy(const struct vm_area_struct *src)
{
    return src->anon_vma != 0;
}

/*
 * One entry of src_mm at va into dst_mm (copy_present_pte, and the
 * PROT_NONE entry the model keeps in place of a hidden page).  A COW
 * mapping's writable entry becomes read-only in both; the child's is old
 * (pte_mkold) and, for a shared mapping, clean (pte_mkclean: the parent's
 * D bit still says the page was written); a private page keeps D.
 */
static int copy_one_pte(struct mm_struct *dst_mm, struct mm_struct *src_mm,
                        const struct vm_area_struct *vma, uint32_t va, pte_t *src_pte)
{
    struct kernel *k = src_mm->k;
    uint64_t v = pte_read(k, src_pte);
    if (!(v & (_PAGE_PRESENT | _PAGE_PROTNONE)) || !entry_frame_ok(src_mm, va, v))
        return 0;                             /* none, or corrupt: not copied */
    pte_t *dst_pte = pte_alloc(dst_mm, va);
    if (!dst_pte)
        return -ENOMEM;
    if (is_cow_mapping(vma->vm_flags) && (v & _PAGE_RW)) {
        ptep_set_wrprotect(src_mm, va, src_pte);
        v &= ~(uint64_t)_PAGE_RW;
    }
    uint32_t pfn = pte_pfn(v);
    uint64_t dirty = (vma->vm_flags & VM_SHARED) ? 0 : (v & _PAGE_DIRTY);
    get_page(&k->pgdat, pfn);                 /* the child's PTE's reference */
    if (v & _PAGE_PRESENT) {
        set_pte_at(dst_mm, va, dst_pte, pfn, (v & _PAGE_RW) != 0,
                   (vma->vm_flags & VM_EXEC) != 0);          /* map count, rss, notifier */
        pte_write(k, dst_pte, pte_read(k, dst_pte) | dirty);
        return 0;
    }
    /* PROT_NONE: the frame is held and counted, the CPU (and the engine)
     * sees nothing until mprotect makes it present again. */
    pte_write(k, dst_pte, (v & ~(uint64_t)(_PAGE_ACCESSED | _PAGE_DIRTY)) | dirty);
    pfn_to_page(&k->pm, pfn)->mapcount++;
    dst_mm->rss_pages++;
    dst_mm->zero_rss += pfn == k->zero_pfn;
    return 0;
}

/* copy_page_range: every entry of vma's range, page tables the source
 * lacks skipped whole.  0 or -ENOMEM (a page table of the child). */
static int copy_page_range(struct mm_struct *dst_mm, struct mm_struct *src_mm,
                           const struct vm_area_struct *vma)
{
    uint32_t span = 1u << pmd_shift(src_mm->k);
    for (uint32_t va = vma->vm_start; va < vma->vm_end && va >= vma->vm_start; va += PAGE_SIZE) {
        pte_t *src_pte = pte_offset(src_mm, va);
        if (!src_pte) {
            va = (va | (span - 1)) - PAGE_SIZE + 1;
            continue;
        }
        int r = copy_one_pte(dst_mm, src_mm, vma, va, src_pte);
        if (r)
            return r;
    }
    return 0;
}

/* The child's copy of src (vm_area_dup + anon_vma_fork + the link and
 * ->open of dup_mmap): NULL when out of memory.  A copy that came out
 * without the vm_area_struct or the anon_vma link it needs is in the mm
 * already and goes with it (the caller fails the fork). */
static struct vm_area_struct *dup_vma(struct mm_struct *mm, const struct vm_area_struct *src)
{
    struct vm_area_struct tmpl = *src;
    tmpl.vm_flags &= ~VM_LOCKED_MASK;         /* mlock is not inherited */
    mm->unlocked_by_fork |= tmpl.vm_flags != src->vm_flags;
    tmpl.anon_vma = 0;                        /* anon_vma_fork's, below */
    struct vm_area_struct *v = vma_insert(mm, &tmpl);
    if (!v)
        return NULL;
    /* VM_WIPEONFORK: a fresh, empty anonymous mapping, no anon_vma */
    int no_av = !(v->vm_flags & VM_WIPEONFORK) && anon_vma_fork(mm, v, src->anon_vma);
    mm_report_vma(mm, VMA_OP_MAP, v);
    notify_vma_changed(mm, v->vm_start, v->vm_end);
    return v->kaddr && !no_av ? v : NULL;
}

/* total_vm: the pages the VMAs span. */
static uint64_t total_vm(struct mm_struct *mm)
{
    const struct vm_area_struct *v;
    uint64_t pages = 0;
    for_each_vma(mm, v)
        pages += (v->vm_end - v->vm_start) >> PAGE_SHIFT;
    return pages;
}

static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
    const struct vm_area_struct *src;
    for_each_vma(oldmm, src) {
        if (src->vm_flags & VM_DONTCOPY)
            continue;
        struct vm_area_struct *v = dup_vma(mm, src);
        if (!v)
            return -ENOMEM;
        if (!(v->vm_flags & VM_WIPEONFORK) && vma_needs_copy(src) &&
            copy_page_range(mm, oldmm, src))
            return -ENOMEM;
    }
    return 0;
}

/* What dup_mm's memcpy of the mm_struct keeps and mm_init does not reset. */
static void dup_mm_fields(struct mm_struct *mm, const struct mm_struct *oldmm)
{
    mm->max_map_count = oldmm->max_map_count;
    mm->start_code = oldmm->start_code;
    mm->end_code = oldmm->end_code;
    mm->start_data = oldmm->start_data;
    mm->end_data = oldmm->end_data;
    mm->start_brk = oldmm->start_brk;
    mm->brk = oldmm->brk;
    mm->start_stack = oldmm->start_stack;
    mm->arg_start = oldmm->arg_start;
    mm->arg_end = oldmm->arg_end;
    mm->env_start = oldmm->env_start;
    mm->env_end = oldmm->env_end;
    mm->mmap_base = oldmm->mmap_base;
    mm->def_flags = oldmm->def_flags & VM_NOHUGEPAGE;   /* VM_INIT_DEF_MASK */
    for (int i = 0; i < RLIM_NLIMITS_; i++)
        mm->rlim[i] = oldmm->rlim[i];
}

struct mm_struct *dup_mm(struct mm_struct *oldmm, uint32_t pid)
{
    struct kernel *k = oldmm->k;
    struct mm_struct *mm = mm_alloc(k, pid);
    if (!mm)
        return NULL;
    dup_mm_fields(mm, oldmm);
    if (k->arch.mm_init && k->arch.mm_init(k->arch.ctx, mm)) {
        mm_release(mm);                       /* the engine has no side of it */
        return NULL;
    }
    if (dup_mmap(mm, oldmm)) {
        mmput(mm);                            /* the engine's side, then every frame */
        return NULL;
    }
    mm->hiwater_rss = get_mm_rss(mm);
    mm->hiwater_vm = total_vm(mm);
    return mm;
}

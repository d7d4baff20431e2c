/*
 * vma.c — the VMA objects of an mm and the ordered index over them.
 *
 * Every vm_area_struct is its own allocation and never moves: code may keep
 * a pointer across any operation that does not remove or merge away that
 * VMA (Linux's rule; replay and rmap will hold such pointers).  The index
 * is a sorted array of pointers searched by binary search behind a one-entry
 * cache (the old vmacache).  An array of pointers rather than a tree: a
 * process has tens to a few thousand VMAs, lookups (the fault path) vastly
 * outnumber inserts, a binary search over one contiguous array is what the
 * maple tree that replaced Linux's rbtree optimises for, and an insert's
 * memmove of pointers costs less than a tree rebalance at these sizes.
 * Only this file touches the array; everyone else iterates with find_vma,
 * vma_first/vma_next/vma_prev and for_each_vma (mm.h).
 */
#include <stdlib.h>
#include <string.h>
#include "kernel-model/vma.h"

/* Slot of the first VMA with vm_end > addr (map_count if none). */
static size_t vma_slot(const struct mm_struct *mm, uint32_t addr)
{
    struct vm_area_struct *const *s = mm->vma_index.slot;
    size_t lo = 0, hi = mm->map_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid]->vm_end > addr)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, uint32_t addr)
{
    struct vma_index *ix = &mm->vma_index;
    size_t i = ix->cache;
    if (i < mm->map_count) {
        struct vm_area_struct *v = ix->slot[i];
        if (v->vm_start <= addr && addr < v->vm_end)
            return v;
    }
    i = vma_slot(mm, addr);
    if (i == mm->map_count)
        return NULL;
    ix->cache = i;
    return ix->slot[i];
}

/* The slot holding vma (which is in the index). */
static size_t vma_pos(const struct mm_struct *mm, const struct vm_area_struct *vma)
{
    size_t i = mm->vma_index.cache;
    if (i < mm->map_count && mm->vma_index.slot[i] == vma)
        return i;
    return vma_slot(mm, vma->vm_start);    /* VMAs never overlap: vma itself */
}

struct vm_area_struct *vma_first(struct mm_struct *mm)
{
    return mm->map_count ? mm->vma_index.slot[0] : NULL;
}

struct vm_area_struct *vma_last(struct mm_struct *mm)
{
    return mm->map_count ? mm->vma_index.slot[mm->map_count - 1] : NULL;
}

/* The cache follows the walk, so a for_each_vma costs O(1) a step. */
struct vm_area_struct *vma_next(struct mm_struct *mm, const struct vm_area_struct *vma)
{
    size_t i = vma_pos(mm, vma) + 1;
    if (i >= mm->map_count)
        return NULL;
    mm->vma_index.cache = i;
    return mm->vma_index.slot[i];
}

struct vm_area_struct *vma_prev(struct mm_struct *mm, const struct vm_area_struct *vma)
{
    size_t i = vma_pos(mm, vma);
    if (i == 0)
        return NULL;
    mm->vma_index.cache = i - 1;
    return mm->vma_index.slot[i - 1];
}

/* The vm_area_struct a new VMA object shadows in the slab (0: no frame,
 * the VMA works on: the slab object gives placement, not contents). */
static uint32_t vm_area_alloc(struct mm_struct *mm)
{
    return kmem_cache_alloc(&mm->k->slab, mm->k->slab.vm_area_cachep);
}

/* Room for one more VMA, within the mm's map-count limit. */
static int vma_reserve(struct mm_struct *mm)
{
    struct vma_index *ix = &mm->vma_index;
    if (mm->map_count + 1 > mm->max_map_count)
        return -1;
    if (mm->map_count + 1 <= ix->cap)
        return 0;
    size_t cap = ix->cap ? ix->cap * 2 : 16;
    struct vm_area_struct **s = realloc(ix->slot, cap * sizeof *s);
    if (!s)
        return -1;
    ix->slot = s;
    ix->cap = cap;
    return 0;
}

/* Put a new object into slot i. */
static void vma_link(struct mm_struct *mm, size_t i, struct vm_area_struct *vma)
{
    struct vm_area_struct **s = mm->vma_index.slot;
    memmove(&s[i + 1], &s[i], (mm->map_count - i) * sizeof *s);
    s[i] = vma;
    mm->map_count++;
    mm->vma_index.cache = i;
}

/* A new VMA object now stands for (part of) a mapping: its ->open hook
 * (SysV shm counts it in shm_nattch). */
static void vma_open(struct mm_struct *mm, struct vm_area_struct *vma)
{
    if (vma->vm_ops && vma->vm_ops->open)
        vma->vm_ops->open(mm, vma);
}

struct vm_area_struct *vma_insert(struct mm_struct *mm, const struct vm_area_struct *tmpl)
{
    if (vma_reserve(mm))
        return NULL;
    struct vm_area_struct *vma = malloc(sizeof *vma);
    if (!vma)
        return NULL;
    *vma = *tmpl;
    vma->kaddr = vm_area_alloc(mm);
    anon_vma_clone(mm, vma);            /* copy_vma: the copy joins tmpl's anon_vma */
    if (vma->vm_file)
        vma->vm_file->refs++;
    vma_link(mm, vma_slot(mm, vma->vm_start), vma);
    vma_open(mm, vma);                  /* shm_mmap's __shm_open, copy_vma's ->open */
    return vma;
}

/* Linux's __split_vma with new_below = 0: lo keeps its object (and its
 * start); the part from addr on is a new object. */
int vma_split_at(struct mm_struct *mm, uint32_t addr)
{
    size_t i = vma_slot(mm, addr);
    if (i == mm->map_count || mm->vma_index.slot[i]->vm_start >= addr)
        return 0;                       /* no VMA straddles addr */
    if (vma_reserve(mm))
        return -1;
    struct vm_area_struct *lo = mm->vma_index.slot[i], *hi = malloc(sizeof *hi);
    if (!hi)
        return -1;
    *hi = *lo;
    hi->kaddr = vm_area_alloc(mm);
    anon_vma_clone(mm, hi);             /* __split_vma: the new part's chain */
    uint32_t delta = addr - lo->vm_start;
    lo->vm_end = addr;
    hi->vm_start = addr;
    hi->vm_pgoff += delta >> PAGE_SHIFT;   /* anonymous VMAs too, as __split_vma */
    if (hi->vm_file) {
        hi->vm_file->refs++;
        hi->vm_file_bytes = hi->vm_file_bytes > delta ? hi->vm_file_bytes - delta : 0;
        lo->vm_file_bytes = lo->vm_file_bytes < delta ? lo->vm_file_bytes : delta;
    }
    vma_link(mm, i + 1, hi);
    vma_open(mm, hi);                   /* __split_vma: new->vm_ops->open */
    return 0;
}

static void vma_free(struct mm_struct *mm, struct vm_area_struct *vma)
{
    if (vma->vm_ops && vma->vm_ops->close)
        vma->vm_ops->close(mm, vma);    /* remove_vma */
    unlink_anon_vmas(mm, vma);
    kmem_cache_free(&mm->k->slab, mm->k->slab.vm_area_cachep, vma->kaddr);
    vm_file_put(vma->vm_file);
    free(vma);
}

/* update_hiwater_vm: total_vm is about to fall (do_vmi_align_munmap). */
static void update_hiwater_vm(struct mm_struct *mm)
{
    uint64_t total = 0;
    for (size_t i = 0; i < mm->map_count; i++)
        total += (mm->vma_index.slot[i]->vm_end - mm->vma_index.slot[i]->vm_start) >> PAGE_SHIFT;
    if (mm->hiwater_vm < total)
        mm->hiwater_vm = total;
}

void vma_remove_range(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    struct vm_area_struct **s = mm->vma_index.slot;
    size_t i = vma_slot(mm, start), j = i;
    if (i < mm->map_count && s[i]->vm_end <= end)
        update_hiwater_vm(mm);
    while (j < mm->map_count && s[j]->vm_end <= end)
        vma_free(mm, s[j++]);
    if (j == i)
        return;                 /* nothing in the range (the array may not exist yet) */
    memmove(&s[i], &s[j], (mm->map_count - j) * sizeof *s);
    mm->map_count -= (uint32_t)(j - i);
    mm->vma_index.cache = 0;
}

void vma_destroy_all(struct mm_struct *mm)
{
    for (size_t i = 0; i < mm->map_count; i++)
        vma_free(mm, mm->vma_index.slot[i]);
    free(mm->vma_index.slot);
    memset(&mm->vma_index, 0, sizeof mm->vma_index);
    mm->map_count = 0;
}

/* is_mergeable_vma + is_mergeable_anon_vma + can_vma_merge_after: b
 * continues a in address, flags, backing and offset (an anonymous VMA's
 * vm_pgoff is its first address's page number, kept when mremap moves a
 * faulted-in one: it merges with nothing at its new place but its own). */
static int vma_mergeable(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
    if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file)
        return 0;
    if (a->vm_name != b->vm_name)
        return 0;
    if (a->vm_ops && a->vm_ops->close)
        return 0;                       /* is_mergeable_vma: a close hook never merges */
    if (a->anon_vma && b->anon_vma && a->anon_vma != b->anon_vma)
        return 0;
    uint32_t a_len = a->vm_end - a->vm_start;
    if (b->vm_pgoff != a->vm_pgoff + (a_len >> PAGE_SHIFT))
        return 0;
    /* file-backed: no bss hole before b */
    return !a->vm_file || a->vm_file_bytes >= a_len;
}

/* The lower of two merged VMAs keeps its object (it keeps its start, as
 * vma_merge expanding prev); the upper one is freed (the caller drops its
 * slot). */
static void vma_absorb(struct mm_struct *mm, struct vm_area_struct *a, struct vm_area_struct *b)
{
    if (a->vm_file)
        a->vm_file_bytes += b->vm_file_bytes;
    if (!a->anon_vma && b->anon_vma) {
        a->anon_vma = b->anon_vma;
        anon_vma_clone(mm, a);
    }
    a->vm_end = b->vm_end;
    vma_free(mm, b);
}

/* Drop slot i + 1 (its VMA just absorbed into slot i's). */
static void absorb_next(struct mm_struct *mm, size_t i)
{
    struct vm_area_struct **s = mm->vma_index.slot;
    vma_absorb(mm, s[i], s[i + 1]);
    memmove(&s[i + 1], &s[i + 2], (mm->map_count - i - 2) * sizeof *s);
    mm->map_count--;
    mm->vma_index.cache = 0;
}

/*
 * is_mergeable_anon_vma(r->anon_vma, n->anon_vma, n) for r, the range
 * being made or changed, and n, the neighbour it would join: equal
 * anon_vmas, or r without one when n's chain is singular (list_is_singular:
 * not a fork's copy, whose chain links its ancestors: "mmap: avoid merging
 * cloned VMAs").  A faulted r never joins an unfaulted n.
 */
static int joins(struct mm_struct *mm, const struct vm_area_struct *r,
                 const struct vm_area_struct *n)
{
    return r->anon_vma == n->anon_vma || (!r->anon_vma && !anon_vma_forked(mm->k, n->anon_vma));
}

struct vm_area_struct *vma_merge_changed(struct mm_struct *mm, struct vm_area_struct *v)
{
    struct vm_area_struct **s = mm->vma_index.slot;
    size_t i = vma_pos(mm, v);
    struct vm_area_struct *prev = i ? s[i - 1] : NULL;
    struct vm_area_struct *next = i + 1 < mm->map_count ? s[i + 1] : NULL;
    int with_prev = prev && vma_mergeable(prev, v) && joins(mm, v, prev);
    int with_next = next && vma_mergeable(v, next) && joins(mm, v, next);
    if (with_prev) {
        /* cases 1 and 6 only when prev's and next's anon_vmas agree
         * (is_mergeable_anon_vma(prev, next, NULL)); else 2, 5, 7 */
        if (with_next && (!prev->anon_vma || !next->anon_vma || prev->anon_vma == next->anon_vma))
            absorb_next(mm, i);
        absorb_next(mm, i - 1);
        return prev;
    }
    if (with_next)                              /* cases 3, 4, 8 */
        absorb_next(mm, i);
    return v;
}

/*
 * 6.1's mremap grows a VMA in place with vma_merge(mm, vma, old_end,
 * new_end, ..., vma->anon_vma, ...): vma is prev, so the grown VMA only
 * takes in the next one, when it now abuts it and can_vma_merge_before(next,
 * vma->anon_vma) holds (joins: a grown VMA that has an anon_vma never takes
 * in a next that has none; an unfaulted one takes in a faulted next).
 */
void vma_merge_grown(struct mm_struct *mm, struct vm_area_struct *v)
{
    size_t i = vma_pos(mm, v);
    if (i + 1 < mm->map_count && vma_mergeable(v, mm->vma_index.slot[i + 1]) &&
        joins(mm, v, mm->vma_index.slot[i + 1]))
        absorb_next(mm, i);
}

struct vm_area_struct *vma_modify_flags(struct mm_struct *mm, struct vm_area_struct *v,
                                        uint32_t lo, uint32_t hi, uint32_t flags)
{
    if (flags == v->vm_flags)
        return v;
    if (vma_split_at(mm, lo) || vma_split_at(mm, hi))
        return NULL;
    v = vma_lookup(mm, lo);
    v->vm_flags = flags;
    mm_report_vma(mm, VMA_OP_PROTECT, v);
    return vma_merge_changed(mm, v);
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint32_t addr)
{
    struct vm_area_struct *v = find_vma(mm, addr);
    return v && v->vm_start <= addr ? v : NULL;
}

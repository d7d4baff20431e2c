/*
 * rmap.c — anon_vma objects (Linux mm/rmap.c's anon_vma_prepare,
 * anon_vma_clone, anon_vma_fork, unlink_anon_vmas).
 *
 * An anon_vma is an object of the "anon_vma" cache, its kernel address the
 * identity vm_area_struct.anon_vma holds; every VMA that holds one also
 * holds an anon_vma_chain (the "anon_vma_chain" cache, 32 bytes on i386:
 * vma, anon_vma, same_vma list, rb node, rb_subtree_last) linking the two.
 * The object in modelled RAM holds two words: its reference count (Linux's
 * degree: the chains pointing at it, plus the anon_vmas fork made from it)
 * and its parent (0: a root).  The last reference frees it and drops the
 * one it held on its parent.  A split or a copy of a VMA clones its chain
 * (__split_vma, copy_vma); a merge keeps the lower VMA's.
 *
 * fork (anon_vma_fork): the child's copy of a VMA gets an anon_vma of its
 * own whose parent is the parent VMA's, as in Linux, where the child's
 * chain then links both.  The model keeps one chain object per VMA and the
 * rest of the chain as the parent links: the pages a child maps are owned
 * (page->mapping) by its own anon_vma or an ancestor (anon_vma_owns), and
 * a forked VMA's chain is never singular, which the merge rules look at
 * (is_mergeable_anon_vma, reusable_anon_vma: anon_vma_forked).  Linux 6.1
 * may reuse an ancestor that no VMA uses any more as the child's own; the
 * model always makes a new one.
 */
#include "kernel-model/vma.h"

/* The anon_vma's two words, in its object (lowmem: direct-mapped). */
static uint32_t *anon_vma_refs(struct kernel *k, uint32_t anon_vma)
{
    return (uint32_t *)(void *)(k->pm.base + (anon_vma - PAGE_OFFSET));
}

static uint32_t *anon_vma_parent(struct kernel *k, uint32_t anon_vma)
{
    return anon_vma_refs(k, anon_vma) + 1;
}

int anon_vma_forked(struct kernel *k, uint32_t anon_vma)
{
    return anon_vma && *anon_vma_parent(k, anon_vma) != 0;
}

int anon_vma_owns(struct kernel *k, uint32_t owner, uint32_t anon_vma)
{
    for (; anon_vma; anon_vma = *anon_vma_parent(k, anon_vma))
        if (anon_vma == owner)
            return 1;
    return 0;
}

/* A new anon_vma with no reference yet (anon_vma_alloc); 0: no memory. */
static uint32_t anon_vma_alloc(struct kernel *k, uint32_t parent)
{
    uint32_t av = kmem_cache_alloc(&k->slab, k->slab.anon_vma_cachep);
    if (av) {
        *anon_vma_refs(k, av) = 0;
        *anon_vma_parent(k, av) = parent;
    }
    return av;
}

/* put_anon_vma: the last reference frees it, then its hold on its parent. */
static void put_anon_vma(struct kernel *k, uint32_t av)
{
    while (av && !--*anon_vma_refs(k, av)) {
        uint32_t parent = *anon_vma_parent(k, av);
        kmem_cache_free(&k->slab, k->slab.anon_vma_cachep, av);
        av = parent;
    }
}

/* anon_vma_compatible: flags may differ in rights only. */
static int anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
    return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
           !((a->vm_flags ^ b->vm_flags) & ~(VM_READ | VM_WRITE | VM_EXEC)) &&
           b->vm_pgoff == a->vm_pgoff + ((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}

/* find_mergeable_anon_vma: the next VMA's, else the previous one's, when
 * that VMA's chain is singular (reusable_anon_vma: not a fork's copy). */
static uint32_t mergeable_anon_vma(struct mm_struct *mm, const struct vm_area_struct *vma)
{
    const struct vm_area_struct *next = vma_next(mm, vma), *prev = vma_prev(mm, vma);
    if (next && next->anon_vma && anon_vma_compatible(vma, next) &&
        !anon_vma_forked(mm->k, next->anon_vma))
        return next->anon_vma;
    if (prev && prev->anon_vma && anon_vma_compatible(prev, vma) &&
        !anon_vma_forked(mm->k, prev->anon_vma))
        return prev->anon_vma;
    return 0;
}

int anon_vma_prepare(struct mm_struct *mm, struct vm_area_struct *vma)
{
    struct slab_caches *sc = &mm->k->slab;
    if (vma->anon_vma)
        return 0;
    uint32_t avc = kmem_cache_alloc(sc, sc->anon_vma_chain_cachep);   /* first, as 6.1 */
    uint32_t av = avc ? mergeable_anon_vma(mm, vma) : 0;
    if (avc && !av)
        av = anon_vma_alloc(mm->k, 0);
    if (!av) {
        kmem_cache_free(sc, sc->anon_vma_chain_cachep, avc);
        return -1;
    }
    vma->anon_vma = av;
    vma->avc = avc;
    ++*anon_vma_refs(mm->k, av);
    return 0;
}

void anon_vma_clone(struct mm_struct *mm, struct vm_area_struct *vma)
{
    struct slab_caches *sc = &mm->k->slab;
    vma->avc = 0;
    if (!vma->anon_vma)
        return;
    vma->avc = kmem_cache_alloc(sc, sc->anon_vma_chain_cachep);
    if (!vma->avc) {            /* no memory for the chain: the VMA goes without one */
        vma->anon_vma = 0;
        return;
    }
    ++*anon_vma_refs(mm->k, vma->anon_vma);
}

int anon_vma_fork(struct mm_struct *mm, struct vm_area_struct *vma, uint32_t parent)
{
    struct kernel *k = mm->k;
    vma->anon_vma = vma->avc = 0;
    if (!parent)
        return 0;
    uint32_t av = anon_vma_alloc(k, parent);
    uint32_t avc = av ? kmem_cache_alloc(&k->slab, k->slab.anon_vma_chain_cachep) : 0;
    if (!avc) {
        if (av)
            kmem_cache_free(&k->slab, k->slab.anon_vma_cachep, av);
        return -1;
    }
    ++*anon_vma_refs(k, parent);              /* the child's hold on its parent */
    *anon_vma_refs(k, av) = 1;                /* vma's chain */
    vma->anon_vma = av;
    vma->avc = avc;
    return 0;
}

void unlink_anon_vmas(struct mm_struct *mm, struct vm_area_struct *vma)
{
    struct slab_caches *sc = &mm->k->slab;
    if (!vma->anon_vma)
        return;
    kmem_cache_free(sc, sc->anon_vma_chain_cachep, vma->avc);
    put_anon_vma(mm->k, vma->anon_vma);
    vma->anon_vma = vma->avc = 0;
}

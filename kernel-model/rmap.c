/*
 * rmap.c — anon_vma objects (Linux mm/rmap.c's anon_vma_prepare,
 * anon_vma_clone, unlink_anon_vmas).  fork's copy of a VMA (fork_mm.c)
 * clones the chain like a split does: parent and child VMAs share one
 * anon_vma, which owns every anonymous page either maps (page->mapping).
 *
 * An anon_vma is an object of the "anon_vma" cache, its kernel address the
 * identity vm_area_struct.anon_vma holds; every VMA that holds one also
 * holds an anon_vma_chain (the "anon_vma_chain" cache, 32 bytes on i386:
 * vma, anon_vma, same_vma list, rb node, rb_subtree_last) linking the two.
 * The anon_vma's reference count (Linux's degree: the chains pointing at
 * it) is kept in the object's first word in modelled RAM; the last
 * unlinked chain frees it.  A split or a copy of a VMA clones its chain
 * (__split_vma, copy_vma); a merge keeps the lower VMA's.
 */
#include "kernel-model/vma.h"

/* The anon_vma's reference count, in its object (lowmem: direct-mapped). */
static uint32_t *anon_vma_refs(struct kernel *k, uint32_t anon_vma)
{
    return (uint32_t *)(void *)(k->pm.base + (anon_vma - PAGE_OFFSET));
}

/* anon_vma_compatible: flags may differ in rights only. */
static int anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
    return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
           !((a->vm_flags ^ b->vm_flags) & ~(VM_READ | VM_WRITE | VM_EXEC)) &&
           b->vm_pgoff == a->vm_pgoff + ((b->vm_start - a->vm_start) >> PAGE_SHIFT);
}

/* find_mergeable_anon_vma: the next VMA's, else the previous one's. */
static uint32_t mergeable_anon_vma(struct mm_struct *mm, const struct vm_area_struct *vma)
{
    const struct vm_area_struct *next = vma_next(mm, vma), *prev = vma_prev(mm, vma);
    if (next && next->anon_vma && anon_vma_compatible(vma, next))
        return next->anon_vma;
    if (prev && prev->anon_vma && anon_vma_compatible(prev, vma))
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
    int fresh = avc && !av;
    if (fresh && (av = kmem_cache_alloc(sc, sc->anon_vma_cachep)))
        *anon_vma_refs(mm->k, av) = 0;
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

void unlink_anon_vmas(struct mm_struct *mm, struct vm_area_struct *vma)
{
    struct slab_caches *sc = &mm->k->slab;
    if (!vma->anon_vma)
        return;
    kmem_cache_free(sc, sc->anon_vma_chain_cachep, vma->avc);
    if (!--*anon_vma_refs(mm->k, vma->anon_vma))
        kmem_cache_free(sc, sc->anon_vma_cachep, vma->anon_vma);
    vma->anon_vma = vma->avc = 0;
}

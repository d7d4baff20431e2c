/*
 * mm_check.h — invariants of one process's memory, checked from outside the
 * kernel model (header-only, like the fixtures): the page tables are read
 * straight from RAM, the VMAs through the public walkers.
 *
 *   check_mapcounts  every frame's map count is the number of PTEs naming
 *                    it; no mapped frame is free (PG_buddy, or no
 *                    reference); mm->rss_pages is the PTEs that hold a frame;
 *                    an anonymous page's owner is the mm;
 *   check_vmas       sorted, page aligned, non-empty, non-overlapping, the
 *                    index finds each, and no two neighbours that Linux's
 *                    vma_merge would have merged (is_mergeable_vma,
 *                    is_mergeable_anon_vma and can_vma_merge_after:
 *                    touching, equal vm_flags, the same file and name,
 *                    compatible anon_vmas, contiguous vm_pgoff);
 *   check_mm         both, and buddy_check of the allocator.
 */
#ifndef MEMSIM_MM_CHECK_H
#define MEMSIM_MM_CHECK_H

#include "tests/unit/kernel_fixture.h"
#include "kernel-model/pgtable.h"

#include <stdlib.h>

/* Count one PTE's frame if it maps one (present, or PROT_NONE: kept). */
static inline void count_pte(const struct sys *s, uint64_t pte, uint32_t *maps)
{
    if (!(pte & (_PAGE_PRESENT | _PAGE_PROTNONE)))
        return;
    uint64_t pfn = (pte & PAE_FRAME) >> PAGE_SHIFT;
    CHECK(pfn < s->k.pm.nr_pages);
    if (pfn < s->k.pm.nr_pages)
        maps[pfn]++;
}

/* Every user PTE of the mm, read straight from RAM, counted per frame. */
static inline void walk_user_ptes(const struct sys *s, uint32_t *maps)
{
    uint8_t *ram = s->k.pm.base;
    uint64_t pgd = (uint64_t)s->mm->pgd << PAGE_SHIFT;
    if (fixture_paging == PAGING_2LEVEL) {
        for (uint32_t i = 0; i < (TASK_SIZE >> 22); i++) {
            uint32_t pde = ((uint32_t *)(ram + pgd))[i];
            if (!(pde & _PAGE_PRESENT) || (pde & _PAGE_PSE))
                continue;
            for (uint32_t j = 0; j < 1024; j++)
                count_pte(s, ((uint32_t *)(ram + (pde & _PAGE_FRAME)))[j], maps);
        }
        return;
    }
    for (uint32_t i = 0; i < (TASK_SIZE >> 30); i++) {
        uint64_t pdpte = ((uint64_t *)(ram + pgd))[i];
        if (!(pdpte & _PAGE_PRESENT))
            continue;
        for (uint32_t j = 0; j < 512; j++) {
            uint64_t pde = ((uint64_t *)(ram + (pdpte & PAE_FRAME)))[j];
            if (!(pde & _PAGE_PRESENT) || (pde & _PAGE_PSE))
                continue;
            for (uint32_t k = 0; k < 512; k++)
                count_pte(s, ((uint64_t *)(ram + (pde & PAE_FRAME)))[k], maps);
        }
    }
}

/* Every frame's map count is the number of PTEs naming it, no mapped frame
 * is free, rss is the PTEs holding a frame; a mapped user page says who
 * owns it (anonymous: the mm). */
static inline void check_mapcounts(struct sys *s)
{
    uint32_t *maps = calloc(s->k.pm.nr_pages, sizeof *maps);
    CHECK(maps != NULL);
    if (!maps)
        return;
    walk_user_ptes(s, maps);
    uint64_t ptes = 0;
    for (uint32_t pfn = 0; pfn < s->k.pm.nr_pages; pfn++) {
        const struct page *page = pfn_to_page(&s->k.pm, pfn);
        ptes += maps[pfn];
        if (maps[pfn] && ((page->flags & PG_buddy) || page->_refcount <= 0)) {
            fprintf(stderr, "pfn %#x: %u PTEs name a free frame\n", pfn, maps[pfn]);
            CHECK(!"no frame both free and mapped");
            break;
        }
        if (page_mapcount(page) != (int)maps[pfn]) {
            fprintf(stderr, "pfn %#x: map count %d, %u PTEs\n", pfn, page_mapcount(page),
                    maps[pfn]);
            CHECK(!"map count = PTEs");
            break;
        }
        if (maps[pfn] && (page->flags & PG_anon))
            CHECK(page->mapping == s->mm);
        if (maps[pfn] && (page->flags & PG_zero))
            CHECK(page->mapping == NULL);
    }
    CHECK_EQ(ptes, s->mm->rss_pages);
    free(maps);
}

/* Would Linux's vma_merge have merged b into a (a just below b)? */
static inline int linux_would_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
    if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file ||
        a->vm_name != b->vm_name)
        return 0;
    if (a->anon_vma && b->anon_vma && a->anon_vma != b->anon_vma)
        return 0;                              /* is_mergeable_anon_vma */
    uint32_t a_len = a->vm_end - a->vm_start;
    if (b->vm_pgoff != a->vm_pgoff + (a_len >> PAGE_SHIFT))
        return 0;                              /* anonymous memory too */
    /* the model's bss tail (vm_file_bytes short of the VMA) is a different
     * backing, as Linux's separate anonymous bss VMA */
    return !a->vm_file || a->vm_file_bytes >= a_len;
}

static inline void check_vmas(struct mm_struct *mm)
{
    const struct vm_area_struct *v, *prev = NULL;
    uint32_t n = 0;
    for_each_vma(mm, v) {
        n++;
        CHECK(v->vm_start < v->vm_end && v->vm_end <= TASK_SIZE);
        CHECK(!(v->vm_start & ~PAGE_MASK) && !(v->vm_end & ~PAGE_MASK));
        CHECK(find_vma(mm, v->vm_start) == v && find_vma(mm, v->vm_end - 1) == v);
        if (prev) {
            CHECK(prev->vm_end <= v->vm_start);
            if (linux_would_merge(prev, v)) {
                fprintf(stderr, "VMAs %#x-%#x and %#x-%#x (flags %#x) not merged\n",
                        prev->vm_start, prev->vm_end, v->vm_start, v->vm_end, v->vm_flags);
                CHECK(!"mergeable neighbours merged");
            }
        }
        prev = v;
    }
    CHECK_EQ(n, mm->map_count);
    CHECK(vma_last(mm) == prev);
}

static inline void check_mm(struct sys *s)
{
    char err[256] = "";
    check_vmas(s->mm);
    check_mapcounts(s);
    if (buddy_check(&s->k.pgdat, err, sizeof err)) {
        fprintf(stderr, "buddy_check: %s\n", err);
        CHECK(!"buddy_check");
    }
}

#endif


/*
 * mm_check.c — the invariant checker (see mm_check.h).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel-model/mm_check.h"
#include "kernel-model/pgtable.h"
#include "kernel-model/sched.h"
#include "kernel-model/vma.h"

int linux_would_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
    if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file ||
        a->vm_name != b->vm_name)
        return 0;
    /* Only two unfaulted VMAs are sure to be one: vma_merge joins a range
     * to a neighbour only when the range's anon_vma is NULL or the same
     * (vma_merge_changed), so a faulted range stays apart from an unfaulted
     * neighbour, and that neighbour may later fault in and reuse the same
     * anon_vma (find_mergeable_anon_vma) while the two stay apart. */
    if (a->anon_vma || b->anon_vma)
        return 0;
    uint32_t a_len = a->vm_end - a->vm_start;
    if (b->vm_pgoff != a->vm_pgoff + (a_len >> PAGE_SHIFT))
        return 0;                              /* anonymous memory too */
    /* the model's bss tail (vm_file_bytes short of the VMA) is a different
     * backing, as Linux's separate anonymous bss VMA */
    return !a->vm_file || a->vm_file_bytes >= a_len;
}

static int vma_ok(struct mm_struct *mm, const struct vm_area_struct *v,
                  const struct vm_area_struct *prev, char *err, size_t errlen)
{
    const char *why = NULL;
    if (v->vm_start >= v->vm_end || v->vm_end > TASK_SIZE)
        why = "empty or past TASK_SIZE";
    else if ((v->vm_start | v->vm_end) & ~PAGE_MASK)
        why = "not page aligned";
    else if (find_vma(mm, v->vm_start) != v || find_vma(mm, v->vm_end - 1) != v)
        why = "not found by find_vma";
    else if (prev && prev->vm_end > v->vm_start)
        why = "overlaps the one before";
    else if (prev && !mm->unlocked_by_fork && linux_would_merge(prev, v))
        why = "not merged with the one before, which Linux would merge";
    if (why)
        snprintf(err, errlen, "VMA %#x-%#x (flags %#x): %s", v->vm_start, v->vm_end,
                 v->vm_flags, why);
    return why ? -1 : 0;
}

int mm_check_vmas(struct mm_struct *mm, char *err, size_t errlen)
{
    const struct vm_area_struct *v, *prev = NULL;
    uint32_t n = 0;
    for_each_vma(mm, v) {
        if (vma_ok(mm, v, prev, err, errlen))
            return -1;
        n++;
        prev = v;
    }
    if (n != mm->map_count || vma_last(mm) != prev) {
        snprintf(err, errlen, "%u VMAs in the index, map_count %u", n, mm->map_count);
        return -1;
    }
    return 0;
}

/* Is the anonymous page behind va's PTE owned by the anon_vma of the VMA
 * mapping it, or (a page from before a fork) by one of its ancestors? */
static int anon_owner_ok(struct mm_struct *mm, uint32_t va, const struct page *page)
{
    const struct vm_area_struct *v = vma_lookup(mm, va);
    return !(page->flags & PG_anon) ||
           (v && anon_vma_owns(mm->k, (uint32_t)(uintptr_t)page->mapping, v->anon_vma));
}

/* Count the user PTEs of mm per frame (present or PROT_NONE: kept), from
 * the page tables in RAM, into maps; the PTEs and the zero page's into
 * *ptes and *zero.  -1 for a PTE naming a frame past RAM or an anonymous
 * page its VMA does not own. */
static int count_user_ptes(struct mm_struct *mm, uint32_t *maps, uint64_t *ptes,
                           uint64_t *zero, char *err, size_t errlen)
{
    struct kernel *k = mm->k;
    uint32_t span = 1u << pmd_shift(k);
    for (uint64_t base = 0; base < TASK_SIZE; base += span) {
        if (!pte_offset(mm, (uint32_t)base))
            continue;                            /* no page table here */
        for (uint32_t va = (uint32_t)base; va < base + span; va += PAGE_SIZE) {
            uint64_t v = pte_read(k, pte_offset(mm, va));
            if (!(v & (_PAGE_PRESENT | _PAGE_PROTNONE)))
                continue;
            if (pte_pfn(v) >= k->pm.nr_pages) {
                snprintf(err, errlen, "the PTE of %#x names frame %#x, past RAM", va, pte_pfn(v));
                return -1;
            }
            if (!anon_owner_ok(mm, va, pfn_to_page(&k->pm, pte_pfn(v)))) {
                snprintf(err, errlen, "the PTE of %#x names anonymous frame %#x, not owned by "
                         "its VMA's anon_vma", va, pte_pfn(v));
                return -1;
            }
            maps[pte_pfn(v)]++;
            (*ptes)++;
            *zero += pte_pfn(v) == k->zero_pfn;
        }
    }
    return 0;
}

static int frame_ok(struct kernel *k, uint32_t pfn, uint32_t maps, char *err, size_t errlen)
{
    const struct page *page = pfn_to_page(&k->pm, pfn);
    const char *why = NULL;
    if (maps && ((page->flags & PG_buddy) || page->_refcount < (int)maps))
        why = "mapped but free, or fewer references than mappings";
    else if (page_mapcount(page) != (int)maps)
        why = "map count is not the PTEs naming it";
    else if (maps && (page->flags & PG_zero) && page->mapping)
        why = "the zero page with an owner";
    if (why)
        snprintf(err, errlen, "pfn %#x (map count %d, %u PTEs): %s", pfn, page_mapcount(page),
                 maps, why);
    return why ? -1 : 0;
}

/* mm's own PTEs against its rss counters; every live mm's (k->mms, after
 * fork several may map one frame) against the map counts.  An mm not on
 * the list (none should be) is counted on its own. */
int mm_check_mapcounts(struct mm_struct *mm, char *err, size_t errlen)
{
    struct kernel *k = mm->k;
    uint32_t *maps = calloc(k->pm.nr_pages, sizeof *maps);
    uint64_t ptes = 0, zero = 0, other_ptes = 0, other_zero = 0;
    if (!maps) {
        snprintf(err, errlen, "out of host memory for the check");
        return -1;
    }
    int r = count_user_ptes(mm, maps, &ptes, &zero, err, errlen);
    for (struct list_head *l = k->mms.next; !r && l && l != &k->mms; l = l->next) {
        struct mm_struct *other = container_of(l, struct mm_struct, mmlist);
        if (other != mm)
            r = count_user_ptes(other, maps, &other_ptes, &other_zero, err, errlen);
    }
    for (uint32_t pfn = 0; !r && pfn < k->pm.nr_pages; pfn++)
        r = frame_ok(k, pfn, maps[pfn], err, errlen);
    free(maps);
    if (!r && (ptes != mm->rss_pages || zero != mm->zero_rss)) {
        snprintf(err, errlen, "%llu PTEs (%llu of the zero page), rss_pages %llu, zero_rss %llu",
                 (unsigned long long)ptes, (unsigned long long)zero,
                 (unsigned long long)mm->rss_pages, (unsigned long long)mm->zero_rss);
        r = -1;
    }
    return r;
}

int kernel_check(struct kernel *k, struct mm_struct *mm, char *err, size_t errlen)
{
    if (buddy_check(&k->pgdat, err, errlen) || slab_check(&k->slab, err, errlen) ||
        vmalloc_check(k, err, errlen))
        return -1;
    return mm ? (mm_check_vmas(mm, err, errlen) || mm_check_mapcounts(mm, err, errlen) ? -1 : 0)
              : 0;
}

void kernel_check_after_syscall(struct task_struct *t, const char *name)
{
    char err[256];
    if (task_dead(t) || !kernel_check(t->k, t->mm, err, sizeof err))
        return;
    t->exit_reason = "check-failed";
    task_exit_signal(t, SIGKILL, "memsim: invariant broken after %s: %s", name, err);
}

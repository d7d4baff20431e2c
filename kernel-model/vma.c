/*
 * vma.c — the ordered VMA structure: a sorted array with binary search.
 *
 * A sorted array beats a tree for the few dozen VMAs a process has and keeps
 * iteration trivial; Linux moved from an rbtree to the maple tree for the
 * same cache reasons.  find_vma keeps a one-entry cache of the last hit.
 */
#include <stdlib.h>
#include <string.h>
#include "kernel-model/vma.h"

size_t vma_index(const struct mm_struct *mm, uint32_t addr)
{
    size_t lo = 0, hi = mm->nr_vmas;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mm->vmas[mid].vm_end > addr)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, uint32_t addr)
{
    size_t i = mm->cache;
    if (i < mm->nr_vmas && mm->vmas[i].vm_start <= addr && addr < mm->vmas[i].vm_end)
        return &mm->vmas[i];
    i = vma_index(mm, addr);
    if (i == mm->nr_vmas)
        return NULL;
    mm->cache = i;
    return &mm->vmas[i];
}

/* Room for `extra` more VMAs, within the mm's map-count limit. */
static int vma_reserve(struct mm_struct *mm, size_t extra)
{
    if (mm->nr_vmas + extra > mm->max_map_count)
        return -1;
    if (mm->nr_vmas + extra <= mm->cap_vmas)
        return 0;
    size_t cap = mm->cap_vmas ? mm->cap_vmas * 2 : 16;
    while (cap < mm->nr_vmas + extra)
        cap *= 2;
    struct vm_area_struct *v = realloc(mm->vmas, cap * sizeof *v);
    if (!v)
        return -1;
    mm->vmas = v;
    mm->cap_vmas = cap;
    return 0;
}

long vma_insert(struct mm_struct *mm, const struct vm_area_struct *vma)
{
    if (vma_reserve(mm, 1))
        return -1;
    size_t i = vma_index(mm, vma->vm_start);
    memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nr_vmas - i) * sizeof *vma);
    mm->vmas[i] = *vma;
    if (vma->vm_file)
        vma->vm_file->refs++;
    mm->nr_vmas++;
    mm->cache = i;
    return (long)i;
}

int vma_split_at(struct mm_struct *mm, uint32_t addr)
{
    size_t i = vma_index(mm, addr);
    if (i == mm->nr_vmas || mm->vmas[i].vm_start >= addr)
        return 0;                       /* no VMA straddles addr */
    if (vma_reserve(mm, 1))
        return -1;
    struct vm_area_struct *v = &mm->vmas[i];
    memmove(v + 1, v, (mm->nr_vmas - i) * sizeof *v);
    mm->nr_vmas++;
    struct vm_area_struct *lo = &mm->vmas[i], *hi = &mm->vmas[i + 1];
    uint32_t delta = addr - lo->vm_start;
    lo->vm_end = addr;
    hi->vm_start = addr;
    if (hi->vm_file) {
        hi->vm_file->refs++;
        hi->vm_pgoff += delta >> PAGE_SHIFT;
        hi->vm_file_bytes = hi->vm_file_bytes > delta ? hi->vm_file_bytes - delta : 0;
        lo->vm_file_bytes = lo->vm_file_bytes < delta ? lo->vm_file_bytes : delta;
    }
    return 0;
}

void vma_remove_range(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    size_t i = vma_index(mm, start), j = i;
    while (j < mm->nr_vmas && mm->vmas[j].vm_end <= end) {
        vm_file_put(mm->vmas[j].vm_file);
        j++;
    }
    memmove(&mm->vmas[i], &mm->vmas[j], (mm->nr_vmas - j) * sizeof *mm->vmas);
    mm->nr_vmas -= j - i;
    mm->cache = 0;
}

static int vma_mergeable(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
    if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file)
        return 0;
    if (a->vm_name != b->vm_name)
        return 0;
    if (a->vm_file) {
        /* file-backed: contiguous offsets and no bss hole before b */
        uint32_t a_len = a->vm_end - a->vm_start;
        return b->vm_pgoff == a->vm_pgoff + (a_len >> PAGE_SHIFT) && a->vm_file_bytes >= a_len;
    }
    return 1;
}

void vma_merge_adjacent(struct mm_struct *mm)
{
    size_t out = 0;
    for (size_t i = 0; i < mm->nr_vmas; i++) {
        if (out && vma_mergeable(&mm->vmas[out - 1], &mm->vmas[i])) {
            struct vm_area_struct *a = &mm->vmas[out - 1];
            if (a->vm_file) {
                a->vm_file_bytes += mm->vmas[i].vm_file_bytes;
                vm_file_put(mm->vmas[i].vm_file);
            }
            a->vm_end = mm->vmas[i].vm_end;
            continue;
        }
        mm->vmas[out++] = mm->vmas[i];
    }
    mm->nr_vmas = out;
    mm->cache = 0;
}

/*
 * mmap.c — creating, removing and changing mappings (mm/mmap.c,
 * mm/mprotect.c, the brk system call).
 *
 * Unmapped areas are found top-down from mm->mmap_base, as
 * arch_get_unmapped_area_topdown does for the default i386 layout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/vma.h"

#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

struct vm_file *vm_file_open(int fd, const char *path)
{
    struct vm_file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->fd = dup(fd);
    f->path = strdup(path ? path : "");
    if (f->fd < 0 || !f->path) {
        if (f->fd >= 0)
            close(f->fd);
        free(f->path);
        free(f);
        return NULL;
    }
    f->refs = 1;
    return f;
}

void vm_file_put(struct vm_file *f)
{
    if (!f || --f->refs > 0)
        return;
    vm_file_unhash(f);
    close(f->fd);
    free(f->path);
    free(f);
}

uint32_t vm_flags_to_prot(uint32_t vm_flags)
{
    return vm_flags & (VM_READ | VM_WRITE | VM_EXEC);
}

static uint32_t calc_vm_flags(uint32_t prot, uint32_t flags)
{
    uint32_t vm = (prot & (PROT_READ_ | PROT_WRITE_ | PROT_EXEC_)) |
                  VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
    if (flags & MAP_SHARED_)
        vm |= VM_SHARED;
    if (flags & MAP_GROWSDOWN_)
        vm |= VM_GROWSDOWN;
    return vm;
}

void mm_report_vma(struct mm_struct *mm, const char *op, const struct vm_area_struct *vma)
{
    struct kernel *k = mm->k;
    if (!k->obs.vma)
        return;
    struct vma_event ev = {
        .pid = mm->pid, .op = op, .start = vma->vm_start, .end = vma->vm_end,
        .prot = vm_flags_to_prot(vma->vm_flags), .flags = vma->vm_flags,
        .name = vma->vm_name ? vma->vm_name : vma->vm_file ? vma->vm_file->path : "",
    };
    k->obs.vma(k->obs.ctx, &ev);
}

static void notify_vma_changed(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    if (mm->notifier.vma_changed)
        mm->notifier.vma_changed(mm->notifier.ctx, mm, start, end);
}

static int range_is_free(struct mm_struct *mm, uint32_t start, uint32_t len)
{
    size_t i = vma_index(mm, start);
    return i == mm->nr_vmas || mm->vmas[i].vm_start >= start + len;
}

/* Highest gap of len bytes below mmap_base (top-down search). */
static uint32_t get_unmapped_area_topdown(struct mm_struct *mm, uint32_t len)
{
    uint32_t high = mm->mmap_base;
    size_t j = vma_index(mm, high);          /* VMAs below j end at or below high */
    if (j < mm->nr_vmas && mm->vmas[j].vm_start < high)
        high = mm->vmas[j].vm_start;         /* one straddles mmap_base */
    for (;;) {
        uint32_t low = j > 0 ? mm->vmas[j - 1].vm_end : 0;
        if (low < MMAP_MIN_ADDR)
            low = MMAP_MIN_ADDR;
        if (high >= low && high - low >= len)
            return high - len;
        if (j == 0)
            return 0;
        high = mm->vmas[--j].vm_start;
    }
}

/*
 * The fallback when top-down finds no room: search upwards from
 * TASK_UNMAPPED_BASE (TASK_SIZE / 3) to the top, as
 * arch_get_unmapped_area_topdown does after it fails.
 */
static uint32_t get_unmapped_area_bottomup(struct mm_struct *mm, uint32_t len)
{
    uint32_t low = TASK_UNMAPPED_BASE;
    for (size_t i = vma_index(mm, low); ; i++) {
        uint32_t high = i < mm->nr_vmas ? mm->vmas[i].vm_start : TASK_SIZE;
        if (high > low && high - low >= len)
            return low;
        if (i >= mm->nr_vmas)
            return 0;
        if (mm->vmas[i].vm_end > low)
            low = mm->vmas[i].vm_end;
    }
}

/* Remove [start, end) from the address space: split, zap, drop VMAs. */
static int unmap_region(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    if (vma_split_at(mm, start) || vma_split_at(mm, end))
        return -ENOMEM;
    for (size_t i = vma_index(mm, start); i < mm->nr_vmas && mm->vmas[i].vm_start < end; i++) {
        struct vm_area_struct *v = &mm->vmas[i];
        mm_report_vma(mm, "unmap", v);
        zap_page_range(mm, v->vm_start, v->vm_end, (v->vm_flags & VM_EXEC) != 0);
    }
    vma_remove_range(mm, start, end);
    free_pgtables(mm, start, end);
    return 0;
}

long do_mmap(struct mm_struct *mm, uint32_t addr, uint32_t len, uint32_t prot,
             uint32_t flags, struct vm_file *file, uint32_t pgoff, uint32_t file_bytes,
             const char *name)
{
    if (!len)
        return -EINVAL;
    uint64_t alen = PAGE_ALIGN((uint64_t)len);
    if (alen > TASK_SIZE)
        return -ENOMEM;
    len = (uint32_t)alen;
    if (!(flags & (MAP_SHARED_ | MAP_PRIVATE_)))
        return -EINVAL;
    if (mm->nr_vmas >= mm->max_map_count)
        return -ENOMEM;                      /* before MAP_FIXED unmaps anything */
    if (flags & (MAP_FIXED_ | MAP_FIXED_NOREPLACE_)) {
        if (addr & ~PAGE_MASK)
            return -EINVAL;
    } else {
        /* round_hint_to_min: a hint is rounded down, and one below
         * mmap_min_addr is raised to it (was: rounded up, low hints dropped). */
        addr &= PAGE_MASK;
        if (addr && addr < MMAP_MIN_ADDR)
            addr = MMAP_MIN_ADDR;
    }

    if (flags & (MAP_FIXED_ | MAP_FIXED_NOREPLACE_)) {
        /* get_unmapped_area: past TASK_SIZE is -ENOMEM, then
         * security_mmap_addr: below mmap_min_addr is -EPERM, for FIXED and
         * FIXED_NOREPLACE alike (was: chosen by the flag, not the cause). */
        if ((uint64_t)addr + len > TASK_SIZE)
            return -ENOMEM;
        if (addr < MMAP_MIN_ADDR)
            return -EPERM;
        if (!range_is_free(mm, addr, len)) {
            if (!(flags & MAP_FIXED_))
                return -EEXIST;
            if (unmap_region(mm, addr, addr + len))
                return -ENOMEM;
        }
    } else if (!addr || (uint64_t)addr + len > TASK_SIZE || addr < MMAP_MIN_ADDR ||
               !range_is_free(mm, addr, len)) {
        addr = get_unmapped_area_topdown(mm, len);   /* the hint is only a hint */
        if (!addr)
            addr = get_unmapped_area_bottomup(mm, len);
        if (!addr)
            return -ENOMEM;
    }

    struct vm_area_struct vma = {
        .vm_start = addr, .vm_end = addr + len, .vm_flags = calc_vm_flags(prot, flags),
        .vm_pgoff = pgoff, .vm_file = file, .vm_name = name,
        .vm_file_bytes = file ? (file_bytes < len ? file_bytes : len) : 0,
    };
    if (vma_insert(mm, &vma) < 0)
        return -ENOMEM;
    mm_report_vma(mm, "map", &vma);
    vma_merge_adjacent(mm);
    notify_vma_changed(mm, addr, addr + len);
    return addr;
}

long do_munmap(struct mm_struct *mm, uint32_t start, uint32_t len)
{
    if ((start & ~PAGE_MASK) || start >= TASK_SIZE || len > TASK_SIZE - start)
        return -EINVAL;
    if (!len)
        return -EINVAL;
    uint32_t end = (uint32_t)PAGE_ALIGN((uint64_t)start + len);
    if (unmap_region(mm, start, end))
        return -ENOMEM;
    notify_vma_changed(mm, start, end);
    return 0;
}

long do_mprotect(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t prot)
{
    /* PROT_SEM is accepted and means nothing on x86; PROT_GROWSDOWN extends
     * the range down to the start of a VM_GROWSDOWN VMA (mm/mprotect.c). */
    uint32_t grows = prot & (PROT_GROWSDOWN_ | PROT_GROWSUP_);
    prot &= ~(uint32_t)(PROT_SEM_ | PROT_GROWSDOWN_ | PROT_GROWSUP_);
    if ((start & ~PAGE_MASK) || grows == (PROT_GROWSDOWN_ | PROT_GROWSUP_) || (grows & PROT_GROWSUP_))
        return -EINVAL;
    if (prot & ~(uint32_t)(PROT_READ_ | PROT_WRITE_ | PROT_EXEC_))
        return -EINVAL;
    if (grows) {
        struct vm_area_struct *v = find_vma(mm, start);
        if (!v || v->vm_start > start || !(v->vm_flags & VM_GROWSDOWN))
            return v && v->vm_start <= start ? -EINVAL : -ENOMEM;
        len += start - v->vm_start;
        start = v->vm_start;
    }
    uint64_t end64 = PAGE_ALIGN((uint64_t)start + len);
    if (end64 > TASK_SIZE)
        return -ENOMEM;
    uint32_t end = (uint32_t)end64;
    if (start == end)
        return 0;
    /* The whole range must be mapped, without holes. */
    uint32_t at = start;
    for (size_t i = vma_index(mm, start); at < end; i++) {
        if (i >= mm->nr_vmas || mm->vmas[i].vm_start > at)
            return -ENOMEM;
        at = mm->vmas[i].vm_end;
    }
    if (vma_split_at(mm, start) || vma_split_at(mm, end))
        return -ENOMEM;
    for (size_t i = vma_index(mm, start); i < mm->nr_vmas && mm->vmas[i].vm_start < end; i++) {
        struct vm_area_struct *v = &mm->vmas[i];
        v->vm_flags = (v->vm_flags & ~(uint32_t)(VM_READ | VM_WRITE | VM_EXEC)) | prot;
        mm_report_vma(mm, "protect", v);
        change_protection(mm, v->vm_start, v->vm_end, v->vm_flags);
    }
    vma_merge_adjacent(mm);
    notify_vma_changed(mm, start, end);
    return 0;
}

/* brk(2): grow or shrink the heap VMA; returns the resulting break. */
uint32_t do_brk(struct mm_struct *mm, uint32_t newbrk)
{
    if (newbrk < mm->start_brk)
        return mm->brk;
    uint32_t old_end = PAGE_ALIGN(mm->brk), new_end = PAGE_ALIGN((uint64_t)newbrk);
    if (new_end < old_end) {
        if (unmap_region(mm, new_end, old_end))
            return mm->brk;
        notify_vma_changed(mm, new_end, old_end);
    } else if (new_end > old_end) {
        if (new_end > TASK_SIZE)
            return mm->brk;
        /* As Linux's brk: the next mapping must start at least a page above
         * the new break (newbrk + PAGE_SIZE > vm_start_gap(next) refuses),
         * a growing stack its guard gap further.  (Was: any free range up
         * to the next mapping, so the heap could end flush against it.) */
        size_t i = vma_index(mm, old_end);
        if (i < mm->nr_vmas) {
            uint64_t gap_start = mm->vmas[i].vm_start;
            if (mm->vmas[i].vm_flags & VM_GROWSDOWN)
                gap_start = gap_start > STACK_GUARD_GAP ? gap_start - STACK_GUARD_GAP : 0;
            if ((uint64_t)new_end + PAGE_SIZE > gap_start)
                return mm->brk;
        }
        struct vm_area_struct vma = {
            .vm_start = old_end, .vm_end = new_end,
            .vm_flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC,
            .vm_name = "[heap]",
        };
        if (vma_insert(mm, &vma) < 0)
            return mm->brk;
        mm_report_vma(mm, "brk", &vma);
        vma_merge_adjacent(mm);
        notify_vma_changed(mm, old_end, new_end);
    }
    mm->brk = newbrk;
    return newbrk;
}

/* madvise advice values (asm-generic/mman-common.h) */
#define MADV_DONTNEED_ 4u
#define MADV_FREE_     8u

static int madvise_behavior_valid(uint32_t advice)
{
    return advice <= 4 || (advice >= 8 && advice <= 23 && advice != 14 && advice != 15) ||
           advice == 14 || advice == 15 || advice == 100 || advice == 101;
}

/*
 * madvise(2) (mm/madvise.c): the range must be mapped without holes
 * (-ENOMEM otherwise).  MADV_DONTNEED and MADV_FREE drop the private pages
 * of the range, so the next touch demand-zeroes (anonymous) or re-reads the
 * file; shared pages keep their contents, as shmem would.  Other advice
 * changes nothing the model tracks yet.
 */
long do_madvise(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t advice)
{
    if ((start & ~PAGE_MASK) || !madvise_behavior_valid(advice))
        return -EINVAL;
    uint64_t end64 = PAGE_ALIGN((uint64_t)start + len);
    if (end64 > TASK_SIZE)
        return -EINVAL;
    uint32_t end = (uint32_t)end64, at = start;
    if (start == end)
        return 0;
    for (size_t i = vma_index(mm, start); at < end; i++) {
        if (i >= mm->nr_vmas || mm->vmas[i].vm_start > at)
            return -ENOMEM;
        at = mm->vmas[i].vm_end;
    }
    if (advice != MADV_DONTNEED_ && advice != MADV_FREE_)
        return 0;
    for (size_t i = vma_index(mm, start); i < mm->nr_vmas && mm->vmas[i].vm_start < end; i++) {
        struct vm_area_struct *v = &mm->vmas[i];
        if (v->vm_flags & VM_SHARED)
            continue;
        uint32_t lo = v->vm_start > start ? v->vm_start : start;
        uint32_t hi = v->vm_end < end ? v->vm_end : end;
        zap_page_range(mm, lo, hi, (v->vm_flags & VM_EXEC) != 0);
    }
    if (mm->notifier.range_zapped)
        mm->notifier.range_zapped(mm->notifier.ctx, mm, start, end);
    return 0;
}

/*
 * fuzz_syscall.c — libFuzzer target for the memory system calls of the
 * kernel model: do_mmap, do_munmap, do_mprotect, do_madvise, do_brk,
 * do_mremap, do_mincore, do_msync, the mlock family, page faults and
 * copy_to_user / copy_from_user, on the address space of one task
 * (kernel-model/sched.h), brk through syscall_dispatch as the engine calls
 * it (no Unicorn: the MMU model and the kernel model only, booted as
 * tests/unit/kernel_fixture.h boots them).
 *
 * Each input is a boot choice (paging mode, RAM size) and a sequence of
 * calls whose arguments are decoded from the bytes, biased towards the
 * edges where 32-bit arithmetic goes wrong (0, 0xfff, 0xfffff000,
 * 0xffffffff, TASK_SIZE, near 0xc0000000, VMA boundaries, the break).  After
 * every call the address space is checked, and a violation aborts (libFuzzer
 * saves the input):
 *
 *   - the buddy allocator is sound (buddy_check), the slab caches too (slab_check);
 *   - VMAs are sorted, disjoint, page aligned, non-empty, inside
 *     [mmap_min_addr, TASK_SIZE), at most max_map_count of them;
 *   - every user PTE in use lies inside a VMA, names a frame inside RAM,
 *     and rss_pages / pgtable_pages count exactly the PTEs and page tables;
 *   - the break never goes below start_brk and the heap stays mapped;
 *   - each result is one Linux can give for those arguments (the length
 *     rules of an i386 kernel: tests/unit/test_wrap.c states them one by one);
 *   - copy_to_user then copy_from_user of the same range read back the bytes;
 *   - a successful mremap maps its result and the pages it keeps have the
 *     frames they had (moved, not copied); mincore's bytes are the PTEs;
 *
 * and at tear-down (task_free, then shrinking every slab cache) every frame is back (free pages equal the boot count)
 * and the zero page has its one reference.
 *
 * Build and run: tests/fuzz/README.md.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "kernel-model/vma.h"

#define MAX_OPS   64
#define MAX_COPY  (3 * PAGE_SIZE)

struct input {
    const uint8_t *p;
    size_t n;
};

struct fz {
    struct mmu mmu;
    struct kernel k;
    struct task_struct *task;            /* the one task; its mm is the one fuzzed */
    uint64_t cycles;                     /* the model clock the kernel reads */
    uint32_t free_at_boot;
    int file_fd;                         /* a small host file for file mappings */
};

static int file_fd = -1;                 /* made once, shared by every run */

static void violated(const char *what, uint32_t a, uint32_t b)
{
    fprintf(stderr, "fuzz_syscall: invariant violated: %s (0x%08x, 0x%08x)\n", what, a, b);
    abort();
}

static uint8_t take8(struct input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static uint32_t take32(struct input *in)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)take8(in) << (8 * i);
    return v;
}

/* A 32-bit value biased to the edges of the address space and of the mm:
 * one selector byte, then a small delta or a raw word. */
static uint32_t take_addr(struct input *in, struct mm_struct *mm)
{
    static const uint32_t edges[] = {
        0, 1, 0xfff, PAGE_SIZE, PAGE_SIZE + 1, 2 * PAGE_SIZE, MMAP_MIN_ADDR, ELF_TEXT_BASE,
        0x20000000u, TASK_UNMAPPED_BASE, 0x7fffffffu, 0x80000000u, MMAP_BASE - PAGE_SIZE,
        MMAP_BASE, 0xbfffe000u, 0xbffff000u, TASK_SIZE, TASK_SIZE + PAGE_SIZE,
        0xffffe000u, 0xfffff000u, 0xfffff001u, 0xffffffffu, 0x7ffff000u, 0x00400000u,
    };
    const size_t nedges = sizeof edges / sizeof edges[0];
    uint8_t sel = take8(in);
    uint32_t delta = (uint32_t)(int8_t)take8(in) * PAGE_SIZE;
    if (sel < nedges)
        return edges[sel];
    if (sel < 2 * nedges)
        return edges[sel - nedges] + delta;
    if (sel < 0x60 && mm->map_count) {          /* a VMA boundary, +- pages */
        const struct vm_area_struct *v = vma_first(mm);
        for (size_t n = (sel - 2 * nedges) % mm->map_count; n; n--)
            v = vma_next(mm, v);
        return ((sel & 1) ? v->vm_end : v->vm_start) + delta;
    }
    if (sel < 0x70)
        return mm->brk + delta;
    if (sel < 0xb0)
        return (uint32_t)(sel - 0x70 + 1) * PAGE_SIZE;  /* small lengths in pages */
    if (sel < 0xc0)
        return (uint32_t)(sel - 0xb0 + 1) * PAGE_SIZE - 1 + (uint32_t)take8(in) % 3;
    return take32(in);
}

static int boot(struct fz *f, struct input *in)
{
    char err[256] = "";
    uint8_t b = take8(in);
    enum paging_mode mode = (b & 1) ? PAGING_PAE : PAGING_2LEVEL;
    uint64_t ram = (b & 2) ? (16ull << 20) : (5ull << 20);  /* small: OOM is reachable */

    memset(f, 0, sizeof *f);
    struct kernel_config cfg = { .ram_bytes = ram, .paging = mode, .mmu = &f->mmu };
    if (mmu_init(&f->mmu, NULL, 0) || kernel_boot(&f->k, &cfg, err, sizeof err)) {
        fprintf(stderr, "fuzz_syscall: boot: %s\n", err);
        abort();
    }
    f->free_at_boot = nr_free_pages(&f->k.pgdat);
    f->k.clock = (struct kernel_clock){ .cycles = &f->cycles, .hz = 1000000000u,
                                        .timer_cycle = UINT64_MAX };
    f->task = task_alloc(&f->k, 1, "fuzz");
    if (!f->task || !(f->task->mm = mm_alloc(&f->k, 1)))
        abort();
    mmu_write_cr3(&f->mmu, f->task->mm->pgd << PAGE_SHIFT);
    f->file_fd = file_fd;

    /* A process image as emu/exec.c lays it out: text, data, the break
     * above it, and the stack under TASK_SIZE. */
    struct mm_struct *mm = f->task->mm;
    long r1 = do_mmap(mm, ELF_TEXT_BASE, 4 * PAGE_SIZE, PROT_READ_ | PROT_EXEC_,
                      MAP_PRIVATE_ | MAP_FIXED_ | MAP_ANONYMOUS_, NULL, 0, 0, NULL);
    long r2 = do_mmap(mm, ELF_TEXT_BASE + 4 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ_ | PROT_WRITE_,
                      MAP_PRIVATE_ | MAP_FIXED_ | MAP_ANONYMOUS_, NULL, 0, 0, NULL);
    long r3 = do_mmap(mm, STACK_TOP - 32 * PAGE_SIZE, 32 * PAGE_SIZE, PROT_READ_ | PROT_WRITE_,
                      MAP_PRIVATE_ | MAP_FIXED_ | MAP_ANONYMOUS_ | MAP_GROWSDOWN_, NULL, 0, 0,
                      "[stack]");
    if (r1 < 0 || r2 < 0 || r3 < 0)
        abort();
    mm->start_brk = mm->brk = ELF_TEXT_BASE + 6 * PAGE_SIZE + ((b & 4) ? 0 : 16 * PAGE_SIZE);
    return 0;
}

/* ---- invariants ---- */

static void check_vmas(struct mm_struct *mm)
{
    if (mm->map_count > mm->max_map_count)
        violated("more VMAs than max_map_count", mm->map_count, mm->max_map_count);
    const struct vm_area_struct *v, *prev = NULL;
    uint32_t n = 0;
    for_each_vma(mm, v) {
        n++;
        if ((v->vm_start | v->vm_end) & ~PAGE_MASK)
            violated("VMA not page aligned", v->vm_start, v->vm_end);
        if (v->vm_start >= v->vm_end)
            violated("empty or inverted VMA", v->vm_start, v->vm_end);
        if (v->vm_end > TASK_SIZE || v->vm_start < MMAP_MIN_ADDR)
            violated("VMA outside [mmap_min_addr, TASK_SIZE)", v->vm_start, v->vm_end);
        if (prev && prev->vm_end > v->vm_start)
            violated("VMAs unsorted or overlapping", prev->vm_end, v->vm_start);
        if (find_vma(mm, v->vm_start) != v || vma_prev(mm, v) != prev)
            violated("the VMA index does not find a VMA", v->vm_start, v->vm_end);
        prev = v;
    }
    if (n != mm->map_count)
        violated("map_count is not the number of VMAs", n, mm->map_count);
    if (mm->brk < mm->start_brk)
        violated("brk below start_brk", mm->brk, mm->start_brk);
}

static int in_vma(struct mm_struct *mm, uint32_t va)
{
    return vma_lookup(mm, va) != NULL;
}

/* Is every byte of [start, end) inside VMAs (no hole)? */
static int range_mapped(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    for (const struct vm_area_struct *v = find_vma(mm, start); start < end; v = vma_next(mm, v)) {
        if (!v || v->vm_start > start)
            return 0;
        start = v->vm_end;
    }
    return 1;
}

/* Is no byte of [start, end) inside a VMA? */
static int range_unmapped(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    const struct vm_area_struct *v = find_vma(mm, start);
    return !v || v->vm_start >= end;
}

/* Every user page table and PTE, read straight from RAM. */
static void check_pgtables(struct fz *f)
{
    struct kernel *k = &f->k;
    struct mm_struct *mm = f->task->mm;
    unsigned shift = pmd_shift(k);
    uint64_t rss = 0, tables = 0;
    for (uint32_t i = 0; i < (TASK_SIZE >> shift); i++) {
        uint32_t lo = i << shift;
        pte_t *pmd;
        if (pgtable_pae(k)) {
            uint64_t pdpte = pte_read(k, pt_entry(k, mm->pgd, pae_pdpt_index(lo)));
            if (!(pdpte & _PAGE_PRESENT) || pte_pfn(pdpte) >= k->pm.nr_pages)
                violated("user PDPTE missing or past RAM", lo, (uint32_t)pdpte);
            pmd = pt_entry(k, pte_pfn(pdpte), pae_pmd_index(lo));
        } else {
            pmd = pt_entry(k, mm->pgd, pgd_index(lo));
        }
        uint64_t pde = pte_read(k, pmd);
        if (!(pde & _PAGE_PRESENT))
            continue;
        if ((pde & _PAGE_PSE) || pte_pfn(pde) >= k->pm.nr_pages)
            violated("user PDE large or past RAM", lo, (uint32_t)pde);
        tables++;
        uint32_t n = 1u << (shift - PAGE_SHIFT);
        for (uint32_t j = 0; j < n; j++) {
            uint32_t va = lo + (j << PAGE_SHIFT);
            uint64_t v = pte_read(k, pt_entry(k, pte_pfn(pde), j));
            if (!(v & (_PAGE_PRESENT | _PAGE_PROTNONE)))
                continue;
            rss++;
            if (pte_pfn(v) >= k->pm.nr_pages)
                violated("PTE names a frame past RAM", va, pte_pfn(v));
            if (!in_vma(mm, va))
                violated("PTE outside every VMA", va, (uint32_t)v);
            if (pfn_to_page(&k->pm, pte_pfn(v))->_refcount < 1)
                violated("PTE names a free frame", va, pte_pfn(v));
        }
    }
    if (rss != mm->rss_pages)
        violated("rss_pages differs from the PTEs in use", (uint32_t)rss, (uint32_t)mm->rss_pages);
    if (tables != mm->pgtable_pages)
        violated("pgtable_pages differs from the page tables", (uint32_t)tables,
                 (uint32_t)mm->pgtable_pages);
}

static void check_all(struct fz *f)
{
    char err[256];
    if (buddy_check(&f->k.pgdat, err, sizeof err)) {
        fprintf(stderr, "fuzz_syscall: buddy_check: %s\n", err);
        abort();
    }
    if (slab_check(&f->k.slab, err, sizeof err)) {
        fprintf(stderr, "fuzz_syscall: slab_check: %s\n", err);
        abort();
    }
    check_vmas(f->task->mm);
    check_pgtables(f);
}

/* ---- the calls, and what Linux would answer ---- */

static int is_errno(long r, int e) { return r == -(long)e; }

static void op_mmap(struct fz *f, struct input *in)
{
    struct mm_struct *mm = f->task->mm;
    uint32_t addr = take_addr(in, mm), len = take_addr(in, mm);
    uint32_t prot = take8(in) & 0x0f;
    uint8_t fb = take8(in);
    /* MAP_SHARED/PRIVATE/both/none, FIXED, ANONYMOUS, GROWSDOWN, NOREPLACE */
    uint32_t flags = (fb & 3u) | ((fb & 4u) ? MAP_FIXED_ : 0) |
                     ((fb & 8u) ? 0 : MAP_ANONYMOUS_) | ((fb & 16u) ? MAP_GROWSDOWN_ : 0) |
                     ((fb & 32u) ? MAP_FIXED_NOREPLACE_ : 0);
    uint32_t pgoff = (fb & 64u) ? take32(in) : take8(in);
    struct vm_file *file = NULL;
    if (!(flags & MAP_ANONYMOUS_)) {
        if (f->file_fd < 0)
            return;
        if (!(file = vm_file_open(f->file_fd, "/fuzz")))
            abort();
    }
    size_t before = mm->map_count;
    long r = do_mmap(mm, addr, len, prot, flags, file, pgoff, len, NULL);
    vm_file_put(file);

    uint32_t alen = (len + PAGE_SIZE - 1) & PAGE_MASK;    /* the 32-bit PAGE_ALIGN */
    if (len && !alen && !is_errno(r, ENOMEM))
        violated("mmap of a length aligning to 0 is not -ENOMEM", len, (uint32_t)r);
    if (!len && !is_errno(r, EINVAL))
        violated("mmap of length 0 is not -EINVAL", len, (uint32_t)r);
    if (r >= 0 && r < 0x1000)
        violated("mmap returned a small non-error", addr, (uint32_t)r);
    if (r < 0) {
        if (r < -4095)
            violated("mmap returned an address as a negative long", addr, (uint32_t)r);
        if (!(flags & MAP_FIXED_) && mm->map_count != before)
            violated("a failed mmap changed the VMAs", (uint32_t)before, mm->map_count);
        return;
    }
    uint32_t a = (uint32_t)r;
    if (a & ~PAGE_MASK || a < MMAP_MIN_ADDR || alen > TASK_SIZE || a > TASK_SIZE - alen)
        violated("mmap result outside user space", a, alen);
    if ((flags & (MAP_FIXED_ | MAP_FIXED_NOREPLACE_)) && a != addr)
        violated("MAP_FIXED mapped elsewhere", addr, a);
    if (!range_mapped(mm, a, a + alen))
        violated("mmap result not covered by VMAs", a, alen);
}

static void op_munmap(struct fz *f, struct input *in)
{
    uint32_t start = take_addr(in, f->task->mm), len = take_addr(in, f->task->mm);
    long r = do_munmap(f->task->mm, start, len);
    if (len > TASK_SIZE - (start > TASK_SIZE ? TASK_SIZE : start) && !is_errno(r, EINVAL))
        violated("munmap past TASK_SIZE is not -EINVAL", start, len);
    if (r == 0 && !range_unmapped(f->task->mm, start, start + ((len + PAGE_SIZE - 1) & PAGE_MASK)))
        violated("munmap left a page mapped", start, len);
}

static void op_mprotect(struct fz *f, struct input *in)
{
    uint32_t start = take_addr(in, f->task->mm), len = take_addr(in, f->task->mm);
    uint32_t prot = take8(in);
    prot = (prot & 0x1f) | ((prot & 0x20) ? PROT_GROWSDOWN_ : 0) | ((prot & 0x40) ? PROT_GROWSUP_ : 0);
    long r = do_mprotect(f->task->mm, start, len, prot);
    uint32_t alen = (len + PAGE_SIZE - 1) & PAGE_MASK;
    int both = (prot & (PROT_GROWSDOWN_ | PROT_GROWSUP_)) == (PROT_GROWSDOWN_ | PROT_GROWSUP_);
    if (!both && !(start & ~PAGE_MASK) && len && start + alen <= start && !is_errno(r, ENOMEM))
        violated("mprotect of a wrapping range is not -ENOMEM", start, len);
    if (r != 0 && r != -EINVAL && r != -ENOMEM && r != -EACCES)
        violated("mprotect gave an errno Linux does not", start, (uint32_t)r);
}

static void op_madvise(struct fz *f, struct input *in)
{
    uint32_t start = take_addr(in, f->task->mm), len = take_addr(in, f->task->mm);
    uint8_t a = take8(in);
    uint32_t advice = a < 0xf0 ? a % 26u : 100u + (a & 1u);
    long r = do_madvise(f->task->mm, start, len, advice);
    uint32_t alen = (len + PAGE_SIZE - 1) & PAGE_MASK;
    if (((len && !alen) || start + alen < start) && !is_errno(r, EINVAL))
        violated("madvise of a wrapping length is not -EINVAL (i386)", start, len);
    if (r != 0 && r != -EINVAL && r != -ENOMEM)
        violated("madvise gave an errno Linux does not", start, (uint32_t)r);
}

static void op_brk(struct fz *f, struct input *in)
{
    struct mm_struct *mm = f->task->mm;
    uint32_t old = mm->brk, want = take_addr(in, mm);
    const uint32_t a[6] = { want };
    syscall_set_entry(task_pt_regs(f->task), 45 /* brk */, a);
    uint32_t r = (uint32_t)syscall_dispatch(f->task);
    if (r != old && r != want)
        violated("brk returned neither the old nor the new break", old, r);
    if (r != mm->brk)
        violated("brk result differs from mm->brk", r, mm->brk);
    if (want < mm->start_brk && r != old)
        violated("brk moved below start_brk", want, r);
    if (want > 0xfffff000u && r != old)
        violated("brk to a break whose alignment wraps moved", want, r);
    /* The heap stays mapped when it grew; text and data are never touched
     * by brk (the bug that unmapped them from 0). */
    if (r == want && want > old &&
        !range_mapped(mm, (old + PAGE_SIZE - 1) & PAGE_MASK, (want + PAGE_SIZE - 1) & PAGE_MASK))
        violated("grown heap not mapped", old, want);
}

static void op_touch(struct fz *f, struct input *in)
{
    uint32_t va = take_addr(in, f->task->mm);
    enum mmu_access acc = (enum mmu_access)(take8(in) % 3);
    for (int i = 0; i < 4; i++) {
        uint64_t pa;
        uint32_t ec;
        if (mmu_translate(&f->mmu, va, acc, 1, &pa, &ec) == 0) {
            if (pa >= f->k.pm.size)
                violated("translation past RAM", va, (uint32_t)(pa >> PAGE_SHIFT));
            volatile uint8_t *p = f->k.pm.base + pa;
            if (acc == MMU_WRITE)
                *p = (uint8_t)va;
            else
                (void)*p;
            if (!in_vma(f->task->mm, va))
                violated("an access outside every VMA succeeded", va, (uint32_t)acc);
            return;
        }
        if (do_page_fault(f->task->mm, va, ec, acc, 0x08048000u) != FAULT_OK)
            return;
    }
    violated("fault did not resolve", va, (uint32_t)acc);
}

static void op_copy(struct fz *f, struct input *in)
{
    static uint8_t out[MAX_COPY], back[MAX_COPY];
    uint32_t va = take_addr(in, f->task->mm);
    uint32_t len = ((uint32_t)take8(in) << 5 | take8(in)) % (MAX_COPY + 1);
    uint8_t seed = take8(in);
    for (uint32_t i = 0; i < len; i++)
        out[i] = (uint8_t)(seed + i * 7);
    if (seed & 1) {
        (void)copy_from_user(f->task->mm, back, va, len);
        return;
    }
    if (copy_to_user(f->task->mm, va, out, len))
        return;
    if (len && (va >= TASK_SIZE || len > TASK_SIZE - va))
        violated("copy_to_user past TASK_SIZE succeeded", va, len);
    if (copy_from_user(f->task->mm, back, va, len))
        violated("copy_from_user of a range just written failed", va, len);
    if (memcmp(out, back, len))
        violated("copy_from_user read back other bytes", va, len);
}

static void op_populate(struct fz *f, struct input *in)
{
    uint32_t start = take_addr(in, f->task->mm) & PAGE_MASK;
    uint32_t pages = take8(in) % 64u;
    uint32_t end = start + pages * PAGE_SIZE;
    if (end < start || end > TASK_SIZE)
        return;                           /* callers pass a checked VMA range */
    (void)mm_populate(f->task->mm, start, end);
}

/* The frame (or PFN_NONE) behind each of up to MAX_TRACK pages from va. */
#define MAX_TRACK 64
static uint32_t frame_at(struct fz *f, uint32_t va)
{
    pte_t *pte = va < TASK_SIZE ? pte_offset(f->task->mm, va) : NULL;
    uint64_t v = pte ? pte_read(&f->k, pte) : 0;
    return (v & (_PAGE_PRESENT | _PAGE_PROTNONE)) ? pte_pfn(v) : PFN_NONE;
}

/* mremap: an address or one of its errnos; a success maps the new range and
 * the pages that stay take their frames along (nothing copied, none lost). */
static void op_mremap(struct fz *f, struct input *in)
{
    struct mm_struct *mm = f->task->mm;
    uint32_t addr = take_addr(in, mm), old_len = take_addr(in, mm), new_len = take_addr(in, mm);
    uint8_t fb = take8(in);
    uint32_t flags = (fb & 7u) | ((fb & 0x80u) ? 8u : 0);
    uint32_t new_addr = (fb & 0x40u) ? take_addr(in, mm) : 0;
    if ((fb & 0x38u) == 0x38u)
        new_len = old_len;                        /* DONTUNMAP's one size */
    uint32_t keep = old_len < new_len ? old_len : new_len, frames[MAX_TRACK];
    keep = (keep + PAGE_SIZE - 1) / PAGE_SIZE;
    if (keep > MAX_TRACK)
        keep = MAX_TRACK;
    for (uint32_t i = 0; i < keep; i++)
        frames[i] = (addr & ~PAGE_MASK) ? PFN_NONE : frame_at(f, addr + i * PAGE_SIZE);
    long r = do_mremap(mm, addr, old_len, new_len, flags, new_addr);
    if (r < 0) {
        if (r != -EINVAL && r != -EFAULT && r != -ENOMEM && r != -EPERM && r != -EAGAIN)
            violated("mremap gave an errno Linux does not", addr, (uint32_t)r);
        return;
    }
    uint32_t a = (uint32_t)r, alen = (new_len + PAGE_SIZE - 1) & PAGE_MASK;
    uint32_t olen = (old_len + PAGE_SIZE - 1) & PAGE_MASK;
    /* (a shrink, or the same size in place, is addr unchecked, as Linux) */
    if ((a != addr || alen > olen) &&
        ((a & ~PAGE_MASK) || !alen || a > TASK_SIZE - alen || !range_mapped(mm, a, a + alen)))
        violated("mremap result not mapped", a, alen);
    if ((flags & MREMAP_FIXED_) && a != new_addr)
        violated("MREMAP_FIXED moved elsewhere", new_addr, a);
    for (uint32_t i = 0; i < keep; i++)
        if (frame_at(f, a + i * PAGE_SIZE) != frames[i])
            violated("mremap lost or changed a page's frame", a + i * PAGE_SIZE, frames[i]);
}

static void op_mincore(struct fz *f, struct input *in)
{
    static uint8_t vec[MAX_TRACK];
    uint32_t start = take_addr(in, f->task->mm), len = (take8(in) % (MAX_TRACK + 1)) * PAGE_SIZE;
    len -= len ? take8(in) % PAGE_SIZE : 0;
    uint32_t done;
    long r = do_mincore(f->task->mm, start, len, vec, &done);
    if (r != 0 && r != -EINVAL && r != -ENOMEM)
        violated("mincore gave an errno Linux does not", start, (uint32_t)r);
    if (!r && done != (len + PAGE_SIZE - 1) / PAGE_SIZE)
        violated("mincore wrote other than one byte per page", start, done);
    for (uint32_t i = 0; i < done; i++)
        if (vec[i] != (frame_at(f, start + i * PAGE_SIZE) != PFN_NONE))
            violated("mincore byte differs from the PTE", start + i * PAGE_SIZE, vec[i]);
}

static void op_msync(struct fz *f, struct input *in)
{
    uint32_t start = take_addr(in, f->task->mm), len = take_addr(in, f->task->mm), flags = take8(in) & 0xf;
    long r = do_msync(f->task->mm, start, len, flags);
    if (r != 0 && r != -EINVAL && r != -ENOMEM && r != -EBUSY)
        violated("msync gave an errno Linux does not", start, (uint32_t)r);
    int valid = !(flags & 8) && !(start & ~PAGE_MASK) && (flags & 5) != 5;
    if (valid && !((len + PAGE_SIZE - 1) & PAGE_MASK) && r)
        violated("msync of an empty range failed", start, len);
}

/* mlock, mlock2, munlock, mlockall, munlockall under a limit the input
 * picks (Linux's 8 MiB, 16 pages, or 0: EPERM). */
static void op_mlock(struct fz *f, struct input *in)
{
    struct mm_struct *mm = f->task->mm;
    uint8_t op = take8(in);
    static const uint64_t limits[] = { MLOCK_LIMIT_, 16 * PAGE_SIZE, 0, MLOCK_LIMIT_ };
    mm->rlim[RLIMIT_MEMLOCK_].rlim_cur = limits[(op >> 4) & 3];
    uint32_t start = take_addr(in, mm), len = take_addr(in, mm);
    long r;
    switch (op % 5) {
    case 0: r = do_mlock(mm, start, len, (op >> 6) & 3); break;
    case 1: r = do_munlock(mm, start, len); break;
    case 2: r = do_mlockall(mm, (op >> 6) | ((op >> 3) & 1 ? 4u : 0)); break;
    case 3: r = do_munlockall(mm); break;
    default: r = do_mmap(mm, 0, len, PROT_READ_ | PROT_WRITE_,
                         MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_LOCKED_, NULL, 0, 0, NULL);
             if (r > 0)
                 r = 0;
    }
    if (r != 0 && r != -EINVAL && r != -ENOMEM && r != -EPERM && r != -EAGAIN)
        violated("an mlock call gave an errno Linux does not", start, (uint32_t)r);
    if (op % 5 == 3 && (mm->def_flags || locked_bytes(mm, 0, TASK_SIZE)))
        violated("munlockall left something locked", mm->def_flags, 0);
}

static void teardown(struct fz *f)
{
    char err[256];
    task_free(f->task);
    mmu_write_cr3(&f->mmu, f->k.swapper_pg_dir << PAGE_SHIFT);
    for (struct kmem_cache *c = f->k.slab.caches; c; c = c->next)
        kmem_cache_shrink(&f->k.slab, c);  /* the emptied slabs SLUB keeps */
    if (nr_free_pages(&f->k.pgdat) != f->free_at_boot)
        violated("frames leaked at tear-down", nr_free_pages(&f->k.pgdat), f->free_at_boot);
    if (pfn_to_page(&f->k.pm, f->k.zero_pfn)->_refcount != 1)
        violated("zero page count not 1 at tear-down",
                 (uint32_t)pfn_to_page(&f->k.pm, f->k.zero_pfn)->_refcount, 1);
    if (buddy_check(&f->k.pgdat, err, sizeof err)) {
        fprintf(stderr, "fuzz_syscall: buddy_check at tear-down: %s\n", err);
        abort();
    }
    kernel_destroy(&f->k);
    mmu_destroy(&f->mmu);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    /* 3.5 pages of file: a file mapping has a partial last page and pages
     * past the end (SIGBUS). */
    static uint8_t content[3 * PAGE_SIZE + PAGE_SIZE / 2];
    for (size_t i = 0; i < sizeof content; i++)
        content[i] = (uint8_t)(i * 13 + 1);
    file_fd = memfd_create("fuzz-file", MFD_CLOEXEC);
    if (file_fd >= 0 && write(file_fd, content, sizeof content) != (ssize_t)sizeof content) {
        close(file_fd);
        file_fd = -1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    struct fz f;
    boot(&f, &in);
    check_all(&f);
    for (int n = 0; n < MAX_OPS && in.n; n++) {
        switch (take8(&in) % 13) {
        case 0: op_mmap(&f, &in); break;
        case 1: op_munmap(&f, &in); break;
        case 2: op_mprotect(&f, &in); break;
        case 3: op_madvise(&f, &in); break;
        case 4: op_brk(&f, &in); break;
        case 5: case 6: op_touch(&f, &in); break;
        case 7: op_copy(&f, &in); break;
        case 8: op_populate(&f, &in); break;
        case 9: op_mremap(&f, &in); break;
        case 10: op_mincore(&f, &in); break;
        case 11: op_msync(&f, &in); break;
        case 12: op_mlock(&f, &in); break;
        }
        check_all(&f);
    }
    teardown(&f);
    return 0;
}

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
#include "kernel-model/hostfs_write.h"
#include "kernel-model/pgtable.h"
#include "kernel-model/shmem.h"
#include "kernel-model/vfs.h"
#include "kernel-model/vma.h"

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
    f->image = 1;
    return f;
}

struct vm_file *vm_file_placeholder(const char *path, uint64_t size)
{
    struct vm_file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path ? path : ""))) {
        free(f);
        return NULL;
    }
    f->fd = -1;
    f->size = size;
    f->refs = 1;
    f->image = 1;
    return f;
}

void vm_file_put(struct vm_file *f)
{
    if (!f || --f->refs > 0)
        return;
    vm_file_unhash(f);
    iput(f->inode);
    if (f->fd >= 0)
        close(f->fd);
    free(f->path);
    free(f);
}

uint32_t vm_flags_to_prot(uint32_t vm_flags)
{
    return vm_flags & (VM_READ | VM_WRITE | VM_EXEC);
}

/* accountable_mapping: private writable memory is charged to the commit
 * limit (Committed_AS) and marked VM_ACCOUNT, which stays when the mapping
 * later turns read-only, so it keeps such a VMA from merging with
 * neighbours that were never writable (no hugetlb files in the model). */
static int accountable_mapping(uint32_t vm_flags)
{
    return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

static uint32_t calc_vm_flags(uint32_t prot, uint32_t flags)
{
    uint32_t vm = (prot & (PROT_READ_ | PROT_WRITE_ | PROT_EXEC_)) |
                  VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
    if (flags & MAP_SHARED_)
        vm |= VM_SHARED;
    if (flags & MAP_GROWSDOWN_)
        vm |= VM_GROWSDOWN;
    if (flags & MAP_NORESERVE_)
        vm |= VM_NORESERVE;          /* honoured: overcommit is heuristic */
    return vm;
}

void mm_report_vma(struct mm_struct *mm, enum vma_op op, const struct vm_area_struct *vma)
{
    struct kernel *k = mm->k;
    if (!k->events)
        return;
    struct event ev = { .type = EV_VMA, .pid = mm->pid, .tid = mm->pid };
    ev.u.vma = (struct vma_event){
        .op = (uint8_t)op, .start = vma->vm_start, .end = vma->vm_end,
        .prot = vm_flags_to_prot(vma->vm_flags), .flags = vma->vm_flags,
        .name = vma->vm_name ? vma->vm_name : vma->vm_file ? vma->vm_file->path : "",
    };
    event_emit(k->events, &ev);
}

void notify_vma_changed(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    if (mm->notifier.vma_changed)
        mm->notifier.vma_changed(mm->notifier.ctx, mm, start, end);
}

static int range_is_free(struct mm_struct *mm, uint32_t start, uint32_t len)
{
    const struct vm_area_struct *v = find_vma(mm, start);
    return !v || v->vm_start >= start + len;
}

/* Highest gap of len bytes below mmap_base (top-down search). */
static uint32_t get_unmapped_area_topdown(struct mm_struct *mm, uint32_t len)
{
    uint32_t high = mm->mmap_base;
    const struct vm_area_struct *next = find_vma(mm, high);
    if (next && next->vm_start < high)
        high = next->vm_start;               /* one straddles mmap_base */
    /* prev and everything below it end at or below high */
    const struct vm_area_struct *prev = next ? vma_prev(mm, next) : vma_last(mm);
    for (;;) {
        uint32_t low = prev ? prev->vm_end : 0;
        if (low < MMAP_MIN_ADDR)
            low = MMAP_MIN_ADDR;
        if (high >= low && high - low >= len)
            return high - len;
        if (!prev)
            return 0;
        high = prev->vm_start;
        prev = vma_prev(mm, prev);
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
    for (const struct vm_area_struct *v = find_vma(mm, low); ; v = vma_next(mm, v)) {
        uint32_t high = v ? v->vm_start : TASK_SIZE;
        if (high > low && high - low >= len)
            return low;
        if (!v)
            return 0;
        if (v->vm_end > low)
            low = v->vm_end;
    }
}

/* Remove [start, end) from the address space: split, zap, drop VMAs. */
int unmap_region(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    if (vma_split_at(mm, start) || vma_split_at(mm, end))
        return -ENOMEM;
    struct vm_area_struct *v;
    for_each_vma_range(mm, v, start, end) {
        mm_report_vma(mm, VMA_OP_UNMAP, v);
        zap_page_range(mm, v->vm_start, v->vm_end, (v->vm_flags & VM_EXEC) != 0);
    }
    vma_remove_range(mm, start, end);
    free_pgtables(mm, start, end);
    return 0;
}

/*
 * get_unmapped_area for a 32-bit task (mm/mmap.c __get_unmapped_area and
 * arch_get_unmapped_area_topdown): the address, or a negative errno.  No
 * side effects: a MAP_FIXED unmap happens later, once every check passed.
 */
long get_unmapped_area(struct mm_struct *mm, uint32_t addr, uint32_t len, uint32_t flags)
{
    if (len > TASK_SIZE)
        return -ENOMEM;                  /* too big for the whole address space */
    if (flags & (MAP_FIXED_ | MAP_FIXED_NOREPLACE_)) {
        /* FIXED and FIXED_NOREPLACE alike (was: chosen by the flag, not the
         * cause): past TASK_SIZE -ENOMEM, then offset_in_page -EINVAL, then
         * security_mmap_addr's mmap_min_addr -EPERM. */
        if (addr > TASK_SIZE - len)
            return -ENOMEM;
        if (addr & ~PAGE_MASK)
            return -EINVAL;
        if (addr < MMAP_MIN_ADDR)
            return -EPERM;
        if (!(flags & MAP_FIXED_) && !range_is_free(mm, addr, len))
            return -EEXIST;
        return addr;
    }
    /* round_hint_to_min: a hint is rounded down, and one below
     * mmap_min_addr is raised to it (was: rounded up, low hints dropped).
     * A hint that does not fit is only a hint. */
    addr &= PAGE_MASK;
    if (addr && addr < MMAP_MIN_ADDR)
        addr = MMAP_MIN_ADDR;
    if (addr && addr <= TASK_SIZE - len && range_is_free(mm, addr, len))
        return addr;
    addr = get_unmapped_area_topdown(mm, len);
    if (!addr)
        addr = get_unmapped_area_bottomup(mm, len);
    return addr ? (long)addr : -ENOMEM;
}

/*
 * MAP_TYPE (flags & 0xf) and the open file, as do_mmap's switch: private or
 * shared, MAP_SHARED_VALIDATE (3) only for files, anything else -EINVAL.
 * For a file, in Linux's order: a shared writable mapping needs the file
 * open for writing, every mapping needs it open for reading (-EACCES), and
 * a file without ->mmap (a directory, pipe, socket, tty, /dev/null) is
 * -ENODEV.  A shared mapping of a real file needs the page cache the model
 * does not have yet: -ENODEV too, as if its ->mmap refused it, at the same
 * point.  /dev/zero is mappable either way (anonymous memory, below).
 */
static long map_file_check(uint32_t prot, uint32_t flags, const struct mmap_file *file)
{
    uint32_t type = flags & 0xfu;
    if (type != MAP_SHARED_ && type != MAP_PRIVATE_ && !(file && type == MAP_SHARED_VALIDATE_))
        return -EINVAL;
    if (!file)       /* a shared anonymous mapping cannot grow down */
        return type == MAP_SHARED_ && (flags & MAP_GROWSDOWN_) ? -EINVAL : 0;
    int shared = type != MAP_PRIVATE_;
    /* MAP_SHARED_VALIDATE: no flag beyond the legacy ones (no file the
     * model serves has mmap_supported_flags) */
    if (type == MAP_SHARED_VALIDATE_ && (flags & ~LEGACY_MAP_MASK_))
        return -EOPNOTSUPP;
    if (shared && (prot & PROT_WRITE_) && !(file->f_mode & FMODE_WRITE_))
        return -EACCES;
    if (!(file->f_mode & FMODE_READ_))
        return -EACCES;
    if (file->f_mode & FMODE_ZERO_)
        return flags & MAP_GROWSDOWN_ ? -EINVAL : 0;
    if (flags & MAP_GROWSDOWN_)
        return file->f_mode & FMODE_MMAP_ ? -EINVAL : -ENODEV;
    if (!(file->f_mode & FMODE_MMAP_))
        return -ENODEV;
    return file->vmf ? 0 : -ENODEV;           /* a caller's bug: no pages to map */
}

/*
 * do_mmap in Linux's order for a 32-bit task: len 0 is -EINVAL; the page-
 * aligned len wrapping to 0 (len > 0xfffff000) is -ENOMEM; the file offset
 * wrapping is -EOVERFLOW; then the map count, the address, the type and the
 * file (map_file_check).  A mapping of /dev/zero is anonymous from there on,
 * as mmap_zero makes it (vma_set_anonymous; shmem_zero_setup when shared).
 */
long do_mmap_file(struct mm_struct *mm, uint32_t addr, uint32_t len, uint32_t prot,
                  uint32_t flags, const struct mmap_file *file, uint32_t pgoff,
                  uint32_t file_bytes, const char *name)
{
    if (!len)
        return -EINVAL;
    len = page_align(len);
    if (!len)
        return -ENOMEM;
    if (pgoff + (len >> PAGE_SHIFT) < pgoff)
        return -EOVERFLOW;
    if (mm->map_count >= mm->max_map_count)
        return -ENOMEM;                      /* before MAP_FIXED unmaps anything */
    long r = get_unmapped_area(mm, addr, len, flags);
    if (r < 0)
        return r;
    addr = (uint32_t)r;
    if ((r = map_file_check(prot, flags, file)) < 0)
        return r;
    /* mm->def_flags (mlockall MCL_FUTURE) and MAP_LOCKED lock the mapping:
     * within RLIMIT_MEMLOCK or -EAGAIN, and faulted in below, as Linux */
    uint32_t vm_flags = calc_vm_flags(prot, flags) | mm->def_flags;
    if (flags & MAP_LOCKED_) {
        if (!mm->rlim[RLIMIT_MEMLOCK_].rlim_cur)
            return -EPERM;
        vm_flags |= VM_LOCKED;
    }
    if (!mlock_future_ok(mm, vm_flags, len))
        return -EAGAIN;
    if (vm_flags & VM_SHARED) {
        /* as do_mmap: a file's shared mapping through a descriptor not open
         * for writing can never be written, so it is not VM_SHARED at all
         * (/dev/zero's too: it then maps private anonymous memory) */
        vm_flags |= VM_MAYSHARE;
        if (file && !(file->f_mode & FMODE_WRITE_))
            vm_flags &= ~(uint32_t)(VM_MAYWRITE | VM_SHARED);
    }
    if (accountable_mapping(vm_flags))
        vm_flags |= VM_ACCOUNT;              /* mmap_region's commit charge */
    struct vm_file *vmf = file && !(file->f_mode & FMODE_ZERO_) ? file->vmf : NULL;
    struct vm_file *zero = NULL;
    if (!vmf && (vm_flags & VM_SHARED)) {
        /* shmem_zero_setup (mmap_region, mmap_zero): shared anonymous
         * memory is an unlinked tmpfs file of the mapping's size, so its
         * pages are page-cache pages every sharer maps */
        if (!(zero = vmf = shmem_zero_file(mm->k, len)))
            return -ENOMEM;
    }
    if ((flags & MAP_FIXED_) && !range_is_free(mm, addr, len) &&
        unmap_region(mm, addr, addr + len)) {
        vm_file_put(zero);
        return -ENOMEM;
    }

    /* as do_mmap: private anonymous memory is numbered by its address,
     * shared anonymous memory (shmem) from 0; /dev/zero keeps the offset */
    if (!file)
        pgoff = flags & MAP_SHARED_ ? 0 : addr >> PAGE_SHIFT;
    struct vm_area_struct vma = {
        .vm_start = addr, .vm_end = addr + len, .vm_flags = vm_flags,
        .vm_pgoff = pgoff, .vm_file = vmf, .vm_name = name,
        .vm_file_bytes = zero ? len : vmf ? (file_bytes < len ? file_bytes : len) : 0,
        .vm_ops = file ? file->vm_ops : NULL,
    };
    struct vm_area_struct *nv = vma_insert(mm, &vma);
    vm_file_put(zero);                       /* the VMA holds it now */
    if (!nv)
        return -ENOMEM;
    mm_report_vma(mm, VMA_OP_MAP, nv);
    vma_merge_changed(mm, nv);               /* mmap_region's vma_merge, anon_vma NULL */
    notify_vma_changed(mm, addr, addr + len);
    /* as do_mmap's *populate: locked, or MAP_POPULATE without MAP_NONBLOCK */
    if ((vm_flags & VM_LOCKED_MASK) == VM_LOCKED ||
        (flags & (MAP_POPULATE_ | MAP_NONBLOCK_)) == MAP_POPULATE_)
        mm_populate(mm, addr, addr + len);   /* mmap ignores populate errors */
    return addr;
}

long do_mmap(struct mm_struct *mm, uint32_t addr, uint32_t len, uint32_t prot,
             uint32_t flags, struct vm_file *file, uint32_t pgoff, uint32_t file_bytes,
             const char *name)
{
    struct mmap_file f = { .f_mode = FMODE_READ_ | FMODE_MMAP_, .vmf = file };
    return do_mmap_file(mm, addr, len, prot, flags, file ? &f : NULL, pgoff, file_bytes, name);
}

/* munmap (do_vmi_munmap): start aligned and at most TASK_SIZE, len within
 * TASK_SIZE - start, the aligned range not empty; all -EINVAL. */
long do_munmap(struct mm_struct *mm, uint32_t start, uint32_t len)
{
    if ((start & ~PAGE_MASK) || start > TASK_SIZE || len > TASK_SIZE - start)
        return -EINVAL;
    uint32_t end = start + page_align(len);  /* len <= TASK_SIZE: no wrap */
    if (end == start)
        return -EINVAL;
    /* --writable-root: a file's last shared mapping gone writes it back */
    struct inode *shared[HOSTW_UNMAP_MAX];
    unsigned nshared = hostw_unmapping(mm, start, end, shared);
    long r = unmap_region(mm, start, end) ? -ENOMEM : 0;
    if (!r)
        notify_vma_changed(mm, start, end);
    hostw_unmapped(mm, shared, nshared);
    return r;
}

/*
 * The VMA range an mprotect acts on (do_mprotect_pkey up to the loop):
 * PROT_GROWSDOWN extends it down to the start of the VM_GROWSDOWN VMA it
 * starts in; x86 has no VM_GROWSUP.  start must be mapped; a hole further
 * on is found by the loop (do_mprotect).
 */
static long mprotect_range(struct mm_struct *mm, uint32_t *start, uint32_t end, uint32_t grows)
{
    const struct vm_area_struct *v = find_vma(mm, *start);
    if (!v || v->vm_start >= end)
        return -ENOMEM;                      /* vma_find(start, end) found none */
    if (grows & PROT_GROWSDOWN_) {
        *start = v->vm_start;
        if (!(v->vm_flags & VM_GROWSDOWN))
            return -EINVAL;
    } else {
        if (v->vm_start > *start)
            return -ENOMEM;
        if (grows & PROT_GROWSUP_)
            return -EINVAL;
    }
    return 0;
}

/*
 * mprotect_fixup: [lo, hi) of v gets the rights prot.  Turning writable
 * charges an unaccounted private mapping (VM_ACCOUNT, kept from then on);
 * a locked private VMA made writable is faulted in for writing
 * (populate_vma_page_range: its COW broken now, not at the first store),
 * a lock-on-fault one is not.  0, or -ENOMEM when a split was refused.
 */
static long mprotect_fixup(struct mm_struct *mm, struct vm_area_struct *v, uint32_t lo,
                           uint32_t hi, uint32_t prot)
{
    uint32_t old = v->vm_flags;
    uint32_t flags = (old & ~(uint32_t)(VM_READ | VM_WRITE | VM_EXEC)) | prot;
    if ((prot & PROT_WRITE_) && !(old & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE)))
        flags |= VM_ACCOUNT;
    if (flags == old)
        return 0;
    if (!vma_modify_flags(mm, v, lo, hi, flags))
        return -ENOMEM;
    change_protection(mm, lo, hi, flags);
    if ((old & (VM_WRITE | VM_SHARED | VM_LOCKED_MASK)) == VM_LOCKED && (prot & PROT_WRITE_))
        faultin_range(mm, lo, hi, 1);
    return 0;
}

/*
 * mprotect(2) in Linux's order: both GROWS flags, an unaligned start -EINVAL;
 * len 0 does nothing; the aligned end at or below start (len wrapping past
 * 4 GiB, or rounding to 0) -ENOMEM; unknown prot bits -EINVAL (PROT_SEM is
 * accepted and means nothing on x86); start not mapped -ENOMEM.  As
 * Linux's loop, the VMAs before a hole take the new rights and the call
 * returns -ENOMEM.  (Was: a hole anywhere refused the whole range.)
 */
long do_mprotect(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t prot)
{
    uint32_t grows = prot & (PROT_GROWSDOWN_ | PROT_GROWSUP_);
    prot &= ~grows;
    if (grows == (PROT_GROWSDOWN_ | PROT_GROWSUP_) || (start & ~PAGE_MASK))
        return -EINVAL;
    if (!len)
        return 0;
    uint32_t end = start + page_align(len);
    if (end <= start)
        return -ENOMEM;
    if (prot & ~(uint32_t)(PROT_READ_ | PROT_WRITE_ | PROT_EXEC_ | PROT_SEM_))
        return -EINVAL;
    prot &= ~(uint32_t)PROT_SEM_;
    long err = mprotect_range(mm, &start, end, grows);
    if (err)
        return err;
    struct vm_area_struct *v = find_vma(mm, start);
    for (uint32_t at = start; at < end; v = find_vma(mm, at)) {
        if (!v || v->vm_start > at) {
            err = -ENOMEM;                   /* a hole: stop there */
            break;
        }
        if (prot & ~(v->vm_flags >> 4) & (VM_READ | VM_WRITE | VM_EXEC)) {
            err = -EACCES;                   /* beyond VM_MAY*: a read-only file's shared map */
            break;
        }
        uint32_t hi = v->vm_end < end ? v->vm_end : end;
        if ((err = mprotect_fixup(mm, v, at, hi, prot)))
            break;
        at = hi;
    }
    notify_vma_changed(mm, start, end);
    return err;
}

/* Grow the heap from old_end to new_end (both aligned, old_end < new_end):
 * 0, or -1 when it may not (the brk syscall's checks and do_brk_flags). */
static int brk_grow(struct mm_struct *mm, uint32_t old_end, uint32_t new_end)
{
    if (new_end > TASK_SIZE)
        return -1;
    /* As Linux's brk: the next mapping must start at least a page above
     * the new break (newbrk + PAGE_SIZE > vm_start_gap(next) refuses),
     * a growing stack its guard gap further.  (Was: any free range up
     * to the next mapping, so the heap could end flush against it.) */
    const struct vm_area_struct *next = find_vma(mm, old_end);
    if (next) {
        uint64_t gap_start = next->vm_start;
        if (next->vm_flags & VM_GROWSDOWN)
            gap_start = gap_start > STACK_GUARD_GAP ? gap_start - STACK_GUARD_GAP : 0;
        if ((uint64_t)new_end + PAGE_SIZE > gap_start)
            return -1;
    }
    if (!mlock_future_ok(mm, mm->def_flags, new_end - old_end))
        return -1;                           /* mlockall(MCL_FUTURE) past RLIMIT_MEMLOCK */
    /* do_brk_flags: VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | def_flags.  6.1's
     * brk looks for the VMA to expand at or above start_brk only
     * (mas_prev(&mas, mm->start_brk)), so the first brk of a static binary
     * never grows the bss VMA that ends at start_brk: a new VMA, which the
     * later breaks grow.  The name keeps the heap apart from the bss. */
    struct vm_area_struct vma = {
        .vm_start = old_end, .vm_end = new_end, .vm_pgoff = old_end >> PAGE_SHIFT,
        .vm_flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT |
                    mm->def_flags,
        .vm_name = "[heap]",
    };
    struct vm_area_struct *heap = vma_insert(mm, &vma);
    if (!heap)
        return -1;
    mm_report_vma(mm, VMA_OP_BRK, heap);
    vma_merge_changed(mm, heap);             /* do_brk_flags expands the heap before */
    notify_vma_changed(mm, old_end, new_end);
    if ((vma.vm_flags & VM_LOCKED_MASK) == VM_LOCKED)
        mm_populate(mm, old_end, new_end);   /* as do_brk_flags' mm_populate */
    return 0;
}

/*
 * brk(2): grow or shrink the heap VMA; returns the resulting break, the old
 * one unchanged when the request is refused.  As Linux: below start_brk is
 * refused; shrinking is decided on the raw values (brk <= mm->brk), so it
 * never unmaps below PAGE_ALIGN(start_brk); a break whose page alignment
 * wraps past 4 GiB (brk > 0xfffff000) is a growth that cannot fit.  (Was:
 * the wrapped alignment compared as 0, a shrink that unmapped text, data
 * and heap.)
 */
uint32_t do_brk(struct mm_struct *mm, uint32_t newbrk)
{
    if (newbrk < mm->start_brk)
        return mm->brk;
    uint32_t old_end = page_align(mm->brk), new_end = page_align(newbrk);
    if (old_end == new_end) {
        mm->brk = newbrk;
        return newbrk;
    }
    if (newbrk <= mm->brk) {
        if (unmap_region(mm, new_end, old_end))
            return mm->brk;
        notify_vma_changed(mm, new_end, old_end);
    } else if (new_end < old_end || brk_grow(mm, old_end, new_end)) {
        return mm->brk;                      /* wrapped, or no room */
    }
    mm->brk = newbrk;
    return newbrk;
}

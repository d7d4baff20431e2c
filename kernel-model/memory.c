/*
 * memory.c — the page-fault path (arch/x86/mm/fault.c do_user_addr_fault,
 * mm/memory.c handle_mm_fault and its helpers).
 *
 *   do_page_fault ── find_vma / expand_stack / access_error
 *     └ handle_pte_fault
 *         ├ PTE none, anonymous  → do_anonymous_page (read: zero page,
 *         │                        write: a new zeroed page)
 *         ├ PTE none, file       → do_file_page (the page-cache page:
 *         │                        mapped, or copied for a private write)
 *         └ PTE present, write   → do_wp_page (a shared file page made
 *                                  writable and dirty; reuse when exclusive,
 *                                  otherwise copy; the zero page is replaced
 *                                  by a new zeroed page)
 *
 * Each fault is reported once, with the kind and resolution the trace shows.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/vfs.h"
#include "kernel-model/vma.h"

struct fault_ctx {
    struct mm_struct *mm;
    struct vm_area_struct *vma;
    uint32_t address;            /* page aligned */
    uint32_t error_code;
    enum mmu_access access;
    enum fault_kind kind;
    enum fault_resolution resolution;
    uint32_t pfn;
};

static int fault_is_write(const struct fault_ctx *f) { return f->access == MMU_WRITE; }

static enum fault_result oom(struct fault_ctx *f)
{
    f->resolution = FR_OOM;
    return FAULT_OOM;
}

/* The tables on the way to the address are corrupt (an entry past RAM). */
static enum fault_result bad_pagetable(struct fault_ctx *f)
{
    f->resolution = FR_BAD_PAGETABLE;
    return FAULT_BAD_PAGETABLE;
}

/* A frame for an anonymous page at f->address (a private page, a COW copy
 * of a file page too), its owner recorded as page_add_new_anon_rmap does:
 * the VMA's anon_vma and the page number. */
static uint32_t alloc_user_page(struct fault_ctx *f, int zero)
{
    struct mm_struct *mm = f->mm;
    if (anon_vma_prepare(mm, f->vma))
        return PFN_NONE;                /* before the page, as do_anonymous_page */
    uint32_t pfn = alloc_pages(&mm->k->pgdat, GFP_HIGHUSER_MOVABLE | (zero ? __GFP_ZERO : 0),
                               0, PURPOSE_ANON);
    if (pfn == PFN_NONE)
        return pfn;
    struct page *page = pfn_to_page(&mm->k->pm, pfn);
    page->flags |= PG_anon;
    page->mapping = anon_vma_ptr(f->vma->anon_vma);
    page->index = f->address >> PAGE_SHIFT;
    return pfn;
}

static int vma_exec(const struct fault_ctx *f) { return (f->vma->vm_flags & VM_EXEC) != 0; }

static enum fault_result do_anonymous_page(struct fault_ctx *f, pte_t *pte)
{
    struct mm_struct *mm = f->mm;
    f->kind = FK_ANON;
    if (!fault_is_write(f)) {
        /* A read of untouched private memory maps the shared zero page.
         * (Shared anonymous memory never comes here: it is a tmpfs file's,
         * shmem_zero_setup in mmap.c, and faults as a file page.) */
        get_page(&mm->k->pgdat, mm->k->zero_pfn);
        set_pte_at(mm, f->address, pte, mm->k->zero_pfn, 0, vma_exec(f));
        f->pfn = mm->k->zero_pfn;
        f->resolution = FR_ZERO_PAGE;
        return FAULT_OK;
    }
    uint32_t pfn = alloc_user_page(f, 1);
    if (pfn == PFN_NONE)
        return oom(f);
    set_pte_at(mm, f->address, pte, pfn, (f->vma->vm_flags & VM_WRITE) != 0, vma_exec(f));
    f->pfn = pfn;
    f->resolution = FR_DEMAND_ZERO;
    return FAULT_OK;
}

/* A page that starts at or past the end of the file is SIGBUS
 * (filemap_fault): the host's size now, or a placeholder's recorded one. */
static int past_eof(const struct vm_file *file, uint64_t off)
{
    struct stat st = { .st_size = (off_t)file->size };
    if (file->inode && file->inode->i_data.no_writeback)
        st.st_size = (off_t)file->inode->i_size;    /* tmpfs: the size now */
    return (file->fd >= 0 && fstat(file->fd, &st)) || off >= (uint64_t)st.st_size;
}

/* The bytes of this page that are the file's: a whole page, or (the last
 * page of an ELF segment) fewer, the rest of the page its bss. */
static uint32_t file_bytes_in_page(const struct fault_ctx *f)
{
    uint32_t off_in_vma = f->address - f->vma->vm_start;
    if (off_in_vma >= f->vma->vm_file_bytes)
        return 0;
    uint32_t n = f->vma->vm_file_bytes - off_in_vma;
    return n < PAGE_SIZE ? n : PAGE_SIZE;
}

/* The page-cache page behind the fault, with a reference: the caller maps
 * it or copies it.  PFN_NONE: SIGBUS (past EOF, a read error) or OOM. */
static uint32_t fault_cache_page(struct fault_ctx *f, uint32_t index, enum fault_result *why)
{
    struct kernel *k = f->mm->k;
    struct vm_file *file = f->vma->vm_file;
    struct address_space *m = vm_file_mapping(k, file);
    long err = -ENOMEM;
    if (past_eof(file, (uint64_t)index << PAGE_SHIFT)) {
        f->resolution = FR_SIGBUS;
        *why = FAULT_SIGBUS;
        return PFN_NONE;
    }
    /* a page the cache lacks is read from the file: filemap_fault's I/O,
     * VM_FAULT_MAJOR (a tmpfs page has no file behind it: minor) */
    if (m && file->fd >= 0 && filemap_lookup(m, index) == PFN_NONE)
        count_vm_event(&k->vm_events, PGMAJFAULT);
    uint32_t pfn = m ? filemap_get_page(k, m, index, file->fd, &err) : PFN_NONE;
    if (pfn == PFN_NONE) {
        *why = err == -EIO ? FAULT_SIGBUS : oom(f);
        if (err == -EIO)
            f->resolution = FR_SIGBUS;
        return PFN_NONE;
    }
    return pfn;         /* no mark_page_accessed: a fault's use is the PTE's A bit */
}

/*
 * do_fault_around / filemap_map_pages: a read fault first maps the pages
 * around it that are already in the page cache (never reads new ones), in
 * the k->fault_around_pages-aligned window clipped to the VMA and to the
 * page table, read-only, wherever the PTE is still none.  A private
 * mapping's part-bss page is left to the fault (it must be a copy).
 */
static void do_fault_around(struct fault_ctx *f)
{
    struct mm_struct *mm = f->mm;
    struct kernel *k = mm->k;
    struct vm_area_struct *vma = f->vma;
    uint32_t span = k->fault_around_pages * PAGE_SIZE, table = 1u << pmd_shift(k);
    uint32_t start = f->address & ~(span - 1), end = start + span;
    uint32_t tlo = f->address & ~(table - 1), thi = tlo + (table - 1);
    start = start > vma->vm_start ? start : vma->vm_start;
    start = start > tlo ? start : tlo;
    end = end < vma->vm_end ? end : vma->vm_end;
    end = end - 1 < thi ? end : thi + 1;
    struct address_space *m = vm_file_mapping(k, vma->vm_file);
    if (!m)
        return;
    for (uint32_t va = start; va < end && va >= start; va += PAGE_SIZE) {
        uint32_t index = vma->vm_pgoff + ((va - vma->vm_start) >> PAGE_SHIFT);
        uint32_t pfn = filemap_lookup(m, index);
        if (pfn == PFN_NONE || !(pfn_to_page(&k->pm, pfn)->flags & PG_uptodate))
            continue;
        if (!(vma->vm_flags & VM_SHARED) && va - vma->vm_start + PAGE_SIZE > vma->vm_file_bytes)
            continue;
        pte_t *pte = pte_offset(mm, va);
        if (!pte || pte_read(k, pte))
            continue;
        get_page(&k->pgdat, pfn);
        set_pte_at(mm, va, pte, pfn, 0, vma_exec(f));
    }
}

/*
 * A file page not mapped yet (mm/memory.c do_fault):
 *   - do_read_fault: a read maps the cache page itself, read-only, private
 *     or shared (a shared mapping's first write then faults and dirties it);
 *   - do_cow_fault: a write to a private mapping copies the cache page into
 *     a new anonymous page, which is mapped writable; the cache page is not
 *     mapped;
 *   - do_shared_fault: a write to a shared mapping maps the cache page
 *     writable and dirties it.
 * The last page of an ELF segment, part file and part bss, is a private
 * copy at once (the ELF loader's padzero would have written its tail).
 */
/* A store through a shared mapping dirties the cache page; the file's
 * mtime follows at write-back (file_update_time at the fault in Linux). */
static void mapping_dirty_shared(struct kernel *k, uint32_t pfn)
{
    const struct address_space *m = pfn_to_page(&k->pm, pfn)->mapping;
    filemap_dirty(k, pfn);
    if (m && m->host)
        m->host->i_mmap_written = 1;
}

static enum fault_result do_file_page(struct fault_ctx *f, pte_t *pte)
{
    struct mm_struct *mm = f->mm;
    struct kernel *k = mm->k;
    struct vm_area_struct *vma = f->vma;
    uint32_t index = vma->vm_pgoff + ((f->address - vma->vm_start) >> PAGE_SHIFT);
    uint32_t nfile = file_bytes_in_page(f);
    int shared = (vma->vm_flags & VM_SHARED) != 0;
    enum fault_result why = FAULT_OK;
    f->kind = FK_FILE;
    if (!fault_is_write(f) && k->fault_around_pages > 1) {
        do_fault_around(f);
        uint64_t v = pte_read(k, pte);
        if (v & _PAGE_PRESENT) {            /* the page was cached: mapped */
            f->pfn = pte_pfn(v);
            f->resolution = FR_FILE_READ;
            return FAULT_OK;
        }
    }
    if (!shared && nfile == 0) {
        /* wholly past the segment's file bytes: zeros, like a short page */
        uint32_t pfn = alloc_user_page(f, 1);
        if (pfn == PFN_NONE)
            return oom(f);
        set_pte_at(mm, f->address, pte, pfn, (vma->vm_flags & VM_WRITE) != 0, vma_exec(f));
        f->pfn = pfn;
        f->resolution = FR_FILE_READ;
        return FAULT_OK;
    }
    uint32_t cpfn = fault_cache_page(f, index, &why);
    if (cpfn == PFN_NONE)
        return why;
    if (shared || (!fault_is_write(f) && nfile == PAGE_SIZE)) {
        int writable = shared && fault_is_write(f);
        set_pte_at(mm, f->address, pte, cpfn, writable, vma_exec(f));   /* the PTE's reference */
        if (writable)
            mapping_dirty_shared(k, cpfn);
        f->pfn = cpfn;
        f->resolution = FR_FILE_READ;
        return FAULT_OK;
    }
    uint32_t pfn = alloc_user_page(f, 0);
    if (pfn == PFN_NONE) {
        put_page(&k->pgdat, cpfn);
        return oom(f);
    }
    uint8_t *dst = pfn_to_host(&k->pm, pfn);
    memcpy(dst, pfn_to_host(&k->pm, cpfn), nfile);
    memset(dst + nfile, 0, PAGE_SIZE - nfile);
    put_page(&k->pgdat, cpfn);
    set_pte_at(mm, f->address, pte, pfn, (vma->vm_flags & VM_WRITE) != 0, vma_exec(f));
    f->pfn = pfn;
    f->resolution = fault_is_write(f) ? FR_COW_COPY : FR_FILE_READ;
    return FAULT_OK;
}

static enum fault_result do_wp_page(struct fault_ctx *f, pte_t *pte)
{
    struct mm_struct *mm = f->mm;
    uint32_t old_pfn = pte_pfn(pte_read(mm->k, pte));
    struct page *old = pfn_to_page(&mm->k->pm, old_pfn);

    f->kind = FK_COW;
    if ((old->flags & PG_file) && (f->vma->vm_flags & VM_SHARED)) {
        /* wp_page_shared: a shared file page becomes writable and dirty */
        set_pte_at(mm, f->address, pte, old_pfn, 1, vma_exec(f));
        mapping_dirty_shared(mm->k, old_pfn);
        f->pfn = old_pfn;
        f->resolution = FR_COW_REUSE;
        return FAULT_OK;
    }
    /* A private mapping never writes a page-cache page (the cache holds a
     * reference of its own) nor the zero page: those are copied
     * (wp_page_copy).  An anonymous page is reused when this PTE is its only
     * mapping (the rule, page_mapcount == 1): after fork the first
     * of parent and child to write copies, the other then reuses.  6.1
     * decides by references instead: PageAnonExclusive, else page_count ==
     * 1 once the LRU and swap cache let go of theirs; the model's only
     * references to an anonymous page are its PTEs', so the _refcount
     * check below is that rule and agrees with the map count. */
    if ((old->flags & PG_anon) && page_mapcount(old) == 1 && old->_refcount == 1) {
        /* Exclusive: nobody else can see a write, so just allow it; the
         * page is this VMA's from now on (page_move_anon_rmap: after fork
         * it may still be owned by the parent's anon_vma). */
        if (f->vma->anon_vma)
            old->mapping = anon_vma_ptr(f->vma->anon_vma);
        set_pte_at(mm, f->address, pte, old_pfn, 1, vma_exec(f));
        f->pfn = old_pfn;
        f->resolution = FR_COW_REUSE;
        count_vm_event(&mm->k->vm_events, PGREUSE);         /* wp_page_reuse */
        return FAULT_OK;
    }
    int from_zero = (old->flags & PG_zero) != 0;
    uint32_t pfn = alloc_user_page(f, from_zero);
    if (pfn == PFN_NONE)
        return oom(f);
    if (!from_zero)
        copy_user_highpage(mm->k, pfn, old_pfn);   /* kmap_local for HighMem frames */
    /* Replace the mapping: the old frame loses one map and one reference. */
    pte_write(mm->k, pte, 0);
    old->mapcount--;
    mm->rss_pages--;
    mm->zero_rss -= from_zero;
    set_pte_at(mm, f->address, pte, pfn, 1, vma_exec(f));
    if (mm->k->mmu && mm->k->mmu->cr3 == (mm->pgd << PAGE_SHIFT))
        mmu_invlpg(mm->k->mmu, f->address);
    put_page(&mm->k->pgdat, old_pfn);
    f->pfn = pfn;
    f->resolution = from_zero ? FR_COW_ZERO : FR_COW_COPY;
    return FAULT_OK;
}

static enum fault_result handle_pte_fault(struct fault_ctx *f)
{
    uint64_t bad = f->mm->bad_entries;
    pte_t *pte = pte_alloc(f->mm, f->address);
    if (!pte)
        return f->mm->bad_entries != bad ? bad_pagetable(f) : oom(f);
    uint64_t v = pte_read(f->mm->k, pte);
    if (!(v & _PAGE_PRESENT))
        return f->vma->vm_file ? do_file_page(f, pte) : do_anonymous_page(f, pte);
    if (!entry_frame_ok(f->mm, f->address, v))
        return bad_pagetable(f);
    if (fault_is_write(f) && !(v & _PAGE_RW))
        return do_wp_page(f, pte);
    /* Present and permitted: another path fixed it already (spurious). */
    f->kind = FK_SPURIOUS;
    f->resolution = FR_NONE;
    f->pfn = pte_pfn(v);
    return FAULT_OK;
}

/* Grow a VM_GROWSDOWN VMA down to cover addr (mm/mmap.c expand_downwards). */
static int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, uint32_t addr)
{
    uint32_t new_start = addr & PAGE_MASK;
    if (vma->vm_end - new_start > mm->rlim[RLIMIT_STACK_].rlim_cur)
        return -ENOMEM;
    /* The guard gap is kept from an accessible VMA below that is not itself
     * a stack (expand_downwards, Linux 6.1). */
    const struct vm_area_struct *prev = vma_prev(mm, vma);
    if (prev && prev->vm_end > new_start)
        return -ENOMEM;
    if (prev && !(prev->vm_flags & VM_GROWSDOWN) &&
        (prev->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) &&
        new_start - prev->vm_end < STACK_GUARD_GAP)
        return -ENOMEM;
    if (new_start < MMAP_MIN_ADDR)
        return -EPERM;
    uint32_t old_start = vma->vm_start;
    vma->vm_start = new_start;
    vma->vm_pgoff -= (old_start - new_start) >> PAGE_SHIFT;   /* as expand_downwards */
    mm_report_vma(mm, VMA_OP_GROW, vma);
    if (mm->notifier.vma_changed)
        mm->notifier.vma_changed(mm->notifier.ctx, mm, new_start, old_start);
    return 0;
}

/*
 * Does the VMA forbid this access?  As arch/x86/mm/fault.c access_error,
 * the decision comes from the error code alone, and like Linux's x86 code
 * it never looks at I/D: without NX (2-level paging) a fetch is a read, so
 * a readable VMA is executable, as on real non-PAE hardware.  With PAE and
 * NX, a fetch from a page not yet present in a readable VMA without VM_EXEC
 * maps the page (with XD, from the VMA's rights) and the retried fetch then
 * faults with P|I/D: "read, present", SEGV_ACCERR — two faults, as in Linux.
 */
static int access_error(uint32_t error_code, const struct vm_area_struct *vma)
{
    if (error_code & X86_PF_WRITE)
        return !(vma->vm_flags & VM_WRITE);
    if (error_code & X86_PF_PROT)
        return 1;                         /* read of a present page: not ours to fix */
    return !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
}

/* The fault's two events: EV_FAULT_BEGIN opens the cause the allocations,
 * frees and VMA changes it makes carry; EV_FAULT (after them, as the trace's
 * faults row) says how it ended.  The timing model is told first, so the
 * fault's own event already carries its cost in `cycle`. */
static void fault_event_init(const struct fault_ctx *f, struct event *ev,
                             enum event_type type, uint32_t address, uint32_t eip)
{
    *ev = (struct event){ .type = type, .pid = f->mm->pid, .tid = f->mm->pid };
    ev->u.fault = (struct fault_event){
        .eip = eip, .address = address, .error_code = f->error_code,
        .access = (uint8_t)f->access, .kind = (uint8_t)f->kind,
        .resolution = (uint8_t)f->resolution, .pfn = f->pfn,
    };
}

static void report_fault(struct fault_ctx *f, uint32_t address, uint32_t eip,
                         uint64_t begin_seq, uint64_t prev_cause)
{
    struct kernel *k = f->mm->k;
    struct event ev;
    if (k->timing.fault)
        k->timing.fault(k->timing.ctx, f->resolution);
    fault_event_init(f, &ev, EV_FAULT, address, eip);
    ev.u.fault.begin_seq = begin_seq;
    event_cause_end(k->events, &ev, prev_cause);
}

static enum fault_result resolve_fault(struct fault_ctx *f, uint32_t address)
{
    struct mm_struct *mm = f->mm;
    if (f->error_code & X86_PF_RSVD) {
        /* A reserved bit, or (MMU_PF_BADFRAME, which comes with RSVD) an
         * entry or frame past RAM: the tables are corrupt, which the
         * model's own never are.  Linux's pgtable_bad oopses ("Corrupted
         * page table") and the task dies with SIGKILL; the notifier tells
         * emu, which ends the run so. */
        pgtable_bad(mm, address, 0);
        return bad_pagetable(f);
    }
    f->vma = address < TASK_SIZE ? find_vma(mm, address) : NULL;
    if (f->vma && f->vma->vm_start > address) {
        if ((f->vma->vm_flags & VM_GROWSDOWN) && expand_stack(mm, f->vma, address) == 0) {
            f->vma = find_vma(mm, address);
            f->kind = FK_STACK;
        } else {
            f->vma = NULL;
        }
    }
    if (!f->vma) {
        f->resolution = FR_SIGSEGV_MAPERR;
        return FAULT_SIGSEGV_MAPERR;
    }
    if (access_error(f->error_code, f->vma)) {
        f->resolution = FR_SIGSEGV_ACCERR;
        return FAULT_SIGSEGV_ACCERR;
    }
    enum fault_kind grew = f->kind;
    count_vm_event(&mm->k->vm_events, PGFAULT);            /* handle_mm_fault */
    enum fault_result r = handle_pte_fault(f);
    if (r == FAULT_OK && grew == FK_STACK)
        f->kind = FK_STACK;
    return r;
}

enum fault_result do_page_fault(struct mm_struct *mm, uint32_t address,
                                uint32_t error_code, enum mmu_access acc, uint32_t eip)
{
    struct fault_ctx f = { .mm = mm, .address = address & PAGE_MASK,
                           .error_code = error_code, .access = acc,
                           .kind = FK_BAD, .pfn = PFN_NONE };
    struct event begin;
    fault_event_init(&f, &begin, EV_FAULT_BEGIN, address, eip);
    uint64_t prev = event_cause_begin(mm->k->events, &begin);
    enum fault_result r = resolve_fault(&f, address);
    report_fault(&f, address, eip, begin.seq, prev);
    return r;
}

enum fault_result faultin_range(struct mm_struct *mm, uint32_t start, uint32_t end, int write)
{
    for (uint32_t va = start; va < end; va += PAGE_SIZE) {
        pte_t *pte = pte_offset(mm, va);
        uint64_t pv = pte ? pte_read(mm->k, pte) : 0;
        if ((pv & _PAGE_PRESENT) && (!write || (pv & _PAGE_RW)))
            continue;
        uint32_t ec = X86_PF_USER | (write ? X86_PF_WRITE : 0) |
                      ((pv & _PAGE_PRESENT) ? X86_PF_PROT : 0);
        enum fault_result r = do_page_fault(mm, va, ec, write ? MMU_WRITE : MMU_READ, 0);
        if (r != FAULT_OK)
            return r;
    }
    return FAULT_OK;
}

enum fault_result mm_populate(struct mm_struct *mm, uint32_t start, uint32_t end)
{
    const struct vm_area_struct *v;
    for_each_vma_range(mm, v, start, end) {
        if (!(v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
            continue;
        uint32_t lo = v->vm_start > start ? v->vm_start : start;
        uint32_t hi = v->vm_end < end ? v->vm_end : end;
        enum fault_result r = faultin_range(mm, lo, hi, (v->vm_flags & VM_WRITE) != 0);
        if (r != FAULT_OK)
            return r;
    }
    return FAULT_OK;
}

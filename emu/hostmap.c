/*
 * hostmap.c — the secondary MMU: what Unicorn and the host see of the
 * kernel model's mappings (an mmu_notifier, in Linux terms).
 *
 * Regions: each run of adjacent VMAs with the same access rights is one
 * Unicorn region over its slice of the host window, with READ (and WRITE if
 * the VMAs are writable),
 * never EXEC: code reads then go through the fetch-protection hook, which
 * is how text pages are demand-faulted.  PROT_NONE VMAs get no region; an
 * access there reaches the unmapped hook and the model decides the signal.
 *
 * Aliases: a mapped page is the memfd frame mmap'ed at window + va, read-only
 * for COW mappings so the host never writes where the model says
 * "read-only"; a zero-page PTE is anonymous read-only memory (window.c says
 * why).  An unmapped page goes back to PROT_NONE.  A change the host-mapping
 * budget refuses kills the guest (status 137).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include "emu/machine.h"

static uint32_t vma_uc_perms(const struct mm_context *c, const struct vm_area_struct *v)
{
    uint32_t p = c->m->opt.raw_engine ? UC_PROT_EXEC : 0;   /* raw: no fetch hook */
    if (v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC))
        p |= UC_PROT_READ;                /* i386 paging cannot make a page write- or exec-only */
    if (v->vm_flags & VM_WRITE)
        p |= UC_PROT_WRITE;
    return p;
}

/*
 * RAM-block pads.  Unicorn 2.0.1 tracks self-modifying code on every store
 * to any writable RAM (its dirty bitmap is a stub that always says
 * "clean"), and the cost of that store depends on its RAM block: QEMU's
 * page descriptors come in arrays of 1024 pages (4 MiB of ram_addr space)
 * allocated where code was translated, and a store whose array exists
 * takes the whole path (a tree of locked pages, page-descriptor lookups,
 * TB invalidation: ~550 host instructions more, measured by
 * bench/engine_limit.c's pad check and in docs/PERFORMANCE.md).  Unicorn
 * gives RAM blocks consecutive ram_addr ranges in the order they are
 * mapped, so a data region right after a text region shares its array.
 * Each block memsim maps is therefore followed by a 4 MiB pad region: no two
 * mirrors share an array, and stores to pages where no code was
 * translated skip the tracking after one failed lookup.  Pads live at
 * linear addresses from 4 GiB up, which a 32-bit guest cannot form; they
 * have no rights and alias the window's base, which nothing reads through
 * them.  They change what Unicorn spends, never what it does.
 */
#define PAD_BASE  0x100000000ull
#define PAD_SIZE  (4ull << 20)
#define PAD_SLOTS (1u << 18)        /* pad addresses cycle through 1 TiB */
/* Unicorn's RAM-block placement is quadratic in the number of blocks
 * (find_ram_offset), and 2.0.1 aborts near 4096 regions: the first 128
 * blocks get pads, which covers the regions of ordinary programs; a guest
 * with thousands of mappings pays 128 blocks more, not twice as many. */
#define MAX_PADS  128u

/* Map a pad after the block just mapped; its address, or 0 without one. */
static uint64_t pad_add(struct mm_context *c)
{
    if (c->nr_pads >= MAX_PADS)
        return 0;
    uint64_t va = PAD_BASE + (uint64_t)(c->next_pad++ % PAD_SLOTS) * PAD_SIZE;
    if (uc_mem_map_ptr(c->uc, va, PAD_SIZE, UC_PROT_NONE, c->win.base) != UC_ERR_OK)
        return 0;                   /* a slot still taken: no pad, only slower */
    c->nr_pads++;
    return va;
}

static void pad_remove(struct mm_context *c, uint64_t va)
{
    if (va && uc_mem_unmap(c->uc, va, PAD_SIZE) == UC_ERR_OK)
        c->nr_pads--;
}

static int region_add(struct mm_context *c, uint32_t start, uint32_t end, uint32_t perms)
{
    struct machine *m = c->m;
    if (c->nr_regions == c->cap_regions) {
        size_t cap = c->cap_regions ? c->cap_regions * 2 : 32;
        struct uc_region *r = realloc(c->regions, cap * sizeof *r);
        if (!r)
            return -1;
        c->regions = r;
        c->cap_regions = cap;
    }
    size_t i = 0;
    while (i < c->nr_regions && c->regions[i].start < start)
        i++;
    uc_err e = uc_mem_map_ptr(c->uc, start, end - start, perms, c->win.base + start);
    if (e != UC_ERR_OK) {
        snprintf(m->error, sizeof m->error, "Unicorn cannot map region 0x%08x-0x%08x: %s",
                 start, end, uc_strerror(e));
        return -1;
    }
    memmove(&c->regions[i + 1], &c->regions[i], (c->nr_regions - i) * sizeof *c->regions);
    c->regions[i] = (struct uc_region){ start, end, perms, pad_add(c) };
    c->nr_regions++;
    return 0;
}

static int overlaps(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* Widen [lo, hi) until no region or VMA straddles its ends. */
static void widen(struct mm_context *c, uint32_t *lo, uint32_t *hi)
{
    for (int changed = 1; changed; ) {
        changed = 0;
        for (size_t i = 0; i < c->nr_regions; i++) {
            const struct uc_region *r = &c->regions[i];
            if (overlaps(r->start, r->end, *lo, *hi) && (r->start < *lo || r->end > *hi)) {
                *lo = r->start < *lo ? r->start : *lo;
                *hi = r->end > *hi ? r->end : *hi;
                changed = 1;
            }
        }
        const struct vm_area_struct *v;
        for_each_vma(c->mm, v) {
            if (overlaps(v->vm_start, v->vm_end, *lo, *hi) && (v->vm_start < *lo || v->vm_end > *hi)) {
                *lo = v->vm_start < *lo ? v->vm_start : *lo;
                *hi = v->vm_end > *hi ? v->vm_end : *hi;
                changed = 1;
            }
        }
    }
}

/* Take into [lo, hi) (widened) a region just outside it that the VMA at its
 * edge will merge with: adjacent, with the same rights.  Only the two
 * neighbours: a run of mappings of alternating rights is rebuilt one
 * region at a time, not all of them on every call. */
static void absorb_neighbours(struct mm_context *c, uint32_t *lo, uint32_t *hi)
{
    uint32_t l = *lo, h = *hi, lo_perms = 0, hi_perms = 0;
    const struct vm_area_struct *v;
    for_each_vma(c->mm, v) {                /* the rights at the range's edges */
        if (v->vm_start == l)
            lo_perms = vma_uc_perms(c, v);
        if (v->vm_end == h && v->vm_start < h)
            hi_perms = vma_uc_perms(c, v);
    }
    for (size_t i = 0; i < c->nr_regions; i++) {
        const struct uc_region *r = &c->regions[i];
        if (r->end == l && lo_perms && r->perms == lo_perms)
            *lo = r->start;
        if (r->start == h && hi_perms && r->perms == hi_perms)
            *hi = r->end;
    }
}

#define STACK_REGION_CHUNK (64u << PAGE_SHIFT)

/* Lowest address a region below VMA v may start at. */
static uint32_t region_floor(struct mm_context *c, const struct vm_area_struct *v, uint32_t below)
{
    const struct vm_area_struct *prev = vma_prev(c->mm, v);
    uint32_t floor = prev ? prev->vm_end + STACK_GUARD_GAP : MMAP_MIN_ADDR;
    for (size_t r = 0; r < c->nr_regions; r++)
        if (c->regions[r].end <= below && c->regions[r].end > floor)
            floor = c->regions[r].end;
    return floor;
}

/*
 * Inside the engine (a fault taken from a hook) Unicorn regions may only be
 * added, never removed.  The one VMA change a fault makes is stack growth,
 * so the uncovered bottom of the stack gets a region, and a growing stack a
 * chunk more below it: the model still decides, page by page, what is the
 * stack, and a stack that grows by pages does not cost a region per page.
 */
static const struct uc_region *region_at(const struct mm_context *c, uint32_t addr)
{
    for (size_t r = 0; r < c->nr_regions; r++)
        if (c->regions[r].start <= addr && addr < c->regions[r].end)
            return &c->regions[r];
    return NULL;
}

static uint32_t next_region_start(const struct mm_context *c, uint32_t addr, uint32_t limit)
{
    for (size_t r = 0; r < c->nr_regions; r++)
        if (c->regions[r].start > addr && c->regions[r].start < limit)
            limit = c->regions[r].start;
    return limit;
}

static void add_missing_regions(struct mm_context *c, uint32_t start, uint32_t end)
{
    struct machine *m = c->m;
    const struct vm_area_struct *v;
    for (v = vma_first(c->mm); v && !machine_stopped(m); v = vma_next(c->mm, v)) {
        uint32_t perms = vma_uc_perms(c, v);
        if (!perms || !overlaps(v->vm_start, v->vm_end, start, end))
            continue;
        for (uint32_t a = v->vm_start; a < v->vm_end; ) {
            const struct uc_region *r = region_at(c, a);
            if (r) {
                a = r->end;
                continue;
            }
            uint32_t b = next_region_start(c, a, v->vm_end), lo = a;
            /* (the raw engine cannot fault pages in under a slack region) */
            if ((v->vm_flags & VM_GROWSDOWN) && a == v->vm_start && !m->opt.raw_engine) {
                uint32_t floor = region_floor(c, v, a);
                lo = a > floor + STACK_REGION_CHUNK ? a - STACK_REGION_CHUNK : (floor < a ? floor : a);
            }
            if (region_add(c, lo, b, perms) != 0) {
                task_exit_signal(m->task, SIGKILL, "memsim: cannot mirror the mapping 0x%08x-0x%08x: %s",
                             lo, b, m->error);
                return;
            }
            a = b;
        }
    }
}

/*
 * The raw engine has no hooks on the access path, so nothing could fault a
 * page in when the guest touches it: every page of a VMA is populated as
 * soon as the VMA exists (MAP_POPULATE semantics).
 */
static void raw_populate(struct mm_context *c, uint32_t start, uint32_t end)
{
    struct machine *m = c->m;
    if (m->opt.raw_engine && !machine_stopped(m) && mm_populate(c->mm, start, end) != FAULT_OK)
        task_exit_signal(m->task, SIGKILL, "memsim: out of memory (--ram %lluM) populating 0x%08x-0x%08x",
                     (unsigned long long)(m->opt.ram_bytes >> 20), start, end);
}

/* A region for [start, end); -1 (the guest killed) if Unicorn refused. */
static int mirror_run(struct mm_context *c, uint32_t start, uint32_t end, uint32_t perms)
{
    if (region_add(c, start, end, perms) == 0)
        return 0;
    task_exit_signal(c->m->task, SIGKILL, "memsim: cannot mirror the mapping 0x%08x-0x%08x: %s",
                     start, end, c->m->error);
    return -1;
}

static void hm_vma_changed(void *ctx, struct mm_struct *mm, uint32_t start, uint32_t end)
{
    struct mm_context *c = ctx;
    struct machine *m = c->m;
    uint32_t lo = start, hi = end;
    if (m->in_engine) {
        add_missing_regions(c, start, end);
        raw_populate(c, start, end);
        return;
    }
    widen(c, &lo, &hi);
    absorb_neighbours(c, &lo, &hi);
    widen(c, &lo, &hi);                 /* (a stack's slack region may end inside its VMA) */

    size_t out = 0;
    for (size_t i = 0; i < c->nr_regions; i++) {
        struct uc_region *r = &c->regions[i];
        if (overlaps(r->start, r->end, lo, hi)) {
            uc_mem_unmap(c->uc, r->start, r->end - r->start);
            pad_remove(c, r->pad);
        } else
            c->regions[out++] = *r;
    }
    c->nr_regions = out;
    /* One region per run of adjacent VMAs with the same rights: Unicorn
     * 2.0.1 looks the region of every access up (memory_mapping: a binary
     * search, its one-entry cache never updated), so fewer regions cost
     * less on every load and store.  What the engine allows at each
     * address is the same either way. */
    uint32_t run_start = 0, run_end = 0, run_perms = 0;
    const struct vm_area_struct *v;
    for_each_vma(mm, v) {
        uint32_t perms = vma_uc_perms(c, v);
        if (!perms || !overlaps(v->vm_start, v->vm_end, lo, hi))
            continue;
        if (run_perms && v->vm_start == run_end && perms == run_perms) {
            run_end = v->vm_end;
            continue;
        }
        if (run_perms && mirror_run(c, run_start, run_end, run_perms))
            return;
        run_start = v->vm_start, run_end = v->vm_end, run_perms = perms;
    }
    if (run_perms && mirror_run(c, run_start, run_end, run_perms))
        return;
    raw_populate(c, lo, hi);
}

/*
 * The guest needs more host mappings than vm.max_map_count leaves: it dies
 * with the documented line (README, "Limits").  The page at va may still be
 * what it was — an alias of a frame the model is about to free or has just
 * replaced — so it becomes scratch memory first: neither a later access of
 * this instruction nor anything else can reach that frame through it.
 */
static void host_maps_exhausted(struct mm_context *c, uint32_t va)
{
    struct machine *m = c->m;
    window_sacrifice(&c->win, va);
    task_exit_signal(m->task, SIGKILL, "memsim: the host cannot map more guest pages (%llu host mappings; "
                 "raise vm.max_map_count, now below what this guest needs)",
                 (unsigned long long)c->win.host_maps);
}

static void hm_set_pte(void *ctx, struct mm_struct *mm, uint32_t va, uint32_t pfn, int writable)
{
    struct mm_context *c = ctx;
    struct machine *m = c->m;
    int r = pfn == m->k.zero_pfn && !writable ? window_zero(&c->win, va)
                                              : window_alias(&c->win, m->k.pm.memfd, va, pfn, writable);
    if (r)
        host_maps_exhausted(c, va);
}

static void hm_clear_pte(void *ctx, struct mm_struct *mm, uint32_t va, int was_exec)
{
    struct mm_context *c = ctx;
    if (window_unalias(&c->win, va))
        host_maps_exhausted(c, va);
    if (was_exec) {
        uc_ctl_remove_cache(c->uc, va, va + PAGE_SIZE);
        decode_invalidate(&c->dc, va, va + PAGE_SIZE);
    }
}

/*
 * madvise dropped the pages of [start, end) under live VMAs.  The model
 * engine faults them back in on the next access; the raw engine has no hook
 * to do that, so they are populated again at once (zeros, or the file).
 */
static void hm_range_zapped(void *ctx, struct mm_struct *mm, uint32_t start, uint32_t end)
{
    raw_populate(ctx, start, end);
}

/* Without NX any readable page may hold translated code. */
static void hm_user_written(void *ctx, struct mm_struct *mm, uint32_t va, uint32_t len)
{
    struct mm_context *c = ctx;
    uc_ctl_remove_cache(c->uc, va, va + len);
    decode_invalidate(&c->dc, va, va + len);
}

/*
 * The kernel model found an entry for va naming a frame past RAM or with a
 * reserved bit: corrupt tables (a model bug, or a guest that wrote them).  As Linux's pgtable_bad
 * the task dies with SIGKILL; the page becomes a throwaway one first, since
 * Unicorn may still complete the access under way (as deliver_fault does).
 */
static void hm_bad_pagetable(void *ctx, struct mm_struct *mm, uint32_t va, uint64_t entry)
{
    struct mm_context *c = ctx;
    struct machine *m = c->m;
    window_sacrifice(&c->win, va);
    if (!machine_stopped(m))
        m->task->exit_reason = "bad-pagetable";
    task_exit_signal(m->task, SIGKILL, "memsim: corrupted page table: an entry for 0x%08x names a frame "
                 "past the end of RAM (%u frames) or sets a reserved bit; killed the guest",
                 va, m->k.pm.nr_pages);
}

void hostmap_notifier(struct mm_context *c, struct mm_notifier *n)
{
    *n = (struct mm_notifier){
        .ctx = c,
        .vma_changed = hm_vma_changed,
        .set_pte = hm_set_pte,
        .clear_pte = hm_clear_pte,
        .range_zapped = hm_range_zapped,
        .user_written = hm_user_written,
        .bad_pagetable = hm_bad_pagetable,
    };
}

int hostmap_map_kernel_page(struct mm_context *c, uint32_t pfn, int writable)
{
    return hostmap_map_kernel_va(c, PAGE_OFFSET + (pfn << PAGE_SHIFT), pfn, writable);
}

int hostmap_map_kernel_va(struct mm_context *c, uint32_t va, uint32_t pfn, int writable)
{
    struct machine *m = c->m;
    if (pfn == PFN_NONE)
        return -1;
    uint32_t perms = UC_PROT_READ | (writable ? UC_PROT_WRITE : UC_PROT_EXEC);
    uc_err e = uc_mem_map_ptr(c->uc, va, PAGE_SIZE, perms, pfn_to_host(&m->k.pm, pfn));
    if (e != UC_ERR_OK) {
        snprintf(m->error, sizeof m->error, "Unicorn cannot map kernel page 0x%08x: %s",
                 va, uc_strerror(e));
        return -1;
    }
    pad_add(c);                     /* kernel pages stay until the engine closes */
    return 0;
}

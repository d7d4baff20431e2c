/*
 * highmem.c — kmap, kmap_local and the HighMem page helpers (see
 * highmem.h), after Linux 6.1 mm/highmem.c and arch/x86's fixmap.
 */
#include <string.h>
#include "kernel-model/highmem.h"
#include "kernel-model/pgtable.h"
#include "kernel-model/vmalloc.h"

static int is_highmem(const struct kernel *k, uint32_t pfn)
{
    return pfn >= ZONE_NORMAL_END_PFN && pfn < k->pm.nr_pages;
}

static uint32_t page_address(uint32_t pfn)
{
    return PAGE_OFFSET + (pfn << PAGE_SHIFT);
}

int kmap_init(struct kernel *k, struct bootmem_data *bd)
{
    struct kmap_state *s = &k->kmap;
    memset(s, 0, sizeof *s);
    s->pkmap_base = pkmap_base_for(pgtable_pae(k));
    s->last_pkmap = pgtable_pae(k) ? 512u : 1024u;
    s->pkmap_pt = early_pgtable_alloc(k, bd, PURPOSE_PAGETABLE);
    s->fixmap_pt = early_pgtable_alloc(k, bd, PURPOSE_PAGETABLE);
    if (s->pkmap_pt == PFN_NONE || s->fixmap_pt == PFN_NONE)
        return -1;
    const uint64_t table = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    pte_write(k, kernel_pmd_offset(k, s->pkmap_base), ((uint64_t)s->pkmap_pt << PAGE_SHIFT) | table);
    pte_write(k, kernel_pmd_offset(k, FIXADDR_TOP), ((uint64_t)s->fixmap_pt << PAGE_SHIFT) | table);
    for (uint32_t i = 0; i < LAST_PKMAP_MAX; i++)
        s->pkmap_pfn[i] = PFN_NONE;
    return 0;
}

/* ---- the permanent kmap area ---------------------------------------------- */

static uint32_t pkmap_addr(const struct kmap_state *s, uint32_t nr)
{
    return s->pkmap_base + (nr << PAGE_SHIFT);
}

/* Every slot no one uses any more is cleared, and the TLB flushed once
 * (a range this large is a full flush on x86). */
static void flush_all_zero_pkmaps(struct kernel *k)
{
    struct kmap_state *s = &k->kmap;
    int need_flush = 0;
    for (uint32_t i = 0; i < s->last_pkmap; i++) {
        if (s->pkmap_count[i] != 1)
            continue;
        s->pkmap_count[i] = 0;
        s->pkmap_pfn[i] = PFN_NONE;
        pte_write(k, kernel_pte_offset(k, pkmap_addr(s, i)), 0);   /* one flush below */
        need_flush = 1;
    }
    if (need_flush && k->mmu)
        mmu_flush_tlb(k->mmu);
}

static uint32_t map_new_virtual(struct kernel *k, uint32_t pfn)
{
    struct kmap_state *s = &k->kmap;
    uint32_t count = s->last_pkmap;
    for (;;) {
        s->last_pkmap_nr = (s->last_pkmap_nr + 1) & (s->last_pkmap - 1);
        if (s->last_pkmap_nr == 0) {
            flush_all_zero_pkmaps(k);
            count = s->last_pkmap;
        }
        if (!s->pkmap_count[s->last_pkmap_nr])
            break;
        if (--count == 0)
            return 0;                    /* Linux sleeps until a kunmap */
    }
    uint32_t nr = s->last_pkmap_nr;
    set_kernel_pte(k, kernel_pte_offset(k, pkmap_addr(s, nr)), pfn);
    s->pkmap_count[nr] = 1;
    s->pkmap_pfn[nr] = pfn;
    return pkmap_addr(s, nr);
}

/* The slot mapping pfn (in use, or unused but not yet flushed), or -1. */
static int pkmap_slot(const struct kmap_state *s, uint32_t pfn)
{
    for (uint32_t i = 0; i < s->last_pkmap; i++)
        if (s->pkmap_count[i] && s->pkmap_pfn[i] == pfn)
            return (int)i;
    return -1;
}

uint32_t kmap(struct kernel *k, uint32_t pfn)
{
    struct kmap_state *s = &k->kmap;
    if (!is_highmem(k, pfn))
        return page_address(pfn);
    if (s->pkmap_pt == PFN_NONE || s->last_pkmap == 0)
        return 0;
    int nr = pkmap_slot(s, pfn);
    uint32_t vaddr = nr >= 0 ? pkmap_addr(s, (uint32_t)nr) : map_new_virtual(k, pfn);
    if (vaddr)
        s->pkmap_count[(vaddr - s->pkmap_base) >> PAGE_SHIFT]++;
    return vaddr;
}

void kunmap(struct kernel *k, uint32_t pfn)
{
    struct kmap_state *s = &k->kmap;
    int nr = is_highmem(k, pfn) ? pkmap_slot(s, pfn) : -1;
    if (nr >= 0 && s->pkmap_count[nr] > 1)
        s->pkmap_count[nr]--;            /* 1: free, the PTE kept until a flush */
}

/* ---- kmap_local: the fixmap slots ---------------------------------------- */

static uint32_t fix_to_virt(uint32_t idx)
{
    return FIXADDR_TOP - ((FIX_KMAP_BEGIN + idx) << PAGE_SHIFT);
}

uint32_t kmap_local_pfn(struct kernel *k, uint32_t pfn)
{
    struct kmap_state *s = &k->kmap;
    if (!is_highmem(k, pfn))
        return page_address(pfn);
    if (s->fixmap_pt == PFN_NONE || s->local_idx >= KM_MAX_IDX)
        return 0;
    uint32_t vaddr = fix_to_virt(s->local_idx++);
    set_kernel_pte(k, kernel_pte_offset(k, vaddr), pfn);
    return vaddr;
}

void kunmap_local(struct kernel *k, uint32_t vaddr)
{
    struct kmap_state *s = &k->kmap;
    if (s->local_idx == 0 || vaddr != fix_to_virt(s->local_idx - 1))
        return;                          /* a lowmem address, or out of order */
    s->local_idx--;
    clear_kernel_pte(k, vaddr, kernel_pte_offset(k, vaddr));   /* flush_tlb_one_kernel */
}

void clear_highpage(struct kernel *k, uint32_t pfn, int dirty)
{
    uint32_t v = kmap_local_pfn(k, pfn);
    if (dirty)
        memset(pfn_to_host(&k->pm, pfn), 0, PAGE_SIZE);
    kunmap_local(k, v);
}

void copy_user_highpage(struct kernel *k, uint32_t to, uint32_t from)
{
    uint32_t vfrom = kmap_local_pfn(k, from), vto = kmap_local_pfn(k, to);
    memcpy(pfn_to_host(&k->pm, to), pfn_to_host(&k->pm, from), PAGE_SIZE);
    kunmap_local(k, vto);
    kunmap_local(k, vfrom);
}

/*
 * test_highmem.c — kmap and kmap_local (kernel-model/highmem.c) on a 1 GiB
 * machine, 2-level and PAE: lowmem frames are their direct-map address and
 * take no slot; a HighMem frame gets a pkmap slot (PKMAP_BASE + n pages),
 * shared by nested kmaps, freed lazily and reclaimed when the cursor wraps
 * (one full TLB flush); kmap_local uses the fixmap slots from
 * FIX_KMAP_BEGIN down, as a stack, and each kunmap_local is one invlpg of
 * its address; the PTEs in the boot's pkmap and fixmap page tables name
 * the frame while mapped; a __GFP_ZERO HighMem allocation and a COW copy
 * go through kmap_local.
 */
#include "tests/unit/kernel_fixture.h"
#include "kernel-model/pgtable.h"

struct flushes {
    unsigned invlpg, all;
    uint32_t last;
};

static void count_flush(void *ctx, const struct event *ev)
{
    struct flushes *f = ctx;
    if (ev->type != EV_TLB_FLUSH)
        return;
    if (ev->u.flush.kind == FLUSH_INVLPG) {
        f->invlpg++;
        f->last = ev->u.flush.vaddr;
    } else if (ev->u.flush.kind == FLUSH_ALL) {
        f->all++;
    }
}

/* The PTE that maps kernel address va, read through swapper's tables. */
static uint64_t kernel_pte_of(struct kernel *k, uint32_t va)
{
    uint64_t pde;
    if (pgtable_pae(k)) {
        uint32_t kpmd = pte_pfn(pte_read(k, pt_entry(k, k->swapper_pg_dir, pae_pdpt_index(va))));
        pde = pte_read(k, pt_entry(k, kpmd, pae_pmd_index(va)));
    } else {
        pde = pte_read(k, pt_entry(k, k->swapper_pg_dir, pgd_index(va)));
    }
    if (!(pde & _PAGE_PRESENT) || (pde & _PAGE_PSE))
        return 0;
    uint32_t ptrs = pgtable_pae(k) ? 512u : 1024u;
    return pte_read(k, pt_entry(k, pte_pfn(pde), (va >> PAGE_SHIFT) & (ptrs - 1)));
}

static void test_kmap(enum paging_mode mode)
{
    struct sys s;
    struct flushes fl = { 0 };
    fixture_paging = mode;
    if (sys_boot(&s, 1ull << 30, test_stream(&fl, count_flush), 1))
        return;
    struct kernel *k = &s.k;
    s.mmu.events = k->events;                        /* the CPU's flushes, as emu wires them */
    const uint32_t base = mode == PAGING_PAE ? 0xff600000u : 0xff400000u;   /* vmalloc.h */
    const uint32_t last = mode == PAGING_PAE ? 512u : 1024u;
    const uint32_t high = ZONE_NORMAL_END_PFN + 100, high2 = ZONE_NORMAL_END_PFN + 7;

    /* lowmem: the direct map, no slot, no flush */
    CHECK_EQ(kmap(k, 5000), PAGE_OFFSET + (5000u << PAGE_SHIFT));
    CHECK_EQ(kmap_local_pfn(k, 5000), PAGE_OFFSET + (5000u << PAGE_SHIFT));
    kunmap_local(k, PAGE_OFFSET + (5000u << PAGE_SHIFT));
    CHECK_EQ(k->kmap.local_idx, 0);

    /* pkmap: the first slot is 1 (the cursor starts at 0 and moves first) */
    uint32_t v = kmap(k, high);
    CHECK_EQ(v, base + PAGE_SIZE);
    CHECK_EQ(kernel_pte_of(k, v) >> PAGE_SHIFT & 0xffffff, high);
    CHECK_EQ(kmap(k, high), v);                      /* nested: same slot */
    CHECK_EQ(k->kmap.pkmap_count[1], 3);
    kunmap(k, high);
    kunmap(k, high);
    CHECK_EQ(k->kmap.pkmap_count[1], 1);             /* free, PTE kept */
    CHECK(kernel_pte_of(k, v) & _PAGE_PRESENT);
    CHECK_EQ(kmap(k, high), v);                      /* still there: reused */
    kunmap(k, high);
    /* Fill every other slot, wrap: the unused slot 1 is cleared with one
     * full flush and handed out again. */
    unsigned all_before = fl.all;
    for (uint32_t i = 2; i < last; i++)
        CHECK_EQ(kmap(k, ZONE_NORMAL_END_PFN + 1000 + i), base + i * PAGE_SIZE);
    CHECK_EQ(kmap(k, high2), base);                  /* slot 0 after the wrap */
    CHECK_EQ(fl.all, all_before + 1);
    CHECK_EQ(kernel_pte_of(k, v), 0);                /* slot 1 cleared */
    CHECK_EQ(kmap(k, high), v);
    CHECK_EQ(kmap(k, ZONE_NORMAL_END_PFN + 5), 0);   /* all in use: Linux sleeps */

    /* kmap_local: a stack of fixmap slots below FIXADDR_TOP */
    uint32_t a = kmap_local_pfn(k, high), b = kmap_local_pfn(k, high2);
    CHECK_EQ(a, FIXADDR_TOP - (FIX_KMAP_BEGIN << PAGE_SHIFT));
    CHECK_EQ(b, a - PAGE_SIZE);
    CHECK_EQ(kernel_pte_of(k, b) >> PAGE_SHIFT & 0xffffff, high2);
    unsigned inv = fl.invlpg;
    kunmap_local(k, a);                              /* out of order: refused */
    CHECK_EQ(fl.invlpg, inv);
    kunmap_local(k, b);
    kunmap_local(k, a);
    CHECK_EQ(fl.invlpg, inv + 2);
    CHECK_EQ(fl.last, a);
    CHECK_EQ(kernel_pte_of(k, a), 0);
    for (uint32_t i = 0; i < KM_MAX_IDX; i++)
        CHECK(kmap_local_pfn(k, high) != 0);
    CHECK_EQ(kmap_local_pfn(k, high), 0);            /* 16 slots */
    for (uint32_t i = KM_MAX_IDX; i-- > 0;)
        kunmap_local(k, FIXADDR_TOP - ((FIX_KMAP_BEGIN + i) << PAGE_SHIFT));
    CHECK_EQ(k->kmap.local_idx, 0);

    /* A zeroed HighMem frame: mapped, cleared, unmapped (one invlpg). */
    inv = fl.invlpg;
    uint32_t p = alloc_pages(&k->pgdat, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0, PURPOSE_TEST);
    CHECK_EQ(pfn_zone(p), ZONE_HIGHMEM);
    CHECK_EQ(fl.invlpg, inv + 1);
    memset(pfn_to_host(&k->pm, p), 0xab, PAGE_SIZE);
    free_pages(&k->pgdat, p, 0);
    uint32_t p2 = alloc_pages(&k->pgdat, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0, PURPOSE_TEST);
    CHECK_EQ(p2, p);
    CHECK_EQ(((uint8_t *)pfn_to_host(&k->pm, p2))[PAGE_SIZE - 1], 0);
    free_pages(&k->pgdat, p2, 0);
    /* A copy between two HighMem frames: two slots, two invlpg. */
    inv = fl.invlpg;
    uint8_t *src = pfn_to_host(&k->pm, high), *dst = pfn_to_host(&k->pm, high2);
    memset(src, 0x5a, PAGE_SIZE);
    copy_user_highpage(k, high2, high);
    CHECK(dst[0] == 0x5a && dst[PAGE_SIZE - 1] == 0x5a);
    CHECK_EQ(fl.invlpg, inv + 2);
    CHECK_EQ(k->kmap.local_idx, 0);
    for (uint32_t i = 0; i < last; i++)              /* the test's pkmaps, back */
        if (k->kmap.pkmap_count[i] > 1)
            kunmap(k, k->kmap.pkmap_pfn[i]);
    sys_fini(&s);
}

int main(void)
{
    test_kmap(PAGING_2LEVEL);
    test_kmap(PAGING_PAE);
    return CHECK_DONE();
}

/*
 * test_mmu.c — the two-level x86 page walker and the TLBs on page tables
 * built by hand in a malloc'd "physical memory".
 *
 * Expected values are worked out from the Intel SDM vol. 3A ch. 4: §4.3
 * (32-bit paging, 10/10/12 and 4 MiB PSE pages), §4.6 (U/S and R/W are
 * combined over every level; supervisor writes ignore R/W unless CR0.WP),
 * §4.7 (#PF error code: P, W/R, U/S; I/D only with NX/SMEP, never in 2-level
 * paging), §4.8 (A on every entry used, D on the final entry of a write)
 * and §4.10 (TLBs: INVLPG, MOV to CR3, global pages with CR4.PGE).
 */
#include "tests/unit/mmu_fixture.h"

#define PD  0x1000u             /* page directory */
#define PT0 0x2000u             /* page tables */
#define PT1 0x3000u

static uint32_t *ent(uint64_t pa) { return (uint32_t *)(phys + pa); }
static uint32_t *pde(uint32_t va) { return ent(PD + 4ull * pgd_index(va)); }
static uint32_t *pte(uint32_t pt, uint32_t va) { return ent(pt + 4ull * pte_index(va)); }

/* Fresh RAM and MMU, 2-level paging, CR3 -> PD. */
static void setup(struct mmu *m, struct walk_log *log)
{
    mmu_fixture_reset(m, log);
    mmu_write_cr3(m, PD);
}

/* ---- init and geometry ---------------------------------------------------- */

static void test_init(void)
{
    struct mmu m;
    struct tlb t;

    setup(&m, NULL);
    CHECK_EQ(m.cr0, X86_CR0_PE | X86_CR0_PG | X86_CR0_WP);
    CHECK_EQ(m.cr4, X86_CR4_PSE | X86_CR4_PGE);
    CHECK_EQ(m.cr3, PD);
    CHECK_EQ(m.dtlb.sets, 16);       /* 64 entries / 4 ways */
    CHECK_EQ(m.dtlb.ways, 4);
    CHECK_EQ(m.itlb.sets, 8);        /* 32 / 4 */
    CHECK_STR(mmu_access_name(MMU_READ), "read");
    CHECK_STR(mmu_access_name(MMU_WRITE), "write");
    CHECK_STR(mmu_access_name(MMU_FETCH), "fetch");
    mmu_destroy(&m);

    CHECK(tlb_init(&t, "t", 12, 4, REPL_LRU) == -1);     /* 3 sets: not a power of two */
    CHECK(tlb_init(&t, "t", 8, 0, REPL_LRU) == -1);
    CHECK(tlb_init(&t, "t", 10, 4, REPL_LRU) == -1);     /* not a multiple of ways */
    CHECK(tlb_init(&t, "t", 8, 8, REPL_LRU) == 0);       /* fully associative */
    CHECK_EQ(t.sets, 1);
    tlb_destroy(&t);
}

/* ---- rights and error codes, table driven -------------------------------- */

/* RV = 0x00801234: PDE index 2 -> PT0, PTE index 1 -> frame 0x345000. */
static const struct rights_case rights_cases[] = {
    /* both levels grant everything */
    { P|W|U, P|W|U, MMU_WRITE, 1, 1, 1, 0 },
    { P|W|U, P|W|U, MMU_FETCH, 1, 1, 1, 0 },
    /* PDE U=0 with PTE U=1: supervisor only */
    { P|W,   P|W|U, MMU_READ,  1, 1, 0, 0x5 },
    { P|W,   P|W|U, MMU_READ,  0, 1, 1, 0 },
    /* PTE U=0; a fetch reports no I/D bit in 2-level paging */
    { P|W|U, P|W,   MMU_READ,  1, 1, 0, 0x5 },
    { P|W|U, P|W,   MMU_FETCH, 1, 1, 0, 0x5 },
    { P|W|U, P|W,   MMU_WRITE, 0, 1, 1, 0 },
    /* PDE R/W=0 denies writes below it */
    { P|U,   P|W|U, MMU_WRITE, 1, 1, 0, 0x7 },
    { P|U,   P|W|U, MMU_READ,  1, 1, 1, 0 },
    { P|U,   P|W|U, MMU_WRITE, 0, 1, 0, 0x3 },
    { P|U,   P|W|U, MMU_WRITE, 0, 0, 1, 0 },
    /* PTE R/W=0: users never write; supervisors only with WP=0 */
    { P|W|U, P|U,   MMU_WRITE, 1, 0, 0, 0x7 },
    { P|W|U, P|U,   MMU_WRITE, 0, 1, 0, 0x3 },
    { P|W|U, P|U,   MMU_WRITE, 0, 0, 1, 0 },
    { P,     P,     MMU_WRITE, 0, 0, 1, 0 },
    { P,     P,     MMU_READ,  0, 1, 1, 0 },
    /* PTE not present (other bits set): P=0 in the code */
    { P|W|U, W|U,   MMU_READ,  1, 1, 0, 0x4 },
    { P|W|U, W|U,   MMU_WRITE, 0, 1, 0, 0x2 },
    /* not present wins over the PDE's U=0 */
    { P|W,   W|U,   MMU_READ,  1, 1, 0, 0x4 },
    /* PDE not present */
    { 0,     0,     MMU_READ,  1, 1, 0, 0x4 },
    { 0,     0,     MMU_WRITE, 1, 1, 0, 0x6 },
    { 0,     0,     MMU_READ,  0, 1, 0, 0x0 },
    { 0,     0,     MMU_WRITE, 0, 1, 0, 0x2 },
    { 0,     0,     MMU_FETCH, 1, 1, 0, 0x4 },
    { W|U,   P|W|U, MMU_WRITE, 1, 1, 0, 0x6 },
};

static void run_rights_case(const struct rights_case *c)
{
    struct mmu m;
    struct walk_log log;

    setup(&m, &log);
    rights_walk(&m, &log, c, 4, PD + 4ull * pgd_index(RV), PT0, PT0 + 4ull * pte_index(RV));
    /* The event says whether it faulted; a fault is counted and fills no TLB. */
    CHECK_EQ(log.ev[0].fault, !c->ok);
    CHECK_EQ(m.stats.walk_faults, c->ok ? 0 : 1);
    if (!c->ok)
        CHECK(!tlb_has(c->acc == MMU_FETCH ? &m.itlb : &m.dtlb, RV >> 12));
    mmu_destroy(&m);
}

static void test_rights(void)
{
    run_rights_cases(rights_cases, sizeof rights_cases / sizeof rights_cases[0],
                     run_rights_case, "rights");
}

/* ---- A and D bits ---------------------------------------------------------- */

static void test_accessed_dirty(void)
{
    struct mmu m;
    uint64_t pa;
    uint32_t ec;
    const uint32_t va = 0x00400abc;           /* PDE 1, PTE 0 */

    setup(&m, NULL);
    *pde(va) = PT0 | P | W | U;
    *pte(PT0, va) = 0x111000 | P | W | U;
    CHECK(mmu_walk(&m, va, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(*pde(va), PT0 | P | W | U | A);
    CHECK_EQ(*pte(PT0, va), 0x111000 | P | W | U | A);       /* read: no D */
    CHECK(mmu_walk(&m, va, MMU_FETCH, 1, &pa, &ec) == 0);
    CHECK_EQ(*pte(PT0, va), 0x111000 | P | W | U | A);       /* fetch: no D */
    CHECK(mmu_walk(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK_EQ(*pde(va), PT0 | P | W | U | A);                 /* D only in the final entry */
    CHECK_EQ(*pte(PT0, va), 0x111000 | P | W | U | A | D);
    CHECK_EQ(m.stats.walks, 3);
    CHECK_EQ(m.stats.walk_reads, 6);

    /* A PTE that is not present: the PDE read on the way gets no A either. */
    const uint32_t vb = 0x00401000;
    *pde(va) = PT0 | P | W | U;
    CHECK(mmu_walk(&m, vb, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_USER);
    CHECK_EQ(*pde(vb), PT0 | P | W | U);
    mmu_destroy(&m);
}

/* ---- 4 MiB pages ------------------------------------------------------------ */

static void test_pse(void)
{
    const uint32_t va = 0x00D23456;            /* PDE 3; offset in 4 MiB 0x123456 */
    struct mmu m;
    struct walk_log log;
    uint64_t pa = 0;
    uint32_t ec = 0;

    setup(&m, &log);
    *pde(va) = 0x00400000 | P | W | U | PS;
    CHECK(mmu_walk(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00523456);
    CHECK_EQ(*pde(va), 0x00400000 | P | W | U | PS | A | D);   /* the PDE is final */
    CHECK_EQ(log.ev[0].levels, 1);
    CHECK_EQ(log.ev[0].entry_addr[0], PD + 4 * 3);
    CHECK_EQ(log.ev[0].entry_val[0], 0x004000E7);
    CHECK_EQ(m.stats.walk_reads, 1);
    CHECK_EQ(m.dtlb.entries[(0xD23 & 15) * 4].pfn, 0x523);     /* one 4 KiB slice cached */
    CHECK(mmu_translate(&m, 0x00FFFFFF, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x007FFFFF);                                  /* last byte of the page */

    /* U=0 in a 4 MiB PDE: a protection fault, the PDE untouched. */
    *pde(0x01000000) = 0x00800000 | P | W | PS;
    CHECK(mmu_walk(&m, 0x01000000, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_USER);
    CHECK_EQ(*pde(0x01000000), 0x00800000 | P | W | PS);

    /* CR4.PSE off: PS is ignored and the PDE points to a page table at
     * 0x400000; PTE index 0x123 sits at 0x400000 + 4 * 0x123 = 0x40048C. */
    m.cr4 &= ~X86_CR4_PSE;
    mmu_flush_tlb(&m);
    *ent(0x40048C) = 0x00777000 | P | W | U;
    log.n = 0;
    CHECK(mmu_walk(&m, va, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00777456);
    CHECK_EQ(log.ev[0].levels, 2);
    CHECK_EQ(log.ev[0].entry_addr[1], 0x40048C);
    CHECK_EQ(*ent(0x40048C), 0x00777000 | P | W | U | A);
    mmu_destroy(&m);
}

/* ---- TLB ---------------------------------------------------------------------- */

static void test_tlb_hit_and_invlpg(void)
{
    struct mmu m;
    uint64_t pa = 0;
    uint32_t ec = 0;
    const uint32_t va = 0x00401010;            /* PDE 1, PTE 1 */

    setup(&m, NULL);
    *pde(va) = PT0 | P | W | U;
    *pte(PT0, va) = 0x111000 | P | W | U;
    CHECK(mmu_translate(&m, va, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x111010);
    CHECK_EQ(m.stats.walks, 1);
    CHECK_EQ(m.dtlb.stats.misses, 1);
    CHECK(mmu_translate(&m, va + 4, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x111014);
    CHECK_EQ(m.stats.walks, 1);                /* a hit: no walk */
    CHECK_EQ(m.dtlb.stats.hits, 1);

    /* The TLB is not coherent with memory: a changed PTE is seen only
     * after INVLPG. */
    *pte(PT0, va) = 0x222000 | P | W | U | A;
    CHECK(mmu_translate(&m, va, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x111010);
    mmu_invlpg(&m, va);
    CHECK(!tlb_has(&m.dtlb, va >> 12));
    CHECK(mmu_translate(&m, va, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x222010);
    CHECK_EQ(m.stats.walks, 2);

    /* The cached entry is clean: a write walks again to set D, then hits. */
    CHECK_EQ(tlb_flags_of(&m.dtlb, va >> 12) & TLB_DIRTY, 0);
    CHECK(mmu_translate(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walks, 3);
    CHECK_EQ(*pte(PT0, va), 0x222000 | P | W | U | A | D);
    CHECK(tlb_flags_of(&m.dtlb, va >> 12) & TLB_DIRTY);
    CHECK(mmu_translate(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walks, 3);
    CHECK_EQ(tlb_copies(&m.dtlb, va >> 12), 1);

    /* Fetches use the ITLB: a miss there although the DTLB has it. */
    CHECK(mmu_translate(&m, va, MMU_FETCH, 1, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walks, 4);
    CHECK(tlb_has(&m.itlb, va >> 12));
    mmu_invlpg(&m, va);                        /* INVLPG drops both */
    CHECK(!tlb_has(&m.itlb, va >> 12) && !tlb_has(&m.dtlb, va >> 12));
    mmu_destroy(&m);
}

static void test_tlb_rights_recheck(void)
{
    struct mmu m;
    uint64_t pa = 0;
    uint32_t ec = 0;
    const uint32_t va = 0x00402000;

    setup(&m, NULL);
    *pde(va) = PT0 | P | W | U;
    *pte(PT0, va) = 0x333000 | P | U;          /* read-only */
    CHECK(mmu_translate(&m, va, MMU_READ, 1, &pa, &ec) == 0);
    /* A cached read-only entry does not let a user write through. */
    CHECK(mmu_translate(&m, va, MMU_WRITE, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_WRITE | X86_PF_USER);
    CHECK_EQ(*pte(PT0, va), 0x333000 | P | U | A);
    /* WP=0: the supervisor writes, D is set, and the entry then says so. */
    m.cr0 &= ~X86_CR0_WP;
    CHECK(mmu_translate(&m, va, MMU_WRITE, 0, &pa, &ec) == 0);
    CHECK_EQ(*pte(PT0, va), 0x333000 | P | U | A | D);
    uint64_t walks = m.stats.walks;
    CHECK(mmu_translate(&m, va, MMU_WRITE, 0, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walks, walks);
    /* ...but WP=1 again makes the cached entry insufficient. */
    m.cr0 |= X86_CR0_WP;
    CHECK(mmu_translate(&m, va, MMU_WRITE, 0, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_WRITE);
    /* A supervisor-only entry cached by a kernel access denies the user. */
    *pte(PT0, va + 0x1000) = 0x444000 | P | W;
    CHECK(mmu_translate(&m, va + 0x1000, MMU_READ, 0, &pa, &ec) == 0);
    CHECK(mmu_translate(&m, va + 0x1000, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_USER);
    mmu_destroy(&m);
}

/* Map a global page G and a normal page N, cache both. */
static void cache_global_and_normal(struct mmu *m, uint32_t g, uint32_t n)
{
    uint64_t pa;
    uint32_t ec;
    *pde(g) = PT0 | P | W | U;
    *pte(PT0, g) = 0x500000 | P | W | U | G;
    *pte(PT0, n) = 0x600000 | P | W | U;
    CHECK(mmu_translate(m, g, MMU_READ, 0, &pa, &ec) == 0);
    CHECK(mmu_translate(m, n, MMU_READ, 0, &pa, &ec) == 0);
    CHECK(tlb_flags_of(&m->dtlb, g >> 12) & TLB_GLOBAL);
    CHECK(!(tlb_flags_of(&m->dtlb, n >> 12) & TLB_GLOBAL));
}

static void test_tlb_global(void)
{
    struct mmu m;
    const uint32_t g = 0x00403000, n = 0x00404000;

    setup(&m, NULL);                           /* CR4.PGE set */
    uint64_t flushes = m.dtlb.stats.flushes;
    cache_global_and_normal(&m, g, n);
    mmu_flush_tlb(&m);
    CHECK(tlb_has(&m.dtlb, g >> 12));
    CHECK(!tlb_has(&m.dtlb, n >> 12));
    CHECK_EQ(m.dtlb.stats.flushes, flushes + 1);

    cache_global_and_normal(&m, g, n);
    mmu_write_cr3(&m, PD);                     /* MOV CR3 keeps global entries */
    CHECK_EQ(m.cr3, PD);
    CHECK(tlb_has(&m.dtlb, g >> 12));
    CHECK(!tlb_has(&m.dtlb, n >> 12));
    mmu_invlpg(&m, g);                         /* INVLPG ignores G */
    CHECK(!tlb_has(&m.dtlb, g >> 12));

    m.cr4 &= ~X86_CR4_PGE;                     /* G means nothing without PGE */
    cache_global_and_normal(&m, g, n);
    mmu_flush_tlb(&m);
    CHECK(!tlb_has(&m.dtlb, g >> 12) && !tlb_has(&m.dtlb, n >> 12));
    cache_global_and_normal(&m, g, n);
    mmu_write_cr3(&m, PD);
    CHECK(!tlb_has(&m.dtlb, g >> 12) && !tlb_has(&m.dtlb, n >> 12));
    mmu_destroy(&m);
}

/* DTLB set 5 of 16: vpns 0x05, 0x15, 0x25, 0x35, 0x45 (all in PT0). */
static void map_set5(uint32_t nr)
{
    *pde(0) = PT0 | P | W | U;
    for (uint32_t i = 0; i < nr; i++)
        *pte(PT0, (0x05u + 0x10u * i) << 12) = ((0x100u + i) << 12) | P | W | U;
}

static int read_vpn(struct mmu *m, uint32_t vpn)
{
    uint64_t pa;
    uint32_t ec;
    return mmu_translate(m, vpn << 12, MMU_READ, 1, &pa, &ec);
}

static void test_tlb_lru(void)
{
    struct mmu m;

    setup(&m, NULL);
    map_set5(6);
    /* Fill stamps 1..4: A=0x05 B=0x15 C=0x25 D=0x35; touch A (5) and C (6).
     * LRU order is then B(2) < D(4) < A(5) < C(6). */
    for (uint32_t v = 0x05; v <= 0x35; v += 0x10)
        CHECK(read_vpn(&m, v) == 0);
    CHECK_EQ(m.dtlb.stats.evictions, 0);
    CHECK(read_vpn(&m, 0x05) == 0 && read_vpn(&m, 0x25) == 0);
    CHECK_EQ(m.stats.walks, 4);
    CHECK(read_vpn(&m, 0x45) == 0);            /* E evicts B */
    CHECK_EQ(m.dtlb.stats.evictions, 1);
    CHECK(!tlb_has(&m.dtlb, 0x15));
    CHECK(tlb_has(&m.dtlb, 0x05) && tlb_has(&m.dtlb, 0x25) &&
          tlb_has(&m.dtlb, 0x35) && tlb_has(&m.dtlb, 0x45));
    CHECK(read_vpn(&m, 0x15) == 0);            /* B back: evicts D(4) */
    CHECK_EQ(m.dtlb.stats.evictions, 2);
    CHECK(!tlb_has(&m.dtlb, 0x35));
    CHECK_EQ(m.stats.walks, 6);
    /* Other sets are untouched by all this. */
    CHECK_EQ(m.dtlb.stats.misses, 6);
    mmu_destroy(&m);
}

/* A refill of a vpn already cached must reuse its way, not take a free way
 * and leave a stale twin behind (which would evict a live entry later). */
static void test_tlb_refill_in_place(void)
{
    struct mmu m;
    uint64_t pa;
    uint32_t ec;

    setup(&m, NULL);
    map_set5(5);
    for (uint32_t v = 0x05; v <= 0x35; v += 0x10)
        CHECK(read_vpn(&m, v) == 0);
    mmu_invlpg(&m, 0x05u << 12);               /* way of A is free now */
    /* D's entry is clean: a write walks again and refills D. */
    CHECK(mmu_translate(&m, 0x35u << 12, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walks, 5);
    CHECK_EQ(tlb_copies(&m.dtlb, 0x35), 1);
    /* Set: B, C, D and one free way, so E needs no eviction. */
    CHECK(read_vpn(&m, 0x45) == 0);
    CHECK_EQ(m.dtlb.stats.evictions, 0);
    CHECK(tlb_has(&m.dtlb, 0x15) && tlb_has(&m.dtlb, 0x25) &&
          tlb_has(&m.dtlb, 0x35) && tlb_has(&m.dtlb, 0x45));
    mmu_destroy(&m);
}

/* ---- the walk events ----------------------------------------------------------- */

static void test_walk_events(void)
{
    struct mmu m;
    struct walk_log log;
    uint64_t pa;
    uint32_t ec;
    const uint32_t va = 0x00C05678;            /* PDE 3 at PD+0xC, PTE 5 at PT1+0x14 */

    setup(&m, &log);
    m.pid = 77;
    *pde(va) = PT1 | P | W | U;
    *pte(PT1, va) = 0x00abc000 | P | W | U;
    CHECK(mmu_translate(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK(mmu_translate(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);   /* a hit: no event */
    CHECK_EQ(log.n, 1);
    const struct walk_event *e = &log.ev[0];
    CHECK_EQ(log.pid[0], 77);
    CHECK_EQ(e->vaddr, va);
    CHECK_EQ(e->access, MMU_WRITE);
    CHECK_EQ(e->user, 1);
    CHECK_EQ(e->levels, 2);
    CHECK_EQ(e->entry_addr[0], PD + 0xC);
    CHECK_EQ(e->entry_val[0], PT1 | 0x27);             /* A set */
    CHECK_EQ(e->entry_addr[1], PT1 + 0x14);
    CHECK_EQ(e->entry_val[1], 0x00abc000 | 0x67);      /* A and D set */
    CHECK_EQ(e->paddr, 0x00abc678);
    CHECK_EQ(e->fault, 0);

    /* A protection fault: values as found, the error code reported. */
    *pte(PT1, va + 0x1000) = 0x00abd000 | P | U;
    CHECK(mmu_translate(&m, va + 0x1000, MMU_WRITE, 1, &pa, &ec) == -1);
    CHECK_EQ(log.n, 2);
    CHECK_EQ(log.ev[1].fault, 1);
    CHECK_EQ(log.ev[1].error_code, 0x7);
    CHECK_EQ(log.ev[1].entry_val[0], PT1 | 0x27);
    CHECK_EQ(log.ev[1].entry_val[1], 0x00abd000 | P | U);
    CHECK_EQ(log.ev[1].access, MMU_WRITE);

    /* Not present at the PDE: one level read, its value 0. */
    CHECK(mmu_translate(&m, 0x10000000, MMU_FETCH, 0, &pa, &ec) == -1);
    CHECK_EQ(log.n, 3);
    CHECK_EQ(log.ev[2].levels, 1);
    CHECK_EQ(log.ev[2].entry_addr[0], PD + 4 * 0x40);
    CHECK_EQ(log.ev[2].entry_val[0], 0);
    CHECK_EQ(log.ev[2].error_code, 0);
    CHECK_EQ(m.stats.walks, 3);
    CHECK_EQ(m.stats.walk_faults, 2);
    mmu_destroy(&m);
}

/*
 * Frame numbers are checked against RAM (here 16 MiB): a page table, a
 * directory or a final frame outside it ends the walk with
 * P|RSVD|MMU_PF_BADFRAME, touches nothing and fills no TLB; the same frame
 * numbers inside RAM translate.
 */
static void test_outside_ram(void)
{
    struct mmu m;
    uint64_t pa;
    uint32_t ec = 0xdead;
    const uint32_t bad = X86_PF_PROT | X86_PF_RSVD | MMU_PF_BADFRAME;

    setup(&m, NULL);
    m.phys_size = 16u << 20;
    *pde(0x00400000) = 0x7FFFF000u | P | W | U;     /* table far beyond RAM */
    CHECK(mmu_walk(&m, 0x00400000, MMU_WRITE, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, bad | X86_PF_WRITE | X86_PF_USER);
    CHECK_EQ(*pde(0x00400000), 0x7FFFF000u | P | W | U);
    /* a PTE naming the first frame past RAM, then the last one inside */
    *pde(0x00400000) = PT0 | P | W | U;
    *pte(PT0, 0x00400000) = (16u << 20) | P | W | U;
    CHECK(mmu_translate(&m, 0x00400000, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, bad | X86_PF_USER);
    CHECK_EQ(*pte(PT0, 0x00400000), (16u << 20) | P | W | U);   /* no A bit */
    CHECK(mmu_translate(&m, 0x00400000, MMU_READ, 1, &pa, &ec) == -1);  /* no TLB entry */
    CHECK_EQ(m.stats.bad_frames, 3);
    *pte(PT0, 0x00400000) = ((16u << 20) - 4096) | P | W | U;
    CHECK(mmu_translate(&m, 0x00400123, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, (16u << 20) - 4096 + 0x123);
    /* a 4 MiB page straddling the end of RAM: only its frames inside */
    m.phys_size = (16u << 20) + (1u << 20);
    *pde(0x00800000) = (16u << 20) | P | W | U | PS;
    CHECK(mmu_walk(&m, 0x008FF000, MMU_READ, 1, &pa, &ec) == 0);
    CHECK(mmu_walk(&m, 0x00900000, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, bad | X86_PF_USER);
    mmu_write_cr3(&m, 0x10000000);                  /* directory beyond RAM */
    CHECK(mmu_walk(&m, 0, MMU_READ, 0, &pa, &ec) == -1);
    CHECK_EQ(ec, bad);
    mmu_destroy(&m);
}

static void run_all(void)
{
    test_init();
    test_rights();
    test_accessed_dirty();
    test_pse();
    test_tlb_hit_and_invlpg();
    test_tlb_rights_recheck();
    test_tlb_global();
    test_tlb_lru();
    test_tlb_refill_in_place();
    test_walk_events();
    test_outside_ram();
}

int main(void)
{
    return mmu_fixture_main(run_all);
}

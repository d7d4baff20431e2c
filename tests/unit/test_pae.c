/*
 * test_pae.c — the PAE page walker on page tables built by hand in a
 * malloc'd "physical memory".
 *
 * Expected values are worked out from the Intel SDM vol. 3A ch. 4: §4.4
 * (PAE paging: CR3 -> 4 PDPTEs loaded into registers at MOV to CR3, 2/9/9/12
 * split, 64-bit entries, 2 MiB pages with PS, reserved bits: 63:MAXPHYADDR
 * and 8:5, 2:1 in a PDPTE, 62:MAXPHYADDR in PDEs and PTEs, XD when
 * EFER.NXE = 0, 20:13 in a 2 MiB PDE; MAXPHYADDR = 36 here), §4.6 (U/S and
 * R/W combined; CR0.WP; XD forbids fetches), §4.7 (#PF error code: RSVD on a
 * reserved bit, I/D on every fetch fault when PAE and NXE), §4.8 (A/D) and
 * §4.10 (TLB, global pages, the paging-structure cache).
 */
#include "tests/unit/mmu_fixture.h"

#define PDPT 0x1020u            /* 32-byte aligned, not page aligned */
#define PMD0 0x2000u            /* page directory of PDPTE 0 */
#define PMD1 0x3000u            /* ...of PDPTE 1 */
#define PT0  0x4000u
#define PT1  0x5000u

static uint64_t *ent(uint64_t pa) { return (uint64_t *)(phys + pa); }

/* Fresh RAM with PDPTE 0 -> PMD0 and PDPTE 1 -> PMD1, PAE with NXE on or
 * off, CR3 loaded (which loads the PDPTEs). */
static void setup(struct mmu *m, struct walk_log *log, int nxe)
{
    mmu_fixture_reset(m, log);
    mmu_set_paging(m, PAGING_PAE, nxe);
    *ent(PDPT) = PMD0 | P;
    *ent(PDPT + 8) = PMD1 | P;
    mmu_write_cr3(m, PDPT);
}

/* ---- mode and the 3-level walk ---------------------------------------------- */

static void test_mode(void)
{
    struct mmu m;
    setup(&m, NULL, 1);
    CHECK_EQ(mmu_paging(&m), PAGING_PAE);
    CHECK(m.cr4 & X86_CR4_PAE);
    CHECK_EQ(m.efer, X86_EFER_NXE);
    CHECK_EQ(m.pdpte[0], PMD0 | P);
    CHECK_EQ(m.pdpte[1], PMD1 | P);
    CHECK_EQ(m.pdpte[2], 0);
    mmu_set_paging(&m, PAGING_2LEVEL, 0);
    CHECK_EQ(mmu_paging(&m), PAGING_2LEVEL);
    CHECK_EQ(m.cr4, X86_CR4_PSE | X86_CR4_PGE);
    CHECK_EQ(m.efer, 0);
    CHECK_EQ(m.pdpte[0], 0);                   /* no PDPTE registers in 2-level */
    mmu_destroy(&m);
}

/* va 0x40C4DABC: PDPTE 1 at 0x1028, PDE 6 at PMD1 + 0x30, PTE 0x4D at
 * PT1 + 0x268; the frame is above 4 GiB (PAE reaches 36 bits). */
static void test_walk_3level(void)
{
    struct mmu m;
    struct walk_log log;
    uint64_t pa = 0;
    uint32_t ec = 0;
    const uint32_t va = 0x40C4DABC;

    setup(&m, &log, 1);
    m.pid = 9;
    *ent(0x3030) = PT1 | P | W | U;
    *ent(0x5268) = 0x0000000123456000ull | P | W | U | NX;
    CHECK(mmu_walk(&m, va, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x123456ABCull);
    CHECK_EQ(log.n, 1);
    const struct walk_event *e = &log.ev[0];
    CHECK_EQ(log.pid[0], 9);
    CHECK_EQ(e->levels, 3);
    CHECK_EQ(e->entry_addr[0], 0x1028);
    CHECK_EQ(e->entry_val[0], PMD1 | P);          /* no A in a PDPTE */
    CHECK_EQ(e->entry_addr[1], 0x3030);
    CHECK_EQ(e->entry_val[1], PT1 | P | W | U | A);
    CHECK_EQ(e->entry_addr[2], 0x5268);
    CHECK_EQ(e->entry_val[2], 0x0000000123456000ull | P | W | U | NX | A);
    CHECK_EQ(e->paddr, 0x123456ABCull);
    CHECK_EQ(m.stats.walk_reads, 2);              /* the PDPTE is a register */
    CHECK_EQ(*ent(PDPT + 8), PMD1 | P);           /* ...and memory is not written */

    /* A write sets D in the PTE only; XD and the high frame bits stay. */
    CHECK(mmu_walk(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK_EQ(*ent(0x3030), PT1 | P | W | U | A);
    CHECK_EQ(*ent(0x5268), 0x0000000123456000ull | P | W | U | NX | A | D);
    CHECK_EQ(tlb_flags_of(&m.dtlb, va >> 12), TLB_VALID | TLB_USER | TLB_WRITE | TLB_DIRTY | TLB_NX);
    CHECK_EQ(tlb_pfn_of(&m.dtlb, va >> 12), 0x123456);

    /* A not-present PTE: three levels reported, entries untouched. */
    log.n = 0;
    CHECK(mmu_walk(&m, va + 0x1000, MMU_READ, 0, &pa, &ec) == -1);
    CHECK_EQ(ec, 0);
    CHECK_EQ(log.ev[0].levels, 3);
    CHECK_EQ(log.ev[0].entry_addr[2], 0x5270);
    /* PDPTE 2 not present: one level. */
    CHECK(mmu_walk(&m, 0x80000000, MMU_WRITE, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_WRITE | X86_PF_USER);
    CHECK_EQ(log.ev[1].levels, 1);
    CHECK_EQ(log.ev[1].entry_addr[0], PDPT + 16);
    mmu_destroy(&m);
}

/* The PDPTEs are read at MOV to CR3 only (SDM §4.4.1). */
static void test_pdpte_registers(void)
{
    struct mmu m;
    uint64_t pa;
    uint32_t ec;

    setup(&m, NULL, 1);
    *ent(PMD0) = PT0 | P | W | U;
    *ent(PT0) = 0x00111000 | P | W | U;
    CHECK(mmu_walk(&m, 0x00000123, MMU_READ, 1, &pa, &ec) == 0);
    *ent(PDPT) = 0;                               /* memory changes... */
    CHECK(mmu_walk(&m, 0x00000123, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00111123);                     /* ...the register does not */
    mmu_write_cr3(&m, PDPT);                      /* until CR3 is written */
    CHECK_EQ(m.pdpte[0], 0);
    CHECK(mmu_walk(&m, 0x00000123, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_USER);
    mmu_write_cr3(&m, 0x7FFFFFE0u);               /* PDPT beyond RAM */
    CHECK(m.pdpte[0] == 0 && m.pdpte[3] == 0);
    CHECK(mmu_walk(&m, 0xC0000000, MMU_READ, 0, &pa, &ec) == -1);
    CHECK_EQ(ec, 0);
    mmu_destroy(&m);
}

/* ---- 2 MiB pages ------------------------------------------------------------- */

static void test_large_pages(void)
{
    struct mmu m;
    struct walk_log log;
    uint64_t pa = 0;
    uint32_t ec = 0;
    const uint32_t va = 0x00A12345;               /* PDE 5 of PMD0, offset 0x12345 */

    setup(&m, &log, 1);
    *ent(PMD0 + 5 * 8) = 0x00E00000 | P | W | U | PS;
    CHECK(mmu_walk(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00E12345);
    CHECK_EQ(*ent(PMD0 + 5 * 8), 0x00E00000 | P | W | U | PS | A | D);   /* the PDE is final */
    CHECK_EQ(log.ev[0].levels, 2);
    CHECK_EQ(log.ev[0].entry_addr[1], PMD0 + 5 * 8);
    CHECK_EQ(m.stats.walk_reads, 1);
    CHECK(mmu_translate(&m, 0x00BFFFFF, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00FFFFFF);                     /* last byte of the 2 MiB page */

    /* Bit 12 is PAT, not part of the frame; bits 20:13 are reserved. */
    *ent(PMD0 + 6 * 8) = 0x01000000 | 0x1000 | P | W | PS;
    CHECK(mmu_walk(&m, 0x00C00010, MMU_READ, 0, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x01000010);
    *ent(PMD0 + 7 * 8) = 0x01200000 | 0x2000 | P | W | U | PS;
    CHECK(mmu_walk(&m, 0x00E00000, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_RSVD | X86_PF_USER);
    CHECK_EQ(*ent(PMD0 + 7 * 8), 0x01200000 | 0x2000 | P | W | U | PS);  /* no A */

    /* A global 2 MiB kernel page outlives a CR3 write, not a mode change. */
    *ent(PMD1 + 8) = 0x00200000 | P | W | PS | G;
    CHECK(mmu_translate(&m, 0x40300000, MMU_READ, 0, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00300000);
    CHECK(tlb_flags_of(&m.dtlb, 0x40300) & TLB_GLOBAL);
    mmu_write_cr3(&m, PDPT);
    CHECK(tlb_flags_of(&m.dtlb, 0x40300) & TLB_GLOBAL);
    CHECK_EQ(tlb_flags_of(&m.dtlb, va >> 12), 0);
    mmu_set_paging(&m, PAGING_PAE, 1);
    CHECK_EQ(tlb_flags_of(&m.dtlb, 0x40300), 0);
    /* PS is honoured whatever CR4.PSE says (SDM §4.4.2). */
    m.cr4 &= ~X86_CR4_PSE;
    CHECK(mmu_walk(&m, va, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00E12345);
    mmu_destroy(&m);
}

/* ---- rights, table driven ------------------------------------------------------ */

/* RV = 0x00801234 (NXE on): PDE 4 of PMD0 -> PT0, PTE 1 -> frame 0x345000. */
static const struct rights_case rights_cases[] = {
    { P|W|U, P|W|U, MMU_WRITE, 1, 1, 1, 0 },
    { P|W|U, P|W|U, MMU_FETCH, 1, 1, 1, 0 },
    /* U/S: both levels must allow the user */
    { P|W,   P|W|U, MMU_READ,  1, 1, 0, 0x5 },
    { P|W|U, P|W,   MMU_READ,  1, 1, 0, 0x5 },
    { P|W|U, P|W,   MMU_FETCH, 1, 1, 0, 0x15 },   /* I/D with NXE */
    { P|W|U, P|W,   MMU_READ,  0, 1, 1, 0 },
    /* R/W: both levels; supervisors only under CR0.WP */
    { P|U,   P|W|U, MMU_WRITE, 1, 1, 0, 0x7 },
    { P|W|U, P|U,   MMU_WRITE, 1, 0, 0, 0x7 },
    { P|W|U, P|U,   MMU_WRITE, 0, 1, 0, 0x3 },
    { P|U,   P|W|U, MMU_WRITE, 0, 1, 0, 0x3 },
    { P|W|U, P|U,   MMU_WRITE, 0, 0, 1, 0 },
    { P,     P,     MMU_WRITE, 0, 0, 1, 0 },
    /* XD at either level forbids fetches only */
    { P|W|U, P|W|U|NX, MMU_FETCH, 1, 1, 0, 0x15 },
    { P|W|U|NX, P|W|U, MMU_FETCH, 1, 1, 0, 0x15 },
    { P|W|U|NX, P|W|U, MMU_FETCH, 0, 1, 0, 0x11 },
    { P|W|U, P|W|U|NX, MMU_WRITE, 1, 1, 1, 0 },
    { P|W|U|NX, P|W|U|NX, MMU_READ, 1, 1, 1, 0 },
    /* U/S beats XD in the order of checks; both give P */
    { P|W|U, P|W|NX, MMU_FETCH, 1, 1, 0, 0x15 },
    /* not present: P=0, I/D still reported for a fetch */
    { P|W|U, W|U,   MMU_FETCH, 1, 1, 0, 0x14 },
    { 0,     0,     MMU_FETCH, 0, 1, 0, 0x10 },
    { 0,     0,     MMU_WRITE, 1, 1, 0, 0x6 },
    /* reserved bits: P|RSVD (and I/D for a fetch) */
    { P|W|U, P|W|U|(1ull << 36), MMU_WRITE, 1, 1, 0, 0xF },
    { P|W|U|(1ull << 40), P|W|U, MMU_READ, 0, 1, 0, 0x9 },
    { P|W|U, P|W|U|(1ull << 62), MMU_FETCH, 1, 1, 0, 0x1D },
    /* ...but not in an entry that is not present */
    { P|W|U, W|U|(1ull << 40), MMU_READ, 1, 1, 0, 0x4 },
};

static void run_rights_case(const struct rights_case *c)
{
    struct mmu m;
    struct walk_log log;

    setup(&m, &log, 1);
    rights_walk(&m, &log, c, 8, PMD0 + 4 * 8, PT0, PT0 + 1 * 8);
    mmu_destroy(&m);
}

static void test_rights(void)
{
    run_rights_cases(rights_cases, sizeof rights_cases / sizeof rights_cases[0],
                     run_rights_case, "PAE rights");
}

/* ---- NX, the TLBs and NXE off ------------------------------------------------------ */

static void test_nx_tlb(void)
{
    struct mmu m;
    uint64_t pa;
    uint32_t ec;
    const uint32_t va = 0x00403000;               /* PDE 2, PTE 3 */

    setup(&m, NULL, 1);
    CHECK(tlb_init(&m.stlb, "stlb", 16, 4, REPL_LRU) == 0);
    *ent(PMD0 + 2 * 8) = PT0 | P | W | U;
    *ent(PT0 + 3 * 8) = 0x00222000 | P | W | U | NX;
    CHECK(mmu_translate(&m, va, MMU_WRITE, 1, &pa, &ec) == 0);
    CHECK(tlb_flags_of(&m.stlb, va >> 12) & TLB_NX);
    /* The fetch misses the ITLB, finds the STLB entry not executable,
     * walks, and faults P|U|I/D; nothing enters the ITLB. */
    uint64_t walks = m.stats.walks;
    CHECK(mmu_translate(&m, va, MMU_FETCH, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_USER | X86_PF_INSTR);
    CHECK_EQ(m.stats.walks, walks + 1);
    CHECK_EQ(tlb_flags_of(&m.itlb, va >> 12), 0);
    /* An ITLB entry with XD (as if stale) is no licence to fetch either. */
    CHECK(!tlb_entry_permits(TLB_USER | TLB_WRITE | TLB_DIRTY | TLB_NX, MMU_FETCH, 1, m.cr0));
    CHECK(tlb_entry_permits(TLB_USER | TLB_WRITE | TLB_DIRTY | TLB_NX, MMU_WRITE, 1, m.cr0));
    tlb_insert(&m.itlb, va >> 12, 0x222, TLB_USER | TLB_NX);
    CHECK(mmu_translate(&m, va, MMU_FETCH, 0, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_INSTR);
    /* XD cleared and INVLPG: the fetch walks and fills the ITLB. */
    *ent(PT0 + 3 * 8) &= ~NX;
    mmu_invlpg(&m, va);
    CHECK(mmu_translate(&m, va, MMU_FETCH, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00222000);
    CHECK_EQ(tlb_flags_of(&m.itlb, va >> 12) & TLB_NX, 0);
    mmu_destroy(&m);

    /* NXE off: bit 63 is reserved (RSVD, no I/D even on a fetch). */
    setup(&m, NULL, 0);
    *ent(PMD0 + 2 * 8) = PT0 | P | W | U;
    *ent(PT0 + 3 * 8) = 0x00222000 | P | W | U | NX;
    CHECK(mmu_walk(&m, va, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_RSVD | X86_PF_USER);
    CHECK(mmu_walk(&m, va, MMU_FETCH, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_RSVD | X86_PF_USER);
    *ent(PT0 + 3 * 8) &= ~NX;
    CHECK(mmu_walk(&m, va + 0x1000, MMU_FETCH, 1, &pa, &ec) == -1);   /* not present */
    CHECK_EQ(ec, X86_PF_USER);
    mmu_destroy(&m);
}

/* 2-level paging has no XD: EFER.NXE changes nothing, no I/D is reported. */
static void test_2level_no_nx(void)
{
    struct mmu m;
    uint64_t pa;
    uint32_t ec;
    mmu_fixture_reset(&m, NULL);
    mmu_set_paging(&m, PAGING_2LEVEL, 1);
    mmu_write_cr3(&m, 0x1000);
    CHECK(mmu_walk(&m, 0x00400000, MMU_FETCH, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_USER);
    mmu_destroy(&m);
}

/* ---- PDPTE reserved bits ------------------------------------------------------------ */

static void test_pdpte_reserved(void)
{
    static const uint64_t bad[] = { W, U, 1u << 5, 1u << 8, 1ull << 36, NX };
    struct mmu m;
    struct walk_log log;
    uint64_t pa;
    uint32_t ec;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setup(&m, &log, 1);
        *ent(PMD0) = PT0 | P | W | U;
        *ent(PT0) = 0x00111000 | P | W | U;
        *ent(PDPT) = PMD0 | P | bad[i];
        mmu_write_cr3(&m, PDPT);
        CHECK(mmu_walk(&m, 0x00000010, MMU_READ, 1, &pa, &ec) == -1);
        CHECK_EQ(ec, X86_PF_PROT | X86_PF_RSVD | X86_PF_USER);
        CHECK_EQ(log.ev[0].levels, 1);
        CHECK_EQ(*ent(PMD0), PT0 | P | W | U);     /* nothing read further, no A */
        mmu_destroy(&m);
    }
    /* PWT, PCD and the ignored bits 11:9 are allowed. */
    setup(&m, NULL, 1);
    *ent(PMD0) = PT0 | P | W | U;
    *ent(PT0) = 0x00111000 | P | W | U;
    *ent(PDPT) = PMD0 | P | _PAGE_PWT | _PAGE_PCD | 0xE00;
    mmu_write_cr3(&m, PDPT);
    CHECK(mmu_walk(&m, 0x00000010, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x00111010);
    mmu_destroy(&m);
}

/* ---- the PDE cache: keyed by va >> 21 ------------------------------------------------ */

static void test_pde_cache(void)
{
    struct mmu m;
    uint64_t pa;
    uint32_t ec;

    setup(&m, NULL, 1);
    CHECK(tlb_init(&m.pdec, "pde_cache", 4, 4, REPL_LRU) == 0);
    *ent(PMD0 + 0 * 8) = PT0 | P | W | U;         /* [0, 2 MiB) */
    *ent(PMD0 + 1 * 8) = PT1 | P | W | U;         /* [2 MiB, 4 MiB) */
    *ent(PT0 + 1 * 8) = 0x00501000 | P | W | U;
    *ent(PT0 + 2 * 8) = 0x00502000 | P | W | U;
    *ent(PT1 + 3 * 8) = 0x00603000 | P | W | U;
    CHECK(mmu_walk(&m, 0x00001000, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walk_reads, 2);
    CHECK_EQ(m.pdec.entries[0].vpn, 0);
    CHECK_EQ(m.pdec.entries[0].pfn, PT0 >> 12);
    CHECK(mmu_walk(&m, 0x00002000, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walk_reads, 3);              /* the PDE came from the cache */
    CHECK_EQ(pa, 0x00502000);
    /* Same 4 MiB, other 2 MiB: another PDE, read from memory. */
    CHECK(mmu_walk(&m, 0x00203000, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walk_reads, 5);
    CHECK_EQ(pa, 0x00603000);
    mmu_invlpg(&m, 0x00001000);                   /* INVLPG empties the PDE cache */
    CHECK(mmu_walk(&m, 0x00002000, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(m.stats.walk_reads, 7);
    mmu_destroy(&m);
}

static void run_all(void)
{
    test_mode();
    test_walk_3level();
    test_pdpte_registers();
    test_large_pages();
    test_rights();
    test_nx_tlb();
    test_2level_no_nx();
    test_pdpte_reserved();
    test_pde_cache();
}

int main(void)
{
    return mmu_fixture_main(run_all);
}

/*
 * test_pae_kernel.c — the kernel model on PAE page tables (--paging pae):
 * swapper's PDPT and kernel PMD of 2 MiB global pages, pgd_alloc's
 * preallocated user PMDs and shared kernel PMD, NX in the PTEs of VMAs
 * without VM_EXEC and the faults it gives, mprotect adding and removing
 * exec rights, munmap freeing page tables per 2 MiB, a reserved bit, and
 * running out of memory in pgd_alloc.  test_fault.c and test_vma.c run all
 * their cases in both modes; this file checks what only PAE has.
 *
 * References: Linux arch/x86/mm/pgtable.c (pgd_alloc, preallocate_pmds,
 * pud_populate), arch/x86/mm/init_32.c (the direct map), arch/x86/mm/fault.c
 * (access_error: I/D is not looked at; a fetch from a present NX page is
 * "read, present", SEGV_ACCERR), mm/mmap.c vm_get_page_prot (no VM_EXEC:
 * _PAGE_NX); Intel SDM vol. 3A §4.4, §4.7.
 */
#include "tests/unit/kernel_fixture.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define RX  (PROT_READ_ | PROT_EXEC_)
#define LARGE (_PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_GLOBAL | _PAGE_ACCESSED | _PAGE_DIRTY)

static struct {
    int n;
    uint32_t ec;
    const char *kind, *resolution;
} flog;

static void on_fault(void *ctx, const struct event *e)
{
    const struct fault_event *ev = &e->u.fault;
    if (e->type != EV_FAULT)
        return;
    flog.n++;
    flog.ec = ev->error_code;
    flog.kind = fault_kind_name(ev->kind);
    flog.resolution = fault_resolution_name(ev->resolution);
}

static int sys_init(struct sys *s, uint64_t ram)
{
    memset(&flog, 0, sizeof flog);
    return sys_boot(s, ram, test_stream(NULL, on_fault), 3);
}

static uint64_t *pae_ent(struct sys *s, uint32_t pfn, unsigned i)
{
    return (uint64_t *)pfn_to_host(&s->k.pm, pfn) + i;
}

static long mmap_fixed(struct sys *s, uint32_t addr, uint32_t len, uint32_t prot)
{
    return do_mmap(s->mm, addr, len, prot, FIXED, NULL, 0, 0, NULL);
}

/* ---- page directories ------------------------------------------------------ */

static void test_boot_tables(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    CHECK_EQ(s.k.paging, PAGING_PAE);
    CHECK(s.k.nx);
    CHECK_EQ(mmu_paging(&s.mmu), PAGING_PAE);
    CHECK_EQ(s.mmu.efer, X86_EFER_NXE);
    /* swapper: only PDPTE 3, frame | P (everything else is reserved). */
    uint32_t sw = s.k.swapper_pg_dir;
    CHECK_EQ(*pae_ent(&s, sw, 0) | *pae_ent(&s, sw, 1) | *pae_ent(&s, sw, 2), 0);
    uint64_t kpdpte = *pae_ent(&s, sw, 3);
    CHECK_EQ(kpdpte & 0xfff, _PAGE_PRESENT);
    uint32_t kpmd = (uint32_t)(kpdpte >> 12);
    CHECK(pfn_to_page(&s.k.pm, kpmd)->flags & PG_pgtable);
    /* 64 MiB of low memory: 32 global 2 MiB pages from PAGE_OFFSET. */
    CHECK_EQ(*pae_ent(&s, kpmd, 0), LARGE);
    CHECK_EQ(*pae_ent(&s, kpmd, 31), (31ull << 21) | LARGE);
    CHECK_EQ(*pae_ent(&s, kpmd, 32), 0);
    /* The mm: three preallocated user PMDs, the kernel PMD shared. */
    uint32_t pmds[3];
    for (unsigned i = 0; i < 3; i++) {
        uint64_t e = *pae_ent(&s, s.mm->pgd, i);
        CHECK_EQ(e & 0xfff, _PAGE_PRESENT);
        pmds[i] = (uint32_t)(e >> 12);
        CHECK(pfn_to_page(&s.k.pm, pmds[i])->flags & PG_pgtable);
        CHECK_EQ(s.mmu.pdpte[i], e);               /* loaded at the CR3 write */
    }
    CHECK(pmds[0] != pmds[1] && pmds[1] != pmds[2] && pmds[0] != kpmd);
    CHECK_EQ(*pae_ent(&s, s.mm->pgd, 3), kpdpte);
    CHECK_EQ(s.mm->pgtable_pages, 0);
    struct mm_struct *other = mm_alloc(&s.k, 4);
    CHECK(other != NULL);
    CHECK_EQ(*pae_ent(&s, other->pgd, 3), kpdpte);
    CHECK(*pae_ent(&s, other->pgd, 0) != *pae_ent(&s, s.mm->pgd, 0));
    mm_release(other);

    /* The kernel's own access to the direct map: a 2 MiB global page. */
    uint64_t pa;
    uint32_t ec;
    CHECK(mmu_translate(&s.mmu, 0xC0345678, MMU_WRITE, 0, &pa, &ec) == 0);
    CHECK_EQ(pa, 0x345678);
    CHECK(mmu_translate(&s.mmu, 0xC0345678, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_USER);
    sys_fini(&s);
}

/* pgd_alloc runs out of frames half way: NULL, and nothing leaks. */
static void test_pgd_alloc_oom(void)
{
    struct sys s;
    if (sys_init(&s, 4 * MiB))
        return;
    uint32_t grabbed[256], n = 0;
    while (nr_free_pages(&s.k.pgdat) > 2 && n < 256)
        grabbed[n++] = alloc_pages(&s.k.pgdat, GFP_KERNEL, 0, PURPOSE_TEST);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), 2);
    CHECK(mm_alloc(&s.k, 5) == NULL);              /* PDPT + 1 PMD, then none */
    CHECK_EQ(nr_free_pages(&s.k.pgdat), 2);
    while (n)
        free_pages(&s.k.pgdat, grabbed[--n], 0);
    sys_fini(&s);
}

/* ---- NX ------------------------------------------------------------------------ */

static void test_nx_ptes_and_faults(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    CHECK_EQ(mmap_fixed(&s, 0x50000000, 4 * PG, RW), 0x50000000);
    CHECK_EQ(mmap_fixed(&s, 0x50100000, 2 * PG, RX), 0x50100000);
    CHECK_EQ(touch(&s, 0x50000000, MMU_WRITE, NULL), FAULT_OK);
    CHECK_EQ(sys_pte(&s, 0x50000000) & (_PAGE_NX | 0xfff),
             _PAGE_NX | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY);

    /* Data written, then called: P|U|I/D, SEGV_ACCERR. */
    CHECK_EQ(touch(&s, 0x50000000, MMU_FETCH, NULL), FAULT_SIGSEGV_ACCERR);
    CHECK_EQ(flog.ec, X86_PF_PROT | X86_PF_USER | X86_PF_INSTR);
    CHECK_STR(flog.resolution, "SIGSEGV/SEGV_ACCERR");

    /* An untouched data page, called: as in Linux, the not-present fetch
     * (U|I/D) maps the zero page with XD, and the retry is SEGV_ACCERR. */
    int before = flog.n;
    CHECK_EQ(touch(&s, 0x50001000, MMU_FETCH, NULL), FAULT_SIGSEGV_ACCERR);
    CHECK_EQ(flog.n, before + 2);
    CHECK_EQ(sys_pte(&s, 0x50001000) >> 12 & 0xfffff, s.k.zero_pfn);
    CHECK(sys_pte(&s, 0x50001000) & _PAGE_NX);

    /* Code pages: no XD, the fetch works (first fault U|I/D). */
    before = flog.n;
    CHECK_EQ(touch(&s, 0x50100000, MMU_FETCH, NULL), FAULT_OK);
    CHECK_EQ(flog.n, before + 1);
    CHECK_EQ(flog.ec, X86_PF_USER | X86_PF_INSTR);
    CHECK_EQ(sys_pte(&s, 0x50100000) & _PAGE_NX, 0);
    sys_fini(&s);
}

static void test_mprotect_exec(void)
{
    struct sys s;
    uint64_t pa;
    uint32_t ec;
    if (sys_init(&s, 64 * MiB))
        return;
    CHECK_EQ(mmap_fixed(&s, 0x50000000, 2 * PG, RW), 0x50000000);
    CHECK_EQ(touch(&s, 0x50000000, MMU_WRITE, NULL), FAULT_OK);
    CHECK_EQ(do_mprotect(s.mm, 0x50000000, PG, RX), 0);
    CHECK_EQ(sys_pte(&s, 0x50000000) & (_PAGE_NX | _PAGE_RW), 0);
    CHECK_EQ(touch(&s, 0x50000000, MMU_FETCH, NULL), FAULT_OK);
    CHECK(mmu_translate(&s.mmu, 0x50000000, MMU_FETCH, 1, &pa, &ec) == 0);   /* in the ITLB */
    /* Exec taken away: XD back, the ITLB entry invalidated, the fetch faults. */
    CHECK_EQ(do_mprotect(s.mm, 0x50000000, PG, RW), 0);
    CHECK(sys_pte(&s, 0x50000000) & _PAGE_NX);
    CHECK(sys_pte(&s, 0x50000000) & _PAGE_RW);
    CHECK(mmu_translate(&s.mmu, 0x50000000, MMU_FETCH, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_PROT | X86_PF_USER | X86_PF_INSTR);
    /* PROT_NONE and back to RX: the data stays, XD follows the VMA. */
    uint64_t frame = (sys_pte(&s, 0x50000000) & PAE_FRAME);
    s.k.pm.base[frame] = 0x90;                         /* a nop, as code */
    CHECK_EQ(do_mprotect(s.mm, 0x50000000, PG, PROT_NONE_), 0);
    CHECK_EQ(sys_pte(&s, 0x50000000) & _PAGE_PRESENT, 0);
    CHECK_EQ(touch(&s, 0x50000000, MMU_FETCH, NULL), FAULT_SIGSEGV_ACCERR);
    CHECK_EQ(do_mprotect(s.mm, 0x50000000, PG, RX), 0);
    CHECK_EQ(sys_pte(&s, 0x50000000) & (_PAGE_NX | _PAGE_PRESENT), _PAGE_PRESENT);
    uint64_t code_pa;
    CHECK_EQ(touch(&s, 0x50000000, MMU_FETCH, &code_pa), FAULT_OK);
    CHECK_EQ(s.k.pm.base[code_pa], 0x90);
    sys_fini(&s);
}

/* ---- page tables per 2 MiB --------------------------------------------------------- */

static void test_munmap_pae_tables(void)
{
    struct sys s;
    uint64_t pa;
    uint32_t ec;
    if (sys_init(&s, 64 * MiB))
        return;
    uint32_t free0 = nr_free_pages(&s.k.pgdat);
    /* 4 MiB from 0x60000000: two PAE page tables (one 2-level table). */
    CHECK_EQ(mmap_fixed(&s, 0x60000000, 4 * MiB, RW), 0x60000000);
    CHECK_EQ(touch(&s, 0x60000000, MMU_WRITE, NULL), FAULT_OK);
    CHECK_EQ(touch(&s, 0x60200000, MMU_WRITE, NULL), FAULT_OK);
    CHECK_EQ(s.mm->pgtable_pages, 2);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free0 - 4 - VMA_SLAB - ANON_VMA_SLABS);
    CHECK_EQ(do_munmap(s.mm, 0x60000000, 2 * MiB), 0);
    CHECK_EQ(s.mm->pgtable_pages, 1);                  /* its 2 MiB table went */
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free0 - 2 - VMA_SLAB - ANON_VMA_SLABS);
    CHECK(mmu_translate(&s.mmu, 0x60000000, MMU_READ, 1, &pa, &ec) == -1);
    CHECK_EQ(ec, X86_PF_USER);
    CHECK(mmu_translate(&s.mmu, 0x60200000, MMU_READ, 1, &pa, &ec) == 0);
    CHECK_EQ(do_munmap(s.mm, 0x60200000, 2 * MiB), 0);
    CHECK_EQ(s.mm->pgtable_pages, 0);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free0 - VMA_SLAB - ANON_VMA_SLABS);
    CHECK(mmu_translate(&s.mmu, 0x60200000, MMU_READ, 1, &pa, &ec) == -1);
    sys_fini(&s);
}

/* A reserved bit in a PTE: the MMU reports RSVD and the kernel does not
 * try to fix it: corrupt tables, the task killed (Linux: pgtable_bad). */
static void test_reserved_bit(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    CHECK_EQ(mmap_fixed(&s, 0x50000000, PG, RW), 0x50000000);
    CHECK_EQ(touch(&s, 0x50000000, MMU_WRITE, NULL), FAULT_OK);
    uint64_t good = sys_pte(&s, 0x50000000);
    /* The PTE's slot: PDPTE 1, PDE 0x80, PTE 0. */
    uint64_t pdpte = *pae_ent(&s, s.mm->pgd, 1);
    uint64_t pde = *pae_ent(&s, (uint32_t)(pdpte >> 12) & 0xffffff, (0x50000000 >> 21) & 511);
    uint64_t *slot = pae_ent(&s, (uint32_t)(pde >> 12) & 0xffffff, 0);
    CHECK_EQ(*slot, good);
    *slot |= 1ull << 40;
    mmu_invlpg(&s.mmu, 0x50000000);
    CHECK_EQ(touch(&s, 0x50000000, MMU_READ, NULL), FAULT_BAD_PAGETABLE);
    CHECK_EQ(s.mm->bad_entries, 1);
    CHECK_EQ(flog.ec, X86_PF_PROT | X86_PF_RSVD | X86_PF_USER);
    CHECK_STR(flog.resolution, "bad-pagetable");
    *slot = good;
    sys_fini(&s);
}

int main(void)
{
    fixture_paging = PAGING_PAE;
    test_boot_tables();
    test_pgd_alloc_oom();
    test_nx_ptes_and_faults();
    test_mprotect_exec();
    test_munmap_pae_tables();
    test_reserved_bit();
    return CHECK_DONE();
}

/*
 * mmu_fixture.h — the page walkers' test bench (test_mmu.c, test_pae.c):
 * a mapped "physical memory" in which page tables are built by hand, an
 * MMU on it, a log of the walk events (a test sink), TLB inspection that
 * counts no hit or miss, and the table-driven rights cases.
 * Header-only, like check.h.
 *
 * A test file defines its own table layout (where the directories and page
 * tables sit) and its own setup() on top of mmu_fixture_reset(), and hands
 * its run_all() to mmu_fixture_main().
 */
#ifndef MEMSIM_MMU_FIXTURE_H
#define MEMSIM_MMU_FIXTURE_H

#include "tests/unit/check.h"
#include "mmu/mmu.h"
#include "tests/unit/event_fixture.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* All of PAE's 36-bit physical address space is "RAM" here, so the tests
 * may put frames anywhere (the walker refuses a frame past phys_size).
 * Reserved, not committed: only the pages a test touches cost memory. */
#define PHYS_SIZE (64ull << 30)

/* Entry bits, short, for building tables by hand. */
#define P  _PAGE_PRESENT
#define W  _PAGE_RW
#define U  _PAGE_USER
#define A  _PAGE_ACCESSED
#define D  _PAGE_DIRTY
#define PS _PAGE_PSE
#define G  _PAGE_GLOBAL
#define NX _PAGE_NX

/* The "physical memory" the tables live in, PHYS_SIZE bytes. */
static uint8_t *phys;

/* Walk events, copied as they come. */
struct walk_log {
    int n;
    struct walk_event ev[8];
    uint32_t pid[8];            /* the events' pid */
};

static void log_walk(void *ctx, const struct event *ev)
{
    struct walk_log *l = ctx;
    if (ev->type != EV_WALK)
        return;
    if (l->n < 8)
        l->ev[l->n] = ev->u.walk, l->pid[l->n] = ev->pid;
    l->n++;
}

/* Fresh RAM (all zero: every entry not present) and a fresh MMU on it;
 * with a log, every walk is recorded there. */
static void mmu_fixture_reset(struct mmu *m, struct walk_log *log)
{
    /* zero the RAM: drop every page touched so far */
    CHECK(madvise(phys, PHYS_SIZE, MADV_DONTNEED) == 0);
    CHECK(mmu_init(m, phys, PHYS_SIZE) == 0);
    if (log) {
        memset(log, 0, sizeof *log);
        m->events = test_stream(log, log_walk);
    }
}

/* ---- looking into a TLB: scans the array, so it counts no hit or miss ---- */

static inline const struct tlb_entry *tlb_find(const struct tlb *t, uint32_t vpn)
{
    for (unsigned i = 0; i < t->sets * t->ways; i++)
        if ((t->entries[i].flags & TLB_VALID) && t->entries[i].vpn == vpn)
            return &t->entries[i];
    return NULL;
}

/* Is vpn cached in t? */
static inline int tlb_has(const struct tlb *t, uint32_t vpn)
{
    return tlb_find(t, vpn) != NULL;
}

/* How many ways hold vpn (a refill must not leave a stale twin). */
static inline int tlb_copies(const struct tlb *t, uint32_t vpn)
{
    int n = 0;
    for (unsigned i = 0; i < t->sets * t->ways; i++)
        if ((t->entries[i].flags & TLB_VALID) && t->entries[i].vpn == vpn)
            n++;
    return n;
}

/* The flags and the frame of vpn's entry (0 if not cached). */
static inline uint32_t tlb_flags_of(const struct tlb *t, uint32_t vpn)
{
    const struct tlb_entry *e = tlb_find(t, vpn);
    return e ? e->flags : 0;
}

static inline uint32_t tlb_pfn_of(const struct tlb *t, uint32_t vpn)
{
    const struct tlb_entry *e = tlb_find(t, vpn);
    return e ? e->pfn : 0;
}

/* ---- rights, table driven ---- */

/* An entry of the tables in phys: 4 bytes wide (2-level) or 8 (PAE). */
static inline uint64_t entry_get(uint64_t pa, unsigned width)
{
    return width == 8 ? *(uint64_t *)(phys + pa) : *(uint32_t *)(phys + pa);
}

static inline void entry_set(uint64_t pa, unsigned width, uint64_t val)
{
    if (width == 8)
        *(uint64_t *)(phys + pa) = val;
    else
        *(uint32_t *)(phys + pa) = (uint32_t)val;
}

/* One walk: a PDE and a PTE with these flag bits (the frames are added),
 * one access; it succeeds, or faults with error code ec. */
struct rights_case {
    uint64_t pde, pte;
    enum mmu_access acc;
    int user, wp;
    int ok;
    uint32_t ec;                 /* expected error code when !ok */
};

/* The address every rights case walks, and the frame its PTE maps. */
#define RV       0x00801234u
#define RV_FRAME 0x345000u

/* Walk RV once on m (fresh, its walks logged in log) with the case's
 * CR0.WP, its PDE at pde_pa pointing to the page table pt and its PTE at
 * pte_pa (entries width bytes).  Checks the result and one event; on
 * success the address, A in both entries and D only in the PTE of a write;
 * on a fault the error code, reported too, and no A/D anywhere. */
static inline void rights_walk(struct mmu *m, const struct walk_log *log,
                               const struct rights_case *c, unsigned width,
                               uint64_t pde_pa, uint64_t pt, uint64_t pte_pa)
{
    uint64_t pa = 0;
    uint32_t ec = 0xdead;

    m->cr0 = c->wp ? m->cr0 | X86_CR0_WP : m->cr0 & ~X86_CR0_WP;
    entry_set(pde_pa, width, pt | c->pde);
    entry_set(pte_pa, width, RV_FRAME | c->pte);
    int r = mmu_walk(m, RV, c->acc, c->user, &pa, &ec);
    CHECK_EQ(r, c->ok ? 0 : -1);
    CHECK_EQ(log->n, 1);
    if (c->ok) {
        CHECK_EQ(pa, 0x345234);
        CHECK_EQ(entry_get(pde_pa, width), pt | c->pde | A);          /* A, never D, in the PDE */
        CHECK_EQ(entry_get(pte_pa, width), RV_FRAME | c->pte | A | (c->acc == MMU_WRITE ? D : 0));
    } else {
        CHECK_EQ(ec, c->ec);
        CHECK_EQ(log->ev[0].error_code, c->ec);
        CHECK_EQ(entry_get(pde_pa, width), pt | c->pde);              /* no A/D on a fault */
        CHECK_EQ(entry_get(pte_pa, width), RV_FRAME | c->pte);
    }
}

/* Run every case, naming the index of any case that failed. */
static inline void run_rights_cases(const struct rights_case *cases, size_t n,
                                    void (*run)(const struct rights_case *),
                                    const char *what)
{
    for (size_t i = 0; i < n; i++) {
        int before = check_failed;
        run(&cases[i]);
        if (check_failed != before)
            fprintf(stderr, "  (%s case %zu)\n", what, i);
    }
}

/* main(): the RAM for the whole run, every test, the summary. */
static inline int mmu_fixture_main(void (*run_all)(void))
{
    void *p = mmap(NULL, PHYS_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return 2;
    phys = p;
    run_all();
    munmap(phys, PHYS_SIZE);
    return CHECK_DONE();
}

#endif

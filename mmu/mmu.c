/*
 * mmu.c — the x86 page walkers: 2-level (32-bit) paging and PAE paging
 * (SDM vol. 3A §4.3, §4.4, §4.6, §4.7, §4.8).
 *
 * Walks go through the paging-structure cache for PDEs, read entries through
 * the data caches (MEM_WALK, as real page walkers do) and fill both TLB
 * levels.  Rights are the AND of every level: a user access needs U/S in the PDE and
 * the PTE; a write needs R/W in both, for supervisor accesses only when
 * CR0.WP is set; with PAE and EFER.NXE a fetch needs XD clear in both.
 * Accessed flags are set in every entry of a walk that succeeds, and the
 * dirty flag in the final entry on a write; a walk that faults leaves the
 * entries unchanged (the SDM allows either; this choice keeps A bits
 * meaning "a translation was really used").
 *
 * PAE: the PDPTEs come from the PDPTE registers that mmu_write_cr3 loads
 * (SDM §4.4.1), so a walk reads two entries from memory, not three; the
 * walk event still reports the PDPTE as its first level.  A present entry
 * with a reserved bit set (above MAXPHYADDR = 36, XD without NXE, bits 20:13
 * of a 2 MiB PDE, the PDPTE's reserved bits) faults with P|RSVD.  Real CPUs
 * check the PDPTEs when CR3 is loaded and raise #GP there; the model has no
 * #GP path from a CR3 write, so it reports the RSVD #PF at the first walk
 * through the bad PDPTE instead.
 *
 * Frame numbers are checked against the size of RAM before anything reads
 * them: a paging-structure entry outside RAM, or a final frame outside RAM,
 * ends the walk with MMU_PF_BADFRAME in the error code (not a hardware bit:
 * real RAM has no hole a PTE could name, so such an entry is a model bug or
 * a guest writing its own tables).  Every translation the walker or a TLB
 * hands out is therefore inside [phys, phys + phys_size).
 */
#include <stddef.h>
#include <string.h>
#include "mmu/mmu.h"

const char *mmu_access_name(enum mmu_access a)
{
    switch (a) {
    case MMU_READ:  return "read";
    case MMU_WRITE: return "write";
    case MMU_FETCH: return "fetch";
    }
    return "?";
}

int mmu_init(struct mmu *m, uint8_t *phys, uint64_t phys_size)
{
    memset(m, 0, sizeof *m);
    m->phys = phys;
    m->phys_size = phys_size;
    m->cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_WP;
    m->cr4 = X86_CR4_PSE | X86_CR4_PGE;
    if (tlb_init(&m->itlb, "itlb", 32, 4, REPL_LRU) || tlb_init(&m->dtlb, "dtlb", 64, 4, REPL_LRU)) {
        mmu_destroy(m);
        return -1;
    }
    return 0;
}

static int tlb_from(struct tlb *t, const char *name, const struct tlb_config *c,
                    char *err, size_t errlen)
{
    tlb_destroy(t);
    if (tlb_init(t, name, c->entries, c->ways, c->repl)) {
        snprintf(err, errlen, "%s: %u entries in %u ways is not a power-of-two number of sets",
                 name, c->entries, c->ways);
        return -1;
    }
    return 0;
}

int mmu_configure(struct mmu *m, const struct cpu_config *cfg, char *err, size_t errlen)
{
    mem_hierarchy_destroy(&m->mem);
    if (tlb_from(&m->itlb, "itlb", &cfg->itlb, err, errlen) ||
        tlb_from(&m->dtlb, "dtlb", &cfg->dtlb, err, errlen) ||
        tlb_from(&m->stlb, "stlb", &cfg->stlb, err, errlen) ||
        tlb_from(&m->pdec, "pde_cache", &cfg->pde_cache, err, errlen))
        return -1;
    m->stlb_latency = cfg->stlb.latency;
    return mem_hierarchy_init(&m->mem, &cfg->l1i, &cfg->l1d, &cfg->l2, &cfg->llc,
                              cfg->dram_latency, err, errlen);
}

void mmu_destroy(struct mmu *m)
{
    tlb_destroy(&m->itlb);
    tlb_destroy(&m->dtlb);
    tlb_destroy(&m->stlb);
    tlb_destroy(&m->pdec);
    mem_hierarchy_destroy(&m->mem);
}

/* MOV to CR3 with PAE loads the four PDPTEs (SDM §4.4.1); outside RAM they
 * load as 0 (not present). */
static void load_pdptes(struct mmu *m)
{
    uint64_t base = m->cr3 & PAE_CR3_MASK;
    for (unsigned i = 0; i < PAE_PTRS_PER_PDPT; i++) {
        m->pdpte[i] = 0;
        if (mmu_paging(m) == PAGING_PAE && m->phys && base + 8ull * (i + 1) <= m->phys_size)
            memcpy(&m->pdpte[i], m->phys + base + 8ull * i, 8);
    }
}

static void report_flush(struct mmu *m, enum flush_kind kind, uint32_t va)
{
    if (m->events) {
        struct event ev = { .type = EV_TLB_FLUSH, .pid = m->pid, .tid = m->pid };
        ev.u.flush = (struct flush_event){ .kind = (uint8_t)kind, .vaddr = va, .cr3 = m->cr3 };
        event_emit(m->events, &ev);
    }
}

/* Every TLB level; global entries survive when CR4.PGE is set and
 * keep_global asks for it.  The PDE cache never keeps anything. */
static void flush_levels(struct mmu *m, int keep_global)
{
    keep_global = keep_global && (m->cr4 & X86_CR4_PGE);
    tlb_flush_all(&m->itlb, keep_global);
    tlb_flush_all(&m->dtlb, keep_global);
    tlb_flush_all(&m->stlb, keep_global);
    tlb_flush_all(&m->pdec, 0);
}

void mmu_set_paging(struct mmu *m, enum paging_mode mode, int nxe)
{
    m->cr4 = mode == PAGING_PAE ? m->cr4 | X86_CR4_PAE : m->cr4 & ~X86_CR4_PAE;
    m->efer = nxe ? m->efer | X86_EFER_NXE : m->efer & ~X86_EFER_NXE;
    load_pdptes(m);
    /* Changing CR4.PAE flushes everything, global entries included (§4.10.4.1). */
    flush_levels(m, 0);
    report_flush(m, FLUSH_MODE, 0);
}

void mmu_write_cr3(struct mmu *m, uint32_t cr3)
{
    m->cr3 = cr3;
    load_pdptes(m);
    flush_levels(m, 1);
    report_flush(m, FLUSH_CR3, 0);
}

/* INVLPG drops the page from every TLB level and, as the SDM says of
 * paging-structure caches, every cached PDE (§4.10.4.1). */
void mmu_invlpg(struct mmu *m, uint32_t va)
{
    tlb_flush_page(&m->itlb, va >> 12);
    tlb_flush_page(&m->dtlb, va >> 12);
    tlb_flush_page(&m->stlb, va >> 12);
    tlb_flush_all(&m->pdec, 0);
    report_flush(m, FLUSH_INVLPG, va & 0xfffff000u);
}

void mmu_flush_tlb(struct mmu *m)
{
    flush_levels(m, 1);
    report_flush(m, FLUSH_ALL, 0);
}

static void charge(struct mmu *m, uint32_t cycles)
{
    if (m->clock)
        *m->clock += cycles;
}

int mmu_translate_slow(struct mmu *m, uint32_t va, enum mmu_access acc, int user,
                       uint64_t *pa, uint32_t *error_code)
{
    /* The STLB probe costs its latency whether it hits or not: a walk can
     * only start once the miss is known (charging hits alone made a walk
     * cheaper than an STLB hit). */
    struct tlb_entry *e = tlb_lookup(&m->stlb, va >> 12);
    if (m->stlb.nr_entries) {
        m->stats.stlb_cycles += m->stlb_latency;
        charge(m, m->stlb_latency);
    }
    if (e && tlb_entry_permits(e->flags, acc, user, m->cr0)) {
        tlb_insert(acc == MMU_FETCH ? &m->itlb : &m->dtlb, va >> 12, e->pfn, e->flags);
        *pa = ((uint64_t)e->pfn << 12) | (va & 0xfffu);
        return 0;
    }
    return mmu_walk(m, va, acc, user, pa, error_code);
}

/* Is the frame at physical address `addr` inside RAM? */
static int frame_in_ram(const struct mmu *m, uint64_t addr, unsigned size)
{
    return addr < m->phys_size && size <= m->phys_size - addr;
}

/* Read a paging-structure entry of `size` bytes through the data caches;
 * NULL for an entry outside RAM (the walk then fails with BADFRAME). */
static void *entry_ptr(struct mmu *m, uint64_t addr, unsigned size)
{
    if (!frame_in_ram(m, addr, size))
        return NULL;
    uint32_t cycles = mem_access(&m->mem, addr, MEM_WALK);
    m->stats.walk_reads++;
    m->stats.walk_cycles += cycles;
    charge(m, cycles);
    return m->phys + addr;
}

/* The #PF error code for an access that failed at an entry (present or not).
 * I/D is reported for fetches only with NX enabled: PAE and EFER.NXE (there
 * is no SMEP in the model) — SDM §4.7. */
static uint32_t pf_error(const struct mmu *m, int present, enum mmu_access acc, int user)
{
    uint32_t ec = present ? X86_PF_PROT : 0;
    if (acc == MMU_WRITE)
        ec |= X86_PF_WRITE;
    if (user)
        ec |= X86_PF_USER;
    if (acc == MMU_FETCH && mmu_paging(m) == PAGING_PAE && (m->efer & X86_EFER_NXE))
        ec |= X86_PF_INSTR;
    return ec;
}

static int rights_allow(uint64_t combined, enum mmu_access acc, int user, uint32_t cr0)
{
    if (user && !(combined & _PAGE_USER))
        return 0;
    if (acc == MMU_WRITE && !(combined & _PAGE_RW) && (user || (cr0 & X86_CR0_WP)))
        return 0;
    return 1;
}

/* ev is the payload of the struct event mmu_walk() built: the walk helpers
 * fill it in place, and it is emitted without a copy. */
static void report(struct mmu *m, struct walk_event *ev)
{
    if (m->events)
        event_emit(m->events, (struct event *)((char *)ev - offsetof(struct event, u.walk)));
}

/* End a walk with a #PF: not present (0), protection (1), reserved bit (2),
 * or an entry or frame outside RAM (3: P, RSVD and MMU_PF_BADFRAME, so a
 * handler that knows only the hardware bits still sees a bad table). */
enum { NOT_PRESENT, PROTECTION, RESERVED, BADFRAME };

static int walk_fault(struct mmu *m, struct walk_event *ev, int why, uint32_t *error_code)
{
    *error_code = pf_error(m, why != NOT_PRESENT, (enum mmu_access)ev->access, ev->user) |
                  (why >= RESERVED ? X86_PF_RSVD : 0) | (why == BADFRAME ? MMU_PF_BADFRAME : 0);
    m->stats.walk_faults++;
    if (why == BADFRAME)
        m->stats.bad_frames++;
    ev->fault = 1;
    ev->error_code = *error_code;
    report(m, ev);
    return -1;
}

/* End a successful walk: the 4 KiB frame holding the address, the U/S and
 * R/W combined over the levels, the final entry (D, G) and XD. */
static int walk_done(struct mmu *m, struct walk_event *ev, uint64_t frame, uint64_t combined,
                     uint64_t leaf, int nx, uint64_t *pa, uint32_t *error_code)
{
    if (!frame_in_ram(m, frame, 4096))          /* every path checked already: */
        return walk_fault(m, ev, BADFRAME, error_code);   /* the one invariant */
    *pa = frame | (ev->vaddr & 0xfffu);
    ev->paddr = *pa;
    report(m, ev);
    uint32_t flags = ((combined & _PAGE_USER) ? TLB_USER : 0) |
                     ((combined & _PAGE_RW) ? TLB_WRITE : 0) |
                     ((leaf & _PAGE_DIRTY) ? TLB_DIRTY : 0) |
                     ((leaf & _PAGE_GLOBAL) ? TLB_GLOBAL : 0) |
                     (nx ? TLB_NX : 0);
    uint32_t vpn = ev->vaddr >> 12, pfn = (uint32_t)(frame >> 12);
    tlb_insert(ev->access == MMU_FETCH ? &m->itlb : &m->dtlb, vpn, pfn, flags);
    tlb_insert(&m->stlb, vpn, pfn, flags);
    return 0;
}

static void walk_level(struct walk_event *ev, unsigned level, uint64_t addr, uint64_t val)
{
    ev->levels = (uint8_t)(level + 1);
    ev->entry_addr[level] = addr;
    ev->entry_val[level] = val;
}

/* 32-bit paging: PDE (4 MiB page if PS and CR4.PSE), PTE. */
static int walk_2level(struct mmu *m, struct walk_event *ev, enum mmu_access acc, int user,
                       uint64_t *pa, uint32_t *error_code)
{
    uint32_t va = ev->vaddr;
    uint64_t pde_addr = (m->cr3 & _PAGE_FRAME) + 4ull * pgd_index(va);
    /* A cached PDE spares the directory read (only present, non-PSE PDEs
     * whose A bit is set are cached, and every change flushes the cache). */
    int pde_cached = tlb_lookup(&m->pdec, va >> PGDIR_SHIFT) != NULL;
    uint32_t *pde = pde_cached && frame_in_ram(m, pde_addr, 4) ? (uint32_t *)(m->phys + pde_addr)
                                                                : entry_ptr(m, pde_addr, 4);
    uint32_t d = _PAGE_ACCESSED | (acc == MMU_WRITE ? _PAGE_DIRTY : 0);

    walk_level(ev, 0, pde_addr, pde ? *pde : 0);
    if (!pde)
        return walk_fault(m, ev, BADFRAME, error_code);
    if (!(*pde & _PAGE_PRESENT))
        return walk_fault(m, ev, NOT_PRESENT, error_code);
    if ((*pde & _PAGE_PSE) && (m->cr4 & X86_CR4_PSE)) {
        uint64_t frame = (*pde & PSE_FRAME) | (va & ~PSE_FRAME & _PAGE_FRAME);
        if (!rights_allow(*pde, acc, user, m->cr0))
            return walk_fault(m, ev, PROTECTION, error_code);
        if (!frame_in_ram(m, frame, 4096))      /* before any A/D bit is set */
            return walk_fault(m, ev, BADFRAME, error_code);
        *pde |= d;
        ev->entry_val[0] = *pde;
        return walk_done(m, ev, frame, *pde, *pde, 0, pa, error_code);
    }
    uint64_t pte_addr = (*pde & _PAGE_FRAME) + 4ull * pte_index(va);
    uint32_t *pte = entry_ptr(m, pte_addr, 4);
    walk_level(ev, 1, pte_addr, pte ? *pte : 0);
    if (!pte)
        return walk_fault(m, ev, BADFRAME, error_code);
    if (!(*pte & _PAGE_PRESENT))
        return walk_fault(m, ev, NOT_PRESENT, error_code);
    uint32_t combined = *pde & (*pte | ~(uint32_t)(_PAGE_USER | _PAGE_RW));
    if (!rights_allow(combined, acc, user, m->cr0))
        return walk_fault(m, ev, PROTECTION, error_code);
    if (!frame_in_ram(m, *pte & _PAGE_FRAME, 4096))
        return walk_fault(m, ev, BADFRAME, error_code);
    *pde |= _PAGE_ACCESSED;
    *pte |= d;
    ev->entry_val[0] = *pde;
    ev->entry_val[1] = *pte;
    if (!pde_cached)
        tlb_insert(&m->pdec, va >> PGDIR_SHIFT, *pde >> 12, 0);
    return walk_done(m, ev, *pte & _PAGE_FRAME, combined, *pte, 0, pa, error_code);
}

/* PAE, a PDE with PS: a 2 MiB page. */
static int walk_pae_large(struct mmu *m, struct walk_event *ev, uint64_t *pde, uint64_t rsvd,
                          int user, uint64_t *pa, uint32_t *error_code)
{
    enum mmu_access acc = (enum mmu_access)ev->access;
    int nx = (m->efer & X86_EFER_NXE) && (*pde & _PAGE_NX);
    if (*pde & (rsvd | PAE_RSVD_LARGE))
        return walk_fault(m, ev, RESERVED, error_code);
    if (!rights_allow(*pde, acc, user, m->cr0) || (nx && acc == MMU_FETCH))
        return walk_fault(m, ev, PROTECTION, error_code);
    uint64_t frame = (*pde & PAE_LARGE_FRAME) | (ev->vaddr & ((1u << PAE_PMD_SHIFT) - 1) & _PAGE_FRAME);
    if (!frame_in_ram(m, frame, 4096))
        return walk_fault(m, ev, BADFRAME, error_code);
    *pde |= _PAGE_ACCESSED | (acc == MMU_WRITE ? _PAGE_DIRTY : 0);
    ev->entry_val[1] = *pde;
    return walk_done(m, ev, frame, *pde, *pde, nx, pa, error_code);
}

/* PAE paging: PDPTE (a register), PDE (2 MiB page if PS), PTE. */
static int walk_pae(struct mmu *m, struct walk_event *ev, enum mmu_access acc, int user,
                    uint64_t *pa, uint32_t *error_code)
{
    uint32_t va = ev->vaddr;
    uint64_t pdpte = m->pdpte[pae_pdpt_index(va)];
    uint64_t rsvd = PAE_RSVD_HIGH | ((m->efer & X86_EFER_NXE) ? 0 : _PAGE_NX);

    walk_level(ev, 0, (m->cr3 & PAE_CR3_MASK) + 8ull * pae_pdpt_index(va), pdpte);
    if (!(pdpte & _PAGE_PRESENT))
        return walk_fault(m, ev, NOT_PRESENT, error_code);
    if (pdpte & PAE_RSVD_PDPTE)
        return walk_fault(m, ev, RESERVED, error_code);
    uint64_t pde_addr = (pdpte & PAE_FRAME) + 8ull * pae_pmd_index(va);
    int pde_cached = tlb_lookup(&m->pdec, va >> PAE_PMD_SHIFT) != NULL;
    uint64_t *pde = pde_cached && frame_in_ram(m, pde_addr, 8) ? (uint64_t *)(m->phys + pde_addr)
                                                                : entry_ptr(m, pde_addr, 8);
    walk_level(ev, 1, pde_addr, pde ? *pde : 0);
    if (!pde)
        return walk_fault(m, ev, BADFRAME, error_code);
    if (!(*pde & _PAGE_PRESENT))
        return walk_fault(m, ev, NOT_PRESENT, error_code);
    if (*pde & _PAGE_PSE)
        return walk_pae_large(m, ev, pde, rsvd, user, pa, error_code);
    if (*pde & rsvd)
        return walk_fault(m, ev, RESERVED, error_code);
    uint64_t pte_addr = (*pde & PAE_FRAME) + 8ull * pae_pte_index(va);
    uint64_t *pte = entry_ptr(m, pte_addr, 8);
    walk_level(ev, 2, pte_addr, pte ? *pte : 0);
    if (!pte)
        return walk_fault(m, ev, BADFRAME, error_code);
    if (!(*pte & _PAGE_PRESENT))
        return walk_fault(m, ev, NOT_PRESENT, error_code);
    if (*pte & rsvd)
        return walk_fault(m, ev, RESERVED, error_code);
    uint64_t combined = *pde & (*pte | ~(uint64_t)(_PAGE_USER | _PAGE_RW));
    int nx = (m->efer & X86_EFER_NXE) && ((*pde | *pte) & _PAGE_NX);
    if (!rights_allow(combined, acc, user, m->cr0) || (nx && acc == MMU_FETCH))
        return walk_fault(m, ev, PROTECTION, error_code);
    if (!frame_in_ram(m, *pte & PAE_FRAME, 4096))
        return walk_fault(m, ev, BADFRAME, error_code);
    *pde |= _PAGE_ACCESSED;
    *pte |= _PAGE_ACCESSED | (acc == MMU_WRITE ? _PAGE_DIRTY : 0);
    ev->entry_val[1] = *pde;
    ev->entry_val[2] = *pte;
    if (!pde_cached)
        tlb_insert(&m->pdec, va >> PAE_PMD_SHIFT, (uint32_t)((*pde & PAE_FRAME) >> 12), 0);
    return walk_done(m, ev, *pte & PAE_FRAME, combined, *pte, nx, pa, error_code);
}

int mmu_walk(struct mmu *m, uint32_t va, enum mmu_access acc, int user,
             uint64_t *pa, uint32_t *error_code)
{
    struct event e = { .type = EV_WALK, .pid = m->pid, .tid = m->pid };
    e.u.walk = (struct walk_event){ .vaddr = va, .access = (uint8_t)acc, .user = (uint8_t)!!user };
    m->stats.walks++;
    if (m->cr4 & X86_CR4_PAE)
        return walk_pae(m, &e.u.walk, acc, user, pa, error_code);
    return walk_2level(m, &e.u.walk, acc, user, pa, error_code);
}

/*
 * mmu.c — the two-level x86 page walker (SDM vol. 3A §4.3, §4.6, §4.8).
 *
 * Walks go through the paging-structure cache for PDEs, read entries through
 * the data caches (MEM_WALK, as real page walkers do) and fill both TLB
 * levels.  Rights are the AND of every level: a user access needs U/S in the PDE and
 * the PTE; a write needs R/W in both, for supervisor accesses only when
 * CR0.WP is set.  Accessed flags are set in every entry of a walk that
 * succeeds, and the dirty flag in the final entry on a write; a walk that
 * faults leaves the entries unchanged (the SDM allows either; this choice
 * keeps A bits meaning "a translation was really used").
 */
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

void mmu_write_cr3(struct mmu *m, uint32_t cr3)
{
    m->cr3 = cr3;
    mmu_flush_tlb(m);
}

/* INVLPG drops the page from every TLB level and, as the SDM says of
 * paging-structure caches, every cached PDE (§4.10.4.1). */
void mmu_invlpg(struct mmu *m, uint32_t va)
{
    tlb_flush_page(&m->itlb, va >> 12);
    tlb_flush_page(&m->dtlb, va >> 12);
    tlb_flush_page(&m->stlb, va >> 12);
    tlb_flush_all(&m->pdec, 0);
}

void mmu_flush_tlb(struct mmu *m)
{
    int keep_global = (m->cr4 & X86_CR4_PGE) != 0;
    tlb_flush_all(&m->itlb, keep_global);
    tlb_flush_all(&m->dtlb, keep_global);
    tlb_flush_all(&m->stlb, keep_global);
    tlb_flush_all(&m->pdec, 0);
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

/* Read a paging-structure entry through the data caches; entries outside
 * RAM read as not present. */
static uint32_t *entry_ptr(struct mmu *m, uint64_t addr)
{
    if (addr + 4 > m->phys_size)
        return NULL;
    uint32_t cycles = mem_access(&m->mem, addr, MEM_WALK);
    m->stats.walk_reads++;
    m->stats.walk_cycles += cycles;
    charge(m, cycles);
    return (uint32_t *)(m->phys + addr);
}

/* The #PF error code for an access that failed at an entry (present or not). */
static uint32_t pf_error(int present, enum mmu_access acc, int user)
{
    uint32_t ec = present ? X86_PF_PROT : 0;
    if (acc == MMU_WRITE)
        ec |= X86_PF_WRITE;
    if (user)
        ec |= X86_PF_USER;
    /* I/D is reported only with NX or SMEP enabled (SDM §4.7); 2-level has neither. */
    return ec;
}

static int rights_allow(uint32_t combined, enum mmu_access acc, int user, uint32_t cr0)
{
    if (user && !(combined & _PAGE_USER))
        return 0;
    if (acc == MMU_WRITE && !(combined & _PAGE_RW) && (user || (cr0 & X86_CR0_WP)))
        return 0;
    return 1;
}

static void report(struct mmu *m, struct walk_event *ev)
{
    if (m->obs.walk)
        m->obs.walk(m->obs.ctx, ev);
}

int mmu_walk(struct mmu *m, uint32_t va, enum mmu_access acc, int user,
             uint64_t *pa, uint32_t *error_code)
{
    struct walk_event ev = { .pid = m->pid, .vaddr = va, .access = (uint8_t)acc,
                             .user = (uint8_t)!!user };
    uint64_t pde_addr = (m->cr3 & _PAGE_FRAME) + 4ull * pgd_index(va);
    /* A cached PDE spares the directory read (only present, non-PSE PDEs
     * whose A bit is set are cached, and every change flushes the cache). */
    int pde_cached = tlb_lookup(&m->pdec, va >> PGDIR_SHIFT) != NULL;
    uint32_t *pde = pde_cached ? (uint32_t *)(m->phys + pde_addr) : entry_ptr(m, pde_addr);
    uint32_t *pte = NULL;
    uint32_t combined, frame, tlb_flags;

    m->stats.walks++;
    ev.levels = 1;
    ev.entry_addr[0] = pde_addr;
    ev.entry_val[0] = pde ? *pde : 0;
    if (!pde || !(*pde & _PAGE_PRESENT))
        goto not_present;
    combined = *pde;

    if ((*pde & _PAGE_PSE) && (m->cr4 & X86_CR4_PSE)) {
        frame = (*pde & PSE_FRAME) | (va & ~PSE_FRAME & _PAGE_FRAME);
        if (!rights_allow(combined, acc, user, m->cr0))
            goto protection;
        *pde |= _PAGE_ACCESSED | (acc == MMU_WRITE ? _PAGE_DIRTY : 0);
        ev.entry_val[0] = *pde;
        tlb_flags = *pde;
    } else {
        uint64_t pte_addr = (*pde & _PAGE_FRAME) + 4ull * pte_index(va);
        pte = entry_ptr(m, pte_addr);
        ev.levels = 2;
        ev.entry_addr[1] = pte_addr;
        ev.entry_val[1] = pte ? *pte : 0;
        if (!pte || !(*pte & _PAGE_PRESENT))
            goto not_present;
        combined &= *pte | ~(uint32_t)(_PAGE_USER | _PAGE_RW);
        if (!rights_allow(combined, acc, user, m->cr0))
            goto protection;
        *pde |= _PAGE_ACCESSED;
        *pte |= _PAGE_ACCESSED | (acc == MMU_WRITE ? _PAGE_DIRTY : 0);
        ev.entry_val[0] = *pde;
        ev.entry_val[1] = *pte;
        frame = *pte & _PAGE_FRAME;
        tlb_flags = *pte;
        if (!pde_cached)
            tlb_insert(&m->pdec, va >> PGDIR_SHIFT, *pde >> 12, 0);
    }

    *pa = (uint64_t)frame | (va & 0xfffu);
    ev.paddr = *pa;
    report(m, &ev);
    uint32_t flags = ((combined & _PAGE_USER) ? TLB_USER : 0) |
                     ((combined & _PAGE_RW) ? TLB_WRITE : 0) |
                     ((tlb_flags & _PAGE_DIRTY) ? TLB_DIRTY : 0) |
                     ((tlb_flags & _PAGE_GLOBAL) ? TLB_GLOBAL : 0);
    tlb_insert(acc == MMU_FETCH ? &m->itlb : &m->dtlb, va >> 12, frame >> 12, flags);
    tlb_insert(&m->stlb, va >> 12, frame >> 12, flags);
    return 0;

not_present:
    *error_code = pf_error(0, acc, user);
    goto fault;
protection:
    *error_code = pf_error(1, acc, user);
fault:
    m->stats.walk_faults++;
    ev.fault = 1;
    ev.error_code = *error_code;
    report(m, &ev);
    return -1;
}

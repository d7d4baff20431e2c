/*
 * mmu_events.h — what the MMU model reports to whoever observes it.
 *
 * The MMU knows nothing of SQLite or files: it calls an observer with plain
 * records, and emu/ wires the observer to trace/.  One record per page walk
 * (every TLB miss, and every walk the kernel model asks for).
 */
#ifndef MEMSIM_MMU_EVENTS_H
#define MEMSIM_MMU_EVENTS_H

#include <stdint.h>

enum mmu_access {
    MMU_READ  = 0,
    MMU_WRITE = 1,
    MMU_FETCH = 2,
};

const char *mmu_access_name(enum mmu_access a);   /* "read", "write", "fetch" */

#define WALK_MAX_LEVELS 3   /* 2-level: PDE, PTE; PAE: PDPTE, PDE, PTE */

struct walk_event {
    uint32_t pid;
    uint32_t vaddr;                     /* linear address walked */
    uint8_t  access;                    /* enum mmu_access */
    uint8_t  user;                      /* 1 = CPL 3 access */
    uint8_t  levels;                    /* entries read, 1..WALK_MAX_LEVELS */
    uint64_t entry_addr[WALK_MAX_LEVELS]; /* physical address of each entry */
    uint64_t entry_val[WALK_MAX_LEVELS];  /* its value, A/D updates included */
    uint64_t paddr;                     /* translation, when fault == 0 */
    uint8_t  fault;                     /* 1 = the walk raised #PF */
    uint32_t error_code;                /* #PF error code when fault */
};

/* One access through a segment that is not flat (the logical -> linear step
 * before paging): TLS through %gs, an LDT segment with a small limit, ... */
struct seg_event {
    uint32_t pid;
    uint32_t eip;
    uint8_t  seg;                       /* enum seg_reg: ES CS SS DS FS GS */
    uint16_t selector;
    uint32_t offset, size;
    uint32_t linear;                    /* base + offset */
    uint32_t base, limit;               /* from the descriptor (limit in bytes - 1) */
    uint8_t  access;                    /* enum mmu_access */
    uint8_t  fault;                     /* 0 ok, 1 #GP, 2 #SS, 3 #NP */
    uint16_t error_code;
};

/* A TLB invalidation: INVLPG of one page, a full flush (MOV to CR3 or a
 * kernel-requested flush), or a paging-mode change. */
enum flush_kind { FLUSH_INVLPG, FLUSH_CR3, FLUSH_ALL, FLUSH_MODE };

struct flush_event {
    uint32_t pid;
    uint8_t  kind;                      /* enum flush_kind */
    uint32_t vaddr;                     /* FLUSH_INVLPG: the page; else 0 */
    uint32_t cr3;                       /* CR3 after the flush */
};

const char *flush_kind_name(enum flush_kind k);   /* "invlpg", "cr3", "all", "mode" */

struct mmu_observer {
    void *ctx;
    void (*walk)(void *ctx, const struct walk_event *ev);
    void (*flush)(void *ctx, const struct flush_event *ev);   /* may be NULL */
};

#endif

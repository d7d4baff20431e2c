/*
 * window.h — the host window: 3 GiB of host address space standing for the
 * guest's user space (internal to emu/).  Each guest page is, on the host,
 * one of:
 *
 *   reserved  PROT_NONE anonymous memory (no PTE in the model);
 *   alias     its memfd frame, read-only or read/write as the PTE says;
 *   zero      anonymous PROT_READ memory, for a PTE mapping the zero page:
 *             it reads zeros as the zero frame does, and a run of such
 *             pages is one host mapping whatever their order;
 *   scratch   anonymous read/write memory where a dying guest's last access
 *             lands harmlessly (window_sacrifice).
 *
 * Every host mapping counts against vm.max_map_count (65530 by default).
 * The window keeps an exact model of how the host kernel splits and merges
 * its mappings — both ways: a page that changes kind splits its neighbours'
 * mapping, and merges with a neighbour of its kind (anonymous pages of one
 * kind always; aliases when the frames are consecutive, i.e. the file
 * offsets are, and the rights equal) — and refuses, before any host mmap,
 * a change that would take the count past the budget.  The caller then
 * kills the guest with one clear line instead of memsim failing.
 */
#ifndef MEMSIM_WINDOW_H
#define MEMSIM_WINDOW_H

#include <stddef.h>
#include <stdint.h>

/* The one accountant of host mappings: every window's count adds up here,
 * against one budget read at start (vm.max_map_count less what the host
 * process already uses and a margin). */
struct host_map_account {
    uint64_t host_maps;      /* host mappings of all windows */
    uint64_t budget;         /* host_maps may not grow past it */
};

void host_map_account_init(struct host_map_account *a);

struct host_window {
    uint8_t  *base;          /* TASK_SIZE bytes */
    uint32_t *alias;         /* per user page: its kind (window.c) */
    uint64_t  host_maps;     /* host mappings this window is split into */
    struct host_map_account *acct;
};

int  window_init(struct host_window *w, struct host_map_account *acct, char *err, size_t errlen);
void window_destroy(struct host_window *w);
/*
 * Each returns 0, or -1 when the change would cross the budget or the host
 * refused it; then the page keeps its previous host mapping and the model
 * is unchanged.
 */
int  window_alias(struct host_window *w, int memfd, uint32_t va, uint32_t pfn, int writable);
int  window_zero(struct host_window *w, uint32_t va);
int  window_unalias(struct host_window *w, uint32_t va);
/*
 * Back va with a scratch read/write page, replacing whatever is there: the
 * access a dying guest is making must touch neither a frame nor PROT_NONE.
 * Past the budget it replaces the whole host mapping around va instead,
 * which splits nothing and so cannot meet the host's limit (the guest is
 * dead: what those pages held no longer matters).  -1: the host refused
 * even that.
 */
int  window_sacrifice(struct host_window *w, uint32_t va);

/* How far past the budget scratch pages may take the count (the budget
 * leaves a larger margin below vm.max_map_count for Unicorn, SQLite and
 * malloc). */
#define WINDOW_SCRATCH_MAPS 64u

#endif

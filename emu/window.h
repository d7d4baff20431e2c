/*
 * window.h — the host window: 3 GiB of host address space standing for the
 * guest's user space, in which each mapped guest page is an alias of its
 * memfd frame (internal to emu/).
 *
 * Every alias is a host mapping, and Linux limits a process to
 * vm.max_map_count of them (65530 by default).  The window keeps an exact
 * model of how the host kernel merges them — adjacent pages stay one host
 * mapping when both are unaliased, or both alias consecutive frames with
 * the same rights — and refuses an alias that would cross the budget, so
 * the guest is killed with a clear message instead of memsim failing.
 */
#ifndef MEMSIM_WINDOW_H
#define MEMSIM_WINDOW_H

#include <stddef.h>
#include <stdint.h>

struct host_window {
    uint8_t  *base;          /* TASK_SIZE bytes, PROT_NONE where unaliased */
    uint32_t *alias;         /* per user page: 0, or (pfn + 1) | WINDOW_WRITABLE */
    uint64_t  host_maps;     /* host mappings the window is split into */
    uint64_t  budget;        /* host_maps may not exceed it */
};

int  window_init(struct host_window *w, char *err, size_t errlen);
void window_destroy(struct host_window *w);
/* Alias frame pfn at guest page va.  -1: over budget, or the host refused. */
int  window_alias(struct host_window *w, int memfd, uint32_t va, uint32_t pfn, int writable);
void window_unalias(struct host_window *w, uint32_t va);
/* Back va with a throwaway read/write page, replacing any alias: the
 * access a dying guest is making must touch neither a frame nor PROT_NONE. */
void window_sacrifice(struct host_window *w, uint32_t va);

#endif

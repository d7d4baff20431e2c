/*
 * mmu_events.h — the access types the MMU model's events carry.
 *
 * The MMU knows nothing of SQLite or files: its walks and TLB flushes are
 * emitted to the run's event stream (common/event.h: struct walk_event,
 * struct flush_event, struct seg_event), one EV_WALK per page walk (every
 * TLB miss, and every walk the kernel model asks for).
 */
#ifndef MEMSIM_MMU_EVENTS_H
#define MEMSIM_MMU_EVENTS_H

#include <stdint.h>
#include "common/event.h"

enum mmu_access {
    MMU_READ  = 0,
    MMU_WRITE = 1,
    MMU_FETCH = 2,
};

const char *mmu_access_name(enum mmu_access a);   /* "read", "write", "fetch" */

#endif

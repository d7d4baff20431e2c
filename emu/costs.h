/*
 * costs.h — the flat cycle model of the foundation release.
 *
 * Until the timing model (TLB/cache hierarchy with per-level latencies)
 * arrives, cycles are: one per instruction, COST_WALK_READ per
 * paging-structure entry a walk reads, COST_PAGE_FAULT per fault and
 * COST_SYSCALL per system call.  The cycle count drives the guest's clocks
 * (CPU_HZ), so runs are deterministic.
 */
#ifndef MEMSIM_COSTS_H
#define MEMSIM_COSTS_H

#define COST_WALK_READ   20u      /* an entry read that misses the caches */
#define COST_PAGE_FAULT  1000u    /* kernel entry, fault handling, exit */
#define COST_SYSCALL     200u
#define CPU_HZ           1000000000ull
#define GUEST_EPOCH      1767225600ull   /* 2026-01-01T00:00:00Z: the guest's boot time */

#endif

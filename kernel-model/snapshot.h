/*
 * snapshot.h — snapshots of the kernel model's memory state over time.
 *
 * A snapshot is a set of EV_SNAPSHOT events (common/event.h), one per value:
 * free pages per zone and buddy order, and per process its RSS and its page
 * tables.  The kernel model owns that state, so it takes them; the engine
 * only decides when — it compares its clock with k->snapshot.next_cycle
 * (one compare on the hot path, like the interval timer) and calls
 * kernel_snapshot(), and takes one more at the end of the run.  Snapshot
 * events do not advance the stream's seq (event_emit_unsequenced), so
 * taking them changes no other event and no outcome.
 *
 * The schedule: a fixed interval, or (the default) SNAPSHOT_AUTO_FIRST
 * cycles doubled after every SNAPSHOT_AUTO_DOUBLE snapshots, which gives a
 * short run its points (the shortest sample, ~370 k cycles, gets 62) and a
 * long one only logarithmically more (64 per doubling of the run).
 */
#ifndef MEMSIM_SNAPSHOT_H
#define MEMSIM_SNAPSHOT_H

#include <stdint.h>

struct kernel;
struct task_struct;

#define SNAPSHOT_AUTO_FIRST  5000u   /* cycles between the first snapshots */
#define SNAPSHOT_AUTO_DOUBLE 64u     /* snapshots per interval before it doubles */

struct snapshot_schedule {
    uint64_t next_cycle;        /* take one when the clock reaches it (UINT64_MAX: never) */
    uint64_t every;             /* cycles between snapshots */
    uint32_t double_after;      /* double `every` after this many at it; 0: fixed */
    uint32_t nr;                /* snapshots taken (the last one's number) */
};

/* Start taking snapshots: every > 0 cycles, or the adaptive default when
 * every == SNAPSHOT_EVERY_AUTO; 0: none on the way (kernel_snapshot() at
 * the end still takes one). */
#define SNAPSHOT_EVERY_AUTO UINT64_MAX
void snapshot_schedule_start(struct kernel *k, uint64_t every);

/* Take a snapshot now of the kernel and of the nr tasks' address spaces
 * (a task without an mm has no RSS rows), and schedule the next one. */
void kernel_snapshot(struct kernel *k, struct task_struct *const tasks[], unsigned nr);
/* kernel_snapshot of every live process (one task of each thread group),
 * the first SNAPSHOT_MAX_TASKS of them in pid order. */
#define SNAPSHOT_MAX_TASKS 64u
void kernel_snapshot_live(struct kernel *k);

#endif

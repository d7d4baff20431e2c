/*
 * acct.h — per-process counters (internal to emu/).
 *
 * The timing model counts for the whole machine (m->tm, its MMU and
 * caches).  A process's share is taken at context-switch granularity:
 * at each switch (and at the end of the run) the machine's counters are
 * read once and what they grew by since the last reading is added to the
 * process (tgid) that ran in between.  Nothing is done per instruction,
 * and the shares of every process add up to the machine's totals exactly.
 * What a switch itself costs (its CR3 write's flush) is the outgoing
 * process's; so are the cycles the clock idles while every task sleeps,
 * counted to the task that ran before the idle.  decode_misses is the
 * engine's decode cache (one per address space, closed with it), not the
 * timing model's: it stays a machine total only.
 */
#ifndef MEMSIM_ACCT_H
#define MEMSIM_ACCT_H

#include <stdint.h>
#include "emu/memsim.h"
#include "mmu/timing.h"

struct task_struct;

struct proc_acct {
    uint32_t pid;                   /* the tgid */
    char comm[16];                  /* its comm at its last reading */
    double value[TIMING_MAX_STATS]; /* by the index of timing_collect_stats */
};

struct acct {
    struct proc_acct *proc;         /* in order of first running */
    unsigned nr, cap;
    double base[TIMING_MAX_STATS];  /* the counters at the last reading */
};

/* Add what the counters grew by since the last reading to t's process
 * (t NULL: nobody ran, the growth is dropped).  0, or -1 out of memory
 * (that share is lost: the processes no longer add up to the total). */
int  acct_charge(struct acct *a, const struct timing *tm, const struct task_struct *t);
/* The shares as res->procs (every non-ratio counter but decode_misses,
 * cpi recomputed), in pid order; res->nr_procs 0 when one process ran or
 * out of memory. */
void acct_fill(const struct acct *a, const struct timing *tm, struct memsim_result *res);
void acct_free(struct acct *a);

#endif

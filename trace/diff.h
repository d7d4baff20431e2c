/*
 * diff.h — `memsim diff A B`: two traces compared.
 *
 * First their totals side by side with the ratio B/A (instructions, cycles,
 * CPI, page faults in all and by kind, page walks, the misses of every TLB
 * and cache level from stats, frames allocated), as aligned text (the
 * ratio to two decimals, four when two would round a difference to 1.00;
 * "-" when A's total is 0); then
 * their kernel-side outcome sequences (trace/outcome.h: the sequence replay
 * compares) until the first event where they diverge, shown with its place
 * in each trace (seq, table), A's and B's outcome and the few events before
 * it that both share.
 *
 * Returns DIFF_SAME when the outcome sequences are identical (the totals
 * may still differ: another --cpu changes the timing, not the kernel's
 * events), DIFF_DIFFERENT when they diverge, DIFF_BAD_INPUT with one line
 * in err when a trace cannot be read.  Errors are returned, never printed.
 */
#ifndef MEMSIM_TRACE_DIFF_H
#define MEMSIM_TRACE_DIFF_H

#include <stddef.h>
#include <stdio.h>

struct sqlite3;

#define DIFF_SAME      0
#define DIFF_DIFFERENT 1
#define DIFF_BAD_INPUT 2

#define DIFF_CONTEXT 5          /* events shown before the divergence */

int trace_diff(struct sqlite3 *a, struct sqlite3 *b, const char *name_a, const char *name_b,
               FILE *out, char *err, size_t errlen);

#endif

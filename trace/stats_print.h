/*
 * stats_print.h — `--stats`: the counters of a run (mmu/timing.h) printed
 * in the manner of `perf stat`, by `memsim run --stats` and by
 * `memsim replay --stats` alike.
 */
#ifndef MEMSIM_STATS_PRINT_H
#define MEMSIM_STATS_PRINT_H

#include <stdio.h>
#include "mmu/timing.h"

void stats_print(const struct timing_stat *s, unsigned n, FILE *out);
/* The same under a heading naming what the counters are of ("pid 1001
 * (sh)", "total of 3 processes"); NULL: stats_print's heading. */
void stats_print_titled(const struct timing_stat *s, unsigned n, const char *title, FILE *out);

#endif

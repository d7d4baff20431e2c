/*
 * replay.h — `memsim replay`: re-drive the kernel model from a recorded
 * run, without Unicorn and without the guest binary, and compare every
 * outcome it produces with the recorded one.
 *
 * Inputs (read from the trace, in seq order): the loader's inputs
 * (exec_image, exec_segments, run_inputs), the system calls (number and
 * arguments), the guest's own page faults (faults with cause 0 after exec:
 * address, access, error code, EIP) and the bytes the kernel read from
 * user memory (uaccess.data).  Outcomes (compared, never used to produce
 * anything): syscall results, faults (kind, resolution, pfn), allocations
 * and frees, VMA changes, TLB flushes, user-memory accesses and the walks
 * a fault makes.  A SYS_EXTERNAL call is not run: its recorded user
 * accesses are repeated and its recorded result returned.
 *
 * replay_run() takes an open database (a trace, or the in-memory database an
 * events file is parsed into) so every source shares one path.  Errors are
 * returned, never printed.
 */
#ifndef MEMSIM_REPLAY_H
#define MEMSIM_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include "mmu/timing.h"

struct sqlite3;

#define REPLAY_OK        0      /* every outcome matched (or a what-if ran) */
#define REPLAY_DIVERGED  1      /* an outcome differs (what-if: with expect_same) */
#define REPLAY_BAD_INPUT 2      /* not a memsim trace, truncated, unsupported schema */

struct replay_options {
    uint64_t ram_bytes;         /* what-if --ram; 0: the recorded size */
    const char *paging;         /* what-if --paging "2level"/"pae"; NULL: recorded */
    int expect_same;            /* a what-if difference is a failure */
    const char *db_out;         /* write the replayed run as a trace, or NULL */
    const char *source;         /* what the input is called (runs.replay_of of db_out) */
    unsigned context;           /* recorded events shown before a divergence */
    /* Simulate the access stream (a trace recorded with --trace accesses):
     * its TLB/cache hierarchy and timing model through the replay. */
    int stats;                  /* --stats: the counters (report.stats) */
    const char *cpu;            /* --cpu NAME: another preset (a what-if); NULL: recorded */
    const char *cpu_config;     /* --cpu-config FILE over it; NULL: recorded */
};

#define REPLAY_TEXT 4096
struct replay_report {
    uint64_t compared;          /* recorded outcomes checked */
    uint64_t inputs;            /* system calls and faults re-driven */
    uint64_t differences;       /* outcomes that differ */
    int what_if;                /* the machine was changed (--ram, --paging) */
    char text[REPLAY_TEXT];     /* the first divergence(s), ready to print */
    struct timing_stat stats[TIMING_MAX_STATS];   /* the simulated run's counters */
    unsigned nr_stats;          /* 0: no simulation */
    /* A sampled stream (run --sample N[:W]): stats are the measured windows'
     * sums, cpi their estimate.  sample_period 0: not sampled. */
    uint32_t sample_period, sample_window;
    uint64_t sample_measured;   /* accesses in the measured windows */
    uint64_t sample_accesses;   /* every access of the recorded run (0: unknown) */
    uint64_t sample_windows;    /* measured windows */
};

/* Replay the run recorded in db.  REPLAY_OK / REPLAY_DIVERGED /
 * REPLAY_BAD_INPUT (with one line in err); -1 for an internal failure
 * (reason in err). */
int replay_run(struct sqlite3 *db, const struct replay_options *opt,
               struct replay_report *rep, char *err, size_t errlen);

/* Open the trace at path read-only (a regular file, a SQLite database with
 * memsim's meta table and a supported schema_version) and replay it. */
int replay_file(const char *path, const struct replay_options *opt,
                struct replay_report *rep, char *err, size_t errlen);

/* The `replay [--ram SIZE] [--paging MODE] [--expect-same] [--db OUT] TRACE`
 * command line (argv[0] is "replay"): prints the outcome, returns the exit
 * status (0 match, 1 divergence, 2 bad input). */
int replay_main(int argc, char **argv);

#endif

/*
 * memsim.h — running a guest program: the API behind `memsim run`.
 *
 * memsim_run() loads a static i386 ELF, runs it to completion on the model
 * and writes the trace.  What happens to the guest (exit, signal, OOM) is
 * the guest's result, not an error; errors are memsim's own failures, each
 * with a documented exit status (see README "Exit status").
 */
#ifndef MEMSIM_MEMSIM_H
#define MEMSIM_MEMSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "kernel-model/syscalls.h"
#include "mmu/cpu_config.h"
#include "mmu/timing.h"
#include "mmu/paging.h"

#include "common/version.h"

/* memsim's own exit statuses, chosen like env(1) and the shells' */
#define MEMSIM_EXIT_USAGE     125   /* bad options */
#define MEMSIM_EXIT_NOEXEC    126   /* file exists but is not a runnable static i386 ELF */
#define MEMSIM_EXIT_NOTFOUND  127   /* no such program */
#define MEMSIM_EXIT_INTERNAL  70    /* memsim failed (EX_SOFTWARE): trace or host error */

/* --quantum's default: a task runs a million instructions (a third of a
 * millisecond at the default CPU's 3 GHz and an IPC of 1) before another
 * runnable task gets the CPU; 0 in the options means this. */
#define MEMSIM_DEFAULT_QUANTUM 1000000u
/* --max-tasks' default: the kernel's threads-max (fork past it is EAGAIN,
 * root included, as Linux's max_threads); 0 in the options means this. */
#define MEMSIM_DEFAULT_MAX_TASKS 1024u

struct memsim_options {
    const char *program;        /* host path of the ELF */
    int argc;                   /* guest argv (argv[0] is program as given) */
    char **argv;
    char **envp;                /* guest environment, NULL-terminated */
    uint64_t ram_bytes;         /* --ram, default 256 MiB */
    const char *db_path;        /* --db, default "memsim.db"; NULL: no trace */
    uint32_t trace_level;       /* --trace: trace_level_bits the trace records */
    uint32_t sample_every;      /* --sample N[:W]: the access stream keeps one window */
    uint32_t sample_window;     /* in N of W accesses (0: all of it; common/access_stream.h) */
    uint64_t snapshot_every;    /* --snapshot-every: cycles between snapshots, 0 only
                                   at exit, SNAPSHOT_EVERY_AUTO the adaptive default
                                   (kernel-model/snapshot.h) */
    uint64_t seed;              /* --seed: getrandom and AT_RANDOM */
    uint64_t quantum;           /* --quantum: instructions a task runs while others
                                   wait to (MEMSIM_DEFAULT_QUANTUM) */
    uint64_t max_tasks;         /* --max-tasks: tasks alive at once (MEMSIM_DEFAULT_MAX_TASKS) */
    uint64_t epoch;             /* --epoch: the guest's boot time, seconds since
                                   1970 (the command line defaults it to the
                                   host's time at the start; recorded in runs.epoch) */
    const char *root;           /* --root: guest "/" on the host, default "/" */
    const char *options_text;   /* the options as recorded in runs.options */
    const struct cpu_config *cpu;   /* --cpu preset with --cpu-config applied */
    const char *cpu_config_path;    /* --cpu-config FILE, or NULL (an input: never the trace) */
    enum paging_mode paging;    /* --paging: 2level (default) or pae */
    int raw_engine;             /* --engine raw: Unicorn alone, no model on the
                                   access path (a benchmark baseline) */
    int strace;                 /* --strace: the guest's system calls to stderr */
    int boot_log;               /* --boot-log: the boot's memory map to stderr, as dmesg */
    int fault_around;           /* --fault-around: read faults map 16 cached pages */
    int writable_root;          /* --writable-root: writes under --root go to the host
                                   tree (kernel-model/hostfs_write.h); needs a root other than / */
};

/* One process's share of the counters (emu/acct.h). */
struct memsim_proc_stats {
    uint32_t pid;               /* the tgid */
    char comm[16];
    struct timing_stat stats[TIMING_MAX_STATS];  /* the run's names and order, but
                                                    decode_misses (a machine total) */
    unsigned nr_stats;
};

struct memsim_result {
    int exit_status;            /* as a shell reports it: code or 128 + signal */
    const char *exit_reason;    /* "exit", "SIGSEGV", "OOM", ... */
    char report[256];           /* one line for stderr when the guest died, else "" */
    uint64_t instructions, cycles;
    uint64_t faults, syscalls, walks, trace_rows;
    uint64_t tlb_hits, tlb_misses;
    uint64_t free_pages_end;
    double wall_seconds;
    struct timing_stat stats[TIMING_MAX_STATS];   /* every counter, in print order (mmu/timing.h) */
    unsigned nr_stats;
    struct enosys_log enosys;   /* kernel-model/syscalls.h */
    /* Each process's share, in pid order, when more than one process ran
     * (else NULL, 0); memsim_result_free releases it. */
    struct memsim_proc_stats *procs;
    unsigned nr_procs;
};

/* Returns 0 when the guest ran (see res), or one of MEMSIM_EXIT_* with a
 * one-line reason in err. */
int memsim_run(const struct memsim_options *opt, struct memsim_result *res,
               char *err, size_t errlen);
/* What memsim_run allocated in res (res->procs). */
void memsim_result_free(struct memsim_result *res);

#endif

/*
 * replay_priv.h — private to replay/: the replay's state, shared by
 * replay.c (boot, exec, the kernel's inputs) and sim.c (the access stream
 * driven through the TLBs, caches and timing model between them).
 */
#ifndef MEMSIM_REPLAY_PRIV_H
#define MEMSIM_REPLAY_PRIV_H

#include <stddef.h>
#include "kernel-model/sched.h"
#include "replay/check.h"
#include "trace/trace.h"
#include "mmu/timing.h"
#include "replay/recorded.h"
#include "trace/access_stream.h"

/* A sampled access stream (`run --sample`, sim.c): the counters of the
 * measured windows summed; warm-up windows only warm the TLBs and caches. */
struct sim_sample {
    struct access_sampling how;         /* N, W, the run's accesses */
    uint64_t measured, warmup;          /* accesses simulated in each phase */
    uint64_t windows;                   /* measured windows */
    struct timing_stat at[TIMING_MAX_STATS];    /* at the open window's start */
    double sum[TIMING_MAX_STATS];
    unsigned n;
    int open;                           /* a measured window is being simulated */
};

/* A task's system call being re-driven (it may be blocked): its input, and
 * whether the replay holds the task asleep in it (tasks.c). */
struct call_in_flight {
    uint32_t tid;
    const struct input *in;
    int held;
};

struct replay {
    struct recorded r;
    struct checker c;
    struct event_stream events;
    struct mmu mmu;
    struct kernel k;
    struct task_struct *t;
    /* the clock and counters the kernel reads; with an access stream
     * simulated (sim.c) the timing model charges them as the CPU did */
    struct timing tm;
    struct cpu_config cpu;              /* the simulated CPU (sim only) */
    int sim;
    struct sim_sample sample;           /* how.period 0: the whole stream */
    const struct input *current;        /* the input being re-driven (a resumed call's) */
    const struct input *next_in;        /* the one after the current group, or NULL */
    uint64_t group_from, group_to;      /* the current group's recorded seqs */
    struct call_in_flight *calls;       /* tasks.c */
    size_t nr_calls, cap_calls;
    size_t next_map;                    /* the next file_maps row to serve */
    size_t next_frame;                  /* the next signal_frames row */
    size_t next_exec;                   /* the next of r.execs an execve builds */
    int fault_failed;                   /* the last fault input did not resolve (a signal) */
    struct vm_file **files;             /* placeholders, one per (dev, ino) */
    size_t nr_files;
    struct trace *out;                  /* --db OUT, or NULL */
};

/* Re-drive recorded input i (a system call or a guest page fault) in its
 * checker group. */
void replay_drive_input(struct replay *rp, size_t i);

/* The placeholder vm_file of the recorded file (dev, ino), shared by every
 * map of it as the host file's is; a new reference.  NULL: no memory. */
struct vm_file *replay_placeholder(struct replay *rp, const struct file_map *m);
/* Redo the recorded frees of closing files (struct files, a pipe's inode,
 * info, ring and pages) that come next in the current group. */
void replay_redo_file_releases(struct replay *rp);

/* exec.c: is in an execve (or execveat) that succeeded in this group? */
int  replay_is_exec(const struct replay *rp, const struct input *in);
/* The seq at which its loader began the new mm (its mm_struct's
 * allocation): what comes before it is the call's host part. */
uint64_t replay_exec_boundary(const struct replay *rp, const struct input *in);
/* The seq of the first mm_struct allocation of `cause` from record `from`
 * on, below limit (limit when none): where a loader's host part ends. */
uint64_t replay_mm_boundary(const struct replay *rp, size_t from, uint64_t cause, uint64_t limit);
/* Redo, in seq order from record `from`, what host work of `cause` did to
 * the model before `to` in the current group (replay.c). */
void replay_redo_outcomes(struct replay *rp, struct task_struct *t, uint64_t cause, size_t from,
                          uint64_t to);
/* The first exec's interpreter open and read, redone (exec.c). */
void replay_redo_loader_open(struct replay *rp, struct task_struct *t);
/* The first program's image built as the recording did (exec.c): 0, or -1
 * with the reason in err. */
int  replay_first_exec(struct replay *rp, char *err, size_t errlen);
/* An exec's recorded interpreter: p->interp pointing at it, its file a
 * placeholder of the recorded one (0; -1 out of memory); and put back. */
struct recorded_interp;
int  replay_interp_get(struct replay *rp, struct recorded_interp *ri, struct exec_params *p);
void replay_interp_put(struct recorded_interp *ri, struct exec_params *p);
/* Build the next recorded image in t as the engine's loader did: the new
 * mm, begin_new_exec, exec_mm; the call's result (0). */
long replay_exec(struct replay *rp, struct task_struct *t);

/* The replay's tasks are all dead: a difference if input next (of
 * r.nr_in) was still to come, as the recording went on. */
void replay_check_over(struct replay *rp, size_t next);

/* tasks.c: follow the recorded switch sw (its group is open). */
void replay_switch(struct replay *rp, const struct input *sw);
/* Re-drive system call in of t (the current task). */
void replay_call(struct replay *rp, struct task_struct *t, const struct input *in);
/* An external call of t whose recorded exit is past the current group:
 * hold t asleep in it when the recording switches away from it next
 * (-ERESTART_BLOCK), else its recorded result. */
long replay_hold(struct replay *rp, struct task_struct *t);
/* Wake the task the next input switches to, if the replay holds it asleep. */
void replay_wake_next(struct replay *rp);
/* Every task is dead: the recorded run is over. */
int  replay_all_dead(const struct replay *rp);
void replay_tasks_free(struct replay *rp);

/* sim.c: the CPU configuration the simulation runs (--cpu NAME and/or
 * --cpu-config FILE over it, else the recorded ones) into rp->cpu; 0, or
 * -1 with one line in err. */
int  sim_configure(struct replay *rp, const char *cpu, const char *cpu_config,
                   char *err, size_t errlen);
/* Drive the access stream in db interleaved with every recorded input (in
 * place of replay.c's input loop).  0, or -1 with one line in err (the
 * stream is malformed or disagrees with the kernel's events). */
int  sim_drive(struct replay *rp, struct sqlite3 *db, char *err, size_t errlen);
/* The simulated run's counters in `--stats` order (decode_misses, the
 * CPU's decode cache, as recorded); how many. */
unsigned sim_stats(const struct replay *rp, struct sqlite3 *db, struct timing_stat *out,
                   unsigned max);

#endif

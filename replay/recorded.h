/*
 * recorded.h — private to replay/: what replay reads from a trace (load.c).
 *
 * The inputs (the run's configuration, the loader's inputs, the system
 * calls and guest faults in seq order, what each fd was to mmap) go to
 * struct recorded; the recorded outcomes go to the checker (check.h).
 * Nothing here is used to produce an outcome a replay compares.
 */
#ifndef MEMSIM_REPLAY_RECORDED_H
#define MEMSIM_REPLAY_RECORDED_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-model/exec.h"
#include "replay/check.h"

struct sqlite3;

/* The one trace schema_version replay reads.  An older trace loads in
 * export, query and report, but its outcomes are an older kernel model's
 * (schema 9 came with the boot allocator, the page cache, vmalloc and the
 * slab objects: every boot row and most frames moved), so a replay of it
 * against today's model would diverge at its first allocation: it is
 * refused with the reason instead. */
#define REPLAY_SCHEMA 12
/* Schema 10 added columns and a table (processes.argv/exe/peak_rss_pages,
 * exec_image.pid, context_switches) and schema 11 the signal_frames
 * table, without changing the model: a schema-9 or 10 trace's outcomes are
 * today's, so replay reads it too (one that ran a handler diverges at its
 * frame, whose place it did not record); schema 12 the loader's
 * placement and interpreter (exec_image.dyn, load_bias, interp*;
 * exec_segments.image), which an older trace's static programs did not
 * need. */
#define REPLAY_SCHEMA_OLDEST 9

/* What the replay re-drives, in start order: a system call (from its
 * enter), a guest page fault, or a context switch the scheduler made
 * (context_switches: which task ran next is an input, what the switch did
 * — the CR3 write, a blocked call's re-run — outcomes). */
enum input_kind { INPUT_SYSCALL, INPUT_FAULT, INPUT_SWITCH, INPUT_TIMER };

struct input {
    uint64_t start, seq;        /* enter_seq / begin_seq / the switch's seq, and the row's seq */
    enum input_kind kind;
    uint32_t nr, a[6];          /* syscall */
    int32_t ret;
    uint32_t address, error_code, eip;   /* fault */
    uint8_t access;
    /* switch: from prev_tid to next_tid; preempted: its quantum ran out;
     * wait: what a blocked prev waits for (the checker's strtab), or NULL.
     * timer: tid's process's timer `access` fired while it ran (cause 0) */
    uint32_t prev_tid, next_tid;
    uint8_t preempted;
    const char *wait;
};

/* One recorded answer of fd_mmap_file (file_maps). */
struct file_map {
    uint64_t cause;             /* the mmap's enter seq */
    uint32_t fd, f_mode;
    int32_t result;
    char *path;                 /* NULL: no pages */
    uint64_t size, dev, ino;
};

/* One signal_frames row: the user's esp and ss at a handler's delivery
 * (where its frame went) or at a sigreturn (where it was read back). */
struct signal_frame_rec {
    uint64_t seq;
    uint32_t sp, ss;
};

/* An execve's image (an exec_image row after the first, with its
 * exec_segments): what the loader built it from (schema 11). */
/* The interpreter an exec mapped (schema 12: exec_image.interp*, its
 * exec_segments rows with image 'interpreter'); path NULL: none.  in.file
 * is set when the exec is replayed (a placeholder of the recorded file). */
struct recorded_interp {
    struct exec_interp in;
    char *path;
    uint64_t size, dev, ino;
};

struct recorded_exec {
    struct exec_params p;           /* execfn, argc, argv and envp point into the strings below */
    struct recorded_interp interp;
    char *exe_path, *execfn;
    char **argv, **envp;            /* NULL-terminated */
    uint64_t size, dev, ino;        /* the file: placeholder(), as a file map's */
    uint32_t max_map_count;
};

/* A timer_fires row inside a system call (cause its enter): an external
 * call's is redone with its other rows. */
struct timer_fire {
    uint64_t seq, cause;
    uint32_t tid;
    uint8_t which;
};

struct recorded {
    char *args, *sha256, *options, *root, *cpu, *cpu_config;   /* runs, for --db OUT */
    uint32_t auxv[2 * EXEC_AUXV_PAIRS];                          /* run_inputs auxv */
    size_t nr_auxv;
    char *program, *exe_path, *paging;
    uint64_t ram, size, seed, epoch;
    char **argv, **envp;
    int argc, envc;
    struct exec_params exec;
    struct recorded_interp interp;  /* the first exec's interpreter */
    uint32_t max_map_count;
    unsigned nr_execs;              /* exec_image rows */
    int exec_args;                  /* exec_image has each exec's strings (schema 11): */
    struct recorded_exec *execs;    /* the rows after the first, replayed by execve */
    size_t nr_later;
    size_t seg_exec;                /* loading: the exec the next exec_segments row is of */
    size_t nr_switches;             /* context_switches rows: a run of several tasks */
    struct signal_frame_rec *frames;    /* signal_frames, in seq order */
    struct timer_fire *timers;      /* timer_fires inside calls, in seq order */
    size_t nr_timers;
    size_t nr_frames;
    struct input *in;
    size_t nr_in;
    struct file_map *maps;
    size_t nr_maps;
};

/* The schema check: a schema_version replay reads, and a trace level that
 * recorded every table replay reads (its inputs and the outcomes it
 * compares), else -1 with one line in err. */
int  recorded_check_schema(struct sqlite3 *db, char *err, size_t errlen);
/* Read every input into r and every recorded outcome into c; -1 with one
 * line in err (not a complete trace, damaged, out of memory). */
int  recorded_load(struct sqlite3 *db, struct recorded *r, struct checker *c, char *err,
                   size_t errlen);
void recorded_free(struct recorded *r, struct checker *c);

#endif

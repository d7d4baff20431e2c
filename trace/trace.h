/*
 * trace.h — the SQLite trace of one run.  The only module that includes SQLite.
 *
 * One database per run.  trace_open() creates the schema (docs/TRACE_SCHEMA.md
 * documents every column) and opens one large transaction; rows are inserted
 * with prepared statements (translations, faults and snapshots, the most
 * numerous, TRACE_ROWS_PER_INSERT rows per statement) and committed every
 * TRACE_BATCH rows and at trace_close(); the file is in WAL mode while
 * written, so a kill at any moment leaves a valid database holding every
 * committed batch (schema.h).  The trace is a sink of the event stream (common/event.h):
 * trace_consume() hands each event to the trace's writer thread
 * (trace_queue.h), which maps each event type to its table, in the
 * stream's order, while the guest runs on; every other function first
 * waits for the writer to catch up.  Every row keeps the
 * event's `seq` (assigned by the stream: one global order over all event
 * tables, with gaps where an event has no row of its own, such as a syscall
 * enter), `cycle` and `cause`.
 *
 * Errors are returned, never printed: functions return 0 or -1 and keep a
 * one-line reason that trace_error() returns.  After the first failed insert
 * the trace stops recording, trace_failed() says so (the run loop stops the
 * guest: a run is recorded to be read) and trace_close() returns -1.
 */
#ifndef MEMSIM_TRACE_H
#define MEMSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "common/event.h"

struct trace;

/* ---- trace levels (level.c): which event tables are recorded ----
 * The run row, its inputs (run_inputs, exec_image, exec_segments), the
 * processes and the stats are recorded at every level, `none` included. */
enum trace_level_bits {
    TRACE_SYSCALLS  = 1u << 0,   /* syscalls, uaccess, file_maps */
    TRACE_FAULTS    = 1u << 1,   /* faults */
    TRACE_WALKS     = 1u << 2,   /* translations */
    TRACE_ALLOCS    = 1u << 3,   /* allocations */
    TRACE_VMAS      = 1u << 4,   /* vmas */
    TRACE_TLB       = 1u << 5,   /* tlb_flushes */
    TRACE_SEGMENTS  = 1u << 6,   /* segments */
    TRACE_SNAPSHOTS = 1u << 7,   /* snapshots */
    TRACE_ACCESSES  = 1u << 8,   /* the access stream */
};
#define TRACE_NR_LEVELS     9
#define TRACE_LEVEL_NONE    0u
#define TRACE_LEVEL_ALL     ((1u << TRACE_NR_LEVELS) - 1)
#define TRACE_LEVEL_DEFAULT (TRACE_LEVEL_ALL & ~TRACE_ACCESSES)
/* What replay reads: the inputs (syscalls, uaccess, file_maps; the guest's
 * faults) and the outcomes it compares (faults, allocations, vmas,
 * tlb_flushes, the walks of faults).  `accesses` brings these with it: the
 * stream's markers place each of their events among the accesses, and a
 * stream without them cannot be replayed. */
#define TRACE_LEVEL_REPLAY \
    (TRACE_SYSCALLS | TRACE_FAULTS | TRACE_WALKS | TRACE_ALLOCS | TRACE_VMAS | TRACE_TLB)
#define TRACE_LEVEL_NAMES \
    "syscalls, faults, walks, allocs, vmas, tlb, segments, snapshots, accesses, default, all, none"

/* "faults,syscalls" -> the union of its levels; 0, or -1 with one line in
 * err naming the word that is not a level. */
int  trace_level_parse(const char *list, uint32_t *mask, char *err, size_t errlen);
/* The canonical text of mask (runs.trace_level): "default", "all", "none",
 * else the levels in bit order, "syscalls,faults". */
void trace_level_text(uint32_t mask, char *buf, size_t len);

struct trace_run_info {
    const char *program;        /* path as given */
    const char *args;           /* argv joined with spaces */
    const char *sha256;         /* hex digest of the program file */
    const char *options;        /* the run's options, "key=value ..." */
    int64_t epoch;              /* the guest's boot time, seconds since 1970 */
    /* What a replay needs to start the same run (all may be 0/NULL). */
    uint64_t size;              /* bytes of the program file that ran */
    uint64_t ram;               /* --ram, bytes */
    const char *paging;         /* "2level", "pae" */
    const char *cpu;            /* --cpu preset name */
    uint64_t seed;              /* --seed */
    const char *root;           /* --root */
    const char *cpu_config;     /* --cpu-config path, or NULL */
    const char *replay_of;      /* `memsim replay --db`: the trace replayed; NULL */
    uint64_t hz;                /* the CPU's frequency (cpu.hz); 0: NULL */
    int argc;
    char *const *argv;          /* the guest's argv */
    char *const *envp;          /* its environment, NULL-terminated */
};

/* The guest's initial auxiliary vector (AT_* type/value pairs, as exec
 * built it), recorded in run_inputs after trace_begin_run(). */
int trace_auxv(struct trace *t, const uint32_t *pairs, size_t nr_pairs);

/* The loader's inputs (exec_image and exec_segments): what a replay needs
 * to build the same mm without the program file. */
#define TRACE_EXEC_SEGMENTS 16
struct trace_exec_segment {
    uint32_t vaddr, memsz, offset, filesz, prot;
};
struct trace_exec_info {
    const char *exe_path;       /* the file VMAs' name (/proc/self/exe) */
    uint32_t entry, phdr_vaddr, phentsize, phnum;
    uint32_t start_code, end_code, start_data, end_data;
    int exec_stack;
    uint32_t uid, gid;
    uint32_t max_map_count;     /* the mm's VMA limit (the engine's) */
    uint32_t pid;               /* the process that exec'd (exec_image.pid; 0: NULL) */
    /* what a replay needs to build the same image (schema 11): the name it
     * was run by (AT_EXECFN), its argument and environment strings (NULL-
     * terminated; stored NUL-separated), and the file: its size and
     * identity (dev, ino: 0, 0 for the first program, in no inode cache) */
    const char *execfn;
    char *const *argv, *const *envp;
    uint64_t size, dev, ino;
    unsigned nr_segments;
    struct trace_exec_segment seg[TRACE_EXEC_SEGMENTS];
    /* schema 12: an ET_DYN (its vaddrs are relative: load_bias is where
     * the loader put it), and the interpreter it named (path NULL: none),
     * its segments (exec_segments.image 'interpreter') and its base */
    int dyn;
    uint32_t align, load_bias;
    struct trace_exec_interp {
        const char *path;
        uint32_t entry, base;
        int dyn;
        uint64_t size, dev, ino;
        unsigned nr_segments;
        struct trace_exec_segment seg[TRACE_EXEC_SEGMENTS];
    } interp;
};
int trace_exec(struct trace *t, const struct trace_exec_info *info);

struct trace_run_totals {
    uint64_t instructions;
    uint64_t cycles;
    int      exit_status;       /* as the shell sees it: code, or 128+signal */
    const char *exit_reason;    /* "exit", "SIGSEGV", "OOM", ... */
    double   wall_seconds;
};

/* A file the run reads (the program, --cpu-config, a regular file on a
 * standard stream): a trace path naming it is refused. */
struct trace_input {
    const char *what;           /* "the program", "--cpu-config", ... */
    dev_t dev;
    ino_t ino;
};

/* Open (create) the trace at path and own it: the file at path is locked
 * (flock) until trace_close(), so a second run on the same path is refused
 * ("in use by another memsim run").  A previous trace at path is first
 * renamed to path + ".old" (replacing an older .old).  A file at path or
 * path.old that is neither empty nor a memsim trace is never replaced: the
 * open is refused.  Returns NULL with a reason in err. */
struct trace *trace_open(const char *path, char *err, size_t errlen);

/* Every check trace_open() makes, without changing any file (trace_file.c):
 * path, path.old and path-journal are none of the n inputs, path and
 * path.old are absent, empty or memsim traces (regular files), path is not
 * held by another run, and its directory exists and is writable.  0, or -1
 * with the reason in err. */
int trace_path_check(const char *path, const struct trace_input *inputs, size_t n,
                     char *err, size_t errlen);

/* The levels t records (TRACE_LEVEL_DEFAULT from trace_open on); set it
 * before trace_begin_run(), which records it in runs.trace_level. */
void trace_set_level(struct trace *t, uint32_t mask);
int  trace_begin_run(struct trace *t, const struct trace_run_info *info);
/* The event-stream sink (ctx is the struct trace): one row per walk, fault,
 * allocation/free, VMA change, syscall exit, TLB flush, segment check and
 * user-memory access (uaccess), of the types whose level t records (a
 * mask test; the stream and its other sinks are unaffected); the other
 * types have no table.  The row is written later, on the writer thread:
 * the strings of alloc, syscall and snapshot events must be static names,
 * the others' are copied (trace_queue.h). */
void trace_consume(void *ctx, const struct event *ev);
/* 1 once t has stopped recording (a write failed: disk full ...); cheap,
 * any moment (it does not wait for the writer).  0 for NULL. */
int  trace_failed(const struct trace *t);
int  trace_end_run(struct trace *t, const struct trace_run_totals *totals);
/* One counter of the run for process pid (the `stats` table: integers;
 * a name once per pid). */
int  trace_stat(struct trace *t, uint32_t pid, const char *name, uint64_t value);
/* COMMIT what t holds now and open the next batch: what a kill after this
 * keeps (the runs row at the start; the last batch before counting rows).
 * 0, or -1 when the trace failed (trace_error). */
int  trace_commit(struct trace *t);
/* Commit, close and free t (t may be NULL).  Returns 0, or -1 with the
 * first failure's reason in err (the trace was incomplete or unwritable),
 * followed by how many event rows the file keeps. */
int  trace_close(struct trace *t, char *err, size_t errlen);
const char *trace_error(struct trace *t);
/* Event rows committed: rows a failed COMMIT lost, and rows still queued
 * for a multi-row insert, are never counted (trace_commit() writes and
 * commits the queued ones). */
uint64_t trace_rows(struct trace *t);

/* `memsim query DB SQL`: run SQL read-only against DB and print the result
 * as an aligned table with a header (or CSV when csv != 0) to out.  DB must
 * be a regular file (checked before SQLite opens it: a FIFO cannot block
 * the query); it is opened SQLITE_OPEN_READONLY, a statement that is not
 * read-only (sqlite3_stmt_readonly: VACUUM INTO, writes, PRAGMAs that set)
 * is refused and ATTACH is disabled, so a query creates no file.
 * Returns 0, or -1 with a reason in err (no such file, SQL error). */
int trace_query(const char *db_path, const char *sql, int csv, FILE *out,
                char *err, size_t errlen);

/* SHA-256 of a file as 64 hex chars + NUL.  Returns 0 or -1. */
int sha256_file(const char *path, char hex[65]);
/* SHA-256 of len bytes at data, as 64 hex chars + NUL. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif

/*
 * trace_priv.h — the trace writer's state, shared by trace.c (open, the
 * queue to the writer thread, commit, close), trace_rows.c (the event rows,
 * on the writer thread) and trace_run.c (the run row, its inputs, stats).
 * Not part of the public contract (trace.h).
 *
 * Threads: trace_consume() queues events (trace_queue.h); everything else
 * runs on the caller's thread after trace_queue_sync(), so the database
 * and every field here belong to one thread at a time.  `failed` alone is
 * read across threads (trace_consume, trace_failed), so it is atomic.
 */
#ifndef MEMSIM_TRACE_PRIV_H
#define MEMSIM_TRACE_PRIV_H

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include "trace/trace.h"
#include "trace/trace_queue.h"

enum {
    ST_WALK, ST_FAULT, ST_ALLOC, ST_VMA, ST_SYSCALL, ST_SEGMENT, ST_FLUSH,
    ST_UACCESS, ST_FILE_MAP, ST_SNAPSHOT, ST_PROC_FILE, ST_PAGE_CACHE, ST_SWITCH, ST_SIGFRAME, ST_TIMER, ST_PROCESS, ST_PROCESS_EXIT, ST_EXEC, ST_EXEC_SEG, ST_STAT, ST_RUN_INSERT, ST_RUN_UPDATE, ST_INPUT, ST_ACCESS, ST_BEGIN, ST_COMMIT,
    ST_WALK_N, ST_SNAPSHOT_N, ST_FAULT_N,   /* TRACE_ROWS_PER_INSERT rows in one INSERT */
    ST_COUNT
};

/* Rows of the most numerous tables (translations, faults, snapshots) wait here
 * and are inserted TRACE_ROWS_PER_INSERT at a time by one multi-row INSERT:
 * one statement execution (cursor open, seek, halt) for that many rows.
 * Their strings are static names, so a copy of the event is enough. */
#define TRACE_ROWS_PER_INSERT 16
struct trace_rowbuf {
    unsigned n;
    struct event ev[TRACE_ROWS_PER_INSERT];
};

struct trace {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    uint64_t rows;              /* event rows committed: what a kill keeps */
    uint32_t pending;           /* event rows inserted since the last COMMIT */
    struct trace_rowbuf walks, faults, snaps;   /* queued rows, not yet inserted */
    atomic_int failed;          /* an insert failed: recording stopped */
    uint32_t level;             /* trace_level_bits recorded, | TRACE_LEVEL_ALWAYS */
    sqlite3_int64 run_id;       /* 0 until trace_begin_run */
    struct trace_queue *q;      /* to the writer thread; NULL before it starts */
    struct replay_log *rlog;    /* the rows replay reads, compact (replay_log.h); NULL: none */
    char *path;
    int lock_fd;                /* flock on the file at path: this run owns it */
    char err[512];
};

/* The pseudo-level of the rows every trace records (processes). */
#define TRACE_LEVEL_ALWAYS (1u << 31)

/* Insert the queued rows (trace_rowbuf): before the run's totals are read
 * and before the trace closes. */
void trace_flush_rows(struct trace *t);

/* ev's row and its replay-log record (trace_rows.c; the writer thread's
 * callback, trace_write_fn). */
void trace_write_event(void *ctx, const struct event *ev);

/* COMMIT the batch (and BEGIN the next when reopen); rows are counted here. */
int trace_commit_batch(struct trace *t, int reopen);

/* Every event queued so far written: the caller's thread owns the trace. */
static inline void trace_sync(struct trace *t)
{
    if (t)
        trace_queue_sync(t->q);
}

/* Record the first failure (later calls keep the original reason) and
 * stop recording. */
void trace_fail(struct trace *t, const char *what, const char *why);

static inline void bind_u64(sqlite3_stmt *s, int i, uint64_t v)
{
    sqlite3_bind_int64(s, i, (sqlite3_int64)v);
}

static inline void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

#endif

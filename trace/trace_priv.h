/*
 * trace_priv.h — the trace writer's state, shared by trace.c (open, event
 * rows, close) and trace_run.c (the run row, its inputs, stats).  Not part
 * of the public contract (trace.h).
 */
#ifndef MEMSIM_TRACE_PRIV_H
#define MEMSIM_TRACE_PRIV_H

#include <sqlite3.h>
#include <stdint.h>
#include "trace/trace.h"

enum {
    ST_WALK, ST_FAULT, ST_ALLOC, ST_VMA, ST_SYSCALL, ST_SEGMENT, ST_FLUSH,
    ST_UACCESS, ST_FILE_MAP, ST_SNAPSHOT, ST_PROCESS, ST_PROCESS_EXIT, ST_EXEC, ST_EXEC_SEG, ST_STAT, ST_RUN_INSERT, ST_RUN_UPDATE, ST_INPUT, ST_ACCESS, ST_BEGIN, ST_COMMIT,
    ST_COUNT
};

struct trace {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    uint64_t rows;              /* event rows committed: what a kill keeps */
    uint32_t pending;           /* event rows inserted since the last COMMIT */
    int failed;                 /* an insert failed: recording stopped */
    uint32_t level;             /* trace_level_bits recorded, | TRACE_LEVEL_ALWAYS */
    sqlite3_int64 run_id;       /* 0 until trace_begin_run */
    struct replay_log *rlog;    /* the rows replay reads, compact (replay_log.h); NULL: none */
    char *path;
    int lock_fd;                /* flock on the file at path: this run owns it */
    char err[512];
};

/* The pseudo-level of the rows every trace records (processes). */
#define TRACE_LEVEL_ALWAYS (1u << 31)

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

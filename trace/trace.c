/*
 * trace.c — the SQLite trace writer: open and schema, prepared inserts,
 * the writer thread, batched transactions and close (the event rows:
 * trace_rows.c; the run's own rows: trace_run.c).  A sink of the event
 * stream: trace_consume() filters by level and queues the event for the
 * writer thread (trace_queue.h), so the guest's thread pays a copy, not a
 * row.
 *
 * trace_close() frees the trace, so it hands its failure reason back in the
 * caller's buffer.
 */
#include "common/errmsg.h"
#include "trace/trace.h"
#include "mmu/mmu_events.h"
#include "mmu/segment.h"
#include "trace/replay_log.h"
#include "trace/schema.h"
#include "trace/trace_file.h"
#include "trace/trace_priv.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const stmt_sql[ST_COUNT] = {
    [ST_WALK]       = TRACE_INSERT_WALK,
    [ST_FAULT]      = TRACE_INSERT_FAULT,
    [ST_ALLOC]      = TRACE_INSERT_ALLOC,
    [ST_VMA]        = TRACE_INSERT_VMA,
    [ST_SYSCALL]    = TRACE_INSERT_SYSCALL,
    [ST_SEGMENT]    = TRACE_INSERT_SEGMENT,
    [ST_FLUSH]      = TRACE_INSERT_FLUSH,
    [ST_UACCESS]    = TRACE_INSERT_UACCESS,
    [ST_FILE_MAP]   = TRACE_INSERT_FILE_MAP,
    [ST_PAGE_CACHE] = TRACE_INSERT_PAGE_CACHE,
    [ST_SWITCH]     = TRACE_INSERT_SWITCH,
    [ST_SIGFRAME]     = TRACE_INSERT_SIGFRAME,
    [ST_TIMER]      = TRACE_INSERT_TIMER,
    [ST_SNAPSHOT]   = TRACE_INSERT_SNAPSHOT,
    [ST_PROC_FILE]  = TRACE_INSERT_PROC_FILE,
    [ST_PROCESS]    = TRACE_INSERT_PROCESS,
    [ST_PROCESS_EXIT] = TRACE_EXIT_PROCESS,
    [ST_EXEC]       = TRACE_INSERT_EXEC,
    [ST_EXEC_SEG]   = TRACE_INSERT_EXEC_SEG,
    [ST_STAT]       = TRACE_INSERT_STAT,
    [ST_RUN_INSERT] = TRACE_INSERT_RUN,
    [ST_RUN_UPDATE] = TRACE_UPDATE_RUN,
    [ST_INPUT]      = TRACE_INSERT_INPUT,
    [ST_ACCESS]     = TRACE_INSERT_ACCESS,
    [ST_BEGIN]      = "BEGIN",
    [ST_COMMIT]     = "COMMIT",
};

/* First failure wins: later calls keep the original reason. */
void trace_fail(struct trace *t, const char *what, const char *why)
{
    if (!t->failed)
        set_err(t->err, sizeof t->err, "%s trace '%s': %s", what, t->path, why);
    t->failed = 1;
}

/* ---- open / close -------------------------------------------------- */

/* one's "INSERT INTO T VALUES(?,...,?)" with its tuple n times. */
static char *multi_row_sql(const char *one, unsigned n)
{
    const char *tuple = strstr(one, "VALUES") + strlen("VALUES");
    size_t head = strlen(one), len = strlen(tuple);
    char *sql = malloc(head + (n - 1) * (len + 1) + 1);
    if (!sql)
        return NULL;
    char *p = sql + sprintf(sql, "%s", one);
    for (unsigned i = 1; i < n; i++)
        p += sprintf(p, ",%s", tuple);
    return sql;
}

static int prepare(struct trace *t, int i)
{
    static const int multi_of[ST_COUNT] = { [ST_WALK_N] = ST_WALK, [ST_SNAPSHOT_N] = ST_SNAPSHOT,
                                            [ST_FAULT_N] = ST_FAULT };
    char *sql = stmt_sql[i] ? NULL : multi_row_sql(stmt_sql[multi_of[i]], TRACE_ROWS_PER_INSERT);
    int rc = sqlite3_prepare_v3(t->db, sql ? sql : stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                &t->st[i], NULL);
    free(sql);
    return rc;
}

static int setup_db(struct trace *t)
{
    char *msg = NULL;
    if (sqlite3_exec(t->db, TRACE_PRAGMAS TRACE_SCHEMA TRACE_INDEXES_SQL, NULL, NULL, &msg) != SQLITE_OK) {
        trace_fail(t, "cannot create", msg ? msg : sqlite3_errmsg(t->db));
        sqlite3_free(msg);
        return -1;
    }
    for (int i = 0; i < ST_COUNT; i++) {
        if (prepare(t, i) != SQLITE_OK) {
            trace_fail(t, "cannot create", sqlite3_errmsg(t->db));
            return -1;
        }
    }
    int rc = sqlite3_step(t->st[ST_BEGIN]);
    sqlite3_reset(t->st[ST_BEGIN]);
    if (rc != SQLITE_DONE) {
        trace_fail(t, "cannot create", sqlite3_errmsg(t->db));
        return -1;
    }
    char why[256];
    if (!(t->rlog = replay_log_open(t->db, why, sizeof why))) {
        trace_fail(t, "cannot create", why);
        return -1;
    }
    return 0;
}

static void free_trace(struct trace *t)
{
    trace_queue_stop(t->q);
    replay_log_free(t->rlog);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(t->st[i]);
    sqlite3_close_v2(t->db);
    if (t->lock_fd >= 0)
        close(t->lock_fd);      /* after SQLite let go: closing releases the lock */
    free(t->path);
    free(t);
}

struct trace *trace_open(const char *path, char *err, size_t errlen)
{
    int lock_fd;
    if (trace_path_check(path, NULL, 0, err, errlen) != 0 ||
        trace_lock_path(path, &lock_fd, err, errlen) != 0)
        return NULL;
    struct trace *t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path))) {
        free(t);
        close(lock_fd);
        set_err(err, errlen, "cannot create trace '%s': out of memory", path);
        return NULL;
    }
    t->lock_fd = lock_fd;
    t->level = TRACE_LEVEL_DEFAULT | TRACE_LEVEL_ALWAYS;
    int rc = sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READWRITE |
                             SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        trace_fail(t, "cannot create", t->db ? sqlite3_errmsg(t->db) : sqlite3_errstr(rc));
    else if (setup_db(t) == 0 && !(t->q = trace_queue_start(trace_write_event, t, t->err,
                                                             sizeof t->err)))
        t->failed = 1;
    if (t->failed) {
        set_err(err, errlen, "%s", t->err);
        free_trace(t);
        return NULL;
    }
    return t;
}

int trace_close(struct trace *t, char *err, size_t errlen)
{
    if (!t)
        return 0;
    trace_queue_stop(t->q);             /* every queued event written, the thread ended */
    t->q = NULL;
    trace_flush_rows(t);
    /* Derived data: a log that could not be completed is dropped, and a
     * replay reads the rows. */
    if (t->db && !t->failed && replay_log_finish(t->rlog))
        sqlite3_exec(t->db, "DELETE FROM replay_log", NULL, NULL, NULL);
    replay_log_free(t->rlog);
    t->rlog = NULL;
    if (t->db && !sqlite3_get_autocommit(t->db) && trace_commit_batch(t, 0) != 0) {
        /* Committed even after a failure: the rows before it are worth keeping. */
        if (!sqlite3_get_autocommit(t->db))
            sqlite3_exec(t->db, "ROLLBACK", NULL, NULL, NULL);
        t->pending = 0;
    }
    /* The WAL folded into the file (schema.h); when that fails (disk full)
     * the file is still valid with its -wal beside it. */
    if (t->db && sqlite3_exec(t->db, TRACE_CLOSE_JOURNAL, NULL, NULL, NULL) != SQLITE_OK)
        trace_fail(t, "cannot write", sqlite3_errmsg(t->db));
    for (int i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(t->st[i]);
        t->st[i] = NULL;
    }
    if (t->db && sqlite3_close(t->db) != SQLITE_OK) {
        trace_fail(t, "cannot close", sqlite3_errmsg(t->db));
        sqlite3_close_v2(t->db);
    }
    t->db = NULL;
    int failed = t->failed;
    if (err && errlen && failed)
        snprintf(err, errlen, "%s (the trace keeps the %llu event rows committed before it)",
                 t->err, (unsigned long long)t->rows);
    else if (err && errlen)
        err[0] = '\0';
    free_trace(t);
    return failed ? -1 : 0;
}

const char *trace_error(struct trace *t)
{
    trace_sync(t);
    return t ? t->err : "";
}

uint64_t trace_rows(struct trace *t)
{
    trace_sync(t);
    return t ? t->rows : 0;
}

int trace_failed(const struct trace *t)
{
    return t && t->failed;
}


/*
 * Rows are counted when their COMMIT succeeds, not when inserted, so that a
 * count reported (trace_rows, --summary) never includes rows a failed
 * COMMIT lost.  A COMMIT that fails may leave its transaction open (SQLite
 * keeps it after SQLITE_FULL, to be retried): its rows stay pending, for
 * trace_close()'s last COMMIT to keep or lose.
 */
int trace_commit_batch(struct trace *t, int reopen)
{
    int rc = sqlite3_step(t->st[ST_COMMIT]);
    sqlite3_reset(t->st[ST_COMMIT]);
    if (rc == SQLITE_DONE) {
        t->rows += t->pending;
        t->pending = 0;
        if (reopen) {
            rc = sqlite3_step(t->st[ST_BEGIN]);
            sqlite3_reset(t->st[ST_BEGIN]);
        }
    } else if (sqlite3_get_autocommit(t->db)) {
        t->pending = 0;                 /* rolled back: lost */
    }
    if (rc != SQLITE_DONE) {
        trace_fail(t, "cannot write", sqlite3_errmsg(t->db));
        return -1;
    }
    return 0;
}

int trace_commit(struct trace *t)
{
    trace_sync(t);
    if (!t || t->failed)
        return -1;
    trace_flush_rows(t);                /* the queued rows go in this batch */
    return t->failed ? -1 : trace_commit_batch(t, 1);
}


void trace_set_level(struct trace *t, uint32_t mask)
{
    if (t)
        t->level = (mask & TRACE_LEVEL_ALL) | TRACE_LEVEL_ALWAYS;
}

/* The level whose bit records each event type's rows (0: no table). */
static const uint32_t type_level[EV_NR_TYPES] = {
    [EV_WALK] = TRACE_WALKS, [EV_FAULT] = TRACE_FAULTS, [EV_ALLOC] = TRACE_ALLOCS,
    [EV_FREE] = TRACE_ALLOCS, [EV_VMA] = TRACE_VMAS, [EV_SYSCALL_EXIT] = TRACE_SYSCALLS,
    [EV_SEGMENT] = TRACE_SEGMENTS, [EV_TLB_FLUSH] = TRACE_TLB, [EV_UACCESS] = TRACE_SYSCALLS,
    [EV_FILE_MAP] = TRACE_SYSCALLS, [EV_SNAPSHOT] = TRACE_SNAPSHOTS, [EV_PROCESS_START] = TRACE_LEVEL_ALWAYS,
    [EV_PROCESS_EXIT] = TRACE_LEVEL_ALWAYS, [EV_PROC_FILE] = TRACE_LEVEL_ALWAYS,
    [EV_PAGE_CACHE] = TRACE_ALLOCS, [EV_SCHED_SWITCH] = TRACE_LEVEL_ALWAYS,
    [EV_SIGNAL_FRAME] = TRACE_SYSCALLS, [EV_TIMER_FIRE] = TRACE_SYSCALLS,
};

void trace_consume(void *ctx, const struct event *ev)
{
    struct trace *t = ctx;
    if ((unsigned)ev->type >= EV_NR_TYPES || !(t->level & type_level[ev->type]) || t->failed)
        return;
    trace_queue_put(t->q, ev);
}

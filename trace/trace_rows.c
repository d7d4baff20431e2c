/*
 * trace_rows.c — the writer thread's side of the trace: each event into its
 * table's row (enums into the strings the tables have always held), the
 * queued multi-row inserts of the most numerous tables, and the replay log.
 * Runs on the writer thread (trace_queue.h), or on the emulator's thread
 * while the writer is idle.
 *
 * One row is one sqlite3_reset + binds + sqlite3_step on a statement
 * prepared at open.  Strings are bound SQLITE_STATIC: the event (or its
 * copy in the queue) lives until the row is stepped.
 */
#include "mmu/mmu_events.h"
#include "mmu/segment.h"
#include "trace/replay_log.h"
#include "trace/schema.h"
#include "trace/trace_priv.h"

#include <sqlite3.h>
#include <string.h>

/* ---- rows ---------------------------------------------------------- */

static const char *access_name(uint8_t a)
{
    switch (a) {
    case MMU_READ:  return "read";
    case MMU_WRITE: return "write";
    case MMU_FETCH: return "fetch";
    default:        return NULL;
    }
}

/* Each event table's column count before `cause` (which comes next). */
enum {
    COLS_WALK = 16, COLS_FAULT = 10, COLS_ALLOC = 8, COLS_VMA = 10,
    COLS_SYSCALL = 12, COLS_SEGMENT = 14, COLS_FLUSH = 6, COLS_UACCESS = 8, COLS_FILE_MAP = 10,
    COLS_PROC_FILE = 5,
    COLS_PAGE_CACHE = 7, COLS_SWITCH = 10, COLS_SIGFRAME = 10, COLS_TIMER = 5,
};

/* The statement for ev's row with seq, cycle and cause bound, or NULL when
 * the trace has stopped recording. */
static sqlite3_stmt *row_begin(struct trace *t, int which, int cols, const struct event *ev)
{
    if (!t || t->failed)
        return NULL;
    sqlite3_stmt *s = t->st[which];
    bind_u64(s, 1, ev->seq);
    bind_u64(s, 2, ev->cycle);
    bind_u64(s, cols + 1, ev->cause);
    return s;
}

/* Step s, which inserts n rows. */
static void rows_finish(struct trace *t, sqlite3_stmt *s, unsigned n)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        trace_fail(t, "cannot write", sqlite3_errmsg(t->db));
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return;
    t->pending += n;
    if (t->pending >= TRACE_BATCH)
        trace_commit_batch(t, 1);
}

static void row_finish(struct trace *t, sqlite3_stmt *s)
{
    rows_finish(t, s, 1);
}

/* ---- queued rows (struct trace_rowbuf) ------------------------------ */

typedef void bind_row_fn(sqlite3_stmt *s, int o, const struct event *e);

/* Insert b's rows: a full buffer with the multi-row statement, a partial
 * one (the end of the run) row by row — and so is a full one that would
 * carry the batch past TRACE_BATCH, so every batch is exactly TRACE_BATCH
 * rows (a killed trace holds the run-start commit and whole batches). */
static void rowbuf_flush(struct trace *t, struct trace_rowbuf *b, int one, int many,
                         int cols, bind_row_fn *bind)
{
    unsigned n = b->n;
    b->n = 0;
    if (t->failed || !n)
        return;
    if (n == TRACE_ROWS_PER_INSERT && t->pending + n <= TRACE_BATCH) {
        for (unsigned r = 0; r < n; r++)
            bind(t->st[many], (int)r * cols, &b->ev[r]);
        rows_finish(t, t->st[many], n);
        return;
    }
    for (unsigned r = 0; r < n && !t->failed; r++) {
        bind(t->st[one], 0, &b->ev[r]);
        rows_finish(t, t->st[one], 1);
    }
}

/* Columns of a translations, a faults and a snapshots row. */
enum { WALK_NCOLS = 17, FAULT_NCOLS = 12, SNAPSHOT_NCOLS = 8 };

static void bind_walk(sqlite3_stmt *s, int o, const struct event *e);
static void bind_fault(sqlite3_stmt *s, int o, const struct event *e);
static void bind_snapshot(sqlite3_stmt *s, int o, const struct event *e);

static void flush_faults(struct trace *t)
{
    rowbuf_flush(t, &t->faults, ST_FAULT, ST_FAULT_N, FAULT_NCOLS, bind_fault);
}

static void flush_walks(struct trace *t)
{
    rowbuf_flush(t, &t->walks, ST_WALK, ST_WALK_N, WALK_NCOLS, bind_walk);
}

static void flush_snapshots(struct trace *t)
{
    rowbuf_flush(t, &t->snaps, ST_SNAPSHOT, ST_SNAPSHOT_N, SNAPSHOT_NCOLS, bind_snapshot);
}

void trace_flush_rows(struct trace *t)
{
    if (!t)
        return;
    flush_walks(t);
    flush_faults(t);
    flush_snapshots(t);
}

/* Queue e's row in b; 1 when it will be a row (the trace still records). */
static int rowbuf_add(struct trace *t, struct trace_rowbuf *b, const struct event *e,
                      void (*flush)(struct trace *))
{
    if (!t || t->failed)
        return 0;
    b->ev[b->n++] = *e;
    if (b->n == TRACE_ROWS_PER_INSERT)
        flush(t);
    return 1;
}

/* e's translations row into s at parameter offset o. */
static void bind_walk(sqlite3_stmt *s, int o, const struct event *e)
{
    const struct walk_event *ev = &e->u.walk;
    unsigned n = ev->levels < WALK_MAX_LEVELS ? ev->levels : WALK_MAX_LEVELS;
    bind_u64(s, o + 1, e->seq);
    bind_u64(s, o + 2, e->cycle);
    bind_u64(s, o + 3, e->pid);
    bind_u64(s, o + 4, ev->vaddr);
    bind_text(s, o + 5, access_name(ev->access));
    bind_u64(s, o + 6, ev->user);
    bind_u64(s, o + 7, ev->levels);
    for (unsigned i = 0; i < WALK_MAX_LEVELS; i++) {
        if (i < n) {
            bind_u64(s, o + 8 + 2 * (int)i, ev->entry_addr[i]);
            bind_u64(s, o + 9 + 2 * (int)i, ev->entry_val[i]);
        } else {
            sqlite3_bind_null(s, o + 8 + 2 * (int)i);
            sqlite3_bind_null(s, o + 9 + 2 * (int)i);
        }
    }
    if (ev->fault) {
        sqlite3_bind_null(s, o + 14);
        sqlite3_bind_text(s, o + 15, "fault", 5, SQLITE_STATIC);
        bind_u64(s, o + 16, ev->error_code);
    } else {
        bind_u64(s, o + 14, ev->paddr);
        sqlite3_bind_text(s, o + 15, "ok", 2, SQLITE_STATIC);
        sqlite3_bind_null(s, o + 16);
    }
    bind_u64(s, o + COLS_WALK + 1, e->cause);
}

static int row_walk(struct trace *t, const struct event *e)
{
    return rowbuf_add(t, &t->walks, e, flush_walks);
}

/* e's faults row into s at parameter offset o (its strings are names). */
static void bind_fault(sqlite3_stmt *s, int o, const struct event *e)
{
    const struct fault_event *ev = &e->u.fault;
    bind_u64(s, o + 1, e->seq);
    bind_u64(s, o + 2, e->cycle);
    bind_u64(s, o + 3, e->pid);
    bind_u64(s, o + 4, ev->eip);
    bind_u64(s, o + 5, ev->address);
    bind_u64(s, o + 6, ev->error_code);
    bind_text(s, o + 7, access_name(ev->access));
    bind_text(s, o + 8, fault_kind_name((enum fault_kind)ev->kind));
    bind_text(s, o + 9, fault_resolution_name((enum fault_resolution)ev->resolution));
    if (ev->pfn == UINT32_MAX)
        sqlite3_bind_null(s, o + 10);
    else
        bind_u64(s, o + 10, ev->pfn);
    bind_u64(s, o + COLS_FAULT + 1, e->cause);
    bind_u64(s, o + COLS_FAULT + 2, ev->begin_seq);
}

static int row_fault(struct trace *t, const struct event *e)
{
    return rowbuf_add(t, &t->faults, e, flush_faults);
}

static void row_alloc(struct trace *t, const struct event *e)
{
    const struct alloc_event *ev = &e->u.alloc;
    sqlite3_stmt *s = row_begin(t, ST_ALLOC, COLS_ALLOC, e);
    if (!s)
        return;
    bind_text(s, 3, alloc_allocator_name((enum alloc_allocator)ev->allocator));
    bind_text(s, 4, alloc_op_name((enum alloc_op)ev->op));
    bind_u64(s, 5, ev->order);
    bind_u64(s, 6, ev->pfn);
    bind_text(s, 7, ev->zone);
    bind_text(s, 8, ev->purpose);
    if (ev->addr)                       /* a slab object or bootmem range */
        bind_u64(s, 10, ev->addr);
    else
        sqlite3_bind_null(s, 10);
    if (ev->gfp)
        bind_text(s, 11, ev->gfp);
    else
        sqlite3_bind_null(s, 11);
    row_finish(t, s);
}

static void row_vma(struct trace *t, const struct event *e)
{
    const struct vma_event *ev = &e->u.vma;
    sqlite3_stmt *s = row_begin(t, ST_VMA, COLS_VMA, e);
    if (!s)
        return;
    /* PROT_READ/WRITE/EXEC are 1/2/4 on i386 Linux, as on the host. */
    char prot[4] = {
        ev->prot & 1 ? 'r' : '-', ev->prot & 2 ? 'w' : '-',
        ev->prot & 4 ? 'x' : '-', '\0',
    };
    bind_u64(s, 3, e->pid);
    bind_text(s, 4, vma_op_name((enum vma_op)ev->op));
    bind_u64(s, 5, ev->start);
    bind_u64(s, 6, ev->end);
    bind_u64(s, 7, ev->prot);
    bind_text(s, 8, prot);
    bind_u64(s, 9, ev->flags);
    bind_text(s, 10, ev->name);
    row_finish(t, s);
}

static void row_syscall(struct trace *t, const struct event *e)
{
    const struct syscall_event *ev = &e->u.syscall;
    sqlite3_stmt *s = row_begin(t, ST_SYSCALL, COLS_SYSCALL, e);
    if (!s)
        return;
    bind_u64(s, 3, e->pid);
    bind_u64(s, 4, ev->nr);
    bind_text(s, 5, ev->name);
    for (int i = 0; i < 6; i++)
        bind_u64(s, 6 + i, ev->args[i]);
    sqlite3_bind_int64(s, 12, ev->ret);
    bind_u64(s, COLS_SYSCALL + 2, ev->enter_seq);
    row_finish(t, s);
}

static void row_segment(struct trace *t, const struct event *e)
{
    static const char *const results[] = { "ok", "#GP", "#SS", "#NP" };
    const struct seg_event *ev = &e->u.seg;
    sqlite3_stmt *s = row_begin(t, ST_SEGMENT, COLS_SEGMENT, e);
    if (!s)
        return;
    bind_u64(s, 3, e->pid);
    bind_u64(s, 4, ev->eip);
    bind_text(s, 5, seg_reg_name(ev->seg));
    bind_u64(s, 6, ev->selector);
    bind_u64(s, 7, ev->offset);
    bind_u64(s, 8, ev->size);
    bind_u64(s, 9, ev->linear);
    bind_u64(s, 10, ev->base);
    bind_u64(s, 11, ev->limit);
    bind_text(s, 12, ev->access == 1 ? "write" : ev->access == 2 ? "fetch" : "read");
    bind_text(s, 13, ev->fault < 4 ? results[ev->fault] : "?");
    if (ev->fault)
        bind_u64(s, 14, ev->error_code);
    else
        sqlite3_bind_null(s, 14);
    row_finish(t, s);
}

static void row_flush(struct trace *t, const struct event *e)
{
    const struct flush_event *ev = &e->u.flush;
    sqlite3_stmt *s = row_begin(t, ST_FLUSH, COLS_FLUSH, e);
    if (!s)
        return;
    bind_u64(s, 3, e->pid);
    bind_text(s, 4, flush_kind_name((enum flush_kind)ev->kind));
    if (ev->kind == FLUSH_INVLPG)
        bind_u64(s, 5, ev->vaddr);
    else
        sqlite3_bind_null(s, 5);
    bind_u64(s, 6, ev->cr3);
    row_finish(t, s);
}

static void row_uaccess(struct trace *t, const struct event *e)
{
    const struct uaccess_event *ev = &e->u.uaccess;
    sqlite3_stmt *s = row_begin(t, ST_UACCESS, COLS_UACCESS, e);
    if (!s)
        return;
    bind_u64(s, 3, e->pid);
    bind_text(s, 4, uaccess_dir_name((enum uaccess_dir)ev->dir));
    bind_u64(s, 5, ev->addr);
    bind_u64(s, 6, ev->len);
    sqlite3_bind_int(s, 7, ev->result);
    if (ev->data)
        sqlite3_bind_blob(s, 8, ev->data, (int)ev->len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 8);
    row_finish(t, s);
}

static void row_file_map(struct trace *t, const struct event *e)
{
    const struct file_map_event *ev = &e->u.file_map;
    sqlite3_stmt *s = row_begin(t, ST_FILE_MAP, COLS_FILE_MAP, e);
    if (!s)
        return;
    bind_u64(s, 3, e->pid);
    bind_u64(s, 4, ev->fd);
    sqlite3_bind_int(s, 5, ev->result);
    bind_u64(s, 6, ev->f_mode);
    if (ev->path) {
        bind_text(s, 7, ev->path);
        bind_u64(s, 8, ev->size);
        bind_u64(s, 9, ev->dev);
        bind_u64(s, 10, ev->ino);
    } else {
        for (int i = 7; i <= 10; i++)
            sqlite3_bind_null(s, i);
    }
    row_finish(t, s);
}

static void row_proc_file(struct trace *t, const struct event *e)
{
    const struct proc_file_event *ev = &e->u.proc_file;
    sqlite3_stmt *s = row_begin(t, ST_PROC_FILE, COLS_PROC_FILE, e);
    if (!s)
        return;
    if (e->pid)
        bind_u64(s, 3, e->pid);
    else
        sqlite3_bind_null(s, 3);
    bind_text(s, 4, ev->name);
    sqlite3_bind_blob(s, 5, ev->len ? (const void *)ev->data : "", (int)ev->len, SQLITE_STATIC);
    row_finish(t, s);
}

static void row_page_cache(struct trace *t, const struct event *e)
{
    const struct page_cache_event *ev = &e->u.page_cache;
    sqlite3_stmt *s = row_begin(t, ST_PAGE_CACHE, COLS_PAGE_CACHE, e);
    if (!s)
        return;
    bind_text(s, 3, pagecache_op_name((enum pagecache_op)ev->op));
    bind_u64(s, 4, ev->dev);
    bind_u64(s, 5, ev->ino);
    bind_u64(s, 6, ev->index);
    bind_u64(s, 7, ev->pfn);
    row_finish(t, s);
}

static void row_switch(struct trace *t, const struct event *e)
{
    const struct sched_switch_event *ev = &e->u.sched;
    sqlite3_stmt *s = row_begin(t, ST_SWITCH, COLS_SWITCH, e);
    if (!s)
        return;
    bind_u64(s, 3, ev->prev_pid);
    bind_u64(s, 4, ev->prev_tid);
    bind_u64(s, 5, ev->next_pid);
    bind_u64(s, 6, ev->next_tid);
    bind_text(s, 7, switch_reason_name((enum switch_reason)ev->reason));
    if (ev->wait)
        bind_text(s, 8, ev->wait);
    else
        sqlite3_bind_null(s, 8);
    bind_u64(s, 9, ev->cr3_write);
    bind_u64(s, 10, ev->cr3);
    row_finish(t, s);
}

static void row_signal(struct trace *t, const struct event *e)
{
    const struct signal_frame_event *ev = &e->u.signal;
    sqlite3_stmt *s = row_begin(t, ST_SIGFRAME, COLS_SIGFRAME, e);
    if (!s)
        return;
    bind_u64(s, 3, e->pid);
    bind_u64(s, 4, e->tid);
    bind_text(s, 5, ev->op == SIGFRAME_RETURN ? "return" : "deliver");
    if (ev->op == SIGFRAME_RETURN) {
        sqlite3_bind_null(s, 6);
        sqlite3_bind_null(s, 7);
    } else {
        bind_u64(s, 6, ev->signo);
        bind_u64(s, 7, ev->handler);
    }
    bind_u64(s, 8, ev->sp);
    bind_u64(s, 9, ev->ss);
    bind_u64(s, 10, ev->rt);
    row_finish(t, s);
}

static void row_timer(struct trace *t, const struct event *e)
{
    sqlite3_stmt *s = row_begin(t, ST_TIMER, COLS_TIMER, e);
    if (!s)
        return;
    bind_u64(s, 3, e->pid);
    bind_u64(s, 4, e->tid);
    bind_text(s, 5, e->u.timer.which == 0 ? "real" : e->u.timer.which == 1 ? "virtual" : "prof");
    row_finish(t, s);
}

/* One value of a snapshot into s at parameter offset o; pid NULL for the
 * machine-wide ones (free pages), scope and ord NULL where they do not
 * apply.  The scope is copied: the row is inserted after the sink returns. */
static void bind_snapshot(sqlite3_stmt *s, int o, const struct event *e)
{
    const struct snapshot_event *ev = &e->u.snap;
    bind_u64(s, o + 1, ev->snap);
    bind_u64(s, o + 2, e->seq);
    bind_u64(s, o + 3, e->cycle);
    if (e->pid)
        bind_u64(s, o + 4, e->pid);
    else
        sqlite3_bind_null(s, o + 4);
    bind_text(s, o + 5, snapshot_metric_name((enum snapshot_metric)ev->metric));
    if (ev->scope)
        sqlite3_bind_text(s, o + 6, ev->scope, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, o + 6);
    if (ev->ord >= 0)
        sqlite3_bind_int(s, o + 7, ev->ord);
    else
        sqlite3_bind_null(s, o + 7);
    bind_u64(s, o + 8, ev->value);
}

static int row_snapshot(struct trace *t, const struct event *e)
{
    return rowbuf_add(t, &t->snaps, e, flush_snapshots);
}

/* A process start inserts its processes row; its exit fills in the row of
 * the task that has not exited yet.  Not event rows: trace_rows() leaves
 * them out, as the run's own rows. */
static void row_process(struct trace *t, const struct event *e)
{
    const struct process_event *ev = &e->u.proc;
    if (t->failed)
        return;
    sqlite3_stmt *s;
    if (e->type == EV_PROCESS_START) {
        s = t->st[ST_PROCESS];
        bind_u64(s, 1, e->seq);
        bind_u64(s, 2, e->pid);
        bind_u64(s, 3, e->tid);
        bind_u64(s, 4, ev->ppid);
        bind_text(s, 5, ev->comm);
        bind_u64(s, 6, e->cycle);
    } else {
        s = t->st[ST_PROCESS_EXIT];
        bind_u64(s, 1, e->seq);
        bind_u64(s, 2, e->cycle);
        sqlite3_bind_int(s, 3, ev->status);
        bind_text(s, 4, ev->reason);
        bind_text(s, 5, ev->args);
        bind_text(s, 6, ev->exe);
        bind_u64(s, 7, ev->peak_rss);
        bind_u64(s, 8, e->tid);
    }
    if (sqlite3_step(s) != SQLITE_DONE)
        trace_fail(t, "cannot write", sqlite3_errmsg(t->db));
    sqlite3_reset(s);
}

/* ev's row (the level was checked by trace_consume) and its replay-log record. */
void trace_write_event(void *ctx, const struct event *ev)
{
    struct trace *t = ctx;
    uint64_t rows = t->rows + t->pending;     /* a row was inserted: it changes */
    int queued = 0;             /* a row waiting in a trace_rowbuf */
    switch (ev->type) {
    case EV_WALK:         queued = row_walk(t, ev); break;
    case EV_FAULT:        queued = row_fault(t, ev); break;
    case EV_ALLOC:
    case EV_FREE:         row_alloc(t, ev); break;
    case EV_VMA:          row_vma(t, ev); break;
    case EV_SYSCALL_EXIT: row_syscall(t, ev); break;
    case EV_SEGMENT:      row_segment(t, ev); break;
    case EV_TLB_FLUSH:    row_flush(t, ev); break;
    case EV_UACCESS:      row_uaccess(t, ev); break;
    case EV_FILE_MAP:     row_file_map(t, ev); break;
    case EV_PAGE_CACHE:   row_page_cache(t, ev); break;
    case EV_SCHED_SWITCH: row_switch(t, ev); break;
    case EV_SIGNAL_FRAME: row_signal(t, ev); break;
    case EV_TIMER_FIRE: row_timer(t, ev); break;
    case EV_SNAPSHOT:     queued = row_snapshot(t, ev); break;
    case EV_PROC_FILE:    row_proc_file(t, ev); break;
    case EV_PROCESS_START:
    case EV_PROCESS_EXIT: row_process(t, ev); break;
    default:              break;   /* enter/begin events: no table */
    }
    if ((queued || t->rows + t->pending != rows) && t->rlog && replay_log_add(t->rlog, ev)) {
        replay_log_free(t->rlog);       /* incomplete: dropped at close */
        t->rlog = NULL;
    }
}

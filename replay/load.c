/*
 * load.c — read a trace's replay inputs and recorded outcomes (recorded.h).
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay/recorded.h"
#include "trace/trace.h"

static char *dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *v = sqlite3_column_text(s, i);
    return strdup(v ? (const char *)v : "");
}

/* Run sql, calling row(ctx, stmt) per row; -1 with the SQL error in err. */
static int each_row(sqlite3 *db, const char *sql, int (*row)(void *, sqlite3_stmt *), void *ctx,
                    char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, sqlite3_errcode(db) == SQLITE_CORRUPT
                 ? "the trace is damaged or truncated: %s"
                 : "not a complete memsim trace: %s", sqlite3_errmsg(db));
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (row(ctx, s)) {
            sqlite3_finalize(s);
            snprintf(err, errlen, "out of host memory");
            return -1;
        }
    if (rc != SQLITE_DONE)
        snprintf(err, errlen, "the trace is damaged or truncated: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int row_run(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    r->program = dup_col(s, 0);
    r->size = (uint64_t)sqlite3_column_int64(s, 1);
    r->ram = (uint64_t)sqlite3_column_int64(s, 2);
    r->paging = dup_col(s, 3);
    r->seed = (uint64_t)sqlite3_column_int64(s, 4);
    r->epoch = (uint64_t)sqlite3_column_int64(s, 5);
    char **text[] = { &r->args, &r->sha256, &r->options, &r->root, &r->cpu, &r->cpu_config };
    for (int i = 0; i < 6; i++)
        if (sqlite3_column_type(s, 6 + i) != SQLITE_NULL && !(*text[i] = dup_col(s, 6 + i)))
            return -1;
    return 0;
}

static int row_string(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    int env = strcmp((const char *)sqlite3_column_text(s, 0), "envp") == 0;
    char ***v = env ? &r->envp : &r->argv;
    int *n = env ? &r->envc : &r->argc;
    char **nv = realloc(*v, (size_t)(*n + 2) * sizeof *nv);
    if (!nv)
        return -1;
    nv[*n] = dup_col(s, 1);
    nv[++*n] = NULL;
    *v = nv;
    return 0;
}

/* A NUL-separated BLOB of strings as a NULL-terminated vector (empty: no
 * strings); NULL when out of memory. */
static char **split_strings(const void *blob, int n)
{
    size_t count = 0;
    const char *p = blob, *end = p + (n > 0 ? n : 0);
    for (const char *q = p; q < end; q++)
        count += *q == '\0';
    char **v = calloc(count + 1, sizeof *v);
    for (size_t i = 0; v && i < count; i++) {
        size_t len = strnlen(p, (size_t)(end - p));
        if (!(v[i] = strndup(p, len))) {
            for (size_t k = 0; k < i; k++)
                free(v[k]);
            free(v);
            return NULL;
        }
        p += len + 1;
    }
    return v;
}

static int row_exec(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    struct exec_params *p = &r->exec;
    if (r->nr_execs++) {                /* a later execve's image */
        if (!r->exec_args)
            return 0;                   /* refused below: no strings to build it from */
        struct recorded_exec *n = realloc(r->execs, (r->nr_later + 1) * sizeof *n);
        if (!n)
            return -1;
        r->execs = n;
        struct recorded_exec *x = &n[r->nr_later++];
        memset(x, 0, sizeof *x);
        p = &x->p;
        x->exe_path = dup_col(s, 0);
        x->execfn = dup_col(s, 13);
        x->argv = split_strings(sqlite3_column_blob(s, 14), sqlite3_column_bytes(s, 14));
        x->envp = split_strings(sqlite3_column_blob(s, 15), sqlite3_column_bytes(s, 15));
        x->size = (uint64_t)sqlite3_column_int64(s, 16);
        x->dev = (uint64_t)sqlite3_column_int64(s, 17);
        x->ino = (uint64_t)sqlite3_column_int64(s, 18);
        x->max_map_count = (uint32_t)sqlite3_column_int64(s, 12);
        if (!x->exe_path || !x->execfn || !x->argv || !x->envp)
            return -1;
        for (char **a = x->argv; *a; a++)
            p->argc++;
        p->execfn = x->execfn;
        p->argv = x->argv;
        p->envp = x->envp;
    } else {
        r->exe_path = dup_col(s, 0);
        r->max_map_count = (uint32_t)sqlite3_column_int64(s, 12);
    }
    uint32_t *f[] = { &p->entry, &p->phdr_vaddr, &p->phentsize, &p->phnum, &p->start_code,
                      &p->end_code, &p->start_data, &p->end_data, NULL, &p->uid, &p->gid };
    for (int i = 0; i < 11; i++)
        if (f[i])
            *f[i] = (uint32_t)sqlite3_column_int64(s, 1 + i);
    p->exec_stack = sqlite3_column_int(s, 9);
    return 0;
}

/* The k-th exec's parameters and interpreter (0: the first program's). */
static struct recorded_interp *exec_at(struct recorded *r, size_t k, struct exec_params **p)
{
    if (k == 0) {
        *p = &r->exec;
        return &r->interp;
    }
    if (k - 1 >= r->nr_later)
        return NULL;
    *p = &r->execs[k - 1].p;
    return &r->execs[k - 1].interp;
}

/* exec_segments in row order: a program's idx 0 starts the next exec's;
 * an interpreter's rows follow its program's. */
static int row_segment(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    uint32_t idx = (uint32_t)sqlite3_column_int64(s, 5);
    const char *image = (const char *)sqlite3_column_text(s, 6);
    int interp = image && !strcmp(image, "interpreter");
    if (idx == 0 && !interp)
        r->seg_exec++;
    struct exec_params *p = NULL;
    struct recorded_interp *ri = r->seg_exec ? exec_at(r, r->seg_exec - 1, &p) : NULL;
    if (!ri)
        return 0;
    unsigned *n = interp ? &ri->in.nr_segments : &p->nr_segments;
    if (*n == EXEC_MAX_SEGMENTS || sqlite3_column_int64(s, 3) > sqlite3_column_int64(s, 1))
        return 0;                       /* filesz > memsz: a hostile row; the exec diverges */
    struct exec_segment *g = interp ? &ri->in.seg[(*n)++] : &p->seg[(*n)++];
    *g = (struct exec_segment){ (uint32_t)sqlite3_column_int64(s, 0),
                                (uint32_t)sqlite3_column_int64(s, 1),
                                (uint32_t)sqlite3_column_int64(s, 2),
                                (uint32_t)sqlite3_column_int64(s, 3),
                                (uint32_t)sqlite3_column_int64(s, 4) };
    return 0;
}

static int row_auxv(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    if (r->nr_auxv + 2 <= sizeof r->auxv / sizeof *r->auxv) {
        r->auxv[r->nr_auxv++] = (uint32_t)sqlite3_column_int64(s, 0);
        r->auxv[r->nr_auxv++] = (uint32_t)sqlite3_column_int64(s, 1);
    }
    return 0;
}

static int push_input(struct recorded *r, const struct input *in)
{
    if ((r->nr_in & (r->nr_in + 1)) == 0 || r->nr_in == 0) {   /* grow at 2^k - 1 */
        struct input *n = realloc(r->in, (r->nr_in * 2 + 2) * sizeof *n);
        if (!n)
            return -1;
        r->in = n;
    }
    r->in[r->nr_in++] = *in;
    return 0;
}

/* A syscalls or faults row (check.h struct outcome_inputs): the system
 * call's input, or a guest fault's.  The guest's own page faults are the
 * user-mode ones (error code bit 2) the engine reports with cause 0;
 * exec's copy_to_user faults (cause 0 too: no syscall led to them) and
 * every fault inside a system call are supervisor faults, outcomes of the
 * input that made them. */
static int row_input(void *ctx, const struct outcome *o, const struct outcome_extra *x)
{
    struct input in = { .seq = o->seq };
    if (o->type == EV_FAULT) {          /* check.h: address error_code eip pfn */
        if (o->cause != 0 || !(o->v[1] & 4))
            return 0;
        in.kind = INPUT_FAULT;
        in.start = x->start;
        in.address = (uint32_t)o->v[0];
        in.error_code = (uint32_t)o->v[1];
        in.eip = (uint32_t)o->v[2];
        in.access = strcmp(o->s[0], "read") == 0 ? 0 : strcmp(o->s[0], "write") == 0 ? 1 : 2;
    } else {                            /* ret */
        in.kind = INPUT_SYSCALL;
        in.start = x->start;
        in.nr = x->nr;
        memcpy(in.a, x->a, sizeof in.a);
        in.ret = (int32_t)o->v[0];
    }
    return push_input(ctx, &in);
}

static int row_file_map(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    struct file_map *n = realloc(r->maps, (r->nr_maps + 1) * sizeof *n);
    if (!n)
        return -1;
    r->maps = n;
    n[r->nr_maps++] = (struct file_map){
        .cause = (uint64_t)sqlite3_column_int64(s, 0), .fd = (uint32_t)sqlite3_column_int64(s, 1),
        .result = sqlite3_column_int(s, 2), .f_mode = (uint32_t)sqlite3_column_int64(s, 3),
        .path = sqlite3_column_type(s, 4) == SQLITE_NULL ? NULL : dup_col(s, 4),
        .size = (uint64_t)sqlite3_column_int64(s, 5), .dev = (uint64_t)sqlite3_column_int64(s, 6),
        .ino = (uint64_t)sqlite3_column_int64(s, 7) };
    return 0;
}

static int row_count(void *ctx, sqlite3_stmt *s)
{
    *(unsigned *)ctx = (unsigned)sqlite3_column_int64(s, 0);
    return 0;
}

/* A context_switches row: the switch is an input at its own seq. */
struct switch_rows {
    struct recorded *r;
    struct outcome_list *strings;
};

static int row_switch(void *ctx, sqlite3_stmt *s)
{
    struct switch_rows *w = ctx;
    const unsigned char *reason = sqlite3_column_text(s, 3), *wait = sqlite3_column_text(s, 4);
    struct input in = { .kind = INPUT_SWITCH, .start = (uint64_t)sqlite3_column_int64(s, 0),
                        .seq = (uint64_t)sqlite3_column_int64(s, 0),
                        .prev_tid = (uint32_t)sqlite3_column_int64(s, 1),
                        .next_tid = (uint32_t)sqlite3_column_int64(s, 2),
                        .preempted = reason && !strcmp((const char *)reason, "preempted") };
    if (wait && !(in.wait = outcome_intern(w->strings, (const char *)wait)))
        return -1;
    w->r->nr_switches++;
    return push_input(w->r, &in);
}

/* each_row over a table a trace of an older schema may not have (none:
 * no rows). */
static int each_row_of(sqlite3 *db, const char *table, const char *sql,
                       int (*row)(void *, sqlite3_stmt *), void *ctx, char *err, size_t errlen)
{
    unsigned have = 0;
    char *q = sqlite3_mprintf("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
                              " name = %Q", table);
    if (!q) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    int rc = each_row(db, q, row_count, &have, err, errlen);
    sqlite3_free(q);
    return rc ? -1 : have ? each_row(db, sql, row, ctx, err, errlen) : 0;
}

/* The recorded switches (a trace of schema 9 has no such table: one task). */
static int read_switches(sqlite3 *db, struct recorded *r, struct checker *c, char *err,
                         size_t errlen)
{
    struct switch_rows w = { r, &c->list };
    return each_row_of(db, "context_switches", "SELECT seq, prev_tid, next_tid, reason, wait"
                       " FROM context_switches ORDER BY seq", row_switch, &w, err, errlen);
}

static int row_signal_frame(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    if ((r->nr_frames & (r->nr_frames - 1)) == 0) {   /* grow at powers of two */
        struct signal_frame_rec *n = realloc(r->frames, (r->nr_frames ? 2 * r->nr_frames : 1) * sizeof *n);
        if (!n)
            return -1;
        r->frames = n;
    }
    r->frames[r->nr_frames++] = (struct signal_frame_rec){
        .seq = (uint64_t)sqlite3_column_int64(s, 0), .sp = (uint32_t)sqlite3_column_int64(s, 1),
        .ss = (uint32_t)sqlite3_column_int64(s, 2) };
    return 0;
}

/* The recorded handler frames (a trace before schema 11 has none: a
 * replay of a run that ran a handler diverges at its frame). */
static int read_signal_frames(sqlite3 *db, struct recorded *r, char *err, size_t errlen)
{
    return each_row_of(db, "signal_frames", "SELECT seq, sp, ss FROM signal_frames ORDER BY seq",
                       row_signal_frame, r, err, errlen);
}

/* A timer_fires row: one that fired while the guest ran (cause 0) is an
 * input at its seq; one inside a call is kept for the call's redo. */
static int row_timer(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    const unsigned char *w = sqlite3_column_text(s, 2);
    uint8_t which = w && !strcmp((const char *)w, "virtual") ? 1 : w && !strcmp((const char *)w, "prof") ? 2 : 0;
    uint64_t seq = (uint64_t)sqlite3_column_int64(s, 0), cause = (uint64_t)sqlite3_column_int64(s, 3);
    uint32_t tid = (uint32_t)sqlite3_column_int64(s, 1);
    if (cause == 0) {
        struct input in = { .kind = INPUT_TIMER, .start = seq, .seq = seq, .next_tid = tid,
                            .access = which };
        return push_input(r, &in);
    }
    if ((r->nr_timers & (r->nr_timers - 1)) == 0) {   /* grow at powers of two */
        struct timer_fire *n = realloc(r->timers, (r->nr_timers ? 2 * r->nr_timers : 1) * sizeof *n);
        if (!n)
            return -1;
        r->timers = n;
    }
    r->timers[r->nr_timers++] = (struct timer_fire){ seq, cause, tid, which };
    return 0;
}

/* The recorded timer expiries (none before schema 11). */
static int read_timers(sqlite3 *db, struct recorded *r, char *err, size_t errlen)
{
    return each_row_of(db, "timer_fires", "SELECT seq, tid, which, cause FROM timer_fires"
                       " ORDER BY seq", row_timer, r, err, errlen);
}

static int cmp_start(const void *a, const void *b)
{
    const struct input *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The inputs come in row seq order (a system call's seq is its exit), the
 * switches after them: re-drive them in start order.  A guest fault never
 * starts inside a system call, so for one task the two agree and this is
 * only a check. */
static void by_start(struct recorded *r)
{
    for (size_t i = 1; i < r->nr_in; i++)
        if (r->in[i - 1].start > r->in[i].start) {
            qsort(r->in, r->nr_in, sizeof *r->in, cmp_start);
            return;
        }
}


/* Every exec_image row and its segments, in row order.  Before schema 11
 * the rows have no strings: only the first exec can be rebuilt. */
/* Schema 12's columns of the k-th exec_image row: the placement and the
 * interpreter. */
static int row_exec_loader(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    struct exec_params *p;
    struct recorded_interp *ri = exec_at(r, r->seg_exec++, &p);
    if (!ri)
        return 0;
    p->dyn = sqlite3_column_int(s, 0) != 0;
    p->align = (uint32_t)sqlite3_column_int64(s, 1);
    if (sqlite3_column_type(s, 2) == SQLITE_NULL)
        return 0;
    if (!(ri->path = dup_col(s, 2)))
        return -1;
    ri->in.entry = (uint32_t)sqlite3_column_int64(s, 3);
    ri->in.dyn = sqlite3_column_int(s, 4) != 0;
    ri->size = (uint64_t)sqlite3_column_int64(s, 5);
    ri->dev = (uint64_t)sqlite3_column_int64(s, 6);
    ri->ino = (uint64_t)sqlite3_column_int64(s, 7);
    return 0;
}

static int read_execs(sqlite3 *db, struct recorded *r, char *err, size_t errlen)
{
    unsigned cols = 0, loader = 0;
    if (each_row(db, "SELECT count(*) FROM pragma_table_info('exec_image') WHERE name IN"
                 " ('execfn', 'argv', 'envp', 'size', 'dev', 'ino')", row_count, &cols, err, errlen))
        return -1;
    r->exec_args = cols == 6;
    if (each_row(db, "SELECT count(*) FROM pragma_table_info('exec_image') WHERE name = 'interp'",
                 row_count, &loader, err, errlen))
        return -1;
    int rc = each_row(db, r->exec_args
                    ? "SELECT exe_path, entry, phdr, phentsize, phnum, start_code, end_code,"
                      " start_data, end_data, exec_stack, uid, gid, max_map_count, execfn, argv,"
                      " envp, size, dev, ino FROM exec_image ORDER BY rowid"
                    : "SELECT exe_path, entry, phdr, phentsize, phnum, start_code, end_code,"
                      " start_data, end_data, exec_stack, uid, gid, max_map_count FROM exec_image"
                      " ORDER BY rowid", row_exec, r, err, errlen) ||
           each_row(db, loader ? "SELECT vaddr, memsz, offset, filesz, prot, idx, image FROM"
                                 " exec_segments ORDER BY rowid"
                               : "SELECT vaddr, memsz, offset, filesz, prot, idx, 'program' FROM"
                                 " exec_segments ORDER BY rowid", row_segment, r, err, errlen);
    r->seg_exec = 0;
    if (!rc && loader)
        rc = each_row(db, "SELECT dyn, align, interp, interp_entry, interp_dyn, interp_size,"
                      " interp_dev, interp_ino FROM exec_image ORDER BY rowid", row_exec_loader, r,
                      err, errlen);
    return rc;
}

static int read_all(sqlite3 *db, struct recorded *r, struct checker *c, char *err,
                    size_t errlen)
{
    if (each_row(db, "SELECT program, size, ram, paging, seed, epoch, args, sha256, options, root, cpu,"
                 " cpu_config FROM runs ORDER BY id LIMIT 1",
                 row_run, r, err, errlen) ||
        each_row(db, "SELECT kind, value FROM run_inputs WHERE kind IN ('argv','envp')"
                 " ORDER BY kind, idx", row_string, r, err, errlen) ||
        read_execs(db, r, err, errlen) ||
        each_row(db, "SELECT a_type, a_val FROM run_inputs WHERE kind = 'auxv' ORDER BY idx",
                 row_auxv, r, err, errlen) ||
        each_row(db, "SELECT cause, fd, result, f_mode, path, size, dev, ino FROM file_maps"
                 " ORDER BY seq", row_file_map, r, err, errlen))
        return -1;
    /* The per-event rows: from the replay log when the trace has a complete
     * one (it is a copy of them), else from the tables. */
    const struct outcome_inputs in = { r, row_input };
    if (log_load(db, &c->list, &in)) {
        r->nr_in = 0;
        if (outcome_load(db, &c->list, &in, err, errlen))
            return -1;
    }
    if (read_switches(db, r, c, err, errlen) || read_signal_frames(db, r, err, errlen) ||
        read_timers(db, r, err, errlen))
        return -1;
    by_start(r);
    return 0;
}

int recorded_load(sqlite3 *db, struct recorded *r, struct checker *c, char *err, size_t errlen)
{
    /* One read transaction: outside one, every statement takes and drops
     * the file's shared lock and looks for a hot journal (four fcntl and
     * two stat calls a statement). */
    int txn = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    int rc = read_all(db, r, c, err, errlen);
    if (txn)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc)
        return -1;
    if (!r->program || !r->exe_path) {
        snprintf(err, errlen, "the trace has no %s: the run did not start",
                 r->program ? "exec_image" : "runs row");
        return -1;
    }
    if (r->nr_execs > 1 && !r->exec_args) {
        /* an execve inside a run recorded before schema 11: its image's
         * strings and file were not recorded */
        snprintf(err, errlen, "the trace has %u execs (the guest called execve) but no "
                 "exec_image.argv (recorded before schema 11): replay replays a run of one "
                 "exec only", r->nr_execs);
        return -1;
    }
    r->exec.execfn = r->program;
    r->exec.argc = r->argc;
    r->exec.argv = r->argv;
    r->exec.envp = r->envp;
    return 0;
}

/* runs.trace_level (NULL, as an events file without it loads, is the
 * default level) must include TRACE_LEVEL_REPLAY. */
static int check_level(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT trace_level FROM runs ORDER BY id LIMIT 1", -1, &s, NULL)) {
        snprintf(err, errlen, "not a complete memsim trace: %s", sqlite3_errmsg(db));
        return -1;
    }
    uint32_t level = TRACE_LEVEL_DEFAULT;
    char why[256], text[128], lacks[128];
    int rc = 0;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        snprintf(text, sizeof text, "%s", (const char *)sqlite3_column_text(s, 0));
        if (trace_level_parse(text, &level, why, sizeof why)) {
            snprintf(err, errlen, "runs.trace_level: %s", why);
            rc = -1;
        }
    }
    sqlite3_finalize(s);
    if (!rc && (level & TRACE_LEVEL_REPLAY) != TRACE_LEVEL_REPLAY) {
        trace_level_text(level, text, sizeof text);
        trace_level_text(TRACE_LEVEL_REPLAY & ~level, lacks, sizeof lacks);
        snprintf(err, errlen, "the trace lacks %s (it was recorded with --trace %s); record "
                 "it with --trace default (replay reads syscalls,faults,walks,allocs,vmas,tlb)",
                 lacks, text);
        rc = -1;
    }
    return rc;
}

int recorded_check_schema(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &s,
                           NULL) != SQLITE_OK) {
        snprintf(err, errlen, sqlite3_errcode(db) == SQLITE_CORRUPT
                 ? "the trace is damaged or truncated (%s)" : "not a memsim trace (%s)",
                 sqlite3_errmsg(db));
        return -1;
    }
    int rc = sqlite3_step(s), v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) {
        snprintf(err, errlen, "not a memsim trace (no schema_version)");
        return -1;
    }
    if (v < REPLAY_SCHEMA_OLDEST) {
        snprintf(err, errlen, "recorded by an older memsim (schema %d): its outcomes are that "
                 "model's; re-record the run to replay it", v);
        return -1;
    }
    if (v > REPLAY_SCHEMA) {
        snprintf(err, errlen, "unsupported schema_version %d (replay reads %d to %d; re-record "
                 "the run)", v, REPLAY_SCHEMA_OLDEST, REPLAY_SCHEMA);
        return -1;
    }
    return check_level(db, err, errlen);
}

void recorded_free(struct recorded *r, struct checker *c)
{
    outcome_free(&c->list);
    free(r->in);
    free(r->frames);
    free(r->timers);
    for (size_t i = 0; i < r->nr_later; i++) {
        struct recorded_exec *x = &r->execs[i];
        for (char **a = x->argv; a && *a; a++)
            free(*a);
        for (char **a = x->envp; a && *a; a++)
            free(*a);
        free(x->argv);
        free(x->envp);
        free(x->exe_path);
        free(x->execfn);
        free(x->interp.path);
    }
    free(r->interp.path);
    free(r->execs);
    for (size_t i = 0; i < r->nr_maps; i++)
        free(r->maps[i].path);
    free(r->maps);
    for (int i = 0; i < r->argc; i++)
        free(r->argv[i]);
    for (int i = 0; i < r->envc; i++)
        free(r->envp[i]);
    free(r->argv);
    free(r->envp);
    char *s[] = { r->program, r->exe_path, r->paging, r->args, r->sha256, r->options, r->root,
                  r->cpu, r->cpu_config };
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        free(s[i]);
}

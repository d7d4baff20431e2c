/*
 * trace_run.c — the run's own rows: the runs row at the start and its
 * totals at the end, the run's inputs (argv, envp, auxv, the exec image)
 * and the stats table.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "common/errmsg.h"
#include "trace/trace_priv.h"

/* ---- the run row --------------------------------------------------- */

static int run_step(struct trace *t, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        trace_fail(t, "cannot write", sqlite3_errmsg(t->db));
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int trace_stat(struct trace *t, uint32_t pid, const char *name, uint64_t value)
{
    trace_sync(t);
    if (!t || t->failed)
        return -1;
    sqlite3_stmt *s = t->st[ST_STAT];
    sqlite3_bind_int64(s, 1, pid);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    bind_u64(s, 3, value);
    return run_step(t, s);
}

/* One run_inputs row: a string (argv, envp) or an AT_* pair (auxv). */
static int input_row(struct trace *t, const char *kind, int idx, const char *value,
                     int64_t a_type, int64_t a_val)
{
    sqlite3_stmt *s = t->st[ST_INPUT];
    sqlite3_bind_int64(s, 1, t->run_id);
    bind_text(s, 2, kind);
    sqlite3_bind_int(s, 3, idx);
    bind_text(s, 4, value);
    if (value) {
        sqlite3_bind_null(s, 5);
        sqlite3_bind_null(s, 6);
    } else {
        sqlite3_bind_int64(s, 5, a_type);
        sqlite3_bind_int64(s, 6, a_val);
    }
    return run_step(t, s);
}

static int record_strings(struct trace *t, const char *kind, char *const *v, int n)
{
    for (int i = 0; v && (n < 0 ? v[i] != NULL : i < n); i++)
        if (input_row(t, kind, i, v[i], 0, 0))
            return -1;
    return 0;
}

int trace_auxv(struct trace *t, const uint32_t *pairs, size_t nr_pairs)
{
    trace_sync(t);
    if (!t || t->failed || !t->run_id)
        return -1;
    for (size_t i = 0; i < nr_pairs; i++)
        if (input_row(t, "auxv", (int)i, NULL, pairs[2 * i], pairs[2 * i + 1]))
            return -1;
    return 0;
}

static void bind_pid(sqlite3_stmt *s, int i, uint32_t pid)
{
    if (pid)
        bind_u64(s, i, pid);
    else
        sqlite3_bind_null(s, i);
}

/* Strings NUL-separated (each with its NUL) into a BLOB at parameter i;
 * NULL when v is.  -1: out of memory. */
static int bind_strings(sqlite3_stmt *s, int i, char *const *v)
{
    size_t n = 0;
    for (size_t k = 0; v && v[k]; k++)
        n += strlen(v[k]) + 1;
    if (!v)
        return sqlite3_bind_null(s, i) == SQLITE_OK ? 0 : -1;
    char *buf = malloc(n ? n : 1), *p = buf;
    if (!buf)
        return -1;
    for (size_t k = 0; v[k]; k++) {
        size_t len = strlen(v[k]) + 1;
        memcpy(p, v[k], len);
        p += len;
    }
    return sqlite3_bind_blob(s, i, buf, (int)n, free) == SQLITE_OK ? 0 : -1;
}

static int exec_segments(struct trace *t, uint32_t pid, const char *image,
                         const struct trace_exec_segment *seg, unsigned n)
{
    for (unsigned i = 0; i < n && i < TRACE_EXEC_SEGMENTS; i++) {
        const struct trace_exec_segment *g = &seg[i];
        sqlite3_stmt *s = t->st[ST_EXEC_SEG];
        sqlite3_bind_int64(s, 1, t->run_id);
        sqlite3_bind_int(s, 2, (int)i);
        bind_u64(s, 3, g->vaddr);
        bind_u64(s, 4, g->memsz);
        bind_u64(s, 5, g->offset);
        bind_u64(s, 6, g->filesz);
        bind_u64(s, 7, g->prot);
        bind_pid(s, 8, pid);
        bind_text(s, 9, image);
        if (run_step(t, s))
            return -1;
    }
    return 0;
}

int trace_exec(struct trace *t, const struct trace_exec_info *x)
{
    trace_sync(t);
    if (!t || t->failed || !t->run_id)
        return -1;
    sqlite3_stmt *s = t->st[ST_EXEC];
    const uint32_t v[] = { x->entry, x->phdr_vaddr, x->phentsize, x->phnum, x->start_code,
                           x->end_code, x->start_data, x->end_data, (uint32_t)x->exec_stack,
                           x->uid, x->gid, x->max_map_count };
    sqlite3_bind_int64(s, 1, t->run_id);
    bind_text(s, 2, x->exe_path);
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
        bind_u64(s, 3 + (int)i, v[i]);
    bind_pid(s, 15, x->pid);
    bind_text(s, 16, x->execfn);
    if (bind_strings(s, 17, x->argv) || bind_strings(s, 18, x->envp)) {
        trace_fail(t, "cannot write", "out of memory");
        return -1;
    }
    bind_u64(s, 19, x->size);
    bind_u64(s, 20, x->dev);
    bind_u64(s, 21, x->ino);
    bind_u64(s, 22, (uint64_t)x->dyn);
    bind_u64(s, 23, x->align);
    bind_u64(s, 24, x->load_bias);
    const struct trace_exec_interp *in = &x->interp;
    bind_text(s, 25, in->path);
    if (in->path) {
        const uint64_t w[] = { in->entry, (uint64_t)in->dyn, in->base, in->size, in->dev, in->ino };
        for (unsigned i = 0; i < sizeof w / sizeof w[0]; i++)
            bind_u64(s, 26 + (int)i, w[i]);
    } else {
        for (int i = 26; i <= 31; i++)
            sqlite3_bind_null(s, i);
    }
    if (run_step(t, s) || exec_segments(t, x->pid, "program", x->seg, x->nr_segments))
        return -1;
    return in->path ? exec_segments(t, x->pid, "interpreter", in->seg, in->nr_segments) : 0;
}

static void bind_run_inputs(sqlite3_stmt *s, const struct trace_run_info *info, int none)
{
    if (none) {
        for (int i = 6; i <= 13; i++)
            sqlite3_bind_null(s, i);
        return;
    }
    sqlite3_bind_int64(s, 6, info->epoch);
    bind_u64(s, 7, info->size);
    bind_u64(s, 8, info->ram);
    bind_text(s, 9, info->paging);
    bind_text(s, 10, info->cpu);
    bind_u64(s, 11, info->seed);
    bind_text(s, 12, info->root);
    bind_text(s, 13, info->cpu_config);
}

int trace_begin_run(struct trace *t, const struct trace_run_info *info)
{
    trace_sync(t);
    static const struct trace_run_info none;
    char started[32] = "";
    struct tm tm;
    time_t now = time(NULL);
    if (!t || t->failed)
        return -1;
    if (t->run_id) {
        set_err(t->err, sizeof t->err, "trace '%s': run already begun", t->path);
        return -1;
    }
    if (!info)
        info = &none;
    if (gmtime_r(&now, &tm))
        strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sqlite3_stmt *s = t->st[ST_RUN_INSERT];
    bind_text(s, 1, info->program);
    bind_text(s, 2, info->args);
    bind_text(s, 3, info->sha256);
    bind_text(s, 4, info->options);
    bind_text(s, 5, started[0] ? started : NULL);
    bind_run_inputs(s, info, info == &none);
    bind_text(s, 14, info->replay_of);
    if (info->hz)
        bind_u64(s, 15, info->hz);
    else
        sqlite3_bind_null(s, 15);
    char level[128];
    trace_level_text(t->level, level, sizeof level);
    sqlite3_bind_text(s, 16, level, -1, SQLITE_TRANSIENT);
    if (run_step(t, s) != 0)
        return -1;
    t->run_id = sqlite3_last_insert_rowid(t->db);
    if (record_strings(t, "argv", info->argv, info->argc) ||
        record_strings(t, "envp", info->envp, -1))
        return -1;
    return 0;
}

/* Without a trace_begin_run() the run row is created here, info all NULL. */
int trace_end_run(struct trace *t, const struct trace_run_totals *totals)
{
    trace_sync(t);
    if (!t || t->failed || !totals)
        return -1;
    trace_flush_rows(t);        /* inserted now, counted at the next COMMIT */
    if (!t->run_id && trace_begin_run(t, NULL) != 0)
        return -1;
    sqlite3_stmt *s = t->st[ST_RUN_UPDATE];
    bind_u64(s, 1, totals->instructions);
    bind_u64(s, 2, totals->cycles);
    sqlite3_bind_int(s, 3, totals->exit_status);
    bind_text(s, 4, totals->exit_reason);
    sqlite3_bind_double(s, 5, totals->wall_seconds);
    sqlite3_bind_int64(s, 6, t->run_id);
    return run_step(t, s);
}


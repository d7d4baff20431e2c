/*
 * events_file.c — writing a trace as an events file (events_file.h), and
 * the schema introspection the loader (events_load.c) shares.
 *
 * Values: integers in decimal, or 0x-hex for the columns that hold
 * addresses and page-table entries (hex_column: cosmetic, the loader takes
 * either); reals in the fewest of 15..17 significant digits that read back exactly and always a '.' or exponent;
 * blobs as x'hex'; text bare when it cannot be read as anything else,
 * otherwise quoted with \" \\ \n \t \r and \xHH escapes (the file is ASCII).
 * NULL is the column left out.
 */
#include "trace/events_file.h"
#include "trace/trace_file.h"
#include "trace/events_priv.h"
#include "trace/schema.h"
#include "common/errmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the schema as the database describes it ---- */

/* The columns of t, by st (pragma_table_info(?), prepared once for every
 * table: a prepare costs more than reading a table's columns). */
static int read_columns(sqlite3_stmt *st, struct ev_table *t, char *err, size_t errlen)
{
    int cap = 0;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    t->seq_col = -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (t->ncol == cap) {
            cap = cap ? 2 * cap : 16;
            char **c = realloc(t->cols, (size_t)cap * sizeof *c);
            if (c)
                t->cols = c;
            char **ty = c ? realloc(t->types, (size_t)cap * sizeof *ty) : NULL;
            if (!ty)
                break;
            t->types = ty;
        }
        t->cols[t->ncol] = strdup((const char *)sqlite3_column_text(st, 0));
        t->types[t->ncol] = strdup((const char *)sqlite3_column_text(st, 1));
        if (!t->cols[t->ncol] || !t->types[t->ncol]) {
            free(t->cols[t->ncol]);
            free(t->types[t->ncol]);
            break;
        }
        if (!strcmp(t->cols[t->ncol], "seq"))
            t->seq_col = t->ncol;
        t->ncol++;
    }
    int rc = sqlite3_reset(st) || t->ncol == 0 ? -1 : 0;
    if (rc)
        set_err(err, errlen, "cannot read the columns of table %s", t->name);
    return rc;
}

int ev_schema_read(sqlite3 *db, struct ev_schema *s, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int cap = 0;
    memset(s, 0, sizeof *s);
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                           -1, &st, NULL)) {
        set_err(err, errlen, "not a trace database: %s", sqlite3_errmsg(db));
        return -1;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (s->n == cap) {
            cap = cap ? 2 * cap : 16;
            struct ev_table *t = realloc(s->t, (size_t)cap * sizeof *t);
            if (!t)
                goto oom;
            s->t = t;
        }
        struct ev_table *t = &s->t[s->n];
        memset(t, 0, sizeof *t);
        if (!(t->name = strdup((const char *)sqlite3_column_text(st, 0))))
            goto oom;
        s->n++;
    }
    if (sqlite3_finalize(st)) {
        set_err(err, errlen, "not a trace database: %s", sqlite3_errmsg(db));
        ev_schema_free(s);
        return -1;
    }
    if (sqlite3_prepare_v2(db, "SELECT name, upper(type) FROM pragma_table_info(?) ORDER BY cid",
                           -1, &st, NULL)) {
        set_err(err, errlen, "%s", sqlite3_errmsg(db));
        ev_schema_free(s);
        return -1;
    }
    for (int i = 0; i < s->n; i++)
        if (read_columns(st, &s->t[i], err, errlen)) {
            sqlite3_finalize(st);
            ev_schema_free(s);
            return -1;
        }
    sqlite3_finalize(st);
    return 0;
oom:
    sqlite3_finalize(st);
    ev_schema_free(s);
    set_err(err, errlen, "out of memory");
    return -1;
}

void ev_schema_free(struct ev_schema *s)
{
    for (int i = 0; i < s->n; i++) {
        for (int c = 0; c < s->t[i].ncol; c++) {
            free(s->t[i].cols[c]);
            free(s->t[i].types[c]);
        }
        free(s->t[i].cols);
        free(s->t[i].types);
        free(s->t[i].name);
    }
    free(s->t);
    memset(s, 0, sizeof *s);
}

struct ev_table *ev_schema_find(const struct ev_schema *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->t[i].name, name))
            return &s->t[i];
    return NULL;
}

int ev_table_col(const struct ev_table *t, const char *col)
{
    for (int i = 0; i < t->ncol; i++)
        if (!strcmp(t->cols[i], col))
            return i;
    return -1;
}

const char *ev_kind_table(const char *kind)
{
    static const char *const map[][2] = {
        { "meta", "meta" }, { "run", "runs" }, { "input", "run_inputs" },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(kind, map[i][0]))
            return map[i][1];
    return NULL;
}

/* ---- what the file holds ---- */

/* Columns that differ between identical runs: never written. */
static int column_left_out(enum events_select sel, const char *table, const char *col)
{
    if (!strcmp(table, "runs") && (!strcmp(col, "started") || !strcmp(col, "wall_seconds")))
        return 1;
    return sel == EVENTS_SELECT_KERNEL && (!strcmp(col, "cycle") || !strcmp(col, "cycles"));
}

/* The kernel selection leaves out the engine's counters and checks (stats,
 * segments), processes, which replay makes again from the process events
 * (not a replay input), snapshots (taken on the timing model's clock;
 * replay has none) and proc_files (state at exit, with the host's uid,
 * groups and the binary's dev:ino in it; not an outcome). */
static int table_left_out(enum events_select sel, const char *table)
{
    if (!strcmp(table, "replay_log"))
        return 1;       /* derived from the event tables (replay_log.h) */
    return sel == EVENTS_SELECT_KERNEL && (!strcmp(table, "stats") || !strcmp(table, "segments") ||
                                           !strcmp(table, "processes") ||
                                           !strcmp(table, "snapshots") ||
                                           !strcmp(table, "proc_files"));
}

/* The rows of an event table the selection keeps (an SQL condition). */
static const char *row_filter(enum events_select sel, const char *table)
{
    return sel == EVENTS_SELECT_KERNEL && !strcmp(table, "translations") ? "cause <> 0" : "1";
}

/* Columns printed in hex: addresses and page-table entries. */
static int hex_column(const char *col)
{
    static const char *const hex[] = {
        "address", "vaddr", "paddr", "eip", "start", "stop", "linear", "base",
        "seg_limit", "cr3", "l1_addr", "l1_val", "l2_addr", "l2_val", "l3_addr",
        "l3_val", "arg0", "arg1", "arg2", "arg3", "arg4", "arg5", "a_val",
    };
    for (size_t i = 0; i < sizeof hex / sizeof hex[0]; i++)
        if (!strcmp(col, hex[i]))
            return 1;
    return 0;
}

/* ---- values ---- */

/* Text that reads back as text without quotes. */
static int bare_text(const unsigned char *s, int n)
{
    if (n == 0 || (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' ||
        (s[0] == 'x' && n > 1 && s[1] == '\''))
        return 0;
    for (int i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\')
            return 0;
    return 1;
}

static void put_text(FILE *out, const unsigned char *s, int n)
{
    if (bare_text(s, n)) {
        fwrite(s, 1, (size_t)n, out);
        return;
    }
    fputc('"', out);
    for (int i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c == '\r')
            fputs("\\r", out);
        else if (c < ' ' || c >= 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void put_real(FILE *out, double v)
{
    char buf[40];
    if (v != v)                         /* SQLite stores NaN as NULL; never here */
        v = 0;
    if (v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
        fputs(v > 0 ? "1e999" : "-1e999", out);
        return;
    }
    for (int digits = 15; digits <= 17; digits++) {      /* the shortest exact one */
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, out);
    if (!strpbrk(buf, ".e"))
        fputs(".0", out);
}

static void put_value(FILE *out, sqlite3_stmt *st, int i, const char *col)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: {
        sqlite3_int64 v = sqlite3_column_int64(st, i);
        if (hex_column(col))
            fprintf(out, "0x%08llx", (unsigned long long)v);
        else
            fprintf(out, "%lld", (long long)v);
        break;
    }
    case SQLITE_FLOAT:
        put_real(out, sqlite3_column_double(st, i));
        break;
    case SQLITE_BLOB: {
        const unsigned char *b = sqlite3_column_blob(st, i);
        int n = sqlite3_column_bytes(st, i);
        fputs("x'", out);
        for (int k = 0; k < n; k++)
            fprintf(out, "%02x", b[k]);
        fputc('\'', out);
        break;
    }
    default:
        put_text(out, sqlite3_column_text(st, i), sqlite3_column_bytes(st, i));
        break;
    }
}

/*
 * A file's host identity (file_maps, page_cache and exec_image: dev, ino)
 * differs from one checkout or machine to the next.  The kernel selection
 * writes it as the file's number in order of first appearance — dev=0,
 * ino=1, 2, ... (0, 0 stays: no identity) — which keeps what replay needs
 * of it: which mappings and cached pages name one file.
 */
struct host_ids {
    sqlite3_int64 (*pair)[2];
    int n, cap;
};

static sqlite3_int64 host_id(struct host_ids *h, sqlite3_int64 dev, sqlite3_int64 ino)
{
    if (dev == 0 && ino == 0)
        return 0;                           /* no identity (a file in no inode cache) */
    for (int i = 0; i < h->n; i++)
        if (h->pair[i][0] == dev && h->pair[i][1] == ino)
            return i + 1;
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 16;
        void *p = realloc(h->pair, (size_t)cap * sizeof *h->pair);
        if (!p)
            return 0;                       /* out of memory: all files one */
        h->pair = p;
        h->cap = cap;
    }
    h->pair[h->n][0] = dev;
    h->pair[h->n][1] = ino;
    return ++h->n;
}

static int col_index(const struct ev_table *t, const char *name)
{
    for (int i = 0; i < t->ncol; i++)
        if (!strcmp(t->cols[i], name))
            return i;
    return -1;
}

/* The current row of st (SELECT * of table t) as " col=value" fields,
 * without NULLs, seq and the columns the selection leaves out; ids, when
 * given, renumbers host file identities. */
static void put_fields(FILE *out, sqlite3_stmt *st, const struct ev_table *t,
                       enum events_select sel, struct host_ids *ids)
{
    /* (dev, ino) column pairs: a file's, and exec_image's interpreter's */
    int dev[2] = { -1, -1 }, ino[2] = { -1, -1 };
    if (ids && (!strcmp(t->name, "file_maps") || !strcmp(t->name, "page_cache") ||
                !strcmp(t->name, "exec_image"))) {
        dev[0] = col_index(t, "dev");
        ino[0] = col_index(t, "ino");
        dev[1] = col_index(t, "interp_dev");
        ino[1] = col_index(t, "interp_ino");
    }
    for (int i = 0; i < t->ncol; i++) {
        if (i == t->seq_col || sqlite3_column_type(st, i) == SQLITE_NULL ||
            column_left_out(sel, t->name, t->cols[i]))
            continue;
        fprintf(out, " %s=", t->cols[i]);
        int k = i == dev[0] || i == ino[0] ? 0 : i == dev[1] || i == ino[1] ? 1 : -1;
        if (k >= 0 && (dev[k] < 0 || ino[k] < 0))
            k = -1;
        if (k >= 0 && i == dev[k])
            fputs("0", out);
        else if (k >= 0)
            fprintf(out, "%lld", (long long)host_id(ids, sqlite3_column_int64(st, dev[k]),
                                                    sqlite3_column_int64(st, ino[k])));
        else
            put_value(out, st, i, t->cols[i]);
    }
    fputc('\n', out);
}

/* ---- the file ---- */

static sqlite3_stmt *select_rows(sqlite3 *db, const struct ev_table *t, const char *where,
                                 const char *order, char *err, size_t errlen)
{
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" WHERE %s ORDER BY %s", t->name, where, order);
    sqlite3_stmt *st = NULL;
    if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL))
        set_err(err, errlen, "table %s: %s", t->name, sqlite3_errmsg(db));
    sqlite3_free(sql);
    return st;
}

/* Every row of t as PREFIX-fields lines, in rowid order (ids: host file
 * identities renumbered, or NULL). */
static int write_table(sqlite3 *db, const struct ev_table *t, const char *prefix, const char *where,
                       enum events_select sel, struct host_ids *ids, FILE *out, char *err,
                       size_t errlen)
{
    sqlite3_stmt *st = select_rows(db, t, where, "rowid", err, errlen);
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        fputs(prefix, out);
        put_fields(out, st, t, sel, ids);
    }
    if (sqlite3_finalize(st)) {
        set_err(err, errlen, "table %s: %s", t->name, sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

/* One cursor per event table, merged by (seq, table name). */
struct cursor {
    const struct ev_table *t;
    sqlite3_stmt *st;
    int live;
};

static int write_events(sqlite3 *db, const struct ev_schema *s, enum events_select sel,
                        struct host_ids *ids, FILE *out, char *err, size_t errlen)
{
    struct cursor *c = calloc((size_t)s->n + 1, sizeof *c);
    int n = 0, rc = 0;
    if (!c) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < s->n && !rc; i++) {
        const struct ev_table *t = &s->t[i];
        if (t->seq_col < 0 || table_left_out(sel, t->name))
            continue;
        c[n].t = t;
        if (!(c[n].st = select_rows(db, t, row_filter(sel, t->name), "seq, rowid", err, errlen)))
            rc = -1;
        else
            c[n].live = sqlite3_step(c[n].st) == SQLITE_ROW;
        n++;
    }
    while (!rc) {
        struct cursor *min = NULL;      /* tables are sorted by name: ties go to the first */
        for (int i = 0; i < n; i++)
            if (c[i].live && (!min || sqlite3_column_int64(c[i].st, c[i].t->seq_col) <
                                      sqlite3_column_int64(min->st, min->t->seq_col)))
                min = &c[i];
        if (!min)
            break;
        fprintf(out, "seq=%lld table=%s", (long long)sqlite3_column_int64(min->st, min->t->seq_col),
                min->t->name);
        put_fields(out, min->st, min->t, sel, ids);
        min->live = sqlite3_step(min->st) == SQLITE_ROW;
    }
    for (int i = 0; i < n; i++)
        if (sqlite3_finalize(c[i].st) && !rc) {
            set_err(err, errlen, "table %s: %s", c[i].t->name, sqlite3_errmsg(db));
            rc = -1;
        }
    free(c);
    return rc;
}

/* A database loaded from a file of the kernel selection lacks what that
 * selection leaves out (meta events_select, events_load): it stays kernel. */
static enum events_select effective_select(sqlite3 *db, enum events_select sel)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = 'events_select' AND value = 'kernel'",
                           -1, &st, NULL))
        return sel;
    if (sqlite3_step(st) == SQLITE_ROW)
        sel = EVENTS_SELECT_KERNEL;
    sqlite3_finalize(st);
    return sel;
}

int ev_check_version(sqlite3 *db, const struct ev_schema *s, int *version, char *err,
                     size_t errlen)
{
    sqlite3_stmt *st;
    int ok = 0;
    if (!ev_schema_find(s, "meta") || !ev_schema_find(s, "runs")) {
        set_err(err, errlen, "not a memsim trace (no meta or runs table)");
        return -1;
    }
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL)) {
        set_err(err, errlen, "not a memsim trace: %s", sqlite3_errmsg(db));
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        long n = v && *v >= '0' && *v <= '9' ? strtol(v, NULL, 10) : -1;
        ok = n >= TRACE_SCHEMA_OLDEST && n <= strtol(TRACE_SCHEMA_VERSION, NULL, 10);
        if (version)
            *version = (int)n;
        if (!ok)
            set_err(err, errlen, "trace schema_version %s is not supported (this memsim reads "
                    "%d to %s)", v ? v : "NULL", TRACE_SCHEMA_OLDEST, TRACE_SCHEMA_VERSION);
    } else {
        set_err(err, errlen, "not a memsim trace (no schema_version in meta)");
    }
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

int events_write(sqlite3 *db, enum events_select sel, FILE *out, char *err, size_t errlen)
{
    struct ev_schema s;
    int rc, version = 0;
    if (ev_schema_read(db, &s, err, errlen))
        return -1;
    rc = ev_check_version(db, &s, &version, err, errlen);
    if (!rc) {
        sel = effective_select(db, sel);
        /* the trace's own version: its tables are what the lines hold */
        fprintf(out, "%s format=%d schema_version=%d select=%s\n", EV_HEADER_WORD,
                EVENTS_FORMAT_VERSION, version,
                sel == EVENTS_SELECT_KERNEL ? "kernel" : "all");
        rc = write_table(db, ev_schema_find(&s, "meta"), "meta",
                         "key NOT IN ('schema_version', 'events_select', 'replay_log')", sel, NULL,
                         out, err, errlen);
    }
    /* the kernel selection numbers host files in order of first appearance,
     * exec_image's first, then the events' */
    struct host_ids ids = { 0 }, *pids = sel == EVENTS_SELECT_KERNEL ? &ids : NULL;
    if (!rc)
        rc = write_table(db, ev_schema_find(&s, "runs"), "run", "1", sel, NULL, out, err, errlen);
    if (!rc && ev_schema_find(&s, "run_inputs"))
        rc = write_table(db, ev_schema_find(&s, "run_inputs"), "input", "1", sel, NULL, out, err,
                         errlen);
    for (int i = 0; i < s.n && !rc; i++) {
        const struct ev_table *t = &s.t[i];
        char prefix[256];
        if (t->seq_col >= 0 || table_left_out(sel, t->name) || !strcmp(t->name, "meta") ||
            !strcmp(t->name, "runs") || !strcmp(t->name, "run_inputs"))
            continue;
        snprintf(prefix, sizeof prefix, "row table=%s", t->name);
        rc = write_table(db, t, prefix, "1", sel, pids, out, err, errlen);
    }
    if (!rc)
        rc = write_events(db, &s, sel, pids, out, err, errlen);
    free(ids.pair);
    ev_schema_free(&s);
    if (!rc && (fflush(out) || ferror(out))) {
        set_err(err, errlen, "write error: %s", strerror(errno));
        rc = -1;
    }
    return rc;
}

/* ---- opening and closing ---- */

int events_is_file(const char *path)
{
    size_t n = strlen(path);
    return n > 7 && strcmp(path + n - 7, ".events") == 0;
}

int events_open_trace(const char *path, sqlite3 **db, char *err, size_t errlen)
{
    char open_why[512];
    if (trace_open_read(path, db, open_why, sizeof open_why)) {
        set_err(err, errlen, "%s: %s", path, open_why);
        return -1;
    }
    sqlite3_limit(*db, SQLITE_LIMIT_ATTACHED, 0);
    /* Read the pages in place rather than copied out by pread: a replay
     * reads every page of its trace once (safe: nobody writes it). */
    sqlite3_exec(*db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
    struct ev_schema s;
    /* one read transaction for the checks' ~20 statements: outside one,
     * each takes and drops the shared lock and looks for a hot journal */
    int txn = sqlite3_exec(*db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    int rc = ev_schema_read(*db, &s, err, errlen);
    if (!rc) {
        rc = ev_check_version(*db, &s, NULL, err, errlen);
        ev_schema_free(&s);
    }
    if (txn)
        sqlite3_exec(*db, "COMMIT", NULL, NULL, NULL);
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", err ? err : "");
        set_err(err, errlen, "%s: %s", path, why);
        events_close(*db);
        *db = NULL;
    }
    return rc;
}

int64_t events_count(sqlite3 *db)
{
    struct ev_schema s;
    int64_t n = 0;
    if (ev_schema_read(db, &s, NULL, 0))
        return -1;
    for (int i = 0; i < s.n; i++) {
        sqlite3_stmt *st;
        char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", s.t[i].name);
        if (s.t[i].seq_col >= 0 && sql && !sqlite3_prepare_v2(db, sql, -1, &st, NULL)) {
            if (sqlite3_step(st) == SQLITE_ROW)
                n += sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
        sqlite3_free(sql);
    }
    ev_schema_free(&s);
    return n;
}

void events_close(sqlite3 *db)
{
    sqlite3_close(db);
}

/*
 * export_chrome.c — `memsim export --format chrome`: the trace as Chrome
 * trace-event JSON, the JSON Object Format ({"traceEvents": [...],
 * "displayTimeUnit": "ns", "otherData": {...}}) that Perfetto's UI and
 * chrome://tracing open.
 *
 * Tracks: a process per pid and a thread per tid from `processes` ("M"
 * process_name / thread_name).  The event tables record the process
 * (pid) of each row, and every memsim process has one task, so an event's
 * tid is its pid.  pid 0 is the kernel's own track: boot allocations and
 * whatever no process caused.  Timestamps are microseconds, cycles / hz
 * (runs.hz, the CPU's frequency).
 *
 * What a duration means.  The trace records the cycle a system call and a
 * fault *end* at (the exit and fault rows), not the cycle they began at,
 * and the timing model advances the clock inside them only by what it
 * charges: a call's flat entry cost (cpu syscall_cost, charged before the
 * enter event; recovered exactly as stats syscall_cycles / syscalls), the
 * faults taken inside it and a sleep's advance; a fault's cost is charged
 * just before its end.  So a call's begin is its enter's cycle (the first
 * cycle of anything it caused, or its exit's cycle when it caused nothing:
 * then nothing advanced the clock) minus the entry cost, and a fault's
 * begin is the cycle of the walk that failed and raised it (seq begin_seq -
 * 1, a failed walk) or of the first row it caused, whichever is earlier; a
 * fault with neither (walks not traced, nothing allocated) is a complete
 * event of duration 0 with args.begin "unknown".
 *
 * Allocations, frees and VMA changes are instant events ("i", thread
 * scope) on the track of the process whose call or fault caused them;
 * `snapshots`, when the trace has that table, become counter events ("C").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "common/errmsg.h"
#include "trace/export.h"
#include "trace/schema.h"

/* ---- JSON output ---------------------------------------------------- */

struct json {
    FILE *out;
    double us_per_cycle;
    unsigned long events;
};

/* s as a JSON string: quotes, backslashes and control characters escaped,
 * valid UTF-8 copied, any other byte U+FFFD (the output is always valid
 * JSON, whatever a guest named its files). */
static void json_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', f);
    while (*p) {
        unsigned c = *p;
        int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 && c >= 0xc2 ? 1 : (c & 0xf0) == 0xe0 ? 2
                : (c & 0xf8) == 0xf0 && c <= 0xf4 ? 3 : -1;
        int ok = n >= 0;
        for (int i = 1; ok && i <= n; i++)
            ok = (p[i] & 0xc0) == 0x80;
        if (!ok) {
            fputs("\\ufffd", f);
            p++;
        } else if (n > 0) {
            fwrite(p, 1, (size_t)n + 1, f);
            p += n + 1;
        } else {
            if (c == '"' || c == '\\')
                fprintf(f, "\\%c", c);
            else if (c < 0x20)
                fprintf(f, "\\u%04x", c);
            else
                fputc((int)c, f);
            p++;
        }
    }
    fputc('"', f);
}

/* The start of one event: ph, name, cat, ts, pid, tid; the caller adds
 * the rest and calls ev_end. */
static void ev_begin(struct json *j, char ph, const char *name, const char *cat, uint64_t cycle,
                     int64_t pid)
{
    FILE *f = j->out;
    fputs(j->events++ ? ",\n" : "\n", f);
    fprintf(f, "{\"ph\":\"%c\",\"name\":", ph);
    json_str(f, name);
    if (cat) {
        fputs(",\"cat\":", f);
        json_str(f, cat);
    }
    fprintf(f, ",\"ts\":%.3f,\"pid\":%" PRId64 ",\"tid\":%" PRId64, (double)cycle * j->us_per_cycle,
            pid, pid);
}

static void ev_end(struct json *j)
{
    fputc('}', j->out);
}

/* args: every column of s from col on, by its name, numbers as numbers,
 * text as strings, NULL left out; the names in hex are written "0x...". */
static void args_from_row(struct json *j, sqlite3_stmt *s, int col, const char *hex,
                          const char *extra)
{
    FILE *f = j->out;
    int first = !extra;
    fprintf(f, ",\"args\":{%s", extra ? extra : "");
    for (int c = col; c < sqlite3_column_count(s); c++) {
        int t = sqlite3_column_type(s, c);
        const char *name = sqlite3_column_name(s, c);
        if (t == SQLITE_NULL)
            continue;
        fputs(first ? "" : ",", f);
        first = 0;
        json_str(f, name);
        fputc(':', f);
        char pat[40];
        snprintf(pat, sizeof pat, " %s ", name);
        if (t == SQLITE_INTEGER && hex && strstr(hex, pat))
            fprintf(f, "\"0x%08" PRIx64 "\"", (uint64_t)sqlite3_column_int64(s, c) & 0xffffffffu);
        else if (t == SQLITE_INTEGER)
            fprintf(f, "%lld", (long long)sqlite3_column_int64(s, c));
        else if (t == SQLITE_FLOAT)
            fprintf(f, "%.17g", sqlite3_column_double(s, c));
        else
            json_str(f, (const char *)sqlite3_column_text(s, c));
    }
    fputc('}', f);
}

/* ---- seq -> value maps (sorted by seq) -------------------------------- */

struct kv {
    uint64_t k;
    int64_t v;
};

struct map {
    struct kv *e;
    size_t n, cap;
};

static int cmp_kv(const void *a, const void *b)
{
    uint64_t x = ((const struct kv *)a)->k, y = ((const struct kv *)b)->k;
    return x < y ? -1 : x > y;
}

/* Every (k, v) row of sql into m, sorted by k; -1 on error. */
static int map_load(sqlite3 *db, const char *sql, struct map *m)
{
    sqlite3_stmt *s;
    int r;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (m->n == m->cap) {
            size_t cap = m->cap ? 2 * m->cap : 1024;
            struct kv *e = realloc(m->e, cap * sizeof *e);
            if (!e)
                break;
            m->e = e;
            m->cap = cap;
        }
        m->e[m->n++] = (struct kv){ (uint64_t)sqlite3_column_int64(s, 0),
                                    sqlite3_column_int64(s, 1) };
    }
    sqlite3_finalize(s);
    if (r != SQLITE_DONE)
        return -1;
    qsort(m->e, m->n, sizeof *m->e, cmp_kv);
    return 0;
}

static const int64_t *map_get(const struct map *m, uint64_t k)
{
    struct kv key = { k, 0 };
    const struct kv *e = m->n ? bsearch(&key, m->e, m->n, sizeof *m->e, cmp_kv) : NULL;
    return e ? &e->v : NULL;
}

/* ---- the context: frequency, entry cost, causes ----------------------- */

struct chrome {
    sqlite3 *db;
    struct json j;
    uint64_t hz;
    int64_t syscall_cost;       /* the flat entry cost of every call, cycles */
    struct map first_caused;    /* cause seq -> the smallest cycle of a row it caused */
    struct map cause_pid;       /* enter_seq / begin_seq -> pid */
};

/* The reason a statement on the trace failed, as one line. */
static void damaged(sqlite3 *db, char *err, size_t errlen)
{
    set_err(err, errlen, sqlite3_errcode(db) == SQLITE_CORRUPT ? "the trace is damaged or "
            "truncated: %s" : "not a complete memsim trace: %s", sqlite3_errmsg(db));
}

static int64_t scalar(sqlite3 *db, const char *sql, int64_t dflt)
{
    sqlite3_stmt *s;
    int64_t v = dflt;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

#define CAUSED(t) " SELECT cause, cycle FROM " t " WHERE cause > 0"
static int chrome_context(struct chrome *c, char *err, size_t errlen)
{
    int64_t hz = scalar(c->db, "SELECT hz FROM runs ORDER BY id LIMIT 1", 0);
    int64_t calls = scalar(c->db, "SELECT sum(value) FROM stats WHERE name = 'syscalls' AND " STATS_TOTAL, 0);
    int64_t cycles = scalar(c->db, "SELECT sum(value) FROM stats WHERE name = 'syscall_cycles' AND "
                           STATS_TOTAL, 0);
    c->hz = hz > 0 ? (uint64_t)hz : 0;
    c->syscall_cost = calls > 0 ? cycles / calls : 0;
    c->j.us_per_cycle = 1e6 / (double)(c->hz ? c->hz : 1000000000u);
    if (map_load(c->db, "SELECT cause, min(cycle) FROM (" CAUSED("translations") " UNION ALL"
                 CAUSED("faults") " UNION ALL" CAUSED("allocations") " UNION ALL" CAUSED("vmas")
                 " UNION ALL" CAUSED("tlb_flushes") " UNION ALL" CAUSED("uaccess") " UNION ALL"
                 CAUSED("file_maps") ") GROUP BY cause", &c->first_caused) ||
        map_load(c->db, "SELECT enter_seq, pid FROM syscalls WHERE enter_seq IS NOT NULL"
                 " UNION ALL SELECT begin_seq, pid FROM faults WHERE begin_seq IS NOT NULL",
                 &c->cause_pid)) {
        damaged(c->db, err, errlen);
        return -1;
    }
    return 0;
}

/* ---- the event kinds -------------------------------------------------- */

typedef int row_writer(struct chrome *c, sqlite3_stmt *s);

/* Each row of sql through w; -1 with err set on an SQL error. */
static int each_row(struct chrome *c, const char *sql, row_writer *w, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    int r;
    if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
        damaged(c->db, err, errlen);
        return -1;
    }
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        w(c, s);
    if (r != SQLITE_DONE)
        damaged(c->db, err, errlen);
    sqlite3_finalize(s);
    return r == SQLITE_DONE ? 0 : -1;
}

static void metadata(struct chrome *c, const char *what, int64_t pid, int64_t tid, const char *name)
{
    FILE *f = c->j.out;
    fputs(c->j.events++ ? ",\n" : "\n", f);
    fprintf(f, "{\"ph\":\"M\",\"name\":\"%s\",\"ts\":0,\"pid\":%" PRId64 ",\"tid\":%" PRId64
            ",\"args\":{\"name\":", what, pid, tid);
    json_str(f, name);
    fputs("}}", f);
}

/* processes: pid, tid, comm */
static int w_process(struct chrome *c, sqlite3_stmt *s)
{
    int64_t pid = sqlite3_column_int64(s, 0), tid = sqlite3_column_int64(s, 1);
    const char *comm = (const char *)sqlite3_column_text(s, 2);
    char name[128];
    snprintf(name, sizeof name, "%s (pid %" PRId64 ")", comm ? comm : "process", pid);
    metadata(c, "process_name", pid, tid, name);
    metadata(c, "thread_name", pid, tid, comm ? comm : name);
    return 0;
}

/* syscalls: seq, cycle, pid, name, enter_seq, then args */
static int w_syscall(struct chrome *c, sqlite3_stmt *s)
{
    uint64_t end = (uint64_t)sqlite3_column_int64(s, 1);
    const int64_t *first = map_get(&c->first_caused, (uint64_t)sqlite3_column_int64(s, 4));
    uint64_t enter = first && (uint64_t)*first < end ? (uint64_t)*first : end;
    uint64_t begin = enter > (uint64_t)c->syscall_cost ? enter - (uint64_t)c->syscall_cost : 0;
    const char *name = (const char *)sqlite3_column_text(s, 3);
    ev_begin(&c->j, 'X', name ? name : "syscall", "syscall", begin, sqlite3_column_int64(s, 2));
    fprintf(c->j.out, ",\"dur\":%.3f", (double)(end - begin) * c->j.us_per_cycle);
    args_from_row(&c->j, s, 5, " arg0 arg1 arg2 arg3 arg4 arg5 ", NULL);
    ev_end(&c->j);
    return 0;
}

/* faults: seq, cycle, pid, kind, begin_seq, walk_cycle, then args */
static int w_fault(struct chrome *c, sqlite3_stmt *s)
{
    uint64_t end = (uint64_t)sqlite3_column_int64(s, 1), begin = end;
    const int64_t *first = map_get(&c->first_caused, (uint64_t)sqlite3_column_int64(s, 4));
    int known = 0;
    if (sqlite3_column_type(s, 5) != SQLITE_NULL && (uint64_t)sqlite3_column_int64(s, 5) <= begin)
        begin = (uint64_t)sqlite3_column_int64(s, 5), known = 1;
    if (first && (uint64_t)*first <= begin)
        begin = (uint64_t)*first, known = 1;
    char name[64];
    const char *kind = (const char *)sqlite3_column_text(s, 3);
    snprintf(name, sizeof name, "fault %s", kind ? kind : "?");
    ev_begin(&c->j, 'X', name, "fault", begin, sqlite3_column_int64(s, 2));
    fprintf(c->j.out, ",\"dur\":%.3f", (double)(end - begin) * c->j.us_per_cycle);
    args_from_row(&c->j, s, 6, " address eip ", known ? NULL : "\"begin\":\"unknown\"");
    ev_end(&c->j);
    return 0;
}

/* instants: seq, cycle, cause-or-pid, name, then args; pid_is_cause: the
 * third column is a cause seq to look the process up by */
static void instant(struct chrome *c, sqlite3_stmt *s, const char *cat, int pid_is_cause,
                    const char *hex)
{
    int64_t pid = sqlite3_column_int64(s, 2);
    if (pid_is_cause) {
        const int64_t *p = map_get(&c->cause_pid, (uint64_t)pid);
        pid = p ? *p : 0;
    }
    ev_begin(&c->j, 'i', (const char *)sqlite3_column_text(s, 3), cat,
             (uint64_t)sqlite3_column_int64(s, 1), pid);
    fputs(",\"s\":\"t\"", c->j.out);
    args_from_row(&c->j, s, 4, hex, NULL);
    ev_end(&c->j);
}

static int w_alloc(struct chrome *c, sqlite3_stmt *s)
{
    instant(c, s, "alloc", 1, NULL);
    return 0;
}

static int w_vma(struct chrome *c, sqlite3_stmt *s)
{
    instant(c, s, "vma", 0, " start stop flags ");
    return 0;
}

/* snapshots (when the trace has them; docs/TRACE_SCHEMA.md "snapshots", a
 * long table of one value per row): one counter event per snapshot and
 * track, its series gathered by SQLite's json_group_object — `free pages
 * ZONE` on the kernel's track with a series per buddy order (a stacked
 * chart whose height is the zone's free pages), and `memory pages` on each
 * process's track with `rss` and `pgtable-pages`.  Columns: cycle, pid,
 * name, the args object. */
#define SNAPSHOT_COUNTERS_SQL                                                \
    "SELECT cycle, 0, 'free pages ' || scope,"                               \
    " json_group_object(printf('order %02d', ord), value) FROM snapshots"    \
    " WHERE metric = 'free-pages' GROUP BY snap, scope"                      \
    " UNION ALL SELECT cycle, pid, 'memory pages',"                          \
    " json_group_object(metric, value) FROM snapshots WHERE pid IS NOT NULL" \
    " GROUP BY snap, pid ORDER BY 1"

static int w_counter(struct chrome *c, sqlite3_stmt *s)
{
    const char *args = (const char *)sqlite3_column_text(s, 3);
    ev_begin(&c->j, 'C', (const char *)sqlite3_column_text(s, 2), "snapshot",
             (uint64_t)sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
    fprintf(c->j.out, ",\"args\":%s}", args ? args : "{}");
    return 0;
}

static int write_events(struct chrome *c, char *err, size_t errlen)
{
    metadata(c, "process_name", 0, 0, "kernel (boot, no process)");
    metadata(c, "thread_name", 0, 0, "kernel");
    return each_row(c, "SELECT pid, tid, comm FROM processes ORDER BY start_seq", w_process,
                    err, errlen) ||
        each_row(c, "SELECT seq, cycle, pid, name, enter_seq, seq, nr, arg0, arg1, arg2, arg3,"
                 " arg4, arg5, ret, errno FROM syscalls ORDER BY seq", w_syscall, err, errlen) ||
        each_row(c, "SELECT f.seq, f.cycle, f.pid, f.kind, f.begin_seq, w.cycle, f.seq, f.address,"
                 " f.access, f.error_code, f.eip, f.resolution, f.pfn, f.cause FROM faults f"
                 " LEFT JOIN translations w ON w.seq = f.begin_seq - 1 AND w.result = 'fault'"
                 " ORDER BY f.seq", w_fault, err, errlen) ||
        each_row(c, "SELECT seq, cycle, cause, op || ' order ' || ord, seq, allocator, op, ord,"
                 " pfn, zone, purpose, cause FROM allocations ORDER BY seq", w_alloc, err, errlen) ||
        each_row(c, "SELECT seq, cycle, pid, 'vma ' || op, seq, op, start, stop, prot_str, flags,"
                 " name, cause FROM vmas ORDER BY seq", w_vma, err, errlen) ||
        (export_has_table(c->db, "snapshots", 0) == 1 &&
         each_row(c, SNAPSHOT_COUNTERS_SQL, w_counter, err, errlen));
}

int export_chrome(sqlite3 *db, FILE *out, char *err, size_t errlen)
{
    struct chrome c = { .db = db, .j = { .out = out } };
    int rc = EXPORT_BAD_INPUT;
    int txn = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    if (chrome_context(&c, err, errlen) == 0) {
        fputs("{\"traceEvents\":[", out);
        if (write_events(&c, err, errlen) == 0) {
            fprintf(out, "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"source\":\"memsim\","
                    "\"hz\":%" PRIu64 ",\"hz_recorded\":%s,\"syscall_entry_cycles\":%" PRId64 "}}\n",
                    c.hz ? c.hz : 1000000000u, c.hz ? "true" : "false", c.syscall_cost);
            rc = EXPORT_OK;
        }
    }
    if (txn)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    free(c.first_caused.e);
    free(c.cause_pid.e);
    if (rc == EXPORT_OK && (fflush(out) || ferror(out))) {
        set_err(err, errlen, "write error: %s", strerror(errno));
        rc = EXPORT_WRITE_ERROR;
    }
    return rc;
}

/*
 * diff.c — `memsim diff A B` (diff.h): totals side by side, then the first
 * divergence of the two outcome sequences, through the one comparator of
 * outcomes (outcome.h, which replay's checker uses too).
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "common/errmsg.h"
#include "trace/access_stream.h"
#include "trace/diff.h"
#include "trace/schema.h"
#include "trace/outcome.h"

/* ---- totals ----------------------------------------------------------- */

struct total {
    char name[64];
    double v[2];
    int ratio_only;             /* cpi: a real number */
};

struct totals {
    struct total *t;
    size_t n, cap;
};

static struct total *total_get(struct totals *ts, const char *name)
{
    for (size_t i = 0; i < ts->n; i++)
        if (!strcmp(ts->t[i].name, name))
            return &ts->t[i];
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? 2 * ts->cap : 32;
        struct total *t = realloc(ts->t, cap * sizeof *t);
        if (!t)
            return NULL;
        ts->t = t;
        ts->cap = cap;
    }
    struct total *t = &ts->t[ts->n++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    return t;
}

/* The rows (name, value) of sql into column side of ts; prefix names them. */
static int totals_query(sqlite3 *db, int side, const char *sql, const char *prefix,
                        struct totals *ts)
{
    sqlite3_stmt *s;
    int r;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        char name[64];
        const char *n = (const char *)sqlite3_column_text(s, 0);
        snprintf(name, sizeof name, "%s%s", prefix, n ? n : "?");
        struct total *t = total_get(ts, name);
        if (!t)
            break;
        t->v[side] = sqlite3_column_double(s, 1);
    }
    sqlite3_finalize(s);
    return r == SQLITE_DONE ? 0 : -1;
}

/* The totals of one trace, in the order they are shown; a name the other
 * trace has keeps its place. */
static int totals_read(sqlite3 *db, int side, struct totals *ts)
{
    static const char *const sql[][2] = {
        { "SELECT 'instructions', instructions FROM runs ORDER BY id LIMIT 1", "" },
        { "SELECT 'cycles', cycles FROM runs ORDER BY id LIMIT 1", "" },
        { "SELECT 'cpi', 0", "" },                          /* computed below */
        { "SELECT 'page faults', count(*) FROM faults", "" },
        { "SELECT kind, count(*) FROM faults GROUP BY kind ORDER BY kind", "  faults " },
        { "SELECT 'walks', sum(value) FROM stats WHERE name = 'walks' AND " STATS_TOTAL, "" },
        { "SELECT name, sum(value) FROM stats WHERE name LIKE '%.misses' AND " STATS_TOTAL
          " GROUP BY name"
          " ORDER BY min(rowid)", "" },
        { "SELECT 'frames allocated', coalesce(sum(1 << ord), 0) FROM allocations"
          " WHERE op = 'alloc' AND allocator NOT IN ('slab', 'vmalloc')", "" },
    };
    for (size_t i = 0; i < sizeof sql / sizeof *sql; i++)
        if (totals_query(db, side, sql[i][0], sql[i][1], ts))
            return -1;
    struct total *ins = total_get(ts, "instructions"), *cyc = total_get(ts, "cycles"),
                 *cpi = total_get(ts, "cpi");
    if (!ins || !cyc || !cpi)
        return -1;
    cpi->ratio_only = 1;
    cpi->v[side] = ins->v[side] > 0 ? cyc->v[side] / ins->v[side] : 0;
    return 0;
}

static void value_text(const struct total *t, int side, char *buf, size_t n)
{
    double v = t->v[side];
    if (t->ratio_only)
        snprintf(buf, n, "%.3f", v);
    else if (v > -9e15 && v < 9e15 && (double)(int64_t)v == v)
        snprintf(buf, n, "%" PRId64, (int64_t)v);
    else
        snprintf(buf, n, "%.3f", v);
}

/* B/A to two decimals, or four when two would hide that they differ
 * (1.0046, not 1.00): "1.00" is two equal totals. */
static void ratio_text(double a, double b, char *buf, size_t n)
{
    snprintf(buf, n, "%.2f", b / a);
    if (a != b && !strcmp(buf, "1.00"))
        snprintf(buf, n, "%.4f", b / a);
}

static void totals_print(const struct totals *ts, const char *name_a, const char *name_b,
                         FILE *out)
{
    size_t wn = strlen("total"), wv = 1;
    char a[40], b[40];
    for (size_t i = 0; i < ts->n; i++) {
        value_text(&ts->t[i], 0, a, sizeof a);
        value_text(&ts->t[i], 1, b, sizeof b);
        wn = strlen(ts->t[i].name) > wn ? strlen(ts->t[i].name) : wn;
        wv = strlen(a) > wv ? strlen(a) : wv;
        wv = strlen(b) > wv ? strlen(b) : wv;
    }
    fprintf(out, "A: %s\nB: %s\n\n", name_a, name_b);
    fprintf(out, "%-*s  %*s  %*s  %6s\n", (int)wn, "total", (int)wv, "A", (int)wv, "B", "B/A");
    for (size_t i = 0; i < ts->n; i++) {
        const struct total *t = &ts->t[i];
        char ratio[24] = "-";                   /* A is 0: no ratio */
        value_text(t, 0, a, sizeof a);
        value_text(t, 1, b, sizeof b);
        if (t->v[0] != 0)
            ratio_text(t->v[0], t->v[1], ratio, sizeof ratio);
        fprintf(out, "%-*s  %*s  %*s  %6s\n", (int)wn, t->name, (int)wv, a, (int)wv, b, ratio);
    }
}

/* ---- the outcome sequences -------------------------------------------- */

static void outcome_line(FILE *out, const char *who, const struct outcome *o)
{
    char text[512];
    if (!o) {
        fprintf(out, "  %s: (nothing: its sequence ends here)\n", who);
        return;
    }
    outcome_text(o, text, sizeof text);
    fprintf(out, "  %s: seq %" PRIu64 " (%s)  %s\n", who, o->seq, outcome_table(o->type), text);
}

/* The first index where a and b differ (one of them may end there), or
 * SIZE_MAX when they are the same. */
static size_t first_divergence(const struct outcome_list *a, const struct outcome_list *b)
{
    size_t n = a->nr < b->nr ? a->nr : b->nr;
    for (size_t i = 0; i < n; i++)
        if (!outcome_same(&a->rec[i], &b->rec[i]))
            return i;
    return a->nr == b->nr ? SIZE_MAX : n;
}

static int sequences_print(const struct outcome_list *a, const struct outcome_list *b, FILE *out)
{
    size_t at = first_divergence(a, b);
    if (at == SIZE_MAX) {
        fprintf(out, "\nevents: the same %zu kernel outcomes in both\n", a->nr);
        return DIFF_SAME;
    }
    const struct outcome *oa = at < a->nr ? &a->rec[at] : NULL, *ob = at < b->nr ? &b->rec[at] : NULL;
    fprintf(out, "\nevents: the first divergence is outcome %zu of %zu (A) / %zu (B), at A seq ",
            at + 1, a->nr, b->nr);
    if (oa)
        fprintf(out, "%" PRIu64, oa->seq);
    else
        fputs("-", out);
    fprintf(out, " (%s), B seq ", outcome_table((oa ? oa : ob)->type));
    if (ob)
        fprintf(out, "%" PRIu64, ob->seq);
    else
        fputs("-", out);
    fputs(":\n", out);
    if (at > 0) {
        size_t k = at < DIFF_CONTEXT ? at : DIFF_CONTEXT;
        fputs("  the events just before it (the same in both; A's seq):\n", out);
        for (size_t i = at - k; i < at; i++) {
            char text[512];
            outcome_text(&a->rec[i], text, sizeof text);
            fprintf(out, "    seq %" PRIu64 "  %s\n", a->rec[i].seq, text);
        }
    }
    outcome_line(out, "A", oa);
    outcome_line(out, "B", ob);
    return DIFF_DIFFERENT;
}

static char *trace_level(sqlite3 *db)
{
    sqlite3_stmt *s;
    char *v = NULL;
    if (sqlite3_prepare_v2(db, "SELECT trace_level FROM runs ORDER BY id LIMIT 1", -1, &s, NULL)
        == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        v = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
}

/* Traces of different levels: what one did not record shows as a
 * divergence, say why. */
static void levels_note(sqlite3 *a, sqlite3 *b, FILE *out)
{
    char *la = trace_level(a), *lb = trace_level(b);
    if (la && lb && strcmp(la, lb))
        fprintf(out, "\nnote: the traces record different levels (A: %s, B: %s); an event only one"
                " level records is a divergence\n", la, lb);
    free(la);
    free(lb);
}

/* 1 if db is what `memsim replay --db OUT` wrote (runs.replay_of). */
static int is_replay(sqlite3 *db)
{
    sqlite3_stmt *s;
    int yes = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM runs WHERE replay_of IS NOT NULL LIMIT 1", -1, &s,
                           NULL) == SQLITE_OK)
        yes = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return yes;
}

/* A replay's counters from a sampled access stream (run --sample): its
 * cycles and cache counts are the measured windows' only, their ratios an
 * estimate, so neither compares exactly.  (A sampled recording's own stats
 * are the CPU's, complete.) */
static void sampled_note(sqlite3 *db, const char *which, FILE *out)
{
    struct access_sampling sm;
    if (access_sampling_read(db, &sm) && is_replay(db))
        fprintf(out, "\nnote: %s simulated a sampled access stream (--sample %u:%u): its stats are "
                "the measured windows' counts, its rates and CPI an estimate, not exact\n", which,
                sm.period, sm.window);
}

static void read_error(sqlite3 *db, const char *name, char *err, size_t errlen)
{
    set_err(err, errlen, "%s: %s: %s", name, sqlite3_errcode(db) == SQLITE_CORRUPT
            ? "the trace is damaged or truncated" : "not a complete memsim trace",
            sqlite3_errmsg(db));
}

int trace_diff(sqlite3 *a, sqlite3 *b, const char *name_a, const char *name_b, FILE *out,
               char *err, size_t errlen)
{
    struct totals ts = { 0 };
    struct outcome_list la = { 0 }, lb = { 0 };
    char why[512];
    int rc = DIFF_BAD_INPUT;
    if (totals_read(a, 0, &ts)) {
        read_error(a, name_a, err, errlen);
        goto out;
    }
    if (totals_read(b, 1, &ts)) {
        read_error(b, name_b, err, errlen);
        goto out;
    }
    if (outcome_load(a, &la, NULL, why, sizeof why)) {
        set_err(err, errlen, "%s: %s", name_a, why);
        goto out;
    }
    if (outcome_load(b, &lb, NULL, why, sizeof why)) {
        set_err(err, errlen, "%s: %s", name_b, why);
        goto out;
    }
    totals_print(&ts, name_a, name_b, out);
    levels_note(a, b, out);
    sampled_note(a, "A", out);
    sampled_note(b, "B", out);
    rc = sequences_print(&la, &lb, out);
out:
    free(ts.t);
    outcome_free(&la);
    outcome_free(&lb);
    return rc;
}

/*
 * report_compare.c — `memsim report --html FILE TRACE...` with several
 * traces: one page that puts runs side by side (docs/ALLOCATORS.md: the
 * same workload under seven allocators).
 *
 * A totals table, one row per trace, then two line charts with one series
 * per trace.  Runs differ in length, so both charts share an x axis of
 * "share of the run" (cycle / the run's cycles, in per cent):
 *   - RSS (KiB) from the snapshots table (the first process's);
 *   - page faults so far, from the faults table, at most CHART_POINTS
 *     points a trace (every k-th fault).
 * A trace without a table leaves its series out; the page says nothing
 * is missing only if nothing is.
 */
#include <stdlib.h>
#include <string.h>
#include "trace/report.h"
#include "trace/report_priv.h"
#include "trace/report_svg.h"

#define CHART_POINTS 400
#define STR_(x) #x
#define STR(x) STR_(x)

struct points {
    size_t n, cap;
    double *x, *y;
};

static int points_add(struct points *p, double x, double y)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 128;
        double *nx = realloc(p->x, cap * sizeof *nx);
        if (nx)
            p->x = nx;
        double *ny = nx ? realloc(p->y, cap * sizeof *ny) : NULL;
        if (!ny)
            return -1;
        p->y = ny;
        p->cap = cap;
    }
    p->x[p->n] = x;
    p->y[p->n++] = y;
    return 0;
}

/* (x, y) rows of sql into p; a query that fails (a table the trace lacks)
 * gives none.  0, or -1 out of memory. */
static int points_query(sqlite3 *db, const char *sql, struct points *p)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return 0;
    int rc = 0;
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
        rc = points_add(p, sqlite3_column_double(s, 0), sqlite3_column_double(s, 1));
    sqlite3_finalize(s);
    return rc;
}

/* One chart with a series per trace, each from the same SQL. */
static int compare_chart(FILE *out, sqlite3 *const *dbs, const char *const *names, unsigned n,
                         const struct svg_chart *c, const char *sql)
{
    struct points *p = calloc(n, sizeof *p);
    struct svg_series *s = calloc(n, sizeof *s);
    int rc = p && s ? 0 : -1;
    for (unsigned i = 0; rc == 0 && i < n; i++) {
        rc = points_query(dbs[i], sql, &p[i]);
        s[i] = (struct svg_series){ names[i], p[i].n, p[i].x, p[i].y };
    }
    if (rc == 0)
        svg_line_chart(out, c, s, n);
    for (unsigned i = 0; p && i < n; i++) {
        free(p[i].x);
        free(p[i].y);
    }
    free(p);
    free(s);
    return rc;
}

static const char *const totals_cols[] = {
    "trace", "program", "exit", "instructions", "cycles", "page faults", "system calls",
    "brk growth (KiB)", "anonymous VMAs", "their size (KiB)", "peak RSS (KiB)",
};
static const char totals_sql[] =
    "SELECT (SELECT program FROM runs),"
    " (SELECT exit_reason || ' ' || exit_status FROM runs),"
    " (SELECT instructions FROM runs), (SELECT cycles FROM runs),"
    " (SELECT count(*) FROM faults), (SELECT count(*) FROM syscalls),"
    " (SELECT coalesce((max(ret) - min(ret)) / 1024, 0) FROM syscalls WHERE nr = 45 AND ret > 0),"
    " (SELECT count(*) FROM vmas WHERE op = 'map' AND name = ''),"
    " (SELECT coalesce(sum(stop - start), 0) / 1024 FROM vmas WHERE op = 'map' AND name = ''),"
    " (SELECT max(peak_rss_pages) * 4 FROM processes)";

static void totals_row(FILE *out, sqlite3 *db, const char *name)
{
    sqlite3_stmt *s = NULL;
    fputs("<tr><td>", out);
    html_escape(out, name);
    fputs("</td>", out);
    int ok = sqlite3_prepare_v2(db, totals_sql, -1, &s, NULL) == SQLITE_OK &&
             sqlite3_step(s) == SQLITE_ROW;
    for (int c = 0; c < 10; c++) {
        const unsigned char *v = ok ? sqlite3_column_text(s, c) : NULL;
        fputs(!v ? "<td class=\"null\">" : c >= 2 ? "<td class=\"num\">" : "<td>", out);
        html_escape(out, v ? (const char *)v : "");
        fputs("</td>", out);
    }
    sqlite3_finalize(s);
    fputs("</tr>\n", out);
}

int trace_report_compare_html(struct sqlite3 *const *dbs, const char *const *names, unsigned n,
                              FILE *out, char *err, size_t errlen)
{
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            "<title>memsim: %u traces compared</title>\n<style>%s</style>\n</head><body>\n"
            "<h1>memsim: %u traces compared</h1>\n", n, report_page_css, n);
    fputs("<section id=\"totals\"><h2>Totals</h2>\n<table><thead><tr>", out);
    for (size_t c = 0; c < sizeof totals_cols / sizeof *totals_cols; c++)
        fprintf(out, "<th>%s</th>", totals_cols[c]);
    fputs("</tr></thead><tbody>\n", out);
    for (unsigned i = 0; i < n; i++)
        totals_row(out, dbs[i], names[i]);
    fputs("</tbody></table></section>\n<section id=\"charts\"><h2>Over the run</h2>\n", out);
    static const struct svg_chart rss = { "chart-rss-compare", "RSS over the run",
                                          "share of the run (%)", "RSS (KiB)", 0 };
    static const struct svg_chart faults = { "chart-faults-compare", "Page faults so far",
                                             "share of the run (%)", "faults", 0 };
    int rc = compare_chart(out, dbs, names, n, &rss,
                           "SELECT cycle * 100.0 / (SELECT max(cycles, 1) FROM runs), value * 4"
                           " FROM snapshots WHERE metric = 'rss'"
                           " AND pid = (SELECT min(pid) FROM snapshots WHERE metric = 'rss')"
                           " ORDER BY snap");
    if (rc == 0)
        rc = compare_chart(out, dbs, names, n, &faults,
                           "WITH f AS (SELECT cycle, row_number() OVER (ORDER BY seq) AS k,"
                           " count(*) OVER () AS total FROM faults)"
                           " SELECT cycle * 100.0 / (SELECT max(cycles, 1) FROM runs), k FROM f"
                           " WHERE k % max(1, total / " STR(CHART_POINTS) ") = 0 OR k = total ORDER BY k");
    fputs("</section>\n</body></html>\n", out);
    if (rc) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (fflush(out) || ferror(out)) {
        snprintf(err, errlen, "write error");
        return -1;
    }
    return 0;
}

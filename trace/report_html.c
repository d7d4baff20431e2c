/*
 * report_html.c — `memsim report --html`: one self-contained page (report.h).
 * Inline CSS, no script, no external resource: the tables of report.c's
 * sections and the SVG charts of report_svg.c, from these queries:
 *
 *   faults and allocations over time   counts per 1/60 of the run (cycles;
 *                                      seq for an events file, which has none)
 *   free pages per buddy order         snapshots, summed over zones
 *   RSS over time                      snapshots, rss and pgtable-pages per pid
 *   address space                      the VMAs ever mapped (map, grow, brk,
 *                                      protect rows, merged where they touch
 *                                      and share a name) with the faults of
 *                                      their pages
 */
#include "common/errmsg.h"
#include "trace/report.h"
#include "trace/report_priv.h"
#include "trace/report_svg.h"

#include <stdlib.h>
#include <string.h>

#define TIME_BUCKETS 60
#define MAP_MAX_REGIONS 40
#define MAP_MAX_CELLS 160

const char report_page_css[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;"
    "max-width:1000px;color:#1d2330;background:#fff}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;"
    "border-bottom:1px solid #d5dae3;padding-bottom:3px}"
    "p.note{color:#5a6475;margin:2px 0 8px;font-size:13px}"
    "table{border-collapse:collapse;margin:4px 0 10px;font-size:13px}"
    "th,td{padding:2px 10px;border-bottom:1px solid #e8ebf0;text-align:left;"
    "white-space:nowrap}th{background:#f2f4f8;font-weight:600}td.num{text-align:right;"
    "font-variant-numeric:tabular-nums}td.null{color:#a0a7b4}"
    "svg.chart{width:100%;height:auto;display:block;margin:6px 0 14px;background:#fbfcfd;"
    "border:1px solid #e3e7ee}"
    "svg .axis{stroke:#5a6475;stroke-width:1}svg .grid{stroke:#e3e7ee;stroke-width:1}"
    "svg .series{fill:none;stroke-width:1.8}svg text{font:12px system-ui,sans-serif;"
    "fill:#333b4a}svg .title{font-weight:600;font-size:14px}"
    "svg .tick{font-size:11px;fill:#5a6475}svg .empty{fill:#8a93a3}"
    ".cols{display:flex;gap:28px;flex-wrap:wrap}";

/* ---- tables ---- */

static void html_table(FILE *out, const struct table *t)
{
    fputs("<table><thead><tr>", out);
    for (int c = 0; c < t->ncol; c++) {
        fputs("<th>", out);
        html_escape(out, t->names[c]);
        fputs("</th>", out);
    }
    fputs("</tr></thead><tbody>\n", out);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs("<tr>", out);
        for (int c = 0; c < t->ncol; c++) {
            const struct cell *cell = &t->cells[r * (size_t)t->ncol + (size_t)c];
            fputs(!cell->text ? "<td class=\"null\">" : cell->numeric ? "<td class=\"num\">"
                                                                      : "<td>", out);
            html_escape(out, cell->text ? cell->text : "");
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
}

static int html_section(FILE *out, sqlite3 *db, const struct report_section *sec,
                        char *err, size_t errlen)
{
    struct table t;
    char why[512];
    int rc = report_section_load(db, sec, &t, why, sizeof why);
    fprintf(out, "<section id=\"%s\"><h2>", sec->id);
    html_escape(out, sec->title);
    fputs("</h2>\n", out);
    if (sec->note) {
        fputs("<p class=\"note\">", out);
        html_escape(out, sec->note);
        fputs("</p>\n", out);
    }
    if (rc < 0)
        set_err(err, errlen, "%s: %s", sec->title, why);
    else if (rc > 0 || !t.nrows) {
        fputs("<p class=\"note\">", out);
        html_escape(out, rc > 0 ? why : "(none)");
        fputs("</p>\n", out);
    } else {
        html_table(out, &t);
    }
    fputs("</section>\n", out);
    table_free(&t);
    return rc < 0 ? -1 : 0;
}

/* ---- series from SQL ---- */

struct series_set {
    unsigned n;
    struct svg_series s[16];
    char name[16][48];
    size_t cap[16];
    double *x[16], *y[16];
};

static void series_free(struct series_set *set)
{
    for (unsigned i = 0; i < 16; i++) {
        free(set->x[i]);
        free(set->y[i]);
    }
}

/* The series called name (made on first use; 16 when 16 exist: ignored). */
static unsigned series_index(struct series_set *set, const char *name)
{
    for (unsigned i = 0; i < set->n; i++)
        if (!strcmp(set->name[i], name))
            return i;
    if (set->n == 16)
        return 16;
    snprintf(set->name[set->n], sizeof set->name[0], "%s", name);
    set->s[set->n].name = set->name[set->n];
    return set->n++;
}

static int series_add(struct series_set *set, unsigned i, double x, double y)
{
    if (i >= 16)
        return 0;
    struct svg_series *s = &set->s[i];
    if (s->n == set->cap[i]) {
        size_t cap = set->cap[i] ? 2 * set->cap[i] : 64;
        double *nx = realloc(set->x[i], cap * sizeof *nx);
        if (nx)
            set->x[i] = nx;
        double *ny = nx ? realloc(set->y[i], cap * sizeof *ny) : NULL;
        if (!ny)
            return -1;
        set->y[i] = ny;
        set->cap[i] = cap;
    }
    set->x[i][s->n] = x;
    set->y[i][s->n] = y;
    s->n++;
    s->x = set->x[i];
    s->y = set->y[i];
    return 0;
}

/* Rows of (series name, x, y) from sql; a failing query (a table this
 * trace lacks) gives no series.  0 or -1 (out of memory). */
static int series_query(sqlite3 *db, const char *sql, struct series_set *set)
{
    sqlite3_stmt *s;
    int rc = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return 0;
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *name = sqlite3_column_text(s, 0);
        rc = series_add(set, series_index(set, name ? (const char *)name : "?"),
                        sqlite3_column_double(s, 1), sqlite3_column_double(s, 2));
    }
    sqlite3_finalize(s);
    return rc;
}

static int chart(FILE *out, sqlite3 *db, const struct svg_chart *c, const char *sql)
{
    struct series_set set = { 0 };
    int rc = series_query(db, sql, &set);
    if (rc == 0)
        svg_line_chart(out, c, set.s, set.n);
    series_free(&set);
    return rc;
}

/* Faults, allocations and frees per 1/TIME_BUCKETS of the run. */
static int chart_over_time(FILE *out, sqlite3 *db, int have_cycles)
{
    const char *t = have_cycles ? "cycle" : "seq";
    long long end = report_int(db, have_cycles ? "SELECT cycles FROM runs"
                                               : "SELECT max(seq) FROM faults", 0);
    end = end > 0 ? end : 1;
    char *sql = sqlite3_mprintf(
        "WITH e AS (SELECT 'faults' AS s, %s AS t FROM faults"
        " UNION ALL SELECT CASE op WHEN 'free' THEN 'frees' ELSE 'allocations' END, %s"
        " FROM allocations WHERE allocator = 'buddy'),"
        " b AS (SELECT s, min(%d, t * %d / %lld) AS b, count(*) AS n FROM e GROUP BY s, b),"
        " k(b) AS (SELECT 0 UNION ALL SELECT b + 1 FROM k WHERE b < %d),"
        " names(s) AS (SELECT DISTINCT s FROM e)"
        " SELECT names.s, (k.b + 0.5) * %lld / %d, coalesce(b.n, 0) FROM names, k"
        " LEFT JOIN b ON b.s = names.s AND b.b = k.b ORDER BY names.s, k.b",
        t, t, TIME_BUCKETS - 1, TIME_BUCKETS, end, TIME_BUCKETS - 1, end, TIME_BUCKETS);
    if (!sql)
        return -1;
    struct svg_chart c = { "chart-over-time", "Faults and buddy allocations over time",
                           have_cycles ? "cycle" : "seq (this trace has no cycles)",
                           "events per 1/60 of the run", 0 };
    int rc = chart(out, db, &c, sql);
    sqlite3_free(sql);
    return rc;
}

static int snapshot_charts(FILE *out, sqlite3 *db)
{
    static const struct svg_chart buddy = { "chart-buddy", "Free pages per buddy order",
                                            "cycle", "free pages", 1 };
    static const struct svg_chart rss = { "chart-rss", "RSS and page tables over time",
                                          "cycle", "pages", 0 };
    int rc = chart(out, db, &buddy,
                   "SELECT printf('order %2d', ord), min(cycle), sum(value) FROM snapshots"
                   " WHERE metric = 'free-pages' GROUP BY snap, ord ORDER BY ord, snap");
    if (rc == 0)
        rc = chart(out, db, &rss,
                   "SELECT printf('%s %d', CASE metric WHEN 'rss' THEN 'RSS' ELSE"
                   " 'page tables' END, pid), cycle, value FROM snapshots"
                   " WHERE metric IN ('rss', 'pgtable-pages') ORDER BY metric DESC, pid, snap");
    return rc;
}

/* ---- the address-space map ---- */

struct map {
    unsigned nr;
    struct svg_region r[MAP_MAX_REGIONS];
    char *names[MAP_MAX_REGIONS];
};

static void map_free(struct map *m)
{
    for (unsigned i = 0; i < m->nr; i++) {
        free(m->r[i].cells);
        free(m->names[i]);
    }
}

/* The VMAs ever mapped, by start: ranges of the same name that overlap or
 * touch are one band (a VMA that grew, was split by mprotect or moved its
 * brk).  The first MAP_MAX_REGIONS by address. */
static int map_regions(sqlite3 *db, struct map *m)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT start, stop, coalesce(nullif(name, ''), '[anon]')"
                           " FROM vmas WHERE op <> 'unmap' AND stop > start"
                           " ORDER BY start, stop", -1, &s, NULL) != SQLITE_OK)
        return 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        uint32_t start = (uint32_t)sqlite3_column_int64(s, 0);
        uint32_t stop = (uint32_t)sqlite3_column_int64(s, 1);
        const char *name = (const char *)sqlite3_column_text(s, 2);
        struct svg_region *last = m->nr ? &m->r[m->nr - 1] : NULL;
        if (last && start <= last->stop && !strcmp(last->name, name)) {
            last->stop = stop > last->stop ? stop : last->stop;
            continue;
        }
        if (last && start < last->stop)     /* inside another VMA's range: a later change */
            start = last->stop;
        if (start >= stop || m->nr == MAP_MAX_REGIONS)
            continue;
        if (!(m->names[m->nr] = strdup(name))) {
            sqlite3_finalize(s);
            return -1;
        }
        m->r[m->nr] = (struct svg_region){ .start = start, .stop = stop,
                                           .name = m->names[m->nr] };
        m->nr++;
    }
    sqlite3_finalize(s);
    return 0;
}

/* Each fault into the cell of its page's band. */
static int map_faults(sqlite3 *db, struct map *m)
{
    for (unsigned i = 0; i < m->nr; i++) {
        uint32_t pages = (m->r[i].stop - m->r[i].start + 4095) / 4096;
        m->r[i].ncells = pages < MAP_MAX_CELLS ? (pages ? pages : 1) : MAP_MAX_CELLS;
        if (!(m->r[i].cells = calloc(m->r[i].ncells, sizeof *m->r[i].cells)))
            return -1;
    }
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT address FROM faults", -1, &s, NULL) != SQLITE_OK)
        return 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        uint32_t a = (uint32_t)sqlite3_column_int64(s, 0);
        for (unsigned i = 0; i < m->nr; i++) {
            struct svg_region *r = &m->r[i];
            if (a < r->start || a >= r->stop)
                continue;
            uint64_t c = (uint64_t)(a - r->start) * r->ncells / (r->stop - r->start);
            r->cells[c]++;
            r->faults++;
            break;
        }
    }
    sqlite3_finalize(s);
    return 0;
}

static int address_map(FILE *out, sqlite3 *db)
{
    struct map m = { 0 };
    int rc = map_regions(db, &m);
    if (rc == 0)
        rc = map_faults(db, &m);
    if (rc == 0)
        svg_address_map(out, "address-map", m.r, m.nr);
    map_free(&m);
    return rc;
}

/* ---- the page ---- */

static void page_head(FILE *out, sqlite3 *db)
{
    sqlite3_stmt *s;
    const char *program = "?";
    if (sqlite3_prepare_v2(db, "SELECT program, cycles FROM runs", -1, &s, NULL) != SQLITE_OK)
        s = NULL;
    if (s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        program = (const char *)sqlite3_column_text(s, 0);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n"
          "<link rel=\"icon\" href=\"data:,\">\n<title>memsim report: ", out);
    html_escape(out, program);
    fprintf(out, "</title>\n<style>%s</style>\n</head><body>\n<h1>memsim report: ", report_page_css);
    html_escape(out, program);
    fputs("</h1>\n<p class=\"note\">Written by <code>memsim report --html</code>; every chart"
          " is drawn from the trace's tables (docs/TRACE_SCHEMA.md).</p>\n", out);
    sqlite3_finalize(s);
}

static int page_charts(FILE *out, sqlite3 *db)
{
    int have_cycles = report_int(db, "SELECT count(*) FROM runs WHERE cycles IS NOT NULL", 0) > 0;
    fputs("<section id=\"charts\"><h2>Over time</h2>\n", out);
    int rc = chart_over_time(out, db, have_cycles);
    if (rc == 0)
        rc = snapshot_charts(out, db);
    fputs("</section>\n<section id=\"map\"><h2>Address space</h2>\n", out);
    if (rc == 0)
        rc = address_map(out, db);
    fputs("</section>\n", out);
    return rc;
}

int trace_report_html(sqlite3 *db, FILE *out, char *err, size_t errlen)
{
    report_functions(db);
    page_head(out, db);
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < report_nr_sections; i++) {
        rc = html_section(out, db, &report_sections[i], err, errlen);
        if (rc == 0 && !strcmp(report_sections[i].id, "run") && page_charts(out, db)) {
            set_err(err, errlen, "out of memory");
            rc = -1;
        }
    }
    fputs("</body></html>\n", out);
    if (rc == 0 && (fflush(out) || ferror(out))) {
        set_err(err, errlen, "write error");
        rc = -1;
    }
    return rc;
}

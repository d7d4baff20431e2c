/*
 * query.c — `memsim query DB SQL`: run SQL read-only against a trace and
 * print each result as an aligned table or as RFC 4180 CSV.
 *
 * Table mode buffers a statement's whole result to size its columns.
 * Reals print as the shortest text that reads back as the same double.
 * Integer and real columns (every non-NULL value numeric) are right-aligned,
 * everything else left-aligned; NULL prints as nothing.  Columns are
 * separated by two spaces, the header is underlined with dashes, and
 * consecutive results are separated by a blank line.
 * CSV mode streams: a header record, then one record per row, CRLF line
 * ends, fields quoted when they contain a comma, quote, CR or LF.
 */
#include "common/errmsg.h"
#include "trace/csv_priv.h"
#include "trace/trace.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct cell {
    char *text;             /* NULL for SQL NULL */
    int   numeric;
};

struct result {
    int ncol;
    size_t nrows, cap;      /* rows buffered / allocated */
    struct cell *cells;     /* nrows * ncol, row-major */
};

/* Column i of the current row as text (integers in decimal, blobs as hex),
 * malloc'd; NULL for SQL NULL.  *ok is cleared when memory runs out. */
static char *cell_text(sqlite3_stmt *s, int i, int *ok)
{
    static const char hex[] = "0123456789abcdef";
    char *p = NULL;
    int type = sqlite3_column_type(s, i);
    if (type == SQLITE_NULL)
        return NULL;
    if (type == SQLITE_INTEGER) {
        p = malloc(24);
        if (p)
            snprintf(p, 24, "%lld", (long long)sqlite3_column_int64(s, i));
    } else if (type == SQLITE_FLOAT) {
        /* the shortest text that reads back as the same double (SQLite's
         * own text keeps 15 digits and loses the rest) */
        double v = sqlite3_column_double(s, i);
        if ((p = malloc(32)))
            for (int digits = 15; digits <= 17; digits++) {
                snprintf(p, 32, "%.*g", digits, v);
                if (strtod(p, NULL) == v)
                    break;
            }
    } else if (type == SQLITE_BLOB) {
        const unsigned char *b = sqlite3_column_blob(s, i);
        size_t n = (size_t)sqlite3_column_bytes(s, i);
        p = malloc(2 * n + 4);
        if (p) {
            size_t k = 0;
            p[k++] = 'x';
            p[k++] = '\'';
            for (size_t j = 0; j < n; j++) {
                p[k++] = hex[b[j] >> 4];
                p[k++] = hex[b[j] & 15];
            }
            p[k++] = '\'';
            p[k] = '\0';
        }
    } else {
        const unsigned char *txt = sqlite3_column_text(s, i);
        p = strdup(txt ? (const char *)txt : "");
    }
    if (!p)
        *ok = 0;
    return p;
}

/* Display width: UTF-8 code points (continuation bytes don't count). */
static size_t width_of(const char *s)
{
    size_t w = 0;
    for (; s && *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* One line of a table.  Padding is written lazily, only before the next
 * visible text, so lines carry no trailing blanks. */
static void print_line(FILE *out, const char *const *text, const size_t *width,
                       const int *right, int n)
{
    size_t pending = 0;
    for (int c = 0; c < n; c++) {
        size_t w = width_of(text[c]);
        size_t fill = width[c] > w ? width[c] - w : 0;
        if (right[c])
            pending += fill;
        if (w) {
            for (; pending; pending--)
                fputc(' ', out);
            fputs(text[c], out);
        }
        if (!right[c])
            pending += fill;
        pending += 2;
    }
    fputc('\n', out);
}

/* Column widths and alignment over the header and all buffered rows. */
static void measure(sqlite3_stmt *s, const struct result *r, size_t *width, int *right)
{
    size_t n = (size_t)r->ncol;
    for (size_t c = 0; c < n; c++) {
        int any = 0, all = 1;
        width[c] = width_of(sqlite3_column_name(s, (int)c));
        for (size_t row = 0; row < r->nrows; row++) {
            const struct cell *cell = &r->cells[row * n + c];
            size_t w = width_of(cell->text);
            if (w > width[c])
                width[c] = w;
            if (cell->text) {
                any = 1;
                all &= cell->numeric;
            }
        }
        right[c] = any && all;
    }
}

static int print_table(FILE *out, sqlite3_stmt *s, const struct result *r)
{
    size_t n = (size_t)r->ncol, widest = 0;
    size_t *width = calloc(n, sizeof *width);
    int *right = calloc(n, sizeof *right);
    const char **text = calloc(n, sizeof *text);
    char *dashes = NULL;
    int rc = -1;
    if (!width || !right || !text)
        goto out;
    measure(s, r, width, right);
    for (size_t c = 0; c < n; c++)
        widest = width[c] > widest ? width[c] : widest;
    if (!(dashes = malloc(widest + 1)))
        goto out;
    memset(dashes, '-', widest);
    for (size_t c = 0; c < n; c++)
        text[c] = sqlite3_column_name(s, (int)c);
    print_line(out, text, width, right, (int)n);
    for (size_t c = 0; c < n; c++)
        text[c] = dashes + widest - width[c];
    dashes[widest] = '\0';
    print_line(out, text, width, right, (int)n);
    for (size_t row = 0; row < r->nrows; row++) {
        for (size_t c = 0; c < n; c++)
            text[c] = r->cells[row * n + c].text;
        print_line(out, text, width, right, (int)n);
    }
    rc = 0;
out:
    free(width);
    free(right);
    free(text);
    free(dashes);
    return rc;
}

static void free_result(struct result *r)
{
    for (size_t i = 0; i < r->nrows * (size_t)r->ncol; i++)
        free(r->cells[i].text);
    free(r->cells);
}

/* Append the current row of s to r.  Returns 0 or -1 (out of memory). */
static int buffer_row(struct result *r, sqlite3_stmt *s)
{
    int ok = 1;
    size_t n = (size_t)r->ncol;
    if (r->nrows == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        struct cell *cells = realloc(r->cells, cap * n * sizeof *cells);
        if (!cells)
            return -1;
        r->cells = cells;
        r->cap = cap;
    }
    struct cell *row = &r->cells[r->nrows * n];
    for (int c = 0; c < r->ncol; c++) {
        int type = sqlite3_column_type(s, c);
        row[c].numeric = type == SQLITE_INTEGER || type == SQLITE_FLOAT;
        row[c].text = cell_text(s, c, &ok);
    }
    r->nrows++;
    return ok ? 0 : -1;
}

void csv_field(FILE *out, const char *text, int last)
{
    if (text && strpbrk(text, ",\"\r\n")) {
        fputc('"', out);
        for (const char *p = text; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else if (text) {
        fputs(text, out);
    }
    fputs(last ? "\r\n" : ",", out);
}

static int csv_row(FILE *out, sqlite3_stmt *s, int ncol)
{
    int ok = 1;
    for (int c = 0; c < ncol; c++) {
        char *text = cell_text(s, c, &ok);
        csv_field(out, text, c == ncol - 1);
        free(text);
    }
    return ok ? 0 : -1;
}

/* Step s to the end, printing its rows.  Returns 0, or -1 with err set. */
static int run_statement(sqlite3 *db, sqlite3_stmt *s, int csv, FILE *out,
                         int *printed, char *err, size_t errlen)
{
    struct result r = { .ncol = sqlite3_column_count(s) };
    int rc, oom = 0;
    if (csv)
        for (int c = 0; c < r.ncol; c++)
            csv_field(out, sqlite3_column_name(s, c), c == r.ncol - 1);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (r.ncol && (csv ? csv_row(out, s, r.ncol) : buffer_row(&r, s)) != 0) {
            oom = 1;
            break;
        }
    }
    if (!oom && rc != SQLITE_DONE) {
        set_err(err, errlen, "SQL error: %s", sqlite3_errmsg(db));
        free_result(&r);
        return -1;
    }
    if (!oom && !csv && r.ncol > 0) {
        if ((*printed)++)
            fputc('\n', out);
        oom = print_table(out, s, &r) != 0;
    }
    if (oom)
        set_err(err, errlen, "out of memory");
    free_result(&r);
    return oom ? -1 : 0;
}

int csv_statement(sqlite3 *db, sqlite3_stmt *s, FILE *out, char *err, size_t errlen)
{
    int printed = 0;
    return run_statement(db, s, 1, out, &printed, err, errlen);
}

int trace_query(const char *db_path, const char *sql, int csv, FILE *out,
                char *err, size_t errlen)
{
    struct stat st;
    sqlite3 *db = NULL;
    int printed = 0, rc = 0;
    if (!db_path || !sql) {
        set_err(err, errlen, "no trace or no SQL given");
        return -1;
    }
    /* Without SQLITE_OPEN_CREATE SQLite fails on a missing file, but with
     * a vague message: say which problem it is.  Anything but a regular
     * file is refused before SQLite opens it (a FIFO would block open). */
    int e = stat(db_path, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (e || !S_ISREG(st.st_mode)) {
        set_err(err, errlen, "cannot open trace '%s': %s", db_path,
                e ? strerror(e) : "not a regular file");
        return -1;
    }
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        set_err(err, errlen, "cannot open trace '%s': %s", db_path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    /* ATTACH counts as read-only for sqlite3_stmt_readonly (it changes no
     * file of this connection) but may create one: no attached databases. */
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    for (const char *tail = sql; rc == 0 && tail && *tail; ) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db, tail, -1, &s, &tail) != SQLITE_OK) {
            set_err(err, errlen, "SQL error: %s", sqlite3_errmsg(db));
            rc = -1;
        } else if (s && !sqlite3_stmt_readonly(s)) {
            set_err(err, errlen, "SQL error: '%s' is not a read-only statement (query never"
                    " changes or creates a file)", sqlite3_sql(s));
            rc = -1;
        } else if (s) {
            rc = run_statement(db, s, csv, out, &printed, err, errlen);
        }
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    if (rc == 0 && fflush(out) != 0) {
        set_err(err, errlen, "cannot write output: %s", strerror(errno));
        rc = -1;
    }
    return rc;
}

/*
 * table.c — a statement's result buffered as text cells, and printed as an
 * aligned table (table.h): `memsim query` and `memsim report` print their
 * tables through it.
 *
 * Integer and real columns (every non-NULL value numeric) are right-aligned,
 * everything else left-aligned; NULL prints as nothing.  Columns are
 * separated by two spaces and the header is underlined with dashes.
 */
#include "trace/table.h"

#include <stdlib.h>
#include <string.h>



/* Column i of the current row as text (integers in decimal, blobs as hex),
 * malloc'd; NULL for SQL NULL.  *ok is cleared when memory runs out. */
char *table_cell_text(sqlite3_stmt *s, int i, int *ok)
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
static void measure(const struct table *r, size_t *width, int *right)
{
    size_t n = (size_t)r->ncol;
    for (size_t c = 0; c < n; c++) {
        int any = 0, all = 1;
        width[c] = width_of(r->names[c]);
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

int table_print(FILE *out, const struct table *r)
{
    size_t n = (size_t)r->ncol, widest = 0;
    size_t *width = calloc(n, sizeof *width);
    int *right = calloc(n, sizeof *right);
    const char **text = calloc(n, sizeof *text);
    char *dashes = NULL;
    int rc = -1;
    if (!width || !right || !text)
        goto out;
    measure(r, width, right);
    for (size_t c = 0; c < n; c++)
        widest = width[c] > widest ? width[c] : widest;
    if (!(dashes = malloc(widest + 1)))
        goto out;
    memset(dashes, '-', widest);
    for (size_t c = 0; c < n; c++)
        text[c] = r->names[c];
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

void table_free(struct table *r)
{
    for (int c = 0; c < r->ncol && r->names; c++)
        free(r->names[c]);
    free(r->names);
    for (size_t i = 0; i < r->nrows * (size_t)r->ncol; i++)
        free(r->cells[i].text);
    free(r->cells);
}

/* Append the current row of s to r.  Returns 0 or -1 (out of memory). */
int table_add_row(struct table *r, sqlite3_stmt *s)
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
        row[c].text = table_cell_text(s, c, &ok);
    }
    r->nrows++;
    return ok ? 0 : -1;
}

int table_begin(struct table *r, sqlite3_stmt *s)
{
    memset(r, 0, sizeof *r);
    r->ncol = sqlite3_column_count(s);
    if (!r->ncol)
        return 0;
    if (!(r->names = calloc((size_t)r->ncol, sizeof *r->names)))
        return -1;
    for (int c = 0; c < r->ncol; c++)
        if (!(r->names[c] = strdup(sqlite3_column_name(s, c))))
            return -1;
    return 0;
}

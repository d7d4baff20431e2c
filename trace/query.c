/*
 * query.c — `memsim query DB SQL`: run SQL read-only against a trace and
 * print each result as an aligned table or as RFC 4180 CSV.
 *
 * Table mode buffers a statement's whole result to size its columns and
 * prints it aligned (table.c; reals as the shortest text that reads back
 * as the same double); consecutive results are separated by a blank line.
 * CSV mode streams: a header record, then one record per row, CRLF line
 * ends, fields quoted when they contain a comma, quote, CR or LF.
 */
#include "common/errmsg.h"
#include "trace/csv_priv.h"
#include "trace/trace.h"
#include "trace/trace_file.h"
#include "trace/table.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
        char *text = table_cell_text(s, c, &ok);
        csv_field(out, text, c == ncol - 1);
        free(text);
    }
    return ok ? 0 : -1;
}

/* Step s to the end, printing its rows.  Returns 0, or -1 with err set. */
static int run_statement(sqlite3 *db, sqlite3_stmt *s, int csv, FILE *out,
                         int *printed, char *err, size_t errlen)
{
    struct table r;
    int rc, oom = table_begin(&r, s) != 0;
    if (csv && !oom)
        for (int c = 0; c < r.ncol; c++)
            csv_field(out, r.names[c], c == r.ncol - 1);
    while (!oom && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (r.ncol && (csv ? csv_row(out, s, r.ncol) : table_add_row(&r, s)) != 0) {
            oom = 1;
            break;
        }
    }
    if (!oom && rc != SQLITE_DONE) {
        set_err(err, errlen, "SQL error: %s", sqlite3_errmsg(db));
        table_free(&r);
        return -1;
    }
    if (!oom && !csv && r.ncol > 0) {
        if ((*printed)++)
            fputc('\n', out);
        oom = table_print(out, &r) != 0;
    }
    if (oom)
        set_err(err, errlen, "out of memory");
    table_free(&r);
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
    sqlite3 *db = NULL;
    int printed = 0, rc = 0;
    if (!db_path || !sql) {
        set_err(err, errlen, "no trace or no SQL given");
        return -1;
    }
    char why[512];
    if (trace_open_read(db_path, &db, why, sizeof why)) {
        set_err(err, errlen, "cannot open trace '%s': %s", db_path, why);
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

/*
 * export_csv.c — `memsim export --format csv --table T`: one table or view
 * of a trace as RFC 4180 CSV (export.h), written by the one CSV writer
 * (csv_priv.h, shared with `memsim query --csv`).
 *
 * T is checked against the trace's own tables and views (sqlite_master),
 * never pasted into SQL unchecked; an unknown T is bad input, and the
 * message lists the valid names.  A table whose rows are not what a user
 * wants as CSV (the compact access stream: blocks to decode) has its own
 * exporter in csv_special[]; every other table is `SELECT *` in its stored
 * order (rowid: seq for the event tables) and a view in its own ORDER BY.
 */
#include <errno.h>
#include <string.h>
#include "common/errmsg.h"
#include "trace/access_stream.h"
#include "trace/csv_priv.h"
#include "trace/export.h"

/* A table-specific exporter: writes the CSV of that table to out;
 * EXPORT_OK, or EXPORT_BAD_INPUT / EXPORT_WRITE_ERROR with err set. */
typedef int csv_table_writer(sqlite3 *db, FILE *out, char *err, size_t errlen);

/* `accesses`: the access stream (access_blocks) decoded, one row per access
 * (trace/access_csv.c); a trace recorded without it is bad input. */
static int accesses_csv(sqlite3 *db, FILE *out, char *err, size_t errlen)
{
    if (!access_blocks_present(db)) {
        set_err(err, errlen, "this trace has no access stream (record with --trace accesses)");
        return EXPORT_BAD_INPUT;
    }
    return access_csv_write(db, out, err, errlen) ? EXPORT_BAD_INPUT : EXPORT_OK;
}

/* Tables with their own exporter, looked up before the generic path; each
 * name is listed among the valid tables like a real one. */
static const struct csv_special {
    const char *table;
    csv_table_writer *write;
} csv_special[] = {
    { "accesses", accesses_csv },
    { NULL, NULL },
};

static const struct csv_special *special_find(const char *table)
{
    for (const struct csv_special *c = csv_special; c->table; c++)
        if (!strcmp(c->table, table))
            return c;
    return NULL;
}

/* The trace's tables and views, comma-separated, into buf (for the
 * message naming an unknown table). */
static void list_tables(sqlite3 *db, char *buf, size_t n)
{
    sqlite3_stmt *s;
    size_t used = 0;
    buf[0] = '\0';
    for (const struct csv_special *c = csv_special; c->table; c++)
        used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s", used ? ", " : "",
                                 c->table);
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                           " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                           -1, &s, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(s) == SQLITE_ROW && used < n)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "",
                                 (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

static int write_generic(sqlite3 *db, const char *table, FILE *out, char *err, size_t errlen)
{
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", table);
    sqlite3_stmt *s = NULL;
    int rc = EXPORT_BAD_INPUT;
    if (!sql) {
        set_err(err, errlen, "out of memory");
        return EXPORT_WRITE_ERROR;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        set_err(err, errlen, "table %s: %s", table, sqlite3_errmsg(db));
    else if (csv_statement(db, s, out, err, errlen) == 0)
        rc = EXPORT_OK;
    else if (sqlite3_errcode(db) == SQLITE_CORRUPT)
        set_err(err, errlen, "the trace is damaged or truncated: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    sqlite3_free(sql);
    return rc;
}

int export_csv(sqlite3 *db, const char *table, FILE *out, char *err, size_t errlen)
{
    const struct csv_special *sp = special_find(table);
    int rc;
    if (sp) {
        rc = sp->write(db, out, err, errlen);
    } else {
        int ex = export_has_table(db, table, 1);
        if (ex <= 0) {
            char names[2048];
            list_tables(db, names, sizeof names);
            set_err(err, errlen, ex < 0 ? "not a readable trace: %s" : "unknown table '%s' "
                    "(the trace has: %s)", ex < 0 ? sqlite3_errmsg(db) : table, names);
            return EXPORT_BAD_INPUT;
        }
        rc = write_generic(db, table, out, err, errlen);
    }
    if (rc == EXPORT_OK && (fflush(out) || ferror(out))) {
        set_err(err, errlen, "write error: %s", strerror(errno));
        rc = EXPORT_WRITE_ERROR;
    }
    return rc;
}

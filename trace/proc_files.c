/*
 * proc_files.c — reading the proc_files table (see proc_files.h).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/proc_files.h"

static int has_table(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                           " AND name = 'proc_files'", -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return -1;
    }
    int found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    if (!found)
        snprintf(err, errlen, "the trace has no proc_files table (recorded before memsim kept /proc)");
    return found ? 0 : 1;
}

/* *out: the statement selecting FILE's row (see proc_files.h).  0; 2 for
 * a FILE of no form; -1 when SQLite fails; err says why. */
static int select_file(sqlite3 *db, const char *file, sqlite3_stmt **out, char *err,
                       size_t errlen)
{
    static const char *const sql[] = {
        /* NAME: the machine's, else the first process's */
        "SELECT data FROM proc_files WHERE name = ?1 ORDER BY pid IS NOT NULL,"
        " pid = (SELECT pid FROM proc_files WHERE pid IS NOT NULL ORDER BY rowid LIMIT 1) DESC,"
        " rowid LIMIT 1",
        /* PID/NAME */
        "SELECT data FROM proc_files WHERE name = ?1 AND pid = ?2 ORDER BY rowid LIMIT 1",
        /* self/NAME: the first process's */
        "SELECT data FROM proc_files WHERE name = ?1 AND pid = (SELECT pid FROM proc_files"
        " WHERE pid IS NOT NULL ORDER BY rowid LIMIT 1) ORDER BY rowid LIMIT 1",
    };
    const char *slash = strchr(file, '/');
    if (slash && !strncmp(file, "sysvipc/", 8))
        slash = NULL;                   /* a machine file in a directory: /proc/sysvipc/shm */
    int form = !slash ? 0 : !strncmp(file, "self/", 5) ? 2 : 1;
    char *end = NULL;
    long pid = form == 1 ? strtol(file, &end, 10) : 0;
    if (form == 1 && (end != slash || pid <= 0)) {
        snprintf(err, errlen, "%s: expected NAME, PID/NAME or self/NAME", file);
        return 2;
    }
    if (sqlite3_prepare_v2(db, sql[form], -1, out, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(*out, 1, slash ? slash + 1 : file, -1, SQLITE_TRANSIENT);
    if (form == 1)
        sqlite3_bind_int64(*out, 2, pid);
    return 0;
}

int trace_proc_file(sqlite3 *db, const char *file, FILE *out, char *err, size_t errlen)
{
    int r = has_table(db, err, errlen);
    if (r)
        return r;
    if (!strncmp(file, "/proc/", 6))
        file += 6;
    sqlite3_stmt *s;
    if ((r = select_file(db, file, &s, err, errlen)))
        return r;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        snprintf(err, errlen, rc == SQLITE_DONE ? "no /proc/%s recorded in the trace" : "%s",
                 rc == SQLITE_DONE ? file : sqlite3_errmsg(db));
        sqlite3_finalize(s);
        return rc == SQLITE_DONE ? 1 : -1;
    }
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    const void *data = sqlite3_column_blob(s, 0);
    r = n && fwrite(data, 1, n, out) != n ? -1 : 0;
    if (r)
        snprintf(err, errlen, "write error");
    sqlite3_finalize(s);
    return r;
}

int trace_proc_list(sqlite3 *db, FILE *out, char *err, size_t errlen)
{
    int r = has_table(db, err, errlen);
    if (r)
        return r;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT pid, name FROM proc_files ORDER BY rowid", -1, &s,
                           NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return -1;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (sqlite3_column_type(s, 0) != SQLITE_NULL)
            fprintf(out, "%lld/", (long long)sqlite3_column_int64(s, 0));
        fprintf(out, "%s\n", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    return ferror(out) ? (snprintf(err, errlen, "write error"), -1) : 0;
}

/*
 * export.c — `memsim export`'s dispatch by format (export.h).
 */
#include <errno.h>
#include <string.h>
#include <sqlite3.h>
#include "common/errmsg.h"
#include "trace/export.h"

int export_format_parse(const char *name, enum export_format *f)
{
    static const struct { const char *name; enum export_format f; } formats[] = {
        { "events", EXPORT_EVENTS }, { "csv", EXPORT_CSV }, { "chrome", EXPORT_CHROME },
    };
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(name, formats[i].name)) {
            *f = formats[i].f;
            return 0;
        }
    return -1;
}

int export_has_table(struct sqlite3 *db, const char *name, int views)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE (type = 'table' OR (?2 AND"
                           " type = 'view')) AND name = ?1 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, views);
    int r = sqlite3_step(s);
    sqlite3_finalize(s);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

static int export_to(struct sqlite3 *db, const struct export_options *o, FILE *out,
                     char *err, size_t errlen)
{
    switch (o->format) {
    case EXPORT_CSV:
        if (!o->table) {
            set_err(err, errlen, "--format csv needs --table T");
            return EXPORT_BAD_INPUT;
        }
        return export_csv(db, o->table, out, err, errlen);
    case EXPORT_CHROME:
        return export_chrome(db, out, err, errlen);
    case EXPORT_EVENTS:
    default:
        if (!events_write(db, o->sel, out, err, errlen))
            return EXPORT_OK;
        /* events_write's write failures say so; anything else is the input */
        return strstr(err, "write error") ? EXPORT_WRITE_ERROR : EXPORT_BAD_INPUT;
    }
}

/* The format is written to a temporary file first and copied to out only
 * when it is complete: bad input (a trace damaged past its header) leaves
 * out empty, as the usage promises. */
int trace_export(struct sqlite3 *db, const struct export_options *o, FILE *out,
                 char *err, size_t errlen)
{
    FILE *tmp = tmpfile();
    char buf[65536];
    size_t n;
    if (!tmp) {
        set_err(err, errlen, "cannot create a temporary file: %s", strerror(errno));
        return EXPORT_WRITE_ERROR;
    }
    int rc = export_to(db, o, tmp, err, errlen);
    if (rc == EXPORT_OK && (fflush(tmp) || fseek(tmp, 0, SEEK_SET))) {
        set_err(err, errlen, "write error: %s", strerror(errno));
        rc = EXPORT_WRITE_ERROR;
    }
    while (rc == EXPORT_OK && (n = fread(buf, 1, sizeof buf, tmp)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            set_err(err, errlen, "write error: %s", strerror(errno));
            rc = EXPORT_WRITE_ERROR;
        }
    if (rc == EXPORT_OK && (ferror(tmp) || fflush(out))) {
        set_err(err, errlen, "write error: %s", strerror(errno));
        rc = EXPORT_WRITE_ERROR;
    }
    fclose(tmp);
    return rc;
}

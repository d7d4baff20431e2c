/*
 * export.h — `memsim export`: a trace in another format, for other tools.
 *
 *   events  the events file (trace/events_file.h), the default
 *   csv     one table or view as RFC 4180 CSV (export_csv.c): a header
 *           record, then one record per row, CRLF line ends, BLOBs as
 *           x'hex' (the same writer as `memsim query --csv`)
 *   chrome  Chrome trace-event JSON, the JSON Object Format, which
 *           Perfetto's UI and chrome://tracing open (export_chrome.c)
 *
 * trace_export() dispatches on the format.  Errors are returned, never
 * printed: EXPORT_BAD_INPUT (not a trace, an unknown table ...) or
 * EXPORT_WRITE_ERROR, with one line in err.
 */
#ifndef MEMSIM_TRACE_EXPORT_H
#define MEMSIM_TRACE_EXPORT_H

#include <stddef.h>
#include <stdio.h>
#include "trace/events_file.h"

struct sqlite3;

enum export_format { EXPORT_EVENTS, EXPORT_CSV, EXPORT_CHROME };

#define EXPORT_OK          0
#define EXPORT_WRITE_ERROR 1
#define EXPORT_BAD_INPUT   2

struct export_options {
    enum export_format format;
    enum events_select sel;     /* events */
    const char *table;          /* csv: the table or view (required) */
};

/* "events", "csv", "chrome" into *f; -1 for anything else. */
int export_format_parse(const char *name, enum export_format *f);
/* The names export_format_parse accepts, for a usage line. */
#define EXPORT_FORMATS "events, csv or chrome"

int trace_export(struct sqlite3 *db, const struct export_options *o, FILE *out,
                 char *err, size_t errlen);

/* For the formats: 1 when db has a table (or, with views, a view) named
 * name (SQLite's own sqlite_* never count), 0 when not, -1 SQL error. */
int export_has_table(struct sqlite3 *db, const char *name, int views);

/* The formats, called by trace_export (db already checked to be a trace). */
int export_csv(struct sqlite3 *db, const char *table, FILE *out, char *err, size_t errlen);
int export_chrome(struct sqlite3 *db, FILE *out, char *err, size_t errlen);

#endif

/*
 * report_priv.h — private to trace/report*.c: the report's sections and
 * the helpers its text and HTML forms share.
 */
#ifndef MEMSIM_REPORT_PRIV_H
#define MEMSIM_REPORT_PRIV_H

#include <sqlite3.h>
#include "trace/table.h"

struct report_section {
    const char *id;         /* HTML id, "faults-by-kind" */
    const char *title;
    const char *note;       /* one line under the title, or NULL */
    const char *sql;
};

extern const struct report_section report_sections[];
extern const unsigned report_nr_sections;

/* Run sec's query into t.  0; 1 when the trace lacks what it reads (t is
 * empty, why says what: an older schema, an events file); -1 out of memory
 * or an SQL error (why). */
int report_section_load(sqlite3 *db, const struct report_section *sec, struct table *t,
                        char *why, size_t whylen);

/* The report's SQL functions on db: errno_name(n) ("ENOENT"). */
void report_functions(sqlite3 *db);

/* The HTML pages' inline style sheet (report_html.c). */
extern const char report_page_css[];

/* One integer from sql (first column of the first row); def when the
 * query fails, has no row or gives NULL. */
long long report_int(sqlite3 *db, const char *sql, long long def);

#endif

/*
 * events_priv.h — private to trace/events_*.c: the tables of a trace as
 * the database describes them, shared by the writer and the loader so both
 * see the same schema the same way.
 */
#ifndef MEMSIM_EVENTS_PRIV_H
#define MEMSIM_EVENTS_PRIV_H

#include <stddef.h>
#include <sqlite3.h>

struct ev_table {
    char *name;
    int ncol;
    char **cols;            /* declared order (pragma table_info) */
    char **types;           /* their declared types, upper case ("" for none) */
    int seq_col;            /* index of the `seq` column, or -1: not an event table */
};

struct ev_schema {
    int n;
    struct ev_table *t;     /* sorted by name */
};

/* Every table of db except sqlite_* ones.  0, or -1 with the reason. */
int  ev_schema_read(sqlite3 *db, struct ev_schema *s, char *err, size_t errlen);
void ev_schema_free(struct ev_schema *s);
struct ev_table *ev_schema_find(const struct ev_schema *s, const char *name);
int  ev_table_col(const struct ev_table *t, const char *col);   /* index or -1 */
/* meta and runs exist and meta.schema_version is one this memsim reads
 * (TRACE_SCHEMA_OLDEST to TRACE_SCHEMA_VERSION), stored in *version when
 * version is not NULL. */
int  ev_check_version(sqlite3 *db, const struct ev_schema *s, int *version, char *err,
                      size_t errlen);

/* The line kinds of the three header tables: `meta`, `run`, `input`. */
const char *ev_kind_table(const char *kind);   /* "run" -> "runs", else NULL */

/* The first word of an events file. */
#define EV_HEADER_WORD "memsim-events"

#endif

/*
 * events_file.h — events files: a trace as stable, diff-friendly text
 * (docs/TRACE_SCHEMA.md, "Events files"), and back.
 *
 * events_write() turns a trace database into one line per row: a header
 * (`memsim-events format=1 schema_version=N select=S`), the meta, runs and
 * run_inputs rows (`meta`, `run`, `input` lines), rows of other tables
 * without seq (`row table=T`), then every row of every table that has a
 * `seq` column, merged in (seq, table) order (`seq=N table=T col=value ...`).
 * It is generic over the schema: tables and columns are read from the
 * database (sqlite_master, pragma table_info), so a table or column added to
 * trace/schema.h appears without a change here.  NULL columns are left out;
 * so are the columns that differ between identical runs (runs.started,
 * runs.wall_seconds) and, in the `kernel` selection, what a timing or TLB
 * model change alters (see events_select).  The same database gives the
 * same bytes.
 *
 * events_load() is the reverse: it parses an events file into a new
 * in-memory database created from trace/schema.h's DDL (the file's
 * schema_version must be the one this memsim writes), which the replay
 * engine and events_write() read like any trace.
 *
 * Errors are returned, never printed: -1 and one line in err.
 */
#ifndef MEMSIM_EVENTS_FILE_H
#define MEMSIM_EVENTS_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sqlite3;

enum events_select {
    /* The kernel model's inputs and outcomes, for golden files: no `cycle`
     * or `cycles` column (they change with any timing-model change), no
     * `stats` rows (timing and TLB/cache counters), no `segments` rows (the
     * guest's own segmented accesses) and only the walks something caused
     * (translations.cause != 0): walks on the guest's TLB misses change
     * with the TLB geometry, not with the kernel model. */
    EVENTS_SELECT_KERNEL,
    /* Every row and column except runs.started and runs.wall_seconds. */
    EVENTS_SELECT_ALL,
};

#define EVENTS_FORMAT_VERSION 1

/* Write db as an events file to out.  db must hold a memsim trace of the
 * schema_version this memsim writes.  Returns 0, or -1 with the reason
 * (not a trace, unsupported schema_version, SQL or write error). */
int events_write(struct sqlite3 *db, enum events_select sel, FILE *out,
                 char *err, size_t errlen);

/* Parse the events file at path into a new in-memory trace database,
 * *db on success (close it with events_close).  Returns 0, or -1 with one
 * line "PATH:LINE: problem" in err (a missing or unsupported header, an
 * unknown line kind, table or field, a malformed value, seq out of order,
 * a row SQLite refuses); *db is NULL then. */
int events_load(const char *path, struct sqlite3 **db, char *err, size_t errlen);

/* Open the trace database at path read-only (a regular file holding the
 * meta and runs tables).  Returns 0, or -1 with the reason. */
/* An events file, by its name (*.events), as opposed to a trace database. */
int events_is_file(const char *path);

int events_open_trace(const char *path, struct sqlite3 **db, char *err, size_t errlen);

/* Rows of the tables that have a seq column: the events a file holds. */
int64_t events_count(struct sqlite3 *db);

void events_close(struct sqlite3 *db);

#endif

/*
 * csv_priv.h — private to trace/: the one RFC 4180 CSV writer, shared by
 * `memsim query --csv` (query.c, which implements it) and `memsim export
 * --format csv` (export_csv.c, and a table-specific exporter such as the
 * access stream's decoder).
 */
#ifndef MEMSIM_CSV_PRIV_H
#define MEMSIM_CSV_PRIV_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

/* One field: quoted when it holds a comma, quote, CR or LF (quotes
 * doubled); NULL is the empty field.  last ends the record with CRLF. */
void csv_field(FILE *out, const char *text, int last);
/* A header record of s's column names, then one record per row of s
 * (integers decimal, reals as SQLite prints them, BLOBs x'hex', NULL
 * empty).  0, or -1 with err set. */
int  csv_statement(sqlite3 *db, sqlite3_stmt *s, FILE *out, char *err, size_t errlen);

#endif

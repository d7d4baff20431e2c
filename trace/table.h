/*
 * table.h — private to trace/: a statement's result as text cells (query.c
 * and report.c buffer their results here) and its aligned-table printing.
 */
#ifndef MEMSIM_TABLE_H
#define MEMSIM_TABLE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

struct cell {
    char *text;             /* NULL for SQL NULL */
    int   numeric;          /* an INTEGER or REAL value */
};

struct table {
    int ncol;
    char **names;           /* ncol column names */
    size_t nrows, cap;      /* rows buffered / allocated */
    struct cell *cells;     /* nrows * ncol, row-major */
};

/* An empty table with s's columns; 0 or -1 (out of memory: table_free it). */
int  table_begin(struct table *r, sqlite3_stmt *s);
/* Append the current row of s.  0 or -1 (out of memory). */
int  table_add_row(struct table *r, sqlite3_stmt *s);
/* Header, dashes, rows, aligned (no trailing blanks).  0 or -1 (out of memory). */
int  table_print(FILE *out, const struct table *r);
void table_free(struct table *r);
/* Column i of s's current row as text (integers in decimal, blobs as
 * x'hex'), malloc'd; NULL for SQL NULL.  *ok is cleared when memory runs out. */
char *table_cell_text(sqlite3_stmt *s, int i, int *ok);

#endif

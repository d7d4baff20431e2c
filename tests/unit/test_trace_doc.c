/*
 * test_trace_doc.c — docs/TRACE_SCHEMA.md documents exactly the tables,
 * views and columns a trace has: the ones a fresh trace (trace_open +
 * trace_close, so the indexes and every view exist) lists in
 * sqlite_master and pragma table_xinfo (generated columns included), in
 * their order, and the title's schema_version is TRACE_SCHEMA_VERSION.
 *
 * The doc's format, as this test reads it: in the sections "## Tables" and
 * "## Views" (each up to the next "## " heading), every "### NAME" heading
 * starts one table or view (NAME is the heading's first word); the first
 * markdown table after it lists the columns, one row each, the first cell
 * holding the column's name or several names separated by commas (backquotes
 * ignored); its header row and the |---| row are skipped.
 */
#include "tests/unit/check.h"
#include "trace/schema.h"
#include "trace/trace.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MEMSIM_TRACE_DOC
#error "MEMSIM_TRACE_DOC: the path of docs/TRACE_SCHEMA.md"
#endif

#define MAX_OBJECTS 64
#define MAX_COLS 64

struct object {
    char name[64];
    char cols[MAX_COLS][64];
    int ncol, in_table;         /* in_table: inside its first markdown table */
    int done;                   /* that table has ended */
    int seen;                   /* the database has it */
};

static struct object doc[MAX_OBJECTS];
static int ndoc;

static void trim(char *s)
{
    char *p = s, *q = s;
    for (; *p; p++)
        if (*p != '`')
            *q++ = *p;
    *q = '\0';
    size_t n = strlen(s), i = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    while (s[i] == ' ')
        i++;
    memmove(s, s + i, n - i + 1);
}

/* One line of a column table: "| a, b | TYPE | ... |". */
static void column_row(struct object *o, const char *line)
{
    char cell[512];
    const char *end = strchr(line + 1, '|');
    size_t n = end ? (size_t)(end - line - 1) : 0;
    snprintf(cell, sizeof cell, "%.*s", (int)n, line + 1);
    trim(cell);
    if (cell[0] == '-' || !strcmp(cell, "column"))
        return;                                 /* the |---| row, the header row */
    for (char *tok = strtok(cell, ","); tok; tok = strtok(NULL, ",")) {
        trim(tok);
        if (o->ncol < MAX_COLS)
            snprintf(o->cols[o->ncol++], sizeof o->cols[0], "%s", tok);
    }
}

static int parse_doc(const char *path, char version[32])
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int section = 0;                            /* in "## Tables" or "## Views" */
    struct object *o = NULL;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "# ", 2) && strstr(line, "schema_version "))
            sscanf(strstr(line, "schema_version ") + 15, "%31[0-9]", version);
        if (!strncmp(line, "## ", 3)) {
            section = !strcmp(line, "## Tables") || !strcmp(line, "## Views");
            o = NULL;
        } else if (section && !strncmp(line, "### ", 4) && ndoc < MAX_OBJECTS) {
            o = &doc[ndoc++];
            sscanf(line + 4, "%63s", o->name);
        } else if (o && !o->done && line[0] == '|') {
            o->in_table = 1;
            column_row(o, line);
        } else if (o && o->in_table) {
            o->done = 1;
        }
    }
    fclose(f);
    return 0;
}

static struct object *doc_find(const char *name)
{
    for (int i = 0; i < ndoc; i++)
        if (!strcmp(doc[i].name, name))
            return &doc[i];
    return NULL;
}

/* The columns of name in the database against the doc's, in order. */
static void compare(sqlite3 *db, const char *name)
{
    struct object *o = doc_find(name);
    if (o)
        o->seen = 1;
    if (!o) {
        printf("docs/TRACE_SCHEMA.md: %s is not documented (a '### %s' heading under"
               " '## Tables' or '## Views')\n", name, name);
        CHECK(o != NULL);
        return;
    }
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_xinfo(?) ORDER BY cid", -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int i = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        if (i >= o->ncol || strcmp(o->cols[i], col)) {
            printf("docs/TRACE_SCHEMA.md: %s column %d is '%s' in the database, '%s' in the doc\n",
                   name, i + 1, col, i < o->ncol ? o->cols[i] : "(none)");
            CHECK(0);
            sqlite3_finalize(st);
            return;
        }
        i++;
    }
    sqlite3_finalize(st);
    if (i != o->ncol)
        printf("docs/TRACE_SCHEMA.md: %s documents %d columns, the database has %d ('%s' ...)\n",
               name, o->ncol, i, o->cols[i < o->ncol ? i : 0]);
    CHECK_EQ(i, o->ncol);
}

int main(void)
{
    char path[] = "/tmp/test_trace_doc.XXXXXX", db_path[64], err[512], version[32] = "";
    if (!mkdtemp(path))
        return 1;
    snprintf(db_path, sizeof db_path, "%s/t.db", path);
    struct trace *t = trace_open(db_path, err, sizeof err);
    CHECK(t != NULL);
    CHECK_EQ(trace_close(t, err, sizeof err), 0);
    CHECK_EQ(parse_doc(MEMSIM_TRACE_DOC, version), 0);
    CHECK_STR(version, TRACE_SCHEMA_VERSION);

    sqlite3 *db;
    sqlite3_stmt *st;
    CHECK_EQ(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                       " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", -1, &st, NULL);
    while (sqlite3_step(st) == SQLITE_ROW)
        compare(db, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    for (int i = 0; i < ndoc; i++)
        if (!doc[i].seen) {
            printf("docs/TRACE_SCHEMA.md: documents '%s', which the trace does not have\n",
                   doc[i].name);
            CHECK(0);
        }
    CHECK(ndoc > 10);
    sqlite3_close(db);
    unlink(db_path);
    rmdir(path);
    return CHECK_DONE();
}

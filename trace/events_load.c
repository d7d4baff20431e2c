/*
 * events_load.c — parsing an events file into an in-memory trace
 * (events_file.h; the format is docs/TRACE_SCHEMA.md "Events files").
 *
 * The database is created from trace/schema.h's DDL, so the file's
 * schema_version must be one whose columns that DDL holds (TRACE_SCHEMA_OLDEST
 * to TRACE_SCHEMA_VERSION: columns are only added); its tables and columns then
 * decide which lines and fields are valid (nothing here lists them).  Each
 * line becomes one INSERT naming the columns the line gives (the others are
 * NULL); statements are cached per table and column set.  Every refusal is
 * one line naming the file and line number.
 */
#include "trace/events_file.h"
#include "trace/events_priv.h"
#include "trace/schema.h"
#include "common/errmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINE   (16u << 20)          /* bytes; a longer line is refused */
#define MAX_FIELDS 64
#define NR_CACHED  64

struct value {
    int type;                           /* SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB */
    sqlite3_int64 i;
    double d;
    char *buf;                          /* text or blob bytes, in the line's scratch */
    size_t len;
};

struct field {
    char name[64];
    struct value v;
};

struct cached {
    char *key;                          /* table '(' columns ')' */
    sqlite3_stmt *st;
};

struct loader {
    const char *path;
    unsigned long lineno;
    sqlite3 *db;
    struct ev_schema schema;
    char *scratch;                      /* decoded values of the current line, */
    size_t scratch_len, scratch_cap;    /* each followed by a NUL */
    struct field f[MAX_FIELDS];
    int nf;
    sqlite3_int64 last_seq;
    struct cached cache[NR_CACHED];
    int ncached;
    char *err;
    size_t errlen;
};

static int fail(struct loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct loader *l, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *c = msg; *c; c++)          /* quoted input stays one printable line */
        if ((unsigned char)*c < ' ' || (unsigned char)*c == 0x7f)
            *c = '?';
    set_err(l->err, l->errlen, "%s:%lu: %s", l->path, l->lineno, msg);
    return -1;
}

/* ---- values ---- */

static int hexdigit(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_quoted(struct loader *l, char **pp, struct value *v)
{
    char *p = *pp + 1, *o = l->scratch + l->scratch_len;
    v->type = SQLITE_TEXT;
    v->buf = o;
    for (; *p != '"'; p++) {
        if (!*p)
            return fail(l, "unterminated quoted value");
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        switch (*++p) {
        case '"': case '\\': *o++ = *p; break;
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'r': *o++ = '\r'; break;
        case 'x':
            if (hexdigit(p[1]) < 0 || hexdigit(p[2]) < 0)
                return fail(l, "bad \\x escape (two lower-case hex digits expected)");
            *o++ = (char)(hexdigit(p[1]) << 4 | hexdigit(p[2]));
            p += 2;
            break;
        default:
            return fail(l, "bad escape '\\%c' in a quoted value", *p ? *p : ' ');
        }
    }
    v->len = (size_t)(o - v->buf);
    *o = '\0';
    l->scratch_len += v->len + 1;
    *pp = p + 1;
    return 0;
}

static int parse_blob(struct loader *l, char **pp, struct value *v)
{
    char *p = *pp + 2;
    v->type = SQLITE_BLOB;
    v->buf = l->scratch + l->scratch_len;
    v->len = 0;
    for (; *p != '\''; p += 2) {
        if (hexdigit(p[0]) < 0 || hexdigit(p[1]) < 0)
            return fail(l, "malformed blob (x'...' with pairs of lower-case hex digits expected)");
        v->buf[v->len++] = (char)(hexdigit(p[0]) << 4 | hexdigit(p[1]));
    }
    v->buf[v->len] = '\0';
    l->scratch_len += v->len + 1;
    *pp = p + 1;
    return 0;
}

/* Decimal or 0x-hex integer, or a real with '.' or an exponent. */
static int parse_number(struct loader *l, char **pp, struct value *v)
{
    char *p = *pp, *end = p + strcspn(p, " "), *e;
    char save = *end;
    *end = '\0';
    errno = 0;
    if (p[0] == '0' && p[1] == 'x') {
        unsigned long long u = strtoull(p + 2, &e, 16);
        v->type = SQLITE_INTEGER;
        v->i = (sqlite3_int64)u;
        if (e == p + 2 || *e || errno || strspn(p + 2, "0123456789abcdef") != strlen(p + 2))
            goto bad;
    } else if (strpbrk(p, ".eE")) {
        v->type = SQLITE_FLOAT;
        v->d = strtod(p, &e);
        if (e == p || *e || (errno && errno != ERANGE))
            goto bad;
    } else {
        v->type = SQLITE_INTEGER;
        v->i = strtoll(p, &e, 10);
        if (e == p || *e || errno || p[0] == '+')
            goto bad;
    }
    *end = save;
    *pp = end;
    return 0;
bad:
    fail(l, "malformed number '%.40s'", p);
    *end = save;
    return -1;
}

static int parse_bare(struct loader *l, char **pp, struct value *v)
{
    char *p = *pp;
    v->type = SQLITE_TEXT;
    v->buf = p;
    while (*p && *p != ' ') {
        if ((unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f || *p == '"' || *p == '\\')
            return fail(l, "unexpected character 0x%02x in an unquoted value", (unsigned char)*p);
        p++;
    }
    v->len = (size_t)(p - v->buf);
    *pp = p;
    return 0;
}

static int parse_value(struct loader *l, char **pp, struct value *v)
{
    char c = **pp;
    if (c == '"')
        return parse_quoted(l, pp, v);
    if (c == 'x' && (*pp)[1] == '\'')
        return parse_blob(l, pp, v);
    if ((c >= '0' && c <= '9') || c == '-' || c == '+')
        return parse_number(l, pp, v);
    if (!c || c == ' ')
        return fail(l, "empty value (write \"\" for an empty string)");
    return parse_bare(l, pp, v);
}

/* "name=value name=value ..." into l->f. */
static int parse_fields(struct loader *l, char *p)
{
    l->nf = 0;
    l->scratch_len = 0;
    while (*p) {
        if (*p == ' ') {
            p++;
            continue;
        }
        if (l->nf == MAX_FIELDS)
            return fail(l, "more than %d fields", MAX_FIELDS);
        struct field *f = &l->f[l->nf];
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
        if (n == 0 || n >= sizeof f->name || p[n] != '=')
            return fail(l, "malformed field at '%.20s' (name=value expected)", p);
        memcpy(f->name, p, n);
        f->name[n] = '\0';
        for (int i = 0; i < l->nf; i++)
            if (!strcmp(l->f[i].name, f->name))
                return fail(l, "field '%s' given twice", f->name);
        p += n + 1;
        if (parse_value(l, &p, &f->v))
            return -1;
        if (*p && *p != ' ')
            return fail(l, "field '%s': junk after the value", f->name);
        l->nf++;
    }
    return 0;
}

static struct field *field_get(struct loader *l, const char *name)
{
    for (int i = 0; i < l->nf; i++)
        if (!strcmp(l->f[i].name, name))
            return &l->f[i];
    return NULL;
}

/* A text field of [A-Za-z0-9_] only (a name the message can quote). */
static const char *name_field(struct loader *l, const char *name)
{
    struct field *f = field_get(l, name);
    if (!f || f->v.type != SQLITE_TEXT || f->v.len == 0 || f->v.len >= 64 ||
        strspn(f->v.buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") < f->v.len)
        return NULL;
    f->v.buf[f->v.len] = '\0';  /* after parsing: a bare value's space, or scratch's NUL */
    return f->v.buf;
}

/* ---- rows ---- */

static sqlite3_stmt *insert_stmt(struct loader *l, const struct ev_table *t, const char *skip)
{
    char key[4096];
    size_t k = (size_t)snprintf(key, sizeof key, "%s(", t->name);
    int ncol = 0;
    for (int i = 0; i < l->nf; i++)
        if (!skip || strcmp(l->f[i].name, skip)) {
            k += (size_t)snprintf(key + k, sizeof key - k, "%s\"%s\"", ncol++ ? "," : "", l->f[i].name);
            if (k >= sizeof key)
                return NULL;
        }
    snprintf(key + k, sizeof key - k, ")");
    for (int i = 0; i < l->ncached; i++)
        if (!strcmp(l->cache[i].key, key)) {
            sqlite3_reset(l->cache[i].st);
            return l->cache[i].st;
        }
    char *q = malloc((size_t)2 * ncol + 1), *sql;      /* "?,?,?" */
    if (!q)
        return NULL;
    for (int i = 0; i < ncol; i++) {
        q[2 * i] = ',';
        q[2 * i + 1] = '?';
    }
    q[2 * ncol] = '\0';
    sql = sqlite3_mprintf("INSERT INTO %s VALUES(%s)", key, q + (ncol ? 1 : 0));
    free(q);
    sqlite3_stmt *st = NULL;
    if (!sql || sqlite3_prepare_v2(l->db, sql, -1, &st, NULL))
        st = NULL;
    sqlite3_free(sql);
    if (st && l->ncached < NR_CACHED && (l->cache[l->ncached].key = strdup(key)))
        l->cache[l->ncached++].st = st;
    return st;
}

static void release_stmt(struct loader *l, sqlite3_stmt *st)
{
    for (int i = 0; i < l->ncached; i++)
        if (l->cache[i].st == st)
            return;
    sqlite3_finalize(st);
}

static const char *type_name(int type)
{
    return type == SQLITE_INTEGER ? "an integer" : type == SQLITE_FLOAT ? "a real" :
           type == SQLITE_BLOB ? "a blob" : "text";
}

/* A value keeps its type in the row: INTEGER columns take integers, REAL
 * ones numbers, TEXT ones text (columns of no declared type anything). */
static int type_fits(const char *decl, int type)
{
    if (!strcmp(decl, "INTEGER"))
        return type == SQLITE_INTEGER;
    if (!strcmp(decl, "REAL"))
        return type == SQLITE_INTEGER || type == SQLITE_FLOAT;
    if (!strcmp(decl, "TEXT"))
        return type == SQLITE_TEXT;
    return 1;
}

/* Insert the line's fields (but skip) as a row of t. */
static int insert_row(struct loader *l, const struct ev_table *t, const char *skip)
{
    for (int i = 0; i < l->nf; i++) {
        if (skip && !strcmp(l->f[i].name, skip))
            continue;
        int col = ev_table_col(t, l->f[i].name);
        if (col < 0)
            return fail(l, "unknown field '%s' for table %s", l->f[i].name, t->name);
        if (!type_fits(t->types[col], l->f[i].v.type))
            return fail(l, "field '%s' of table %s: %s column given %s", l->f[i].name, t->name,
                        t->types[col], type_name(l->f[i].v.type));
    }
    sqlite3_stmt *st = insert_stmt(l, t, skip);
    if (!st)
        return fail(l, "cannot insert into %s: %s", t->name, sqlite3_errmsg(l->db));
    int p = 1;
    for (int i = 0; i < l->nf; i++) {
        const struct value *v = &l->f[i].v;
        if (skip && !strcmp(l->f[i].name, skip))
            continue;
        if (v->type == SQLITE_INTEGER)
            sqlite3_bind_int64(st, p++, v->i);
        else if (v->type == SQLITE_FLOAT)
            sqlite3_bind_double(st, p++, v->d);
        else if (v->type == SQLITE_BLOB)
            sqlite3_bind_blob(st, p++, v->buf, (int)v->len, SQLITE_STATIC);
        else
            sqlite3_bind_text(st, p++, v->buf, (int)v->len, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        fail(l, "table %s: %s", t->name, sqlite3_errmsg(l->db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    release_stmt(l, st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int event_line(struct loader *l)
{
    struct field *seq = field_get(l, "seq");
    const char *name = name_field(l, "table");
    if (l->nf < 2 || strcmp(l->f[1].name, "table"))
        return fail(l, "an event line starts 'seq=N table=T'");
    if (!name)
        return fail(l, "malformed table name");
    if (seq->v.type != SQLITE_INTEGER || seq->v.i < 0)
        return fail(l, "seq must be a non-negative integer");
    struct ev_table *t = ev_schema_find(&l->schema, name);
    if (!t)
        return fail(l, "unknown table '%s'", name);
    if (t->seq_col < 0)
        return fail(l, "table %s has no seq column (write it as a 'row table=%s' line)", name, name);
    if (seq->v.i < l->last_seq)
        return fail(l, "seq %lld after seq %lld: events must be in seq order",
                    (long long)seq->v.i, (long long)l->last_seq);
    l->last_seq = seq->v.i;
    return insert_row(l, t, "table");
}

static int row_line(struct loader *l, const char *kind)
{
    const char *tname = ev_kind_table(kind);
    if (!strcmp(kind, "row")) {
        if (l->nf < 1 || strcmp(l->f[0].name, "table") || !(tname = name_field(l, "table")))
            return fail(l, "a row line starts 'row table=T'");
        if (ev_kind_table(tname) || !strcmp(tname, "runs") || !strcmp(tname, "run_inputs"))
            return fail(l, "table %s is written as its own line kind, not 'row'", tname);
    } else if (!tname) {
        return fail(l, "unknown line kind '%.20s' (expected meta, run, input, row or seq=)", kind);
    }
    struct ev_table *t = ev_schema_find(&l->schema, tname);
    if (!t)
        return fail(l, "unknown table '%s'", tname);
    if (t->seq_col >= 0)
        return fail(l, "table %s is an event table (write it as a seq= line)", tname);
    return insert_row(l, t, !strcmp(kind, "row") ? "table" : NULL);
}

/* "memsim-events format=1 schema_version=N select=kernel|all" */
static int header_line(struct loader *l, char *line)
{
    size_t w = strlen(EV_HEADER_WORD);
    if (strncmp(line, EV_HEADER_WORD, w) || (line[w] && line[w] != ' '))
        return fail(l, "not a memsim events file (the first line must be '%s format=%d ...')",
                    EV_HEADER_WORD, EVENTS_FORMAT_VERSION);
    if (parse_fields(l, line + w))
        return -1;
    struct field *fmt = field_get(l, "format"), *ver = field_get(l, "schema_version");
    const char *sel = name_field(l, "select");
    if (!fmt || !ver || !sel || l->nf != 3)
        return fail(l, "the header needs exactly format=, schema_version= and select=");
    if (fmt->v.type != SQLITE_INTEGER || fmt->v.i != EVENTS_FORMAT_VERSION)
        return fail(l, "unsupported events format (this memsim reads format=%d)", EVENTS_FORMAT_VERSION);
    if (ver->v.type != SQLITE_INTEGER || ver->v.i < TRACE_SCHEMA_OLDEST ||
        ver->v.i > strtoll(TRACE_SCHEMA_VERSION, NULL, 10))
        return fail(l, "schema_version is not supported (this memsim reads %d to %s; re-record "
                    "the file)", TRACE_SCHEMA_OLDEST, TRACE_SCHEMA_VERSION);
    if (strcmp(sel, "kernel") && strcmp(sel, "all"))
        return fail(l, "select=%s: expected kernel or all", sel);
    /* An older file's columns are a subset of this schema's: the new ones
     * stay NULL, and the database keeps the file's version.  The tables an
     * older schema's values do not fit are made as that schema had them:
     * schema 7's REAL stats, and before 9 the boot allocator's old name
     * (trace/schema.h TRACE_SCHEMA8_ALLOCATIONS). */
    int old = ver->v.i < strtoll(TRACE_SCHEMA_VERSION, NULL, 10);
    char *sql = sqlite3_mprintf("INSERT INTO meta VALUES('events_select', %Q);"
                                "UPDATE meta SET value = '%lld' WHERE key = 'schema_version';%s%s",
                                sel, (long long)ver->v.i,
                                ver->v.i == 7 ? TRACE_SCHEMA7_STATS : "",
                                old ? TRACE_SCHEMA8_ALLOCATIONS : "");
    int rc = sqlite3_exec(l->db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    if (!rc && old) {
        ev_schema_free(&l->schema);
        rc = ev_schema_read(l->db, &l->schema, l->err, l->errlen) ? -1 : 0;
        if (rc)
            return -1;
    }
    return rc ? fail(l, "%s", sqlite3_errmsg(l->db)) : 0;
}

static int body_line(struct loader *l, char *line)
{
    if (!strncmp(line, "seq=", 4))
        return parse_fields(l, line) || event_line(l);
    size_t n = strcspn(line, " ");
    char kind[32];
    snprintf(kind, sizeof kind, "%.*s", (int)(n < sizeof kind ? n : sizeof kind - 1), line);
    return parse_fields(l, line + n) || row_line(l, kind);
}

/* ---- the file ---- */

static int load_lines(struct loader *l, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (!rc && (n = getline(&line, &cap, in)) >= 0) {
        l->lineno++;
        if ((size_t)n > MAX_LINE) {
            rc = fail(l, "line longer than %u bytes", MAX_LINE);
            break;
        }
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        if (strlen(line) != (size_t)n) {
            rc = fail(l, "NUL byte in the line");
            break;
        }
        if (2 * (size_t)n + 2 > l->scratch_cap) {   /* values never outgrow the line */
            char *s = realloc(l->scratch, 2 * (size_t)n + 2);
            if (!s) {
                rc = fail(l, "out of memory");
                break;
            }
            l->scratch = s;
            l->scratch_cap = 2 * (size_t)n + 2;
        }
        l->scratch_len = 0;
        if (l->lineno == 1)
            rc = header_line(l, line);
        else if (n && line[0] != '#')
            rc = body_line(l, line);
    }
    if (!rc && ferror(in))
        rc = fail(l, "read error: %s", strerror(errno));
    if (!rc && l->lineno == 0)
        rc = fail(l, "empty file (no memsim-events header)");
    free(line);
    return rc;
}

static int open_input(const char *path, FILE **in, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!(*in = fdopen(fd, "r"))) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return 0;
}

int events_load(const char *path, sqlite3 **db, char *err, size_t errlen)
{
    struct loader l = { .path = path, .err = err, .errlen = errlen, .last_seq = -1 };
    FILE *in;
    int rc = -1;
    *db = NULL;
    if (open_input(path, &in, err, errlen))
        return -1;
    if (sqlite3_open_v2(":memory:", &l.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ||
        sqlite3_exec(l.db, TRACE_SCHEMA "BEGIN;", NULL, NULL, NULL) ||
        ev_schema_read(l.db, &l.schema, err, errlen))
        fail(&l, "cannot create the trace: %s", sqlite3_errmsg(l.db));
    else
        rc = load_lines(&l, in);
    if (!rc && sqlite3_exec(l.db, "COMMIT;" TRACE_INDEXES_SQL, NULL, NULL, NULL))
        rc = fail(&l, "%s", sqlite3_errmsg(l.db));
    fclose(in);
    for (int i = 0; i < l.ncached; i++) {
        sqlite3_finalize(l.cache[i].st);
        free(l.cache[i].key);
    }
    ev_schema_free(&l.schema);
    free(l.scratch);
    if (rc) {
        sqlite3_close(l.db);
        return -1;
    }
    *db = l.db;
    return 0;
}

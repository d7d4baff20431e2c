/*
 * log_load.c — the recorded outcomes and inputs from the trace's replay
 * log (trace/replay_log.h) instead of its rows: the same struct outcome
 * and struct outcome_extra per row, fed to the same outcome_builder, so
 * both readers leave the same recorded run in memory.
 *
 * The log is used only when it is complete (meta 'replay_log' holds its
 * record count, which an edit of any copied table deletes together with the
 * log) and decodes cleanly to that count; anything else reads the rows.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay/check.h"
#include "trace/replay_log.h"

struct reader {
    struct outcome_builder b;
    const char **str;           /* by id - 1 */
    size_t nr_str, cap_str;
    uint64_t seq, records;
};

/* A string field: id 0 NULL, the next id defines it, a smaller one repeats. */
static int get_str(struct reader *r, const uint8_t **p, const uint8_t *end, const char **s)
{
    uint64_t id, n;
    if (rlog_get(p, end, &id))
        return -1;
    if (id == 0) {
        *s = outcome_intern(r->b.c, NULL);
        return *s ? 0 : -1;
    }
    if (id <= r->nr_str) {
        *s = r->str[id - 1];
        return 0;
    }
    if (id != r->nr_str + 1 || rlog_get(p, end, &n) || n > (uint64_t)(end - *p) || n > 4096)
        return -1;
    char buf[4097];
    memcpy(buf, *p, n);
    buf[n] = '\0';
    *p += n;
    if (r->nr_str == r->cap_str) {
        size_t cap = r->cap_str ? 2 * r->cap_str : 64;
        const char **v = realloc(r->str, cap * sizeof *v);
        if (!v)
            return -1;
        r->str = v;
        r->cap_str = cap;
    }
    if (!(*s = outcome_intern(r->b.c, buf)))
        return -1;
    r->str[r->nr_str++] = *s;
    return 0;
}

/* Per record type: the outcome's type, its strings, and its numbers with
 * how each is coded ('u' unsigned, 's' zigzag, 'o' NULL-able: none when 0,
 * 'x' into outcome_extra: start, nr, a0..a5 in that order, 'd' uaccess
 * data length, NULL-able). */
static const struct layout {
    enum event_type type;
    int ns;
    const char *nums;
} layouts[RLOG_NR_TYPES] = {
    [RLOG_FAULT]   = { EV_FAULT, 3, "uuuox" },
    [RLOG_ALLOC]   = { EV_ALLOC, 5, "uuo" },
    [RLOG_VMA]     = { EV_VMA, 2, "uuuu" },
    [RLOG_FLUSH]   = { EV_TLB_FLUSH, 1, "ou" },
    [RLOG_SYSCALL] = { EV_SYSCALL_EXIT, 1, "sxxxxxxxx" },
    [RLOG_UACCESS] = { EV_UACCESS, 1, "uusd" },
    [RLOG_WALK]    = { EV_WALK, 2, "uuoo" },
    [RLOG_PAGE_CACHE] = { EV_PAGE_CACHE, 1, "uuuu" },
};

/* One record at *p into o and x; -1 when it is malformed or out of memory
 * (the caller cannot tell them apart and reads the rows either way). */
static int get_record(struct reader *r, const uint8_t **p, const uint8_t *end,
                      struct outcome *o, struct outcome_extra *x)
{
    uint8_t t = *(*p)++;
    uint64_t dseq, cause, v;
    if (t == 0 || t >= RLOG_NR_TYPES || rlog_get(p, end, &dseq) || rlog_get(p, end, &cause))
        return -1;
    const struct layout *l = &layouts[t];
    r->seq += dseq;
    *o = (struct outcome){ .seq = r->seq, .cause = cause, .type = l->type,
                           .s = { "", "", "", "", "" },
                           .v = { OUTCOME_NONE, OUTCOME_NONE, OUTCOME_NONE, OUTCOME_NONE } };
    *x = (struct outcome_extra){ 0 };
    for (int i = 0; i < l->ns; i++)
        if (get_str(r, p, end, &o->s[i]))
            return -1;
    int nv = 0, nx = 0;
    for (const char *k = l->nums; *k; k++) {
        if (rlog_get(p, end, &v))
            return -1;
        switch (*k) {
        case 'u': o->v[nv++] = (int64_t)v; break;
        case 's': o->v[nv++] = rlog_unzigzag(v); break;
        case 'o': o->v[nv++] = v ? (int64_t)(v - 1) : OUTCOME_NONE; break;
        case 'x': if (nx == 0) x->start = v;
                  else if (nx == 1) x->nr = (uint32_t)v;
                  else x->a[nx - 2] = (uint32_t)v;
                  nx++;
                  break;
        case 'd': if (v > 1) {         /* the rows' reader: an empty blob is no data */
                      if (v - 1 > (uint64_t)(end - *p) || !(o->data = malloc(v)))
                          return -1;
                      memcpy(o->data, *p, v - 1);
                  }
                  *p += v ? v - 1 : 0;
                  break;
        }
    }
    return 0;
}

static int get_chunk(struct reader *r, const uint8_t *p, const uint8_t *end)
{
    while (p < end) {
        struct outcome o = { .data = NULL };
        struct outcome_extra x;
        if (get_record(r, &p, end, &o, &x)) {
            free(o.data);
            return -1;
        }
        if (outcome_take(&r->b, &o, &x))
            return -1;
        r->records++;
    }
    return 0;
}

/* The complete log's record count from meta, or -1: no complete log. */
static int64_t log_records(sqlite3 *db)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = '" REPLAY_LOG_META "'", -1, &s,
                           NULL) != SQLITE_OK)
        return -1;
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return n;
}

int log_load(sqlite3 *db, struct outcome_list *c, const struct outcome_inputs *in)
{
    int64_t want = log_records(db);
    sqlite3_stmt *s;
    if (want < 0 || sqlite3_prepare_v2(db, "SELECT chunk, data FROM replay_log ORDER BY chunk",
                                       -1, &s, NULL) != SQLITE_OK)
        return 1;
    struct reader r = { .b = { .c = c, .in = in } };
    int rc, bad = 0;
    for (int64_t chunk = 0; !bad && (rc = sqlite3_step(s)) == SQLITE_ROW; chunk++) {
        const uint8_t *p = sqlite3_column_blob(s, 1);
        bad = sqlite3_column_int64(s, 0) != chunk ||
              get_chunk(&r, p, p + sqlite3_column_bytes(s, 1));
    }
    sqlite3_finalize(s);
    free(r.str);
    if (bad || rc != SQLITE_DONE || r.records != (uint64_t)want) {
        outcome_abandon(&r.b);
        return 1;
    }
    outcome_done(&r.b);
    return 0;
}

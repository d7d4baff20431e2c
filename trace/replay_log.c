/*
 * replay_log.c — the writer of the trace's replay log (replay_log.h).
 *
 * Each event appends a few varints to a buffer; a full buffer (RLOG_CHUNK
 * bytes) becomes one replay_log row inside the writer's batch transaction.
 * The fields are the ones trace.c binds into the event's row, in the same
 * form (enums as the tables' strings), so a reader of the log and a reader
 * of the rows build the same outcome.  Strings are few (allocator, op, zone,
 * purpose, VMA and syscall names): each is written once and then by id.
 */
#include "trace/replay_log.h"
#include "trace/outcome.h"
#include "mmu/mmu_events.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RLOG_CHUNK (256u << 10)

struct rlog_str {
    char *s;                    /* owned copy */
    uint32_t id;
};

struct replay_log {
    sqlite3 *db;
    sqlite3_stmt *insert;
    uint8_t *buf;
    size_t len, cap;
    uint64_t prev_seq, records, chunk;
    struct rlog_str *slot;      /* open addressing, content-keyed */
    size_t nslot, nstr;
    /* The string each field wrote last: most records repeat it. */
    const struct rlog_str *last[RLOG_NR_TYPES][OUTCOME_NS];
    char err[256];
};

static int fail(struct replay_log *l, const char *why)
{
    if (!l->err[0])
        snprintf(l->err, sizeof l->err, "replay log: %s", why);
    return -1;
}

/* ---- the buffer ----------------------------------------------------------- */

static int reserve(struct replay_log *l, size_t n)
{
    if (l->len + n <= l->cap)
        return 0;
    size_t cap = l->cap ? l->cap : RLOG_CHUNK + 4096;
    while (cap < l->len + n)
        cap *= 2;
    uint8_t *b = realloc(l->buf, cap);
    if (!b)
        return fail(l, "out of memory");
    l->buf = b;
    l->cap = cap;
    return 0;
}

/* Callers reserve first: a varint is at most 10 bytes. */
static void put(struct replay_log *l, uint64_t v)
{
    while (v >= 0x80) {
        l->buf[l->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    l->buf[l->len++] = (uint8_t)v;
}

static void put_signed(struct replay_log *l, int64_t v)
{
    put(l, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* ---- strings -------------------------------------------------------------- */

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;           /* FNV-1a */
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static int grow_strings(struct replay_log *l)
{
    size_t n = l->nslot ? 2 * l->nslot : 64;
    struct rlog_str *slot = calloc(n, sizeof *slot);
    if (!slot)
        return fail(l, "out of memory");
    for (size_t i = 0; i < l->nslot; i++)
        if (l->slot[i].s) {
            size_t j = hash(l->slot[i].s) & (n - 1);
            while (slot[j].s)
                j = (j + 1) & (n - 1);
            slot[j] = l->slot[i];
        }
    free(l->slot);
    l->slot = slot;
    l->nslot = n;
    memset(l->last, 0, sizeof l->last);        /* they pointed into the old slots */
    return 0;
}

/* Write s (NULL: id 0) as field `field` of a record of type t. */
static int put_str(struct replay_log *l, enum rlog_type t, int field, const char *s)
{
    if (!s)
        return reserve(l, 1) ? -1 : (put(l, 0), 0);
    const struct rlog_str *last = l->last[t][field];
    if (last && strcmp(last->s, s) == 0)
        return reserve(l, 10) ? -1 : (put(l, last->id), 0);
    if (2 * (l->nstr + 1) > l->nslot && grow_strings(l))
        return -1;
    size_t j = hash(s) & (l->nslot - 1);
    for (; l->slot[j].s; j = (j + 1) & (l->nslot - 1))
        if (strcmp(l->slot[j].s, s) == 0) {
            l->last[t][field] = &l->slot[j];
            return reserve(l, 10) ? -1 : (put(l, l->slot[j].id), 0);
        }
    size_t n = strlen(s);
    if (!(l->slot[j].s = strdup(s)) || reserve(l, 20 + n))
        return fail(l, "out of memory");
    l->slot[j].id = (uint32_t)++l->nstr;       /* the next unused id: defines it */
    l->last[t][field] = &l->slot[j];
    put(l, l->slot[j].id);
    put(l, n);
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    return 0;
}

/* ---- records -------------------------------------------------------------- */

/* As trace.c binds it: the name, or NULL (the column's NULL) past fetch. */
static const char *access_name(uint8_t a)
{
    return a <= MMU_FETCH ? mmu_access_name((enum mmu_access)a) : NULL;
}

static uint64_t opt(int present, uint64_t v)
{
    return present ? v + 1 : 0;
}

/* The type byte, seq and cause. */
static int head(struct replay_log *l, enum rlog_type t, const struct event *ev)
{
    if (reserve(l, 1 + 2 * 10))
        return -1;
    l->buf[l->len++] = (uint8_t)t;
    put(l, ev->seq - l->prev_seq);
    put(l, ev->cause);
    l->prev_seq = ev->seq;
    return 0;
}

/* The unsigned numbers after the strings. */
static int nums(struct replay_log *l, const uint64_t *v, int n)
{
    if (reserve(l, (size_t)n * 10))
        return -1;
    for (int i = 0; i < n; i++)
        put(l, v[i]);
    return 0;
}

static int add_fault(struct replay_log *l, const struct event *e)
{
    const struct fault_event *f = &e->u.fault;
    if (head(l, RLOG_FAULT, e) || put_str(l, RLOG_FAULT, 0, access_name(f->access)) ||
        put_str(l, RLOG_FAULT, 1, fault_kind_name((enum fault_kind)f->kind)) ||
        put_str(l, RLOG_FAULT, 2, fault_resolution_name((enum fault_resolution)f->resolution)))
        return -1;
    uint64_t v[] = { f->address, f->error_code, f->eip, opt(f->pfn != UINT32_MAX, f->pfn),
                     f->begin_seq };
    return nums(l, v, 5);
}

static int add_alloc(struct replay_log *l, const struct event *e)
{
    const struct alloc_event *a = &e->u.alloc;
    if (head(l, RLOG_ALLOC, e) ||
        put_str(l, RLOG_ALLOC, 0, alloc_allocator_name((enum alloc_allocator)a->allocator)) ||
        put_str(l, RLOG_ALLOC, 1, alloc_op_name((enum alloc_op)a->op)) ||
        put_str(l, RLOG_ALLOC, 2, a->zone) || put_str(l, RLOG_ALLOC, 3, a->purpose) ||
        put_str(l, RLOG_ALLOC, 4, a->gfp))
        return -1;
    uint64_t v[] = { a->order, a->pfn, opt(a->addr != 0, a->addr) };
    return nums(l, v, 3);
}

static int add_vma(struct replay_log *l, const struct event *e)
{
    const struct vma_event *m = &e->u.vma;
    if (head(l, RLOG_VMA, e) || put_str(l, RLOG_VMA, 0, vma_op_name((enum vma_op)m->op)) ||
        put_str(l, RLOG_VMA, 1, m->name))
        return -1;
    uint64_t v[] = { m->start, m->end, m->prot, m->flags };
    return nums(l, v, 4);
}

static int add_flush(struct replay_log *l, const struct event *e)
{
    const struct flush_event *f = &e->u.flush;
    if (head(l, RLOG_FLUSH, e) ||
        put_str(l, RLOG_FLUSH, 0, flush_kind_name((enum flush_kind)f->kind)))
        return -1;
    uint64_t v[] = { opt(f->kind == FLUSH_INVLPG, f->vaddr), f->cr3 };
    return nums(l, v, 2);
}

static int add_syscall(struct replay_log *l, const struct event *e)
{
    const struct syscall_event *s = &e->u.syscall;
    if (head(l, RLOG_SYSCALL, e) || put_str(l, RLOG_SYSCALL, 0, s->name) || reserve(l, 10))
        return -1;
    put_signed(l, s->ret);
    uint64_t v[] = { s->enter_seq, s->nr, s->args[0], s->args[1], s->args[2], s->args[3],
                     s->args[4], s->args[5] };
    return nums(l, v, 8);
}

static int add_uaccess(struct replay_log *l, const struct event *e)
{
    const struct uaccess_event *u = &e->u.uaccess;
    if (head(l, RLOG_UACCESS, e) ||
        put_str(l, RLOG_UACCESS, 0, uaccess_dir_name((enum uaccess_dir)u->dir)))
        return -1;
    uint32_t n = u->data ? u->len : 0;
    if (reserve(l, 4 * 10 + n))
        return -1;
    put(l, u->addr);
    put(l, u->len);
    put_signed(l, u->result);
    put(l, opt(u->data != NULL, n));
    if (n) {
        memcpy(l->buf + l->len, u->data, n);
        l->len += n;
    }
    return 0;
}

static int add_walk(struct replay_log *l, const struct event *e)
{
    const struct walk_event *w = &e->u.walk;
    if (head(l, RLOG_WALK, e) || put_str(l, RLOG_WALK, 0, access_name(w->access)) ||
        put_str(l, RLOG_WALK, 1, w->fault ? "fault" : "ok"))
        return -1;
    uint64_t v[] = { w->vaddr, w->user, opt(w->fault, w->error_code), opt(!w->fault, w->paddr) };
    return nums(l, v, 4);
}

static int add_page_cache(struct replay_log *l, const struct event *e)
{
    const struct page_cache_event *p = &e->u.page_cache;
    if (head(l, RLOG_PAGE_CACHE, e) ||
        put_str(l, RLOG_PAGE_CACHE, 0, pagecache_op_name((enum pagecache_op)p->op)))
        return -1;
    uint64_t v[] = { p->index, p->pfn, p->dev, p->ino };
    return nums(l, v, 4);
}

static int write_chunk(struct replay_log *l)
{
    if (!l->len)
        return 0;
    sqlite3_bind_int64(l->insert, 1, (sqlite3_int64)l->chunk);
    sqlite3_bind_blob(l->insert, 2, l->buf, (int)l->len, SQLITE_STATIC);
    int rc = sqlite3_step(l->insert);
    sqlite3_reset(l->insert);
    if (rc != SQLITE_DONE)
        return fail(l, sqlite3_errmsg(l->db));
    l->chunk++;
    l->len = 0;
    return 0;
}

int replay_log_add(struct replay_log *l, const struct event *ev)
{
    if (!l || l->err[0])
        return -1;
    int rc;
    switch (ev->type) {
    case EV_FAULT:        rc = add_fault(l, ev); break;
    case EV_ALLOC:
    case EV_FREE:         rc = add_alloc(l, ev); break;
    case EV_VMA:          rc = add_vma(l, ev); break;
    case EV_TLB_FLUSH:    rc = add_flush(l, ev); break;
    case EV_SYSCALL_EXIT: rc = add_syscall(l, ev); break;
    case EV_UACCESS:      rc = add_uaccess(l, ev); break;
    case EV_PAGE_CACHE:   rc = add_page_cache(l, ev); break;
    case EV_WALK:         if (ev->cause == 0)
                              return 0;         /* not a record */
                          rc = add_walk(l, ev); break;
    default:              return 0;
    }
    if (rc)
        return -1;
    l->records++;
    return l->len >= RLOG_CHUNK ? write_chunk(l) : 0;
}

/* ---- open / finish -------------------------------------------------------- */

struct replay_log *replay_log_open(sqlite3 *db, char *err, size_t errlen)
{
    struct replay_log *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "replay log: out of memory");
        return NULL;
    }
    l->db = db;
    if (sqlite3_exec(db, "CREATE TABLE replay_log(chunk INTEGER PRIMARY KEY, data BLOB)", NULL,
                     NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "INSERT INTO replay_log VALUES(?,?)", -1,
                           SQLITE_PREPARE_PERSISTENT, &l->insert, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "replay log: %s", sqlite3_errmsg(db));
        replay_log_free(l);
        return NULL;
    }
    return l;
}

/* AFTER INSERT, UPDATE and DELETE on each copied table: drop the log. */
static int create_triggers(struct replay_log *l)
{
    static const char *const tables[] = REPLAY_LOG_TABLES;
    static const char *const ops[] = { "INSERT", "UPDATE", "DELETE" };
    char sql[512];
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        for (size_t k = 0; k < 3; k++) {
            snprintf(sql, sizeof sql, "CREATE TRIGGER replay_log_%s_%c AFTER %s ON %s BEGIN"
                     " DELETE FROM replay_log; DELETE FROM meta WHERE key = '" REPLAY_LOG_META
                     "'; END", tables[i], ops[k][0] + 32, ops[k], tables[i]);
            if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
                return fail(l, sqlite3_errmsg(l->db));
        }
    return 0;
}

int replay_log_finish(struct replay_log *l)
{
    if (!l || l->err[0] || write_chunk(l) || create_triggers(l))
        return -1;
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO meta VALUES('" REPLAY_LOG_META "', '%llu')",
             (unsigned long long)l->records);
    if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail(l, sqlite3_errmsg(l->db));
    return 0;
}

const char *replay_log_error(const struct replay_log *l)
{
    return l ? l->err : "";
}

void replay_log_free(struct replay_log *l)
{
    if (!l)
        return;
    sqlite3_finalize(l->insert);
    for (size_t i = 0; i < l->nslot; i++)
        free(l->slot[i].s);
    free(l->slot);
    free(l->buf);
    free(l);
}

/*
 * outcome.c — the recorded outcomes as fields (outcome.h): read from the
 * trace's tables, made from replayed events, compared, and formatted as
 * text only when a divergence is shown.
 *
 * Each outcome table is read with one prepared statement in seq order (its
 * INTEGER PRIMARY KEY: no sort) and the streams are merged by seq, so the
 * trace is read in one pass and no row is formatted.  The few distinct
 * strings (allocator, op, zone, purpose, VMA names ...) are stored once.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/outcome.h"

/* ---- the strings, each once ------------------------------------------- */

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;           /* FNV-1a */
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static int strtab_grow(struct strtab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 256;
    char **slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slot[i]) {
            size_t j = hash(t->slot[i]) & (cap - 1);
            while (slot[j])
                j = (j + 1) & (cap - 1);
            slot[j] = t->slot[i];
        }
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
    return 0;
}

/* The stored copy of s (NULL: ""), or NULL when out of memory. */
static const char *strtab_intern(struct strtab *t, const char *s)
{
    if (!s)
        s = "";
    if (2 * (t->n + 1) > t->cap && strtab_grow(t))
        return NULL;
    size_t j = hash(s) & (t->cap - 1);
    for (; t->slot[j]; j = (j + 1) & (t->cap - 1))
        if (strcmp(t->slot[j], s) == 0)
            return t->slot[j];
    if (!(t->slot[j] = strdup(s)))
        return NULL;
    t->n++;
    return t->slot[j];
}

/* ---- reading the tables ----------------------------------------------- */

const char *outcome_intern(struct outcome_list *c, const char *s)
{
    return strtab_intern(&c->strings, s);
}

/* ---- building c->rec ---------------------------------------------------- */

static int push(struct outcome_list *c, const struct outcome *o)
{
    if ((c->nr & (c->nr + 1)) == 0 || c->nr == 0) {   /* grow at 2^k - 1 */
        struct outcome *n = realloc(c->rec, (c->nr * 2 + 2) * sizeof *n);
        if (!n)
            return -1;
        c->rec = n;
    }
    c->rec[c->nr++] = *o;
    return 0;
}

int outcome_take(struct outcome_builder *b, const struct outcome *o, const struct outcome_extra *x)
{
    if (push(b->c, o)) {
        free(o->data);
        return -1;
    }
    struct outcome *r = &b->c->rec[b->c->nr - 1];
    if (o->type == EV_UACCESS)
        r->dir = strcmp(o->s[0], "read") == 0 ? UA_READ : strcmp(o->s[0], "write") == 0
                 ? UA_WRITE : UA_STRING;
    if (o->type == EV_FAULT) {
        if (b->nr_begins == b->cap) {
            size_t cap = b->cap ? 2 * b->cap : 256;
            uint64_t *n = realloc(b->begins, cap * sizeof *n);
            if (!n)
                return -1;
            b->begins = n;
            b->cap = cap;
        }
        b->begins[b->nr_begins++] = x->start;
    }
    if ((o->type == EV_FAULT || o->type == EV_SYSCALL_EXIT) && b->in && b->in->row)
        return b->in->row(b->in->ctx, o, x);
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Keep the walks some fault caused (their cause is its begin seq); the
 * others (the kernel's TLB-dependent walks inside system calls) are not
 * outcomes. */
void outcome_done(struct outcome_builder *b)
{
    struct outcome_list *c = b->c;
    for (size_t i = 1; i < b->nr_begins; i++)
        if (b->begins[i - 1] > b->begins[i]) {
            qsort(b->begins, b->nr_begins, sizeof *b->begins, cmp_u64);
            break;
        }
    size_t k = 0;
    for (size_t i = 0; i < c->nr; i++)
        if (c->rec[i].type != EV_WALK ||
            bsearch(&c->rec[i].cause, b->begins, b->nr_begins, sizeof *b->begins, cmp_u64))
            c->rec[k++] = c->rec[i];
    c->nr = k;
    free(b->begins);
    b->begins = NULL;
}

void outcome_abandon(struct outcome_builder *b)
{
    struct outcome_list *c = b->c;
    for (size_t i = 0; i < c->nr; i++)
        free(c->rec[i].data);
    c->nr = 0;
    free(b->begins);
    b->begins = NULL;
}

/* ---- reading the tables ----------------------------------------------- */

/* One outcome table: columns seq, cause, ns strings, nv numbers, then the
 * data blob when has_data, then the input's fields (struct outcome_extra)
 * for faults (begin_seq) and system calls (enter_seq, nr, arg0..arg5).
 * none: the numbers whose NULL means "none" (the others read NULL as 0,
 * as SQL's printf did). */
struct table {
    enum event_type type;
    const char *sql;
    int ns, nv, has_data;
    unsigned none;
    const char *since;          /* a table newer than schema 8's first traces: may be
                                   missing from an older trace (then no rows), or NULL */
};

static const struct table tables[] = {
    /* + begin_seq: the walks a fault makes are the ones it caused */
    { EV_FAULT, "SELECT seq, cause, access, kind, resolution, address, error_code, eip, pfn,"
      " begin_seq FROM faults ORDER BY seq", 3, 4, 0, 1u << 3, NULL },
    { EV_ALLOC, "SELECT seq, cause, allocator, op, zone, purpose, gfp, ord, pfn, addr"
      " FROM allocations ORDER BY seq", 5, 3, 0, 1u << 2, NULL },
    { EV_VMA, "SELECT seq, cause, op, name, start, stop, prot, flags FROM vmas ORDER BY seq",
      2, 4, 0, 0, NULL },
    { EV_TLB_FLUSH, "SELECT seq, cause, kind, vaddr, cr3 FROM tlb_flushes ORDER BY seq",
      1, 2, 0, 1u << 0, NULL },
    { EV_SYSCALL_EXIT, "SELECT seq, cause, name, ret, enter_seq, nr, arg0, arg1, arg2, arg3,"
      " arg4, arg5 FROM syscalls ORDER BY seq", 1, 1, 0, 0, NULL },
    { EV_UACCESS, "SELECT seq, cause, dir, addr, len, result, data FROM uaccess ORDER BY seq",
      1, 3, 1, 0, NULL },
    { EV_PAGE_CACHE, "SELECT seq, cause, op, idx, pfn, dev, ino FROM page_cache ORDER BY seq",
      1, 4, 0, 0, "page_cache" },
    /* The walks a fault makes (the guest's TLB misses, cause 0, are not
     * outcomes); which of the caused ones a fault caused is decided once
     * every fault is read (outcome_done).  cause > 0 lets SQLite read
     * them through the partial index translations_caused (trace/schema.h)
     * when the trace has it, instead of scanning every walk. */
    { EV_WALK, "SELECT seq, cause, access, result, vaddr, user, error_code, paddr"
      " FROM translations WHERE cause > 0 ORDER BY seq", 2, 4, 0, (1u << 2) | (1u << 3), NULL },
};
#define NR_TABLES (sizeof tables / sizeof *tables)

/* The string a column held in the row before, interned: most rows repeat
 * their table's allocator, op, zone ..., so a memcmp replaces the hash. */
struct last_str {
    const char *s;
    int len;
};

static const char *column_str(struct strtab *t, sqlite3_stmt *s, int col, struct last_str *last)
{
    const char *v = (const char *)sqlite3_column_text(s, col);
    int n = sqlite3_column_bytes(s, col);
    if (last->s && v && n == last->len && memcmp(v, last->s, (size_t)n) == 0)
        return last->s;
    const char *in = strtab_intern(t, v);
    if (in && v)
        *last = (struct last_str){ in, n };
    return in;
}

/* A row: its outcome and, past the outcome's columns, the input's fields. */
struct row {
    struct outcome o;
    struct outcome_extra x;
};

static int read_row(struct outcome_list *c, const struct table *tb, sqlite3_stmt *s,
                    struct last_str *last, struct row *r)
{
    struct outcome *o = &r->o;
    *o = (struct outcome){ .seq = (uint64_t)sqlite3_column_int64(s, 0),
                           .cause = (uint64_t)sqlite3_column_int64(s, 1), .type = tb->type,
                           .s = { "", "", "", "", "" },
                           .v = { OUTCOME_NONE, OUTCOME_NONE, OUTCOME_NONE, OUTCOME_NONE } };
    for (int i = 0; i < tb->ns; i++)
        if (!(o->s[i] = column_str(&c->strings, s, 2 + i, &last[i])))
            return -1;
    for (int i = 0; i < tb->nv; i++) {
        int col = 2 + tb->ns + i;
        o->v[i] = (tb->none >> i & 1) && sqlite3_column_type(s, col) == SQLITE_NULL
                  ? OUTCOME_NONE : sqlite3_column_int64(s, col);
    }
    int col = 2 + tb->ns + tb->nv;
    if (tb->has_data) {
        int n = sqlite3_column_bytes(s, col);
        const void *b = sqlite3_column_blob(s, col);
        if (b && (o->data = malloc((size_t)n + 1)))
            memcpy(o->data, b, (size_t)n);
        col++;
    }
    r->x = (struct outcome_extra){ 0 };
    if (tb->type == EV_FAULT || tb->type == EV_SYSCALL_EXIT)
        r->x.start = (uint64_t)sqlite3_column_int64(s, col);
    if (tb->type == EV_SYSCALL_EXIT) {
        r->x.nr = (uint32_t)sqlite3_column_int64(s, col + 1);
        for (int i = 0; i < 6; i++)
            r->x.a[i] = (uint32_t)sqlite3_column_int64(s, col + 2 + i);
    }
    return 0;
}

static int table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int yes = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return yes;
}

static void sql_error(sqlite3 *db, char *err, size_t errlen)
{
    snprintf(err, errlen, sqlite3_errcode(db) == SQLITE_CORRUPT
             ? "the trace is damaged or truncated: %s"
             : "not a complete memsim trace: %s", sqlite3_errmsg(db));
}

/* The streams' current rows, merged: the smallest seq goes next. */
int outcome_load(sqlite3 *db, struct outcome_list *c, const struct outcome_inputs *in, char *err,
                 size_t errlen)
{
    sqlite3_stmt *st[NR_TABLES] = { 0 };
    struct row cur[NR_TABLES];
    struct last_str last[NR_TABLES][OUTCOME_NS];
    struct outcome_builder b = { .c = c, .in = in };
    int live[NR_TABLES] = { 0 }, rc = -1;
    memset(last, 0, sizeof last);
    for (size_t i = 0; i < NR_TABLES; i++) {
        if (tables[i].since && !table_exists(db, tables[i].since))
            continue;                   /* an older trace: none of these rows */
        if (sqlite3_prepare_v2(db, tables[i].sql, -1, &st[i], NULL) != SQLITE_OK) {
            sql_error(db, err, errlen);
            goto out;
        }
    }
    for (size_t i = 0; i < NR_TABLES; i++) {
        if (!st[i])
            continue;
        int r = sqlite3_step(st[i]);
        if (r == SQLITE_ROW && read_row(c, &tables[i], st[i], last[i], &cur[i]))
            goto oom;
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            goto damaged;
        live[i] = r == SQLITE_ROW;
    }
    for (;;) {
        size_t m = NR_TABLES;
        for (size_t i = 0; i < NR_TABLES; i++)
            if (live[i] && (m == NR_TABLES || cur[i].o.seq < cur[m].o.seq))
                m = i;
        if (m == NR_TABLES)
            break;
        live[m] = 0;                    /* c->rec owns its data now */
        if (outcome_take(&b, &cur[m].o, &cur[m].x))
            goto oom;
        int r = sqlite3_step(st[m]);
        if (r == SQLITE_ROW && read_row(c, &tables[m], st[m], last[m], &cur[m]))
            goto oom;
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            goto damaged;
        live[m] = r == SQLITE_ROW;
    }
    outcome_done(&b);
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of host memory");
    goto out;
damaged:
    snprintf(err, errlen, "the trace is damaged or truncated: %s", sqlite3_errmsg(db));
out:
    for (size_t i = 0; i < NR_TABLES; i++) {
        if (rc && live[i])
            free(cur[i].o.data);
        sqlite3_finalize(st[i]);
    }
    free(b.begins);
    return rc;
}

void outcome_free(struct outcome_list *c)
{
    for (size_t i = 0; i < c->nr; i++)
        free(c->rec[i].data);
    free(c->rec);
    for (size_t i = 0; i < c->strings.cap; i++)
        free(c->strings.slot[i]);
    free(c->strings.slot);
}

/* ---- replayed events -------------------------------------------------- */

static const char *access_str(uint8_t a)
{
    static const char *const n[] = { "read", "write", "fetch" };   /* enum mmu_access */
    return a < 3 ? n[a] : "";
}

static const char *str(const char *s)
{
    return s ? s : "";
}

static void set(struct outcome *o, enum event_type t, const char *s0, const char *s1,
                const char *s2, const char *s3, int64_t v0, int64_t v1, int64_t v2, int64_t v3)
{
    o->type = t;
    o->s[0] = str(s0), o->s[1] = str(s1), o->s[2] = str(s2), o->s[3] = str(s3), o->s[4] = "";
    o->v[0] = v0, o->v[1] = v1, o->v[2] = v2, o->v[3] = v3;
}

int outcome_from_event(const struct event *ev, uint64_t open_fault, struct outcome *o)
{
    const struct fault_event *f = &ev->u.fault;
    const struct alloc_event *a = &ev->u.alloc;
    const struct vma_event *v = &ev->u.vma;
    const struct uaccess_event *u = &ev->u.uaccess;
    const struct walk_event *w = &ev->u.walk;
    const int64_t N = OUTCOME_NONE;
    *o = (struct outcome){ .seq = ev->seq, .cause = ev->cause };
    switch (ev->type) {
    case EV_FAULT:
        set(o, EV_FAULT, access_str(f->access), fault_kind_name((enum fault_kind)f->kind),
            fault_resolution_name((enum fault_resolution)f->resolution), "", f->address,
            f->error_code, f->eip, f->pfn == UINT32_MAX ? N : f->pfn);
        return 1;
    case EV_ALLOC:
    case EV_FREE:
        set(o, EV_ALLOC, alloc_allocator_name((enum alloc_allocator)a->allocator),
            alloc_op_name((enum alloc_op)a->op), a->zone, a->purpose, a->order, a->pfn,
            a->addr ? a->addr : N, N);
        o->s[4] = str(a->gfp);
        return 1;
    case EV_VMA:
        set(o, EV_VMA, vma_op_name((enum vma_op)v->op), v->name, "", "", v->start, v->end,
            v->prot, v->flags);
        return 1;
    case EV_TLB_FLUSH:
        set(o, EV_TLB_FLUSH, flush_kind_name((enum flush_kind)ev->u.flush.kind), "", "", "",
            ev->u.flush.kind == FLUSH_INVLPG ? ev->u.flush.vaddr : N, ev->u.flush.cr3, N, N);
        return 1;
    case EV_SYSCALL_EXIT:
        set(o, EV_SYSCALL_EXIT, ev->u.syscall.name, "", "", "", ev->u.syscall.ret, N, N, N);
        return 1;
    case EV_UACCESS:
        set(o, EV_UACCESS, uaccess_dir_name((enum uaccess_dir)u->dir), "", "", "", u->addr,
            u->len, u->result, N);
        o->dir = u->dir;
        return 1;
    case EV_PAGE_CACHE: {
        const struct page_cache_event *p = &ev->u.page_cache;
        set(o, EV_PAGE_CACHE, pagecache_op_name((enum pagecache_op)p->op), "", "", "", p->index,
            p->pfn, (int64_t)p->dev, (int64_t)p->ino);
        return 1;
    }
    case EV_WALK:
        if (!open_fault || ev->cause != open_fault)
            return 0;       /* the guest's TLB misses and the kernel's TLB-dependent walks */
        set(o, EV_WALK, access_str(w->access), w->fault ? "fault" : "ok", "", "", w->vaddr,
            w->user, w->fault ? w->error_code : N, w->fault ? N : (int64_t)w->paddr);
        return 1;
    default:
        return 0;
    }
}

int outcome_same(const struct outcome *a, const struct outcome *b)
{
    if (a->type != b->type)
        return 0;
    int nv = a->type == EV_PAGE_CACHE ? 2 : 4;     /* not the host identity */
    for (int i = 0; i < nv; i++)
        if (a->v[i] != b->v[i])
            return 0;
    for (int i = 0; i < 4; i++)
        if (a->s[i] != b->s[i] && strcmp(a->s[i], b->s[i]))
            return 0;
    return a->s[4] == b->s[4] || strcmp(a->s[4], b->s[4]) == 0;
}

/* ---- text, for a difference ------------------------------------------ */

const char *outcome_table(enum event_type t)
{
    switch (t) {
    case EV_FAULT: return "faults";
    case EV_ALLOC: case EV_FREE: return "allocations";
    case EV_VMA: return "vmas";
    case EV_TLB_FLUSH: return "tlb_flushes";
    case EV_SYSCALL_EXIT: return "syscalls";
    case EV_UACCESS: return "uaccess";
    case EV_WALK: return "translations";
    case EV_PAGE_CACHE: return "page_cache";
    default: return "?";
    }
}

/* v as decimal (fmt 'd') or 0x%08x (fmt 'x'), or "-" for none. */
static const char *num(int64_t v, char fmt, char *buf, size_t n)
{
    if (v == OUTCOME_NONE)
        return "-";
    if (fmt == 'x')
        snprintf(buf, n, "0x%08" PRIx32, (uint32_t)v);
    else
        snprintf(buf, n, "%" PRId64, v);
    return buf;
}

void outcome_text(const struct outcome *o, char *buf, size_t n)
{
    const char *const *s = o->s;
    const int64_t *v = o->v;
    char x[2][24];
    switch (o->type) {
    case EV_FAULT:
        snprintf(buf, n, "fault 0x%08" PRIx32 " %s ec=%" PRId64 " eip=0x%08" PRIx32 " %s %s pfn=%s",
                 (uint32_t)v[0], s[0], v[1], (uint32_t)v[2], s[1], s[2],
                 num(v[3], 'd', x[0], sizeof x[0]));
        break;
    case EV_ALLOC:
        /* addr= and gfp= only where the row has them (slab, bootmem; buddy) */
        snprintf(buf, n, "%s %s order=%" PRId64 " pfn=%" PRId64 " zone=%s purpose=%s%s%s%s%s",
                 s[0], s[1], v[0], v[1], s[2], s[3], v[2] == OUTCOME_NONE ? "" : " addr=",
                 v[2] == OUTCOME_NONE ? "" : num(v[2], 'x', x[0], sizeof x[0]),
                 *o->s[4] ? " gfp=" : "", o->s[4]);
        break;
    case EV_VMA:
        snprintf(buf, n, "vma %s 0x%08" PRIx32 "-0x%08" PRIx32 " prot=%" PRId64 " flags=0x%" PRIx32
                 " name=%s", s[0], (uint32_t)v[0], (uint32_t)v[1], v[2], (uint32_t)v[3], s[1]);
        break;
    case EV_TLB_FLUSH:
        snprintf(buf, n, "flush %s vaddr=%s cr3=0x%" PRIx32, s[0], num(v[0], 'x', x[0], sizeof x[0]),
                 (uint32_t)v[1]);
        break;
    case EV_SYSCALL_EXIT:
        snprintf(buf, n, "syscall %s = %" PRId64, s[0], v[0]);
        break;
    case EV_UACCESS:
        snprintf(buf, n, "uaccess %s 0x%08" PRIx32 " len=%" PRId64 " result=%" PRId64, s[0],
                 (uint32_t)v[0], v[1], v[2]);
        break;
    case EV_PAGE_CACHE:
        snprintf(buf, n, "page-cache %s index=%" PRId64 " pfn=%" PRId64, s[0], v[0], v[1]);
        break;
    case EV_WALK:
        snprintf(buf, n, "walk 0x%08" PRIx32 " %s user=%" PRId64 " %s ec=%s paddr=%s",
                 (uint32_t)v[0], s[0], v[1], s[1], num(v[2], 'd', x[0], sizeof x[0]),
                 num(v[3], 'd', x[1], sizeof x[1]));
        break;
    default:
        snprintf(buf, n, "?");
    }
}

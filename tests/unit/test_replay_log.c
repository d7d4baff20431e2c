/*
 * test_replay_log.c — the trace's replay log (trace/replay_log.h) and its
 * rows give replay the same recorded run: events of every logged type,
 * with NULL strings, NULL-able columns, negative results, bytes and no
 * bytes, walks with and without a cause, and enough of them to fill several
 * chunks, go through the trace writer; log_load and outcome_load (the two
 * readers, replay/check.h) must build identical outcomes and inputs.  An
 * edit of a copied table drops the log (the triggers).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "replay/check.h"
#include "trace/trace.h"

#define MAX_INPUTS 200000

struct inputs {
    struct { uint64_t seq; int type; struct outcome_extra x; } *v;
    size_t n;
};

static int take_input(void *ctx, const struct outcome *o, const struct outcome_extra *x)
{
    struct inputs *in = ctx;
    if (in->n == MAX_INPUTS)
        return -1;
    in->v[in->n].seq = o->seq;
    in->v[in->n].type = o->type;
    in->v[in->n++].x = *x;
    return 0;
}

static uint64_t seq;

static void emit(struct trace *t, struct event *ev, uint64_t cause)
{
    ev->seq = ++seq;
    ev->cause = cause;
    ev->pid = 1;
    trace_consume(t, ev);
}

/* One round of every logged type (and a segment check and an enter, which
 * are no records); i varies the values. */
static void round_of_events(struct trace *t, uint32_t i)
{
    static const uint8_t bytes[5] = { 1, 2, 0, 255, 7 };
    struct event e;
    memset(&e, 0, sizeof e);
    e.type = EV_SYSCALL_ENTER;
    emit(t, &e, 0);
    uint64_t enter = seq;
    e.type = EV_UACCESS;
    e.u.uaccess = (struct uaccess_event){ .dir = (uint8_t)(i % 3), .result = i % 4 ? 0 : -14,
                                          .addr = 0x8048000 + i, .len = 5, .data = bytes };
    emit(t, &e, enter);
    e.u.uaccess.data = NULL;                   /* not recorded */
    emit(t, &e, enter);
    e.u.uaccess = (struct uaccess_event){ .dir = 0, .len = 0, .data = bytes };   /* empty */
    emit(t, &e, enter);
    e.type = EV_ALLOC;
    e.u.alloc = (struct alloc_event){ .allocator = (uint8_t)(i & 1), .op = (uint8_t)(i % 3),
                                      .order = i % 11, .pfn = i * 7,
                                      .zone = i % 5 ? "Normal" : NULL,
                                      .purpose = i % 2 ? "anon" : "pagetable" };
    emit(t, &e, enter);
    e.type = EV_VMA;
    char name[32];
    snprintf(name, sizeof name, "/lib/file%u.so", i % 17);
    e.u.vma = (struct vma_event){ .op = (uint8_t)(i % 4), .start = 0x1000u * i,
                                  .end = 0x1000u * i + 0x3000, .prot = i % 8, .flags = i,
                                  .name = i % 3 ? name : NULL };
    emit(t, &e, enter);
    e.type = EV_TLB_FLUSH;
    e.u.flush = (struct flush_event){ .kind = (uint8_t)(i % 3), .vaddr = 0x5000,
                                      .cr3 = 0x100000 };
    emit(t, &e, enter);
    e.type = EV_SEGMENT;
    emit(t, &e, 0);
    e.type = EV_SYSCALL_EXIT;
    e.u.syscall = (struct syscall_event){ .nr = 45 + i % 3, .name = i % 3 ? "brk" : "mmap2",
                                          .args = { i, 0xffffffffu, 3, 4, 5, 6 },
                                          .ret = i % 2 ? -12 : (int64_t)0xb7f00000u,
                                          .enter_seq = enter };
    emit(t, &e, 0);

    e.type = EV_FAULT_BEGIN;
    emit(t, &e, 0);
    uint64_t begin = seq;
    e.type = EV_WALK;
    e.u.walk = (struct walk_event){ .vaddr = 0x9000 + i, .access = (uint8_t)(i % 4),
                                    .user = 1, .levels = 2, .fault = (uint8_t)(i & 1),
                                    .error_code = 6, .paddr = 0x123000 };
    emit(t, &e, begin);                        /* caused by the fault: an outcome */
    emit(t, &e, 0);                            /* a TLB miss: no record, no outcome */
    e.type = EV_FAULT;
    e.u.fault = (struct fault_event){ .eip = 0x8049000, .address = 0x9000 + i,
                                      .error_code = 6, .access = (uint8_t)(i % 3),
                                      .kind = (uint8_t)(i % 3), .resolution = (uint8_t)(i % 4),
                                      .pfn = i % 4 ? i : UINT32_MAX, .begin_seq = begin };
    emit(t, &e, 0);
}

static int same_outcome(const struct outcome *a, const struct outcome *b)
{
    if (a->seq != b->seq || a->cause != b->cause || a->type != b->type || a->dir != b->dir ||
        !outcome_same(a, b) || !a->data != !b->data)
        return 0;
    return !a->data || memcmp(a->data, b->data, (size_t)a->v[1]) == 0;
}

static int64_t meta_log(sqlite3 *db)
{
    sqlite3_stmt *s;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'replay_log'", -1, &s,
                           NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

int main(void)
{
    char path[] = "/tmp/test_replay_log.XXXXXX", err[512];
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);
    struct trace *t = trace_open(path, err, sizeof err);
    CHECK(t != NULL);
    if (!t)
        return CHECK_DONE();
    for (uint32_t i = 0; i < 12000; i++)
        round_of_events(t, i);
    CHECK(trace_close(t, err, sizeof err) == 0);

    sqlite3 *db;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
    sqlite3_stmt *s;
    CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM replay_log", -1, &s, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    CHECK(sqlite3_column_int(s, 0) > 2);       /* several chunks */
    sqlite3_finalize(s);
    CHECK_EQ(meta_log(db), 12000 * 9);         /* 3 uaccess, alloc, vma, flush, exit, walk, fault */

    struct inputs in_log = { calloc(MAX_INPUTS, sizeof *in_log.v), 0 };
    struct inputs in_rows = { calloc(MAX_INPUTS, sizeof *in_rows.v), 0 };
    struct outcome_list by_log = { 0 }, by_rows = { 0 };
    CHECK(log_load(db, &by_log, &(struct outcome_inputs){ &in_log, take_input }) == 0);
    CHECK(outcome_load(db, &by_rows, &(struct outcome_inputs){ &in_rows, take_input }, err,
                       sizeof err) == 0);
    CHECK_EQ(by_log.nr, by_rows.nr);
    CHECK_EQ(by_rows.nr, 12000 * 9);
    size_t bad = 0;
    for (size_t i = 0; i < by_log.nr && i < by_rows.nr; i++)
        bad += !same_outcome(&by_log.rec[i], &by_rows.rec[i]);
    CHECK_EQ(bad, 0);
    CHECK_EQ(in_log.n, in_rows.n);
    CHECK_EQ(in_log.n, 12000 * 2);
    bad = 0;
    for (size_t i = 0; i < in_log.n && i < in_rows.n; i++) {
        const struct outcome_extra *a = &in_log.v[i].x, *b = &in_rows.v[i].x;
        bad += in_log.v[i].seq != in_rows.v[i].seq || in_log.v[i].type != in_rows.v[i].type ||
               a->start != b->start || a->nr != b->nr || memcmp(a->a, b->a, sizeof a->a) != 0;
    }
    CHECK_EQ(bad, 0);
    outcome_free(&by_log);

    /* Any edit of a copied table drops the log and its meta key. */
    CHECK(sqlite3_exec(db, "UPDATE vmas SET prot = prot WHERE seq = (SELECT min(seq) FROM vmas)",
                       NULL, NULL, NULL) == SQLITE_OK);
    CHECK_EQ(meta_log(db), (uint64_t)-1);
    struct outcome_list again = { 0 };
    in_log.n = 0;
    CHECK(log_load(db, &again, &(struct outcome_inputs){ &in_log, take_input }) == 1);
    CHECK_EQ(again.nr, 0);
    outcome_free(&again);
    outcome_free(&by_rows);
    free(in_log.v);
    free(in_rows.v);
    sqlite3_close(db);
    unlink(path);
    return CHECK_DONE();
}

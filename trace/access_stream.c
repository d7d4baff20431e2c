/*
 * access_stream.c — the access stream's side of the trace: blocks of the
 * encoded stream (common/access_stream.h) written to access_blocks, and
 * read back in order for the decoders (the CSV export, the replay's sim).
 */
#include <stdlib.h>
#include <string.h>
#include "trace/access_stream.h"
#include "trace/trace_priv.h"

static const char *phase_name(enum access_phase ph)
{
    return ph == ACCESS_PHASE_MEASURED ? "measured" : ph == ACCESS_PHASE_WARMUP ? "warmup" : NULL;
}

int trace_access_block(void *ctx, const struct access_block *blk)
{
    struct trace *t = ctx;
    trace_sync(t);                      /* the rows before the block first */
    if (t->failed)
        return -1;
    sqlite3_stmt *s = t->st[ST_ACCESS];
    bind_u64(s, 1, blk->first_seq);
    bind_u64(s, 2, blk->n);
    sqlite3_bind_blob(s, 3, blk->data, (int)blk->len, SQLITE_STATIC);
    if (blk->phase != ACCESS_PHASE_ALL) {       /* an unsampled stream: both NULL */
        bind_u64(s, 4, blk->window);
        bind_text(s, 5, phase_name(blk->phase));
    }
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        trace_fail(t, "cannot write the access stream", sqlite3_errmsg(t->db));
        return -1;
    }
    return 0;
}

/* Twice a run: no prepared statement of the writer's. */
int trace_access_sampling(struct trace *t, uint32_t every, uint32_t window, const uint64_t *accesses)
{
    char sql[160];
    trace_sync(t);
    if (t->failed)
        return -1;
    if (!accesses)
        snprintf(sql, sizeof sql, "INSERT INTO access_sampling VALUES(%u, %u, NULL)", every, window);
    else
        snprintf(sql, sizeof sql, "UPDATE access_sampling SET accesses = %llu",
                 (unsigned long long)*accesses);
    if (sqlite3_exec(t->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        trace_fail(t, "cannot write access_sampling", sqlite3_errmsg(t->db));
        return -1;
    }
    return 0;
}

int access_sampling_read(sqlite3 *db, struct access_sampling *sm)
{
    sqlite3_stmt *s;
    memset(sm, 0, sizeof *sm);
    if (sqlite3_prepare_v2(db, "SELECT period, window_accesses, accesses FROM access_sampling",
                           -1, &s, NULL) != SQLITE_OK)
        return 0;                       /* an older trace: never sampled */
    if (sqlite3_step(s) == SQLITE_ROW) {
        sm->period = (uint32_t)sqlite3_column_int64(s, 0);
        sm->window = (uint32_t)sqlite3_column_int64(s, 1);
        sm->accesses = (uint64_t)sqlite3_column_int64(s, 2);
        sm->accesses_known = sqlite3_column_type(s, 2) != SQLITE_NULL;
    }
    sqlite3_finalize(s);
    return sm->period != 0;
}

int access_blocks_present(sqlite3 *db)
{
    sqlite3_stmt *s;
    int yes = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM access_blocks LIMIT 1", -1, &s, NULL) != SQLITE_OK)
        return 0;
    yes = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return yes;
}

int access_blocks_open(sqlite3 *db, struct access_blocks *b, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    if (sqlite3_prepare_v2(db, "SELECT seq_first, n, data, window_idx, phase FROM access_blocks"
                           " ORDER BY rowid", -1, &b->stmt, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "this trace has no access_blocks table: %s", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

int access_blocks_next(struct access_blocks *b, struct access_decoder *d, char *err, size_t errlen)
{
    int rc = sqlite3_step(b->stmt);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW) {
        snprintf(err, errlen, "reading access_blocks: %s", sqlite3_errmsg(sqlite3_db_handle(b->stmt)));
        return -1;
    }
    b->first_seq = (uint64_t)sqlite3_column_int64(b->stmt, 0);
    b->n = (uint64_t)sqlite3_column_int64(b->stmt, 1);
    b->window = (uint64_t)sqlite3_column_int64(b->stmt, 3);
    const unsigned char *ph = sqlite3_column_text(b->stmt, 4);
    b->phase = !ph ? ACCESS_PHASE_ALL : ph[0] == 'm' ? ACCESS_PHASE_MEASURED : ACCESS_PHASE_WARMUP;
    const void *data = sqlite3_column_blob(b->stmt, 2);
    size_t len = (size_t)sqlite3_column_bytes(b->stmt, 2);
    access_decoder_init(d, data, len);
    return 1;
}

void access_blocks_close(struct access_blocks *b)
{
    sqlite3_finalize(b->stmt);
    b->stmt = NULL;
}

/*
 * access_stream.c — the access stream's side of the trace: blocks of the
 * encoded stream (common/access_stream.h) written to access_blocks, and
 * read back in order for the decoders (the CSV export, the replay's sim).
 */
#include <stdlib.h>
#include <string.h>
#include "trace/access_stream.h"
#include "trace/trace_priv.h"

int trace_access_block(void *ctx, uint64_t first_seq, uint64_t n, const uint8_t *data, size_t len)
{
    struct trace *t = ctx;
    trace_sync(t);                      /* the rows before the block first */
    if (t->failed)
        return -1;
    sqlite3_stmt *s = t->st[ST_ACCESS];
    bind_u64(s, 1, first_seq);
    bind_u64(s, 2, n);
    sqlite3_bind_blob(s, 3, data, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        trace_fail(t, "cannot write the access stream", sqlite3_errmsg(t->db));
        return -1;
    }
    return 0;
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
    if (sqlite3_prepare_v2(db, "SELECT seq_first, n, data FROM access_blocks ORDER BY rowid",
                           -1, &b->stmt, NULL) != SQLITE_OK) {
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

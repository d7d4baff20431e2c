/*
 * access_stream.h — the access stream in the trace (`--trace accesses`):
 * the table access_blocks(seq_first, n, data, window_idx, phase) holds the
 * stream encoded as common/access_stream.h says, one self-contained block
 * per row in rowid order (window_idx and phase: a sampled stream's, else
 * NULL); access_sampling holds how it was sampled (`--sample`).  The writer is the encoder's flush callback; the reader hands each
 * block to a decoder.  The CSV export of the decoded stream:
 * `memsim export TRACE --format csv --table accesses`.
 */
#ifndef MEMSIM_TRACE_ACCESS_STREAM_H
#define MEMSIM_TRACE_ACCESS_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "common/access_stream.h"

struct sqlite3;
struct sqlite3_stmt;

struct trace;

/* access_flush_fn for a struct trace (ctx): one row (window_idx and phase
 * NULL for an unsampled stream).  0, or -1 (the trace has failed and keeps
 * the reason). */
int trace_access_block(void *ctx, const struct access_block *b);

/* A sampled stream's row of access_sampling: written at the start with
 * accesses NULL, then (accesses non-NULL: every access the CPU made) at the
 * end.  0, or -1 (trace_error). */
int trace_access_sampling(struct trace *t, uint32_t every, uint32_t window, const uint64_t *accesses);

/* The sampling a trace's stream was recorded with: 1 with sm filled in if
 * it was sampled, else 0. */
struct access_sampling {
    uint32_t period, window;        /* N, W */
    uint64_t accesses;              /* every access of the run, if known */
    int accesses_known;             /* 0: the run did not end (killed) */
};
int access_sampling_read(struct sqlite3 *db, struct access_sampling *sm);

/* 1 if db holds an access stream (a block), else 0. */
int access_blocks_present(struct sqlite3 *db);

/* Reading the blocks in order: open, next (1 with d set up on the block, 0
 * at the end, -1 with err), close.  A block's bytes stay valid until the
 * next call. */
struct access_blocks {
    struct sqlite3_stmt *stmt;
    uint64_t first_seq, n;
    uint64_t window;                /* sampled: the block's window */
    enum access_phase phase;        /* ALL: an unsampled stream */
};
int  access_blocks_open(struct sqlite3 *db, struct access_blocks *b, char *err, size_t errlen);
int  access_blocks_next(struct access_blocks *b, struct access_decoder *d, char *err, size_t errlen);
void access_blocks_close(struct access_blocks *b);

/* One CSV row per access (idx,kind,addr,size,class; markers are rows of
 * kind mark with the seq in addr), with a header line.  0, or -1 with err
 * (a malformed block, a write error). */
int access_csv_write(struct sqlite3 *db, FILE *out, char *err, size_t errlen);

#endif

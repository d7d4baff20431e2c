/*
 * replay_log.h — the trace's replay log: a compact copy, written during
 * the run, of the rows replay reads event by event (the outcomes and the
 * inputs that share their rows), so a replay decodes one BLOB stream
 * instead of stepping SQLite through a row per event.
 *
 * Derived data.  The writer (replay_log.c) is fed by trace_consume() with
 * exactly the events that became rows, so the log cannot disagree with the
 * rows when it is written.  replay_log_finish() (at trace close) marks it
 * complete (meta key 'replay_log' = the record count) and creates
 * triggers that drop it (DELETE FROM replay_log and the meta key) on any
 * INSERT, UPDATE or DELETE of a table it copies: an edited trace is replayed
 * from its rows.  The log is never exported (events files hold the rows).
 *
 * Format (docs/TRACE_SCHEMA.md): table replay_log(chunk INTEGER PRIMARY
 * KEY, data BLOB); the chunks in chunk order are one stream of records, a
 * record never spans two chunks.  A record is a type byte (enum
 * rlog_type) then unsigned LEB128 varints: seq as the difference from the
 * previous record's seq, cause, then the type's fields in the order of
 * the reader's table (replay/log_load.c).  A string is a varint id: 0 is
 * NULL, the next unused id defines the string (varint length + bytes), a
 * smaller one repeats it.  A signed field is zigzag-coded; a field that
 * may be NULL is stored as value + 1, 0 for NULL.
 */
#ifndef MEMSIM_TRACE_REPLAY_LOG_H
#define MEMSIM_TRACE_REPLAY_LOG_H

#include <stddef.h>
#include <stdint.h>
#include "common/event.h"

struct sqlite3;

/* The tables the log copies (the rows replay reads per event). */
#define REPLAY_LOG_TABLES \
    { "faults", "allocations", "vmas", "tlb_flushes", "syscalls", "uaccess", "translations", \
      "page_cache" }
#define REPLAY_LOG_META "replay_log"    /* meta key: record count of a complete log */

enum rlog_type {
    RLOG_FAULT = 1, RLOG_ALLOC, RLOG_VMA, RLOG_FLUSH, RLOG_SYSCALL, RLOG_UACCESS, RLOG_WALK,
    RLOG_PAGE_CACHE, RLOG_NR_TYPES
};

struct replay_log;

/* Create the table and prepare its insert in db (inside the writer's open
 * transaction); NULL with the SQLite error in err. */
struct replay_log *replay_log_open(struct sqlite3 *db, char *err, size_t errlen);
/* Append ev's record (ev became a row of one of REPLAY_LOG_TABLES; walks
 * with cause 0, which replay never reads, are left out).  Nonzero: out
 * of memory or an insert failed (see replay_log_error). */
int  replay_log_add(struct replay_log *l, const struct event *ev);
/* Write the last chunk, the meta key and the triggers.  Nonzero on failure. */
int  replay_log_finish(struct replay_log *l);
const char *replay_log_error(const struct replay_log *l);
void replay_log_free(struct replay_log *l);

/* ---- decoding (the reader in replay/) ----------------------------------- */

/* The varint at *p (< end) into *v and advance; -1 when it runs past end.
 * Most fields (deltas, ids, small numbers) are one byte: that path first. */
static inline int rlog_get(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    const uint8_t *q = *p;
    if (q < end && *q < 0x80) {
        *v = *q;
        *p = q + 1;
        return 0;
    }
    uint64_t x = 0;
    for (unsigned shift = 0; q < end && shift < 64; shift += 7) {
        uint8_t b = *q++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            *p = q;
            return 0;
        }
    }
    return -1;
}

static inline int64_t rlog_unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

#endif

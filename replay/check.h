/*
 * check.h — private to replay/: the checker sink that compares the
 * replay's events with the recorded outcomes.
 *
 * An outcome (trace/outcome.h) is the columns of one recorded row
 * (trace/outcome.c reads them from the trace's tables with one prepared
 * statement each, merged by seq) or the same fields of a replayed event;
 * they are compared field by field and formatted as one line of text
 * (outcome_text) only to show a divergence.  Outcomes are grouped
 * by the input that led to them: group i holds the recorded outcomes with
 * seq in [start of input i, start of input i+1), so a what-if replay that
 * allocates differently inside one call is compared again from the next.
 */
#ifndef MEMSIM_REPLAY_CHECK_H
#define MEMSIM_REPLAY_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include "common/event.h"
#include "replay/replay.h"
#include "trace/outcome.h"

struct sqlite3;
struct sqlite3_stmt;

struct checker {
    struct outcome_list list;   /* recorded, in seq order */
    size_t cur, end;            /* the current group: list.rec[cur..end) */
    uint64_t open_fault;        /* seq of the replay's fault begin in progress, 0 none */
    int what_if, stop;          /* stop: the first divergence of a strict replay */
    unsigned context;
    struct replay_report *rep;
    unsigned shown;             /* divergences written to rep->text */
};

/* Start the group of recorded outcomes with seq in [from, to). */
void check_group(struct checker *c, uint64_t from, uint64_t to);
/* End it: recorded outcomes the replay did not produce are differences. */
void check_group_end(struct checker *c);
/* A difference the replay finds by itself rather than in an event (the
 * model's tasks disagree with a recorded switch): what, at recorded seq of
 * table's input. */
void check_diverge(struct checker *c, uint64_t seq, const char *table, const char *what);
/* The event-stream sink. */
void check_consume(void *ctx, const struct event *ev);
/* The recorded bytes of the next read at (dir, addr) in the group (the
 * kernel's uaccess_src): NULL if none. */
const uint8_t *check_recorded_bytes(void *ctx, enum uaccess_dir dir, uint32_t addr,
                                    uint32_t *len);
/* The recorded user accesses made by the call whose enter had seq cause. */
size_t check_find(const struct checker *c, uint64_t seq);   /* first rec with seq >= */

/* The same from the trace's replay log (log_load.c): 0 read; 1 no complete
 * log, or one that does not decode (nothing kept, in->row may have been
 * called: the caller drops those inputs and reads the rows). */
int  log_load(struct sqlite3 *db, struct outcome_list *c, const struct outcome_inputs *in);

#endif

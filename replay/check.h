/*
 * check.h — private to replay/: the recorded outcomes and the checker sink
 * that compares the replay's events with them.
 *
 * An outcome is one line of text (outcome_format), made from a recorded
 * row by SQL and from a replayed event by C with the same format, so
 * comparing is strcmp and a divergence prints both.  Outcomes are grouped
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

struct outcome {
    uint64_t seq;               /* the recorded seq */
    uint64_t cause;
    char *text;
    enum event_type type;
    uint8_t dir;                /* EV_UACCESS: enum uaccess_dir */
    uint32_t addr, len;         /* EV_UACCESS */
    uint8_t *data;              /* EV_UACCESS: the bytes read, or NULL */
};

struct checker {
    struct outcome *rec;        /* recorded, in seq order */
    size_t nr;
    size_t cur, end;            /* the current group: rec[cur..end) */
    uint64_t open_fault;        /* seq of the replay's fault begin in progress, 0 none */
    int what_if, stop;          /* stop: the first divergence of a strict replay */
    unsigned context;
    struct replay_report *rep;
    unsigned shown;             /* divergences written to rep->text */
};

/* One outcome line of a replayed event into buf; 0 when ev is no outcome
 * (an enter, a begin, a segment check, a walk outside a fault ...). */
int  outcome_format(const struct event *ev, uint64_t open_fault, char *buf, size_t n);
/* The SQL that yields every recorded outcome as (seq, cause, type, text,
 * dir, addr, len, data), ordered by seq, in the same format. */
extern const char outcome_sql[];

/* Start the group of recorded outcomes with seq in [from, to). */
void check_group(struct checker *c, uint64_t from, uint64_t to);
/* End it: recorded outcomes the replay did not produce are differences. */
void check_group_end(struct checker *c);
/* The event-stream sink. */
void check_consume(void *ctx, const struct event *ev);
/* The recorded bytes of the next read at (dir, addr) in the group (the
 * kernel's uaccess_src): NULL if none. */
const uint8_t *check_recorded_bytes(void *ctx, enum uaccess_dir dir, uint32_t addr,
                                    uint32_t *len);
/* The recorded user accesses made by the call whose enter had seq cause. */
size_t check_find(const struct checker *c, uint64_t seq);   /* first rec with seq >= */

#endif

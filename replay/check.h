/*
 * check.h — private to replay/: the recorded outcomes and the checker sink
 * that compares the replay's events with them.
 *
 * An outcome is the columns of one recorded row (outcome.c reads them from
 * the trace's tables with one prepared statement each, merged by seq; or
 * log_load.c from the trace's replay log, the same fields) or
 * the same fields of a replayed event; they are compared field by field
 * and formatted as one line of text (outcome_text) only to show a
 * divergence.  Outcomes are grouped
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

struct sqlite3;

#define OUTCOME_NONE INT64_MIN    /* a NULL column / a field the event does not have */

/* The fields compared, per type (EV_FREE is folded into EV_ALLOC: one table):
 *   EV_FAULT        s: access kind resolution     v: address error_code eip pfn
 *   EV_ALLOC        s: allocator op zone purpose  v: order pfn
 *   EV_VMA          s: op name                    v: start stop prot flags
 *   EV_TLB_FLUSH    s: kind                       v: vaddr cr3
 *   EV_SYSCALL_EXIT s: name                       v: ret
 *   EV_UACCESS      s: dir                        v: addr len result
 *   EV_WALK         s: access result              v: vaddr user error_code paddr
 * Unused fields are "" / OUTCOME_NONE. */
struct outcome {
    uint64_t seq;               /* the recorded seq */
    uint64_t cause;
    enum event_type type;
    const char *s[4];           /* recorded: interned in the checker's strtab */
    int64_t v[4];
    uint8_t dir;                /* EV_UACCESS: enum uaccess_dir */
    uint8_t *data;              /* EV_UACCESS: the bytes read, or NULL */
};

/* The distinct strings of the recorded outcomes, each stored once. */
struct strtab {
    char **slot;
    size_t cap, n;
};

struct checker {
    struct outcome *rec;        /* recorded, in seq order */
    size_t nr;
    struct strtab strings;      /* rec[].s */
    size_t cur, end;            /* the current group: rec[cur..end) */
    uint64_t open_fault;        /* seq of the replay's fault begin in progress, 0 none */
    int what_if, stop;          /* stop: the first divergence of a strict replay */
    unsigned context;
    struct replay_report *rep;
    unsigned shown;             /* divergences written to rep->text */
};

/* The outcome of a replayed event into o (strings borrowed from ev); 0
 * when ev is no outcome (an enter, a begin, a segment check, a walk outside
 * a fault ...). */
int  outcome_from_event(const struct event *ev, uint64_t open_fault, struct outcome *o);
int  outcome_same(const struct outcome *a, const struct outcome *b);
/* One line of text, the same for a recorded and a replayed outcome. */
void outcome_text(const struct outcome *o, char *buf, size_t n);
/* The inputs share their rows with outcomes (a system call's is its
 * syscalls row, a guest fault's its faults row), so each is read once: a
 * reader hands every syscalls and faults outcome, in seq order, to row()
 * with the input's fields of that row.  Nonzero: out of memory. */
struct outcome_extra {
    uint64_t start;             /* a fault's begin_seq, a system call's enter_seq */
    uint32_t nr, a[6];          /* a system call's number and arguments */
};
struct outcome_inputs {
    void *ctx;
    int (*row)(void *ctx, const struct outcome *o, const struct outcome_extra *x);
};
/* What a reader of the recorded outcomes feeds, one outcome at a time in
 * seq order: the rows (outcome_load) and the replay log (log_load.c)
 * build the same c->rec through it. */
struct outcome_builder {
    struct checker *c;
    const struct outcome_inputs *in;
    uint64_t *begins;           /* every fault's begin seq */
    size_t nr_begins, cap;
};
/* Append o (it takes o->data, even when it fails); nonzero: out of memory. */
int  outcome_take(struct outcome_builder *b, const struct outcome *o,
                  const struct outcome_extra *x);
/* Keep the walks some fault caused (the others are not outcomes), free b. */
void outcome_done(struct outcome_builder *b);
/* Drop what b gathered (c->rec emptied), free b: a reader gave up. */
void outcome_abandon(struct outcome_builder *b);
/* The checker's stored copy of s (NULL: ""), or NULL when out of memory. */
const char *outcome_intern(struct checker *c, const char *s);
/* Read every recorded outcome from the tables into c->rec in seq order
 * (one pass over each table) and hand the inputs to in; -1 with one line
 * in err. */
int  outcome_load(struct sqlite3 *db, struct checker *c, const struct outcome_inputs *in,
                  char *err, size_t errlen);
/* The same from the trace's replay log (log_load.c): 0 read; 1 no complete
 * log, or one that does not decode (nothing kept, in->row may have been
 * called: the caller drops those inputs and reads the rows). */
int  log_load(struct sqlite3 *db, struct checker *c, const struct outcome_inputs *in);
void outcome_free(struct checker *c);

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

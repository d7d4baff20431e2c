/*
 * check.h — private to replay/: the recorded outcomes and the checker sink
 * that compares the replay's events with them.
 *
 * An outcome is the columns of one recorded row (outcome.c reads them from
 * the trace's tables with one prepared statement each, merged by seq) or
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
struct sqlite3_stmt;

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
 * syscalls row, a guest fault's its faults row), so each table is read
 * once: row() is called for every syscalls and faults row, in seq order,
 * with the outcome made of it and the statement on that row.  Past the
 * outcome's columns the statement has, for a system call, enter_seq, nr,
 * arg0..arg5 (columns OUTCOME_INPUT_COLS..+7), for a fault begin_seq
 * (column OUTCOME_FAULT_BEGIN).  Nonzero: out of memory. */
#define OUTCOME_INPUT_COLS  4
#define OUTCOME_FAULT_BEGIN 9
struct outcome_inputs {
    void *ctx;
    int (*row)(void *ctx, const struct outcome *o, struct sqlite3_stmt *s);
};
/* Read every recorded outcome into c->rec in seq order (one pass over each
 * table) and hand the inputs to in; -1 with one line in err. */
int  outcome_load(struct sqlite3 *db, struct checker *c, const struct outcome_inputs *in,
                  char *err, size_t errlen);
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

/*
 * outcome.h — the kernel-side outcomes of a trace as fields: read from its
 * tables in seq order, made from an event of the stream, compared field by
 * field, and formatted as one line of text only to show a difference.
 *
 * The one comparator of outcomes: replay's checker (replay/check.h) compares
 * a replay's events with a recording through it, and `memsim diff`
 * (trace/diff.c) two recordings.  Which columns are outcomes (and which are
 * not: cycles, the guest's own TLB-miss walks, segment checks, seq numbers)
 * is decided here once.
 */
#ifndef MEMSIM_TRACE_OUTCOME_H
#define MEMSIM_TRACE_OUTCOME_H

#include <stddef.h>
#include <stdint.h>
#include "common/event.h"

struct sqlite3;

#define OUTCOME_NONE INT64_MIN    /* a NULL column / a field the event does not have */
#define OUTCOME_NS   5            /* string fields per outcome */

/* The fields compared, per type (EV_FREE is folded into EV_ALLOC: one table):
 *   EV_FAULT        s: access kind resolution     v: address error_code eip pfn
 *   EV_ALLOC        s: allocator op zone purpose gfp  v: order pfn addr
 *   EV_VMA          s: op name                    v: start stop prot flags
 *   EV_TLB_FLUSH    s: kind                       v: vaddr cr3
 *   EV_SYSCALL_EXIT s: name                       v: ret
 *   EV_UACCESS      s: dir                        v: addr len result
 *   EV_WALK         s: access result              v: vaddr user error_code paddr
 *   EV_PAGE_CACHE   s: op                         v: index pfn (dev ino)
 * Unused fields are "" / OUTCOME_NONE.  A page-cache outcome's dev and ino
 * (v[2], v[3]) are the file's host identity: carried for replay's redo of
 * an external call (replay.c), never compared (outcome_same). */
struct outcome {
    uint64_t seq;               /* the recorded seq */
    uint64_t cause;
    enum event_type type;
    const char *s[OUTCOME_NS];  /* recorded: interned in the checker's strtab */
    int64_t v[4];
    uint8_t dir;                /* EV_UACCESS: enum uaccess_dir */
    uint8_t *data;              /* EV_UACCESS: the bytes read, or NULL */
};

/* The distinct strings of the recorded outcomes, each stored once. */
struct strtab {
    char **slot;
    size_t cap, n;
};

/* The recorded outcomes of a trace, in seq order. */
struct outcome_list {
    struct outcome *rec;
    size_t nr;
    struct strtab strings;      /* rec[].s */
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
 * build the same list through it. */
struct outcome_builder {
    struct outcome_list *c;
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
const char *outcome_intern(struct outcome_list *c, const char *s);
/* Read every recorded outcome from the tables into c->rec in seq order
 * (one pass over each table) and hand the inputs to in; -1 with one line
 * in err. */
int  outcome_load(struct sqlite3 *db, struct outcome_list *c, const struct outcome_inputs *in,
                  char *err, size_t errlen);
void outcome_free(struct outcome_list *l);
/* The table an outcome's row is in ("faults", "allocations" ...). */
const char *outcome_table(enum event_type t);

#endif

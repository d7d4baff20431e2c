/*
 * check.c — the checker sink: each outcome the replay produces is compared
 * with the next recorded one of the current input's group (check.h).
 *
 * A strict replay stops at the first difference; a what-if replay counts
 * them (a differing outcome replaces the recorded one it stands for, a
 * missing or extra one counts alone) and starts each input's group afresh.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "replay/check.h"

static void append(struct checker *c, const char *fmt, const char *a, const char *b)
{
    char *t = c->rep->text;
    size_t used = strlen(t);
    if (used < REPLAY_TEXT - 1)
        snprintf(t + used, REPLAY_TEXT - used, fmt, a, b);
}

/* One difference: rec is the recorded outcome (NULL: the replay made one
 * more), got the replayed line (NULL: it made none). */
static void difference(struct checker *c, const struct outcome *rec, const struct outcome *got)
{
    struct replay_report *rep = c->rep;
    rep->differences++;
    if (!c->what_if)
        c->stop = 1;
    if (c->shown >= (c->what_if ? 5u : 1u))
        return;
    c->shown++;
    char head[160];
    size_t at = rec ? (size_t)(rec - c->list.rec) : c->cur;
    uint64_t seq = rec ? rec->seq : (at < c->list.nr ? c->list.rec[at].seq : 0);
    snprintf(head, sizeof head, "%s at seq %" PRIu64 " (%s)%s", c->shown == 1 ? "first divergence"
             : "divergence", seq, outcome_table(rec ? rec->type : got->type),
             rec ? "" : ": an event the recording does not have, before it");
    append(c, "%s%s:\n", head, "");
    if (c->shown == 1 && !c->what_if && at > 0) {
        unsigned k = c->context < at ? c->context : (unsigned)at;
        append(c, "  %s%s", "the events just before it (recorded and replayed alike):\n", "");
        for (size_t i = at - k; i < at; i++) {
            char line[64], text[512];
            snprintf(line, sizeof line, "    seq %" PRIu64 "  ", c->list.rec[i].seq);
            outcome_text(&c->list.rec[i], text, sizeof text);
            append(c, "%s%s\n", line, text);
        }
    }
    char r[512] = "(nothing)", g[512] = "(nothing: the replay did not produce it)";
    if (rec)
        outcome_text(rec, r, sizeof r);
    if (got)
        outcome_text(got, g, sizeof g);
    append(c, "  recorded: %s\n  replayed: %s\n", r, g);
}

void check_diverge(struct checker *c, uint64_t seq, const char *table, const char *what)
{
    c->rep->differences++;
    if (!c->what_if)
        c->stop = 1;
    if (c->shown >= (c->what_if ? 5u : 1u))
        return;
    char head[96];
    snprintf(head, sizeof head, "%s at seq %" PRIu64 " (%s): ",
             c->shown++ ? "divergence" : "first divergence", seq, table);
    append(c, "%s%s\n", head, what);
}

/* The first rec with seq >= seq, searched forward from at when rec[at - 1]
 * is before seq (the next group starts where the last ended: linear over
 * the whole replay), else by bisection. */
static size_t find_from(const struct checker *c, size_t at, uint64_t seq)
{
    if (at > c->list.nr || (at > 0 && c->list.rec[at - 1].seq >= seq))
        return check_find(c, seq);
    while (at < c->list.nr && c->list.rec[at].seq < seq)
        at++;
    return at;
}

void check_group(struct checker *c, uint64_t from, uint64_t to)
{
    c->cur = find_from(c, c->end, from);
    c->end = find_from(c, c->cur, to);
}

void check_group_end(struct checker *c)
{
    while (c->cur < c->end && !c->stop) {
        difference(c, &c->list.rec[c->cur], NULL);
        c->cur++;
    }
}

size_t check_find(const struct checker *c, uint64_t seq)
{
    size_t lo = 0, hi = c->list.nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->list.rec[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void check_consume(void *ctx, const struct event *ev)
{
    struct checker *c = ctx;
    struct outcome got;
    if (ev->type == EV_FAULT_BEGIN) {
        c->open_fault = ev->seq;
        return;
    }
    int is_outcome = outcome_from_event(ev, c->open_fault, &got);
    if (ev->type == EV_FAULT)
        c->open_fault = 0;
    if (!is_outcome || c->stop)
        return;
    if (c->cur < c->end) {
        const struct outcome *rec = &c->list.rec[c->cur++];
        c->rep->compared++;
        if (!outcome_same(rec, &got))
            difference(c, rec, &got);
        return;
    }
    difference(c, NULL, &got);
}

const uint8_t *check_recorded_bytes(void *ctx, enum uaccess_dir dir, uint32_t addr,
                                    uint32_t *len)
{
    const struct checker *c = ctx;
    for (size_t i = c->cur; i < c->end; i++) {
        const struct outcome *o = &c->list.rec[i];
        if (o->type == EV_UACCESS && o->dir == dir && o->v[0] == addr) {
            *len = (uint32_t)o->v[1];
            return o->data;
        }
    }
    return NULL;
}

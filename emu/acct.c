/*
 * acct.c — per-process counters at context-switch granularity (acct.h).
 */
#include <stdlib.h>
#include <string.h>
#include "emu/acct.h"
#include "kernel-model/sched.h"

static struct proc_acct *find_or_add(struct acct *a, const struct task_struct *t)
{
    for (unsigned i = 0; i < a->nr; i++)
        if (a->proc[i].pid == t->tgid)
            return &a->proc[i];
    if (a->nr == a->cap) {
        unsigned cap = a->cap ? 2 * a->cap : 8;
        struct proc_acct *p = realloc(a->proc, cap * sizeof *p);
        if (!p)
            return NULL;
        a->proc = p;
        a->cap = cap;
    }
    struct proc_acct *p = &a->proc[a->nr++];
    memset(p, 0, sizeof *p);
    p->pid = t->tgid;
    return p;
}

int acct_charge(struct acct *a, const struct timing *tm, const struct task_struct *t)
{
    struct timing_stat now[TIMING_MAX_STATS];
    unsigned n = timing_collect_stats(tm, 0, now, TIMING_MAX_STATS);
    struct proc_acct *p = t ? find_or_add(a, t) : NULL;
    if (p)
        memcpy(p->comm, t->comm, sizeof p->comm < sizeof t->comm ? sizeof p->comm : sizeof t->comm);
    for (unsigned i = 0; i < n; i++) {
        if (p && !now[i].ratio)
            p->value[i] += now[i].value - a->base[i];
        a->base[i] = now[i].value;
    }
    return t && !p ? -1 : 0;
}

static int by_pid(const void *x, const void *y)
{
    const struct memsim_proc_stats *a = x, *b = y;
    return a->pid < b->pid ? -1 : a->pid > b->pid;
}

/* One process's counters in the names and order of the machine's. */
static void fill_one(const struct proc_acct *p, const struct timing_stat *names, unsigned n,
                     struct memsim_proc_stats *out)
{
    double insns = 0, cycles = 0;
    out->pid = p->pid;
    memcpy(out->comm, p->comm, sizeof out->comm);
    out->nr_stats = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!strcmp(names[i].name, "instructions"))
            insns = p->value[i];
        if (!strcmp(names[i].name, "cycles"))
            cycles = p->value[i];
    }
    for (unsigned i = 0; i < n; i++) {
        if (!strcmp(names[i].name, "decode_misses"))
            continue;                   /* the engine's, not per process */
        struct timing_stat *s = &out->stats[out->nr_stats++];
        *s = names[i];
        s->value = names[i].ratio ? (insns ? cycles / insns : 0) : p->value[i];
    }
}

void acct_fill(const struct acct *a, const struct timing *tm, struct memsim_result *res)
{
    res->procs = NULL;
    res->nr_procs = 0;
    if (a->nr < 2)
        return;
    struct timing_stat names[TIMING_MAX_STATS];
    unsigned n = timing_collect_stats(tm, 0, names, TIMING_MAX_STATS);
    struct memsim_proc_stats *out = calloc(a->nr, sizeof *out);
    if (!out)
        return;
    for (unsigned i = 0; i < a->nr; i++)
        fill_one(&a->proc[i], names, n, &out[i]);
    qsort(out, a->nr, sizeof *out, by_pid);
    res->procs = out;
    res->nr_procs = a->nr;
}

void acct_free(struct acct *a)
{
    free(a->proc);
    memset(a, 0, sizeof *a);
}

/*
 * stats.c — the counters of a run: gathered from the MMU, the caches and
 * the machine into memsim_result, stored in the trace's `stats` table, and
 * printed by `memsim run --stats` in the manner of `perf stat`.
 */
#include <stdio.h>
#include <string.h>
#include "emu/machine.h"

/* A sink: counts only — the cost of a fault is the timing model's
 * (cpu_charge_fault), charged before the event reaches any sink. */
void machine_count_event(void *ctx, const struct event *ev)
{
    struct machine *m = ctx;
    if (ev->type == EV_FAULT)
        m->nr_faults++;
    else if (ev->type == EV_SYSCALL_EXIT)
        m->nr_syscalls++;
}

static void put(struct memsim_result *r, const char *name, double value)
{
    if (r->nr_stats == MEMSIM_MAX_STATS)
        return;
    struct memsim_stat *s = &r->stats[r->nr_stats++];
    snprintf(s->name, sizeof s->name, "%s", name);
    s->value = value;
    s->ratio = 0;
}

/* A ratio of two counters the trace has: printed by --stats, not recorded
 * (the stats table holds integers; cpi = cycles / instructions). */
static void put_ratio(struct memsim_result *r, const char *name, double value)
{
    unsigned n = r->nr_stats;
    put(r, name, value);
    if (r->nr_stats > n)
        r->stats[n].ratio = 1;
}

static void put_level(struct memsim_result *r, const char *level, const char *field, double value)
{
    char name[32];
    snprintf(name, sizeof name, "%s.%s", level, field);
    put(r, name, value);
}

static void tlb_stats(struct memsim_result *r, const struct tlb *t)
{
    if (!t->nr_entries)
        return;
    put_level(r, t->name, "hits", (double)t->stats.hits);
    put_level(r, t->name, "misses", (double)t->stats.misses);
    put_level(r, t->name, "evictions", (double)t->stats.evictions);
    put_level(r, t->name, "flushes", (double)t->stats.flushes);
}

static void cache_stats(struct memsim_result *r, const struct cache *c)
{
    if (!c->cfg.size)
        return;
    put_level(r, c->name, "hits", (double)c->stats.hits);
    put_level(r, c->name, "misses", (double)c->stats.misses);
    put_level(r, c->name, "evictions", (double)c->stats.evictions);
    put_level(r, c->name, "writebacks", (double)c->stats.writebacks);
}

void machine_collect_stats(struct machine *m, struct memsim_result *r)
{
    const struct mmu *u = &m->mmu;
    r->nr_stats = 0;
    put(r, "instructions", (double)m->icount);
    put(r, "cycles", (double)m->cycles);
    put_ratio(r, "cpi", m->icount ? (double)m->cycles / (double)m->icount : 0);
    tlb_stats(r, &u->itlb);
    tlb_stats(r, &u->dtlb);
    tlb_stats(r, &u->stlb);
    tlb_stats(r, &u->pdec);
    put(r, "stlb_cycles", (double)u->stats.stlb_cycles);
    put(r, "walks", (double)u->stats.walks);
    put(r, "walk_faults", (double)u->stats.walk_faults);
    put(r, "walk_reads", (double)u->stats.walk_reads);
    put(r, "walk_cycles", (double)u->stats.walk_cycles);
    cache_stats(r, &u->mem.l1i);
    cache_stats(r, &u->mem.l1d);
    cache_stats(r, &u->mem.l2);
    cache_stats(r, &u->mem.llc);
    put(r, "dram.accesses", (double)u->mem.dram_accesses);
    put(r, "dram.writebacks", (double)u->mem.dram_writebacks);
    put(r, "page_faults", (double)m->nr_faults);
    put(r, "fault_cycles", (double)m->fault_cycles);
    put(r, "syscalls", (double)m->nr_syscalls);
    put(r, "syscall_cycles", (double)m->syscall_cycles);
    put(r, "decode_misses", (double)m->ctx->dc.misses);
}

static const struct memsim_stat *find(const struct memsim_result *r, const char *name)
{
    for (unsigned i = 0; i < r->nr_stats; i++)
        if (!strcmp(r->stats[i].name, name))
            return &r->stats[i];
    return NULL;
}

/* "# 3.12% of l1d accesses" after a .misses line, "# per instruction" etc. */
static void annotate(const struct memsim_result *r, const struct memsim_stat *s, FILE *out)
{
    const char *dot = strrchr(s->name, '.');
    if (dot && !strcmp(dot, ".misses")) {
        char hits[40];
        snprintf(hits, sizeof hits, "%.*s.hits", (int)(dot - s->name), s->name);
        const struct memsim_stat *h = find(r, hits);
        double all = (h ? h->value : 0) + s->value;
        if (all > 0)
            fprintf(out, "  #  %6.2f%% of %.*s lookups", 100.0 * s->value / all,
                    (int)(dot - s->name), s->name);
    } else if (!strcmp(s->name, "cycles") || !strcmp(s->name, "walk_cycles") ||
               !strcmp(s->name, "fault_cycles") || !strcmp(s->name, "syscall_cycles")) {
        const struct memsim_stat *c = find(r, "cycles");
        if (c && c->value > 0 && s != c)
            fprintf(out, "  #  %6.2f%% of cycles", 100.0 * s->value / c->value);
    }
}

void memsim_print_stats(const struct memsim_result *r, FILE *out)
{
    fprintf(out, "\n Performance counter stats (modelled):\n\n");
    for (unsigned i = 0; i < r->nr_stats; i++) {
        const struct memsim_stat *s = &r->stats[i];
        if (!strcmp(s->name, "cpi"))
            fprintf(out, "%20.3f      %-22s", s->value, s->name);
        else
            fprintf(out, "%20.0f      %-22s", s->value, s->name);
        annotate(r, s, out);
        fputc('\n', out);
    }
    fputc('\n', out);
}

/*
 * timing.c — the timing model's slow paths and counters (timing.h).
 */
#include <stdio.h>
#include <string.h>
#include "mmu/timing.h"

void timing_init(struct timing *t, struct mmu *mmu, const struct cpu_config *cpu)
{
    memset(t, 0, sizeof *t);
    t->mmu = mmu;
    t->cpu = cpu;
    t->fetch_line = UINT32_MAX;
    if (cpu)
        memcpy(t->insn_cost, cpu->insn_cost, sizeof t->insn_cost);
    t->l1i_latency = cpu ? cpu->l1i.latency : 0;
    t->l1i_shift = (uint8_t)mmu->mem.l1i.line_shift;
    t->l1d_shift = (uint8_t)mmu->mem.l1d.line_shift;
}

int timing_translate_slow(struct timing *t, uint32_t va, enum mmu_access acc, int user,
                          uint64_t *pa, timing_fault_fn fault, void *ctx)
{
    uint32_t ec;
    for (int tries = 0; tries < 3; tries++) {
        /* The caller's L1 lookup missed; a retry after a fault re-executes
         * the access from the L1 TLB, as the CPU does. */
        int r0 = tries ? mmu_translate(t->mmu, va, acc, user, pa, &ec)
                       : mmu_translate_slow(t->mmu, va, acc, user, pa, &ec);
        if (r0 == 0)
            return 0;
        int r = fault(ctx, va, ec, acc);
        t->fetch_line = UINT32_MAX;        /* the fault may have remapped the code page */
        if (r)
            return -1;
    }
    return -2;
}

void timing_charge_fault(void *ctx, enum fault_resolution r)
{
    struct timing *t = ctx;
    uint64_t cost = t->cpu->page_fault_cost;
    if (r == FR_DEMAND_ZERO || r == FR_COW_ZERO)
        cost += t->cpu->page_zero_cost;
    else if (r == FR_COW_COPY || r == FR_FILE_READ)
        cost += t->cpu->page_copy_cost;
    t->cycles += cost;
    t->fault_cycles += cost;
}

void timing_charge_syscall(struct timing *t)
{
    t->cycles += t->cpu->syscall_cost;
    t->syscall_cycles += t->cpu->syscall_cost;
}

/* Counts only: the cost of a fault is charged (timing_charge_fault) before
 * its event reaches any sink. */
void timing_count_event(void *ctx, const struct event *ev)
{
    struct timing *t = ctx;
    if (ev->type == EV_FAULT)
        t->nr_faults++;
    else if (ev->type == EV_SYSCALL_EXIT)
        t->nr_syscalls++;
}

struct stat_list {
    struct timing_stat *out;
    unsigned n, max;
};

static void put(struct stat_list *l, const char *name, double value)
{
    if (l->n == l->max)
        return;
    struct timing_stat *s = &l->out[l->n++];
    snprintf(s->name, sizeof s->name, "%s", name);
    s->value = value;
    s->ratio = 0;
}

/* A ratio of two counters the trace has: printed by --stats, not recorded
 * (the stats table holds integers; cpi = cycles / instructions). */
static void put_ratio(struct stat_list *l, const char *name, double value)
{
    unsigned n = l->n;
    put(l, name, value);
    if (l->n > n)
        l->out[n].ratio = 1;
}

static void put_level(struct stat_list *l, const char *level, const char *field, double value)
{
    char name[32];
    snprintf(name, sizeof name, "%s.%s", level, field);
    put(l, name, value);
}

static void tlb_stats(struct stat_list *l, const struct tlb *t)
{
    if (!t->nr_entries)
        return;
    put_level(l, t->name, "hits", (double)t->stats.hits);
    put_level(l, t->name, "misses", (double)t->stats.misses);
    put_level(l, t->name, "evictions", (double)t->stats.evictions);
    put_level(l, t->name, "flushes", (double)t->stats.flushes);
}

static void cache_stats(struct stat_list *l, const struct cache *c)
{
    if (!c->cfg.size)
        return;
    put_level(l, c->name, "hits", (double)c->stats.hits);
    put_level(l, c->name, "misses", (double)c->stats.misses);
    put_level(l, c->name, "evictions", (double)c->stats.evictions);
    put_level(l, c->name, "writebacks", (double)c->stats.writebacks);
}

unsigned timing_collect_stats(const struct timing *t, uint64_t decode_misses,
                              struct timing_stat *out, unsigned max)
{
    const struct mmu *u = t->mmu;
    struct stat_list l = { out, 0, max };
    put(&l, "instructions", (double)t->icount);
    put(&l, "cycles", (double)t->cycles);
    put_ratio(&l, "cpi", t->icount ? (double)t->cycles / (double)t->icount : 0);
    tlb_stats(&l, &u->itlb);
    tlb_stats(&l, &u->dtlb);
    tlb_stats(&l, &u->stlb);
    tlb_stats(&l, &u->pdec);
    put(&l, "stlb_cycles", (double)u->stats.stlb_cycles);
    put(&l, "walks", (double)u->stats.walks);
    put(&l, "walk_faults", (double)u->stats.walk_faults);
    put(&l, "walk_reads", (double)u->stats.walk_reads);
    put(&l, "walk_cycles", (double)u->stats.walk_cycles);
    cache_stats(&l, &u->mem.l1i);
    cache_stats(&l, &u->mem.l1d);
    cache_stats(&l, &u->mem.l2);
    cache_stats(&l, &u->mem.llc);
    put(&l, "dram.accesses", (double)u->mem.dram_accesses);
    put(&l, "dram.writebacks", (double)u->mem.dram_writebacks);
    put(&l, "page_faults", (double)t->nr_faults);
    put(&l, "fault_cycles", (double)t->fault_cycles);
    put(&l, "syscalls", (double)t->nr_syscalls);
    put(&l, "syscall_cycles", (double)t->syscall_cycles);
    put(&l, "decode_misses", (double)decode_misses);
    return l.n;
}

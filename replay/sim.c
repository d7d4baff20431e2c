/*
 * sim.c — record once, simulate many: the access stream of a trace
 * (`--trace accesses`, common/access_stream.h) driven through a TLB and
 * cache hierarchy and the timing model (mmu/timing.h), interleaved with the
 * kernel's recorded inputs that replay.c re-drives, so every walk reads the
 * page tables the recorded run had at that point.  No Unicorn.
 *
 * The stream's markers say where each syscall enter and fault begin fell.
 * A marker is met in one of two ways:
 *   - in the stream's order, between two accesses: the inputs up to its seq
 *     are driven then (a system call after its int 0x80, a fault Unicorn's
 *     translator took in a code page, before the instruction);
 *   - by a walk that faults: the access's own fault, whose marker follows
 *     the access's record; it is read there and its input driven, and the
 *     access retried from the L1 TLB, as the CPU (emu/signal.c) does.
 * Each input costs what the CPU charged for it (a system call's entry and
 * exit; a fault's cost comes through kernel.timing), and resets the front
 * end's line, as emu does after every syscall and fault.
 *
 * A sampled stream (`run --sample N[:W]`) holds only some windows, each
 * block tagged measured or warmup: before a window's first block every
 * input that began before it (the gap's, whose markers were not recorded)
 * is driven, so the page tables are the recorded run's; the TLBs and caches
 * keep what the last window left (stale across the gap) and the warm-up
 * window refreshes them.  The counters are snapshot at each measured
 * window's start and end and the differences summed (sim_sample): the
 * gap's inputs and the warm-up's accesses are not counted.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmu/cpu_config.h"
#include "replay/replay_priv.h"
#include "trace/access_stream.h"

struct sim {
    struct replay *rp;
    struct access_decoder d;
    size_t next_in;             /* the next recorded input to drive */
    int user;                   /* the access being translated is the guest's */
    int broken;                 /* the stream disagrees with the inputs */
    uint64_t idx;               /* accesses simulated */
    uint64_t window;            /* a sampled stream: the window being simulated */
    int started;                /* a sampled stream: a window was begun */
};

int sim_configure(struct replay *rp, const char *cpu, const char *cpu_config,
                  char *err, size_t errlen)
{
    const char *name = cpu ? cpu : rp->r.cpu;
    const char *file = cpu || cpu_config ? cpu_config : rp->r.cpu_config;
    char why[400] = "";
    if (!name || !name[0]) {
        snprintf(err, errlen, "the trace does not say which --cpu it ran: give --cpu NAME");
        return -1;
    }
    if (cpu_config_preset(&rp->cpu, name, why, sizeof why)) {
        snprintf(err, errlen, "--cpu %s: %s", name, why);
        return -1;
    }
    if (file && file[0] && cpu_config_load(&rp->cpu, file, why, sizeof why)) {
        snprintf(err, errlen, "%s--cpu-config %s: %s", cpu_config ? "" : "the recorded ", file, why);
        return -1;
    }
    /* what the run row of --db OUT says ran: the simulated CPU */
    if (cpu || cpu_config) {
        char *n = strdup(name), *f = file ? strdup(file) : NULL;
        if (!n || (file && !f)) {
            free(n);
            snprintf(err, errlen, "out of host memory");
            return -1;
        }
        free(rp->r.cpu);
        free(rp->r.cpu_config);
        rp->r.cpu = n;
        rp->r.cpu_config = f;
    }
    return 0;
}

/* Drive every input that began at or before seq. */
static void drive_through(struct sim *s, uint64_t seq)
{
    struct replay *rp = s->rp;
    while (s->next_in < rp->r.nr_in && rp->r.in[s->next_in].start <= seq &&
           !rp->c.stop && !replay_all_dead(rp)) {
        if (rp->r.in[s->next_in].kind == INPUT_SYSCALL)
            timing_charge_syscall(&rp->tm);     /* emu charges it before the dispatch */
        replay_drive_input(rp, s->next_in++);
        rp->tm.fetch_line = UINT32_MAX;         /* emu: after every syscall and fault */
    }
}

/* timing_fault_fn: the walk faulted, so the access's own fault is the next
 * record, a marker; its input is the recorded fault. */
static int sim_fault(void *ctx, uint32_t va, uint32_t ec, enum mmu_access acc)
{
    struct sim *s = ctx;
    struct access_record r;
    (void)va, (void)ec, (void)acc;
    size_t i = s->next_in;              /* the fault, after any timer input before it */
    int marked = access_decode(&s->d, &r) == 1 && r.kind == ACCESS_MARK;
    while (marked && i < s->rp->r.nr_in && s->rp->r.in[i].start < r.seq)
        i++;
    if (!marked || i >= s->rp->r.nr_in || s->rp->r.in[i].kind != INPUT_FAULT) {
        s->broken = 1;
        return -1;
    }
    s->rp->fault_failed = 0;
    drive_through(s, r.seq);
    /* unresolved (the task died, or a handler runs next): the access is
     * abandoned as the engine abandons it; else it is retried */
    return s->rp->fault_failed || !s->rp->k.current || task_dead(s->rp->k.current) ? -1 : 0;
}

/* timing_slow_fn: the STLB, the walk and the recorded faults. */
static int sim_slow(void *ctx, uint32_t va, enum mmu_access acc, uint64_t *pa)
{
    struct sim *s = ctx;
    int r = timing_translate_slow(&s->rp->tm, va, acc, s->user, pa, sim_fault, s);
    if (r == -2)
        s->broken = 1;              /* emu's run died there: "did not resolve" */
    return r ? -1 : 0;
}

/* An instruction as hook_code charges it: the fetch of its line(s), then
 * its class's cost, then an expired interval timer. */
static void sim_insn(struct sim *s, const struct access_record *r)
{
    struct timing *tm = &s->rp->tm;
    tm->icount++;
    timing_fetch(tm, r->addr, sim_slow, s);
    if (r->size && timing_fetch_splits(tm, r->addr, r->size))
        timing_fetch(tm, r->addr + r->size - 1, sim_slow, s);
    if (r->kind != ACCESS_INSN)
        return;                     /* untranslatable: it raises, no cost */
    timing_insn(tm, r->cls);
    if (__builtin_expect(tm->cycles >= s->rp->k.clock.timer_cycle, 0))
        kernel_timer_tick(&s->rp->k);
}

/* A data access as hook_mem makes it: split at the L1D line. */
static void sim_data(struct sim *s, const struct access_record *r, enum mmu_access acc)
{
    struct timing *tm = &s->rp->tm;
    timing_data(tm, r->addr, acc, sim_slow, s);
    if (timing_data_splits(tm, r->addr, r->size) && s->rp->k.current && !task_dead(s->rp->k.current))
        timing_data(tm, r->addr + r->size - 1, acc, sim_slow, s);
}

static void sim_record(struct sim *s, const struct access_record *r)
{
    uint64_t pa;
    s->idx += r->kind != ACCESS_MARK;
    switch (r->kind) {
    case ACCESS_MARK:
        drive_through(s, r->seq);
        break;
    case ACCESS_INSN:
    case ACCESS_BADINSN:
        sim_insn(s, r);
        break;
    case ACCESS_READ:
        sim_data(s, r, MMU_READ);
        break;
    case ACCESS_WRITE:
        sim_data(s, r, MMU_WRITE);
        break;
    case ACCESS_KREAD:
        s->user = 0;
        sim_data(s, r, MMU_READ);
        s->user = 1;
        break;
    case ACCESS_TRANSLATE:
        s->user = r->user;
        sim_slow(s, r->addr, (enum mmu_access)r->acc, &pa);
        s->user = 1;
        break;
    }
}

/* The counters now, as --stats lists them (decode_misses left 0). */
static unsigned sample_counters(const struct replay *rp, struct timing_stat *out)
{
    return timing_collect_stats(&rp->tm, 0, out, TIMING_MAX_STATS);
}

/* A measured window ends: what it counted is added to the sums. */
static void sample_close(struct replay *rp)
{
    struct sim_sample *sm = &rp->sample;
    struct timing_stat now[TIMING_MAX_STATS];
    if (!sm->open)
        return;
    sm->n = sample_counters(rp, now);
    for (unsigned i = 0; i < sm->n; i++)
        sm->sum[i] += now[i].value - sm->at[i].value;
    sm->windows++;
    sm->open = 0;
}

/* A sampled block: a new window first closes the last one, drives the
 * inputs that began before the block (the gap's) and, if it is measured,
 * takes the counters at its start. */
static void sample_block(struct sim *s, const struct access_blocks *b)
{
    struct replay *rp = s->rp;
    if (b->phase == ACCESS_PHASE_MEASURED)
        rp->sample.measured += b->n;
    else
        rp->sample.warmup += b->n;
    if (s->started && b->window == s->window)
        return;
    sample_close(rp);
    if (!s->started || b->window != s->window + 1)
        rp->tm.fetch_line = UINT32_MAX;         /* a gap: the front end's line is long gone */
    s->started = 1;
    s->window = b->window;
    if (b->first_seq)
        drive_through(s, b->first_seq - 1);
    if (b->phase == ACCESS_PHASE_MEASURED) {
        rp->sample.n = sample_counters(rp, rp->sample.at);
        for (unsigned i = 0; !b->window && i < rp->sample.n; i++)
            rp->sample.at[i].value = 0;     /* the run's start (N = 1): boot and exec count */
        rp->sample.open = 1;
    }
}

int sim_drive(struct replay *rp, sqlite3 *db, char *err, size_t errlen)
{
    struct sim s = { .rp = rp, .user = 1 };
    struct access_blocks b;
    struct access_record r;
    int rc, got = 0;
    access_sampling_read(db, &rp->sample.how);
    if (access_blocks_open(db, &b, err, errlen))
        return -1;
    while ((rc = access_blocks_next(&b, &s.d, err, errlen)) == 1) {
        if (b.phase != ACCESS_PHASE_ALL)
            sample_block(&s, &b);
        if (rp->c.stop || replay_all_dead(rp))
            break;
        while (!s.broken && !rp->c.stop && !replay_all_dead(rp) && (got = access_decode(&s.d, &r)) == 1)
            sim_record(&s, &r);
        if (got < 0 || s.broken || rp->c.stop || replay_all_dead(rp))
            break;
    }
    sample_close(rp);
    access_blocks_close(&b);
    if (rc < 0)
        return -1;
    if (got < 0) {
        snprintf(err, errlen, "access_blocks: a malformed block (access %llu)",
                 (unsigned long long)s.idx);
        return -1;
    }
    if (s.broken) {
        snprintf(err, errlen, "the access stream and the recorded faults disagree at access %llu",
                 (unsigned long long)s.idx);
        return -1;
    }
    drive_through(&s, UINT64_MAX);      /* inputs after the last access (none, usually) */
    replay_check_over(rp, s.next_in);
    return 0;
}

/* The recorded run's decode_misses: the CPU's decode cache, which the
 * stream does not replay. */
static uint64_t recorded_decode_misses(sqlite3 *db)
{
    sqlite3_stmt *st;
    uint64_t v = 0;
    if (sqlite3_prepare_v2(db, "SELECT value FROM stats WHERE name = 'decode_misses'", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

unsigned sim_stats(const struct replay *rp, sqlite3 *db, struct timing_stat *out, unsigned max)
{
    const struct sim_sample *sm = &rp->sample;
    unsigned n = timing_collect_stats(&rp->tm, recorded_decode_misses(db), out, max);
    if (!sm->how.period)
        return n;
    /* sampled: the measured windows' sums, the ratios recomputed from them;
     * decode_misses stays the recorded run's (the stream does not replay it) */
    double insns = 0, cycles = 0;
    for (unsigned i = 0; i < n && i < sm->n; i++) {
        if (!strcmp(out[i].name, "decode_misses"))
            continue;
        out[i].value = out[i].ratio ? 0 : sm->sum[i];
        if (!strcmp(out[i].name, "instructions"))
            insns = out[i].value;
        else if (!strcmp(out[i].name, "cycles"))
            cycles = out[i].value;
    }
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(out[i].name, "cpi"))
            out[i].value = insns ? cycles / insns : 0;
    return n;
}

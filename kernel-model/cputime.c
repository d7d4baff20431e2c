/*
 * cputime.c — CPU time and faults per task (Linux kernel/sched/cputime.c
 * and the rusage sums of kernel/exit.c, reduced to one CPU).
 *
 * The machine keeps one set of counters (the model clock less its idle
 * sleeps, the cycles of system calls and faults, the number of faults).
 * A task is charged their growth while it is current: context_switch
 * charges prev and starts next, so every cycle the CPU runs belongs to
 * exactly one task.  What a thread leaves when it is released goes to its
 * process (signal->dead); what a process and its reaped children used goes
 * to its parent when wait reaps it (signal->c*), as wait_task_zombie adds
 * them.  A run of one task is charged the counters themselves.
 */
#include "kernel-model/sys_internal.h"

/* The machine's counters (a harness without a timing model has only the
 * clock: the others read 0). */
static void counters_now(const struct kernel *k, uint64_t *cpu, uint64_t *sys, uint64_t *flt)
{
    const struct kernel_clock *c = &k->clock;
    *cpu = (c->cycles ? *c->cycles : 0) - c->sleep_cycles;
    *sys = (c->syscall_cycles ? *c->syscall_cycles : 0) + (c->fault_cycles ? *c->fault_cycles : 0);
    *flt = c->nr_faults ? *c->nr_faults : 0;
}

void cputime_start(struct task_struct *t)
{
    struct task_cputime *c = &t->cputime;
    counters_now(t->k, &c->mark_cpu, &c->mark_sys, &c->mark_flt);
}

void cputime_charge(struct task_struct *t)
{
    struct task_cputime *c = &t->cputime;
    uint64_t cpu, sys, flt;
    counters_now(t->k, &cpu, &sys, &flt);
    c->exec += cpu - c->mark_cpu;
    c->sys += sys - c->mark_sys;
    c->min_flt += flt - c->mark_flt;
    c->mark_cpu = cpu, c->mark_sys = sys, c->mark_flt = flt;
}

/* t's own use so far, the current task's running stretch included. */
static struct cpu_use task_use(const struct task_struct *t)
{
    const struct task_cputime *c = &t->cputime;
    struct cpu_use u = { c->exec, c->sys, c->min_flt, 0 };
    if (t->k->current == t && !task_dead(t)) {
        uint64_t cpu, sys, flt;
        counters_now(t->k, &cpu, &sys, &flt);
        u.exec += cpu - c->mark_cpu;
        u.sys += sys - c->mark_sys;
        u.min_flt += flt - c->mark_flt;
    }
    return u;
}

static void use_add(struct cpu_use *a, const struct cpu_use *b)
{
    a->exec += b->exec;
    a->sys += b->sys;
    a->min_flt += b->min_flt;
    if (b->maxrss_pages > a->maxrss_pages)
        a->maxrss_pages = b->maxrss_pages;
}

struct cpu_use task_cpu_use(const struct task_struct *t)
{
    struct cpu_use u = task_use(t);
    u.maxrss_pages = t->mm ? get_mm_hiwater_rss(t->mm) : 0;
    return u;
}

struct cpu_use thread_group_cpu_use(const struct task_struct *t)
{
    const struct task_struct *leader = t->group_leader ? t->group_leader : t, *th;
    struct cpu_use u = t->signal->dead, one = task_use(leader);
    use_add(&u, &one);
    list_for_each_entry(th, &leader->thread_group, thread_group) {
        one = task_use(th);
        use_add(&u, &one);
    }
    if (t->mm && get_mm_hiwater_rss(t->mm) > u.maxrss_pages)
        u.maxrss_pages = get_mm_hiwater_rss(t->mm);
    return u;
}

struct cpu_use children_cpu_use(const struct task_struct *t)
{
    return t->signal->children;
}

void cputime_thread_gone(struct task_struct *t)
{
    if (t->k->current == t)
        return;                         /* still on the CPU: at the switch away */
    struct cpu_use u = task_use(t);
    if (t->group_leader && t->group_leader != t)
        use_add(&t->signal->dead, &u);
}

void cputime_reap(struct task_struct *parent, const struct task_struct *child)
{
    struct cpu_use u = thread_group_cpu_use(child);
    use_add(&u, &child->signal->children);
    use_add(&parent->signal->children, &u);
}

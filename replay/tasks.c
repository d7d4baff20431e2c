/*
 * tasks.c — a replay of several tasks: the recorded switches followed,
 * blocked calls held and re-run, as emu's run loop (emu/cpu.c cpu_run) and
 * the host made them happen.
 *
 * Which task runs next is an input (the context_switches rows): the replay
 * switches to it with the model's own context_switch, so the CR3 write,
 * the TLB flush it makes and a woken task's re-run of its blocked call are
 * the model's and compared as outcomes.  The model decides everything it
 * can decide itself: fork, exit, wait4, futex and signal wake-ups are its
 * own.  Two things were the host's in the recording and are taken from it:
 *
 *   - An external call (SYS_EXTERNAL: a pipe read, a poll) that blocked:
 *     its exit row is past the next input, a switch away from its task.
 *     The replay holds the task asleep there (task_block on no queue) and
 *     the call is re-run when the recording switches back to it.
 *   - The wake-up of such a held task: the host's pipe or poll woke it in
 *     the recording, at a time no row records.  The replay wakes it as
 *     late as it can and no later than the model needs to know: before the
 *     input just ahead of the switch to it runs, so that a call of another
 *     task that blocks there finds it runnable, as the recording's did.
 *
 * The model's scheduler state is checked against every switch: a switch
 * to a task the replay has not, or that the model holds blocked, is a
 * divergence (check_diverge).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel-model/syscalls.h"
#include "replay/replay_priv.h"

static struct call_in_flight *call_of(struct replay *rp, uint32_t tid)
{
    for (size_t i = 0; i < rp->nr_calls; i++)
        if (rp->calls[i].tid == tid)
            return &rp->calls[i];
    return NULL;
}

static void call_forget(struct replay *rp, uint32_t tid)
{
    struct call_in_flight *c = call_of(rp, tid);
    if (c)
        *c = rp->calls[--rp->nr_calls];
}

/* t's call in is in flight (re-driven, maybe blocked); 0, or -1 (no memory). */
static int call_remember(struct replay *rp, uint32_t tid, const struct input *in)
{
    struct call_in_flight *c = call_of(rp, tid);
    if (!c) {
        if (rp->nr_calls == rp->cap_calls) {
            size_t cap = rp->cap_calls ? 2 * rp->cap_calls : 8;
            struct call_in_flight *n = realloc(rp->calls, cap * sizeof *n);
            if (!n)
                return -1;
            rp->calls = n;
            rp->cap_calls = cap;
        }
        c = &rp->calls[rp->nr_calls++];
    }
    *c = (struct call_in_flight){ .tid = tid, .in = in };
    return 0;
}

int replay_all_dead(const struct replay *rp)
{
    struct task_struct *t = rp->k.current;
    if (t && !task_dead(t))
        return 0;                       /* the common case, per access in sim.c */
    for_each_task(&rp->k, t)
        if (!task_dead(t))
            return 0;
    return 1;
}

/* A task the replay holds asleep becomes runnable. */
static void wake_held(struct replay *rp, struct task_struct *t)
{
    struct call_in_flight *c = call_of(rp, t->pid);
    if (c && c->held) {
        c->held = 0;
        wake_up_process(t);
    }
}

void replay_wake_next(struct replay *rp)
{
    const struct input *sw = rp->next_in;
    struct task_struct *t;
    if (sw && sw->kind == INPUT_SWITCH && (t = find_task_by_pid(&rp->k, sw->next_tid)) &&
        t != rp->k.current)
        wake_held(rp, t);
}

long replay_hold(struct replay *rp, struct task_struct *t)
{
    const struct input *sw = rp->next_in;
    struct call_in_flight *c = call_of(rp, t->pid);
    if (!c || !sw || sw->kind != INPUT_SWITCH || sw->prev_tid != t->pid)
        return c ? c->in->ret : -ENOSYS;   /* no switch away: it did not block here */
    long r = task_block(t, NULL, 0, NULL, sw->wait ? sw->wait : "a wait");
    if (r == -ERESTART_BLOCK)
        c->held = 1;
    return r;
}

void replay_call(struct replay *rp, struct task_struct *t, const struct input *in)
{
    if (call_remember(rp, t->pid, in)) {
        check_diverge(&rp->c, in->start, "syscalls", "out of host memory");
        return;
    }
    syscall_set_entry(task_pt_regs(t), in->nr, in->a);
    syscall_dispatch(t);
    if (!task_in_syscall(t))
        call_forget(rp, t->pid);
}

/* The run loop after a switch: a task woken in a call re-runs it first;
 * one that finds a deliverable signal takes it before its next instruction. */
static void switched_in(struct replay *rp, struct task_struct *t)
{
    if (task_in_syscall(t)) {
        struct call_in_flight *c = call_of(rp, t->pid);
        if (!c) {
            check_diverge(&rp->c, rp->group_from, "context_switches", "the task switched to is in a call the "
                          "recording did not enter");
            return;
        }
        rp->current = c->in;
        syscall_resume(t);
        if (!task_in_syscall(t))
            call_forget(rp, t->pid);
    } else if (signal_deliverable(&t->sig)) {
        signal_return_to_user(t);
    }
}

void replay_switch(struct replay *rp, const struct input *sw)
{
    struct kernel *k = &rp->k;
    struct task_struct *next = find_task_by_pid(k, sw->next_tid), *prev = k->current;
    char why[160];
    if (next)
        wake_held(rp, next);
    /* a task the model holds in a wait with a deadline ran next in the
     * recording: the clock's tick woke it there (the replay's clock is not
     * the run's, so the replay cannot tell when by itself) */
    if (next && next->state == TASK_INTERRUPTIBLE && next->restart.has_deadline && !task_dead(next)) {
        next->restart.timed_out = 1;
        wake_up_process(next);
    }
    const char *what = !next ? "does not exist" : task_dead(next) ? "is dead"
                       : next->state != TASK_RUNNING ? "is blocked"
                       : next == prev ? "is running already" : NULL;
    uint32_t who = sw->next_tid;
    if (!what && (!prev || prev->pid != sw->prev_tid)) {
        who = prev ? prev->pid : sw->prev_tid;
        what = prev ? "is the one running" : "is not running";
    }
    if (what) {
        snprintf(why, sizeof why, "the recording switches from tid %u to tid %u; in the replay "
                 "tid %u %s", sw->prev_tid, sw->next_tid, who, what);
        check_diverge(&rp->c, sw->start, "context_switches", why);
        return;
    }
    sched_switch_to(k, next, sw->preempted);
    replay_wake_next(rp);
    switched_in(rp, next);
}

void replay_tasks_free(struct replay *rp)
{
    free(rp->calls);
    rp->calls = NULL;
    rp->nr_calls = rp->cap_calls = 0;
}

/*
 * sched.c — the task list, pids, wake-ups and the round-robin scheduler
 * (Linux kernel/pid.c, kernel/sched/core.c reduced to one CPU and one
 * policy).
 *
 * Everything here is deterministic: the task list is in pid order, the
 * run queue is FIFO (a woken or new task goes to its tail, a preempted or
 * yielding one too), wait queues are FIFO, and time only moves by the
 * model clock.  Nothing allocates: the lists are intrusive.
 *
 * The engine's run loop (emu/) is: t = kernel_pick_next(k); NULL ends the
 * run; else context_switch(k, t) when t is not current, syscall_resume(t)
 * when task_in_syscall(t), then run t in user mode until need_resched(t).
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include "kernel-model/sys_internal.h"

struct task_struct *find_task_by_pid(struct kernel *k, uint32_t pid)
{
    struct task_struct *t;
    for_each_task(k, t)
        if (t->pid == pid)
            return t;
    return NULL;
}

/* Is nr taken by a task's pid or a process group or session still named
 * by a task (Linux keeps their struct pid alive that long)? */
static int pid_in_use(struct kernel *k, uint32_t nr)
{
    struct task_struct *t;
    for_each_task(k, t)
        if (t->pid == nr || t->tgid == nr || t->signal->pgrp == nr || t->signal->session == nr)
            return 1;
    return 0;
}

uint32_t alloc_pid(struct kernel *k)
{
    uint32_t nr = k->last_pid;
    for (uint32_t tries = 0; tries < PID_MAX_DEFAULT; tries++) {
        nr = nr + 1 >= PID_MAX_DEFAULT ? RESERVED_PIDS : nr + 1;
        if (!pid_in_use(k, nr)) {
            k->last_pid = nr;
            return nr;
        }
    }
    return 0;
}

void sched_add_task(struct task_struct *t)
{
    struct kernel *k = t->k;
    struct task_struct *pos;
    struct list_head *before = &k->tasks;
    for_each_task(k, pos)
        if (pos->pid > t->pid) {
            before = &pos->tasks;
            break;
        }
    list_add_tail(&t->tasks, before);
    k->nr_tasks++;
    if (t->state == TASK_RUNNING)
        list_add_tail(&t->run_list, &k->runqueue);
    if (!k->current)
        k->current = t;
    if (!k->child_reaper)
        k->child_reaper = t;
}

/* Off every wait queue task_block put it on. */
static void dequeue_waits(struct task_struct *t)
{
    for (unsigned i = 0; i < t->nr_waits; i++) {
        struct wait_queue_entry *e = &t->waits[i];
        struct wait_queue_head *q = e->head;
        if (!q)
            continue;
        if (e->prev)
            e->prev->next = e->next;
        else
            q->first = e->next;
        if (e->next)
            e->next->prev = e->prev;
        else
            q->last = e->prev;
        e->head = NULL;
        e->prev = e->next = NULL;
    }
    t->nr_waits = 0;
    t->nr_host_waits = 0;
}

void sched_remove_task(struct task_struct *t)
{
    struct kernel *k = t->k;
    if (list_empty(&t->tasks) && list_empty(&t->run_list))
        return;                         /* never added (a harness's task) or removed */
    dequeue_waits(t);
    list_del_init(&t->run_list);
    list_del_init(&t->sibling);
    list_del_init(&t->thread_group);
    struct task_struct *c, *n;
    list_for_each_entry_safe(c, n, &t->children, sibling) {   /* none are left after exit */
        list_del_init(&c->sibling);
        c->real_parent = c->parent = NULL;
    }
    if (!list_empty(&t->tasks)) {
        list_del_init(&t->tasks);
        k->nr_tasks--;
    }
    if (k->current == t)
        k->current = NULL;
    if (k->child_reaper == t)
        k->child_reaper = NULL;
}

void sched_task_exit(struct task_struct *t)
{
    dequeue_waits(t);
    list_del_init(&t->run_list);
}

void sched_dequeue(struct task_struct *t)
{
    list_del_init(&t->run_list);
    if (t->k->current == t && t->k->arch.task_dead)
        t->k->arch.task_dead(t->k->arch.ctx, t);
}

int wake_up_process(struct task_struct *t)
{
    if (t->state != TASK_INTERRUPTIBLE && t->state != TASK_UNINTERRUPTIBLE)
        return 0;
    dequeue_waits(t);
    t->state = TASK_RUNNING;
    if (list_empty(&t->tasks))
        return 1;                       /* a harness's task on no list */
    list_move_tail(&t->run_list, &t->k->runqueue);
    return 1;
}

int wake_up_interruptible(struct task_struct *t)
{
    return t->state == TASK_INTERRUPTIBLE && wake_up_process(t);
}

/* Wake every waiter of q, first come first woken: each wake takes the
 * task off all its queues, so the head moves on. */
void wake_up(struct wait_queue_head *q)
{
    while (q->first)
        wake_up_process(q->first->task);
}

void wake_up_nr(struct wait_queue_head *q, unsigned nr)
{
    while (q->first && nr--)
        wake_up_process(q->first->task);
}

int task_wait_host(struct task_struct *t, const int *fds, const short *events, unsigned n)
{
    if (n > HOST_WAITS_MAX)
        return -1;
    for (unsigned i = 0; i < n; i++)
        t->host_waits[i] = (struct host_wait){ fds[i], events[i] };
    t->nr_host_waits = n;
    return 0;
}

static uint64_t host_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int kernel_poll_host(struct kernel *k, int timeout_ms, uint64_t *waited_ns)
{
    struct pollfd p[64];
    struct task_struct *owner[64], *t;
    unsigned n = 0;
    for_each_task(k, t)
        for (unsigned i = 0; !task_dead(t) && t->state == TASK_INTERRUPTIBLE &&
                             i < t->nr_host_waits && n < 64; i++, n++) {
            p[n] = (struct pollfd){ .fd = t->host_waits[i].fd, .events = t->host_waits[i].events };
            owner[n] = t;
        }
    if (waited_ns)
        *waited_ns = 0;
    if (!n)
        return -1;
    uint64_t t0 = timeout_ms ? host_clock_ns() : 0;
    int r = poll(p, n, timeout_ms);
    if (waited_ns && timeout_ms)
        *waited_ns = host_clock_ns() - t0;
    int woke = 0;
    for (unsigned i = 0; r > 0 && i < n; i++)
        if (p[i].revents && owner[i]->state == TASK_INTERRUPTIBLE)
            woke += wake_up_process(owner[i]);
    return woke;
}

int task_alone(const struct task_struct *t)
{
    struct task_struct *o;
    for_each_task(t->k, o)
        if (o != t && !task_dead(o))
            return 0;
    return 1;
}

struct task_struct *kernel_pick_next(struct kernel *k)
{
    kernel_poll_host(k, 0, NULL);       /* input from outside, while others run */
    for (;;) {
        struct task_struct *cur = k->current;
        if (cur && cur->state == TASK_RUNNING) {
            if (!cur->need_resched) {
                cur->quantum_expired = 0;
                return cur;
            }
            cur->need_resched = 0;
            list_move_tail(&cur->run_list, &k->runqueue);   /* round robin */
        }
        if (!list_empty(&k->runqueue)) {
            struct task_struct *next = list_first_entry(&k->runqueue, struct task_struct, run_list);
            next->need_resched = 0;
            if (next == cur)
                cur->quantum_expired = 0;       /* alone in the queue: no switch */
            return next;
        }
        if (!kernel_idle(k))
            return NULL;
    }
}

/* The model clock at `at` (a sleep: counted as such), then what is due
 * (kernel_timer_tick). */
static void idle_until(struct kernel *k, uint64_t at)
{
    uint64_t now = kclock_cycles(k);
    if (at > now) {
        k->clock.sleep_cycles += at - now;
        k->clock.nr_sleeps++;
        k->arch.advance_clock(k->arch.ctx, at - now);
    }
    kernel_timer_tick(k);
}

static int waits_with_deadline(const struct task_struct *t)
{
    return t->state == TASK_INTERRUPTIBLE && t->restart.has_deadline;
}

/* The earliest cycle at which something timed is due: a blocked task's
 * deadline, a process's real timer, and with cpu_timers the current one's
 * CPU-time timers (which do not run while nothing runs).  UINT64_MAX:
 * nothing. */
static uint64_t next_event(struct kernel *k, int cpu_timers)
{
    uint64_t next = UINT64_MAX;
    struct task_struct *t;
    for_each_task(k, t) {
        if (task_dead(t))
            continue;
        if (waits_with_deadline(t) && t->restart.deadline < next)
            next = t->restart.deadline;
        uint64_t at = time_next_expiry(t, cpu_timers && t == k->current);
        if (at < next)
            next = at;
    }
    return next;
}

void kernel_timers_update(struct kernel *k)
{
    k->clock.timer_cycle = next_event(k, 1);
}

/* A live task of a process whose timer is due now (the current task for
 * its own process, whose CPU-time timers count too), or NULL. */
static struct task_struct *timer_due(struct kernel *k, uint64_t now)
{
    struct task_struct *t;
    for_each_task(k, t)
        if (!task_dead(t) && time_next_expiry(t, t == k->current) <= now)
            return t;
    return NULL;
}

int kernel_timer_tick(struct kernel *k)
{
    uint64_t now = kclock_cycles(k);
    struct task_struct *t;
    /* the timed-out waits first: a wake-up kills nobody */
    for_each_task(k, t)
        if (!task_dead(t) && waits_with_deadline(t) && t->restart.deadline <= now) {
            t->restart.timed_out = 1;
            wake_up_process(t);
        }
    /* then the timers, one process at a time (any live thread stands for
     * it: its leader may be gone): a timer's default action kills the
     * process and frees its threads, so the scan starts again each time;
     * a fired timer is re-armed past now or disarmed, so this ends */
    while ((t = timer_due(k, now)))
        time_expire_process_timers(t, t == k->current);
    kernel_timers_update(k);
    list_for_each_entry(t, &k->runqueue, run_list)
        if (t != k->current)
            return 1;
    return 0;
}

/* Nothing can ever run again: one report line per blocked task, and every
 * live task dies of SIGKILL (the waiting call's own eip: regs->ip is past
 * it; 0 when the entry recorded none, as in replay). */
static void deadlock(struct kernel *k)
{
    for (;;) {                          /* a death may free other tasks: rescan */
        struct task_struct *t, *victim = NULL;
        for_each_task(k, t)
            if (!task_dead(t)) {
                victim = t;
                break;
            }
        if (!victim)
            return;
        t = victim;
        uint32_t ip = task_pt_regs(t)->ip, eip = ip ? ip - SYSCALL_INSN_LEN : 0;
        t->exit_reason = "deadlock";
        task_exit_signal(t, SIGKILL, "memsim: deadlock: pid %u blocked in %s (eip 0x%08x); "
                         "killed as SIGKILL", t->pid,
                         t->restart.what ? t->restart.what : "a wait", eip);
    }
}

/* Nobody can run and a task waits for a host descriptor: the machine waits
 * for the host, until the next timed event at most (at; UINT64_MAX none),
 * and the model clock moves by the host time waited — the one place where
 * host timing reaches the guest (as a lone task's poll).  0: no task waits
 * on the host. */
static int idle_for_host(struct kernel *k, uint64_t at)
{
    uint64_t now = kclock_cycles(k), hz = k->clock.hz ? k->clock.hz : 1000000000u, waited;
    int ms = -1;
    if (at != UINT64_MAX) {
        unsigned __int128 v = ((unsigned __int128)(at > now ? at - now : 0) * 1000 + hz - 1) / hz;
        ms = v > INT32_MAX ? INT32_MAX : (int)v;
    }
    int woke = kernel_poll_host(k, ms, &waited);
    if (woke < 0)
        return 0;
    uint64_t until = now + (uint64_t)((unsigned __int128)waited * hz / 1000000000u);
    if (at != UINT64_MAX && (woke == 0 || until > at))
        until = at;                     /* timed out: the event is due */
    idle_until(k, until);
    return 1;
}

int kernel_idle(struct kernel *k)
{
    if (!list_empty(&k->runqueue))
        return 1;
    struct task_struct *t;
    int alive = 0;
    for_each_task(k, t)
        alive |= !task_dead(t);
    if (!alive)
        return 0;
    uint64_t at = next_event(k, 0);
    if (idle_for_host(k, at))
        return 1;
    if (at == UINT64_MAX) {
        deadlock(k);
        return 0;
    }
    idle_until(k, at);
    return 1;                           /* maybe nothing woke yet: the caller asks again */
}

/* Why prev leaves the CPU, as its state says. */
static enum switch_reason switch_reason(const struct task_struct *prev)
{
    if (task_dead(prev))
        return SWITCH_EXITED;
    if (prev->state != TASK_RUNNING)
        return SWITCH_BLOCKED;
    return prev->quantum_expired ? SWITCH_PREEMPTED : SWITCH_YIELDED;
}

/* EV_SCHED_SWITCH, opened as a cause so that the CR3 write the switch makes
 * (its tlb_flushes row) names it.  Returns the previous cause. */
static uint64_t trace_switch(struct kernel *k, struct task_struct *prev, struct task_struct *next,
                             int cr3_write)
{
    struct event ev = { .type = EV_SCHED_SWITCH };
    enum switch_reason why = prev ? switch_reason(prev) : SWITCH_YIELDED;
    if (prev)
        task_event_ids(prev, &ev);
    else
        task_event_ids(next, &ev);
    ev.u.sched = (struct sched_switch_event){
        .prev_pid = ev.pid, .prev_tid = ev.tid, .next_pid = next->tgid, .next_tid = next->pid,
        .reason = (uint8_t)why, .cr3_write = (uint8_t)cr3_write,
        .cr3 = next->mm ? next->mm->pgd << PAGE_SHIFT : 0,
        .wait = why == SWITCH_BLOCKED ? prev->restart.what : NULL,
    };
    return event_cause_begin(k->events, &ev);
}

void context_switch(struct kernel *k, struct task_struct *next)
{
    struct task_struct *prev = k->current;
    if (prev == next)
        return;
    /* switch_mm: threads of one mm (and a vfork child) keep CR3 and the
     * TLB, also after the thread leaving has dropped its mm (an exited
     * thread ran on it lazily, as Linux's active_mm): CR3 is written only
     * when next's page directory is not the one loaded */
    int cr3_write = next->mm && k->mmu && k->mmu->cr3 != next->mm->pgd << PAGE_SHIFT;
    uint64_t cause = trace_switch(k, prev, next, cr3_write);
    if (cr3_write)
        mmu_write_cr3(k->mmu, next->mm->pgd << PAGE_SHIFT);
    event_cause_end(k->events, NULL, cause);
    /* The current cause is the running task's (the call it is in, or
     * blocked in): it leaves with prev and comes back with next, so that
     * what next does is not laid to a call prev blocked in. */
    if (k->events) {
        if (prev)
            prev->event_cause = k->events->cause;
        k->events->cause = next->event_cause;
    }
    if (prev) {
        prev->quantum_expired = 0;
        cputime_charge(prev);
    }
    cputime_start(next);
    k->current = next;
    kernel_timers_update(k);            /* the CPU-time timers are next's now */
    if (k->arch.switch_to)
        k->arch.switch_to(k->arch.ctx, prev, next);
    if (prev && prev->released) {       /* reaped while it ran: its last switch */
        cputime_thread_gone(prev);      /* charged to the end, now not current */
        task_free(prev);
    }
    if (next->set_child_tid && next->mm) {   /* schedule_tail; a fault is ignored */
        (void)copy_to_user(next->mm, next->set_child_tid, &next->pid, 4);
        next->set_child_tid = 0;
    }
}

void sched_switch_to(struct kernel *k, struct task_struct *next, int preempted)
{
    struct task_struct *cur = k->current;
    if (cur && cur != next && cur->state == TASK_RUNNING && !list_empty(&cur->run_list)) {
        cur->need_resched = 0;
        cur->quantum_expired = preempted;
        list_move_tail(&cur->run_list, &k->runqueue);   /* round robin */
    }
    list_move(&next->run_list, &k->runqueue);
    next->need_resched = 0;
    context_switch(k, next);
}

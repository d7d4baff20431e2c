/*
 * sys_wait.c — how a system call blocks: task_block (wait.h), the one
 * place that decides what a wait does.
 *
 * With other tasks alive the task sleeps on its wait queues, the call
 * answers -ERESTART_BLOCK and the scheduler runs something else; it is
 * re-run when woken (by a queue, its deadline, or a signal).  A task alone
 * has nobody to wake it: the wait is decided at once, as before there was
 * a scheduler — it sleeps until its timeout (the model clock, which every
 * guest clock reads, advances to the deadline) or, without one, forever: a
 * deadlock, which ends the run with SIGKILL's status (137) and exit_reason
 * "deadlock", as a batch run must end rather than hang.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include "kernel-model/sys_internal.h"
#include "kernel-model/wait.h"

/* get_timespec64 / get_old_timespec32: i386's 32-bit timespec, or the 64-bit
 * one (whose tv_nsec Linux truncates to 32 bits for a 32-bit task).
 * timespec64_valid: tv_sec >= 0, 0 <= tv_nsec < 10^9. */
long read_timeout(struct task_struct *t, uint32_t uts, int time64, struct guest_timeout *to)
{
    int64_t sec, nsec;
    if (time64) {
        int64_t ts[2];
        if (copy_from_user(t->mm, ts, uts, sizeof ts))
            return -EFAULT;
        sec = ts[0];
        nsec = (int64_t)(uint32_t)ts[1];
    } else {
        int32_t ts[2];
        if (copy_from_user(t->mm, ts, uts, sizeof ts))
            return -EFAULT;
        sec = ts[0];
        nsec = ts[1];
    }
    if (sec < 0 || nsec < 0 || nsec >= 1000000000)
        return -EINVAL;
    *to = (struct guest_timeout){ .present = 1, .sec = (uint64_t)sec, .nsec = (uint64_t)nsec };
    return 0;
}

/* The model's nanoseconds since boot (MONOTONIC) or since the epoch (REALTIME). */
static unsigned __int128 model_now_ns(const struct task_struct *t, int realtime)
{
    return (unsigned __int128)guest_clock_ns(t, realtime ? 0 : 1);
}

/* With one task only the real timer can end a wait without a timeout, by
 * a handler for its SIGALRM (Linux: -ERESTARTSYS, so SA_RESTART restarts
 * the call, which checks again before waiting). */
static int alarm_interrupts(const struct task_struct *t)
{
    return t->signal->itimer[0].expires && t->sighand->action[SIGALRM].handler > 1 &&
           !(t->sig.blocked & sigmask_of(SIGALRM));
}

/* The wait of a task nobody else can wake: decided at once.  Without a
 * deadline only its own real timer can end it, else it is a deadlock;
 * with one the model clock advances to it (a signal's handler may end it
 * sooner: -EINTR).  What every wait did before there was a scheduler, so
 * a single task's run is unchanged. */
static long block_alone(struct task_struct *t, const struct restart_block *rb, const char *what)
{
    if (!rb->has_deadline) {
        if (alarm_interrupts(t)) {
            time_sleep_until(t, t->signal->itimer[0].expires);
            if (signal_handler_pending(t))
                return -ERESTARTSYS;
        }
        task_deadlock(t, what);
        return -EINTR;          /* never seen: the run is over */
    }
    /* a deadline already past costs nothing, as in Linux */
    if (rb->deadline > kclock_cycles(t->k))
        time_sleep_until(t, rb->deadline);
    /* a signal with a handler ends the sleep early (time_sleep_until):
     * the handler runs, the call returns -EINTR */
    return signal_handler_pending(t) ? -EINTR : -ETIMEDOUT;
}

/* The cycle at which the wait of `to` ends (the clock's nanoseconds
 * rounded up to a cycle); the current cycle when it is already past. */
static uint64_t timeout_deadline(const struct task_struct *t, const struct guest_timeout *to)
{
    unsigned __int128 when = (unsigned __int128)to->sec * 1000000000u + to->nsec;
    unsigned __int128 now = model_now_ns(t, to->realtime);
    if (!to->absolute)
        when += now;
    uint64_t cycles = kclock_cycles(t->k);
    if (when <= now)
        return cycles;
    unsigned __int128 c = ((when - now) * t->k->clock.hz + 999999999u) / 1000000000u;
    return c > UINT64_MAX - cycles ? UINT64_MAX : cycles + (uint64_t)c;
}

/* Room for n wait entries in t (only between waits: none is queued). */
static int reserve_waits(struct task_struct *t, unsigned n)
{
    if (n <= t->waits_cap)
        return 0;
    struct wait_queue_entry *w = realloc(t->waits, n * sizeof *w);
    if (!w)
        return -1;
    t->waits = w;
    t->waits_cap = n;
    return 0;
}

static void add_wait_queue_tail(struct wait_queue_head *q, struct wait_queue_entry *e)
{
    e->head = q;
    e->next = NULL;
    e->prev = q->last;
    if (q->last)
        q->last->next = e;
    else
        q->first = e;
    q->last = e;
}

/* A deliverable signal ends an interruptible wait (signal_pending). */
static int wait_interrupted(const struct task_struct *t)
{
    return signal_deliverable(&t->sig) != 0;
}

long task_block(struct task_struct *t, struct wait_queue_head *const q[], unsigned nq,
                const struct guest_timeout *to, const char *what)
{
    struct restart_block *rb = &t->restart;
    int timed = to && to->present;
    if (!rb->active) {                  /* the first attempt: the deadline is fixed now */
        rb->has_deadline = (uint8_t)timed;
        rb->deadline = timed ? timeout_deadline(t, to) : 0;
        rb->timed_out = 0;
    } else if (rb->timed_out) {         /* a re-run after the deadline */
        rb->timed_out = 0;
        return -ETIMEDOUT;
    } else if (wait_interrupted(t)) {   /* a re-run after a signal */
        return rb->has_deadline ? -EINTR : -ERESTARTSYS;
    }
    rb->what = what;
    if (task_alone(t))
        return block_alone(t, rb, what);
    if (rb->has_deadline && rb->deadline <= kclock_cycles(t->k))
        return -ETIMEDOUT;
    if (reserve_waits(t, nq))
        return -ENOMEM;
    for (unsigned i = 0; i < nq; i++) {
        t->waits[i] = (struct wait_queue_entry){ .task = t };
        add_wait_queue_tail(q[i], &t->waits[i]);
    }
    t->nr_waits = nq;
    t->state = TASK_INTERRUPTIBLE;
    sched_dequeue(t);
    if (rb->has_deadline)
        kernel_timers_update(t->k);     /* the tick wakes it at its deadline */
    return -ERESTART_BLOCK;
}

/*
 * sys_wait.c — how a system call of the one task blocks (futex waits,
 * rt_sigtimedwait).
 *
 * A task alone has nobody to wake it: a blocking call sleeps until its
 * timeout — the model clock (t->k->clock, which every guest clock reads)
 * advances to the deadline — or, without one, forever: a deadlock, which
 * ends the run with SIGKILL's status (137) and exit_reason "deadlock", as a
 * batch run must end rather than hang.  The processes issue replaces the
 * "nobody" with the scheduler: guest_block is the one place that decides.
 */
#include <errno.h>
#include <signal.h>
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

/* Advance the model clock to the deadline (not back: a deadline already
 * past costs nothing, as in Linux). */
static void sleep_until(struct task_struct *t, unsigned __int128 deadline, int realtime)
{
    unsigned __int128 now = model_now_ns(t, realtime);
    if (deadline <= now)
        return;
    unsigned __int128 c = ((deadline - now) * t->k->clock.hz + 999999999u) / 1000000000u;
    /* as nanosleep: counted as sleep, the real timer may fire meanwhile */
    time_sleep_until(t, c > UINT64_MAX - kclock_cycles(t->k) ? UINT64_MAX : kclock_cycles(t->k) + (uint64_t)c);
}

/* With one task only the real timer can end a wait without a timeout, by
 * a handler for its SIGALRM (Linux: -ERESTARTSYS, so SA_RESTART restarts
 * the call, which checks again before waiting). */
static int alarm_interrupts(const struct task_struct *t)
{
    return t->itimer[0].expires && t->sigactions[SIGALRM].handler > 1 &&
           !(t->sig.blocked & sigmask_of(SIGALRM));
}

long guest_block(struct task_struct *t, const struct guest_timeout *to, const char *what)
{
    if (!to->present) {
        if (alarm_interrupts(t)) {
            time_sleep_until(t, t->itimer[0].expires);
            if (signal_handler_pending(t))
                return -ERESTARTSYS;
        }
        task_deadlock(t, what);
        return -EINTR;          /* never seen: the run is over */
    }
    unsigned __int128 when = (unsigned __int128)to->sec * 1000000000u + to->nsec;
    if (!to->absolute)
        when += model_now_ns(t, to->realtime);
    sleep_until(t, when, to->realtime);
    /* a signal with a handler ends the sleep early (time_sleep_until):
     * the handler runs, the call returns -EINTR */
    return signal_handler_pending(t) ? -EINTR : -ETIMEDOUT;
}

/* With one task nobody else can wake t, so nobody is ever queued and
 * the wait is guest_block's.  The scheduler replaces both. */
void wake_up(struct wait_queue_head *q)
{
    (void)q;
}

long task_block(struct task_struct *t, struct wait_queue_head *const q[], unsigned nq,
                const struct guest_timeout *to, const char *what)
{
    static const struct guest_timeout forever;
    (void)q;
    (void)nq;
    return guest_block(t, to ? to : &forever, what);
}

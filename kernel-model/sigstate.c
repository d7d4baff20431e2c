/*
 * sigstate.c — pending and blocked signal sets (see sigstate.h).
 */
#include "kernel-model/sigstate.h"

/* SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS (kernel/signal.c SYNCHRONOUS_MASK) */
#define SYNCHRONOUS_MASK (sigmask_of(11) | sigmask_of(7) | sigmask_of(4) | \
                          sigmask_of(5) | sigmask_of(8) | sigmask_of(31))

void signal_queue(struct task_signals *ts, enum sig_target to, const struct ksiginfo *info)
{
    struct sigpending *p = to == SIG_TO_TASK ? &ts->pending : &ts->shared;
    uint32_t sig = (uint32_t)info->signo;
    if (sig < 1 || sig > NSIG_MODEL || (p->signal & sigmask_of(sig)))
        return;
    p->signal |= sigmask_of(sig);
    p->info[sig] = *info;
}

void signal_discard(struct task_signals *ts, uint32_t sig)
{
    if (sig >= 1 && sig <= NSIG_MODEL) {
        ts->pending.signal &= ~sigmask_of(sig);
        ts->shared.signal &= ~sigmask_of(sig);
    }
}

/* next_signal and collect_signal on one queue */
static uint32_t dequeue_from(struct sigpending *p, uint64_t mask, struct ksiginfo *info)
{
    uint64_t set = p->signal & mask;
    if (!set)
        return 0;
    if (set & SYNCHRONOUS_MASK)
        set &= SYNCHRONOUS_MASK;
    uint32_t sig = (uint32_t)__builtin_ctzll(set) + 1;
    p->signal &= ~sigmask_of(sig);
    *info = p->info[sig];
    return sig;
}

uint32_t signal_dequeue(struct task_signals *ts, uint64_t mask, struct ksiginfo *info)
{
    uint32_t sig = dequeue_from(&ts->pending, mask, info);
    return sig ? sig : dequeue_from(&ts->shared, mask, info);
}

/*
 * sigstate.c — pending and blocked signal sets (see sigstate.h).
 */
#include "kernel-model/sigstate.h"

/* SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS (kernel/signal.c SYNCHRONOUS_MASK) */
#define SYNCHRONOUS_MASK (sigmask_of(11) | sigmask_of(7) | sigmask_of(4) | \
                          sigmask_of(5) | sigmask_of(8) | sigmask_of(31))

void signal_queue(struct task_signals *ts, const struct ksiginfo *info)
{
    uint32_t sig = (uint32_t)info->signo;
    if (sig < 1 || sig > NSIG_MODEL || (ts->pending & sigmask_of(sig)))
        return;
    ts->pending |= sigmask_of(sig);
    ts->info[sig] = *info;
}

void signal_discard(struct task_signals *ts, uint32_t sig)
{
    if (sig >= 1 && sig <= NSIG_MODEL)
        ts->pending &= ~sigmask_of(sig);
}

uint32_t signal_dequeue(struct task_signals *ts, uint64_t mask, struct ksiginfo *info)
{
    uint64_t set = ts->pending & mask;
    if (!set)
        return 0;
    if (set & SYNCHRONOUS_MASK)
        set &= SYNCHRONOUS_MASK;
    uint32_t sig = (uint32_t)__builtin_ctzll(set) + 1;
    ts->pending &= ~sigmask_of(sig);
    *info = ts->info[sig];
    return sig;
}

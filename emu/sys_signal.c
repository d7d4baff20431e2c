/*
 * sys_signal.c — signals within the one process (Linux kernel/signal.c).
 *
 * Sending marks the signal pending in m->sig (kernel-model/sigstate.h)
 * unless it is ignored and not blocked (sig_ignored: then it is dropped at
 * once; a blocked signal is kept even if ignored, as its action may change
 * before it is unblocked).  Pending signals that are not blocked are
 * delivered on the way back to user mode (signal_deliver_pending, called by
 * syscall_dispatch after every call, as exit_to_user_mode_loop does), so
 * raising a blocked signal leaves it pending, and unblocking it with
 * rt_sigprocmask takes its action when that call returns.  rt_sigtimedwait
 * takes pending signals without delivering them.  memsim runs no user
 * handlers yet (the processes issue): a signal with a handler takes its
 * default action.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "emu/syscall.h"

#define SIG_IGN_H 1u                /* sa_handler SIG_IGN; SIG_DFL is 0 */

/* A signal's default action (signal(7); kernel/signal.c sig_kernel_ignore,
 * sig_kernel_stop); every other signal terminates (some with a core dump,
 * which changes nothing in the shell status 128 + sig). */
enum sig_default { SIG_DEFAULT_TERM, SIG_DEFAULT_IGNORE, SIG_DEFAULT_STOP };

static enum sig_default sig_default_action(uint32_t sig)
{
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
        return SIG_DEFAULT_IGNORE;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return SIG_DEFAULT_STOP;
    default:
        return SIG_DEFAULT_TERM;
    }
}

/* sig_handler_ignored: SIG_IGN, or SIG_DFL for a default-ignored signal. */
static int sig_handler_ignored(const struct machine *m, uint32_t sig)
{
    uint32_t h = m->sigactions[sig].handler;
    return h == SIG_IGN_H || (h == 0 && sig_default_action(sig) == SIG_DEFAULT_IGNORE);
}

/*
 * The action of a delivered signal.  Ignore: nothing.  Stop: Linux stops
 * the process until someone sends SIGCONT; the guest is a single process
 * with nobody to continue it, and stopping memsim would hang a batch run,
 * so the guest is stopped and at once continued — which it cannot tell
 * from Linux: its clocks run on the model's cycle counter, and the SIGCONT
 * that continues it is ignored by default.  Anything else ends the run.
 */
static void deliver_signal(struct machine *m, uint32_t sig)
{
    if (m->sigactions[sig].handler == SIG_IGN_H || sig_default_action(sig) != SIG_DEFAULT_TERM)
        return;
    machine_kill(m, (int)sig, "memsim: guest killed itself with signal %u", sig);
}

void signal_deliver_pending(struct machine *m)
{
    struct ksiginfo info;
    uint32_t sig;
    while (!m->stopped && (sig = signal_dequeue(&m->sig, ~m->sig.blocked, &info)))
        deliver_signal(m, sig);
}

/* A signal the guest sends itself (kill, tkill, tgkill; raise is tgkill). */
static long send_self(struct machine *m, uint32_t sig, enum sig_target to)
{
    if (sig == 0)
        return 0;                           /* only the existence check */
    if (sig > 64)
        return -EINVAL;
    if (!(m->sig.blocked & sigmask_of(sig)) && sig_handler_ignored(m, sig))
        return 0;                           /* sig_ignored: dropped, never pending */
    /* si_code: SI_USER for all three on this machine's Linux (6.18), whose
     * tkill/tgkill no longer report SI_TKILL as older kernels did */
    struct ksiginfo info = { .signo = (int32_t)sig, .code = KSI_USER,
                             .pid = m->pid, .uid = (uint32_t)getuid() };
    signal_queue(&m->sig, to, &info);
    return 0;                               /* delivered on the return to user mode */
}

/* kill(pid, sig): the guest is alone, the leader of its process group (pid,
 * 0, -pid); kill(-1) reaches every process but the sender and init: none. */
long sys_kill(struct machine *m, const uint32_t a[6])
{
    int32_t pid = (int32_t)a[0];
    if (pid != (int32_t)m->pid && pid != 0 && pid != -(int32_t)m->pid)
        return -ESRCH;
    return send_self(m, a[1], SIG_TO_PROCESS);
}

/* tgkill(tgid, tid, sig) (kernel/signal.c do_tkill): ids must be positive. */
long sys_tgkill(struct machine *m, const uint32_t a[6])
{
    if ((int32_t)a[0] <= 0 || (int32_t)a[1] <= 0)
        return -EINVAL;
    if (a[0] != m->pid || a[1] != m->pid)
        return -ESRCH;
    return send_self(m, a[2], SIG_TO_TASK);
}

long sys_tkill(struct machine *m, const uint32_t a[6])
{
    if ((int32_t)a[0] <= 0)
        return -EINVAL;
    if (a[0] != m->pid)
        return -ESRCH;
    return send_self(m, a[1], SIG_TO_TASK);
}

/* rt_sigaction (kernel/signal.c do_sigaction): SIGKILL and SIGSTOP may be
 * queried but not changed; the new action is read before the old is
 * written; an action that ignores the signal discards it if pending. */
long sys_rt_sigaction(struct machine *m, const uint32_t a[6])
{
    uint32_t sig = a[0], nw[5];
    if (a[3] != 8 || sig < 1 || sig > 64)
        return -EINVAL;
    if (a[1]) {
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        if (copy_from_user(m->mm, nw, a[1], sizeof nw))
            return -EFAULT;
    }
    struct sigaction_rec *rec = &m->sigactions[sig];
    uint32_t old[5] = { rec->handler, rec->flags, rec->restorer,
                        (uint32_t)rec->mask, (uint32_t)(rec->mask >> 32) };
    if (a[1]) {
        *rec = (struct sigaction_rec){ nw[0], nw[1], nw[2], nw[3] | (uint64_t)nw[4] << 32 };
        if (sig_handler_ignored(m, sig))
            signal_discard(&m->sig, sig);
    }
    if (a[2] && copy_to_user(m->mm, a[2], old, sizeof old))
        return -EFAULT;
    return 0;
}

long sys_rt_sigprocmask(struct machine *m, const uint32_t a[6])
{
    if (a[3] != 8)
        return -EINVAL;
    uint64_t old = m->sig.blocked, set;
    if (a[1]) {
        if (copy_from_user(m->mm, &set, a[1], 8))
            return -EFAULT;
        set &= ~SIG_UNBLOCKABLE;
        switch (a[0]) {
        case 0: m->sig.blocked |= set; break;       /* SIG_BLOCK */
        case 1: m->sig.blocked &= ~set; break;      /* SIG_UNBLOCK */
        case 2: m->sig.blocked = set; break;        /* SIG_SETMASK */
        default: return -EINVAL;
        }
    }
    if (a[2] && copy_to_user(m->mm, a[2], &old, 8))
        return -EFAULT;
    return 0;
}

/* rt_sigpending (do_sigpending): the pending signals that are blocked (the
 * others were delivered); sigsetsize bytes of the set, at most 8. */
long sys_rt_sigpending(struct machine *m, const uint32_t a[6])
{
    if (a[1] > 8)
        return -EINVAL;
    uint64_t set = signal_pending_set(&m->sig) & m->sig.blocked;
    return copy_to_user(m->mm, a[0], &set, a[1]) ? -EFAULT : 0;
}

/* copy_siginfo_to_user: i386's 128-byte siginfo_t, _kill fields. */
static long put_siginfo(struct machine *m, uint32_t uinfo, const struct ksiginfo *info)
{
    uint32_t si[32] = { 0 };
    si[0] = (uint32_t)info->signo;
    si[1] = (uint32_t)info->err;
    si[2] = (uint32_t)info->code;
    si[3] = info->pid;
    si[4] = info->uid;
    return copy_to_user(m->mm, uinfo, si, sizeof si) ? -EFAULT : 0;
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize) (do_sigtimedwait): take a
 * pending signal of set; none pending: -EAGAIN at the (relative) timeout,
 * at once for a zero one; with no timeout the one task waits forever. */
static long do_sigtimedwait(struct machine *m, const uint32_t a[6], int time64)
{
    uint64_t these;
    struct guest_timeout to = { 0 };
    struct ksiginfo info;
    if (a[3] != 8)
        return -EINVAL;
    if (copy_from_user(m->mm, &these, a[0], 8))
        return -EFAULT;
    if (a[2]) {
        long r = read_timeout(m, a[2], time64, &to);
        if (r)
            return r;
    }
    uint32_t sig = signal_dequeue(&m->sig, these & ~SIG_UNBLOCKABLE, &info);
    if (sig) {
        if (a[1] && put_siginfo(m, a[1], &info))
            return -EFAULT;
        return (long)sig;
    }
    long r = guest_block(m, &to, "rt_sigtimedwait");
    return r == -ETIMEDOUT ? -EAGAIN : r;
}

long sys_rt_sigtimedwait(struct machine *m, const uint32_t a[6]) { return do_sigtimedwait(m, a, 0); }
long sys_rt_sigtimedwait_time64(struct machine *m, const uint32_t a[6]) { return do_sigtimedwait(m, a, 1); }

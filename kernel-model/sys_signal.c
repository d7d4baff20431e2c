/*
 * sys_signal.c — signals within the one process (Linux kernel/signal.c).
 *
 * Sending marks the signal pending in t->sig (kernel-model/sigstate.h)
 * unless it is ignored and not blocked (sig_ignored: then it is dropped at
 * once; a blocked signal is kept even if ignored, as its action may change
 * before it is unblocked).  Pending signals that are not blocked are
 * delivered on the way back to user mode (signal_deliver_pending, called by
 * syscall_dispatch after every call, as exit_to_user_mode_loop does), so
 * raising a blocked signal leaves it pending, and unblocking it with
 * rt_sigprocmask takes its action when that call returns.  rt_sigtimedwait
 * takes pending signals without delivering them.  memsim runs no user
 * handlers yet (the processes issue): delivering a signal with a handler
 * ends the run with exit_reason "unsupported-handler".  pause and
 * sigsuspend sleep on the model clock until a signal can arrive (an armed
 * real timer) and end the run as a deadlock when none can.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/sys_internal.h"

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
static int sig_handler_ignored(const struct task_struct *t, uint32_t sig)
{
    uint32_t h = t->sigactions[sig].handler;
    return h == SIG_IGN_H || (h == 0 && sig_default_action(sig) == SIG_DEFAULT_IGNORE);
}

/* A user handler (anything but SIG_DFL and SIG_IGN): memsim cannot run it
 * yet, so the run ends naming the missing feature rather than pretending
 * the default action happened.  1 when the run ended. */
int signal_unsupported_handler(struct task_struct *t, uint32_t sig)
{
    uint32_t h = t->sigactions[sig].handler;
    if (h == 0 || h == SIG_IGN_H)
        return 0;
    t->exit_reason = t->exit_reason ? t->exit_reason : "unsupported-handler";
    task_exit_signal(t, (int)sig, "memsim: signal %u (%s) has a handler at 0x%08x; memsim does not "
                 "run signal handlers yet (the processes issue), so the run ends",
                 sig, signal_name((int)sig), h);
    return 1;
}

/*
 * The action of a delivered signal.  Ignore: nothing.  Stop: Linux stops
 * the process until someone sends SIGCONT; the guest is a single process
 * with nobody to continue it, and stopping memsim would hang a batch run,
 * so the guest is stopped and at once continued — which it cannot tell
 * from Linux: its clocks run on the model's cycle counter, and the SIGCONT
 * that continues it is ignored by default.  A handler: the run ends
 * (signal_unsupported_handler).  Anything else ends the run; a SIGPIPE the
 * kernel sent (a write without a reader) silently, as a shell is silent.
 */
static void deliver_signal(struct task_struct *t, uint32_t sig, const struct ksiginfo *info)
{
    if (signal_unsupported_handler(t, sig))
        return;
    if (t->sigactions[sig].handler == SIG_IGN_H || sig_default_action(sig) != SIG_DEFAULT_TERM)
        return;
    if (sig == SIGPIPE && info->code == KSI_KERNEL)
        task_exit_signal(t, SIGPIPE, "%s", "");
    else
        task_exit_signal(t, (int)sig, "memsim: guest killed itself with signal %u", sig);
}

void signal_deliver_pending(struct task_struct *t)
{
    struct ksiginfo info;
    uint32_t sig;
    while (!task_dead(t) && (sig = signal_dequeue(&t->sig, ~t->sig.blocked, &info)))
        deliver_signal(t, sig, &info);
}

/* A signal the kernel sends the task (send_sig: SIGPIPE from a write with
 * no reader): dropped if ignored and not blocked, else pending, and
 * delivered on the return to user mode — a blocked one stays pending. */
void signal_send_kernel(struct task_struct *t, uint32_t sig)
{
    if (!(t->sig.blocked & sigmask_of(sig)) && sig_handler_ignored(t, sig))
        return;
    struct ksiginfo info = { .signo = (int32_t)sig, .code = KSI_KERNEL };
    signal_queue(&t->sig, SIG_TO_TASK, &info);
}

/* A signal the guest sends itself (kill, tkill, tgkill; raise is tgkill). */
static long send_self(struct task_struct *t, uint32_t sig, enum sig_target to)
{
    if (sig == 0)
        return 0;                           /* only the existence check */
    if (sig > 64)
        return -EINVAL;
    if (!(t->sig.blocked & sigmask_of(sig)) && sig_handler_ignored(t, sig))
        return 0;                           /* sig_ignored: dropped, never pending */
    /* si_code: SI_USER for all three on this machine's Linux (6.18), whose
     * tkill/tgkill no longer report SI_TKILL as older kernels did */
    struct ksiginfo info = { .signo = (int32_t)sig, .code = KSI_USER,
                             .pid = t->pid, .uid = (uint32_t)getuid() };
    signal_queue(&t->sig, to, &info);
    return 0;                               /* delivered on the return to user mode */
}

/* kill(pid, sig): the guest is alone, the leader of its process group (pid,
 * 0, -pid); kill(-1) reaches every process but the sender and init: none. */
SYSCALL_DEFINE2(kill, int32_t, pid, uint32_t, sig)
{
    if (pid != (int32_t)t->pid && pid != 0 && pid != -(int32_t)t->pid)
        return -ESRCH;
    return send_self(t, sig, SIG_TO_PROCESS);
}

/* tgkill(tgid, tid, sig) (kernel/signal.c do_tkill): ids must be positive. */
SYSCALL_DEFINE3(tgkill, uint32_t, tgid, uint32_t, pid, uint32_t, sig)
{
    if ((int32_t)tgid <= 0 || (int32_t)pid <= 0)
        return -EINVAL;
    if (tgid != t->pid || pid != t->pid)
        return -ESRCH;
    return send_self(t, sig, SIG_TO_TASK);
}

SYSCALL_DEFINE2(tkill, uint32_t, pid, uint32_t, sig)
{
    if ((int32_t)pid <= 0)
        return -EINVAL;
    if (pid != t->pid)
        return -ESRCH;
    return send_self(t, sig, SIG_TO_TASK);
}

/* rt_sigaction (kernel/signal.c do_sigaction): SIGKILL and SIGSTOP may be
 * queried but not changed; the new action is read before the old is
 * written; an action that ignores the signal discards it if pending. */
/* do_sigaction: install act (when given) for sig, report the old one. */
static long do_sigaction(struct task_struct *t, uint32_t sig, const struct sigaction_rec *act,
                         struct sigaction_rec *old)
{
    if (sig < 1 || sig > 64 || (act && (sig == SIGKILL || sig == SIGSTOP)))
        return -EINVAL;
    struct sigaction_rec *rec = &t->sigactions[sig];
    if (old)
        *old = *rec;
    if (act) {
        *rec = *act;
        if (sig_handler_ignored(t, sig))
            signal_discard(&t->sig, sig);   /* pending ones go too (POSIX 3.3.1.3) */
    }
    return 0;
}

/* rt_sigaction: struct sigaction of handler, flags, restorer, 64-bit mask. */
SYSCALL_DEFINE4(rt_sigaction, uint32_t, sig, uint32_t, uact, uint32_t, oact, uint32_t, sigsetsize)
{
    uint32_t nw[5];
    struct sigaction_rec act, old;
    if (sigsetsize != 8)
        return -EINVAL;
    if (uact) {
        if (copy_from_user(t->mm, nw, uact, sizeof nw))
            return -EFAULT;
        act = (struct sigaction_rec){ nw[0], nw[1], nw[2], nw[3] | (uint64_t)nw[4] << 32 };
    }
    long r = do_sigaction(t, sig, uact ? &act : NULL, &old);
    uint32_t out[5] = { old.handler, old.flags, old.restorer,
                        (uint32_t)old.mask, (uint32_t)(old.mask >> 32) };
    if (!r && oact && copy_to_user(t->mm, oact, out, sizeof out))
        return -EFAULT;
    return r;
}

/* The old i386 sigaction (67): struct old_sigaction of handler, a 32-bit
 * mask, flags, restorer — the low 32 signals' mask only. */
SYSCALL_DEFINE3(sigaction, uint32_t, sig, uint32_t, uact, uint32_t, oact)
{
    uint32_t nw[4];
    struct sigaction_rec act, old;
    if (uact) {
        if (copy_from_user(t->mm, nw, uact, sizeof nw))
            return -EFAULT;
        act = (struct sigaction_rec){ nw[0], nw[2], nw[3], nw[1] };
    }
    long r = do_sigaction(t, sig, uact ? &act : NULL, &old);
    uint32_t out[4] = { old.handler, (uint32_t)old.mask, old.flags, old.restorer };
    if (!r && oact && copy_to_user(t->mm, oact, out, sizeof out))
        return -EFAULT;
    return r;
}

/* signal (48): SA_ONESHOT | SA_NOMASK with an empty mask; the old handler. */
#define SA_NODEFER_   0x40000000u
#define SA_RESETHAND_ 0x80000000u
SYSCALL_DEFINE2(signal, uint32_t, sig, uint32_t, handler)
{
    struct sigaction_rec act = { handler, SA_RESETHAND_ | SA_NODEFER_, 0, 0 }, old;
    long r = do_sigaction(t, sig, &act, &old);
    return r ? r : (long)old.handler;
}

/* set_current_blocked: SIGKILL and SIGSTOP are never blocked. */
static uint64_t change_blocked(uint64_t blocked, uint32_t how, uint64_t set, long *err)
{
    *err = 0;
    switch (how) {
    case 0: return (blocked | set) & ~SIG_UNBLOCKABLE;          /* SIG_BLOCK */
    case 1: return blocked & ~set;                              /* SIG_UNBLOCK */
    case 2: return set & ~SIG_UNBLOCKABLE;                      /* SIG_SETMASK */
    default: *err = -EINVAL; return blocked;
    }
}

SYSCALL_DEFINE4(rt_sigprocmask, uint32_t, how, uint32_t, nset, uint32_t, oset, uint32_t, sigsetsize)
{
    if (sigsetsize != 8)
        return -EINVAL;
    uint64_t old = t->sig.blocked, set;
    long err;
    if (nset) {
        if (copy_from_user(t->mm, &set, nset, 8))
            return -EFAULT;
        t->sig.blocked = change_blocked(t->sig.blocked, how, set, &err);
        if (err)
            return err;
    }
    if (oset && copy_to_user(t->mm, oset, &old, 8))
        return -EFAULT;
    return 0;
}

/* The old sigprocmask (126) on old_sigset_t: the low 32 signals; SIG_SETMASK
 * keeps the upper ones. */
SYSCALL_DEFINE3(sigprocmask, uint32_t, how, uint32_t, nset, uint32_t, oset)
{
    uint32_t old = (uint32_t)t->sig.blocked, set;
    long err;
    if (nset) {
        if (copy_from_user(t->mm, &set, nset, 4))
            return -EFAULT;
        uint64_t full = how == 2 ? (t->sig.blocked & ~0xffffffffull) | set : set;
        t->sig.blocked = change_blocked(t->sig.blocked, how, full, &err);
        if (err)
            return err;
    }
    if (oset && copy_to_user(t->mm, oset, &old, 4))
        return -EFAULT;
    return 0;
}

/* sgetmask (68) / ssetmask (69): the low 32 bits of the blocked set. */
SYSCALL_DEFINE0(sgetmask) { return (uint32_t)t->sig.blocked; }
SYSCALL_DEFINE1(ssetmask, uint32_t, newmask)
{
    uint32_t old = (uint32_t)t->sig.blocked;
    t->sig.blocked = ((t->sig.blocked & ~0xffffffffull) | newmask) & ~SIG_UNBLOCKABLE;
    return old;
}

/* rt_sigpending (do_sigpending): the pending signals that are blocked (the
 * others were delivered); sigsetsize bytes of the set, at most 8. */
SYSCALL_DEFINE2(rt_sigpending, uint32_t, uset, uint32_t, sigsetsize)
{
    if (sigsetsize > 8)
        return -EINVAL;
    uint64_t set = signal_pending_set(&t->sig) & t->sig.blocked;
    return copy_to_user(t->mm, uset, &set, sigsetsize) ? -EFAULT : 0;
}

/* copy_siginfo_to_user: i386's 128-byte siginfo_t, _kill fields. */
static long put_siginfo(struct task_struct *t, uint32_t uinfo, const struct ksiginfo *info)
{
    uint32_t si[32] = { 0 };
    si[0] = (uint32_t)info->signo;
    si[1] = (uint32_t)info->err;
    si[2] = (uint32_t)info->code;
    si[3] = info->pid;
    si[4] = info->uid;
    return copy_to_user(t->mm, uinfo, si, sizeof si) ? -EFAULT : 0;
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize) (do_sigtimedwait): take a
 * pending signal of set; none pending: -EAGAIN at the (relative) timeout,
 * at once for a zero one; with no timeout the one task waits forever. */
static long do_sigtimedwait(struct task_struct *t, uint32_t uthese, uint32_t uinfo, uint32_t uts, uint32_t sigsetsize, int time64)
{
    uint64_t these;
    struct guest_timeout to = { 0 };
    struct ksiginfo info;
    if (sigsetsize != 8)
        return -EINVAL;
    if (copy_from_user(t->mm, &these, uthese, 8))
        return -EFAULT;
    if (uts) {
        long r = read_timeout(t, uts, time64, &to);
        if (r)
            return r;
    }
    uint32_t sig = signal_dequeue(&t->sig, these & ~SIG_UNBLOCKABLE, &info);
    if (sig) {
        if (uinfo && put_siginfo(t, uinfo, &info))
            return -EFAULT;
        return (long)sig;
    }
    long r = guest_block(t, &to, "rt_sigtimedwait");
    return r == -ETIMEDOUT ? -EAGAIN : r;
}

SYSCALL_DEFINE4(rt_sigtimedwait, uint32_t, uthese, uint32_t, uinfo, uint32_t, uts, uint32_t, sigsetsize) { return do_sigtimedwait(t, uthese, uinfo, uts, sigsetsize, 0); }
SYSCALL_DEFINE4(rt_sigtimedwait_time64, uint32_t, uthese, uint32_t, uinfo, uint32_t, uts, uint32_t, sigsetsize) { return do_sigtimedwait(t, uthese, uinfo, uts, sigsetsize, 1); }

/* ---- waiting for a signal: pause, sigsuspend, rt_sigsuspend ---- */

/*
 * Sleep with blocked set to wait until a signal acts (Linux:
 * sigsuspend's and pause's schedule loop).  Pending signals that wait
 * unblocks are delivered first; an ignored or stop signal does not end the
 * wait (Linux restarts the call: -ERESTARTNOHAND with no handler run).
 * Then only the real timer can send one: the model clock advances to its
 * expiry and its signal acts (SIGALRM's default action ends the run with
 * 142).  If it is not armed, or its signal is blocked by wait or ignored,
 * nothing can ever wake the task: a deadlock.  With no handlers a wait that
 * is woken never returns to the guest; the processes issue returns -EINTR
 * after the handler ran and restores the saved mask then.
 */
long signal_wait(struct task_struct *t, uint64_t wait, const char *what)
{
    uint64_t saved = t->sig.blocked;
    t->sig.blocked = wait & ~SIG_UNBLOCKABLE;
    while (!task_dead(t)) {
        signal_deliver_pending(t);
        if (task_dead(t))
            break;
        uint64_t alrm = sigmask_of(SIGALRM);
        if (!t->itimer[0].expires || (t->sig.blocked & alrm) || sig_handler_ignored(t, SIGALRM)) {
            task_deadlock(t, what);
            break;
        }
        if (t->itimer[0].expires <= kclock_cycles(t->k))
            time_expire_timers(t);      /* due already (the call's own cost reached it) */
        else
            time_sleep_until(t, t->itimer[0].expires);
    }
    t->sig.blocked = saved;
    return -EINTR;                      /* never seen by the guest: the run is over */
}

SYSCALL_DEFINE0(pause)
{
    return signal_wait(t, t->sig.blocked, "pause");
}

/* sigsuspend(unused, unused, old_sigset_t mask): the old 32-bit mask of
 * signals 1-32 (siginitset: the real-time ones above it are unblocked). */
SYSCALL_DEFINE3(sigsuspend, uint32_t, unused1, uint32_t, unused2, uint32_t, mask)
{
    return signal_wait(t, (uint64_t)mask, "sigsuspend");
}

SYSCALL_DEFINE2(rt_sigsuspend, uint32_t, unewset, uint32_t, sigsetsize)
{
    uint64_t set;
    if (sigsetsize != 8)
        return -EINVAL;
    if (copy_from_user(t->mm, &set, unewset, 8))
        return -EFAULT;
    return signal_wait(t, set, "rt_sigsuspend");
}

/* ---- sigaltstack ---- */

/* on_sig_stack: sp within (ss_sp, ss_sp + ss_size] (the stack grows down),
 * never while SS_AUTODISARM is set. */
static int on_sig_stack(const struct sig_altstack *as, uint32_t sp)
{
    if (as->flags & SS_AUTODISARM_NR)
        return 0;
    return sp > as->sp && sp - as->sp <= as->size;
}

/* sigaltstack(uss, uoss) (kernel/signal.c do_sigaltstack, i386 stack_t:
 * ss_sp, ss_flags, ss_size): the new stack is read first, the old one
 * written last and only on success.  EPERM while running on the stack;
 * EINVAL for a mode other than 0, SS_ONSTACK or SS_DISABLE (SS_AUTODISARM
 * may be added); ENOMEM below MINSIGSTKSZ (2048); SS_DISABLE clears it. */
SYSCALL_DEFINE2(sigaltstack, uint32_t, uss, uint32_t, uoss)
{
    struct sig_altstack *as = &t->sig.altstack;
    uint32_t nw[3];
    uint32_t esp = task_pt_regs(t)->sp;        /* the user stack at the call */
    if (uss && copy_from_user(t->mm, nw, uss, sizeof nw))
        return -EFAULT;
    uint32_t old[3] = { as->sp,
                        (!as->size ? SS_DISABLE_NR : on_sig_stack(as, esp) ? SS_ONSTACK_NR : 0) |
                            (as->flags & SS_AUTODISARM_NR),
                        as->size };
    if (uss) {
        uint32_t sp = nw[0], flags = nw[1], size = nw[2], mode = flags & ~SS_AUTODISARM_NR;
        if (on_sig_stack(as, esp))
            return -EPERM;
        if (mode != SS_DISABLE_NR && mode != SS_ONSTACK_NR && mode != 0)
            return -EINVAL;
        if (mode == SS_DISABLE_NR)
            sp = size = 0;
        else if (size < 2048)
            return -ENOMEM;
        *as = (struct sig_altstack){ .sp = sp, .size = size, .flags = flags };
    }
    if (uoss && copy_to_user(t->mm, uoss, old, sizeof old))
        return -EFAULT;
    return 0;
}

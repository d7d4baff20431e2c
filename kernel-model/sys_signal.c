/*
 * sys_signal.c — signals (Linux kernel/signal.c): actions, masks and
 * delivery; sending to other tasks (kill, tkill, tgkill) is sys_kill.c's.
 *
 * Sending marks the signal pending in t->sig (kernel-model/sigstate.h)
 * unless it is ignored and not blocked (sig_ignored: then it is dropped at
 * once; a blocked signal is kept even if ignored, as its action may change
 * before it is unblocked).  Pending signals that are not blocked are
 * delivered on the way back to user mode (signal_deliver_pending, called by
 * syscall_dispatch after every call, as exit_to_user_mode_loop does), so
 * raising a blocked signal leaves it pending, and unblocking it with
 * rt_sigprocmask takes its action when that call returns.  rt_sigtimedwait
 * takes pending signals without delivering them.  A signal with a user
 * handler gets a frame on the user stack (signal_frame.c) and the handler
 * runs when user mode resumes; sigreturn comes back.  Signals sent while
 * the task runs in user mode (a timer's, a fault's: signal_wake_up) are
 * delivered at the next instruction boundary through the same
 * signal_deliver_pending.  pause and sigsuspend sleep on the model clock
 * until a signal can arrive (an armed real timer) and end the run as a
 * deadlock when none can.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include "kernel-model/signal_frame.h"
#include "kernel-model/sys_internal.h"
#include "kernel-model/wait.h"

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
int sig_handler_ignored(const struct task_struct *t, uint32_t sig)
{
    uint32_t h = t->sighand->action[sig].handler;
    return h == SIG_IGN_H || (h == 0 && sig_default_action(sig) == SIG_DEFAULT_IGNORE);
}

int sig_fatal(const struct task_struct *t, uint32_t sig)
{
    return sig == SIGKILL ||
           (t->sighand->action[sig].handler == 0 && sig_default_action(sig) == SIG_DEFAULT_TERM);
}

/* A user handler: anything but SIG_DFL (0) and SIG_IGN (1). */
static int sig_has_handler(const struct task_struct *t, uint32_t sig)
{
    return t->sighand->action[sig].handler > SIG_IGN_H;
}

int signal_handler_pending(const struct task_struct *t)
{
    uint64_t set = signal_deliverable(&t->sig);
    for (uint32_t sig = 1; set; sig++, set >>= 1)
        if ((set & 1) && sig_has_handler(t, sig))
            return 1;
    return 0;
}

void signal_wake_up(struct task_struct *t)
{
    if (!signal_deliverable(&t->sig))
        return;
    if (wake_up_interruptible(t))       /* its blocked call re-runs: -EINTR/-ERESTARTSYS */
        return;
    if (t->k->arch.signal_pending)
        t->k->arch.signal_pending(t->k->arch.ctx, t);
}

/*
 * force_sig_info_to_task: a signal the task cannot refuse (a fault's, a
 * bad frame's).  If it is blocked or ignored, its action becomes SIG_DFL
 * and it is unblocked, so it kills; a handler that is neither runs.
 * why names the cause in the report if it kills.
 */
void signal_force(struct task_struct *t, const struct ksiginfo *info, const char *why)
{
    uint32_t sig = (uint32_t)info->signo;
    int blocked = (t->sig.blocked & sigmask_of(sig)) != 0;
    if (blocked || t->sighand->action[sig].handler == SIG_IGN_H) {
        t->sighand->action[sig].handler = 0;
        t->sig.blocked &= ~sigmask_of(sig);
    }
    if (t->sighand->action[sig].handler == 0 && why) {
        task_exit_signal(t, (int)sig, "memsim: %s: %s", signal_name((int)sig), why);
        return;
    }
    signal_queue(&t->sig, SIG_TO_TASK, info);
    signal_wake_up(t);
}

/* force_sigsegv: the frame for sig could not be written (a bad stack, an
 * overflowing sigaltstack).  A SIGSEGV handler is reset first, so a
 * SIGSEGV that cannot be delivered kills. */
static void force_sigsegv(struct task_struct *t, uint32_t sig)
{
    char why[160];
    if (sig == SIGSEGV)
        t->sighand->action[SIGSEGV].handler = 0;
    snprintf(why, sizeof why, "could not write the frame of signal %u (%s) on the stack at 0x%08x",
             sig, signal_name((int)sig), task_pt_regs(t)->sp);
    struct ksiginfo info = { .signo = SIGSEGV, .code = KSI_KERNEL };
    signal_force(t, &info, t->sighand->action[SIGSEGV].handler ? NULL : why);
}

/*
 * handle_signal: run sig's handler.  A system call interrupted by it
 * (orig_ax is its number; -1 after a sigreturn or outside a call)
 * returns -EINTR, or restarts — eip back over the int 0x80 or sysenter,
 * eax the number again — for -ERESTARTNOINTR and, with SA_RESTART,
 * -ERESTARTSYS.  Then the frame (SA_RESETHAND already reset the action,
 * as get_signal does), and the mask the handler runs with: sa_mask and,
 * unless SA_NODEFER, the signal itself (signal_delivered); SS_AUTODISARM
 * disarms the sigaltstack.
 */
static void handle_signal(struct task_struct *t, uint32_t sig, const struct ksiginfo *info)
{
    struct sigaction_rec ka = t->sighand->action[sig];
    struct pt_regs *regs = task_pt_regs(t);
    if (ka.flags & SA_RESETHAND_)
        t->sighand->action[sig].handler = 0;
    if (regs->orig_ax != (uint32_t)-1) {
        switch ((int32_t)regs->ax) {
        case -ERESTARTNOHAND:
            regs->ax = (uint32_t)-EINTR;
            break;
        case -ERESTARTSYS:
            if (!(ka.flags & SA_RESTART_)) {
                regs->ax = (uint32_t)-EINTR;
                break;
            }
            /* fall through */
        case -ERESTARTNOINTR:
            regs->ax = regs->orig_ax;
            regs->ip -= SYSCALL_INSN_LEN;
            break;
        }
    }
    uint64_t oldset = t->sig.restore_mask ? t->sig.saved_mask : t->sig.blocked;
    if (signal_setup_frame(t, sig, info, &ka, oldset)) {
        force_sigsegv(t, sig);
        return;
    }
    t->sig.restore_mask = 0;
    uint64_t blocked = t->sig.blocked | ka.mask;
    if (!(ka.flags & SA_NODEFER_))
        blocked |= sigmask_of(sig);
    t->sig.blocked = blocked & ~SIG_UNBLOCKABLE;
    if (t->sig.altstack.flags & SS_AUTODISARM_NR)
        t->sig.altstack = (struct sig_altstack){ .flags = SS_DISABLE_NR };    /* sas_ss_reset */
}

/*
 * The action of a delivered signal.  A handler: its frame (handle_signal).
 * Ignore: nothing.  Stop: Linux stops the process until someone sends
 * SIGCONT; the guest is a single process with nobody to continue it, and
 * stopping memsim would hang a batch run, so the guest is stopped and at
 * once continued — which it cannot tell from Linux: its clocks run on the
 * model's cycle counter, and the SIGCONT that continues it is ignored by
 * default.  Anything else ends the run; a SIGPIPE the kernel sent (a write
 * without a reader) silently, as a shell is silent.
 */
static void deliver_signal(struct task_struct *t, uint32_t sig, const struct ksiginfo *info)
{
    if (sig_has_handler(t, sig)) {
        handle_signal(t, sig, info);
        return;
    }
    if (t->sighand->action[sig].handler == SIG_IGN_H || sig_default_action(sig) != SIG_DEFAULT_TERM)
        return;
    if (sig == SIGPIPE && info->code == KSI_KERNEL)
        task_exit_signal(t, SIGPIPE, "%s", "");
    else if (info->code > 0 && info->code < KSI_KERNEL)
        task_exit_signal(t, (int)sig, "memsim: %s (si_code %d) at address 0x%08x", signal_name((int)sig),
                         info->code, info->addr);
    else
        task_exit_signal(t, (int)sig, "memsim: guest killed itself with signal %u", sig);
}

/* The no-handler restart (arch_do_signal_or_restart's tail): a call that
 * asked to be restarted and ran no handler is entered again; the mask
 * sigsuspend replaced comes back (restore_saved_sigmask). */
static void restart_without_handler(struct task_struct *t)
{
    struct pt_regs *regs = task_pt_regs(t);
    if (regs->orig_ax != (uint32_t)-1) {
        int32_t err = (int32_t)regs->ax;
        if (err == -ERESTARTNOHAND || err == -ERESTARTSYS || err == -ERESTARTNOINTR) {
            regs->ax = regs->orig_ax;
            regs->ip -= SYSCALL_INSN_LEN;
        }
    }
    if (t->sig.restore_mask) {
        t->sig.restore_mask = 0;
        t->sig.blocked = t->sig.saved_mask;
    }
}

/* Every pending signal not blocked, in dequeue order: each handler's frame
 * lands on the previous one, so the last signal's handler runs first. */
static void deliver_all(struct task_struct *t)
{
    struct ksiginfo info;
    uint32_t sig;
    while (!task_dead(t) && (sig = signal_dequeue(&t->sig, ~t->sig.blocked, &info)))
        deliver_signal(t, sig, &info);
}

void signal_deliver_pending(struct task_struct *t)
{
    deliver_all(t);
    if (!task_dead(t))
        restart_without_handler(t);
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

/* rt_sigaction (kernel/signal.c do_sigaction): SIGKILL and SIGSTOP may be
 * queried but not changed; the new action is read before the old is
 * written; an action that ignores the signal discards it if pending. */
/* do_sigaction: install act (when given) for sig, report the old one. */
static long do_sigaction(struct task_struct *t, uint32_t sig, const struct sigaction_rec *act,
                         struct sigaction_rec *old)
{
    if (sig < 1 || sig > 64 || (act && (sig == SIGKILL || sig == SIGSTOP)))
        return -EINVAL;
    struct sigaction_rec *rec = &t->sighand->action[sig];
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
        if (uinfo && signal_copy_siginfo(t, uinfo, &info))
            return -EFAULT;
        return (long)sig;
    }
    long r = task_block(t, NULL, 0, &to, "rt_sigtimedwait");
    if (r == -ERESTART_BLOCK)
        return r;                               /* re-run when a signal or the deadline wakes it */
    if (r == -ERESTARTSYS || r == -EINTR) {     /* the real timer's signal came */
        if ((sig = signal_dequeue(&t->sig, these & ~SIG_UNBLOCKABLE, &info)))
            return uinfo && signal_copy_siginfo(t, uinfo, &info) ? -EFAULT : (long)sig;
        return -EINTR;                          /* another signal's handler runs */
    }
    return r == -ETIMEDOUT ? -EAGAIN : r;
}

SYSCALL_DEFINE4(rt_sigtimedwait, uint32_t, uthese, uint32_t, uinfo, uint32_t, uts, uint32_t, sigsetsize) { return do_sigtimedwait(t, uthese, uinfo, uts, sigsetsize, 0); }
SYSCALL_DEFINE4(rt_sigtimedwait_time64, uint32_t, uthese, uint32_t, uinfo, uint32_t, uts, uint32_t, sigsetsize) { return do_sigtimedwait(t, uthese, uinfo, uts, sigsetsize, 1); }

/* ---- waiting for a signal: pause, sigsuspend, rt_sigsuspend ---- */

/*
 * Sleep with blocked set to wait until a signal acts (Linux: sigsuspend's
 * and pause's schedule loop).  Pending signals that wait unblocks act
 * first: a handler's ends the wait — the call returns -ERESTARTNOHAND, so
 * the return to user mode runs the handler, whose frame saves the mask of
 * before the call (restore_mask), and the guest sees -EINTR; a default
 * action that kills ends the run inside the call; an ignored or stop
 * signal does not end the wait (Linux restarts the call).  Then only the
 * real timer can send one: the model clock advances to its expiry and its
 * signal acts.  If it is not armed, or its signal is blocked by wait or
 * ignored, nothing can ever wake the task: a deadlock.
 */
long signal_wait(struct task_struct *t, uint64_t wait, const char *what)
{
    if (!t->restart.active)             /* a re-run finds the wait's own mask in place */
        t->sig.saved_mask = t->sig.blocked;
    t->sig.blocked = wait & ~SIG_UNBLOCKABLE;
    while (!task_dead(t) && !signal_handler_pending(t)) {
        deliver_all(t);                 /* no handler among them: default actions */
        if (task_dead(t))
            break;
        if (!task_alone(t)) {
            /* another task may send one (a child's SIGCHLD, kill): sleep
             * until a signal wakes it; the call is re-run then */
            long r = task_block(t, NULL, 0, NULL, what);
            if (r == -ERESTART_BLOCK)
                return r;
            continue;
        }
        uint64_t alrm = sigmask_of(SIGALRM);
        if (!t->signal->itimer[0].expires || (t->sig.blocked & alrm) || sig_handler_ignored(t, SIGALRM)) {
            task_deadlock(t, what);
            break;
        }
        if (t->signal->itimer[0].expires <= kclock_cycles(t->k))
            time_expire_timers(t);      /* due already (the call's own cost reached it) */
        else
            time_sleep_until(t, t->signal->itimer[0].expires);
    }
    if (task_dead(t)) {
        t->sig.blocked = t->sig.saved_mask;
        return -EINTR;                  /* never seen by the guest: the run is over */
    }
    t->sig.restore_mask = 1;            /* set_restore_sigmask */
    return -ERESTARTNOHAND;
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

/* do_sigaltstack's change (kernel/signal.c, i386 stack_t: ss_sp, ss_flags,
 * ss_size) with the user stack at sp: EPERM while running on the stack;
 * EINVAL for a mode other than 0, SS_ONSTACK or SS_DISABLE (SS_AUTODISARM
 * may be added); ENOMEM below MINSIGSTKSZ (2048); SS_DISABLE clears it. */
long do_sigaltstack(struct task_struct *t, const uint32_t nw[3], uint32_t sp)
{
    struct sig_altstack *as = &t->sig.altstack;
    uint32_t ss_sp = nw[0], flags = nw[1], size = nw[2], mode = flags & ~SS_AUTODISARM_NR;
    if (on_sig_stack(as, sp))
        return -EPERM;
    if (mode != SS_DISABLE_NR && mode != SS_ONSTACK_NR && mode != 0)
        return -EINVAL;
    if (mode == SS_DISABLE_NR)
        ss_sp = size = 0;
    else if (size < 2048)
        return -ENOMEM;
    *as = (struct sig_altstack){ .sp = ss_sp, .size = size, .flags = flags };
    return 0;
}

/* sigaltstack(uss, uoss): the new stack is read first, the old one written
 * last and only on success. */
SYSCALL_DEFINE2(sigaltstack, uint32_t, uss, uint32_t, uoss)
{
    struct sig_altstack *as = &t->sig.altstack;
    uint32_t nw[3];
    uint32_t esp = task_pt_regs(t)->sp;        /* the user stack at the call */
    if (uss && copy_from_user(t->mm, nw, uss, sizeof nw))
        return -EFAULT;
    uint32_t old[3] = { as->sp, sas_ss_flags(as, esp) | (as->flags & SS_AUTODISARM_NR), as->size };
    if (uss) {
        long r = do_sigaltstack(t, nw, esp);
        if (r)
            return r;
    }
    if (uoss && copy_to_user(t->mm, uoss, old, sizeof old))
        return -EFAULT;
    return 0;
}

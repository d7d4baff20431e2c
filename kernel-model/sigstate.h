/*
 * sigstate.h — a task's signal state (Linux: task_struct's blocked and
 * pending sets, struct sigpending's queue of kernel_siginfo).
 *
 * Standard signals (1..31) queue at most once (a second one while pending is
 * merged, legacy_queue); real-time ones (32..64) would queue every instance
 * in Linux: here they too keep one siginfo, the first (no process sends a
 * second before the processes issue).  The model decides nothing about
 * actions: the syscall layer asks which signal to deliver next and applies
 * the action of its sigaction (sys_signal.c; a handler's frame is
 * signal_frame.c's).
 */
#ifndef MEMSIM_SIGSTATE_H
#define MEMSIM_SIGSTATE_H

#include <stdint.h>

#define NSIG_MODEL 64
#define SIGKILL_NR 9
#define SIGSTOP_NR 19
#define KSI_USER  0                  /* kill(2) */
#define KSI_TKILL (-6)               /* tkill(2), tgkill(2) */
#define KSI_KERNEL 0x80              /* sent by the kernel (an itimer's SIGALRM) */

static inline uint64_t sigmask_of(uint32_t sig) { return 1ull << (sig - 1); }
/* SIGKILL and SIGSTOP: never blocked, never waited for (sigdelsetmask). */
#define SIG_UNBLOCKABLE (sigmask_of(SIGKILL_NR) | sigmask_of(SIGSTOP_NR))

struct ksiginfo {
    int32_t signo, err, code;       /* siginfo si_signo, si_errno, si_code */
    uint32_t pid, uid;              /* _kill: the sender (SI_USER) */
    uint32_t addr;                  /* _sigfault: si_addr (code > 0, a fault's signal) */
    int32_t status;                 /* _sigchld: si_status (SIGCHLD, code CLD_*) */
};
/* si_code of SIGCHLD (exit_notify) and of waitid's siginfo */
#define KCLD_EXITED 1
#define KCLD_KILLED 2
#define KCLD_DUMPED 3
/* si_code of the faults' signals (include/uapi/asm-generic/siginfo.h) */
#define KSEGV_MAPERR 1
#define KSEGV_ACCERR 2
#define KBUS_ADRERR  2
#define KILL_ILLOPN  2
#define KILL_BADSTK  8
#define KFPE_INTDIV  1
#define KTRAP_BRKPT  1

/* struct sigpending: a set and the siginfo of each member. */
struct sigpending {
    uint64_t signal;
    struct ksiginfo info[NSIG_MODEL + 1];
};

/* Linux keeps two queues: the task's own (tkill, tgkill, raise) and the
 * process's shared one (kill); dequeue_signal takes from the task's first. */
/* sigaltstack (task_struct's sas_ss_sp, sas_ss_size, sas_ss_flags): where
 * handlers with SA_ONSTACK build their frames.  size 0: none. */
struct sig_altstack {
    uint32_t sp, size, flags;
};
#define SS_ONSTACK_NR   1u
#define SS_DISABLE_NR   2u
#define SS_AUTODISARM_NR (1u << 31)

/* __on_sig_stack: sp within (ss_sp, ss_sp + ss_size] (the stack grows down). */
static inline int __on_sig_stack(const struct sig_altstack *as, uint32_t sp)
{
    return sp > as->sp && sp - as->sp <= as->size;
}
/* on_sig_stack: never while SS_AUTODISARM is set (the stack was disarmed
 * on entry, so nested signals may use it again). */
static inline int on_sig_stack(const struct sig_altstack *as, uint32_t sp)
{
    return !(as->flags & SS_AUTODISARM_NR) && __on_sig_stack(as, sp);
}
/* sas_ss_flags: SS_DISABLE with no stack, SS_ONSTACK on it, else 0. */
static inline uint32_t sas_ss_flags(const struct sig_altstack *as, uint32_t sp)
{
    return !as->size ? SS_DISABLE_NR : on_sig_stack(as, sp) ? SS_ONSTACK_NR : 0;
}

struct task_signals {
    uint64_t blocked;               /* rt_sigprocmask */
    struct sigpending pending;      /* sent to this task */
    struct sigpending shared;       /* sent to the process (signal_struct) */
    struct sig_altstack altstack;   /* sigaltstack */
    /* sigsuspend's saved mask (Linux: saved_sigmask + TIF_RESTORE_SIGMASK):
     * the mask a handler's frame saves and the return to user mode restores */
    uint64_t saved_mask;
    uint8_t restore_mask;
    /* the last trap (thread_struct's trap_nr, error_code, cr2): what a
     * signal frame's sigcontext reports */
    uint32_t trap_nr, error_code, cr2;
};

enum sig_target { SIG_TO_TASK, SIG_TO_PROCESS };

/* Mark sig pending with info (a second standard signal is merged). */
void signal_queue(struct task_signals *ts, enum sig_target to, const struct ksiginfo *info);
/* Forget a pending sig (its action became "ignore": flush_sigqueue_mask). */
void signal_discard(struct task_signals *ts, uint32_t sig);
/* Take the next pending signal in mask: Linux's next_signal order, the
 * synchronous ones (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS) first,
 * then the lowest number; the task's queue before the process's.  0 if
 * none; info filled otherwise. */
uint32_t signal_dequeue(struct task_signals *ts, uint64_t mask, struct ksiginfo *info);
/* Pending and not blocked: what the return to user mode delivers. */
static inline uint64_t signal_pending_set(const struct task_signals *ts)
{
    return ts->pending.signal | ts->shared.signal;
}
static inline uint64_t signal_deliverable(const struct task_signals *ts)
{
    return signal_pending_set(ts) & ~ts->blocked;
}

#endif

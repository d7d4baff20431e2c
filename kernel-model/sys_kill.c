/*
 * sys_kill.c — sending signals between tasks (Linux kernel/signal.c):
 * kill to a process, the caller's process group, every process or a group;
 * tkill and tgkill to a thread; send_signal_info, which the kernel's own
 * signals to other tasks use too (SIGCHLD, the parent-death signal).
 *
 * A signal is dropped if its target ignores it and does not block it
 * (sig_ignored), else pending in the target; a target other than the
 * sender is woken (signal_wake_up), the sender's own acts on its return.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include "kernel-model/sys_internal.h"

/* The thread of t's group that takes a process-directed signal
 * (complete_signal's choice, simplified): the first live one that does
 * not block it, else the first live one; NULL when all are dead. */
static struct task_struct *signal_target(struct task_struct *t, uint32_t sig)
{
    struct task_struct *leader = t->group_leader, *th, *any = NULL;
    if (!task_dead(leader)) {
        if (!(leader->sig.blocked & sigmask_of(sig)))
            return leader;
        any = leader;
    }
    list_for_each_entry(th, &leader->thread_group, thread_group) {
        if (task_dead(th))
            continue;
        if (!(th->sig.blocked & sigmask_of(sig)))
            return th;
        if (!any)
            any = th;
    }
    return any;
}

/* Make t see sig now: woken unless it is the sender (who takes it on its
 * return); the vfork wait is killable (TASK_KILLABLE). */
static void signal_notify(struct task_struct *sender, struct task_struct *t, uint32_t sig)
{
    if (t == sender)
        return;
    if (sig == SIGKILL && t->state == TASK_UNINTERRUPTIBLE)
        wake_up_process(t);
    signal_wake_up(t);
}

/* complete_signal's fatal case: a signal that kills the process reaches
 * every thread at once, so none (the sender included) runs on before the
 * group dies; whichever thread takes it first kills the rest with its
 * status (group_exit_start). */
static void signal_group_fatal(struct task_struct *sender, struct task_struct *t,
                               const struct ksiginfo *info)
{
    uint32_t sig = (uint32_t)info->signo;
    struct task_struct *leader = t->group_leader, *th;
    if (leader != t && !task_dead(leader) && !(leader->sig.blocked & sigmask_of(sig))) {
        signal_queue(&leader->sig, SIG_TO_TASK, info);
        signal_notify(sender, leader, sig);
    }
    list_for_each_entry(th, &leader->thread_group, thread_group)
        if (th != t && !task_dead(th) && !(th->sig.blocked & sigmask_of(sig))) {
            signal_queue(&th->sig, SIG_TO_TASK, info);
            signal_notify(sender, th, sig);
        }
}

void send_signal_info(struct task_struct *sender, struct task_struct *t,
                      const struct ksiginfo *info, enum sig_target to)
{
    uint32_t sig = (uint32_t)info->signo;
    if (to == SIG_TO_PROCESS)
        t = signal_target(t, sig);
    if (!t || task_dead(t))
        return;                             /* a zombie takes no signal */
    if (!(t->sig.blocked & sigmask_of(sig)) && sig_handler_ignored(t, sig))
        return;                             /* sig_ignored: dropped, never pending */
    signal_queue(&t->sig, to, info);
    if (sig_fatal(t, sig) && !(t->sig.blocked & sigmask_of(sig)) && !list_empty(&t->group_leader->thread_group))
        signal_group_fatal(sender, t, info);
    signal_notify(sender, t, sig);          /* the sender's own: on its return */
}

/* A signal the guest sends (kill, tkill, tgkill; raise is tgkill). */
static long send_user(struct task_struct *t, struct task_struct *target, uint32_t sig,
                      enum sig_target to)
{
    if (sig == 0)
        return 0;                           /* only the existence check */
    if (sig > 64)
        return -EINVAL;
    /* si_code: SI_USER for all three on this machine's Linux (6.18), whose
     * tkill/tgkill no longer report SI_TKILL as older kernels did */
    struct ksiginfo info = { .signo = (int32_t)sig, .code = KSI_USER,
                             .pid = t->tgid, .uid = (uint32_t)getuid() };
    send_signal_info(t, target, &info, to);
    return 0;                               /* delivered on the return to user mode */
}

/* Every process (group leader) in process group pgrp, or with pgrp 0
 * every process but the sender's and init (kill(-1)): ESRCH if none. */
static long kill_many(struct task_struct *t, uint32_t pgrp, uint32_t sig)
{
    struct task_struct *p;
    long ret = -ESRCH;
    for_each_task(t->k, p) {
        if (p->group_leader != p || (pgrp ? p->signal->pgrp != pgrp :
                                     p->tgid <= 1 || p->tgid == t->tgid))
            continue;
        long r = send_user(t, p, sig, SIG_TO_PROCESS);
        if (ret)
            ret = r;                        /* success if any one succeeded */
    }
    return ret;
}

/* kill(pid, sig): pid > 0 its process, 0 the sender's process group,
 * -1 every process it may signal (ESRCH: none), < -1 the group -pid. */
SYSCALL_DEFINE2(kill, int32_t, pid, uint32_t, sig)
{
    if (pid > 0) {
        struct task_struct *p = find_task_by_pid(t->k, (uint32_t)pid);
        return p ? send_user(t, p, sig, SIG_TO_PROCESS) : -ESRCH;
    }
    if (pid == INT32_MIN)
        return -ESRCH;
    if (pid == -1)
        return kill_many(t, 0, sig);
    return kill_many(t, pid ? (uint32_t)-pid : t->signal->pgrp, sig);
}

/* do_tkill: the thread pid (of the process tgid, for tgkill). */
static long do_tkill(struct task_struct *t, int32_t tgid, int32_t pid, uint32_t sig)
{
    if (pid <= 0)
        return -EINVAL;
    struct task_struct *p = find_task_by_pid(t->k, (uint32_t)pid);
    if (!p || (tgid > 0 && p->tgid != (uint32_t)tgid))
        return -ESRCH;
    return send_user(t, p, sig, SIG_TO_TASK);
}

/* tgkill(tgid, tid, sig) (kernel/signal.c do_tkill): ids must be positive. */
SYSCALL_DEFINE3(tgkill, uint32_t, tgid, uint32_t, pid, uint32_t, sig)
{
    if ((int32_t)tgid <= 0 || (int32_t)pid <= 0)
        return -EINVAL;
    return do_tkill(t, (int32_t)tgid, (int32_t)pid, sig);
}

SYSCALL_DEFINE2(tkill, uint32_t, pid, uint32_t, sig)
{
    return do_tkill(t, 0, (int32_t)pid, sig);
}

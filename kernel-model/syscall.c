/*
 * syscall.c — syscall_dispatch(): one system call of a task, from the
 * table's handler to the return to user mode.  The number and arguments
 * are the task's pt_regs as the engine filled them at the entry; the
 * result goes to regs->ax, which the engine loads back into eax.
 *
 * An unknown number returns -ENOSYS, is counted for --summary, traced like
 * any other call, and the run goes on.  On the way back the task's due
 * timers fire and its pending unblocked signals act, as Linux's
 * exit_to_user_mode_loop does: a handler's frame changes pt_regs (the
 * engine loads them), an interrupted call returns -EINTR or restarts.
 */
#include <errno.h>
#include <string.h>
#include "kernel-model/mm_check.h"
#include "kernel-model/sys_internal.h"

/* Count a -ENOSYS answer: by number, named from the table where it has a
 * name (set_robust_list, rseq: known, deliberately not implemented). */
static void count_enosys(struct enosys_log *log, uint32_t nr, const char *name)
{
    log->calls++;
    for (unsigned i = 0; i < log->n; i++)
        if (log->e[i].nr == nr) {
            log->e[i].count++;
            return;
        }
    if (log->n == ENOSYS_LOG_MAX) {
        log->unlisted++;
        return;
    }
    log->e[log->n].nr = nr;
    log->e[log->n].name = name;
    log->e[log->n++].count = 1;
}

/*
 * The call without the return to user mode.  The result goes to regs->ax
 * as the handler gave it, the kernel-internal -ERESTART* codes included
 * (the exit event shows them, as Linux's sys_exit tracepoint does):
 * syscall_exit_to_user_mode turns them into -EINTR or a restart.
 */
long syscall_handle(struct task_struct *t)
{
    struct pt_regs *regs = task_pt_regs(t);
    uint32_t nr = syscall_get_nr(regs), a[6];
    syscall_get_arguments(regs, a);     /* for the trace and a replayed external call */
    const struct syscall_entry *e = syscall_entry(nr);
    const char *name = (e && e->name) ? e->name : "unknown";
    uint64_t outer;                     /* the cause to restore at the exit */
    uint64_t enter = event_syscall_enter(t->k->events, t->tgid, t->pid, nr, name, a, &outer);
    int external = e && (e->flags & SYS_EXTERNAL);
    t->k->uaccess_data = !external;     /* a model call's reads are replay inputs */
    long ret;
    if (external && t->k->external.call)  /* a replay: the host part is not run */
        ret = t->k->external.call(t->k->external.ctx, t, nr, a);
    else
        ret = (e && e->fn) ? e->fn(t, regs) : -ENOSYS;
    t->k->uaccess_data = 0;
    if (ret == -ENOSYS)
        count_enosys(&t->k->enosys, nr, e ? e->name : NULL);
    event_syscall_exit(t->k->events, t->tgid, t->pid, nr, name, a, (int32_t)ret, enter, outer);
#ifdef MEMSIM_DEBUG_CHECK
    kernel_check_after_syscall(t, name);  /* the debug build: every invariant, every call */
#endif
    regs->ax = (uint32_t)ret;
    return ret;
}

/*
 * exit_to_user_mode_loop: pending signals act (a handler's frame, which
 * also settles an interrupted call: -EINTR or a restart), timers due in
 * the call fire, and the signal a timer sent acts too; a call that asked
 * for a restart with no handler run is entered again.
 */
void syscall_exit_to_user_mode(struct task_struct *t)
{
    if (signal_deliverable(&t->sig))
        signal_deliver_pending(t);
    if (kclock_cycles(t->k) >= t->k->clock.timer_cycle)   /* a timer expired in the call */
        time_expire_timers(t);
    signal_deliver_pending(t);
}

long syscall_dispatch(struct task_struct *t)
{
    long ret = syscall_handle(t);
    syscall_exit_to_user_mode(t);
    return ret;
}

void signal_return_to_user(struct task_struct *t)
{
    task_pt_regs(t)->orig_ax = (uint32_t)-1;
    signal_deliver_pending(t);
}

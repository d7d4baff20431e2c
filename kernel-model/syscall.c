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

/* The handler (or, in a replay, the recorded host part) of call nr with
 * arguments a, regs the entry's registers. */
static long syscall_invoke(struct task_struct *t, const struct syscall_entry *e, uint32_t nr,
                           const uint32_t a[6], const struct pt_regs *regs)
{
    int external = e && (e->flags & SYS_EXTERNAL);
    t->k->uaccess_host = external;      /* the model's own reads are replay inputs */
    long ret;
    if (external && t->k->external.call)  /* a replay: the host part is not run */
        ret = t->k->external.call(t->k->external.ctx, t, nr, a);
    else
        ret = (e && e->fn) ? e->fn(t, regs) : -ENOSYS;
    t->k->uaccess_host = 0;
    return ret;
}

/* The call's end: its exit event (one per call, however often it
 * blocked), the result in regs->ax. */
static long syscall_complete(struct task_struct *t, const struct syscall_entry *e, uint32_t nr,
                             const uint32_t a[6], long ret)
{
    const char *name = (e && e->name) ? e->name : "unknown";
    struct restart_block *rb = &t->restart;
    rb->active = 0;
    t->nr_host_waits = 0;               /* what it waited for on the host, done */
    if (ret == -ENOSYS)
        count_enosys(&t->k->enosys, nr, e ? e->name : NULL);
    event_syscall_exit(t->k->events, t->tgid, t->pid, nr, name, a, (int32_t)ret, rb->enter, rb->outer);
#ifdef MEMSIM_DEBUG_CHECK
    kernel_check_after_syscall(t, name);  /* the debug build: every invariant, every call */
#endif
    task_pt_regs(t)->ax = (uint32_t)ret;
    return ret;
}

/* -ERESTART_BLOCK: t sleeps; its call is re-run when it is woken.  While
 * nothing else can run, the scheduler idles the clock here and the call is
 * re-run at once (the task's own wait decides, the engine never sees the
 * block); with another task runnable the call stays blocked: no exit
 * event, regs->ax untouched, and the engine switches away (need_resched). */
static long syscall_run(struct task_struct *t, const struct syscall_entry *e, uint32_t nr,
                        const uint32_t a[6], const struct pt_regs *regs)
{
    struct restart_block *rb = &t->restart;
    int rerun = rb->active;             /* a blocked call's re-run (syscall_resume) */
    long ret = syscall_invoke(t, e, nr, a, regs);
    while (ret == -ERESTART_BLOCK) {
        rb->active = 1;
        rerun = 1;
        rb->nr = nr;
        memcpy(rb->args, a, sizeof rb->args);
        struct kernel *k = t->k;
        while (t->state != TASK_RUNNING && list_empty(&k->runqueue) && !task_dead(t))
            if (!kernel_idle(k))
                break;                  /* a deadlock killed every task */
        if (task_dead(t))               /* never seen: it died (its exit event once) */
            return rb->active ? syscall_complete(t, e, nr, a, -EINTR) : -EINTR;
        if (t->state != TASK_RUNNING)
            return -ERESTART_BLOCK;     /* someone else runs first */
        if (list_first_entry(&k->runqueue, struct task_struct, run_list) != t) {
            set_tsk_need_resched(t);    /* woken, but behind others: its turn comes */
            return -ERESTART_BLOCK;
        }
        ret = syscall_invoke(t, e, nr, a, regs);
    }
    /* a re-run that killed its own task (a timer's signal, a deadlock)
     * ended in task_die's syscall_abandon: its exit event is out */
    if (rerun && !rb->active && task_dead(t))
        return ret;
    return syscall_complete(t, e, nr, a, ret);
}

/*
 * The call without the return to user mode.  The result goes to regs->ax
 * as the handler gave it, the kernel-internal -ERESTART* codes included
 * (the exit event shows them, as Linux's sys_exit tracepoint does):
 * syscall_exit_to_user_mode turns them into -EINTR or a restart.  A call
 * that blocks with another task to run returns -ERESTART_BLOCK with no
 * exit event and regs->ax untouched: syscall_resume finishes it.
 */
long syscall_handle(struct task_struct *t)
{
    struct pt_regs *regs = task_pt_regs(t);
    uint32_t nr = syscall_get_nr(regs), a[6];
    syscall_get_arguments(regs, a);     /* for the trace and a replayed external call */
    const struct syscall_entry *e = syscall_entry(nr);
    const char *name = (e && e->name) ? e->name : "unknown";
    struct restart_block *rb = &t->restart;
    rb->enter = event_syscall_enter(t->k->events, t->tgid, t->pid, nr, name, a, &rb->outer);
    return syscall_run(t, e, nr, a, regs);
}

void syscall_abandon(struct task_struct *t)
{
    struct restart_block *rb = &t->restart;
    if (rb->active)
        (void)syscall_complete(t, syscall_entry(rb->nr), rb->nr, rb->args, -EINTR);
}

long syscall_resume(struct task_struct *t)
{
    struct restart_block *rb = &t->restart;
    if (!rb->active)
        return (long)(int32_t)task_pt_regs(t)->ax;
    /* the arguments as entered (a sysenter's sixth is no longer in bp) */
    struct pt_regs regs = *task_pt_regs(t);
    uint32_t a[6];
    memcpy(a, rb->args, sizeof a);
    regs.orig_ax = rb->nr;
    regs.bx = a[0], regs.cx = a[1], regs.dx = a[2], regs.si = a[3], regs.di = a[4], regs.bp = a[5];
    long ret = syscall_run(t, syscall_entry(rb->nr), rb->nr, a, &regs);
    syscall_exit_to_user_mode(t);       /* nothing while it is still blocked */
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
    if (t->restart.active)
        return;                         /* blocked: nothing returns to user mode yet */
    if (signal_deliverable(&t->sig))
        signal_deliver_pending(t);
    if (kclock_cycles(t->k) >= t->k->clock.timer_cycle)   /* a timer expired in the call */
        kernel_timer_tick(t->k);
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

/*
 * cpu_run.c — the run loop: the scheduler picks a task, the machine
 * switches to it, and the engine runs it until a system call, a signal,
 * its death or the end of its quantum stops it (the hooks that stop it:
 * cpu.c).
 */
#include <signal.h>
#include "emu/machine.h"

#define UNTIL_NEVER UINT64_MAX     /* an EIP the guest cannot reach */

/* A run is recorded to be read: once its trace cannot be written (a full
 * disk) the guest is stopped at the next system call rather than run to
 * its end for nothing; memsim then exits 70 with the trace's reason. */
static void trace_failure_stop(struct machine *m)
{
    if (trace_failed(m->trace) && !machine_stopped(m)) {
        m->task->exit_reason = "trace-failed";
        task_exit_signal(m->task, SIGKILL, "memsim: the trace failed: stopped the guest after %llu instructions",
                         (unsigned long long)m->tm.icount);
    }
}

/*
 * The engine stopped with neither a system call nor a pending signal.
 * UC_ERR_OK: entering with until=entry left a cached block at the entry
 * that only stops, which happens when the entry page has no region (a
 * PROT_NONE segment): the model judges that first fetch.  #UD Unicorn
 * raised; anything else (a fault hook_bad refused and the model already
 * answered) is memsim's SIGSEGV.
 */
static void engine_error(struct machine *m, uc_err e, uint32_t eip)
{
    if (e == UC_ERR_OK) {
        m->eip = eip;
        uint64_t pa;
        if (cpu_translate_recorded(m, eip, MMU_FETCH, &pa) == 0 && !machine_stopped(m))
            task_exit_signal(m->task, SIGSEGV, "memsim: internal error: the engine stopped at eip 0x%08x", eip);
    } else if (e == UC_ERR_INSN_INVALID)      /* Unicorn raised #UD */
        machine_exception(m, X86_TRAP_UD, NULL);
    else
        task_exit_signal(m->task, SIGSEGV, "memsim: SIGSEGV: %s at eip 0x%08x", uc_strerror(e), m->eip);
}

/*
 * One stretch of the current task in the engine, until a system call, a
 * signal, its death or the end of its quantum stops it.
 */
static void run_user(struct machine *m)
{
    uint32_t eip;
    uc_reg_read(m->ctx->uc, UC_X86_REG_EIP, &eip);
    m->in_engine = 1;
    uc_err e = uc_emu_start(m->ctx->uc, eip, UNTIL_NEVER, 0, 0);
    m->in_engine = 0;
    if (machine_interrupted(m))             /* memsim's own SIGINT etc. stopped it */
        return;
    if (m->pending_syscall) {
        int how = m->pending_syscall;
        m->pending_syscall = 0;
        machine_syscall(m, how == SYSCALL_SYSENTER);
        m->tm.fetch_line = UINT32_MAX;         /* the kernel may have remapped anything */
        trace_failure_stop(m);
        return;
    }
    if (machine_stopped(m))
        return;
    if (m->preempted && !m->signal_stop) {
        m->preempted = 0;
        m->slice_end = UINT64_MAX;         /* its next turn starts a new one */
        return;
    }
    m->preempted = 0;
    /* a fault or exception with a handler stopped the engine precisely
     * (hook_bad refused, the code hook stopped) or a timer's signal is
     * due: without one, the stop is judged first (it may raise one) */
    if (!m->signal_stop)
        engine_error(m, e, eip);
    if (m->signal_stop && !machine_stopped(m)) {
        machine_signal_entry(m);
        m->tm.fetch_line = UINT32_MAX;
    }
}

/* Another task is runnable: the current one's quantum starts (once per
 * turn; alone, a task is never preempted, so its run is what it was
 * before there were tasks). */
void cpu_start_slice(struct machine *m)
{
    struct list_head *rq = &m->k.runqueue;
    if (m->slice_end == UINT64_MAX && rq->next != rq->prev)
        m->slice_end = m->tm.icount + m->opt.quantum;
    machine_update_stop(m);
}

/*
 * The run loop: the scheduler picks, the machine switches, the task runs.
 * A task blocked in a call finishes it first (its wake-up re-runs it); a
 * task that gets the CPU with a signal pending (sent while it was not
 * running) takes it before its next instruction, as on a return from an
 * interrupt.  The run is over when every task is dead.
 */
int cpu_run(struct machine *m)
{
    if (cpu_add_hooks(m, m->ctx))
        return -1;
    m->ctx->entered = 1;
    m->slice_end = UINT64_MAX;
    struct task_struct *t;
    while (!machine_interrupted(m) && (t = kernel_pick_next(&m->k))) {
        if (t != m->task) {
            context_switch(&m->k, t);
            m->slice_end = UINT64_MAX;
        }
        machine_reap_contexts(m, 0);
        if (machine_stopped(m))
            continue;
        if (task_in_syscall(t)) {
            machine_syscall_resume(m);
            trace_failure_stop(m);
            continue;
        }
        if (signal_deliverable(&t->sig) && !m->signal_stop) {
            m->signal_stop = 1;
            machine_signal_entry(m);
            continue;
        }
        cpu_start_slice(m);
        run_user(m);
    }
    return 0;
}

/*
 * procfs_stat.c — /proc/PID/stat (fs/proc/array.c do_task_stat) and
 * /proc/PID/comm (fs/proc/base.c comm_show), for any task the reader can
 * name: itself, a child, a zombie.
 *
 * stat is Linux's one line of 52 fields, as i386 prints them (unsigned
 * long is 32 bits).  What the model keeps is shown as Linux computes it:
 * the state, the family and the process group and session, nice and its
 * priority, the thread count, the start time (clock ticks since boot), the
 * size and resident set, the mm's bounds, the signal words (the first 31
 * signals, as Linux masks them), wchan (1 while the task sleeps), the
 * exit signal and the exit code.  What it does not keep is 0: the fault
 * counts and CPU times per task (the model counts them per machine), the
 * controlling terminal (none: tty_nr 0, tpgid -1), kernel stack values.
 * A zombie has no mm: its memory fields are 0, as Linux's.
 */
#include <stdio.h>
#include "kernel-model/procfs_priv.h"
#include "kernel-model/sys_internal.h"

#define USER_HZ 100u                    /* clock_t: the ticks stat counts in */
#define PF_EXITING     0x00000004u
#define PF_FORKNOEXEC  0x00000040u

/* The first word of a signal set as stat prints it (& 0x7fffffffUL). */
static unsigned long sigword(uint64_t set)
{
    return (unsigned long)(set & 0x7fffffffu);
}

/* collect_sigign_sigcatch over the task's actions. */
static void sig_ign_catch(const struct task_struct *t, uint64_t *ign, uint64_t *catch)
{
    *ign = *catch = 0;
    for (int sig = 1; sig <= 64; sig++) {
        uint32_t h = t->sighand->action[sig].handler;
        if (h == 1)
            *ign |= 1ull << (sig - 1);
        else if (h > 1)
            *catch |= 1ull << (sig - 1);
    }
}

/* task->flags as far as the model has them. */
static unsigned task_flags(const struct task_struct *t)
{
    unsigned f = 0;
    if (t->forked && !t->did_exec)
        f |= PF_FORKNOEXEC;
    if (task_dead(t))
        f |= PF_EXITING;
    return f;
}

/* Fields 23-30: vsize, rss, rsslim, startcode, endcode, startstack,
 * kstkesp, kstkeip. */
static void stat_mm(struct seq_file *m, const struct task_struct *t)
{
    struct mm_struct *mm = t->mm;
    unsigned long vsize = 0, rss = 0, rsslim = 0xffffffffu;
    if (mm) {
        struct mm_counts c;
        proc_mm_counts(mm, &c);
        vsize = (unsigned long)(c.total_vm << PAGE_SHIFT);
        rss = (unsigned long)(c.anon + c.file);
        uint64_t lim = mm->rlim[RLIMIT_RSS_].rlim_cur;
        rsslim = lim > 0xffffffffu ? 0xffffffffu : (unsigned long)lim;
    }
    seq_printf(m, " %lu %lu %lu %u %u %u 0 0", vsize, rss, rsslim,
               mm ? mm->start_code : 0, mm ? mm->end_code : 0, mm ? mm->start_stack : 0);
}

/* Cycles in USER_HZ clock ticks. */
static unsigned long long ticks(uint64_t hz, uint64_t cycles)
{
    return (unsigned long long)((unsigned __int128)cycles * USER_HZ / hz);
}

/* The system part of a use (system calls and faults), at most all of it. */
static uint64_t sys_part(const struct cpu_use *u)
{
    return u->sys < u->exec ? u->sys : u->exec;
}

int proc_pid_stat_show(struct seq_file *m, struct task_struct *t)
{
    uint64_t ign, catch, hz = t->k->clock.hz ? t->k->clock.hz : 1;
    sig_ign_catch(t, &ign, &catch);
    int threads = t->signal->nr_threads > 0 ? t->signal->nr_threads : 1;
    unsigned long long start = (unsigned long long)((unsigned __int128)t->start_cycles * USER_HZ / hz);
    seq_printf(m, "%u (%s) %c %u %u %u 0 -1 %u", t->pid, t->comm, proc_task_state(t)[0],
               t->ppid, t->signal->pgrp, t->signal->session, task_flags(t));
    /* minflt cminflt majflt cmajflt utime stime cutime cstime: the
     * process's (a thread's own in /proc/PID/task/TID: the model has none) */
    struct cpu_use self = thread_group_cpu_use(t), kids = children_cpu_use(t);
    seq_printf(m, " %llu %llu 0 0 %llu %llu %llu %llu", (unsigned long long)self.min_flt,
               (unsigned long long)kids.min_flt, ticks(hz, self.exec - sys_part(&self)),
               ticks(hz, sys_part(&self)), ticks(hz, kids.exec - sys_part(&kids)),
               ticks(hz, sys_part(&kids)));
    seq_printf(m, " %d %d %d 0 %llu", 20 + t->nice, t->nice, threads, start);
    stat_mm(m, t);
    seq_printf(m, " %lu %lu %lu %lu %d 0 0 %d 0 0 0 0 0 0",
               sigword(t->sig.pending.signal), sigword(t->sig.blocked), sigword(ign),
               sigword(catch), t->state != TASK_RUNNING && !task_dead(t), t->exit_signal);
    struct mm_struct *mm = t->mm;
    if (mm)
        seq_printf(m, " %u %u %u %u %u %u %u", mm->start_data, mm->end_data, mm->start_brk,
                   mm->arg_start, mm->arg_end, mm->env_start, mm->env_end);
    else
        seq_printf(m, " 0 0 0 0 0 0 0");
    seq_printf(m, " %d\n", task_dead(t) ? t->exit_code : 0);
    return 0;
}

int proc_pid_comm_show(struct seq_file *m, struct task_struct *t)
{
    seq_printf(m, "%s\n", t->comm);
    return 0;
}

/*
 * syscalls.h — the system-call table and the one entry to it.
 *
 * The engine (emu/) copies the user registers into the task's pt_regs
 * (ptrace.h: the number in orig_ax, the arguments in bx..bp) and calls
 * syscall_dispatch() with the task that made the call; it loads the
 * registers back from pt_regs (the result in ax) and stops running the task
 * once task_dead(t).  Everything
 * else — the handler, ENOSYS counting, the syscall event, timers and signal
 * delivery on the way back to user mode — happens here.
 *
 * The table (syscall_table.c) is the only list of calls: number ->
 * {name, handler, nargs, argument kinds}.  Dispatch, the trace's syscall
 * rows, --summary's ENOSYS names and (later) strace-style printing and
 * replay all read it.
 */
#ifndef MEMSIM_SYSCALLS_H
#define MEMSIM_SYSCALLS_H

#include <stdint.h>

struct task_struct;

#define NR_SYSCALLS 451

/* Results a handler may return that never reach user mode (Linux's
 * include/linux/errno.h): the return to user mode (syscall_exit_to_user_mode)
 * turns them into what the task sees — -EINTR when a handler runs, a
 * restart (eip back over the int 0x80 / sysenter) for -ERESTARTNOINTR, for
 * -ERESTARTSYS with SA_RESTART, and for all three when no handler runs.
 * Linux's ERESTART_RESTARTBLOCK (516, restart_syscall) is not modelled: a
 * sleep interrupted by a handler returns -EINTR, and a signal without a
 * handler never interrupts one (one task: nothing stops and continues it);
 * memsim's own ERESTART_BLOCK takes the number for the scheduler's
 * blocking: the task stays TASK_INTERRUPTIBLE on a wait queue, its result
 * set when it is woken. */
#define ERESTARTSYS     512
#define ERESTARTNOINTR  513
#define ERESTARTNOHAND  514
#define ERESTART_BLOCK  516     /* memsim's: blocked, no result yet */

/* How an argument is read, for printing and replay. */
enum syscall_arg {
    SA_INT,         /* signed int */
    SA_UINT,        /* unsigned */
    SA_FD,          /* a descriptor (or AT_FDCWD) */
    SA_PTR_IN,      /* user memory the call reads */
    SA_PTR_OUT,     /* user memory the call writes */
    SA_PTR_INOUT,   /* both */
    SA_STR,         /* a NUL-terminated user string */
    SA_SIZE,        /* a length */
    SA_FLAGS,       /* a bit set */
    SA_ADDR,        /* a user address not dereferenced (mmap's addr, brk) */
};

struct pt_regs;
/* A handler's entry (sys_internal.h: SYSCALL_DEFINEn makes it): the
 * arguments unpacked from the call's registers. */
typedef long (*syscall_fn)(struct task_struct *t, const struct pt_regs *regs);

/* SYS_EXTERNAL: the result depends on something outside the kernel model
 * — the host (files, descriptors, stdio, host ids, a real poll) or the
 * engine's timing model (the clocks and sleeps read and advance the cycle
 * counter).  A replay does not run such a call: it repeats the call's
 * recorded user-memory accesses and returns the recorded result
 * (kernel.external). */
#define SYS_EXTERNAL 0x1u

struct syscall_entry {
    const char *name;           /* NULL: no such call */
    syscall_fn fn;              /* NULL: -ENOSYS */
    uint8_t nargs;              /* 0..6 */
    uint8_t arg[6];             /* enum syscall_arg of each */
    uint8_t flags;              /* SYS_* */
};

/* The entry of nr, or NULL past the table. */
const struct syscall_entry *syscall_entry(uint32_t nr);

/* Run the call task_pt_regs(t) enters (orig_ax, bx..bp) and return to user
 * mode: syscall_handle then syscall_exit_to_user_mode.  Returns the
 * handler's result; regs->ax (EAX, -4095..-1: -errno) is what user mode
 * resumes with — after a signal frame, the handler's argument. */
long syscall_dispatch(struct task_struct *t);
/* The call alone: the handler's result in regs->ax, returned.  A call
 * that must wait while another task can run answers -ERESTART_BLOCK: no
 * exit event yet, regs->ax untouched, the task blocked (or runnable behind
 * others: need_resched); the engine switches away.  With nothing else to
 * run the wait is decided inside (the clock idles): never -ERESTART_BLOCK. */
long syscall_handle(struct task_struct *t);
/* Re-run t's blocked call (task_in_syscall(t)) from its saved number and
 * arguments, with no new enter event, in t's own context (k->current == t,
 * its CR3): it finishes as syscall_dispatch does — the exit event, regs->ax,
 * the return to user mode (signals) — or blocks again (-ERESTART_BLOCK).
 * The engine loads the CPU from t's pt_regs after it. */
long syscall_resume(struct task_struct *t);
/* Does call nr's -EPIPE come with a SIGPIPE to the caller (write and
 * writev: pipe_write's send_sig)?  A replay, which does not run those
 * calls, sends it as they did. */
int  syscall_epipe_signals(uint32_t nr);
/* The return to user mode: signals (frames, restarts), timers due.  The
 * engine's sysenter entry calls it after its ebp fix-up, so a restart
 * re-executes the sysenter with the registers the guest gave it. */
void syscall_exit_to_user_mode(struct task_struct *t);
/* t dies while blocked in a call (another thread's exit_group, a fatal
 * signal): the call ends there, with its one exit event (-EINTR, never
 * seen by the task), so a trace has a row for every call entered. */
void syscall_abandon(struct task_struct *t);
/* The return to user mode from an interrupt or fault (orig_ax -1: no
 * call to restart): pending signals act. */
void signal_return_to_user(struct task_struct *t);

/* The -ENOSYS answers (syscall_dispatch counts them in the kernel) so
 * `--summary` can say why a program failed: the first ENOSYS_LOG_MAX
 * distinct numbers in order of first use, each with its count; calls
 * counts every one, unlisted those of later numbers. */
#define ENOSYS_LOG_MAX 16
struct enosys_log {
    struct {
        uint32_t nr;
        const char *name;       /* the syscall table's name, or NULL */
        uint64_t count;
    } e[ENOSYS_LOG_MAX];
    unsigned n;                 /* entries used */
    uint64_t calls;             /* -ENOSYS returns in all */
    uint64_t unlisted;          /* of them, calls of numbers past the table */
};

#endif

/*
 * sched.h — a guest task (Linux's struct task_struct) and its life.
 *
 * A task is everything the kernel model keeps about one guest thread of
 * execution: its identity, how it ended, its address space, descriptors,
 * file-system and signal state and the per-task registrations.  System
 * calls reach every piece of state through the task (t->mm, t->files,
 * t->k), never through a global, so several tasks can exist at once.
 * The user registers at a system call are the task's pt_regs (ptrace.h),
 * which the engine fills on entry and loads back on exit; what only the
 * engine knows (the full register file, the CPU's descriptor tables) is
 * behind t->arch and the kernel's arch ops (arch_ops.h: struct kernel_arch_ops).
 *
 * Per-process state is split out as Linux splits it: signal_struct (the
 * itimers, process group and session, group exit) and sighand_struct (the
 * signal actions), refcounted so CLONE_THREAD / CLONE_SIGHAND share them.
 * Some state Linux keeps per process (mm->context: the LDT; fs_struct: root,
 * cwd, umask) is still in the task; each such field says so.
 *
 * The kernel's tasks are on k->tasks in pid order (for_each_task), the
 * runnable ones on k->runqueue in round-robin order; k->current is the one
 * the CPU runs.  The scheduler (sched.c) is below: pids, wake-ups, picking
 * the next task, idling the clock, the deadlock report, context_switch.
 */
#ifndef MEMSIM_SCHED_H
#define MEMSIM_SCHED_H

#include <stdint.h>
#include "kernel-model/mm.h"
#include "kernel-model/ptrace.h"
#include "kernel-model/sigstate.h"
#include "kernel-model/vfs.h"
#include "kernel-model/wait.h"

#define GUEST_PID 1000u             /* the first task's pid */
#define PID_MAX_DEFAULT 32768u      /* pids wrap here ... */
#define RESERVED_PIDS 300u          /* ... back to this (alloc_pid's pid_min after a wrap) */
#define VIRTUAL_INIT_PID 1u         /* the parent of orphans once the first process is gone */
#define TASK_COMM_LEN 16
#define MAX_FDS   NR_OPEN_MAX       /* the table; RLIMIT_NOFILE bounds its use */
#define GDT_ENTRY_TLS_MIN 6u        /* set_thread_area's GDT entries 6-8 */
#define GDT_ENTRY_TLS_ENTRIES 3u
#define LDT_ENTRIES 8192u           /* modify_ldt's table: all of them, 64 KiB,
                                       in the vmalloc area (sys_segment.c) */
#define LDT_SIZE    (LDT_ENTRIES * 8u)

/* A task's state (Linux's __state and exit_state folded into one).  Only
 * TASK_RUNNING tasks are on the run queue; a zombie has died and waits for
 * its parent's wait4; TASK_DEAD is released or about to be. */
enum task_state {
    TASK_RUNNING,
    TASK_INTERRUPTIBLE,             /* blocked in a system call, a signal may wake it */
    TASK_UNINTERRUPTIBLE,           /* blocked, no signal wakes it (vfork's parent) */
    TASK_STOPPED,                   /* SIGSTOP'ed (job control; not entered yet) */
    EXIT_ZOMBIE,                    /* dead, its parent not yet told (wait4) */
    TASK_DEAD,                      /* dead and reaped (or nobody will reap it) */
};
struct sigaction_rec {
    uint32_t handler, flags, restorer;
    uint64_t mask;
};

/* An interval timer (setitimer): in cycles of its clock, 0: disarmed. */
struct itimer {
    uint64_t expires, interval;
};

/* Linux's sighand_struct: the signal actions, shared by CLONE_SIGHAND
 * (every thread of a process; vfork-less fork copies them). */
struct sighand_struct {
    int refs;
    struct sigaction_rec action[65];
};

/* CPU use in model cycles (cputime.c): all the CPU's, the system's part
 * of it (system calls and faults), the faults (all minor: no fault waits
 * for a disk), and the peak RSS in pages. */
struct cpu_use {
    uint64_t exec, sys, min_flt, maxrss_pages;
};

/* What a task has been charged, and the machine's counters when it last
 * became current (cputime.c). */
struct task_cputime {
    uint64_t exec, sys, min_flt;
    uint64_t mark_cpu, mark_sys, mark_flt;
};

#define HOST_WAITS_MAX 16u              /* host fds one blocked call may wait on */

/* Linux's fs_struct: the working directory and the file-creation mask,
 * shared by CLONE_FS (a thread's chdir or umask is its process's), copied
 * by a fork (fs_path.c). */
struct fs_struct {
    int users;
    struct file *cwd;               /* chdir's directory; NULL: the starting one,
                                       the root or memsim's own */
    uint32_t umask;                 /* memsim's own at start */
};

/* Linux's signal_struct: what a process (a thread group) owns once for
 * all its threads.  Refcounted: CLONE_THREAD shares it.  rlimits stay in
 * the mm (mm->rlim: a fork copies them with the mm, threads share both). */
struct signal_struct {
    int refs;                       /* tasks pointing here */
    int nr_threads;                 /* of them, not yet dead */
    struct itimer itimer[3];        /* ITIMER_REAL, _VIRTUAL, _PROF */
    uint32_t pgrp, session;         /* process group and session ids */
    int leader;                     /* a session leader (setsid) */
    int group_exit;                 /* SIGNAL_GROUP_EXIT: every thread is going */
    int group_exit_code;            /* the status word they all die with */
    struct wait_queue_head wait_chldexit;   /* wait4/waitid callers of this process */
    struct cpu_use dead;            /* its released threads' (signal->utime ...) */
    struct cpu_use children;        /* its reaped children's and theirs (cutime ...) */
};

/*
 * How a blocked system call resumes (the blocking protocol of wait.h).
 * The syscall layer sets `active` when the handler returned -ERESTART_BLOCK
 * and clears it when the call completes; the handler sees `active` set on
 * every re-run.  task_block keeps the deadline here across re-runs (and
 * sets timed_out when it passed); progress is the handler's own record of
 * what it did before blocking (bytes already written, the vfork child).
 */
struct restart_block {
    uint32_t nr;                    /* the blocked call (orig_ax) */
    uint32_t args[6];               /* its arguments as entered (sysenter's sixth included) */
    uint8_t active;                 /* a call is blocked or being re-run */
    uint8_t timed_out;              /* the deadline ended the wait */
    uint8_t has_deadline;
    uint64_t deadline;              /* model cycles, when has_deadline */
    uint64_t progress;              /* the handler's */
    const char *what;               /* the wait, for the deadlock report ("futex wait") */
    uint64_t enter, outer;          /* the call's enter event and the cause its exit restores */
};

/* The kernel objects Linux's copy_process allocates for a new process,
 * each a slab object (slab.h) shadowing part of this struct, allocated by
 * wake_up_new_task (the task exists before the kernel boots) and freed by
 * task_free: what Linux
 * keeps per process (cred, files, fs, sighand, signal) is the task's
 * until there are threads, so they live and die with it. */
enum task_kobj { KOBJ_TASK, KOBJ_CRED, KOBJ_FILES, KOBJ_FS, KOBJ_SIGHAND, KOBJ_SIGNAL,
                 NR_TASK_KOBJ };

struct task_struct {
    struct kernel *k;
    uint32_t kobj[NR_TASK_KOBJ];    /* their kernel addresses (0: none) */
    /* Linux's naming: pid is this thread's id, tgid the process's (the
     * thread group's: the pid of its first thread), ppid its parent's.
     * Events carry pid = tgid and tid = pid (task_event_ids). */
    uint32_t pid, tgid, ppid;
    enum task_state state;

    /* links (Linux's names; sched.c keeps them) */
    struct list_head tasks;         /* on k->tasks, in pid order */
    struct list_head run_list;      /* on k->runqueue while TASK_RUNNING */
    struct task_struct *real_parent; /* who forked it (NULL: virtual init, pid 1) */
    struct task_struct *parent;     /* whom SIGCHLD and wait4 concern: real_parent here */
    struct list_head children;      /* its children (their sibling nodes), fork order */
    struct list_head sibling;       /* in the parent's children */
    struct task_struct *group_leader; /* the thread group's first thread (itself if none) */
    struct list_head thread_group;  /* the other threads of the group */
    int exit_signal;                /* sent to the parent at death: SIGCHLD for fork,
                                       -1 for a thread (CLONE_THREAD: none) */
    int exit_code;                  /* the wait status word: code << 8, or the signal
                                       (| 0x80: core dumped) */
    int forked;                     /* made by copy_process: release_task frees it; the
                                       first task is its creator's (task_free) */
    int released;                   /* reaped while current: context_switch frees it */
    int did_exec;                   /* exec'd since the fork (setpgid's EACCES;
                                       Linux: !PF_FORKNOEXEC) */
    int need_resched;               /* stop running it at the next chance (yield, quantum) */
    uint64_t event_cause;           /* the event stream's cause while it is off the CPU
                                       (a call it blocked in): each task has its own */
    int quantum_expired;            /* need_resched came from the quantum: a switch
                                       away is "preempted" (EV_SCHED_SWITCH), not "yielded" */
    struct restart_block restart;   /* a blocked call's state (wait.h) */
    /* host descriptors its blocked call waits on (a terminal, a host pipe
     * or socket), polled by the scheduler (kernel_poll_host); cleared when
     * it is woken */
    struct host_wait { int fd; short events; } host_waits[HOST_WAITS_MAX];
    unsigned nr_host_waits;
    struct task_cputime cputime;    /* CPU time and faults charged to it (cputime.c) */
    struct wait_queue_entry *waits; /* task_block's entries, one per queue (grown as needed) */
    unsigned nr_waits, waits_cap;   /* queued now / allocated */
    struct futex_q futex_q;         /* its futex wait (sys_futex.c): queued while blocked */
    struct task_struct *vfork_parent; /* vfork: the parent sleeping until we exec or exit */

    /* how the task ended (state TASK_DEAD) */
    int exit_status;                /* shell status: code, or 128 + signal */
    const char *exit_reason;        /* "exit", "SIGSEGV", "OOM", ...; may be set
                                       before the kill to name a special cause */
    char report[256];               /* the one line for stderr, "" for a clean exit */

    struct mm_struct *mm;           /* NULL until exec */
    struct files_struct *files;     /* the descriptor table (vfs.h), refcounted */

    /* file-system state */
    int root_fd;                    /* host directory fd of --root, or -1 for "/" */
    struct fs_struct *fs;           /* cwd and umask: shared by CLONE_FS; NULL once
                                       exit_fs ran */
    char *exe_guest_path;           /* what /proc/self/exe reads as (Linux: mm->exe_file) */
    char *exec_args;                /* the argv of its last exec joined by spaces (a fork
                                       child's: its parent's), for processes.argv; or NULL */

    /* signals: the sets are per thread, actions and timers per process */
    struct task_signals sig;        /* blocked and pending sets, sigaltstack */
    struct sighand_struct *sighand; /* the actions (shared by CLONE_SIGHAND) */
    struct signal_struct *signal;   /* the process's (shared by CLONE_THREAD) */

    /* descriptors: the TLS entries are per task (thread.tls_array), loaded
     * into the CPU's GDT by the arch ops; the LDT is per mm in Linux */
    uint8_t tls_array[GDT_ENTRY_TLS_ENTRIES][8];
    uint32_t ldt;                   /* the LDT's kernel address (vmalloc), 0: none */
    uint32_t ldt_obj;               /* its struct ldt_struct (kmalloc) */

    /* per-task registrations */
    uint32_t clear_child_tid;
    uint32_t set_child_tid;         /* CLONE_CHILD_SETTID: written at its first switch-in */
    uint32_t robust_list;           /* set_robust_list's head (sys_task.c) */
    uint32_t rseq_addr, rseq_len, rseq_sig;   /* the registered rseq area, 0: none */
    char comm[TASK_COMM_LEN];       /* the program's base name, or PR_SET_NAME's */
    uint32_t pdeath_signal, dumpable, timer_slack_ns, no_new_privs;   /* prctl */
    int nice;                       /* setpriority's value, -20..19 */
    uint64_t start_cycles;          /* the model clock at wake_up_new_task (/proc/PID/stat) */

    uint32_t pipe_written;          /* a blocked pipe write's bytes already moved, kept
                                       across the re-runs of the call (pipe.c; the
                                       plan's restart.progress), 0 otherwise */

    struct pt_regs regs;            /* the user registers at the last system call
                                       (Linux: at the top of the kernel stack) */
    void *arch;                     /* the engine's per-task context (emu/) */
};

static inline struct pt_regs *task_pt_regs(struct task_struct *t) { return &t->regs; }

/* A task of kernel k with pid, its descriptor table empty, no mm: NULL when
 * out of host memory.  comm is the last part of path (exec's __set_task_comm). */
struct task_struct *task_alloc(struct kernel *k, uint32_t pid, const char *path);
/* Releases the mm, the descriptors, the LDT and the task itself. */
void task_free(struct task_struct *t);
void task_set_comm(struct task_struct *t, const char *path);
/* t->exec_args = argv[0..argc) joined by spaces (argc < 0: up to the
 * NULL); 0, or -ENOMEM (t keeps its old text). */
int  task_set_exec_args(struct task_struct *t, char *const *argv, int argc);
/* The links of a task on no list: empty lists, its own group leader. */
void task_init_links(struct task_struct *t);
/* Process-wide state, refcounted (copy_process shares or copies them). */
struct signal_struct *signal_struct_alloc(uint32_t pgrp, uint32_t session);
void put_signal_struct(struct signal_struct *sig);
struct sighand_struct *sighand_alloc(const struct sighand_struct *from);  /* from's actions or none */
void put_sighand(struct sighand_struct *sh);

/* Dead: a zombie or released.  It runs no more. */
static inline int task_dead(const struct task_struct *t) { return t->state >= EXIT_ZOMBIE; }

/* An event's pid (the process: tgid) and tid (the thread: pid) for t. */
static inline void task_event_ids(const struct task_struct *t, struct event *ev)
{
    ev->pid = t->tgid;
    ev->tid = t->pid;
}

/* The task starts to run (Linux's wake_up_new_task): EV_PROCESS_START, the
 * first event of its life, then its slab objects (enum task_kobj); emu and
 * replay both call it before its exec.
 * Its last, EV_PROCESS_EXIT, is emitted where it dies (task_exit*). */
void wake_up_new_task(struct task_struct *t);

/* The task's thread group ends (exit_group): status code, reason "exit", no report.
 * Every way of dying emits EV_PROCESS_EXIT with the shell's status, inside
 * the system call or fault that ended the task (before its exit event). */
void task_exit(struct task_struct *t, int code);
/* Only this thread ends (exit(2)); the last thread's exit ends the process. */
void task_exit_thread(struct task_struct *t, int code);
/* The task is killed by sig with a report line; the first cause of death
 * is the one reported.  Both stop the engine (arch ops) when it runs. */
void task_exit_signal(struct task_struct *t, int sig, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The signal (or OOM kill) a fault do_page_fault could not resolve sends,
 * with its one-line report; nothing for FAULT_OK or a dead task. */
void task_fault_signal(struct task_struct *t, enum fault_result r, uint32_t va,
                       enum mmu_access acc, uint32_t eip);
/* A wait nobody can end: the task is killed, SIGKILL, reason "deadlock". */
void task_deadlock(struct task_struct *t, const char *what);
/* force_sig_info: info's signal, unblocked and SIG_DFL if blocked or
 * ignored; with no handler and why given it kills at once with the report
 * "memsim: SIG: why", else it is pending (signal_wake_up: the engine
 * enters the kernel at the next instruction boundary to deliver it). */
void signal_force(struct task_struct *t, const struct ksiginfo *info, const char *why);
/*
 * ---- fork and exit (fork.c, exit.c) ----
 *
 * copy_process makes a child of parent as clone(2) asks (flags: CLONE_*,
 * the low byte the exit signal), its pt_regs the parent's with ax 0 and sp
 * newsp when nonzero, then k->arch.fork_arch and wake_up_new_task: the
 * child is on k->tasks and at the tail of the run queue, TASK_RUNNING.
 * The child pointer, or NULL with *err a negative errno (EAGAIN: no pid,
 * --max-tasks or RLIMIT_NPROC; EINVAL: a flag combination Linux refuses or
 * one not modelled (namespaces, CLONE_PIDFD); ENOMEM).
 */
struct task_struct *copy_process(struct task_struct *parent, uint32_t clone_flags, uint32_t newsp,
                                 uint32_t parent_tidptr, uint32_t child_tidptr, uint32_t tls,
                                 long *err);
/* The vfork child t no longer borrows its parent's mm (it exec'd or is
 * dying): its parent, sleeping TASK_UNINTERRUPTIBLE in vfork, wakes (its
 * call then returns the child's pid).  Exec calls it; exit does. */
void vfork_release(struct task_struct *t);
/*
 * Death (exit.c), run by task_exit* after EV_PROCESS_EXIT: t leaves the run
 * queue and its waits, lets a vfork parent go, clears clear_child_tid
 * (futex wake 1), walks its robust list, drops its files and mm (the first
 * task keeps both until task_free when it dies alone: a single task's run
 * is what it always was), reparents its children (to a live thread of its
 * group, else k->child_reaper, else virtual init, which reaps at once),
 * and tells its parent: exit_signal (SIGCHLD, CLD_*) and a wake-up of
 * parent->signal->wait_chldexit.  Then t is EXIT_ZOMBIE, or released at
 * once (TASK_DEAD) when nobody will wait for it: a thread, a parent
 * ignoring SIGCHLD (SIG_IGN or SA_NOCLDWAIT), virtual init.
 */
void exit_task(struct task_struct *t);
/* One thread of a group exit dies with the group's status word; its report
 * line is the cause's (report: the thread that ended the group, "" for
 * exit_group), so a process killed by one thread's fault says why. */
void task_exit_group_member(struct task_struct *t, int wait_code, const char *report);
/* The status word wait4 reports for the dead p (code << 8, or the signal,
 * | 0x80 for a core): the group's when it exited as a group. */
int  task_wait_status(const struct task_struct *p);
/* Kill every other thread of t's group at once (exit_group, a fatal
 * signal; Linux sends them SIGKILL and each dies in its own context). */
void zap_other_threads(struct task_struct *t);
/* Reap t (wait4, or nobody waits): off its parent and thread group; a
 * forked task is freed (task_free) — after the switch away from it when it
 * is current (t->released; context_switch frees it) — the first task only
 * becomes TASK_DEAD (its creator frees it).  task_free gives a forked
 * task's engine context (t->arch) back first (k->arch.free_task). */
void release_task(struct task_struct *t);
/* Free every task still on k->tasks but keep (the end of a run: zombies
 * nobody reaped, a released current). */
void kernel_release_tasks(struct kernel *k, struct task_struct *keep);
/* Send sig (info) to t's thread group or to t alone, as kill/tgkill do:
 * dropped if the target ignores it, else pending and the target woken
 * (signal_wake_up) unless it is the sender (delivered on its return). */
void send_signal_info(struct task_struct *sender, struct task_struct *t,
                      const struct ksiginfo *info, enum sig_target to);
/* A signal from the kernel (SIGPIPE): pending unless ignored and not blocked. */
void signal_send_kernel(struct task_struct *t, uint32_t sig);

/* "SIGSEGV"; "signal" for a real-time one. */
const char *signal_name(int sig);

/* What the engine calls besides syscall_dispatch. */
/* Fire the timers of t's process whose time has come, then recompute
 * k->clock.timer_cycle. */
void time_expire_timers(struct task_struct *t);
/* Fire them: the real timer, and with cpu_timers the CPU-time ones too
 * (only the current task's process counts CPU time); nothing recomputed. */
void time_expire_process_timers(struct task_struct *t, int cpu_timers);
/* Timer which of t's process expires now (re-armed by its interval): the
 * EV_TIMER_FIRE event, then its signal.  A replay fires the recorded ones
 * the model clock cannot tell it about. */
void time_fire_timer(struct task_struct *t, int which);
/* The earliest expiry of t's process's timers (cpu_timers: as above). */
uint64_t time_next_expiry(const struct task_struct *t, int cpu_timers);
/* The clock reached k->clock.timer_cycle (the engine's code hook compares
 * them at every instruction; the system call's way out and the idle loop
 * too): every blocked task whose deadline passed is woken (its wait timed
 * out), every process's due real timer fires, the current one's CPU-time
 * timers too, and timer_cycle becomes the next such moment.  1 if a task
 * other than the current one is runnable after it (the engine starts a
 * quantum so that it gets the CPU). */
int  kernel_timer_tick(struct kernel *k);
/* k->clock.timer_cycle: the earliest deadline of a blocked task or expiry
 * of a process's timer (the current one's CPU-time timers included). */
void kernel_timers_update(struct kernel *k);
/* Copy the first len bytes of t's LDT to buf: the bytes copied (0: no
 * LDT yet).  The table is in the vmalloc area, not contiguous on the host. */
uint32_t ldt_read(const struct task_struct *t, void *buf, uint32_t len);
void ldt_free(struct task_struct *t);                      /* task_free */
/* ldt_dup_context: the child's own copy of its parent's LDT (none: none);
 * the engine loads it when the child first runs.  0 or -ENOMEM. */
int  ldt_dup(struct task_struct *p, const struct task_struct *parent);
/* fd_table.c: the guest's descriptors.  fd_stdio_reserve() runs before
 * memsim opens anything: it opens /dev/null on whichever of host fds 0-2
 * are closed (so none of memsim's files lands there) and returns the mask
 * of those that were open, which alone become the guest's 0-2
 * (fd_table_init).  fd_move_high() moves an internal descriptor out of the
 * low numbers (kept where it is if the limit is too low). */
unsigned fd_stdio_reserve(void);
int  fd_move_high(int fd);
/* t's table: guest 0-2 files (stdio_file_ops) on dups of those host 0-2
 * in stdio_open; 0 or -1 (errno) */
int  fd_table_init(struct task_struct *t, unsigned stdio_open);

/* ---- the scheduler (sched.c) ---- */
/* Every task not yet released, in pid order. */
#define for_each_task(k, t) list_for_each_entry((t), &(k)->tasks, tasks)
/* The task with this pid (a thread's tid), or NULL: zombies are found,
 * released tasks are not. */
struct task_struct *find_task_by_pid(struct kernel *k, uint32_t pid);
/* The next free pid after the last one handed out (Linux's alloc_pid:
 * sequential, wrapping at PID_MAX_DEFAULT to RESERVED_PIDS), skipping
 * every pid in use as a pid, tgid, process group or session; 0 if none. */
uint32_t alloc_pid(struct kernel *k);
/* Put t on k->tasks (pid order) and, running, on the run queue; the
 * first task added becomes k->current and the reaper of orphans. */
void sched_add_task(struct task_struct *t);
/* Take t off every list (the task list, the run queue, its parent's
 * children, its thread group, its wait queues). */
void sched_remove_task(struct task_struct *t);
/* A dying t: off the run queue and its wait queues (it stays on k->tasks). */
void sched_task_exit(struct task_struct *t);
/* A blocked t (TASK_INTERRUPTIBLE or _UNINTERRUPTIBLE) becomes runnable,
 * off its wait queues, at the tail of the run queue; 1 if it was blocked. */
int  wake_up_process(struct task_struct *t);
/* Only if t sleeps interruptibly: what a signal does (signal_wake_up). */
int  wake_up_interruptible(struct task_struct *t);
/* t no longer runnable (blocked or dead): off the run queue, and the
 * engine told to stop running it (arch task_dead) if it is current. */
void sched_dequeue(struct task_struct *t);
/* Ask that t stop running at the next chance (the quantum expired, yield). */
static inline void set_tsk_need_resched(struct task_struct *t) { t->need_resched = 1; }
/* Must the engine stop running t (after a system call, at the quantum)?
 * Blocked, dead, or asked to. */
static inline int need_resched(const struct task_struct *t)
{
    return t->need_resched || t->state != TASK_RUNNING;
}
/* A call of t is blocked (it sleeps) or woken and waiting to be re-run:
 * the engine calls syscall_resume(t) before t's next user instruction. */
static inline int task_in_syscall(const struct task_struct *t) { return t->restart.active; }
/*
 * The run loop's choice: the task to run next.  k->current again while it
 * runs and was not asked to yield; otherwise the head of the run queue
 * (round robin: a yielding or preempted current goes to the tail first).
 * With nothing runnable, kernel_idle; NULL when every task is dead (the
 * run is over: its status is the first process's) or a deadlock killed
 * them all.  It does not switch: the caller calls context_switch.
 */
struct task_struct *kernel_pick_next(struct kernel *k);
/*
 * Nothing is runnable: advance the model clock (counted as sleep) to the
 * earliest deadline of a blocked task or the earliest interval timer and
 * wake what is due; 1 if some task became runnable.  If nothing can ever
 * wake any task, a deadlock: every blocked task gets one report line
 * "memsim: deadlock: pid P blocked in WHAT (eip E); killed as SIGKILL" and
 * every live task is killed with SIGKILL (status 137); 0.
 */
int  kernel_idle(struct kernel *k);
/* The CPU runs next from now on: the model's switch_mm (a CR3 write, only
 * when the mm differs: threads of one mm switch without a TLB flush), then
 * the engine's switch_to; k->current = next.  A prev released while it
 * ran (t->released) is freed after the switch (finish_task_switch); a new
 * task's first switch-in writes its CLONE_CHILD_SETTID word (schedule_tail:
 * user memory is reached through the loaded mm).
 * A task switched to with a deliverable signal pending (another task's
 * kill) takes it at its next return to user mode: the engine calls
 * signal_return_to_user before its first user instruction. */
void context_switch(struct kernel *k, struct task_struct *next);
/* The scheduler's choice made by someone else (a replay follows the
 * recorded switches): the run queue left as kernel_pick_next leaves it when
 * it picks next — a runnable current (preempted when `preempted`: its
 * quantum ran out, else it yielded) behind the others, next at the head —
 * then context_switch.  next must be runnable. */
void sched_switch_to(struct kernel *k, struct task_struct *next, int preempted);
/* cputime.c.  The machine's counters' growth goes to the current task:
 * cputime_charge(t) adds it since cputime_start(t) (context_switch calls
 * both).  A task's use, its process's (its threads, the released ones
 * included) and its reaped children's; a released thread's use goes to
 * its process (cputime_thread_gone: at release_task, or at the switch
 * away from it when it was released while it ran), a reaped child's to
 * its parent (cputime_reap, at wait). */
void cputime_start(struct task_struct *t);
void cputime_charge(struct task_struct *t);
struct cpu_use task_cpu_use(const struct task_struct *t);
struct cpu_use thread_group_cpu_use(const struct task_struct *t);
struct cpu_use children_cpu_use(const struct task_struct *t);
void cputime_thread_gone(struct task_struct *t);
void cputime_reap(struct task_struct *parent, const struct task_struct *child);
/* t, about to block in a call, waits for host descriptors too (fds[i]
 * ready for events[i]): the scheduler polls them while others run and
 * waits for them when nobody can run, instead of the whole machine
 * waiting in a host call.  0, or -1 when there are more than
 * HOST_WAITS_MAX (the caller waits on the host itself, as alone). */
int  task_wait_host(struct task_struct *t, const int *fds, const short *events, unsigned n);
/* Poll every blocked task's host descriptors (timeout_ms as poll's: 0 a
 * look, -1 until one is ready) and wake the tasks with one ready; the host
 * time waited in ns into *waited_ns (may be NULL).  The number woken, or
 * -1 when no task waits on the host. */
int  kernel_poll_host(struct kernel *k, int timeout_ms, uint64_t *waited_ns);
/* Is t the only task that can ever run (the others dead or none)?  Then
 * a wait is decided at once, as it always was: sleep to its deadline or
 * deadlock (task_block). */
int  task_alone(const struct task_struct *t);

/* The guest's random stream (getrandom, AT_RANDOM), seeded by --seed. */
void kernel_random_bytes(struct kernel *k, uint8_t *buf, size_t n);

#endif

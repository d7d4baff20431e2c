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
 * behind t->arch and the kernel's arch ops (mm.h: struct kernel_arch_ops).
 *
 * Some state Linux keeps per process (signal_struct: itimers, sigactions;
 * mm->context: the LDT; fs_struct: root, cwd, umask) is in the task until
 * there is more than one task per process; each such field says so.
 */
#ifndef MEMSIM_SCHED_H
#define MEMSIM_SCHED_H

#include <stdint.h>
#include "kernel-model/mm.h"
#include "kernel-model/ptrace.h"
#include "kernel-model/sigstate.h"
#include "kernel-model/vfs.h"

#define GUEST_PID 1000u             /* the first task's pid */
#define TASK_COMM_LEN 16
#define MAX_FDS   NR_OPEN_MAX       /* the table; RLIMIT_NOFILE bounds its use */
#define GDT_ENTRY_TLS_MIN 6u        /* set_thread_area's GDT entries 6-8 */
#define GDT_ENTRY_TLS_ENTRIES 3u
#define LDT_ENTRIES 8192u           /* modify_ldt's table: all of them, 64 KiB,
                                       in the vmalloc area (sys_segment.c) */
#define LDT_SIZE    (LDT_ENTRIES * 8u)

enum task_state {
    TASK_RUNNING,
    TASK_INTERRUPTIBLE,             /* blocked in a system call, a signal may wake it */
    TASK_DEAD,                      /* exited or killed: exit_* say how */
};

struct sigaction_rec {
    uint32_t handler, flags, restorer;
    uint64_t mask;
};

/* An interval timer (setitimer): in cycles of its clock, 0: disarmed. */
struct itimer {
    uint64_t expires, interval;
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
     * One task per process for now, so pid == tgid; events carry
     * pid = tgid and tid = pid (task_event_ids). */
    uint32_t pid, tgid, ppid;
    enum task_state state;

    /* how the task ended (state TASK_DEAD) */
    int exit_status;                /* shell status: code, or 128 + signal */
    const char *exit_reason;        /* "exit", "SIGSEGV", "OOM", ...; may be set
                                       before the kill to name a special cause */
    char report[256];               /* the one line for stderr, "" for a clean exit */

    struct mm_struct *mm;           /* NULL until exec */
    struct files_struct *files;     /* the descriptor table (vfs.h), refcounted */

    /* file-system state (Linux: fs_struct) */
    int root_fd;                    /* host directory fd of --root, or -1 for "/" */
    struct file *cwd;               /* chdir's directory (fs_path.c); NULL: the
                                       starting one, the root or memsim's own */
    uint32_t umask;                 /* the file-creation mask (memsim's own at start) */
    char *exe_guest_path;           /* what /proc/self/exe reads as (Linux: mm->exe_file) */

    /* signals; sigactions and itimers are per process (Linux: signal_struct, sighand) */
    struct task_signals sig;        /* blocked and pending sets, sigaltstack */
    struct sigaction_rec sigactions[65];
    struct itimer itimer[3];        /* ITIMER_REAL, _VIRTUAL, _PROF */

    /* descriptors: the TLS entries are per task (thread.tls_array), loaded
     * into the CPU's GDT by the arch ops; the LDT is per mm in Linux */
    uint8_t tls_array[GDT_ENTRY_TLS_ENTRIES][8];
    uint32_t ldt;                   /* the LDT's kernel address (vmalloc), 0: none */
    uint32_t ldt_obj;               /* its struct ldt_struct (kmalloc) */

    /* per-task registrations */
    uint32_t clear_child_tid;
    uint32_t robust_list;           /* set_robust_list's head (sys_task.c) */
    uint32_t rseq_addr, rseq_len, rseq_sig;   /* the registered rseq area, 0: none */
    char comm[TASK_COMM_LEN];       /* the program's base name, or PR_SET_NAME's */
    uint32_t pdeath_signal, dumpable, timer_slack_ns, no_new_privs;   /* prctl */
    int nice;                       /* setpriority's value, -20..19 */

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

static inline int task_dead(const struct task_struct *t) { return t->state == TASK_DEAD; }

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

/* The task ends (exit_group): status code, reason "exit", no report.
 * Every way of dying emits EV_PROCESS_EXIT with the shell's status, inside
 * the system call or fault that ended the task (before its exit event). */
void task_exit(struct task_struct *t, int code);
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
/* "SIGSEGV"; "signal" for a real-time one. */
const char *signal_name(int sig);

/* What the engine calls besides syscall_dispatch. */
/* Fire the timers whose time has come (cycles >= t->k->clock.timer_cycle). */
void time_expire_timers(struct task_struct *t);
/* Copy the first len bytes of t's LDT to buf: the bytes copied (0: no
 * LDT yet).  The table is in the vmalloc area, not contiguous on the host. */
uint32_t ldt_read(const struct task_struct *t, void *buf, uint32_t len);
void ldt_free(struct task_struct *t);                      /* task_free */
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

/* The guest's random stream (getrandom, AT_RANDOM), seeded by --seed. */
void kernel_random_bytes(struct kernel *k, uint8_t *buf, size_t n);

#endif

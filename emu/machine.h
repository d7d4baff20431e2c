/*
 * machine.h — one emulated machine running one guest process (internal to emu/).
 *
 * The machine owns the Unicorn engine, the MMU model, the kernel model and
 * the trace.  Unicorn runs with its own paging off: its address space is
 * the guest's linear address space, each VMA one Unicorn region backed by a
 * slice of a host reservation (the window) whose pages are aliased onto the
 * memfd frames the kernel model maps (see docs/ARCHITECTURE.md).
 */
#ifndef MEMSIM_MACHINE_H
#define MEMSIM_MACHINE_H

#include <stdint.h>
#include <unicorn/unicorn.h>
#include "emu/decode.h"
#include "emu/memsim.h"
#include "emu/window.h"
#include "kernel-model/mm.h"
#include "kernel-model/sigstate.h"
#include "mmu/mmu.h"
#include "mmu/segment.h"
#include "trace/trace.h"

#define GUEST_PID 1000u
#define TASK_COMM_LEN 16
#define MAX_FDS   NR_OPEN_MAX       /* the table; RLIMIT_NOFILE bounds its use */
#define MAX_UC_REGIONS 3000u        /* the guest's VMA limit (Unicorn's is ~4096) */

/* A Unicorn region mirroring one VMA. */
struct uc_region {
    uint32_t start, end;
    uint32_t perms;                 /* UC_PROT_READ | UC_PROT_WRITE */
};

struct guest_fd {
    int host_fd;                    /* -1: free */
    int cloexec;
    char *path;                     /* as the guest opened it, or NULL */
    struct vm_file *vmf;            /* shared by every mmap of this open file */
    struct guest_dir *dir;          /* a directory the guest opened (emu/sys_dir.c):
                                       only these name a dirfd; NULL otherwise */
};

struct sigaction_rec {
    uint32_t handler, flags, restorer;
    uint64_t mask;
};

/* An interval timer (setitimer): in cycles of its clock, 0: disarmed. */
struct itimer {
    uint64_t expires, interval;
};

struct machine {
    struct memsim_options opt;
    uc_engine *uc;
    struct mmu mmu;
    struct kernel k;
    struct mm_struct *mm;
    /* Every event of the run (common/event.h); its sinks are the counters
     * below (stats.c) and the trace when --db is given. */
    struct event_stream events;
    struct trace *trace;

    struct host_window win;         /* the guest's user space on the host */
    struct uc_region *regions;      /* sorted, non-overlapping */
    size_t nr_regions, cap_regions;

    /* kernel-side frames mapped into Unicorn at their direct-map address */
    uint32_t gdt_pfn, stub_pfn, kstack_pfn;
    uint32_t ldt_pfn;               /* the process's LDT (order 4), or PFN_NONE */

    /* the CPU: its configuration, decoded instructions, the front end */
    struct cpu_config cpu;
    struct decode_cache dc;
    uint32_t fetch_line;            /* line last fetched (UINT32_MAX: none) */
    uint8_t rdtsc_pending;          /* DEC_RDTSC/DEC_RDTSCP: fix EDX:EAX */
    uint64_t rdtsc_value;

    /* segment registers: the hidden part the CPU caches at each load */
    struct seg_desc sreg[NR_SEG_REGS];
    uint16_t sel[NR_SEG_REGS];
    uint8_t sreg_null;              /* bit per register: a null selector */
    uint8_t sreg_nonflat;           /* bit per register: accesses need checking */
    uint8_t sreg_stale;             /* a segment load ran: reread before the next access */

    /* the instruction being executed, from the code hook */
    uint32_t eip;
    const struct decoded *insn;     /* its decoded form (size, class, DEC_* flags) */
    uint8_t insn_segcheck;          /* its memory access needs a segment check */
    uint64_t icount, cycles;
    uint64_t fault_cycles, syscall_cycles;
    uint64_t nr_faults, nr_syscalls;
    struct memsim_enosys enosys;    /* the calls answered -ENOSYS (syscall.c) */
    /* the clocks (sys_time.c): sleeps advance cycles and count here, so
     * CPU time is cycles - sleep_cycles */
    uint64_t sleep_cycles, nr_sleeps;
    uint64_t timer_cycle;           /* the next timer fires when cycles reaches it
                                       (UINT64_MAX: none); checked by the code hook */
    struct itimer itimer[3];        /* ITIMER_REAL, _VIRTUAL, _PROF */
    uint64_t hiwater_rss;           /* pages: rss only falls in system calls */

    int pending_syscall;            /* int 0x80 or sysenter stopped the engine (cpu.c) */
    int in_engine;                  /* inside uc_emu_start: only additive region changes */

    /* process state */
    uint32_t pid, clear_child_tid;
    uint32_t robust_list;           /* set_robust_list's head (sys_task.c) */
    uint32_t rseq_addr, rseq_len, rseq_sig;   /* the registered rseq area, 0: none */
    char comm[TASK_COMM_LEN];       /* the program's base name, or PR_SET_NAME's */
    uint32_t pdeath_signal, dumpable, timer_slack_ns, no_new_privs;   /* prctl */
    struct task_signals sig;        /* blocked and pending sets (kernel-model/sigstate.h) */
    struct sigaction_rec sigactions[65];
    struct guest_fd fds[MAX_FDS];
    int root_fd;                    /* host directory fd of --root, or -1 for "/" */
    struct guest_fd cwd;            /* chdir's directory (fs_path.c); .dir NULL: the
                                       starting one, the root or memsim's own */
    uint32_t umask;                 /* the file-creation mask (memsim's own at start) */
    int nice;                       /* setpriority's value, -20..19 */
    struct vm_file_table files;     /* mapped files, one vm_file per host file */
    char *exe_guest_path;           /* what /proc/self/exe reads as */
    uint64_t rng;                   /* getrandom and AT_RANDOM stream */

    /* how the run ends */
    int stopped;
    int exit_status;                /* shell status: code, or 128 + signal */
    const char *exit_reason;        /* "exit", "SIGSEGV", "OOM", ... */
    char report[256];               /* the one line for stderr, "" for a clean exit */
    char error[256];                /* memsim's own failure (not the guest's) */
};

/* hostmap.c: the secondary MMU — regions and aliases */
void hostmap_notifier(struct machine *m, struct mm_notifier *n);
int  hostmap_map_kernel_page(struct machine *m, uint32_t pfn, int writable);

/* cpu.c: descriptor tables, entry to user mode, the hooks and the run loop */
int  cpu_setup(struct machine *m);
int  cpu_enter_user(struct machine *m, uint32_t entry, uint32_t sp);
int  cpu_run(struct machine *m);
void cpu_load_segments(struct machine *m);
int  cpu_write_tls(struct machine *m, unsigned entry, const uint8_t desc[8]);
void cpu_read_tls(struct machine *m, unsigned entry, uint8_t desc[8]);

/* exec.c: load the program and build its initial stack */
struct elf_image;
int  exec_program(struct machine *m, const struct elf_image *img, int fd);
/* execve's E2BIG rule for opt's argv and envp: 0, or -E2BIG with a line in err. */
int  exec_check_args(const struct memsim_options *opt, char *err, size_t errlen);

void machine_random_bytes(struct machine *m, uint8_t *buf, size_t n);

/* signal.c: guest-fatal events */
void machine_kill(struct machine *m, int sig, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void machine_exit(struct machine *m, int code);
const char *signal_name(int sig);
/* A wait nobody can end (sys_wait.c): the run ends, SIGKILL, "deadlock". */
void machine_deadlock(struct machine *m, const char *what);       /* "SIGSEGV"; "signal" for a real-time one */
/* The guest takes exception intno (an x86 vector): the signal Linux's trap
 * handler sends; why, if not NULL, is added to the report. */
void machine_exception(struct machine *m, uint32_t intno, const char *why);
/* An access the L1 TLB could not satisfy: STLB, walk, faults.  Returns 0
 * with the physical address if it may proceed; else the guest was killed. */
int  machine_access(struct machine *m, uint32_t va, enum mmu_access acc, int user, uint64_t *pa);
/* Fault in va for an access the model does not count (translation-time code
 * reads).  0, or -1 when the guest was killed. */
int  machine_fault_in(struct machine *m, uint32_t va, enum mmu_access acc);

/* interrupt.c: memsim's own SIGINT, SIGTERM, SIGHUP and SIGPIPE end the
 * guest's run cleanly (a complete runs row, then 128 + the signal). */
#include <signal.h>
struct host_signals {
    struct sigaction old[5];        /* INT, TERM, HUP, PIPE, ALRM as they were */
};
void interrupt_arm(struct host_signals *saved);
void interrupt_disarm(const struct host_signals *saved);
/* The engine a signal stops (NULL: none; cleared before uc_close). */
void interrupt_engine(uc_engine *uc);
/* The run loop's check: 1 when memsim got one of those signals, the run
 * then marked stopped with its exit reason; else 0. */
int  machine_interrupted(struct machine *m);

/* stats.c */
void machine_collect_stats(struct machine *m, struct memsim_result *r);
/* The event-stream sink that counts faults and system calls (ctx: machine). */
void machine_count_event(void *ctx, const struct event *ev);

/* cpu.c: the timing model's cost of one page fault (kernel.timing hook). */
void cpu_charge_fault(void *ctx, enum fault_resolution r);

/* syscall.c */
void syscall_dispatch(struct machine *m);

#endif

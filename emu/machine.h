/*
 * machine.h — one emulated machine: the engine that runs a guest task
 * (internal to emu/).
 *
 * The machine owns the Unicorn engine, the MMU model, the timing model's
 * counters, the kernel model and the trace; the process state is the
 * kernel's (m->task, kernel-model/sched.h).  Unicorn runs with its own paging off: its address space is
 * the guest's linear address space, each VMA one Unicorn region backed by a
 * slice of a host reservation (the window) whose pages are aliased onto the
 * memfd frames the kernel model maps (see docs/ARCHITECTURE.md).
 */
#ifndef MEMSIM_MACHINE_H
#define MEMSIM_MACHINE_H

#include <stdint.h>
#include <unicorn/unicorn.h>
#include "common/access_stream.h"
#include "emu/acct.h"
#include "emu/decode.h"
#include "emu/memsim.h"
#include "emu/window.h"
#include "kernel-model/fs.h"
#include "kernel-model/sched.h"
#include "mmu/mmu.h"
#include "mmu/timing.h"
#include "mmu/segment.h"
#include "trace/strace.h"
#include "trace/trace.h"

#define MAX_UC_REGIONS 3000u        /* the guest's VMA limit (Unicorn's is ~4096) */

/* A Unicorn region mirroring a run of VMAs with the same rights. */
struct uc_region {
    uint32_t start, end;
    uint32_t perms;                 /* UC_PROT_READ | UC_PROT_WRITE */
    uint64_t pad;                   /* its RAM-block pad (hostmap.c), 0: none */
};

struct machine;

/*
 * What the engine keeps per address space.  Unicorn runs with its paging
 * off, so its physical space is the guest's linear space: an engine, its
 * regions, the host window behind them and the instructions decoded from
 * them all belong to one mm, and two mms never share any of them (the
 * kernel's mm_struct points back here through its opaque `context`).
 */
struct mm_context {
    struct machine *m;
    struct mm_struct *mm;           /* NULL until exec builds it */
    uc_engine *uc;
    struct host_window win;         /* the address space's user part on the host */
    struct uc_region *regions;      /* sorted, non-overlapping */
    size_t nr_regions, cap_regions;
    uint32_t nr_pads, next_pad;     /* RAM-block pads mapped; the next one's slot */
    struct decode_cache dc;         /* instructions decoded in this address space */
    struct task_arch *live;         /* whose registers the engine holds (task_switch.c) */
    int entered;                    /* the engine has been to user mode (and has its hooks) */
    struct mm_context *next_dead;   /* on m->dead_ctx once its mm is gone */
};

struct machine {
    struct memsim_options opt;
    struct mmu mmu;
    struct kernel k;
    struct task_struct *task;       /* the task the CPU runs (k.current, kernel-model/sched.h) */
    struct task_struct *init_task;  /* the first process: the run's status is its own */
    /* Every event of the run (common/event.h); its sinks are the counters
     * below (timing_count_event) and the trace when --db is given. */
    struct event_stream events;
    struct trace *trace;
    struct strace strace;           /* --strace: a sink printing the system calls */
    struct access_encoder *rec;     /* --trace accesses: the access stream, or NULL */

    struct mm_context *ctx;         /* the running task's address space */
    struct mm_context *dead_ctx;    /* contexts whose mm is gone, closed outside the engine */
    uint64_t dc_misses_gone;        /* decode misses of the contexts closed so far */
    struct list_head task_archs;    /* every task's CPU state (task_switch.c) */
    struct acct acct;               /* each process's share of the counters (acct.h) */
    /* the scheduler's quantum: the current task runs until icount reaches
     * slice_end (UINT64_MAX while nothing else is runnable); the code hook
     * tests one bound, stop_icount: 0 while a signal is pending */
    uint64_t slice_end, stop_icount;
    uint8_t preempted;              /* the quantum stopped the engine */
    unsigned nr_execs;              /* images recorded in the trace (exec.c) */
    uint8_t execed;                 /* the call being served was a successful execve:
                                       the engine is a new one, loaded from pt_regs */
    uint8_t in_sysenter;            /* a sysenter call is being served ... */
    uint32_t sysenter_ebp;          /* ... and this is the user's ebp (fork_arch) */
    struct host_map_account host_maps;   /* every window's host mappings */

    /* kernel-side frames mapped into Unicorn at their direct-map address */
    uint32_t gdt_pfn, stub_pfn, kstack_pfn;

    /* the CPU: its configuration, decoded instructions, the front end */
    struct cpu_config cpu;
    uint8_t rdtsc_pending;          /* DEC_RDTSC/DEC_RDTSCP: fix EDX:EAX */
    uint64_t rdtsc_value;

    /* segment registers: the hidden part the CPU caches at each load */
    struct seg_desc sreg[NR_SEG_REGS];
    uint16_t sel[NR_SEG_REGS];
    uint8_t sreg_null;              /* bit per register: a null selector */
    uint8_t sreg_nonflat;           /* bit per register: accesses need checking */
    uint8_t sreg_stale;             /* a segment load ran: reread before the next access */
    uint8_t *ldt_view;              /* LDT_SIZE bytes: the LDT as segment loads read it
                                       (cpu_load_segments copies it from the vmalloc area) */

    /* the instruction being executed, from the code hook */
    uint32_t eip;
    const struct decoded *insn;     /* its decoded form (size, class, DEC_* flags) */
    uint8_t insn_segcheck;          /* its memory access needs a segment check */
    uint8_t kernel_seg_load;        /* the kernel loads selectors (a return to user
                                       mode): its descriptor reads are supervisor reads */
    /* the timing model: emu charges every cost; the kernel reads these
     * through m->k.clock and advances cycles only for sleeps (arch ops) */
    struct timing tm;               /* mmu/timing.h: counters, the front end's line */

    int pending_syscall;            /* int 0x80 or sysenter stopped the engine (cpu.c):
                                       SYSCALL_INT80 or SYSCALL_SYSENTER */
    uint8_t signal_stop;            /* a signal is pending: enter the kernel at the next
                                       instruction boundary (machine_signal_entry) */
    int in_engine;                  /* inside uc_emu_start: only additive region changes */

    char error[256];                /* memsim's own failure (not the guest's) */
};

/* hostmap.c: the secondary MMU — regions and aliases */
void hostmap_notifier(struct mm_context *c, struct mm_notifier *n);
/* mm_context.c: an address space's engine, window and decode cache; the
 * mm is attached when exec builds it (mm_context_attach). */
struct mm_context *mm_context_create(struct machine *m, char *err, size_t errlen);
void mm_context_attach(struct mm_context *c, struct mm_struct *mm);
/* The mm no longer tells c of its changes (its frames are about to go). */
void mm_context_detach(struct mm_context *c);
void mm_context_destroy(struct mm_context *c);
/* A kernel frame mapped into c's engine at its direct-map address, or at
 * kernel address va (a vmalloc page, e.g. the LDT's). */
int  hostmap_map_kernel_page(struct mm_context *c, uint32_t pfn, int writable);
int  hostmap_map_kernel_va(struct mm_context *c, uint32_t va, uint32_t pfn, int writable);

/* cpu_setup.c, cpu.c, cpu_run.c: descriptor tables, entry to user mode,
 * the hooks and the run loop */
#define SYSCALL_INT80    1          /* m->pending_syscall: how the call was made */
#define SYSCALL_SYSENTER 2
/* The machine's GDT, iret stub and kernel stack. */
int  cpu_setup(struct machine *m);
/* Any engine as a CPU of m: kernel frames, GDTR, CR0/CR4, FPU.  Then its
 * hooks (after access_rec_start: they record accesses if m->rec is set;
 * cpu_run adds the first engine's once it is in user mode). */
int  cpu_setup_engine(struct machine *m, struct mm_context *c);
int  cpu_add_hooks(struct machine *m, struct mm_context *c);
int  cpu_enter_user(struct machine *m, uint32_t entry, uint32_t sp);
int  cpu_run(struct machine *m);
/* The translation of va outside the access hooks (a region fault, the run
 * loop's check of a stop), recorded in the access stream as one of its own:
 * 0 with *pa, else the guest died. */
int  cpu_translate_recorded(struct machine *m, uint32_t va, enum mmu_access acc, uint64_t *pa);
/* Another task is runnable: the current one's quantum starts (once per turn). */
void cpu_start_slice(struct machine *m);
void cpu_load_segments(struct machine *m);
int  cpu_write_tls(struct machine *m, unsigned entry, const uint8_t desc[8]);

/* task_switch.c: exec's engine c becomes t's and the machine's (m->ctx) */
void machine_exec_context(struct machine *m, struct task_struct *t, struct mm_context *c);

/* exec.c: load the program (and the interpreter it names: interp, or
 * NULL) and build its initial stack */
struct elf_image;
struct exec_interp;
int  exec_program(struct machine *m, const struct elf_image *img, int fd, const char *interp);
/* The interpreter's file as the trace records it (exec_image.interp*). */
struct interp_file {
    char path[PATH_MAX_G];              /* its canonical guest path */
    uint64_t size, dev, ino;
};
/* Open and parse the interpreter at path as t's execve would: 0 with in
 * filled (in->file a reference to its pages) and *id (if not NULL), or
 * -errno (ENOENT, EACCES, ELIBBAD with the reason in why). */
int  exec_open_interp(struct task_struct *t, const char *path, struct exec_interp *in,
                      struct interp_file *id, char *why, size_t wl);
/* execve's E2BIG rule for opt's argv and envp: 0, or -E2BIG with a line in err. */
int  exec_check_args(const struct memsim_options *opt, char *err, size_t errlen);
/* The arch op exec_binary (kernel-model/binfmt.h): an i386 ELF (and its
 * interpreter) in a new engine. */
struct linux_binprm;
int  machine_exec_binary(void *ctx, struct task_struct *t, struct linux_binprm *bprm);

/* signal.c: guest-fatal events (the task dies: task_exit_signal) */
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
    struct sigaction old_xfsz;      /* SIGXFSZ as it was (ignored during the run) */
};
void interrupt_arm(struct host_signals *saved);
void interrupt_disarm(const struct host_signals *saved);
/* The engine a signal stops (NULL: none; cleared before uc_close). */
void interrupt_engine(uc_engine *uc);
/* The run loop's check: 1 when memsim got one of those signals, the run
 * then marked stopped with its exit reason; else 0. */
int  machine_interrupted(struct machine *m);

/* access_rec.c: --trace accesses — the CPU's accesses encoded into the
 * trace's access_blocks, with a marker at each syscall enter and fault
 * begin; every > 0 keeps one window of window accesses in every (--sample)
 * and records that in access_sampling.  start: 0, or -1 with m->error;
 * finish flushes the last block. */
int  access_rec_start(struct machine *m, uint32_t every, uint32_t window);
int  access_rec_finish(struct machine *m);

/* syscall_entry.c: the system-call gate (int 0x80, or sysenter with the
 * sixth argument at [ebp]) and the kernel's arch ops */
void machine_syscall(struct machine *m, int sysenter);
/* A blocked call of the current task is re-run (syscall_resume); once it
 * completes the CPU is loaded from pt_regs as at any call's return. */
void machine_syscall_resume(struct machine *m);
/* The CPU's eax..esp, eip and eflags from regs (a fork child's first run). */
void machine_load_pt_regs(struct machine *m, const struct pt_regs *regs);
/* The code hook's bound from slice_end and signal_stop. */
static inline void machine_update_stop(struct machine *m)
{
    m->stop_icount = m->signal_stop ? 0 : m->slice_end;
}
/* The kernel entry for a signal between instructions (m->signal_stop). */
void machine_signal_entry(struct machine *m);
/* signal.c: the arch ops of a signal frame (kernel-model/mm.h) */
void machine_fpu_save(void *ctx, struct task_struct *t, uint8_t fx[512]);
void machine_fpu_restore(void *ctx, struct task_struct *t, const uint8_t fx[512]);
void machine_load_user_segs(void *ctx, struct task_struct *t);
void machine_arch_ops(struct machine *m, struct kernel_arch_ops *ops);

/* task_switch.c: an engine per mm, a CPU state per task, the switch */
/* The first task's state: exec's engine holds its registers.  0 or -1. */
int  machine_task_arch_init(struct machine *m, struct task_struct *t);
void machine_task_archs_free(struct machine *m);
/* mm_init, mm_destroy, fork_arch, switch_to */
void machine_task_ops(struct kernel_arch_ops *ops);
/* Close the contexts of gone mms; all: the running one's too (the end). */
void machine_reap_contexts(struct machine *m, int all);
/* The running task cannot go on: it died (or was never made). */
static inline int machine_stopped(const struct machine *m)
{
    return !m->task || task_dead(m->task);
}

#endif

/*
 * arch_ops.h — what the kernel model needs of the machine it runs on: the
 * model clock it reads (owned by emu's timing model) and the operations
 * only the engine can do (struct kernel_arch_ops: TLS and LDT loads, an
 * engine per address space, a new task's CPU, the switch, exec's image,
 * the FPU image of a signal frame).  kernel->arch holds the engine's; a
 * harness without an engine leaves what it does not need NULL.
 */
#ifndef MEMSIM_ARCH_OPS_H
#define MEMSIM_ARCH_OPS_H

#include <stdint.h>

struct mm_struct;
struct task_struct;

/* The model clock as the kernel sees it.  The cycle count and the cost
 * counters belong to emu's timing model (it charges every cost); the
 * kernel reads them and advances the clock only through arch.advance_clock
 * (a sleep).  Sleep accounting and the timer deadline are the kernel's. */
struct kernel_clock {
    const uint64_t *cycles;            /* model time, cycles since boot */
    const uint64_t *syscall_cycles;    /* system time charged to calls ... */
    const uint64_t *fault_cycles;      /* ... and to faults (getrusage) */
    const uint64_t *nr_faults;         /* minor faults (ru_minflt) */
    uint64_t hz;                       /* cycles per second */
    uint64_t sleep_cycles, nr_sleeps;  /* sleeps: CPU time is cycles - sleep_cycles */
    uint64_t timer_cycle;              /* the next timer fires when cycles reaches it
                                          (UINT64_MAX: none); the engine checks it */
};

/* What the kernel needs of the engine running the tasks (emu implements
 * them; ctx is theirs).  A harness without an engine may leave any NULL
 * but advance_clock, which a sleep needs. */
struct linux_binprm;
struct kernel_arch_ops {
    void *ctx;
    /* load t's TLS entry (GDT_ENTRY_TLS_MIN + i) from t->tls_array into the CPU */
    void (*load_tls)(void *ctx, struct task_struct *t, unsigned i);
    /* map t's LDT (LDT_SIZE bytes at t->ldt, vmalloc_to_pfn per page) for
     * the CPU and point LDTR at it: 0 or -ENOMEM */
    int  (*load_ldt)(void *ctx, struct task_struct *t);
    /* Stop running t now: it died, blocked or was preempted (the engine
     * leaves its run loop iteration; the scheduler picks the next task). */
    void (*task_dead)(void *ctx, struct task_struct *t);
    /* The engine's side of a new address space made by fork (dup_mm),
     * called before any VMA or PTE is copied into it, so the host-mapping
     * notifier sees them all: 0 or -ENOMEM (the fork fails with ENOMEM).
     * exec's mm is the engine's own making and does not come here. */
    int  (*mm_init)(void *ctx, struct mm_struct *mm);
    /* The last user of mm is gone (mmput): before its VMAs and frames go. */
    void (*mm_destroy)(void *ctx, struct mm_struct *mm);
    /* fork/clone: the child's CPU = the parent's at the system call, but
     * child->regs, already final when this is called: ax 0, sp the new
     * stack if clone gave one, and for CLONE_SETTLS child->tls_array set
     * (load it with the child's CPU).  child->mm is the parent's (CLONE_VM)
     * or a new one made by dup_mm (mm_init was called).  0 or -ENOMEM. */
    int  (*fork_arch)(void *ctx, struct task_struct *parent, struct task_struct *child);
    /* A forked task is being freed (task_free: reaped, or left at the end
     * of the run, kernel_release_tasks; never while the engine runs it): free
     * the engine's t->arch.  Never for the first task (its creator's). */
    void (*free_task)(void *ctx, struct task_struct *t);
    /* The engine runs next from now on (context_switch, after the model's
     * CR3 write when the mm differs).  prev may be dead (its last switch). */
    void (*switch_to)(void *ctx, struct task_struct *prev, struct task_struct *next);
    /* execve's ELF loader (binfmt.h): bprm->file with its head in
     * bprm->buf.  -ENOEXEC: not a format the engine runs; any other -errno
     * before the point of no return (begin_new_exec, which it calls); 0
     * once the new image runs in t, or t was killed after that point.
     * NULL: no engine (every exec is ENOEXEC). */
    int  (*exec_binary)(void *ctx, struct task_struct *t, struct linux_binprm *bprm);
    /* a sleep: model time jumps ahead by delta cycles */
    void (*advance_clock)(void *ctx, uint64_t delta);
    /* The FPU/SSE state as FXSAVE's 512-byte image (a signal frame's
     * fpstate), and back as FXRSTOR loads it (sigreturn).  NULL: the frame
     * holds init_fpstate and sigreturn loads nothing. */
    void (*fpu_save)(void *ctx, struct task_struct *t, uint8_t fx[512]);
    void (*fpu_restore)(void *ctx, struct task_struct *t, const uint8_t fx[512]);
    /* sigreturn: load ds, es, fs, gs from t's pt_regs into the CPU; one the
     * CPU would refuse becomes the null selector (0) in pt_regs, as Linux's
     * segment-load fixups do */
    void (*load_user_segs)(void *ctx, struct task_struct *t);
    /* A signal became deliverable while t runs in user mode (a timer's, a
     * fault's): enter the kernel at the next instruction boundary so that
     * signal_return_to_user can deliver it.  NULL: no engine. */
    void (*signal_pending)(void *ctx, struct task_struct *t);
};

#endif

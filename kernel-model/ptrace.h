/*
 * ptrace.h — the user registers as the kernel sees them at a kernel entry
 * (Linux's i386 struct pt_regs, arch/x86/include/asm/ptrace.h), and the
 * syscall accessors of asm/syscall.h.
 *
 * Every task has one (task_pt_regs).  The engine fills it from the CPU when
 * the task enters the kernel with a system call and loads the CPU from it on
 * the way back, so what a handler or the return path changes here is what
 * user mode resumes with; the kernel never asks the engine for a register.
 * A page fault does not fill it: the fault's address, access, error code
 * and eip are do_page_fault's and task_fault_signal's arguments.
 *
 * The full register file a context switch saves (FPU/SSE state, the
 * segment descriptors' caches) is the engine's, not the kernel's.
 */
#ifndef MEMSIM_PTRACE_H
#define MEMSIM_PTRACE_H

#include <stdint.h>

struct pt_regs {
    uint32_t bx, cx, dx, si, di, bp;   /* a system call's arguments 1-6 */
    uint32_t ax;                       /* the result on the way out */
    uint32_t ds, es, fs, gs;           /* selectors (the engine does not load them back) */
    uint32_t orig_ax;                  /* the system call number, as entered */
    uint32_t ip, cs, flags, sp, ss;    /* where user mode resumes: after the int 0x80 */
};

/* int 0x80 and sysenter are both two bytes long. */
#define SYSCALL_INSN_LEN 2u

static inline uint32_t syscall_get_nr(const struct pt_regs *regs) { return regs->orig_ax; }

/* Arguments 1-6 of the call, in order (asm/syscall.h). */
static inline void syscall_get_arguments(const struct pt_regs *regs, uint32_t a[6])
{
    a[0] = regs->bx, a[1] = regs->cx, a[2] = regs->dx;
    a[3] = regs->si, a[4] = regs->di, a[5] = regs->bp;
}

/* The registers of an entry into call nr with arguments a, for a caller
 * without a CPU (replay, the unit tests): the rest is zero. */
static inline void syscall_set_entry(struct pt_regs *regs, uint32_t nr, const uint32_t a[6])
{
    *regs = (struct pt_regs){ .bx = a[0], .cx = a[1], .dx = a[2], .si = a[3], .di = a[4],
                              .bp = a[5], .ax = nr, .orig_ax = nr };
}

#endif

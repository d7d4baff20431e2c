/*
 * signal_frame.h — the i386 signal frames a handler runs on, and the
 * return through them (Linux 6.1 arch/x86/kernel/signal.c on a 32-bit
 * kernel: __setup_frame, __setup_rt_frame, get_sigframe, restore_sigcontext,
 * sys_sigreturn, sys_rt_sigreturn; the fpstate of arch/x86/kernel/fpu/signal.c
 * for a CPU with FXSR and no XSAVE, as memsim's CPU is configured).
 *
 * Layouts (arch/x86/include/asm/sigframe.h, uapi/asm/sigcontext.h):
 *   struct sigframe    { pretcode, sig, sigcontext (88 B), _fpstate_32
 *                        fpstate_unused (624 B), extramask[1], retcode[8] }
 *   struct rt_sigframe { pretcode, sig, pinfo, puc, siginfo (128 B),
 *                        ucontext { uc_flags, uc_link, uc_stack (12 B),
 *                        uc_mcontext = sigcontext, uc_sigmask (8 B) },
 *                        retcode[8] }
 * and below the frame the fpstate (sigcontext.fpstate points at it): the
 * 112-byte fsave header (convert_from_fxsr, status, magic 0 = FXSR), then
 * the 512-byte FXSAVE image 64-byte aligned, its software bytes
 * (_fpx_sw_bytes) filled as save_sw_bytes does.
 */
#ifndef MEMSIM_SIGNAL_FRAME_H
#define MEMSIM_SIGNAL_FRAME_H

#include "kernel-model/sched.h"

#define USER_CS_SEL 0x73u               /* __USER_CS */
#define USER_DS_SEL 0x7bu               /* __USER_DS */

/* sa_flags (include/uapi/asm-generic/signal.h, x86) */
#define SA_SIGINFO_   0x00000004u
#define SA_RESTORER_  0x04000000u
#define SA_ONSTACK_   0x08000000u
#define SA_RESTART_   0x10000000u
#define SA_NODEFER_   0x40000000u
#define SA_RESETHAND_ 0x80000000u

/* Build sig's frame for the handler ka on t's user stack (pt_regs: where
 * user mode was; the signal mask to restore is oldset) and point pt_regs at
 * the handler.  0, or -EFAULT when the frame could not be placed or written
 * (the caller forces SIGSEGV, as signal_setup_done does). */
int signal_setup_frame(struct task_struct *t, uint32_t sig, const struct ksiginfo *info,
                       const struct sigaction_rec *ka, uint64_t oldset);

/* copy_siginfo_to_user: i386's 128-byte siginfo_t (the _kill fields, or
 * _sigfault's si_addr for a fault's signal).  0 or -EFAULT. */
long signal_copy_siginfo(struct task_struct *t, uint32_t uinfo, const struct ksiginfo *info);

#endif

/*
 * signal_frame.c — building a handler's signal frame and returning through
 * it (see signal_frame.h for the layouts; Linux 6.1 arch/x86/kernel/signal.c).
 *
 * The frame is written with copy_to_user through the model's page tables,
 * so a stack that needs to grow grows, and a frame that cannot be written
 * (no stack, an overflowing sigaltstack) is -EFAULT: the caller forces
 * SIGSEGV.  The registers are the task's pt_regs, which the engine loads
 * when user mode resumes; the FPU/SSE image and the data selectors go
 * through the arch ops (fpu_save/fpu_restore, load_user_segs).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "kernel-model/signal_frame.h"
#include "kernel-model/sys_internal.h"

#define FXSAVE_SIZE   512u
#define FSAVE_HDR     112u          /* struct fregs_state as an ia32 frame's header */
#define SIGCONTEXT_W  22u           /* struct sigcontext_32, in words */
#define SIGINFO_SIZE  128u
#define SW_FP_XSTATE_MAGIC1 0x46505853u
#define SW_FXSR_MAGIC    0x0000u
#define X86_TRAP_PF 14u

/* struct sigframe (legacy) and struct rt_sigframe, byte offsets */
enum { SF_SIG = 4, SF_SC = 8, SF_EXTRAMASK = 8 + 88 + 624, SF_RETCODE = SF_EXTRAMASK + 4,
       SF_SIZE = SF_RETCODE + 8 };
enum { RT_SIG = 4, RT_PINFO = 8, RT_PUC = 12, RT_INFO = 16, RT_UC = RT_INFO + SIGINFO_SIZE,
       UC_STACK = 8, UC_MCONTEXT = 20, UC_SIGMASK = UC_MCONTEXT + 88,
       RT_RETCODE = RT_UC + UC_SIGMASK + 8, RT_SIZE = RT_RETCODE + 8 };

/* sigcontext word indexes */
enum { SC_GS, SC_FS, SC_ES, SC_DS, SC_DI, SC_SI, SC_BP, SC_SP, SC_BX, SC_DX, SC_CX, SC_AX,
       SC_TRAPNO, SC_ERR, SC_IP, SC_CS, SC_FLAGS, SC_SP_AT_SIGNAL, SC_SS, SC_FPSTATE,
       SC_OLDMASK, SC_CR2 };

/* the eflags a sigreturn may change (__FIX_EFLAGS, with RF on 32-bit):
 * AC OF DF TF SF ZF AF PF CF RF */
#define FIX_EFLAGS 0x00050dd5u

/* popl %eax; movl $__NR_sigreturn, %eax; int $0x80 — and the rt one, movl
 * $__NR_rt_sigreturn, %eax; int $0x80.  Linux writes them for gdb's sake;
 * with no vDSO and no SA_RESTORER they are also the return path here. */
static const uint8_t retcode[8] = { 0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80 };
static const uint8_t rt_retcode[8] = { 0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0 };

long signal_copy_siginfo(struct task_struct *t, uint32_t uinfo, const struct ksiginfo *info)
{
    uint32_t si[SIGINFO_SIZE / 4] = { 0 };
    si[0] = (uint32_t)info->signo;
    si[1] = (uint32_t)info->err;
    si[2] = (uint32_t)info->code;
    if (info->signo == SIGCHLD && info->code > 0 && info->code < KSI_KERNEL) {
        si[3] = info->pid;                  /* _sigchld: utime, stime stay 0 */
        si[4] = info->uid;
        si[5] = (uint32_t)info->status;
    } else if (info->code > 0 && info->code < KSI_KERNEL)
        si[3] = info->addr;                 /* _sigfault */
    else {
        si[3] = info->pid;                  /* _kill */
        si[4] = info->uid;
    }
    return copy_to_user(t->mm, uinfo, si, sizeof si) ? -EFAULT : 0;
}

/* ---- the fpstate: fsave header + FXSAVE image ---- */

/* init_fpstate as an FXSAVE image: FCW 0x37f, MXCSR 0x1f80, all empty. */
static void fpu_init_image(uint8_t fx[FXSAVE_SIZE])
{
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    memset(fx, 0, FXSAVE_SIZE);
    memcpy(fx, &fcw, 2);
    memcpy(fx + 24, &mxcsr, 4);
}

static void fpu_image(struct task_struct *t, uint8_t fx[FXSAVE_SIZE])
{
    fpu_init_image(fx);
    if (t->k->arch.fpu_save)
        t->k->arch.fpu_save(t->k->arch.ctx, t, fx);
}

/* twd_fxsr_to_i387: the full tag word from FXSAVE's abridged one. */
static uint32_t twd_fxsr_to_i387(const uint8_t fx[FXSAVE_SIZE])
{
    uint16_t swd;
    memcpy(&swd, fx + 2, 2);
    uint32_t tos = (swd >> 11) & 7, twd = fx[4], ret = 0xffff0000u;
    for (uint32_t i = 0; i < 8; i++, twd >>= 1) {
        uint32_t tag = 3;                   /* empty */
        if (twd & 1) {
            const uint8_t *st = fx + 32 + 16 * ((i - tos) & 7);
            uint16_t exp, sig3;
            uint64_t mant;
            memcpy(&mant, st, 8);
            memcpy(&exp, st + 8, 2);
            memcpy(&sig3, st + 6, 2);
            exp &= 0x7fff;
            if (exp == 0x7fff)
                tag = 2;                    /* special */
            else if (exp == 0)
                tag = mant ? 2 : 1;         /* denormal: special; zero */
            else
                tag = (sig3 & 0x8000) ? 0 : 2;   /* valid, or unnormal */
        }
        ret |= tag << (2 * i);
    }
    return ret;
}

/* save_fsave_header: convert_from_fxsr's user_i387_ia32_struct, then
 * status and magic (X86_FXSR_MAGIC: an FXSAVE image follows). */
static void fsave_header(const uint8_t fx[FXSAVE_SIZE], uint8_t hdr[FSAVE_HDR])
{
    uint16_t cwd, swd, fop, fcs, fos;
    uint32_t w[7];
    memcpy(&cwd, fx, 2);
    memcpy(&swd, fx + 2, 2);
    memcpy(&fop, fx + 6, 2);
    memcpy(&fcs, fx + 12, 2);
    memcpy(&fos, fx + 20, 2);
    w[0] = cwd | 0xffff0000u;
    w[1] = swd | 0xffff0000u;
    w[2] = twd_fxsr_to_i387(fx);
    memcpy(&w[3], fx + 8, 4);               /* fip */
    w[4] = fcs | (uint32_t)fop << 16;
    memcpy(&w[5], fx + 16, 4);              /* foo */
    w[6] = fos | 0xffff0000u;
    memcpy(hdr, w, sizeof w);
    for (int i = 0; i < 8; i++)
        memcpy(hdr + 28 + 10 * i, fx + 32 + 16 * i, 10);
    uint16_t magic = SW_FXSR_MAGIC;
    memcpy(hdr + 108, &swd, 2);
    memcpy(hdr + 110, &magic, 2);
}

/* save_sw_bytes: the FXSAVE image's software-available bytes (464..511)
 * describe the frame's FP state: no XSAVE, FP and SSE only. */
static void fx_sw_bytes(uint8_t fx[FXSAVE_SIZE])
{
    uint32_t sw[12] = { SW_FP_XSTATE_MAGIC1, FXSAVE_SIZE + 4 + FSAVE_HDR, 3, 0, FXSAVE_SIZE };
    memcpy(fx + 464, sw, sizeof sw);
}

static int copy_fpstate_to_sigframe(struct task_struct *t, uint32_t math, uint32_t buf_fx)
{
    uint8_t fx[FXSAVE_SIZE], hdr[FSAVE_HDR];
    fpu_image(t, fx);
    fsave_header(fx, hdr);
    fx_sw_bytes(fx);
    return copy_to_user(t->mm, math, hdr, sizeof hdr) || copy_to_user(t->mm, buf_fx, fx, sizeof fx);
}

/* fpu__restore_sig: the FXSAVE image at fpstate + 112 (magic 0) or, for a
 * plain fsave image (magic 0xffff), nothing memsim can load without an
 * FXSAVE — treated as the init state; fpstate 0 resets the FPU.  The image
 * is read and checked by the kernel whether or not there is a CPU to load
 * it into (a replay has none). */
static int restore_fpstate(struct task_struct *t, uint32_t fpstate)
{
    uint8_t fx[FXSAVE_SIZE];
    if (!fpstate)
        fpu_init_image(fx);
    else if (copy_from_user(t->mm, fx, fpstate + FSAVE_HDR, sizeof fx))
        return -1;
    uint32_t mxcsr;
    memcpy(&mxcsr, fx + 24, 4);
    if (mxcsr & 0xffff0000u)                /* reserved bits: fxrstor's #GP, a bad frame */
        return -1;
    if (t->k->arch.fpu_restore)
        t->k->arch.fpu_restore(t->k->arch.ctx, t, fx);
    return 0;
}

/* ---- placing the frame ---- */

/*
 * get_sigframe: the stack (the sigaltstack for SA_ONSTACK when not on it
 * already, else the interrupted one; i386's legacy switch to sa_restorer
 * when ss is not __USER_DS), the fpstate below it (FXSAVE image rounded
 * down to 64, the fsave header under it), then the frame aligned so that
 * ((sp + 4) & 15) == 0 at the handler's entry.  An overflowing sigaltstack
 * gives an address that always faults (-1).  0 when the frame cannot be
 * written; *fp the fpstate's address.
 */
static uint32_t get_sigframe(struct task_struct *t, const struct sigaction_rec *ka,
                             uint32_t frame_size, uint32_t *fp)
{
    struct pt_regs *regs = task_pt_regs(t);
    const struct sig_altstack *as = &t->sig.altstack;
    uint32_t sp = regs->sp;
    int nested = on_sig_stack(as, sp), entering = 0;
    if (ka->flags & SA_ONSTACK_) {
        if (sas_ss_flags(as, sp) == 0) {
            sp = as->sp + as->size;
            entering = 1;
        }
    } else if (!nested && (regs->ss & 0xffff) != USER_DS_SEL && !(ka->flags & SA_RESTORER_) &&
               ka->restorer) {
        sp = ka->restorer;
        entering = 1;
    }
    uint32_t buf_fx = (sp - FXSAVE_SIZE) & ~63u, math = buf_fx - FSAVE_HDR;
    *fp = math;
    sp = ((math - frame_size + 4) & ~15u) - 4;          /* align_sigframe */
    if ((nested || entering) && !__on_sig_stack(as, sp))
        return 0;                                       /* overflowed sigaltstack */
    if (sp > math || copy_fpstate_to_sigframe(t, math, buf_fx))
        return 0;
    return sp;
}

/* unsafe_put_sigcontext */
static void put_sigcontext(const struct task_struct *t, uint32_t sc[SIGCONTEXT_W], uint32_t fp,
                           uint32_t oldmask)
{
    const struct pt_regs *r = &t->regs;
    uint32_t v[SIGCONTEXT_W] = {
        [SC_GS] = r->gs & 0xffff, [SC_FS] = r->fs & 0xffff, [SC_ES] = r->es & 0xffff,
        [SC_DS] = r->ds & 0xffff, [SC_DI] = r->di, [SC_SI] = r->si, [SC_BP] = r->bp,
        [SC_SP] = r->sp, [SC_BX] = r->bx, [SC_DX] = r->dx, [SC_CX] = r->cx, [SC_AX] = r->ax,
        [SC_TRAPNO] = t->sig.trap_nr, [SC_ERR] = t->sig.error_code, [SC_IP] = r->ip,
        [SC_CS] = r->cs & 0xffff, [SC_FLAGS] = r->flags, [SC_SP_AT_SIGNAL] = r->sp,
        [SC_SS] = r->ss & 0xffff, [SC_FPSTATE] = fp, [SC_OLDMASK] = oldmask,
        [SC_CR2] = t->sig.cr2,
    };
    memcpy(sc, v, sizeof v);
}

/* The registers a handler starts with (both frames): esp at the frame,
 * eip at the handler, eax the signal, flat data and stack selectors. */
static void enter_handler(struct task_struct *t, uint32_t frame, uint32_t handler, uint32_t sig)
{
    struct pt_regs *regs = task_pt_regs(t);
    regs->sp = frame;
    regs->ip = handler;
    regs->ax = sig;
    regs->ds = regs->es = regs->ss = USER_DS_SEL;
    regs->cs = USER_CS_SEL;
    /* handle_signal: DF clear as the ABI wants at a function entry, RF and
     * TF clear; the handler starts with a fresh FPU (fpu__clear_user_states) */
    regs->flags &= ~(0x400u | 0x10000u | 0x100u);
    if (t->k->arch.load_user_segs)
        t->k->arch.load_user_segs(t->k->arch.ctx, t);
    if (t->k->arch.fpu_restore) {
        uint8_t fx[FXSAVE_SIZE];
        fpu_init_image(fx);
        t->k->arch.fpu_restore(t->k->arch.ctx, t, fx);
    }
}

/* __setup_frame: the legacy frame of a handler without SA_SIGINFO. */
static int setup_frame(struct task_struct *t, uint32_t sig, const struct sigaction_rec *ka,
                       uint64_t set)
{
    uint32_t fp, frame = get_sigframe(t, ka, SF_SIZE, &fp);
    if (!frame)
        return -EFAULT;
    uint8_t f[SF_SIZE];
    memset(f, 0, sizeof f);
    uint32_t restorer = ka->flags & SA_RESTORER_ ? ka->restorer : frame + SF_RETCODE;
    uint32_t extramask = (uint32_t)(set >> 32), sc[SIGCONTEXT_W];
    put_sigcontext(t, sc, fp, (uint32_t)set);
    memcpy(f, &restorer, 4);
    memcpy(f + SF_SIG, &sig, 4);
    memcpy(f + SF_SC, sc, sizeof sc);
    memcpy(f + SF_EXTRAMASK, &extramask, 4);
    memcpy(f + SF_RETCODE, retcode, sizeof retcode);
    /* fpstate_unused stays as the stack held it in Linux (not written):
     * write only around it, so the bytes the guest had there remain */
    if (copy_to_user(t->mm, frame, f, SF_SC + sizeof sc) ||
        copy_to_user(t->mm, frame + SF_EXTRAMASK, f + SF_EXTRAMASK, SF_SIZE - SF_EXTRAMASK))
        return -EFAULT;
    enter_handler(t, frame, ka->handler, sig);
    task_pt_regs(t)->dx = task_pt_regs(t)->cx = 0;
    return 0;
}

/* __setup_rt_frame: siginfo and ucontext for an SA_SIGINFO handler. */
static int setup_rt_frame(struct task_struct *t, uint32_t sig, const struct ksiginfo *info,
                          const struct sigaction_rec *ka, uint64_t set)
{
    uint32_t fp, frame = get_sigframe(t, ka, RT_SIZE, &fp);
    if (!frame)
        return -EFAULT;
    const struct sig_altstack *as = &t->sig.altstack;
    uint8_t f[RT_SIZE];
    memset(f, 0, sizeof f);
    /* no vDSO: without SA_RESTORER the handler returns to retcode */
    uint32_t restorer = ka->flags & SA_RESTORER_ ? ka->restorer : frame + RT_RETCODE;
    uint32_t pinfo = frame + RT_INFO, puc = frame + RT_UC, sc[SIGCONTEXT_W];
    /* unsafe_save_altstack: sas_ss_flags as stored, SS_DISABLE when none
     * was ever set (Linux's initial value) */
    uint32_t stack[3] = { as->sp, as->size || as->flags ? as->flags : SS_DISABLE_NR, as->size };
    put_sigcontext(t, sc, fp, (uint32_t)set);
    memcpy(f, &restorer, 4);
    memcpy(f + RT_SIG, &sig, 4);
    memcpy(f + RT_PINFO, &pinfo, 4);
    memcpy(f + RT_PUC, &puc, 4);
    memcpy(f + RT_UC + UC_STACK, stack, sizeof stack);   /* uc_flags 0: no XSAVE */
    memcpy(f + RT_UC + UC_MCONTEXT, sc, sizeof sc);
    memcpy(f + RT_UC + UC_SIGMASK, &set, 8);
    memcpy(f + RT_RETCODE, rt_retcode, sizeof rt_retcode);
    if (copy_to_user(t->mm, frame, f, sizeof f) || signal_copy_siginfo(t, pinfo, info))
        return -EFAULT;
    enter_handler(t, frame, ka->handler, sig);
    task_pt_regs(t)->dx = pinfo;
    task_pt_regs(t)->cx = puc;
    return 0;
}

/* EV_SIGNAL_FRAME: a delivery's or a sigreturn's inputs, before any of
 * the frame is written or read (a replay, which has no CPU registers, takes
 * esp and ss from the recorded one first). */
static void trace_frame(struct task_struct *t, enum signal_frame_op op, int rt, uint32_t sig,
                        uint32_t handler)
{
    struct kernel *k = t->k;
    struct pt_regs *regs = task_pt_regs(t);
    if (k->signal_src.regs)
        k->signal_src.regs(k->signal_src.ctx, t, regs);
    if (!k->events)
        return;
    struct event ev = { .type = EV_SIGNAL_FRAME };
    task_event_ids(t, &ev);
    ev.u.signal = (struct signal_frame_event){ .op = (uint8_t)op, .rt = (uint8_t)rt, .signo = sig,
                                               .handler = handler, .sp = regs->sp,
                                               .ss = regs->ss & 0xffff };
    event_emit(k->events, &ev);
}

int signal_setup_frame(struct task_struct *t, uint32_t sig, const struct ksiginfo *info,
                       const struct sigaction_rec *ka, uint64_t oldset)
{
    trace_frame(t, SIGFRAME_DELIVER, (ka->flags & SA_SIGINFO_) != 0, sig, ka->handler);
    if (ka->flags & SA_SIGINFO_)
        return setup_rt_frame(t, sig, info, ka, oldset);
    return setup_frame(t, sig, ka, oldset);
}

/* ---- sigreturn ---- */

/*
 * restore_sigcontext: every general register, eip, esp; eflags through
 * FIX_EFLAGS; cs and ss forced to RPL 3 — memsim returns only to the flat
 * __USER_CS/__USER_DS (another would need an iret the engine cannot do from
 * the host, so it is refused as Linux's failed iret is: SIGILL ILL_BADSTK);
 * ds, es, fs, gs through load_user_segs (an invalid one becomes 0); the
 * FPU from the fpstate.  orig_ax -1: no syscall restart after this.
 * 0, -EFAULT (bad frame: SIGSEGV) or -EINVAL (bad cs/ss: SIGILL).
 */
static long restore_sigcontext(struct task_struct *t, uint32_t usc)
{
    struct pt_regs *regs = task_pt_regs(t);
    uint32_t sc[SIGCONTEXT_W];
    if (copy_from_user(t->mm, sc, usc, sizeof sc))
        return -EFAULT;
    regs->gs = sc[SC_GS] & 0xffff;
    regs->fs = sc[SC_FS] & 0xffff;
    regs->es = sc[SC_ES] & 0xffff;
    regs->ds = sc[SC_DS] & 0xffff;
    regs->bx = sc[SC_BX], regs->cx = sc[SC_CX], regs->ip = sc[SC_IP], regs->ax = sc[SC_AX];
    regs->sp = sc[SC_SP], regs->bp = sc[SC_BP], regs->si = sc[SC_SI], regs->di = sc[SC_DI];
    regs->dx = sc[SC_DX];
    regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc[SC_FLAGS] & FIX_EFLAGS);
    regs->orig_ax = (uint32_t)-1;
    uint32_t cs = (sc[SC_CS] & 0xffff) | 3, ss = (sc[SC_SS] & 0xffff) | 3;
    if (restore_fpstate(t, sc[SC_FPSTATE]))
        return -EFAULT;
    if (t->k->arch.load_user_segs)
        t->k->arch.load_user_segs(t->k->arch.ctx, t);
    if (cs != USER_CS_SEL || ss != USER_DS_SEL)
        return -EINVAL;
    return 0;
}

/* signal_fault / the failed iret: a frame sigreturn cannot use. */
static long bad_frame(struct task_struct *t, long why, const char *call, uint32_t frame)
{
    char msg[128];
    struct ksiginfo info = { .signo = why == -EINVAL ? SIGILL : SIGSEGV,
                             .code = why == -EINVAL ? KILL_BADSTK : KSI_KERNEL };
    snprintf(msg, sizeof msg, "%s: %s in the signal frame at 0x%08x", call,
             why == -EINVAL ? "cs/ss not the user segments" : "cannot read", frame);
    signal_force(t, &info, msg);
    return 0;
}

/* sigreturn (119): the legacy frame, esp 8 bytes into it (the handler's ret
 * popped pretcode, retcode's popl %eax the signal number). */
SYSCALL_DEFINE0(sigreturn)
{
    trace_frame(t, SIGFRAME_RETURN, 0, 0, 0);
    uint32_t frame = task_pt_regs(t)->sp - 8, lo, hi;
    if (copy_from_user(t->mm, &lo, frame + SF_SC + 4 * SC_OLDMASK, 4) ||
        copy_from_user(t->mm, &hi, frame + SF_EXTRAMASK, 4))
        return bad_frame(t, -EFAULT, "sigreturn", frame);
    t->sig.blocked = ((uint64_t)hi << 32 | lo) & ~SIG_UNBLOCKABLE;
    long r = restore_sigcontext(t, frame + SF_SC);
    return r ? bad_frame(t, r, "sigreturn", frame) : (long)(int32_t)task_pt_regs(t)->ax;
}

/* rt_sigreturn (173): esp 4 bytes into the rt frame; the mask, the
 * context, then the sigaltstack of uc_stack (its errors squashed). */
SYSCALL_DEFINE0(rt_sigreturn)
{
    trace_frame(t, SIGFRAME_RETURN, 1, 0, 0);
    uint32_t frame = task_pt_regs(t)->sp - 4, stack[3];
    uint64_t set;
    if (copy_from_user(t->mm, &set, frame + RT_UC + UC_SIGMASK, 8))
        return bad_frame(t, -EFAULT, "rt_sigreturn", frame);
    t->sig.blocked = set & ~SIG_UNBLOCKABLE;
    long r = restore_sigcontext(t, frame + RT_UC + UC_MCONTEXT);
    if (!r && copy_from_user(t->mm, stack, frame + RT_UC + UC_STACK, sizeof stack))
        r = -EFAULT;
    if (r)
        return bad_frame(t, r, "rt_sigreturn", frame);
    do_sigaltstack(t, stack, task_pt_regs(t)->sp);
    return (long)(int32_t)task_pt_regs(t)->ax;
}

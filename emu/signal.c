/*
 * signal.c — how a guest's run ends, and the fault slow path that decides it.
 *
 * Guest mistakes are the guest's: a fault the kernel model cannot resolve
 * sends the signal Linux would send (SIGSEGV with SEGV_MAPERR or
 * SEGV_ACCERR, SIGBUS, or the OOM killer's SIGKILL), an exception the CPU
 * raises sends the signal of Linux's trap handler (si_code and si_addr as
 * traps.c gives them).  A handler for it runs (the kernel model forces the
 * signal, the engine enters the kernel at the instruction boundary:
 * machine_signal_entry); without one the guest dies, and memsim reports it
 * in one line and keeps control.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "emu/machine.h"

/* The signal Linux's trap handlers send for each exception (arch/x86/kernel/traps.c). */
static int exception_signal(uint32_t intno)
{
    switch (intno) {
    case 0: case 16: case 19: return SIGFPE;    /* #DE, #MF, #XM */
    case 1: case 3:           return SIGTRAP;   /* #DB (also icebp), #BP */
    case 6:                   return SIGILL;    /* #UD */
    case 11: case 12: case 17: return SIGBUS;   /* #NP, #SS, #AC */
    default:                  return SIGSEGV;   /* #GP, #OF, #BR */
    }
}

static const char *exception_name(uint32_t intno)
{
    static const char *const names[] = {
        [0] = "#DE divide error", [1] = "#DB debug", [3] = "#BP breakpoint",
        [4] = "#OF overflow", [5] = "#BR bound range", [6] = "#UD invalid opcode",
        [7] = "#NM device not available", [10] = "#TS invalid TSS",
        [11] = "#NP segment not present", [12] = "#SS stack-segment fault",
        [13] = "#GP general protection", [16] = "#MF x87 error", [17] = "#AC alignment check",
        [19] = "#XM SIMD exception",
    };
    return intno < sizeof names / sizeof names[0] && names[intno] ? names[intno] : "software interrupt";
}

/* si_code and si_addr as Linux's trap handlers give them: #DE FPE_INTDIV
 * at the instruction, #UD ILL_ILLOPN at it, #BP TRAP_BRKPT (int3 reports
 * the address after it), #GP and the rest SI_KERNEL with no address. */
static struct ksiginfo exception_info(uint32_t intno, int sig, uint32_t eip)
{
    struct ksiginfo info = { .signo = sig, .code = KSI_KERNEL };
    switch (intno) {
    case 0:  info.code = KFPE_INTDIV, info.addr = eip; break;
    case 6:  info.code = KILL_ILLOPN, info.addr = eip; break;
    case 1: case 3: info.code = KTRAP_BRKPT; break;
    default: break;
    }
    return info;
}

/* A handler for the exception's signal, not blocked: forced, and the
 * engine stops before the instruction (a code-hook or interrupt-hook stop;
 * int3 has already executed: eip is past it, as on Linux).  1 if so. */
static int exception_to_handler(struct machine *m, uint32_t intno, int sig)
{
    struct task_struct *t = m->task;
    if (t->sighand->action[sig].handler <= 1 || (t->sig.blocked & sigmask_of((uint32_t)sig)))
        return 0;
    struct ksiginfo info = exception_info(intno, sig, m->eip);
    t->sig.trap_nr = intno;
    t->sig.error_code = 0;
    signal_force(t, &info, NULL);
    if (m->in_engine)
        uc_emu_stop(m->ctx->uc);
    return 1;
}

void machine_exception(struct machine *m, uint32_t intno, const char *why)
{
    int sig = exception_signal(intno);
    if (exception_to_handler(m, intno, sig))
        return;
    task_exit_signal(m->task, sig, "memsim: %s (%s, vector %u) at eip 0x%08x%s%s%s", signal_name(sig),
                 exception_name(intno), intno, m->eip, why ? " (" : "", why ? why : "", why ? ")" : "");
}

/* Would Unicorn itself refuse an access at va (no region, or a region
 * without the right)?  Then it stops precisely at the instruction. */
static int engine_refuses(const struct mm_context *c, uint32_t va, enum mmu_access acc)
{
    size_t lo = 0, hi = c->nr_regions;
    while (lo < hi) {                              /* sorted, non-overlapping */
        size_t mid = (lo + hi) / 2;
        const struct uc_region *r = &c->regions[mid];
        if (va < r->start)
            hi = mid;
        else if (va >= r->end)
            lo = mid + 1;
        else
            return !(r->perms & (acc == MMU_WRITE ? UC_PROT_WRITE : UC_PROT_READ));
    }
    return 1;
}

/*
 * The fault's signal.  It kills, or — when the guest has a handler for it
 * — is pending and the task lives: for a fetch the engine stops before the
 * instruction (a code-hook stop); for a data access Unicorn refuses itself
 * (no region, or not the right: hook_bad then returns false) it stops at
 * the faulting instruction, so the handler's return executes it again; an
 * access Unicorn would complete (SIGBUS past a file's end, a refused page
 * inside a region) lands on scratch memory and the handler runs after the
 * instruction, with si_addr right (Unicorn cannot undo it).
 */
static void deliver_fault(struct machine *m, enum fault_result r, uint32_t va, enum mmu_access acc)
{
    if (machine_stopped(m))
        return;
    task_fault_signal(m->task, r, va, acc, m->eip);
    if (machine_stopped(m) || (acc != MMU_FETCH && !engine_refuses(m->ctx, va, acc)))
        window_sacrifice(&m->ctx->win, va);        /* Unicorn still completes this access */
    else if (acc == MMU_FETCH && m->in_engine)
        uc_emu_stop(m->ctx->uc);                   /* before the instruction runs */
}

/* timing_fault_fn: the kernel model resolves the fault the walk reported. */
static int resolve_fault(void *ctx, uint32_t va, uint32_t ec, enum mmu_access acc)
{
    struct machine *m = ctx;
    enum fault_result r = do_page_fault(m->task->mm, va, ec, acc, m->eip);
    if (r == FAULT_OK)
        return 0;
    deliver_fault(m, r, va, acc);
    return -1;
}

int machine_access(struct machine *m, uint32_t va, enum mmu_access acc, int user, uint64_t *pa)
{
    int r = timing_translate_slow(&m->tm, va, acc, user, pa, resolve_fault, m);
    if (r != -2)
        return r;
    task_exit_signal(m->task, SIGSEGV, "memsim: internal error: fault at 0x%08x (eip 0x%08x) did not resolve",
                 va, m->eip);
    return -1;
}

/*
 * Fault in the page at va for an access the model does not count (Unicorn
 * reading code to translate a block): the fault the first real fetch would
 * take, without touching the TLBs.  Returns 0, or -1 when the guest died.
 */
int machine_fault_in(struct machine *m, uint32_t va, enum mmu_access acc)
{
    if (user_page_present(m->task->mm, va))
        return 0;
    uint32_t ec = X86_PF_USER | (acc == MMU_WRITE ? X86_PF_WRITE : 0) |
                  (acc == MMU_FETCH && (m->mmu.efer & X86_EFER_NXE) ? X86_PF_INSTR : 0);
    enum fault_result r = do_page_fault(m->task->mm, va, ec, acc, m->eip);
    m->tm.fetch_line = UINT32_MAX;
    if (r != FAULT_OK) {
        deliver_fault(m, r, va, acc);
        return -1;
    }
    return 0;
}

/* ---- the arch ops a signal frame needs (kernel-model/arch_ops.h) ---- */

/*
 * The FPU/SSE state as FXSAVE stores it (Intel SDM Vol. 1 §10.5.1):
 * FCW, FSW, the abridged tag byte (bit i: physical register i not empty),
 * FOP, FIP, FCS, FDP, FDS, MXCSR, MXCSR_MASK, ST0-7 in stack order (ST(i)
 * is physical register (TOP + i) & 7, Unicorn's FPi), XMM0-7.  Read from
 * Unicorn's registers, so it is the state QEMU keeps (FIP and friends as
 * QEMU tracks them).
 */
void machine_fpu_save(void *ctx, struct task_struct *t, uint8_t fx[512])
{
    struct machine *m = ctx;
    uc_engine *uc = m->ctx->uc;
    uint64_t fcw = 0, fsw = 0, ftag = 0, fop = 0, fip = 0, fcs = 0, fdp = 0, fds = 0, mxcsr = 0;
    (void)t;
    uc_reg_read(uc, UC_X86_REG_FPCW, &fcw);
    uc_reg_read(uc, UC_X86_REG_FPSW, &fsw);
    uc_reg_read(uc, UC_X86_REG_FPTAG, &ftag);
    uc_reg_read(uc, UC_X86_REG_FOP, &fop);
    uc_reg_read(uc, UC_X86_REG_FIP, &fip);
    uc_reg_read(uc, UC_X86_REG_FCS, &fcs);
    uc_reg_read(uc, UC_X86_REG_FDP, &fdp);
    uc_reg_read(uc, UC_X86_REG_FDS, &fds);
    uc_reg_read(uc, UC_X86_REG_MXCSR, &mxcsr);
    memset(fx, 0, 512);
    uint8_t abridged = 0;
    for (int i = 0; i < 8; i++)
        if (((ftag >> (2 * i)) & 3) != 3)
            abridged |= (uint8_t)(1u << i);
    uint16_t w16[2] = { (uint16_t)fcw, (uint16_t)fsw };
    uint32_t mx[2] = { (uint32_t)mxcsr, 0x0000ffffu };    /* QEMU's MXCSR_MASK */
    memcpy(fx, w16, 4);
    fx[4] = abridged;
    memcpy(fx + 6, &fop, 2);
    memcpy(fx + 8, &fip, 4);
    memcpy(fx + 12, &fcs, 2);
    memcpy(fx + 16, &fdp, 4);
    memcpy(fx + 20, &fds, 2);
    memcpy(fx + 24, mx, 8);
    unsigned top = (unsigned)(fsw >> 11) & 7;
    for (unsigned i = 0; i < 8; i++) {
        uint8_t st[16] = { 0 };
        uc_reg_read(uc, UC_X86_REG_FP0 + (int)((top + i) & 7), st);
        memcpy(fx + 32 + 16 * i, st, 10);
        uc_reg_read(uc, UC_X86_REG_XMM0 + (int)i, fx + 160 + 16 * i);
    }
}

/* FXRSTOR of an image: the abridged tag expanded (a non-empty register
 * gets a non-empty tag; Unicorn recomputes the kind from the value). */
void machine_fpu_restore(void *ctx, struct task_struct *t, const uint8_t fx[512])
{
    struct machine *m = ctx;
    uc_engine *uc = m->ctx->uc;
    uint16_t fcw, fsw, fop = 0, fcs = 0, fds = 0, ftag = 0;
    uint32_t fip, fdp, mxcsr;
    (void)t;
    memcpy(&fcw, fx, 2);
    memcpy(&fsw, fx + 2, 2);
    memcpy(&fop, fx + 6, 2);
    memcpy(&fip, fx + 8, 4);
    memcpy(&fcs, fx + 12, 2);
    memcpy(&fdp, fx + 16, 4);
    memcpy(&fds, fx + 20, 2);
    memcpy(&mxcsr, fx + 24, 4);
    for (int i = 0; i < 8; i++)
        if (!(fx[4] & (1u << i)))
            ftag |= (uint16_t)(3u << (2 * i));
    unsigned top = (unsigned)(fsw >> 11) & 7;
    for (unsigned i = 0; i < 8; i++) {
        uint8_t st[16] = { 0 };
        memcpy(st, fx + 32 + 16 * i, 10);
        uc_reg_write(uc, UC_X86_REG_FP0 + (int)((top + i) & 7), st);
        uc_reg_write(uc, UC_X86_REG_XMM0 + (int)i, fx + 160 + 16 * i);
    }
    uc_reg_write(uc, UC_X86_REG_FPCW, &fcw);
    uc_reg_write(uc, UC_X86_REG_FPSW, &fsw);
    uc_reg_write(uc, UC_X86_REG_FPTAG, &ftag);
    uc_reg_write(uc, UC_X86_REG_MXCSR, &mxcsr);
    uc_reg_write(uc, UC_X86_REG_FOP, &fop);
    uc_reg_write(uc, UC_X86_REG_FIP, &fip);
    uc_reg_write(uc, UC_X86_REG_FCS, &fcs);
    uc_reg_write(uc, UC_X86_REG_FDP, &fdp);
    uc_reg_write(uc, UC_X86_REG_FDS, &fds);
}

/*
 * ds, es, fs, gs from pt_regs (sigreturn, a handler's entry).  A selector
 * the CPU would refuse at CPL 3 becomes the null selector, as Linux's
 * segment-load fixups make it (loadsegment for gs; the entry code's
 * pop %ds/%es/%fs fixups); the hidden parts are reread before the next
 * access (sreg_stale).
 */
void machine_load_user_segs(void *ctx, struct task_struct *t)
{
    static const int uc_reg[4] = { UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS };
    struct machine *m = ctx;
    struct pt_regs *regs = task_pt_regs(t);
    uint32_t *want[4] = { &regs->ds, &regs->es, &regs->fs, &regs->gs };
    m->kernel_seg_load = 1;
    for (int i = 0; i < 4; i++) {
        uint32_t cur = 0, sel = *want[i] & 0xffff, zero = 0;
        uc_reg_read(m->ctx->uc, uc_reg[i], &cur);
        if ((cur & 0xffff) == sel)
            continue;
        if (uc_reg_write(m->ctx->uc, uc_reg[i], &sel) != UC_ERR_OK) {
            uc_reg_write(m->ctx->uc, uc_reg[i], &zero);
            *want[i] = 0;
        }
        m->sreg_stale = 1;
    }
    m->kernel_seg_load = 0;
}

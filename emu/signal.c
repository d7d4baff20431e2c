/*
 * signal.c — how a guest's run ends, and the fault slow path that decides it.
 *
 * Guest mistakes are the guest's: a fault the kernel model cannot resolve
 * kills the guest with the signal Linux would send (SIGSEGV with
 * SEGV_MAPERR or SEGV_ACCERR, SIGBUS, or the OOM killer's SIGKILL), an
 * exception the CPU raises kills it with the signal of Linux's trap handler,
 * and memsim reports it in one line and keeps control.
 */
#include <signal.h>
#include <stdio.h>
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

void machine_exception(struct machine *m, uint32_t intno, const char *why)
{
    int sig = exception_signal(intno);
    task_exit_signal(m->task, sig, "memsim: %s (%s, vector %u) at eip 0x%08x%s%s%s", signal_name(sig),
                 exception_name(intno), intno, m->eip, why ? " (" : "", why ? why : "", why ? ")" : "");
}

static void deliver_fault(struct machine *m, enum fault_result r, uint32_t va, enum mmu_access acc)
{
    if (machine_stopped(m))
        return;
    window_sacrifice(&m->ctx->win, va);            /* Unicorn still completes this access */
    task_fault_signal(m->task, r, va, acc, m->eip);
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

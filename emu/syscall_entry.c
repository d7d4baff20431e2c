/*
 * syscall_entry.c — the int 0x80 / sysenter gate into the kernel model, and
 * the arch ops the kernel calls back for what only the engine can do.
 *
 * The gate moves the user registers into the task's pt_regs (ptrace.h:
 * the number in eax becomes orig_ax, the arguments are ebx, ecx, edx, esi,
 * edi, ebp), charges the call's cost (the timing model is emu's), hands the
 * rest to syscall_dispatch, and on the way out loads the CPU from pt_regs:
 * eax (regs->ax: the result, -4095..-1 meaning -errno) and every other
 * general register, eip, esp and eflags the kernel changed.  Writing only
 * what changed keeps a call's cost to one batched read and one write.  The
 * selectors are not loaded back: the segment path (cpu.c) owns them.  The
 * run loop stops once the task is dead.
 */
#include <errno.h>
#include <stddef.h>
#include "emu/machine.h"

/* pt_regs field <-> engine register, in pt_regs order (orig_ax is the
 * kernel's own); the first NR_LOADED are loaded back on the way out. */
static const struct { size_t off; int reg; } regmap[] = {
    { offsetof(struct pt_regs, ax), UC_X86_REG_EAX },
    { offsetof(struct pt_regs, bx), UC_X86_REG_EBX },
    { offsetof(struct pt_regs, cx), UC_X86_REG_ECX },
    { offsetof(struct pt_regs, dx), UC_X86_REG_EDX },
    { offsetof(struct pt_regs, si), UC_X86_REG_ESI },
    { offsetof(struct pt_regs, di), UC_X86_REG_EDI },
    { offsetof(struct pt_regs, bp), UC_X86_REG_EBP },
    { offsetof(struct pt_regs, ip), UC_X86_REG_EIP },
    { offsetof(struct pt_regs, flags), UC_X86_REG_EFLAGS },
    { offsetof(struct pt_regs, sp), UC_X86_REG_ESP },
    { offsetof(struct pt_regs, ds), UC_X86_REG_DS },
    { offsetof(struct pt_regs, es), UC_X86_REG_ES },
    { offsetof(struct pt_regs, fs), UC_X86_REG_FS },
    { offsetof(struct pt_regs, gs), UC_X86_REG_GS },
    { offsetof(struct pt_regs, cs), UC_X86_REG_CS },
    { offsetof(struct pt_regs, ss), UC_X86_REG_SS },
};
#define NR_REGMAP (sizeof regmap / sizeof regmap[0])
#define NR_LOADED 10            /* ax .. sp */

static uint32_t *reg_field(struct pt_regs *regs, unsigned i)
{
    return (uint32_t *)((char *)regs + regmap[i].off);
}

/* The kernel entry: the CPU's user registers into regs. */
static void save_user_regs(struct machine *m, struct pt_regs *regs)
{
    int ids[NR_REGMAP];
    void *vals[NR_REGMAP];
    *regs = (struct pt_regs){ 0 };      /* a selector read fills its low 16 bits */
    for (unsigned i = 0; i < NR_REGMAP; i++) {
        ids[i] = regmap[i].reg;
        vals[i] = reg_field(regs, i);
    }
    uc_reg_read_batch(m->ctx->uc, ids, vals, NR_REGMAP);
    regs->orig_ax = regs->ax;
}

/* The return to user mode: load the CPU from regs where the kernel changed
 * it since entry. */
static void restore_user_regs(struct machine *m, struct pt_regs *regs, const struct pt_regs *entry)
{
    for (unsigned i = 0; i < NR_LOADED; i++) {
        uint32_t *v = reg_field(regs, i);
        if (*v != *reg_field((struct pt_regs *)entry, i))
            uc_reg_write(m->ctx->uc, regmap[i].reg, v);
    }
}

/*
 * sysenter as an i386 kernel runs it (entry_SYSENTER_32 and
 * __do_fast_syscall_32): the call in eax with its arguments in ebx, ecx,
 * edx, esi, edi and the sixth at [ebp], where the vDSO's __kernel_vsyscall
 * leaves it; if [ebp] cannot be read the result is -EFAULT and no call is
 * made.  Linux then returns to the vDSO's landing pad (pop ebp, edx, ecx;
 * ret).  memsim has no vDSO, so the guest resumes after the sysenter with
 * every register but eax unchanged, as after int 0x80: what a caller of
 * __kernel_vsyscall sees on Linux.  A restart after a signal (eip - 2)
 * lands on the sysenter itself with ebp already back at the pointer, so it
 * reads the sixth argument again: Linux's restart lands on the vDSO's
 * int $0x80 just before the landing pad with ebp holding the argument —
 * the same call either way (the signal frame, built after the fix-up,
 * saves the guest's own ebp).
 */
static void sysenter_dispatch(struct machine *m, struct pt_regs *regs)
{
    uint32_t ebp = regs->bp, arg6;
    if (copy_from_user(m->task->mm, &arg6, ebp, sizeof arg6)) {
        regs->ax = (uint32_t)-EFAULT;
        return;
    }
    regs->bp = arg6;
    timing_charge_syscall(&m->tm);
    m->in_sysenter = 1;                 /* a fork's child gets ebp, not arg6 */
    m->sysenter_ebp = ebp;
    syscall_handle(m->task);
    m->in_sysenter = 0;
    if (!m->execed)
        regs->bp = ebp;                 /* the landing pad's pop ebp */
    syscall_exit_to_user_mode(m->task);
}

void machine_syscall(struct machine *m, int sysenter)
{
    struct pt_regs *regs = task_pt_regs(m->task);
    save_user_regs(m, regs);
    struct pt_regs entry = *regs;
    m->execed = 0;
    if (sysenter)
        sysenter_dispatch(m, regs);
    else {
        timing_charge_syscall(&m->tm);
        syscall_dispatch(m->task);
    }
    if (m->execed)                      /* a new engine: every register is the new image's */
        machine_load_pt_regs(m, task_pt_regs(m->task));
    else
        restore_user_regs(m, regs, &entry);
    m->execed = 0;
    m->signal_stop = 0;                 /* the return to user mode delivered them */
    machine_update_stop(m);
}

void machine_load_pt_regs(struct machine *m, const struct pt_regs *regs)
{
    for (unsigned i = 0; i < NR_LOADED; i++)
        uc_reg_write(m->ctx->uc, regmap[i].reg, reg_field((struct pt_regs *)regs, i));
}

/* The engine's registers are the task's at the call's entry (it has not
 * run since): what the completed call left in pt_regs is loaded whole. */
void machine_syscall_resume(struct machine *m)
{
    syscall_resume(m->task);
    if (m->task->restart.active || machine_stopped(m))
        return;
    machine_load_pt_regs(m, task_pt_regs(m->task));
    m->signal_stop = 0;
    machine_update_stop(m);
}

/* The kernel entered between two instructions for a signal (a timer's, a
 * fault's, an exception's: m->signal_stop): as an interrupt's return to
 * user mode, pending signals act on the registers the CPU has now. */
void machine_signal_entry(struct machine *m)
{
    struct pt_regs *regs = task_pt_regs(m->task);
    m->signal_stop = 0;
    machine_update_stop(m);
    save_user_regs(m, regs);
    struct pt_regs entry = *regs;
    signal_return_to_user(m->task);
    if (!machine_stopped(m))
        restore_user_regs(m, regs, &entry);
}

/* ---- the kernel's arch ops ---- */

static void arch_load_tls(void *ctx, struct task_struct *t, unsigned i)
{
    cpu_write_tls(ctx, GDT_ENTRY_TLS_MIN + i, t->tls_array[i]);
}

/* The LDT: its pages mapped read-only into Unicorn at their vmalloc
 * addresses, LDTR pointing at it. */
static int arch_load_ldt(void *ctx, struct task_struct *t)
{
    struct machine *m = ctx;
    for (uint32_t off = 0; off < LDT_SIZE; off += PAGE_SIZE)
        if (hostmap_map_kernel_va(m->ctx, t->ldt + off, vmalloc_to_pfn(&m->k, t->ldt + off), 0))
            return -1;
    if (!m->ldt_view && !(m->ldt_view = malloc(LDT_SIZE)))
        return -1;
    uc_x86_mmr ldtr = { 0, t->ldt, LDT_SIZE - 1, 0x82 };
    return uc_reg_write(m->ctx->uc, UC_X86_REG_LDTR, &ldtr) == UC_ERR_OK ? 0 : -1;
}

static void arch_task_dead(void *ctx, struct task_struct *t)
{
    struct machine *m = ctx;
    if (m->in_engine && t == m->task)
        uc_emu_stop(m->ctx->uc);
}

static void arch_advance_clock(void *ctx, uint64_t delta)
{
    ((struct machine *)ctx)->tm.cycles += delta;
}

/* A signal is pending for the running task: enter the kernel at the next
 * instruction boundary (cpu.c's code hook stops there; a fault's hook_bad
 * stops at once; the system call path delivers on its own way out). */
static void arch_signal_pending(void *ctx, struct task_struct *t)
{
    struct machine *m = ctx;
    if (t != m->task)
        return;                         /* the run loop looks when t runs next */
    m->signal_stop = 1;
    machine_update_stop(m);
}

void machine_arch_ops(struct machine *m, struct kernel_arch_ops *ops)
{
    *ops = (struct kernel_arch_ops){
        .ctx = m, .load_tls = arch_load_tls, .load_ldt = arch_load_ldt,
        .task_dead = arch_task_dead, .advance_clock = arch_advance_clock,
        .fpu_save = machine_fpu_save, .fpu_restore = machine_fpu_restore,
        .load_user_segs = machine_load_user_segs,
        .signal_pending = arch_signal_pending, .exec_binary = machine_exec_binary,
    };
    machine_task_ops(ops);
}

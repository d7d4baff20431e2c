/*
 * syscall_entry.c — the int 0x80 / sysenter gate into the kernel model, and
 * the arch ops the kernel calls back for what only the engine can do.
 *
 * Arguments arrive in ebx, ecx, edx, esi, edi, ebp, the number in eax; the
 * result goes back in eax, -4095..-1 meaning -errno.  The gate charges the
 * call's cost (the timing model is emu's), hands the rest to
 * syscall_dispatch, and the run loop stops once the task is dead.
 */
#include "emu/machine.h"

static const int arg_regs[6] = { UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,
                                 UC_X86_REG_ESI, UC_X86_REG_EDI, UC_X86_REG_EBP };

void machine_syscall(struct machine *m)
{
    uint32_t nr, a[6];
    uc_reg_read(m->ctx->uc, UC_X86_REG_EAX, &nr);
    for (int i = 0; i < 6; i++)
        uc_reg_read(m->ctx->uc, arg_regs[i], &a[i]);
    m->cycles += m->cpu.syscall_cost;
    m->syscall_cycles += m->cpu.syscall_cost;
    uint32_t eax = (uint32_t)syscall_dispatch(m->task, nr, a);
    uc_reg_write(m->ctx->uc, UC_X86_REG_EAX, &eax);
}

/* ---- the kernel's arch ops ---- */

static void arch_load_tls(void *ctx, struct task_struct *t, unsigned i)
{
    cpu_write_tls(ctx, GDT_ENTRY_TLS_MIN + i, t->tls_array[i]);
}

/* The LDT: mapped read-only into Unicorn at its direct-map address, LDTR
 * pointing at it. */
static int arch_load_ldt(void *ctx, struct task_struct *t)
{
    struct machine *m = ctx;
    for (uint32_t i = 0; i < (1u << LDT_ORDER); i++)
        if (hostmap_map_kernel_page(m, t->ldt_pfn + i, 0))
            return -1;
    uc_x86_mmr ldtr = { 0, PAGE_OFFSET + (t->ldt_pfn << PAGE_SHIFT), LDT_ENTRIES * 8 - 1, 0x82 };
    return uc_reg_write(m->ctx->uc, UC_X86_REG_LDTR, &ldtr) == UC_ERR_OK ? 0 : -1;
}

static uint32_t arch_user_sp(void *ctx, struct task_struct *t)
{
    struct machine *m = ctx;
    uint32_t esp = 0;
    uc_reg_read(m->ctx->uc, UC_X86_REG_ESP, &esp);
    return esp;
}

static uint32_t arch_user_ip(void *ctx, struct task_struct *t)
{
    return ((struct machine *)ctx)->eip;
}

static void arch_task_dead(void *ctx, struct task_struct *t)
{
    struct machine *m = ctx;
    if (m->in_engine)
        uc_emu_stop(m->ctx->uc);
}

static void arch_advance_clock(void *ctx, uint64_t delta)
{
    ((struct machine *)ctx)->cycles += delta;
}

void machine_arch_ops(struct machine *m, struct kernel_arch_ops *ops)
{
    *ops = (struct kernel_arch_ops){
        .ctx = m, .load_tls = arch_load_tls, .load_ldt = arch_load_ldt,
        .user_sp = arch_user_sp, .user_ip = arch_user_ip,
        .task_dead = arch_task_dead, .advance_clock = arch_advance_clock,
    };
}

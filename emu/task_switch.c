/*
 * task_switch.c — the engine's side of several tasks: an engine per
 * address space, the CPU state of each task, and the switch between them
 * (the kernel's arch ops mm_init, mm_destroy, fork_arch and switch_to).
 *
 * An mm_context owns one Unicorn engine (its physical space is the mm's
 * linear space, so an engine cannot be shared by two mms).  The tasks of
 * one mm (threads, a vfork child before it execs) share its engine; which
 * of them the engine's registers belong to is the context's `live`.  A
 * task's registers are saved (uc_context_save) only when another task of
 * the same engine takes it, so a switch between processes costs no
 * register traffic at all: each engine keeps its own task's state.
 *
 * A new task has never run: it starts at ret_from_fork, where its user
 * registers come from its pt_regs (what copy_process made of its parent's
 * at the system call: eax 0, perhaps a new stack), its FPU from the image
 * its parent had at the fork, and its TLS descriptors from its
 * tls_array.  An engine made by fork is first taken to user mode by the
 * same iret cpu_enter_user does for exec, then gets its hooks.
 *
 * An address space whose last user is gone (mmput) may be the one whose
 * engine is running (a task killed inside a hook): closing it there would
 * pull Unicorn out from under itself, so its context goes on m->dead_ctx
 * and machine_reap_contexts closes it outside the engine.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "emu/machine.h"

struct task_arch {
    struct list_head node;          /* on m->task_archs */
    uc_context *cpu;                /* its registers while another task of its
                                       engine holds the engine (NULL until then) */
    int fresh;                      /* never ran: ret_from_fork loads it */
    uint8_t fx[512];                /* a fresh task's FPU: its parent's at the fork */
};

static struct task_arch *task_arch_new(struct machine *m)
{
    struct task_arch *a = calloc(1, sizeof *a);
    if (a)
        list_add_tail(&a->node, &m->task_archs);
    return a;
}

static void task_arch_free(struct task_arch *a)
{
    list_del_init(&a->node);
    if (a->cpu)
        uc_context_free(a->cpu);
    free(a);
}

int machine_task_arch_init(struct machine *m, struct task_struct *t)
{
    struct task_arch *a = task_arch_new(m);
    if (!a)
        return -1;
    t->arch = a;
    m->ctx->live = a;               /* exec's engine holds this task's registers */
    return 0;
}

void machine_task_archs_free(struct machine *m)
{
    while (!list_empty(&m->task_archs))
        task_arch_free(list_first_entry(&m->task_archs, struct task_arch, node));
}

/* ---- address spaces ---- */

/* mm_init: fork's new mm gets an engine of its own, set up as a CPU of
 * this machine and attached before dup_mm copies a VMA into it, so the
 * host-mapping notifier mirrors every one. */
static int arch_mm_init(void *ctx, struct mm_struct *mm)
{
    struct machine *m = ctx;
    char err[200];
    struct mm_context *c = mm_context_create(m, err, sizeof err);
    if (!c)
        return -ENOMEM;
    if (cpu_setup_engine(m, c)) {
        mm_context_destroy(c);
        return -ENOMEM;
    }
    mm_context_attach(c, mm);
    return 0;
}

/* mm_destroy: the mm's frames are about to go; its host side is no longer
 * told (mm_context_detach) and goes when it cannot be running. */
static void arch_mm_destroy(void *ctx, struct mm_struct *mm)
{
    struct machine *m = ctx;
    struct mm_context *c = mm->context;
    if (!c)
        return;
    mm_context_detach(c);
    c->next_dead = m->dead_ctx;
    m->dead_ctx = c;
}

void machine_reap_contexts(struct machine *m, int all)
{
    struct mm_context **pp = &m->dead_ctx;
    while (*pp) {
        struct mm_context *c = *pp;
        if (c == m->ctx && !all) {
            pp = &c->next_dead;
            continue;
        }
        *pp = c->next_dead;
        m->dc_misses_gone += c->dc.misses;
        if (c == m->ctx)
            m->ctx = NULL;
        mm_context_destroy(c);
    }
}

/* ---- tasks ---- */

/* fork_arch: the child's CPU is its parent's at the call: what pt_regs do
 * not hold (the FPU) is taken now, while the parent's engine holds it.  A
 * sysenter's ebp is the sixth argument during the call; the child returns
 * through the same landing pad as its parent, so it gets the user's ebp. */
static int arch_fork_arch(void *ctx, struct task_struct *parent, struct task_struct *child)
{
    struct machine *m = ctx;
    struct task_arch *a = task_arch_new(m);
    if (!a)
        return -ENOMEM;
    a->fresh = 1;
    machine_fpu_save(m, parent, a->fx);
    if (m->in_sysenter)
        task_pt_regs(child)->bp = m->sysenter_ebp;
    child->arch = a;
    return 0;
}

/* The registers ret_from_fork loads: the general ones, eip, esp, eflags,
 * then the data selectors (after the TLS descriptors are in the GDT, so a
 * CLONE_SETTLS %gs reads the child's). */
static int ret_from_fork(struct machine *m, struct task_struct *t)
{
    struct mm_context *c = m->ctx;
    struct task_arch *a = t->arch;
    struct pt_regs *regs = task_pt_regs(t);
    if (!c->entered) {
        /* an engine made by fork: to CPL 3 as exec's first entry goes */
        if (cpu_enter_user(m, regs->ip, regs->sp) || cpu_add_hooks(m, c))
            return -1;
        c->entered = 1;
    }
    machine_load_pt_regs(m, regs);
    /* the LDT its fork copied (ldt_dup): mapped in this engine, LDTR at it,
     * before any selector is read from it */
    if (t->ldt && m->k.arch.load_ldt && m->k.arch.load_ldt(m, t))
        return -1;
    /* a selector equal to the one loaded is not reloaded by
     * load_user_segs: clear fs and gs so both are read again from the
     * GDT, which now holds this task's TLS */
    uint32_t zero = 0;
    uc_reg_write(c->uc, UC_X86_REG_FS, &zero);
    uc_reg_write(c->uc, UC_X86_REG_GS, &zero);
    machine_load_user_segs(m, t);
    machine_fpu_restore(m, t, a->fx);
    a->fresh = 0;
    return 0;
}

/* The engine's registers become next's: saved for the task that held
 * them, if it lives, and next's loaded. */
static int take_engine(struct machine *m, struct task_struct *next)
{
    struct mm_context *c = m->ctx;
    struct task_arch *a = next->arch;
    if (c->live == a)
        return 0;
    if (c->live) {
        if (!c->live->cpu && uc_context_alloc(c->uc, &c->live->cpu) != UC_ERR_OK)
            return -1;
        uc_context_save(c->uc, c->live->cpu);
    }
    c->live = a;
    if (a->fresh)
        return ret_from_fork(m, next);
    return uc_context_restore(c->uc, a->cpu) == UC_ERR_OK ? 0 : -1;
}

/*
 * switch_to: the machine runs next.  next's TLS descriptors go into the GDT every engine shares
 * (load_TLS); the segment shadows are reread from the engine before the
 * next access (sreg_stale), as after any segment load.
 */
static void arch_switch_to(void *ctx, struct task_struct *prev, struct task_struct *next)
{
    struct machine *m = ctx;
    (void)acct_charge(&m->acct, &m->tm, prev);   /* prev's turn ends here */
    m->task = next;
    m->ctx = next->mm->context;
    m->mmu.pid = next->tgid;
    interrupt_engine(m->ctx->uc);
    for (unsigned i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
        cpu_write_tls(m, GDT_ENTRY_TLS_MIN + i, next->tls_array[i]);
    if (take_engine(m, next)) {
        task_exit_signal(next, SIGKILL, "memsim: cannot switch the CPU to pid %u", next->pid);
        return;
    }
    m->sreg_stale = 1;
    m->insn = NULL;
    m->tm.fetch_line = UINT32_MAX;
}

/* free_task: a released task's CPU state goes (a context still marked as
 * holding it holds nobody's now). */
static void arch_free_task(void *ctx, struct task_struct *t)
{
    struct machine *m = ctx;
    struct task_arch *a = t->arch;
    if (!a)
        return;
    struct mm_context *c = t->mm ? t->mm->context : NULL;
    if (c && c->live == a)
        c->live = NULL;
    if (m->ctx && m->ctx->live == a)
        m->ctx->live = NULL;
    for (struct mm_context *d = m->dead_ctx; d; d = d->next_dead)
        if (d->live == a)
            d->live = NULL;
    task_arch_free(a);
    t->arch = NULL;
}

void machine_task_ops(struct kernel_arch_ops *ops)
{
    ops->free_task = arch_free_task;
    ops->mm_init = arch_mm_init;
    ops->mm_destroy = arch_mm_destroy;
    ops->fork_arch = arch_fork_arch;
    ops->switch_to = arch_switch_to;
}

/* exec's new engine becomes t's (binfmt.h: after the point of no return):
 * the old context, whose mm begin_new_exec dropped, no longer holds t's
 * registers (a vfork parent sharing it gets its own back when it runs),
 * and t's saved registers, which were the old engine's, go. */
void machine_exec_context(struct machine *m, struct task_struct *t, struct mm_context *c)
{
    struct task_arch *a = t->arch;
    if (m->ctx && a && m->ctx->live == a)
        m->ctx->live = NULL;
    if (a && a->cpu) {
        uc_context_free(a->cpu);
        a->cpu = NULL;
    }
    if (a)
        a->fresh = 0;
    m->ctx = c;
    c->live = a;
    interrupt_engine(c->uc);
}

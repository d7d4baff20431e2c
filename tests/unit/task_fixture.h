/*
 * task_fixture.h — a task on a booted kernel (kernel_fixture.h) for the
 * tests that make system calls: a clock without an engine, the task owning
 * the fixture's mm.  Header-only, like kernel_fixture.h.  The system-call
 * numbers are i386_unistd.h's.
 */
#ifndef MEMSIM_TASK_FIXTURE_H
#define MEMSIM_TASK_FIXTURE_H

#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "tests/unit/i386_unistd.h"
#include "tests/unit/kernel_fixture.h"

static uint64_t fixture_cycles;

static void fixture_advance(void *ctx, uint64_t delta) { (void)ctx; fixture_cycles += delta; }

/* A booted kernel with a clock and no engine, and a task owning s->mm. */
static inline struct task_struct *boot_task(struct sys *s)
{
    if (sys_boot(s, 16u << 20, NULL, GUEST_PID))
        return NULL;
    fixture_cycles = 0;
    s->k.clock = (struct kernel_clock){ .cycles = &fixture_cycles, .hz = 1000000000u,
                                        .timer_cycle = UINT64_MAX };
    s->k.arch = (struct kernel_arch_ops){ .advance_clock = fixture_advance };
    struct task_struct *t = task_alloc(&s->k, GUEST_PID, "/usr/bin/prog");
    CHECK(t != NULL);
    t->mm = s->mm;
    s->mm = NULL;                       /* the task owns it now */
    return t;
}

/* System call nr(a) of t as the engine makes it: the entry registers in
 * its pt_regs, then the dispatch; the result is also in regs->ax. */
static inline long fixture_syscall(struct task_struct *t, uint32_t nr, const uint32_t a[6])
{
    syscall_set_entry(task_pt_regs(t), nr, a);
    long ret = syscall_dispatch(t);
    CHECK_EQ(task_pt_regs(t)->ax, (uint32_t)ret);
    return ret;
}

/* A fresh page of the task's user memory (anonymous, read-write). */
static inline uint32_t user_page(struct task_struct *t)
{
    long addr = do_mmap(t->mm, 0, PAGE_SIZE, PROT_READ_ | PROT_WRITE_,
                        MAP_PRIVATE_ | MAP_ANONYMOUS_, NULL, 0, 0, NULL);
    CHECK(addr > 0);
    return (uint32_t)addr;
}

#endif

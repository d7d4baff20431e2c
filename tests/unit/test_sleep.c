/* Sleeping through the scheduler (kernel-model/sys_time.c): with another
 * task alive nanosleep and clock_nanosleep block with a deadline instead
 * of advancing the clock themselves, the other task runs meanwhile and the
 * clock advances only when nobody can run (kernel_idle); a handled signal
 * ends the sleep with -EINTR and the time left; TIMER_ABSTIME sleeps to a
 * clock reading; sched_yield sends the caller to the tail of the run queue.
 * Alone, a sleep advances the clock at once as it always did.  The clock is
 * the fixture's: 1 GHz, so one cycle is one nanosecond. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "kernel-model/sys_internal.h"
#include "tests/unit/task_fixture.h"

#define CLOCK_MONOTONIC_ 1u
#define TIMER_ABSTIME_   1u

static uint32_t user_sp;                         /* the stack a signal frame goes on */

static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
                 uint32_t a3)
{
    uint32_t a[6] = { a0, a1, a2, a3, 0, 0 };
    context_switch(t->k, t);
    syscall_set_entry(task_pt_regs(t), nr, a);
    task_pt_regs(t)->sp = user_sp;
    return syscall_dispatch(t);
}

static long resume(struct task_struct *t)
{
    context_switch(t->k, t);
    return syscall_resume(t);
}

/* A second task sharing the mm (a thread's view of the scheduler). */
static struct task_struct *second_task(struct task_struct *a)
{
    struct task_struct *b = task_alloc(a->k, alloc_pid(a->k), "/usr/bin/other");
    CHECK(b != NULL);
    b->mm = a->mm;
    b->mm->mm_users++;
    wake_up_new_task(b);
    return b;
}

static void put_ts(struct task_struct *t, uint32_t addr, int32_t sec, int32_t nsec)
{
    int32_t ts[2] = { sec, nsec };
    context_switch(t->k, t);
    CHECK_EQ(copy_to_user(t->mm, addr, ts, sizeof ts), 0);
}

static void get_ts(struct task_struct *t, uint32_t addr, int32_t ts[2])
{
    context_switch(t->k, t);
    CHECK_EQ(copy_from_user(t->mm, ts, addr, 8), 0);
}

static void finish(struct sys *s, struct task_struct *a, struct task_struct *b)
{
    if (b)
        task_free(b);
    task_free(a);
    sys_fini(s);
}

/* Two sleepers: each blocks, the clock does not move until both sleep,
 * then it jumps to the earlier deadline, then to the later one. */
static void test_two_sleepers(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    struct task_struct *b = second_task(a);
    uint32_t page = user_page(a);
    put_ts(a, page, 0, 3000000);                     /* a: 3 ms */
    put_ts(a, page + 8, 0, 1000000);                 /* b: 1 ms */
    uint64_t t0 = fixture_cycles;
    CHECK_EQ(call(a, NR_NANOSLEEP, page, 0, 0, 0), -ERESTART_BLOCK);
    CHECK_EQ(a->state, TASK_INTERRUPTIBLE);
    CHECK_EQ(fixture_cycles, t0);                    /* nobody slept the clock */
    CHECK(kernel_pick_next(a->k) == b);
    fixture_cycles += 500000;                        /* b computes for 0.5 ms */
    /* b blocks too and nothing is runnable: the call idles the clock to
     * b's deadline (0.5 + 1 ms) itself and finishes (syscall_handle) */
    CHECK_EQ(call(b, NR_NANOSLEEP, page + 8, 0, 0, 0), 0);
    CHECK_EQ(fixture_cycles, t0 + 1500000);
    CHECK_EQ(a->state, TASK_INTERRUPTIBLE);
    CHECK(!task_in_syscall(b));
    /* b sleeps again, longer than a's rest: the idle clock stops at a's
     * 3 ms, which wakes a; b stays asleep */
    put_ts(b, page + 8, 1, 0);
    CHECK_EQ(call(b, NR_NANOSLEEP, page + 8, 0, 0, 0), -ERESTART_BLOCK);
    CHECK_EQ(fixture_cycles, t0 + 3000000);
    CHECK_EQ(a->state, TASK_RUNNING);
    CHECK(kernel_pick_next(a->k) == a);
    CHECK_EQ(resume(a), 0);
    CHECK_EQ(task_pt_regs(a)->ax, 0u);
    CHECK_EQ(b->state, TASK_INTERRUPTIBLE);
    finish(&s, a, b);
}

/* A handled signal from the other task ends the sleep: -EINTR, and rmtp
 * holds the time left; a pending one ends it before it starts. */
static void test_eintr_remaining(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    struct task_struct *b = second_task(a);
    uint32_t page = user_page(a), stack = user_page(a);
    a->sighand->action[SIGUSR1] = (struct sigaction_rec){ .handler = 0x1000 };
    b->sighand = a->sighand;                         /* one process's actions */
    b->sighand->refs++;
    user_sp = stack + PAGE_SIZE - 64;                /* room for the signal frames */
    put_ts(a, page, 2, 0);
    uint64_t t0 = fixture_cycles;
    CHECK_EQ(call(a, NR_NANOSLEEP, page, page + 16, 0, 0), -ERESTART_BLOCK);
    fixture_cycles += 250000000;                     /* b runs 0.25 s */
    CHECK_EQ(call(b, NR_TKILL, a->pid, SIGUSR1, 0, 0), 0);
    CHECK_EQ(a->state, TASK_RUNNING);                /* signal_wake_up */
    CHECK_EQ(resume(a), -EINTR);
    CHECK(!task_dead(a));                            /* the handler's frame was written */
    CHECK_EQ(fixture_cycles, t0 + 250000000);
    int32_t left[2];
    get_ts(a, page + 16, left);
    CHECK_EQ(left[0], 1);
    CHECK_EQ(left[1], 750000000);
    /* pending before the call (blocked, then unblocked): -EINTR at once,
     * the whole request left (the handler's frame blocked SIGUSR1: its
     * sigreturn would unblock it) */
    a->sig.blocked = 0;
    a->sig.pending.signal |= sigmask_of(SIGUSR1);
    put_ts(a, page, 0, 4000);
    CHECK_EQ(call(a, NR_NANOSLEEP, page, page + 16, 0, 0), -EINTR);
    get_ts(a, page + 16, left);
    CHECK_EQ(left[0], 0);
    CHECK_EQ(left[1], 4000);
    CHECK(!task_dead(a));
    user_sp = 0;
    finish(&s, a, b);
}

/* TIMER_ABSTIME: to a reading of the clock (one already past: 0 at once);
 * the time64 call the same; a bad clock is EINVAL before any sleep. */
static void test_abstime(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    struct task_struct *b = second_task(a);
    uint32_t page = user_page(a);
    uint64_t now = guest_clock_ns(a, CLOCK_MONOTONIC_);
    uint64_t when = now + 7000000;                   /* 7 ms from now */
    put_ts(a, page, (int32_t)(when / 1000000000u), (int32_t)(when % 1000000000u));
    uint64_t t0 = fixture_cycles;
    CHECK_EQ(call(a, NR_CLOCK_NANOSLEEP, CLOCK_MONOTONIC_, TIMER_ABSTIME_, page, 0), -ERESTART_BLOCK);
    fixture_cycles += 2000000;                       /* b runs 2 ms, then waits on a futex */
    CHECK_EQ(call(b, NR_CLOCK_NANOSLEEP, 99, 0, page, 0), -EINVAL);
    b->state = TASK_INTERRUPTIBLE;                   /* b blocked for good */
    sched_dequeue(b);
    CHECK(kernel_pick_next(a->k) == a);
    CHECK_EQ(fixture_cycles, t0 + 7000000);          /* the absolute time, not 2 + 7 ms */
    CHECK_EQ(resume(a), 0);
    int64_t ts64[2] = { 0, 5 };                      /* long past */
    context_switch(a->k, a);
    CHECK_EQ(copy_to_user(a->mm, page + 32, ts64, sizeof ts64), 0);
    uint64_t t1 = fixture_cycles;
    CHECK_EQ(call(a, NR_CLOCK_NANOSLEEP_TIME64, CLOCK_MONOTONIC_, TIMER_ABSTIME_, page + 32, 0), 0);
    CHECK_EQ(fixture_cycles, t1);
    wake_up_process(b);
    finish(&s, a, b);
}

/* sched_yield: with another runnable task the caller goes to the tail;
 * alone nothing changes.  A sleep alone advances the clock in the call. */
static void test_yield_and_alone(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    uint32_t page = user_page(a), none[6] = { 0 };
    CHECK_EQ(fixture_syscall(a, NR_SCHED_YIELD, none), 0);
    CHECK(!a->need_resched);
    put_ts(a, page, 0, 12345);
    uint64_t t0 = fixture_cycles;
    CHECK_EQ(call(a, NR_NANOSLEEP, page, 0, 0, 0), 0);   /* no -ERESTART_BLOCK */
    CHECK_EQ(fixture_cycles, t0 + 12345);
    struct task_struct *b = second_task(a);
    CHECK(kernel_pick_next(a->k) == a);
    CHECK_EQ(call(a, NR_SCHED_YIELD, 0, 0, 0, 0), 0);
    CHECK(a->need_resched);
    CHECK(kernel_pick_next(a->k) == b);
    context_switch(a->k, b);
    CHECK_EQ(call(b, NR_SCHED_YIELD, 0, 0, 0, 0), 0);
    CHECK(kernel_pick_next(a->k) == a);              /* round robin */
    finish(&s, a, b);
}

int main(void)
{
    test_two_sleepers();
    test_eintr_remaining();
    test_abstime();
    test_yield_and_alone();
    return CHECK_DONE();
}

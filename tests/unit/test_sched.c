/* The scheduler and the blocking protocol (kernel-model/sched.c,
 * sys_wait.c, syscall.c) with two tasks and no engine: pids, round-robin
 * picks, a futex wait blocked across tasks and re-run by syscall_resume,
 * the deadlock report. */
#include <errno.h>
#include <string.h>
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "tests/unit/task_fixture.h"

#define NR_FUTEX_ 240u
#define FUTEX_WAIT_PRIVATE 128u
#define FUTEX_WAKE_PRIVATE 129u

/* A second task of the same mm (a thread's view of the list; no fork yet). */
static struct task_struct *second_task(struct task_struct *a)
{
    uint32_t pid = alloc_pid(a->k);
    CHECK_EQ(pid, GUEST_PID + 1);
    struct task_struct *b = task_alloc(a->k, pid, "/usr/bin/other");
    CHECK(b != NULL);
    b->mm = a->mm;
    b->mm->mm_users++;
    wake_up_new_task(b);
    return b;
}

/* fixture_syscall's check of regs->ax does not hold for a blocked call. */
static long futex_call(struct task_struct *t, uint32_t word, uint32_t op, uint32_t val)
{
    uint32_t a[6] = { word, op, val, 0, 0, 0 };
    if (op == FUTEX_WAKE_PRIVATE)
        return fixture_syscall(t, NR_FUTEX_, a);
    syscall_set_entry(task_pt_regs(t), NR_FUTEX_, a);
    return syscall_dispatch(t);
}

static void test_wait_wake_deadlock(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    CHECK(a->k->current == a);
    struct task_struct *b = second_task(a);
    CHECK(find_task_by_pid(a->k, GUEST_PID + 1) == b);
    CHECK(kernel_pick_next(a->k) == a);         /* current runs on */

    uint32_t word = user_page(a);
    CHECK_EQ(futex_call(a, word, FUTEX_WAIT_PRIVATE, 0), -ERESTART_BLOCK);
    CHECK_EQ(a->state, TASK_INTERRUPTIBLE);
    CHECK(task_in_syscall(a) && need_resched(a));
    CHECK(kernel_pick_next(a->k) == b);
    context_switch(a->k, b);
    CHECK_EQ(futex_call(b, word, FUTEX_WAKE_PRIVATE, 1), 1);
    CHECK_EQ(a->state, TASK_RUNNING);
    set_tsk_need_resched(b);                    /* b yields: round robin */
    CHECK(kernel_pick_next(a->k) == a);
    context_switch(a->k, a);
    CHECK_EQ(syscall_resume(a), 0);
    CHECK_EQ(task_pt_regs(a)->ax, 0u);
    CHECK(!task_in_syscall(a));

    /* both wait with nobody to wake them: a deadlock kills both */
    CHECK_EQ(futex_call(a, word, FUTEX_WAIT_PRIVATE, 0), -ERESTART_BLOCK);
    CHECK(kernel_pick_next(a->k) == b);
    context_switch(a->k, b);
    futex_call(b, word, FUTEX_WAIT_PRIVATE, 0);
    CHECK(task_dead(a) && task_dead(b));
    CHECK_EQ(a->exit_status, 137);
    CHECK_EQ(b->exit_status, 137);
    CHECK(strstr(a->report, "deadlock: pid 1000 blocked in futex wait") != NULL);
    CHECK(strstr(b->report, "deadlock: pid 1001 blocked in futex wait") != NULL);
    CHECK(kernel_pick_next(a->k) == NULL);      /* the run is over */
    task_free(b);
    task_free(a);
    sys_fini(&s);
}

/* A task alone decides its wait at once: a timed futex wait sleeps the
 * clock to its deadline and returns -ETIMEDOUT (no -ERESTART_BLOCK). */
static void test_alone(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    CHECK(task_alone(a));
    uint32_t word = user_page(a);
    int32_t ts[2] = { 0, 5000 };
    CHECK_EQ(copy_to_user(a->mm, word + 8, ts, sizeof ts), 0);
    uint32_t args[6] = { word, FUTEX_WAIT_PRIVATE, 0, word + 8, 0, 0 };
    syscall_set_entry(task_pt_regs(a), NR_FUTEX_, args);
    uint64_t before = fixture_cycles;
    CHECK_EQ(syscall_dispatch(a), -ETIMEDOUT);
    CHECK_EQ(fixture_cycles - before, 5000u);   /* 1 GHz: 5 us */
    task_free(a);
    sys_fini(&s);
}

int main(void)
{
    test_wait_wake_deadlock();
    test_alone();
    return CHECK_DONE();
}

/* CPU time and faults per task (kernel-model/cputime.c) with no engine:
 * the machine's counters are the test's, advanced while one task or
 * another is current; getrusage SELF, THREAD and CHILDREN, wait4's rusage,
 * times() and /proc/PID/stat's fields 10-17 must give each task what ran
 * while it was the CPU's, a released thread's to its process, a reaped
 * child's to its parent. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "kernel-model/procfs.h"
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "kernel-model/sys_internal.h"
#include "tests/unit/i386_unistd.h"
#include "tests/unit/task_fixture.h"

#define THREAD_FLAGS 0x00010f00u        /* CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD */
#define CLONE_VM_    0x00000100u
#define MS           1000000u           /* cycles at the fixture's 1 GHz */

static uint64_t sys_cycles, fault_cycles, nr_faults;

/* t runs for ms milliseconds, sys_ms of them in the kernel, with faults. */
static void run_for(struct task_struct *t, uint64_t ms, uint64_t sys_ms, uint64_t faults)
{
    context_switch(t->k, t);
    fixture_cycles += ms * MS;
    sys_cycles += sys_ms * MS;
    nr_faults += faults;
}

static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
                 uint32_t a3)
{
    uint32_t a[6] = { a0, a1, a2, a3, 0, 0 };
    context_switch(t->k, t);
    return fixture_syscall(t, nr, a);
}

/* struct rusage at addr: utime and stime in microseconds, minflt. */
static void check_rusage(struct task_struct *t, uint32_t addr, uint32_t utime_us,
                         uint32_t stime_us, uint32_t minflt)
{
    uint32_t ru[18];
    context_switch(t->k, t);
    CHECK_EQ(copy_from_user(t->mm, ru, addr, sizeof ru), 0);
    CHECK_EQ(ru[0] * 1000000u + ru[1], utime_us);
    CHECK_EQ(ru[2] * 1000000u + ru[3], stime_us);
    CHECK_EQ(ru[8], minflt);
}

int main(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    a->k->clock.syscall_cycles = &sys_cycles;
    a->k->clock.fault_cycles = &fault_cycles;
    a->k->clock.nr_faults = &nr_faults;
    wake_up_new_task(a);
    uint32_t page = user_page(a);

    run_for(a, 30, 10, 3);                          /* the parent alone */
    long cpid = call(a, NR_CLONE, CLONE_VM_ | SIGCHLD, 0, 0, 0);
    CHECK(cpid > 0);
    struct task_struct *c = find_task_by_pid(a->k, (uint32_t)cpid);
    CHECK(c != NULL);
    run_for(c, 50, 20, 7);                          /* the child */
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0), 0);
    CHECK_EQ(c->state, EXIT_ZOMBIE);

    /* the parent is charged only its own 30 ms, the child not yet reaped */
    CHECK_EQ(call(a, NR_GETRUSAGE, 0, page, 0, 0), 0);
    check_rusage(a, page, 20000, 10000, 3);
    CHECK_EQ(call(a, NR_GETRUSAGE, (uint32_t)-1, page, 0, 0), 0);
    check_rusage(a, page, 0, 0, 0);
    /* wait4's rusage is the child's; then it is the parent's CHILDREN */
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)cpid, 0, 0, page), cpid);
    check_rusage(a, page, 30000, 20000, 7);
    CHECK_EQ(call(a, NR_GETRUSAGE, (uint32_t)-1, page, 0, 0), 0);
    check_rusage(a, page, 30000, 20000, 7);

    /* a thread's time is its process's; THREAD is the caller's alone */
    long tid = call(a, NR_CLONE, THREAD_FLAGS, 0, 0, 0);
    CHECK(tid > 0);
    struct task_struct *th = find_task_by_pid(a->k, (uint32_t)tid);
    CHECK(th != NULL);
    run_for(th, 40, 0, 2);
    CHECK_EQ(call(a, NR_GETRUSAGE, 0, page, 0, 0), 0);
    check_rusage(a, page, 60000, 10000, 5);         /* live thread included */
    CHECK_EQ(call(th, NR_EXIT, 0, 0, 0, 0), 0);     /* released at once */
    CHECK_EQ(call(a, NR_GETRUSAGE, 0, page, 0, 0), 0);
    check_rusage(a, page, 60000, 10000, 5);         /* and after it is gone */
    CHECK_EQ(call(a, NR_GETRUSAGE, 1, page, 0, 0), 0);
    check_rusage(a, page, 20000, 10000, 3);         /* RUSAGE_THREAD: the caller */

    /* times(): 10 ms ticks of the process and of its reaped children */
    CHECK(call(a, NR_TIMES, page, 0, 0, 0) >= 0);
    uint32_t tms[4];
    CHECK_EQ(copy_from_user(a->mm, tms, page, sizeof tms), 0);
    CHECK_EQ(tms[0], 6u);
    CHECK_EQ(tms[1], 1u);
    CHECK_EQ(tms[2], 3u);
    CHECK_EQ(tms[3], 2u);

    kernel_release_tasks(a->k, a);
    task_free(a);
    sys_fini(&s);
    return CHECK_DONE();
}

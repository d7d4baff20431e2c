/* The timer tick (kernel-model/sched.c kernel_timer_tick) and de_thread
 * with no engine: a timer whose default action kills a process of several
 * threads in the middle of the scan (the scan must not touch the freed
 * threads: ASan in the sanitizer pass), a process whose leader has exited
 * (its live thread's alarm still fires, and timer_cycle never stays in the
 * past), and an exec in a threaded process (the other threads die, the
 * exec'ing one lives). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/binfmt.h"
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "kernel-model/sys_internal.h"
#include "tests/unit/i386_unistd.h"
#include "tests/unit/task_fixture.h"

#define THREAD_FLAGS 0x00010f00u        /* CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD */
#define CLONE_VM_    0x00000100u
#define SECOND       1000000000ull      /* cycles at the fixture's 1 GHz */

static long call(struct task_struct *t, uint32_t nr, uint32_t a0)
{
    uint32_t a[6] = { a0, 0, 0, 0, 0, 0 };
    context_switch(t->k, t);
    return fixture_syscall(t, nr, a);
}

static struct task_struct *clone_of(struct task_struct *parent, uint32_t flags)
{
    long pid = call(parent, NR_CLONE, flags);
    CHECK(pid > 0);
    struct task_struct *c = find_task_by_pid(parent->k, (uint32_t)pid);
    CHECK(c != NULL);
    return c;
}

/* A (the caller's process) forks C, which has a second thread C2. */
static void family(struct sys *s, struct task_struct **a, struct task_struct **c,
                   struct task_struct **c2)
{
    *a = boot_task(s);
    wake_up_new_task(*a);
    *c = clone_of(*a, CLONE_VM_ | SIGCHLD);
    *c2 = clone_of(*c, THREAD_FLAGS);
}

static void finish(struct sys *s, struct task_struct *a)
{
    kernel_release_tasks(a->k, a);
    task_free(a);
    sys_fini(s);
}

/* t arms a 1 s alarm; A runs 2 s and the tick comes. */
static void alarm_fires(struct task_struct *a, struct task_struct *t)
{
    CHECK_EQ(call(t, NR_ALARM, 1), 0);
    context_switch(a->k, a);
    fixture_cycles += 2 * SECOND;
    kernel_timer_tick(a->k);
    CHECK(a->k->clock.timer_cycle > fixture_cycles); /* nothing left due */
}

/* C's alarm (SIGALRM, default action: the process dies) fires while A runs. */
static void test_kill_in_scan(void)
{
    struct sys s;
    struct task_struct *a, *c, *c2;
    family(&s, &a, &c, &c2);
    uint32_t cpid = c->pid;
    alarm_fires(a, c);
    struct task_struct *z = find_task_by_pid(a->k, cpid);
    CHECK(z != NULL && task_dead(z));               /* a zombie for A to reap */
    CHECK_EQ(z->exit_status, 128 + SIGALRM);
    finish(&s, a);
}

/* C's leader exits; C2 arms an alarm: it fires, and the tick is not asked
 * again at every instruction. */
static void test_leader_gone(void)
{
    struct sys s;
    struct task_struct *a, *c, *c2;
    family(&s, &a, &c, &c2);
    CHECK_EQ(call(c, NR_EXIT, 0), 0);
    CHECK(task_dead(c) && !task_dead(c2));
    uint32_t tid = c2->pid;
    alarm_fires(a, c2);
    struct task_struct *t = find_task_by_pid(a->k, tid);
    CHECK(t == NULL || task_dead(t));               /* SIGALRM's default action: gone */
    CHECK(task_dead(c));
    finish(&s, a);
}

/* An exec in C2's process while C and a third thread live: they die, the
 * exec'ing thread goes on. */
static void test_de_thread(void)
{
    struct sys s;
    struct task_struct *a, *c, *c2;
    family(&s, &a, &c, &c2);
    uint32_t tid2 = c2->pid, tid3 = clone_of(c, THREAD_FLAGS)->pid;
    context_switch(a->k, c);
    struct linux_binprm *b = calloc(1, sizeof *b);
    CHECK(b != NULL);
    char fn[] = "/bin/x";
    b->filename = fn;
    snprintf(b->exe_path, sizeof b->exe_path, "/bin/x");
    CHECK_EQ(begin_new_exec(c, b), 0);
    CHECK(!task_dead(c));
    struct task_struct *t2 = find_task_by_pid(a->k, tid2), *t3 = find_task_by_pid(a->k, tid3);
    CHECK(t2 == NULL || task_dead(t2));
    CHECK(t3 == NULL || task_dead(t3));
    free(b);
    finish(&s, a);
}

int main(void)
{
    test_kill_in_scan();
    test_leader_gone();
    test_de_thread();
    return CHECK_DONE();
}

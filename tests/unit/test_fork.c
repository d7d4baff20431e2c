/* fork, exit and wait with no engine (kernel-model/fork.c, exit.c,
 * sys_proc.c, sys_signal.c): the child's links and registers, zombies and
 * wait4/waitid, blocking waits re-run by syscall_resume, reparenting,
 * SIGCHLD, auto-reaping, thread groups, CLONE_CHILD_CLEARTID, vfork, kill
 * across tasks, process groups and sessions.  The scheduler is driven by
 * hand as in test_sched.c: each call is made after a context_switch to
 * its task. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "kernel-model/sys_internal.h"
#include "tests/unit/task_fixture.h"

#define CLONE_VM             0x00000100u
#define CLONE_FS             0x00000200u
#define CLONE_FILES          0x00000400u
#define CLONE_SIGHAND        0x00000800u
#define CLONE_THREAD         0x00010000u
#define CLONE_SETTLS         0x00080000u
#define CLONE_PARENT_SETTID  0x00100000u
#define CLONE_CHILD_CLEARTID 0x00200000u
#define CLONE_CHILD_SETTID   0x01000000u
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define WNOHANG_  1u
#define WEXITED_  4u
#define WNOWAIT_  0x01000000u
#define WCLONE_   0x80000000u
#define WALL_     0x40000000u
#define P_PID_    1u
#define FUTEX_WAIT_ 0u

/* A call of t as the engine makes it, t being the CPU's task. */
static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
                 uint32_t a3, uint32_t a4)
{
    uint32_t a[6] = { a0, a1, a2, a3, a4, 0 };
    context_switch(t->k, t);
    syscall_set_entry(task_pt_regs(t), nr, a);
    return syscall_dispatch(t);
}

static long resume(struct task_struct *t)
{
    context_switch(t->k, t);
    return syscall_resume(t);
}

static uint32_t upeek(struct task_struct *t, uint32_t addr)
{
    uint32_t v = 0;
    context_switch(t->k, t);                        /* uaccess goes through the loaded mm */
    CHECK_EQ(copy_from_user(t->mm, &v, addr, 4), 0);
    return v;
}

/* fork as the model can do it before dup_mm: a child sharing the mm. */
static struct task_struct *vm_fork(struct task_struct *parent)
{
    long pid = call(parent, NR_CLONE, CLONE_VM | SIGCHLD, 0, 0, 0, 0);
    CHECK(pid > 0);
    struct task_struct *c = find_task_by_pid(parent->k, (uint32_t)pid);
    CHECK(c != NULL);
    return c;
}

static int on_children(const struct task_struct *parent, const struct task_struct *c)
{
    const struct task_struct *p;
    list_for_each_entry(p, &parent->children, sibling)
        if (p == c)
            return 1;
    return 0;
}

static struct task_struct *start(struct sys *s)
{
    struct task_struct *a = boot_task(s);
    wake_up_new_task(a);
    return a;
}

static void finish(struct sys *s, struct task_struct *a)
{
    kernel_release_tasks(a->k, a);
    task_free(a);
    sys_fini(s);
}

/* The child: pid, links, registers, inherited and fresh state. */
static void test_child_links(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    uint32_t page = user_page(a);
    a->sig.blocked = sigmask_of(SIGUSR1) | sigmask_of(SIGUSR2);
    a->sig.shared.signal = sigmask_of(SIGUSR2);      /* pending (blocked): not inherited */
    task_pt_regs(a)->sp = 0xbfff0000u;
    long pid = call(a, NR_CLONE, CLONE_VM | SIGCHLD, page + 64, 0, 0, 0);
    CHECK_EQ(pid, GUEST_PID + 1);
    struct task_struct *c = find_task_by_pid(a->k, (uint32_t)pid);
    CHECK(c != NULL && c->forked);
    CHECK(c->real_parent == a && c->parent == a && on_children(a, c));
    CHECK_EQ(c->ppid, GUEST_PID);
    CHECK_EQ(c->tgid, c->pid);
    CHECK_EQ(c->exit_signal, SIGCHLD);
    CHECK_EQ(c->state, TASK_RUNNING);
    CHECK_EQ(task_pt_regs(c)->ax, 0u);
    CHECK_EQ(task_pt_regs(c)->sp, page + 64);
    CHECK_EQ(task_pt_regs(a)->ax, (uint32_t)pid);
    CHECK(c->mm == a->mm && a->mm->mm_users == 2);
    CHECK(c->signal != a->signal && c->sighand != a->sighand);
    CHECK(c->files != a->files);
    CHECK_EQ(c->signal->pgrp, GUEST_PID);
    CHECK_EQ(c->signal->session, 1u);
    CHECK_EQ(c->sig.blocked, sigmask_of(SIGUSR1) | sigmask_of(SIGUSR2));
    CHECK_EQ(c->sig.shared.signal | c->sig.pending.signal, 0u);
    a->sig.shared.signal = 0;
    CHECK_EQ(call(c, NR_GETPPID, 0, 0, 0, 0, 0), GUEST_PID);
    context_switch(a->k, a);
    uint32_t none[6] = { 0 };
    CHECK_EQ(fixture_syscall(a, NR_GETPPID, none), 1);
    /* flags Linux refuses; clone3's struct checks (samples/clone3_args
     * runs the rest against native Linux) */
    CHECK_EQ(call(a, NR_CLONE, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0), -EINVAL);
    CHECK_EQ(call(a, NR_CLONE, CLONE_SIGHAND, 0, 0, 0, 0), -EINVAL);
    uint64_t args[11] = { 0 };
    args[4] = 65;                                   /* exit_signal past _NSIG */
    CHECK_EQ(copy_to_user(a->mm, page, args, sizeof args), 0);
    CHECK_EQ(call(a, NR_CLONE3, page, 88, 0, 0, 0), -EINVAL);
    CHECK_EQ(call(a, NR_CLONE3, page, 63, 0, 0, 0), -EINVAL);  /* below CLONE_ARGS_SIZE_VER0 */
    CHECK_EQ(call(a, NR_CLONE3, page, 4097, 0, 0, 0), -E2BIG); /* over a page */
    args[0] = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
    args[4] = 17;                                   /* CLONE_THREAD with an exit signal */
    CHECK_EQ(copy_to_user(a->mm, page, args, sizeof args), 0);
    CHECK_EQ(call(a, NR_CLONE3, page, 88, 0, 0, 0), -EINVAL);
    /* --max-tasks: two tasks exist */
    a->k->max_tasks = 2;
    CHECK_EQ(call(a, NR_FORK, 0, 0, 0, 0, 0), -EAGAIN);
    a->k->max_tasks = 0;
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(a->mm->mm_users, 1);                    /* the child's exit_mm */
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, 0, 0, 0, 0), pid);
    finish(&s, a);
}

/* exit -> zombie -> wait4: WNOHANG, ECHILD, the status word, SIGCHLD. */
static void test_zombie_wait(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    uint32_t st = user_page(a);
    a->sig.blocked = sigmask_of(SIGCHLD);            /* so it stays pending to look at */
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, st, 0, 0, 0), -ECHILD);
    struct task_struct *c = vm_fork(a);
    uint32_t cpid = c->pid;
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, st, WNOHANG_, 0, 0), 0);
    CHECK_EQ(call(a, NR_WAIT4, 4242, st, WNOHANG_, 0, 0), -ECHILD);
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, st, WCLONE_ | WNOHANG_, 0, 0), -ECHILD);
    CHECK_EQ(call(c, NR_EXIT_GROUP, 3, 0, 0, 0, 0), 0);
    CHECK_EQ(c->state, EXIT_ZOMBIE);
    CHECK_EQ(c->exit_status, 3);
    CHECK(a->sig.shared.signal & sigmask_of(SIGCHLD));
    const struct ksiginfo *si = &a->sig.shared.info[SIGCHLD];
    CHECK_EQ(si->code, KCLD_EXITED);
    CHECK_EQ(si->pid, cpid);
    CHECK_EQ(si->status, 3);
    CHECK(find_task_by_pid(a->k, cpid) == c);       /* a zombie is found */
    CHECK_EQ(call(a, NR_WAIT4, cpid, st, 0, 0, 0), cpid);
    CHECK_EQ(upeek(a, st), 3u << 8);
    CHECK(find_task_by_pid(a->k, cpid) == NULL);    /* reaped: released */
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, st, 0, 0, 0), -ECHILD);

    /* a signal death, seen first by waitid WNOWAIT, then reaped by waitpid */
    c = vm_fork(a);
    cpid = c->pid;
    CHECK_EQ(call(a, NR_KILL, cpid, SIGTERM, 0, 0, 0), 0);
    CHECK(c->sig.shared.signal & sigmask_of(SIGTERM));
    call(c, NR_GETPPID, 0, 0, 0, 0, 0);             /* its return to user mode kills it */
    CHECK_EQ(c->state, EXIT_ZOMBIE);
    CHECK_EQ(c->exit_status, 128 + SIGTERM);
    CHECK_EQ(call(a, NR_WAITID, P_PID_, cpid, st, WEXITED_ | WNOWAIT_, 0), 0);
    CHECK_EQ(upeek(a, st), (uint32_t)SIGCHLD);
    CHECK_EQ(upeek(a, st + 8), (uint32_t)KCLD_KILLED);
    CHECK_EQ(upeek(a, st + 12), cpid);
    CHECK_EQ(upeek(a, st + 20), (uint32_t)SIGTERM);
    CHECK_EQ(c->state, EXIT_ZOMBIE);                /* WNOWAIT: still there */
    CHECK_EQ(call(a, NR_WAITPID, cpid, st, 0, 0, 0), cpid);
    CHECK_EQ(upeek(a, st), (uint32_t)SIGTERM);       /* WIFSIGNALED, WTERMSIG 15 */
    CHECK_EQ(call(a, NR_WAITID, P_PID_, cpid, st, WEXITED_ | WNOHANG_, 0), -ECHILD);
    finish(&s, a);
}

/* A blocking wait4 answers -ERESTART_BLOCK, and the child's exit wakes it. */
static void test_blocking_wait(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    uint32_t st = user_page(a);
    struct task_struct *c = vm_fork(a);
    uint32_t cpid = c->pid;
    CHECK_EQ(call(a, NR_WAIT4, cpid, st, 0, 0, 0), -ERESTART_BLOCK);
    CHECK_EQ(a->state, TASK_INTERRUPTIBLE);
    CHECK(kernel_pick_next(a->k) == c);
    CHECK_EQ(call(c, NR_EXIT, 7, 0, 0, 0, 0), 0);
    CHECK_EQ(a->state, TASK_RUNNING);
    CHECK(kernel_pick_next(a->k) == a);
    CHECK_EQ(resume(a), cpid);
    CHECK(!task_in_syscall(a));
    CHECK_EQ(upeek(a, st), 7u << 8);
    finish(&s, a);
}

/* A dead parent's children go to the first process (child_reaper). */
static void test_reparent(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    uint32_t st = user_page(a);
    struct task_struct *b = vm_fork(a);
    struct task_struct *c = vm_fork(b);
    uint32_t bpid = b->pid, cpid = c->pid;
    CHECK(c->real_parent == b && c->ppid == bpid);
    CHECK_EQ(call(b, NR_EXIT_GROUP, 1, 0, 0, 0, 0), 0);
    CHECK(c->real_parent == a && on_children(a, c));
    CHECK_EQ(c->ppid, GUEST_PID);
    CHECK_EQ(call(c, NR_GETPPID, 0, 0, 0, 0, 0), GUEST_PID);
    CHECK_EQ(call(c, NR_EXIT_GROUP, 2, 0, 0, 0, 0), 0);
    CHECK_EQ(call(a, NR_WAIT4, cpid, st, 0, 0, 0), cpid);
    CHECK_EQ(upeek(a, st), 2u << 8);
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, st, 0, 0, 0), bpid);
    CHECK_EQ(upeek(a, st), 1u << 8);
    finish(&s, a);
}

static int freed_tasks;
static void count_free_task(void *ctx, struct task_struct *t)
{
    (void)ctx;
    CHECK(t->forked);
    freed_tasks++;
}

/* A parent ignoring SIGCHLD never sees a zombie: the child is released,
 * and freed once the CPU switched away from it. */
static void test_sigchld_ignored(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    a->sighand->action[SIGCHLD].handler = 1;        /* SIG_IGN */
    a->k->arch.free_task = count_free_task;
    freed_tasks = 0;
    struct task_struct *c = vm_fork(a);
    uint32_t cpid = c->pid;
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);
    CHECK(c->released && c->state == TASK_DEAD);
    CHECK(!on_children(a, c));
    CHECK_EQ(freed_tasks, 0);                       /* not while it is current */
    context_switch(a->k, a);                        /* frees c */
    CHECK_EQ(freed_tasks, 1);
    CHECK(find_task_by_pid(a->k, cpid) == NULL);
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, 0, 0, 0, 0), -ECHILD);
    CHECK_EQ(a->sig.shared.signal, 0u);
    /* SA_NOCLDWAIT: reaped too, but the handler's SIGCHLD is sent */
    a->sighand->action[SIGCHLD] = (struct sigaction_rec){ .handler = 0x1000, .flags = 2 };
    a->sig.blocked = sigmask_of(SIGCHLD);
    c = vm_fork(a);
    cpid = c->pid;
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);
    CHECK(c->released);
    CHECK(a->sig.shared.signal & sigmask_of(SIGCHLD));
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, 0, 0, 0, 0), -ECHILD);
    CHECK(find_task_by_pid(a->k, cpid) == NULL);
    finish(&s, a);
}

/* A dying thread's robust futexes: OWNER_DIED, a waiter woken. */
static void test_robust_list(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    uint32_t page = user_page(a);
    long tid = call(a, NR_CLONE, THREAD_FLAGS, page + 2048, 0, 0, 0);
    CHECK(tid > 0);
    struct task_struct *th = find_task_by_pid(a->k, (uint32_t)tid);
    /* head at page: {next = entry, futex_offset 8, pending 0}; entry at
     * page + 64 back to the head; its lock word at page + 72 */
    uint32_t head[3] = { page + 64, 8, 0 }, entry = page, word = (uint32_t)tid | 0x80000000u;
    CHECK_EQ(copy_to_user(a->mm, page, head, sizeof head), 0);
    CHECK_EQ(copy_to_user(a->mm, page + 64, &entry, 4), 0);
    CHECK_EQ(copy_to_user(a->mm, page + 72, &word, 4), 0);
    th->robust_list = page;
    CHECK_EQ(call(a, NR_FUTEX, page + 72, FUTEX_WAIT_, word, 0, 0), -ERESTART_BLOCK);
    CHECK_EQ(call(th, NR_EXIT, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(a->state, TASK_RUNNING);
    CHECK_EQ(upeek(a, page + 72), 0x80000000u | 0x40000000u);
    CHECK_EQ(resume(a), 0);
    finish(&s, a);
}

/* A thread group: CLONE_THREAD's links, SETTLS, PARENT_SETTID; exit_group
 * from a thread ends the process, which its parent reaps once. */
static void test_thread_group(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    uint32_t page = user_page(a);
    struct task_struct *p = vm_fork(a);
    uint32_t ppid_ = p->pid;
    uint32_t desc[4] = { 6, 0x1000, 0xfffff, 0x51 };
    CHECK_EQ(copy_to_user(a->mm, page + 32, desc, sizeof desc), 0);
    long tid = call(p, NR_CLONE, THREAD_FLAGS | CLONE_SETTLS | CLONE_PARENT_SETTID,
                    page + 512, page + 16, page + 32, 0);
    CHECK(tid > 0);
    struct task_struct *th = find_task_by_pid(a->k, (uint32_t)tid);
    CHECK(th != NULL);
    CHECK_EQ(th->tgid, ppid_);
    CHECK(th->group_leader == p && th->signal == p->signal && th->sighand == p->sighand);
    CHECK(th->files == p->files);
    CHECK_EQ(th->exit_signal, -1);
    CHECK(th->real_parent == a && !on_children(a, th) && !on_children(p, th));
    CHECK_EQ(p->signal->nr_threads, 2);
    CHECK_EQ(upeek(a, page + 16), (uint32_t)tid);
    CHECK_EQ(th->tls_array[0][2], 0x00);            /* base 0x1000: bytes 2-4, 7 */
    CHECK_EQ(th->tls_array[0][3], 0x10);
    CHECK_EQ(th->tls_array[0][5] & 0x80, 0x80);     /* present */
    CHECK_EQ(call(p, NR_CLONE, THREAD_FLAGS | CLONE_SETTLS, 0, 0, 0x10, 0), -EFAULT);
    desc[0] = (uint32_t)-1;                          /* clone allocates no entry */
    CHECK_EQ(copy_to_user(a->mm, page + 32, desc, sizeof desc), 0);
    CHECK_EQ(call(p, NR_CLONE, THREAD_FLAGS | CLONE_SETTLS, 0, 0, page + 32, 0), -EINVAL);
    CHECK_EQ(p->signal->nr_threads, 2);
    CHECK_EQ(call(th, NR_EXIT_GROUP, 9, 0, 0, 0, 0), 0);
    CHECK(task_dead(p) && task_dead(th));
    CHECK_EQ(p->state, EXIT_ZOMBIE);
    CHECK_EQ(p->exit_status, 9);
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, page, 0, 0, 0), ppid_);
    CHECK_EQ(upeek(a, page), 9u << 8);
    CHECK(find_task_by_pid(a->k, (uint32_t)tid) == NULL);
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, page, 0, 0, 0), -ECHILD);
    finish(&s, a);
}

/* A thread's exit writes 0 at its clear_child_tid and wakes a futex
 * waiter there (pthread_join); the thread is released, not a zombie. */
static void test_child_cleartid(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    uint32_t word = user_page(a);
    long tid = call(a, NR_CLONE, THREAD_FLAGS | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
                    word + 1024, 0, 0, word);
    CHECK(tid > 0);
    struct task_struct *th = find_task_by_pid(a->k, (uint32_t)tid);
    CHECK_EQ(upeek(a, word), 0u);                   /* CLONE_CHILD_SETTID: when th first runs */
    context_switch(a->k, th);
    CHECK_EQ(upeek(a, word), (uint32_t)tid);
    CHECK_EQ(call(a, NR_FUTEX, word, FUTEX_WAIT_, (uint32_t)tid, 0, 0), -ERESTART_BLOCK);
    CHECK(kernel_pick_next(a->k) == th);
    CHECK_EQ(call(th, NR_EXIT, 0, 0, 0, 0, 0), 0);
    CHECK(th->released);
    CHECK_EQ(a->state, TASK_RUNNING);
    CHECK_EQ(upeek(a, word), 0u);                   /* the switch to a frees th */
    CHECK_EQ(resume(a), 0);                         /* woken, freeing th */
    CHECK(find_task_by_pid(a->k, (uint32_t)tid) == NULL);
    CHECK_EQ(a->mm->mm_users, 1);
    CHECK_EQ(a->signal->nr_threads, 1);
    finish(&s, a);
}

/* vfork: the parent sleeps, uninterruptibly, until the child exits or
 * execs (vfork_release); then the call returns the child's pid. */
static void test_vfork(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    CHECK_EQ(call(a, NR_VFORK, 0, 0, 0, 0, 0), -ERESTART_BLOCK);
    CHECK_EQ(a->state, TASK_UNINTERRUPTIBLE);
    struct task_struct *c = find_task_by_pid(a->k, GUEST_PID + 1);
    CHECK(c != NULL && c->vfork_parent == a && c->mm == a->mm);
    a->sig.shared.signal = sigmask_of(SIGUSR1);     /* no signal wakes it */
    signal_wake_up(a);
    CHECK_EQ(a->state, TASK_UNINTERRUPTIBLE);
    a->sig.shared.signal = 0;
    CHECK(kernel_pick_next(a->k) == c);
    CHECK_EQ(call(c, NR_GETPPID, 0, 0, 0, 0, 0), GUEST_PID);
    CHECK_EQ(a->state, TASK_UNINTERRUPTIBLE);
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(a->state, TASK_RUNNING);
    CHECK_EQ(resume(a), GUEST_PID + 1);
    CHECK_EQ(call(a, NR_WAIT4, GUEST_PID + 1, 0, 0, 0, 0), GUEST_PID + 1);

    /* the exec side: vfork_release lets the parent go, the child lives */
    CHECK_EQ(call(a, NR_VFORK, 0, 0, 0, 0, 0), -ERESTART_BLOCK);
    c = find_task_by_pid(a->k, GUEST_PID + 2);
    CHECK(c != NULL);
    context_switch(a->k, c);
    vfork_release(c);
    CHECK(c->vfork_parent == NULL && a->state == TASK_RUNNING);
    CHECK_EQ(resume(a), GUEST_PID + 2);
    CHECK_EQ(c->state, TASK_RUNNING);
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-1, 0, 0, 0, 0), GUEST_PID + 2);

    /* SIGKILL ends the wait (killable): the call returns, then a dies */
    CHECK_EQ(call(a, NR_VFORK, 0, 0, 0, 0, 0), -ERESTART_BLOCK);
    c = find_task_by_pid(a->k, GUEST_PID + 3);
    CHECK_EQ(call(c, NR_KILL, GUEST_PID, SIGKILL, 0, 0, 0), 0);
    CHECK_EQ(a->state, TASK_RUNNING);
    CHECK_EQ(resume(a), GUEST_PID + 3);
    CHECK(task_dead(a) && a->exit_status == 128 + SIGKILL);
    CHECK(c->vfork_parent == NULL && c->ppid == 1u);
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);
    finish(&s, a);
}

/* kill, tkill, tgkill between tasks. */
static void test_kill(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    struct task_struct *c = vm_fork(a);
    uint32_t cpid = c->pid;
    CHECK_EQ(call(a, NR_KILL, 99999, 0, 0, 0, 0), -ESRCH);
    CHECK_EQ(call(a, NR_KILL, cpid, 0, 0, 0, 0), 0);
    CHECK_EQ(call(a, NR_KILL, (uint32_t)-1, 0, 0, 0, 0), 0);      /* c is there */
    CHECK_EQ(call(a, NR_KILL, (uint32_t)-777, 0, 0, 0, 0), -ESRCH);
    CHECK_EQ(call(a, NR_TGKILL, GUEST_PID, cpid, SIGUSR2, 0, 0), -ESRCH);
    CHECK_EQ(call(a, NR_TGKILL, cpid, cpid, 0, 0, 0), 0);
    CHECK_EQ(call(a, NR_TKILL, cpid, SIGUSR2, 0, 0, 0), 0);
    CHECK(c->sig.pending.signal & sigmask_of(SIGUSR2));           /* thread-directed */
    c->sig.pending.signal = 0;
    CHECK_EQ(call(a, NR_KILL, cpid, 65, 0, 0, 0), -EINVAL);
    /* kill(0): the caller's group, c included (it inherited it) */
    c->sig.blocked = sigmask_of(SIGUSR1);
    a->sig.blocked = sigmask_of(SIGUSR1);
    CHECK_EQ(call(a, NR_KILL, 0, SIGUSR1, 0, 0, 0), 0);
    CHECK(c->sig.shared.signal & sigmask_of(SIGUSR1));
    CHECK(a->sig.shared.signal & sigmask_of(SIGUSR1));
    a->sig.shared.signal = 0;
    /* a blocked sleeper is woken by a signal it takes */
    a->sig.blocked = 0;
    c->sig.blocked = 0;
    c->sig.shared.signal = 0;
    CHECK_EQ(call(c, NR_WAIT4, (uint32_t)-1, 0, 0, 0, 0), -ECHILD);
    CHECK_EQ(call(a, NR_WAIT4, cpid, 0, 0, 0, 0), -ERESTART_BLOCK);
    context_switch(a->k, c);
    CHECK_EQ(call(c, NR_KILL, GUEST_PID, SIGUSR1, 0, 0, 0), 0);
    CHECK_EQ(a->state, TASK_RUNNING);                            /* signal_wake_up */
    resume(a);                                                   /* SIGUSR1 kills a */
    CHECK(task_dead(a));
    CHECK_EQ(a->exit_status, 128 + SIGUSR1);
    CHECK(c->real_parent == NULL && c->ppid == 1u);              /* virtual init's now */
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);          /* reaped by init */
    finish(&s, a);
}

/* setpgid, setsid, getpgid, getsid with Linux's rules. */
static void test_pgrp_session(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    struct task_struct *c = vm_fork(a), *d = vm_fork(a);
    uint32_t cpid = c->pid, dpid = d->pid;
    CHECK_EQ(call(a, NR_GETPGRP, 0, 0, 0, 0, 0), GUEST_PID);
    CHECK_EQ(call(a, NR_GETSID, 0, 0, 0, 0, 0), 1);
    CHECK_EQ(call(a, NR_SETSID, 0, 0, 0, 0, 0), -EPERM);          /* a group leader */
    CHECK_EQ(call(a, NR_SETPGID, 0, (uint32_t)-1, 0, 0, 0), -EINVAL);
    CHECK_EQ(call(a, NR_SETPGID, 99999, 0, 0, 0, 0), -ESRCH);
    CHECK_EQ(call(a, NR_SETPGID, c->pid, 0, 0, 0, 0), 0);         /* its own group */
    CHECK_EQ(call(a, NR_GETPGID, c->pid, 0, 0, 0, 0), c->pid);
    CHECK_EQ(call(a, NR_SETPGID, c->pid, 5555, 0, 0, 0), -EPERM); /* no such group */
    CHECK_EQ(call(c, NR_SETPGID, 0, GUEST_PID, 0, 0, 0), 0);      /* back into a's */
    CHECK_EQ(call(c, NR_SETPGID, a->pid, GUEST_PID, 0, 0, 0), -ESRCH); /* its parent: not its to move */
    CHECK_EQ(call(c, NR_SETPGID, d->pid, 0, 0, 0, 0), -ESRCH);    /* not its child */
    CHECK_EQ(call(d, NR_SETSID, 0, 0, 0, 0, 0), d->pid);
    CHECK_EQ(call(d, NR_GETSID, 0, 0, 0, 0, 0), d->pid);
    CHECK_EQ(call(a, NR_GETSID, d->pid, 0, 0, 0, 0), d->pid);
    CHECK_EQ(call(d, NR_SETSID, 0, 0, 0, 0, 0), -EPERM);          /* a session leader */
    CHECK_EQ(call(a, NR_SETPGID, d->pid, 0, 0, 0, 0), -EPERM);    /* another session */
    CHECK_EQ(call(d, NR_SETPGID, 0, 0, 0, 0, 0), -EPERM);         /* session leader */
    c->did_exec = 1;
    CHECK_EQ(call(a, NR_SETPGID, c->pid, 0, 0, 0, 0), -EACCES);
    /* wait4(0) is the caller's group: d left it */
    CHECK_EQ(call(d, NR_EXIT_GROUP, 4, 0, 0, 0, 0), 0);
    CHECK_EQ(call(a, NR_WAIT4, 0, 0, WNOHANG_, 0, 0), 0);         /* c runs, d is elsewhere */
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)-(int32_t)dpid, 0, WNOHANG_, 0, 0), dpid);
    /* kill(-pgrp) reaches c (in a's group); waitid(P_PGID) with WNOHANG
     * zeroes the siginfo while nothing is ready */
    uint32_t si = user_page(a);
    CHECK_EQ(copy_to_user(a->mm, si, &si, 4), 0);
    CHECK_EQ(call(a, NR_WAITID, 2, 0, si, WEXITED_ | WNOHANG_, 0), 0);
    CHECK_EQ(upeek(a, si), 0u);
    c->sig.blocked = sigmask_of(SIGUSR2);
    a->sig.blocked = sigmask_of(SIGUSR2);
    CHECK_EQ(call(a, NR_KILL, (uint32_t)-(int32_t)GUEST_PID, SIGUSR2, 0, 0, 0), 0);
    CHECK(c->sig.shared.signal & sigmask_of(SIGUSR2));
    c->sig.shared.signal = a->sig.shared.signal = 0;
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(call(a, NR_WAITID, 2, GUEST_PID, si, WEXITED_, 0), 0);
    CHECK_EQ(upeek(a, si + 12), cpid);
    CHECK_EQ(upeek(a, si + 8), (uint32_t)KCLD_EXITED);
    CHECK_EQ(call(a, NR_WAIT4, 0, 0, WALL_, 0, 0), -ECHILD);
    finish(&s, a);
}

/* fork with a real copy of the mm (dup_mm): COW between the two, the
 * child's tid word in its memory only; the child exits first, then a
 * parent exits first (its child goes to virtual init, which reaps it);
 * sys_fini checks every frame came back. */
static void test_fork_mm(void)
{
    struct sys s;
    struct task_struct *a = start(&s);
    uint32_t page = user_page(a), v = 0x11111111u;
    CHECK_EQ(copy_to_user(a->mm, page, &v, 4), 0);
    long pid = call(a, NR_CLONE, CLONE_CHILD_SETTID | SIGCHLD, 0, 0, 0, page + 4);
    CHECK(pid > 0);
    struct task_struct *c = find_task_by_pid(a->k, (uint32_t)pid);
    CHECK(c->mm && c->mm != a->mm && a->mm->mm_users == 1 && c->mm->mm_users == 1);
    CHECK_EQ(upeek(c, page), v);
    CHECK_EQ(upeek(c, page + 4), (uint32_t)pid);
    CHECK_EQ(upeek(a, page + 4), 0u);               /* the parent's copy untouched */
    uint32_t w = 0x22222222u;
    context_switch(a->k, c);
    CHECK_EQ(copy_to_user(c->mm, page, &w, 4), 0);  /* the child's write copies */
    CHECK_EQ(upeek(a, page), v);
    CHECK_EQ(upeek(c, page), w);
    CHECK_EQ(call(c, NR_EXIT_GROUP, 5, 0, 0, 0, 0), 0);
    CHECK(c->mm == NULL);                           /* exit_mm: its frames are back */
    CHECK_EQ(call(a, NR_WAIT4, (uint32_t)pid, page + 8, 0, 0, 0), pid);
    CHECK_EQ(upeek(a, page + 8), 5u << 8);

    /* the parent first: its child is virtual init's */
    c = find_task_by_pid(a->k, (uint32_t)call(a, NR_FORK, 0, 0, 0, 0, 0));
    CHECK(c != NULL && c->mm != a->mm);
    struct task_struct *g = find_task_by_pid(a->k, (uint32_t)call(c, NR_FORK, 0, 0, 0, 0, 0));
    CHECK(g != NULL && g->real_parent == c);
    CHECK_EQ(call(a, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);
    CHECK(task_dead(a) && c->real_parent == NULL && c->ppid == 1u);
    CHECK_EQ(call(c, NR_GETPPID, 0, 0, 0, 0, 0), 1);
    CHECK_EQ(call(c, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);  /* g: to virtual init too */
    CHECK(g->real_parent == NULL && c->released);
    CHECK_EQ(call(g, NR_EXIT_GROUP, 0, 0, 0, 0, 0), 0);  /* frees c (the switch) */
    CHECK(g->released);
    finish(&s, a);
}

int main(void)
{
    test_child_links();
    test_zombie_wait();
    test_blocking_wait();
    test_reparent();
    test_sigchld_ignored();
    test_thread_group();
    test_child_cleartid();
    test_vfork();
    test_kill();
    test_pgrp_session();
    test_fork_mm();
    test_robust_list();
    return CHECK_DONE();
}

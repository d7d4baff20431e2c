/* Tasks (kernel-model/task.c) and the system-call table and dispatch
 * (kernel-model/syscall_table.c, syscall.c) without an engine. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "tests/unit/task_fixture.h"

/* A page of user memory holding str; its address. */
static uint32_t user_string(struct task_struct *t, const char *str)
{
    uint32_t addr = user_page(t);
    CHECK_EQ(copy_to_user(t->mm, addr, str, (uint32_t)strlen(str) + 1), 0);
    return addr;
}

/* task_free releases the mm's frames and closes every descriptor. */
static void test_task_lifetime(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    CHECK(!strcmp(t->comm, "prog"));
    CHECK_EQ(t->pid, GUEST_PID);
    CHECK_EQ(t->state, TASK_RUNNING);
    for (uint32_t i = 0; i < MAX_FDS; i++)
        CHECK(t->files->fd[i] == NULL);

    uint32_t path = user_string(t, "/dev/null");
    uint32_t a[6] = { path, 0, 0, 0, 0, 0 };
    long fd = fixture_syscall(t, NR_OPEN, a);
    CHECK_EQ(fd, 0);                    /* the lowest free: stdio was not given */
    int host = file_host_fd(t->files->fd[0]);
    CHECK(host >= 0 && fcntl(host, F_GETFD) >= 0);
    task_free(t);
    CHECK(fcntl(host, F_GETFD) < 0 && errno == EBADF);
    sys_fini(&s);                       /* every frame of the mm came back */
}

/* Dispatch: handlers see the task, ENOSYS is counted, death is recorded once. */
static void test_dispatch(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    uint32_t a[6] = { 0 };
    CHECK_EQ(fixture_syscall(t, NR_GETPID, a), GUEST_PID);
    CHECK_EQ(fixture_syscall(t, NR_RESTART_SYSCALL, a), -ENOSYS); /* not modelled */
    CHECK_EQ(fixture_syscall(t, 5000, a), -ENOSYS);       /* past the table */
    CHECK_EQ(s.k.enosys.calls, 2);
    CHECK_EQ(s.k.enosys.n, 2);
    CHECK_EQ(s.k.enosys.e[1].nr, 5000);
    CHECK(s.k.enosys.e[1].name == NULL);

    a[0] = 3;
    fixture_syscall(t, NR_EXIT_GROUP, a);
    CHECK(task_dead(t));
    CHECK_EQ(t->exit_status, 3);
    CHECK(!strcmp(t->exit_reason, "exit"));
    task_exit_signal(t, 9, "too late");                    /* the first cause stays */
    CHECK_EQ(t->exit_status, 3);
    CHECK(t->report[0] == 0);
    task_free(t);
    sys_fini(&s);
}

struct seen {
    unsigned n;
    struct event ev[8];
    unsigned proc_files, proc_files_after_exit;   /* /proc at exit (procfs.c) */
};

static void record(void *ctx, const struct event *ev)
{
    struct seen *s = ctx;
    if (ev->type == EV_PROC_FILE) {
        s->proc_files++;
        s->proc_files_after_exit += s->n && s->ev[s->n - 1].type == EV_PROCESS_EXIT;
        return;
    }
    if (s->n < 8)
        s->ev[s->n++] = *ev;
}

/* The task's first and last events come from the kernel model: start at
 * wake_up_new_task, exit where it dies — inside exit_group, caused by it,
 * before the call's exit event — once; pid is the process (tgid), tid the
 * thread (the task's pid). */
static void test_process_events(void)
{
    struct sys s;
    struct seen seen = { 0 };
    struct task_struct *t = boot_task(&s);
    s.k.events = test_stream(&seen, record);
    t->pid = GUEST_PID + 1;             /* a thread of process GUEST_PID */
    wake_up_new_task(t);
    uint32_t a[6] = { 7, 0, 0, 0, 0, 0 };
    fixture_syscall(t, NR_EXIT_GROUP, a);
    task_exit_signal(t, 9, "too late");                     /* dead already: no event */
    CHECK_EQ(seen.n, 4);
    CHECK_EQ(seen.ev[0].type, EV_PROCESS_START);
    CHECK(!strcmp(seen.ev[0].u.proc.comm, "prog"));
    CHECK_EQ(seen.ev[1].type, EV_SYSCALL_ENTER);
    CHECK_EQ(seen.ev[2].type, EV_PROCESS_EXIT);
    CHECK_EQ(seen.ev[2].u.proc.status, 7);
    CHECK_EQ(seen.ev[2].cause, seen.ev[1].seq);
    CHECK_EQ(seen.ev[3].type, EV_SYSCALL_EXIT);
    CHECK(seen.proc_files >= 10);               /* the task's /proc, before its exit */
    CHECK_EQ(seen.proc_files_after_exit, 0);
    for (unsigned i = 0; i < seen.n; i++) {
        CHECK_EQ(seen.ev[i].pid, GUEST_PID);
        CHECK_EQ(seen.ev[i].tid, GUEST_PID + 1);
    }
    s.k.events = NULL;
    task_free(t);
    sys_fini(&s);
}

/* Every entry with a handler has a name and at most six arguments of known
 * kinds; names are unique (a copy-pasted entry shows as a duplicate name;
 * a duplicate number is a build error, -Werror=override-init). */
static void test_table(void)
{
    unsigned entries = 0;
    for (uint32_t nr = 0; nr < NR_SYSCALLS; nr++) {
        const struct syscall_entry *e = syscall_entry(nr);
        CHECK(e != NULL);
        if (!e->fn) {
            CHECK(e->name == NULL);
            continue;
        }
        entries++;
        CHECK(e->name != NULL && e->name[0]);
        CHECK(e->nargs <= 6);
        for (unsigned i = 0; i < e->nargs; i++)
            CHECK(e->arg[i] <= SA_ADDR);
        for (uint32_t o = 0; o < nr; o++) {
            const struct syscall_entry *f = syscall_entry(o);
            CHECK(!f->name || strcmp(f->name, e->name) != 0);
        }
    }
    CHECK(entries > 150);
    CHECK(syscall_entry(NR_SYSCALLS) == NULL);
    CHECK(!strcmp(syscall_entry(NR_EXIT_GROUP)->name, "exit_group"));
    CHECK_EQ(syscall_entry(NR_OPEN)->nargs, 3);
    CHECK_EQ(syscall_entry(NR_OPEN)->arg[0], SA_STR);
}

int main(void)
{
    test_task_lifetime();
    test_dispatch();
    test_process_events();
    test_table();
    return CHECK_DONE();
}

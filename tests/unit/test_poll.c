/*
 * test_poll.c — poll, ppoll, select and pselect6 over model pipes
 * (kernel-model/select.c, sys_select.c) with two tasks on one kernel and
 * no engine: a poll of an empty pipe blocks (-ERESTART_BLOCK) and the other
 * task's write wakes it, the re-run answering POLLIN; POLLHUP once the
 * writer closes, POLLERR for a write end without reader, POLLNVAL for a
 * closed fd; timeouts on the model clock (the idle scheduler advances it
 * to the deadline; a task alone sleeps at once); select on two pipes with
 * the time left written back, EBADF; pselect6's mask blocked during the
 * wait and restored after; a task alone with nothing that can wake it is
 * the deadlock.  And ioctl's terminal requests (tty_ioctl.c): -ENOTTY on a
 * pipe, the model's process group on a host terminal (a pty), TCSETS
 * passed to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/poll.h"
#include "tests/unit/task_fixture.h"

#define NR_PSELECT6_ 308u

/* A second task sharing a's mm and descriptor table (a thread's view). */
static struct task_struct *second_task(struct task_struct *a)
{
    struct task_struct *b = task_alloc(a->k, alloc_pid(a->k), "/usr/bin/other");
    CHECK(b != NULL);
    b->mm = a->mm;
    b->mm->mm_users++;
    files_put(b->files);
    b->files = files_get(a->files);
    wake_up_new_task(b);
    return b;
}

/* A call that may block: fixture_syscall's regs->ax check does not hold. */
static long call6(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
                  uint32_t a3, uint32_t a4, uint32_t a5)
{
    uint32_t a[6] = { a0, a1, a2, a3, a4, a5 };
    syscall_set_entry(task_pt_regs(t), nr, a);
    return syscall_dispatch(t);
}

static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
    return call6(t, nr, a0, a1, a2, 0, 0, 0);
}

static void mkpipe(struct task_struct *t, uint32_t ubuf, int32_t fds[2])
{
    CHECK_EQ(call(t, NR_PIPE2, ubuf, 0, 0), 0);
    CHECK_EQ(copy_from_user(t->mm, fds, ubuf, 8), 0);
}

/* One pollfd at ubuf. */
static void put_pollfd(struct task_struct *t, uint32_t ubuf, int32_t fd, uint16_t events)
{
    struct { int32_t fd; uint16_t events, revents; } p = { fd, events, 0xffff };
    CHECK_EQ(copy_to_user(t->mm, ubuf, &p, sizeof p), 0);
}

static unsigned revents(struct task_struct *t, uint32_t ubuf)
{
    uint16_t r = 0;
    CHECK_EQ(copy_from_user(t->mm, &r, ubuf + 6, 2), 0);
    return r;
}

/* t runs next: the scheduler picks it and the CPU switches to it. */
static void run(struct task_struct *t)
{
    CHECK(kernel_pick_next(t->k) == t);
    context_switch(t->k, t);
}

/* poll blocks on an empty pipe, a write wakes it, POLLHUP after the
 * writer closes, POLLERR without a reader, POLLNVAL for a closed fd. */
static void test_poll_wakeup(struct task_struct *a, struct task_struct *b, uint32_t page)
{
    int32_t p[2];
    mkpipe(a, page, p);
    uint32_t pfd = page + 64, data = page + 128;
    put_pollfd(a, pfd, p[0], G_POLLIN);
    CHECK_EQ(call(a, NR_POLL, pfd, 1, (uint32_t)-1), -ERESTART_BLOCK);
    CHECK_EQ(a->state, TASK_INTERRUPTIBLE);
    CHECK(task_in_syscall(a));
    CHECK_EQ(revents(a, pfd), 0xffffu);         /* nothing written while blocked */
    run(b);
    CHECK_EQ(call(b, NR_WRITE, (uint32_t)p[1], data, 1), 1);
    CHECK_EQ(a->state, TASK_RUNNING);           /* the write woke it */
    set_tsk_need_resched(b);
    run(a);
    CHECK_EQ(syscall_resume(a), 1);
    CHECK_EQ(revents(a, pfd), G_POLLIN);
    CHECK(!task_in_syscall(a));

    /* data and no wait: at once; then drained, the writer closes meanwhile */
    CHECK_EQ(call(a, NR_READ, (uint32_t)p[0], data, 1), 1);
    put_pollfd(a, pfd, p[0], G_POLLIN);
    CHECK_EQ(call(a, NR_POLL, pfd, 1, (uint32_t)-1), -ERESTART_BLOCK);
    run(b);
    CHECK_EQ(call(b, NR_CLOSE, (uint32_t)p[1], 0, 0), 0);
    CHECK_EQ(a->state, TASK_RUNNING);
    set_tsk_need_resched(b);
    run(a);
    CHECK_EQ(syscall_resume(a), 1);
    CHECK_EQ(revents(a, pfd), G_POLLHUP);       /* reported though not asked */

    /* a write end with no reader: POLLERR (and POLLOUT: room) */
    mkpipe(a, page, p);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[0], 0, 0), 0);
    put_pollfd(a, pfd, p[1], G_POLLOUT);
    CHECK_EQ(call(a, NR_POLL, pfd, 1, 0), 1);
    CHECK_EQ(revents(a, pfd), G_POLLOUT | G_POLLERR);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[1], 0, 0), 0);

    /* a closed fd: POLLNVAL, counted; a negative fd: ignored */
    put_pollfd(a, pfd, 77, G_POLLIN);
    put_pollfd(a, pfd + 8, -1, G_POLLIN);
    CHECK_EQ(call(a, NR_POLL, pfd, 2, 0), 1);
    CHECK_EQ(revents(a, pfd), G_POLLNVAL);
    CHECK_EQ(revents(a, pfd + 8), 0u);
}

/* A timeout with another task blocked too: the idle scheduler moves the
 * model clock to the deadline and the re-run answers 0. */
static void test_poll_timeout(struct task_struct *a, struct task_struct *b, uint32_t page)
{
    int32_t p[2], q[2];
    mkpipe(a, page, p);
    mkpipe(a, page, q);
    uint32_t pa = page + 64, pb = page + 80, data = page + 128;
    put_pollfd(a, pa, p[0], G_POLLIN);
    CHECK_EQ(call(a, NR_POLL, pa, 1, 5), -ERESTART_BLOCK);     /* 5 ms */
    run(b);
    put_pollfd(b, pb, q[0], G_POLLIN);
    uint64_t before = fixture_cycles;
    CHECK_EQ(call(b, NR_POLL, pb, 1, (uint32_t)-1), -ERESTART_BLOCK);
    run(a);                                     /* nothing runnable: idle to a's deadline */
    CHECK_EQ(fixture_cycles - before, 5000000u);    /* 1 GHz */
    CHECK_EQ(syscall_resume(a), 0);
    CHECK_EQ(revents(a, pa), 0u);
    CHECK_EQ(call(a, NR_WRITE, (uint32_t)q[1], data, 1), 1);   /* b goes on */
    set_tsk_need_resched(a);
    run(b);
    CHECK_EQ(syscall_resume(b), 1);
    CHECK_EQ(revents(b, pb), G_POLLIN);
    CHECK_EQ(call(b, NR_READ, (uint32_t)q[0], data, 1), 1);
    set_tsk_need_resched(b);
    run(a);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[i], 0, 0), 0);
        CHECK_EQ(call(a, NR_CLOSE, (uint32_t)q[i], 0, 0), 0);
    }
}

static void put_set(struct task_struct *t, uint32_t uaddr, uint32_t bits)
{
    uint32_t w[2] = { bits, 0 };
    CHECK_EQ(copy_to_user(t->mm, uaddr, w, sizeof w), 0);
}

static uint32_t get_set(struct task_struct *t, uint32_t uaddr)
{
    uint32_t w = 0;
    CHECK_EQ(copy_from_user(t->mm, &w, uaddr, 4), 0);
    return w;
}

/* select on two pipes: it blocks, a write to the second wakes it, only
 * that one is in the set; the time left is written back; EBADF. */
static void test_select(struct task_struct *a, struct task_struct *b, uint32_t page)
{
    int32_t p[2], q[2];
    mkpipe(a, page, p);
    mkpipe(a, page, q);
    uint32_t rset = page + 64, tv = page + 96, data = page + 128;
    uint32_t both = (1u << p[0]) | (1u << q[0]);
    put_set(a, rset, both);
    int32_t tv_in[2] = { 2, 500000 };            /* 2.5 s */
    CHECK_EQ(copy_to_user(a->mm, tv, tv_in, sizeof tv_in), 0);
    uint32_t n = (uint32_t)(q[0] > p[0] ? q[0] : p[0]) + 1;
    CHECK_EQ(call6(a, NR_NEWSELECT, n, rset, 0, 0, tv, 0), -ERESTART_BLOCK);
    run(b);
    fixture_cycles += 1000000000u;              /* b runs a second of model time */
    CHECK_EQ(call(b, NR_WRITE, (uint32_t)q[1], data, 3), 3);
    set_tsk_need_resched(b);
    run(a);
    CHECK_EQ(syscall_resume(a), 1);
    CHECK_EQ(get_set(a, rset), 1u << q[0]);
    int32_t left[2];
    CHECK_EQ(copy_from_user(a->mm, left, tv, sizeof left), 0);
    CHECK_EQ(left[0], 1);
    CHECK_EQ(left[1], 500000);

    /* both ready (the first pipe's writer closed: POLLHUP is readable) */
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[1], 0, 0), 0);
    put_set(a, rset, both);
    CHECK_EQ(call6(a, NR_NEWSELECT, n, rset, 0, 0, 0, 0), 2);
    CHECK_EQ(get_set(a, rset), both);
    /* a write set: room in the second pipe */
    put_set(a, rset, 1u << q[1]);
    CHECK_EQ(call6(a, NR_NEWSELECT, (uint32_t)q[1] + 1, 0, rset, 0, 0, 0), 1);
    CHECK_EQ(get_set(a, rset), 1u << q[1]);
    /* a closed fd in a set */
    put_set(a, rset, 1u << p[1]);
    CHECK_EQ(call6(a, NR_NEWSELECT, (uint32_t)p[1] + 1, rset, 0, 0, 0, 0), -EBADF);

    /* a timeout: zero ready, nothing left */
    CHECK_EQ(call(a, NR_READ, (uint32_t)q[0], data, 3), 3);
    put_set(a, rset, 1u << q[0]);
    int32_t tv_short[2] = { 0, 1000 };
    CHECK_EQ(copy_to_user(a->mm, tv, tv_short, sizeof tv_short), 0);
    CHECK_EQ(call6(a, NR_NEWSELECT, (uint32_t)q[0] + 1, rset, 0, 0, tv, 0), -ERESTART_BLOCK);
    run(b);
    uint64_t before = fixture_cycles;
    /* b waits too: with nothing runnable the clock idles to a's deadline */
    CHECK_EQ(call(b, NR_READ, (uint32_t)q[0], data, 1), -ERESTART_BLOCK);
    CHECK_EQ(fixture_cycles - before, 1000000u);
    run(a);
    CHECK_EQ(syscall_resume(a), 0);
    CHECK_EQ(get_set(a, rset), 0u);
    CHECK_EQ(copy_from_user(a->mm, left, tv, sizeof left), 0);
    CHECK(left[0] == 0 && left[1] == 0);
    CHECK_EQ(call(a, NR_WRITE, (uint32_t)q[1], data, 1), 1);
    set_tsk_need_resched(a);
    run(b);
    CHECK_EQ(syscall_resume(b), 1);
    set_tsk_need_resched(b);
    run(a);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[0], 0, 0), 0);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)q[0], 0, 0), 0);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)q[1], 0, 0), 0);
}

/* pselect6's mask is the blocked set while the call waits, across its
 * re-runs; the original comes back when it completes. */
static void test_pselect_mask(struct task_struct *a, struct task_struct *b, uint32_t page)
{
    int32_t p[2];
    mkpipe(a, page, p);
    uint32_t rset = page + 64, pack = page + 96, mask = page + 112, data = page + 128;
    uint64_t m = 1u << 9, orig = a->sig.blocked;   /* SIGUSR1 (10): bit 9 */
    uint32_t pk[2] = { mask, 8 };
    CHECK_EQ(copy_to_user(a->mm, mask, &m, 8), 0);
    CHECK_EQ(copy_to_user(a->mm, pack, pk, 8), 0);
    put_set(a, rset, 1u << p[0]);
    CHECK_EQ(call6(a, NR_PSELECT6_, (uint32_t)p[0] + 1, rset, 0, 0, 0, pack), -ERESTART_BLOCK);
    CHECK_EQ(a->sig.blocked, m);
    run(b);
    CHECK_EQ(call(b, NR_WRITE, (uint32_t)p[1], data, 1), 1);
    set_tsk_need_resched(b);
    run(a);
    CHECK_EQ(syscall_resume(a), 1);
    CHECK_EQ(a->sig.blocked, orig);
    CHECK_EQ(get_set(a, rset), 1u << p[0]);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[0], 0, 0), 0);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[1], 0, 0), 0);
}

/* A task alone: a timed poll sleeps the clock at once (no block); with no
 * timeout and only its own pipe, nobody can wake it: the deadlock. */
static void test_alone(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    uint32_t page = user_page(a), pfd = page + 64;
    int32_t p[2];
    mkpipe(a, page, p);
    put_pollfd(a, pfd, p[0], G_POLLIN);
    uint64_t before = fixture_cycles;
    CHECK_EQ(call(a, NR_POLL, pfd, 1, 3), 0);
    CHECK_EQ(fixture_cycles - before, 3000000u);
    CHECK_EQ(revents(a, pfd), 0u);
    call(a, NR_POLL, pfd, 1, (uint32_t)-1);
    CHECK(task_dead(a));
    CHECK_EQ(a->exit_status, 137);
    CHECK(strstr(a->report, "deadlock: poll with no timeout") != NULL);
    task_free(a);
    sys_fini(&s);
}

#define TCGETS_ 0x5401u
#define TCSETS_ 0x5402u
#define TIOCGPGRP_ 0x540Fu
#define TIOCSPGRP_ 0x5410u
#define TIOCSCTTY_ 0x540Eu
#define TIOCNOTTY_ 0x5422u

static int32_t get_int(struct task_struct *t, uint32_t uaddr)
{
    int32_t v = 0;
    CHECK_EQ(copy_from_user(t->mm, &v, uaddr, 4), 0);
    return v;
}

static void put_int(struct task_struct *t, uint32_t uaddr, int32_t v)
{
    CHECK_EQ(copy_to_user(t->mm, uaddr, &v, 4), 0);
}

/* The job-control ioctls: ENOTTY on a pipe; on a pty (a host terminal
 * as stdio) the guest's ids, tiocspgrp's errors, TCSETS to the host. */
static void test_tty_ioctl(struct task_struct *a, uint32_t page)
{
    int32_t p[2];
    mkpipe(a, page, p);
    uint32_t arg = page + 256;
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)p[0], TIOCGPGRP_, arg), -ENOTTY);
    put_int(a, arg, (int32_t)a->signal->pgrp);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)p[0], TIOCSPGRP_, arg), -ENOTTY);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)p[1], TIOCSCTTY_, 0), -ENOTTY);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)p[1], TIOCNOTTY_, 0), -ENOTTY);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)p[0], TCSETS_, arg), -ENOTTY);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)p[0], TCGETS_, arg), -ENOTTY);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)p[0], 0x1234u, arg), -ENOTTY);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[0], 0, 0), 0);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)p[1], 0, 0), 0);

    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) || unlockpt(m)) {
        if (m >= 0)
            close(m);
        return;                         /* no ptys here: the pipe half stands */
    }
    int sl = open(ptsname(m), O_RDWR | O_NOCTTY);
    CHECK(sl >= 0);
    int peek = dup(sl);                 /* the host's view of the same terminal */
    struct termios host;
    CHECK_EQ(tcgetattr(peek, &host), 0);
    CHECK(host.c_lflag & ECHO);
    long err = 0;
    struct file *f = host_file_open(a->k, sl, NULL, NULL, HOST_OPEN_STDIO, &err);
    CHECK(f != NULL);
    long fd = get_unused_fd(a->files, 0, MAX_FDS);
    CHECK(fd >= 0);
    fd_install(a->files, (uint32_t)fd, f, 0);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)fd, TIOCGPGRP_, arg), 0);
    CHECK_EQ(get_int(a, arg), (int32_t)a->signal->pgrp);      /* the guest's, not the host's */
    put_int(a, arg, -1);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)fd, TIOCSPGRP_, arg), -EINVAL);
    put_int(a, arg, 31000);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)fd, TIOCSPGRP_, arg), -ESRCH);
    put_int(a, arg, (int32_t)a->signal->pgrp);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)fd, TIOCSPGRP_, arg), 0);
    CHECK_EQ(a->k->tty_pgrp, a->signal->pgrp);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)fd, TIOCSCTTY_, 0), 0);
    /* TCGETS then TCSETS of it with ECHO off reaches the pty */
    uint32_t tio = page + 512, lflag;
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)fd, TCGETS_, tio), 0);
    CHECK_EQ(copy_from_user(a->mm, &lflag, tio + 12, 4), 0);
    lflag &= ~(uint32_t)ECHO;
    CHECK_EQ(copy_to_user(a->mm, tio + 12, &lflag, 4), 0);
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)fd, TCSETS_, tio), 0);
    CHECK_EQ(tcgetattr(peek, &host), 0);
    CHECK(!(host.c_lflag & ECHO));
    CHECK_EQ(call(a, NR_IOCTL, (uint32_t)fd, TCSETS_, 0xfffff000u), -EFAULT);
    CHECK_EQ(call(a, NR_CLOSE, (uint32_t)fd, 0, 0), 0);
    close(peek);
    close(m);
}

int main(void)
{
    (void)fixture_syscall;              /* the calls here may block: call6 */
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    struct task_struct *b = second_task(a);
    uint32_t page = user_page(a);
    test_poll_wakeup(a, b, page);
    test_poll_timeout(a, b, page);
    test_select(a, b, page);
    test_pselect_mask(a, b, page);
    test_tty_ioctl(a, page);
    task_free(b);
    task_free(a);
    sys_fini(&s);
    test_alone();
    return CHECK_DONE();
}

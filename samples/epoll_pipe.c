/*
 * epoll_pipe.c — epoll(7) on pipes: each bad argument's errno, readiness
 * as level-triggered reports (with the data word handed back), a blocking
 * wait a child's write ends, EPOLLONESHOT until EPOLL_CTL_MOD, a nested
 * epoll file, a closed descriptor no longer reported, and epoll_pwait's
 * signal mask.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *en(int e)
{
    switch (e) {
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EPERM: return "EPERM";
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case ELOOP: return "ELOOP";
    case EFAULT: return "EFAULT";
    case EINTR: return "EINTR";
    default: return strerror(e);
    }
}

static void show(const char *what, long r)
{
    if (r < 0)
        printf("%-36s %s\n", what, en(errno));
    else
        printf("%-36s = %ld\n", what, r);
}

static void report(const char *what, int ep, int timeout)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, 8, timeout);
    printf("%-36s %d:", what, n);
    for (int i = 0; i < n; i++)
        printf(" [data %llu events %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
    printf("\n");
}

static void on_usr1(int s) { (void)s; }

int main(void)
{
    int p[2], q[2];
    struct epoll_event ev = { .events = EPOLLIN };
    if (pipe(p) || pipe(q))
        return 1;
    show("epoll_create(0)", epoll_create(0));
    show("epoll_create1(bad flags)", epoll_create1(1));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    printf("epoll_create1(EPOLL_CLOEXEC) cloexec %d\n", (fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0);
    int file = open("/proc/self/exe", O_RDONLY);
    show("ctl bad epfd", epoll_ctl(99, EPOLL_CTL_ADD, p[0], &ev));
    show("ctl bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 99, &ev));
    show("ctl a regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev));
    show("ctl epfd not epoll", epoll_ctl(p[0], EPOLL_CTL_ADD, q[0], &ev));
    show("ctl epfd on itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
    show("ctl bad op", epoll_ctl(ep, 7, p[0], &ev));
    show("ctl MOD of no item", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    show("ctl DEL of no item", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], &ev));
    show("ctl bad event pointer", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], (void *)16));
    ev.data.u64 = 0x100000001ull;
    show("ctl ADD read end", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    show("ctl ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    ev.events = EPOLLOUT;
    ev.data.u64 = 2;
    show("ctl ADD write end (EPOLLOUT)", epoll_ctl(ep, EPOLL_CTL_ADD, q[1], &ev));
    show("wait maxevents 0", epoll_wait(ep, &ev, 0, 0));
    show("wait bad epfd", epoll_wait(99, &ev, 1, 0));
    show("wait epfd not epoll", epoll_wait(p[0], &ev, 1, 0));
    report("wait: only the writable end", ep, 0);
    write(p[1], "x", 1);
    report("after a write: both", ep, 0);
    report("level-triggered: again", ep, 0);
    char c;
    read(p[0], &c, 1);
    show("ctl DEL write end", epoll_ctl(ep, EPOLL_CTL_DEL, q[1], NULL));
    report("drained: nothing, 50 ms", ep, 50);

    pid_t child = fork();
    if (child == 0) {
        usleep(20000);
        write(p[1], "y", 1);
        _exit(0);
    }
    report("blocking until the child writes", ep, -1);
    waitpid(child, NULL, 0);
    read(p[0], &c, 1);

    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 3;
    show("ctl MOD to EPOLLONESHOT", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    write(p[1], "z", 1);
    report("oneshot: once", ep, 0);
    report("oneshot: then disabled", ep, 0);
    show("ctl MOD re-arms", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    report("re-armed", ep, 0);

    int outer = epoll_create(1);
    ev.events = EPOLLIN;
    ev.data.u64 = 9;
    show("ctl nested epoll", epoll_ctl(outer, EPOLL_CTL_ADD, ep, &ev));
    show("ctl loop back", epoll_ctl(ep, EPOLL_CTL_ADD, outer, &ev));
    show("ctl MOD re-arms again", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    report("outer sees inner ready", outer, 0);

    int dup_r = dup(q[0]);
    ev.data.u64 = 5;
    epoll_ctl(ep, EPOLL_CTL_ADD, dup_r, &ev);
    write(q[1], "w", 1);
    report("dup'd read end ready", ep, 0);
    close(dup_r);
    report("after closing it", ep, 0);

    /* more ready items than maxevents: level-triggered ones take turns */
    int rr = epoll_create1(0), a[2], b[2];
    pipe(a);
    pipe(b);
    write(a[1], "a", 1);
    write(b[1], "b", 1);
    ev.events = EPOLLIN;
    ev.data.u64 = 10;
    epoll_ctl(rr, EPOLL_CTL_ADD, a[0], &ev);
    ev.data.u64 = 11;
    epoll_ctl(rr, EPOLL_CTL_ADD, b[0], &ev);
    printf("%-36s", "maxevents 1, four waits:");
    for (int i = 0; i < 4; i++) {
        struct epoll_event one;
        if (epoll_wait(rr, &one, 1, 0) == 1)
            printf(" %llu", (unsigned long long)one.data.u64);
    }
    printf("\n");

    /* another process adds a ready file to the epoll file a wait sleeps on */
    int e2 = epoll_create1(0), w[2];
    pipe(w);
    write(w[1], "w", 1);
    pid_t adder = fork();
    if (adder == 0) {
        usleep(20000);
        struct epoll_event add = { .events = EPOLLIN, .data.u64 = 77 };
        epoll_ctl(e2, EPOLL_CTL_ADD, w[0], &add);
        _exit(0);
    }
    report("woken by another's ADD", e2, -1);
    waitpid(adder, NULL, 0);

    signal(SIGUSR1, on_usr1);
    read(p[0], &c, 1);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    struct epoll_event out[4];
    show("epoll_pwait unblocking SIGUSR1", epoll_pwait(ep, out, 4, 1000, &none));
    show("epoll_pwait with SIGUSR1 blocked", epoll_pwait(ep, out, 4, 0, &block));
    return 0;
}

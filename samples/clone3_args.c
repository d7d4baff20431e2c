/*
 * clone3_args.c — clone3(2): the errno of each malformed struct clone_args
 * (size too small or too large, a non-zero tail, a bad exit signal, an
 * exit signal with CLONE_THREAD, a stack without its size, CLONE_SIGHAND
 * with CLONE_CLEAR_SIGHAND, a bad pointer), then a fork-like clone3 whose
 * child reports its handlers under CLONE_CLEAR_SIGHAND (a caught signal is
 * SIG_DFL again, an ignored one stays ignored) and exits with a status the
 * parent reaps.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define CLONE_CLEAR_SIGHAND_ 0x100000000ull

struct clone_args_ {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};

static const char *errname(int e)
{
    switch (e) {
    case EINVAL: return "EINVAL";
    case E2BIG: return "E2BIG";
    case EFAULT: return "EFAULT";
    case ENOSYS: return "ENOSYS";
    default: return strerror(e);
    }
}

static void expect_fail(const char *what, void *args, size_t size)
{
    long r = syscall(SYS_clone3, args, size);
    if (r == 0)
        _exit(99);                      /* a child that should not exist */
    printf("%-34s %s\n", what, r < 0 ? errname(errno) : "created a child");
    if (r > 0)
        waitpid((pid_t)r, NULL, 0);
}

static void on_usr1(int s) { (void)s; }

int main(void)
{
    static unsigned char big[8192];
    struct clone_args_ a;

    memset(&a, 0, sizeof a);
    a.exit_signal = SIGCHLD;
    expect_fail("size 63 (below VER0)", &a, 63);
    expect_fail("size 4097 (over a page)", big, 4097);
    memcpy(big, &a, sizeof a);
    big[200] = 1;
    expect_fail("non-zero byte past the struct", big, 256);
    a.exit_signal = 65;
    expect_fail("exit_signal 65", &a, sizeof a);
    a.exit_signal = 1ull << 32 | SIGCHLD;
    expect_fail("exit_signal with high bits", &a, sizeof a);
    a.exit_signal = SIGCHLD;
    a.flags = 0x00010000 | 0x00000800 | 0x00000100;     /* THREAD|SIGHAND|VM */
    expect_fail("CLONE_THREAD with an exit signal", &a, sizeof a);
    a.flags = 0;
    a.stack = (uintptr_t)big;
    expect_fail("stack without stack_size", &a, sizeof a);
    a.stack = 0;
    a.stack_size = 4096;
    expect_fail("stack_size without stack", &a, sizeof a);
    a.stack_size = 0;
    a.flags = 0x00000800 | 0x00000100 | CLONE_CLEAR_SIGHAND_;
    expect_fail("CLONE_SIGHAND|CLONE_CLEAR_SIGHAND", &a, sizeof a);
    a.flags = 0x40;                                     /* a CSIGNAL bit in flags */
    expect_fail("a signal number in flags", &a, sizeof a);
    expect_fail("bad pointer", (void *)16, sizeof a);

    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    memset(&a, 0, sizeof a);
    a.flags = CLONE_CLEAR_SIGHAND_;
    a.exit_signal = SIGCHLD;
    fflush(stdout);
    long pid = syscall(SYS_clone3, &a, sizeof a);
    if (pid < 0) {
        printf("clone3 fork: %s\n", errname(errno));
        return 1;
    }
    if (pid == 0) {
        struct sigaction s1, s2;
        sigaction(SIGUSR1, NULL, &s1);
        sigaction(SIGUSR2, NULL, &s2);
        printf("child: SIGUSR1 %s, SIGUSR2 %s\n",
               s1.sa_handler == SIG_DFL ? "SIG_DFL" : "caught",
               s2.sa_handler == SIG_IGN ? "SIG_IGN" : "not ignored");
        fflush(stdout);
        _exit(7);
    }
    int status;
    if (waitpid((pid_t)pid, &status, 0) != pid)
        return 1;
    struct sigaction s1;
    sigaction(SIGUSR1, NULL, &s1);
    printf("parent: child exit %d, SIGUSR1 still %s\n", WEXITSTATUS(status),
           s1.sa_handler == on_usr1 ? "caught" : "lost");
    return 0;
}

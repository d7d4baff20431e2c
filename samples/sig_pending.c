/* Blocked signals stay pending (kill, tkill, tgkill, raise); rt_sigpending
 * reports them, sigtimedwait takes them with their siginfo; an ignored one
 * stays pending while blocked and is dropped when its action becomes
 * SIG_IGN; unblocking SIGTERM at the end kills the process (status 143). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void show_pending(const char *what)
{
    sigset_t p;
    sigpending(&p);
    printf("%-28s", what);
    for (int s = 1; s < 65; s++)
        if (sigismember(&p, s))
            printf(" %d", s);
    printf("\n");
}

static const char *code_name(int c)
{
    return c == SI_USER ? "SI_USER" : c == SI_TKILL ? "SI_TKILL" : "other";
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);   /* the last signal kills: nothing buffered */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGRTMIN + 2);
    sigaddset(&set, SIGKILL);           /* silently not blocked */
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("SIGKILL blocked: %s\n", sigismember(&cur, SIGKILL) ? "yes" : "no");

    raise(SIGTERM);
    printf("raised SIGTERM while blocked: still running\n");
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);            /* merged with the first */
    syscall(SYS_tkill, getpid(), SIGUSR2);
    raise(SIGCHLD);                     /* ignored by default, but blocked: pending */
    raise(SIGRTMIN + 2);
    raise(SIGWINCH);                    /* not blocked, ignored: dropped */
    show_pending("pending:");

    siginfo_t si;
    struct timespec zero = { 0, 0 };
    for (;;) {
        sigset_t w;
        sigemptyset(&w);
        sigaddset(&w, SIGUSR1);
        sigaddset(&w, SIGUSR2);
        sigaddset(&w, SIGRTMIN + 2);
        int s = sigtimedwait(&w, &si, &zero);
        if (s < 0) {
            printf("sigtimedwait: %s\n", errno == EAGAIN ? "EAGAIN" : strerror(errno));
            break;
        }
        printf("took %d: signo %d code %s pid_ok %d uid_ok %d\n", s, si.si_signo,
               code_name(si.si_code), si.si_pid == getpid(), si.si_uid == getuid());
    }
    show_pending("pending after sigtimedwait:");

    struct timespec a, b, t = { 0, 30000000 };
    sigset_t w;
    sigemptyset(&w);
    sigaddset(&w, SIGUSR1);
    clock_gettime(CLOCK_MONOTONIC, &a);
    int s = sigtimedwait(&w, &si, &t);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("30ms sigtimedwait: %s, waited >= 30ms: %s\n",
           s < 0 && errno == EAGAIN ? "EAGAIN" : "?", ms >= 30 ? "yes" : "no");

    signal(SIGCHLD, SIG_IGN);           /* discards the pending SIGCHLD */
    show_pending("after SIGCHLD -> SIG_IGN:");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("not reached: SIGTERM was delivered when unblocked\n");
    return 0;
}

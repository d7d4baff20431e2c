/* Waiting for signals and time (issue 7): pause, sigsuspend, select and
 * pselect timeouts, sigaltstack, a blocked SIGPIPE.  One case per run
 * (argv[1]); tests/guest/check-sig-wait.sh runs each under memsim and
 * natively and compares.
 *   pause       alarm(1), pause(): SIGALRM's default action (142)
 *   sigsuspend  SIGUSR1 raised while blocked, sigsuspend(empty mask): 138
 *   ignored     SIGCHLD pending (ignored by default), sigsuspend unblocking
 *               it, alarm(1): the ignored signal does not wake; SIGALRM: 142
 *   handler     SIGUSR1 with a handler that calls _exit(0), raised
 *   select      select/pselect timeouts: the clock advances by each timeout
 *   pselect_mask  SIGALRM blocked: a pselect outlasting the alarm returns
 *               0 (the signal pending); a bad mask size is EINVAL; a
 *               pselect whose mask unblocks it is ended by it (142)
 *   altstack    sigaltstack round trip and errnos
 *   sigpipe     SIGPIPE blocked, write to a pipe without a reader: EPIPE,
 *               SIGPIPE pending; unblocked: killed (141)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_usr1(int sig) { (void)sig; _exit(0); }

static int run_select(void)
{
    struct timeval tv = { 1, 250000 };
    double t0 = mono();
    int r = select(0, NULL, NULL, NULL, &tv);
    double dt = mono() - t0;
    printf("select(0, 1.25 s): %d, left %ld.%06ld, slept >= 1.25: %s, < 1.35: %s\n", r,
           (long)tv.tv_sec, (long)tv.tv_usec, dt >= 1.25 ? "yes" : "no", dt < 1.35 ? "yes" : "no");
    struct timespec ts = { 0, 300000000 };
    t0 = mono();
    r = pselect(0, NULL, NULL, NULL, &ts, NULL);
    dt = mono() - t0;
    printf("pselect(0, 0.3 s): %d, slept >= 0.3: %s, < 0.4: %s\n", r,
           dt >= 0.3 ? "yes" : "no", dt < 0.4 ? "yes" : "no");
    /* a regular file is always ready: no wait, the time left is written back */
    int fd = open("/proc/self/exe", O_RDONLY);
    if (fd < 0)
        fd = open("/", O_RDONLY);
    fd_set in;
    FD_ZERO(&in);
    FD_SET(fd, &in);
    tv = (struct timeval){ 5, 0 };
    t0 = mono();
    r = select(fd + 1, &in, NULL, NULL, &tv);
    dt = mono() - t0;
    printf("select(file, 5 s): %d, set: %d, left > 4.9: %s, slept < 0.1: %s\n", r,
           FD_ISSET(fd, &in), tv.tv_sec * 1e6 + tv.tv_usec > 4.9e6 ? "yes" : "no",
           dt < 0.1 ? "yes" : "no");
    tv = (struct timeval){ 0, -1 };
    errno = 0;
    r = select(0, NULL, NULL, NULL, &tv);
    printf("select(negative usec): %d %s\n", r, strerror(errno));
    /* a real timer expiring in a select: its SIGALRM ends the process */
    alarm(1);
    tv = (struct timeval){ 10, 0 };
    select(0, NULL, NULL, NULL, &tv);
    printf("not reached\n");
    return 1;
}

static int run_pselect_mask(void)
{
    sigset_t alrm, none, pend;
    sigemptyset(&alrm);
    sigemptyset(&none);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    alarm(1);
    struct timespec ts = { 2, 0 };
    int r = pselect(0, NULL, NULL, NULL, &ts, NULL);
    sigpending(&pend);
    printf("pselect(2 s) with SIGALRM blocked: %d, SIGALRM pending: %s\n", r,
           sigismember(&pend, SIGALRM) ? "yes" : "no");
    struct { void *ss; unsigned len; } pack = { &none, 4 };
    ts = (struct timespec){ 0, 1000 };
    errno = 0;
    r = (int)syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, &pack);
    printf("pselect6 mask size 4: %d %s\n", r, strerror(errno));
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);      /* the pending SIGALRM is delivered: 142 */
    printf("not reached\n");
    return 1;
}

static int run_pselect_unblock(void)
{
    sigset_t alrm, none;
    sigemptyset(&alrm);
    sigemptyset(&none);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    alarm(1);
    struct timespec ts = { 5, 0 };
    printf("pselect(5 s) unblocking SIGALRM\n");
    pselect(0, NULL, NULL, NULL, &ts, &none);   /* the alarm ends it: 142 */
    printf("not reached\n");
    return 1;
}

static void show_ss(const char *what, int r, const stack_t *ss)
{
    printf("%-30s %d %-10s sp %s flags %d size %zu\n", what, r, r ? strerror(errno) : "ok",
           ss->ss_sp ? "set" : "NULL", ss->ss_flags, ss->ss_size);
}

static int run_altstack(void)
{
    static char stack_mem[65536];
    stack_t ss, old;
    memset(&old, 0x55, sizeof old);
    int r = sigaltstack(NULL, &old);
    show_ss("initial", r, &old);
    ss = (stack_t){ .ss_sp = stack_mem, .ss_size = sizeof stack_mem, .ss_flags = 0 };
    r = sigaltstack(&ss, &old);
    show_ss("set 64K (old)", r, &old);
    r = sigaltstack(NULL, &old);
    show_ss("get", r, &old);
    printf("same sp: %s\n", old.ss_sp == stack_mem ? "yes" : "no");
    ss.ss_size = 2047;
    errno = 0;
    r = sigaltstack(&ss, NULL);
    printf("size 2047: %d %s\n", r, strerror(errno));
    ss.ss_size = 2048;
    r = sigaltstack(&ss, NULL);
    printf("size 2048: %d\n", r);
    ss.ss_flags = 4;
    errno = 0;
    r = sigaltstack(&ss, NULL);
    printf("flags 4: %d %s\n", r, strerror(errno));
    ss.ss_flags = SS_ONSTACK;
    ss.ss_size = 4096;
    r = sigaltstack(&ss, &old);
    show_ss("SS_ONSTACK (old)", r, &old);
    r = sigaltstack(NULL, &old);
    show_ss("after SS_ONSTACK", r, &old);
    ss.ss_flags = SS_ONSTACK | SS_AUTODISARM;
    r = sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    show_ss("SS_AUTODISARM", r, &old);
    ss = (stack_t){ .ss_sp = (void *)1, .ss_size = 1, .ss_flags = SS_DISABLE };
    r = sigaltstack(&ss, &old);
    show_ss("SS_DISABLE (old)", r, &old);
    r = sigaltstack(NULL, &old);
    show_ss("after SS_DISABLE", r, &old);
    errno = 0;
    r = sigaltstack((stack_t *)16, NULL);
    printf("bad pointer: %d %s\n", r, strerror(errno));
    /* the current stack as the alternate one: on it, so no change (EPERM) */
    char here[4096];
    here[0] = 1;
    ss = (stack_t){ .ss_sp = (void *)((uintptr_t)here - 8192), .ss_size = 65536, .ss_flags = 0 };
    r = sigaltstack(&ss, NULL);
    r = sigaltstack(NULL, &old);
    show_ss("around the stack pointer", r, &old);
    errno = 0;
    r = sigaltstack(&ss, NULL);
    printf("change while on it: %d %s\n", r, strerror(errno));
    return 0;
}

static int run_sigpipe(void)
{
    int p[2];
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (pipe(p) == 0) {
        close(p[0]);
    } else {                            /* no pipe(): stdout is a pipe whose reader left */
        p[1] = 1;
        sleep(1);
    }
    errno = 0;
    ssize_t n = write(p[1], "x", 1);
    int e = errno;
    sigpending(&pend);
    dprintf(2, "write: %zd %s; SIGPIPE pending: %s\n", n, strerror(e),
            sigismember(&pend, SIGPIPE) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    dprintf(2, "not reached\n");
    return 1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);   /* the signal kills: nothing buffered */
    const char *c = argc > 1 ? argv[1] : "";
    sigset_t set, none;
    sigemptyset(&set);
    sigemptyset(&none);
    if (!strcmp(c, "pause")) {
        alarm(1);
        printf("pausing\n");
        pause();
    } else if (!strcmp(c, "sigsuspend")) {
        sigaddset(&set, SIGUSR1);
        sigprocmask(SIG_BLOCK, &set, NULL);
        raise(SIGUSR1);
        printf("SIGUSR1 pending, suspending\n");
        sigsuspend(&none);
    } else if (!strcmp(c, "ignored")) {
        sigaddset(&set, SIGCHLD);
        sigprocmask(SIG_BLOCK, &set, NULL);
        raise(SIGCHLD);
        alarm(1);
        printf("SIGCHLD pending, suspending\n");
        sigsuspend(&none);
    } else if (!strcmp(c, "handler")) {
        signal(SIGUSR1, on_usr1);
        printf("raising SIGUSR1\n");
        raise(SIGUSR1);
    } else if (!strcmp(c, "select")) {
        return run_select();
    } else if (!strcmp(c, "pselect_mask")) {
        return run_pselect_mask();
    } else if (!strcmp(c, "pselect_unblock")) {
        return run_pselect_unblock();
    } else if (!strcmp(c, "altstack")) {
        return run_altstack();
    } else if (!strcmp(c, "sigpipe")) {
        return run_sigpipe();
    }
    printf("returned: %s\n", strerror(errno));
    return 1;
}

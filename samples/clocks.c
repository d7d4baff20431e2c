/*
 * clocks.c — the guest's clocks, sleeps and timers.
 *
 *   clocks [alarm|busy]
 *
 * With no argument: prints time() minus the epoch given as $EPOCH (run with
 * --epoch EPOCH and EPOCH=... in the environment, or natively with EPOCH
 * unset: then only the checks), checks that every clock is monotonic and
 * that nanosleep, clock_nanosleep (relative and TIMER_ABSTIME) advance
 * CLOCK_MONOTONIC by at least what they asked, prints the errnos of bad
 * requests, and that getrusage counts CPU time and a resident set.
 * "alarm": alarm(1) then a nanosleep of 5 s: killed by SIGALRM (142).
 * "busy": setitimer(ITIMER_REAL, 20 ms) then a loop without system calls:
 * killed by SIGALRM.
 * Prints "ok" (status 0) when every check held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static long long ns_of(clockid_t c)
{
    struct timespec ts;
    if (clock_gettime(c, &ts))
        return -1;
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* the raw system call's errno (glibc's clock_nanosleep returns it) */
static int sys_errno(long r) { return r == -1 ? errno : 0; }

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "alarm")) {
        alarm(1);
        struct timespec t = { 5, 0 };
        nanosleep(&t, NULL);
        puts("alarm did not fire");
        return 1;
    }
    if (argc > 1 && !strcmp(argv[1], "busy")) {
        struct itimerval it = { { 0, 0 }, { 0, 20000 } };     /* 20 ms */
        setitimer(ITIMER_REAL, &it, NULL);
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    const char *e = getenv("EPOCH");
    if (e)
        printf("time - epoch: %lld\n", (long long)time(NULL) - atoll(e));

    static const clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
        CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
        CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI };
    long long before[9];
    for (int i = 0; i < 9; i++)
        CHECK((before[i] = ns_of(ids[i])) >= 0);
    CHECK(ns_of(CLOCK_REALTIME) / 1000000000 - time(NULL) <= 0);
    CHECK(time(NULL) >= 1000000000);    /* not 1970 */
    for (volatile int i = 0; i < 1000000; i++)
        ;
    for (int i = 0; i < 9; i++)
        CHECK(ns_of(ids[i]) >= before[i]);
    CHECK(ns_of(CLOCK_PROCESS_CPUTIME_ID) > before[2]);

    long long t0 = ns_of(CLOCK_MONOTONIC), c0 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
    struct timespec d = { 0, 200000000 };
    CHECK(nanosleep(&d, NULL) == 0);
    CHECK(ns_of(CLOCK_MONOTONIC) - t0 >= 200000000);
    CHECK(ns_of(CLOCK_PROCESS_CPUTIME_ID) - c0 < 100000000);   /* sleeping is not CPU time */
    t0 = ns_of(CLOCK_MONOTONIC);
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL) == 0);
    CHECK(ns_of(CLOCK_MONOTONIC) - t0 >= 200000000);
    struct timespec abs;
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_sec += 1;
    CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL) == 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    CHECK(now.tv_sec > abs.tv_sec || (now.tv_sec == abs.tv_sec && now.tv_nsec >= abs.tv_nsec));

    struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 }, r;
    printf("nanosleep bad nsec: %d\n", sys_errno(syscall(SYS_nanosleep, &bad, NULL)));
    printf("nanosleep negative: %d\n", sys_errno(syscall(SYS_nanosleep, &neg, NULL)));
    printf("nanosleep fault: %d\n", sys_errno(syscall(SYS_nanosleep, (void *)16, NULL)));
    printf("clock_nanosleep raw: %d\n", clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &d, NULL));
    printf("clock_nanosleep thread: %d\n", clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL));
    printf("clock_nanosleep 10: %d\n", clock_nanosleep(10, 0, &d, NULL));
    printf("clock_gettime 10: %d\n", sys_errno(syscall(SYS_clock_gettime, 10, &r)));
    printf("clock_gettime 12: %d\n", sys_errno(syscall(SYS_clock_gettime, 12, &r)));
    printf("clock_gettime fault: %d\n", sys_errno(syscall(SYS_clock_gettime, 0, (void *)16)));
    clockid_t self;
    CHECK(clock_getcpuclockid(0, &self) == 0);
    printf("cpu clock of self: %d\n", sys_errno(syscall(SYS_clock_gettime, self, &r)));
    printf("cpu clock fd 3: %d\n", sys_errno(syscall(SYS_clock_gettime, (clockid_t)(~3u << 3 | 3), &r)));
    CHECK(clock_getres(CLOCK_MONOTONIC, &r) == 0 && r.tv_sec == 0 && r.tv_nsec == 1);
    CHECK(clock_getres(CLOCK_REALTIME_COARSE, &r) == 0 && r.tv_sec == 0 && r.tv_nsec > 1);
    printf("clock_getres NULL: %d\n", sys_errno(syscall(SYS_clock_getres, CLOCK_REALTIME, NULL)));
    CHECK(sched_yield() == 0);

    /* alarm returns the old one's remaining seconds, rounded */
    CHECK(alarm(5) == 0);
    struct timespec h = { 0, 600000000 };
    nanosleep(&h, NULL);
    printf("alarm left: %u\n", alarm(0));
    struct itimerval iv = { { 0, 0 }, { 0, 1000000 } };
    printf("setitimer bad usec: %d\n", sys_errno(syscall(SYS_setitimer, ITIMER_REAL, &iv, NULL)));
    printf("setitimer which 3: %d\n", sys_errno(syscall(SYS_setitimer, 3, &iv, NULL)));
    iv = (struct itimerval){ { 0, 0 }, { 100, 0 } };
    CHECK(setitimer(ITIMER_REAL, &iv, NULL) == 0);
    CHECK(getitimer(ITIMER_REAL, &iv) == 0 && iv.it_value.tv_sec <= 100 && iv.it_value.tv_sec >= 99);
    iv = (struct itimerval){ { 0, 0 }, { 0, 0 } };
    CHECK(setitimer(ITIMER_REAL, &iv, NULL) == 0);

    struct rusage ru;
    char *p = malloc(8 << 20);
    memset(p, 1, 8 << 20);
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    CHECK(ru.ru_maxrss >= 8 * 1024);
    /* Linux samples user/system time per tick: at most the CPU clock plus a few ticks */
    long long ru_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ll +
                      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ll;
    CHECK(ru_ns >= 0 && ru_ns <= ns_of(CLOCK_PROCESS_CPUTIME_ID) + 50000000);
    CHECK(ru.ru_minflt > 0);
    free(p);
    CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0 && ru.ru_utime.tv_sec == 0 && ru.ru_maxrss == 0);
    printf("getrusage 2: %d\n", sys_errno(syscall(SYS_getrusage, 2, &ru)));
    struct tms tm;
    CHECK(times(&tm) != (clock_t)-1);
    puts(failures ? "FAILED" : "ok");
    return failures != 0;
}

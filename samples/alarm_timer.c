/* SIGALRM handlers on the real timer (issue 11): alarm + pause returns -1
 * EINTR after the handler; setitimer ITIMER_REAL with an interval wakes a
 * pause loop each period; the same timer fires in a busy loop that makes
 * no system call (delivered between two instructions); getitimer after
 * disarming; nanosleep interrupted by the alarm reports EINTR and the time
 * left.  On memsim the timers run on the model clock, natively on the
 * host's: nothing printed depends on how long anything took.  A periodic
 * timer keeps firing while the host deschedules the process, so each loop
 * keeps the value of ticks that ended it, and what is printed holds however
 * many periods a busy host lets pass between two reads (a native run under
 * load once saw a fourth tick land between the loop's exit and printf). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
    if (sig == SIGALRM)
        ticks++;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    alarm(1);
    int r = pause();
    printf("pause: %d %s, ticks %d\n", r, r < 0 && errno == EINTR ? "EINTR" : "?", (int)ticks);

    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };     /* every 20 ms */
    ticks = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    int pauses = 0, seen;
    while ((seen = ticks) < 5) {
        pause();
        pauses++;
    }
    printf("interval timer: at least 5 ticks: %s, each pause ended by one: %s\n",
           seen >= 5 ? "yes" : "no", pauses >= 1 && pauses <= seen ? "yes" : "no");

    struct itimerval fast = { { 0, 1000 }, { 0, 1000 } };    /* every 1 ms */
    setitimer(ITIMER_REAL, &fast, NULL);
    ticks = 0;
    volatile unsigned long spins = 0;
    while ((seen = ticks) < 3)          /* no system call: the timer lands between instructions */
        spins++;
    printf("busy loop: at least 3 ticks: %s, spun: %s\n", seen >= 3 ? "yes" : "no",
           spins > 0 ? "yes" : "no");

    struct itimerval off = { { 0, 0 }, { 0, 0 } }, now;
    setitimer(ITIMER_REAL, &off, NULL);
    getitimer(ITIMER_REAL, &now);
    printf("disarmed: value %ld.%06ld interval %ld.%06ld\n", (long)now.it_value.tv_sec,
           (long)now.it_value.tv_usec, (long)now.it_interval.tv_sec, (long)now.it_interval.tv_usec);

    ticks = 0;
    alarm(1);
    struct timespec req = { 5, 0 }, left = { 0, 0 };
    r = nanosleep(&req, &left);
    printf("nanosleep: %d %s, ticks %d, time left over 3 s and under 5 s: %s\n", r,
           r < 0 && errno == EINTR ? "EINTR" : "?", (int)ticks,
           left.tv_sec >= 3 && left.tv_sec < 5 ? "yes" : "no");
    return 0;
}

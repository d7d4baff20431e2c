/*
 * alarm_poll.c — a wait that only a timer ends, fatally: the parent arms
 * alarm(1), a child writes a byte into a pipe and reads it back (the
 * pipe is empty again) and exits, and the parent polls the pipe with no
 * timeout.  Its poll, re-run after the child's exit, sleeps until SIGALRM's
 * default action kills it (status 142).  The trace has the call's rows in
 * that order — its re-run's read of the pollfd, the timer, its end — and a
 * replay redoes them so.
 */
#include <poll.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    if (pipe(p))
        return 1;
    printf("armed\n");
    fflush(stdout);
    alarm(1);
    pid_t c = fork();
    if (c == 0) {
        char b = 'x';
        if (write(p[1], &b, 1) != 1 || read(p[0], &b, 1) != 1)
            _exit(1);
        _exit(0);
    }
    struct pollfd f = { p[0], POLLIN, 0 };
    poll(&f, 1, -1);
    printf("not reached\n");
    return 3;
}

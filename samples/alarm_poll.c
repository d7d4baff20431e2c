/*
 * alarm_poll.c — a wait that only a timer ends, fatally: the parent arms
 * alarm(1), a child writes a byte into a pipe and exits, and the parent
 * polls the pipe with no timeout, reads what it finds and polls again: the
 * second poll sleeps until SIGALRM's default action kills it (status 142),
 * natively whichever runs first.  The trace has that call's rows in order
 * — its read of the pollfd, the timer, its end — and a replay redoes them
 * so.
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
        _exit(write(p[1], &b, 1) == 1 ? 0 : 1);
    }
    for (;;) {                          /* the parent keeps the write end: never EOF */
        struct pollfd f = { p[0], POLLIN, 0 };
        char b;
        if (poll(&f, 1, -1) != 1 || read(p[0], &b, 1) != 1)
            break;
    }
    printf("not reached\n");
    return 3;
}

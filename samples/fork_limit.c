/*
 * fork_limit.c — a fork bomb that stops itself: fork until the kernel says
 * EAGAIN (the task limit: threads-max, RLIMIT_NPROC), each child blocked
 * reading a pipe; then close the pipe, so every child reads EOF and exits,
 * and reap them all.  Prints how many forks succeeded and the errno of the
 * first that failed, so a check can compare with the limit it set.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    if (pipe(p))
        return 1;
    int made = 0, err = 0;
    for (;;) {
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0) {
            char c;
            close(p[1]);
            _exit(read(p[0], &c, 1) == 0 ? 0 : 1);   /* EOF when the parent closes */
        }
        if (++made == 100000)
            break;
    }
    close(p[1]);
    int reaped = 0, clean = 0, status;
    while (wait(&status) > 0) {
        reaped++;
        clean += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    printf("forked %d, then %s; reaped %d, %d exited 0\n", made, err ? strerror(err) : "stopped",
           reaped, clean);
    return 0;
}

/*
 * poll_pipe.c — poll, ppoll, select and pselect on pipes between two
 * processes.
 *
 * The child waits in poll (no timeout) on an empty pipe until the parent
 * writes, answers on a second pipe, then polls a pipe nobody writes with a
 * timeout (0 ready), selects on two pipes of which one is readable,
 * sees POLLHUP once the parent closed its write end, and exits; the
 * parent checks POLLERR on a write end without reader, POLLNVAL on a
 * closed fd, EBADF from select, and the child's status.  Nothing printed
 * depends on timing.  Same output as on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void child(int in, int out, int in2)
{
    struct pollfd p = { .fd = in, .events = POLLIN };
    int n = poll(&p, 1, -1);
    char c = 0;
    printf("child: poll %d revents %#x\n", n, p.revents);
    if (read(in, &c, 1) != 1)
        _exit(2);
    printf("child: read %c\n", c);
    fflush(stdout);
    if (write(out, "k", 1) != 1)
        _exit(3);

    /* nobody writes in2 yet: a timeout */
    struct pollfd q = { .fd = in2, .events = POLLIN };
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    n = ppoll(&q, 1, &ts, NULL);
    printf("child: ppoll timeout %d revents %#x\n", n, q.revents);
    fflush(stdout);
    if (write(out, "t", 1) != 1)
        _exit(4);

    /* both pipes: the parent writes in2 only */
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(in, &rs);
    FD_SET(in2, &rs);
    struct timeval tv = { 10, 0 };
    n = select((in > in2 ? in : in2) + 1, &rs, NULL, NULL, &tv);
    printf("child: select %d in %d in2 %d left<=10s %d\n", n, FD_ISSET(in, &rs) != 0,
           FD_ISSET(in2, &rs) != 0, tv.tv_sec <= 10 && tv.tv_sec >= 0);
    if (read(in2, &c, 1) != 1)
        _exit(5);
    fflush(stdout);
    if (write(out, "s", 1) != 1)
        _exit(6);

    /* the parent closes its end of in: POLLHUP, then EOF */
    n = poll(&p, 1, -1);
    ssize_t r = read(in, &c, 1);
    printf("child: poll after close %d revents %#x read %zd\n", n, p.revents, r);
    fflush(stdout);
    _exit(7);
}

int main(void)
{
    int down[2], up[2], down2[2];
    if (pipe(down) || pipe(up) || pipe(down2))
        return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        close(down2[1]);
        child(down[0], up[1], down2[0]);
    }
    close(down[0]);
    close(up[1]);
    close(down2[0]);
    char c;
    volatile unsigned spin = 0;
    for (unsigned i = 0; i < 2000000; i++)
        spin += i;                      /* the child is in poll by now, or soon */
    if (write(down[1], "x", 1) != 1 || read(up[0], &c, 1) != 1)
        return 1;
    printf("parent: got %c\n", c);
    fflush(stdout);
    if (read(up[0], &c, 1) != 1)        /* the child's ppoll timed out */
        return 1;
    if (write(down2[1], "y", 1) != 1 || read(up[0], &c, 1) != 1)
        return 1;
    close(down[1]);                     /* after the child's select */
    int st = 0;
    if (waitpid(pid, &st, 0) != pid)
        return 1;
    printf("parent: child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

    /* a write end without reader: POLLERR (and room: POLLOUT) */
    signal(SIGPIPE, SIG_IGN);
    struct pollfd w = { .fd = down2[1], .events = POLLOUT };
    close(up[0]);
    int fds[2];
    if (pipe(fds))
        return 1;
    close(fds[0]);
    w.fd = fds[1];
    int n = poll(&w, 1, 0);
    printf("parent: poll no reader %d revents %#x\n", n, w.revents);
    /* a closed fd */
    struct pollfd bad = { .fd = fds[0], .events = POLLIN };
    n = poll(&bad, 1, 0);
    printf("parent: poll closed fd %d revents %#x\n", n, bad.revents);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(fds[0], &rs);
    struct timeval tv = { 0, 0 };
    n = select(fds[0] + 1, &rs, NULL, NULL, &tv);
    printf("parent: select closed fd %d errno %s\n", n, n < 0 && errno == EBADF ? "EBADF" : "?");
    /* pselect with a zero timeout on an empty pipe with a writer */
    if (pipe(fds))
        return 1;
    FD_ZERO(&rs);
    FD_SET(fds[0], &rs);
    struct timespec zero = { 0, 0 };
    sigset_t none;
    sigemptyset(&none);
    printf("parent: pselect empty %d\n", pselect(fds[0] + 1, &rs, NULL, NULL, &zero, &none));
    return 0;
}

/*
 * eventfd_counter.c — eventfd(2): the counter read whole and as a
 * semaphore, EAGAIN and EINVAL where Linux gives them, readiness for poll,
 * a blocking read a child's write ends, and a write that would overflow.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r, uint64_t v)
{
    if (r < 0)
        printf("%-34s %s\n", what, errno == EAGAIN ? "EAGAIN" : errno == EINVAL ? "EINVAL"
               : errno == EBADF ? "EBADF" : strerror(errno));
    else
        printf("%-34s = %ld (value %llu)\n", what, r, (unsigned long long)v);
}

/* the call first, then the value it read or wrote */
#define SHOW(what, call) do { long r_ = (call); show(what, r_, v); } while (0)

static short ready(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
    poll(&p, 1, 0);
    return p.revents;
}

int main(void)
{
    uint64_t v = 0;
    SHOW("eventfd2(bad flags)", eventfd(0, 0x40));
    int fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
    printf("cloexec %d nonblock %d, revents %#x\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0,
           (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, ready(fd));
    SHOW("read 4 bytes", read(fd, &v, 4));
    SHOW("read the counter", read(fd, &v, 8));
    SHOW("read it empty", read(fd, &v, 8));
    printf("revents now %#x\n", ready(fd));
    v = 5;
    SHOW("write 5", write(fd, &v, 8));
    v = 2;
    SHOW("write 2", write(fd, &v, 8));
    SHOW("read 7", read(fd, &v, 8));
    v = UINT64_MAX;
    SHOW("write 2^64-1", write(fd, &v, 8));
    v = UINT64_MAX - 1;
    SHOW("write 2^64-2 (the most)", write(fd, &v, 8));
    printf("revents full %#x\n", ready(fd));
    v = 1;
    SHOW("write 1 more", write(fd, &v, 8));
    SHOW("read it back", read(fd, &v, 8));
    close(fd);

    int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    SHOW("semaphore read", read(sem, &v, 8));
    SHOW("semaphore read", read(sem, &v, 8));
    SHOW("semaphore read, empty", read(sem, &v, 8));
    close(sem);

    int b = eventfd(0, 0);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        uint64_t one = 42;
        write(b, &one, 8);
        _exit(0);
    }
    SHOW("blocking read, the child writes", read(b, &v, 8));
    waitpid(pid, NULL, 0);
    SHOW("a closed eventfd", (close(b), read(b, &v, 8)));
    return 0;
}

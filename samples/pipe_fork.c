/*
 * pipe_fork.c — two processes joined by pipes, scheduled against each other.
 *
 * The parent forks a child that reads numbers from one pipe and writes
 * their running sum back on another; the parent writes 300 KiB of numbers
 * (more than a pipe holds: it blocks until the child drains it), closes
 * its end, and reads the child's answers until EOF.  A blocked write, a
 * blocked read, EOF after the last writer closes, and the child's exit
 * status through wait4 are all on the way.  Same output as on Linux.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define COUNT (300 * 1024 / 4)

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

int main(void)
{
    int down[2], up[2];
    if (pipe(down) || pipe(up))
        return 1;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        unsigned buf[1024], total = 0, n = 0;
        ssize_t r;
        while ((r = read(down[0], buf, sizeof buf)) > 0)
            for (ssize_t i = 0; i < r / 4; i++, n++) {
                total += buf[i];
                if (n % 16384 == 16383 && write_all(up[1], &total, sizeof total))
                    _exit(2);
            }
        write_all(up[1], &n, sizeof n);
        _exit(r < 0 ? 3 : 7);
    }
    close(down[0]);
    close(up[1]);
    static unsigned nums[COUNT];
    for (unsigned i = 0; i < COUNT; i++)
        nums[i] = i * 2654435761u;
    if (write_all(down[1], nums, sizeof nums))
        return 1;
    close(down[1]);
    unsigned v[64];
    ssize_t r;
    int k = 0;
    while ((r = read(up[0], &v[k], sizeof v[0])) == sizeof v[0])
        k++;
    printf("read %d answers, last read %zd\n", k, r);
    for (int i = 0; i + 1 < k; i++)
        printf("sum after %u numbers: %08x\n", (i + 1) * 16384u, v[i]);
    printf("child counted %u numbers\n", k ? v[k - 1] : 0);
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return 1;
    printf("child exit status %d\n", WEXITSTATUS(status));
    return 0;
}

/*
 * fork_cow.c — fork, copy-on-write and wait, as a process sees them.
 *
 * The parent fills a heap buffer and a MAP_SHARED|MAP_ANONYMOUS page, then
 * forks three children.  Each child writes part of the private buffer (a
 * copy-on-write fault: the parent must not see it) and one slot of the
 * shared page (the parent must see it), then exits with its own status;
 * the last child is killed by a signal instead.  The parent reaps them in
 * order with waitpid and prints what each status word says, then checks
 * its private buffer is untouched and the shared page holds every child's
 * slot.  Output and status are the same on Linux and under qemu-i386.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUF_BYTES (64 * 1024)
#define CHILDREN 3

static unsigned sum(const unsigned char *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

int main(void)
{
    unsigned char *priv = malloc(BUF_BYTES);
    volatile unsigned *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!priv || shared == MAP_FAILED)
        return 1;
    for (size_t i = 0; i < BUF_BYTES; i++)
        priv[i] = (unsigned char)(i * 7);
    unsigned before = sum(priv, BUF_BYTES);
    printf("parent: buffer sum %08x\n", before);
    fflush(stdout);

    pid_t kids[CHILDREN];
    for (int c = 0; c < CHILDREN; c++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            memset(priv + c * 4096, 0xa0 + c, 3 * 4096);   /* COW: private to the child */
            shared[c] = 0x1000u + (unsigned)c;              /* shared: the parent sees it */
            printf("child %d: buffer sum %08x, ppid is parent: %s\n", c,
                   sum(priv, BUF_BYTES), getppid() > 1 ? "yes" : "no");
            fflush(stdout);
            if (c == CHILDREN - 1)
                raise(SIGUSR1);                             /* dies of it (default action) */
            _exit(10 + c);
        }
        kids[c] = pid;
        int status;
        if (waitpid(pid, &status, 0) != pid) {              /* in order: the output is fixed */
            perror("waitpid");
            return 1;
        }
        if (WIFEXITED(status))
            printf("parent: child %d exited with %d\n", c, WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            printf("parent: child %d killed by signal %d\n", c, WTERMSIG(status));
        fflush(stdout);                                     /* not copied into the next child */
    }
    int status;
    printf("parent: waitpid with no children left: %s\n",
           waitpid(-1, &status, WNOHANG) < 0 ? "ECHILD" : "a child?");
    printf("parent: buffer sum %08x (%s)\n", sum(priv, BUF_BYTES),
           sum(priv, BUF_BYTES) == before ? "unchanged" : "CHANGED");
    for (int c = 0; c < CHILDREN; c++)
        printf("parent: shared slot %d = %#x\n", c, shared[c]);
    (void)kids;
    return 0;
}

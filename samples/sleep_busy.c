/*
 * sleep_busy.c — sleepers wake while the CPU is busy.
 *
 * A child sleeps 5 ms, then sets a flag in a shared page and exits; its
 * parent meanwhile spins in user mode on that flag, with no system call
 * to give the kernel a chance: only the timer tick can end the child's
 * sleep, and the scheduler must then give it the CPU.  A thread does the
 * same with a timed futex wait (FUTEX_WAIT with a timeout, nobody waking
 * it) while the main thread spins.  Then the parent reaps the child with
 * WNOHANG polls.  Same output on Linux and qemu-i386, where the processes
 * simply run at once.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SPIN_LIMIT 4000000000ul

static volatile int thread_flag;
static int futex_word;

static void *timed_waiter(void *arg)
{
    struct timespec ts = { 0, 5000000 };
    (void)arg;
    /* nobody wakes the word: the timeout ends the wait */
    long r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
    thread_flag = r == -1 ? 1 : 2;
    return NULL;
}

int main(void)
{
    volatile int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (flag == MAP_FAILED)
        return 1;
    pid_t c = fork();
    if (c < 0)
        return 1;
    if (c == 0) {
        struct timespec ts = { 0, 5000000 };
        nanosleep(&ts, NULL);
        *flag = 1;
        _exit(3);
    }
    unsigned long spins = 0;
    while (!*flag && spins < SPIN_LIMIT)
        spins++;
    printf("the child's sleep ended while the parent spun: %s\n", *flag ? "yes" : "no");
    int st = 0;
    pid_t r;
    unsigned long polls = 0;
    while ((r = waitpid(c, &st, WNOHANG)) == 0 && polls < 100000000ul)
        polls++;
    printf("reaped by polling: %s, exit status %d\n", r == c ? "yes" : "no", WEXITSTATUS(st));

    pthread_t th;
    if (pthread_create(&th, NULL, timed_waiter, NULL))
        return 1;
    spins = 0;
    while (!thread_flag && spins < SPIN_LIMIT)
        spins++;
    printf("the thread's timed futex wait ended while main spun: %s (%s)\n",
           thread_flag ? "yes" : "no", thread_flag == 1 ? "timed out" : "other");
    pthread_join(th, NULL);
    return 0;
}

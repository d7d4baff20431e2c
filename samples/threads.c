/*
 * threads.c — POSIX threads end to end: pthread_create (clone with
 * CLONE_VM|CLONE_THREAD|CLONE_SETTLS|CLONE_CHILD_CLEARTID, a new stack and
 * TLS), a mutex-protected shared array, a condition-variable handoff,
 * thread-local (__thread) variables, pthread_exit and pthread_join with
 * return values, and a thread that forks.  What it prints does not depend
 * on how the threads are scheduled.
 *
 * With an argument one thread ends the whole process while the others
 * sleep in the kernel: "exit" calls exit(3) (exit_group), "fault" writes
 * through a NULL pointer (SIGSEGV kills the group), "kill" raises SIGKILL
 * at the whole process from a thread.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NTHREADS 4
#define ROUNDS 2000
#define SLOTS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned shared[SLOTS];
static unsigned long total;

static __thread unsigned tls_counter = 7;   /* each thread's own copy */
static __thread char tls_name[16];

/* A ticket handoff: thread i may pass only when turn == i. */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cond = PTHREAD_COND_INITIALIZER;
static int turn;
static char order[NTHREADS + 1];

struct arg { int id; pid_t tid; };

static void handoff(int id)
{
    pthread_mutex_lock(&turn_lock);
    while (turn != id)
        pthread_cond_wait(&turn_cond, &turn_lock);
    order[id] = (char)('A' + id);
    turn++;
    pthread_cond_broadcast(&turn_cond);
    pthread_mutex_unlock(&turn_lock);
}

static void *worker(void *p)
{
    struct arg *a = p;
    unsigned seed = (unsigned)a->id * 2654435761u + 1;
    unsigned long mine = 0;

    a->tid = (pid_t)syscall(SYS_gettid);
    snprintf(tls_name, sizeof tls_name, "worker-%d", a->id);
    for (int r = 0; r < ROUNDS; r++) {
        seed = seed * 1103515245u + 12345u;
        unsigned slot = (seed >> 16) % SLOTS, v = (seed >> 8) & 0xff;
        pthread_mutex_lock(&lock);
        shared[slot] += v;
        total += v;
        pthread_mutex_unlock(&lock);
        mine += v;
        tls_counter++;
        if (r % 500 == 0)
            sched_yield();
    }
    handoff(NTHREADS - 1 - a->id);     /* the last created passes first */
    if (tls_counter != 7 + ROUNDS || strcmp(tls_name + 7, (char[]){ (char)('0' + a->id), 0 }))
        return (void *)-1;
    if (a->id == 1)
        pthread_exit((void *)(uintptr_t)(mine | 0x80000000u));
    return (void *)(uintptr_t)mine;
}

static void *forker(void *p)
{
    (void)p;
    pid_t c = fork();
    if (c == 0)
        _exit(tls_counter == 7 ? 42 : 1);   /* the child is a copy of this thread */
    int st = 0;
    if (c < 0 || waitpid(c, &st, 0) != c)
        return (void *)-1;
    return (void *)(uintptr_t)(WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st));
}

static pthread_mutex_t never = PTHREAD_MUTEX_INITIALIZER;

static void *blocker(void *p)
{
    (void)p;
    pthread_mutex_lock(&never);         /* main holds it: a futex wait forever */
    return NULL;
}

static void *ender(void *p)
{
    const char *how = p;
    usleep(1000);                       /* let the others block first */
    fputs("ender: going\n", stdout);
    fflush(stdout);
    if (!strcmp(how, "exit"))
        exit(3);
    if (!strcmp(how, "fault"))
        *(volatile int *)0 = 1;
    if (!strcmp(how, "kill"))
        kill(getpid(), SIGKILL);
    return NULL;
}

/* One thread ends the process: main and a blocker never get past their waits. */
static int group_end(char *how)
{
    pthread_t b, e;
    pthread_mutex_lock(&never);
    if (pthread_create(&b, NULL, blocker, NULL) || pthread_create(&e, NULL, ender, how))
        return 1;
    pthread_join(b, NULL);
    puts("main: never here");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return group_end(argv[1]);

    pthread_t th[NTHREADS];
    struct arg args[NTHREADS];
    unsigned long sum = 0;
    int ok = 1;

    for (int i = 0; i < NTHREADS; i++) {
        args[i].id = i;
        args[i].tid = 0;
        if (pthread_create(&th[i], NULL, worker, &args[i]) != 0) {
            puts("pthread_create failed");
            return 1;
        }
    }
    for (int i = 0; i < NTHREADS; i++) {
        void *ret;
        if (pthread_join(th[i], &ret) != 0) {
            puts("pthread_join failed");
            return 1;
        }
        unsigned long v = (unsigned long)(uintptr_t)ret;
        if (i == 1)
            v &= ~0x80000000ul;
        printf("thread %d: returned %lu%s, own tid %s\n", i, v,
               i == 1 ? " via pthread_exit" : "",
               args[i].tid > 0 && args[i].tid != getpid() ? "yes" : "no");
        sum += v;
    }
    unsigned long slots = 0;
    for (int i = 0; i < SLOTS; i++)
        slots += shared[i];
    printf("handoff order: %s\n", order);
    printf("total %lu, slots %lu, sum of returns %lu: %s\n", total, slots, sum,
           total == slots && slots == sum ? "consistent" : "INCONSISTENT");
    printf("main tls_counter %u\n", tls_counter);

    pthread_t f;
    void *fret;
    if (pthread_create(&f, NULL, forker, NULL) != 0 || pthread_join(f, &fret) != 0)
        ok = 0;
    printf("fork from a thread: child status %ld\n", (long)(intptr_t)fret);
    return ok ? 0 : 1;
}

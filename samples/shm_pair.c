/*
 * shm_pair.c — a producer and a consumer sharing memory three ways.
 *
 * SysV: the parent makes an IPC_PRIVATE segment and attaches it, the
 * forked child inherits the attach and writes a message into it; a second
 * segment, made by key, the child finds with shmget and attaches itself.
 * POSIX: a shm_open object in /dev/shm, sized with ftruncate and mapped
 * MAP_SHARED by both.  The child produces, the parent consumes after
 * waitpid; every segment is removed at the end (IPC_RMID, shm_unlink).
 * Each page is one frame in both processes (the trace's faults show the
 * same pfn under both pids).  Same output on Linux and qemu-i386.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEY 0x4d534d50                  /* "MSMP" */
#define POSIX_NAME "/memsim_shm_pair"

static unsigned sum(const unsigned *v, int n)
{
    unsigned s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

int main(void)
{
    int priv = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
    int keyed = shmget(KEY, 4096, IPC_CREAT | IPC_EXCL | 0600);
    if (priv < 0 || keyed < 0) {
        perror("shmget");
        return 1;
    }
    char *a = shmat(priv, NULL, 0);
    int fd = shm_open(POSIX_NAME, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (a == (void *)-1 || fd < 0 || ftruncate(fd, 4096) != 0) {
        perror("shmat/shm_open");
        return 1;
    }
    unsigned *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return 1;
    pid_t c = fork();
    if (c == 0) {                       /* the producer */
        strcpy(a, "hello from the child's first page");
        strcpy(a + 4096, "and from its second");
        int k = shmget(KEY, 0, 0);
        unsigned *b = k < 0 ? (void *)-1 : shmat(k, NULL, 0);
        if (b == (void *)-1)
            _exit(2);
        for (int i = 0; i < 1024; i++)
            b[i] = (unsigned)i * 3u, p[i] = (unsigned)i + 7u;
        shmdt(b);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    unsigned *b = shmat(keyed, NULL, SHM_RDONLY);
    printf("child status %d\n", WEXITSTATUS(st));
    printf("private segment: \"%s\" / \"%s\"\n", a, a + 4096);
    printf("keyed segment: sum %u\n", b == (void *)-1 ? 0u : sum(b, 1024));
    printf("posix object: sum %u\n", sum(p, 1024));
    struct shmid_ds ds;
    if (shmctl(priv, IPC_STAT, &ds) == 0)
        printf("private segment: %u bytes, %lu attached\n", (unsigned)ds.shm_segsz,
               (unsigned long)ds.shm_nattch);
    shmdt(a);
    shmdt(b);
    shmctl(priv, IPC_RMID, NULL);
    shmctl(keyed, IPC_RMID, NULL);
    munmap(p, 4096);
    close(fd);
    printf("unlinked: %d, gone: %d\n", shm_unlink(POSIX_NAME), shmget(KEY, 0, 0) < 0);
    return 0;
}

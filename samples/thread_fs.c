/*
 * thread_fs.c — CLONE_FS: a thread's chdir and umask are its process's.
 *
 * pthread_create shares the fs_struct (CLONE_FS): the working directory a
 * thread changes to and the umask it sets are what the main thread sees;
 * a forked child gets a copy, and its chdir and umask leave its parent's
 * alone.  Same output on Linux and qemu-i386.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void *mover(void *arg)
{
    (void)arg;
    if (chdir("/tmp") != 0)
        return (void *)1;
    umask(077);
    return NULL;
}

int main(void)
{
    char buf[256];
    if (chdir("/") != 0)
        return 1;
    umask(022);
    pthread_t th;
    void *r;
    if (pthread_create(&th, NULL, mover, NULL) || pthread_join(th, &r) || r)
        return 1;
    printf("after the thread: cwd %s, umask %03o\n", getcwd(buf, sizeof buf) ? buf : "?",
           (unsigned)umask(022));
    pid_t c = fork();
    if (c == 0) {
        if (chdir("/") != 0)
            _exit(1);
        umask(0);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    printf("after the child: cwd %s, umask %03o, child status %d\n",
           getcwd(buf, sizeof buf) ? buf : "?", (unsigned)umask(022), WEXITSTATUS(st));
    return 0;
}

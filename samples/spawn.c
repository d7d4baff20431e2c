/*
 * spawn.c — posix_spawn of /proc/self/exe (glibc: clone(CLONE_VM|
 * CLONE_VFORK) on a stack of its own, then execve in the child while the
 * parent sleeps), with an argument, a file action (stdout to a pipe) and an
 * exec that fails (posix_spawn reports the child's errno); the child's
 * exit status through waitpid.  Also vfork + execve directly.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int child(int argc, char **argv)
{
    printf("child: argc %d, argv[1] %s, argv[2] %s, parent is %s\n", argc, argv[1],
           argc > 2 ? argv[2] : "-", getppid() > 1 ? "alive" : "gone");
    fflush(stdout);
    return argc > 2 ? atoi(argv[2]) : 0;
}

static int wait_status(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child"))
        return child(argc, argv);

    pid_t pid;
    char *args[] = { argv[0], "child", "5", NULL };
    int r = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ);
    /* the child writes to our stdout: wait before printing, so the order
     * of the lines does not depend on scheduling */
    int st = r ? -1 : wait_status(pid);
    printf("posix_spawn: %s, child exited %d\n", r ? strerror(r) : "ok", st);

    /* the child's stdout on a pipe through a file action */
    int p[2];
    posix_spawn_file_actions_t fa;
    if (pipe(p))
        return 1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    char *args2[] = { argv[0], "child", "through-a-pipe", NULL };
    r = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, args2, environ);
    close(p[1]);
    char buf[256];
    ssize_t n, got = 0;
    while ((n = read(p[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0)
        got += n;
    buf[got > 0 ? got : 0] = 0;
    close(p[0]);
    posix_spawn_file_actions_destroy(&fa);
    printf("posix_spawn with a pipe: %s; read %s", r ? strerror(r) : "ok", buf);
    printf("its status %d\n", r ? -1 : wait_status(pid));

    /* an exec that fails: Linux's posix_spawn returns the child's errno
     * (the child shares our memory until its exec); qemu-user runs
     * CLONE_VFORK as a plain fork, so there the call succeeds and the child
     * exits 127.  Both mean "not run"; memsim must give the first. */
    char *args3[] = { "/nonexistent/program", NULL };
    r = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, args3, environ);
    st = r ? -1 : wait_status(pid);
    printf("posix_spawn of a missing program: %s\n",
           r == ENOENT || st == 127 ? "not run" : "UNEXPECTED");
    if (getenv("SPAWN_STRICT"))
        printf("  reported by posix_spawn: %s\n", r ? strerror(r) : "no");

    /* vfork + execve */
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        char *args4[] = { argv[0], "child", "9", NULL };
        execve("/proc/self/exe", args4, environ);
        _exit(127);
    }
    printf("vfork child exited %d\n", pid > 0 ? wait_status(pid) : -1);
    return 0;
}

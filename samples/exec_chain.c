/*
 * exec_chain.c — execve(2) keeps the process and replaces its image.
 *
 * Stage 0 opens a close-on-exec descriptor (10) and an inherited one (11),
 * catches SIGUSR1, ignores SIGUSR2, blocks SIGWINCH and execs itself with
 * a counter argument and a new environment.  Stage 1 checks argv, envp,
 * the pid, the descriptors and the signal state, then writes a "#!" script
 * whose interpreter is this program (with one argument) and execs it.
 * The script stage checks the argv the kernel made of it (interpreter,
 * argument, script path, the caller's argv[1..]) and exits 7.
 * Nothing printed depends on pids or paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;
static int failures;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

static void on_usr1(int sig) { (void)sig; }

static void self_path(char *buf, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    buf[n > 0 ? n : 0] = 0;
}

static int stage0(void)
{
    char self[4096], pidenv[64];
    self_path(self, sizeof self);
    check(self[0] == '/', "stage 0: /proc/self/exe is absolute");
    int a = open("/dev/null", O_RDONLY | O_CLOEXEC), b = open("/dev/null", O_RDONLY);
    check(dup2(a, 10) == 10 && fcntl(10, F_SETFD, FD_CLOEXEC) == 0, "stage 0: fd 10 close-on-exec");
    check(dup2(b, 11) == 11, "stage 0: fd 11 inherited");
    close(a);
    close(b);
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGUSR2, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    sigprocmask(SIG_BLOCK, &set, NULL);
    snprintf(pidenv, sizeof pidenv, "EXEC_CHAIN_PID=%d", (int)getpid());
    char *argv[] = { "exec_chain", "1", "hello world", NULL };
    char *envp[] = { pidenv, "STAGE=one", NULL };
    fflush(stdout);
    execve(self, argv, envp);
    printf("FAIL stage 0: execve: %s\n", strerror(errno));
    return 1;
}

static int stage1(int argc, char **argv)
{
    check(argc == 3 && !strcmp(argv[0], "exec_chain") && !strcmp(argv[2], "hello world"),
          "stage 1: argv as passed");
    int envc = 0;
    while (environ[envc])
        envc++;
    const char *st = getenv("STAGE"), *pid = getenv("EXEC_CHAIN_PID");
    check(envc == 2 && st && !strcmp(st, "one"), "stage 1: the new environment, only it");
    check(pid && atoi(pid) == (int)getpid(), "stage 1: the same pid");
    check(fcntl(10, F_GETFD) == -1 && errno == EBADF, "stage 1: close-on-exec fd 10 is closed");
    check(fcntl(11, F_GETFD) == 0, "stage 1: fd 11 is open");
    struct sigaction old;
    sigaction(SIGUSR1, NULL, &old);
    check(old.sa_handler == SIG_DFL, "stage 1: the caught SIGUSR1 is SIG_DFL again");
    sigaction(SIGUSR2, NULL, &old);
    check(old.sa_handler == SIG_IGN, "stage 1: the ignored SIGUSR2 stays ignored");
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    check(sigismember(&cur, SIGWINCH) == 1, "stage 1: the blocked mask is kept");
    stack_t ss;
    check(sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_DISABLE), "stage 1: no sigaltstack");

    char self[4096], dir[] = "/tmp/exec_chain.XXXXXX", script[64], line[4200];
    self_path(self, sizeof self);
    if (!mkdtemp(dir)) {
        printf("FAIL stage 1: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    snprintf(script, sizeof script, "%s/run.sh", dir);
    int n = snprintf(line, sizeof line, "#! %s  script-arg  \nnot read\n", self);
    int fd = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    check(fd >= 0 && write(fd, line, (size_t)n) == n && close(fd) == 0, "stage 1: wrote the script");
    char *sargv[] = { "replaced", "x", NULL };
    char *senvp[] = { "STAGE=script", NULL };
    fflush(stdout);
    execve(script, sargv, senvp);
    printf("FAIL stage 1: execve of the script: %s\n", strerror(errno));
    return 1;
}

static int stage_script(int argc, char **argv)
{
    check(argc == 4, "script: argc 4 (interpreter, argument, script, x)");
    check(argc > 2 && strlen(argv[2]) > 7 && !strcmp(argv[2] + strlen(argv[2]) - 7, "/run.sh"),
          "script: argv[2] is the script's path");
    check(argc > 3 && !strcmp(argv[3], "x"), "script: the caller's argv[1] follows");
    const char *st = getenv("STAGE");
    check(st && !strcmp(st, "script"), "script: its environment");
    char line[256], comm[256] = "";
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "Name:", 5))
            snprintf(comm, sizeof comm, "%s", line);
    if (f)
        fclose(f);
    check(!strcmp(comm, "Name:\trun.sh\n"), "script: comm is the script's name");
    if (argc > 2) {
        char dir[64];
        snprintf(dir, sizeof dir, "%s", argv[2]);
        unlink(dir);
        *strrchr(dir, '/') = 0;
        rmdir(dir);
    }
    printf("script stage done, %d failures\n", failures);
    return failures ? 1 : 7;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && !strcmp(argv[1], "script-arg"))
        return stage_script(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "1"))
        return stage1(argc, argv);
    return stage0();
}

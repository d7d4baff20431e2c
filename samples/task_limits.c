/*
 * task_limits.c — what a single process asks the kernel about itself:
 * resource limits (Linux's defaults for init, the checks of setrlimit and
 * prlimit64, RLIMIT_NOFILE bounding the descriptor table), the robust-futex
 * list, rseq registration, wait with no child, prctl, CPU affinity, the old
 * statfs calls and faccessat2's flags.  Only what is the same for every
 * process on every machine is printed (no pids, no host-derived counts).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(long r) { return r < 0 ? strerrorname_np(errno) : "ok"; }

static void limits(void)
{
    struct rlimit r;
    getrlimit(RLIMIT_STACK, &r);
    printf("stack soft %lu MiB\n", (unsigned long)r.rlim_cur >> 20);
    getrlimit(RLIMIT_CORE, &r);
    printf("core soft %lu\n", (unsigned long)r.rlim_cur);
    getrlimit(RLIMIT_NICE, &r);
    printf("nice %lu/%lu\n", (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
    struct rlimit bad = { 10, 5 };
    printf("setrlimit cur > max: %s\n", err(setrlimit(RLIMIT_NOFILE, &bad)));
    printf("getrlimit resource 99: %s\n", err(getrlimit(99, &r)));
    /* lower NOFILE to 8: the ninth descriptor is EMFILE, dup2 past it EBADF,
     * F_DUPFD past it EINVAL — and the new limit is what getrlimit reads */
    struct rlimit eight = { 8, 8 };
    printf("setrlimit nofile 8: %s\n", err(setrlimit(RLIMIT_NOFILE, &eight)));
    getrlimit(RLIMIT_NOFILE, &r);
    printf("nofile now %lu/%lu\n", (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
    int last = -1;
    while ((last = open("/", O_RDONLY)) >= 0 && last < 20)
        ;
    printf("open past the limit: %s\n", err(last));
    printf("dup2 to 8: %s\n", err(dup2(0, 8)));
    printf("F_DUPFD from 8: %s\n", err(fcntl(0, F_DUPFD, 8)));
    for (int fd = 3; fd < 8; fd++)
        close(fd);
}

static void task_registrations(void)
{
    long head = 0;
    size_t len = 0;
    printf("set_robust_list len 11: %s\n", err(syscall(SYS_set_robust_list, &head, 11)));
    printf("get_robust_list: %s, len %zu\n",
           err(syscall(SYS_get_robust_list, 0, &head, &len)), len);
    /* glibc registered its rseq area at start: a second registration of
     * another area is EINVAL, and sched_getcpu reads its cpu_id */
    static char area[64] __attribute__((aligned(32)));
    printf("rseq again: %s\n", err(syscall(SYS_rseq, area, 32, 0, 0x53053053)));
    printf("rseq bad flags: %s\n", err(syscall(SYS_rseq, area, 32, 2, 0)));
    printf("sched_getcpu >= 0: %d\n", sched_getcpu() >= 0);
}

static void process_calls(void)
{
    int status;
    printf("wait4: %s\n", err(wait4(-1, &status, WNOHANG, NULL)));
    printf("waitpid bad options: %s\n", err(waitpid(-1, &status, 0x40)));
    siginfo_t si;
    printf("waitid no WEXITED: %s\n", err(waitid(P_ALL, 0, &si, WNOHANG)));
    printf("waitid: %s\n", err(waitid(P_ALL, 0, &si, WEXITED | WNOHANG)));
    printf("getpgid(0) == getpgrp(): %d\n", getpgid(0) == getpgrp());
    /* the session id itself is the host's business (0 when the session
     * leader lives outside a container's pid namespace); its consistency
     * and the lookup of a pid nobody has are not */
    printf("getsid(0) == getsid(getpid()): %d\n", getsid(0) == getsid(getpid()));
    printf("getsid(no such pid): %s\n", err(getsid(99999999)));
    char name[16] = "";
    prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz");
    prctl(PR_GET_NAME, name);
    printf("comm: %s\n", name);
    printf("dumpable: %d\n", prctl(PR_GET_DUMPABLE));
    printf("capbset_read 99: %s\n", err(prctl(PR_CAPBSET_READ, 99)));
    printf("prctl 12345: %s\n", err(prctl(12345, 0, 0, 0, 0)));
    printf("no_new_privs: %d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    printf(" -> %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    cpu_set_t set;
    CPU_ZERO(&set);
    printf("getaffinity: %s, cpu0 %d\n", err(sched_getaffinity(0, sizeof set, &set)),
           CPU_ISSET(0, &set));
    printf("getaffinity len 3: %s\n", err(syscall(SYS_sched_getaffinity, 0, 3, &set)));
}

static void files(void)
{
    struct statfs a;
    struct statfs64 b;
    int fd = open("/", O_RDONLY | O_DIRECTORY);
    long r = syscall(SYS_statfs, "/", &a);
    printf("statfs: %s\n", r < 0 && errno == EOVERFLOW ? "ok" : err(r));
    r = syscall(SYS_fstatfs, fd, &a);
    printf("fstatfs: %s\n", r < 0 && errno == EOVERFLOW ? "ok" : err(r));
    printf("statfs64 type same: %d\n", !syscall(SYS_statfs64, "/", sizeof b, &b) &&
           (r < 0 || (long)a.f_type == (long)b.f_type));
    printf("fstatfs bad fd: %s\n", err(syscall(SYS_fstatfs, 99, &a)));
    printf("faccessat2 bad flag: %s\n", err(syscall(SYS_faccessat2, AT_FDCWD, "/", F_OK, 0x4)));
    printf("faccessat2 empty path: %s\n",
           err(syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH)));
    printf("faccessat2 empty path, no flag: %s\n", err(syscall(SYS_faccessat2, fd, "", R_OK, 0)));
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    limits();
    task_registrations();
    process_calls();
    files();
    return 0;
}

/*
 * proc_pid.c — /proc/PID of processes other than the reader: a child
 * sleeping in pause(), the same child as a zombie (killed, not yet
 * reaped), gone after the reap; a thread of its own by tid.  Prints what
 * the files say with the pids replaced by names, so native Linux and
 * memsim print the same (qemu-user shows the host's /proc of itself: not a
 * reference here; guest/proc_pid compares with native).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[65536];

/* The whole file, NUL-terminated; its length or -errno. */
static long slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    long n = 0, r;
    while ((r = read(fd, buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

/* The value of "Key:\t..." in buf (a status file), or NULL. */
static const char *field(const char *key, char *out, size_t len)
{
    size_t kl = strlen(key);
    for (const char *s = buf; *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : s + strlen(s))
        if (!strncmp(s, key, kl) && s[kl] == ':') {
            const char *v = s + kl + 1;
            v += strspn(v, "\t ");
            size_t n = strcspn(v, "\n");
            n = n < len - 1 ? n : len - 1;
            memcpy(out, v, n);
            out[n] = 0;
            return out;
        }
    return NULL;
}

static const char *who(long v, pid_t me, pid_t child)
{
    return v == me ? "me" : v == child ? "child" : v == getppid() ? "my parent" : "other";
}

static void show_status(const char *tag, pid_t pid, pid_t me, pid_t child)
{
    char path[64], v[128];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    long n = slurp(path);
    if (n < 0) {
        printf("%s status: %s\n", tag, strerror((int)-n));
        return;
    }
    printf("%s status: Name %s", tag, field("Name", v, sizeof v));
    printf(", State %s", field("State", v, sizeof v));
    printf(", Tgid %s", who(atol(field("Tgid", v, sizeof v)), me, child));
    printf(", Pid %s", who(atol(field("Pid", v, sizeof v)), me, child));
    printf(", PPid %s", who(atol(field("PPid", v, sizeof v)), me, child));
    printf(", Threads %s", field("Threads", v, sizeof v));
    printf(", Umask %s", field("Umask", v, sizeof v) ? v : "(none)");
    printf(", VmRSS %s", field("VmRSS", v, sizeof v) ? "shown" : "(none)");
    printf(", SigCgt %s\n", field("SigCgt", v, sizeof v));
}

static void show_stat(const char *tag, pid_t pid, pid_t me, pid_t child)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (slurp(path) < 0) {
        printf("%s stat: %s\n", tag, strerror(errno));
        return;
    }
    char *f[64], *comm_end = strrchr(buf, ')');
    int n = 0;
    f[n++] = buf;
    for (char *s = strtok(comm_end + 1, " \n"); s && n < 64; s = strtok(NULL, " \n"))
        f[n++] = s;
    /* f[1] is field 3 (the state): field k is f[k - 2] from there on */
    printf("%s stat: %d fields, pid %s, state %s, ppid %s, pgrp %s, tty %s, tpgid %s, nice %s, "
           "threads %s, exit_signal %s, exit_code %s\n", tag, n + 1, who(atol(f[0]), me, child),
           f[1], who(atol(f[2]), me, child), atol(f[3]) == getpgrp() ? "mine" : "other", f[5], f[6], f[17],
           f[18], f[36], f[50]);
}

static int in_proc_dir(pid_t pid)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int found = 0;
    while (d && (e = readdir(d)))
        found |= atol(e->d_name) == pid;
    if (d)
        closedir(d);
    return found;
}

static void show_rest(const char *tag, pid_t pid)
{
    char path[64], mine[65536];
    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    long n = slurp(path);
    printf("%s comm: %s", tag, n < 0 ? "?\n" : buf);
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    n = slurp(path);
    memcpy(mine, buf, (size_t)(n > 0 ? n : 0));
    long m = slurp("/proc/self/cmdline");
    printf("%s cmdline: %s\n", tag, n <= 0 ? "empty" :
           n == m && !memcmp(mine, buf, (size_t)n) ? "the same as mine" : "differs");
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    n = slurp(path);
    memcpy(mine, buf, (size_t)(n > 0 ? n + 1 : 1));
    slurp("/proc/self/maps");
    printf("%s maps: %s\n", tag, n <= 0 ? "empty" : !strcmp(mine, buf) ? "the same as mine" : "differ");
    printf("%s listed in /proc: %s\n", tag, in_proc_dir(pid) ? "yes" : "no");
}

static void *thread(void *p)
{
    pid_t *tid = p;
    *tid = (pid_t)syscall(SYS_gettid);
    pause();
    return NULL;
}

int main(void)
{
    pid_t me = getpid();
    int pfd[2];
    printf("proc_pid\n");
    fflush(stdout);
    if (pipe(pfd))
        return 1;
    pid_t child = fork();
    if (child == 0) {
        write(pfd[1], "x", 1);
        pause();
        _exit(0);
    }
    char c;
    read(pfd[0], &c, 1);
    usleep(20000);                      /* the child is in pause() now */
    show_status("child", child, me, child);
    show_stat("child", child, me, child);
    show_rest("child", child);

    kill(child, SIGKILL);
    siginfo_t si;
    waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT);   /* a zombie: not reaped */
    show_status("zombie", child, me, child);
    show_stat("zombie", child, me, child);
    show_rest("zombie", child);

    waitpid(child, NULL, 0);
    show_status("reaped", child, me, child);
    printf("reaped listed in /proc: %s\n", in_proc_dir(child) ? "yes" : "no");

    pthread_t th;
    volatile pid_t tid = 0;
    pthread_create(&th, NULL, thread, (void *)&tid);
    while (!tid)
        usleep(1000);
    usleep(20000);
    show_status("self with a thread", me, me, child);
    char v[64];
    snprintf(v, sizeof v, "/proc/%d/status", tid);
    long n = slurp(v);
    printf("thread by tid: %s", n < 0 ? strerror((int)-n) : "");
    if (n >= 0) {
        printf("Tgid %s", who(atol(field("Tgid", v, sizeof v)), me, child));
        printf(", Pid %s", atol(field("Pid", v, sizeof v)) == tid ? "its tid" : "?");
        printf(", State %s\n", field("State", v, sizeof v));
    }
    printf("thread listed in /proc: %s\n", in_proc_dir(tid) ? "yes" : "no");
    return 0;
}

/*
 * exec_errno.c — the errno of each way execve(2) and execveat(2) fail,
 * one line per case, for tests/guest/check-execve.sh (run in its fixture
 * directory, natively and under memsim; the outputs must agree).
 *
 * The fixture: noexec (0644), d/ (a directory), f (0755 text, not a
 * script), garbage (0755, not ELF), empty (0755), badinterp (#! a missing
 * interpreter), loop (#!./loop), a1..a5 (five scripts, a5's interpreter
 * garbage), b1..b6 (six), l1 <-> l2 (a symlink loop), dyn (an i386 dynamic
 * ELF, when the test could build one; "dyn" is printed separately).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define AT_EMPTY_PATH_ 0x1000

static char *envp[] = { "A=1", NULL };

static const char *errname(int e)
{
    static const struct { int e; const char *n; } t[] = {
        { ENOENT, "ENOENT" }, { EACCES, "EACCES" }, { ENOEXEC, "ENOEXEC" }, { ELOOP, "ELOOP" },
        { EFAULT, "EFAULT" }, { E2BIG, "E2BIG" }, { ENOTDIR, "ENOTDIR" }, { EINVAL, "EINVAL" },
        { EBADF, "EBADF" }, { ENAMETOOLONG, "ENAMETOOLONG" }, { ELIBBAD, "ELIBBAD" },
    };
    static char buf[32];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].e == e)
            return t[i].n;
    snprintf(buf, sizeof buf, "errno %d", e);
    return buf;
}

static void report(const char *what, long r)
{
    printf("%-28s %s\n", what, r == 0 ? "ok?" : errname(errno));
    fflush(stdout);
}

static void try_exec(const char *what, const char *path, char **argv, char **env)
{
    report(what, syscall(SYS_execve, path, argv, env));
}

static void try_execat(const char *what, int fd, const char *path, char **argv, int flags)
{
    report(what, syscall(SYS_execveat, fd, path, argv, envp, flags));
}

/* E2BIG cases: n strings of len characters each as argv after argv[0]. */
static void try_big(const char *what, int n, size_t len)
{
    char **argv = calloc((size_t)n + 2, sizeof *argv);
    char *s = malloc(len + 1);
    memset(s, 'x', len);
    s[len] = 0;
    argv[0] = "garbage";
    for (int i = 1; i <= n; i++)
        argv[i] = s;
    try_exec(what, "garbage", argv, envp);
    free(s);
    free(argv);
}

int main(int argc, char **argv)
{
    char *args[] = { "x", NULL };
    /* the E2BIG limit is a quarter of RLIMIT_STACK: make it the default */
    struct rlimit rl = { 8u << 20, 8u << 20 };
    getrlimit(RLIMIT_STACK, &rl);
    rl.rlim_cur = 8u << 20;
    if (rl.rlim_max < rl.rlim_cur)
        rl.rlim_max = rl.rlim_cur;
    setrlimit(RLIMIT_STACK, &rl);
    if (argc > 1 && !strcmp(argv[1], "dyn")) {
        try_exec("dynamic i386 ELF", "dyn", args, envp);
        return 0;
    }
    try_exec("missing", "missing", args, envp);
    try_exec("empty path", "", args, envp);
    try_exec("not a directory on the way", "f/x", args, envp);
    try_exec("no execute permission", "noexec", args, envp);
    try_exec("a directory", "d", args, envp);
    try_exec("text without #!", "f", args, envp);
    try_exec("garbage bytes", "garbage", args, envp);
    try_exec("empty file", "empty", args, envp);
    try_exec("#! missing interpreter", "badinterp", args, envp);
    try_exec("#! itself", "loop", args, envp);
    try_exec("#! five deep to garbage", "a1", args, envp);
    try_exec("#! six deep to garbage", "b1", args, envp);
    try_exec("symlink loop", "l1", args, envp);
    try_exec("bad file name pointer", (const char *)16, args, envp);
    try_exec("bad argv pointer", "garbage", (char **)16, envp);
    char *badarg[] = { "x", (char *)16, NULL };
    try_exec("bad argv string", "garbage", badarg, envp);
    try_exec("bad envp pointer", "garbage", args, (char **)16);
    try_exec("missing, bad argv", "missing", (char **)16, envp);
    try_exec("NULL argv and envp", "garbage", NULL, NULL);
    try_big("string of 131071 bytes", 1, 131071);
    try_big("string of 131072 bytes", 1, 131072);
    try_big("20 strings of 120000", 20, 120000);
    try_big("16 strings of 120000", 16, 120000);
    try_execat("execveat bad flags", AT_FDCWD, "garbage", args, 0x4);
    try_execat("execveat nofollow symlink", AT_FDCWD, "l1", args, AT_SYMLINK_NOFOLLOW);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    try_execat("execveat dirfd missing", dfd, "missing", args, 0);
    try_execat("execveat dirfd parent", dfd, "../garbage", args, 0);
    int nfd = open("noexec", O_RDONLY);
    try_execat("execveat empty path noexec", nfd, "", args, AT_EMPTY_PATH_);
    int gfd = open("garbage", O_RDONLY);
    try_execat("execveat empty path garbage", gfd, "", args, AT_EMPTY_PATH_);
    try_execat("execveat empty, no flag", gfd, "", args, 0);
    try_execat("execveat bad fd", 99, "", args, AT_EMPTY_PATH_);
    return 0;
}

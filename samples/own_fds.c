/*
 * own_fds.c — the names of a process's own descriptors (/dev/stdout,
 * /dev/stderr, /dev/fd/N, /proc/self/fd/N, /dev/tty) and its working
 * directory (chdir, fchdir, getcwd, relative paths after them).  Run in a
 * directory holding a file "f" and a directory "d" (tests/guest/check-own-fds.sh
 * compares it with the native run; stdout and stderr one pipe, no terminal).
 * "/proc/self/fd/" itself is left out: memsim hides the host's /proc (ENOENT).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *res(int r) { return r < 0 ? strerror(errno) : "ok"; }

int main(void)
{
    static const char *const names[] = {
        "/dev/stdout", "/dev/stderr", "/dev/fd/1", "/proc/self/fd/2", "/dev/fd/7",
        "/proc/self/fd/01", "/dev/tty",
    };
    char start[4096], cwd[4096];
    setvbuf(stdout, NULL, _IONBF, 0);
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        int fd = open(names[i], O_WRONLY);
        if (fd < 0) {
            printf("open %s: %s\n", names[i], strerror(errno));
            continue;
        }
        dprintf(fd, "written through %s\n", names[i]);
        close(fd);
    }
    if (!getcwd(start, sizeof start))
        return 1;
    printf("chdir d: %s\n", res(chdir("d")));
    printf("getcwd is start/d: %s\n",
           getcwd(cwd, sizeof cwd) && !strncmp(cwd, start, strlen(start)) &&
           !strcmp(cwd + strlen(start) + (strcmp(start, "/") != 0), "d") ? "yes" : "no");
    printf("open ../f: %s\n", res(open("../f", O_RDONLY)));
    printf("open f: %s\n", res(open("f", O_RDONLY)));
    printf("chdir ..: %s\n", res(chdir("..")));
    printf("getcwd is start: %s\n", getcwd(cwd, sizeof cwd) && !strcmp(cwd, start) ? "yes" : "no");
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    printf("fchdir d: %s\n", res(fchdir(dfd)));
    printf("stat-open ../d/.: %s\n", res(open("../d/.", O_RDONLY)));
    printf("chdir f: %s\n", res(chdir("../f")));
    printf("chdir missing: %s\n", res(chdir("missing")));
    printf("fchdir 0: %s\n", res(fchdir(0)));
    printf("fchdir 99: %s\n", res(fchdir(99)));
    return 0;
}

/*
 * dyn_shared.c — a dynamic program's text is shared between processes:
 * the parent touches libc, then runs itself again (fork, execve of
 * /proc/self/exe) and waits; the new image maps libc from the same page
 * cache, so in its /proc/self/smaps the libc text it touched shows as
 * Shared_Clean (pages another process maps too), not Private_Clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* libc's text, touched: stdio, qsort, strtol, the string functions */
static void touch_libc(void)
{
    char *w[] = { "delta", "alpha", "charlie", "bravo" };
    qsort(w, 4, sizeof *w, cmp);
    char buf[64];
    snprintf(buf, sizeof buf, "%s %ld", w[0], strtol("42", NULL, 10));
    if (strlen(buf) != 8)
        abort();
}

/* The kB of Shared_Clean and Private_Clean of libc's executable mapping. */
static int libc_text(long *shared, long *private)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int in = 0, found = 0;
    *shared = *private = -1;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
            in = strstr(line, "/libc.so.6") && perms[2] == 'x';
            found |= in;
        } else if (in) {
            sscanf(line, "Shared_Clean: %ld kB", shared);
            sscanf(line, "Private_Clean: %ld kB", private);
        }
    }
    if (f)
        fclose(f);
    return found;
}

int main(int argc, char **argv)
{
    touch_libc();
    if (argc > 1) {
        long shared, private;
        if (!libc_text(&shared, &private))
            return 2;
        printf("new image: libc text shared with the parent: %s\n", shared > 0 ? "yes" : "no");
        return 0;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "child", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent: child exited %d\n", WEXITSTATUS(status));
    return 0;
}

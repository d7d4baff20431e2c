/*
 * vm_info.c — the kernel's own memory as /proc shows it (issue 10):
 *   ldt        writes LDT entry 0 (modify_ldt), then prints
 *              /proc/vmallocinfo: the LDT is a vmalloc area on 6.1
 *              (alloc_ldt_struct, a table above a page);
 *   at         opens maps, stats status and reads the exe link relative to
 *              a descriptor of /proc/self (openat, fstatat, readlinkat);
 *   peak       maps, touches and unmaps 4 MiB, then says whether VmPeak
 *              and VmHWM in /proc/self/status kept the peak;
 *   vmstat     prints the names of /proc/vmstat's lines and whether the
 *              counters a run must have moved did (pgfault, pgalloc_normal,
 *              pgfree, nr_free_pages).
 * Lines that hold on any Linux end "yes"; the others are the model's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char buf[1 << 16];

/* The whole file at dirfd/path into buf: its length, or -errno. */
static long slurp(int dirfd, const char *path)
{
    int fd = openat(dirfd, path, O_RDONLY);
    if (fd < 0)
        return -errno;
    long n = 0, r;
    while ((r = read(fd, buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

static unsigned long status_kb(const char *field)
{
    if (slurp(AT_FDCWD, "/proc/self/status") < 0)
        return 0;
    const char *p = strstr(buf, field);
    return p ? strtoul(p + strlen(field), NULL, 10) : 0;
}

static void ldt(void)
{
    struct {
        unsigned entry, base, limit, flags;
    } d = { 0, 0x1000, 0xff, 0x51 };        /* 32-bit data, limit in bytes, useable */
    printf("modify_ldt: %ld\n", syscall(SYS_modify_ldt, 0x11, &d, sizeof d));
    long n = slurp(AT_FDCWD, "/proc/vmallocinfo");
    if (n < 0)
        printf("vmallocinfo: %s\n", strerror((int)-n));
    else
        fputs(buf, stdout);
}

static void at(void)
{
    int dir = open("/proc/self", O_RDONLY | O_DIRECTORY);
    long n = slurp(dir, "maps");
    printf("openat(/proc/self, maps) reads the maps: %s\n",
           n > 0 && strstr(buf, "[stack]") ? "yes" : "no");
    struct stat st;
    printf("fstatat(/proc/self, status) is a regular file: %s\n",
           !fstatat(dir, "status", &st, 0) && S_ISREG(st.st_mode) ? "yes" : "no");
    char link[256];
    ssize_t l = readlinkat(dir, "exe", link, sizeof link - 1);
    link[l > 0 ? l : 0] = 0;
    printf("readlinkat(/proc/self, exe) names the program: %s\n",
           l > 0 && strstr(link, "vm_info") ? "yes" : "no");
    close(dir);
}

static void peak(void)
{
    size_t len = 4u << 20;
    unsigned long rss0 = status_kb("VmRSS:");      /* buf's pages touched by now */
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < len; i += 4096)
        ((volatile char *)p)[i] = 1;
    munmap(p, len);
    unsigned long vmpeak = status_kb("VmPeak:"), vmsize = status_kb("VmSize:");
    unsigned long hwm = status_kb("VmHWM:");
    printf("VmPeak is VmSize + the 4096 kB unmapped or more: %s\n",
           vmpeak >= vmsize + 4096 ? "yes" : "no");
    /* Linux may count up to 64 pages late (SPLIT_RSS_COUNTING's per-task
     * cache, TASK_RSS_EVENTS_THRESH) when it takes the mark */
    printf("VmHWM is the VmRSS before + the 4096 kB touched, less 256 kB, or more: %s\n",
           hwm + 256 >= rss0 + 4096 ? "yes" : "no");
}

static unsigned long long vmstat_value(const char *name)
{
    size_t len = strlen(name);
    for (const char *l = buf; *l; l = strchr(l, '\n') + 1) {
        if (!strncmp(l, name, len) && l[len] == ' ')
            return strtoull(l + len + 1, NULL, 10);
        if (!strchr(l, '\n'))
            break;
    }
    return 0;
}

static void vmstat(void)
{
    if (slurp(AT_FDCWD, "/proc/vmstat") <= 0)
        return;
    const char *moved[] = { "nr_free_pages", "pgfault", "pgalloc_normal", "pgfree" };
    for (size_t i = 0; i < sizeof moved / sizeof *moved; i++)
        printf("%s is above 0: %s\n", moved[i], vmstat_value(moved[i]) ? "yes" : "no");
    for (char *l = buf; *l;) {
        char *nl = strchr(l, '\n'), *sp = strchr(l, ' ');
        if (!nl || !sp || sp > nl)
            break;
        printf("line %.*s\n", (int)(sp - l), l);
        l = nl + 1;
    }
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "ldt"))
            ldt();
        else if (!strcmp(argv[i], "at"))
            at();
        else if (!strcmp(argv[i], "peak"))
            peak();
        else if (!strcmp(argv[i], "vmstat"))
            vmstat();
    }
    return 0;
}

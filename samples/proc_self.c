/*
 * proc_self.c — a program that reads its own /proc/self/maps, status,
 * statm and cmdline and checks them against what it mapped and touched.
 *
 * Without arguments it prints only what holds on any Linux (natively, under
 * qemu-i386, under memsim): each mapping it made has its own line with the
 * range and rights it asked for, an mprotect of the middle splits one into
 * three, the stack and heap lines hold a local variable and the break, and
 * VmSize/VmRSS grow by at least what it mapped and touched.  With "exact"
 * (tests/guest/check-proc.sh, under memsim only) it prints the numbers
 * themselves, which are the model's exactly: the growth of VmSize, VmRSS,
 * RssAnon, VmData and statm's size/resident in pages, the text line's
 * format, and what bad input gets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 64
#define PG 4096

static char text[1 << 16];

static const char *slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    size_t n = 0;
    ssize_t r;
    if (fd < 0)
        return "";
    while (n < sizeof text - 1 && (r = read(fd, text + n, sizeof text - 1 - n)) > 0)
        n += (size_t)r;
    close(fd);
    text[n] = 0;
    return text;
}

/* The maps line whose range holds addr, parsed. */
struct map_line {
    unsigned long start, end, off, ino;
    char perms[5], dev[8], name[256];
};

static int find_map(unsigned long addr, struct map_line *m)
{
    const char *s = slurp("/proc/self/maps");
    while (*s) {
        int used = 0;
        memset(m, 0, sizeof *m);
        if (sscanf(s, "%lx-%lx %4s %lx %7s %lu%n", &m->start, &m->end, m->perms, &m->off,
                   m->dev, &m->ino, &used) >= 6) {
            while (s[used] == ' ')
                used++;                 /* the padding before the name */
            const char *e = strchr(s + used, '\n');
            size_t len = e ? (size_t)(e - s - used) : strlen(s + used);
            if (len < sizeof m->name)
                memcpy(m->name, s + used, len);
            if (addr >= m->start && addr < m->end)
                return 1;
        }
        const char *nl = strchr(s, '\n');
        s = nl ? nl + 1 : s + strlen(s);
    }
    return 0;
}

static long status_kb(const char *field)
{
    const char *s = strstr(slurp("/proc/self/status"), field);
    return s ? strtol(s + strlen(field), NULL, 10) : -1;
}

static const char *yes(int c) { return c ? "yes" : "no"; }

static void check_anon(char *p)
{
    struct map_line m;
    int found = find_map((unsigned long)p, &m);
    printf("anon mapping has its line: %s\n", yes(found));
    printf("  range exact: %s, perms %s, offset %lx, dev %s, inode %lu, name \"%s\"\n",
           yes(m.start == (unsigned long)p && m.end == (unsigned long)p + PAGES * PG),
           m.perms, m.off, m.dev, m.ino, m.name);
    mprotect(p + 16 * PG, 16 * PG, PROT_READ);
    const char *want[3] = { "rw-p", "r--p", "rw-p" };
    unsigned long at[3] = { 0, 16, 32 }, len[3] = { 16, 16, 32 };
    for (int i = 0; i < 3; i++) {
        find_map((unsigned long)p + at[i] * PG, &m);
        printf("  after mprotect, part %d: %s, exact: %s\n", i, m.perms,
               yes(strcmp(m.perms, want[i]) == 0 && m.start == (unsigned long)p + at[i] * PG &&
                   m.end == m.start + len[i] * PG));
    }
}

static void check_names(const char *argv0)
{
    struct map_line m;
    char exe[256] = "";
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    find_map((unsigned long)&check_names, &m);
    const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
    const char *nbase = strrchr(m.name, '/') ? strrchr(m.name, '/') + 1 : m.name;
    printf("text: %s, names the program: %s, is /proc/self/exe: %s\n", m.perms,
           yes(strcmp(nbase, base) == 0), yes(strcmp(m.name, exe) == 0));
    int local = 0;
    find_map((unsigned long)&local, &m);
    printf("stack line holds a local: %s\n", yes(strcmp(m.name, "[stack]") == 0));
    void *brk = sbrk(PG * 4);
    sbrk(0);
    int heap = find_map((unsigned long)brk, &m) && strcmp(m.name, "[heap]") == 0;
    printf("heap line holds the break: %s\n", yes(heap));
}

static void check_cmdline(int argc, char **argv)
{
    int fd = open("/proc/self/cmdline", O_RDONLY);
    char buf[4096];
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
    size_t want = 0;
    for (int i = 0; i < argc; i++)
        want += strlen(argv[i]) + 1;
    int same = n == (ssize_t)want;
    for (int i = 0, off = 0; same && i < argc; off += (int)strlen(argv[i]) + 1, i++)
        same = strcmp(buf + off, argv[i]) == 0;
    printf("cmdline is argv: %s\n", yes(same));
    if (fd >= 0)
        close(fd);
}

/* under memsim: the model's numbers, exactly */
/* statm against status, read one after the other: 0 when they agree.
 * (Run twice: the first run faults in this code's own text pages, which
 * count in RssFile, between the two reads.) */
static int statm_vs_status(char *out, size_t len)
{
    unsigned long sz = 0, res = 0, shr = 0, txt, lib, data, dt;
    sscanf(slurp("/proc/self/statm"), "%lu %lu %lu %lu %lu %lu %lu", &sz, &res, &shr, &txt,
           &lib, &data, &dt);
    long vmsize = status_kb("VmSize:"), vmrss = status_kb("VmRSS:");
    long rssfile = status_kb("RssFile:");
    snprintf(out, len, "statm size*4 is VmSize: %s, resident*4 is VmRSS: %s, shared*4 is RssFile: %s",
             yes((long)sz * 4 == vmsize), yes((long)res * 4 == vmrss),
             yes((long)shr * 4 == rssfile));
    return 0;
}

static void exact(char *p, long size0, long anon0, long data0)
{
    printf("VmSize grew by %ld kB\n", status_kb("VmSize:") - size0);
    printf("VmData grew by %ld kB\n", status_kb("VmData:") - data0);
    long rss0 = status_kb("VmRSS:");    /* just before: only the loop between */
    for (int i = 0; i < PAGES; i++)
        p[i * PG] = 1;
    long rss1 = status_kb("VmRSS:");
    printf("VmRSS grew by %ld kB\n", rss1 - rss0);
    printf("RssAnon grew by %ld kB\n", status_kb("RssAnon:") - anon0);
    char line[160];
    statm_vs_status(line, sizeof line);
    statm_vs_status(line, sizeof line);
    printf("%s\n", line);
    /* bad input */
    errno = 0;
    printf("open /proc/1/status: %s\n", open("/proc/1/status", O_RDONLY) < 0 ? strerror(errno) : "ok");
    printf("open /proc/self/nosuch: %s\n",
           open("/proc/self/nosuch", O_RDONLY) < 0 ? strerror(errno) : "ok");
    printf("creat /proc/new: %s\n", open("/proc/new", O_CREAT | O_WRONLY, 0644) < 0 ? strerror(errno) : "ok");
    printf("open /proc/self O_WRONLY: %s\n", open("/proc/self", O_WRONLY) < 0 ? strerror(errno) : "ok");
    int fd = open("/proc/self/maps", O_WRONLY);
    printf("open maps O_WRONLY: %s\n", fd < 0 ? strerror(errno) : "ok");
    if (fd >= 0)
        printf("write maps: %s\n", write(fd, "x", 1) < 0 ? strerror(errno) : "ok");
    fd = open("/proc/meminfo", O_RDWR);
    if (fd >= 0)
        printf("write meminfo: %s\n", write(fd, "x", 1) < 0 ? strerror(errno) : "ok");
    fd = open("/proc/self/maps", O_RDONLY);
    printf("write to a read-only maps fd: %s\n", write(fd, "x", 1) < 0 ? strerror(errno) : "ok");
    printf("lseek SEEK_END: %s\n", lseek(fd, 0, SEEK_END) < 0 ? strerror(errno) : "ok");
    printf("read past the end: %ld\n", (lseek(fd, 1 << 20, SEEK_SET), (long)read(fd, text, 10)));
}

int main(int argc, char **argv)
{
    int ex = argc > 1 && strcmp(argv[1], "exact") == 0;
    printf("proc_self\n");              /* stdout's buffer exists before the baseline */
    fflush(stdout);
    long size0 = status_kb("VmSize:"), rss0 = status_kb("VmRSS:");
    long anon0 = status_kb("RssAnon:"), data0 = status_kb("VmData:");
    char *p = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    if (ex) {
        exact(p, size0, anon0, data0);
        return 0;
    }
    printf("VmSize grew by at least %d kB: %s\n", PAGES * 4,
           yes(status_kb("VmSize:") - size0 >= PAGES * 4));
    for (int i = 0; i < PAGES; i++)
        p[i * PG] = 1;
    printf("VmRSS grew by at least %d kB: %s\n", PAGES * 4,
           yes(status_kb("VmRSS:") - rss0 >= PAGES * 4));
    check_anon(p);
    check_names(argv[0]);
    check_cmdline(argc, argv);
    return 0;
}

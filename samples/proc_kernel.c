/*
 * proc_kernel.c — the machine-wide /proc files read through the guest
 * (tests/guest/check-proc-kernel.sh): slabinfo, meminfo, buddyinfo, vmstat
 * and zoneinfo, each checked for its structure and against the others.
 *
 * Prints one "NAME: yes" line per check, or "NAME: no (why)".  The
 * relations are Linux's definitions:
 *  - slabinfo starts "slabinfo - version: 2.1" and its second line names
 *    the columns (mm/slab_common.c print_slabinfo_header);
 *  - vm_area_struct's active_objs is the number of VMAs alive in the
 *    machine: with one process, the lines of its /proc/self/maps, read
 *    just before (a model exactness: SLUB counts objects in the per-cpu
 *    slabs as active, so real Linux shows more);
 *  - MemTotal (kB) is the sum of zoneinfo's "managed" pages times 4;
 *  - MemFree (kB) / 4 = nr_free_pages (vmstat) = the free pages of
 *    buddyinfo (sum over orders of count << order), the three read with
 *    nothing allocated between them (the files are read into buffers
 *    faulted in beforehand; opening and reading a /proc file leaves no
 *    frame allocated once it is closed).
 * Run with "print" it also prints the files it read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE (256 * 1024)

static char slab[BUF_SIZE], mem[BUF_SIZE], buddy[BUF_SIZE], vmstat[BUF_SIZE], zone[BUF_SIZE],
            maps[BUF_SIZE];

/* The whole file into buf (NUL-terminated), or -1. */
static long slurp(const char *path, char *buf)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = 0, r;
    while (n < BUF_SIZE - 1 && (r = read(fd, buf + n, (size_t)(BUF_SIZE - 1 - n))) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    return r < 0 ? -1 : n;
}

static int verdict(const char *name, int ok, const char *why)
{
    if (ok)
        printf("%s: yes\n", name);
    else
        printf("%s: no (%s)\n", name, why);
    return ok;
}

static long count_lines(const char *s)
{
    long n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* The value after "KEY" at a line start (meminfo "MemFree:", vmstat
 * "nr_free_pages "), or -1. */
static long line_value(const char *text, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, key, k))
            return strtol(p + k, NULL, 10);
    return -1;
}

/* slabinfo's active_objs of cache NAME, or -1. */
static long slab_active(const char *name)
{
    size_t k = strlen(name);
    for (const char *p = slab; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, name, k) && p[k] == ' ')
            return strtol(p + k, NULL, 10);
    return -1;
}

/* zoneinfo: the sum of every zone's "        managed  N" line. */
static long zone_managed(void)
{
    long sum = 0;
    for (const char *p = strstr(zone, "\n        managed "); p;
         p = strstr(p + 1, "\n        managed "))
        sum += strtol(p + strlen("\n        managed "), NULL, 10);
    return sum;
}

/* buddyinfo: "Node 0, zone   Normal      3      1 ..." — counts per order. */
static long buddy_free(int *zones)
{
    long sum = 0;
    *zones = 0;
    for (const char *p = buddy; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, "Node 0, zone ", 13))
            return -1;
        const char *q = p + 13;
        while (*q == ' ')
            q++;
        while (*q && *q != ' ')     /* the zone's name */
            q++;
        char *end;
        for (int order = 0; order < 11; order++) {
            long c = strtol(q, &end, 10);
            if (end == q)
                return -1;
            sum += c << order;
            q = end;
        }
        ++*zones;
    }
    return sum;
}

int main(int argc, char **argv)
{
    /* Fault the buffers in first: a read's copy into an untouched page
     * would allocate a frame between one file's free count and the next. */
    memset(slab, 1, sizeof slab), memset(mem, 1, sizeof mem), memset(buddy, 1, sizeof buddy);
    memset(vmstat, 1, sizeof vmstat), memset(zone, 1, sizeof zone), memset(maps, 1, sizeof maps);
    /* maps first, slabinfo right after: nothing between them makes a VMA */
    if (slurp("/proc/self/maps", maps) < 0 || slurp("/proc/slabinfo", slab) < 0 ||
        slurp("/proc/meminfo", mem) < 0 || slurp("/proc/buddyinfo", buddy) < 0 ||
        slurp("/proc/vmstat", vmstat) < 0 || slurp("/proc/zoneinfo", zone) < 0) {
        perror("read /proc");
        return 1;
    }
    if (argc > 1 && !strcmp(argv[1], "print"))
        printf("%s%s%s%s%s%s", maps, slab, mem, buddy, vmstat, zone);
    int ok = 1;
    char why[160];

    static const char header[] = "slabinfo - version: 2.1\n# name            <active_objs>"
        " <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount>"
        " <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n";
    ok &= verdict("slabinfo header", !strncmp(slab, header, sizeof header - 1),
                  "first two lines");
    long vmas = count_lines(maps), active = slab_active("vm_area_struct");
    snprintf(why, sizeof why, "active_objs %ld, maps lines %ld", active, vmas);
    ok &= verdict("vm_area_struct active_objs = maps lines", active == vmas, why);

    long total = line_value(mem, "MemTotal:"), managed = zone_managed();
    snprintf(why, sizeof why, "MemTotal %ld kB, managed %ld pages", total, managed);
    ok &= verdict("MemTotal = managed x 4", total > 0 && total == managed * 4, why);

    int zones;
    long memfree = line_value(mem, "MemFree:"), nr_free = line_value(vmstat, "nr_free_pages "),
         bfree = buddy_free(&zones);
    snprintf(why, sizeof why, "MemFree %ld kB, buddyinfo %ld pages in %d zones", memfree,
             bfree, zones);
    ok &= verdict("buddyinfo free = MemFree / 4", zones > 0 && memfree > 0 &&
                  bfree * 4 == memfree, why);
    snprintf(why, sizeof why, "MemFree %ld kB, nr_free_pages %ld", memfree, nr_free);
    ok &= verdict("nr_free_pages = MemFree / 4", nr_free * 4 == memfree, why);
    return ok ? 0 : 1;
}

/*
 * frag_buddy.c — external fragmentation made visible: allocate most of the
 * Normal zone's free memory one page at a time, free every other page,
 * then the rest, and show /proc/buddyinfo and the fragmentation indexes at
 * each stage.
 *
 * The indexes are Linux's (mm/vmstat.c __fragmentation_index and
 * unusable_free_index, what /sys/kernel/debug/extfrag/extfrag_index and
 * unusable_index print), computed here from /proc/buddyinfo's free blocks
 * per order: the guest has no debugfs.  A fragmentation index near 1 says
 * a request of that order would fail for fragmentation, not for lack of
 * memory; -1.000 that a block of that order is free.
 *
 * Self-checks (exit 1 when one fails): /proc/pagetypeinfo's per-type
 * counts add up to /proc/buddyinfo's; freeing every other frame leaves the
 * pages free but unmergeable (order-0 blocks grow by at least half the
 * frames freed, the order-10 index goes from -1.000 to near 1); freeing
 * the rest merges them back.  guest/frag_buddy (tests/guest/check-frag-buddy.sh) runs it
 * under memsim --ram 64M.
 *
 *   frag_buddy [ZONE]     (default Normal)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_ORDER 11
#define PAGE 4096ul

struct zone_free {
    unsigned long nr[MAX_ORDER];         /* free blocks per order */
};

/* Both files are read back to back into buffers touched beforehand, with
 * no allocation between: a page fault or a malloc in between would change
 * the free lists under the comparison. */
static char buddyinfo_text[4096], pagetypeinfo_text[8192];

static int slurp(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    ssize_t n, got = 0;
    if (fd < 0)
        return -1;
    while (got < (ssize_t)len - 1 && (n = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
        got += n;
    close(fd);
    buf[got] = '\0';
    return 0;
}

static int parse_buddyinfo(const char *zone, struct zone_free *z)
{
    char name[32];
    for (const char *line = buddyinfo_text; *line; line = strchr(line, '\n') + 1) {
        int node, off;
        if (sscanf(line, "Node %d, zone %31s%n", &node, name, &off) == 2 && !strcmp(name, zone)) {
            char *p = (char *)line + off;
            for (int o = 0; o < MAX_ORDER; o++)
                z->nr[o] = strtoul(p, &p, 10);
            return 0;
        }
        if (!strchr(line, '\n'))
            break;
    }
    return -1;
}

/* The zone's rows of /proc/pagetypeinfo summed over the migrate types. */
static int parse_pagetypeinfo(const char *zone, struct zone_free *z)
{
    char name[32], type[32];
    int rows = 0;
    memset(z, 0, sizeof *z);
    for (const char *line = pagetypeinfo_text; *line; line = strchr(line, '\n') + 1) {
        int node, off;
        if (sscanf(line, "Node %d, zone %31[^,], type %31s%n", &node, name, type, &off) == 3) {
            const char *n = name;
            while (*n == ' ')
                n++;
            if (!strcmp(n, zone)) {
                char *p = (char *)line + off;
                for (int o = 0; o < MAX_ORDER; o++)
                    z->nr[o] += strtoul(p, &p, 10);
                rows++;
            }
        }
        if (!strchr(line, '\n'))
            break;
    }
    return rows ? 0 : -1;
}

static unsigned long free_pages(const struct zone_free *z)
{
    unsigned long pages = 0;
    for (int o = 0; o < MAX_ORDER; o++)
        pages += z->nr[o] << o;
    return pages;
}

/* __fragmentation_index and unusable_free_index, in thousandths. */
static long frag_index(const struct zone_free *z, int order, int unusable)
{
    unsigned long pages = 0, blocks = 0, suitable = 0;
    for (int o = 0; o < MAX_ORDER; o++) {
        blocks += z->nr[o];
        pages += z->nr[o] << o;
        if (o >= order)
            suitable += z->nr[o] << (o - order);
    }
    if (unusable)
        return pages ? (long)((pages - (suitable << order)) * 1000 / pages) : 1000;
    if (!blocks)
        return 0;
    if (suitable)
        return -1000;
    return 1000 - (long)((1000 + pages * 1000 / (1ul << order)) / blocks);
}

static void show(const char *stage, const char *zone, const struct zone_free *z)
{
    printf("%s\n  buddyinfo %-7s", stage, zone);
    for (int o = 0; o < MAX_ORDER; o++)
        printf(" %6lu", z->nr[o]);
    printf("\n  extfrag           ");
    for (int o = 0; o < MAX_ORDER; o++) {
        long i = frag_index(z, o, 0);
        printf(" %2ld.%03ld", i / 1000, (i < 0 ? -i : i) % 1000);
    }
    printf("\n  unusable          ");
    for (int o = 0; o < MAX_ORDER; o++) {
        long i = frag_index(z, o, 1);
        printf("  %ld.%03ld", i / 1000, i % 1000);
    }
    printf("\n  free pages %lu\n", free_pages(z));
}

static int stage(const char *what, const char *zone, struct zone_free *z)
{
    struct zone_free pt;
    int have_pt = slurp("/proc/buddyinfo", buddyinfo_text, sizeof buddyinfo_text) == 0 &&
                  slurp("/proc/pagetypeinfo", pagetypeinfo_text, sizeof pagetypeinfo_text) == 0;
    if (parse_buddyinfo(zone, z)) {
        printf("no zone %s in /proc/buddyinfo\n", zone);
        return -1;
    }
    show(what, zone, z);
    if (have_pt && parse_pagetypeinfo(zone, &pt) == 0 && memcmp(&pt, z, sizeof pt)) {
        printf("  FAIL: /proc/pagetypeinfo's per-type counts do not add up to buddyinfo\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *zone = argc > 1 ? argv[1] : "Normal";
    struct zone_free start, held, holes, end;
    int bad = 0;

    memset(buddyinfo_text, 0, sizeof buddyinfo_text);       /* fault them in now */
    memset(pagetypeinfo_text, 0, sizeof pagetypeinfo_text);
    printf("frag_buddy: zone %s\n", zone);                 /* stdout's buffer too */
    if (stage("start", zone, &start))
        return 1;
    /* Most of the zone (keep 512 pages, above its low watermark, free) in
     * two mappings touched in turn, A[0] B[0] A[1] B[1] ...: the frames of
     * A and B interleave, so unmapping B frees every other frame with one
     * call (freeing single pages would split the VMA thousands of times). */
    unsigned long n = free_pages(&start) > 1024 ? (free_pages(&start) - 512) / 2 : 0;
    char *a = n ? mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0) : MAP_FAILED;
    char *b = n ? mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0) : MAP_FAILED;
    if (a == MAP_FAILED || b == MAP_FAILED) {
        printf("not enough free memory to fragment\n");
        return 1;
    }
    for (unsigned long i = 0; i < n; i++) {
        a[i * PAGE] = 1;                 /* one frame per page */
        b[i * PAGE] = 1;
    }
    printf("touched %lu pages\n", 2 * n);
    bad |= stage("allocated", zone, &held);

    munmap(b, n * PAGE);
    printf("freed every other page: %lu\n", n);
    bad |= stage("every other page free", zone, &holes);
    /* The freed frames' buddies are still in use: they stay order 0. */
    if (holes.nr[0] < held.nr[0] + n / 2) {
        printf("  FAIL: order-0 blocks grew by %lu for %lu pages freed\n",
               holes.nr[0] - held.nr[0], n);
        bad = 1;
    }
    if (frag_index(&start, MAX_ORDER - 1, 0) != -1000 || frag_index(&holes, MAX_ORDER - 1, 0) < 900) {
        printf("  FAIL: the order-%d fragmentation index did not go from -1.000 to near 1\n",
               MAX_ORDER - 1);
        bad = 1;
    }

    munmap(a, n * PAGE);
    bad |= stage("all freed", zone, &end);
    if (end.nr[MAX_ORDER - 1] + 1 < start.nr[MAX_ORDER - 1]) {
        printf("  FAIL: the freed pages did not merge back into order-%d blocks\n", MAX_ORDER - 1);
        bad = 1;
    }
    printf(bad ? "frag_buddy: FAIL\n" : "frag_buddy: ok\n");
    return bad;
}

/*
 * cache_pressure.c — page-cache reclaim with tmpfs pages in the cache
 * (tests/replay/check-cache-pressure.sh runs it under a small --ram).
 *
 * A tmpfs file is mapped shared and read page by page: each read fault
 * adds a clean page to the file's cache, which reclaim must never take
 * (tmpfs pages are the data: no swap, never written back).  Then a host
 * file bigger than RAM is read twice, so reclaim takes the host file's
 * own clean pages; the tmpfs file is read back last.
 *   cache_pressure [BIG_FILE]       (default /big)
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define TMP_BYTES (1 << 20)

static char buf[65536];

static long read_all(int fd, unsigned *sum)
{
    long n, total = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        total += n;
        *sum += (unsigned char)buf[n - 1];
    }
    return total;
}

int main(int argc, char **argv)
{
    int t = open("/tmp/cache_pressure", O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (t < 0 || ftruncate(t, TMP_BYTES)) {
        perror("/tmp/cache_pressure");
        return 1;
    }
    volatile const char *p = mmap(0, TMP_BYTES, PROT_READ, MAP_SHARED, t, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    unsigned sum = 0;
    for (int i = 0; i < TMP_BYTES; i += 4096)
        sum += (unsigned char)p[i];
    printf("tmpfs pages read: %d, sum %u\n", TMP_BYTES / 4096, sum);
    for (int pass = 0; pass < 2; pass++) {
        int fd = open(argc > 1 ? argv[1] : "/big", O_RDONLY);
        if (fd < 0) {
            perror("open");
            return 1;
        }
        sum = 0;
        printf("pass %d: %ld bytes, sum %u\n", pass, read_all(fd, &sum), sum);
        close(fd);
    }
    sum = 0;
    lseek(t, 0, SEEK_SET);
    printf("tmpfs: %ld bytes, sum %u\n", read_all(t, &sum), sum);
    munmap((void *)p, TMP_BYTES);
    close(t);
    unlink("/tmp/cache_pressure");
    return 0;
}

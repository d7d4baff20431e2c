/*
 * stdio_file.c — buffered file reading with fopen/fgets.
 *
 * Opens the file named by argv[1] (the tests pass
 * tests/guest/fixtures/lines.txt), reads it line by line with fgets into a
 * small buffer (so long lines arrive in several pieces), and prints the line
 * count, byte count, longest line and an FNV-1a checksum of the contents.
 * Never prints the path, so the output does not depend on where the file is.
 *
 * Mechanism: open/fstat/read/close (glibc mallocs the FILE and a buffer of
 * st_blksize bytes, then reads whole buffers), and for memsim the guest
 * file sandbox.
 * Expected: exit 0; exit 2 with a message on stderr if the file can't be opened.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: stdio_file FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror("stdio_file: fopen");
        return 2;
    }

    char buf[64];
    unsigned long lines = 0, bytes = 0, cur = 0, longest = 0;
    uint32_t h = 2166136261u;
    while (fgets(buf, sizeof buf, f)) {
        size_t n = strlen(buf);
        bytes += n;
        for (size_t i = 0; i < n; i++) {
            h ^= (uint8_t)buf[i];
            h *= 16777619u;
        }
        if (n > 0 && buf[n - 1] == '\n') {
            cur += n - 1;
            if (cur > longest)
                longest = cur;
            cur = 0;
            lines++;
        } else {
            cur += n;
        }
    }
    if (cur > 0) {                      /* last line without a newline */
        if (cur > longest)
            longest = cur;
        lines++;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "stdio_file: read error\n");
        return 2;
    }
    printf("lines %lu\nbytes %lu\nlongest %lu\nfnv %08x\n", lines, bytes, longest, (unsigned)h);
    return 0;
}

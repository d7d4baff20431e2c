/*
 * straddle_fault.c — a read that faults and straddles into a page never
 * touched.
 *
 * The program maps its own file privately, three pages past its end, and
 * reads 4 bytes 2 bytes before the end of the first page past EOF: that
 * page is SIGBUS (filemap_fault), and the read runs on into the next one.
 * The guest dies, but Unicorn still completes the access — both pages — so
 * memsim must give both pages harmless host memory; it backed only the
 * first, and the second (PROT_NONE on the host) crashed memsim itself.
 *
 * Expected: "mapped", then SIGBUS (status 135), as under qemu-i386.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argc;
    int fd = open(argv[0], O_RDONLY);
    off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
    if (size <= 0)
        return 2;
    size_t len = ((size_t)size + 4095) & ~(size_t)4095;
    char *p = mmap(0, len + 3 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return 3;
    printf("mapped\n");
    fflush(stdout);
    volatile unsigned *q = (volatile unsigned *)(p + len + 4096 - 2);
    return (int)*q;
}

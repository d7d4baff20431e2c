/*
 * segv_rodata.c — a write to a read-only mapping kills the process.
 *
 * Maps one anonymous page PROT_READ, reads it (a zero-page read fault, which
 * succeeds), then writes to it.  The write is against the VMA's permissions:
 * the kernel delivers SIGSEGV with si_code SEGV_ACCERR, and with no handler
 * installed the process dies of it.  The shell sees exit status 139
 * (128 + 11) both under qemu-i386 and memsim; memsim prints one line naming
 * SIGSEGV on stderr.
 *
 * stdout is flushed before the write, or the buffered line would be lost
 * when the process is killed.
 *
 * Expected: two lines on stdout, then death by SIGSEGV (status 139).  The
 * last printf must never run.
 */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
    volatile char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ro == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    printf("read-only page reads %d\n", ro[10]);
    printf("writing to it now\n");
    fflush(stdout);

    ro[10] = 1;                 /* SIGSEGV (SEGV_ACCERR) */

    printf("survived the write: this is a bug\n");
    return 2;
}

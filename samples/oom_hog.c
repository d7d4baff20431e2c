/*
 * oom_hog.c — allocate and touch memory until the OOM killer strikes.
 *
 * Mechanism: demand-zero faults that the kernel model can no longer satisfy.
 * mmap/malloc only reserve address space (overcommit, as on Linux); the
 * frames are taken when each page is first written.  Once the modelled RAM
 * (--ram) is exhausted the fault handler fails, and memsim kills the guest
 * like Linux's OOM killer: SIGKILL, exit status 137, and one stderr line
 * "memsim: out of memory (--ram NM): killed the guest at ...".
 *
 * Not compared with qemu-i386 (under qemu the host has the memory): the
 * test is tests/guest/bad-input.sh, which runs it with `--ram 16M`.  The
 * program stops by itself after LIMIT_MIB so it cannot eat a host when run
 * natively or under qemu: then it prints "survived" and exits 0, which the
 * test treats as a failure.
 *
 * Expected under memsim --ram 16M: stdout "oom_hog: allocating\n" only,
 * exit status 137.
 */
#include <stdio.h>
#include <stdlib.h>

#define CHUNK (1u << 20)          /* 1 MiB per malloc: glibc serves it with mmap */
#define LIMIT_MIB 1024u
#define PAGE 4096u

int main(void)
{
    printf("oom_hog: allocating\n");
    fflush(stdout);               /* the guest never gets to flush after SIGKILL */
    unsigned mib;
    for (mib = 0; mib < LIMIT_MIB; mib++) {
        volatile unsigned char *p = malloc(CHUNK);
        if (!p) {
            printf("oom_hog: malloc failed after %u MiB\n", mib);
            return 1;
        }
        for (unsigned off = 0; off < CHUNK; off += PAGE)
            p[off] = (unsigned char)(mib + off / PAGE + 1);   /* non-zero: a real frame */
    }
    printf("oom_hog: survived %u MiB\n", mib);
    return 0;
}

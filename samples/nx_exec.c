/*
 * nx_exec.c — run code copied into memory that is not executable.
 *
 *   nx_exec [mmap|mprotect|stack|heap]
 *
 * First calls a copy of a tiny function (mov eax, 42; ret) in a PROT_EXEC
 * mapping, which works everywhere.  Then calls a copy in memory without
 * exec rights:
 *   mmap      an anonymous PROT_READ|PROT_WRITE mapping (the default)
 *   mprotect  the exec mapping after mprotect(PROT_READ|PROT_WRITE): its
 *             translation was cached as executable a moment ago
 *   stack     a buffer on the stack (PT_GNU_STACK without PF_X)
 *   heap      malloc'd memory (brk)
 *
 * On Linux with NX (PAE or 64-bit paging) the second call is SIGSEGV with
 * SEGV_ACCERR (exit 139).  Under memsim --paging 2level, as on a 32-bit CPU
 * without PAE, there is no NX bit: readable means executable, the call
 * returns 42 and the program exits 0.  Not in samples.list: qemu-i386 is
 * no reference for NX; tests/guest/check-nx.sh checks both modes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const unsigned char code[] = { 0xb8, 42, 0, 0, 0, 0xc3 };   /* mov $42,%eax; ret */

typedef int (*fn)(void);

static int call_copy(void *where)
{
    memcpy(where, code, sizeof code);
    return ((fn)where)();
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "mmap";
    unsigned char stackbuf[64];
    void *x = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (x == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    printf("exec mapping: %d\n", call_copy(x));

    void *target;
    if (!strcmp(how, "mmap")) {
        target = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    } else if (!strcmp(how, "mprotect")) {
        if (mprotect(x, 4096, PROT_READ | PROT_WRITE)) {
            perror("mprotect");
            return 1;
        }
        target = x;
    } else if (!strcmp(how, "stack")) {
        target = stackbuf;
    } else if (!strcmp(how, "heap")) {
        target = malloc(64);
    } else {
        fprintf(stderr, "usage: nx_exec [mmap|mprotect|stack|heap]\n");
        return 2;
    }
    if (target == MAP_FAILED || !target) {
        perror(how);
        return 1;
    }
    printf("%s: calling code without exec rights\n", how);
    fflush(stdout);
    int r = call_copy(target);
    printf("%s: returned %d (no NX)\n", how, r);
    return 0;
}

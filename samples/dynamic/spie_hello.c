/*
 * spie_hello.c — a static-pie (gcc -static-pie): an ET_DYN without an
 * interpreter, relocated by its own startup code wherever the kernel put
 * it (Linux: top-down in the mmap area).  It prints what relocation must
 * get right: a pointer table, a function pointer, a string through a
 * relocated pointer, and that the entry the kernel reported is _start.
 */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

extern void _start(void);
static const char *const words[] = { "relocated", "pointer", "table" };
static int twice(int v) { return 2 * v; }
static int (*const fn)(int) = twice;

int main(int argc, char **argv)
{
    (void)argv;
    printf("%s %s %s\n", words[0], words[1], words[2]);
    printf("fn(21) = %d, argc %d, strlen %zu\n", fn(21), argc, strlen(words[0]));
    printf("AT_ENTRY is _start %d, AT_BASE %lu\n", getauxval(AT_ENTRY) == (unsigned long)_start,
           getauxval(AT_BASE));
    return 0;
}

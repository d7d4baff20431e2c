/* smc_same_size.c — self-modifying code that rewrites instructions with
 * others of the same length at the same address, then runs them:
 *   1. a block whose first instruction stores into a later one (inc <-> dec);
 *   2. rdtsc (0f 31) rewritten as mov %ecx,%eax (89 c8): the result is ecx;
 *   3. ds:mov %fs,%eax (3e 8c e0) turned into ds:mov %eax,%fs (3e 8e e0) by a
 *      store to its second byte: a segment load, which reads the GDT.
 * Linux and qemu-i386 run each as rewritten. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef uint32_t (*fn_t)(void);

/* call code at x with eax, ecx and edx as given; returns eax */
static uint32_t run(unsigned char *x, uint32_t eax, uint32_t ecx, uint32_t edx)
{
    __asm__ volatile("call *%3" : "+a"(eax), "+c"(ecx), "+d"(edx) : "r"(x) : "memory", "cc");
    return eax;
}

int main(void)
{
    unsigned char *x = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (x == MAP_FAILED)
        return 1;

    /* 1: movb %cl, 5(%edx); nop; inc %eax; ret — the store picks the opcode at x+5 */
    const unsigned char patch[] = { 0x88, 0x4a, 0x05, 0x90, 0x90, 0x40, 0xc3 };
    memcpy(x, patch, sizeof patch);
    uint32_t a = run(x, 10, 0x40, (uint32_t)x);
    uint32_t b = run(x, 10, 0x48, (uint32_t)x);
    uint32_t c = run(x, 10, 0x40, (uint32_t)x);
    printf("store into the running block: inc %u, dec %u, inc %u\n", a, b, c);

    /* 2: rdtsc; ret  ->  mov %ecx,%eax; ret */
    unsigned char *y = x + 64;
    y[0] = 0x0f; y[1] = 0x31; y[2] = 0xc3;
    run(y, 0, 0, 0);
    y[0] = 0x89; y[1] = 0xc8;
    printf("rdtsc rewritten as mov %%ecx,%%eax: %x\n", run(y, 0, 0x5eed, 0));

    /* 3: ds: mov %fs,%eax; ret  ->  ds: mov %eax,%fs; ret, by a store to byte 1 */
    unsigned char *z = x + 128;
    uint32_t ds;
    __asm__ volatile("mov %%ds, %0" : "=r"(ds));
    z[0] = 0x3e; z[1] = 0x8c; z[2] = 0xe0; z[3] = 0xc3;
    run(z, 0, 0, 0);
    z[1] = 0x8e;
    run(z, ds, 0, 0);
    uint32_t fs;
    __asm__ volatile("mov %%fs, %0; push $0; pop %%fs" : "=r"(fs) :: "memory");
    printf("mov %%fs,%%eax rewritten as mov %%eax,%%fs: fs %s ds\n", fs == ds ? "==" : "!=");
    return 0;
}

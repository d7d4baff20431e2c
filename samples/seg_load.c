/* seg_load.c — every way a user program loads a segment register, each with
 * a selector the register may hold (the one it holds, or the null selector
 * for %fs), and the instructions that read a descriptor: mov, pop, lds, les,
 * lfs, lgs, lss, far jmp/call/ret, iret, lar, lsl, verr.  The CPU reads the
 * descriptor from the GDT each time; none of it may fault.  Prints one line
 * per check (no selector values: they differ between kernels and qemu). */
#include <stdint.h>
#include <stdio.h>

struct __attribute__((packed)) farptr { uint32_t off; uint16_t sel; };

static uint16_t get_ds(void) { uint16_t v; __asm__ volatile("mov %%ds, %0" : "=r"(v)); return v; }
static uint16_t get_ss(void) { uint16_t v; __asm__ volatile("mov %%ss, %0" : "=r"(v)); return v; }
static uint16_t get_gs(void) { uint16_t v; __asm__ volatile("mov %%gs, %0" : "=r"(v)); return v; }

int main(void)
{
    uint16_t ds = get_ds(), gs = get_gs();
    struct farptr fp = { 0x1234, ds };
    uint32_t off;

    __asm__ volatile("mov %0, %%ds" :: "r"((uint32_t)ds));
    __asm__ volatile("mov %0, %%es" :: "m"(ds));
    puts("mov sreg: ok");
    __asm__ volatile("push %%ds; pop %%ds; push %%ds; pop %%es; push %%ss; pop %%ss" ::: "memory");
    __asm__ volatile("push %%ds; pop %%fs; push $0; pop %%fs; push %%gs; pop %%gs" ::: "memory");
    puts("pop ds, es, ss, fs, gs: ok");
    __asm__ volatile("push %%ds; lds %1, %0; pop %%ds" : "=r"(off) : "m"(fp) : "memory");
    printf("lds: ok, offset %x\n", off);
    __asm__ volatile("les %1, %0" : "=r"(off) : "m"(fp) : "memory");
    printf("les: ok, offset %x\n", off);
    __asm__ volatile("lfs %1, %0; push $0; pop %%fs" : "=r"(off) : "m"(fp) : "memory");
    printf("lfs: ok, offset %x\n", off);
    __asm__ volatile("push %%gs; lgs %1, %0; pop %%gs" : "=r"(off) : "m"(fp) : "memory");
    printf("lgs: ok, offset %x\n", off);
    struct farptr sp = { 0, get_ss() };
    __asm__ volatile("mov %%esp, %0; lss %0, %%esp" : "=m"(sp.off) : "m"(sp) : "memory");
    puts("lss: ok");

    /* far transfers to the current code segment: the CPU reloads CS */
    uint32_t r = 0;
    __asm__ volatile("mov %%cs, %%eax\n\t"
                     "push %%eax\n\t"
                     "push $1f\n\t"
                     "lret\n"                               /* far return */
                     "1:\n\t"
                     "mov %%cs, %%eax\n\t"
                     "push %%eax\n\t"
                     "push $2f\n\t"
                     "ljmp *(%%esp)\n"                      /* far jump through memory */
                     "2:\n\t"
                     "add $8, %%esp\n\t"
                     "mov %%cs, %%eax\n\t"
                     "push %%eax\n\t"
                     "push $3f\n\t"
                     "lcall *(%%esp)\n\t"                   /* far call, far return */
                     "jmp 4f\n"
                     "3:\n\t"
                     "lret\n"
                     "4:\n\t"
                     "add $8, %%esp\n\t"
                     "pushf\n\t"                            /* iret to the same level */
                     "mov %%cs, %%eax\n\t"
                     "push %%eax\n\t"
                     "push $5f\n\t"
                     "iret\n"
                     "5:\n\t"
                     "mov $7, %0\n"
                     : "=r"(r) : : "eax", "memory", "cc");
    printf("lret, ljmp, lcall, iret: ok (%u)\n", r);

    uint32_t ar = 0, lim = 0;
    int ok1 = 0, ok2 = 0, ok3 = 0;
    __asm__ volatile("lar %2, %0; setz %b1" : "=r"(ar), "=q"(ok1) : "r"((uint32_t)ds));
    __asm__ volatile("lsl %2, %0; setz %b1" : "=r"(lim), "=q"(ok2) : "r"((uint32_t)ds));
    __asm__ volatile("verr %1; setz %b0" : "=q"(ok3) : "r"(ds));
    printf("lar: %d, type %x; lsl: %d, limit %x; verr: %d\n", ok1 & 1, (ar >> 8) & 0xff, ok2 & 1, lim, ok3 & 1);
    printf("gs unchanged: %s\n", get_gs() == gs ? "yes" : "no");
    return 0;
}

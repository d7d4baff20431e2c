/* cpu_insn.c TEST — one instruction that a user-mode i386 program may not,
 * or may only in a particular way, execute.  Run by tests/guest/check-cpu.sh,
 * which knows Linux's outcome of each (the shell status, 128 + signal):
 *
 *   ud2, lock_nop, lock_reg        #UD                          SIGILL  132
 *   lock_mov_st, lock_mov_ld,      lock on what may not take one: #UD at
 *   lock_add_ld                    decode, before the access (the load is
 *                                  from address 0)              SIGILL  132
 *   icebp (0xf1)                   #DB                          SIGTRAP 133
 *   int3, int_3                    #BP (DPL-3 gate)             SIGTRAP 133
 *   long_insn, long_lock           over 15 bytes: #GP(0)        SIGSEGV 139
 *   in, out, insb, outsb, cli, sti  IOPL 0: #GP                 SIGSEGV 139
 *   hlt, mov_cr0, rdpmc            privileged (CR4.PCE clear): #GP  SIGSEGV 139
 *   int_0, int_1, int_6, int_0x81  DPL-0 gates: #GP             SIGSEGV 139
 *   into, int_4                    #OF (DPL-3 gate)             SIGSEGV 139
 *   syscall                        #UD in 32-bit code on Intel  SIGILL  132
 *   sysenter                       exit_group(42) runs          42
 *   sysenter_ret                   getpid through sysenter returns after the
 *                                  instruction, registers kept; a sixth
 *                                  argument at [ebp] (mmap2's page offset);
 *                                  [ebp] unreadable: -EFAULT       0
 * A TEST that the instruction survives prints "TEST survived" and exits 0.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * sysenter_call(r): eax, ebx, ecx, edx, esi, edi, ebp from r[0..6], then
 * sysenter; r[0..6] get the registers as they came back and r[7] how far
 * esp moved.  memsim resumes after the sysenter (it has no vDSO to return
 * to) with every register but eax unchanged.
 */
long sysenter_call(long r[8]);
__asm__(".text\n.globl sysenter_call\nsysenter_call:\n"
        "push %ebp\n push %ebx\n push %esi\n push %edi\n"
        "mov 20(%esp), %eax\n push %eax\n mov %esp, 28(%eax)\n"
        "mov 4(%eax), %ebx\n mov 8(%eax), %ecx\n mov 12(%eax), %edx\n"
        "mov 16(%eax), %esi\n mov 20(%eax), %edi\n mov 24(%eax), %ebp\n mov 0(%eax), %eax\n"
        "sysenter\n"
        "xchg %eax, (%esp)\n"
        "mov %ebx, 4(%eax)\n mov %ecx, 8(%eax)\n mov %edx, 12(%eax)\n"
        "mov %esi, 16(%eax)\n mov %edi, 20(%eax)\n mov %ebp, 24(%eax)\n"
        "mov %esp, %ebx\n sub 28(%eax), %ebx\n mov %ebx, 28(%eax)\n"
        "pop %ebx\n mov %ebx, 0(%eax)\n"
        "pop %edi\n pop %esi\n pop %ebx\n pop %ebp\n ret\n");

static int sysenter_ret(const char *self)
{
    long six = 0x66666666;
    long r[8] = { SYS_getpid, 0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555, (long)&six };
    sysenter_call(r);
    int kept = r[1] == 0x11111111 && r[2] == 0x22222222 && r[3] == 0x33333333 &&
               r[4] == 0x44444444 && r[5] == 0x55555555 && r[6] == (long)&six && r[7] == 0;
    printf("sysenter getpid: %s, other registers kept: %s\n", r[0] == getpid() ? "same as int 0x80" : "WRONG",
           kept ? "yes" : "NO");
    long e[8] = { SYS_getpid, 0, 0, 0, 0, 0, 0 };        /* ebp = 0: [ebp] unreadable */
    sysenter_call(e);
    printf("sysenter with [ebp] unreadable: %ld\n", e[0]);

    /* mmap2(0, 4096, PROT_READ, MAP_PRIVATE, fd, pgoff = [ebp] = 1): page 1 of this program */
    int fd = open(self, O_RDONLY);
    static unsigned char page[4096];
    long pgoff = 1;
    long m[8] = { SYS_mmap2, 0, 4096, PROT_READ, MAP_PRIVATE, fd, (long)&pgoff };
    sysenter_call(m);
    int same = fd >= 0 && lseek(fd, 4096, SEEK_SET) == 4096 && read(fd, page, sizeof page) == sizeof page &&
               (unsigned long)m[0] < -4096ul && !memcmp((void *)m[0], page, sizeof page);
    printf("sysenter mmap2 with the page offset at [ebp]: %s\n", same ? "page 1 mapped" : "WRONG");
    return 0;
}

int main(int argc, char **argv)
{
    const char *t = argc > 1 ? argv[1] : "";
#define T(name) (!strcmp(t, name))
    setvbuf(stdout, 0, _IONBF, 0);
    if (T("ud2"))            __asm__ volatile("ud2");
    else if (T("lock_nop"))  __asm__ volatile(".byte 0xf0, 0x90");
    else if (T("lock_reg"))  __asm__ volatile(".byte 0xf0, 0x01, 0xc0" ::: "eax");   /* lock add %eax,%eax */
    else if (T("lock_mov_st")) { static int v; __asm__ volatile(".byte 0xf0, 0x89, 0x00" :: "a"(&v) : "memory"); }  /* lock mov %eax,(%eax) */
    else if (T("lock_mov_ld")) { int z = 0; __asm__ volatile(".byte 0xf0, 0x8b, 0x00" : "+a"(z) :: "memory"); }  /* lock mov (%eax),%eax */
    else if (T("lock_add_ld")) { int z = 0; __asm__ volatile(".byte 0xf0, 0x03, 0x00" : "+a"(z) :: "memory", "cc"); }  /* lock add (%eax),%eax */
    else if (T("icebp"))     __asm__ volatile(".byte 0xf1");
    else if (T("int3"))      __asm__ volatile("int3");
    else if (T("int_3"))     __asm__ volatile(".byte 0xcd, 0x03");
    else if (T("long_insn")) __asm__ volatile(".fill 15, 1, 0x66; nop");
    else if (T("long_lock")) { static int v; __asm__ volatile(".fill 14, 1, 0x3e; lock addl %%eax, %0" : "+m"(v) : "a"(1)); }
    else if (T("in"))        __asm__ volatile("in $0x60, %%al" ::: "eax");
    else if (T("out"))       __asm__ volatile("out %%al, $0x80" :: "a"(0));
    else if (T("insb"))      { char b[4]; __asm__ volatile("mov $0x60, %%dx; insb" :: "D"(b) : "edx", "memory"); }
    else if (T("outsb"))     { char b[4] = { 0 }; __asm__ volatile("mov $0x80, %%dx; outsb" :: "S"(b) : "edx", "memory"); }
    else if (T("cli"))       __asm__ volatile("cli");
    else if (T("sti"))       __asm__ volatile("sti");
    else if (T("hlt"))       __asm__ volatile("hlt");
    else if (T("mov_cr0"))   __asm__ volatile("mov %%cr0, %%eax" ::: "eax");
    else if (T("rdpmc"))     __asm__ volatile("xor %%ecx, %%ecx; rdpmc" ::: "eax", "ecx", "edx");
    else if (T("int_0"))     __asm__ volatile(".byte 0xcd, 0x00");
    else if (T("int_1"))     __asm__ volatile(".byte 0xcd, 0x01");
    else if (T("int_6"))     __asm__ volatile(".byte 0xcd, 0x06");
    else if (T("int_0x81"))  __asm__ volatile(".byte 0xcd, 0x81");
    else if (T("int_4"))     __asm__ volatile(".byte 0xcd, 0x04");
    else if (T("into"))      __asm__ volatile("mov $0x7fffffff, %%eax; add $1, %%eax; into" ::: "eax", "cc");
    else if (T("syscall"))   __asm__ volatile("push %%ebp; mov %%esp, %%ebp; syscall; pop %%ebp"
                                              :: "a"(252), "b"(42) : "ecx", "edx", "memory");
    else if (T("sysenter"))  __asm__ volatile("push %%ebp; mov %%esp, %%ebp; sysenter; pop %%ebp"
                                              :: "a"(252), "b"(42) : "ecx", "edx", "memory");
    else if (T("sysenter_ret")) return sysenter_ret(argv[0]);
    else { printf("unknown test %s\n", t); return 99; }
    printf("%s survived\n", t);
    return 0;
}

/*
 * ldt_limit.c — segmentation at work: an LDT data segment with a 16-byte
 * limit, used through %fs.
 *
 * modify_ldt(2) writes LDT entry 0: base = buf, limit = 15 (byte
 * granular), 32-bit read/write data.  Selector 0x7 (index 0, TI = 1 for the
 * LDT, RPL 3) goes into %fs; the 16 bytes inside the limit read fine, and
 * the read of %fs:16 is past the limit: #GP, which Linux delivers as
 * SIGSEGV (exit status 139).  With the argument "null", %fs gets the null
 * selector instead and the first access through it is #GP.  With
 * "notpresent", the LDT entry is marked not present and loading it into %fs
 * raises #NP, which Linux delivers as SIGBUS (exit status 135).
 *
 * qemu-user does not check segment limits or null segments in protected
 * mode, so it prints the "not enforced" line; real hardware and memsim do
 * not.  The expected result follows the SDM (vol. 3A §5.3), not qemu.
 */
#include <asm/ldt.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned char buf[64];

static unsigned char fs_byte(int offset)
{
    unsigned char v;
    __asm__ volatile("movb %%fs:(%1), %0" : "=q"(v) : "r"(offset) : "memory");
    return v;
}

int main(int argc, char **argv)
{
    for (int i = 0; i < (int)sizeof buf; i++)
        buf[i] = (unsigned char)i;
    if (argc > 1 && strcmp(argv[1], "null") == 0) {
        unsigned short null_sel = 0;
        __asm__ volatile("mov %0, %%fs" : : "r"(null_sel));
        printf("loaded the null selector into %%fs\n");
        fflush(stdout);
        printf("read through it: %d (null segments not enforced)\n", fs_byte(0));
        return 0;
    }
    int not_present = argc > 1 && strcmp(argv[1], "notpresent") == 0;
    struct user_desc d = {
        .entry_number = 0, .base_addr = (unsigned long)buf, .limit = 15,
        .seg_32bit = 1, .contents = 0, .read_exec_only = 0,
        .limit_in_pages = 0, .seg_not_present = not_present, .useable = 1,
    };
    if (syscall(SYS_modify_ldt, 1, &d, sizeof d) != 0) {
        perror("modify_ldt");
        return 1;
    }
    unsigned char ldt[8];
    long n = syscall(SYS_modify_ldt, 0, ldt, sizeof ldt);
    printf("LDT entry 0 read back: %ld bytes, limit %u, base matches: %s\n", n,
           ldt[0] | ldt[1] << 8, (ldt[2] | ldt[3] << 8 | ldt[4] << 16 | (unsigned)ldt[7] << 24) ==
           (unsigned)(unsigned long)buf ? "yes" : "no");
    unsigned short sel = (0 << 3) | 4 | 3;
    if (not_present) {
        printf("loading a not-present LDT segment into %%fs\n");
        fflush(stdout);
    }
    __asm__ volatile("mov %0, %%fs" : : "r"(sel));
    int sum = 0;
    for (int i = 0; i < 16; i++)
        sum += fs_byte(i);
    printf("sum of the 16 bytes inside the limit: %d\n", sum);
    fflush(stdout);
    printf("read past the limit: %d (segment limits not enforced)\n", fs_byte(16));
    return 0;
}

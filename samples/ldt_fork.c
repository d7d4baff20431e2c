/*
 * ldt_fork.c — a forked child inherits its parent's LDT (Linux's
 * ldt_dup_context).
 *
 * The parent installs a data segment in LDT entry 0 (modify_ldt) whose
 * base is a variable's address and reads the variable through %fs with
 * that selector; the child does the same load and read without touching
 * the LDT, then changes its own copy (the parent's is unchanged).  Same
 * output on Linux and qemu-i386.
 */
#include <asm/ldt.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int value = 42, other = 7;
#define SEL ((0u << 3) | 4u | 3u)         /* LDT entry 0, RPL 3 */

static int set_entry(void *base)
{
    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = 0;
    d.base_addr = (unsigned)(unsigned long)base;
    d.limit = 0xfff;
    d.seg_32bit = 1;
    d.useable = 1;
    return (int)syscall(SYS_modify_ldt, 0x11, &d, sizeof d);
}

static int read_fs0(void)
{
    int v;
    unsigned short sel = SEL, old;
    __asm__ volatile("movw %%fs, %0\n\tmovw %2, %%fs\n\tmovl %%fs:0, %1\n\tmovw %0, %%fs"
                     : "=&r"(old), "=&r"(v) : "r"(sel) : "memory");
    return v;
}

int main(void)
{
    if (set_entry(&value) != 0) {
        perror("modify_ldt");
        return 1;
    }
    printf("parent through its LDT: %d\n", read_fs0());
    pid_t c = fork();
    if (c == 0) {
        printf("child through the inherited LDT: %d\n", read_fs0());
        if (set_entry(&other) != 0)
            _exit(2);
        printf("child after changing its copy: %d\n", read_fs0());
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    printf("child status %d; parent's LDT still: %d\n", WEXITSTATUS(st), read_fs0());
    return 0;
}

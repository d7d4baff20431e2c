/* Bad input to the signal calls and frames (issue 11), one case per run:
 *   errnos      sigaction/rt_sigaction/kill/sigaltstack/rt_sigprocmask on
 *               bad signal numbers, sizes and pointers: Linux's errnos
 *   badstack    a handler whose frame cannot be written (esp unmapped when
 *               the signal comes): SIGSEGV, 139
 *   altoverflow an SA_NODEFER handler on a 2048-byte sigaltstack raising
 *               itself: the nested frames overflow it, SIGSEGV, 139
 *   badreturn   rt_sigreturn with esp unmapped: the frame cannot be read,
 *               SIGSEGV, 139
 * Expected output: native Linux (qemu-i386 agrees). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r)
{
    printf("%-34s %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

static void nothing(int sig) { (void)sig; }

static void again(int sig) { raise(sig); }

static int errnos(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nothing;
    char small[8];
    report("sigaction(0)", sigaction(0, &sa, NULL));
    report("sigaction(65)", sigaction(65, &sa, NULL));
    report("sigaction(SIGKILL, handler)", sigaction(SIGKILL, &sa, NULL));
    report("sigaction(SIGSTOP, query)", sigaction(SIGSTOP, NULL, &sa));
    report("rt_sigaction(bad act)", syscall(SYS_rt_sigaction, SIGUSR1, (void *)16, NULL, 8));
    report("rt_sigaction(bad oact)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, (void *)16, 8));
    report("rt_sigaction(sigsetsize 4)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, small, 4));
    report("rt_sigprocmask(how 7)", syscall(SYS_rt_sigprocmask, 7, small, NULL, 8));
    report("kill(self, 65)", kill(getpid(), 65));
    report("sigaltstack(bad pointer)", syscall(SYS_sigaltstack, (void *)16, NULL));
    stack_t ss = { .ss_sp = small, .ss_size = sizeof small, .ss_flags = 0 };
    report("sigaltstack(8 bytes)", sigaltstack(&ss, NULL));
    ss.ss_flags = 5;
    report("sigaltstack(flags 5)", sigaltstack(&ss, NULL));
    return 0;
}

int main(int argc, char **argv)
{
    const char *c = argc > 1 ? argv[1] : "";
    setvbuf(stdout, NULL, _IONBF, 0);
    if (!strcmp(c, "errnos"))
        return errnos();
    if (!strcmp(c, "badstack")) {
        signal(SIGUSR1, nothing);
        printf("raising SIGUSR1 with esp unmapped\n");
        long pid = getpid();
        /* kill(pid, SIGUSR1) from a stack pointer nothing is mapped at */
        __asm__ volatile("mov %%esp, %%esi; mov $16, %%esp; int $0x80; mov %%esi, %%esp"
                         : : "a"(SYS_kill), "b"(pid), "c"(SIGUSR1) : "esi", "memory");
        printf("survived\n");
        return 0;
    }
    if (!strcmp(c, "altoverflow")) {
        static char alt[2048];
        stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
        sigaltstack(&ss, NULL);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = again;
        sa.sa_flags = SA_ONSTACK | SA_NODEFER;
        sigaction(SIGUSR2, &sa, NULL);
        printf("raising SIGUSR2 on a 2048-byte sigaltstack\n");
        raise(SIGUSR2);
        printf("survived\n");
        return 0;
    }
    if (!strcmp(c, "badreturn")) {
        printf("rt_sigreturn with esp unmapped\n");
        __asm__ volatile("mov $16, %%esp; int $0x80" : : "a"(SYS_rt_sigreturn) : "memory");
        printf("survived\n");
        return 0;
    }
    fprintf(stderr, "usage: sig_badframe errnos|badstack|altoverflow|badreturn\n");
    return 2;
}

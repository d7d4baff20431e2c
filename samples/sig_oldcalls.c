/*
 * sig_oldcalls.c — the i386 signal calls older than the rt_ ones, which
 * static programs of other libcs (klibc, dietlibc, musl's fallbacks) and
 * old binaries use: sigaction (67) with its 32-bit mask, signal (48),
 * sigprocmask (126), sgetmask/ssetmask (68/69) — each against the state
 * the rt_ calls see, with Linux's errnos.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct old_sigaction { uint32_t handler, mask, flags, restorer; };

static const char *err(long r) { return r < 0 ? strerrorname_np(errno) : "ok"; }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct old_sigaction act = { (uint32_t)(uintptr_t)SIG_IGN, 1u << (SIGINT - 1), 0, 0 }, old;
    printf("sigaction USR1 ign: %s\n", err(syscall(SYS_sigaction, SIGUSR1, &act, &old)));
    printf("old handler dfl: %d\n", old.handler == 0);
    memset(&old, 0xff, sizeof old);
    syscall(SYS_sigaction, SIGUSR1, NULL, &old);
    printf("read back: ign %d mask 0x%x\n", old.handler == 1, old.mask);
    struct sigaction rt;
    sigaction(SIGUSR1, NULL, &rt);
    printf("rt view: ign %d, SIGINT in mask %d\n", rt.sa_handler == SIG_IGN,
           sigismember(&rt.sa_mask, SIGINT));
    printf("sigaction KILL: %s\n", err(syscall(SYS_sigaction, SIGKILL, &act, NULL)));
    printf("sigaction KILL read: %s\n", err(syscall(SYS_sigaction, SIGKILL, NULL, &old)));
    printf("sigaction 0: %s\n", err(syscall(SYS_sigaction, 0, NULL, &old)));
    printf("sigaction 65: %s\n", err(syscall(SYS_sigaction, 65, NULL, &old)));
    printf("sigaction bad ptr: %s\n", err(syscall(SYS_sigaction, SIGUSR2, (void *)16, NULL)));
    long prev = syscall(SYS_signal, SIGUSR2, SIG_IGN);
    printf("signal USR2 -> old %ld, again -> old %ld\n", prev, syscall(SYS_signal, SIGUSR2, SIG_DFL));
    printf("signal KILL: %s\n", err(syscall(SYS_signal, SIGKILL, SIG_IGN)));
    /* an ignored signal raised is dropped: still alive */
    raise(SIGUSR1);
    puts("USR1 ignored");

    uint32_t set = (1u << (SIGTERM - 1)) | (1u << (SIGKILL - 1)), oset = 7;
    printf("sigprocmask block: %s\n", err(syscall(SYS_sigprocmask, SIG_BLOCK, &set, &oset)));
    printf("old 0x%x, now 0x%lx\n", oset, (long)syscall(SYS_sgetmask));
    sigset_t rts;
    sigemptyset(&rts);
    sigaddset(&rts, 40);                         /* an RT signal, above the old mask */
    sigprocmask(SIG_BLOCK, &rts, NULL);
    uint32_t none = 0;
    syscall(SYS_sigprocmask, SIG_SETMASK, &none, NULL);
    sigprocmask(SIG_BLOCK, NULL, &rts);
    printf("SETMASK keeps rt 40: %d, TERM %d\n", sigismember(&rts, 40), sigismember(&rts, SIGTERM));
    printf("sigprocmask how 9: %s\n", err(syscall(SYS_sigprocmask, 9, &set, NULL)));
    printf("sigprocmask how 9, no set: %s\n", err(syscall(SYS_sigprocmask, 9, NULL, &oset)));
    printf("ssetmask -> old 0x%lx\n", (long)syscall(SYS_ssetmask, set));
    printf("sgetmask 0x%lx (KILL never blocked)\n", (long)syscall(SYS_sgetmask));
    syscall(SYS_ssetmask, 0);
    /* a blocked TERM raised stays pending; unblocking it kills: 143 */
    syscall(SYS_ssetmask, 1u << (SIGTERM - 1));
    raise(SIGTERM);
    puts("TERM pending");
    syscall(SYS_ssetmask, 0);
    puts("not reached");
    return 0;
}

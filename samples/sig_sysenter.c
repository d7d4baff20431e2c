/* A system call made by a bare sysenter (ebp pointing at the sixth
 * argument, as __kernel_vsyscall leaves it) interrupted by a SIGALRM
 * handler: an untimed futex wait returns -EINTR, or with SA_RESTART is
 * restarted — memsim re-executes the sysenter with ebp back at its pointer
 * — and sees the word the handler changed (-EAGAIN).  memsim only: Linux
 * returns from sysenter to the vDSO's landing pad, so natively a bare
 * sysenter does not come back here (tests/guest/check-sig-wait.sh).
 *   sig_sysenter [restart] */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile unsigned word;

static void on_alarm(int sig)
{
    (void)sig;
    word = 1;
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = argc > 1 ? SA_RESTART : 0;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    unsigned arg6 = 0, *p6 = &arg6;
    long r;
    (void)argv;
    /* futex(&word, FUTEX_WAIT, 0, NULL, NULL, 0) */
    __asm__ volatile("push %%ebp; mov %5, %%ebp; sysenter; pop %%ebp"
                     : "=a"(r)
                     : "a"(240), "b"(&word), "c"(0), "d"(0), "m"(p6), "S"(0), "D"(0)
                     : "memory");
    printf("sysenter futex wait%s: %ld\n", argc > 1 ? ", SA_RESTART" : "", r);
    return 0;
}

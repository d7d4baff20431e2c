/* A wait nobody can end (tests/guest/check-deadlock.sh; natively it hangs):
 *   deadlock futex     futex(FUTEX_WAIT_PRIVATE) on a matching value
 *   deadlock sigwait   sigwaitinfo on a blocked signal nobody sends */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/futex.h>

int main(int argc, char **argv)
{
    static uint32_t word = 1;
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("waiting\n");
    if (argc > 1 && strcmp(argv[1], "sigwait") == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        sigprocmask(SIG_BLOCK, &s, NULL);
        sigwaitinfo(&s, NULL);
    } else {
        syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
    }
    printf("not reached\n");
    return 0;
}

/* sig_default.c [SIG] — signals a process sends itself with every
 * disposition at its default.  Without an argument: SIGCONT, SIGCHLD, SIGURG
 * and SIGWINCH, whose default action is to ignore them, through kill, tgkill
 * and raise, then SIGTERM while ignored (SIG_IGN); the program survives all
 * and exits 0 (Linux and qemu-i386).  With SIG: kill(getpid(), SIG) alone
 * (tests/guest/check-cpu.sh uses it for the stop signals). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    setvbuf(stdout, 0, _IONBF, 0);
    if (argc > 1) {
        int sig = atoi(argv[1]);
        long r = syscall(SYS_kill, getpid(), sig);
        printf("kill(self, %d) -> %ld; survived\n", sig, r);
        return 0;
    }
    static const int ignored[] = { SIGCONT, SIGCHLD, SIGURG, SIGWINCH };
    static const char *const names[] = { "SIGCONT", "SIGCHLD", "SIGURG", "SIGWINCH" };
    for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        long k = syscall(SYS_kill, getpid(), ignored[i]);
        long t = syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), ignored[i]);
        int r = raise(ignored[i]);
        printf("%s: kill %ld, tgkill %ld, raise %d; survived\n", names[i], k, t, r);
    }
    signal(SIGTERM, SIG_IGN);
    printf("SIGTERM ignored: kill %ld; survived\n", (long)syscall(SYS_kill, getpid(), SIGTERM));
    printf("kill(self, 0) %ld, tgkill(self, 0, SIGCONT) %ld\n", (long)syscall(SYS_kill, getpid(), 0),
           (long)syscall(SYS_tgkill, getpid(), 0, SIGCONT));
    return 0;
}

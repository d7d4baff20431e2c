/* Signal frames and what a handler changes (issue 11): x87 and SSE values
 * survive a handler that clobbers them, the handler starts with a fresh
 * FPU, and the SA_SIGINFO frame's fpstate holds the interrupted values;
 * SA_RESTART restarts an interrupted futex wait (which then sees the word
 * the handler changed: EAGAIN) where without it the wait fails with EINTR;
 * SA_RESETHAND runs the handler once; SA_NODEFER lets a handler be
 * re-entered by raise, while without it the raised signal waits until the
 * handler returns; sigsuspend returns -1 EINTR after the handler with the
 * old mask back; the legacy signal() frame returns through sigreturn.
 * Expected output: native Linux (qemu-i386 7.2 does not give a handler a
 * fresh FPU and loses the x87 stack across it; tests/guest/CMakeLists.txt). */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

static volatile int depth, max_depth, calls, entry_fpu_clean, frame_st0_one, frame_xmm0, fxsr;
static volatile uint32_t futex_word;

static void clobber(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uint16_t sw, cw;
    uint32_t x0[4];
    (void)sig, (void)si;
    __asm__ volatile("fnstsw %0; fnstcw %1; movdqu %%xmm0, %2" : "=m"(sw), "=m"(cw), "=m"(x0));
    entry_fpu_clean = ((sw >> 11) & 7) == 0 && cw == 0x37f && !x0[0] && !x0[1] && !x0[2] && !x0[3];
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
    frame_st0_one = fp && fp->_st[0].exponent == 0x3fff && fp->_st[0].significand[3] == 0x8000 &&
                    !fp->_st[0].significand[0];
    fxsr = fp && (fp->status >> 16) == 0;                        /* magic: X86_FXSR_MAGIC */
    uint32_t fx_xmm0[4];
    if (fp)
        memcpy(fx_xmm0, (char *)fp + 112 + 160, 16);             /* the FXSAVE image's xmm0 */
    frame_xmm0 = fp && fx_xmm0[0] == 0x11111111 && fx_xmm0[3] == 0x44444444;
    static const uint32_t junk[4] = { 0xdead, 0xbeef, 0xdead, 0xbeef };
    __asm__ volatile("movdqu %0, %%xmm0; fldz; fldz; fldz" : : "m"(junk));
}

static void fpu_case(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = clobber;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    static const uint32_t pat[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };
    uint32_t after[4];
    long double a, b;
    __asm__ volatile("movdqu %0, %%xmm0; fldpi; fld1" : : "m"(pat));
    raise(SIGUSR1);
    __asm__ volatile("movdqu %%xmm0, %0; fstpt %1; fstpt %2" : "=m"(after), "=m"(a), "=m"(b));
    printf("fpu: handler starts clean: %s, frame st0 1.0: %s, frame xmm0: %s, fxsr frame: %s\n",
           entry_fpu_clean ? "yes" : "no", frame_st0_one ? "yes" : "no", frame_xmm0 ? "yes" : "no",
           fxsr ? "yes" : "no");
    printf("fpu: after the handler xmm0 kept: %s, st0 %.1Lf, st1 %.5Lf\n",
           !memcmp(after, pat, 16) ? "yes" : "no", a, b);
}

static void set_word(int sig)
{
    (void)sig;
    futex_word = 1;
    calls++;
}

static void futex_case(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = set_word;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
    futex_word = 0;
    alarm(1);
    long r = syscall(SYS_futex, &futex_word, FUTEX_WAIT, 0, NULL, NULL, 0);
    printf("futex wait, %s: %ld %s\n", flags & SA_RESTART ? "SA_RESTART" : "no SA_RESTART", r,
           r == 0 ? "" : errno == EINTR ? "EINTR" : errno == EAGAIN ? "EAGAIN" : "other");
}

static void count(int sig)
{
    (void)sig;
    calls++;
}

static void nest(int sig)
{
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls++ < 2)
        raise(sig);                     /* with SA_NODEFER: runs now, nested */
    depth--;
}

static void nest_case(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nest;
    sa.sa_flags = flags;
    sigaction(SIGUSR2, &sa, NULL);
    calls = depth = max_depth = 0;
    raise(SIGUSR2);
    printf("raise in the handler, %s: %d calls, deepest %d\n",
           flags & SA_NODEFER ? "SA_NODEFER" : "deferred", calls, max_depth);
}

int main(void)
{
    fpu_case();
    futex_case(0);
    futex_case(SA_RESTART);

    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    calls = 0;
    raise(SIGUSR1);
    sigaction(SIGUSR1, NULL, &old);
    printf("SA_RESETHAND: %d call, handler now %s\n", calls, old.sa_handler == SIG_DFL ? "SIG_DFL" : "kept");

    nest_case(SA_NODEFER);
    nest_case(0);

    sigset_t block, none, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&none);
    signal(SIGUSR1, count);             /* the legacy frame: sigreturn (119) */
    sigprocmask(SIG_BLOCK, &block, NULL);
    calls = 0;
    raise(SIGUSR1);
    int r = sigsuspend(&none);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("sigsuspend: %d %s, %d call, SIGUSR1 blocked again: %s\n", r, errno == EINTR ? "EINTR" : "?",
           calls, sigismember(&now, SIGUSR1) ? "yes" : "no");
    return 0;
}

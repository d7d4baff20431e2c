/* Faults delivered to handlers (issue 11): a SIGSEGV handler that maps the
 * missing page and returns, so the faulting load runs again and reads the
 * new page; SA_SIGINFO's si_signo, si_code (SEGV_MAPERR, SEGV_ACCERR) and
 * si_addr; a write to a read-only mapping fixed by mprotect in the
 * handler; a handler on a sigaltstack (SS_ONSTACK reported inside it); a
 * stack overflow (RLIMIT_STACK lowered to 256 KiB) caught on the
 * sigaltstack and left with siglongjmp.
 * Nothing printed depends on addresses. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static volatile uintptr_t expect_addr;
static volatile int faults, last_code, addr_ok, on_alt, alt_flags;
static char altstack[64 * 1024];
static sigjmp_buf overflow_jmp;

static void map_it(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    faults++;
    last_code = si->si_code;
    addr_ok = sig == SIGSEGV && si->si_signo == SIGSEGV && (uintptr_t)si->si_addr == expect_addr;
    void *page = (void *)((uintptr_t)si->si_addr & ~(uintptr_t)4095);
    if (si->si_code == SEGV_MAPERR) {
        void *p = mmap(page, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p != MAP_FAILED)
            ((volatile int *)p)[1] = 42;
    } else
        mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

static void on_altstack(int sig, siginfo_t *si, void *uc)
{
    char here;
    stack_t cur;
    (void)sig, (void)uc;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    sigaltstack(NULL, &cur);
    alt_flags = cur.ss_flags;
    map_it(SIGSEGV, si, NULL);
}

static void on_overflow(int sig)
{
    char here;
    (void)sig;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    siglongjmp(overflow_jmp, 1);
}

static volatile long never = -1;      /* the recursion's end, never reached */

static int recurse(volatile char *prev, long n)
{
    volatile char buf[1024];
    buf[0] = prev ? prev[0] + 1 : 0;
    if (n == never)
        return 0;
    return recurse(buf, n + 1) + buf[1];
}

static void install(void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(SIGSEGV, &sa, NULL);
}

/* A page with no mapping: mapped, then unmapped. */
static volatile int *hole(void)
{
    char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, 3 * 4096);
    return (volatile int *)(p + 4096);
}

int main(void)
{
    install(map_it, 0);
    volatile int *h = hole();
    expect_addr = (uintptr_t)&h[1];
    int v = h[1];                       /* faults, the handler maps, the load runs again */
    printf("unmapped read: value %d, faults %d, si_code %s, si_addr %s\n", v, faults,
           last_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other", addr_ok ? "right" : "wrong");

    volatile int *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    expect_addr = (uintptr_t)&ro[3];
    faults = 0;
    ro[3] = 7;                          /* ACCERR; mprotect in the handler; the store again */
    printf("read-only write: value %d, faults %d, si_code %s, si_addr %s\n", ro[3], faults,
           last_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other", addr_ok ? "right" : "wrong");

    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    install(on_altstack, SA_ONSTACK);
    h = hole();
    expect_addr = (uintptr_t)&h[1];
    faults = 0;
    v = h[1];
    printf("on the sigaltstack: %s, ss_flags %s, value %d, si_addr %s\n", on_alt ? "yes" : "no",
           alt_flags == SS_ONSTACK ? "SS_ONSTACK" : "other", v, addr_ok ? "right" : "wrong");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_overflow;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    on_alt = 0;
    struct rlimit rl;                   /* a small stack: the overflow comes soon */
    getrlimit(RLIMIT_STACK, &rl);
    rl.rlim_cur = 256 * 1024;
    setrlimit(RLIMIT_STACK, &rl);
    if (!sigsetjmp(overflow_jmp, 1))
        recurse(NULL, 0);
    printf("stack overflow caught on the sigaltstack: %s\n", on_alt ? "yes" : "no");
    return 0;
}

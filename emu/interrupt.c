/*
 * interrupt.c — memsim's own SIGINT, SIGTERM, SIGHUP and SIGPIPE.
 *
 * Killed by one of them with the default action, memsim would leave the
 * trace's runs row NULL and lose the rows since the last batch commit.
 * Instead the handler records the signal and stops the engine; the run loop
 * (cpu_run) notices, the run ends as any other (runs row with exit_reason
 * `interrupted`, or `sigpipe`, instructions, cycles, stats; COMMIT) and
 * memsim exits with the shell's status for that signal, 128 + sig.
 *
 * The two globals below are the one exception to "no globals" in memsim: a
 * signal handler receives no context pointer, so what it reads and writes
 * must be reachable statically.  It touches only them: a volatile
 * sig_atomic_t flag, and uc_emu_stop() on the engine, which only stores to
 * Unicorn's stop flags (stop_request, cpu->exit_request, the TB exit
 * counter) with no lock and no allocation, so it is safe from a handler.
 *
 * uc_emu_start() clears stop_request as it starts, so a stop that lands
 * between the run loop's check and that reset would be lost and a guest
 * that makes no system call would run on.  The handler therefore also arms
 * a 10 ms interval timer whose SIGALRM repeats the stop until the run loop
 * has seen the flag (interrupt_disarm stops it).
 *
 * SIGPIPE: a write of our own to a pipe without a reader (the guest's
 * stdout closed by `| head`) raises SIGPIPE in memsim, with si_code SI_USER
 * and our own pid (pipe_write's send_sig).  That one is not an
 * interruption: the write returns EPIPE and the guest's write path gives the
 * guest EPIPE and Linux's SIGPIPE (sys_fs.c).  A SIGPIPE sent from outside
 * ends the run as `sigpipe`.
 *
 * SIGXFSZ is ignored while the run lasts: a write past RLIMIT_FSIZE (the
 * trace growing past `ulimit -f`) then fails with EFBIG, and the trace
 * reports it like a full disk (one line, exit 70) instead of memsim dying
 * with a core dump and a trace cut mid-batch.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "emu/machine.h"

static volatile sig_atomic_t pending_signal;      /* the first one received, or 0 */
static uc_engine *volatile running_engine;        /* what a signal stops, or NULL */

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGALRM };
#define NR_CAUGHT (sizeof caught / sizeof caught[0])

static void stop_engine(void)
{
    uc_engine *uc = running_engine;
    if (uc)
        uc_emu_stop(uc);
}

static void on_signal(int sig, siginfo_t *si, void *uctx)
{
    static const struct itimerval retry = { { 0, 10000 }, { 0, 10000 } };
    (void)uctx;
    if (sig == SIGALRM) {
        if (pending_signal)
            stop_engine();
        return;
    }
    if (sig == SIGPIPE && si && si->si_code == SI_USER && si->si_pid == getpid())
        return;                               /* our own write: EPIPE says it */
    if (!pending_signal)
        pending_signal = sig;
    stop_engine();
    setitimer(ITIMER_REAL, &retry, NULL);
}

void interrupt_arm(struct host_signals *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sigfillset(&sa.sa_mask);                  /* one handler at a time */
    pending_signal = 0;
    running_engine = NULL;
    for (size_t i = 0; i < NR_CAUGHT; i++) {
        /* No SA_RESTART for the four: a host read the guest blocks in
         * (stdin) returns EINTR and the run loop ends the run.  The retry
         * timer restarts whatever it interrupts. */
        sa.sa_flags = SA_SIGINFO | (caught[i] == SIGALRM ? SA_RESTART : 0);
        sigaction(caught[i], &sa, &saved->old[i]);
    }
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &ign, &saved->old_xfsz);
}

void interrupt_disarm(const struct host_signals *saved)
{
    static const struct itimerval off;
    running_engine = NULL;
    setitimer(ITIMER_REAL, &off, NULL);
    for (size_t i = 0; i < NR_CAUGHT; i++)
        sigaction(caught[i], &saved->old[i], NULL);
    sigaction(SIGXFSZ, &saved->old_xfsz, NULL);
}

void interrupt_engine(uc_engine *uc)
{
    running_engine = uc;
}

int machine_interrupted(struct machine *m)
{
    static const struct itimerval off;
    int sig = pending_signal;
    if (!sig)
        return 0;
    setitimer(ITIMER_REAL, &off, NULL);       /* seen: no more retries */
    struct task_struct *t;
    for_each_task(&m->k, t) {           /* every task stops, each with the report */
        if (task_dead(t))
            continue;
        t->exit_reason = sig == SIGPIPE ? "sigpipe" : "interrupted";
        task_exit_signal(t, sig,
                         "memsim: %s: stopped the guest after %llu instructions (the trace is complete)",
                         signal_name(sig), (unsigned long long)m->tm.icount);
    }
    return 1;
}

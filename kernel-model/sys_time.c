/*
 * sys_time.c — the guest's clocks, sleeps, interval timers and resource
 * usage, all on the model's cycle counter.
 *
 * Model time is the kernel clock's cycles (k->clock, counted by emu's
 * timing model) at clock.hz.  A sleep advances them (arch.advance_clock; the model
 * does nothing else meanwhile) and counts it in t->k->clock.sleep_cycles, so CPU
 * time is cycles - clock.sleep_cycles.  The clocks (Linux's ids,
 * include/uapi/linux/time.h):
 *   REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI  epoch + model time
 *   MONOTONIC, MONOTONIC_RAW, MONOTONIC_COARSE,
 *   BOOTTIME, BOOTTIME_ALARM                        model time since boot
 *   PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID, and the
 *   negative CPU clocks of the guest itself         CPU time
 * The epoch is --epoch (default: the host's time when the run started,
 * recorded in runs.epoch).  TAI has no leap-second offset (the kernel's
 * default, tai_offset 0).  The _ALARM clocks are served as on a machine
 * with an RTC.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/sys_internal.h"

#define NSEC_PER_SEC 1000000000ull
#define MODEL_HZ     250u               /* the tick: the _COARSE and PROF/VIRT resolution */
#define USER_HZ      100u               /* clock_t units of times() */
#define TIMER_ABSTIME 1u

enum clock_base { BASE_REAL, BASE_MONO, BASE_CPU };

/* Linux's CPU-clock encoding (include/linux/posix-timers.h): ~pid << 3,
 * bit 2 per-thread, bits 0-1 PROF/VIRT/SCHED, 3 = a clock fd. */
#define CPUCLOCK_PID(c)       ((int32_t)~((c) >> 3))
#define CPUCLOCK_PERTHREAD(c) (((c) & 4) != 0)
#define CPUCLOCK_WHICH(c)     ((c) & 3)
#define CPUCLOCK_SCHED        2
#define CLOCKFD               3

uint64_t time_ns(const struct task_struct *t)
{
    return (uint64_t)((unsigned __int128)kclock_cycles(t->k) * NSEC_PER_SEC / t->k->clock.hz);
}

static uint64_t cycles_to_ns(const struct task_struct *t, uint64_t c)
{
    return (uint64_t)((unsigned __int128)c * NSEC_PER_SEC / t->k->clock.hz);
}

/* ns to cycles, rounded up: after sleeping that long, a clock reads at least ns more. */
static uint64_t ns_to_cycles(const struct task_struct *t, uint64_t ns)
{
    unsigned __int128 c = ((unsigned __int128)ns * t->k->clock.hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
    return c > UINT64_MAX / 2 ? UINT64_MAX / 2 : (uint64_t)c;
}

/* The CPU time of t's process (its threads, cputime.c): what the
 * CPU-time interval timers count. */
static uint64_t cpu_cycles(const struct task_struct *t) { return thread_group_cpu_use(t).exec; }

/* A negative id names a CPU clock: valid when its pid is 0 or the guest's
 * (posix-cpu-timers.c pid_for_clock); a clock fd (low bits 3) names no
 * posix clock the model has.  0 or -EINVAL, *thread set for per-thread. */
static long cpu_clock_check(const struct task_struct *t, int32_t clk, int *thread)
{
    if (CPUCLOCK_WHICH(clk) == CLOCKFD)
        return -EINVAL;
    int32_t pid = CPUCLOCK_PID(clk);
    if (pid != 0 && pid != (int32_t)t->pid)
        return -EINVAL;
    *thread = CPUCLOCK_PERTHREAD(clk);
    return 0;
}

/* The base of a clock id, or -EINVAL; *res its resolution in ns. */
static long clock_base(const struct task_struct *t, int32_t clk, uint64_t *res)
{
    int thread;
    *res = 1;
    if (clk < 0) {
        if (cpu_clock_check(t, clk, &thread))
            return -EINVAL;
        if (CPUCLOCK_WHICH(clk) != CPUCLOCK_SCHED)
            *res = NSEC_PER_SEC / MODEL_HZ;
        return BASE_CPU;
    }
    switch (clk) {
    case 5: case 6:                     /* _COARSE: the last tick */
        *res = NSEC_PER_SEC / MODEL_HZ;
        return clk == 5 ? BASE_REAL : BASE_MONO;
    case 0: case 8: case 11:
        return BASE_REAL;
    case 1: case 4: case 7: case 9:
        return BASE_MONO;
    case 2: case 3:
        return BASE_CPU;
    default:                            /* 10 (the removed SGI cycle clock), >= 12 */
        return -EINVAL;
    }
}

static long clock_read(const struct task_struct *t, int32_t clk, uint64_t *ns);

/* A clock's reading in ns (0 for an invalid id): for the blocking waits. */
uint64_t guest_clock_ns(const struct task_struct *t, uint32_t clk)
{
    uint64_t ns = 0;
    return clock_read(t, (int32_t)clk, &ns) ? 0 : ns;
}

/* A clock's reading in ns, or -EINVAL. */
static long clock_read(const struct task_struct *t, int32_t clk, uint64_t *ns)
{
    uint64_t res;
    long base = clock_base(t, clk, &res);
    if (base < 0)
        return base;
    if (base == BASE_CPU)               /* the process's CPU time (a thread's: the same) */
        *ns = cycles_to_ns(t, thread_group_cpu_use(t).exec);
    else
        *ns = time_ns(t) + (base == BASE_REAL ? t->k->epoch * NSEC_PER_SEC : 0);
    if (res > 1)
        *ns -= *ns % res;               /* a coarse clock reads the last tick */
    return 0;
}

static long put_ts(struct task_struct *t, uint32_t uaddr, uint64_t ns, int is64)
{
    if (is64) {
        uint64_t ts[2] = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
        return copy_to_user(t->mm, uaddr, ts, sizeof ts) ? -EFAULT : 0;
    }
    uint32_t ts[2] = { (uint32_t)(ns / NSEC_PER_SEC), (uint32_t)(ns % NSEC_PER_SEC) };
    return copy_to_user(t->mm, uaddr, ts, sizeof ts) ? -EFAULT : 0;
}

/* A timespec from the guest (get_timespec64 + timespec64_valid): 0, -EFAULT
 * or -EINVAL.  The time64 layout's tv_nsec padding is dropped, as a 64-bit
 * kernel does for a compat task. */
static long get_ts(struct task_struct *t, uint32_t uaddr, int is64, uint64_t *ns)
{
    int64_t sec;
    uint32_t nsec;
    if (is64) {
        uint64_t ts[2];
        if (copy_from_user(t->mm, ts, uaddr, sizeof ts))
            return -EFAULT;
        sec = (int64_t)ts[0];
        nsec = (uint32_t)ts[1];
    } else {
        int32_t ts[2];
        if (copy_from_user(t->mm, ts, uaddr, sizeof ts))
            return -EFAULT;
        sec = ts[0];
        nsec = (uint32_t)ts[1];
    }
    if (sec < 0 || nsec >= NSEC_PER_SEC)
        return -EINVAL;
    *ns = (uint64_t)sec > UINT64_MAX / NSEC_PER_SEC - 1 ? UINT64_MAX / 2
                                                        : (uint64_t)sec * NSEC_PER_SEC + nsec;
    return 0;
}

static long clock_gettime_common(struct task_struct *t, uint32_t which_clock, uint32_t tp, int is64)
{
    uint64_t ns;
    long err = clock_read(t, (int32_t)which_clock, &ns);
    return err ? err : put_ts(t, tp, ns, is64);
}

SYSCALL_DEFINE2(clock_gettime, uint32_t, which_clock, uint32_t, tp) { return clock_gettime_common(t, which_clock, tp, 0); }
SYSCALL_DEFINE2(clock_gettime64, uint32_t, which_clock, uint32_t, tp) { return clock_gettime_common(t, which_clock, tp, 1); }

static long clock_getres_common(struct task_struct *t, uint32_t which_clock, uint32_t tp, int is64)
{
    uint64_t res;
    long base = clock_base(t, (int32_t)which_clock, &res);
    if (base < 0)
        return base;
    return tp ? put_ts(t, tp, res, is64) : 0;
}

SYSCALL_DEFINE2(clock_getres, uint32_t, which_clock, uint32_t, tp) { return clock_getres_common(t, which_clock, tp, 0); }
SYSCALL_DEFINE2(clock_getres_time64, uint32_t, which_clock, uint32_t, tp) { return clock_getres_common(t, which_clock, tp, 1); }

SYSCALL_DEFINE1(time, uint32_t, tloc)
{
    uint64_t ns;
    clock_read(t, 0, &ns);
    uint32_t secs = (uint32_t)(ns / NSEC_PER_SEC);
    if (tloc && copy_to_user(t->mm, tloc, &secs, 4))
        return -EFAULT;
    return (long)secs;
}

SYSCALL_DEFINE2(gettimeofday, uint32_t, utv, uint32_t, utz)
{
    uint64_t ns;
    clock_read(t, 0, &ns);
    uint32_t tv[2] = { (uint32_t)(ns / NSEC_PER_SEC), (uint32_t)(ns % NSEC_PER_SEC / 1000) };
    uint32_t tz[2] = { 0, 0 };          /* sys_tz: UTC, no DST */
    if (utv && copy_to_user(t->mm, utv, tv, sizeof tv))
        return -EFAULT;
    if (utz && copy_to_user(t->mm, utz, tz, sizeof tz))
        return -EFAULT;
    return 0;
}

/* ---- interval timers ---- */

static const int itimer_signal[3] = { SIGALRM, SIGVTALRM, SIGPROF };

/* The cycle at which the next timer fires (UINT64_MAX: none), what the
 * engine compares with the clock's cycles.  REAL runs on model time, VIRTUAL and
 * PROF on CPU time, which a sleep does not advance. */
/* The earliest cycle of t's process's timers (the CPU-time ones counted
 * on the clock less its sleeps: the real timer only unless cpu_timers). */
uint64_t time_next_expiry(const struct task_struct *t, int cpu_timers)
{
    uint64_t next = UINT64_MAX, now = kclock_cycles(t->k), used = 0;
    for (int i = 0; i < (cpu_timers ? 3 : 1); i++) {
        uint64_t at = t->signal->itimer[i].expires;
        if (!at)
            continue;
        if (i != 0) {                   /* on the clock while the process runs from now */
            if (!used)
                used = cpu_cycles(t);
            at = at > used ? now + (at - used) : now;
        }
        if (at < next)
            next = at;
    }
    return next;
}

/* A timer's signal (it_real_fn's SI_KERNEL SIGALRM): SIG_IGN discards it;
 * a blocked one stays pending on the process (delivered when unblocked); a
 * handler's is pending and runs at the next return to user mode (the next
 * instruction boundary when the timer fires in user mode); anything else
 * is the default action, termination. */
static void timer_signal(struct task_struct *t, int which)
{
    int sig = itimer_signal[which];
    uint32_t h = t->sighand->action[sig].handler;
    if ((t->sig.blocked & sigmask_of((uint32_t)sig)) || h > 1) {
        struct ksiginfo info = { .signo = sig, .code = KSI_KERNEL };
        signal_queue(&t->sig, SIG_TO_PROCESS, &info);
        signal_wake_up(t);
        return;
    }
    if (h == 1)
        return;
    task_exit_signal(t, sig, "memsim: %s: the %s timer expired at model time %.6f s", signal_name(sig),
                 which == 0 ? "real (alarm)" : which == 1 ? "virtual" : "profiling",
                 (double)time_ns(t) / 1e9);
}

void time_expire_timers(struct task_struct *t)
{
    time_expire_process_timers(t, 1);
    kernel_timers_update(t->k);
}

void time_fire_timer(struct task_struct *t, int which)
{
    struct itimer *it = &t->signal->itimer[which];
    uint64_t now = which == 0 ? kclock_cycles(t->k) : cpu_cycles(t);
    it->expires = it->interval ? now + it->interval : 0;
    if (t->k->events) {
        struct event ev = { .type = EV_TIMER_FIRE };
        task_event_ids(t, &ev);
        ev.u.timer.which = (uint8_t)which;
        event_emit(t->k->events, &ev);
    }
    timer_signal(t, which);
}

void time_expire_process_timers(struct task_struct *t, int cpu_timers)
{
    for (int i = 0; i < (cpu_timers ? 3 : 1) && !task_dead(t); i++) {
        struct itimer *it = &t->signal->itimer[i];
        uint64_t now = i == 0 ? kclock_cycles(t->k) : cpu_cycles(t);
        if (it->expires && now >= it->expires)
            time_fire_timer(t, i);
    }
}

/* The remaining time of timer which and its interval, in cycles. */
static void itimer_get(const struct task_struct *t, int which, uint64_t *value, uint64_t *interval)
{
    const struct itimer *it = &t->signal->itimer[which];
    uint64_t now = which == 0 ? kclock_cycles(t->k) : cpu_cycles(t);
    *value = !it->expires ? 0 : it->expires > now ? it->expires - now : 1;
    *interval = it->interval;
}

static void itimer_set(struct task_struct *t, int which, uint64_t value, uint64_t interval)
{
    uint64_t now = which == 0 ? kclock_cycles(t->k) : cpu_cycles(t);
    t->signal->itimer[which].expires = value ? now + value : 0;
    t->signal->itimer[which].interval = value ? interval : 0;
    kernel_timers_update(t->k);
}

static void cycles_to_tv(const struct task_struct *t, uint64_t c, uint32_t tv[2])
{
    uint64_t us = (cycles_to_ns(t, c) + 999) / 1000;     /* never 0 for a pending timer */
    tv[0] = (uint32_t)(us / 1000000);
    tv[1] = (uint32_t)(us % 1000000);
}

SYSCALL_DEFINE2(getitimer, uint32_t, which, uint32_t, value)
{
    uint64_t v, iv;
    uint32_t out[4];
    if (which > 2)
        return -EINVAL;
    itimer_get(t, (int)which, &v, &iv);
    cycles_to_tv(t, iv, out);
    cycles_to_tv(t, v, out + 2);
    return copy_to_user(t->mm, value, out, sizeof out) ? -EFAULT : 0;
}

/* setitimer (kernel/time/itimer.c): a NULL new value disarms; timevals
 * must be valid (sec >= 0, usec < 10^6); the old value is written after. */
SYSCALL_DEFINE3(setitimer, uint32_t, which, uint32_t, value, uint32_t, ovalue)
{
    int32_t nw[4] = { 0, 0, 0, 0 };
    uint32_t out[4];
    uint64_t v, iv;
    if (value && copy_from_user(t->mm, nw, value, sizeof nw))
        return -EFAULT;
    if (which > 2)
        return -EINVAL;
    for (int i = 0; i < 4; i += 2)
        if (nw[i] < 0 || nw[i + 1] < 0 || nw[i + 1] >= 1000000)
            return -EINVAL;
    itimer_get(t, (int)which, &v, &iv);
    cycles_to_tv(t, iv, out);
    cycles_to_tv(t, v, out + 2);
    uint64_t nv_ns = (uint64_t)nw[2] * NSEC_PER_SEC + (uint64_t)nw[3] * 1000;
    uint64_t ni_ns = (uint64_t)nw[0] * NSEC_PER_SEC + (uint64_t)nw[1] * 1000;
    itimer_set(t, (int)which, ns_to_cycles(t, nv_ns), ns_to_cycles(t, ni_ns));
    if (ovalue && copy_to_user(t->mm, ovalue, out, sizeof out))
        return -EFAULT;
    return 0;
}

/* alarm(s): the real timer, no interval; returns the old remaining time in
 * whole seconds, rounded to nearest, at least 1 if it was pending. */
SYSCALL_DEFINE1(alarm, uint32_t, seconds)
{
    uint64_t v, iv;
    itimer_get(t, 0, &v, &iv);
    uint64_t us = (cycles_to_ns(t, v) + 999) / 1000;
    uint64_t old = us / 1000000 + (us % 1000000 >= 500000);
    if (!old && us)
        old = 1;
    itimer_set(t, 0, ns_to_cycles(t, (uint64_t)seconds * NSEC_PER_SEC), 0);
    return (long)(uint32_t)old;
}

/* ---- sleeping ---- */

/* Sleep until the clock reaches until: the model's time advances at once.
 * Only the real timer runs meanwhile (the others count CPU time); expiring
 * first, it ends the sleep there when its signal kills or has a handler
 * (then -EINTR: the handler runs on the way out), not when it is ignored.
 * Returns 0 when the sleep was complete. */
long time_sleep_until(struct task_struct *t, uint64_t until)
{
    while (kclock_cycles(t->k) < until && !task_dead(t)) {
        if (signal_handler_pending(t)) {
            t->k->clock.nr_sleeps++;
            return -EINTR;
        }
        uint64_t real = t->signal->itimer[0].expires ? t->signal->itimer[0].expires : UINT64_MAX;
        uint64_t step = until < real ? until : real;
        if (step > kclock_cycles(t->k)) {
            uint64_t delta = step - kclock_cycles(t->k);
            t->k->clock.sleep_cycles += delta;
            t->k->arch.advance_clock(t->k->arch.ctx, delta);
        }
        time_expire_timers(t);          /* also moves the CPU-time timers past the sleep */
    }
    t->k->clock.nr_sleeps++;
    return 0;
}

/* Interrupted by a handler: the time left until the cycle `until`
 * (hrtimer_nanosleep's rmtp), then -EINTR; -EFAULT if rmtp is bad. */
static long put_remaining(struct task_struct *t, uint32_t rmtp, uint64_t until, int is64)
{
    uint64_t now = kclock_cycles(t->k);
    uint64_t left = until > now ? cycles_to_ns(t, until - now) : 0;
    int64_t ts64[2] = { (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC) };
    int32_t ts32[2] = { (int32_t)ts64[0], (int32_t)ts64[1] };
    if (is64 ? copy_to_user(t->mm, rmtp, ts64, sizeof ts64) : copy_to_user(t->mm, rmtp, ts32, sizeof ts32))
        return -EFAULT;
    return -EINTR;
}

/* A sleep while other tasks may run: the task blocks on no queue with a
 * deadline delta ns from now (fixed at the first attempt: a re-run keeps
 * it), so the others run meanwhile and the model clock advances only when
 * nobody can run (kernel_idle).  The deadline: 0; a handled signal first
 * (pending already at the call, or arriving during the sleep): -EINTR,
 * with the time left in rmtp for a relative sleep (TIMER_ABSTIME: none). */
static long nanosleep_block(struct task_struct *t, uint64_t delta, uint32_t flags, uint32_t rmtp, int is64)
{
    struct guest_timeout to = { .present = 1, .sec = delta / NSEC_PER_SEC, .nsec = delta % NSEC_PER_SEC };
    uint64_t until;
    long r;
    if (!task_in_syscall(t) && signal_handler_pending(t)) {
        until = kclock_cycles(t->k) + ns_to_cycles(t, delta);
        r = -EINTR;
    } else {
        r = task_block(t, NULL, 0, &to, "nanosleep");
        until = t->restart.deadline;    /* kept across the re-runs */
    }
    if (r == -ETIMEDOUT)
        return 0;                       /* the idle clock counted the sleep (kernel_idle) */
    if (r == -EINTR && rmtp && !(flags & TIMER_ABSTIME) && !task_dead(t))
        return put_remaining(t, rmtp, until, is64);
    return r;
}

/* clock_nanosleep (kernel/time/posix-timers.c and the k_clocks' nsleep). */
static long clock_nanosleep_common(struct task_struct *t, uint32_t which_clock, uint32_t flags, uint32_t rqtp, uint32_t rmtp, int is64)
{
    int32_t clk = (int32_t)which_clock;
    uint64_t res, req, now = 0;
    long base = clock_base(t, clk, &res);
    if (base < 0)
        return base;
    /* the clocks without nsleep: MONOTONIC_RAW, the _COARSE ones,
     * THREAD_CPUTIME_ID, clock fds (clock_base refused those) */
    if (clk == 3 || clk == 4 || clk == 5 || clk == 6)
        return -EOPNOTSUPP;
    if (clk == 8 || clk == 9) {         /* alarmtimer_nsleep */
        if (flags & ~TIMER_ABSTIME)
            return -EINVAL;
        if (getuid() != 0)
            return -EPERM;              /* needs CAP_WAKE_ALARM */
    }
    long err = get_ts(t, rqtp, is64, &req);
    if (err)
        return err;
    if (base == BASE_CPU) {
        int thread = 0;
        if (clk < 0)
            cpu_clock_check(t, clk, &thread);
        if (thread)
            return -EINVAL;             /* posix_cpu_nsleep: not on one's own thread clock */
        clock_read(t, 2, &now);
        if (flags & TIMER_ABSTIME ? req <= now : req == 0)
            return 0;
        /* CPU time does not advance while its only thread sleeps: Linux
         * sleeps forever.  The model reports the deadlock. */
        task_exit_signal(t, SIGKILL, "memsim: the guest sleeps on its own CPU-time clock and "
                     "nothing can advance it: a deadlock (Linux would hang)");
        return 0;
    }
    clock_read(t, clk, &now);
    uint64_t delta = flags & TIMER_ABSTIME ? (req > now ? req - now : 0) : req;
    if (!task_alone(t) || task_in_syscall(t))
        return nanosleep_block(t, delta, flags, rmtp, is64);
    uint64_t until = kclock_cycles(t->k) + ns_to_cycles(t, delta);
    long r = time_sleep_until(t, until);
    if (r == -EINTR && rmtp && !(flags & TIMER_ABSTIME) && !task_dead(t))
        return put_remaining(t, rmtp, until, is64);
    return r;
}

SYSCALL_DEFINE4(clock_nanosleep, uint32_t, which_clock, uint32_t, flags, uint32_t, rqtp, uint32_t, rmtp) { return clock_nanosleep_common(t, which_clock, flags, rqtp, rmtp, 0); }
SYSCALL_DEFINE4(clock_nanosleep_time64, uint32_t, which_clock, uint32_t, flags, uint32_t, rqtp, uint32_t, rmtp) { return clock_nanosleep_common(t, which_clock, flags, rqtp, rmtp, 1); }

SYSCALL_DEFINE2(nanosleep, uint32_t, rqtp, uint32_t, rmtp)
{
    return clock_nanosleep_common(t, 1 /* CLOCK_MONOTONIC */, 0 /* relative */, rqtp, rmtp, 0);
}

/* The caller goes to the tail of the run queue (do_sched_yield); alone,
 * nothing else could run and nothing changes. */
SYSCALL_DEFINE0(sched_yield)
{
    if (!task_alone(t))
        set_tsk_need_resched(t);
    return 0;
}

/* ---- resource usage ---- */

/* User and system time in cycles: system is the kernel model's work
 * (system calls, faults), user the rest of the CPU time. */
static void cpu_split(const struct cpu_use *u, uint64_t *utime, uint64_t *stime)
{
    *stime = u->sys < u->exec ? u->sys : u->exec;
    *utime = u->exec - *stime;
}

void rusage_fill(const struct task_struct *t, const struct cpu_use *u, uint32_t ru[18])
{
    uint64_t ut, st;
    memset(ru, 0, 18 * sizeof *ru);
    cpu_split(u, &ut, &st);
    cycles_to_tv(t, ut, ru);
    cycles_to_tv(t, st, ru + 2);
    ru[4] = (uint32_t)(u->maxrss_pages * (PAGE_SIZE / 1024));   /* ru_maxrss, KiB */
    ru[8] = (uint32_t)u->min_flt;                                /* ru_minflt */
}

/* getrusage (kernel/sys.c): SELF the process (its threads, released ones
 * included), THREAD the caller, CHILDREN the reaped children and theirs.
 * struct rusage on i386: two timevals and 14 longs. */
SYSCALL_DEFINE2(getrusage, int32_t, who, uint32_t, uru)
{
    uint32_t ru[18];
    if (who != 0 && who != -1 && who != 1)
        return -EINVAL;
    struct cpu_use u = who == -1 ? children_cpu_use(t) : who == 1 ? task_cpu_use(t)
                                                                   : thread_group_cpu_use(t);
    rusage_fill(t, &u, ru);
    if (who != -1)
        ru[16] = (uint32_t)t->k->clock.nr_sleeps;              /* ru_nvcsw: the idle sleeps */
    return copy_to_user(t->mm, uru, ru, sizeof ru) ? -EFAULT : 0;
}

/* times(2): CPU times in USER_HZ ticks; returns the ticks since boot. */
SYSCALL_DEFINE1(times, uint32_t, tbuf)
{
    uint64_t ut, st, cut, cst;
    struct cpu_use self = thread_group_cpu_use(t), kids = children_cpu_use(t);
    cpu_split(&self, &ut, &st);
    cpu_split(&kids, &cut, &cst);
    uint32_t tms[4] = { (uint32_t)(cycles_to_ns(t, ut) / (NSEC_PER_SEC / USER_HZ)),
                        (uint32_t)(cycles_to_ns(t, st) / (NSEC_PER_SEC / USER_HZ)),
                        (uint32_t)(cycles_to_ns(t, cut) / (NSEC_PER_SEC / USER_HZ)),
                        (uint32_t)(cycles_to_ns(t, cst) / (NSEC_PER_SEC / USER_HZ)) };
    if (tbuf && copy_to_user(t->mm, tbuf, tms, sizeof tms))
        return -EFAULT;
    return (long)(uint32_t)(time_ns(t) / (NSEC_PER_SEC / USER_HZ));
}

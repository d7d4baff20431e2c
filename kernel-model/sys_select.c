/*
 * sys_select.c — select (82, one pointer to its five arguments), _newselect
 * (142), pselect6 (308) and pselect6_time64 (413) on the guest's fds.
 *
 * The fd_sets are read, each guest fd named in one is looked up (a closed
 * one is EBADF, as fs/select.c max_select_fd), and the host polls the host
 * descriptors with Linux's own mapping of select's sets onto poll events
 * (POLLIN_SET, POLLOUT_SET, POLLEX_SET): a regular file is always ready.
 * nfds past the table is cut to it; a negative nfds is EINVAL.  The timeout
 * runs on the model clock (select_wait), and the time left is written back
 * as Linux does.  pselect6's signal mask is the blocked set during the
 * wait (pselect_common).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "kernel-model/fs.h"

#define NSEC_PER_SEC 1000000000ull

#define IN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define OUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define EX_SET  (POLLPRI)
#define SET_WORDS ((MAX_FDS + 31) / 32)

struct fdsets { uint32_t in[SET_WORDS], out[SET_WORDS], ex[SET_WORDS]; };

static int bit(const uint32_t *s, uint32_t fd) { return (s[fd / 32] >> (fd % 32)) & 1; }

static long get_set(struct task_struct *t, uint32_t uaddr, uint32_t *s, uint32_t nfds)
{
    memset(s, 0, SET_WORDS * 4);
    if (uaddr && copy_from_user(t->mm, s, uaddr, (nfds + 31) / 32 * 4))
        return -EFAULT;
    if (nfds % 32)
        s[nfds / 32] &= (1u << (nfds % 32)) - 1;
    return 0;
}

static long put_set(struct task_struct *t, uint32_t uaddr, const uint32_t *s, uint32_t nfds)
{
    return uaddr && copy_to_user(t->mm, uaddr, s, (nfds + 31) / 32 * 4) ? -EFAULT : 0;
}

/* Whether host descriptor h can become ready by something outside the
 * guest (a pipe's or socket's other end, a terminal): only those are worth
 * a real wait.  Regular files and directories are always ready. */
static int waits_on_host(int h)
{
    struct stat st;
    return fstat(h, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
}

static uint64_t host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * Wait for the polled descriptors with the model's clock.  First a poll
 * with a zero timeout; if nothing is ready:
 *  - a zero timeout returns 0 at once;
 *  - no descriptor that something outside could make ready (none polled,
 *    or only files): the model clock advances by the timeout (the real
 *    timer may fire meanwhile, as in nanosleep); with no timeout the task
 *    waits for a signal as pause does;
 *  - a pipe, socket or terminal polled (input from outside): a real wait
 *    is the only way to see it, so the host polls, bounded by the timeout
 *    (and forever without one, as before), and the model clock advances by
 *    the host time waited.  This is the one place where the host's timing
 *    reaches the guest; a run reading only files or sleeping in select is
 *    deterministic.
 * *left_ns is the time left of the timeout (0 when it ran out).  The
 * result is poll's: the number of ready entries, or -errno.
 */
static int select_wait(struct task_struct *t, struct pollfd *p, uint32_t np, int64_t timeout_ns,
                       uint64_t *left_ns)
{
    *left_ns = timeout_ns > 0 ? (uint64_t)timeout_ns : 0;
    int k = poll(p, np, 0);
    if (k != 0 || timeout_ns == 0)
        return k < 0 ? -errno : k;
    int outside = 0;
    for (uint32_t i = 0; i < np && !outside; i++)
        outside = waits_on_host(p[i].fd);
    if (!outside) {
        if (timeout_ns < 0) {
            long r = signal_wait(t, t->sig.blocked, "select");
            return task_dead(t) ? 0 : r;        /* a handler: -ERESTARTNOHAND, EINTR */
        }
        struct guest_timeout to = { .present = 1, .sec = (uint64_t)timeout_ns / NSEC_PER_SEC,
                                    .nsec = (uint64_t)timeout_ns % NSEC_PER_SEC };
        long r = task_block(t, NULL, 0, &to, "select");
        if (r == -ERESTART_BLOCK)
            return r;                   /* re-run when the deadline wakes it */
        *left_ns = 0;
        return 0;
    }
    uint64_t t0 = host_now_ns();
    int ms = -1;
    if (timeout_ns > 0) {
        int64_t v = (timeout_ns + 999999) / 1000000;
        ms = v > INT32_MAX ? INT32_MAX : (int)v;
    }
    k = poll(p, np, ms);
    if (k < 0)
        return -errno;
    uint64_t waited = host_now_ns() - t0;
    if (timeout_ns > 0 && (k == 0 || waited > (uint64_t)timeout_ns))
        waited = (uint64_t)timeout_ns;
    struct guest_timeout to = { .present = 1, .sec = waited / NSEC_PER_SEC,
                                .nsec = waited % NSEC_PER_SEC };
    long r = task_block(t, NULL, 0, &to, "select");
    if (r == -ERESTART_BLOCK)
        return r;
    *left_ns = timeout_ns > 0 ? (uint64_t)timeout_ns - waited : 0;
    return k;
}

/* The core: timeout_ns < 0 waits without limit; *left_ns the time left. */
static long do_select(struct task_struct *t, int32_t n, const uint32_t u[3], int64_t timeout_ns,
                      uint64_t *left_ns)
{
    struct fdsets in, res;
    struct pollfd p[MAX_FDS];
    uint32_t idx[MAX_FDS], np = 0;
    if (n < 0)
        return -EINVAL;
    uint32_t nfds = (uint32_t)n > MAX_FDS ? MAX_FDS : (uint32_t)n;
    long r = get_set(t, u[0], in.in, nfds);
    if (!r) r = get_set(t, u[1], in.out, nfds);
    if (!r) r = get_set(t, u[2], in.ex, nfds);
    if (r)
        return r;
    for (uint32_t fd = 0; fd < nfds; fd++) {
        short ev = (short)((bit(in.in, fd) ? IN_SET : 0) | (bit(in.out, fd) ? OUT_SET : 0) |
                           (bit(in.ex, fd) ? EX_SET : 0));
        if (!ev)
            continue;
        /* readiness is the host object's until files have wait queues */
        struct file *f = fdget(t->files, fd);
        int h = f ? file_host_fd(f) : -1;
        if (h < 0)
            return -EBADF;
        p[np] = (struct pollfd){ .fd = h, .events = ev };
        idx[np++] = fd;
    }
    int k = select_wait(t, p, np, timeout_ns, left_ns);
    if (k < 0)
        return k;
    if (task_dead(t))
        return -EINTR;                  /* a timer's signal ended the run meanwhile */
    memset(&res, 0, sizeof res);
    long count = 0;
    for (uint32_t i = 0; k && i < np; i++) {
        uint32_t fd = idx[i], w = fd / 32, b = 1u << (fd % 32);
        short rev = p[i].revents;
        if ((rev & (IN_SET | POLLNVAL)) && bit(in.in, fd)) { res.in[w] |= b; count++; }
        if ((rev & (OUT_SET | POLLNVAL)) && bit(in.out, fd)) { res.out[w] |= b; count++; }
        if ((rev & EX_SET) && bit(in.ex, fd)) { res.ex[w] |= b; count++; }
    }
    r = put_set(t, u[0], res.in, nfds);
    if (!r) r = put_set(t, u[1], res.out, nfds);
    if (!r) r = put_set(t, u[2], res.ex, nfds);
    return r ? r : count;
}

/* select/_newselect: struct timeval of two 32-bit longs.  The time left is
 * written back (poll_select_finish), on a timeout too (zero). */
static long select_tv(struct task_struct *t, const uint32_t *v)
{
    int64_t ns = -1;
    uint64_t left = 0;
    int32_t tv[2];
    if (v[4]) {
        if (copy_from_user(t->mm, tv, v[4], sizeof tv))
            return -EFAULT;
        /* kern_select: microseconds past a second carry into seconds;
         * only a negative time is invalid */
        int64_t sec = (int64_t)tv[0] + tv[1] / 1000000, usec = tv[1] % 1000000;
        if (sec < 0 || usec < 0)
            return -EINVAL;
        ns = sec * (int64_t)NSEC_PER_SEC + usec * 1000;
    }
    long r = do_select(t, (int32_t)v[0], v + 1, ns, &left);
    if (r >= 0 && v[4]) {
        tv[0] = (int32_t)(left / NSEC_PER_SEC);
        tv[1] = (int32_t)(left % NSEC_PER_SEC / 1000);
        if (copy_to_user(t->mm, v[4], tv, sizeof tv))
            return -EFAULT;
    }
    return r;
}

SYSCALL_DEFINE5(newselect, uint32_t, n, uint32_t, inp, uint32_t, outp, uint32_t, exp, uint32_t, tvp)
{
    const uint32_t v[5] = { n, inp, outp, exp, tvp };   /* old_select's sel_arg_struct */
    return select_tv(t, v);
}

SYSCALL_DEFINE1(old_select, uint32_t, arg)
{
    uint32_t v[5];
    if (copy_from_user(t->mm, v, arg, sizeof v))
        return -EFAULT;
    return select_tv(t, v);
}

/* pselect6: the timespec is updated too (glibc hides it behind a copy).
 * The sixth argument is { const sigset_t *ss; size_t ss_len } (read first,
 * get_sigset_argpack); a mask is validated after the timeout
 * (set_user_sigmask: ss_len 8) and blocks during the wait, so a timer's
 * signal it unblocks acts, and a pending signal it unblocks is delivered
 * before any wait (Linux's EINTR; with no handler the action ends the run,
 * an ignored one is discarded). */
static long pselect_common(struct task_struct *t, uint32_t n, uint32_t inp, uint32_t outp, uint32_t exp, uint32_t tsp, uint32_t sig, int time64)
{
    int64_t ns = -1, ts[2];
    uint64_t left = 0, mask = 0;
    uint32_t pack[2] = { 0, 0 };
    if (sig && copy_from_user(t->mm, pack, sig, sizeof pack))
        return -EFAULT;
    if (tsp) {
        if (time64) {
            if (copy_from_user(t->mm, ts, tsp, 16))
                return -EFAULT;
        } else {
            int32_t tsv[2];
            if (copy_from_user(t->mm, tsv, tsp, 8))
                return -EFAULT;
            ts[0] = tsv[0], ts[1] = tsv[1];
        }
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
            return -EINVAL;
        ns = ts[0] > INT64_MAX / (int64_t)NSEC_PER_SEC - 1 ? INT64_MAX / 2
                                                             : ts[0] * (int64_t)NSEC_PER_SEC + ts[1];
    }
    if (pack[0]) {
        if (pack[1] != 8)
            return -EINVAL;
        if (copy_from_user(t->mm, &mask, pack[0], 8))
            return -EFAULT;
    }
    uint64_t saved = t->sig.blocked;
    if (pack[0]) {
        t->sig.blocked = mask & ~SIG_UNBLOCKABLE;
        signal_deliver_pending(t);
    }
    const uint32_t sets[3] = { inp, outp, exp };
    long r = task_dead(t) ? -EINTR : do_select(t, (int32_t)n, sets, ns, &left);
    t->sig.blocked = saved;
    if (r >= 0 && tsp) {
        int64_t t64[2] = { (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC) };
        int32_t t32[2] = { (int32_t)t64[0], (int32_t)t64[1] };
        if (copy_to_user(t->mm, tsp, time64 ? (void *)t64 : (void *)t32, time64 ? 16 : 8))
            return -EFAULT;
    }
    return r;
}

SYSCALL_DEFINE6(pselect6, uint32_t, n, uint32_t, inp, uint32_t, outp, uint32_t, exp, uint32_t, tsp, uint32_t, sig) { return pselect_common(t, n, inp, outp, exp, tsp, sig, 0); }
SYSCALL_DEFINE6(pselect6_time64, uint32_t, n, uint32_t, inp, uint32_t, outp, uint32_t, exp, uint32_t, tsp, uint32_t, sig) { return pselect_common(t, n, inp, outp, exp, tsp, sig, 1); }

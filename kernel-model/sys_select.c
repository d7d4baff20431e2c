/*
 * sys_select.c — select (82, one pointer to its five arguments), _newselect
 * (142), pselect6 (308) and pselect6_time64 (413) on the guest's fds.
 *
 * The fd_sets are read, each guest fd named in one is looked up (a closed
 * one is EBADF, as fs/select.c max_select_fd) and becomes one entry of
 * the readiness path poll shares (select.h), with Linux's own mapping of
 * select's sets onto poll events (POLLIN_SET, POLLOUT_SET, POLLEX_SET): a
 * regular file is always ready, a pipe's readiness and wait queues are
 * the model's.  nfds past the table is cut to it; a negative nfds is
 * EINVAL.  The timeout runs on the model clock, and the time left is
 * written back as Linux does.  pselect6's signal mask is the blocked set
 * during the wait (pselect_common).
 */
#include <errno.h>
#include <string.h>
#include "kernel-model/fs.h"
#include "kernel-model/poll.h"
#include "kernel-model/select.h"

#define NSEC_PER_SEC 1000000000ull

#define IN_SET  (G_POLLRDNORM | G_POLLRDBAND | G_POLLIN | G_POLLHUP | G_POLLERR)
#define OUT_SET (G_POLLWRBAND | G_POLLWRNORM | G_POLLOUT | G_POLLERR)
#define EX_SET  (G_POLLPRI)
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

/* The core (core_sys_select): timeout_ns < 0 waits without limit;
 * *left_ns the time left.  Each fd named in a set is one poll entry. */
static long do_select(struct task_struct *t, int32_t n, const uint32_t u[3], int64_t timeout_ns,
                      uint64_t *left_ns)
{
    static struct poll_entry e[MAX_FDS];    /* one call at a time: no host stack for 1024 */
    struct fdsets in, res;
    uint32_t np = 0;
    *left_ns = 0;
    if (n < 0)
        return -EINVAL;
    uint32_t nfds = (uint32_t)n > MAX_FDS ? MAX_FDS : (uint32_t)n;
    long r = get_set(t, u[0], in.in, nfds);
    if (!r) r = get_set(t, u[1], in.out, nfds);
    if (!r) r = get_set(t, u[2], in.ex, nfds);
    if (r)
        return r;
    for (uint32_t fd = 0; fd < nfds; fd++) {
        unsigned ev = (bit(in.in, fd) ? IN_SET : 0) | (bit(in.out, fd) ? OUT_SET : 0) |
                      (bit(in.ex, fd) ? EX_SET : 0);
        if (!ev)
            continue;
        if (!fdget(t->files, fd))
            return -EBADF;              /* max_select_fd */
        e[np++] = (struct poll_entry){ .fd = (int32_t)fd, .events = ev };
    }
    long k = poll_entries(t, e, np, timeout_ns, left_ns, "select");
    if (k < 0)
        return k;
    memset(&res, 0, sizeof res);
    long count = 0;
    for (uint32_t i = 0; k && i < np; i++) {
        uint32_t fd = (uint32_t)e[i].fd, w = fd / 32, b = 1u << (fd % 32);
        unsigned rev = e[i].revents;
        if ((rev & (IN_SET | G_POLLNVAL)) && bit(in.in, fd)) { res.in[w] |= b; count++; }
        if ((rev & (OUT_SET | G_POLLNVAL)) && bit(in.out, fd)) { res.out[w] |= b; count++; }
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
    if ((r >= 0 || r == -ERESTARTNOHAND) && v[4]) {
        tv[0] = (int32_t)(left / NSEC_PER_SEC);
        tv[1] = (int32_t)(left % NSEC_PER_SEC / 1000);
        if (copy_to_user(t->mm, v[4], tv, sizeof tv))
            return r == -ERESTARTNOHAND ? -EINTR : -EFAULT;
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
 * (set_user_sigmask: ss_len 8) and blocks during the wait (select.h
 * select_with_sigmask), so a timer's signal it unblocks acts, and a
 * pending signal it unblocks ends the call before any wait (EINTR, the
 * handler run under the mask; with no handler the action ends the run). */
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
    select_with_sigmask(t, pack[0] != 0, mask);
    const uint32_t sets[3] = { inp, outp, exp };
    long r = do_select(t, (int32_t)n, sets, ns, &left);
    select_end_sigmask(t, pack[0] != 0, r);
    if ((r >= 0 || r == -ERESTARTNOHAND) && tsp)
        r = put_time_left(t, tsp, time64, left, r);
    return r;
}

SYSCALL_DEFINE6(pselect6, uint32_t, n, uint32_t, inp, uint32_t, outp, uint32_t, exp, uint32_t, tsp, uint32_t, sig) { return pselect_common(t, n, inp, outp, exp, tsp, sig, 0); }
SYSCALL_DEFINE6(pselect6_time64, uint32_t, n, uint32_t, inp, uint32_t, outp, uint32_t, exp, uint32_t, tsp, uint32_t, sig) { return pselect_common(t, n, inp, outp, exp, tsp, sig, 1); }

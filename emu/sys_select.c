/*
 * sys_select.c — select (82, one pointer to its five arguments), _newselect
 * (142), pselect6 (308) and pselect6_time64 (413) on the guest's fds.
 *
 * The fd_sets are read, each guest fd named in one is looked up (a closed
 * one is EBADF, as fs/select.c max_select_fd), and the host polls the host
 * descriptors with Linux's own mapping of select's sets onto poll events
 * (POLLIN_SET, POLLOUT_SET, POLLEX_SET): a regular file is always ready.
 * nfds past the table is cut to it; a negative nfds is EINVAL.  The timeout
 * is host time for now (the model clock does not advance while the guest
 * waits); a timeout that expired is written back as zero, as Linux leaves
 * the time remaining.  pselect6's signal mask: no handler ever runs, so a
 * mask changes nothing during the wait.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include "emu/fs.h"

#define IN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define OUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define EX_SET  (POLLPRI)
#define SET_WORDS ((MAX_FDS + 31) / 32)

struct fdsets { uint32_t in[SET_WORDS], out[SET_WORDS], ex[SET_WORDS]; };

static int bit(const uint32_t *s, uint32_t fd) { return (s[fd / 32] >> (fd % 32)) & 1; }

static long get_set(struct machine *m, uint32_t uaddr, uint32_t *s, uint32_t nfds)
{
    memset(s, 0, SET_WORDS * 4);
    if (uaddr && copy_from_user(m->mm, s, uaddr, (nfds + 31) / 32 * 4))
        return -EFAULT;
    if (nfds % 32)
        s[nfds / 32] &= (1u << (nfds % 32)) - 1;
    return 0;
}

static long put_set(struct machine *m, uint32_t uaddr, const uint32_t *s, uint32_t nfds)
{
    return uaddr && copy_to_user(m->mm, uaddr, s, (nfds + 31) / 32 * 4) ? -EFAULT : 0;
}

/* The core: timeout_ms < 0 waits without limit.  *timed_out when it ran out. */
static long do_select(struct machine *m, int32_t n, const uint32_t u[3], int timeout_ms, int *timed_out)
{
    struct fdsets in, res;
    struct pollfd p[MAX_FDS];
    uint32_t idx[MAX_FDS], np = 0;
    if (n < 0)
        return -EINVAL;
    uint32_t nfds = (uint32_t)n > MAX_FDS ? MAX_FDS : (uint32_t)n;
    long r = get_set(m, u[0], in.in, nfds);
    if (!r) r = get_set(m, u[1], in.out, nfds);
    if (!r) r = get_set(m, u[2], in.ex, nfds);
    if (r)
        return r;
    for (uint32_t fd = 0; fd < nfds; fd++) {
        short ev = (short)((bit(in.in, fd) ? IN_SET : 0) | (bit(in.out, fd) ? OUT_SET : 0) |
                           (bit(in.ex, fd) ? EX_SET : 0));
        if (!ev)
            continue;
        int h = fd_host(m, fd);
        if (h < 0)
            return -EBADF;
        p[np] = (struct pollfd){ .fd = h, .events = ev };
        idx[np++] = fd;
    }
    int k = poll(p, np, timeout_ms);
    if (k < 0)
        return -errno;
    memset(&res, 0, sizeof res);
    long count = 0;
    for (uint32_t i = 0; i < np; i++) {
        uint32_t fd = idx[i], w = fd / 32, b = 1u << (fd % 32);
        short rev = p[i].revents;
        if ((rev & (IN_SET | POLLNVAL)) && bit(in.in, fd)) { res.in[w] |= b; count++; }
        if ((rev & (OUT_SET | POLLNVAL)) && bit(in.out, fd)) { res.out[w] |= b; count++; }
        if ((rev & EX_SET) && bit(in.ex, fd)) { res.ex[w] |= b; count++; }
    }
    r = put_set(m, u[0], res.in, nfds);
    if (!r) r = put_set(m, u[1], res.out, nfds);
    if (!r) r = put_set(m, u[2], res.ex, nfds);
    *timed_out = k == 0;
    return r ? r : count;
}

static int to_ms(int64_t sec, int64_t frac, int64_t per_ms)
{
    int64_t ms = sec * 1000 + (frac + per_ms - 1) / per_ms;
    return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* select/_newselect: struct timeval of two 32-bit longs. */
static long select_tv(struct machine *m, const uint32_t *v)
{
    int ms = -1, timed_out = 0;
    int32_t tv[2];
    if (v[4]) {
        if (copy_from_user(m->mm, tv, v[4], sizeof tv))
            return -EFAULT;
        /* kern_select: microseconds past a second carry into seconds;
         * only a negative time is invalid */
        int64_t sec = (int64_t)tv[0] + tv[1] / 1000000, usec = tv[1] % 1000000;
        if (sec < 0 || usec < 0)
            return -EINVAL;
        ms = to_ms(sec, usec, 1000);
    }
    long r = do_select(m, (int32_t)v[0], v + 1, ms, &timed_out);
    if (r >= 0 && v[4] && timed_out) {
        memset(tv, 0, sizeof tv);
        if (copy_to_user(m->mm, v[4], tv, sizeof tv))
            return -EFAULT;
    }
    return r;
}

long sys_newselect(struct machine *m, const uint32_t a[6]) { return select_tv(m, a); }

long sys_old_select(struct machine *m, const uint32_t a[6])
{
    uint32_t v[5];
    if (copy_from_user(m->mm, v, a[0], sizeof v))
        return -EFAULT;
    return select_tv(m, v);
}

static long pselect_common(struct machine *m, const uint32_t a[6], int time64)
{
    int ms = -1, timed_out = 0;
    int64_t ts[2];
    uint32_t size = time64 ? 16 : 8;
    if (a[4]) {
        if (time64) {
            if (copy_from_user(m->mm, ts, a[4], 16))
                return -EFAULT;
        } else {
            int32_t t[2];
            if (copy_from_user(m->mm, t, a[4], 8))
                return -EFAULT;
            ts[0] = t[0], ts[1] = t[1];
        }
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
            return -EINVAL;
        ms = to_ms(ts[0], ts[1], 1000000);
    }
    long r = do_select(m, (int32_t)a[0], a + 1, ms, &timed_out);
    if (r >= 0 && a[4] && timed_out) {
        uint8_t zero[16] = { 0 };
        if (copy_to_user(m->mm, a[4], zero, size))
            return -EFAULT;
    }
    return r;
}

long sys_pselect6(struct machine *m, const uint32_t a[6]) { return pselect_common(m, a, 0); }
long sys_pselect6_time64(struct machine *m, const uint32_t a[6]) { return pselect_common(m, a, 1); }

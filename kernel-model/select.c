/*
 * select.c — the readiness path poll, ppoll, select and pselect6 share
 * (select.h), and poll (168), ppoll (309) and ppoll_time64 (414) on it.
 * select's sets are sys_select.c's; they come here as entries.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include "kernel-model/fs.h"
#include "kernel-model/poll.h"
#include "kernel-model/select.h"

#define NSEC_PER_SEC 1000000000ull

/* The file an entry polls: its own (epoll's items), else its fd's. */
static struct file *entry_file(struct task_struct *t, const struct poll_entry *e)
{
    return e->file ? e->file : e->fd < 0 ? NULL : fdget(t->files, (uint32_t)e->fd);
}

/* One entry's revents now (do_pollfd): POLLNVAL for an fd not open, else
 * the file's mask filtered by what was asked and POLLERR|POLLHUP. */
static unsigned poll_one(struct task_struct *t, struct poll_entry *e, struct poll_table *pt)
{
    if (e->fd < 0 && !e->file)
        return e->revents = 0;
    struct file *f = entry_file(t, e);
    if (!f)
        return e->revents = G_POLLNVAL;
    pt->key = e->events | G_POLLERR | G_POLLHUP;
    return e->revents = vfs_poll(f, pt) & pt->key;
}

/* Every entry once: the number with revents; pt collects the queues. */
static long poll_scan(struct task_struct *t, struct poll_entry *e, unsigned n, struct poll_table *pt)
{
    long count = 0;
    pt->nq = pt->outside = 0;
    pt->serial = ++t->k->poll_scans;
    for (unsigned i = 0; i < n; i++)
        count += poll_one(t, &e[i], pt) != 0;
    return count;
}

static uint64_t host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* ns of model time as cycles, rounded up (as a wait's deadline is). */
static uint64_t ns_to_cycles(const struct task_struct *t, uint64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * t->k->clock.hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}

/* What is left of the timeout: all of it on the first run before any
 * wait, else the deadline task_block fixed (blocked: it did) minus now. */
static uint64_t time_left(const struct task_struct *t, int64_t timeout_ns, int blocked)
{
    const struct restart_block *rb = &t->restart;
    if (timeout_ns <= 0)
        return 0;
    if (!(rb->active || blocked) || !rb->has_deadline)
        return (uint64_t)timeout_ns;
    uint64_t now = kclock_cycles(t->k);
    if (rb->deadline <= now)
        return 0;
    uint64_t ns = (uint64_t)((unsigned __int128)(rb->deadline - now) * NSEC_PER_SEC / t->k->clock.hz);
    return ns < (uint64_t)timeout_ns ? ns : (uint64_t)timeout_ns;
}

/*
 * A real wait for the host objects among the files (select.h): input from
 * outside the guest can only be seen so.  The host polls the host-backed
 * files, bounded by the timeout (forever without one), and the model clock
 * advances by the host time waited: the one place where the host's timing
 * reaches the guest.  Then every entry is asked again.
 */
static long host_wait(struct task_struct *t, struct poll_entry *e, unsigned n, int64_t timeout_ns,
                      uint64_t *left_ns, struct poll_table *pt)
{
    struct pollfd *p = calloc(n ? n : 1, sizeof *p);
    if (!p)
        return -ENOMEM;
    unsigned np = 0;
    for (unsigned i = 0; i < n; i++) {
        struct file *f = entry_file(t, &e[i]);
        int h = f && f->f_op->poll == host_file_poll ? file_host_fd(f) : -1;
        if (h >= 0)
            p[np++] = (struct pollfd){ .fd = h, .events = (short)e[i].events };
    }
    int ms = -1;
    if (timeout_ns > 0) {
        int64_t v = (timeout_ns + 999999) / 1000000;
        ms = v > INT32_MAX ? INT32_MAX : (int)v;
    }
    uint64_t t0 = host_now_ns();
    int k = poll(p, np, ms);
    int err = errno;
    free(p);
    if (k < 0 && err != EINTR)
        return -err;
    uint64_t waited = host_now_ns() - t0;
    if (timeout_ns > 0 && (k == 0 || waited > (uint64_t)timeout_ns))
        waited = (uint64_t)timeout_ns;
    long r = time_sleep_until(t, kclock_cycles(t->k) + ns_to_cycles(t, waited));
    *left_ns = timeout_ns > 0 ? (uint64_t)timeout_ns - waited : 0;
    if (task_dead(t))
        return -EINTR;                  /* a timer's signal killed it: its files are gone */
    long count = poll_scan(t, e, n, pt);
    if (count || task_dead(t))
        return task_dead(t) ? -EINTR : count;
    return r == -EINTR || signal_handler_pending(t) ? -ERESTARTNOHAND : 0;
}

/* Is any entry itself a host object (not one inside a nested epoll)? */
static int host_entries(struct task_struct *t, const struct poll_entry *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct file *f = entry_file(t, &e[i]);
        if (f && f->f_op->poll == host_file_poll && file_host_fd(f) >= 0)
            return 1;
    }
    return 0;
}

/* Others can run: the host-backed files among e are the scheduler's to
 * poll (task_wait_host) while t waits on the model's queues and the
 * deadline.  0, or -1 when there are too many (t waits on the host). */
static int wait_host_fds(struct task_struct *t, const struct poll_entry *e, unsigned n)
{
    int fds[HOST_WAITS_MAX];
    short ev[HOST_WAITS_MAX];
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        struct file *f = entry_file(t, &e[i]);
        int h = f && f->f_op->poll == host_file_poll ? file_host_fd(f) : -1;
        if (h < 0)
            continue;
        if (k == HOST_WAITS_MAX)
            return -1;
        fds[k] = h;
        ev[k++] = (short)e[i].events;
    }
    return task_wait_host(t, fds, ev, k);
}

/* The wait on the model's queues and the deadline (task_block), its
 * result as poll's: a timeout is 0 ready, a signal -ERESTARTNOHAND. */
static long model_wait(struct task_struct *t, struct poll_table *pt, int64_t timeout_ns,
                       uint64_t *left_ns, const char *what)
{
    struct guest_timeout to = { .present = timeout_ns >= 0 };
    if (timeout_ns > 0)
        to.sec = (uint64_t)timeout_ns / NSEC_PER_SEC, to.nsec = (uint64_t)timeout_ns % NSEC_PER_SEC;
    long r = task_block(t, pt->q, pt->nq, &to, what);
    if (r == -ERESTART_BLOCK || r == -ENOMEM)
        return r;
    if (task_dead(t))
        return -EINTR;                  /* a deadlock or a fatal signal: never seen */
    if (r == -ETIMEDOUT) {
        *left_ns = 0;
        return 0;
    }
    *left_ns = time_left(t, timeout_ns, 1);
    return -ERESTARTNOHAND;             /* -ERESTARTSYS, -EINTR: a handler is to run */
}

long poll_entries(struct task_struct *t, struct poll_entry *e, unsigned n, int64_t timeout_ns,
                  uint64_t *left_ns, const char *what)
{
    unsigned max = 2 * n + 1;           /* a pipe names two queues */
    struct wait_queue_head **q = malloc(max * sizeof *q);
    if (!q)
        return -ENOMEM;
    struct poll_table pt = { .q = q, .max = max };
    long r = poll_scan(t, e, n, &pt);
    *left_ns = time_left(t, timeout_ns, 0);
    if (r == 0 && timeout_ns != 0 && signal_deliverable(&t->sig))
        r = -ERESTARTNOHAND;            /* a signal pending already ends it (signal_pending) */
    else if (r == 0 && timeout_ns != 0) {
        int alone = task_alone(t);
        /* a host object counts only as one of the entries: one inside a
         * nested epoll file is seen at each wake-up and at the deadline */
        if (pt.outside && host_entries(t, e, n) && (alone || wait_host_fds(t, e, n)))
            r = host_wait(t, e, n, timeout_ns, left_ns, &pt);
        else if (alone && timeout_ns < 0) {
            /* nobody can make a file ready: a signal ends it, as pause */
            r = signal_wait(t, t->sig.blocked, what);
            r = task_dead(t) ? -EINTR : r;
        } else
            r = model_wait(t, &pt, timeout_ns, left_ns, what);
    }
    free(pt.q);                         /* q, or what poll_wait grew it to */
    return r;
}

void select_with_sigmask(struct task_struct *t, int has, uint64_t mask)
{
    if (!has || t->restart.active)
        return;                         /* a re-run: set by the first run */
    t->restart.progress = t->sig.blocked;   /* kept across the re-runs */
    t->sig.blocked = mask & ~SIG_UNBLOCKABLE;
}

void select_end_sigmask(struct task_struct *t, int has, long r)
{
    if (!has || r == -ERESTART_BLOCK)
        return;
    t->sig.saved_mask = t->restart.progress;
    if (r == -ERESTARTNOHAND && !task_dead(t))
        t->sig.restore_mask = 1;        /* delivered under the mask; the frame saves the original */
    else
        t->sig.blocked = t->sig.saved_mask;
}

long put_time_left(struct task_struct *t, uint32_t uts, int time64, uint64_t left_ns, long r)
{
    int64_t t64[2] = { (int64_t)(left_ns / NSEC_PER_SEC), (int64_t)(left_ns % NSEC_PER_SEC) };
    int32_t t32[2] = { (int32_t)t64[0], (int32_t)t64[1] };
    if (!copy_to_user(t->mm, uts, time64 ? (void *)t64 : (void *)t32, time64 ? 16 : 8))
        return r;
    return r == -ERESTARTNOHAND ? -EINTR : r;
}

/* ---- poll, ppoll ------------------------------------------------------- */

/* i386's struct pollfd: int fd; short events, revents. */
struct guest_pollfd {
    int32_t fd;
    int16_t events, revents;
};

/* do_sys_poll: the fds are read (nfds past the table is EINVAL), polled,
 * and every revents written back, after a signal too (as Linux). */
static long do_sys_poll(struct task_struct *t, uint32_t ufds, uint32_t nfds, int64_t timeout_ns,
                        uint64_t *left_ns)
{
    if (nfds > MAX_FDS)
        return -EINVAL;
    struct guest_pollfd *g = calloc(nfds ? nfds : 1, sizeof *g);
    struct poll_entry *e = calloc(nfds ? nfds : 1, sizeof *e);
    long r = !g || !e ? -ENOMEM : 0;
    if (!r && nfds && copy_from_user(t->mm, g, ufds, nfds * (uint32_t)sizeof *g))
        r = -EFAULT;
    for (uint32_t i = 0; !r && i < nfds; i++)
        e[i] = (struct poll_entry){ .fd = g[i].fd, .events = (uint16_t)g[i].events };
    if (!r)
        r = poll_entries(t, e, nfds, timeout_ns, left_ns, "poll");
    if (r >= 0 || r == -ERESTARTNOHAND) {
        for (uint32_t i = 0; i < nfds; i++)
            g[i].revents = (int16_t)e[i].revents;
        /* the array as read with the revents (Linux stores each revents
         * alone; fd and events are the same bytes) */
        if (nfds && copy_to_user(t->mm, ufds, g, nfds * (uint32_t)sizeof *g))
            r = -EFAULT;
    }
    free(g);
    free(e);
    return r;
}

SYSCALL_DEFINE3(poll, uint32_t, ufds, uint32_t, nfds, int32_t, timeout_msecs)
{
    uint64_t left;
    int64_t ns = timeout_msecs < 0 ? -1 : (int64_t)timeout_msecs * 1000000;
    return do_sys_poll(t, ufds, nfds, ns, &left);
}

/* ppoll(fds, nfds, tsp, sigmask, sigsetsize): the timeout a timespec (the
 * time left written back, as pselect6), the mask blocked during the wait. */
static long ppoll_common(struct task_struct *t, const uint32_t a[5], int time64)
{
    int64_t ns = -1;
    uint64_t left = 0, mask = 0;
    if (a[2]) {
        struct guest_timeout to;
        long r = read_timeout(t, a[2], time64, &to);
        if (r)
            return r;
        ns = to.sec > (uint64_t)INT64_MAX / NSEC_PER_SEC - 1 ? INT64_MAX / 2
                                                              : (int64_t)(to.sec * NSEC_PER_SEC + to.nsec);
    }
    if (a[3]) {
        if (a[4] != 8)
            return -EINVAL;
        if (copy_from_user(t->mm, &mask, a[3], 8))
            return -EFAULT;
    }
    select_with_sigmask(t, a[3] != 0, mask);
    long r = do_sys_poll(t, a[0], a[1], ns, &left);
    select_end_sigmask(t, a[3] != 0, r);
    if ((r >= 0 || r == -ERESTARTNOHAND) && ns > 0)
        r = put_time_left(t, a[2], time64, left, r);
    return r;
}

SYSCALL_DEFINE5(ppoll, uint32_t, ufds, uint32_t, nfds, uint32_t, tsp, uint32_t, sigmask, uint32_t, sigsetsize)
{
    const uint32_t a[5] = { ufds, nfds, tsp, sigmask, sigsetsize };
    return ppoll_common(t, a, 0);
}

SYSCALL_DEFINE5(ppoll_time64, uint32_t, ufds, uint32_t, nfds, uint32_t, tsp, uint32_t, sigmask, uint32_t, sigsetsize)
{
    const uint32_t a[5] = { ufds, nfds, tsp, sigmask, sigsetsize };
    return ppoll_common(t, a, 1);
}

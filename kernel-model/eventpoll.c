/*
 * eventpoll.c — epoll (fs/eventpoll.c): epoll_create (254), epoll_create1
 * (329), epoll_ctl (255), epoll_wait (256), epoll_pwait (319) and
 * epoll_pwait2 (441).  Go's netpoller and event loops (libuv, nginx,
 * Python's selectors) wait here.
 *
 * An epoll file is an anonymous file ("anon_inode:[eventpoll]") whose
 * private data is its interest list, one epitem per watched file, in the
 * order they were added.  A wait polls every item through the same
 * readiness path as poll (select.h poll_entries): a model file names its
 * wait queues, a host-backed one is polled on the host, the timeout is
 * the model clock's, and a blocked wait re-runs when woken.  What is
 * An item is keyed by its (fd, file) pair and holds no reference to the
 * file: like Linux's it lives until EPOLL_CTL_DEL or until the file's last
 * reference goes (fput calls eventpoll_release through file->f_ep), so a
 * closed descriptor whose file is still open elsewhere (a dup) keeps being
 * reported — epoll(7)'s own caveat.  Ready items are reported in the order
 * they became ready, as Linux's ready list: an item found ready (at ADD or
 * MOD, or at a wait) is stamped, a level-triggered one keeps its place
 * while it stays ready.  EPOLLONESHOT disables an item once reported,
 * until EPOLL_CTL_MOD.  One simplification: EPOLLET is reported as
 * level-triggered (a ready file at every wait, not only at its next
 * change); an edge-triggered program reads until EAGAIN anyway, so it
 * sees the same data, at most with one more wake-up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kernel-model/fs.h"
#include "kernel-model/poll.h"
#include "kernel-model/select.h"
#include "kernel-model/sys_internal.h"

#define EPOLL_CTL_ADD 1u
#define EPOLL_CTL_DEL 2u
#define EPOLL_CTL_MOD 3u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP    (1u << 29)
#define EPOLLONESHOT   (1u << 30)
#define EPOLLET        (1u << 31)
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_EVENTS  (0x7fffffff / 12)      /* INT_MAX / sizeof(struct epoll_event) */
#define EP_MAX_ITEMS   4096u
#define NSEC_PER_MSEC  1000000ll

/* i386's struct epoll_event: packed, 12 bytes (__EPOLL_PACKED on x86). */
struct guest_epoll_event {
    uint32_t events;
    uint32_t data[2];
} __attribute__((packed));

struct eventpoll;

struct epitem {
    struct eventpoll *ep;
    int32_t fd;
    struct file *file;          /* what fd named at ADD; no reference */
    uint32_t events;            /* asked, with the EPOLL* flags */
    uint32_t data[2];           /* handed back as it was given */
    int disabled;               /* EPOLLONESHOT after its report */
    uint64_t ready;             /* when it was found ready (0: not ready) */
    struct epitem *next;        /* in ep's interest list, in ADD order */
    struct epitem *f_next;      /* in file->f_ep: every item watching it */
};

struct eventpoll {
    struct epitem *items;
    unsigned n;
    uint64_t seq;               /* the ready stamps' clock */
    struct file *file;          /* its own file (no reference: it owns us) */
    struct wait_queue_head wq;  /* its waiters: an ADD or MOD of a ready file wakes them */
    unsigned long memo_serial;  /* the scan ep_poll last answered (poll_table.serial) */
    unsigned memo_mask;         /* ... and its answer */
};

static unsigned ep_poll(struct file *f, struct poll_table *pt);

/* Take e off its file's f_ep chain and out of its interest list, and free it. */
static void ep_remove(struct epitem *e)
{
    for (struct epitem **pp = (struct epitem **)&e->file->f_ep; *pp; pp = &(*pp)->f_next)
        if (*pp == e) {
            *pp = e->f_next;
            break;
        }
    for (struct epitem **pp = &e->ep->items; *pp; pp = &(*pp)->next)
        if (*pp == e) {
            *pp = e->next;
            break;
        }
    e->ep->n--;
    free(e);
}

static void ep_release(struct file *f)
{
    struct eventpoll *ep = f->private_data;
    wake_up(&ep->wq);                   /* off its queue before it goes: they re-run (EBADF) */
    while (ep->items)
        ep_remove(ep->items);
    free(ep);
}

void eventpoll_release(struct file *f)
{
    while (f->f_ep)
        ep_remove(f->f_ep);
}

static const struct file_operations eventpoll_fops = {
    .kind = FILE_EPOLL, .poll = ep_poll, .getattr = anon_inode_getattr, .release = ep_release,
};

static struct eventpoll *ep_of(struct file *f)
{
    return f && f->f_op == &eventpoll_fops ? f->private_data : NULL;
}

/* An epoll file is readable when one of its items is ready (a nested
 * epoll, or poll/select on it).  Its own queue is named too (an ADD wakes
 * its waiters), and it answers once per scan: an epoll file reached by many
 * paths (dups of dups) is not polled again for each. */
static unsigned ep_poll(struct file *f, struct poll_table *pt)
{
    struct eventpoll *ep = f->private_data;
    if (pt && pt->serial && pt->serial == ep->memo_serial)
        return ep->memo_mask;
    poll_wait(pt, &ep->wq);
    unsigned key = pt ? pt->key : ~0u, mask = 0;
    for (struct epitem *e = ep->items; e; e = e->next) {
        if (e->disabled || e->file == f)
            continue;
        if (pt)
            pt->key = (e->events & ~EP_PRIVATE_BITS) | G_POLLERR | G_POLLHUP;
        if (vfs_poll(e->file, pt) & ((e->events & ~EP_PRIVATE_BITS) | G_POLLERR | G_POLLHUP))
            mask = G_POLLIN | G_POLLRDNORM;
    }
    if (pt) {
        pt->key = key;
        ep->memo_serial = pt->serial;
        ep->memo_mask = mask;
    }
    return mask;
}

static long do_epoll_create(struct task_struct *t, uint32_t flags)
{
    if (flags & ~G_O_CLOEXEC)
        return -EINVAL;
    struct eventpoll *ep = calloc(1, sizeof *ep);
    struct file *f = ep ? alloc_file(&eventpoll_fops, NULL, 2u, "anon_inode:[eventpoll]", ep) : NULL;
    if (!f) {
        free(ep);
        return -ENOMEM;
    }
    ep->file = f;
    init_waitqueue_head(&ep->wq);
    f->f_mode = FMODE_READ_ | FMODE_WRITE_;
    return fd_install_file(t, f, (flags & G_O_CLOEXEC) != 0, 0);
}

SYSCALL_DEFINE1(epoll_create, int32_t, size)
{
    return size <= 0 ? -EINVAL : do_epoll_create(t, 0);
}

SYSCALL_DEFINE1(epoll_create1, uint32_t, flags)
{
    return do_epoll_create(t, flags);
}

static struct epitem *ep_find(struct eventpoll *ep, uint32_t fd, const struct file *f)
{
    for (struct epitem *e = ep->items; e; e = e->next)
        if (e->fd == (int32_t)fd && e->file == f)
            return e;
    return NULL;
}

/* The item's readiness now (no queues collected): stamped when it turns
 * ready, unstamped when it is not. */
static unsigned ep_item_poll(struct epitem *e)
{
    unsigned want = (e->events & ~EP_PRIVATE_BITS) | G_POLLERR | G_POLLHUP;
    struct poll_table pt = { .key = want };
    unsigned r = e->disabled ? 0 : vfs_poll(e->file, &pt) & want;
    if (!r)
        e->ready = 0;
    else if (!e->ready)
        e->ready = ++e->ep->seq;
    return r;
}

#define EP_MAX_NESTS 4

/* How deep the epoll files under f go (0: f is no epoll file), or
 * EP_MAX_NESTS + 1 once past the limit or back at epf (a loop). */
static unsigned ep_depth_below(const struct file *epf, struct file *f, unsigned depth)
{
    struct eventpoll *sub = ep_of(f);
    if (!sub)
        return 0;
    if (f == epf || depth > EP_MAX_NESTS)
        return EP_MAX_NESTS + 1;
    unsigned deepest = 0;
    for (struct epitem *e = sub->items; e && deepest <= EP_MAX_NESTS; e = e->next) {
        unsigned d = ep_depth_below(epf, e->file, depth + 1);
        deepest = d > deepest ? d : deepest;
    }
    return deepest > EP_MAX_NESTS ? deepest : deepest + 1;
}

/* How many epoll files above f watch it, the longest chain (f->f_ep: the
 * items watching f, each in an epoll file of its own). */
static unsigned ep_depth_above(struct file *f, unsigned depth)
{
    unsigned deepest = 0;
    for (struct epitem *e = f->f_ep; e && depth <= EP_MAX_NESTS; e = e->f_next) {
        unsigned d = 1 + ep_depth_above(e->ep->file, depth + 1);
        deepest = d > deepest ? d : deepest;
    }
    return deepest;
}

/* ep_loop_check: adding tf to epf would close a loop, or nest epoll files
 * deeper than EP_MAX_NESTS (both ELOOP, as Linux). */
static int ep_loops(struct file *epf, struct file *tf)
{
    if (!ep_of(tf))
        return 0;
    unsigned below = ep_depth_below(epf, tf, 0);
    return below > EP_MAX_NESTS || ep_depth_above(epf, 0) + below > EP_MAX_NESTS;
}

static long ep_insert(struct eventpoll *ep, uint32_t fd, struct file *tf, const struct guest_epoll_event *ev)
{
    if (ep->n == EP_MAX_ITEMS)
        return -ENOSPC;                   /* max_user_watches */
    struct epitem *e = calloc(1, sizeof *e);
    if (!e)
        return -ENOMEM;
    *e = (struct epitem){ .ep = ep, .fd = (int32_t)fd, .file = tf, .events = ev->events,
                          .data = { ev->data[0], ev->data[1] }, .f_next = tf->f_ep };
    tf->f_ep = e;
    struct epitem **tail = &ep->items;
    while (*tail)
        tail = &(*tail)->next;
    *tail = e;
    ep->n++;
    if (ep_item_poll(e))                  /* ready now: on the ready list at once */
        wake_up(&ep->wq);
    return 0;
}

/* do_epoll_ctl, in Linux's order: the event read, the two descriptors,
 * the target able to poll (EPERM: a regular file or a directory), epfd an
 * epoll file other than the target (EINVAL), EPOLLEXCLUSIVE's limits,
 * then the op (EEXIST, ENOENT, ELOOP). */
SYSCALL_DEFINE4(epoll_ctl, uint32_t, epfd, uint32_t, op, uint32_t, fd, uint32_t, uevent)
{
    struct guest_epoll_event ev = { 0 };
    if (op != EPOLL_CTL_DEL && copy_from_user(t->mm, &ev, uevent, sizeof ev))
        return -EFAULT;
    struct file *epf = fdget(t->files, epfd), *tf = fdget(t->files, fd);
    if (!epf || !tf)
        return -EBADF;
    struct stat st;
    if (tf->f_op->getattr && tf->f_op->getattr(tf, &st) == 0 &&
        (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
        return -EPERM;                    /* !file_can_poll */
    struct eventpoll *ep = ep_of(epf);
    if (!ep || epf == tf)
        return -EINVAL;
    if (ev.events & EPOLLEXCLUSIVE) {
        if (op == EPOLL_CTL_MOD || ep_of(tf) ||
            (ev.events & ~(EPOLLEXCLUSIVE | G_POLLIN | G_POLLOUT | G_POLLERR | G_POLLHUP |
                           EPOLLWAKEUP | EPOLLET | G_POLLRDNORM | G_POLLWRNORM)))
            return -EINVAL;
    }
    struct epitem *e = ep_find(ep, fd, tf);
    switch (op) {
    case EPOLL_CTL_ADD:
        if (e)
            return -EEXIST;
        if (ep_loops(epf, tf))
            return -ELOOP;
        return ep_insert(ep, fd, tf, &ev);
    case EPOLL_CTL_DEL:
        if (!e)
            return -ENOENT;
        ep_remove(e);
        return 0;
    case EPOLL_CTL_MOD:
        if (!e)
            return -ENOENT;
        if (e->events & EPOLLEXCLUSIVE)
            return -EINVAL;
        e->events = ev.events;
        e->data[0] = ev.data[0];
        e->data[1] = ev.data[1];
        e->disabled = 0;
        e->ready = 0;
        if (ep_item_poll(e))
            wake_up(&ep->wq);
        return 0;
    default:
        return -EINVAL;
    }
}

static int by_ready(const void *a, const void *b)
{
    const struct epitem *x = *(struct epitem *const *)a, *y = *(struct epitem *const *)b;
    return x->ready < y->ready ? -1 : x->ready > y->ready;
}

/* The ready items in the order they became ready, at most maxevents,
 * written to the user's array: the count or -EFAULT.  A EPOLLONESHOT item
 * is disabled once reported. */
static long ep_send_events(struct task_struct *t, struct epitem **ready, unsigned n,
                           const struct poll_entry *pe, uint32_t uevents, uint32_t maxevents)
{
    long count = 0;
    for (unsigned i = 0; i < n && (uint32_t)count < maxevents; i++) {
        struct epitem *e = ready[i];
        struct guest_epoll_event out = { pe[i].revents, { e->data[0], e->data[1] } };
        if (copy_to_user(t->mm, uevents + (uint32_t)count * (uint32_t)sizeof out, &out, sizeof out))
            return count ? count : -EFAULT;
        if (e->events & EPOLLONESHOT) {
            e->disabled = 1;
            e->ready = 0;
        } else {
            e->ready = ++e->ep->seq;      /* level-triggered: back at the tail */
        }
        count++;
    }
    return count;
}

/* The items polled as poll's entries (waiting as poll waits), then each
 * ready one stamped: the number ready, with items[] sorted by stamp and
 * pe[] their answers in that order; or poll_entries' -errno. */
static long ep_poll_items(struct task_struct *t, struct eventpoll *ep, struct epitem **items,
                          struct poll_entry *pe, int64_t timeout_ns)
{
    unsigned n = 0;
    for (struct epitem *e = ep->items; e; e = e->next)
        if (!e->disabled) {
            items[n] = e;
            pe[n++] = (struct poll_entry){ .fd = e->fd, .file = e->file,
                                           .events = e->events & ~EP_PRIVATE_BITS };
        }
    /* the epoll file itself, asked for nothing: its queue is waited on, so
     * another thread's ADD or MOD of a ready file ends the wait */
    pe[n] = (struct poll_entry){ .fd = -1, .file = ep->file };
    uint64_t left;
    long r = poll_entries(t, pe, n + 1, timeout_ns, &left, "epoll_wait");
    if (r < 0)
        return r;
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        if (pe[i].revents & G_POLLNVAL)
            pe[i].revents = 0;
        if (!pe[i].revents) {
            items[i]->ready = 0;
            continue;
        }
        if (!items[i]->ready)
            items[i]->ready = ++ep->seq;
        items[k] = items[i];
        pe[k++].revents = pe[i].revents;
    }
    /* sort items[0..k) by stamp, their answers with them */
    for (unsigned i = 1; i < k; i++)
        for (unsigned j = i; j > 0 && by_ready(&items[j - 1], &items[j]) > 0; j--) {
            struct epitem *x = items[j];
            items[j] = items[j - 1];
            items[j - 1] = x;
            unsigned rv = pe[j].revents;
            pe[j].revents = pe[j - 1].revents;
            pe[j - 1].revents = rv;
        }
    return k;
}

/* do_epoll_wait: maxevents in 1..EP_MAX_EVENTS (EINVAL), the array
 * writable (EFAULT), epfd an epoll file (EBADF, EINVAL), then the enabled
 * items polled as poll's entries and the ready ones reported. */
static long do_epoll_wait(struct task_struct *t, uint32_t epfd, uint32_t uevents, int32_t maxevents,
                          int64_t timeout_ns)
{
    if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
        return -EINVAL;
    if ((uint64_t)uevents + (uint64_t)maxevents * 12u > TASK_SIZE)
        return -EFAULT;                   /* access_ok */
    struct file *epf = fdget(t->files, epfd);
    if (!epf)
        return -EBADF;
    struct eventpoll *ep = ep_of(epf);
    if (!ep)
        return -EINVAL;
    struct epitem **items = calloc(ep->n + 1, sizeof *items);
    struct poll_entry *pe = calloc(ep->n + 1, sizeof *pe);
    long r = items && pe ? ep_poll_items(t, ep, items, pe, timeout_ns) : -ENOMEM;
    if (r == -ERESTARTNOHAND)
        r = -EINTR;                       /* epoll_wait is never restarted */
    if (r > 0)
        r = ep_send_events(t, items, (unsigned)r, pe, uevents, (uint32_t)maxevents);
    free(items);
    free(pe);
    return r;
}

SYSCALL_DEFINE4(epoll_wait, uint32_t, epfd, uint32_t, events, int32_t, maxevents, int32_t, timeout)
{
    return do_epoll_wait(t, epfd, events, maxevents, timeout < 0 ? -1 : timeout * NSEC_PER_MSEC);
}

/* epoll_pwait's signal mask, as ppoll's (select_with_sigmask). */
static long epoll_pwait_common(struct task_struct *t, const uint32_t a[4], int64_t timeout_ns,
                               uint32_t sigmask, uint32_t sigsetsize)
{
    uint64_t mask = 0;
    if (sigmask) {
        if (sigsetsize != 8)
            return -EINVAL;
        if (copy_from_user(t->mm, &mask, sigmask, 8))
            return -EFAULT;
    }
    select_with_sigmask(t, sigmask != 0, mask);
    long r = do_epoll_wait(t, a[0], a[1], (int32_t)a[2], timeout_ns);
    select_end_sigmask(t, sigmask != 0, r == -EINTR ? -ERESTARTNOHAND : r);
    return r;
}

SYSCALL_DEFINE6(epoll_pwait, uint32_t, epfd, uint32_t, events, int32_t, maxevents, int32_t, timeout,
                uint32_t, sigmask, uint32_t, sigsetsize)
{
    const uint32_t a[4] = { epfd, events, (uint32_t)maxevents, 0 };
    return epoll_pwait_common(t, a, timeout < 0 ? -1 : timeout * NSEC_PER_MSEC, sigmask, sigsetsize);
}

/* epoll_pwait2: the timeout a struct __kernel_timespec (NULL: none). */
SYSCALL_DEFINE6(epoll_pwait2, uint32_t, epfd, uint32_t, events, int32_t, maxevents, uint32_t, uts,
                uint32_t, sigmask, uint32_t, sigsetsize)
{
    int64_t ns = -1;
    if (uts) {
        struct guest_timeout to;
        long r = read_timeout(t, uts, 1, &to);
        if (r)
            return r;
        ns = to.sec > (uint64_t)INT64_MAX / 1000000000ull - 1 ? INT64_MAX / 2
             : (int64_t)(to.sec * 1000000000ull + to.nsec);
    }
    const uint32_t a[4] = { epfd, events, (uint32_t)maxevents, 0 };
    return epoll_pwait_common(t, a, ns, sigmask, sigsetsize);
}

/*
 * poll.h — readiness of an open file (Linux's include/linux/poll.h):
 * f_op->poll reports the file's EPOLL* mask now and names, through
 * poll_wait, every wait queue whose wake-up may change it, so that poll
 * and select can block on all of them at once (wait.h task_block).
 *
 * A file without ->poll is always ready for reading and writing
 * (DEFAULT_POLLMASK, as vfs_poll): regular files, tmpfs and overlay files,
 * /proc files, the memory devices.  Host-backed files poll the host
 * descriptor with a zero timeout (host_file_poll, hostfs.c): a host object
 * has no model wait queue, so it gives none; a host pipe, socket or
 * terminal counts in pt->outside instead (select.c waits for those on the
 * host).
 */
#ifndef MEMSIM_POLL_H
#define MEMSIM_POLL_H

#include <stdint.h>
#include <stdlib.h>
#include "kernel-model/vfs.h"
#include "kernel-model/wait.h"

/* The i386 (asm-generic) EPOLL* bits, equal to poll(2)'s POLL* bits. */
#define G_POLLIN     0x001u
#define G_POLLPRI    0x002u
#define G_POLLOUT    0x004u
#define G_POLLERR    0x008u
#define G_POLLHUP    0x010u
#define G_POLLNVAL   0x020u
#define G_POLLRDNORM 0x040u
#define G_POLLRDBAND 0x080u
#define G_POLLWRNORM 0x100u
#define G_POLLWRBAND 0x200u
#define DEFAULT_POLLMASK (G_POLLIN | G_POLLOUT | G_POLLRDNORM | G_POLLWRNORM)

struct poll_table {
    unsigned key;                   /* the events asked for (a host poll's events) */
    struct wait_queue_head **q;     /* where poll_wait collects (heap, grown as
                                       needed: nested epoll files name many);
                                       NULL: do not */
    unsigned nq, max;
    unsigned long serial;           /* which scan this is (select.c): an epoll file
                                       polled twice in one scan answers once */
    unsigned outside;               /* host objects polled that something outside the
                                       guest may make ready (host_file_poll) */
};

/* The file's queue q may change its readiness: remember it once (a table
 * that cannot grow keeps what it has: the wait then ends at its deadline). */
static inline void poll_wait(struct poll_table *pt, struct wait_queue_head *q)
{
    if (!pt || !pt->q)
        return;
    for (unsigned i = 0; i < pt->nq; i++)
        if (pt->q[i] == q)
            return;
    if (pt->nq == pt->max) {
        struct wait_queue_head **n = realloc(pt->q, 2 * pt->max * sizeof *n);
        if (!n)
            return;
        pt->q = n;
        pt->max *= 2;
    }
    pt->q[pt->nq++] = q;
}

/* f's readiness (vfs_poll): f_op->poll, or DEFAULT_POLLMASK without one. */
static inline unsigned vfs_poll(struct file *f, struct poll_table *pt)
{
    return f->f_op->poll ? f->f_op->poll(f, pt) : DEFAULT_POLLMASK;
}

#endif

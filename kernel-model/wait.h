/*
 * wait.h — wait queues: where a task sleeps until another task (or a timer)
 * makes the thing it waits for happen (Linux's wait_queue_head_t).
 *
 * Blocking follows one protocol, so a wait never needs a host stack of its
 * own: a system call handler that cannot go on checks its condition, and if
 * it is not met returns task_block(...).  task_block either ends the wait at
 * once (its result is the call's: -ETIMEDOUT, -ERESTARTSYS for a signal,
 * or a deadlock) or queues the task and answers -ERESTART_BLOCK; then the
 * call is run again from its first line in the task's own context when the
 * task is woken.  So a handler must check before it changes anything, and
 * keep any progress it made in the task (t->restart), not on the C stack.
 * task_block remembers the deadline across the re-runs, and on a re-run
 * caused by the timeout or a signal it returns that result instead of
 * queueing again.
 *
 * The entries live in the task (no host allocation while blocking); the
 * queue is FIFO, so wake-ups happen in the order the tasks began to wait:
 * the same inputs give the same interleaving.
 */
#ifndef MEMSIM_WAIT_H
#define MEMSIM_WAIT_H

struct task_struct;
struct guest_timeout;
struct wait_queue_head;

struct wait_queue_entry {
    struct task_struct *task;
    struct wait_queue_head *head;   /* NULL: not queued */
    struct wait_queue_entry *prev, *next;
};

struct wait_queue_head {
    struct wait_queue_entry *first, *last;
};

static inline void init_waitqueue_head(struct wait_queue_head *q)
{
    q->first = q->last = 0;
}

static inline int waitqueue_active(const struct wait_queue_head *q)
{
    return q->first != 0;
}

/* Wake every task waiting on q, in the order they began to wait (each
 * becomes runnable, off all its queues; its call is re-run). */
void wake_up(struct wait_queue_head *q);
/* The same for the first nr of them. */
void wake_up_nr(struct wait_queue_head *q, unsigned nr);

/* t cannot go on until something happens on one of the nq queues q[] (nq
 * may be 0: only the timeout or a signal ends the wait), or until to's
 * deadline (NULL or !to->present: none).  what names the wait for the
 * deadlock report ("pipe read").  Returns the call's result when the wait
 * ends at once (see above), else -ERESTART_BLOCK. */
long task_block(struct task_struct *t, struct wait_queue_head *const q[], unsigned nq,
                const struct guest_timeout *to, const char *what);

#endif

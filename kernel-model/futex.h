/*
 * futex.h — the futex wait queues (Linux kernel/futex/: futex_q,
 * futex_hash_bucket, futex_wake).
 *
 * A waiter is a futex_q its task owns (on its kernel stack in Linux) and
 * queues on the bucket of its key: (mm, uaddr) for a private futex and for
 * anonymous memory, which is every futex a one-process model has.  Waking
 * walks the bucket and unqueues up to nr waiters whose key and bitset match,
 * marking each woken; the task scheduler (the processes issue) is what then
 * runs them.  One task alone never has anyone queued, so a wake returns 0.
 * No allocation: queueing links the caller's futex_q.
 */
#ifndef MEMSIM_FUTEX_H
#define MEMSIM_FUTEX_H

#include <stdint.h>

struct mm_struct;
struct task_struct;

#define FUTEX_HASH_BITS 8
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

struct futex_key {
    const struct mm_struct *mm;
    uint32_t uaddr;                 /* 4-byte aligned */
};

struct futex_q {
    struct futex_q *next, *prev;    /* in the bucket; NULL when not queued */
    struct futex_key key;
    uint32_t bitset;                /* FUTEX_WAIT_BITSET's mask; MATCH_ANY for WAIT */
    uint32_t tid;                   /* the waiting task's pid */
    struct task_struct *task;       /* woken by futex_wake (wake_up_process); may be NULL */
    int woken;                      /* set by futex_wake when it unqueues this one */
};

struct futex_hash_bucket {
    struct futex_q *head;
    uint32_t nr_waiters;
};

struct futex_hash {
    struct futex_hash_bucket buckets[1u << FUTEX_HASH_BITS];
};

void futex_hash_init(struct futex_hash *h);
int  futex_key_equal(const struct futex_key *a, const struct futex_key *b);
/* Queue q (key, bitset and tid set by the caller). */
void futex_queue(struct futex_hash *h, struct futex_q *q);
/* Take q off its bucket (a timeout or a signal ended its wait); 1 if it was queued. */
int  futex_unqueue(struct futex_hash *h, struct futex_q *q);
/* Wake up to nr waiters on key whose bitset meets bitset: the number woken. */
uint32_t futex_wake(struct futex_hash *h, const struct futex_key *key, uint32_t nr, uint32_t bitset);
/* Move up to nr waiters from key1 to key2 (FUTEX_REQUEUE): the number moved. */
uint32_t futex_requeue(struct futex_hash *h, const struct futex_key *key1,
                       const struct futex_key *key2, uint32_t nr);
/* Waiters queued on key (the processes issue's PI and robust-list paths). */
uint32_t futex_nr_waiters(const struct futex_hash *h, const struct futex_key *key);

#endif

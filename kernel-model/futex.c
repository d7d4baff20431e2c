/*
 * futex.c — the futex hash of wait queues (see futex.h).
 */
#include <stddef.h>
#include "kernel-model/futex.h"
#include "kernel-model/sched.h"

void futex_hash_init(struct futex_hash *h)
{
    for (size_t i = 0; i < sizeof h->buckets / sizeof *h->buckets; i++)
        h->buckets[i] = (struct futex_hash_bucket){ NULL, 0 };
}

int futex_key_equal(const struct futex_key *a, const struct futex_key *b)
{
    return a->mm == b->mm && a->uaddr == b->uaddr;
}

/* Linux hashes the key with jhash; any mix that spreads word addresses will do. */
static struct futex_hash_bucket *hash_futex(struct futex_hash *h, const struct futex_key *key)
{
    uint64_t x = (uint64_t)(uintptr_t)key->mm ^ ((uint64_t)key->uaddr << 1);
    x *= 0x9e3779b97f4a7c15ull;
    return &h->buckets[x >> (64 - FUTEX_HASH_BITS)];
}

static void bucket_add(struct futex_hash_bucket *hb, struct futex_q *q)
{
    /* at the tail: waiters are woken in the order they queued (FIFO as plist
     * of equal priority in Linux) */
    q->next = NULL;
    q->prev = NULL;
    if (!hb->head) {
        hb->head = q;
    } else {
        struct futex_q *t = hb->head;
        while (t->next)
            t = t->next;
        t->next = q;
        q->prev = t;
    }
    hb->nr_waiters++;
}

static void bucket_del(struct futex_hash_bucket *hb, struct futex_q *q)
{
    if (q->prev)
        q->prev->next = q->next;
    else
        hb->head = q->next;
    if (q->next)
        q->next->prev = q->prev;
    q->next = q->prev = NULL;
    hb->nr_waiters--;
}

static int queued_on(const struct futex_hash_bucket *hb, const struct futex_q *q)
{
    for (const struct futex_q *t = hb->head; t; t = t->next)
        if (t == q)
            return 1;
    return 0;
}

void futex_queue(struct futex_hash *h, struct futex_q *q)
{
    q->woken = 0;
    bucket_add(hash_futex(h, &q->key), q);
}

int futex_unqueue(struct futex_hash *h, struct futex_q *q)
{
    struct futex_hash_bucket *hb = hash_futex(h, &q->key);
    if (!queued_on(hb, q))
        return 0;
    bucket_del(hb, q);
    return 1;
}

uint32_t futex_wake(struct futex_hash *h, const struct futex_key *key, uint32_t nr, uint32_t bitset)
{
    struct futex_hash_bucket *hb = hash_futex(h, key);
    uint32_t woken = 0;
    for (struct futex_q *q = hb->head, *next; q && woken < nr; q = next) {
        next = q->next;
        if (!futex_key_equal(&q->key, key) || !(q->bitset & bitset))
            continue;
        bucket_del(hb, q);
        q->woken = 1;
        if (q->task)
            wake_up_process(q->task);   /* its wait is re-run and returns 0 */
        woken++;
    }
    return woken;
}

uint32_t futex_requeue(struct futex_hash *h, const struct futex_key *key1,
                       const struct futex_key *key2, uint32_t nr)
{
    struct futex_hash_bucket *hb1 = hash_futex(h, key1), *hb2 = hash_futex(h, key2);
    uint32_t moved = 0;
    if (futex_key_equal(key1, key2)) {         /* nothing moves; count as moved */
        uint32_t n = futex_nr_waiters(h, key1);
        return n < nr ? n : nr;
    }
    for (struct futex_q *q = hb1->head, *next; q && moved < nr; q = next) {
        next = q->next;
        if (!futex_key_equal(&q->key, key1))
            continue;
        bucket_del(hb1, q);
        q->key = *key2;
        bucket_add(hb2, q);
        moved++;
    }
    return moved;
}

uint32_t futex_nr_waiters(const struct futex_hash *h, const struct futex_key *key)
{
    struct futex_hash_bucket *hb = hash_futex((struct futex_hash *)h, key);
    uint32_t n = 0;
    for (const struct futex_q *q = hb->head; q; q = q->next)
        n += futex_key_equal(&q->key, key);
    return n;
}

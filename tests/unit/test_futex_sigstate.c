/* The futex wait queues and the pending/blocked signal sets of the kernel model. */
#include <stdint.h>
#include "kernel-model/futex.h"
#include "kernel-model/sigstate.h"
#include "tests/unit/check.h"

static void test_futex_wake(void)
{
    struct futex_hash h;
    int mm1, mm2;                       /* two address spaces: only their identity matters */
    futex_hash_init(&h);
    struct futex_key k = { (const struct mm_struct *)&mm1, 0x1000 };
    struct futex_key other_mm = { (const struct mm_struct *)&mm2, 0x1000 };
    struct futex_key k2 = { (const struct mm_struct *)&mm1, 0x2000 };
    CHECK_EQ(futex_wake(&h, &k, 1, FUTEX_BITSET_MATCH_ANY), 0);    /* nobody waits */

    struct futex_q a = { .key = k, .bitset = FUTEX_BITSET_MATCH_ANY, .tid = 1 };
    struct futex_q b = { .key = k, .bitset = 0x2, .tid = 2 };
    struct futex_q c = { .key = other_mm, .bitset = FUTEX_BITSET_MATCH_ANY, .tid = 3 };
    futex_queue(&h, &a);
    futex_queue(&h, &b);
    futex_queue(&h, &c);
    CHECK_EQ(futex_nr_waiters(&h, &k), 2);
    CHECK_EQ(futex_wake(&h, &k, 5, 0x1), 1);           /* b's bitset does not meet 0x1 */
    CHECK(a.woken && !b.woken && !c.woken);
    CHECK_EQ(futex_unqueue(&h, &a), 0);                 /* woken: already off the queue */
    CHECK_EQ(futex_requeue(&h, &k, &k2, 1), 1);
    CHECK_EQ(futex_nr_waiters(&h, &k), 0);
    CHECK_EQ(futex_nr_waiters(&h, &k2), 1);
    CHECK_EQ(futex_requeue(&h, &k2, &k2, 9), 1);        /* same key: counted, not moved */
    CHECK_EQ(futex_wake(&h, &k2, 1, FUTEX_BITSET_MATCH_ANY), 1);
    CHECK(b.woken);
    CHECK_EQ(futex_unqueue(&h, &c), 1);                 /* a timeout takes it off */
    CHECK_EQ(futex_wake(&h, &other_mm, 1, FUTEX_BITSET_MATCH_ANY), 0);
}

static void test_futex_fifo(void)
{
    struct futex_hash h;
    int mm;
    futex_hash_init(&h);
    struct futex_key k = { (const struct mm_struct *)&mm, 0x40 };
    struct futex_q q[3];
    for (int i = 0; i < 3; i++) {
        q[i] = (struct futex_q){ .key = k, .bitset = FUTEX_BITSET_MATCH_ANY, .tid = (uint32_t)i };
        futex_queue(&h, &q[i]);
    }
    CHECK_EQ(futex_wake(&h, &k, 2, FUTEX_BITSET_MATCH_ANY), 2);
    CHECK(q[0].woken && q[1].woken && !q[2].woken);     /* first queued, first woken */
}

static void test_sigstate(void)
{
    struct task_signals ts = { 0 };
    struct ksiginfo info, got;
    ts.blocked = sigmask_of(10) | sigmask_of(15) | sigmask_of(11);
    info = (struct ksiginfo){ .signo = 15, .code = KSI_USER, .pid = 7 };
    signal_queue(&ts, SIG_TO_PROCESS, &info);
    info = (struct ksiginfo){ .signo = 15, .code = KSI_USER, .pid = 8 };
    signal_queue(&ts, SIG_TO_PROCESS, &info);            /* merged: the first stays */
    info = (struct ksiginfo){ .signo = 10, .code = KSI_TKILL, .pid = 7 };
    signal_queue(&ts, SIG_TO_TASK, &info);
    CHECK_EQ(signal_pending_set(&ts), sigmask_of(10) | sigmask_of(15));
    CHECK_EQ(signal_deliverable(&ts), 0);
    ts.blocked &= ~sigmask_of(15);
    CHECK_EQ(signal_deliverable(&ts), sigmask_of(15));

    /* the task's queue first, though 15 > 10 only matters within a queue */
    info = (struct ksiginfo){ .signo = 12, .pid = 7 };
    signal_queue(&ts, SIG_TO_TASK, &info);
    CHECK_EQ(signal_dequeue(&ts, ~0ull, &got), 10);
    CHECK_EQ(got.code, (uint64_t)(int64_t)KSI_TKILL);
    CHECK_EQ(signal_dequeue(&ts, ~0ull, &got), 12);
    CHECK_EQ(signal_dequeue(&ts, ~0ull, &got), 15);
    CHECK_EQ(got.pid, 7);
    CHECK_EQ(signal_dequeue(&ts, ~0ull, &got), 0);

    /* synchronous signals first, then the lowest; mask limits what is taken */
    info = (struct ksiginfo){ .signo = 2 };
    signal_queue(&ts, SIG_TO_TASK, &info);
    info = (struct ksiginfo){ .signo = 11 };
    signal_queue(&ts, SIG_TO_TASK, &info);
    CHECK_EQ(signal_dequeue(&ts, sigmask_of(2), &got), 2);
    info = (struct ksiginfo){ .signo = 3 };
    signal_queue(&ts, SIG_TO_TASK, &info);
    CHECK_EQ(signal_dequeue(&ts, ~0ull, &got), 11);
    signal_discard(&ts, 3);
    CHECK_EQ(signal_pending_set(&ts), 0);
    info = (struct ksiginfo){ .signo = 64 };
    signal_queue(&ts, SIG_TO_PROCESS, &info);
    CHECK_EQ(signal_dequeue(&ts, ~0ull, &got), 64);
    info = (struct ksiginfo){ .signo = 65 };
    signal_queue(&ts, SIG_TO_PROCESS, &info);            /* out of range: ignored */
    CHECK_EQ(signal_pending_set(&ts), 0);
}

int main(void)
{
    test_futex_wake();
    test_futex_fifo();
    test_sigstate();
    return CHECK_DONE();
}

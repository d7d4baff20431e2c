/*
 * test_snapshot.c — kernel_snapshot() and its schedule (kernel-model/
 * snapshot.h): the values it emits are the kernel's (free pages per zone and
 * order sum to nr_free_pages, RSS and page tables the mm's), it takes no
 * seq, and the adaptive schedule doubles its interval every
 * SNAPSHOT_AUTO_DOUBLE snapshots; a fixed one does not; 0 takes none.
 */
#include "kernel-model/snapshot.h"
#include "tests/unit/task_fixture.h"

#include <string.h>

struct seen {
    unsigned events, snapshots;
    uint64_t free_pages, rss, pgtables, last_seq;
    uint32_t snap;
    int orders_ok;
};

static void sink(void *ctx, const struct event *ev)
{
    struct seen *s = ctx;
    s->events++;
    s->last_seq = ev->seq;
    if (ev->type != EV_SNAPSHOT)
        return;
    s->snapshots++;
    s->snap = ev->u.snap.snap;
    switch (ev->u.snap.metric) {
    case SNAP_FREE_PAGES:
        s->free_pages += ev->u.snap.value;
        s->orders_ok &= ev->u.snap.scope != NULL && ev->u.snap.ord >= 0 &&
                        ev->u.snap.ord < MAX_ORDER && ev->pid == 0;
        break;
    case SNAP_RSS:           s->rss = ev->u.snap.value; break;
    case SNAP_PGTABLE_PAGES: s->pgtables = ev->u.snap.value; break;
    }
}

static void test_values(void)
{
    struct sys s;
    struct seen seen = { .orders_ok = 1 };
    struct task_struct *t = boot_task(&s);
    s.k.events = test_stream(&seen, sink);
    uint32_t va = user_page(t);
    CHECK_EQ(mm_populate(t->mm, va, va + PAGE_SIZE), FAULT_OK);   /* one resident page */
    uint64_t next_seq = fixture_stream.next_seq;
    memset(&seen, 0, sizeof seen);
    seen.orders_ok = 1;
    kernel_snapshot(&s.k, &t, 1);
    CHECK_EQ(fixture_stream.next_seq, next_seq);          /* no seq taken */
    CHECK_EQ(seen.last_seq, next_seq - 1);                /* the last event's */
    CHECK_EQ(seen.snap, 1);
    CHECK(seen.orders_ok);
    CHECK_EQ(seen.free_pages, nr_free_pages(&s.k.pgdat));
    CHECK_EQ(seen.rss, t->mm->rss_pages);
    CHECK(seen.rss >= 1);
    CHECK_EQ(seen.pgtables, t->mm->pgtable_pages);
    CHECK(seen.pgtables >= 1);
    s.k.events = NULL;
    task_free(t);
    sys_fini(&s);                       /* every frame came back */
}

/* Take snapshots as the engine does (when the clock reaches next_cycle)
 * until n are taken; return the interval in force. */
static uint64_t run_until(struct sys *s, struct task_struct *t, uint32_t n)
{
    while (s->k.snapshot.nr < n && s->k.snapshot.next_cycle != UINT64_MAX) {
        fixture_cycles = s->k.snapshot.next_cycle;
        kernel_snapshot(&s->k, &t, 1);
    }
    return s->k.snapshot.every;
}

static void test_schedule(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    fixture_cycles = 100;
    snapshot_schedule_start(&s.k, SNAPSHOT_EVERY_AUTO);
    CHECK_EQ(s.k.snapshot.next_cycle, 100 + SNAPSHOT_AUTO_FIRST);
    CHECK_EQ(run_until(&s, t, SNAPSHOT_AUTO_DOUBLE - 1), SNAPSHOT_AUTO_FIRST);
    CHECK_EQ(run_until(&s, t, SNAPSHOT_AUTO_DOUBLE), 2 * SNAPSHOT_AUTO_FIRST);
    CHECK_EQ(run_until(&s, t, 3 * SNAPSHOT_AUTO_DOUBLE), 8 * SNAPSHOT_AUTO_FIRST);
    /* a clock jump (a sleep) gives one snapshot, the next from now */
    fixture_cycles = s.k.snapshot.next_cycle + 1000000;
    kernel_snapshot(&s.k, &t, 1);
    CHECK_EQ(s.k.snapshot.next_cycle, fixture_cycles + s.k.snapshot.every);

    snapshot_schedule_start(&s.k, 777);
    CHECK_EQ(run_until(&s, t, s.k.snapshot.nr + 200), 777);
    fixture_cycles = 5;
    snapshot_schedule_start(&s.k, 0);
    CHECK_EQ(s.k.snapshot.next_cycle, UINT64_MAX);
    kernel_snapshot(&s.k, &t, 1);                          /* at exit: still one */
    CHECK_EQ(s.k.snapshot.next_cycle, UINT64_MAX);
    task_free(t);
    sys_fini(&s);                       /* every frame came back */
}

int main(void)
{
    (void)fixture_syscall;              /* task_fixture.h's, for the syscall tests */
    test_values();
    test_schedule();
    return CHECK_DONE();
}

/*
 * snapshot.c — kernel_snapshot(): the memory state as EV_SNAPSHOT events
 * (snapshot.h).
 */
#include "kernel-model/snapshot.h"
#include "kernel-model/mm.h"
#include "kernel-model/sched.h"

#include <string.h>

static uint64_t now_cycles(const struct kernel *k)
{
    return k->clock.cycles ? *k->clock.cycles : 0;
}

void snapshot_schedule_start(struct kernel *k, uint64_t every)
{
    struct snapshot_schedule *s = &k->snapshot;
    uint64_t now = now_cycles(k);
    s->double_after = every == SNAPSHOT_EVERY_AUTO ? SNAPSHOT_AUTO_DOUBLE : 0;
    s->every = every == SNAPSHOT_EVERY_AUTO ? SNAPSHOT_AUTO_FIRST : every;
    s->next_cycle = s->every ? now + s->every : UINT64_MAX;
}

/* After snapshot nr: the next one's cycle (the interval doubles every
 * double_after snapshots).  From now, not from the missed deadline: a
 * sleep that jumps the clock gets one snapshot, not a burst. */
static void schedule_next(struct snapshot_schedule *s, uint64_t now)
{
    if (!s->every)
        return;
    if (s->double_after && s->nr % s->double_after == 0 && s->every < UINT64_MAX / 4)
        s->every *= 2;
    s->next_cycle = now + s->every;
}

static void emit_value(struct kernel *k, struct event *ev, enum snapshot_metric metric,
                       const char *scope, int32_t ord, uint64_t value)
{
    ev->u.snap.metric = (uint8_t)metric;
    ev->u.snap.scope = scope;
    ev->u.snap.ord = ord;
    ev->u.snap.value = value;
    event_emit_unsequenced(k->events, ev);
}

/* free pages per zone and order, as /proc/buddyinfo (there in blocks) */
static void snapshot_free_area(struct kernel *k, struct event *ev)
{
    ev->pid = ev->tid = 0;
    for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
        const struct zone *zone = &k->pgdat.node_zones[z];
        if (!zone->spanned_pages)
            continue;
        for (unsigned o = 0; o < MAX_ORDER; o++)
            emit_value(k, ev, SNAP_FREE_PAGES, zone->name, (int32_t)o,
                       (uint64_t)zone->free_area[o].nr_free << o);
    }
}

void kernel_snapshot(struct kernel *k, struct task_struct *const tasks[], unsigned nr)
{
    struct snapshot_schedule *s = &k->snapshot;
    struct event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = EV_SNAPSHOT;
    ev.u.snap.snap = ++s->nr;
    if (k->events) {
        snapshot_free_area(k, &ev);
        for (unsigned i = 0; i < nr; i++) {
            const struct mm_struct *mm = tasks[i] ? tasks[i]->mm : NULL;
            if (!mm)
                continue;
            task_event_ids(tasks[i], &ev);
            emit_value(k, &ev, SNAP_RSS, NULL, -1, mm->rss_pages);
            emit_value(k, &ev, SNAP_PGTABLE_PAGES, NULL, -1, mm->pgtable_pages);
        }
    }
    schedule_next(s, now_cycles(k));
}

/* Every live process once (its thread-group leader, or the first live
 * thread standing for it), in pid order; at most SNAPSHOT_MAX_TASKS. */
void kernel_snapshot_live(struct kernel *k)
{
    struct task_struct *v[SNAPSHOT_MAX_TASKS], *t;
    unsigned n = 0;
    for_each_task(k, t) {
        if (task_dead(t) || !t->mm || n == SNAPSHOT_MAX_TASKS)
            continue;
        unsigned i = 0;
        while (i < n && v[i]->tgid != t->tgid)
            i++;
        if (i == n)
            v[n++] = t;
    }
    kernel_snapshot(k, v, n);
}

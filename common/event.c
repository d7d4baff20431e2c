/*
 * event.c — the event stream: stamping, fan-out to the sinks, causes, and
 * the names of the enums events carry.
 */
#include "common/event.h"

#include <string.h>

void event_stream_init(struct event_stream *s, const uint64_t *clock)
{
    memset(s, 0, sizeof *s);
    s->next_seq = 1;
    s->clock = clock;
}

int event_stream_add_sink(struct event_stream *s, void *ctx,
                          void (*consume)(void *ctx, const struct event *ev))
{
    if (s->nr_sinks == EVENT_MAX_SINKS)
        return -1;
    s->sinks[s->nr_sinks++] = (struct event_sink){ ctx, consume };
    return 0;
}

void event_stream_remove_sink(struct event_stream *s, void *ctx)
{
    unsigned n = 0;
    for (unsigned i = 0; i < s->nr_sinks; i++)
        if (s->sinks[i].ctx != ctx)
            s->sinks[n++] = s->sinks[i];
    s->nr_sinks = n;
}

uint64_t event_emit(struct event_stream *s, struct event *ev)
{
    if (!s)
        return 0;
    ev->seq = s->next_seq++;
    ev->cycle = s->clock ? *s->clock : 0;
    ev->cause = s->cause;
    for (unsigned i = 0; i < s->nr_sinks; i++)
        s->sinks[i].consume(s->sinks[i].ctx, ev);
    return ev->seq;
}

void event_emit_unsequenced(struct event_stream *s, struct event *ev)
{
    if (!s)
        return;
    ev->seq = s->next_seq - 1;
    ev->cycle = s->clock ? *s->clock : 0;
    ev->cause = s->cause;
    for (unsigned i = 0; i < s->nr_sinks; i++)
        s->sinks[i].consume(s->sinks[i].ctx, ev);
}

uint64_t event_cause_begin(struct event_stream *s, struct event *ev)
{
    if (!s)
        return 0;
    uint64_t prev = s->cause;
    s->cause = event_emit(s, ev);
    return prev;
}

void event_cause_end(struct event_stream *s, struct event *ev, uint64_t prev)
{
    if (!s)
        return;
    s->cause = prev;
    if (ev)
        event_emit(s, ev);
}

uint64_t event_syscall_enter(struct event_stream *s, uint32_t pid, uint32_t tid, uint32_t nr,
                             const char *name, const uint32_t args[6], uint64_t *prev)
{
    struct event ev = { .type = EV_SYSCALL_ENTER, .pid = pid, .tid = tid };
    ev.u.syscall.nr = nr;
    ev.u.syscall.name = name;
    memcpy(ev.u.syscall.args, args, sizeof ev.u.syscall.args);
    *prev = event_cause_begin(s, &ev);
    return ev.seq;
}

void event_syscall_exit(struct event_stream *s, uint32_t pid, uint32_t tid, uint32_t nr,
                        const char *name, const uint32_t args[6], int32_t ret,
                        uint64_t enter_seq, uint64_t prev)
{
    struct event ev = { .type = EV_SYSCALL_EXIT, .pid = pid, .tid = tid };
    ev.u.syscall.nr = nr;
    ev.u.syscall.name = name;
    memcpy(ev.u.syscall.args, args, sizeof ev.u.syscall.args);
    ev.u.syscall.ret = ret;
    ev.u.syscall.enter_seq = enter_seq;
    event_cause_end(s, &ev, prev);
}

/* ---- names ---- */

const char *event_type_name(enum event_type t)
{
    static const char *const names[EV_NR_TYPES] = {
        [EV_SYSCALL_ENTER] = "syscall-enter", [EV_SYSCALL_EXIT] = "syscall-exit",
        [EV_FAULT_BEGIN] = "fault-begin", [EV_FAULT] = "fault", [EV_WALK] = "walk",
        [EV_ALLOC] = "alloc", [EV_FREE] = "free", [EV_VMA] = "vma",
        [EV_TLB_FLUSH] = "tlb-flush", [EV_SEGMENT] = "segment",
        [EV_PROCESS_START] = "process-start", [EV_PROCESS_EXIT] = "process-exit",
        [EV_UACCESS] = "uaccess", [EV_FILE_MAP] = "file-map", [EV_SNAPSHOT] = "snapshot",
        [EV_PROC_FILE] = "proc-file",
        [EV_PAGE_CACHE] = "page-cache", [EV_SCHED_SWITCH] = "sched-switch",
        [EV_SIGNAL_FRAME] = "signal-frame", [EV_TIMER_FIRE] = "timer-fire",
    };
    return (unsigned)t < EV_NR_TYPES && names[t] ? names[t] : "?";
}

const char *switch_reason_name(enum switch_reason r)
{
    static const char *const names[SWITCH_NR] = {
        [SWITCH_PREEMPTED] = "preempted", [SWITCH_BLOCKED] = "blocked",
        [SWITCH_EXITED] = "exited", [SWITCH_YIELDED] = "yielded",
    };
    return (unsigned)r < SWITCH_NR ? names[r] : "?";
}

const char *fault_kind_name(enum fault_kind k)
{
    static const char *const names[FK_NR] = {
        [FK_BAD] = "bad", [FK_ANON] = "anon", [FK_FILE] = "file", [FK_COW] = "cow",
        [FK_STACK] = "stack", [FK_SPURIOUS] = "spurious",
    };
    return (unsigned)k < FK_NR ? names[k] : "?";
}

const char *fault_resolution_name(enum fault_resolution r)
{
    static const char *const names[FR_NR] = {
        [FR_NONE] = "none", [FR_DEMAND_ZERO] = "demand-zero", [FR_ZERO_PAGE] = "zero-page",
        [FR_FILE_READ] = "file-read", [FR_COW_COPY] = "cow-copy", [FR_COW_ZERO] = "cow-zero",
        [FR_COW_REUSE] = "cow-reuse", [FR_SIGSEGV_MAPERR] = "SIGSEGV/SEGV_MAPERR",
        [FR_SIGSEGV_ACCERR] = "SIGSEGV/SEGV_ACCERR", [FR_SIGBUS] = "SIGBUS",
        [FR_OOM] = "OOM", [FR_BAD_PAGETABLE] = "bad-pagetable",
    };
    return (unsigned)r < FR_NR ? names[r] : "?";
}

const char *alloc_allocator_name(enum alloc_allocator a)
{
    static const char *const names[ALLOCATOR_NR] = {
        [ALLOCATOR_BOOTMEM] = "bootmem", [ALLOCATOR_BUDDY] = "buddy",
        [ALLOCATOR_SLAB] = "slab", [ALLOCATOR_VMALLOC] = "vmalloc",
    };
    return (unsigned)a < ALLOCATOR_NR ? names[a] : "?";
}

const char *alloc_op_name(enum alloc_op op)
{
    static const char *const names[ALLOC_OP_NR] = {
        [ALLOC_OP_ALLOC] = "alloc", [ALLOC_OP_FREE] = "free", [ALLOC_OP_RESERVE] = "reserve",
    };
    return (unsigned)op < ALLOC_OP_NR ? names[op] : "?";
}

const char *vma_op_name(enum vma_op op)
{
    static const char *const names[VMA_OP_NR] = {
        [VMA_OP_MAP] = "map", [VMA_OP_UNMAP] = "unmap", [VMA_OP_PROTECT] = "protect",
        [VMA_OP_GROW] = "grow", [VMA_OP_BRK] = "brk",
    };
    return (unsigned)op < VMA_OP_NR ? names[op] : "?";
}

const char *flush_kind_name(enum flush_kind k)
{
    switch (k) {
    case FLUSH_INVLPG: return "invlpg";
    case FLUSH_CR3:    return "cr3";
    case FLUSH_ALL:    return "all";
    case FLUSH_MODE:   return "mode";
    }
    return "?";
}

const char *uaccess_dir_name(enum uaccess_dir d)
{
    static const char *const names[] = { [UA_READ] = "read", [UA_WRITE] = "write",
                                         [UA_STRING] = "string" };
    return (unsigned)d <= UA_STRING ? names[d] : "?";
}

const char *snapshot_metric_name(enum snapshot_metric m)
{
    static const char *const names[SNAP_NR] = {
        [SNAP_FREE_PAGES] = "free-pages", [SNAP_RSS] = "rss",
        [SNAP_PGTABLE_PAGES] = "pgtable-pages",
    };
    return (unsigned)m < SNAP_NR ? names[m] : "?";
}

const char *pagecache_op_name(enum pagecache_op op)
{
    static const char *const names[PGCACHE_NR] = {
        [PGCACHE_ADD] = "add", [PGCACHE_DELETE] = "delete", [PGCACHE_RECLAIM] = "reclaim",
        [PGCACHE_DIRTY] = "dirty", [PGCACHE_WRITEBACK] = "writeback",
    };
    return (unsigned)op < PGCACHE_NR ? names[op] : "?";
}

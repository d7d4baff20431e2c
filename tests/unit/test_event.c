/*
 * test_event.c — the event stream (common/event.h): seq is assigned at
 * emission, strictly increasing and the same for every sink; cycle is read
 * from the clock; causes link an allocation to the fault that made it and a
 * fault to the system call it happened in; the timing model hears of a fault
 * before its event.
 */
#include "tests/unit/kernel_fixture.h"

#include <stdint.h>
#include <string.h>


/* ---- a sink that logs every event ---------------------------------------- */

#define LOG_MAX 512

struct log {
    unsigned n;
    struct event ev[LOG_MAX];
};

static void log_event(void *ctx, const struct event *ev)
{
    struct log *l = ctx;
    if (l->n < LOG_MAX)
        l->ev[l->n] = *ev;
    l->n++;
}

/* The first event of type in l after index from, or NULL. */
static const struct event *find(const struct log *l, unsigned from, enum event_type type)
{
    for (unsigned i = from; i < l->n && i < LOG_MAX; i++)
        if (l->ev[i].type == type)
            return &l->ev[i];
    return NULL;
}

static struct log a, b;

/* ---- seq and cycle ------------------------------------------------------- */

static void test_seq_every_sink(void)
{
    struct event_stream s;
    uint64_t clock = 10;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    event_stream_init(&s, &clock);
    CHECK_EQ(event_stream_add_sink(&s, &a, log_event), 0);
    CHECK_EQ(event_stream_add_sink(&s, &b, log_event), 0);

    static const enum event_type types[] = { EV_WALK, EV_ALLOC, EV_VMA, EV_TLB_FLUSH, EV_WALK };
    for (unsigned i = 0; i < 5; i++) {
        struct event ev = { .type = types[i], .pid = 1 };
        clock += 5;
        CHECK_EQ(event_emit(&s, &ev), i + 1);
    }
    uint64_t prev;
    uint32_t args[6] = { 1, 2, 3, 4, 5, 6 };
    uint64_t enter = event_syscall_enter(&s, 1, 1, 45, "brk", args, &prev);
    struct event inner = { .type = EV_ALLOC };
    event_emit(&s, &inner);
    event_syscall_exit(&s, 1, 1, 45, "brk", args, -12, enter, prev);

    CHECK_EQ(a.n, 8);
    CHECK_EQ(b.n, 8);
    CHECK(memcmp(a.ev, b.ev, sizeof a.ev[0] * 8) == 0);      /* every sink, the same events */
    for (unsigned i = 0; i < a.n; i++) {
        CHECK_EQ(a.ev[i].seq, i + 1);                          /* 1, 2, 3 ...: no gaps, no sink's own */
        if (i)
            CHECK(a.ev[i].cycle >= a.ev[i - 1].cycle);
    }
    CHECK_EQ(a.ev[0].cycle, 15);
    CHECK_EQ(a.ev[4].cycle, 35);
    CHECK_EQ(a.ev[5].type, EV_SYSCALL_ENTER);
    CHECK_EQ(a.ev[6].cause, enter);                           /* inside the call */
    CHECK_EQ(a.ev[7].type, EV_SYSCALL_EXIT);
    CHECK_EQ(a.ev[7].cause, 0);                               /* the call itself: the enclosing cause */
    CHECK_EQ(a.ev[7].u.syscall.enter_seq, enter);
    CHECK_EQ(a.ev[7].u.syscall.ret, -12);
    CHECK_EQ(s.cause, 0);

    /* A removed sink hears nothing more; a NULL stream emits nothing. */
    event_stream_remove_sink(&s, &b);
    struct event ev = { .type = EV_WALK };
    event_emit(&s, &ev);
    CHECK_EQ(a.n, 9);
    CHECK_EQ(b.n, 8);
    CHECK_EQ(event_emit(NULL, &ev), 0);
    CHECK_STR(fault_resolution_name(FR_SIGSEGV_MAPERR), "SIGSEGV/SEGV_MAPERR");
    CHECK_STR(fault_kind_name(FK_COW), "cow");
    CHECK_STR(event_type_name(EV_FAULT_BEGIN), "fault-begin");
}

/* ---- causes in the kernel model ------------------------------------------ */

static uint64_t charged_at;       /* the stream's next seq when the timing model heard */
static enum fault_resolution charged;

static void on_timing(void *ctx, enum fault_resolution r)
{
    struct event_stream *s = ctx;
    charged_at = s->next_seq;
    charged = r;
}

static void test_fault_causes(void)
{
    struct sys sys;
    memset(&a, 0, sizeof a);
    struct event_stream *s = test_stream(&a, log_event);
    if (sys_boot(&sys, 64 * MiB, s, 5))
        return;
    sys.k.timing = (struct fault_timing){ s, on_timing };
    long addr = do_mmap(sys.mm, 0, 4 * PG, PROT_READ_ | PROT_WRITE_,
                        MAP_PRIVATE_ | MAP_ANONYMOUS_, NULL, 0, 0, NULL);
    CHECK(addr > 0);

    /* A write fault outside any call: demand-zero, one frame for the page
     * table and one for the page, both caused by the fault. */
    unsigned from = a.n;
    CHECK_EQ(do_page_fault(sys.mm, (uint32_t)addr, X86_PF_USER | X86_PF_WRITE, MMU_WRITE, 0x1000),
             FAULT_OK);
    const struct event *begin = find(&a, from, EV_FAULT_BEGIN);
    const struct event *alloc = find(&a, from, EV_ALLOC);
    const struct event *fault = find(&a, from, EV_FAULT);
    CHECK(begin && alloc && fault);
    if (!begin || !alloc || !fault)
        return;
    CHECK_EQ(begin->cause, 0);
    CHECK_EQ(alloc->cause, begin->seq);
    CHECK(alloc->seq > begin->seq && fault->seq > alloc->seq);
    CHECK_EQ(fault->cause, 0);
    CHECK_EQ(fault->u.fault.begin_seq, begin->seq);
    CHECK_EQ(fault->u.fault.resolution, FR_DEMAND_ZERO);
    CHECK_EQ(fault->u.fault.kind, FK_ANON);
    CHECK_EQ(fault->pid, 5);
    CHECK_EQ(charged, FR_DEMAND_ZERO);
    CHECK_EQ(charged_at, fault->seq);          /* timed before its event went out */
    for (const struct event *e = alloc; e < fault; e++)
        if (e->type == EV_ALLOC)
            CHECK_EQ(e->cause, begin->seq);

    /* A fault inside a system call (a uaccess fault): the fault is caused by
     * the call, its allocation by the fault; after the call, no cause. */
    uint32_t args[6] = { 0 };
    uint64_t prev, enter = event_syscall_enter(s, 5, 5, 3, "read", args, &prev);
    from = a.n;
    CHECK_EQ(do_page_fault(sys.mm, (uint32_t)addr + PG, X86_PF_WRITE, MMU_WRITE, 0), FAULT_OK);
    event_syscall_exit(s, 5, 5, 3, "read", args, 1, enter, prev);
    begin = find(&a, from, EV_FAULT_BEGIN);
    alloc = find(&a, from, EV_ALLOC);
    fault = find(&a, from, EV_FAULT);
    CHECK(begin && alloc && fault);
    if (begin && alloc && fault) {
        CHECK_EQ(begin->cause, enter);
        CHECK_EQ(alloc->cause, begin->seq);
        CHECK_EQ(fault->cause, enter);
    }
    CHECK_EQ(s->cause, 0);

    /* A fault no VMA covers: SIGSEGV, still timed and recorded. */
    from = a.n;
    CHECK_EQ(do_page_fault(sys.mm, 0x10, X86_PF_USER, MMU_READ, 0x2000), FAULT_SIGSEGV_MAPERR);
    fault = find(&a, from, EV_FAULT);
    CHECK(fault && fault->u.fault.resolution == FR_SIGSEGV_MAPERR && fault->u.fault.kind == FK_BAD);
    CHECK_EQ(charged, FR_SIGSEGV_MAPERR);
    sys_fini(&sys);
}

static void run_all(void)
{
    test_fault_causes();
}

int main(void)
{
    test_seq_every_sink();
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

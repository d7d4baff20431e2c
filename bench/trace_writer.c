/*
 * trace_writer.c — the trace writer's own speed, rows per second, without
 * the emulator: N synthetic events through trace_consume() into a real
 * trace file (the same open, pragmas, prepared inserts, batches, replay log
 * and close as a run), timed around the writer calls only.
 *
 *   trace_writer_bench [--rows N] [--mix walks|run] [--db PATH]
 *
 * --mix run (default): the shape of a recorded default-level trace —
 * translations are most rows (about 1 in 10 caused by a fault or a system
 * call, so also a replay-log record), then faults, allocations and frees,
 * system calls with their user-memory copies, VMA changes, snapshots.
 * --mix walks: translations only (the most numerous table).
 *
 * Prints one line: rows, seconds from the first trace_consume until the
 * writer thread has written and committed them all (wall, and CPU of both
 * threads), the rows/s of that, and the seconds of trace_close (the end-of-run indexes, the last
 * batch) with the rows/s over both.  bench/trace_cost.sh runs it.
 */
#include "common/event.h"
#include "mmu/mmu_events.h"
#include "trace/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct gen {
    uint64_t seq, cycle, rng;
    uint32_t snap;
};

static uint32_t next_rand(struct gen *g)
{
    g->rng = g->rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(g->rng >> 33);
}

static void stamp(struct gen *g, struct event *ev, enum event_type type, uint64_t cause)
{
    memset(ev, 0, sizeof *ev);
    ev->seq = ++g->seq;
    ev->cycle = (g->cycle += 40 + next_rand(g) % 200);
    ev->cause = cause;
    ev->pid = ev->tid = 1;
    ev->type = type;
}

static void make_walk(struct gen *g, struct event *ev, uint64_t cause)
{
    stamp(g, ev, EV_WALK, cause);
    struct walk_event *w = &ev->u.walk;
    uint32_t r = next_rand(g);
    w->vaddr = 0x08048000u + (r % 4096u) * 4096u + (r & 0xffc);
    w->access = (uint8_t)(r % 3);
    w->user = 1;
    w->levels = 2;
    w->entry_addr[0] = 0x1000 + ((w->vaddr >> 22) << 2);
    w->entry_val[0] = 0x2067;
    w->entry_addr[1] = 0x2000 + (((w->vaddr >> 12) & 1023) << 2);
    w->entry_val[1] = ((uint64_t)(r % 60000u) << 12) | 0x67;
    w->paddr = (w->entry_val[1] & ~0xfffull) | (w->vaddr & 0xfff);
}

/* One event of the run-shaped mix (shares in thousandths of the events). */
static void make_mixed(struct gen *g, struct event *ev)
{
    static const char *const names[] = { "read", "write", "mmap2", "brk", "munmap" };
    static uint8_t payload[64];
    uint32_t r = next_rand(g) % 1000;
    uint64_t cause = next_rand(g) % 10 == 0 ? g->seq : 0;
    if (r < 780) {
        make_walk(g, ev, cause);
    } else if (r < 840) {
        stamp(g, ev, EV_FAULT, 0);
        struct fault_event *f = &ev->u.fault;
        f->eip = 0x08049000u + r;
        f->address = 0x40000000u + next_rand(g) % (1u << 24);
        f->error_code = 6;
        f->access = MMU_WRITE;
        f->kind = FK_ANON;
        f->resolution = FR_DEMAND_ZERO;
        f->pfn = next_rand(g) % 60000u;
        f->begin_seq = ev->seq - 1;
    } else if (r < 920) {
        stamp(g, ev, r & 1 ? EV_ALLOC : EV_FREE, g->seq);
        struct alloc_event *a = &ev->u.alloc;
        a->allocator = ALLOCATOR_BUDDY;
        a->op = r & 1 ? ALLOC_OP_ALLOC : ALLOC_OP_FREE;
        a->order = r % 3 == 0;
        a->pfn = next_rand(g) % 60000u;
        a->zone = "Normal";
        a->purpose = r % 5 ? "anon" : "pgtable";
    } else if (r < 960) {
        stamp(g, ev, EV_SYSCALL_EXIT, 0);
        struct syscall_event *s = &ev->u.syscall;
        s->nr = 3 + r % 5;
        s->name = names[r % 5];
        for (int i = 0; i < 6; i++)
            s->args[i] = next_rand(g);
        s->ret = (int32_t)(r % 7) - 2;
        s->enter_seq = ev->seq - 1;
    } else if (r < 985) {
        stamp(g, ev, EV_UACCESS, g->seq);
        struct uaccess_event *u = &ev->u.uaccess;
        u->dir = UA_READ;
        u->addr = 0xbfff0000u + r;
        u->len = 1 + r % 64;
        u->data = payload;
    } else if (r < 995) {
        stamp(g, ev, EV_VMA, g->seq);
        struct vma_event *m = &ev->u.vma;
        m->op = VMA_OP_MAP;
        m->start = 0x40000000u + (r << 12);
        m->end = m->start + 0x10000;
        m->prot = 3;
        m->flags = 0x73;
        m->name = "";
    } else {
        stamp(g, ev, EV_SNAPSHOT, 0);
        ev->seq = --g->seq;              /* snapshots take no seq of their own */
        struct snapshot_event *s = &ev->u.snap;
        s->snap = ++g->snap;
        s->metric = SNAP_FREE_PAGES;
        s->scope = "Normal";
        s->ord = (int32_t)(r % 11);
        s->value = next_rand(g) % 60000u;
    }
}

int main(int argc, char **argv)
{
    uint64_t rows = 2000000;
    const char *mix = "run";
    char path[256];
    snprintf(path, sizeof path, "/tmp/memsim-trace-bench-%d.db", (int)getpid());
    const char *db = path;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rows") && i + 1 < argc)
            rows = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--mix") && i + 1 < argc)
            mix = argv[++i];
        else if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--rows N] [--mix walks|run] [--db PATH]\n", argv[0]);
            return 2;
        }
    }
    int walks_only = !strcmp(mix, "walks");
    if (!walks_only && strcmp(mix, "run")) {
        fprintf(stderr, "%s: --mix: walks or run, not '%s'\n", argv[0], mix);
        return 2;
    }
    char err[512];
    struct trace *t = trace_open(db, err, sizeof err);
    if (!t) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct trace_run_info info = { .program = "bench", .args = "", .options = "" };
    trace_begin_run(t, &info);

    struct gen g = { .rng = 42 };
    struct event ev;
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    /* Every event type but the enters and begins has a row. */
    for (uint64_t made = 0; made < rows;) {
        if (walks_only)
            make_walk(&g, &ev, 0);
        else
            make_mixed(&g, &ev);
        trace_consume(t, &ev);
        made += ev.type != EV_SYSCALL_ENTER && ev.type != EV_FAULT_BEGIN;
    }
    trace_commit(t);        /* waits for the writer thread: every row written */
    double w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
    struct trace_run_totals totals = { .exit_reason = "exit" };
    trace_end_run(t, &totals);
    uint64_t written = trace_rows(t);
    int rc = trace_close(t, err, sizeof err);
    double w2 = now(CLOCK_MONOTONIC);
    if (db == path)
        unlink(path);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    /* The generator is part of the timed loop: it is a few ns an event. */
    printf("mix %s rows %llu consume %.3f s (cpu %.3f s) %.0f rows/s close %.3f s"
           " total %.0f rows/s\n", mix, (unsigned long long)written, w1 - w0, c1 - c0,
           written / (w1 - w0), w2 - w1, written / (w2 - w0));
    return 0;
}

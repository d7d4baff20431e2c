/*
 * access_rec.c — the recorder of the access stream (--trace accesses).
 * The CPU's hooks encode each instruction and data access into the
 * encoder's fixed buffer (common/access_stream.h, no allocation or I/O per
 * access); a full block goes to the trace (trace/access_stream.h).  This
 * sink of the event stream puts a marker at every syscall enter, fault
 * begin, context switch and timer expiry, so a replay can interleave the
 * accesses with the kernel's events (the accesses after a switch are the
 * next task's, those after a timer's its handler's).
 */
#include <stdlib.h>
#include "emu/machine.h"
#include "trace/access_stream.h"

static void mark_event(void *ctx, const struct event *ev)
{
    struct access_encoder *e = ctx;
    if (ev->type == EV_SYSCALL_ENTER || ev->type == EV_FAULT_BEGIN || ev->type == EV_SCHED_SWITCH ||
        ev->type == EV_TIMER_FIRE)
        access_put_mark(e, ev->seq);
}

int access_rec_start(struct machine *m, uint32_t every, uint32_t window)
{
    if (!m->trace)
        return 0;
    if (!(m->rec = malloc(sizeof *m->rec))) {
        snprintf(m->error, sizeof m->error, "out of host memory");
        return -1;
    }
    access_encoder_init(m->rec, &m->events.next_seq, trace_access_block, m->trace);
    if (every) {
        access_encoder_sample(m->rec, every, window);
        if (trace_access_sampling(m->trace, every, window, NULL)) {
            free(m->rec);
            m->rec = NULL;
            snprintf(m->error, sizeof m->error, "%s", trace_error(m->trace));
            return -1;
        }
    }
    if (event_stream_add_sink(&m->events, m->rec, mark_event)) {
        free(m->rec);
        m->rec = NULL;
        snprintf(m->error, sizeof m->error, "cannot record the access stream: too many sinks");
        return -1;
    }
    return 0;
}

int access_rec_finish(struct machine *m)
{
    if (!m->rec)
        return 0;
    uint64_t seen = access_encoder_seen(m->rec);     /* before the last block goes */
    int rc = access_encoder_finish(m->rec) || m->rec->failed ? -1 : 0;
    if (!rc && m->rec->every && trace_access_sampling(m->trace, m->rec->every, m->rec->window, &seen))
        rc = -1;
    event_stream_remove_sink(&m->events, m->rec);
    free(m->rec);
    m->rec = NULL;
    return rc;
}

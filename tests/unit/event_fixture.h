/*
 * event_fixture.h — an event stream with one test sink, for unit tests of
 * modules that emit events (common/event.h).  The stream is static: it
 * outlives the fixture that points at it.
 */
#ifndef MEMSIM_EVENT_FIXTURE_H
#define MEMSIM_EVENT_FIXTURE_H

#include "common/event.h"

static struct event_stream fixture_stream;

/* A fresh stream (no clock) whose one sink is fn(ctx, ev). */
static inline struct event_stream *test_stream(void *ctx, void (*fn)(void *ctx, const struct event *ev))
{
    event_stream_init(&fixture_stream, NULL);
    if (fn)
        event_stream_add_sink(&fixture_stream, ctx, fn);
    return &fixture_stream;
}

#endif

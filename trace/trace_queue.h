/*
 * trace_queue.h — the hand-off between the thread that runs the guest and
 * the trace's writer thread.
 *
 * The emulator emits an event and goes on: trace_queue_put() copies it,
 * with the bytes its pointers name where they do not live forever, into
 * the current chunk (a plain append, no lock, no allocation).  A full
 * chunk goes to the writer thread, which turns its events into rows
 * (SQLite) in the order they were put, while the emulator fills the next
 * one.  A fixed pool of chunks bounds the memory: when every chunk waits
 * for the writer, the emulator waits for one to come back.
 *
 * Contract:
 *   - One producer thread (the caller of put/sync/stop) and the one writer
 *     thread the queue starts; the write callback runs only on the writer
 *     thread, or on the producer's thread while the writer is held idle
 *     (trace_queue_sync writes what waits itself; an event too big for a
 *     chunk).
 *   - After trace_queue_sync() returns, every event put before it has been
 *     written and the writer is idle until the next put: the producer may
 *     use what the writer uses (the database) until then.
 *   - Strings of alloc, syscall, snapshot and proc-file events must be
 *     static (names from tables); vma names, file paths, process comm and
 *     exit reason, uaccess bytes and a proc file's text are copied.
 *   - The writer thread blocks every signal: the process's handlers run on
 *     the emulator's thread.
 */
#ifndef MEMSIM_TRACE_QUEUE_H
#define MEMSIM_TRACE_QUEUE_H

#include "common/event.h"

struct trace_queue;

typedef void trace_write_fn(void *ctx, const struct event *ev);

/* A queue whose writer thread calls write(ctx, ev) for every event put;
 * NULL (and why in err) when memory or the thread cannot be had. */
struct trace_queue *trace_queue_start(trace_write_fn *write, void *ctx,
                                      char *err, size_t errlen);
void trace_queue_put(struct trace_queue *q, const struct event *ev);
/* Wait until every event put so far is written. */
void trace_queue_sync(struct trace_queue *q);
/* Sync, end the writer thread and free the queue (NULL: nothing). */
void trace_queue_stop(struct trace_queue *q);

#endif

/*
 * trace_queue.c — chunks of copied events from the emulator's thread to
 * the trace's writer thread (trace_queue.h).
 *
 * Why chunks and not a ring of single events: the producer's side of a put
 * is then a bounds check and a copy, with no atomic and no lock; the lock
 * is taken once per chunk (thousands of events), so the two threads meet
 * rarely.  A record is the event followed by the bytes of its copied
 * strings, its pointers redirected to them, rounded up to the event's
 * alignment.
 */
#include "trace/trace_queue.h"

#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include "common/errmsg.h"

#define CHUNK_BYTES (256u * 1024u)
#define NR_CHUNKS   8u      /* 2 MiB at most waits for the writer */

struct chunk {
    struct chunk *next;
    size_t used;
    alignas(struct event) unsigned char data[CHUNK_BYTES];
};

struct trace_queue {
    trace_write_fn *write;
    void *ctx;
    struct chunk *cur;              /* the producer's; not in a list */
    pthread_mutex_t lock;           /* guards everything below */
    pthread_cond_t work, room, idle;
    struct chunk *full, **full_end; /* waiting for the writer, oldest first */
    struct chunk *spare;            /* written, free for the producer */
    int busy;                       /* the writer holds a chunk */
    int syncing;                    /* the producer writes: the writer takes none */
    int stop;
    pthread_t thread;
};

#define REC_ALIGN alignof(struct event)

static size_t round_up(size_t n)
{
    return (n + REC_ALIGN - 1) & ~(REC_ALIGN - 1);
}

static size_t str_bytes(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* The bytes an event's copied pointers need after it. */
static size_t extra_bytes(const struct event *ev)
{
    switch (ev->type) {
    case EV_VMA:      return str_bytes(ev->u.vma.name);
    case EV_FILE_MAP: return str_bytes(ev->u.file_map.path);
    case EV_UACCESS:  return ev->u.uaccess.data ? ev->u.uaccess.len : 0;
    case EV_PROC_FILE: return ev->u.proc_file.len;
    case EV_PROCESS_START:
    case EV_PROCESS_EXIT:
        return str_bytes(ev->u.proc.comm) + str_bytes(ev->u.proc.reason) +
               str_bytes(ev->u.proc.args) + str_bytes(ev->u.proc.exe);
    case EV_SCHED_SWITCH: return str_bytes(ev->u.sched.wait);
    default:          return 0;
    }
}

/* Copy n bytes of src to *p and return where they went (NULL stays NULL). */
static const void *copy_out(unsigned char **p, const void *src, size_t n)
{
    if (!src)
        return NULL;
    void *dst = *p;
    memcpy(dst, src, n);
    *p += n;
    return dst;
}

static const char *copy_str(unsigned char **p, const char *s)
{
    return copy_out(p, s, str_bytes(s));
}

/* Write ev and its bytes at rec (room checked); returns the record's length. */
static size_t pack(unsigned char *rec, const struct event *ev, size_t extra)
{
    struct event *copy = (struct event *)rec;
    unsigned char *p = rec + sizeof *copy;
    *copy = *ev;
    switch (ev->type) {
    case EV_VMA:      copy->u.vma.name = copy_str(&p, ev->u.vma.name); break;
    case EV_FILE_MAP: copy->u.file_map.path = copy_str(&p, ev->u.file_map.path); break;
    case EV_UACCESS:
        copy->u.uaccess.data = copy_out(&p, ev->u.uaccess.data, ev->u.uaccess.len);
        break;
    case EV_PROC_FILE:
        copy->u.proc_file.data = copy_out(&p, ev->u.proc_file.data, ev->u.proc_file.len);
        break;
    case EV_PROCESS_START:
    case EV_PROCESS_EXIT:
        copy->u.proc.comm = copy_str(&p, ev->u.proc.comm);
        copy->u.proc.reason = copy_str(&p, ev->u.proc.reason);
        copy->u.proc.args = copy_str(&p, ev->u.proc.args);
        copy->u.proc.exe = copy_str(&p, ev->u.proc.exe);
        break;
    case EV_SCHED_SWITCH: copy->u.sched.wait = copy_str(&p, ev->u.sched.wait); break;
    default:
        break;
    }
    return round_up(sizeof *copy + extra);
}

static void write_chunk(struct trace_queue *q, struct chunk *c)
{
    for (size_t off = 0; off < c->used;) {
        const struct event *ev = (const struct event *)(c->data + off);
        q->write(q->ctx, ev);
        off += round_up(sizeof *ev + extra_bytes(ev));
    }
    c->used = 0;
}

static void *writer_main(void *arg)
{
    struct trace_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while ((!q->full || q->syncing) && !q->stop)
            pthread_cond_wait(&q->work, &q->lock);
        if (!q->full || q->syncing)
            break;                          /* stopped with nothing left */
        struct chunk *c = q->full;
        if (!(q->full = c->next))
            q->full_end = &q->full;
        q->busy = 1;
        pthread_mutex_unlock(&q->lock);
        write_chunk(q, c);
        pthread_mutex_lock(&q->lock);
        c->next = q->spare;
        q->spare = c;
        q->busy = 0;
        pthread_cond_signal(&q->room);
        pthread_cond_signal(&q->idle);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* Give the current chunk to the writer (if it holds anything) and take a
 * spare one, waiting for the writer when there is none. */
static void hand_off(struct trace_queue *q)
{
    if (!q->cur->used)
        return;
    pthread_mutex_lock(&q->lock);
    q->cur->next = NULL;
    *q->full_end = q->cur;
    q->full_end = &q->cur->next;
    pthread_cond_signal(&q->work);
    while (!q->spare)
        pthread_cond_wait(&q->room, &q->lock);
    q->cur = q->spare;
    q->spare = q->cur->next;
    pthread_mutex_unlock(&q->lock);
}

/*
 * The producer writes what waits itself, in order: the chunk the writer is
 * on (if any) is finished first, then the full ones and the current one
 * are written on this thread.  Waking the writer to do it and waiting for
 * it would cost two thread switches per sync (milliseconds on a loaded or
 * virtual machine), and a short run then never wakes the writer at all.
 */
void trace_queue_sync(struct trace_queue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->syncing = 1;
    while (q->busy)
        pthread_cond_wait(&q->idle, &q->lock);
    struct chunk *list = q->full;
    q->full = NULL;
    q->full_end = &q->full;
    pthread_mutex_unlock(&q->lock);
    struct chunk *done = NULL;
    while (list) {
        struct chunk *c = list;
        list = c->next;
        write_chunk(q, c);
        c->next = done;
        done = c;
    }
    write_chunk(q, q->cur);
    pthread_mutex_lock(&q->lock);
    while (done) {
        struct chunk *c = done;
        done = c->next;
        c->next = q->spare;
        q->spare = c;
    }
    q->syncing = 0;
    pthread_mutex_unlock(&q->lock);
}

void trace_queue_put(struct trace_queue *q, const struct event *ev)
{
    size_t extra = extra_bytes(ev);
    size_t need = round_up(sizeof *ev + extra);
    if (need > CHUNK_BYTES) {               /* a copy bigger than a chunk: write it here */
        trace_queue_sync(q);
        q->write(q->ctx, ev);
        return;
    }
    if (q->cur->used + need > CHUNK_BYTES)
        hand_off(q);
    q->cur->used += pack(q->cur->data + q->cur->used, ev, extra);
}

static void free_chunks(struct chunk *c)
{
    while (c) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
}

struct trace_queue *trace_queue_start(trace_write_fn *write, void *ctx,
                                      char *err, size_t errlen)
{
    struct trace_queue *q = calloc(1, sizeof *q);
    if (!q)
        goto nomem;
    q->write = write;
    q->ctx = ctx;
    q->full_end = &q->full;
    for (unsigned i = 0; i < NR_CHUNKS; i++) {
        struct chunk *c = malloc(sizeof *c);
        if (!c)
            goto nomem;
        c->used = 0;
        c->next = q->spare;
        q->spare = c;
    }
    q->cur = q->spare;
    q->spare = q->cur->next;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->room, NULL);
    pthread_cond_init(&q->idle, NULL);
    /* The writer takes no signal: SIGINT, SIGTERM and the rest stay the
     * emulator thread's, whose handlers stop the guest. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&q->thread, NULL, writer_main, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        set_err(err, errlen, "cannot start the trace writer thread: %s", strerror(rc));
        free_chunks(q->spare);
        free(q->cur);
        free(q);
        return NULL;
    }
    return q;
nomem:
    if (q) {
        free_chunks(q->spare);
        free(q);
    }
    set_err(err, errlen, "cannot start the trace writer: out of memory");
    return NULL;
}

void trace_queue_stop(struct trace_queue *q)
{
    if (!q)
        return;
    trace_queue_sync(q);
    pthread_mutex_lock(&q->lock);
    q->stop = 1;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    pthread_cond_destroy(&q->idle);
    pthread_cond_destroy(&q->room);
    pthread_cond_destroy(&q->work);
    pthread_mutex_destroy(&q->lock);
    free(q->cur);
    free_chunks(q->spare);
    free(q);
}

/*
 * access_stream.c — the access stream's rare records, block handling and
 * the decoder (the format: access_stream.h).
 */
#include "common/access_stream.h"

static void block_reset(struct access_encoder *e)
{
    e->p = e->buf;
    e->end = e->buf + ACCESS_BLOCK_BYTES;
    e->insn_tag = e->buf;
    e->eip_next = e->data_prev = 0;
    e->mark_prev = 0;
    e->n = 0;
    e->first_seq = e->next_seq ? *e->next_seq : 0;
}

void access_encoder_init(struct access_encoder *e, const uint64_t *next_seq,
                         access_flush_fn flush, void *ctx)
{
    e->next_seq = next_seq;
    e->flush = flush;
    e->flush_ctx = ctx;
    e->total = e->bytes = 0;
    e->failed = 0;
    e->every = e->window = 0;
    e->win = e->win_base = e->skip = 0;
    e->phase = ACCESS_PHASE_ALL;
    block_reset(e);
}

static int flush_block(struct access_encoder *e)
{
    size_t len = (size_t)(e->p - e->buf);
    if (len && !e->failed) {
        struct access_block b = { .first_seq = e->first_seq, .n = e->n, .data = e->buf,
                                  .len = len, .phase = e->phase,
                                  .window = e->phase == ACCESS_PHASE_ALL ? 0 : e->win };
        e->total += e->n;
        e->bytes += len;
        if (e->flush(e->flush_ctx, &b))
            e->failed = 1;
    }
    block_reset(e);
    return e->failed ? -1 : 0;
}

/* A sampled window's soft end: the slow path comes back by the access
 * that would be the window's W+1st at the latest, since every access's
 * record takes at least 2 bytes (earlier if they are longer: then the end
 * is set again), and no later than the block's end. */
static void window_set_end(struct access_encoder *e)
{
    uint64_t left = e->window - (e->win_base + e->n);      /* >= 1 */
    size_t room = (size_t)(e->buf + ACCESS_BLOCK_BYTES - e->p);
    e->end = room > ACCESS_RECORD_MAX + 2 * left - 1 ? e->p + ACCESS_RECORD_MAX + 2 * left - 1
                                                    : e->buf + ACCESS_BLOCK_BYTES;
}

/* Window win begins with the next access: measured or warm-up. */
static void window_begin(struct access_encoder *e)
{
    e->phase = e->win % e->every == e->every - 1 ? ACCESS_PHASE_MEASURED : ACCESS_PHASE_WARMUP;
    e->win_base = 0;
    block_reset(e);
    window_set_end(e);
}

/* An access of a gap: the last one opens the warm-up window (its fault's
 * markers, which come next, are the window's first records; its own class
 * or length, filled in later, goes to scratch). */
static int gap_access(struct access_encoder *e)
{
    if (e->skip > 1) {
        e->skip--;
        return 0;
    }
    e->skip = 0;
    window_begin(e);
    e->insn_tag = &e->scratch;
    return 0;
}

/* The next access is window win's first: a recorded window begins, or the
 * gap of the windows before the group's warm-up (k % N < N - 2). */
static void window_enter(struct access_encoder *e)
{
    uint64_t r = e->win % e->every;
    if (e->every <= 2 || r >= e->every - 2) {
        window_begin(e);
        return;
    }
    uint64_t warm = e->win - r + e->every - 2;
    e->skip = (warm - e->win) * e->window;
    e->win = warm;
    e->p = e->end = e->buf;         /* every access takes the slow branch */
    e->insn_tag = &e->scratch;
}

int access_encoder_spill(struct access_encoder *e)
{
    if (!e->every) {
        flush_block(e);
        return 1;
    }
    if (e->skip)
        return gap_access(e);
    if (e->win_base + e->n >= e->window) {  /* the current access is the next window's */
        flush_block(e);
        e->win++;
        window_enter(e);
        return e->skip ? gap_access(e) : 1;
    }
    if (e->p + ACCESS_RECORD_MAX > e->buf + ACCESS_BLOCK_BYTES) {
        e->win_base += e->n;
        flush_block(e);
    }
    window_set_end(e);
    return 1;
}

void access_encoder_sample(struct access_encoder *e, uint32_t every, uint32_t window)
{
    if (!every || !window)
        return;
    e->every = every;
    e->window = window;
    e->win = 0;
    window_enter(e);
}

uint64_t access_encoder_seen(const struct access_encoder *e)
{
    if (!e->every)
        return e->total + e->n;
    if (e->skip)
        return e->win * e->window - e->skip;
    return e->win * e->window + e->win_base + e->n;
}

int access_encoder_finish(struct access_encoder *e) { return flush_block(e); }

/* No flush here: the access the marker follows may still be completed. */
void access_put_mark(struct access_encoder *e, uint64_t seq)
{
    if (e->skip)
        return;                         /* a gap: its inputs are found by seq */
    if (e->p + ACCESS_RECORD_MAX > e->buf + sizeof e->buf) {
        e->failed = 1;                  /* more faults in one access than the room holds */
        return;
    }
    *e->p++ = ACCESS_TAG_MARK;
    e->p = access_put_varint(e->p, seq - e->mark_prev);
    e->mark_prev = seq;
}

void access_put_translate(struct access_encoder *e, uint32_t addr, unsigned acc, int user)
{
    if (!access_reserve(e))
        return;
    *e->p++ = ACCESS_TAG_TRANSLATE;
    *e->p++ = (uint8_t)(acc | (user ? 4u : 0u));
    e->p = access_put_varint(e->p, addr);
    e->n++;
}

void access_put_badinsn(struct access_encoder *e, uint32_t eip)
{
    if (!access_reserve(e))
        return;
    *e->p++ = ACCESS_TAG_BADINSN;
    e->p = access_put_varint(e->p, eip);
    e->insn_tag = e->p;
    *e->p++ = 0;
    e->eip_next = eip;
    e->n++;
}

void access_put_badinsn_len(struct access_encoder *e, uint32_t len)
{
    if (e->insn_tag == &e->scratch)
        return;                         /* skipped: not in the block */
    *e->insn_tag = (uint8_t)len;
    e->eip_next += len;
}

void access_put_kread(struct access_encoder *e, uint32_t addr, uint32_t size)
{
    if (!access_reserve(e))
        return;
    *e->p++ = ACCESS_TAG_KREAD;
    e->p = access_put_varint(e->p, size);
    e->p = access_put_varint(e->p, access_zigzag((int32_t)(addr - e->data_prev)));
    e->data_prev = addr;
    e->n++;
}

void access_decoder_init(struct access_decoder *d, const uint8_t *data, size_t len)
{
    d->p = data;
    d->end = data + len;
    d->eip_next = d->data_prev = 0;
    d->mark_prev = 0;
}

static int get_varint(struct access_decoder *d, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64 && d->p < d->end; shift += 7) {
        uint8_t b = *d->p++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

static int32_t unzigzag(uint64_t v) { return (int32_t)((v >> 1) ^ (~(v & 1) + 1)); }

int access_decode(struct access_decoder *d, struct access_record *r)
{
    uint64_t v, w;
    if (d->p >= d->end)
        return 0;
    uint8_t tag = *d->p++;
    if (tag < 0x80) {
        if (get_varint(d, &v) || !(tag & 0xf))
            return -1;
        r->kind = ACCESS_INSN;
        r->size = tag & 0xfu;
        r->cls = (uint8_t)(tag >> 4);
        r->addr = d->eip_next + (uint32_t)unzigzag(v);
        d->eip_next = r->addr + r->size;
        return 1;
    }
    if (tag < 0xc0) {
        r->kind = tag & 0x20 ? ACCESS_WRITE : ACCESS_READ;
        r->size = tag & 0x1fu;
        if (!r->size && (get_varint(d, &w) || w > UINT32_MAX || !(r->size = (uint32_t)w)))
            return -1;
        if (get_varint(d, &v))
            return -1;
        r->addr = d->data_prev + (uint32_t)unzigzag(v);
        d->data_prev = r->addr;
        return 1;
    }
    if (tag == ACCESS_TAG_MARK) {
        if (get_varint(d, &v))
            return -1;
        r->kind = ACCESS_MARK;
        r->seq = d->mark_prev += v;
        return 1;
    }
    if (tag == ACCESS_TAG_TRANSLATE) {
        if (d->p >= d->end)
            return -1;
        uint8_t b = *d->p++;
        if (get_varint(d, &v) || v > UINT32_MAX || (b & 3) > 2)
            return -1;
        r->kind = ACCESS_TRANSLATE;
        r->acc = b & 3;
        r->user = (b >> 2) & 1;
        r->addr = (uint32_t)v;
        r->size = 1;
        return 1;
    }
    if (tag == ACCESS_TAG_KREAD) {
        if (get_varint(d, &w) || w > UINT32_MAX || !w || get_varint(d, &v))
            return -1;
        r->kind = ACCESS_KREAD;
        r->size = (uint32_t)w;
        r->addr = d->data_prev + (uint32_t)unzigzag(v);
        d->data_prev = r->addr;
        return 1;
    }
    if (tag == ACCESS_TAG_BADINSN) {
        if (get_varint(d, &v) || v > UINT32_MAX || d->p >= d->end || (w = *d->p++) > 16)
            return -1;
        r->kind = ACCESS_BADINSN;
        r->addr = (uint32_t)v;
        r->size = (uint32_t)w;
        d->eip_next = r->addr + r->size;
        return 1;
    }
    return -1;
}

const char *access_kind_name(enum access_kind k)
{
    static const char *const names[] = { "insn", "read", "write", "mark", "translate", "badinsn",
                                          "kread" };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

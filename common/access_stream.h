/*
 * access_stream.h — the access stream's encoding: every instruction the CPU
 * executes and every data access it makes, in order, with markers where the
 * kernel's events fall (`--trace accesses`, docs/TRACE_SCHEMA.md
 * access_blocks).  Pure: no I/O, no allocation; the encoder hands full blocks
 * to a callback (emu's recorder passes them to the trace), the decoder reads
 * one block (trace/access_csv.c, replay/sim.c).
 *
 * One record is a tag byte and varints:
 *   0x00-0x7f  instruction: bits 0-3 its length (1..15), bits 4-6 its
 *              class (enum insn_class); then zigzag(eip - end of the
 *              previous instruction): one byte for straight-line code
 *   0x80-0xbf  data access: bit 5 write, bits 0-4 its size (1..31, 0: a
 *              varint size follows); then zigzag(addr - previous data addr)
 *   0xc0       marker: varint(seq - previous marker's seq), no access: the
 *              kernel event seq happened here (a syscall enter, a fault)
 *   0xc1       translation only (a region fault Unicorn reported, the run
 *              loop's check): a byte (enum mmu_access | user << 2), then
 *              varint addr
 *   0xc2       an instruction Unicorn could not translate (it raises):
 *              varint eip, one byte: its length from memsim's decode
 *   0xc3       the CPU's own (supervisor) read of a descriptor table for a
 *              segment load: varint size, zigzag(addr - previous data addr)
 * An access's record comes before the markers of the faults it takes (the
 * CPU records it first and fills in what it learns later: an instruction's
 * class, an untranslatable one's length).
 * Every block starts from zero (previous eip end, data address and marker
 * seq all 0), so a block decodes on its own.
 *
 * Sampling (`--sample N[:W]`, access_encoder_sample): the stream is cut into
 * windows of W accesses (markers not counted); window k is measured when
 * k % N == N - 1 (the last of each group of N) and, for N >= 2, the one
 * before it (k % N == N - 2) is its warm-up; the others are not encoded (a
 * counter decrement per access in access_reserve's slow branch, no record,
 * no marker).  A window's blocks hold only its accesses, so a block is
 * flushed at each window's end; the markers of the faults taken by the last
 * access of a gap open the next window (they follow an access the window
 * does not hold).  Without sampling nothing changes: the same blocks, byte
 * for byte.
 */
#ifndef MEMSIM_ACCESS_STREAM_H
#define MEMSIM_ACCESS_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define ACCESS_BLOCK_BYTES 65536u       /* the encoder's buffer: one block */
#define ACCESS_RECORD_MAX  24u          /* the longest record */
/* Room kept past the soft end for the markers of the faults one access
 * takes: a block is never flushed while an instruction's record waits for
 * its class. */
#define ACCESS_MARK_ROOM   512u

enum access_kind {
    ACCESS_INSN, ACCESS_READ, ACCESS_WRITE, ACCESS_MARK, ACCESS_TRANSLATE, ACCESS_BADINSN,
    ACCESS_KREAD,
};

#define ACCESS_TAG_MARK      0xc0u
#define ACCESS_TAG_TRANSLATE 0xc1u
#define ACCESS_TAG_BADINSN   0xc2u
#define ACCESS_TAG_KREAD     0xc3u

#define ACCESS_SAMPLE_WINDOW 10000u     /* --sample N: W, accesses a window */

/* What a block is of a sampled stream. */
enum access_phase { ACCESS_PHASE_ALL, ACCESS_PHASE_MEASURED, ACCESS_PHASE_WARMUP };

/* A full block: data[0..len) holds n accesses (markers not counted);
 * first_seq is the event seq the stream had reached when it began; window
 * its window's index (sampled streams; 0 with ACCESS_PHASE_ALL). */
struct access_block {
    uint64_t first_seq, n, window;
    enum access_phase phase;
    const uint8_t *data;
    size_t len;
};

/* Returns 0, or -1 to stop recording. */
typedef int (*access_flush_fn)(void *ctx, const struct access_block *b);

struct access_encoder {
    uint8_t *p, *end;               /* the free part of buf (end: the soft end) */
    uint8_t *insn_tag;              /* the last instruction's tag: its class goes here */
    uint32_t eip_next, data_prev;   /* the deltas' bases */
    uint64_t mark_prev;
    uint64_t n;                     /* accesses in the block */
    uint64_t first_seq;
    uint64_t total, bytes;          /* over the run */
    const uint64_t *next_seq;       /* the event stream's counter */
    access_flush_fn flush;
    void *flush_ctx;
    int failed;
    /* Sampling (every 0: the whole stream, one phase ALL). */
    uint32_t every, window;         /* N and W */
    uint64_t win;                   /* the window being recorded, or the one after the gap */
    uint64_t win_base;              /* the window's accesses in blocks already flushed */
    uint64_t skip;                  /* the gap's accesses not seen yet; 0 while recording */
    enum access_phase phase;
    uint8_t scratch;                /* a skipped instruction's class lands here */
    uint8_t buf[ACCESS_BLOCK_BYTES + ACCESS_MARK_ROOM];
};

void access_encoder_init(struct access_encoder *e, const uint64_t *next_seq,
                         access_flush_fn flush, void *ctx);
/* Keep one window of window accesses in every (>= 1): before the first
 * access. */
void access_encoder_sample(struct access_encoder *e, uint32_t every, uint32_t window);
/* Hand the partial block to the callback (at the end of the run). */
int  access_encoder_finish(struct access_encoder *e);
/* Every access the CPU made so far, recorded or skipped. */
uint64_t access_encoder_seen(const struct access_encoder *e);
/* The slow part of every record: the block (or a sampled window) is full,
 * or a gap's last access.  1: encode the record, 0: skip it. */
int  access_encoder_spill(struct access_encoder *e);

static inline uint8_t *access_put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static inline uint64_t access_zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

/* 1: room for a record; 0: the access falls in a sampling gap, record
 * nothing (a gap keeps end at buf, so every access comes here). */
static inline int access_reserve(struct access_encoder *e)
{
    if (__builtin_expect(e->p + ACCESS_RECORD_MAX > e->end, 0)) {
        if (e->skip > 1) {
            e->skip--;
            return 0;
        }
        return access_encoder_spill(e);
    }
    return 1;
}

/* An instruction of len bytes (1..15) at eip; its class (0..7) follows
 * with access_put_insn_class once decoded. */
static inline void access_put_insn(struct access_encoder *e, uint32_t eip, uint32_t len)
{
    if (!access_reserve(e))
        return;
    uint8_t *p = e->insn_tag = e->p;
    *p++ = (uint8_t)(len & 0xf);
    p = access_put_varint(p, access_zigzag((int32_t)(eip - e->eip_next)));
    e->eip_next = eip + len;
    e->p = p;
    e->n++;
}

static inline void access_put_insn_class(struct access_encoder *e, unsigned cls)
{
    *e->insn_tag |= (uint8_t)((cls & 7) << 4);
}

static inline void access_put_data(struct access_encoder *e, uint32_t addr, uint32_t size, int write)
{
    if (!access_reserve(e))
        return;
    uint8_t *p = e->p;
    *p++ = (uint8_t)(0x80 | (write ? 0x20 : 0) | (size < 32 ? size : 0));
    if (size >= 32)
        p = access_put_varint(p, size);
    p = access_put_varint(p, access_zigzag((int32_t)(addr - e->data_prev)));
    e->data_prev = addr;
    e->p = p;
    e->n++;
}

void access_put_mark(struct access_encoder *e, uint64_t seq);
void access_put_translate(struct access_encoder *e, uint32_t addr, unsigned acc, int user);
/* An untranslatable instruction at eip; its decoded length follows with
 * access_put_badinsn_len. */
void access_put_badinsn(struct access_encoder *e, uint32_t eip);
void access_put_badinsn_len(struct access_encoder *e, uint32_t len);
void access_put_kread(struct access_encoder *e, uint32_t addr, uint32_t size);

/* One decoded record. */
struct access_record {
    enum access_kind kind;
    uint32_t addr;                  /* eip or data address */
    uint32_t size;                  /* instruction length or access size */
    uint8_t cls;                    /* ACCESS_INSN: enum insn_class */
    uint8_t acc, user;              /* ACCESS_TRANSLATE: enum mmu_access, user */
    uint64_t seq;                   /* ACCESS_MARK */
};

struct access_decoder {
    const uint8_t *p, *end;
    uint32_t eip_next, data_prev;
    uint64_t mark_prev;
};

void access_decoder_init(struct access_decoder *d, const uint8_t *data, size_t len);
/* 1 with the next record in r, 0 at the block's end, -1 if it is malformed. */
int  access_decode(struct access_decoder *d, struct access_record *r);
const char *access_kind_name(enum access_kind k);

#endif

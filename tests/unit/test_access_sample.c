/*
 * test_access_sample.c — the access stream's sampling (common/access_stream.h,
 * access_encoder_sample): a synthetic stream whose addresses name each
 * access's index, encoded with --sample N:W, comes out as exactly the
 * windows k % N == N - 1 (measured) and N - 2 (warm-up), each holding the
 * accesses k*W .. k*W + W - 1 in order with their classes; a gap's markers
 * are dropped but for those of its last access, which open the warm-up
 * window; the encoder counts every access.  Without sampling every access
 * and marker is in the blocks, phase ALL.
 */
#include "tests/unit/check.h"
#include "common/access_stream.h"

#include <stdint.h>
#include <stdlib.h>

#define MAX_BLOCKS 64

struct got {
    int nb;
    struct access_block b[MAX_BLOCKS];
    uint8_t *data[MAX_BLOCKS];
};

static int collect(void *ctx, const struct access_block *b)
{
    struct got *g = ctx;
    if (g->nb == MAX_BLOCKS)
        return -1;
    g->b[g->nb] = *b;
    g->data[g->nb] = malloc(b->len);
    memcpy(g->data[g->nb], b->data, b->len);
    g->b[g->nb].data = g->data[g->nb];
    g->nb++;
    return 0;
}

static void got_free(struct got *g)
{
    for (int i = 0; i < g->nb; i++)
        free(g->data[i]);
}

/* Access i: an instruction at 0x1000 + 4i of class i % 8, or every third
 * a 4-byte write at 8i; after every 37th, a marker whose seq is i / 37 + 1
 * (the event stream's counter moves on) — as the CPU does it, between an
 * instruction's record and its class (the fault of its fetch). */
static void feed(struct access_encoder *e, uint64_t *next_seq, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i % 3 == 0)
            access_put_data(e, 8 * i, 4, 1);
        else
            access_put_insn(e, 0x1000 + 4 * i, 4);
        if (i % 37 == 0) {
            uint64_t seq = i / 37 + 1;
            *next_seq = seq + 1;
            access_put_mark(e, seq);
        }
        if (i % 3)
            access_put_insn_class(e, i % 8);
    }
}

/* Decode block b: its accesses must be first .. first + n - 1 in order,
 * each as feed() made it; its markers those of accesses first - 1 (when
 * allowed) .. the last.  Returns how many markers. */
static int check_block(const struct access_block *b, uint64_t first, int mark_before)
{
    struct access_decoder d;
    struct access_record r;
    uint64_t i = first, marks = 0;
    int got;
    access_decoder_init(&d, b->data, b->len);
    while ((got = access_decode(&d, &r)) == 1) {
        if (r.kind == ACCESS_MARK) {
            uint64_t of = (r.seq - 1) * 37;     /* the access it follows */
            CHECK(of + 1 == i || (mark_before && of + 1 == first && i == first));
            CHECK(of < i || (mark_before && of == first - 1));
            marks++;
            continue;
        }
        if (i % 3 == 0) {
            CHECK_EQ(r.kind, ACCESS_WRITE);
            CHECK_EQ(r.addr, 8 * i);
        } else {
            CHECK_EQ(r.kind, ACCESS_INSN);
            CHECK_EQ(r.addr, 0x1000 + 4 * i);
            CHECK_EQ(r.cls, i % 8);
        }
        i++;
    }
    CHECK_EQ(got, 0);
    CHECK_EQ(i - first, b->n);
    return (int)marks;
}

static void test_whole(void)
{
    static struct access_encoder e;
    struct got g = { 0 };
    uint64_t next_seq = 1;
    access_encoder_init(&e, &next_seq, collect, &g);
    feed(&e, &next_seq, 100000);
    CHECK_EQ(access_encoder_seen(&e), 100000);
    CHECK_EQ(access_encoder_finish(&e), 0);
    uint64_t first = 0;
    int marks = 0;
    for (int k = 0; k < g.nb; k++) {
        CHECK_EQ(g.b[k].phase, ACCESS_PHASE_ALL);
        marks += check_block(&g.b[k], first, 0);
        first += g.b[k].n;
    }
    CHECK_EQ(first, 100000);
    CHECK_EQ(marks, (100000 + 36) / 37);
    CHECK(g.nb > 1);                    /* 64 KiB blocks: more than one */
    got_free(&g);
}

static void test_sampled(uint32_t every, uint32_t window, uint32_t n)
{
    static struct access_encoder e;
    struct got g = { 0 };
    uint64_t next_seq = 1;
    access_encoder_init(&e, &next_seq, collect, &g);
    access_encoder_sample(&e, every, window);
    feed(&e, &next_seq, n);
    CHECK_EQ(access_encoder_seen(&e), n);
    CHECK_EQ(access_encoder_finish(&e), 0);
    /* the windows expected, in order; a window's blocks (several when W's
     * records pass 64 KiB) follow each other */
    int b = 0;
    for (uint64_t k = 0; k * window < n; k++) {
        uint64_t r = k % every;
        int measured = r == every - 1, warm = every >= 2 && r == every - 2;
        if (!measured && !warm)
            continue;
        uint64_t first = k * window, seen = 0;
        int gap_before = every > 2 && warm;
        for (; b < g.nb && g.b[b].window == k; b++) {
            CHECK_EQ(g.b[b].phase, measured ? ACCESS_PHASE_MEASURED : ACCESS_PHASE_WARMUP);
            check_block(&g.b[b], first + seen, gap_before && seen == 0);
            seen += g.b[b].n;
        }
        uint64_t want = n - first < window ? n - first : window;
        CHECK_EQ(seen, want);
    }
    CHECK_EQ(b, g.nb);                  /* no block of a window not sampled */
    got_free(&g);
}

int main(void)
{
    test_whole();
    test_sampled(4, 100, 1050);         /* windows 2, 3, 6, 7 and 10 (half) */
    test_sampled(10, 1000, 25000);      /* the last window a warm-up one */
    test_sampled(2, 500, 3333);         /* no gap: warm-up, measured, ... */
    test_sampled(1, 300, 2000);         /* every window measured */
    test_sampled(3, 40000, 250000);     /* a window over several blocks */
    /* the gap's last access (37) an instruction with a marker after it: the
     * marker opens window 1, the class must not land on it */
    test_sampled(3, 38, 2000);
    return CHECK_DONE();
}

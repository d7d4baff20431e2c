/*
 * access_csv.c — the access stream decoded for other tools: one CSV row per
 * access (`memsim export TRACE --format csv --table accesses`).  A sampled
 * stream (run --sample) adds the columns window and phase, and idx stays
 * the access's index in the whole run (window * W + its place in the
 * window), so the gaps show as jumps in idx.
 */
#include <stdio.h>
#include "mmu/cpu_config.h"
#include "trace/access_stream.h"

static const char *class_name(unsigned c)
{
    static const char *const names[NR_INSN_CLASSES] = { "alu", "mul", "div", "branch",
                                                        "fp", "simd", "string", "system" };
    return c < NR_INSN_CLASSES ? names[c] : "?";
}

static void put_row(FILE *out, uint64_t idx, const struct access_record *r, const char *tail)
{
    if (r->kind == ACCESS_MARK)
        fprintf(out, ",mark,%llu,,%s\n", (unsigned long long)r->seq, tail);
    else if (r->kind == ACCESS_INSN)
        fprintf(out, "%llu,insn,%u,%u,%s%s\n", (unsigned long long)idx, r->addr, r->size,
                class_name(r->cls), tail);
    else if (r->kind == ACCESS_TRANSLATE)
        fprintf(out, "%llu,translate-%s%s,%u,1,%s\n", (unsigned long long)idx,
                r->acc == 0 ? "read" : r->acc == 1 ? "write" : "fetch", r->user ? "" : "-kernel",
                r->addr, tail);
    else
        fprintf(out, "%llu,%s,%u,%u,%s\n", (unsigned long long)idx, access_kind_name(r->kind),
                r->addr, r->size, tail);
}

int access_csv_write(struct sqlite3 *db, FILE *out, char *err, size_t errlen)
{
    struct access_blocks b;
    struct access_decoder d;
    struct access_record r;
    struct access_sampling sm;
    uint64_t idx = 0, window = UINT64_MAX;
    char tail[48] = "";
    int rc, sampled = access_sampling_read(db, &sm);
    if (access_blocks_open(db, &b, err, errlen))
        return -1;
    fprintf(out, "idx,kind,addr,size,class%s\n", sampled ? ",window,phase" : "");
    while ((rc = access_blocks_next(&b, &d, err, errlen)) == 1) {
        int got;
        if (sampled && b.window != window) {    /* a window's first block */
            window = b.window;
            idx = window * sm.window;
            snprintf(tail, sizeof tail, ",%llu,%s", (unsigned long long)window,
                     b.phase == ACCESS_PHASE_MEASURED ? "measured" : "warmup");
        }
        while ((got = access_decode(&d, &r)) == 1) {
            put_row(out, idx, &r, tail);
            idx += r.kind != ACCESS_MARK;
        }
        if (got < 0) {
            snprintf(err, errlen, "access_blocks: a malformed block (access %llu)",
                     (unsigned long long)idx);
            rc = -1;
            break;
        }
    }
    access_blocks_close(&b);
    if (rc == 0 && ferror(out)) {
        snprintf(err, errlen, "write error");
        rc = -1;
    }
    return rc;
}

/*
 * access_csv.c — the access stream decoded for other tools: one CSV row per
 * access (`memsim export TRACE --format csv --table accesses`).
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

static void put_row(FILE *out, uint64_t idx, const struct access_record *r)
{
    if (r->kind == ACCESS_MARK)
        fprintf(out, ",mark,%llu,,\n", (unsigned long long)r->seq);
    else if (r->kind == ACCESS_INSN)
        fprintf(out, "%llu,insn,%u,%u,%s\n", (unsigned long long)idx, r->addr, r->size,
                class_name(r->cls));
    else if (r->kind == ACCESS_TRANSLATE)
        fprintf(out, "%llu,translate-%s%s,%u,1,\n", (unsigned long long)idx,
                r->acc == 0 ? "read" : r->acc == 1 ? "write" : "fetch", r->user ? "" : "-kernel",
                r->addr);
    else
        fprintf(out, "%llu,%s,%u,%u,\n", (unsigned long long)idx, access_kind_name(r->kind),
                r->addr, r->size);
}

int access_csv_write(struct sqlite3 *db, FILE *out, char *err, size_t errlen)
{
    struct access_blocks b;
    struct access_decoder d;
    struct access_record r;
    uint64_t idx = 0;
    int rc;
    if (access_blocks_open(db, &b, err, errlen))
        return -1;
    fprintf(out, "idx,kind,addr,size,class\n");
    while ((rc = access_blocks_next(&b, &d, err, errlen)) == 1) {
        int got;
        while ((got = access_decode(&d, &r)) == 1) {
            put_row(out, idx, &r);
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

/*
 * sha256.h — private to trace/: incremental SHA-256 (FIPS 180-4).
 * The public entry point is sha256_file() in trace.h.
 */
#ifndef MEMSIM_TRACE_SHA256_H
#define MEMSIM_TRACE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256_ctx {
    uint32_t h[8];
    uint64_t length;        /* bytes hashed so far */
    uint8_t  block[64];
    size_t   used;          /* bytes waiting in block */
    int      use_ni;        /* whole blocks with the CPU's SHA instructions
                               (set by sha256_init when the CPU has them;
                               0 forces the portable code) */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t digest[32]);

#endif

/*
 * decode.h — what the timing model needs to know about each instruction,
 * decoded once by Capstone and cached by address (internal to emu/).
 *
 * A direct-mapped table of 64 K entries keyed by EIP.  Code the guest or
 * the kernel rewrites is invalidated page by page, together with Unicorn's
 * translated blocks.
 */
#ifndef MEMSIM_DECODE_H
#define MEMSIM_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <capstone/capstone.h>
#include "mmu/cpu_config.h"

#define DECODE_BITS 16

/* flags */
#define DEC_RDTSC   0x1u     /* rdtsc / rdtscp: EDX:EAX must show the model's cycles */
#define DEC_RDTSCP  0x2u
#define DEC_SEGLOAD 0x4u     /* loads a segment register (reads a descriptor table) */
#define DEC_MEMSEG  0x8u     /* its one explicit memory operand goes through `seg` */

struct decoded {
    uint32_t eip;
    uint8_t  size;           /* 0: empty slot */
    uint8_t  cls;            /* enum insn_class */
    uint8_t  flags;
    uint8_t  seg;            /* enum seg_reg of the memory operand (DEC_MEMSEG) */
};

struct decode_cache {
    csh cs;
    struct decoded *e;       /* 1 << DECODE_BITS */
    uint64_t misses;
};

int  decode_init(struct decode_cache *dc);
void decode_destroy(struct decode_cache *dc);

static inline uint32_t decode_slot(uint32_t eip)
{
    return (eip ^ (eip >> DECODE_BITS)) & ((1u << DECODE_BITS) - 1);
}

static inline const struct decoded *decode_lookup(const struct decode_cache *dc, uint32_t eip)
{
    const struct decoded *d = &dc->e[decode_slot(eip)];
    return d->size && d->eip == eip ? d : NULL;
}

/* Decode the n bytes at code (the instruction at eip) and cache it. */
const struct decoded *decode_fill(struct decode_cache *dc, uint32_t eip,
                                  const uint8_t *code, size_t n);
/* Forget every instruction starting in [start, end). */
void decode_invalidate(struct decode_cache *dc, uint32_t start, uint32_t end);

#endif

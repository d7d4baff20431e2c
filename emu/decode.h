/*
 * decode.h — what the timing model needs to know about each instruction,
 * decoded once by Capstone and cached by address (internal to emu/).
 *
 * A direct-mapped table of 64 K entries keyed by EIP.  Code the kernel
 * rewrites or unmaps is invalidated with Unicorn's translated blocks; code
 * the guest itself rewrites is invalidated by its stores: a bitmap marks
 * the pages that hold cached instructions, and a store to such a page drops
 * every entry it overlaps (so a rewrite of the same size is seen too).
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
#define DEC_FAULT   0x10u    /* raises exception `fault` at CPL 3 whatever the state */
#define DEC_UNDECODED 0x20u  /* Capstone cannot decode it: `fault` is what the CPU
                                raises (#UD, or #GP past 15 bytes) */

#define X86_MAX_INSN_LENGTH 15
/* exception vectors (arch/x86/include/asm/trapnr.h) */
#define X86_TRAP_DB 1
#define X86_TRAP_BP 3
#define X86_TRAP_OF 4
#define X86_TRAP_UD 6
#define X86_TRAP_GP 13
#define IA32_SYSCALL_VECTOR 0x80

struct decoded {
    uint32_t eip;
    uint8_t  size;           /* 0: empty slot */
    uint8_t  cls;            /* enum insn_class */
    uint8_t  flags;
    union {
        uint8_t seg;         /* DEC_MEMSEG: enum seg_reg of the memory operand */
        uint8_t fault;       /* DEC_FAULT, DEC_UNDECODED: the exception vector */
    };
};

#define DECODE_PAGES (1u << 20)       /* 4 KiB pages of the 32-bit address space */

struct decode_cache {
    csh cs;
    struct decoded *e;       /* 1 << DECODE_BITS */
    uint8_t *code_pages;     /* byte per page: may hold a cached instruction */
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

/* Does the page of va hold an instruction in the cache?  Every guest store
 * asks, so it is a byte map (1 MiB, touched only where code ran): one load. */
static inline int decode_page_has_code(const struct decode_cache *dc, uint32_t va)
{
    return dc->code_pages[va >> 12];
}

/* Decode the n bytes at code (the instruction at eip) and cache it.  len is
 * the instruction's length when the engine decoded it, else 0: it is kept
 * for bytes Capstone cannot decode. */
const struct decoded *decode_fill(struct decode_cache *dc, uint32_t eip,
                                  const uint8_t *code, size_t n, size_t len);
/* Forget every instruction that overlaps [start, end); a page wholly inside
 * the range no longer counts as holding code. */
void decode_invalidate(struct decode_cache *dc, uint32_t start, uint32_t end);
/* A guest store of len bytes at va: forget the instructions it overlaps.
 * Call only when decode_page_has_code() says so for va or its last byte. */
void decode_written(struct decode_cache *dc, uint32_t va, uint32_t len);

#endif

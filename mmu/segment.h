/*
 * segment.h — x86 segmentation (Intel SDM vol. 3A ch. 3 and 5): selectors,
 * segment descriptors in the GDT/LDT, and the logical -> linear translation
 * with the checks of protected mode, plus the real-mode formula.
 *
 * Descriptor tables live in modelled physical memory; the caller passes the
 * table's bytes.  Every check that fails says which exception the CPU
 * raises (#GP, #SS or #NP, each with its error code), which the kernel
 * model turns into SIGSEGV (or SIGBUS for #SS/#NP as Linux does).
 */
#ifndef MEMSIM_SEGMENT_H
#define MEMSIM_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

/* A selector: RPL bits 0-1, TI bit 2 (1 = LDT), index bits 3-15. */
static inline unsigned sel_rpl(uint16_t sel) { return sel & 3u; }
static inline unsigned sel_ti(uint16_t sel) { return (sel >> 2) & 1u; }
static inline unsigned sel_index(uint16_t sel) { return sel >> 3; }

/* A decoded segment descriptor: what the CPU caches in the hidden part. */
struct seg_desc {
    uint32_t base;
    uint32_t limit;          /* effective limit in bytes-1 (granularity applied) */
    uint8_t  type;           /* 4-bit type field */
    uint8_t  s;              /* 1: code/data, 0: system */
    uint8_t  dpl;
    uint8_t  present;
    uint8_t  db;             /* D/B: 32-bit default / big stack */
    uint8_t  g;              /* granularity: limit in 4 KiB units */
    uint8_t  avl, l;
};

/* type bits for code/data descriptors (S = 1) */
#define SEG_TYPE_ACCESSED   0x1u
#define SEG_TYPE_WRITABLE   0x2u   /* data */
#define SEG_TYPE_READABLE   0x2u   /* code */
#define SEG_TYPE_EXPANDDOWN 0x4u   /* data */
#define SEG_TYPE_CONFORMING 0x4u   /* code */
#define SEG_TYPE_CODE       0x8u

void seg_decode(const uint8_t raw[8], struct seg_desc *d);
void seg_encode(const struct seg_desc *d, uint8_t raw[8]);   /* inverse (limit re-scaled if g) */

enum seg_fault {
    SEG_OK = 0,
    SEG_FAULT_GP,            /* #GP(error_code) */
    SEG_FAULT_SS,            /* #SS(error_code) */
    SEG_FAULT_NP,            /* #NP(error_code) */
};

struct seg_result {
    enum seg_fault fault;
    uint16_t error_code;     /* selector error code (SDM §6.13): sel & 0xFFFC, or 0 */
    const char *why;         /* one line: which rule failed */
};

/* Segment registers, in the x86 encoding order (sreg field of MOV Sreg). */
enum seg_reg { SR_ES, SR_CS, SR_SS, SR_DS, SR_FS, SR_GS, NR_SEG_REGS };

/* "es", "cs", "ss", "ds", "fs", "gs" ("?" out of range) */
static inline const char *seg_reg_name(unsigned reg)
{
    static const char *const names[NR_SEG_REGS] = { "es", "cs", "ss", "ds", "fs", "gs" };
    return reg < NR_SEG_REGS ? names[reg] : "?";
}

/*
 * Loading a segment register in protected mode (SDM vol. 3A §5.5–5.10 and
 * the MOV/POP instruction pages): look the selector up in gdt/ldt (raw
 * bytes and their limits in bytes-1), check null, index within the table
 * limit, type, privilege (DPL vs CPL and RPL) and presence.  A null
 * selector may be loaded into DS/ES/FS/GS (a later access faults) but not
 * SS or CS.  On success fills *d and *null_sel (1 for a null selector,
 * whose *d is all zero).  ldt may be NULL (no LDT: TI=1 selectors #GP).
 */
struct seg_result seg_load(enum seg_reg reg, uint16_t sel, unsigned cpl,
                           const uint8_t *gdt, uint32_t gdt_limit,
                           const uint8_t *ldt, uint32_t ldt_limit,
                           struct seg_desc *d, int *null_sel);

/*
 * An access of `size` bytes at `offset` through a loaded segment (SDM
 * §5.3 limit checking, §5.4 type checking): null segment, not readable
 * (execute-only code), not writable (read-only data or any code), outside
 * the limit (expand-up: offset + size - 1 <= limit; expand-down: offset >
 * limit and offset + size - 1 <= (D/B ? 0xFFFFFFFF : 0xFFFF)).  Faults on
 * SS are #SS(0), others #GP(0).  On success *linear = base + offset
 * (mod 2^32).
 */
struct seg_result seg_check_access(enum seg_reg reg, const struct seg_desc *d, int null_sel,
                                   uint32_t offset, uint32_t size, int write, int fetch,
                                   uint32_t *linear);

/* Real mode: linear = selector * 16 + offset (20-bit wrap without A20). */
static inline uint32_t seg_real_linear(uint16_t sel, uint16_t offset, int a20)
{
    uint32_t lin = ((uint32_t)sel << 4) + offset;
    return a20 ? lin : lin & 0xFFFFFu;
}

/* Is the segment flat (base 0, 4 GiB expand-up)?  Accesses through a flat
 * segment need no limit check; type checks (no writes through code or
 * read-only data) still apply. */
static inline int seg_is_flat(const struct seg_desc *d)
{
    return d->present && d->base == 0 && d->limit == 0xFFFFFFFFu &&
           !(d->type & SEG_TYPE_EXPANDDOWN && !(d->type & SEG_TYPE_CODE));
}

#endif

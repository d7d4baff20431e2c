/*
 * segment.c — x86 segmentation: descriptor encoding, segment-register
 * loads with the protected-mode checks, and the per-access type and limit
 * checks that turn a logical address into a linear one.
 *
 * Section numbers are those of the Intel SDM vol. 3A, chapter 3
 * ("Protected-Mode Memory Management") and chapter 5 ("Protection"); the
 * order of the load checks follows the MOV, POP and JMP pseudocode in
 * vol. 2, and the error-code format is §6.13 ("Error Code").
 *
 * Not modelled: the accessed bit (a real load sets it in the descriptor;
 * the tables here are const and Linux presets it, see ARCHITECTURE.md),
 * call/task gates and TSS targets of a far JMP/CALL, IA-32e mode (the L
 * bit is decoded and otherwise ignored), and virtual-8086 mode.
 */
#include <string.h>

#include "mmu/segment.h"

/* ------------------------------------------------------------------ */
/* Descriptor layout (§3.4.5, figure 3-8)                              */
/* ------------------------------------------------------------------ */

/* Effective limit from the 20-bit limit field (§3.4.5, G flag; §5.3):
 * with G=1 the field counts 4 KiB units and the low 12 offset bits are
 * not checked, so the effective limit is (field << 12) | 0xFFF. */
static uint32_t scale_limit(uint32_t field, unsigned g)
{
    return g ? (field << 12) | 0xFFFu : field;
}

void seg_decode(const uint8_t raw[8], struct seg_desc *d)
{
    uint32_t field;

    /* Base 31:0 is split over bytes 2, 3, 4 (15:0, 23:16) and 7. */
    d->base = (uint32_t)raw[2] | (uint32_t)raw[3] << 8 |
              (uint32_t)raw[4] << 16 | (uint32_t)raw[7] << 24;
    /* Byte 5: type 3:0, S 4, DPL 6:5, P 7. */
    d->type = raw[5] & 0xFu;
    d->s = (raw[5] >> 4) & 1u;
    d->dpl = (raw[5] >> 5) & 3u;
    d->present = raw[5] >> 7;
    /* Byte 6: limit 19:16 in 3:0, then AVL 4, L 5, D/B 6, G 7. */
    d->avl = (raw[6] >> 4) & 1u;
    d->l = (raw[6] >> 5) & 1u;
    d->db = (raw[6] >> 6) & 1u;
    d->g = raw[6] >> 7;
    /* Limit 19:0: bytes 0, 1 and the low nibble of byte 6. */
    field = (uint32_t)raw[0] | (uint32_t)raw[1] << 8 | (uint32_t)(raw[6] & 0xFu) << 16;
    d->limit = scale_limit(field, d->g);
}

void seg_encode(const struct seg_desc *d, uint8_t raw[8])
{
    /* The inverse of seg_decode.  With G=1 the low 12 bits of d->limit are
     * dropped (decode gives them back as 0xFFF); the field keeps 20 bits. */
    uint32_t field = (d->g ? d->limit >> 12 : d->limit) & 0xFFFFFu;

    raw[0] = (uint8_t)field;
    raw[1] = (uint8_t)(field >> 8);
    raw[2] = (uint8_t)d->base;
    raw[3] = (uint8_t)(d->base >> 8);
    raw[4] = (uint8_t)(d->base >> 16);
    raw[5] = (uint8_t)((d->type & 0xFu) | (d->s & 1u) << 4 |
                       (d->dpl & 3u) << 5 | (d->present & 1u) << 7);
    raw[6] = (uint8_t)((field >> 16) | (d->avl & 1u) << 4 | (d->l & 1u) << 5 |
                       (d->db & 1u) << 6 | (d->g & 1u) << 7);
    raw[7] = (uint8_t)(d->base >> 24);
}

/* ------------------------------------------------------------------ */
/* Descriptor types (§3.4.5.1, table 3-1; §3.5 for S=0)                */
/* ------------------------------------------------------------------ */

static int is_code(const struct seg_desc *d)
{
    return d->s && (d->type & SEG_TYPE_CODE);
}

static int is_data(const struct seg_desc *d)
{
    return d->s && !(d->type & SEG_TYPE_CODE);
}

static int is_conforming_code(const struct seg_desc *d)
{
    return is_code(d) && (d->type & SEG_TYPE_CONFORMING);
}

static int is_readable_code(const struct seg_desc *d)
{
    return is_code(d) && (d->type & SEG_TYPE_READABLE);
}

static int is_writable_data(const struct seg_desc *d)
{
    return is_data(d) && (d->type & SEG_TYPE_WRITABLE);
}

static int is_expand_down(const struct seg_desc *d)
{
    return is_data(d) && (d->type & SEG_TYPE_EXPANDDOWN);
}

/* ------------------------------------------------------------------ */
/* Results                                                             */
/* ------------------------------------------------------------------ */

static struct seg_result seg_ok(void)
{
    return (struct seg_result){ SEG_OK, 0, NULL };
}

static struct seg_result seg_fault(enum seg_fault f, uint16_t code, const char *why)
{
    return (struct seg_result){ f, code, why };
}

/* A selector error code (§6.13): bits 15:3 index, bit 2 TI, bit 1 IDT,
 * bit 0 EXT.  A segment load by an instruction is not external and does
 * not name the IDT, so the code is the selector with its RPL bits clear. */
static uint16_t sel_error(uint16_t sel)
{
    return sel & 0xFFFCu;
}

/* The null selector is index 0 in the GDT, any RPL (§3.4.2).  Index 0 with
 * TI=1 is the LDT's first entry, an ordinary descriptor. */
static int sel_is_null(uint16_t sel)
{
    return sel_index(sel) == 0 && !sel_ti(sel);
}

/* ------------------------------------------------------------------ */
/* Loading a segment register                                          */
/* ------------------------------------------------------------------ */

/*
 * Fetch the descriptor a non-null selector names (§3.4.2, §3.5.1): TI
 * picks the GDT or the LDT, and the whole 8-byte descriptor must lie
 * within the table limit (index * 8 + 7 <= limit), else #GP(selector).
 * Returns NULL or the rule that failed.
 */
static const char *fetch_desc(uint16_t sel, const uint8_t *gdt, uint32_t gdt_limit,
                              const uint8_t *ldt, uint32_t ldt_limit,
                              struct seg_desc *d)
{
    const uint8_t *table = sel_ti(sel) ? ldt : gdt;
    uint32_t limit = sel_ti(sel) ? ldt_limit : gdt_limit;
    uint64_t last = (uint64_t)sel_index(sel) * 8 + 7;

    if (!table)
        return sel_ti(sel) ? "selector has TI=1 but there is no LDT"
                           : "selector names the GDT but there is none";
    if (last > limit)
        return sel_ti(sel) ? "selector index beyond the LDT limit"
                           : "selector index beyond the GDT limit";
    seg_decode(table + (size_t)sel_index(sel) * 8, d);
    return NULL;
}

/*
 * DS, ES, FS, GS (MOV/POP pseudocode; §5.4.1, §5.6, §5.6.1).  Every #GP
 * condition is checked before presence, so a not-present descriptor that
 * also breaks a type or privilege rule is #GP, not #NP.
 */
static struct seg_result load_data_reg(uint16_t sel, unsigned cpl, const struct seg_desc *d)
{
    unsigned rpl = sel_rpl(sel);
    unsigned eff = rpl > cpl ? rpl : cpl;

    /* §3.5: system descriptors (LDT, TSS, gates) cannot be loaded into a
     * data segment register. */
    if (!d->s)
        return seg_fault(SEG_FAULT_GP, sel_error(sel), "system descriptor loaded into a data segment register");
    /* §5.6.1: a code segment is loadable only if it is readable. */
    if (is_code(d) && !is_readable_code(d))
        return seg_fault(SEG_FAULT_GP, sel_error(sel), "execute-only code segment loaded into a data segment register");
    /* §5.6: data and nonconforming code need DPL >= max(CPL, RPL);
     * §5.6.1: a conforming (readable) code segment is accessible from any
     * privilege level, so it has no privilege check. */
    if (!is_conforming_code(d) && d->dpl < eff)
        return seg_fault(SEG_FAULT_GP, sel_error(sel), "DPL < max(CPL, RPL) for a data or nonconforming code segment");
    /* §3.4.5 (P flag), MOV pseudocode: not present -> #NP(selector). */
    if (!d->present)
        return seg_fault(SEG_FAULT_NP, sel_error(sel), "segment not present");
    return seg_ok();
}

/* SS (MOV/POP SS pseudocode; §5.7): a writable data segment with
 * RPL = DPL = CPL; not present is #SS(selector), not #NP. */
static struct seg_result load_stack_reg(uint16_t sel, unsigned cpl, const struct seg_desc *d)
{
    if (sel_rpl(sel) != cpl)
        return seg_fault(SEG_FAULT_GP, sel_error(sel), "SS selector RPL != CPL");
    if (!is_writable_data(d))
        return seg_fault(SEG_FAULT_GP, sel_error(sel), "SS must be a writable data segment");
    if (d->dpl != cpl)
        return seg_fault(SEG_FAULT_GP, sel_error(sel), "SS descriptor DPL != CPL");
    if (!d->present)
        return seg_fault(SEG_FAULT_SS, sel_error(sel), "stack segment not present");
    return seg_ok();
}

/*
 * CS by a direct far JMP/CALL (JMP pseudocode; §5.8.1).  Only code
 * segments are direct targets; gates and TSSs (S=0) would go through
 * §5.8.3/ch. 7 and are refused here like any other non-code descriptor.
 */
static struct seg_result load_code_reg(uint16_t sel, unsigned cpl, const struct seg_desc *d)
{
    if (!d->s)
        return seg_fault(SEG_FAULT_GP, sel_error(sel), "far jump to a system descriptor (gates/TSS not modelled)");
    if (!is_code(d))
        return seg_fault(SEG_FAULT_GP, sel_error(sel), "far jump target is not a code segment");
    if (is_conforming_code(d)) {
        /* §5.8.1.2: conforming code may be entered from its DPL or any
         * less privileged level: DPL <= CPL; RPL is not checked. */
        if (d->dpl > cpl)
            return seg_fault(SEG_FAULT_GP, sel_error(sel), "conforming code segment DPL > CPL");
    } else {
        /* §5.8.1.1: nonconforming code only at the same level:
         * DPL == CPL and RPL <= CPL. */
        if (sel_rpl(sel) > cpl)
            return seg_fault(SEG_FAULT_GP, sel_error(sel), "nonconforming code segment RPL > CPL");
        if (d->dpl != cpl)
            return seg_fault(SEG_FAULT_GP, sel_error(sel), "nonconforming code segment DPL != CPL");
    }
    if (!d->present)
        return seg_fault(SEG_FAULT_NP, sel_error(sel), "code segment not present");
    return seg_ok();
}

struct seg_result seg_load(enum seg_reg reg, uint16_t sel, unsigned cpl,
                           const uint8_t *gdt, uint32_t gdt_limit,
                           const uint8_t *ldt, uint32_t ldt_limit,
                           struct seg_desc *d, int *null_sel)
{
    struct seg_desc nd;
    struct seg_result r;
    const char *why;

    if ((unsigned)reg >= NR_SEG_REGS)
        return seg_fault(SEG_FAULT_GP, 0, "no such segment register");

    /* §3.4.2, §5.4.1: a null selector may be loaded into DS, ES, FS, GS
     * (an access through it faults later); into SS or CS it is #GP(0). */
    if (sel_is_null(sel)) {
        if (reg == SR_SS)
            return seg_fault(SEG_FAULT_GP, 0, "null selector loaded into SS");
        if (reg == SR_CS)
            return seg_fault(SEG_FAULT_GP, 0, "null selector loaded into CS");
        memset(d, 0, sizeof *d);
        if (null_sel)
            *null_sel = 1;
        return seg_ok();
    }

    why = fetch_desc(sel, gdt, gdt_limit, ldt, ldt_limit, &nd);
    if (why)
        return seg_fault(SEG_FAULT_GP, sel_error(sel), why);

    if (reg == SR_SS)
        r = load_stack_reg(sel, cpl, &nd);
    else if (reg == SR_CS)
        r = load_code_reg(sel, cpl, &nd);
    else
        r = load_data_reg(sel, cpl, &nd);
    if (r.fault != SEG_OK)
        return r;

    *d = nd;
    if (null_sel)
        *null_sel = 0;
    return r;
}

/* ------------------------------------------------------------------ */
/* Checking an access                                                  */
/* ------------------------------------------------------------------ */

/* §5.4 (type checking): fetches need code; reads need data or readable
 * code; writes need writable data.  NULL if the access is allowed. */
static const char *check_type(const struct seg_desc *d, int write, int fetch)
{
    if (!d->s)
        return "access through a system descriptor";
    if (fetch)
        return is_code(d) ? NULL : "instruction fetch from a non-code segment";
    if (write) {
        if (is_code(d))
            return "write to a code segment";
        return is_writable_data(d) ? NULL : "write to a read-only data segment";
    }
    if (is_code(d) && !is_readable_code(d))
        return "read from an execute-only code segment";
    return NULL;
}

/*
 * §5.3 (limit checking).  Every byte of the access must be within the
 * segment.  Expand-up (code, and data with E=0): offset + size - 1 <=
 * limit, computed without wrapping, so an access running past 4 GiB
 * faults even in a 4 GiB segment.  Expand-down (data with E=1): valid
 * offsets are limit + 1 .. 0xFFFF (B=0) or 0xFFFFFFFF (B=1), and both
 * ends are checked.  The limit is already scaled by G (§3.4.5).
 * A zero-size access is checked as one byte.
 */
static const char *check_limit(const struct seg_desc *d, uint32_t offset, uint32_t size)
{
    uint64_t last = (uint64_t)offset + (size ? size : 1) - 1;

    if (is_expand_down(d)) {
        uint64_t top = d->db ? 0xFFFFFFFFu : 0xFFFFu;

        if (offset <= d->limit)
            return "offset at or below an expand-down segment's limit";
        if (last > top)
            return "access past the top of an expand-down segment";
        return NULL;
    }
    /* Implied by the next test (limit <= 0xFFFFFFFF); kept for its reason. */
    if (last > 0xFFFFFFFFu)
        return "access wraps past 4 GiB";
    if (last > d->limit)
        return "access past the segment limit";
    return NULL;
}

struct seg_result seg_check_access(enum seg_reg reg, const struct seg_desc *d, int null_sel,
                                   uint32_t offset, uint32_t size, int write, int fetch,
                                   uint32_t *linear)
{
    /* §5.3: limit violations through SS are #SS(0), others #GP(0); the
     * contract applies the same split to every access fault. */
    enum seg_fault f = reg == SR_SS ? SEG_FAULT_SS : SEG_FAULT_GP;
    const char *why;

    /* §5.4.1: a memory access through a register holding the null
     * selector faults. */
    if (null_sel)
        return seg_fault(f, 0, "access through a null segment selector");
    why = check_type(d, write, fetch);
    if (!why)
        why = check_limit(d, offset, size);
    if (why)
        return seg_fault(f, 0, why);

    /* §3.4: linear address = base + offset, modulo 2^32. */
    *linear = d->base + offset;
    return seg_ok();
}

/*
 * decode.c — Capstone decoding into the timing model's instruction classes.
 *
 * Classes follow Capstone's groups and ids: integer multiply and divide,
 * control transfers, x87, SIMD, string instructions (a rep-prefixed one
 * reaches the code hook once per iteration), and system instructions
 * (int, cpuid, rdtsc, segment loads); everything else is ALU.
 */
#include <stdlib.h>
#include <string.h>
#include "emu/decode.h"
#include "mmu/segment.h"

int decode_init(struct decode_cache *dc)
{
    memset(dc, 0, sizeof *dc);
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &dc->cs) != CS_ERR_OK)
        return -1;
    cs_option(dc->cs, CS_OPT_DETAIL, CS_OPT_ON);
    dc->e = calloc(1u << DECODE_BITS, sizeof *dc->e);
    if (!dc->e) {
        cs_close(&dc->cs);
        return -1;
    }
    return 0;
}

void decode_destroy(struct decode_cache *dc)
{
    if (dc->e)
        cs_close(&dc->cs);
    free(dc->e);
    dc->e = NULL;
}

static int in_group(const cs_insn *insn, uint8_t group)
{
    for (uint8_t i = 0; i < insn->detail->groups_count; i++)
        if (insn->detail->groups[i] == group)
            return 1;
    return 0;
}

static int writes_segment(csh cs, const cs_insn *insn)
{
    cs_regs rd, wr;
    uint8_t nrd, nwr;
    if (cs_regs_access(cs, insn, rd, &nrd, wr, &nwr) != CS_ERR_OK)
        return 0;
    for (unsigned i = 0; i < nwr; i++)
        if (wr[i] == X86_REG_DS || wr[i] == X86_REG_ES || wr[i] == X86_REG_FS ||
            wr[i] == X86_REG_GS || wr[i] == X86_REG_SS || wr[i] == X86_REG_CS)
            return 1;
    return 0;
}

static enum insn_class classify(csh cs, const cs_insn *insn, uint8_t *flags)
{
    switch (insn->id) {
    case X86_INS_RDTSC:  *flags |= DEC_RDTSC;  return INSN_SYSTEM;
    case X86_INS_RDTSCP: *flags |= DEC_RDTSCP; return INSN_SYSTEM;
    case X86_INS_LAR: case X86_INS_LSL: case X86_INS_VERR: case X86_INS_VERW:
    case X86_INS_LJMP: case X86_INS_LCALL: case X86_INS_RETF: case X86_INS_IRET:
    case X86_INS_IRETD:
        *flags |= DEC_SEGLOAD;
        return INSN_SYSTEM;
    case X86_INS_MUL: case X86_INS_IMUL: return INSN_MUL;
    case X86_INS_DIV: case X86_INS_IDIV: return INSN_DIV;
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD: case X86_INS_STOSB:
    case X86_INS_STOSW: case X86_INS_STOSD: case X86_INS_LODSB: case X86_INS_LODSW:
    case X86_INS_LODSD: case X86_INS_CMPSB: case X86_INS_CMPSW: case X86_INS_CMPSD:
    case X86_INS_SCASB: case X86_INS_SCASW: case X86_INS_SCASD:
        return INSN_STRING;
    case X86_INS_INT: case X86_INS_INT3: case X86_INS_CPUID: case X86_INS_HLT:
        return INSN_SYSTEM;
    default:
        break;
    }
    if (writes_segment(cs, insn)) {
        *flags |= DEC_SEGLOAD;
        return INSN_SYSTEM;
    }
    if (in_group(insn, CS_GRP_JUMP) || in_group(insn, CS_GRP_CALL) || in_group(insn, CS_GRP_RET))
        return INSN_BRANCH;
    if (in_group(insn, X86_GRP_FPU))
        return INSN_FP;
    if (in_group(insn, X86_GRP_MMX) || in_group(insn, X86_GRP_SSE1) || in_group(insn, X86_GRP_SSE2) ||
        in_group(insn, X86_GRP_SSE3) || in_group(insn, X86_GRP_SSSE3) || in_group(insn, X86_GRP_SSE41) ||
        in_group(insn, X86_GRP_SSE42) || in_group(insn, X86_GRP_AVX) || in_group(insn, X86_GRP_AVX2))
        return INSN_SIMD;
    return INSN_ALU;
}

static int sreg_of(x86_reg r)
{
    switch (r) {
    case X86_REG_ES: return SR_ES;
    case X86_REG_CS: return SR_CS;
    case X86_REG_SS: return SR_SS;
    case X86_REG_FS: return SR_FS;
    case X86_REG_GS: return SR_GS;
    case X86_REG_DS: return SR_DS;
    default:         return -1;
    }
}

/*
 * Which segment the instruction's memory access goes through: known exactly
 * when it has one explicit memory operand and no implicit stack access
 * (push, pop, call, ret, enter, leave touch SS:ESP as well).  The segment is
 * the override prefix, else SS for an ESP/EBP base, else DS.
 */
static void memory_segment(csh cs, const cs_insn *insn, struct decoded *d)
{
    const cs_x86 *x = &insn->detail->x86;
    const cs_x86_op *mem = NULL;
    for (uint8_t i = 0; i < x->op_count; i++) {
        if (x->operands[i].type != X86_OP_MEM)
            continue;
        if (mem)
            return;                          /* two memory operands (movs, cmps) */
        mem = &x->operands[i];
    }
    if (!mem)
        return;
    cs_regs rd, wr;
    uint8_t nrd, nwr;
    if (cs_regs_access(cs, insn, rd, &nrd, wr, &nwr) == CS_ERR_OK)
        for (unsigned i = 0; i < nwr; i++)
            if (wr[i] == X86_REG_ESP)
                return;                      /* an implicit stack access too */
    int seg = sreg_of(mem->mem.segment);
    if (seg < 0)
        seg = (mem->mem.base == X86_REG_ESP || mem->mem.base == X86_REG_EBP) ? SR_SS : SR_DS;
    d->seg = (uint8_t)seg;
    d->flags |= DEC_MEMSEG;
}

const struct decoded *decode_fill(struct decode_cache *dc, uint32_t eip,
                                  const uint8_t *code, size_t n)
{
    struct decoded *d = &dc->e[decode_slot(eip)];
    cs_insn *insn;
    uint8_t flags = 0;
    enum insn_class cls = INSN_ALU;
    size_t size = n ? n : 1;

    dc->misses++;
    *d = (struct decoded){ .eip = eip };
    if (n && cs_disasm(dc->cs, code, n, eip, 1, &insn) == 1) {
        cls = classify(dc->cs, insn, &flags);
        size = insn->size;
        d->flags = flags;
        memory_segment(dc->cs, insn, d);
        flags = d->flags;
        cs_free(insn, 1);
    }
    d->size = (uint8_t)size;
    d->cls = (uint8_t)cls;
    d->flags = flags;
    return d;
}

void decode_invalidate(struct decode_cache *dc, uint32_t start, uint32_t end)
{
    if (end - start >= (1u << DECODE_BITS)) {
        for (uint32_t i = 0; i < (1u << DECODE_BITS); i++)
            if (dc->e[i].eip >= start && dc->e[i].eip < end)
                dc->e[i].size = 0;
        return;
    }
    for (uint32_t eip = start; eip != end; eip++) {
        struct decoded *d = &dc->e[decode_slot(eip)];
        if (d->eip == eip)
            d->size = 0;
    }
}

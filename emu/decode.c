/*
 * decode.c — Capstone decoding into the timing model's instruction classes.
 *
 * Classes follow Capstone's groups and ids: integer multiply and divide,
 * control transfers, x87, SIMD, string instructions (a rep-prefixed one
 * reaches the code hook once per iteration), and system instructions
 * (int, sysenter, cpuid, rdtsc, segment loads); everything else is ALU.
 * The decode also records what the timing model does not need but the
 * CPU's behaviour does: which instructions load segment registers
 * (DEC_SEGLOAD) and which fault at CPL 3 or on a lock prefix they may not
 * take, with which exception (DEC_FAULT, DEC_UNDECODED), so that Unicorn's
 * own opinion never decides either.
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
    dc->code_pages = calloc(DECODE_PAGES, 1);
    if (!dc->e || !dc->code_pages) {
        free(dc->e);
        free(dc->code_pages);
        dc->e = NULL;
        dc->code_pages = NULL;
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
    free(dc->code_pages);
    dc->e = NULL;
    dc->code_pages = NULL;
}

static int in_group(const cs_insn *insn, uint8_t group)
{
    for (uint8_t i = 0; i < insn->detail->groups_count; i++)
        if (insn->detail->groups[i] == group)
            return 1;
    return 0;
}

static int is_sreg(x86_reg r)
{
    return r == X86_REG_DS || r == X86_REG_ES || r == X86_REG_FS || r == X86_REG_GS ||
           r == X86_REG_SS || r == X86_REG_CS;
}

/*
 * Does the instruction load a segment register, or otherwise make the CPU
 * read a descriptor table?  Capstone 4 reports the destination of mov sreg
 * as written but neither that of pop sreg nor the segment lds..lss load, so
 * those are recognised from their operands and ids; far transfers and iret
 * load CS (and SS), lar/lsl/verr/verw read a descriptor.
 */
static int loads_segment(csh cs, const cs_insn *insn)
{
    const cs_x86 *x = &insn->detail->x86;
    switch (insn->id) {
    case X86_INS_LDS: case X86_INS_LES: case X86_INS_LFS: case X86_INS_LGS: case X86_INS_LSS:
    case X86_INS_LJMP: case X86_INS_LCALL: case X86_INS_RETF: case X86_INS_IRET:
    case X86_INS_IRETD: case X86_INS_LAR: case X86_INS_LSL: case X86_INS_VERR:
    case X86_INS_VERW:
        return 1;
    case X86_INS_POP:
    case X86_INS_MOV:
        if (x->op_count && x->operands[0].type == X86_OP_REG && is_sreg(x->operands[0].reg))
            return 1;                   /* operand 0 is the destination */
        break;
    default:
        break;
    }
    cs_regs rd, wr;
    uint8_t nrd, nwr;
    if (cs_regs_access(cs, insn, rd, &nrd, wr, &nwr) != CS_ERR_OK)
        return 0;
    for (unsigned i = 0; i < nwr; i++)
        if (is_sreg(wr[i]))
            return 1;
    return 0;
}

/*
 * The exception an instruction raises at CPL 3 in every state Linux leaves a
 * user process in, or -1.  Unicorn does not raise these itself (port I/O and
 * syscall do nothing in it; int $n reaches its interrupt hook as vector n,
 * indistinguishable from the exception n), so memsim raises them:
 *  - ud0/ud2: #UD;  int1 (icebp, 0xf1): #DB, which Linux reports as SIGTRAP;
 *  - int $n: only the gates of vectors 3, 4 and 0x80 have DPL 3 in Linux's
 *    IDT (arch/x86/kernel/idt.c: SYSG for X86_TRAP_BP, X86_TRAP_OF and
 *    IA32_SYSCALL_VECTOR); any other is #GP;
 *  - in/out/ins/outs and cli/sti: IOPL is 0 and stays 0 (no iopl or ioperm),
 *    so #GP; hlt at CPL 3: #GP; rdpmc: #GP (CR4.PCE is clear for a process
 *    that has not mapped a perf event);
 *  - syscall and sysret: #UD (EFER.SCE is clear on i386 kernels, and Intel
 *    CPUs refuse them outside 64-bit mode); sysexit at CPL 3: #GP.
 * sysenter runs a system call (cpu.c), as an i386 kernel does.
 */
static int cpl3_fault(const cs_insn *insn)
{
    const cs_x86 *x = &insn->detail->x86;
    switch (insn->id) {
    case X86_INS_UD2: case X86_INS_UD2B: case X86_INS_UD0:
    case X86_INS_SYSCALL: case X86_INS_SYSRET:
        return X86_TRAP_UD;
    case X86_INS_INT1:
        return X86_TRAP_DB;
    case X86_INS_INT: {
        int64_t v = x->op_count ? x->operands[0].imm : -1;
        return v == X86_TRAP_BP || v == X86_TRAP_OF || v == IA32_SYSCALL_VECTOR ? -1 : X86_TRAP_GP;
    }
    case X86_INS_IN: case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
    case X86_INS_OUT: case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
    case X86_INS_CLI: case X86_INS_STI: case X86_INS_HLT: case X86_INS_SYSEXIT:
    case X86_INS_RDPMC:
        return X86_TRAP_GP;
    default:
        return -1;
    }
}

static int is_legacy_prefix(uint8_t b)
{
    switch (b) {
    case 0xf0: case 0xf2: case 0xf3: case 0x2e: case 0x36: case 0x3e: case 0x26:
    case 0x64: case 0x65: case 0x66: case 0x67:
        return 1;
    default:
        return 0;
    }
}

/* Do the bytes carry a lock prefix?  Scanned from the bytes, not Capstone's
 * prefix[0]: that holds only the last of lock/rep/repne, so f0 f3 01 00
 * shows no lock in it. */
static int lock_prefixed(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n && i < X86_MAX_INSN_LENGTH && is_legacy_prefix(b[i]); i++)
        if (b[i] == 0xf0)
            return 1;
    return 0;
}

/*
 * May the instruction take a lock prefix?  Only the read-modify-write ones
 * listed under LOCK in SDM Vol. 2, and only with a memory destination; lock
 * on anything else, a register destination included, is #UD, raised at
 * decode before any memory access.  Capstone lists the destination first;
 * xchg has its memory operand on either side (it is locked anyway).  bt
 * only reads: not lockable, unlike btc/btr/bts.
 */
static int lock_allowed(const cs_insn *insn)
{
    const cs_x86 *x = &insn->detail->x86;
    switch (insn->id) {
    case X86_INS_XCHG:
        for (uint8_t i = 0; i < x->op_count; i++)
            if (x->operands[i].type == X86_OP_MEM)
                return 1;
        return 0;
    case X86_INS_ADD: case X86_INS_ADC: case X86_INS_AND: case X86_INS_BTC:
    case X86_INS_BTR: case X86_INS_BTS: case X86_INS_CMPXCHG: case X86_INS_CMPXCHG8B:
    case X86_INS_DEC: case X86_INS_INC: case X86_INS_NEG: case X86_INS_NOT:
    case X86_INS_OR: case X86_INS_SBB: case X86_INS_SUB: case X86_INS_XOR:
    case X86_INS_XADD:
        return x->op_count && x->operands[0].type == X86_OP_MEM;
    default:
        return 0;
    }
}

/*
 * What the CPU does with bytes Capstone cannot decode.  Capstone refuses
 * instructions longer than 15 bytes and lock prefixes on instructions that
 * cannot take one, both of which the CPU decodes far enough to fault on:
 * over 15 bytes is #GP(0) (SDM Vol. 2 §2.3.11), lock on anything else #UD.
 * So: drop the lock prefixes and repeated prefixes (which change nothing
 * but the length) and decode the rest, zero-padded in case the instruction
 * runs past the bytes read; its length plus the dropped bytes decides #GP.
 * Anything still undecodable is #UD.  *size gets the length the CPU
 * fetched (at most 15).  *lock_ud is set when the rest decodes to an
 * instruction the dropped lock may not prefix: that #UD is certain, and
 * must be raised even when the engine would run the bytes (it runs
 * lock mov as a plain mov).
 */
static uint8_t undecoded_fault(csh cs, const uint8_t *code, size_t n, size_t *size, int *lock_ud)
{
    uint8_t buf[2 * 16] = { 0 };
    size_t p = 0, k = 0;                      /* prefixes read, prefixes kept in buf */
    int locked = 0;
    *lock_ud = 0;
    if (n > 16)
        n = 16;
    for (; p < n && is_legacy_prefix(code[p]); p++) {
        if (code[p] == 0xf0)
            locked = 1;
        else if (!memchr(buf, code[p], k))
            buf[k++] = code[p];
    }
    if (p >= X86_MAX_INSN_LENGTH) {
        *size = X86_MAX_INSN_LENGTH;
        return X86_TRAP_GP;
    }
    memcpy(buf + k, code + p, n - p);
    cs_insn *insn;
    if (cs_disasm(cs, buf, sizeof buf, 0, 1, &insn) == 1) {
        size_t len = p + insn->size - k;
        *lock_ud = locked && len <= X86_MAX_INSN_LENGTH && !lock_allowed(insn);
        cs_free(insn, 1);
        *size = len > X86_MAX_INSN_LENGTH ? X86_MAX_INSN_LENGTH : len;
        return len > X86_MAX_INSN_LENGTH ? X86_TRAP_GP : X86_TRAP_UD;
    }
    *size = p + 1 < n ? p + 1 : n;
    return X86_TRAP_UD;
}

static enum insn_class classify(csh cs, const cs_insn *insn, uint8_t *flags)
{
    switch (insn->id) {
    case X86_INS_RDTSC:  *flags |= DEC_RDTSC;  return INSN_SYSTEM;
    case X86_INS_RDTSCP: *flags |= DEC_RDTSCP; return INSN_SYSTEM;
    case X86_INS_MUL: case X86_INS_IMUL: return INSN_MUL;
    case X86_INS_DIV: case X86_INS_IDIV: return INSN_DIV;
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD: case X86_INS_STOSB:
    case X86_INS_STOSW: case X86_INS_STOSD: case X86_INS_LODSB: case X86_INS_LODSW:
    case X86_INS_LODSD: case X86_INS_CMPSB: case X86_INS_CMPSW: case X86_INS_CMPSD:
    case X86_INS_SCASB: case X86_INS_SCASW: case X86_INS_SCASD:
        return INSN_STRING;
    case X86_INS_INT: case X86_INS_INT3: case X86_INS_CPUID: case X86_INS_HLT:
    case X86_INS_SYSENTER:
        return INSN_SYSTEM;
    default:
        break;
    }
    if (loads_segment(cs, insn)) {
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

static void mark_code_page(struct decode_cache *dc, uint32_t va)
{
    dc->code_pages[va >> 12] = 1;
}

const struct decoded *decode_fill(struct decode_cache *dc, uint32_t eip,
                                  const uint8_t *code, size_t n, size_t len)
{
    struct decoded *d = &dc->e[decode_slot(eip)];
    cs_insn *insn;
    size_t size = 0;

    dc->misses++;
    *d = (struct decoded){ .eip = eip, .cls = INSN_ALU };
    if (n && cs_disasm(dc->cs, code, n, eip, 1, &insn) == 1) {
        d->cls = (uint8_t)classify(dc->cs, insn, &d->flags);
        size = insn->size;
        /* Capstone takes lock on some that may not have it (add reg,mem) */
        int fault = lock_prefixed(insn->bytes, insn->size) && !lock_allowed(insn)
                  ? X86_TRAP_UD : cpl3_fault(insn);
        if (fault >= 0) {
            d->flags |= DEC_FAULT;
            d->fault = (uint8_t)fault;
        } else {
            memory_segment(dc->cs, insn, d);
        }
        cs_free(insn, 1);
    } else {
        int lock_ud = 0;
        d->flags = DEC_UNDECODED;
        d->fault = n ? undecoded_fault(dc->cs, code, n, &size, &lock_ud) : X86_TRAP_UD;
        if (lock_ud)
            d->flags |= DEC_FAULT;        /* raised by the code hook, not left to the engine */
        if (len)
            size = len;                   /* the engine knows it: it runs */
    }
    d->size = (uint8_t)(size ? size : 1);
    mark_code_page(dc, eip);
    mark_code_page(dc, eip + d->size - 1);
    return d;
}

/* Drop the entries of the instructions that overlap [start, end): those
 * starting inside, and those starting up to 14 bytes before that reach it. */
static void drop_overlapping(struct decode_cache *dc, uint32_t start, uint32_t end)
{
    if (end - start >= (1u << DECODE_BITS)) {
        for (uint32_t i = 0; i < (1u << DECODE_BITS); i++) {
            struct decoded *d = &dc->e[i];
            if (d->eip - start < end - start || start - d->eip < d->size)
                d->size = 0;
        }
        return;
    }
    for (uint32_t eip = start - (X86_MAX_INSN_LENGTH - 1); eip != end; eip++) {
        struct decoded *d = &dc->e[decode_slot(eip)];
        if (d->eip == eip && (eip - start < end - start || start - eip < d->size))
            d->size = 0;
    }
}

void decode_invalidate(struct decode_cache *dc, uint32_t start, uint32_t end)
{
    drop_overlapping(dc, start, end);
    uint64_t last = end < start ? 1ull << 32 : end;         /* end 0: the top of memory */
    for (uint64_t pg = ((uint64_t)start + 0xfff) >> 12; pg < last >> 12; pg++)
        dc->code_pages[pg] = 0;
}

void decode_written(struct decode_cache *dc, uint32_t va, uint32_t len)
{
    drop_overlapping(dc, va, va + len);
}

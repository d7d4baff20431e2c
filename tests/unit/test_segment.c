/*
 * test_segment.c — x86 segmentation: descriptor decode/encode and segment
 * register loads (MOV/POP to DS, ES, FS, GS, SS; far JMP to CS), one test
 * per rule.  The per-access checks on a loaded descriptor (limits, types)
 * and real mode are in test_segment_access.c.
 *
 * Expected values are worked out from the Intel SDM vol. 3A: §3.4.2
 * (selectors, the null selector), §3.4.5 and §3.4.5.1 (descriptor fields
 * and types), §3.5 and §3.5.1 (system descriptors, GDT/LDT limits), §5.4.1
 * (null checks), §5.6–§5.8 (privilege checks for data, SS and direct far
 * jumps), §6.13 (selector error codes: RPL bits cleared) and the
 * MOV/POP/JMP pseudocode of vol. 2.  Linux's descriptors are those of
 * arch/x86/kernel/cpu/common.c (32-bit gdt_page) and fill_ldt() in
 * arch/x86/include/asm/desc.h.
 */
#include "tests/unit/segment_fixture.h"

#include <stdint.h>
#include <string.h>

/* Linux's GDT_ENTRY_INIT(flags, base, limit) (asm/desc_defs.h). */
static void gdt_entry_init(uint8_t raw[8], unsigned flags, uint32_t base, uint32_t limit)
{
    mkdesc(raw, base, limit, flags & 0xFFu, (flags >> 12) & 0xFu);
}

/* struct user_desc flags and Linux's fill_ldt(), as set_thread_area runs it. */
struct user_desc {
    uint32_t entry_number, base_addr, limit;
    unsigned seg_32bit, contents, read_exec_only, limit_in_pages, seg_not_present, useable;
};

static void fill_ldt(uint8_t raw[8], const struct user_desc *u)
{
    unsigned type = (u->read_exec_only ^ 1u) << 1 | u->contents << 2 | 1u;   /* accessed preset */
    mkdesc(raw, u->base_addr, u->limit, ACC(u->seg_not_present ^ 1u, 3, 1, type),
           (u->limit_in_pages << 3) | (u->seg_32bit << 2) | u->useable);
}

/* Linux i386 GDT: 32 entries, limit 0xFF (GDT_SIZE - 1). */
#define GDT_ENTRIES 32
#define GDT_LIMIT   (GDT_ENTRIES * 8 - 1)
#define KERNEL_CS   0x60
#define KERNEL_DS   0x68
#define USER_CS     0x73
#define USER_DS     0x7b
#define TSS_SEL     0x80   /* GDT_ENTRY_TSS 16 */
#define TLS_SEL     0x33   /* GDT_ENTRY_TLS_MIN 6, RPL 3 */

static const struct user_desc tls_desc = {
    .entry_number = 6, .base_addr = 0x0804c000, .limit = 0xfffff,
    .seg_32bit = 1, .limit_in_pages = 1, .useable = 1,
};

static void linux_gdt(uint8_t gdt[GDT_ENTRIES * 8])
{
    memset(gdt, 0, GDT_ENTRIES * 8);
    gdt_entry_init(gdt + 12 * 8, 0xc09a, 0, 0xfffff);
    gdt_entry_init(gdt + 13 * 8, 0xc092, 0, 0xfffff);
    gdt_entry_init(gdt + 14 * 8, 0xc0fa, 0, 0xfffff);
    gdt_entry_init(gdt + 15 * 8, 0xc0f2, 0, 0xfffff);
    mkdesc(gdt + 16 * 8, 0xC1000000u, 0x206b, ACC(1, 0, 0, 0x9), 0);   /* 32-bit TSS, available */
    fill_ldt(gdt + 6 * 8, &tls_desc);
}

/* Load `sel` from a one-descriptor GDT: entry 1 holds raw (selector 0x08|rpl). */
static struct seg_result load1(enum seg_reg reg, const uint8_t raw[8], unsigned rpl,
                               unsigned cpl, struct seg_desc *d)
{
    uint8_t gdt[16] = {0};
    int nul = -1;
    struct seg_result r;

    memcpy(gdt + 8, raw, 8);
    r = seg_load(reg, (uint16_t)(0x08 | rpl), cpl, gdt, sizeof gdt - 1, NULL, 0, d, &nul);
    if (r.fault == SEG_OK)
        CHECK_EQ(nul, 0);
    return r;
}

/* ---- §3.4.2, §3.4.5: selectors and descriptor fields ---- */

static void test_selector_fields(void)
{
    CHECK_EQ(sel_index(USER_CS), 14);
    CHECK_EQ(sel_rpl(USER_CS), 3);
    CHECK_EQ(sel_ti(USER_CS), 0);
    CHECK_EQ(sel_index(USER_DS), 15);
    CHECK_EQ(sel_rpl(USER_DS), 3);
    CHECK_EQ(sel_index(TLS_SEL), 6);
    CHECK_EQ(sel_ti(0x0F), 1);
    CHECK_EQ(sel_index(0x0F), 1);
}

/* Every field comes from its own bits: distinct values in every byte. */
static void test_decode_field_bits(void)
{
    static const uint8_t raw[8] = { 0xDE, 0xBC, 0x78, 0x56, 0x34, 0xD6, 0x5A, 0x12 };
    uint8_t back[8];
    struct seg_desc d;

    seg_decode(raw, &d);
    CHECK_EQ(d.base, 0x12345678u);           /* bytes 2, 3, 4, 7 */
    CHECK_EQ(d.limit, 0xABCDEu);             /* bytes 0, 1, byte 6 low nibble; G=0 */
    CHECK_EQ(d.type, 0x6);                   /* byte 5 = 1 10 1 0110 */
    CHECK_EQ(d.s, 1);
    CHECK_EQ(d.dpl, 2);
    CHECK_EQ(d.present, 1);
    CHECK_EQ(d.avl, 1);                      /* byte 6 high nibble 0101: G0 DB1 L0 AVL1 */
    CHECK_EQ(d.l, 0);
    CHECK_EQ(d.db, 1);
    CHECK_EQ(d.g, 0);
    seg_encode(&d, back);
    CHECK(memcmp(raw, back, 8) == 0);

    /* L and G set, AVL and D/B clear, P clear, S clear. */
    static const uint8_t raw2[8] = { 0x01, 0x00, 0x00, 0x00, 0x00, 0x0B, 0xA0, 0x00 };
    seg_decode(raw2, &d);
    CHECK_EQ(d.l, 1);
    CHECK_EQ(d.g, 1);
    CHECK_EQ(d.avl, 0);
    CHECK_EQ(d.db, 0);
    CHECK_EQ(d.present, 0);
    CHECK_EQ(d.s, 0);
    CHECK_EQ(d.limit, 0x1FFFu);
    seg_encode(&d, back);
    CHECK(memcmp(raw2, back, 8) == 0);
}

/* Linux's four flat segments decode as flat 4 GiB, 32-bit, with the right
 * type and DPL, and encode back to the same bytes. */
static void test_linux_gdt_round_trip(void)
{
    static const struct { uint16_t sel; unsigned flags; uint8_t type, dpl; uint8_t raw[8]; } e[] = {
        { KERNEL_CS, 0xc09a, 0xA, 0, { 0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0 } },
        { KERNEL_DS, 0xc092, 0x2, 0, { 0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0 } },
        { USER_CS,   0xc0fa, 0xA, 3, { 0xff, 0xff, 0, 0, 0, 0xfa, 0xcf, 0 } },
        { USER_DS,   0xc0f2, 0x2, 3, { 0xff, 0xff, 0, 0, 0, 0xf2, 0xcf, 0 } },
    };
    uint8_t gdt[GDT_ENTRIES * 8], back[8];

    linux_gdt(gdt);
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
        const uint8_t *raw = gdt + sel_index(e[i].sel) * 8;
        struct seg_desc d;

        CHECK(memcmp(raw, e[i].raw, 8) == 0);
        seg_decode(raw, &d);
        CHECK_EQ(d.base, 0);
        CHECK_EQ(d.limit, 0xFFFFFFFFu);
        CHECK_EQ(d.type, e[i].type);
        CHECK_EQ(d.s, 1);
        CHECK_EQ(d.dpl, e[i].dpl);
        CHECK_EQ(d.present, 1);
        CHECK_EQ(d.db, 1);
        CHECK_EQ(d.g, 1);
        CHECK_EQ(d.l, 0);
        CHECK_EQ(d.avl, 0);
        CHECK(seg_is_flat(&d));
        seg_encode(&d, back);
        CHECK(memcmp(raw, back, 8) == 0);
    }
}

/* set_thread_area's TLS descriptor: RW data, accessed, DPL 3, 4 GiB
 * limit, base 0x0804c000, AVL from `useable`. */
static void test_tls_user_desc(void)
{
    static const uint8_t want[8] = { 0xff, 0xff, 0x00, 0xc0, 0x04, 0xf3, 0xdf, 0x08 };
    uint8_t gdt[GDT_ENTRIES * 8], back[8];
    struct seg_desc d;
    uint32_t lin = 0;
    int nul = -1;

    linux_gdt(gdt);
    CHECK(memcmp(gdt + 6 * 8, want, 8) == 0);
    seg_decode(gdt + 6 * 8, &d);
    CHECK_EQ(d.base, 0x0804c000u);
    CHECK_EQ(d.limit, 0xFFFFFFFFu);
    CHECK_EQ(d.type, T_DATA_RW);
    CHECK_EQ(d.s, 1);
    CHECK_EQ(d.dpl, 3);
    CHECK_EQ(d.present, 1);
    CHECK_EQ(d.avl, 1);
    CHECK_EQ(d.db, 1);
    CHECK_EQ(d.g, 1);
    CHECK(!seg_is_flat(&d));
    seg_encode(&d, back);
    CHECK(memcmp(want, back, 8) == 0);

    /* %gs:0 reads the TCB at the base; the offset wraps mod 2^32. */
    CHECK_OK(seg_load(SR_GS, TLS_SEL, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
    CHECK_EQ(nul, 0);
    CHECK_OK(rd(SR_GS, &d, 0, 4, &lin));
    CHECK_EQ(lin, 0x0804c000u);
    CHECK_OK(wr(SR_GS, &d, 0xF7FB4000u, 4, &lin));
    CHECK_EQ(lin, 0);
}

/* seg_encode is lossy where the field cannot hold the limit: with G=1 the
 * low 12 bits come back as 0xFFF. */
static void test_encode_granularity(void)
{
    struct seg_desc d = desc(0, 0, ACC(1, 3, 1, T_DATA_RW), FL_G), d2;
    uint8_t raw[8];

    d.limit = 0x12345000u;
    seg_encode(&d, raw);
    seg_decode(raw, &d2);
    CHECK_EQ(d2.limit, 0x12345FFFu);
    CHECK_EQ(raw[0], 0x45);
    CHECK_EQ(raw[1], 0x23);
    CHECK_EQ(raw[6] & 0xF, 0x1);
}

/* ---- §3.4.2, §5.4.1: the null selector ---- */

static void test_null_selector_data_regs(void)
{
    static const enum seg_reg regs[] = { SR_DS, SR_ES, SR_FS, SR_GS };
    uint8_t gdt[GDT_ENTRIES * 8];
    struct seg_desc d, zero;
    uint32_t lin = 0;

    linux_gdt(gdt);
    memset(&zero, 0, sizeof zero);
    for (size_t i = 0; i < 4; i++) {
        for (uint16_t sel = 0; sel <= 3; sel++) {   /* any RPL */
            int nul = -1;
            memset(&d, 0xA5, sizeof d);
            CHECK_OK(seg_load(regs[i], sel, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
            CHECK_EQ(nul, 1);
            CHECK(memcmp(&d, &zero, sizeof d) == 0);
            CHECK_FAULT(seg_check_access(regs[i], &d, nul, 0, 1, 0, 0, &lin), SEG_FAULT_GP, 0);
            CHECK_FAULT(seg_check_access(regs[i], &d, nul, 0x1000, 4, 1, 0, &lin), SEG_FAULT_GP, 0);
        }
    }
}

static void test_null_selector_ss_cs(void)
{
    uint8_t gdt[GDT_ENTRIES * 8];
    struct seg_desc d, zero;
    uint32_t lin = 0;
    int nul = -1;

    linux_gdt(gdt);
    CHECK_FAULT(seg_load(SR_SS, 0, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0);
    CHECK_FAULT(seg_load(SR_SS, 3, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0);
    CHECK_FAULT(seg_load(SR_CS, 0, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0);
    CHECK_FAULT(seg_load(SR_CS, 3, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0);
    CHECK_EQ(nul, -1);   /* untouched on failure */
    /* an access through a null SS is #SS(0) */
    memset(&zero, 0, sizeof zero);
    CHECK_FAULT(seg_check_access(SR_SS, &zero, 1, 0, 4, 1, 0, &lin), SEG_FAULT_SS, 0);
}

/* ---- §3.5.1: the table limit ---- */

static void test_gdt_limit(void)
{
    uint8_t gdt[GDT_ENTRIES * 8];
    struct seg_desc d;
    int nul;

    linux_gdt(gdt);
    CHECK_FAULT(seg_load(SR_DS, 0x103, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0x100);
    CHECK_FAULT(seg_load(SR_DS, 0xFFFB, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0xFFF8);
    /* the whole 8 bytes must be inside: limit 0x7E cuts entry 15 short */
    CHECK_FAULT(seg_load(SR_DS, USER_DS, 3, gdt, 0x7E, NULL, 0, &d, &nul), SEG_FAULT_GP, 0x78);
    CHECK_OK(seg_load(SR_DS, USER_DS, 3, gdt, 0x7F, NULL, 0, &d, &nul));
    CHECK_FAULT(seg_load(SR_SS, USER_DS, 3, gdt, 0x77, NULL, 0, &d, &nul), SEG_FAULT_GP, 0x78);
    CHECK_FAULT(seg_load(SR_CS, USER_CS, 3, gdt, 0x6F, NULL, 0, &d, &nul), SEG_FAULT_GP, 0x70);
}

/* ---- §3.4.2, §3.5.1: TI=1 selects the LDT ---- */

static void test_ldt(void)
{
    uint8_t gdt[GDT_ENTRIES * 8], ldt[16];
    struct seg_desc d;
    uint32_t lin = 0;
    int nul = -1;

    linux_gdt(gdt);
    mkdesc(ldt, 0x12340000u, 0xFFF, ACC(1, 3, 1, T_DATA_RW), FL_DB);        /* LDT entry 0 */
    mkdesc(ldt + 8, 0x56780000u, 0xFF, ACC(1, 3, 1, T_DATA_RO), FL_DB);     /* LDT entry 1 */

    /* index 0 with TI=1 is the LDT's first entry, not the null selector */
    CHECK_OK(seg_load(SR_DS, 0x07, 3, gdt, GDT_LIMIT, ldt, sizeof ldt - 1, &d, &nul));
    CHECK_EQ(nul, 0);
    CHECK_EQ(d.base, 0x12340000u);
    CHECK_OK(rd(SR_DS, &d, 0x10, 1, &lin));
    CHECK_EQ(lin, 0x12340010u);
    CHECK_OK(seg_load(SR_SS, 0x07, 3, gdt, GDT_LIMIT, ldt, sizeof ldt - 1, &d, &nul));

    /* 0x0F is LDT entry 1, not GDT entry 1 (which is empty) */
    CHECK_OK(seg_load(SR_ES, 0x0F, 3, gdt, GDT_LIMIT, ldt, sizeof ldt - 1, &d, &nul));
    CHECK_EQ(d.base, 0x56780000u);
    CHECK_EQ(d.limit, 0xFFu);
    CHECK_FAULT(seg_load(SR_ES, 0x0F, 3, gdt, GDT_LIMIT, ldt, 7, &d, &nul), SEG_FAULT_GP, 0x0C);
    CHECK_FAULT(seg_load(SR_ES, 0x17, 3, gdt, GDT_LIMIT, ldt, sizeof ldt - 1, &d, &nul), SEG_FAULT_GP, 0x14);

    /* no LDT: every TI=1 selector is #GP(selector) */
    CHECK_FAULT(seg_load(SR_DS, 0x07, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0x04);
    CHECK_FAULT(seg_load(SR_SS, 0x0F, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0x0C);
    CHECK_FAULT(seg_load(SR_CS, 0x0F, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, 0x0C);
}

/* ---- §3.5: system descriptors are not segments for DS/SS/CS ---- */

static void test_system_descriptor(void)
{
    static const unsigned sys_types[] = { 0x2 /* LDT */, 0x9 /* TSS */, 0xB /* busy TSS */,
                                          0xC /* call gate */, 0x5 /* task gate */ };
    uint8_t gdt[GDT_ENTRIES * 8], raw[8];
    struct seg_desc d, sys;
    uint32_t lin = 0;
    int nul;

    linux_gdt(gdt);
    CHECK_FAULT(seg_load(SR_DS, TSS_SEL, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, TSS_SEL);
    CHECK_FAULT(seg_load(SR_SS, TSS_SEL, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, TSS_SEL);
    CHECK_FAULT(seg_load(SR_CS, TSS_SEL, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, TSS_SEL);
    for (size_t i = 0; i < sizeof sys_types / sizeof sys_types[0]; i++) {
        /* DPL 3 and present: only S=0 is wrong; also #GP when not present */
        mkdesc(raw, 0, 0xFFFF, ACC(1, 3, 0, sys_types[i]), 0);
        CHECK_FAULT(load1(SR_FS, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
        mkdesc(raw, 0, 0xFFFF, ACC(0, 3, 0, sys_types[i]), 0);
        CHECK_FAULT(load1(SR_FS, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
    }
    /* a system descriptor forced into a register faults on access */
    sys = desc(0, 0xFFFF, ACC(1, 0, 0, 0x9), 0);
    CHECK_FAULT(rd(SR_DS, &sys, 0, 1, &lin), SEG_FAULT_GP, 0);
}

/* ---- §5.6.1: code segments in data registers ---- */

static void test_execute_only_code_in_ds(void)
{
    uint8_t raw[8];
    struct seg_desc d;

    mkdesc(raw, 0, 0xFFFFF, ACC(1, 3, 1, T_CODE_XO), FL_G | FL_DB);
    CHECK_FAULT(load1(SR_DS, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
    mkdesc(raw, 0, 0xFFFFF, ACC(1, 3, 1, T_CODE_XO_C), FL_G | FL_DB);   /* conforming too */
    CHECK_FAULT(load1(SR_ES, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
    mkdesc(raw, 0, 0xFFFFF, ACC(0, 3, 1, T_CODE_XO), FL_G | FL_DB);     /* #GP before #NP */
    CHECK_FAULT(load1(SR_ES, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
}

static void test_readable_code_in_ds(void)
{
    uint8_t gdt[GDT_ENTRIES * 8];
    struct seg_desc d;
    uint32_t lin = 0;
    int nul = -1;

    linux_gdt(gdt);
    CHECK_OK(seg_load(SR_DS, USER_CS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
    CHECK_EQ(nul, 0);
    CHECK_OK(rd(SR_DS, &d, 0x08048000u, 4, &lin));   /* reading constants from code */
    CHECK_EQ(lin, 0x08048000u);
    CHECK_FAULT(wr(SR_DS, &d, 0x08048000u, 4, &lin), SEG_FAULT_GP, 0);   /* §5.4: never writable */
}

/* ---- §5.6: DPL >= max(CPL, RPL) for data and nonconforming code ---- */

static void test_data_privilege(void)
{
    static const unsigned types[] = { T_DATA_RW, T_DATA_RO, T_DATA_RW_ED, T_CODE_XR };
    uint8_t gdt[GDT_ENTRIES * 8], raw[8];
    struct seg_desc d;
    int nul;

    for (size_t t = 0; t < 4; t++)
        for (unsigned dpl = 0; dpl < 4; dpl++)
            for (unsigned rpl = 0; rpl < 4; rpl++)
                for (unsigned cpl = 0; cpl < 4; cpl++) {
                    unsigned eff = rpl > cpl ? rpl : cpl;
                    mkdesc(raw, 0, 0xFFFFF, ACC(1, dpl, 1, types[t]), FL_G | FL_DB);
                    if (dpl >= eff)
                        CHECK_OK(load1(SR_GS, raw, rpl, cpl, &d));
                    else
                        CHECK_FAULT(load1(SR_GS, raw, rpl, cpl, &d), SEG_FAULT_GP, 0x08);
                }

    /* CPL 3 loading KERNEL_DS, and the RPL 3 alias of it */
    linux_gdt(gdt);
    CHECK_FAULT(seg_load(SR_DS, KERNEL_DS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, KERNEL_DS);
    CHECK_FAULT(seg_load(SR_DS, KERNEL_DS | 3, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, KERNEL_DS);
    /* CPL 0 with RPL 3 (a kernel acting for the user) cannot reach DPL 0 */
    CHECK_FAULT(seg_load(SR_DS, KERNEL_DS | 3, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, KERNEL_DS);
    CHECK_OK(seg_load(SR_DS, KERNEL_DS, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
    CHECK_OK(seg_load(SR_DS, USER_DS, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
    CHECK_OK(seg_load(SR_DS, USER_DS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
    CHECK_FAULT(seg_load(SR_DS, KERNEL_CS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, KERNEL_CS);
}

/* §5.6.1: conforming readable code has no privilege check. */
static void test_conforming_code_in_ds(void)
{
    uint8_t raw[8];
    struct seg_desc d;

    for (unsigned dpl = 0; dpl < 4; dpl++)
        for (unsigned rpl = 0; rpl < 4; rpl++)
            for (unsigned cpl = 0; cpl < 4; cpl++) {
                mkdesc(raw, 0x1000, 0xFFFF, ACC(1, dpl, 1, T_CODE_XR_C), FL_DB);
                CHECK_OK(load1(SR_FS, raw, rpl, cpl, &d));
                CHECK_EQ(d.base, 0x1000u);
            }
}

/* ---- §3.4.5 (P), MOV pseudocode: not present is #NP(selector) ---- */

static void test_not_present(void)
{
    uint8_t raw[8];
    struct seg_desc d;

    mkdesc(raw, 0, 0xFFFF, ACC(0, 3, 1, T_DATA_RW), FL_DB);
    CHECK_FAULT(load1(SR_DS, raw, 3, 3, &d), SEG_FAULT_NP, 0x08);
    CHECK_FAULT(load1(SR_GS, raw, 0, 0, &d), SEG_FAULT_NP, 0x08);
    mkdesc(raw, 0, 0xFFFF, ACC(0, 3, 1, T_CODE_XR_C), FL_DB);
    CHECK_FAULT(load1(SR_FS, raw, 2, 1, &d), SEG_FAULT_NP, 0x08);
    /* a privilege violation outranks presence */
    mkdesc(raw, 0, 0xFFFF, ACC(0, 0, 1, T_DATA_RW), FL_DB);
    CHECK_FAULT(load1(SR_DS, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
}

/* ---- §5.7: SS ---- */

static void test_ss_privilege(void)
{
    uint8_t raw[8];
    struct seg_desc d;

    for (unsigned dpl = 0; dpl < 4; dpl++)
        for (unsigned rpl = 0; rpl < 4; rpl++)
            for (unsigned cpl = 0; cpl < 4; cpl++) {
                mkdesc(raw, 0, 0xFFFFF, ACC(1, dpl, 1, T_DATA_RW), FL_G | FL_DB);
                if (rpl == cpl && dpl == cpl)
                    CHECK_OK(load1(SR_SS, raw, rpl, cpl, &d));
                else
                    CHECK_FAULT(load1(SR_SS, raw, rpl, cpl, &d), SEG_FAULT_GP, 0x08);
            }
}

/* SS must be writable data: read-only data and code are not loadable, so
 * a write through a read-only SS cannot happen. */
static void test_ss_type(void)
{
    static const unsigned bad[] = { T_DATA_RO, T_DATA_RO_ED, T_CODE_XO, T_CODE_XR, T_CODE_XR_C };
    uint8_t gdt[GDT_ENTRIES * 8], raw[8];
    struct seg_desc d;
    uint32_t lin = 0;
    int nul;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mkdesc(raw, 0, 0xFFFFF, ACC(1, 3, 1, bad[i]), FL_G | FL_DB);
        CHECK_FAULT(load1(SR_SS, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
    }
    /* writable expand-down data is a valid stack */
    mkdesc(raw, 0, 0xFFF, ACC(1, 3, 1, T_DATA_RW_ED), FL_DB);
    CHECK_OK(load1(SR_SS, raw, 3, 3, &d));
    CHECK_OK(wr(SR_SS, &d, 0xFFFFFFFCu, 4, &lin));

    linux_gdt(gdt);
    CHECK_OK(seg_load(SR_SS, USER_DS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
    CHECK_FAULT(seg_load(SR_SS, USER_CS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, USER_CS & 0xFFFC);
    CHECK_FAULT(seg_load(SR_SS, KERNEL_DS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, KERNEL_DS);
    CHECK_FAULT(seg_load(SR_SS, USER_DS, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, USER_DS & 0xFFFC);
}

static void test_ss_not_present(void)
{
    uint8_t raw[8];
    struct seg_desc d;

    mkdesc(raw, 0, 0xFFFFF, ACC(0, 3, 1, T_DATA_RW), FL_G | FL_DB);
    CHECK_FAULT(load1(SR_SS, raw, 3, 3, &d), SEG_FAULT_SS, 0x08);
    mkdesc(raw, 0, 0xFFFFF, ACC(0, 0, 1, T_DATA_RW), FL_G | FL_DB);
    CHECK_FAULT(load1(SR_SS, raw, 0, 0, &d), SEG_FAULT_SS, 0x08);
    /* #GP outranks #SS */
    mkdesc(raw, 0, 0xFFFFF, ACC(0, 3, 1, T_DATA_RO), FL_G | FL_DB);
    CHECK_FAULT(load1(SR_SS, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
}

/* ---- §5.8.1: CS by a direct far jump ---- */

static void test_cs_far_jump(void)
{
    uint8_t gdt[GDT_ENTRIES * 8], raw[8];
    struct seg_desc d;
    int nul;

    /* §5.8.1.1 nonconforming: DPL == CPL and RPL <= CPL */
    for (unsigned dpl = 0; dpl < 4; dpl++)
        for (unsigned rpl = 0; rpl < 4; rpl++)
            for (unsigned cpl = 0; cpl < 4; cpl++) {
                mkdesc(raw, 0, 0xFFFFF, ACC(1, dpl, 1, T_CODE_XO), FL_G | FL_DB);
                if (dpl == cpl && rpl <= cpl)
                    CHECK_OK(load1(SR_CS, raw, rpl, cpl, &d));
                else
                    CHECK_FAULT(load1(SR_CS, raw, rpl, cpl, &d), SEG_FAULT_GP, 0x08);
            }
    /* §5.8.1.2 conforming: DPL <= CPL, RPL not checked */
    for (unsigned dpl = 0; dpl < 4; dpl++)
        for (unsigned rpl = 0; rpl < 4; rpl++)
            for (unsigned cpl = 0; cpl < 4; cpl++) {
                mkdesc(raw, 0, 0xFFFFF, ACC(1, dpl, 1, T_CODE_XR_C), FL_G | FL_DB);
                if (dpl <= cpl)
                    CHECK_OK(load1(SR_CS, raw, rpl, cpl, &d));
                else
                    CHECK_FAULT(load1(SR_CS, raw, rpl, cpl, &d), SEG_FAULT_GP, 0x08);
            }
    /* data is not a jump target */
    mkdesc(raw, 0, 0xFFFFF, ACC(1, 3, 1, T_DATA_RW), FL_G | FL_DB);
    CHECK_FAULT(load1(SR_CS, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);
    /* not present: #NP after the privilege checks */
    mkdesc(raw, 0, 0xFFFFF, ACC(0, 3, 1, T_CODE_XR), FL_G | FL_DB);
    CHECK_FAULT(load1(SR_CS, raw, 3, 3, &d), SEG_FAULT_NP, 0x08);
    mkdesc(raw, 0, 0xFFFFF, ACC(0, 0, 1, T_CODE_XR), FL_G | FL_DB);
    CHECK_FAULT(load1(SR_CS, raw, 3, 3, &d), SEG_FAULT_GP, 0x08);

    linux_gdt(gdt);
    CHECK_OK(seg_load(SR_CS, USER_CS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
    CHECK(seg_is_flat(&d));
    CHECK_OK(seg_load(SR_CS, KERNEL_CS, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul));
    CHECK_FAULT(seg_load(SR_CS, KERNEL_CS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, KERNEL_CS);
    CHECK_FAULT(seg_load(SR_CS, USER_CS, 0, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, USER_CS & 0xFFFC);
    CHECK_FAULT(seg_load(SR_CS, USER_DS, 3, gdt, GDT_LIMIT, NULL, 0, &d, &nul), SEG_FAULT_GP, USER_DS & 0xFFFC);
}

int main(void)
{
    test_selector_fields();
    test_decode_field_bits();
    test_linux_gdt_round_trip();
    test_tls_user_desc();
    test_encode_granularity();
    test_null_selector_data_regs();
    test_null_selector_ss_cs();
    test_gdt_limit();
    test_ldt();
    test_system_descriptor();
    test_execute_only_code_in_ds();
    test_readable_code_in_ds();
    test_data_privilege();
    test_conforming_code_in_ds();
    test_not_present();
    test_ss_privilege();
    test_ss_type();
    test_ss_not_present();
    test_cs_far_jump();
    return CHECK_DONE();
}

/*
 * test_segment_access.c — x86 segmentation: the checks on every access
 * through a loaded descriptor (limits, expand-up and expand-down, byte and
 * 4 KiB granularity, the linear address, the segment type) and the
 * real-mode address formula, one test per rule.  Descriptor decoding and
 * segment register loads are in test_segment.c.
 *
 * Expected values are worked out from the Intel SDM vol. 3A: §3.4 (linear
 * = base + offset modulo 2^32), §3.4.5 and §3.4.5.1 (G, D/B and E),
 * §5.3 (limit checking: #GP(0), or #SS(0) through SS), §5.4 (type checks
 * on each access), and vol. 3B "Address Translation in Real-Address Mode"
 * for the real-mode formula.
 */
#include "tests/unit/segment_fixture.h"

#include <stdint.h>

/* ---- §5.3: limit checking ---- */

/* Expand-up, byte granularity: the last byte is in, one past faults, and
 * a multi-byte access is checked at its last byte. */
static void test_expand_up_limit(void)
{
    struct seg_desc d = desc(0x10000, 0x1FFF, ACC(1, 3, 1, T_DATA_RW), FL_DB);
    uint32_t lin = 0;

    CHECK_EQ(d.limit, 0x1FFFu);
    CHECK_OK(rd(SR_DS, &d, 0, 1, &lin));
    CHECK_EQ(lin, 0x10000u);
    CHECK_OK(rd(SR_DS, &d, 0x1FFF, 1, &lin));
    CHECK_EQ(lin, 0x11FFFu);
    CHECK_FAULT(rd(SR_DS, &d, 0x2000, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_OK(rd(SR_DS, &d, 0x1FFC, 4, &lin));
    CHECK_EQ(lin, 0x11FFCu);
    CHECK_FAULT(rd(SR_DS, &d, 0x1FFE, 4, &lin), SEG_FAULT_GP, 0);   /* straddles */
    CHECK_FAULT(wr(SR_DS, &d, 0x1FFD, 4, &lin), SEG_FAULT_GP, 0);
    /* the same violations through SS are #SS(0) */
    CHECK_FAULT(wr(SR_SS, &d, 0x2000, 1, &lin), SEG_FAULT_SS, 0);
    CHECK_FAULT(rd(SR_SS, &d, 0x1FFE, 4, &lin), SEG_FAULT_SS, 0);
}

/* An access whose last byte lies past 2^32 faults even with a 4 GiB limit. */
static void test_expand_up_wrap(void)
{
    struct seg_desc d = desc(0, 0xFFFFF, ACC(1, 3, 1, T_DATA_RW), FL_G | FL_DB);
    uint32_t lin = 0;

    CHECK_OK(rd(SR_DS, &d, 0xFFFFFFFCu, 4, &lin));
    CHECK_EQ(lin, 0xFFFFFFFCu);
    CHECK_OK(rd(SR_DS, &d, 0xFFFFFFFFu, 1, &lin));
    CHECK_FAULT(rd(SR_DS, &d, 0xFFFFFFFEu, 4, &lin), SEG_FAULT_GP, 0);
    CHECK_FAULT(rd(SR_DS, &d, 0xFFFFFFFFu, 2, &lin), SEG_FAULT_GP, 0);
    CHECK_FAULT(rd(SR_SS, &d, 0xFFFFFFFDu, 4, &lin), SEG_FAULT_SS, 0);
}

/* G=1 scales the limit: field 0 is a 4 KiB segment (0..0xFFF); with G=0
 * field 0 is one byte. */
static void test_granularity(void)
{
    struct seg_desc g = desc(0x400000, 0, ACC(1, 3, 1, T_DATA_RW), FL_G | FL_DB);
    struct seg_desc b = desc(0x400000, 0, ACC(1, 3, 1, T_DATA_RW), FL_DB);
    struct seg_desc g2 = desc(0, 1, ACC(1, 3, 1, T_DATA_RW), FL_G | FL_DB);
    uint32_t lin = 0;

    CHECK_EQ(g.limit, 0xFFFu);
    CHECK_OK(rd(SR_DS, &g, 0xFFF, 1, &lin));
    CHECK_EQ(lin, 0x400FFFu);
    CHECK_OK(rd(SR_DS, &g, 0xFFC, 4, &lin));
    CHECK_FAULT(rd(SR_DS, &g, 0x1000, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_FAULT(rd(SR_DS, &g, 0xFFE, 4, &lin), SEG_FAULT_GP, 0);

    CHECK_EQ(b.limit, 0);
    CHECK_OK(rd(SR_DS, &b, 0, 1, &lin));
    CHECK_EQ(lin, 0x400000u);
    CHECK_FAULT(rd(SR_DS, &b, 1, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_FAULT(rd(SR_DS, &b, 0, 2, &lin), SEG_FAULT_GP, 0);

    CHECK_EQ(g2.limit, 0x1FFFu);
    CHECK_OK(rd(SR_DS, &g2, 0x1FFF, 1, &lin));
    CHECK_FAULT(rd(SR_DS, &g2, 0x2000, 1, &lin), SEG_FAULT_GP, 0);
}

/* Expand-down, B=0: offsets limit+1 .. 0xFFFF, both ends checked. */
static void test_expand_down_16(void)
{
    struct seg_desc d = desc(0x20000, 0x0FFF, ACC(1, 3, 1, T_DATA_RW_ED), 0);
    uint32_t lin = 0;

    CHECK_FAULT(rd(SR_DS, &d, 0x0FFF, 1, &lin), SEG_FAULT_GP, 0);   /* the limit itself */
    CHECK_FAULT(rd(SR_DS, &d, 0, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_OK(rd(SR_DS, &d, 0x1000, 1, &lin));                 /* limit + 1 */
    CHECK_EQ(lin, 0x21000u);
    CHECK_OK(rd(SR_DS, &d, 0xFFFF, 1, &lin));                 /* top */
    CHECK_EQ(lin, 0x2FFFFu);
    CHECK_OK(rd(SR_DS, &d, 0xFFFC, 4, &lin));
    CHECK_FAULT(rd(SR_DS, &d, 0xFFFE, 4, &lin), SEG_FAULT_GP, 0);   /* past the top */
    CHECK_FAULT(rd(SR_DS, &d, 0x10000, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_FAULT(rd(SR_DS, &d, 0x0FFE, 4, &lin), SEG_FAULT_GP, 0);   /* starts below */
    /* as a stack: #SS(0) at both ends */
    CHECK_FAULT(wr(SR_SS, &d, 0x0FFF, 1, &lin), SEG_FAULT_SS, 0);
    CHECK_FAULT(wr(SR_SS, &d, 0xFFFF, 2, &lin), SEG_FAULT_SS, 0);
    CHECK_OK(wr(SR_SS, &d, 0xFFFE, 2, &lin));
    CHECK_EQ(lin, 0x2FFFEu);
}

/* Expand-down, B=1: offsets limit+1 .. 0xFFFFFFFF. */
static void test_expand_down_32(void)
{
    struct seg_desc d = desc(0, 0x0FFF, ACC(1, 3, 1, T_DATA_RW_ED), FL_DB);
    uint32_t lin = 0;

    CHECK_FAULT(rd(SR_DS, &d, 0x0FFF, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_OK(rd(SR_DS, &d, 0x1000, 1, &lin));
    CHECK_OK(rd(SR_DS, &d, 0x10000, 4, &lin));                /* past 0xFFFF: fine with B=1 */
    CHECK_OK(rd(SR_DS, &d, 0xFFFFFFFFu, 1, &lin));
    CHECK_EQ(lin, 0xFFFFFFFFu);
    CHECK_OK(rd(SR_DS, &d, 0xFFFFFFFCu, 4, &lin));
    CHECK_FAULT(rd(SR_DS, &d, 0xFFFFFFFEu, 4, &lin), SEG_FAULT_GP, 0);
}

/* Expand-down with G=1: the scaled limit (field << 12 | 0xFFF) is the last
 * invalid offset. */
static void test_expand_down_granular(void)
{
    struct seg_desc d = desc(0, 0xFFFF0, ACC(1, 3, 1, T_DATA_RW_ED), FL_G | FL_DB);
    uint32_t lin = 0;

    CHECK_EQ(d.limit, 0xFFFF0FFFu);
    CHECK_FAULT(rd(SR_DS, &d, 0xFFFF0FFFu, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_FAULT(rd(SR_DS, &d, 0xFFFF0000u, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_OK(rd(SR_DS, &d, 0xFFFF1000u, 1, &lin));
    CHECK_EQ(lin, 0xFFFF1000u);
}

/* §3.4: linear = base + offset modulo 2^32. */
static void test_linear_wraps(void)
{
    struct seg_desc d = desc(0xFFFFF000u, 0xFFFFF, ACC(1, 3, 1, T_DATA_RW), FL_G | FL_DB);
    uint32_t lin = 0;

    CHECK_OK(rd(SR_DS, &d, 0xFFF, 1, &lin));
    CHECK_EQ(lin, 0xFFFFFFFFu);
    CHECK_OK(rd(SR_DS, &d, 0x2000, 4, &lin));
    CHECK_EQ(lin, 0x1000u);
}

/* ---- §5.4: type checks on each access ---- */

static void test_access_types(void)
{
    struct seg_desc ro = desc(0x1000, 0xFFFF, ACC(1, 3, 1, T_DATA_RO), FL_DB);
    struct seg_desc rw = desc(0x1000, 0xFFFF, ACC(1, 3, 1, T_DATA_RW), FL_DB);
    struct seg_desc xo = desc(0x1000, 0xFFFF, ACC(1, 3, 1, T_CODE_XO), FL_DB);
    struct seg_desc xr = desc(0x1000, 0xFFFF, ACC(1, 3, 1, T_CODE_XR_C), FL_DB);
    uint32_t lin = 0;

    /* write through read-only data */
    CHECK_OK(rd(SR_DS, &ro, 0x10, 4, &lin));
    CHECK_EQ(lin, 0x1010u);
    CHECK_FAULT(wr(SR_DS, &ro, 0x10, 4, &lin), SEG_FAULT_GP, 0);
    CHECK_OK(wr(SR_DS, &rw, 0x10, 4, &lin));
    CHECK_EQ(lin, 0x1010u);
    /* code is never writable */
    CHECK_FAULT(wr(SR_CS, &xr, 0x10, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_FAULT(wr(SR_CS, &xo, 0x10, 1, &lin), SEG_FAULT_GP, 0);
    /* execute-only code can be fetched but not read, even through CS */
    CHECK_OK(seg_check_access(SR_CS, &xo, 0, 0x20, 15, 0, 1, &lin));
    CHECK_EQ(lin, 0x1020u);
    CHECK_FAULT(rd(SR_CS, &xo, 0x20, 4, &lin), SEG_FAULT_GP, 0);
    CHECK_OK(rd(SR_CS, &xr, 0x20, 4, &lin));
    /* fetch needs a code segment; and fetches are limit-checked */
    CHECK_FAULT(seg_check_access(SR_CS, &rw, 0, 0x20, 1, 0, 1, &lin), SEG_FAULT_GP, 0);
    CHECK_OK(seg_check_access(SR_CS, &xo, 0, 0xFFFF, 1, 0, 1, &lin));
    CHECK_FAULT(seg_check_access(SR_CS, &xo, 0, 0xFFFE, 4, 0, 1, &lin), SEG_FAULT_GP, 0);
}

/* ---- vol. 3B real-address mode: linear = sel * 16 + offset ---- */

static void test_real_mode(void)
{
    CHECK_EQ(seg_real_linear(0x1234, 0x5678, 1), 0x179B8u);
    CHECK_EQ(seg_real_linear(0x0000, 0x0000, 0), 0u);
    CHECK_EQ(seg_real_linear(0xF000, 0xFFF0, 0), 0xFFFF0u);
    CHECK_EQ(seg_real_linear(0xFFFF, 0x000F, 0), 0xFFFFFu);
    /* the HMA: 0xFFFF:0x0010 is 1 MiB with A20 enabled, wraps to 0 without */
    CHECK_EQ(seg_real_linear(0xFFFF, 0x0010, 1), 0x100000u);
    CHECK_EQ(seg_real_linear(0xFFFF, 0x0010, 0), 0x00000u);
    CHECK_EQ(seg_real_linear(0xFFFF, 0xFFFF, 1), 0x10FFEFu);
    CHECK_EQ(seg_real_linear(0xFFFF, 0xFFFF, 0), 0x0FFEFu);
}

int main(void)
{
    test_expand_up_limit();
    test_expand_up_wrap();
    test_granularity();
    test_expand_down_16();
    test_expand_down_32();
    test_expand_down_granular();
    test_linear_wraps();
    test_access_types();
    test_real_mode();
    return CHECK_DONE();
}

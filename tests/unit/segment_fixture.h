/*
 * segment_fixture.h — building x86 segment descriptors by hand for the
 * test_segment*.c tests (access-byte, flag and type spellings, raw bytes
 * from fields, a decoded descriptor from them), the two ways to call
 * seg_check_access they use most (a plain read, a plain write), and
 * CHECK_OK / CHECK_FAULT for a struct seg_result.  Header-only, like
 * check.h.
 */
#ifndef MEMSIM_SEGMENT_FIXTURE_H
#define MEMSIM_SEGMENT_FIXTURE_H

#include "tests/unit/check.h"
#include "mmu/segment.h"

#include <stdint.h>
#include <string.h>

/* Byte 5 (access) and the high nibble of byte 6 (flags). */
#define ACC(p, dpl, s, type) ((unsigned)(p) << 7 | (unsigned)(dpl) << 5 | (unsigned)(s) << 4 | (type))
#define FL_G   0x8u
#define FL_DB  0x4u
#define FL_L   0x2u
#define FL_AVL 0x1u

/* Types (table 3-1) */
#define T_DATA_RO    0x1u   /* read-only, accessed */
#define T_DATA_RW    0x3u
#define T_DATA_RO_ED 0x5u   /* expand-down */
#define T_DATA_RW_ED 0x7u
#define T_CODE_XO    0x9u   /* execute-only */
#define T_CODE_XR    0xBu   /* execute/read */
#define T_CODE_XO_C  0xDu   /* conforming */
#define T_CODE_XR_C  0xFu

/* Build raw descriptor bytes (figure 3-8) from the encoded limit field. */
static inline void mkdesc(uint8_t raw[8], uint32_t base, uint32_t field, unsigned access, unsigned flags)
{
    raw[0] = (uint8_t)field;
    raw[1] = (uint8_t)(field >> 8);
    raw[2] = (uint8_t)base;
    raw[3] = (uint8_t)(base >> 8);
    raw[4] = (uint8_t)(base >> 16);
    raw[5] = (uint8_t)access;
    raw[6] = (uint8_t)(((field >> 16) & 0xFu) | flags << 4);
    raw[7] = (uint8_t)(base >> 24);
}

/* A seg_result that must be SEG_OK (the reason is shown if not), or a
 * fault of this kind and error code, with a reason. */
#define CHECK_OK(r) do {                                                     \
    struct seg_result check_r_ = (r);                                        \
    if (check_r_.fault != SEG_OK)                                            \
        fprintf(stderr, "%s:%d: unexpected fault %d(0x%x): %s\n", __FILE__,  \
                __LINE__, check_r_.fault, check_r_.error_code,               \
                check_r_.why ? check_r_.why : "?");                          \
    CHECK_EQ(check_r_.fault, SEG_OK);                                        \
} while (0)

#define CHECK_FAULT(r, kind, code) do {                                      \
    struct seg_result check_r_ = (r);                                        \
    CHECK_EQ(check_r_.fault, kind);                                          \
    CHECK_EQ(check_r_.error_code, code);                                     \
    CHECK(check_r_.why != NULL && check_r_.why[0] != '\0');                  \
} while (0)

/* A descriptor loaded straight from raw bytes, for the access checks. */
static inline struct seg_desc desc(uint32_t base, uint32_t field, unsigned access, unsigned flags)
{
    uint8_t raw[8];
    struct seg_desc d;

    mkdesc(raw, base, field, access, flags);
    seg_decode(raw, &d);
    return d;
}

/* A data read and a data write of size bytes at off through reg. */
static inline struct seg_result rd(enum seg_reg reg, const struct seg_desc *d, uint32_t off,
                                   uint32_t size, uint32_t *lin)
{
    return seg_check_access(reg, d, 0, off, size, 0, 0, lin);
}

static inline struct seg_result wr(enum seg_reg reg, const struct seg_desc *d, uint32_t off,
                                   uint32_t size, uint32_t *lin)
{
    return seg_check_access(reg, d, 0, off, size, 1, 0, lin);
}

#endif

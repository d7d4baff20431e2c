/*
 * test_emu_elf.c — elf_parse() on hand-built i386 ELF images.
 *
 * Named test_emu_* so it links memsim_emu, which holds emu/elf.c; elf_parse
 * itself is pure C (no Unicorn).  Every image is built here byte by byte from
 * the ELF32 layout (System V gABI + i386 psABI), so the expectations are the
 * format's, not read back from the parser:
 *
 *   - one valid ET_EXEC with PT_PHDR, two PT_LOADs (text R-X, data RW- with
 *     a .bss tail) and PT_GNU_STACK: entry, loads, prot bits, the derived
 *     layout (start/end_code, start_data, end_data), phdr_vaddr from PT_PHDR
 *     and from the segment that maps e_phoff, exec_stack;
 *   - each rejection, with its enum class and a non-empty reason;
 *   - every proper prefix of the valid image is rejected, parsed from a
 *     buffer that ends at a PROT_NONE guard page, so reading one byte past
 *     the end crashes the test instead of passing unnoticed.
 */
#include "tests/unit/check.h"
#include "emu/elf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ELF32 constants (gABI) */
#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551u
#define PF_X 1u
#define PF_W 2u
#define PF_R 4u
/* what elf_load.prot uses */
#define P_R 1u
#define P_W 2u
#define P_X 4u

/* ELF32 header field offsets */
#define E_TYPE 16
#define E_MACHINE 18
#define E_ENTRY 24
#define E_PHOFF 28
#define E_PHENTSIZE 42
#define E_PHNUM 44

#define IMG_MAX 0x4000u
#define TEXT_VADDR 0x08048000u
#define DATA_OFF 0x1f00u             /* data segment: file offset ... */
#define DATA_VADDR 0x08049f00u       /* ... congruent mod 4096 with its vaddr */
#define DATA_FILESZ 0x200u
#define DATA_MEMSZ 0x1100u           /* 0xf00 bytes of .bss */
#define IMG_SIZE (DATA_OFF + DATA_FILESZ)
#define ENTRY 0x08048100u

struct ph {
    uint32_t type, offset, vaddr, filesz, memsz, flags, align;
};

static uint8_t img_buf[IMG_MAX];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* An ELF32 little-endian i386 ET_EXEC header with the program headers
 * right after it (e_phoff 52), filler bytes elsewhere. */
static void build(uint8_t *b, uint32_t entry, const struct ph *ph, unsigned n)
{
    memset(b, 0xcc, IMG_MAX);
    memset(b, 0, 52);
    memcpy(b, "\177ELF", 4);
    b[4] = 1;                   /* ELFCLASS32 */
    b[5] = 1;                   /* ELFDATA2LSB */
    b[6] = 1;                   /* EV_CURRENT */
    put16(b + E_TYPE, ET_EXEC);
    put16(b + E_MACHINE, EM_386);
    put32(b + 20, 1);           /* e_version */
    put32(b + E_ENTRY, entry);
    put32(b + E_PHOFF, 52);
    put32(b + 32, 0);           /* e_shoff: no sections (the loader ignores them) */
    put16(b + 40, 52);          /* e_ehsize */
    put16(b + E_PHENTSIZE, 32);
    put16(b + E_PHNUM, (uint16_t)n);
    put16(b + 46, 40);          /* e_shentsize */
    for (unsigned i = 0; i < n; i++) {
        uint8_t *p = b + 52 + 32 * i;
        put32(p + 0, ph[i].type);
        put32(p + 4, ph[i].offset);
        put32(p + 8, ph[i].vaddr);
        put32(p + 12, ph[i].vaddr);     /* p_paddr */
        put32(p + 16, ph[i].filesz);
        put32(p + 20, ph[i].memsz);
        put32(p + 24, ph[i].flags);
        put32(p + 28, ph[i].align);
    }
}

/* The reference program headers: PT_PHDR, text, data, PT_GNU_STACK. */
#define REF_NPH 4
static void ref_phdrs(struct ph *ph)
{
    ph[0] = (struct ph){ PT_PHDR, 52, TEXT_VADDR + 52, 32 * REF_NPH, 32 * REF_NPH, PF_R, 4 };
    ph[1] = (struct ph){ PT_LOAD, 0, TEXT_VADDR, 0x1000, 0x1000, PF_R | PF_X, 0x1000 };
    ph[2] = (struct ph){ PT_LOAD, DATA_OFF, DATA_VADDR, DATA_FILESZ, DATA_MEMSZ, PF_R | PF_W, 0x1000 };
    ph[3] = (struct ph){ PT_GNU_STACK, 0, 0, 0, 0, PF_R | PF_W, 16 };
}

static enum elf_error parse(const uint8_t *b, size_t size, struct elf_image *img, char *why)
{
    memset(why, 0, 200);
    return elf_parse(b, size, img, why, 200);
}

/* Rebuild the reference image with ph[idx] changed by the caller, parse
 * it, and check the class and that a reason was given. */
#define EXPECT_REJECT(b, size, cls, kw) expect_reject((b), (size), (cls), (kw), __LINE__)

/* Parse, check the class, that the reason is one non-empty line and (when
 * kw is given) that it names the problem: kw is a loose, case-insensitive
 * word of it, so that a rejection for some other reason does not pass. */
static void expect_reject(const uint8_t *b, size_t size, enum elf_error cls, const char *kw, int line)
{
    struct elf_image im;
    char why[200];
    enum elf_error e = parse(b, size, &im, why);
    int ok = e == cls && why[0] && !strchr(why, '\n') && (!kw || strcasestr(why, kw));
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "  line %d: got class %d \"%s\", expected class %d naming \"%s\"\n",
                line, (int)e, why, (int)cls, kw ? kw : "");
}

static void test_valid(void)
{
    struct ph ph[REF_NPH];
    struct elf_image img;
    char why[200];

    ref_phdrs(ph);
    build(img_buf, ENTRY, ph, REF_NPH);
    CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
    CHECK_EQ(img.entry, ENTRY);
    CHECK_EQ(img.phnum, REF_NPH);
    CHECK_EQ(img.phentsize, 32);
    CHECK_EQ(img.nr_loads, 2);
    CHECK_EQ(img.loads[0].vaddr, TEXT_VADDR);
    CHECK_EQ(img.loads[0].memsz, 0x1000);
    CHECK_EQ(img.loads[0].offset, 0);
    CHECK_EQ(img.loads[0].filesz, 0x1000);
    CHECK_EQ(img.loads[0].prot, P_R | P_X);
    CHECK_EQ(img.loads[1].vaddr, DATA_VADDR);
    CHECK_EQ(img.loads[1].memsz, DATA_MEMSZ);
    CHECK_EQ(img.loads[1].offset, DATA_OFF);
    CHECK_EQ(img.loads[1].filesz, DATA_FILESZ);
    CHECK_EQ(img.loads[1].prot, P_R | P_W);
    CHECK_EQ(img.end_data, DATA_VADDR + DATA_MEMSZ);        /* 0x0804b000: brk above */
    CHECK_EQ(img.start_code, TEXT_VADDR);
    CHECK_EQ(img.end_code, TEXT_VADDR + 0x1000);
    CHECK_EQ(img.start_data, DATA_VADDR);
    CHECK_EQ(img.phdr_vaddr, TEXT_VADDR + 52);
    CHECK_EQ(img.exec_stack, 0);                             /* PT_GNU_STACK RW- */

    /* The same image parsed from a larger file (trailing bytes: sections) */
    CHECK_EQ(parse(img_buf, IMG_MAX, &img, why), ELF_OK);

    /* Entry at the first byte of text and in the .bss tail of data: both
     * inside a PT_LOAD (memsz counts, not filesz). */
    build(img_buf, TEXT_VADDR, ph, REF_NPH);
    CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
    build(img_buf, DATA_VADDR + DATA_MEMSZ - 1, ph, REF_NPH);
    CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);

    /* prot: every PF_ combination maps bit for bit */
    static const struct { uint32_t pf, prot; } pm[] = {
        { 0, 0 }, { PF_R, P_R }, { PF_W, P_W }, { PF_X, P_X },
        { PF_R | PF_W | PF_X, P_R | P_W | P_X }, { PF_R | 0xf0000000u, P_R },
    };
    for (unsigned i = 0; i < sizeof pm / sizeof pm[0]; i++) {
        ref_phdrs(ph);
        ph[2].flags = pm[i].pf;
        build(img_buf, ENTRY, ph, REF_NPH);
        CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
        CHECK_EQ(img.loads[1].prot, pm[i].prot);
    }
}

static void test_phdr_vaddr(void)
{
    struct ph ph[REF_NPH];
    struct elf_image img;
    char why[200];

    /* Without PT_PHDR: the address inside the PT_LOAD whose file bytes hold
     * e_phoff.  Text mapped at 0x08100000 from offset 0: 0x08100034. */
    ref_phdrs(ph);
    ph[0] = (struct ph){ PT_NOTE, 0x200, TEXT_VADDR + 0x200, 0x20, 0x20, PF_R, 4 };
    build(img_buf, ENTRY, ph, REF_NPH);
    CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
    CHECK_EQ(img.phdr_vaddr, TEXT_VADDR + 52);

    ph[1].vaddr = 0x08100000u;
    ph[2].vaddr = 0x08101f00u;
    build(img_buf, 0x08100100u, ph, REF_NPH);
    CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
    CHECK_EQ(img.phdr_vaddr, 0x08100000u + 52);

    /* Two loads start at file offset 0, but only the second one's file
     * bytes reach e_phoff (the first has 0x20): its address counts. */
    ref_phdrs(ph);
    ph[0] = (struct ph){ PT_NOTE, 0x200, TEXT_VADDR + 0x200, 0x20, 0x20, PF_R, 4 };
    ph[1] = (struct ph){ PT_LOAD, 0, TEXT_VADDR, 0x20, 0x20, PF_R, 0x1000 };
    ph[2] = (struct ph){ PT_LOAD, 0, TEXT_VADDR + 0x1000, 0x1000, 0x1000, PF_R | PF_X, 0x1000 };
    build(img_buf, TEXT_VADDR + 0x1100, ph, REF_NPH);
    CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
    CHECK_EQ(img.phdr_vaddr, TEXT_VADDR + 0x1000 + 52);

    /* A text segment starting at file offset 0x1000 does not map the
     * headers: then PT_PHDR is the only source. */
    ref_phdrs(ph);
    ph[0].vaddr = 0x08047034u;
    ph[1] = (struct ph){ PT_LOAD, 0x1000, 0x08049000u, 0x800, 0x800, PF_R | PF_X, 0x1000 };
    ph[2] = (struct ph){ PT_LOAD, 0x1800, 0x0804a800u, 0x100, 0x200, PF_R | PF_W, 0x1000 };
    build(img_buf, 0x08049010u, ph, REF_NPH);
    CHECK_EQ(parse(img_buf, 0x1900, &img, why), ELF_OK);
    CHECK_EQ(img.phdr_vaddr, 0x08047034u);
    CHECK_EQ(img.end_data, 0x0804aa00u);
    CHECK_EQ(img.start_code, 0x08049000u);
    CHECK_EQ(img.end_code, 0x08049800u);
    CHECK_EQ(img.start_data, 0x0804a800u);
}

static void test_exec_stack(void)
{
    struct ph ph[REF_NPH];
    struct elf_image img;
    char why[200];

    ref_phdrs(ph);
    ph[3].flags = PF_R | PF_W | PF_X;                       /* execstack */
    build(img_buf, ENTRY, ph, REF_NPH);
    CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
    CHECK_EQ(img.exec_stack, 1);

    ref_phdrs(ph);                                          /* no PT_GNU_STACK: */
    build(img_buf, ENTRY, ph, REF_NPH - 1);                 /* executable (i386 default) */
    CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
    CHECK_EQ(img.exec_stack, 1);
    CHECK_EQ(img.nr_loads, 2);
}

static void test_header_rejects(void)
{
    struct ph ph[REF_NPH];
    ref_phdrs(ph);

    /* not ELF: empty, shorter than the magic, text, a near miss */
    EXPECT_REJECT(img_buf, 0, ELF_NOT_ELF, "not an ELF");
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, 3, ELF_NOT_ELF, "not an ELF");
    EXPECT_REJECT((const uint8_t *)"#!/bin/sh\necho hi\n", 18, ELF_NOT_ELF, "not an ELF");
    img_buf[0] = 0x7e;
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_NOT_ELF, "not an ELF");

    /* truncated: the magic but not the whole 52-byte header */
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, 4, ELF_MALFORMED, "truncated");
    EXPECT_REJECT(img_buf, 51, ELF_MALFORMED, "truncated");

    /* 64-bit, big-endian, bad class/data bytes */
    build(img_buf, ENTRY, ph, REF_NPH);
    img_buf[4] = 2;
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_UNSUPPORTED, "64-bit");
    build(img_buf, ENTRY, ph, REF_NPH);
    img_buf[5] = 2;
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_UNSUPPORTED, "endian");
    build(img_buf, ENTRY, ph, REF_NPH);
    img_buf[4] = 0;
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_UNSUPPORTED, NULL);
    build(img_buf, ENTRY, ph, REF_NPH);
    img_buf[5] = 0;
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_UNSUPPORTED, NULL);

    /* wrong machine */
    build(img_buf, ENTRY, ph, REF_NPH);
    put16(img_buf + E_MACHINE, EM_X86_64);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_UNSUPPORTED, "i386");
    put16(img_buf + E_MACHINE, 40);                         /* EM_ARM */
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_UNSUPPORTED, "i386");
    put16(img_buf + E_MACHINE, 0x0300);                     /* EM_386 byte-swapped */
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_UNSUPPORTED, "i386");

    /* e_type: ET_REL, ET_CORE, 0 (ET_DYN runs: test_dyn) */
    static const uint16_t types[] = { ET_REL, 4, 0, 0xfe00 };
    for (unsigned i = 0; i < sizeof types / sizeof types[0]; i++) {
        build(img_buf, ENTRY, ph, REF_NPH);
        put16(img_buf + E_TYPE, types[i]);
        EXPECT_REJECT(img_buf, IMG_SIZE, ELF_UNSUPPORTED, "neither ET_EXEC nor ET_DYN");
    }
}

static void test_phdr_table_rejects(void)
{
    struct ph ph[REF_NPH];
    ref_phdrs(ph);

    /* the table itself past EOF: phoff + phnum * phentsize > size */
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, 52 + 32 * REF_NPH - 1, ELF_MALFORMED, "program header");
    put32(img_buf + E_PHOFF, IMG_SIZE - 32 * REF_NPH + 1);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "program header");
    put32(img_buf + E_PHOFF, 0xffffffe0u);                  /* phoff + 32 wraps 32 bits */
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "program header");
    build(img_buf, ENTRY, ph, REF_NPH);
    put16(img_buf + E_PHNUM, 0xffff);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "program header");

    /* phnum 0; e_phentsize other than sizeof(Elf32_Phdr) */
    build(img_buf, ENTRY, ph, REF_NPH);
    put16(img_buf + E_PHNUM, 0);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "program header");
    build(img_buf, ENTRY, ph, REF_NPH);
    put16(img_buf + E_PHENTSIZE, 56);                       /* Elf64_Phdr */
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "program header");
    put16(img_buf + E_PHENTSIZE, 0);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "program header");
}

static void test_segment_rejects(void)
{
    struct ph ph[20];

    /* dynamically linked (PT_INTERP, PT_DYNAMIC) parses: the interpreter is
     * the caller's (elf_interp) */
    ref_phdrs(ph);
    ph[0] = (struct ph){ PT_INTERP, 0x200, TEXT_VADDR + 0x200, 19, 19, PF_R, 1 };
    build(img_buf, ENTRY, ph, REF_NPH);
    memcpy(img_buf + 0x200, "/lib/ld-linux.so.2", 19);
    struct elf_image dimg;
    char dwhy[160], interp[64];
    CHECK_EQ(elf_parse(img_buf, IMG_SIZE, &dimg, dwhy, sizeof dwhy), ELF_OK);
    CHECK_EQ(dimg.dyn, 0);
    CHECK_EQ(elf_interp(img_buf, IMG_SIZE, interp, sizeof interp), 1);
    CHECK_STR(interp, "/lib/ld-linux.so.2");
    CHECK_EQ(elf_interp(img_buf, IMG_SIZE, interp, 10), -1);    /* longer than the buffer */
    img_buf[0x200 + 18] = 'x';                                  /* not NUL-terminated */
    CHECK_EQ(elf_interp(img_buf, IMG_SIZE, interp, sizeof interp), -1);
    ref_phdrs(ph);
    ph[3] = (struct ph){ PT_DYNAMIC, DATA_OFF, DATA_VADDR, 0x80, 0x80, PF_R | PF_W, 4 };
    build(img_buf, ENTRY, ph, REF_NPH);
    CHECK_EQ(elf_parse(img_buf, IMG_SIZE, &dimg, dwhy, sizeof dwhy), ELF_OK);
    CHECK_EQ(elf_interp(img_buf, IMG_SIZE, interp, sizeof interp), 0);

    /* filesz > memsz */
    ref_phdrs(ph);
    ph[2].memsz = DATA_FILESZ - 1;
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "memsz");

    /* segment past EOF: by one byte; with offset + filesz wrapping 32 bits */
    ref_phdrs(ph);
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE - 1, ELF_MALFORMED, "past the end");
    ph[2].offset = 0xfffff000u + (DATA_VADDR & 0xfffu);
    ph[2].filesz = 0x2000;
    ph[2].memsz = 0x2000;
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "past the end");

    /* misaligned: offset and vaddr not congruent modulo the page size */
    ref_phdrs(ph);
    ph[2].vaddr = DATA_VADDR + 4;
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "align");
    ref_phdrs(ph);
    ph[2].offset = DATA_OFF - 0x10;
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "align");
    ref_phdrs(ph);
    ph[1].align = 0x1800;                                   /* p_align not a power of two */
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "align");

    /* overlapping loads, and loads out of ascending order */
    ref_phdrs(ph);
    ph[2].vaddr = TEXT_VADDR + 0xf00;                       /* congruent with 0x1f00, inside text */
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "overlap");
    ref_phdrs(ph);
    struct ph t = ph[1];
    ph[1] = ph[2];
    ph[2] = t;
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "overlap");

    /* zero loads */
    ref_phdrs(ph);
    ph[1].type = PT_NOTE;
    ph[2].type = PT_NOTE;
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "no PT_LOAD");

    /* entry outside every load: before text, in the gap, one past the end
     * of data's memsz, 0 */
    static const uint32_t bad_entry[] = {
        TEXT_VADDR - 1, TEXT_VADDR + 0x1000, DATA_VADDR - 1, DATA_VADDR + DATA_MEMSZ, 0,
    };
    ref_phdrs(ph);
    for (unsigned i = 0; i < sizeof bad_entry / sizeof bad_entry[0]; i++) {
        build(img_buf, bad_entry[i], ph, REF_NPH);
        EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "entry");
    }

    /* vaddr + memsz overflowing 32 bits (would wrap to below vaddr), or
     * reaching into kernel space (TASK_SIZE 0xC0000000), or below
     * mmap_min_addr (64 KiB) */
    ref_phdrs(ph);
    ph[2].memsz = 0xfffff000u;
    build(img_buf, ENTRY, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "PT_LOAD");
    ref_phdrs(ph);
    ph[2].vaddr = 0xbffff000u + (DATA_OFF & 0xfffu);
    ph[2].memsz = 0x1000;
    build(img_buf, 0xbffff000u + 0xf00u, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "PT_LOAD");
    ref_phdrs(ph);
    ph[1].vaddr = 0;
    build(img_buf, 0x100, ph, REF_NPH);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "PT_LOAD");

    /* The last load ending exactly at TASK_SIZE is still user space. */
    {
        struct elf_image img;
        char why[200];
        ref_phdrs(ph);
        ph[2].vaddr = 0xbffff000u + (DATA_OFF & 0xfffu);
        ph[2].filesz = 0x100;
        ph[2].memsz = 0x100;
        build(img_buf, ENTRY, ph, REF_NPH);
        CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
        CHECK_EQ(img.end_data, 0xc0000000u);
    }

    /* more PT_LOADs than ELF_MAX_LOADS: one page each, ascending */
    unsigned n = ELF_MAX_LOADS + 1;
    for (unsigned i = 0; i < n; i++)
        ph[i] = (struct ph){ PT_LOAD, 0, TEXT_VADDR + 0x1000 * i, 0x100, 0x100, PF_R | PF_X, 0x1000 };
    build(img_buf, TEXT_VADDR + 0x10, ph, n);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "too many");
    {
        struct elf_image img;                               /* exactly the maximum is fine */
        char why[200];
        build(img_buf, TEXT_VADDR + 0x10, ph, ELF_MAX_LOADS);
        CHECK_EQ(parse(img_buf, IMG_SIZE, &img, why), ELF_OK);
        CHECK_EQ(img.nr_loads, ELF_MAX_LOADS);
    }
}

/* The reason is one line and fits any buffer, even a 1-byte one. */
/* ET_DYN (PIE, static-pie, ld.so): vaddrs from 0, relative to the load
 * bias; the largest alignment is what the loader aligns a PIE to (the
 * span it reserves is kernel-model/exec.c's image_span). */
static void test_dyn(void)
{
    struct ph ph[REF_NPH];
    struct elf_image img;
    char why[160];
    ph[0] = (struct ph){ PT_PHDR, 52, 52, 32 * REF_NPH, 32 * REF_NPH, PF_R, 4 };
    ph[1] = (struct ph){ PT_LOAD, 0, 0, 0x1000, 0x1000, PF_R | PF_X, 0x1000 };
    ph[2] = (struct ph){ PT_LOAD, DATA_OFF, DATA_OFF + 0x1000, DATA_FILESZ, DATA_MEMSZ,
                         PF_R | PF_W, 0x10000 };
    ph[3] = (struct ph){ PT_GNU_STACK, 0, 0, 0, 0, PF_R | PF_W, 16 };
    build(img_buf, 0x100, ph, REF_NPH);
    put16(img_buf + E_TYPE, ET_DYN);
    CHECK_EQ(elf_parse(img_buf, IMG_SIZE, &img, why, sizeof why), ELF_OK);
    CHECK_EQ(img.dyn, 1);
    CHECK_EQ(img.entry, 0x100u);
    CHECK_EQ(img.loads[0].vaddr, 0u);
    CHECK_EQ(img.max_align, 0x10000u);
    /* the same image as ET_EXEC maps below mmap_min_addr: refused */
    put16(img_buf + E_TYPE, ET_EXEC);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "outside the user address space");
    /* an ET_DYN still has to fit below TASK_SIZE */
    ph[2].vaddr = 0xBFFFFF00u;
    build(img_buf, 0x100, ph, REF_NPH);
    put16(img_buf + E_TYPE, ET_DYN);
    EXPECT_REJECT(img_buf, IMG_SIZE, ELF_MALFORMED, "outside the user address space");
}

static void test_reason_buffer(void)
{
    struct elf_image img;
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK_EQ(elf_parse((const uint8_t *)"hello", 5, &img, small, 5), ELF_NOT_ELF);
    CHECK_EQ(strlen(small), 4);
    CHECK_EQ(small[5], 'x');
    CHECK_EQ(elf_parse((const uint8_t *)"hello", 5, &img, small, 1), ELF_NOT_ELF);
    CHECK_EQ(small[0], 0);
    CHECK_EQ(small[1], 'o');
}

/* Every proper prefix of the valid image is rejected, read from a copy that
 * ends right before a PROT_NONE page: an over-read faults. */
static void test_prefixes_guarded(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t span = (IMG_SIZE + (size_t)pg - 1) / (size_t)pg * (size_t)pg;
    uint8_t *map = mmap(NULL, span + (size_t)pg, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(map != MAP_FAILED);
    if (map == MAP_FAILED)
        return;
    CHECK_EQ(mprotect(map + span, (size_t)pg, PROT_NONE), 0);

    struct ph ph[REF_NPH];
    ref_phdrs(ph);
    build(img_buf, ENTRY, ph, REF_NPH);
    unsigned rejected = 0, bad_class = 0;
    for (size_t len = 0; len <= IMG_SIZE; len++) {
        uint8_t *p = map + span - len;
        memcpy(p, img_buf, len);
        struct elf_image img;
        char why[200];
        enum elf_error e = parse(p, len, &img, why);
        if (len < IMG_SIZE) {
            rejected += e != ELF_OK;
            bad_class += len >= 4 && e == ELF_NOT_ELF;    /* has the magic: not "not ELF" */
        } else {
            CHECK_EQ(e, ELF_OK);
        }
    }
    CHECK_EQ(rejected, IMG_SIZE);
    CHECK_EQ(bad_class, 0);
    munmap(map, span + (size_t)pg);
}

int main(void)
{
    test_dyn();
    test_valid();
    test_phdr_vaddr();
    test_exec_stack();
    test_header_rejects();
    test_phdr_table_rejects();
    test_segment_rejects();
    test_reason_buffer();
    test_prefixes_guarded();
    return CHECK_DONE();
}

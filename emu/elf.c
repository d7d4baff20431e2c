/*
 * elf.c — i386 ELF validation and layout (after fs/binfmt_elf.c).
 *
 * Accepted: ELFCLASS32, little-endian, EM_386, ET_EXEC or ET_DYN (a PIE,
 * a static-pie, an interpreter such as ld.so), 1..ELF_MAX_LOADS PT_LOAD
 * segments in ascending order, each with offset and vaddr congruent modulo
 * the page size, filesz <= memsz, inside the file and below TASK_SIZE; an
 * ET_EXEC's also at or above mmap_min_addr (an ET_DYN's vaddrs are
 * relative: the loader adds its load bias, kernel-model/exec.c).  Whether
 * the program names an interpreter (PT_INTERP) is the caller's question
 * (elf_interp): the kernel does not look at PT_DYNAMIC, nor does memsim.
 */
#include <stdio.h>
#include <string.h>
#include "emu/elf.h"

#define EI_NIDENT 16
#define ET_EXEC 2
#define ET_DYN 3
#define EM_386 3
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551u
#define PF_X 1u
#define PF_W 2u
#define PF_R 4u
#define ELF_PAGE 4096u
#define ELF_TASK_SIZE 0xC0000000u

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static enum elf_error fail(enum elf_error e, char *why, size_t len, const char *msg)
{
    snprintf(why, len, "%s", msg);
    return e;
}

static enum elf_error check_header(const uint8_t *d, size_t size, char *why, size_t wl)
{
    if (size < 4 || memcmp(d, "\177ELF", 4) != 0)
        return fail(ELF_NOT_ELF, why, wl, "not an ELF file");
    if (size < 52)
        return fail(ELF_MALFORMED, why, wl, "truncated ELF header");
    if (d[4] == 2)
        return fail(ELF_UNSUPPORTED, why, wl, "64-bit ELF; memsim runs 32-bit i386 programs");
    if (d[4] != 1 || d[5] != 1)
        return fail(ELF_UNSUPPORTED, why, wl, "not a 32-bit little-endian ELF");
    if (rd16(d + 18) != EM_386)
        return fail(ELF_UNSUPPORTED, why, wl, "not an i386 (EM_386) executable");
    uint16_t type = rd16(d + 16);
    if (type != ET_EXEC && type != ET_DYN)
        return fail(ELF_UNSUPPORTED, why, wl,
                    "not an executable (e_type is neither ET_EXEC nor ET_DYN)");
    return ELF_OK;
}

static uint32_t pf_to_prot(uint32_t flags)
{
    return ((flags & PF_R) ? 1u : 0) | ((flags & PF_W) ? 2u : 0) | ((flags & PF_X) ? 4u : 0);
}

static enum elf_error add_load(struct elf_image *img, const uint8_t *ph, size_t size,
                               char *why, size_t wl)
{
    uint32_t off = rd32(ph + 4), vaddr = rd32(ph + 8), filesz = rd32(ph + 16);
    uint32_t memsz = rd32(ph + 20), flags = rd32(ph + 24), align = rd32(ph + 28);
    char msg[128];

    if (img->nr_loads == ELF_MAX_LOADS)
        return fail(ELF_MALFORMED, why, wl, "too many PT_LOAD segments");
    if (filesz > memsz)
        return fail(ELF_MALFORMED, why, wl, "PT_LOAD segment has p_filesz > p_memsz");
    if ((uint64_t)off + filesz > size)
        return fail(ELF_MALFORMED, why, wl, "PT_LOAD segment extends past the end of the file");
    if ((uint64_t)vaddr + memsz > ELF_TASK_SIZE || (!img->dyn && vaddr < 0x10000u))
        return fail(ELF_MALFORMED, why, wl, "PT_LOAD segment outside the user address space");
    if ((off & (ELF_PAGE - 1)) != (vaddr & (ELF_PAGE - 1)) || (align > 1 && (align & (align - 1))))
        return fail(ELF_MALFORMED, why, wl, "PT_LOAD segment misaligned");
    if (img->nr_loads) {
        const struct elf_load *prev = &img->loads[img->nr_loads - 1];
        if (vaddr < prev->vaddr + prev->memsz) {
            snprintf(msg, sizeof msg, "PT_LOAD segments overlap or are out of order at 0x%x", vaddr);
            return fail(ELF_MALFORMED, why, wl, msg);
        }
    }
    img->loads[img->nr_loads++] = (struct elf_load){
        .vaddr = vaddr, .memsz = memsz, .offset = off, .filesz = filesz,
        .prot = pf_to_prot(flags),
    };
    if (align > img->max_align)
        img->max_align = align;
    return ELF_OK;
}

static void derive_layout(struct elf_image *img, uint32_t phoff)
{
    img->start_code = UINT32_MAX;
    for (unsigned i = 0; i < img->nr_loads; i++) {
        const struct elf_load *l = &img->loads[i];
        uint32_t end = l->vaddr + l->memsz;
        if (l->vaddr < img->start_code)
            img->start_code = l->vaddr;
        if ((l->prot & 4u) && l->vaddr + l->filesz > img->end_code)
            img->end_code = l->vaddr + l->filesz;
        if (!(l->prot & 4u) && (!img->start_data || l->vaddr < img->start_data))
            img->start_data = l->vaddr;
        if (end > img->end_data)
            img->end_data = end;
        /* AT_PHDR: the headers' address inside the segment that maps them. */
        if (!img->phdr_vaddr && phoff >= l->offset && phoff < l->offset + l->filesz)
            img->phdr_vaddr = l->vaddr + (phoff - l->offset);
    }
}

enum elf_error elf_parse(const uint8_t *d, size_t size, struct elf_image *img,
                         char *why, size_t wl)
{
    enum elf_error e = check_header(d, size, why, wl);
    if (e != ELF_OK)
        return e;
    memset(img, 0, sizeof *img);
    img->entry = rd32(d + 24);
    uint32_t phoff = rd32(d + 28);
    img->phentsize = rd16(d + 42);
    img->phnum = rd16(d + 44);
    img->exec_stack = 1;                  /* no PT_GNU_STACK: executable stack */
    if (img->phentsize != 32 || img->phnum == 0 || img->phnum > 64 ||
        (uint64_t)phoff + (uint64_t)img->phnum * 32 > size)
        return fail(ELF_MALFORMED, why, wl, "bad program header table");
    img->dyn = rd16(d + 16) == ET_DYN;

    uint32_t phdr_seg = 0;
    for (unsigned i = 0; i < img->phnum; i++) {
        const uint8_t *ph = d + phoff + i * 32;
        uint32_t type = rd32(ph);
        if (type == PT_GNU_STACK)
            img->exec_stack = (rd32(ph + 24) & PF_X) != 0;
        if (type == PT_PHDR)
            phdr_seg = rd32(ph + 8);
        if (type == PT_LOAD && (e = add_load(img, ph, size, why, wl)) != ELF_OK)
            return e;
    }
    if (!img->nr_loads)
        return fail(ELF_MALFORMED, why, wl, "no PT_LOAD segment");
    derive_layout(img, phoff);
    if (phdr_seg)
        img->phdr_vaddr = phdr_seg;
    int entry_ok = 0;
    for (unsigned i = 0; i < img->nr_loads; i++)
        if (img->entry >= img->loads[i].vaddr &&
            img->entry < img->loads[i].vaddr + img->loads[i].memsz)
            entry_ok = 1;
    if (!entry_ok)
        return fail(ELF_MALFORMED, why, wl, "entry point outside every PT_LOAD segment");
    return ELF_OK;
}

int elf_interp(const uint8_t *d, size_t size, char *path, size_t len)
{
    if (size < 52 || memcmp(d, "\177ELF", 4) != 0 || d[4] != 1)
        return 0;
    uint32_t phoff = rd32(d + 28);
    unsigned phnum = rd16(d + 44);
    if (rd16(d + 42) != 32 || (uint64_t)phoff + (uint64_t)phnum * 32 > size)
        return 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = d + phoff + i * 32;
        uint32_t off = rd32(ph + 4), filesz = rd32(ph + 16);
        if (rd32(ph) != PT_INTERP)
            continue;
        /* load_elf_binary: inside the file, NUL-terminated, longer than 1 */
        if (filesz < 2 || filesz > len || (uint64_t)off + filesz > size || d[off + filesz - 1])
            return -1;
        memcpy(path, d + off, filesz);
        return 1;
    }
    return 0;
}

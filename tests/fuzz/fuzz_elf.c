/*
 * fuzz_elf.c — libFuzzer target for elf_parse() (emu/elf.c).
 *
 * elf_parse() promises that any byte string either parses or returns a
 * reason, reading nothing outside [data, data + size).  libFuzzer hands us
 * an exact-size heap copy of each input, so AddressSanitizer reports any
 * over-read; UBSan reports shifts and overflows.  On top of "no crash", each
 * result is checked against the contract elf.h states, and a violation
 * aborts (which libFuzzer reports as a crash with the input saved):
 *
 *   - the return value is one of the enum elf_error classes;
 *   - on error: the reason is a NUL-terminated single line inside its
 *     buffer (the byte after the buffer is a canary);
 *   - on success: 1..ELF_MAX_LOADS loads, each with filesz <= memsz, its
 *     file bytes inside the input, its memory below 0xC0000000 (and at
 *     or above 64 KiB for an ET_EXEC: an ET_DYN's vaddrs are relative),
 *     offset and vaddr congruent modulo 4096, ascending and disjoint; the
 *     entry point inside one of them; end_data the highest load end;
 *     phentsize 32 and the program header table inside the input.
 *
 * Build and run: tests/fuzz/README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/elf.h"

#define WHY_LEN 160
#define CANARY 0x5a

static void violated(const char *what)
{
    fprintf(stderr, "fuzz_elf: contract violated: %s\n", what);
    abort();
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check_image(const uint8_t *data, size_t size, const struct elf_image *img)
{
    if (img->nr_loads < 1 || img->nr_loads > ELF_MAX_LOADS)
        violated("nr_loads out of range");
    if (img->phentsize != 32 || img->phnum == 0 ||
        (uint64_t)rd32(data + 28) + (uint64_t)img->phnum * img->phentsize > size)
        violated("program header table outside the input");
    int entry_ok = 0;
    uint32_t end_max = 0;
    for (unsigned i = 0; i < img->nr_loads; i++) {
        const struct elf_load *l = &img->loads[i];
        uint64_t end = (uint64_t)l->vaddr + l->memsz;
        if (l->filesz > l->memsz)
            violated("filesz > memsz");
        if ((uint64_t)l->offset + l->filesz > size)
            violated("load's file bytes outside the input");
        if ((!img->dyn && l->vaddr < 0x10000u) || end > 0xC0000000u)
            violated("load outside user space");
        if ((l->offset & 0xfffu) != (l->vaddr & 0xfffu))
            violated("offset and vaddr not congruent");
        if (l->prot & ~7u)
            violated("prot has bits other than R/W/X");
        if (i && l->vaddr < (uint64_t)img->loads[i - 1].vaddr + img->loads[i - 1].memsz)
            violated("loads overlap or out of order");
        if (img->entry >= l->vaddr && img->entry < end)
            entry_ok = 1;
        if (end > end_max)
            end_max = (uint32_t)end;
    }
    if (!entry_ok)
        violated("entry outside every load");
    if (img->end_data != end_max)
        violated("end_data is not the highest load end");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_image img;
    char why[WHY_LEN + 1];

    memset(why, CANARY, sizeof why);
    enum elf_error e = elf_parse(data, size, &img, why, WHY_LEN);
    if (why[WHY_LEN] != CANARY)
        violated("reason written past its buffer");
    switch (e) {
    case ELF_OK:
        check_image(data, size, &img);
        break;
    case ELF_NOT_ELF:
    case ELF_UNSUPPORTED:
    case ELF_MALFORMED: {
        const char *nul = memchr(why, 0, WHY_LEN);
        if (!nul || nul == why)
            violated("no reason, or reason not NUL-terminated");
        if (memchr(why, '\n', (size_t)(nul - why)))
            violated("reason is more than one line");
        if (e == ELF_NOT_ELF && size >= 4 && memcmp(data, "\177ELF", 4) == 0)
            violated("ELF_NOT_ELF for an input with the ELF magic");
        break;
    }
    default:
        violated("unknown return value");
    }
    return 0;
}

/*
 * elf.h — parsing i386 ELF executables and interpreters (fs/binfmt_elf.c
 * checks).
 *
 * elf_parse() validates a whole image in memory and describes what exec
 * must map.  It never trusts a field: every offset and size is checked
 * against the file and the address space, so any byte string either parses
 * or returns a reason.  No Unicorn, no kernel model: fuzzable on its own.
 */
#ifndef MEMSIM_ELF_H
#define MEMSIM_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_LOADS 16

struct elf_load {
    uint32_t vaddr, memsz;      /* segment in memory */
    uint32_t offset, filesz;    /* its bytes in the file */
    uint32_t prot;              /* PROT_READ/WRITE/EXEC */
};

struct elf_image {
    uint32_t entry;
    uint32_t phdr_vaddr;        /* AT_PHDR: where the program headers are mapped */
    uint16_t phnum, phentsize;
    int      exec_stack;        /* PT_GNU_STACK has PF_X (or no PT_GNU_STACK) */
    unsigned nr_loads;
    struct elf_load loads[ELF_MAX_LOADS];
    uint32_t end_data;          /* highest vaddr + memsz: brk starts page-aligned above */
    uint32_t start_code, end_code, start_data;
    int      dyn;               /* ET_DYN: vaddrs are relative to a load bias */
    uint32_t max_align;         /* the largest p_align (an ET_DYN's bias is aligned to it) */
};

enum elf_error {
    ELF_OK = 0,
    ELF_NOT_ELF,                /* no \177ELF magic */
    ELF_UNSUPPORTED,            /* a valid ELF memsim does not run (64-bit, not i386, ...) */
    ELF_MALFORMED,              /* truncated or inconsistent */
};

/* Parse the image (size bytes at data).  On error returns the class and
 * writes a one-line reason (no trailing newline) to why. */
enum elf_error elf_parse(const uint8_t *data, size_t size, struct elf_image *img,
                         char *why, size_t whylen);

/* The PT_INTERP path of a 32-bit ELF (a dynamic program's loader) into
 * path (len bytes): 1; 0: none (or not a 32-bit ELF); -1: a malformed one
 * (not NUL-terminated, outside the file, longer than len). */
int elf_interp(const uint8_t *data, size_t size, char *path, size_t len);

#endif

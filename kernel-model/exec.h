/*
 * exec.h — building a task's address space from a program image (the mm
 * half of fs/binfmt_elf.c load_elf_binary and create_elf_tables).
 *
 * The caller parses the file (emu/elf.c) or, in a replay, reads the
 * recorded image (replay/), and hands over what the loader needs: the
 * PT_LOAD segments, the layout fields, the strings of the initial stack and
 * the ids for the auxv.  exec_mm() makes the mm (page directory, CR3),
 * maps the segments as private file VMAs of `file` plus anonymous bss,
 * maps the stack and writes the strings and tables with copy_to_user —
 * the same kernel calls, so the same events, in a run and in its replay.
 */
#ifndef MEMSIM_EXEC_H
#define MEMSIM_EXEC_H

#include <stdint.h>
#include "kernel-model/mm.h"

struct task_struct;

#define EXEC_MAX_SEGMENTS 16

struct exec_segment {
    uint32_t vaddr, memsz;      /* in memory */
    uint32_t offset, filesz;    /* its bytes in the file */
    uint32_t prot;              /* PROT_* */
};

/*
 * The interpreter a program names (PT_INTERP: ld.so, ld-musl): its
 * segments, mapped from `file` where get_unmapped_area puts them (an
 * ET_DYN; an ET_EXEC interpreter at its own addresses), and its entry,
 * where the program starts.  Linux's load_elf_interp.
 */
struct exec_interp {
    unsigned nr_segments;
    struct exec_segment seg[EXEC_MAX_SEGMENTS];
    uint32_t entry;             /* e_entry, relative to its base when dyn */
    int dyn;                    /* ET_DYN */
    struct vm_file *file;
};

struct exec_params {
    unsigned nr_segments;
    struct exec_segment seg[EXEC_MAX_SEGMENTS];
    uint32_t entry, phdr_vaddr, phentsize, phnum;
    uint32_t start_code, end_code, start_data, end_data;
    /* An ET_DYN program is placed by the loader: with an interpreter at
     * ELF_ET_DYN_BASE aligned to its largest p_align, without one (a
     * static-pie) top-down in the mmap area.  Every vaddr above is then
     * relative to the load bias the placement gives. */
    int dyn;
    uint32_t align;             /* the largest PT_LOAD p_align */
    const struct exec_interp *interp;   /* NULL: none (a static program) */
    int exec_stack;             /* PT_GNU_STACK with PF_X: the stack is PROT_EXEC */
    const char *execfn;         /* bprm->filename: the program path as given */
    int argc;
    char *const *argv;
    char *const *envp;          /* NULL-terminated, or NULL */
    uint32_t uid, gid;          /* AT_UID/AT_EUID, AT_GID/AT_EGID */
};

#define EXEC_AUXV_PAIRS 19
#define ELF_ET_DYN_BASE 0x00400000u         /* arch/x86/include/asm/elf.h, an ia32 task */
struct exec_result {
    uint32_t sp;                            /* the initial ESP */
    uint32_t entry;                         /* the initial EIP: the interpreter's, or the program's */
    uint32_t load_bias;                     /* added to the program's vaddrs (0: ET_EXEC) */
    uint32_t interp_base;                   /* AT_BASE: where the interpreter is (0: none) */
    uint32_t auxv[2 * EXEC_AUXV_PAIRS];     /* the auxv as written, AT_NULL last */
};

/* Build mm from p and make it t's (t->mm must be NULL).  The caller made
 * mm (mm_alloc, as bprm_mm_init does) and set what it wants before the
 * first mapping: a notifier so the engine follows the VMAs, a smaller
 * max_map_count.  Returns 0, or -errno with *stage naming what failed
 * ("segments", "interpreter", "stack"). */
int exec_mm(struct task_struct *t, struct mm_struct *mm, const struct exec_params *p,
            struct vm_file *file, struct exec_result *out, const char **stage);

#endif

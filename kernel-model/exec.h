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

struct exec_params {
    unsigned nr_segments;
    struct exec_segment seg[EXEC_MAX_SEGMENTS];
    uint32_t entry, phdr_vaddr, phentsize, phnum;
    uint32_t start_code, end_code, start_data, end_data;
    int exec_stack;             /* PT_GNU_STACK with PF_X: the stack is PROT_EXEC */
    const char *execfn;         /* bprm->filename: the program path as given */
    int argc;
    char *const *argv;
    char *const *envp;          /* NULL-terminated, or NULL */
    uint32_t uid, gid;          /* AT_UID/AT_EUID, AT_GID/AT_EGID */
};

#define EXEC_AUXV_PAIRS 19
struct exec_result {
    uint32_t sp;                            /* the initial ESP */
    uint32_t auxv[2 * EXEC_AUXV_PAIRS];     /* the auxv as written, AT_NULL last */
};

/* Build mm from p and make it t's (t->mm must be NULL).  The caller made
 * mm (mm_alloc, as bprm_mm_init does) and set what it wants before the
 * first mapping: a notifier so the engine follows the VMAs, a smaller
 * max_map_count.  Returns 0, or -errno with *stage naming what failed
 * ("segments", "stack"). */
int exec_mm(struct task_struct *t, struct mm_struct *mm, const struct exec_params *p,
            struct vm_file *file, struct exec_result *out, const char **stage);

#endif

/*
 * exec.c — a task's address space from a program image (fs/binfmt_elf.c
 * load_elf_binary, create_elf_tables; fs/exec.c setup_arg_pages).
 *
 * Segments become private file VMAs (pages read on first touch) plus an
 * anonymous VMA for the bss pages past the file; the partial page where the
 * file ends reads zeros past it, which is Linux's padzero().  The stack is
 * written with copy_to_user, so building it already demand-faults pages.
 * Nothing here knows where the image came from: emu/ parses the ELF, a
 * replay reads the recorded one (exec.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common/cpu_features.h"
#include "kernel-model/exec.h"
#include "kernel-model/sched.h"
#include "kernel-model/vma.h"

#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define STACK_EXPAND (128u << 10)          /* setup_arg_pages: stack_expand */

enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
       AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
       AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
       AT_HWCAP2 = 26, AT_EXECFN = 31 };


static int map_segment(struct mm_struct *mm, const struct exec_segment *l, uint32_t bias,
                       struct vm_file *file)
{
    uint32_t vaddr = l->vaddr + bias;
    uint32_t start = vaddr & PAGE_MASK;
    uint32_t file_end = PAGE_ALIGN(vaddr + l->filesz);
    uint32_t mem_end = PAGE_ALIGN(vaddr + l->memsz);
    if (l->filesz > l->memsz)
        return -EINVAL;                 /* (elf_parse refuses it; a replay's row may not) */
    if ((uint64_t)vaddr + l->memsz > TASK_SIZE || start < MMAP_MIN_ADDR)
        return -ENOMEM;                 /* the bias put it outside user space */
    uint32_t flags = MAP_PRIVATE_ | MAP_FIXED_;
    long r;

    if (l->filesz) {
        r = do_mmap(mm, start, file_end - start, l->prot, flags, file,
                    l->offset >> PAGE_SHIFT, vaddr + l->filesz - start, NULL);
        if (r < 0)
            return (int)r;
    } else {
        file_end = start;
    }
    if (mem_end > file_end) {
        r = do_mmap(mm, file_end, mem_end - file_end, l->prot, flags | MAP_ANONYMOUS_,
                    NULL, 0, 0, NULL);
        if (r < 0)
            return (int)r;
    }
    return 0;
}

/* total_mapping_size: the first segment's page to the last one's end. */
static uint32_t image_span(const struct exec_segment *seg, unsigned n)
{
    return PAGE_ALIGN(seg[n - 1].vaddr + seg[n - 1].memsz) - (seg[0].vaddr & PAGE_MASK);
}

/*
 * Where an ET_DYN goes (load_elf_binary's and load_elf_interp's first
 * elf_map): at `base` when there is one (a PIE under its interpreter:
 * ELF_ET_DYN_BASE, MAP_FIXED_NOREPLACE), else wherever
 * get_unmapped_area finds room for the whole image (a static-pie, an
 * interpreter).  Returns the load bias, or -errno.  memsim does not
 * randomise: the bias is the one Linux gives with ASLR off.
 */
static long load_bias(struct mm_struct *mm, const struct exec_segment *seg, unsigned n,
                      uint32_t base)
{
    uint32_t first = seg[0].vaddr & PAGE_MASK, span = image_span(seg, n);
    if (!span)
        return -EINVAL;
    long addr = get_unmapped_area(mm, base ? base : 0, span, base ? MAP_FIXED_NOREPLACE_ : 0);
    if (addr < 0 && addr > -4096)
        return addr;
    return (long)(uint32_t)((uint32_t)addr - first);
}

static int map_image(struct mm_struct *mm, const struct exec_segment *seg, unsigned n,
                     uint32_t bias, struct vm_file *file)
{
    int r = 0;
    for (unsigned i = 0; i < n && r == 0; i++)
        r = map_segment(mm, &seg[i], bias, file);
    return r;
}

/* load_elf_interp: the interpreter mapped; its base (AT_BASE), or -errno. */
static long map_interp(struct mm_struct *mm, const struct exec_interp *in)
{
    if (!in->nr_segments)
        return -ENOEXEC;
    long bias = in->dyn ? load_bias(mm, in->seg, in->nr_segments, 0) : 0;
    if (bias < 0 && bias > -4096)
        return bias;
    int r = map_image(mm, in->seg, in->nr_segments, (uint32_t)bias, in->file);
    return r ? r : bias;
}

/* Push a string below *p; returns its user address. */
static uint32_t push_string(struct mm_struct *mm, uint32_t *p, const char *s, int *err)
{
    uint32_t len = (uint32_t)strlen(s) + 1;
    *p -= len;
    if (copy_to_user(mm, *p, s, len))
        *err = -EFAULT;
    return *p;
}

struct stack_build {
    uint32_t p;                 /* current top of free stack */
    uint32_t execfn, platform, random;
    uint32_t *argv, *envp;      /* user addresses of the strings */
    int argc, envc;
};

static int push_strings(struct task_struct *t, const struct exec_params *x, struct stack_build *b)
{
    int err = 0;
    b->p = STACK_TOP - 4;
    if (copy_to_user(t->mm, b->p, "\0\0\0\0", 4))
        return -EFAULT;
    b->execfn = push_string(t->mm, &b->p, x->execfn, &err);
    t->mm->env_end = b->execfn;         /* the strings lie end to end */
    for (int i = b->envc - 1; i >= 0; i--)
        b->envp[i] = push_string(t->mm, &b->p, x->envp[i], &err);
    t->mm->env_start = t->mm->arg_end = b->p;
    for (int i = b->argc - 1; i >= 0; i--)
        b->argv[i] = push_string(t->mm, &b->p, x->argv[i], &err);
    t->mm->arg_start = b->p;
    b->p &= ~15u;
    b->platform = push_string(t->mm, &b->p, "i686", &err);
    uint8_t rnd[16];
    kernel_random_bytes(t->k, rnd, sizeof rnd);
    b->p -= 16;
    b->random = b->p;
    if (copy_to_user(t->mm, b->random, rnd, 16))
        err = -EFAULT;
    return err;
}

static int push_tables(struct mm_struct *mm, const struct exec_params *x, struct stack_build *b,
                       struct exec_result *out)
{
    const uint32_t auxv[2 * EXEC_AUXV_PAIRS] = {
        AT_HWCAP, GUEST_CPUID_1_EDX, AT_PAGESZ, PAGE_SIZE, AT_CLKTCK, 100,
        AT_PHDR, x->phdr_vaddr + out->load_bias, AT_PHENT, x->phentsize, AT_PHNUM, x->phnum,
        AT_BASE, out->interp_base, AT_FLAGS, 0, AT_ENTRY, x->entry + out->load_bias,
        AT_UID, x->uid, AT_EUID, x->uid, AT_GID, x->gid, AT_EGID, x->gid, AT_SECURE, 0,
        AT_RANDOM, b->random, AT_HWCAP2, 0, AT_EXECFN, b->execfn,
        AT_PLATFORM, b->platform, AT_NULL, 0,
    };
    memcpy(out->auxv, auxv, sizeof auxv);
    size_t nauxv = sizeof auxv / sizeof auxv[0];
    size_t words = 1 + (size_t)b->argc + 1 + (size_t)b->envc + 1 + nauxv;
    uint32_t *tab = calloc(words, 4);
    if (!tab)
        return -ENOMEM;
    size_t w = 0;
    tab[w++] = (uint32_t)b->argc;
    for (int i = 0; i < b->argc; i++)
        tab[w++] = b->argv[i];
    tab[w++] = 0;
    for (int i = 0; i < b->envc; i++)
        tab[w++] = b->envp[i];
    tab[w++] = 0;
    memcpy(tab + w, auxv, sizeof auxv);
    uint32_t sp = (b->p - (uint32_t)(words * 4)) & ~15u;
    int r = copy_to_user(mm, sp, tab, (uint32_t)(words * 4));
    free(tab);
    out->sp = sp;
    return r;
}

static int setup_stack(struct task_struct *t, const struct exec_params *x, struct exec_result *out)
{
    struct stack_build b = { .argc = x->argc };
    size_t strings = strlen(x->execfn) + 64;
    while (x->envp && x->envp[b.envc])
        strings += strlen(x->envp[b.envc++]) + 5;
    for (int i = 0; i < b.argc; i++)
        strings += strlen(x->argv[i]) + 5;
    uint32_t low = ((STACK_TOP - (uint32_t)strings - 16 * 64 - 4096) & PAGE_MASK) - STACK_EXPAND;
    long r = do_mmap(t->mm, low, STACK_TOP - low,
                     PROT_READ_ | PROT_WRITE_ | (x->exec_stack ? PROT_EXEC_ : 0),
                     MAP_PRIVATE_ | MAP_FIXED_ | MAP_ANONYMOUS_ | MAP_GROWSDOWN_, NULL, 0, 0,
                     "[stack]");
    if (r < 0)
        return (int)r;
    b.argv = calloc((size_t)b.argc + 1, 4);
    b.envp = calloc((size_t)b.envc + 1, 4);
    int err = (!b.argv || !b.envp) ? -ENOMEM : push_strings(t, x, &b);
    if (!err)
        err = push_tables(t->mm, x, &b, out);
    free(b.argv);
    free(b.envp);
    t->mm->start_stack = out->sp;
    return err;
}

/* The program's segments where its type puts them (the load bias in out). */
static int map_program(struct mm_struct *mm, const struct exec_params *p, struct vm_file *file,
                       struct exec_result *out)
{
    if (!p->nr_segments)
        return -ENOEXEC;
    long bias = 0;
    if (p->dyn) {
        uint32_t align = p->align > PAGE_SIZE ? p->align : PAGE_SIZE;
        /* ELF_PAGESTART(ELF_ET_DYN_BASE - vaddr), aligned: the first
         * segment's page lands on the aligned base */
        bias = load_bias(mm, p->seg, p->nr_segments,
                         p->interp ? (ELF_ET_DYN_BASE & ~(align - 1)) : 0);
        if (bias < 0 && bias > -4096)
            return (int)bias;
    }
    out->load_bias = (uint32_t)bias;
    return map_image(mm, p->seg, p->nr_segments, out->load_bias, file);
}

int exec_mm(struct task_struct *t, struct mm_struct *mm, const struct exec_params *p,
            struct vm_file *file, struct exec_result *out, const char **stage)
{
    t->mm = mm;
    mmu_write_cr3(t->k->mmu, mm->pgd << PAGE_SHIFT);

    *stage = "segments";
    int r = map_program(mm, p, file, out);
    if (r)
        return r;
    uint32_t bias = out->load_bias;
    mm->start_code = p->start_code + bias;
    mm->end_code = p->end_code + bias;
    mm->start_data = p->start_data + bias;
    mm->end_data = p->end_data + bias;
    mm->start_brk = mm->brk = PAGE_ALIGN(p->end_data + bias);
    out->entry = p->entry + bias;
    if (p->interp) {
        *stage = "interpreter";
        long base = map_interp(mm, p->interp);
        if (base < 0 && base > -4096)
            return (int)base;
        out->interp_base = (uint32_t)base;
        out->entry = p->interp->entry + (p->interp->dyn ? (uint32_t)base : 0);
    }
    *stage = "stack";
    return setup_stack(t, p, out);
}

/*
 * exec.c — load a static ELF into a fresh mm and build its initial stack
 * (fs/binfmt_elf.c load_elf_binary, create_elf_tables; fs/exec.c).
 *
 * Segments become private file VMAs (pages read on first touch) plus an
 * anonymous VMA for the bss pages past the file; the partial page where the
 * file ends reads zeros past it, which is Linux's padzero().  The stack is
 * written with copy_to_user, so building it already demand-faults pages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/elf.h"
#include "emu/machine.h"

#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define STACK_EXPAND (128u << 10)          /* setup_arg_pages: stack_expand */

enum { AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
       AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
       AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
       AT_HWCAP2 = 26, AT_EXECFN = 31 };

/* CPUID.1:EDX of a P6-class CPU with SSE2, which Unicorn's default CPU emulates. */
#define GUEST_HWCAP 0x078bfbffu

static int map_segment(struct machine *m, const struct elf_load *l, struct vm_file *file)
{
    uint32_t start = l->vaddr & PAGE_MASK;
    uint32_t file_end = PAGE_ALIGN(l->vaddr + l->filesz);
    uint32_t mem_end = PAGE_ALIGN(l->vaddr + l->memsz);
    uint32_t flags = MAP_PRIVATE_ | MAP_FIXED_;
    long r;

    if (l->filesz) {
        r = do_mmap(m->task->mm, start, file_end - start, l->prot, flags, file,
                    l->offset >> PAGE_SHIFT, l->vaddr + l->filesz - start, NULL);
        if (r < 0)
            return (int)r;
    } else {
        file_end = start;
    }
    if (mem_end > file_end) {
        r = do_mmap(m->task->mm, file_end, mem_end - file_end, l->prot, flags | MAP_ANONYMOUS_,
                    NULL, 0, 0, NULL);
        if (r < 0)
            return (int)r;
    }
    return 0;
}

/* Push a string below *p; returns its user address. */
static uint32_t push_string(struct machine *m, uint32_t *p, const char *s, int *err)
{
    uint32_t len = (uint32_t)strlen(s) + 1;
    *p -= len;
    if (copy_to_user(m->task->mm, *p, s, len))
        *err = -EFAULT;
    return *p;
}

struct stack_build {
    uint32_t p;                 /* current top of free stack */
    uint32_t execfn, platform, random;
    uint32_t *argv, *envp;      /* user addresses of the strings */
    int argc, envc;
};

static int push_strings(struct machine *m, struct stack_build *b)
{
    int err = 0;
    b->p = STACK_TOP - 4;
    if (copy_to_user(m->task->mm, b->p, "\0\0\0\0", 4))
        return -EFAULT;
    b->execfn = push_string(m, &b->p, m->opt.program, &err);   /* the path as given (bprm->filename) */
    for (int i = b->envc - 1; i >= 0; i--)
        b->envp[i] = push_string(m, &b->p, m->opt.envp[i], &err);
    for (int i = b->argc - 1; i >= 0; i--)
        b->argv[i] = push_string(m, &b->p, m->opt.argv[i], &err);
    b->p &= ~15u;
    b->platform = push_string(m, &b->p, "i686", &err);
    uint8_t rnd[16];
    kernel_random_bytes(&m->k, rnd, sizeof rnd);
    b->p -= 16;
    b->random = b->p;
    if (copy_to_user(m->task->mm, b->random, rnd, 16))
        err = -EFAULT;
    return err;
}

static int push_tables(struct machine *m, const struct elf_image *img, struct stack_build *b,
                       uint32_t *sp_out)
{
    uint32_t uid = (uint32_t)getuid(), gid = (uint32_t)getgid();
    uint32_t auxv[] = {
        AT_HWCAP, GUEST_HWCAP, AT_PAGESZ, PAGE_SIZE, AT_CLKTCK, 100,
        AT_PHDR, img->phdr_vaddr, AT_PHENT, img->phentsize, AT_PHNUM, img->phnum,
        AT_BASE, 0, AT_FLAGS, 0, AT_ENTRY, img->entry,
        AT_UID, uid, AT_EUID, uid, AT_GID, gid, AT_EGID, gid, AT_SECURE, 0,
        AT_RANDOM, b->random, AT_HWCAP2, 0, AT_EXECFN, b->execfn,
        AT_PLATFORM, b->platform, AT_NULL, 0,
    };
    size_t nauxv = sizeof auxv / sizeof auxv[0];
    if (m->trace)                       /* a replay's input: uid/gid are the host's */
        trace_auxv(m->trace, auxv, nauxv / 2);
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
    int r = copy_to_user(m->task->mm, sp, tab, (uint32_t)(words * 4));
    free(tab);
    *sp_out = sp;
    return r;
}

/*
 * Linux's execve limit on what the new stack receives (fs/exec.c,
 * bprm_stack_limits and copy_strings, for an i386 kernel): the strings of
 * the file name, envp and argv plus one pointer per argv and envp entry must
 * fit in a quarter of RLIMIT_STACK (2 MiB of the default 8 MiB; never less
 * than ARG_MAX, 32 pages), and no single string may exceed MAX_ARG_STRLEN.
 * Pure: memsim checks it before it touches any file, as execve fails with
 * E2BIG before the old program is gone.
 */
#define ARG_MAX_PAGES  32u
#define MAX_ARG_STRLEN (32u * PAGE_SIZE)

int exec_check_args(const struct memsim_options *opt, char *err, size_t errlen)
{
    size_t limit = STK_LIM_ / 4 < ARG_MAX_PAGES * PAGE_SIZE ? ARG_MAX_PAGES * PAGE_SIZE
                                                                : STK_LIM_ / 4;
    size_t n = 0, total = strlen(opt->program) + 1, longest = total;
    for (int i = 0; i < opt->argc; i++, n++) {
        size_t len = strlen(opt->argv[i]) + 1;
        total += len;
        longest = len > longest ? len : longest;
    }
    for (size_t i = 0; opt->envp && opt->envp[i]; i++, n++) {
        size_t len = strlen(opt->envp[i]) + 1;
        total += len;
        longest = len > longest ? len : longest;
    }
    total += (n ? n : 1) * 4;                  /* argv[] and envp[] pointers */
    if (longest > MAX_ARG_STRLEN) {
        snprintf(err, errlen, "%s: an argument or environment string of %zu bytes is longer "
                 "than execve allows (%u): E2BIG", opt->program, longest - 1, MAX_ARG_STRLEN);
        return -E2BIG;
    }
    if (total > limit) {
        snprintf(err, errlen, "%s: arguments and environment take %zu bytes, more than execve "
                 "allows (%zu, a quarter of the %u MiB stack limit): E2BIG", opt->program,
                 total, limit, STK_LIM_ >> 20);
        return -E2BIG;
    }
    return 0;
}

static int setup_stack(struct machine *m, const struct elf_image *img, uint32_t *sp)
{
    struct stack_build b = { .argc = m->opt.argc };
    size_t strings = strlen(m->opt.program) + 64;
    char why[256];
    while (m->opt.envp && m->opt.envp[b.envc])
        strings += strlen(m->opt.envp[b.envc++]) + 5;
    for (int i = 0; i < b.argc; i++)
        strings += strlen(m->opt.argv[i]) + 5;
    if (exec_check_args(&m->opt, why, sizeof why))
        return -E2BIG;                     /* memsim_run checked it before the trace */
    uint32_t low = ((STACK_TOP - (uint32_t)strings - 16 * 64 - 4096) & PAGE_MASK) - STACK_EXPAND;
    long r = do_mmap(m->task->mm, low, STACK_TOP - low,
                     PROT_READ_ | PROT_WRITE_ | (img->exec_stack ? PROT_EXEC_ : 0),
                     MAP_PRIVATE_ | MAP_FIXED_ | MAP_ANONYMOUS_ | MAP_GROWSDOWN_, NULL, 0, 0,
                     "[stack]");
    if (r < 0)
        return (int)r;
    b.argv = calloc((size_t)b.argc + 1, 4);
    b.envp = calloc((size_t)b.envc + 1, 4);
    int err = (!b.argv || !b.envp) ? -ENOMEM : push_strings(m, &b);
    if (!err)
        err = push_tables(m, img, &b, sp);
    free(b.argv);
    free(b.envp);
    m->task->mm->start_stack = *sp;
    return err;
}

int exec_program(struct machine *m, const struct elf_image *img, int fd)
{
    struct mm_struct *mm = mm_alloc(&m->k, m->task->pid);
    if (!mm) {
        snprintf(m->error, sizeof m->error, "--ram too small: no frame for a page directory");
        return -1;
    }
    m->task->mm = mm;
    /* Each VMA is a Unicorn region, and Unicorn 2.0.1 aborts at about 4096
     * of them: the guest meets the kernel's -ENOMEM well before that. */
    mm->max_map_count = MAX_UC_REGIONS;
    mm_context_attach(m->ctx, mm);
    mmu_write_cr3(&m->mmu, mm->pgd << PAGE_SHIFT);

    struct vm_file *file = vm_file_open(fd, m->task->exe_guest_path);
    if (!file) {
        snprintf(m->error, sizeof m->error, "cannot keep the program open: %s", strerror(errno));
        return -1;
    }
    int r = 0;
    for (unsigned i = 0; i < img->nr_loads && r == 0; i++)
        r = map_segment(m, &img->loads[i], file);
    vm_file_put(file);                     /* the VMAs hold their own references */
    if (r) {
        snprintf(m->error, sizeof m->error, "cannot map the program's segments: %s", strerror(-r));
        return -1;
    }
    mm->start_code = img->start_code;
    mm->end_code = img->end_code;
    mm->start_data = img->start_data;
    mm->end_data = img->end_data;
    mm->start_brk = mm->brk = PAGE_ALIGN(img->end_data);

    uint32_t sp = 0;
    if ((r = setup_stack(m, img, &sp)) != 0 || machine_stopped(m)) {
        if (!machine_stopped(m))
            snprintf(m->error, sizeof m->error, "cannot build the initial stack: %s", strerror(-r));
        return -1;
    }
    if (cpu_enter_user(m, img->entry, sp))
        return -1;
    cpu_load_segments(m);
    return 0;
}

/*
 * exec.c — start the parsed static ELF: execve's argument limit, the
 * kernel's exec_mm (kernel-model/exec.c builds the mm and the initial
 * stack), the loader's inputs recorded for a replay, then user mode.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "emu/elf.h"
#include <unistd.h>
#include "emu/machine.h"
#include "kernel-model/exec.h"

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

/* What the kernel's exec_mm needs of the parsed image and the options. */
static void exec_params_from(const struct machine *m, const struct elf_image *img,
                             struct exec_params *p)
{
    memset(p, 0, sizeof *p);
    p->nr_segments = img->nr_loads < EXEC_MAX_SEGMENTS ? img->nr_loads : EXEC_MAX_SEGMENTS;
    for (unsigned i = 0; i < p->nr_segments; i++)
        p->seg[i] = (struct exec_segment){ img->loads[i].vaddr, img->loads[i].memsz,
                                           img->loads[i].offset, img->loads[i].filesz,
                                           img->loads[i].prot };
    p->entry = img->entry;
    p->phdr_vaddr = img->phdr_vaddr;
    p->phentsize = img->phentsize;
    p->phnum = img->phnum;
    p->start_code = img->start_code;
    p->end_code = img->end_code;
    p->start_data = img->start_data;
    p->end_data = img->end_data;
    p->exec_stack = img->exec_stack;
    p->execfn = m->opt.program;            /* the path as given (bprm->filename) */
    p->argc = m->opt.argc;
    p->argv = m->opt.argv;
    p->envp = m->opt.envp;
    p->uid = (uint32_t)getuid();           /* the host's ids, as under qemu-user */
    p->gid = (uint32_t)getgid();
}

/* A replay's inputs: the loader's, and the auxv as exec wrote it. */
static void record_exec(struct machine *m, const struct exec_params *p,
                        const struct exec_result *res)
{
    if (!m->trace)
        return;
    struct trace_exec_info info = {
        .exe_path = m->task->exe_guest_path, .entry = p->entry, .phdr_vaddr = p->phdr_vaddr,
        .phentsize = p->phentsize, .phnum = p->phnum, .start_code = p->start_code,
        .end_code = p->end_code, .start_data = p->start_data, .end_data = p->end_data,
        .exec_stack = p->exec_stack, .uid = p->uid, .gid = p->gid,
        .max_map_count = MAX_UC_REGIONS,
        .nr_segments = p->nr_segments,
    };
    for (unsigned i = 0; i < p->nr_segments; i++)
        info.seg[i] = (struct trace_exec_segment){ p->seg[i].vaddr, p->seg[i].memsz,
                                                   p->seg[i].offset, p->seg[i].filesz,
                                                   p->seg[i].prot };
    trace_exec(m->trace, &info);
    trace_auxv(m->trace, res->auxv, EXEC_AUXV_PAIRS);
}

int exec_program(struct machine *m, const struct elf_image *img, int fd)
{
    char why[256];
    if (exec_check_args(&m->opt, why, sizeof why)) {
        snprintf(m->error, sizeof m->error, "%s", why);   /* memsim_run checked it first */
        return -1;
    }
    struct vm_file *file = vm_file_open(fd, m->task->exe_guest_path);
    if (!file) {
        snprintf(m->error, sizeof m->error, "cannot keep the program open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0) {          /* the identity /proc/PID/maps shows */
        file->dev = (uint64_t)st.st_dev;
        file->ino = (uint64_t)st.st_ino;
    }
    struct exec_params p;
    struct exec_result res = { 0 };
    const char *stage = "page directory";
    exec_params_from(m, img, &p);
    struct mm_struct *mm = mm_alloc(&m->k, m->task->pid);
    int r = -ENOMEM;
    if (mm) {
        /* Each VMA is a Unicorn region, and Unicorn 2.0.1 aborts at about
         * 4096 of them: the guest meets the kernel's -ENOMEM well before. */
        mm->max_map_count = MAX_UC_REGIONS;
        mm_context_attach(m->ctx, mm);
        r = exec_mm(m->task, mm, &p, file, &res, &stage);
    }
    vm_file_put(file);                     /* the VMAs hold their own references */
    if (r == 0 || strcmp(stage, "stack") == 0)
        record_exec(m, &p, &res);
    if (r && !m->task->mm) {
        snprintf(m->error, sizeof m->error, "--ram too small: no frame for a page directory");
        return -1;
    }
    if (r && strcmp(stage, "segments") == 0) {
        snprintf(m->error, sizeof m->error, "cannot map the program's segments: %s", strerror(-r));
        return -1;
    }
    if (r || machine_stopped(m)) {
        if (!machine_stopped(m))
            snprintf(m->error, sizeof m->error, "cannot build the initial stack: %s", strerror(-r));
        return -1;
    }
    if (cpu_enter_user(m, img->entry, res.sp))
        return -1;
    cpu_load_segments(m);
    return 0;
}

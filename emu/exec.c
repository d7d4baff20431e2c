/*
 * exec.c — start the parsed ELF: execve's argument limit, the interpreter
 * a dynamic program names, the kernel's exec_mm (kernel-model/exec.c
 * places and maps both images and builds the initial stack), the loader's
 * inputs recorded for a replay, then user mode.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "emu/elf.h"
#include <unistd.h>
#include "emu/machine.h"
#include "kernel-model/binfmt.h"
#include "kernel-model/exec.h"
#include "kernel-model/resource.h"
#include "kernel-model/signal_frame.h"

/*
 * execve's limit on what the new stack receives, for memsim's own command
 * line: the kernel's rule (binfmt.h exec_args_fit) under the default
 * RLIMIT_STACK.  memsim checks it before it touches any file, as execve
 * fails with E2BIG before the old program is gone.
 */
int exec_check_args(const struct memsim_options *opt, char *err, size_t errlen)
{
    size_t strings = strlen(opt->program) + 1, longest = strings, envc = 0, limit;
    for (int i = 0; i < opt->argc; i++) {
        size_t len = strlen(opt->argv[i]) + 1;
        strings += len;
        longest = len > longest ? len : longest;
    }
    for (size_t i = 0; opt->envp && opt->envp[i]; i++, envc++) {
        size_t len = strlen(opt->envp[i]) + 1;
        strings += len;
        longest = len > longest ? len : longest;
    }
    if (exec_args_fit(STK_LIM_, (size_t)opt->argc, envc, strings, longest, &limit) == 0)
        return 0;
    if (longest > MAX_ARG_STRLEN)
        snprintf(err, errlen, "%s: an argument or environment string of %zu bytes is longer "
                 "than execve allows (%u): E2BIG", opt->program, longest - 1, MAX_ARG_STRLEN);
    else
        snprintf(err, errlen, "%s: arguments and environment take %zu bytes, more than execve "
                 "allows (%zu, a quarter of the %u MiB stack limit): E2BIG", opt->program,
                 strings + ((opt->argc ? (size_t)opt->argc : 1) + envc) * 4, limit,
                 STK_LIM_ >> 20);
    return -E2BIG;
}

/* What the kernel's exec_mm needs of the parsed image and the options. */
static void exec_params_from(const struct elf_image *img, struct exec_params *p)
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
    p->dyn = img->dyn;
    p->align = img->max_align;
    p->uid = (uint32_t)getuid();           /* the host's ids, as under qemu-user */
    p->gid = (uint32_t)getgid();
}

/* The whole file, for elf_parse: 0, or -ENOEXEC when it cannot be read. */
static int read_image(struct file *f, uint8_t **data, size_t *size)
{
    struct stat st;
    if (!f->f_op->getattr || f->f_op->getattr(f, &st) || st.st_size > (1 << 30))
        return -ENOEXEC;
    *size = (size_t)st.st_size;
    if (!(*data = malloc(*size ? *size : 1)))
        return -ENOMEM;
    long r = kernel_read(f, *data, *size, 0);
    if (r < 0 || (size_t)r != *size) {
        free(*data);
        return r < 0 ? (int)r : -ENOEXEC;
    }
    return 0;
}

/*
 * The interpreter a program names, opened as load_elf_binary opens it:
 * open_exec from the task's root and working directory (its error: ENOENT
 * for a missing one, EACCES for a directory), then ELIBBAD for anything
 * that is not an i386 ELF image memsim can map.  Linux checks the magic
 * and e_machine there and the segments past the point of no return (a
 * SIGSEGV); memsim refuses all of it before, with the reason in why.  On
 * 0, in->file holds a reference to the pages (its page cache).
 */
int exec_open_interp(struct task_struct *t, const char *path, struct exec_interp *in,
                     struct interp_file *id, char *why, size_t wl)
{
    struct file *f;
    char gpath[PATH_MAX_G];
    uint8_t *data;
    size_t size;
    struct elf_image img;
    memset(in, 0, sizeof *in);
    why[0] = 0;
    long r = fs_open_execat(t, G_AT_FDCWD, path, 0, &f, gpath);
    if (r)
        return (int)r;
    if ((r = read_image(f, &data, &size)) == 0) {
        if (elf_parse(data, size, &img, why, wl) != ELF_OK)
            r = -ELIBBAD;
        free(data);
    }
    struct mmap_file mf = { 0 };
    if (!r && (!f->f_op->mmap || f->f_op->mmap(f, gpath, &mf) || !mf.vmf))
        r = -EACCES;                    /* no pages to map: not readable */
    fput(f);
    if (r)
        return (int)r;
    in->nr_segments = img.nr_loads < EXEC_MAX_SEGMENTS ? img.nr_loads : EXEC_MAX_SEGMENTS;
    for (unsigned i = 0; i < in->nr_segments; i++)
        in->seg[i] = (struct exec_segment){ img.loads[i].vaddr, img.loads[i].memsz,
                                            img.loads[i].offset, img.loads[i].filesz,
                                            img.loads[i].prot };
    in->entry = img.entry;
    in->dyn = img.dyn;
    in->file = mf.vmf;
    if (id) {
        *id = (struct interp_file){ .size = size, .dev = mf.vmf->dev, .ino = mf.vmf->ino };
        snprintf(id->path, sizeof id->path, "%s", gpath);
    }
    return 0;
}

/* The loader's inputs, for a replay: the image, its strings and its file
 * (the first program's pages are in no inode cache: identity 0, 0), the
 * interpreter's likewise, and where the loader put them. */
static void record_exec(struct machine *m, const struct exec_params *p,
                        const struct exec_result *res, const struct vm_file *vmf, uint64_t size,
                        const struct interp_file *id)
{
    if (!m->trace)
        return;
    struct trace_exec_info info = {
        .exe_path = m->task->exe_guest_path, .entry = p->entry, .phdr_vaddr = p->phdr_vaddr,
        .phentsize = p->phentsize, .phnum = p->phnum, .start_code = p->start_code,
        .end_code = p->end_code, .start_data = p->start_data, .end_data = p->end_data,
        .exec_stack = p->exec_stack, .uid = p->uid, .gid = p->gid,
        .max_map_count = MAX_UC_REGIONS, .pid = m->task->tgid,
        .nr_segments = p->nr_segments, .execfn = p->execfn, .argv = p->argv, .envp = p->envp,
        .size = size, .dev = vmf->image ? 0 : vmf->dev, .ino = vmf->image ? 0 : vmf->ino,
        .dyn = p->dyn, .align = p->align, .load_bias = res->load_bias,
    };
    for (unsigned i = 0; i < p->nr_segments; i++)
        info.seg[i] = (struct trace_exec_segment){ p->seg[i].vaddr, p->seg[i].memsz,
                                                   p->seg[i].offset, p->seg[i].filesz,
                                                   p->seg[i].prot };
    const struct exec_interp *in = p->interp;
    if (in && id) {
        info.interp = (struct trace_exec_interp){
            .path = id->path, .entry = in->entry, .dyn = in->dyn, .base = res->interp_base,
            .size = id->size, .dev = id->dev, .ino = id->ino, .nr_segments = in->nr_segments,
        };
        for (unsigned i = 0; i < in->nr_segments; i++)
            info.interp.seg[i] = (struct trace_exec_segment){
                in->seg[i].vaddr, in->seg[i].memsz, in->seg[i].offset, in->seg[i].filesz,
                in->seg[i].prot };
    }
    trace_exec(m->trace, &info);
    if (m->nr_execs++ == 0)
        trace_auxv(m->trace, res->auxv, EXEC_AUXV_PAIRS);
}

int exec_program(struct machine *m, const struct elf_image *img, int fd, const char *interp)
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
    struct stat st = { 0 };
    if (fstat(fd, &st) == 0) {          /* the identity /proc/PID/maps shows */
        file->dev = (uint64_t)st.st_dev;
        file->ino = (uint64_t)st.st_ino;
    }
    struct exec_params p;
    struct exec_result res = { 0 };
    struct exec_interp in;
    struct interp_file id;
    const char *stage = "page directory";
    exec_params_from(img, &p);
    if (interp) {
        /* run.c checked it on the host; this is the guest's own open */
        int e = exec_open_interp(m->task, interp, &in, &id, why, sizeof why);
        if (e) {
            snprintf(m->error, sizeof m->error, "%s: interpreter %s: %s%s%.100s", m->opt.program,
                     interp, strerror(-e), why[0] ? ": " : "", why);
            vm_file_put(file);
            return -1;
        }
        p.interp = &in;
    }
    p.execfn = m->opt.program;             /* the path as given (bprm->filename) */
    p.argc = m->opt.argc;
    p.argv = m->opt.argv;
    p.envp = m->opt.envp;
    struct mm_struct *mm = mm_alloc(&m->k, m->task->pid);
    int r = -ENOMEM;
    if (mm) {
        /* Each VMA is a Unicorn region, and Unicorn 2.0.1 aborts at about
         * 4096 of them: the guest meets the kernel's -ENOMEM well before. */
        mm->max_map_count = MAX_UC_REGIONS;
        mm_context_attach(m->ctx, mm);
        r = exec_mm(m->task, mm, &p, file, &res, &stage);
    }
    if (r == 0 || strcmp(stage, "stack") == 0)
        record_exec(m, &p, &res, file, st.st_size > 0 ? (uint64_t)st.st_size : 0,
                    interp ? &id : NULL);
    vm_file_put(file);                     /* the VMAs hold their own references */
    if (interp)
        vm_file_put(in.file);
    if (r && !m->task->mm) {
        snprintf(m->error, sizeof m->error, "--ram too small: no frame for a page directory");
        return -1;
    }
    if (r && strcmp(stage, "stack") != 0) {
        snprintf(m->error, sizeof m->error, "cannot map the %s: %s",
                 strcmp(stage, "interpreter") ? "program's segments" : "interpreter's segments",
                 strerror(-r));
        return -1;
    }
    if (r || machine_stopped(m)) {
        if (!machine_stopped(m))
            snprintf(m->error, sizeof m->error, "cannot build the initial stack: %s", strerror(-r));
        return -1;
    }
    if (cpu_enter_user(m, res.entry, res.sp))
        return -1;
    cpu_load_segments(m);
    return 0;
}

/* ---- execve's ELF loader (the arch op exec_binary) ---- */

/* What execve's loader holds across the point of no return. */
struct exec_prep {
    struct elf_image img;
    struct mmap_file mf;                /* the program's pages */
    struct exec_interp in;              /* its interpreter's (in.file NULL: none) */
    struct interp_file id;
    size_t size;
};

/*
 * What the program needs before the point of no return: an i386 image
 * (ENOEXEC otherwise), its interpreter if it names one (exec_open_interp's
 * errors), its pages (the file's mmap: its page cache), a new engine and
 * an mm.
 */
static int exec_prepare(struct machine *m, struct task_struct *t, struct linux_binprm *bprm,
                        struct exec_prep *x, struct mm_context **c, struct mm_struct **mm)
{
    uint8_t *data;
    char why[200], interp[PATH_MAX_G];
    int r = read_image(bprm->file, &data, &x->size);
    if (r)
        return r;
    enum elf_error e = elf_parse(data, x->size, &x->img, why, sizeof why);
    int dyn = e == ELF_OK ? elf_interp(data, x->size, interp, sizeof interp) : 0;
    free(data);
    if (e != ELF_OK || dyn < 0)
        return -ENOEXEC;
    if (dyn && (r = exec_open_interp(t, interp, &x->in, &x->id, why, sizeof why)))
        return r;
    struct mmap_file *mf = &x->mf;
    if (!bprm->file->f_op->mmap || bprm->file->f_op->mmap(bprm->file, bprm->exe_path, mf) ||
        !mf->vmf) {
        vm_file_put(x->in.file);
        return -EACCES;                 /* no pages to map: not readable */
    }
    if (!(*c = mm_context_create(m, why, sizeof why)) || cpu_setup_engine(m, *c) ||
        !(*mm = mm_alloc(&m->k, t->pid))) {
        if (*c)
            mm_context_destroy(*c);
        vm_file_put(mf->vmf);
        vm_file_put(x->in.file);
        return -ENOMEM;
    }
    memcpy((*mm)->rlim, t->mm->rlim, sizeof (*mm)->rlim);   /* Linux: in signal_struct */
    (*mm)->max_map_count = MAX_UC_REGIONS;
    return 0;
}

/* start_thread: the registers the new image starts with, as pt_regs (the
 * system call's way out loads them); the engine is already there. */
static void start_thread(struct task_struct *t, uint32_t entry, uint32_t sp)
{
    struct pt_regs *regs = task_pt_regs(t);
    *regs = (struct pt_regs){ .ip = entry, .sp = sp, .flags = 0x202, .orig_ax = regs->orig_ax,
                              .cs = USER_CS_SEL, .ss = USER_DS_SEL, .ds = USER_DS_SEL,
                              .es = USER_DS_SEL };
}

/* Past the point of no return: the mm built in the new engine, which
 * becomes the task's and is taken to user mode at the entry. */
static int exec_new_image(struct machine *m, struct task_struct *t, struct linux_binprm *bprm,
                          const struct exec_prep *x, struct mm_context *c, struct mm_struct *mm)
{
    struct exec_params p;
    struct exec_result res = { 0 };
    const char *stage = "segments";
    exec_params_from(&x->img, &p);
    if (x->in.file)
        p.interp = &x->in;
    p.execfn = bprm->filename;
    p.argc = bprm->argc;
    p.argv = bprm->argv;
    p.envp = bprm->envp;
    machine_exec_context(m, t, c);
    mm_context_attach(c, mm);
    int r = exec_mm(t, mm, &p, x->mf.vmf, &res, &stage);
    if (r == 0 || strcmp(stage, "stack") == 0)
        record_exec(m, &p, &res, x->mf.vmf, x->size, x->in.file ? &x->id : NULL);
    if (r || machine_stopped(m))
        return r ? r : -EINTR;
    if (cpu_enter_user(m, res.entry, res.sp) || cpu_add_hooks(m, c))
        return -ENOMEM;
    c->entered = 1;
    cpu_load_segments(m);
    start_thread(t, res.entry, res.sp);
    m->sreg_stale = 1;
    m->insn = NULL;
    m->tm.fetch_line = UINT32_MAX;
    m->execed = 1;
    return 0;
}

int machine_exec_binary(void *ctx, struct task_struct *t, struct linux_binprm *bprm)
{
    struct machine *m = ctx;
    struct exec_prep *x = calloc(1, sizeof *x);
    struct mm_context *c = NULL;
    struct mm_struct *mm = NULL;
    if (!x)
        return -ENOMEM;
    int r = memcmp(bprm->buf, "\177ELF", 4) ? -ENOEXEC : exec_prepare(m, t, bprm, x, &c, &mm);
    if (r) {
        free(x);
        return r;
    }
    /* the point of no return: from here a failure kills the task */
    r = begin_new_exec(t, bprm);
    if (!r)
        r = exec_new_image(m, t, bprm, x, c, mm);
    else {
        machine_exec_context(m, t, c);
        mm_context_attach(c, mm);
        t->mm = mm;
    }
    vm_file_put(x->mf.vmf);             /* the VMAs hold their own references */
    vm_file_put(x->in.file);
    free(x);
    if (r && !task_dead(t))
        task_exit_signal(t, SIGKILL, "memsim: execve of %s failed after the point of no return: %s",
                         bprm->filename, strerror(-r));
    return 0;
}

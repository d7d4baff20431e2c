/*
 * sys_exec.c — execve(11) and execveat(358) (fs/exec.c do_execveat_common,
 * bprm_execve, exec_binprm, begin_new_exec).  The contract: binfmt.h.
 *
 * The arguments are copied into host strings before anything is loaded,
 * as Linux copies them onto the new mm's stack before the old one goes:
 * the engine's loader (kernel_arch_ops.exec_binary) gets them with the
 * open file and its head, and calls begin_new_exec once only building the
 * new image is left.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/binfmt.h"
#include "kernel-model/resource.h"
#include "kernel-model/sys_internal.h"

int exec_args_fit(uint64_t rlim_stack, size_t argc, size_t envc, size_t strings,
                  size_t longest, size_t *limit_out)
{
    uint64_t limit = STK_LIM_ / 4 * 3;
    if (rlim_stack / 4 < limit)
        limit = rlim_stack / 4;
    if (limit < ARG_MAX_BYTES)
        limit = ARG_MAX_BYTES;
    if (limit_out)
        *limit_out = (size_t)limit;
    uint64_t ptrs = ((argc ? argc : 1) + envc) * 4ull;
    if (longest > MAX_ARG_STRLEN || ptrs >= limit || strings > limit - ptrs)
        return -E2BIG;
    return 0;
}

long kernel_read(struct file *f, void *buf, size_t n, int64_t pos)
{
    size_t done = 0;
    if (!f->f_op->read)
        return -EINVAL;
    while (done < n) {
        long r = f->f_op->read(f, (char *)buf + done, n - done, &pos);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        done += (size_t)r;
    }
    return (long)done;
}

/* ---- the arguments ---- */

static void free_strings(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static void free_bprm(struct linux_binprm *bprm)
{
    if (bprm->file)
        fput(bprm->file);
    free_strings(bprm->argv);
    free_strings(bprm->envp);
    free(bprm->filename);
    free(bprm);
}

/* count(): the entries of a user pointer array up to its NULL; NULL: 0. */
static long count_strings(struct task_struct *t, uint32_t uarr, uint32_t max_ptrs)
{
    uint32_t p;
    long n = 0;
    if (!uarr)
        return 0;
    for (;; n++) {
        if (copy_from_user(t->mm, &p, uarr + 4u * (uint32_t)n, 4))
            return -EFAULT;
        if (!p)
            return n;
        if ((uint32_t)n >= max_ptrs)
            return -E2BIG;              /* more pointers than the stack could hold */
    }
}

/* copy_strings: n strings of uarr into *out, their bytes added to *total;
 * EFAULT, or E2BIG for a string over MAX_ARG_STRLEN or past the limit. */
static long copy_strings(struct task_struct *t, uint32_t uarr, long n, char ***out,
                         size_t *total, size_t limit, char *scratch)
{
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v)
        return -ENOMEM;
    *out = v;
    for (long i = 0; i < n; i++) {
        uint32_t p;
        if (copy_from_user(t->mm, &p, uarr + 4u * (uint32_t)i, 4))
            return -EFAULT;
        long len = strncpy_from_user(t->mm, scratch, p, MAX_ARG_STRLEN);
        if (len == -ENAMETOOLONG || (len >= 0 && (size_t)len >= MAX_ARG_STRLEN))
            return -E2BIG;              /* no NUL in MAX_ARG_STRLEN bytes */
        if (len < 0)
            return len;
        *total += (size_t)len + 1;
        if (*total > limit)
            return -E2BIG;
        if (!(v[i] = strdup(scratch)))
            return -ENOMEM;
    }
    return 0;
}

/* argv and envp copied, the E2BIG rule applied as Linux orders it: the
 * pointers first (bprm_stack_limits), then the file name, envp, argv. */
static long copy_args(struct task_struct *t, struct linux_binprm *bprm, uint32_t uargv,
                      uint32_t uenvp)
{
    size_t limit, total = strlen(bprm->filename) + 1;
    uint64_t rlim = t->mm->rlim[RLIMIT_STACK_].rlim_cur;
    exec_args_fit(rlim, 1, 0, 0, 0, &limit);
    long argc = count_strings(t, uargv, (uint32_t)(limit / 4));
    if (argc < 0)
        return argc;
    long envc = count_strings(t, uenvp, (uint32_t)(limit / 4));
    if (envc < 0)
        return envc;
    if (exec_args_fit(rlim, (size_t)argc, (size_t)envc, 0, 0, NULL))
        return -E2BIG;
    limit -= ((argc ? (size_t)argc : 1) + (size_t)envc) * 4;
    char *scratch = malloc(MAX_ARG_STRLEN);
    if (!scratch)
        return -ENOMEM;
    long r = total > limit ? -E2BIG : 0;
    if (!r)
        r = copy_strings(t, uenvp, envc, &bprm->envp, &total, limit, scratch);
    if (!r)
        r = copy_strings(t, uargv, argc, &bprm->argv, &total, limit, scratch);
    free(scratch);
    bprm->argc = (int)argc;
    bprm->envc = (int)envc;
    if (!r && argc == 0) {
        /* 5.18+: an empty argv becomes { "" }, so argv[0] always exists */
        free(bprm->argv);
        bprm->argv = calloc(2, sizeof *bprm->argv);
        if (!bprm->argv || !(bprm->argv[0] = strdup("")))
            return -ENOMEM;
        bprm->argc = 1;
    }
    return r;
}

/* ---- the formats ---- */

/* prepare_binprm: the head of the file, zero past its end. */
static long prepare_binprm(struct linux_binprm *bprm)
{
    memset(bprm->buf, 0, sizeof bprm->buf);
    long r = kernel_read(bprm->file, bprm->buf, sizeof bprm->buf, 0);
    return r < 0 ? r : 0;
}

/* search_binary_handler: each format in turn, ENOEXEC if none takes it.
 * 1: a script named an interpreter (bprm->file is now it); 0: the new
 * image runs (or the task was killed after the point of no return). */
static long search_binary_handler(struct task_struct *t, struct linux_binprm *bprm)
{
    long r = prepare_binprm(bprm);
    if (r)
        return r;
    r = load_script(t, bprm);
    if (r != -ENOEXEC)
        return r ? r : 1;
    if (!t->k->arch.exec_binary)
        return -ENOEXEC;
    return t->k->arch.exec_binary(t->k->arch.ctx, t, bprm);
}

static long exec_binprm(struct task_struct *t, struct linux_binprm *bprm)
{
    for (int depth = 0;; depth++) {
        if (depth > BINPRM_MAX_DEPTH)
            return -ELOOP;
        long r = search_binary_handler(t, bprm);
        if (r <= 0)
            return r;
    }
}

/* getname: the path, EFAULT or ENAMETOOLONG; an empty one is ENOENT
 * unless AT_EMPTY_PATH (fexecve, whose name is /dev/fd/N). */
static long exec_getname(struct task_struct *t, uint32_t ufilename, uint32_t dfd,
                         uint32_t flags, char **out)
{
    char *name = malloc(PATH_MAX_G + 16);
    if (!name)
        return -ENOMEM;
    long len = strncpy_from_user(t->mm, name, ufilename, PATH_MAX_G);
    long r = len < 0 ? len : len >= (long)PATH_MAX_G ? -ENAMETOOLONG : 0;
    if (!r && len == 0 && !(flags & G_AT_EMPTY_PATH))
        r = -ENOENT;
    if (r) {
        free(name);
        return r;
    }
    *out = name;
    return 0;
}

static long do_execveat_common(struct task_struct *t, uint32_t dfd, uint32_t ufilename,
                               uint32_t uargv, uint32_t uenvp, uint32_t flags)
{
    struct linux_binprm *bprm = calloc(1, sizeof *bprm);
    if (!bprm)
        return -ENOMEM;
    long r = exec_getname(t, ufilename, dfd, flags, &bprm->filename);
    if (!r)
        r = fs_open_execat(t, dfd, bprm->filename, flags, &bprm->file, bprm->exe_path);
    if (!r && !bprm->filename[0])
        snprintf(bprm->filename, PATH_MAX_G + 16, "/dev/fd/%u", dfd);
    if (!r) {
        snprintf(bprm->interp, sizeof bprm->interp, "%s", bprm->filename);
        r = copy_args(t, bprm, uargv, uenvp);
    }
    if (!r)
        r = exec_binprm(t, bprm);
    free_bprm(bprm);
    return r;
}

SYSCALL_DEFINE3(execve, uint32_t, filename, uint32_t, argv, uint32_t, envp)
{
    return do_execveat_common(t, G_AT_FDCWD, filename, argv, envp, 0);
}

SYSCALL_DEFINE5(execveat, uint32_t, fd, uint32_t, filename, uint32_t, argv, uint32_t, envp,
                uint32_t, flags)
{
    return do_execveat_common(t, fd, filename, argv, envp, flags);
}

/* ---- the point of no return ---- */

/* de_thread, simply: the group's other threads die now, each alone (not a
 * group exit, which would take the exec'ing task too); a death may free
 * threads, so the scan starts again after each.  (Linux also makes a
 * non-leader exec'ing thread take the leader's pid; memsim does not.) */
static void de_thread(struct task_struct *t)
{
    for (;;) {
        struct task_struct *leader = t->group_leader, *o, *victim = NULL;
        if (leader != t && !task_dead(leader))
            victim = leader;
        else
            list_for_each_entry(o, &leader->thread_group, thread_group)
                if (o != t && !task_dead(o)) {
                    victim = o;
                    break;
                }
        if (!victim)
            return;
        task_exit_group_member(victim, SIGKILL, "");
    }
}

/* do_close_on_exec, after unshare_files: a table shared with another
 * process (CLONE_FILES) is copied first, so only ours loses them. */
static int close_on_exec(struct task_struct *t)
{
    if (t->k->external.close_files)     /* a replay: the files are the host's */
        t->k->external.close_files(t->k->external.ctx, t);
    if (t->files->count > 1) {
        struct files_struct *copy = files_dup(t->files);
        if (!copy)
            return -ENOMEM;
        files_put(t->files);
        t->files = copy;
    }
    for (uint32_t fd = 0; fd < NR_OPEN_MAX; fd++)
        if (t->files->fd[fd] && fd_cloexec(t->files, fd))
            close_fd(t->files, fd);
    return 0;
}

int flush_signal_handlers(struct task_struct *t)
{
    if (t->sighand->refs > 1) {
        struct sighand_struct *sh = sighand_alloc(t->sighand);
        if (!sh)
            return -ENOMEM;
        put_sighand(t->sighand);
        t->sighand = sh;
    }
    for (unsigned i = 0; i < sizeof t->sighand->action / sizeof t->sighand->action[0]; i++) {
        struct sigaction_rec *ka = &t->sighand->action[i];
        if (ka->handler != 1u)          /* SIG_IGN */
            ka->handler = 0;            /* SIG_DFL */
        ka->flags = ka->restorer = 0;
        ka->mask = 0;
    }
    return 0;
}

/* The point of no return.  A vfork parent sleeps until its child execs or
 * exits (mm_release's complete_vfork_done): released here, before the old
 * mm (the parent's own) loses this user. */
int begin_new_exec(struct task_struct *t, struct linux_binprm *bprm)
{
    de_thread(t);
    struct mm_struct *old = t->mm;
    t->mm = NULL;                       /* exec_mmap: the loader builds the new one */
    vfork_release(t);                   /* the vfork parent runs again */
    t->did_exec = 1;                    /* setpgid on it is EACCES now */
    mmput(old);
    int r = close_on_exec(t);
    if (!r)
        r = flush_signal_handlers(t);
    t->sig.altstack = (struct sig_altstack){ 0 };   /* it went with the old stack */
    memset(t->tls_array, 0, sizeof t->tls_array);
    for (unsigned i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
        if (t->k->arch.load_tls)
            t->k->arch.load_tls(t->k->arch.ctx, t, i);
    if (t->ldt) {
        ldt_free(t);                    /* the LDT was the old mm's */
        t->ldt = t->ldt_obj = 0;
    }
    task_set_comm(t, bprm->filename);
    char *exe = strdup(bprm->exe_path);
    if (exe) {
        free(t->exe_guest_path);
        t->exe_guest_path = exe;
    }
    if (!r)
        r = task_set_exec_args(t, bprm->argv, -1);
    t->clear_child_tid = t->robust_list = 0;
    t->rseq_addr = t->rseq_len = t->rseq_sig = 0;
    return r ? r : exe ? 0 : -ENOMEM;
}

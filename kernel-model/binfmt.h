/*
 * binfmt.h — execve(2) and execveat(2) (fs/exec.c, fs/binfmt_script.c;
 * the ELF loader is the engine's: kernel_arch_ops.exec_binary).
 *
 * The contract:
 *   - sys_execve/sys_execveat copy the file name, argv and envp from user
 *     memory (EFAULT; E2BIG by exec_args_fit, the rule memsim's own
 *     command line is checked by), open the file as open does under the
 *     guest's root (ENOENT, ENOTDIR, ELOOP, ...; EACCES: not a regular file
 *     or no execute permission), read its first BINPRM_BUF_SIZE bytes and
 *     hand it to the formats in turn: a "#!" script (the interpreter and
 *     its one optional argument replace argv[0], the script path is
 *     passed; the interpreter is opened as the file was, so a missing one
 *     is ENOENT), else the engine's ELF loader.  Nobody's format: ENOEXEC.
 *     More than five rewrites (scripts of scripts): ELOOP.
 *   - Before the point of no return every failure is the call's -errno and
 *     the caller's image is untouched.  The loader calls begin_new_exec
 *     once nothing it checks can fail; from there a failure kills the task
 *     with SIGKILL (the call never returns).
 *   - begin_new_exec is Linux's: other threads of the group killed
 *     (de_thread), the old mm dropped (t->mm NULL: the loader builds the
 *     new one with exec_mm), close-on-exec descriptors closed (the table
 *     unshared first), caught signals back to SIG_DFL (ignored stay
 *     ignored; blocked and pending kept), sigaltstack cleared, TLS entries
 *     and the LDT cleared, comm and /proc/self/exe set, clear_child_tid,
 *     robust_list and rseq cleared; the pid is kept.
 */
#ifndef MEMSIM_BINFMT_H
#define MEMSIM_BINFMT_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-model/fs.h"

struct task_struct;
struct file;

#define BINPRM_BUF_SIZE 256          /* the head prepare_binprm reads */
#define MAX_ARG_STRLEN  (32u * 4096u) /* one argument or environment string, NUL included */
#define ARG_MAX_BYTES   (32u * 4096u) /* ARG_MAX: the least the strings may take */
#define BINPRM_MAX_DEPTH 5           /* exec_binprm: "depth > 5" is ELOOP */

struct linux_binprm {
    struct file *file;          /* what runs now: the program, or a #! interpreter */
    char *filename;             /* the path as the caller gave it (AT_EXECFN, comm) */
    char interp[PATH_MAX_G];    /* bprm->interp: the name file was opened by */
    char exe_path[PATH_MAX_G];  /* file's canonical guest path (/proc/self/exe) */
    uint8_t buf[BINPRM_BUF_SIZE];   /* file's first bytes, zero past its end */
    int argc, envc;
    char **argv, **envp;        /* the strings, NULL-terminated, owned */
};

/*
 * execve's limit on what the new stack receives (bprm_stack_limits and
 * copy_strings): argc pointers (at least one) plus envc pointers plus the
 * strings (strings: their bytes with NULs, the file name's included) must
 * fit in a quarter of the stack rlimit (never more than 3/4 of _STK_LIM,
 * never less than ARG_MAX), and no string (longest, NUL included) may be
 * longer than MAX_ARG_STRLEN.  0 or -E2BIG; *limit, if not NULL, the bound.
 */
int exec_args_fit(uint64_t rlim_stack, size_t argc, size_t envc, size_t strings,
                  size_t longest, size_t *limit);

/* The point of no return (see above): 0, or -errno (the caller kills). */
int begin_new_exec(struct task_struct *t, struct linux_binprm *bprm);

/* binfmt_script.c: a "#!" head makes bprm run its interpreter (argv
 * rewritten, bprm->file the interpreter's): 0; -ENOEXEC: not a script;
 * -errno of opening the interpreter. */
int load_script(struct task_struct *t, struct linux_binprm *bprm);

/* Read n bytes of f at pos (kernel_read): the bytes read, or -errno. */
long kernel_read(struct file *f, void *buf, size_t n, int64_t pos);

#endif

/*
 * binfmt_script.c — "#!" scripts (fs/binfmt_script.c load_script, 6.1).
 *
 * The first line of the head names the interpreter and at most one
 * argument (everything after the name's first space or tab, trailing
 * blanks trimmed).  argv[0] is dropped and the interpreter's name, the
 * argument and the script's name (bprm->interp: as it was opened) go in
 * front; the interpreter is opened as execve opens a file, relative to
 * the working directory, and becomes the file exec_binprm runs next.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/binfmt.h"
#include "kernel-model/sys_internal.h"

static int spacetab(char c) { return c == ' ' || c == '\t'; }

static char *next_non_spacetab(char *first, const char *last)
{
    for (; first <= last; first++)
        if (!spacetab(*first))
            return first;
    return NULL;
}

static char *next_terminator(char *first, const char *last)
{
    for (; first <= last; first++)
        if (spacetab(*first) || !*first)
            return first;
    return NULL;
}

/* argv with s in front (copy_string_kernel then argc++): 0 or -ENOMEM. */
static int push_front(struct linux_binprm *bprm, const char *s)
{
    char **v = realloc(bprm->argv, ((size_t)bprm->argc + 2) * sizeof *v);
    if (!v)
        return -ENOMEM;
    bprm->argv = v;
    memmove(v + 1, v, ((size_t)bprm->argc + 1) * sizeof *v);
    if (!(v[0] = strdup(s))) {
        memmove(v, v + 1, ((size_t)bprm->argc + 1) * sizeof *v);
        return -ENOMEM;
    }
    bprm->argc++;
    return 0;
}

/* remove_arg_zero */
static void remove_arg_zero(struct linux_binprm *bprm)
{
    if (!bprm->argc)
        return;
    free(bprm->argv[0]);
    memmove(bprm->argv, bprm->argv + 1, (size_t)bprm->argc * sizeof *bprm->argv);
    bprm->argc--;
}

int load_script(struct task_struct *t, struct linux_binprm *bprm)
{
    char buf[BINPRM_BUF_SIZE];
    memcpy(buf, bprm->buf, sizeof buf);
    if (buf[0] != '#' || buf[1] != '!')
        return -ENOEXEC;
    char *buf_end = buf + sizeof buf - 1;
    char *i_end = memchr(buf, '\n', sizeof buf);
    if (!i_end) {
        i_end = next_non_spacetab(buf + 2, buf_end);
        if (!i_end)
            return -ENOEXEC;            /* nothing but blanks */
        if (!next_terminator(i_end, buf_end))
            return -ENOEXEC;            /* the name may be cut short: refuse */
        i_end = buf_end;
    }
    while (spacetab(i_end[-1]))
        i_end--;
    char *i_name = next_non_spacetab(buf + 2, i_end);
    if (!i_name || i_name == i_end)
        return -ENOEXEC;                /* no interpreter name */
    char *i_arg = NULL, *i_sep = next_terminator(i_name, i_end);
    if (i_sep && *i_sep)
        i_arg = next_non_spacetab(i_sep, i_end);
    *i_end = 0;
    if (i_arg)
        *i_sep = 0;
    remove_arg_zero(bprm);
    int r = push_front(bprm, bprm->interp);
    if (!r && i_arg)
        r = push_front(bprm, i_arg);
    if (!r)
        r = push_front(bprm, i_name);
    if (r)
        return r;
    snprintf(bprm->interp, sizeof bprm->interp, "%s", i_name);   /* bprm_change_interp */
    struct file *f;
    long e = fs_open_execat(t, G_AT_FDCWD, i_name, 0, &f, bprm->exe_path);
    if (e)
        return (int)e;
    fput(bprm->file);
    bprm->file = f;
    return 0;
}

/*
 * exec.c — an execve a replay re-drives.  The call is external (it opens
 * and reads a host file), but what it does past the point of no return is
 * the model's: the old mm goes, close-on-exec descriptors close, the new
 * mm is built.  So the replay redoes the host part from the recording (the
 * file's slab objects and page-cache pages, the strings copied: replay.c's
 * redo up to the boundary below) and then builds the image the recording's
 * exec_image row describes as emu's loader (emu/exec.c machine_exec_binary)
 * did: mm_alloc, begin_new_exec, exec_mm, the file put at the end.  The
 * first program's image is built here too (replay_first_exec), and an
 * interpreter's pages come from a placeholder of its recorded file.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "kernel-model/binfmt.h"
#include "kernel-model/exec.h"
#include "replay/out.h"
#include "replay/replay_priv.h"

#define NR_EXECVE   11u
#define NR_EXECVEAT 358u

int replay_is_exec(const struct replay *rp, const struct input *in)
{
    return (in->nr == NR_EXECVE || in->nr == NR_EXECVEAT) && in->ret == 0 &&
           in->seq < rp->group_to;
}

uint64_t replay_mm_boundary(const struct replay *rp, size_t from, uint64_t cause, uint64_t limit)
{
    const struct checker *c = &rp->c;
    for (size_t i = from; i < c->list.nr && c->list.rec[i].seq < limit; i++) {
        const struct outcome *o = &c->list.rec[i];
        if (o->cause == cause && o->type == EV_ALLOC && !strcmp(o->s[0], "slab") &&
            !strcmp(o->s[1], "alloc") && !strcmp(o->s[3], "mm_struct"))
            return o->seq;
    }
    return limit;               /* none: the divergence shows at the first outcome */
}

uint64_t replay_exec_boundary(const struct replay *rp, const struct input *in)
{
    return replay_mm_boundary(rp, check_find(&rp->c, rp->group_from), in->start, in->seq);
}

int replay_interp_get(struct replay *rp, struct recorded_interp *ri, struct exec_params *p)
{
    p->interp = NULL;
    if (!ri->path)
        return 0;
    struct file_map fm = { .path = ri->path, .size = ri->size, .dev = ri->dev, .ino = ri->ino };
    if (!(ri->in.file = replay_placeholder(rp, &fm)))
        return -1;
    p->interp = &ri->in;
    return 0;
}

void replay_interp_put(struct recorded_interp *ri, struct exec_params *p)
{
    vm_file_put(ri->in.file);
    ri->in.file = NULL;
    p->interp = NULL;
}

long replay_exec(struct replay *rp, struct task_struct *t)
{
    struct recorded *r = &rp->r;
    if (rp->next_exec >= r->nr_later) {
        check_diverge(&rp->c, rp->current->start, "syscalls", "an execve that succeeded, and no exec_image "
                      "row left for it");
        return -ENOEXEC;
    }
    struct recorded_exec *x = &r->execs[rp->next_exec++];
    struct file_map fm = { .path = x->exe_path, .size = x->size, .dev = x->dev, .ino = x->ino };
    struct vm_file *vmf = replay_placeholder(rp, &fm);
    struct mm_struct *mm = vmf && !replay_interp_get(rp, &x->interp, &x->p)
                           ? mm_alloc(&rp->k, t->pid) : NULL;
    if (!mm) {
        vm_file_put(vmf);
        replay_interp_put(&x->interp, &x->p);
        return -ENOMEM;         /* the missing outcomes show as a divergence */
    }
    memcpy(mm->rlim, t->mm->rlim, sizeof mm->rlim);     /* exec_prepare's */
    mm->max_map_count = x->max_map_count;
    struct linux_binprm bprm = { .filename = x->execfn, .argc = x->p.argc, .argv = x->argv,
                                 .envp = x->envp };
    snprintf(bprm.exe_path, sizeof bprm.exe_path, "%s", x->exe_path);
    struct exec_result res = { 0 };
    const char *stage = "segments";
    int err = begin_new_exec(t, &bprm);
    if (!err) {
        err = exec_mm(t, mm, &x->p, vmf, &res, &stage);
        if ((err == 0 || strcmp(stage, "stack") == 0) && rp->out)
            replay_out_exec(rp->out, r, x, t->tgid, &res);
    } else {
        t->mm = mm;
    }
    vm_file_put(vmf);
    replay_interp_put(&x->interp, &x->p);
    if (err && !task_dead(t))
        task_exit_signal(t, SIGKILL, "memsim: execve of %s failed after the point of no return: %s",
                         x->execfn, strerror(-err));
    replay_redo_file_releases(rp);      /* the file execve ran: its last fput */
    return 0;
}

/* The first program's loader opened and read its interpreter through the
 * model before it made the mm (emu/exec.c exec_program): redo that host
 * part, from what the group has not seen yet up to the mm_struct. */
void replay_redo_loader_open(struct replay *rp, struct task_struct *t)
{
    size_t from = rp->c.cur;
    uint64_t end = rp->c.end < rp->c.list.nr ? rp->c.list.rec[rp->c.end].seq : UINT64_MAX;
    replay_redo_outcomes(rp, t, 0, from, replay_mm_boundary(rp, from, 0, end));
}

/* The first program's image, before the first input: the engine's
 * exec_program as the recording did it (its interpreter's open redone). */
int replay_first_exec(struct replay *rp, char *err, size_t errlen)
{
    struct vm_file *file = vm_file_placeholder(rp->r.exe_path, rp->r.size);
    struct exec_result res = { 0 };
    const char *stage = "";
    if (!file) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    wake_up_new_task(rp->t);                /* as emu's run does before its exec */
    if (rp->r.interp.path)
        replay_redo_loader_open(rp, rp->t);
    if (replay_interp_get(rp, &rp->r.interp, &rp->r.exec)) {
        vm_file_put(file);
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    struct mm_struct *mm = mm_alloc(rp->t->k, rp->t->pid);
    if (mm) {
        if (rp->r.max_map_count)
            mm->max_map_count = rp->r.max_map_count;
        if (exec_mm(rp->t, mm, &rp->r.exec, file, &res, &stage) == 0 && rp->out)
            replay_out_exec(rp->out, &rp->r, NULL, rp->t->pid, &res);
    }
    vm_file_put(file);
    replay_interp_put(&rp->r.interp, &rp->r.exec);
    check_group_end(&rp->c);
    return rp->t->mm ? 0 : -1;
}

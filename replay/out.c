/*
 * out.c — `memsim replay --db OUT` (out.h).
 */
#include <stdio.h>
#include "kernel-model/sched.h"
#include "replay/out.h"

struct trace *replay_out_begin(const char *path, const char *source, const struct recorded *r,
                               uint64_t ram, const char *paging, char *err, size_t errlen)
{
    struct trace *t = trace_open(path, err, errlen);
    if (!t)
        return NULL;
    struct trace_run_info info = {
        .program = r->program, .args = r->args, .sha256 = r->sha256, .options = r->options,
        .epoch = (int64_t)r->epoch, .size = r->size, .ram = ram, .paging = paging,
        .cpu = r->cpu, .seed = r->seed, .root = r->root, .cpu_config = r->cpu_config,
        .replay_of = source ? source : "", .argc = r->argc, .argv = r->argv, .envp = r->envp,
    };
    if (trace_begin_run(t, &info)) {
        snprintf(err, errlen, "%s", trace_error(t));
        trace_close(t, NULL, 0);
        return NULL;
    }
    return t;
}

void replay_out_exec(struct trace *t, const struct recorded *r, const struct recorded_exec *x,
                     uint32_t pid, const struct exec_result *res)
{
    const struct exec_params *p = x ? &x->p : &r->exec;
    struct trace_exec_info info = {
        .exe_path = x ? x->exe_path : r->exe_path, .entry = p->entry, .phdr_vaddr = p->phdr_vaddr,
        .phentsize = p->phentsize, .phnum = p->phnum, .start_code = p->start_code,
        .end_code = p->end_code, .start_data = p->start_data, .end_data = p->end_data,
        .exec_stack = p->exec_stack, .uid = p->uid, .gid = p->gid,
        .max_map_count = x ? x->max_map_count : r->max_map_count, .nr_segments = p->nr_segments,
        .pid = pid, .execfn = p->execfn, .argv = p->argv, .envp = p->envp,
        .size = x ? x->size : r->size, .dev = x ? x->dev : 0, .ino = x ? x->ino : 0,
    };
    for (unsigned i = 0; i < p->nr_segments && i < TRACE_EXEC_SEGMENTS; i++)
        info.seg[i] = (struct trace_exec_segment){ p->seg[i].vaddr, p->seg[i].memsz,
                                                   p->seg[i].offset, p->seg[i].filesz,
                                                   p->seg[i].prot };
    trace_exec(t, &info);
    if (!x)
        trace_auxv(t, res->auxv, EXEC_AUXV_PAIRS);
}

int replay_out_end(struct trace *t, const struct task_struct *task, uint64_t instructions,
                   uint64_t cycles, double wall_seconds, char *err, size_t errlen)
{
    if (!t)
        return 0;
    struct trace_run_totals tot = {
        .instructions = instructions, .cycles = cycles, .exit_status = task ? task->exit_status : 0,
        .exit_reason = task && task->exit_reason ? task->exit_reason : "exit",
        .wall_seconds = wall_seconds,
    };
    trace_end_run(t, &tot);
    return trace_close(t, err, errlen);
}

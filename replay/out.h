/*
 * out.h — private to replay/: `memsim replay --db OUT`, the replayed run
 * written as an ordinary trace (trace/trace.h) by the trace sink on the
 * replay's event stream.  Its runs row is the recorded one but for the
 * machine the replay ran (ram, paging), the totals the replay reached and
 * replay_of, which names the trace replayed; exec_image, exec_segments and
 * the auxv are the replay's own exec.
 */
#ifndef MEMSIM_REPLAY_OUT_H
#define MEMSIM_REPLAY_OUT_H

#include "replay/recorded.h"
#include "trace/trace.h"

struct exec_result;

/* Open the trace at path and write its runs row; NULL with one line in err. */
struct trace *replay_out_begin(const char *path, const char *source, const struct recorded *r,
                               uint64_t ram, const char *paging, char *err, size_t errlen);
/* The loader's inputs, as the replay's exec used them: the first program's
 * (x NULL: r's, with its auxv) or an execve's (x) by task pid. */
void replay_out_exec(struct trace *t, const struct recorded *r, const struct recorded_exec *x,
                     uint32_t pid, const struct exec_result *res);
/* The totals (instructions: 0 unless the access stream was simulated) and
 * close (t may be NULL); 0, or -1 with the reason in err. */
int  replay_out_end(struct trace *t, const struct task_struct *task, uint64_t instructions,
                    uint64_t cycles, double wall_seconds, char *err, size_t errlen);

#endif

/*
 * resource.h — resource limits (getrlimit/setrlimit/prlimit64), Linux's
 * kernel/sys.c and include/asm-generic/resource.h.
 *
 * The limits live in the address space's owner (today the one mm; Linux
 * keeps them in signal_struct, shared by a thread group, which the
 * processes issue will model).  The model enforces RLIMIT_STACK (stack
 * growth), RLIMIT_MEMLOCK (mlock, mlockall, MAP_LOCKED) and, in emu's
 * descriptor table, RLIMIT_NOFILE; the others are kept and reported.
 */
#ifndef MEMSIM_RESOURCE_H
#define MEMSIM_RESOURCE_H

#include <stdint.h>

enum {
    RLIMIT_CPU_ = 0, RLIMIT_FSIZE_, RLIMIT_DATA_, RLIMIT_STACK_, RLIMIT_CORE_,
    RLIMIT_RSS_, RLIMIT_NPROC_, RLIMIT_NOFILE_, RLIMIT_MEMLOCK_, RLIMIT_AS_,
    RLIMIT_LOCKS_, RLIMIT_SIGPENDING_, RLIMIT_MSGQUEUE_, RLIMIT_NICE_,
    RLIMIT_RTPRIO_, RLIMIT_RTTIME_, RLIM_NLIMITS_
};

#define RLIM64_INFINITY_ UINT64_MAX
#define NR_OPEN_MAX      4096u      /* INR_OPEN_MAX: the descriptor table's size */
#define STK_LIM_         (8u << 20) /* _STK_LIM: RLIMIT_STACK's default */
#define MLOCK_LIMIT_     (8ull << 20) /* RLIMIT_MEMLOCK's default since 5.16 */

struct rlimit64_ {
    uint64_t rlim_cur, rlim_max;
};

/* Linux's INIT_RLIMITS for a machine of `totalram_pages` pages: NPROC and
 * SIGPENDING are half of max_threads as fork_init computes it. */
void rlimits_init(struct rlimit64_ rlim[RLIM_NLIMITS_], uint64_t totalram_pages);

/* do_prlimit: install `new_lim` for resource `res`.  0, or -EINVAL (bad
 * resource, cur > max), -EPERM (a max raised without CAP_SYS_RESOURCE —
 * `capable` says whether the task has it — or NOFILE's max past the
 * descriptor table, nr_open). */
long rlimit_set(struct rlimit64_ rlim[RLIM_NLIMITS_], uint32_t res, struct rlimit64_ new_lim,
                int capable);

#endif

/*
 * resource.c — resource limits as Linux starts init with them, and the
 * checks of do_prlimit.
 */
#include <errno.h>
#include "kernel-model/resource.h"

#define NOFILE_CUR  1024u                   /* INR_OPEN_CUR */
#define MQ_BYTES    819200u                 /* MQ_BYTES_MAX */
#define THREAD_SIZE_I386 (16u << 10)        /* THREAD_SIZE_ORDER 2 */
#define MIN_THREADS 20u
#define MAX_THREADS 0x3fffffffu             /* FUTEX_TID_MASK */

/* fork_init's set_max_threads: thread structures may use at most 1/8 of RAM. */
static uint64_t max_threads_for(uint64_t totalram_pages)
{
    uint64_t t = totalram_pages * 4096u / (THREAD_SIZE_I386 * 8u);
    return t < MIN_THREADS ? MIN_THREADS : t > MAX_THREADS ? MAX_THREADS : t;
}

void rlimits_init(struct rlimit64_ rlim[RLIM_NLIMITS_], uint64_t totalram_pages)
{
    for (int i = 0; i < RLIM_NLIMITS_; i++)
        rlim[i] = (struct rlimit64_){ RLIM64_INFINITY_, RLIM64_INFINITY_ };
    uint64_t half_threads = max_threads_for(totalram_pages) / 2;
    rlim[RLIMIT_STACK_].rlim_cur = STK_LIM_;
    rlim[RLIMIT_CORE_].rlim_cur = 0;
    rlim[RLIMIT_NPROC_] = (struct rlimit64_){ half_threads, half_threads };
    rlim[RLIMIT_NOFILE_] = (struct rlimit64_){ NOFILE_CUR, NR_OPEN_MAX };
    rlim[RLIMIT_MEMLOCK_] = (struct rlimit64_){ MLOCK_LIMIT_, MLOCK_LIMIT_ };
    rlim[RLIMIT_SIGPENDING_] = (struct rlimit64_){ half_threads, half_threads };
    rlim[RLIMIT_MSGQUEUE_] = (struct rlimit64_){ MQ_BYTES, MQ_BYTES };
    rlim[RLIMIT_NICE_] = (struct rlimit64_){ 0, 0 };
    rlim[RLIMIT_RTPRIO_] = (struct rlimit64_){ 0, 0 };
}

long rlimit_set(struct rlimit64_ rlim[RLIM_NLIMITS_], uint32_t res, struct rlimit64_ new_lim,
                int capable)
{
    if (res >= RLIM_NLIMITS_ || new_lim.rlim_cur > new_lim.rlim_max)
        return -EINVAL;
    /* Linux: NOFILE's max past sysctl nr_open is EPERM even for root; here
     * nr_open is the size of the guest's descriptor table. */
    if (res == RLIMIT_NOFILE_ && new_lim.rlim_max > NR_OPEN_MAX)
        return -EPERM;
    if (new_lim.rlim_max > rlim[res].rlim_max && !capable)
        return -EPERM;
    rlim[res] = new_lim;
    return 0;
}

/*
 * test_resource.c — kernel-model/resource.c: Linux's INIT_RLIMITS with
 * NPROC and SIGPENDING from fork_init's max_threads, and do_prlimit's
 * checks in their order.
 */
#include <errno.h>
#include "kernel-model/resource.h"
#include "tests/unit/check.h"

static void test_defaults(void)
{
    struct rlimit64_ rl[RLIM_NLIMITS_];
    rlimits_init(rl, 65536);                    /* 256 MiB */
    CHECK_EQ(rl[RLIMIT_STACK_].rlim_cur, 8u << 20);
    CHECK_EQ(rl[RLIMIT_STACK_].rlim_max, RLIM64_INFINITY_);
    CHECK_EQ(rl[RLIMIT_CORE_].rlim_cur, 0);
    CHECK_EQ(rl[RLIMIT_CORE_].rlim_max, RLIM64_INFINITY_);
    CHECK_EQ(rl[RLIMIT_NOFILE_].rlim_cur, 1024);
    CHECK_EQ(rl[RLIMIT_NOFILE_].rlim_max, 4096);
    CHECK_EQ(rl[RLIMIT_MEMLOCK_].rlim_cur, 8u << 20);
    /* 256 MiB / (16 KiB thread stacks * 8) = 2048 threads, half each */
    CHECK_EQ(rl[RLIMIT_NPROC_].rlim_cur, 1024);
    CHECK_EQ(rl[RLIMIT_SIGPENDING_].rlim_max, 1024);
    CHECK_EQ(rl[RLIMIT_MSGQUEUE_].rlim_cur, 819200);
    CHECK_EQ(rl[RLIMIT_NICE_].rlim_max, 0);
    CHECK_EQ(rl[RLIMIT_AS_].rlim_cur, RLIM64_INFINITY_);
    rlimits_init(rl, 1024);                     /* 4 MiB: 32 threads */
    CHECK_EQ(rl[RLIMIT_NPROC_].rlim_cur, 16);
    rlimits_init(rl, 512);                      /* 2 MiB: 16, raised to MIN_THREADS 20 */
    CHECK_EQ(rl[RLIMIT_NPROC_].rlim_cur, 10);
}

static void test_set(void)
{
    struct rlimit64_ rl[RLIM_NLIMITS_];
    rlimits_init(rl, 65536);
    CHECK_EQ(rlimit_set(rl, RLIM_NLIMITS_, (struct rlimit64_){ 1, 1 }, 1), -EINVAL);
    CHECK_EQ(rlimit_set(rl, RLIMIT_NOFILE_, (struct rlimit64_){ 9, 8 }, 1), -EINVAL);
    CHECK_EQ(rlimit_set(rl, RLIMIT_NOFILE_, (struct rlimit64_){ 8, 5000 }, 1), -EPERM);
    CHECK_EQ(rlimit_set(rl, RLIMIT_NOFILE_, (struct rlimit64_){ 8, 8 }, 0), 0);
    CHECK_EQ(rl[RLIMIT_NOFILE_].rlim_cur, 8);
    CHECK_EQ(rlimit_set(rl, RLIMIT_NOFILE_, (struct rlimit64_){ 8, 9 }, 0), -EPERM);
    CHECK_EQ(rl[RLIMIT_NOFILE_].rlim_max, 8);    /* a refused call changes nothing */
    CHECK_EQ(rlimit_set(rl, RLIMIT_NOFILE_, (struct rlimit64_){ 8, 9 }, 1), 0);
    CHECK_EQ(rlimit_set(rl, RLIMIT_STACK_, (struct rlimit64_){ 1u << 20, 1u << 20 }, 0), 0);
    CHECK_EQ(rl[RLIMIT_STACK_].rlim_cur, 1u << 20);
}

int main(void)
{
    test_defaults();
    test_set();
    return CHECK_DONE();
}

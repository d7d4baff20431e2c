/*
 * sys_proc.c — the process's place among processes, for a machine with one
 * process: process groups and sessions, wait, prctl and CPU affinity.
 *
 * The model's process is what a job-control shell starts: pid GUEST_PID,
 * the leader of its own process group, in a session led by its parent, pid
 * 1.  So setpgid to its own group succeeds, setsid is EPERM (a group
 * leader may not start a session), and the wait calls find no child:
 * ECHILD.  The processes issue replaces these with real task links.
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kernel-model/sys_internal.h"

#define CAP_LAST_CAP 40                 /* CAP_CHECKPOINT_RESTORE */
#define GUEST_SID 1u                    /* the session of the parent, pid 1 */

/* The guest has memsim's credentials: its uid (getuid passes through) and
 * its effective capabilities, read with capget as Linux's capable() would
 * test them. */
int task_capable(int cap)
{
    struct { uint32_t version; int pid; } hdr = { 0x20080522, 0 };   /* _LINUX_CAPABILITY_VERSION_3 */
    struct { uint32_t effective, permitted, inheritable; } data[2] = { 0 };
    if (cap < 0 || cap > CAP_LAST_CAP || syscall(SYS_capget, &hdr, data))
        return 0;
    return (data[cap / 32].effective >> (cap % 32)) & 1;
}

static int is_self(const struct task_struct *t, uint32_t pid)
{
    return pid == 0 || pid == t->pid;
}

SYSCALL_DEFINE0(getpgrp) { return t->pid; }

SYSCALL_DEFINE1(getpgid, uint32_t, pid)
{
    return is_self(t, pid) ? (long)t->pid : -ESRCH;
}

SYSCALL_DEFINE1(getsid, uint32_t, pid)
{
    return is_self(t, pid) ? (long)GUEST_SID : -ESRCH;
}

/* setpgid(pid, pgid): only the process itself exists; joining another
 * group would need one in the same session (EPERM: there is none). */
SYSCALL_DEFINE2(setpgid, uint32_t, pid, uint32_t, pgid)
{
    if ((int32_t)pgid < 0)
        return -EINVAL;
    if (!is_self(t, pid))
        return -ESRCH;
    return is_self(t, pgid) ? 0 : -EPERM;
}

SYSCALL_DEFINE0(setsid) { return -EPERM; }

/* wait4/waitpid(pid, status, options[, rusage]) and waitid(which, id,
 * infop, options, rusage): the option bits are checked first, as
 * kernel_wait4 and kernel_waitid do, then there is no child to wait for. */
#define WNOHANG_    0x00000001u
#define WUNTRACED_  0x00000002u
#define WEXITED_    0x00000004u
#define WCONTINUED_ 0x00000008u
#define WNOWAIT_    0x01000000u
#define WAIT_TYPE_BITS 0xe0000000u          /* __WNOTHREAD, __WALL, __WCLONE */

SYSCALL_DEFINE4(wait4, uint32_t, upid, uint32_t, stat_addr, uint32_t, options, uint32_t, ru)
{
    if (options & ~(WNOHANG_ | WUNTRACED_ | WCONTINUED_ | WAIT_TYPE_BITS))
        return -EINVAL;
    return -ECHILD;
}

SYSCALL_DEFINE5(waitid, uint32_t, which, uint32_t, upid, uint32_t, infop, uint32_t, options, uint32_t, ru)
{
    uint32_t opt = options;
    if (opt & ~(WNOHANG_ | WNOWAIT_ | WEXITED_ | WUNTRACED_ | WCONTINUED_ | WAIT_TYPE_BITS))
        return -EINVAL;
    if (!(opt & (WEXITED_ | WUNTRACED_ | WCONTINUED_)))
        return -EINVAL;
    if (which > 3)                           /* P_ALL, P_PID, P_PGID, P_PIDFD */
        return -EINVAL;
    return -ECHILD;
}

/* prctl: the options a single process asks about.  Unknown ones are
 * EINVAL, as Linux's default case. */
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE  3
#define PR_SET_DUMPABLE  4
#define PR_SET_NAME      15
#define PR_GET_NAME      16
#define PR_CAPBSET_READ  23
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define TIMER_SLACK_NS   50000u             /* init_task's default */

static long prctl_name(struct task_struct *t, uint32_t op, uint32_t addr)
{
    char name[TASK_COMM_LEN];
    if (op == PR_GET_NAME)
        return copy_to_user(t->mm, addr, t->comm, sizeof t->comm) ? -EFAULT : 0;
    /* PR_SET_NAME: up to 15 bytes of a string, the rest cut off */
    long n = strncpy_from_user(t->mm, name, addr, sizeof name);
    if (n < 0 && n != -ENAMETOOLONG)    /* a longer name is cut, not refused */
        return -EFAULT;
    name[sizeof name - 1] = '\0';
    memset(t->comm, 0, sizeof t->comm);
    memcpy(t->comm, name, strlen(name));
    return 0;
}

SYSCALL_DEFINE5(prctl, uint32_t, option, uint32_t, arg2, uint32_t, arg3, uint32_t, arg4, uint32_t, arg5)
{
    switch (option) {
    case PR_SET_PDEATHSIG:
        if (arg2 > 64)
            return -EINVAL;
        t->pdeath_signal = arg2;
        return 0;
    case PR_GET_PDEATHSIG:
        return copy_to_user(t->mm, arg2, &t->pdeath_signal, 4) ? -EFAULT : 0;
    case PR_GET_DUMPABLE:
        return t->dumpable;
    case PR_SET_DUMPABLE:
        if (arg2 > 1)                       /* SUID_DUMP_USER at most from here */
            return -EINVAL;
        t->dumpable = arg2;
        return 0;
    case PR_SET_NAME: case PR_GET_NAME:
        return prctl_name(t, option, arg2);
    case PR_CAPBSET_READ:               /* memsim's own bounding set */
        return arg2 <= CAP_LAST_CAP ? (prctl(PR_CAPBSET_READ, (unsigned long)arg2) > 0) : -EINVAL;
    case PR_GET_TIMERSLACK:
        return t->timer_slack_ns;
    case PR_SET_TIMERSLACK:
        t->timer_slack_ns = arg2 ? arg2 : TIMER_SLACK_NS;
        return 0;
    case PR_SET_NO_NEW_PRIVS:
        if (arg2 != 1 || arg3 || arg4 || arg5)
            return -EINVAL;
        t->no_new_privs = 1;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        return arg2 || arg3 || arg4 || arg5 ? -EINVAL : (long)t->no_new_privs;
    default:
        return -EINVAL;
    }
}

/* CPU affinity on a machine of one CPU: nr_cpu_ids is 1, so the kernel's
 * cpumask is one long; the mask given must be a whole number of longs
 * covering it, and a new mask must contain CPU 0. */
SYSCALL_DEFINE3(sched_getaffinity, uint32_t, pid, uint32_t, len, uint32_t, user_mask_ptr)
{
    if (!is_self(t, pid))
        return -ESRCH;
    if (len < 4 || (len & 3))
        return -EINVAL;
    uint32_t mask = 1;
    return copy_to_user(t->mm, user_mask_ptr, &mask, sizeof mask) ? -EFAULT : 4;
}

SYSCALL_DEFINE3(sched_setaffinity, uint32_t, pid, uint32_t, len, uint32_t, user_mask_ptr)
{
    if (!is_self(t, pid))
        return -ESRCH;
    uint8_t first = 0;
    if (len && copy_from_user(t->mm, &first, user_mask_ptr, 1))
        return -EFAULT;
    return first & 1 ? 0 : -EINVAL;
}

/* getcpu(cpu, node, cache): CPU 0 of node 0. */
SYSCALL_DEFINE3(getcpu, uint32_t, cpup, uint32_t, nodep, uint32_t, unused)
{
    uint32_t zero = 0;
    if ((cpup && copy_to_user(t->mm, cpup, &zero, 4)) || (nodep && copy_to_user(t->mm, nodep, &zero, 4)))
        return -EFAULT;
    return 0;
}

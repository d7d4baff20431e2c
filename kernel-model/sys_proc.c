/*
 * sys_proc.c — the process's place among processes: process groups and
 * sessions (over signal_struct's pgrp, session, leader), waiting for
 * children (wait4, waitpid, waitid: Linux kernel/exit.c do_wait), prctl
 * and CPU affinity.
 *
 * The first process is what a job-control shell starts: the leader of its
 * own process group, in a session led by its parent, virtual init (pid 1,
 * which is no task).  Children inherit both; setpgid and setsid move them
 * with Linux's rules.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kernel-model/sys_internal.h"

#define CAP_LAST_CAP 40                 /* CAP_CHECKPOINT_RESTORE */

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

/* The task pid names (0: the caller), NULL: ESRCH. */
static struct task_struct *task_or_self(struct task_struct *t, uint32_t pid)
{
    return pid == 0 ? t : find_task_by_pid(t->k, pid);
}

/* Is some task's process group pgrp (in session sid, unless 0)? */
static int pgrp_exists(struct kernel *k, uint32_t pgrp, uint32_t sid)
{
    struct task_struct *p;
    for_each_task(k, p)
        if (p->signal->pgrp == pgrp && (!sid || p->signal->session == sid))
            return 1;
    return 0;
}

SYSCALL_DEFINE0(getpgrp) { return t->signal->pgrp; }

SYSCALL_DEFINE1(getpgid, uint32_t, pid)
{
    struct task_struct *p = task_or_self(t, pid);
    return p ? (long)p->signal->pgrp : -ESRCH;
}

SYSCALL_DEFINE1(getsid, uint32_t, pid)
{
    struct task_struct *p = task_or_self(t, pid);
    return p ? (long)p->signal->session : -ESRCH;
}

/* setpgid(pid, pgid) (kernel/sys.c): the caller or a child of it, a group
 * leader not leading a session, in the caller's session (a child that has
 * exec'd: EACCES); the group must be its own or one of that session. */
SYSCALL_DEFINE2(setpgid, uint32_t, pid, uint32_t, pgid)
{
    struct task_struct *leader = t->group_leader;
    if (!pid)
        pid = leader->tgid;
    if (!pgid)
        pgid = pid;
    if ((int32_t)pgid < 0)
        return -EINVAL;
    struct task_struct *p = find_task_by_pid(t->k, pid);
    if (!p)
        return -ESRCH;
    if (p->group_leader != p)
        return -EINVAL;
    if (p->real_parent && p->real_parent->tgid == t->tgid) {
        if (p->signal->session != leader->signal->session)
            return -EPERM;
        if (p->did_exec)
            return -EACCES;
    } else if (p != leader) {
        return -ESRCH;
    }
    if (p->signal->leader)
        return -EPERM;
    if (pgid != pid && !pgrp_exists(t->k, pgid, leader->signal->session))
        return -EPERM;
    p->signal->pgrp = pgid;
    return 0;
}

/* setsid: a new session and group named by the caller's process, unless
 * it leads one or a process group of that id exists. */
SYSCALL_DEFINE0(setsid)
{
    struct task_struct *leader = t->group_leader;
    uint32_t sid = leader->tgid;
    if (leader->signal->leader || pgrp_exists(t->k, sid, 0))
        return -EPERM;
    leader->signal->leader = 1;
    leader->signal->pgrp = leader->signal->session = sid;
    return sid;
}

/* ---- wait4, waitpid, waitid ---- */
#define WNOHANG_    0x00000001u
#define WUNTRACED_  0x00000002u
#define WEXITED_    0x00000004u
#define WCONTINUED_ 0x00000008u
#define WNOWAIT_    0x01000000u
#define WNOTHREAD_  0x20000000u
#define WALL_       0x40000000u
#define WCLONE_     0x80000000u
#define WAIT_TYPE_BITS 0xe0000000u          /* __WNOTHREAD, __WALL, __WCLONE */
#define P_ALL_  0
#define P_PID_  1
#define P_PGID_ 2
#define RUSAGE_SIZE 72u                     /* i386 struct rusage: 2 timevals, 14 longs */

enum wait_type { WAIT_ANY, WAIT_PID, WAIT_PGID };

struct wait_opts {
    enum wait_type type;
    uint32_t id;                            /* the pid or process group */
    uint32_t flags;
    int pid, status;                        /* the reaped child's, for the caller */
    struct cpu_use use;                     /* and its and its children's use (rusage) */
};

/* eligible_pid and eligible_child (__WALL: every child; else __WCLONE
 * picks the children whose exit signal is not SIGCHLD, and only those). */
static int eligible(const struct wait_opts *wo, const struct task_struct *p)
{
    if ((wo->type == WAIT_PID && p->pid != wo->id) ||
        (wo->type == WAIT_PGID && p->signal->pgrp != wo->id))
        return 0;
    if (wo->flags & WALL_)
        return 1;
    return (p->exit_signal != SIGCHLD) == !!(wo->flags & WCLONE_);
}

/* wait_task_zombie: its status; reaped unless WNOWAIT. */
static int reap_zombie(struct task_struct *t, struct wait_opts *wo, struct task_struct *p)
{
    wo->pid = (int)p->tgid;
    wo->status = task_wait_status(p);
    wo->use = thread_group_cpu_use(p);      /* getrusage(p, RUSAGE_BOTH) */
    struct cpu_use c = children_cpu_use(p);
    wo->use.exec += c.exec, wo->use.sys += c.sys, wo->use.min_flt += c.min_flt;
    if (c.maxrss_pages > wo->use.maxrss_pages)
        wo->use.maxrss_pages = c.maxrss_pages;
    if (!(wo->flags & WNOWAIT_)) {
        cputime_reap(t, p);
        release_task(p);
    }
    return 1;
}

/* A zombie among tsk's children that wo waits for: reaped (1); *any set
 * if some child matched at all. */
static int wait_children(struct wait_opts *wo, struct task_struct *tsk, int *any)
{
    struct task_struct *p;
    list_for_each_entry(p, &tsk->children, sibling) {
        if (!eligible(wo, p))
            continue;
        *any = 1;
        /* a leader whose threads live is reaped after them (delay_group_leader) */
        if ((wo->flags & WEXITED_) && p->state == EXIT_ZOMBIE && list_empty(&p->thread_group))
            return reap_zombie(tsk, wo, p);
    }
    return 0;
}

/* do_wait: the caller's children, and (unless __WNOTHREAD) those of every
 * thread of its group; ECHILD if none matches, 0 for WNOHANG, else a sleep
 * on the process's wait_chldexit (exit_notify wakes it) and a re-run. */
static long do_wait(struct task_struct *t, struct wait_opts *wo)
{
    int any = 0;
    struct task_struct *leader = t->group_leader, *th;
    if (wait_children(wo, t, &any))
        return wo->pid;
    if (!(wo->flags & WNOTHREAD_)) {
        if (leader != t && wait_children(wo, leader, &any))
            return wo->pid;
        list_for_each_entry(th, &leader->thread_group, thread_group)
            if (th != t && wait_children(wo, th, &any))
                return wo->pid;
    }
    if (!any)
        return -ECHILD;
    if (wo->flags & WNOHANG_)
        return 0;
    struct wait_queue_head *q[1] = { &t->signal->wait_chldexit };
    return task_block(t, q, 1, NULL, "wait4");
}

/* kernel_wait4(upid, stat_addr, options, ru). */
SYSCALL_DEFINE4(wait4, uint32_t, upid, uint32_t, stat_addr, uint32_t, options, uint32_t, ru)
{
    if (options & ~(WNOHANG_ | WUNTRACED_ | WCONTINUED_ | WAIT_TYPE_BITS))
        return -EINVAL;
    int32_t pid = (int32_t)upid;
    if (pid == INT32_MIN)
        return -ESRCH;
    struct wait_opts wo = { .flags = options | WEXITED_ };
    if (pid == -1)
        wo.type = WAIT_ANY;
    else if (pid < 0)
        wo.type = WAIT_PGID, wo.id = (uint32_t)-pid;
    else if (pid == 0)
        wo.type = WAIT_PGID, wo.id = t->signal->pgrp;
    else
        wo.type = WAIT_PID, wo.id = (uint32_t)pid;
    long ret = do_wait(t, &wo);
    if (ret <= 0)
        return ret;
    uint32_t rusage[RUSAGE_SIZE / 4];       /* the child's and its children's */
    rusage_fill(t, &wo.use, rusage);
    if (stat_addr && copy_to_user(t->mm, stat_addr, &wo.status, 4))
        return -EFAULT;
    if (ru && copy_to_user(t->mm, ru, rusage, sizeof rusage))
        return -EFAULT;
    return ret;
}

/* waitid's siginfo: signo, errno, code, pid, uid, status (all 0 when
 * WNOHANG found nothing), in the fields i386's siginfo has them. */
static long put_waitid_info(struct task_struct *t, uint32_t infop, const struct wait_opts *wo,
                            long ret)
{
    uint32_t si[6] = { 0 };
    if (ret > 0) {
        int s = wo->status;
        si[0] = SIGCHLD;
        si[2] = (s & 0x7f) == 0 ? KCLD_EXITED : s & 0x80 ? KCLD_DUMPED : KCLD_KILLED;
        si[3] = (uint32_t)wo->pid;
        si[4] = (uint32_t)getuid();
        si[5] = (s & 0x7f) == 0 ? (uint32_t)(s >> 8) & 0xff : (uint32_t)s & 0x7f;
    }
    return infop && copy_to_user(t->mm, infop, si, sizeof si) ? -EFAULT : 0;
}

SYSCALL_DEFINE5(waitid, uint32_t, which, uint32_t, upid, uint32_t, infop, uint32_t, options, uint32_t, ru)
{
    uint32_t opt = options;
    if (opt & ~(WNOHANG_ | WNOWAIT_ | WEXITED_ | WUNTRACED_ | WCONTINUED_ | WAIT_TYPE_BITS))
        return -EINVAL;
    if (!(opt & (WEXITED_ | WUNTRACED_ | WCONTINUED_)))
        return -EINVAL;
    struct wait_opts wo = { .flags = opt };
    switch (which) {
    case P_ALL_:
        wo.type = WAIT_ANY;
        break;
    case P_PID_:
        if ((int32_t)upid <= 0)
            return -EINVAL;
        wo.type = WAIT_PID, wo.id = upid;
        break;
    case P_PGID_:
        if ((int32_t)upid < 0)
            return -EINVAL;
        wo.type = WAIT_PGID, wo.id = upid ? upid : t->signal->pgrp;
        break;
    case 3:                                 /* P_PIDFD: no pidfd names a child here */
        return -ECHILD;
    default:
        return -EINVAL;
    }
    long ret = do_wait(t, &wo);
    if (ret < 0)
        return ret;
    uint32_t rusage[RUSAGE_SIZE / 4];       /* zeros when WNOHANG found nothing */
    rusage_fill(t, &wo.use, rusage);
    if (ru && copy_to_user(t->mm, ru, rusage, sizeof rusage))
        return -EFAULT;
    return put_waitid_info(t, infop, &wo, ret);
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

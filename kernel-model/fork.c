/*
 * fork.c — making a task (Linux kernel/fork.c): copy_process and the
 * fork, vfork, clone and clone3 system calls.
 *
 * The child starts as a copy of its parent (dup_task_struct) from which
 * what is per task is then reset, and each piece of per-process state is
 * shared or copied as the clone flags say: the mm (CLONE_VM shares it,
 * else dup_mm copies it), the descriptor table (CLONE_FILES), the signal
 * actions (CLONE_SIGHAND), the signal_struct and tgid (CLONE_THREAD).
 * Not modelled yet, and so refused or approximated as said at each place:
 * namespaces and pidfds (EINVAL); the LDT is per task here (per mm in
 * Linux): a child gets a copy of its parent's (ldt_dup), a thread too, so
 * a thread's later modify_ldt is its own.  CLONE_FS shares the fs_struct
 * (cwd, umask); the --root descriptor is the run's, dup'ed per task.
 *
 * The child returns from the same system call with ax 0 (its pt_regs are
 * the parent's at the call); the engine makes its CPU in fork_arch.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/sys_internal.h"

#define CSIGNAL              0x000000ffu
#define CLONE_VM             0x00000100u
#define CLONE_FS             0x00000200u
#define CLONE_FILES          0x00000400u
#define CLONE_SIGHAND        0x00000800u
#define CLONE_PIDFD          0x00001000u
#define CLONE_VFORK          0x00004000u
#define CLONE_PARENT         0x00008000u
#define CLONE_THREAD         0x00010000u
#define CLONE_NEWNS          0x00020000u
#define CLONE_SETTLS         0x00080000u
#define CLONE_PARENT_SETTID  0x00100000u
#define CLONE_CHILD_CLEARTID 0x00200000u
#define CLONE_CHILD_SETTID   0x01000000u
#define CLONE_NEWCGROUP      0x02000000u
#define CLONE_NEWUTS         0x04000000u
#define CLONE_NEWIPC         0x08000000u
#define CLONE_NEWUSER        0x10000000u
#define CLONE_NEWPID         0x20000000u
#define CLONE_NEWNET         0x40000000u
#define CLONE_NAMESPACES (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
                          CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define CAP_SYS_ADMIN_    21
#define CAP_SYS_RESOURCE_ 24

/* copy_process's first checks: the combinations Linux refuses, then what
 * the model does not have (namespaces, pidfds). */
static long clone_flags_check(uint32_t flags)
{
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if (flags & (CLONE_NAMESPACES | CLONE_PIDFD))
        return -EINVAL;                 /* not modelled */
    return 0;
}

/* max_threads (--max-tasks) and RLIMIT_NPROC, which counts every task of
 * the user (all of them here: one uid); root and CAP_SYS_RESOURCE or
 * CAP_SYS_ADMIN pass the rlimit as in Linux. */
static long task_limits(const struct task_struct *parent)
{
    const struct kernel *k = parent->k;
    if (k->max_tasks && k->nr_tasks >= k->max_tasks)
        return -EAGAIN;
    if (parent->mm && k->nr_tasks >= parent->mm->rlim[RLIMIT_NPROC_].rlim_cur &&
        getuid() != 0 && !task_capable(CAP_SYS_RESOURCE_) && !task_capable(CAP_SYS_ADMIN_))
        return -EAGAIN;
    return 0;
}

/* The parent's task_struct copied, what is per task reset (Linux:
 * dup_task_struct and the resets at the top of copy_process). */
static struct task_struct *dup_task_struct(const struct task_struct *parent, uint32_t flags)
{
    struct task_struct *p = malloc(sizeof *p);
    if (!p)
        return NULL;
    memcpy(p, parent, sizeof *p);
    memset(p->kobj, 0, sizeof p->kobj);
    task_init_links(p);
    p->state = TASK_RUNNING;
    p->real_parent = p->parent = NULL;
    p->exit_code = 0;
    p->forked = 1;
    p->released = p->did_exec = p->need_resched = p->quantum_expired = 0;
    p->event_cause = 0;                 /* ret_from_fork: in no call of its own */
    memset(&p->restart, 0, sizeof p->restart);
    p->waits = NULL;
    p->nr_waits = p->waits_cap = 0;
    memset(&p->futex_q, 0, sizeof p->futex_q);
    memset(&p->cputime, 0, sizeof p->cputime);   /* charged from its first switch-in */
    p->vfork_parent = NULL;
    p->exit_status = 0;
    p->exit_reason = NULL;
    p->report[0] = 0;
    p->mm = NULL;
    p->files = NULL;
    p->fs = NULL;
    p->root_fd = -1;
    p->exe_guest_path = parent->exe_guest_path ? strdup(parent->exe_guest_path) : NULL;
    p->exec_args = parent->exec_args ? strdup(parent->exec_args) : NULL;
    p->sighand = NULL;
    p->signal = NULL;
    /* pending signals are the parent's alone; the mask is inherited */
    memset(&p->sig.pending, 0, sizeof p->sig.pending);
    memset(&p->sig.shared, 0, sizeof p->sig.shared);
    p->sig.restore_mask = 0;
    if ((flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM)   /* sas_ss_reset: a new thread's stack */
        p->sig.altstack = (struct sig_altstack){ .flags = SS_DISABLE_NR };
    p->ldt = p->ldt_obj = 0;            /* copy_process copies it (ldt_dup) */
    p->robust_list = 0;
    if (flags & CLONE_VM)               /* rseq_fork: a new thread registers its own */
        p->rseq_addr = p->rseq_len = p->rseq_sig = 0;
    p->pdeath_signal = 0;
    p->pipe_written = 0;
    p->arch = NULL;
    p->clear_child_tid = p->set_child_tid = 0;
    return p;
}

/* What copy_process made before it failed, undone. */
static void free_unstarted(struct task_struct *p)
{
    fs_struct_put(p->fs);
    if (p->ldt)
        ldt_free(p);
    files_put(p->files);
    if (p->root_fd >= 0)
        close(p->root_fd);
    mmput(p->mm);
    put_signal_struct(p->signal);
    put_sighand(p->sighand);
    free(p->exe_guest_path);
    free(p->exec_args);
    free(p);
}

/* copy_files, copy_fs, copy_sighand, copy_signal, copy_mm. */
static long copy_resources(struct task_struct *p, const struct task_struct *parent, uint32_t flags)
{
    p->files = flags & CLONE_FILES ? files_get(parent->files) : files_dup(parent->files);
    if (!p->files)
        return -ENOMEM;
    p->fs = flags & CLONE_FS ? fs_struct_get(parent->fs) : fs_struct_copy(parent->fs);
    if (!p->fs)
        return -ENOMEM;
    if (parent->root_fd >= 0 && (p->root_fd = dup(parent->root_fd)) < 0)
        return -ENOMEM;
    if (flags & CLONE_SIGHAND) {
        p->sighand = parent->sighand;
        p->sighand->refs++;
    } else if (!(p->sighand = sighand_alloc(parent->sighand))) {
        return -ENOMEM;
    }
    if (flags & CLONE_THREAD) {
        p->signal = parent->signal;
        p->signal->refs++;
    } else if (!(p->signal = signal_struct_alloc(parent->signal->pgrp, parent->signal->session))) {
        return -ENOMEM;                 /* a new one: no itimers, one thread */
    }
    p->signal->nr_threads++;
    if (!parent->mm)
        return 0;
    if (flags & CLONE_VM) {
        p->mm = parent->mm;
        p->mm->mm_users++;
        return 0;
    }
    p->mm = dup_mm(parent->mm, p->pid);
    return p->mm ? 0 : -ENOMEM;
}

/* copy_thread: the registers of the return to user mode, the TLS entry
 * CLONE_SETTLS gives (i386: a struct user_desc, as set_thread_area reads
 * it but without allocating an entry), the tid words. */
static long copy_thread(struct task_struct *p, struct task_struct *parent, uint32_t flags,
                        uint32_t newsp, uint32_t child_tidptr, uint32_t tls)
{
    struct pt_regs *regs = task_pt_regs(p);
    regs->ax = 0;
    if (newsp)
        regs->sp = newsp;
    if (flags & CLONE_SETTLS) {
        uint32_t entry;
        uint8_t d[8];
        long err = thread_area_desc(parent, tls, &entry, d);
        if (err)
            return err;
        memcpy(p->tls_array[entry - GDT_ENTRY_TLS_MIN], d, 8);
    }
    if (flags & CLONE_CHILD_CLEARTID)
        p->clear_child_tid = child_tidptr;
    /* written in the child's memory when it first runs (context_switch) */
    p->set_child_tid = flags & CLONE_CHILD_SETTID ? child_tidptr : 0;
    return 0;
}

/* The family: a thread's parent is its creator's, CLONE_PARENT's too. */
static void link_child(struct task_struct *p, struct task_struct *parent, uint32_t flags,
                       int exit_signal)
{
    if (flags & (CLONE_PARENT | CLONE_THREAD)) {
        p->real_parent = parent->real_parent;
        p->exit_signal = flags & CLONE_THREAD ? -1 : parent->group_leader->exit_signal;
    } else {
        p->real_parent = parent;
        p->exit_signal = exit_signal;
    }
    p->parent = p->real_parent;
    p->ppid = p->real_parent ? p->real_parent->tgid : VIRTUAL_INIT_PID;
    if (flags & CLONE_THREAD) {
        p->group_leader = parent->group_leader;
        p->tgid = parent->tgid;
        list_add_tail(&p->thread_group, &p->group_leader->thread_group);
    } else {
        p->group_leader = p;
        p->tgid = p->pid;
        if (p->real_parent)
            list_add_tail(&p->sibling, &p->real_parent->children);
    }
}

struct task_struct *copy_process(struct task_struct *parent, uint32_t flags, uint32_t newsp,
                                 uint32_t parent_tidptr, uint32_t child_tidptr, uint32_t tls,
                                 long *err)
{
    (void)parent_tidptr;                /* kernel_clone writes it */
    struct kernel *k = parent->k;
    long e = clone_flags_check(flags);
    if (!e)
        e = task_limits(parent);
    if (e) {
        *err = e;
        return NULL;
    }
    struct task_struct *p = dup_task_struct(parent, flags);
    if (!p) {
        *err = -ENOMEM;
        return NULL;
    }
    p->pid = p->tgid = alloc_pid(k);
    e = !p->pid ? -EAGAIN : copy_resources(p, parent, flags);
    if (!e)
        e = ldt_dup(p, parent);
    if (!e)
        e = copy_thread(p, parent, flags, newsp, child_tidptr, tls);
    if (!e && k->arch.fork_arch && k->arch.fork_arch(k->arch.ctx, parent, p))
        e = -ENOMEM;
    if (e) {
        if (p->signal)
            p->signal->nr_threads--;
        free_unstarted(p);
        *err = e;
        return NULL;
    }
    link_child(p, parent, flags, (int)(flags & CSIGNAL));
    wake_up_new_task(p);
    return p;
}

void vfork_release(struct task_struct *t)
{
    struct task_struct *parent = t->vfork_parent;
    if (!parent)
        return;
    t->vfork_parent = NULL;
    if (parent->state == TASK_UNINTERRUPTIBLE)
        wake_up_process(parent);
}

/* The vfork parent's wait (wait_for_vfork_done), TASK_UNINTERRUPTIBLE:
 * only SIGKILL ends it (Linux: TASK_KILLABLE; the call still returns the
 * pid, the signal kills on the way out).  Through the blocking protocol,
 * but not task_block, whose waits any signal interrupts: the parent sleeps
 * on no queue, its child wakes it (vfork_release), and each re-run of the
 * call comes here (restart.progress is the child's pid) until the child
 * let go. */
static long vfork_wait(struct task_struct *t)
{
    uint32_t nr = (uint32_t)t->restart.progress;
    struct task_struct *c = find_task_by_pid(t->k, nr);
    if (!c || c->vfork_parent != t)
        return nr;
    if (signal_pending_set(&t->sig) & sigmask_of(SIGKILL)) {
        c->vfork_parent = NULL;         /* the child goes on alone */
        return nr;
    }
    struct restart_block *rb = &t->restart;
    rb->has_deadline = rb->timed_out = 0;
    rb->what = "vfork";
    t->state = TASK_UNINTERRUPTIBLE;
    sched_dequeue(t);
    return -ERESTART_BLOCK;
}

/* kernel_clone: the child (its handlers reset for clone3's
 * CLONE_CLEAR_SIGHAND), then the parent's side (its tid word, vfork). */
static long kernel_clone(struct task_struct *t, uint32_t flags, uint32_t newsp,
                         uint32_t parent_tidptr, uint32_t child_tidptr, uint32_t tls,
                         int clear_sighand)
{
    if (t->restart.active)              /* a vfork parent's re-run */
        return vfork_wait(t);
    long err;
    struct task_struct *p = copy_process(t, flags, newsp, parent_tidptr, child_tidptr, tls, &err);
    if (!p)
        return err;
    if (clear_sighand)                  /* its own copy (no CLONE_SIGHAND): nothing to */
        (void)flush_signal_handlers(p); /* unshare, so nothing can fail */
    if ((flags & CLONE_PARENT_SETTID) && t->mm)
        (void)copy_to_user(t->mm, parent_tidptr, &p->pid, 4);
    if (!(flags & CLONE_VFORK))
        return p->pid;
    p->vfork_parent = t;
    t->restart.progress = p->pid;
    return vfork_wait(t);
}

SYSCALL_DEFINE0(fork)
{
    return kernel_clone(t, SIGCHLD, 0, 0, 0, 0, 0);
}

SYSCALL_DEFINE0(vfork)
{
    return kernel_clone(t, CLONE_VFORK | CLONE_VM | SIGCHLD, 0, 0, 0, 0, 0);
}

/* i386's CONFIG_CLONE_BACKWARDS order: flags, newsp, parent_tidptr, tls,
 * child_tidptr. */
SYSCALL_DEFINE5(clone, uint32_t, flags, uint32_t, newsp, uint32_t, parent_tidptr,
                uint32_t, tls, uint32_t, child_tidptr)
{
    return kernel_clone(t, flags, newsp, parent_tidptr, child_tidptr, tls, 0);
}

/* struct clone_args (include/uapi/linux/sched.h): every field a __u64. */
enum { CA_FLAGS, CA_PIDFD, CA_CHILD_TID, CA_PARENT_TID, CA_EXIT_SIGNAL, CA_STACK,
       CA_STACK_SIZE, CA_TLS, CA_SET_TID, CA_SET_TID_SIZE, CA_CGROUP, CA_WORDS };
#define CLONE_ARGS_SIZE_VER0 64u
#define CLONE_CLEAR_SIGHAND  0x100000000ull
#define CLONE_INTO_CGROUP    0x200000000ull
#define CLONE_DETACHED       0x00400000u
#define CLONE_NEWTIME        0x00000080u

/* copy_clone_args_from_user: the struct of `size` bytes (a newer, larger
 * one only if its tail is zero: copy_struct_from_user's E2BIG). */
static long clone3_args(struct task_struct *t, uint32_t uargs, uint32_t size, uint64_t *a)
{
    memset(a, 0, CA_WORDS * 8);
    if (size > PAGE_SIZE)
        return -E2BIG;
    if (size < CLONE_ARGS_SIZE_VER0)
        return -EINVAL;
    uint32_t known = size < CA_WORDS * 8 ? size : CA_WORDS * 8;
    if (copy_from_user(t->mm, a, uargs, known))
        return -EFAULT;
    for (uint32_t off = known; off < size; off++) {
        uint8_t byte;
        if (copy_from_user(t->mm, &byte, uargs + off, 1))
            return -EFAULT;
        if (byte)
            return -E2BIG;
    }
    if (a[CA_SET_TID_SIZE] > 32 || (!a[CA_SET_TID] && a[CA_SET_TID_SIZE]) ||
        (a[CA_SET_TID] && !a[CA_SET_TID_SIZE]))
        return -EINVAL;
    if ((a[CA_EXIT_SIGNAL] & ~(uint64_t)CSIGNAL) || a[CA_EXIT_SIGNAL] > NSIG_MODEL)
        return -EINVAL;
    return 0;
}

/* clone3_args_valid and clone3_stack_valid: the flags clone3 takes, and a
 * stack given as base and size (the stack grows down from base + size). */
static long clone3_valid(const struct task_struct *t, const uint64_t *a)
{
    uint64_t flags = a[CA_FLAGS];
    if (flags & ~(0xffffffffull | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
        return -EINVAL;
    if (flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
        return -EINVAL;
    if ((flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) == (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
        return -EINVAL;
    if ((flags & (CLONE_THREAD | CLONE_PARENT)) && a[CA_EXIT_SIGNAL])
        return -EINVAL;
    if (!a[CA_STACK] ? a[CA_STACK_SIZE] != 0
                     : !a[CA_STACK_SIZE] || a[CA_STACK] > TASK_SIZE ||
                       a[CA_STACK_SIZE] > TASK_SIZE - a[CA_STACK])
        return -EINVAL;                 /* access_ok(stack, stack_size), without wrapping */
    if (flags & CLONE_NEWTIME)
        return -EINVAL;                 /* a time namespace: not modelled, as the others */
    if ((flags & CLONE_INTO_CGROUP) || a[CA_SET_TID])
        return -EINVAL;                 /* cgroups and set_tid (pid namespaces): not modelled */
    (void)t;
    return 0;
}

/* clone3: the clone_args struct instead of registers, the exit signal its
 * own field, the stack as base and size; glibc 2.34+ tries it first for
 * threads and posix_spawn.  The child's handlers reset with
 * CLONE_CLEAR_SIGHAND (flush_signal_handlers, as Linux's copy_process). */
SYSCALL_DEFINE2(clone3, uint32_t, uargs, uint32_t, size)
{
    uint64_t a[CA_WORDS];
    long r = clone3_args(t, uargs, size, a);
    if (r || (r = clone3_valid(t, a)))
        return r;
    uint32_t flags = (uint32_t)a[CA_FLAGS] | (uint32_t)a[CA_EXIT_SIGNAL];
    uint32_t sp = a[CA_STACK] ? (uint32_t)(a[CA_STACK] + a[CA_STACK_SIZE]) : 0;
    if (a[CA_PIDFD] >> 32 || a[CA_CHILD_TID] >> 32 || a[CA_PARENT_TID] >> 32 || a[CA_TLS] >> 32)
        return -EFAULT;                 /* not a 32-bit task's address */
    return kernel_clone(t, flags, sp, (uint32_t)a[CA_PARENT_TID], (uint32_t)a[CA_CHILD_TID],
                        (uint32_t)a[CA_TLS], (a[CA_FLAGS] & CLONE_CLEAR_SIGHAND) != 0);
}

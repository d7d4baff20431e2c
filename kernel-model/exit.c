/*
 * exit.c — how a task ends (Linux kernel/exit.c): do_exit's tail after
 * EV_PROCESS_EXIT (exit_task), the thread group's end (zap_other_threads),
 * exit_notify's reparenting and SIGCHLD, and release_task.
 *
 * What a dying task leaves to others (its tid word, robust futexes, files,
 * its mm) is given back only when some other task can see it: a single
 * task's death (the one task of a run) does exactly what it always did,
 * the run's end freeing the rest (task_free), so its trace is unchanged.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "kernel-model/futex.h"
#include "kernel-model/sys_internal.h"

#define ROBUST_LIST_LIMIT 2048u
#define FUTEX_WAITERS     0x80000000u
#define FUTEX_OWNER_DIED  0x40000000u
#define FUTEX_TID_MASK    0x3fffffffu
#define SA_NOCLDWAIT_     0x00000002u
#define SIG_IGN_H         1u

static int thread_group_leader(const struct task_struct *t) { return t->group_leader == t; }
static int thread_group_empty(const struct task_struct *t)
{
    return list_empty(&t->group_leader->thread_group);
}

/* Does any other task share what t leaves behind (or is t a forked one,
 * whose leftovers nobody else frees early)? */
static int others_see(struct task_struct *t)
{
    return t->forked || !task_alone(t);
}

static void wake_futex(struct task_struct *t, uint32_t uaddr)
{
    struct futex_key key = { t->mm, uaddr };
    futex_wake(&t->k->futex, &key, 1, UINT32_MAX);
}

/* handle_futex_death: a futex t still owns gets OWNER_DIED (and its
 * waiters bit), one waiter woken; a pending lock nobody owns wakes one. */
static void handle_futex_death(struct task_struct *t, uint32_t uaddr, int pi, int pending)
{
    uint32_t uval;
    if ((uaddr & 3) || copy_from_user(t->mm, &uval, uaddr, 4))
        return;
    uint32_t owner = uval & FUTEX_TID_MASK;
    if (pending && !pi && !owner) {
        wake_futex(t, uaddr);
        return;
    }
    if (owner != t->pid)
        return;
    uint32_t mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (copy_to_user(t->mm, uaddr, &mval, 4))
        return;
    if (!pi && (uval & FUTEX_WAITERS))
        wake_futex(t, uaddr);
}

/* exit_robust_list: {next, futex_offset, list_op_pending}, entries with
 * the PI flag in bit 0, at most ROBUST_LIST_LIMIT of them. */
static void exit_robust_list(struct task_struct *t)
{
    uint32_t head[3], limit = ROBUST_LIST_LIMIT;
    if (copy_from_user(t->mm, head, t->robust_list, sizeof head))
        return;
    uint32_t entry = head[0], pending = head[2] & ~1u, off = head[1];
    while ((entry & ~1u) != t->robust_list) {
        uint32_t next, e = entry & ~1u;
        if (copy_from_user(t->mm, &next, e, 4))
            return;
        if (e != pending)
            handle_futex_death(t, e + off, entry & 1, 0);
        entry = next;
        if (!--limit)
            break;
    }
    if (pending)
        handle_futex_death(t, pending + off, head[2] & 1, 1);
}

/* mm_release: the robust list, then CLONE_CHILD_CLEARTID's word — 0 and a
 * futex wake, when another user of the mm can be waiting on it.  User
 * memory is reached through the loaded mm: a task killed while another
 * mm is loaded (a deadlock's victims) skips this; nobody is left to wake. */
static void exit_mm_release(struct task_struct *t)
{
    struct task_struct *cur = t->k->current;
    if (!t->mm || !others_see(t) || (cur && cur->mm != t->mm))
        return;
    if (t->robust_list)
        exit_robust_list(t);
    t->robust_list = 0;
    if (t->clear_child_tid && t->mm->mm_users > 1) {
        uint32_t zero = 0;
        if (!copy_to_user(t->mm, t->clear_child_tid, &zero, 4))
            wake_futex(t, t->clear_child_tid);
    }
    t->clear_child_tid = 0;
}

/* The parent a task's children get when it dies (find_new_reaper): a live
 * thread of its group, else the first process if alive, else virtual
 * init (NULL), which reaps at once. */
static struct task_struct *find_new_reaper(struct task_struct *t)
{
    struct task_struct *th, *leader = t->group_leader;
    if (leader != t && !task_dead(leader))
        return leader;
    list_for_each_entry(th, &leader->thread_group, thread_group)
        if (th != t && !task_dead(th))
            return th;
    struct task_struct *r = t->k->child_reaper;
    return r && r->tgid != t->tgid && !task_dead(r) ? r : NULL;
}

/* The SIGCHLD siginfo of a dead child (its wait status word decoded). */
static void child_siginfo(const struct task_struct *p, int status, struct ksiginfo *info)
{
    *info = (struct ksiginfo){ .signo = SIGCHLD, .pid = p->tgid, .uid = (uint32_t)getuid() };
    if ((status & 0x7f) == 0) {
        info->code = KCLD_EXITED;
        info->status = (status >> 8) & 0xff;
    } else {
        info->code = status & 0x80 ? KCLD_DUMPED : KCLD_KILLED;
        info->status = status & 0x7f;
    }
}

/* The status word wait reports: the group's when it exited as a group. */
int task_wait_status(const struct task_struct *p)
{
    return p->signal->group_exit ? p->signal->group_exit_code : p->exit_code;
}

/* do_notify_parent: tell tsk's parent it died (sig, normally SIGCHLD) and
 * wake its waiters; 1 when nobody will wait (the parent ignores SIGCHLD
 * or has SA_NOCLDWAIT, or it is virtual init): reap at once. */
static int do_notify_parent(struct task_struct *tsk, int sig)
{
    struct task_struct *parent = tsk->parent;
    if (!parent)
        return 1;
    int autoreap = 0;
    const struct sigaction_rec *ka = &parent->sighand->action[SIGCHLD];
    if (sig == SIGCHLD && (ka->handler == SIG_IGN_H || (ka->flags & SA_NOCLDWAIT_))) {
        autoreap = 1;
        if (ka->handler == SIG_IGN_H)
            sig = 0;
    }
    if (sig > 0 && sig <= 64) {
        struct ksiginfo info;
        child_siginfo(tsk, task_wait_status(tsk), &info);
        info.signo = sig;
        send_signal_info(tsk, parent, &info, SIG_TO_PROCESS);
    }
    wake_up(&parent->signal->wait_chldexit);
    return autoreap;
}

/* Give every child of t a new parent; a zombie among them is reported to
 * it (or reaped, by virtual init or a parent that ignores SIGCHLD). */
static void forget_original_parent(struct task_struct *t)
{
    struct task_struct *reaper = find_new_reaper(t), *c, *n;
    list_for_each_entry_safe(c, n, &t->children, sibling) {
        struct task_struct *th;
        c->real_parent = c->parent = reaper;
        c->ppid = reaper ? reaper->tgid : VIRTUAL_INIT_PID;
        list_for_each_entry(th, &c->thread_group, thread_group) {
            th->real_parent = th->parent = reaper;
            th->ppid = c->ppid;
        }
        list_del_init(&c->sibling);
        if (reaper)
            list_add_tail(&c->sibling, &reaper->children);
        if (c->pdeath_signal && !task_dead(c)) {
            struct ksiginfo info = { .signo = (int32_t)c->pdeath_signal, .code = KSI_KERNEL };
            send_signal_info(t, c, &info, SIG_TO_PROCESS);
        }
        if (c->state == EXIT_ZOMBIE && thread_group_empty(c) &&
            do_notify_parent(c, c->exit_signal))
            release_task(c);
    }
}

/* exit_notify: children reparented, then t is a zombie for its parent to
 * reap, or released now.  A group leader whose threads still live stays
 * a zombie unannounced until the last of them is released. */
static void exit_notify(struct task_struct *t)
{
    forget_original_parent(t);
    int autoreap;
    if (!thread_group_leader(t))
        autoreap = 1;
    else if (thread_group_empty(t))
        autoreap = do_notify_parent(t, t->exit_signal);
    else
        autoreap = 0;
    t->state = autoreap ? TASK_DEAD : EXIT_ZOMBIE;
    if (autoreap)
        release_task(t);
}

void exit_task(struct task_struct *t)
{
    sched_task_exit(t);
    futex_unqueue(&t->k->futex, &t->futex_q);
    t->signal->nr_threads--;
    vfork_release(t);
    exit_mm_release(t);
    if (others_see(t)) {
        if (t->k->external.close_files)     /* a replay: the files are the host's */
            t->k->external.close_files(t->k->external.ctx, t);
        fd_table_close(t);              /* exit_files, exit_fs: pipes see their EOF */
    }
    if (t->forked) {                    /* exit_mm (the first task's goes with task_free) */
        mmput(t->mm);
        t->mm = NULL;
    }
    exit_notify(t);
}

void zap_other_threads(struct task_struct *t)
{
    struct task_struct *leader = t->group_leader, *th, *n;
    int code = t->signal->group_exit_code;
    if (leader != t && !task_dead(leader))
        task_exit_group_member(leader, code, t->report);
    list_for_each_entry_safe(th, n, &leader->thread_group, thread_group)
        if (th != t && !task_dead(th))
            task_exit_group_member(th, code, t->report);
}

void release_task(struct task_struct *t)
{
    struct task_struct *leader = t->group_leader;
    cputime_thread_gone(t);
    t->state = TASK_DEAD;
    list_del_init(&t->sibling);
    list_del_init(&t->thread_group);
    /* the last thread gone: a zombie leader is announced now */
    if (leader != t && leader->state == EXIT_ZOMBIE && thread_group_empty(leader) &&
        do_notify_parent(leader, leader->exit_signal))
        release_task(leader);
    if (!t->forked)
        return;                         /* its creator's to free */
    if (t->k->current == t) {
        t->released = 1;                /* freed at the switch away from it */
        return;
    }
    task_free(t);
}

void kernel_release_tasks(struct kernel *k, struct task_struct *keep)
{
    struct task_struct *t, *n;
    list_for_each_entry_safe(t, n, &k->tasks, tasks)
        if (t != keep)
            task_free(t);
}

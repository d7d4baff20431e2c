/*
 * task.c — the life of a task: creation, the ways it dies, and release.
 *
 * A task dies once: the first cause (exit_group, a fatal signal, OOM, a
 * deadlock) is the one its exit_* fields report.  Death tells the engine
 * through the kernel's arch ops, so the CPU stops running a dead task; the
 * engine reads t->exit_* to finish the run.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/hostfs_write.h"
#include "kernel-model/procfs.h"
#include "kernel-model/sys_internal.h"

void task_set_comm(struct task_struct *t, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    memset(t->comm, 0, sizeof t->comm);
    strncpy(t->comm, base, sizeof t->comm - 1);
}

/* The caches of enum task_kobj, in copy_process's order (dup_task_struct,
 * copy_creds, copy_files, copy_fs, copy_sighand, copy_signal). */
static struct kmem_cache *task_kobj_cache(struct kernel *k, enum task_kobj i)
{
    struct slab_caches *sc = &k->slab;
    struct kmem_cache *c[NR_TASK_KOBJ] = {
        sc->task_struct_cachep, sc->cred_jar, sc->files_cachep,
        sc->fs_cachep, sc->sighand_cachep, sc->signal_cachep,
    };
    return c[i];
}

static void task_kobj_alloc(struct task_struct *t)
{
    for (int i = 0; i < NR_TASK_KOBJ; i++)
        t->kobj[i] = kmem_cache_alloc(&t->k->slab, task_kobj_cache(t->k, (enum task_kobj)i));
}

/* In reverse: the task_struct last, as free_task after release_task. */
static void task_kobj_free(struct task_struct *t)
{
    for (int i = NR_TASK_KOBJ - 1; i >= 0; i--)
        kmem_cache_free(&t->k->slab, task_kobj_cache(t->k, (enum task_kobj)i), t->kobj[i]);
}

struct signal_struct *signal_struct_alloc(uint32_t pgrp, uint32_t session)
{
    struct signal_struct *sig = calloc(1, sizeof *sig);
    if (sig) {
        sig->refs = 1;
        sig->pgrp = pgrp;
        sig->session = session;
        init_waitqueue_head(&sig->wait_chldexit);
    }
    return sig;
}

void put_signal_struct(struct signal_struct *sig)
{
    if (sig && --sig->refs == 0)
        free(sig);
}

struct sighand_struct *sighand_alloc(const struct sighand_struct *from)
{
    struct sighand_struct *sh = calloc(1, sizeof *sh);
    if (sh && from)
        memcpy(sh->action, from->action, sizeof sh->action);
    if (sh)
        sh->refs = 1;
    return sh;
}

void put_sighand(struct sighand_struct *sh)
{
    if (sh && --sh->refs == 0)
        free(sh);
}

/* The links of a task on no list yet: its own group's leader. */
void task_init_links(struct task_struct *t)
{
    INIT_LIST_HEAD(&t->tasks);
    INIT_LIST_HEAD(&t->run_list);
    INIT_LIST_HEAD(&t->children);
    INIT_LIST_HEAD(&t->sibling);
    INIT_LIST_HEAD(&t->thread_group);
    t->group_leader = t;
}

struct task_struct *task_alloc(struct kernel *k, uint32_t pid, const char *path)
{
    struct task_struct *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->files = files_alloc();
    /* the leader of its own process group, in the session of its parent
     * (what a job-control shell makes), virtual init */
    t->signal = signal_struct_alloc(pid, VIRTUAL_INIT_PID);
    t->sighand = sighand_alloc(NULL);
    t->fs = fs_struct_alloc();
    if (!t->files || !t->signal || !t->sighand || !t->fs) {
        fs_struct_put(t->fs);
        files_put(t->files);
        put_signal_struct(t->signal);
        put_sighand(t->sighand);
        free(t);
        return NULL;
    }
    t->k = k;
    t->pid = t->tgid = pid;
    t->ppid = VIRTUAL_INIT_PID;             /* init: nobody waits for the guest */
    t->state = TASK_RUNNING;
    t->exit_signal = SIGCHLD;
    t->signal->nr_threads = 1;
    task_init_links(t);
    t->root_fd = -1;
    t->dumpable = 1;
    t->timer_slack_ns = 50000;              /* init_task's timer slack */
    task_set_comm(t, path);
    fd_table_init(t, 0);                    /* empty: no stdio yet */
    return t;
}

void task_free(struct task_struct *t)
{
    if (!t)
        return;
    if (t->forked && t->k->arch.free_task)  /* the engine's context of a forked task */
        t->k->arch.free_task(t->k->arch.ctx, t);
    sched_remove_task(t);
    fd_table_close(t);
    if (t->root_fd >= 0)
        close(t->root_fd);
    mmput(t->mm);
    ldt_free(t);
    task_kobj_free(t);
    put_signal_struct(t->signal);
    put_sighand(t->sighand);
    free(t->waits);
    free(t->exe_guest_path);
    free(t->exec_args);
    free(t);
}

int task_set_exec_args(struct task_struct *t, char *const *argv, int argc)
{
    size_t len = 1;
    int n = 0;
    for (; argv && (argc < 0 ? argv[n] != NULL : n < argc); n++)
        len += strlen(argv[n]) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return -ENOMEM;
    *p = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(argv[i]);
        if (i)
            *p++ = ' ';
        memcpy(p, argv[i], l + 1);
        p += l;
    }
    free(t->exec_args);
    t->exec_args = s;
    return 0;
}

/* EV_PROCESS_START / EV_PROCESS_EXIT: the bounds of the task's events;
 * an exit also carries what processes keeps of the process's life (its
 * exec's argv and program, the peak RSS of its mm). */
static void emit_process(struct task_struct *t, enum event_type type)
{
    struct event ev = { .type = type };
    task_event_ids(t, &ev);
    ev.u.proc = (struct process_event){ .comm = t->comm, .ppid = t->ppid,
                                        .status = t->exit_status,
                                        .reason = type == EV_PROCESS_EXIT ? t->exit_reason : NULL };
    if (type == EV_PROCESS_EXIT) {
        ev.u.proc.args = t->exec_args;
        ev.u.proc.exe = t->exe_guest_path;
        ev.u.proc.peak_rss = t->mm ? get_mm_hiwater_rss(t->mm) : 0;
    }
    event_emit(t->k->events, &ev);
}

/* The task's slab objects are made here rather than in task_alloc: emu
 * creates the task before the kernel boots (its stdio comes first), so
 * this is the first point where both a run and a replay have caches.
 * After EV_PROCESS_START, which stays the first event of the task's life
 * (what precedes it in a trace is the boot). */
void wake_up_new_task(struct task_struct *t)
{
    t->start_cycles = t->k->clock.cycles ? *t->k->clock.cycles : 0;
    emit_process(t, EV_PROCESS_START);
    task_kobj_alloc(t);
    sched_add_task(t);
}

/* sig_kernel_coredump: the signals whose default action dumps core. */
static int sig_dumps_core(int sig)
{
    switch (sig) {
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
        return 1;
    default:
        return 0;
    }
}

/* The wait status word of a death by sig: | 0x80 where Linux would have
 * written a core (a core-dumping signal and RLIMIT_CORE above 0; the
 * model writes none, but the status says what the guest's Linux says). */
static int signal_wait_code(const struct task_struct *t, int sig)
{
    int core = sig_dumps_core(sig) && t->mm && t->mm->rlim[RLIMIT_CORE_].rlim_cur > 0;
    return sig | (core ? 0x80 : 0);
}

/*
 * do_exit for t, whose exit_* fields are set: EV_PROCESS_EXIT, the engine
 * told (when t runs), then the rest of its death (exit.c), after which t
 * is a zombie or released — a task other than the current one may be
 * freed already: the caller must not touch it after this.
 */
static void task_die(struct task_struct *t, int wait_code)
{
    t->exit_code = wait_code;
    syscall_abandon(t);                 /* a call it was blocked in ends here */
    t->state = TASK_DEAD;               /* exit_notify: EXIT_ZOMBIE or left so */
    if (t->k->writable_root)            /* the host tree complete when memsim returns */
        hostw_sync(t->k, t->mm);
    procfs_exit_snapshot(t);            /* its /proc as it was, mm and all */
    emit_process(t, EV_PROCESS_EXIT);
    if ((t->k->current == t || !t->k->current) && t->k->arch.task_dead)
        t->k->arch.task_dead(t->k->arch.ctx, t);
    exit_task(t);
}

/* do_group_exit's first half: the group's code (the first one wins), the
 * other threads killed. */
static int group_exit_start(struct task_struct *t, int wait_code)
{
    struct signal_struct *sig = t->signal;
    if (!sig->group_exit) {
        sig->group_exit = 1;
        sig->group_exit_code = wait_code;
    }
    zap_other_threads(t);
    return sig->group_exit_code;
}

/* The shell's view of a wait status word: code, or 128 + signal. */
static void set_exit_status(struct task_struct *t, int wait_code)
{
    if (wait_code & 0x7f) {
        t->exit_status = 128 + (wait_code & 0x7f);
        if (!t->exit_reason)
            t->exit_reason = signal_name(wait_code & 0x7f);
    } else {
        t->exit_status = (wait_code >> 8) & 0xff;
        t->exit_reason = "exit";
    }
}

void task_exit_group_member(struct task_struct *t, int wait_code, const char *report)
{
    if (task_dead(t))
        return;
    set_exit_status(t, wait_code);
    snprintf(t->report, sizeof t->report, "%s", report);
    task_die(t, wait_code);
}

void task_exit_signal(struct task_struct *t, int sig, const char *fmt, ...)
{
    if (task_dead(t))
        return;                          /* the first cause of death is the one reported */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->report, sizeof t->report, fmt, ap);
    va_end(ap);
    t->exit_status = 128 + sig;
    if (!t->exit_reason)
        t->exit_reason = signal_name(sig);
    task_die(t, group_exit_start(t, signal_wait_code(t, sig)));
}

void task_exit(struct task_struct *t, int code)
{
    if (task_dead(t))
        return;
    t->exit_status = code & 0xff;
    t->exit_reason = "exit";
    t->report[0] = 0;
    task_die(t, group_exit_start(t, (code & 0xff) << 8));
}

void task_exit_thread(struct task_struct *t, int code)
{
    if (task_dead(t))
        return;
    t->exit_status = code & 0xff;
    t->exit_reason = "exit";
    t->report[0] = 0;
    task_die(t, (code & 0xff) << 8);
}

void task_deadlock(struct task_struct *t, const char *what)
{
    if (task_dead(t))
        return;
    /* the waiting call's own address (regs->ip is past it); 0 when the
     * entry recorded no ip (replay) */
    uint32_t ip = task_pt_regs(t)->ip, eip = ip ? ip - SYSCALL_INSN_LEN : 0;
    t->exit_reason = "deadlock";
    task_exit_signal(t, SIGKILL, "memsim: deadlock: %s with no timeout and no other task to "
                     "wake it (eip 0x%08x); killed as SIGKILL", what, eip);
}

/* "SIGSEGV" etc. for the standard signals, as Linux's i386 numbers them. */
const char *signal_name(int sig)
{
    static const char *const names[] = {
        [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",     [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
        [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",   [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
        [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",   [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
        [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",   [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
        [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",   [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
        [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",   [SIGURG] = "SIGURG",   [SIGXCPU] = "SIGXCPU",
        [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
        [SIGIO] = "SIGIO",     [SIGPWR] = "SIGPWR",     [SIGSYS] = "SIGSYS",
    };
    if (sig > 0 && (unsigned)sig < sizeof names / sizeof *names && names[sig])
        return names[sig];
    return "signal";                      /* a real-time signal */
}

/* splitmix64: a deterministic stream from --seed (k->rng starts as the seed). */
static uint64_t next_random(struct kernel *k)
{
    uint64_t z = (k->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void kernel_random_bytes(struct kernel *k, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t r = next_random(k);
        memcpy(buf + i, &r, n - i < 8 ? n - i : 8);
    }
}

/*
 * A fault the kernel could not resolve ends the task as Linux's fault path
 * does: bad_area's SIGSEGV (SEGV_MAPERR, or SEGV_ACCERR when the mapping
 * forbids the access), SIGBUS past a file's end, and for a fault that
 * found no frame pagefault_out_of_memory's OOM kill (SIGKILL).  The CPU's
 * faults (emu) and replay's re-driven ones both end here.  When the
 * signal has a handler and is not blocked, it is forced instead (si_code,
 * si_addr; the sigcontext's trapno 14, err, cr2) and the task lives: the
 * engine enters the kernel at the faulting instruction (or, for a fault it
 * cannot stop before, after it) and the handler runs; returning from it
 * executes the instruction again.
 */
static int fault_to_handler(struct task_struct *t, int sig, int code, uint32_t va,
                            enum mmu_access acc)
{
    if (t->sighand->action[sig].handler <= 1 || (t->sig.blocked & sigmask_of((uint32_t)sig)))
        return 0;
    struct ksiginfo info = { .signo = sig, .code = code, .addr = va };
    t->sig.trap_nr = 14;                /* X86_TRAP_PF */
    t->sig.error_code = X86_PF_USER | (acc == MMU_WRITE ? X86_PF_WRITE : 0) |
                        (acc == MMU_FETCH ? X86_PF_INSTR : 0) |
                        (code == KSEGV_ACCERR && sig == SIGSEGV ? X86_PF_PROT : 0);
    t->sig.cr2 = va;
    signal_force(t, &info, NULL);
    return 1;
}

void task_fault_signal(struct task_struct *t, enum fault_result r, uint32_t va,
                       enum mmu_access acc, uint32_t eip)
{
    if (task_dead(t) || r == FAULT_OK)
        return;
    if (r == FAULT_SIGBUS ? fault_to_handler(t, SIGBUS, KBUS_ADRERR, va, acc) :
        r == FAULT_SIGSEGV_ACCERR ? fault_to_handler(t, SIGSEGV, KSEGV_ACCERR, va, acc) :
        r != FAULT_OOM && fault_to_handler(t, SIGSEGV, KSEGV_MAPERR, va, acc))
        return;
    const char *what = acc == MMU_WRITE ? "write" : acc == MMU_FETCH ? "instruction fetch" : "read";
    switch (r) {
    case FAULT_OOM:
        t->exit_reason = "OOM";
        t->k->oom_kills++;
        task_exit_signal(t, SIGKILL, "memsim: out of memory (--ram %lluM): killed the guest at a %s of 0x%08x, eip 0x%08x",
                         (unsigned long long)(((uint64_t)t->k->pm.nr_pages << PAGE_SHIFT) >> 20),
                         what, va, eip);
        break;
    case FAULT_SIGBUS:
        task_exit_signal(t, SIGBUS, "memsim: SIGBUS (BUS_ADRERR) at address 0x%08x, eip 0x%08x (%s)",
                         va, eip, what);
        break;
    case FAULT_SIGSEGV_ACCERR:
        task_exit_signal(t, SIGSEGV, "memsim: SIGSEGV (SEGV_ACCERR) at address 0x%08x, eip 0x%08x (%s not permitted by the mapping)",
                         va, eip, what);
        break;
    default:
        task_exit_signal(t, SIGSEGV, "memsim: SIGSEGV (SEGV_MAPERR) at address 0x%08x, eip 0x%08x (%s of unmapped memory)",
                         va, eip, what);
        break;
    }
}

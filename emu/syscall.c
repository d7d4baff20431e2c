/*
 * syscall.c — the int 0x80 gate: dispatch, tracing, and the memory,
 * process and identity calls.  File calls are in sys_fs.c, clocks and
 * timers in sys_time.c.
 *
 * Numbers follow arch/x86/entry/syscalls/syscall_32.tbl.  An unknown
 * number returns -ENOSYS, is traced like any other call, and the run goes on.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "emu/syscall.h"

#define RLIM_INFINITY_32 0xffffffffu

static long sys_exit(struct machine *m, const uint32_t a[6])
{
    machine_exit(m, (int)(a[0] & 0xff));
    return 0;
}

static long sys_brk(struct machine *m, const uint32_t a[6])
{
    return (long)do_brk(m->mm, a[0]);
}

static long mmap_common(struct machine *m, uint32_t addr, uint32_t len, uint32_t prot,
                        uint32_t flags, uint32_t fd, uint32_t pgoff)
{
    struct mmap_file file = { 0 };
    uint32_t file_bytes = 0;
    int anon = (flags & MAP_ANONYMOUS_) != 0;
    if (!anon) {
        /* the fd first (ksys_mmap_pgoff's fget), the file's mode in order
         * inside do_mmap_file */
        long err = fd_mmap_file(m, fd, &file);
        if (err)
            return err;
        /* The file is read at fault time: pages past its end then are
         * SIGBUS, the tail of the last page zeros (memory.c). */
        file_bytes = len;
    }
    long r = do_mmap_file(m->mm, addr, len, prot, flags, anon ? NULL : &file, pgoff,
                          file_bytes, NULL);
    vm_file_put(file.vmf);
    return r;
}

static long sys_mmap2(struct machine *m, const uint32_t a[6])
{
    return mmap_common(m, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* old_mmap (90): one pointer to six longs, the offset in bytes. */
static long sys_old_mmap(struct machine *m, const uint32_t a[6])
{
    uint32_t v[6];
    if (copy_from_user(m->mm, v, a[0], sizeof v))
        return -EFAULT;
    if (v[5] & ~PAGE_MASK)
        return -EINVAL;
    return mmap_common(m, v[0], v[1], v[2], v[3], v[4], v[5] >> PAGE_SHIFT);
}

static long sys_munmap(struct machine *m, const uint32_t a[6]) { return do_munmap(m->mm, a[0], a[1]); }
static long sys_mprotect(struct machine *m, const uint32_t a[6]) { return do_mprotect(m->mm, a[0], a[1], a[2]); }

static long sys_madvise(struct machine *m, const uint32_t a[6])
{
    return do_madvise(m->mm, a[0], a[1], a[2]);
}

static long sys_set_tid_address(struct machine *m, const uint32_t a[6])
{
    m->clear_child_tid = a[0];
    return m->pid;
}

static long sys_getpid(struct machine *m, const uint32_t a[6]) { return m->pid; }
static long sys_getppid(struct machine *m, const uint32_t a[6]) { return 1; }
static long sys_getuid(struct machine *m, const uint32_t a[6]) { return (long)getuid(); }
static long sys_getgid(struct machine *m, const uint32_t a[6]) { return (long)getgid(); }

static long sys_uname(struct machine *m, const uint32_t a[6])
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strcpy(u[0], "Linux");
    strcpy(u[1], "memsim");
    strcpy(u[2], "6.1.0-memsim");
    strcpy(u[3], "#1 SMP PREEMPT_DYNAMIC memsim " MEMSIM_VERSION);
    strcpy(u[4], "i686");
    strcpy(u[5], "(none)");
    return copy_to_user(m->mm, a[0], u, sizeof u) ? -EFAULT : 0;
}

#define GRND_NONBLOCK 1u
#define GRND_RANDOM   2u
#define GRND_INSECURE 4u

/* getrandom(2): the whole length (no signal can interrupt the model). */
static long sys_getrandom(struct machine *m, const uint32_t a[6])
{
    uint32_t flags = a[2];
    if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
        (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    uint32_t len = a[1] > INT32_MAX ? INT32_MAX : a[1];
    uint8_t buf[4096];
    for (uint32_t done = 0; done < len; ) {
        uint32_t n = len - done < sizeof buf ? len - done : (uint32_t)sizeof buf;
        machine_random_bytes(m, buf, n);
        if (copy_to_user(m->mm, a[0] + done, buf, n))
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)len;
}

/* RLIMIT_STACK is the one limit the model enforces; the rest are infinite. */
static void rlimit_of(uint32_t res, uint64_t *cur, uint64_t *max)
{
    *cur = *max = UINT64_MAX;
    if (res == 3)                       /* RLIMIT_STACK */
        *cur = STACK_RLIMIT;
    if (res == 7)                       /* RLIMIT_NOFILE */
        *cur = *max = MAX_FDS;
}

static long sys_ugetrlimit(struct machine *m, const uint32_t a[6])
{
    uint64_t cur, max;
    if (a[0] >= 16)
        return -EINVAL;
    rlimit_of(a[0], &cur, &max);
    uint32_t r[2] = { cur > RLIM_INFINITY_32 ? RLIM_INFINITY_32 : (uint32_t)cur,
                      max > RLIM_INFINITY_32 ? RLIM_INFINITY_32 : (uint32_t)max };
    return copy_to_user(m->mm, a[1], r, sizeof r) ? -EFAULT : 0;
}

static long sys_prlimit64(struct machine *m, const uint32_t a[6])
{
    uint64_t r[2];
    if (a[0] != 0 && a[0] != m->pid)
        return -ESRCH;
    if (a[1] >= 16)
        return -EINVAL;
    rlimit_of(a[1], &r[0], &r[1]);
    if (a[3] && copy_to_user(m->mm, a[3], r, sizeof r))
        return -EFAULT;
    return 0;                           /* new limits are accepted and ignored */
}

/* rt_sigaction (kernel/signal.c do_sigaction): SIGKILL and SIGSTOP may be
 * queried but not changed; the new action is read before the old is written. */
static long sys_rt_sigaction(struct machine *m, const uint32_t a[6])
{
    uint32_t sig = a[0], nw[5];
    if (a[3] != 8 || sig < 1 || sig > 64)
        return -EINVAL;
    if (a[1]) {
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        if (copy_from_user(m->mm, nw, a[1], sizeof nw))
            return -EFAULT;
    }
    struct sigaction_rec *rec = &m->sigactions[sig];
    uint32_t old[5] = { rec->handler, rec->flags, rec->restorer,
                        (uint32_t)rec->mask, (uint32_t)(rec->mask >> 32) };
    if (a[1])
        *rec = (struct sigaction_rec){ nw[0], nw[1], nw[2], nw[3] | (uint64_t)nw[4] << 32 };
    if (a[2] && copy_to_user(m->mm, a[2], old, sizeof old))
        return -EFAULT;
    return 0;
}

static long sys_rt_sigprocmask(struct machine *m, const uint32_t a[6])
{
    if (a[3] != 8)
        return -EINVAL;
    uint64_t old = m->sigmask, set;
    if (a[1]) {
        if (copy_from_user(m->mm, &set, a[1], 8))
            return -EFAULT;
        set &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
        switch (a[0]) {
        case 0: m->sigmask |= set; break;           /* SIG_BLOCK */
        case 1: m->sigmask &= ~set; break;          /* SIG_UNBLOCK */
        case 2: m->sigmask = set; break;            /* SIG_SETMASK */
        default: return -EINVAL;
        }
    }
    if (a[2] && copy_to_user(m->mm, a[2], &old, 8))
        return -EFAULT;
    return 0;
}

static long sys_sysinfo(struct machine *m, const uint32_t a[6])
{
    uint32_t si[16] = { 0 };            /* struct sysinfo, i386: 64 bytes */
    si[0] = (uint32_t)(m->cycles / m->cpu.hz);              /* uptime */
    si[4] = m->k.pm.nr_pages;                               /* totalram */
    si[5] = nr_free_pages(&m->k.pgdat);                     /* freeram */
    si[10] = 1;                                             /* procs (u16) */
    si[13] = PAGE_SIZE;                                     /* mem_unit */
    return copy_to_user(m->mm, a[0], si, sizeof si) ? -EFAULT : 0;
}

/* A signal's default action (signal(7); kernel/signal.c sig_kernel_ignore,
 * sig_kernel_stop); every other signal terminates (some with a core dump,
 * which changes nothing in the shell status 128 + sig). */
enum sig_default { SIG_DEFAULT_TERM, SIG_DEFAULT_IGNORE, SIG_DEFAULT_STOP };

static enum sig_default sig_default_action(uint32_t sig)
{
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
        return SIG_DEFAULT_IGNORE;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return SIG_DEFAULT_STOP;
    default:
        return SIG_DEFAULT_TERM;
    }
}

/*
 * A signal the guest sends itself.  memsim runs no handlers, so it takes its
 * default action unless ignored (SIG_IGN).  Ignore: nothing happens.  Stop:
 * Linux stops the process until someone sends SIGCONT; the guest is a single
 * process with nobody to continue it, and stopping memsim would hang a batch
 * run, so the guest is stopped and at once continued — which it cannot tell
 * from Linux: its clocks run on the model's cycle counter, and the SIGCONT
 * that continues it is ignored by default.  Anything else ends the run.
 */
static long send_self(struct machine *m, uint32_t sig)
{
    if (sig == 0)
        return 0;                           /* only the existence check */
    if (sig > 64)
        return -EINVAL;
    if (m->sigactions[sig].handler == 1 || sig_default_action(sig) != SIG_DEFAULT_TERM)
        return 0;
    machine_kill(m, (int)sig, "memsim: guest killed itself with signal %u", sig);
    return 0;
}

/* kill(pid, sig): the guest is alone, the leader of its process group (pid,
 * 0, -pid); kill(-1) reaches every process but the sender and init: none. */
static long sys_kill(struct machine *m, const uint32_t a[6])
{
    int32_t pid = (int32_t)a[0];
    if (pid != (int32_t)m->pid && pid != 0 && pid != -(int32_t)m->pid)
        return -ESRCH;
    return send_self(m, a[1]);
}

/* tgkill(tgid, tid, sig) (kernel/signal.c do_tkill): ids must be positive. */
static long sys_tgkill(struct machine *m, const uint32_t a[6])
{
    if ((int32_t)a[0] <= 0 || (int32_t)a[1] <= 0)
        return -EINVAL;
    if (a[0] != m->pid || a[1] != m->pid)
        return -ESRCH;
    return send_self(m, a[2]);
}

#define S(nr, nm, f) [nr] = { nm, f }
static const struct syscall_entry table[NR_SYSCALLS] = {
    S(1, "exit", sys_exit), S(3, "read", sys_read), S(4, "write", sys_write),
    S(5, "open", sys_open), S(6, "close", sys_close), S(13, "time", sys_time),
    S(19, "lseek", sys_lseek), S(20, "getpid", sys_getpid), S(24, "getuid", sys_getuid),
    S(33, "access", sys_access), S(37, "kill", sys_kill), S(41, "dup", sys_dup),
    S(45, "brk", sys_brk), S(47, "getgid", sys_getgid), S(49, "geteuid", sys_getuid),
    S(50, "getegid", sys_getgid), S(54, "ioctl", sys_ioctl), S(63, "dup2", sys_dup2),
    S(64, "getppid", sys_getppid), S(78, "gettimeofday", sys_gettimeofday),
    S(85, "readlink", sys_readlink), S(90, "mmap", sys_old_mmap), S(91, "munmap", sys_munmap),
    S(116, "sysinfo", sys_sysinfo), S(168, "poll", sys_poll), S(122, "uname", sys_uname), S(125, "mprotect", sys_mprotect),
    S(140, "_llseek", sys_llseek), S(145, "readv", sys_readv), S(146, "writev", sys_writev),
    S(174, "rt_sigaction", sys_rt_sigaction), S(175, "rt_sigprocmask", sys_rt_sigprocmask),
    S(183, "getcwd", sys_getcwd), S(12, "chdir", sys_chdir),
    S(191, "ugetrlimit", sys_ugetrlimit), S(192, "mmap2", sys_mmap2),
    S(195, "stat64", sys_stat64), S(196, "lstat64", sys_lstat64), S(197, "fstat64", sys_fstat64),
    S(199, "getuid32", sys_getuid), S(200, "getgid32", sys_getgid),
    S(201, "geteuid32", sys_getuid), S(202, "getegid32", sys_getgid),
    S(219, "madvise", sys_madvise), S(220, "getdents64", sys_getdents64),
    S(221, "fcntl64", sys_fcntl64), S(224, "gettid", sys_getpid),
    S(243, "set_thread_area", sys_set_thread_area), S(244, "get_thread_area", sys_get_thread_area),
    S(123, "modify_ldt", sys_modify_ldt),
    S(252, "exit_group", sys_exit), S(258, "set_tid_address", sys_set_tid_address),
    S(265, "clock_gettime", sys_clock_gettime), S(270, "tgkill", sys_tgkill),
    S(295, "openat", sys_openat), S(300, "fstatat64", sys_fstatat64),
    S(305, "readlinkat", sys_readlinkat), S(307, "faccessat", sys_faccessat),
    S(311, "set_robust_list", NULL), S(330, "dup3", sys_dup3), S(340, "prlimit64", sys_prlimit64),
    S(355, "getrandom", sys_getrandom), S(383, "statx", sys_statx), S(386, "rseq", NULL),
    S(403, "clock_gettime64", sys_clock_gettime64), S(439, "faccessat2", sys_faccessat),
    S(27, "alarm", sys_alarm), S(43, "times", sys_times), S(77, "getrusage", sys_getrusage),
    S(104, "setitimer", sys_setitimer), S(105, "getitimer", sys_getitimer),
    S(158, "sched_yield", sys_sched_yield), S(162, "nanosleep", sys_nanosleep),
    S(266, "clock_getres", sys_clock_getres), S(267, "clock_nanosleep", sys_clock_nanosleep),
    S(406, "clock_getres_time64", sys_clock_getres_time64),
    S(407, "clock_nanosleep_time64", sys_clock_nanosleep_time64),
};

static const int arg_regs[6] = { UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,
                                 UC_X86_REG_ESI, UC_X86_REG_EDI, UC_X86_REG_EBP };

void syscall_dispatch(struct machine *m)
{
    uint32_t nr, a[6];
    uc_reg_read(m->uc, UC_X86_REG_EAX, &nr);
    for (int i = 0; i < 6; i++)
        uc_reg_read(m->uc, arg_regs[i], &a[i]);
    m->cycles += m->cpu.syscall_cost;
    m->syscall_cycles += m->cpu.syscall_cost;
    time_maxrss_pages(m);               /* rss falls only in here: the peak is before */

    const struct syscall_entry *e = nr < NR_SYSCALLS ? &table[nr] : NULL;
    long ret = (e && e->fn) ? e->fn(m, a) : -ENOSYS;
    uint32_t eax = (uint32_t)ret;

    if (m->k.obs.syscall) {
        struct syscall_event ev = { .pid = m->pid, .nr = nr,
                                    .name = (e && e->name) ? e->name : "unknown", .ret = (int32_t)eax };
        memcpy(ev.args, a, sizeof a);
        m->k.obs.syscall(m->k.obs.ctx, &ev);
    }
    uc_reg_write(m->uc, UC_X86_REG_EAX, &eax);
    if (m->cycles >= m->timer_cycle)    /* a timer expired in the call (or the engine ran none) */
        time_expire_timers(m);
}

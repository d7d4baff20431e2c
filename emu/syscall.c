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
#include <stdlib.h>
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

static long sys_mremap(struct machine *m, const uint32_t a[6])
{
    return do_mremap(m->mm, a[0], a[1], a[2], a[3], a[4]);
}

/* mincore(start, len, vec): the model fills a host buffer; vec must lie
 * below TASK_SIZE (access_ok, -EFAULT) before the walk, and the bytes the
 * walk wrote are copied out even when it ends in -ENOMEM, as Linux's
 * chunked copy does. */
static long sys_mincore(struct machine *m, const uint32_t a[6])
{
    uint32_t start = a[0], len = a[1], vec = a[2];
    if (start & ~PAGE_MASK)
        return -EINVAL;
    if (len > TASK_SIZE || start > TASK_SIZE - len)
        return -ENOMEM;
    uint32_t pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
    if (pages > TASK_SIZE || vec > TASK_SIZE - pages)
        return -EFAULT;
    uint8_t *buf = malloc(pages ? pages : 1);
    if (!buf)
        return -ENOMEM;
    uint32_t done;
    long r = do_mincore(m->mm, start, len, buf, &done);
    if (done && copy_to_user(m->mm, vec, buf, done))
        r = -EFAULT;
    free(buf);
    return r;
}

static long sys_msync(struct machine *m, const uint32_t a[6]) { return do_msync(m->mm, a[0], a[1], a[2]); }
static long sys_mlock(struct machine *m, const uint32_t a[6]) { return do_mlock(m->mm, a[0], a[1], 0); }
static long sys_mlock2(struct machine *m, const uint32_t a[6]) { return do_mlock(m->mm, a[0], a[1], a[2]); }
static long sys_munlock(struct machine *m, const uint32_t a[6]) { return do_munlock(m->mm, a[0], a[1]); }
static long sys_mlockall(struct machine *m, const uint32_t a[6]) { return do_mlockall(m->mm, a[0]); }
static long sys_munlockall(struct machine *m, const uint32_t a[6]) { return do_munlockall(m->mm); }

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

/*
 * Resource limits: the mm's (kernel-model/resource.c).  The i386 calls
 * carry 32-bit limits: ugetrlimit reports anything past 32 bits as
 * RLIM_INFINITY, the old getrlimit (76) clamps to 0x7fffffff as
 * sys_old_getrlimit does, and setrlimit's RLIM_INFINITY means infinity.
 */
static uint32_t rlim_to_32(uint64_t v, uint32_t inf)
{
    return v > inf ? inf : (uint32_t)v;
}

static uint64_t rlim_from_32(uint32_t v)
{
    return v == RLIM_INFINITY_32 ? RLIM64_INFINITY_ : v;
}

static long getrlimit_32(struct machine *m, const uint32_t a[6], uint32_t inf)
{
    if (a[0] >= RLIM_NLIMITS_)
        return -EINVAL;
    const struct rlimit64_ *rl = &m->mm->rlim[a[0]];
    uint32_t r[2] = { rlim_to_32(rl->rlim_cur, inf), rlim_to_32(rl->rlim_max, inf) };
    return copy_to_user(m->mm, a[1], r, sizeof r) ? -EFAULT : 0;
}

static long sys_ugetrlimit(struct machine *m, const uint32_t a[6])
{
    return getrlimit_32(m, a, RLIM_INFINITY_32);
}

static long sys_old_getrlimit(struct machine *m, const uint32_t a[6])
{
    return getrlimit_32(m, a, 0x7fffffffu);
}

#define CAP_SYS_RESOURCE 24

static long sys_setrlimit(struct machine *m, const uint32_t a[6])
{
    uint32_t r[2];
    if (copy_from_user(m->mm, r, a[1], sizeof r))
        return -EFAULT;
    struct rlimit64_ lim = { rlim_from_32(r[0]), rlim_from_32(r[1]) };
    return rlimit_set(m->mm->rlim, a[0], lim, task_capable(CAP_SYS_RESOURCE));
}

static long sys_prlimit64(struct machine *m, const uint32_t a[6])
{
    uint64_t r[2];
    if (a[0] != 0 && a[0] != m->pid)
        return -ESRCH;
    if (a[1] >= RLIM_NLIMITS_)
        return -EINVAL;
    struct rlimit64_ old = m->mm->rlim[a[1]];
    if (a[2]) {
        if (copy_from_user(m->mm, r, a[2], sizeof r))
            return -EFAULT;
        long err = rlimit_set(m->mm->rlim, a[1], (struct rlimit64_){ r[0], r[1] },
                              task_capable(CAP_SYS_RESOURCE));
        if (err)
            return err;
    }
    r[0] = old.rlim_cur;
    r[1] = old.rlim_max;
    if (a[3] && copy_to_user(m->mm, a[3], r, sizeof r))
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
    S(176, "rt_sigpending", sys_rt_sigpending), S(177, "rt_sigtimedwait", sys_rt_sigtimedwait),
    S(238, "tkill", sys_tkill), S(240, "futex", sys_futex),
    S(421, "rt_sigtimedwait_time64", sys_rt_sigtimedwait_time64),
    S(422, "futex_time64", sys_futex_time64),
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
    S(311, "set_robust_list", sys_set_robust_list),
    S(312, "get_robust_list", sys_get_robust_list), S(330, "dup3", sys_dup3), S(340, "prlimit64", sys_prlimit64),
    S(75, "setrlimit", sys_setrlimit), S(76, "getrlimit", sys_old_getrlimit),
    S(65, "getpgrp", sys_getpgrp), S(132, "getpgid", sys_getpgid), S(147, "getsid", sys_getsid),
    S(57, "setpgid", sys_setpgid), S(66, "setsid", sys_setsid),
    S(7, "waitpid", sys_wait4), S(114, "wait4", sys_wait4), S(284, "waitid", sys_waitid),
    S(99, "statfs", sys_statfs), S(100, "fstatfs", sys_fstatfs),
    S(48, "signal", sys_signal), S(67, "sigaction", sys_sigaction),
    S(68, "sgetmask", sys_sgetmask), S(69, "ssetmask", sys_ssetmask),
    S(126, "sigprocmask", sys_sigprocmask),
    S(172, "prctl", sys_prctl), S(241, "sched_setaffinity", sys_sched_setaffinity),
    S(242, "sched_getaffinity", sys_sched_getaffinity), S(318, "getcpu", sys_getcpu),
    S(355, "getrandom", sys_getrandom), S(383, "statx", sys_statx), S(386, "rseq", sys_rseq),
    S(403, "clock_gettime64", sys_clock_gettime64), S(439, "faccessat2", sys_faccessat2),
    S(163, "mremap", sys_mremap), S(218, "mincore", sys_mincore), S(144, "msync", sys_msync),
    S(150, "mlock", sys_mlock), S(151, "munlock", sys_munlock), S(152, "mlockall", sys_mlockall),
    S(153, "munlockall", sys_munlockall), S(376, "mlock2", sys_mlock2),
    /* files (sys_dir.c, sys_fsmeta.c, sys_socket.c) */
    S(141, "getdents", sys_getdents), S(133, "fchdir", sys_fchdir),
    S(9, "link", sys_link), S(10, "unlink", sys_unlink), S(14, "mknod", sys_mknod),
    S(15, "chmod", sys_chmod), S(16, "lchown", sys_lchown), S(30, "utime", sys_utime),
    S(38, "rename", sys_rename), S(39, "mkdir", sys_mkdir), S(40, "rmdir", sys_rmdir),
    S(83, "symlink", sys_symlink), S(92, "truncate", sys_truncate),
    S(93, "ftruncate", sys_ftruncate), S(94, "fchmod", sys_fd_erofs), S(95, "fchown", sys_fd_erofs),
    S(182, "chown", sys_chown), S(193, "truncate64", sys_truncate64),
    S(194, "ftruncate64", sys_ftruncate64), S(198, "lchown32", sys_lchown),
    S(207, "fchown32", sys_fd_erofs), S(212, "chown32", sys_chown),
    S(271, "utimes", sys_utimes), S(296, "mkdirat", sys_mkdirat), S(297, "mknodat", sys_mknodat),
    S(298, "fchownat", sys_fchownat), S(299, "futimesat", sys_futimesat),
    S(301, "unlinkat", sys_unlinkat), S(302, "renameat", sys_renameat),
    S(303, "linkat", sys_linkat), S(304, "symlinkat", sys_symlinkat),
    S(306, "fchmodat", sys_fchmodat), S(320, "utimensat", sys_utimensat),
    S(353, "renameat2", sys_renameat2), S(412, "utimensat_time64", sys_utimensat64),
    S(102, "socketcall", sys_socketcall), S(359, "socket", sys_socket),
    S(360, "socketpair", sys_socketpair), S(361, "bind", sys_sockfd_op),
    S(362, "connect", sys_sockfd_op), S(363, "listen", sys_sockfd_op),
    S(364, "accept4", sys_accept4), S(365, "getsockopt", sys_sockfd_op),
    S(366, "setsockopt", sys_sockfd_op), S(367, "getsockname", sys_sockfd_op),
    S(368, "getpeername", sys_sockfd_op), S(369, "sendto", sys_sockfd_op),
    S(370, "sendmsg", sys_sockfd_op), S(371, "recvfrom", sys_sockfd_op),
    S(372, "recvmsg", sys_sockfd_op), S(373, "shutdown", sys_sockfd_op),
    S(337, "recvmmsg", sys_recvmmsg), S(345, "sendmmsg", sys_sockfd_op),
    S(417, "recvmmsg_time64", sys_recvmmsg),
    S(180, "pread64", sys_pread64), S(181, "pwrite64", sys_pwrite64),
    S(118, "fsync", sys_fsync), S(148, "fdatasync", sys_fsync), S(344, "syncfs", sys_syncfs),
    S(143, "flock", sys_flock), S(250, "fadvise64", sys_fadvise64),
    S(272, "fadvise64_64", sys_fadvise64_64), S(268, "statfs64", sys_statfs64),
    S(269, "fstatfs64", sys_fstatfs64), S(60, "umask", sys_umask),
    S(96, "getpriority", sys_getpriority), S(97, "setpriority", sys_setpriority),
    S(205, "getgroups32", sys_getgroups32), S(187, "sendfile", sys_sendfile),
    S(239, "sendfile64", sys_sendfile64),
    S(82, "select", sys_old_select), S(142, "_newselect", sys_newselect),
    S(308, "pselect6", sys_pselect6), S(413, "pselect6_time64", sys_pselect6_time64),
    S(27, "alarm", sys_alarm), S(43, "times", sys_times), S(77, "getrusage", sys_getrusage),
    S(104, "setitimer", sys_setitimer), S(105, "getitimer", sys_getitimer),
    S(158, "sched_yield", sys_sched_yield), S(162, "nanosleep", sys_nanosleep),
    S(266, "clock_getres", sys_clock_getres), S(267, "clock_nanosleep", sys_clock_nanosleep),
    S(406, "clock_getres_time64", sys_clock_getres_time64),
    S(407, "clock_nanosleep_time64", sys_clock_nanosleep_time64),
    /* waiting for signals, the alternate stack (sys_signal.c) */
    S(29, "pause", sys_pause), S(72, "sigsuspend", sys_sigsuspend),
    S(179, "rt_sigsuspend", sys_rt_sigsuspend), S(186, "sigaltstack", sys_sigaltstack),
};

static const int arg_regs[6] = { UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,
                                 UC_X86_REG_ESI, UC_X86_REG_EDI, UC_X86_REG_EBP };

/* Count a -ENOSYS answer: by number, named from the table where it has a
 * name (set_robust_list, rseq: known, deliberately not implemented). */
static void count_enosys(struct memsim_enosys *log, uint32_t nr, const char *name)
{
    log->calls++;
    for (unsigned i = 0; i < log->n; i++)
        if (log->e[i].nr == nr) {
            log->e[i].count++;
            return;
        }
    if (log->n == MEMSIM_MAX_ENOSYS) {
        log->unlisted++;
        return;
    }
    log->e[log->n].nr = nr;
    log->e[log->n].name = name;
    log->e[log->n++].count = 1;
}

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
    const char *name = (e && e->name) ? e->name : "unknown";
    uint64_t outer;                     /* the cause to restore at the exit */
    uint64_t enter = event_syscall_enter(&m->events, m->pid, nr, name, a, &outer);
    long ret = (e && e->fn) ? e->fn(m, a) : -ENOSYS;
    uint32_t eax = (uint32_t)ret;
    if (ret == -ENOSYS)
        count_enosys(&m->enosys, nr, e ? e->name : NULL);
    event_syscall_exit(&m->events, m->pid, nr, name, a, (int32_t)eax, enter, outer);
    uc_reg_write(m->uc, UC_X86_REG_EAX, &eax);
    if (signal_deliverable(&m->sig))        /* the return to user mode */
        signal_deliver_pending(m);
    if (m->cycles >= m->timer_cycle)    /* a timer expired in the call (or the engine ran none) */
        time_expire_timers(m);
}

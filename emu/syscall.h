/*
 * syscall.h — the int 0x80 system-call layer (internal to emu/).
 *
 * Arguments arrive in ebx, ecx, edx, esi, edi, ebp; the result goes back in
 * eax, -4095..-1 meaning -errno.  Handlers take the machine and the six
 * argument registers and return the result; they never trust a guest
 * pointer: every user access goes through copy_{from,to}_user, so a bad
 * pointer gives -EFAULT, never a memsim crash.
 */
#ifndef MEMSIM_SYSCALL_H
#define MEMSIM_SYSCALL_H

#include "emu/machine.h"

typedef long (*syscall_fn)(struct machine *m, const uint32_t a[6]);

struct syscall_entry {
    const char *name;
    syscall_fn fn;              /* NULL: -ENOSYS */
};

#define NR_SYSCALLS 451

/* sys_task.c: per-task registrations */
long sys_set_tid_address(struct machine *m, const uint32_t a[6]);
long sys_set_robust_list(struct machine *m, const uint32_t a[6]);
long sys_get_robust_list(struct machine *m, const uint32_t a[6]);
long sys_rseq(struct machine *m, const uint32_t a[6]);

/* sys_proc.c: process groups, wait, prctl, affinity (one process) */
int  task_capable(int cap);            /* memsim's effective capability */
long sys_getpgrp(struct machine *m, const uint32_t a[6]);
long sys_getpgid(struct machine *m, const uint32_t a[6]);
long sys_getsid(struct machine *m, const uint32_t a[6]);
long sys_setpgid(struct machine *m, const uint32_t a[6]);
long sys_setsid(struct machine *m, const uint32_t a[6]);
long sys_wait4(struct machine *m, const uint32_t a[6]);
long sys_waitid(struct machine *m, const uint32_t a[6]);
long sys_prctl(struct machine *m, const uint32_t a[6]);
long sys_sched_getaffinity(struct machine *m, const uint32_t a[6]);
long sys_sched_setaffinity(struct machine *m, const uint32_t a[6]);
long sys_getcpu(struct machine *m, const uint32_t a[6]);

/* sys_fs.c: files */
long sys_read(struct machine *m, const uint32_t a[6]);
long sys_write(struct machine *m, const uint32_t a[6]);
long sys_writev(struct machine *m, const uint32_t a[6]);
long sys_readv(struct machine *m, const uint32_t a[6]);
long sys_open(struct machine *m, const uint32_t a[6]);
long sys_openat(struct machine *m, const uint32_t a[6]);
long sys_close(struct machine *m, const uint32_t a[6]);
long sys_lseek(struct machine *m, const uint32_t a[6]);
long sys_llseek(struct machine *m, const uint32_t a[6]);
long sys_fstat64(struct machine *m, const uint32_t a[6]);
long sys_stat64(struct machine *m, const uint32_t a[6]);
long sys_lstat64(struct machine *m, const uint32_t a[6]);
long sys_fstatat64(struct machine *m, const uint32_t a[6]);
long sys_statx(struct machine *m, const uint32_t a[6]);
long sys_readlink(struct machine *m, const uint32_t a[6]);
long sys_readlinkat(struct machine *m, const uint32_t a[6]);
long sys_access(struct machine *m, const uint32_t a[6]);
long sys_faccessat(struct machine *m, const uint32_t a[6]);
long sys_faccessat2(struct machine *m, const uint32_t a[6]);
long sys_ioctl(struct machine *m, const uint32_t a[6]);
long sys_dup(struct machine *m, const uint32_t a[6]);
long sys_dup2(struct machine *m, const uint32_t a[6]);
long sys_dup3(struct machine *m, const uint32_t a[6]);
long sys_fcntl64(struct machine *m, const uint32_t a[6]);
long sys_getdents64(struct machine *m, const uint32_t a[6]);
long sys_poll(struct machine *m, const uint32_t a[6]);
long sys_getcwd(struct machine *m, const uint32_t a[6]);
long sys_chdir(struct machine *m, const uint32_t a[6]);
long sys_fchdir(struct machine *m, const uint32_t a[6]);

/* sys_fsmeta.c: calls that change the file system (EROFS in Linux's order) */
long sys_unlink(struct machine *m, const uint32_t a[6]);
long sys_rmdir(struct machine *m, const uint32_t a[6]);
long sys_unlinkat(struct machine *m, const uint32_t a[6]);
long sys_mkdir(struct machine *m, const uint32_t a[6]);
long sys_mkdirat(struct machine *m, const uint32_t a[6]);
long sys_mknod(struct machine *m, const uint32_t a[6]);
long sys_mknodat(struct machine *m, const uint32_t a[6]);
long sys_rename(struct machine *m, const uint32_t a[6]);
long sys_renameat(struct machine *m, const uint32_t a[6]);
long sys_renameat2(struct machine *m, const uint32_t a[6]);
long sys_symlink(struct machine *m, const uint32_t a[6]);
long sys_symlinkat(struct machine *m, const uint32_t a[6]);
long sys_link(struct machine *m, const uint32_t a[6]);
long sys_linkat(struct machine *m, const uint32_t a[6]);
long sys_chmod(struct machine *m, const uint32_t a[6]);
long sys_fchmodat(struct machine *m, const uint32_t a[6]);
long sys_chown(struct machine *m, const uint32_t a[6]);
long sys_lchown(struct machine *m, const uint32_t a[6]);
long sys_fd_erofs(struct machine *m, const uint32_t a[6]);
long sys_fchownat(struct machine *m, const uint32_t a[6]);
long sys_utimensat(struct machine *m, const uint32_t a[6]);
long sys_utimensat64(struct machine *m, const uint32_t a[6]);
long sys_utime(struct machine *m, const uint32_t a[6]);
long sys_utimes(struct machine *m, const uint32_t a[6]);
long sys_futimesat(struct machine *m, const uint32_t a[6]);
long sys_truncate(struct machine *m, const uint32_t a[6]);
long sys_truncate64(struct machine *m, const uint32_t a[6]);
long sys_ftruncate(struct machine *m, const uint32_t a[6]);
long sys_ftruncate64(struct machine *m, const uint32_t a[6]);
long sys_getdents(struct machine *m, const uint32_t a[6]);

/* sys_fdops.c: small calls on descriptors and the file state */
long sys_pread64(struct machine *m, const uint32_t a[6]);
long sys_pwrite64(struct machine *m, const uint32_t a[6]);
long sys_fsync(struct machine *m, const uint32_t a[6]);
long sys_syncfs(struct machine *m, const uint32_t a[6]);
long sys_flock(struct machine *m, const uint32_t a[6]);
long sys_fadvise64(struct machine *m, const uint32_t a[6]);
long sys_fadvise64_64(struct machine *m, const uint32_t a[6]);
long sys_fstatfs64(struct machine *m, const uint32_t a[6]);
long sys_statfs(struct machine *m, const uint32_t a[6]);
long sys_fstatfs(struct machine *m, const uint32_t a[6]);
long sys_statfs64(struct machine *m, const uint32_t a[6]);
long sys_umask(struct machine *m, const uint32_t a[6]);
long sys_getpriority(struct machine *m, const uint32_t a[6]);
long sys_setpriority(struct machine *m, const uint32_t a[6]);
long sys_getgroups32(struct machine *m, const uint32_t a[6]);
long sys_sendfile(struct machine *m, const uint32_t a[6]);
long sys_sendfile64(struct machine *m, const uint32_t a[6]);

/* sys_select.c: select and pselect6 */
long sys_newselect(struct machine *m, const uint32_t a[6]);
long sys_old_select(struct machine *m, const uint32_t a[6]);
long sys_pselect6(struct machine *m, const uint32_t a[6]);
long sys_pselect6_time64(struct machine *m, const uint32_t a[6]);

/* sys_socket.c: no socket family is modelled */
long sys_socketcall(struct machine *m, const uint32_t a[6]);
long sys_socket(struct machine *m, const uint32_t a[6]);
long sys_socketpair(struct machine *m, const uint32_t a[6]);
long sys_accept4(struct machine *m, const uint32_t a[6]);
long sys_recvmmsg(struct machine *m, const uint32_t a[6]);
long sys_sockfd_op(struct machine *m, const uint32_t a[6]);

/* sys_time.c: clocks, sleeps, timers, resource usage */
long sys_time(struct machine *m, const uint32_t a[6]);
long sys_gettimeofday(struct machine *m, const uint32_t a[6]);
long sys_clock_gettime(struct machine *m, const uint32_t a[6]);
long sys_clock_gettime64(struct machine *m, const uint32_t a[6]);
long sys_clock_getres(struct machine *m, const uint32_t a[6]);
long sys_clock_getres_time64(struct machine *m, const uint32_t a[6]);
long sys_nanosleep(struct machine *m, const uint32_t a[6]);
long sys_clock_nanosleep(struct machine *m, const uint32_t a[6]);
long sys_clock_nanosleep_time64(struct machine *m, const uint32_t a[6]);
long sys_sched_yield(struct machine *m, const uint32_t a[6]);
long sys_alarm(struct machine *m, const uint32_t a[6]);
long sys_setitimer(struct machine *m, const uint32_t a[6]);
long sys_getitimer(struct machine *m, const uint32_t a[6]);
long sys_getrusage(struct machine *m, const uint32_t a[6]);
long sys_times(struct machine *m, const uint32_t a[6]);
uint64_t time_ns(const struct machine *m);          /* model time since boot */
uint64_t time_maxrss_pages(struct machine *m);      /* updates the high-water mark */
/* Fire the timers whose time has come (m->cycles >= m->timer_cycle). */
void time_expire_timers(struct machine *m);
/* Sleep until m->cycles reaches until (timers run meanwhile). */
long time_sleep_until(struct machine *m, uint64_t until);

/* sys_segment.c: descriptors */
long sys_set_thread_area(struct machine *m, const uint32_t a[6]);
long sys_get_thread_area(struct machine *m, const uint32_t a[6]);
long sys_modify_ldt(struct machine *m, const uint32_t a[6]);
uint8_t *ldt_table(struct machine *m);      /* NULL: no LDT yet */

/* fd_table.c: the guest's descriptors.  fd_stdio_reserve() runs before
 * memsim opens anything: it opens /dev/null on whichever of host fds 0-2
 * are closed (so none of memsim's files lands there) and returns the mask
 * of those that were open, which alone become the guest's 0-2
 * (fd_table_init).  fd_move_high() moves an internal descriptor out of the
 * low numbers (kept where it is if the limit is too low). */
unsigned fd_stdio_reserve(void);
int  fd_move_high(int fd);
int  fd_table_init(struct machine *m, unsigned stdio_open);
void fd_table_close(struct machine *m);

/* What mmap needs of guest fd: its mode and, for a readable regular file,
 * its mapping object with a reference for the caller (f->vmf; one host
 * descriptor per file, however often it is mapped).  0 or -EBADF. */
long fd_mmap_file(struct machine *m, uint32_t fd, struct mmap_file *f);

/* sys_wait.c: a blocking call of the one task (futex waits, sigtimedwait) */
struct guest_timeout {
    int present;                /* 0: wait forever */
    int absolute;               /* sec/nsec is a deadline on the clock, not a length */
    int realtime;               /* the clock: CLOCK_REALTIME, else CLOCK_MONOTONIC */
    uint64_t sec, nsec;
};
/* A guest timespec at uts: 0, -EFAULT, or -EINVAL (timespec64_valid). */
long read_timeout(struct machine *m, uint32_t uts, int time64, struct guest_timeout *to);
/* Block with nobody to wake the task: -ETIMEDOUT after the model clock
 * reached the timeout, or the run ends as a deadlock (no timeout). */
long guest_block(struct machine *m, const struct guest_timeout *to, const char *what);
/* syscall.c: the guest clock clk (a clockid) in nanoseconds of model time. */
uint64_t guest_clock_ns(const struct machine *m, uint32_t clk);

/* sys_futex.c */
long sys_futex(struct machine *m, const uint32_t a[6]);
long sys_futex_time64(struct machine *m, const uint32_t a[6]);

/* sys_signal.c: signals within the process */
long sys_kill(struct machine *m, const uint32_t a[6]);
long sys_tkill(struct machine *m, const uint32_t a[6]);
long sys_tgkill(struct machine *m, const uint32_t a[6]);
long sys_rt_sigaction(struct machine *m, const uint32_t a[6]);
long sys_sigaction(struct machine *m, const uint32_t a[6]);
long sys_signal(struct machine *m, const uint32_t a[6]);
long sys_sigprocmask(struct machine *m, const uint32_t a[6]);
long sys_sgetmask(struct machine *m, const uint32_t a[6]);
long sys_ssetmask(struct machine *m, const uint32_t a[6]);
long sys_rt_sigprocmask(struct machine *m, const uint32_t a[6]);
long sys_rt_sigpending(struct machine *m, const uint32_t a[6]);
long sys_rt_sigtimedwait(struct machine *m, const uint32_t a[6]);
long sys_rt_sigtimedwait_time64(struct machine *m, const uint32_t a[6]);
/* The return to user mode: act on every pending signal not blocked. */
void signal_deliver_pending(struct machine *m);
/* A signal from the kernel (SIGPIPE): pending unless ignored and not blocked. */
void signal_send_kernel(struct machine *m, uint32_t sig);
/* sig has a user handler, which memsim cannot run: the run ends ("unsupported-handler"), 1. */
int signal_unsupported_handler(struct machine *m, uint32_t sig);
/* Sleep until a signal acts with blocked set to wait (pause, sigsuspend, a
 * select with nothing to wait for): the real timer's expiry on the model
 * clock, or a deadlock.  The run is over when it returns (-EINTR). */
long signal_wait(struct machine *m, uint64_t wait, const char *what);
long sys_pause(struct machine *m, const uint32_t a[6]);
long sys_sigsuspend(struct machine *m, const uint32_t a[6]);
long sys_rt_sigsuspend(struct machine *m, const uint32_t a[6]);
long sys_sigaltstack(struct machine *m, const uint32_t a[6]);

#endif

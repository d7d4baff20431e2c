/*
 * sys_internal.h — the system-call handlers and their shared helpers
 * (internal to kernel-model/; the table and dispatch are syscalls.h).
 *
 * Handlers take the calling task and the six argument words and return the
 * result, -4095..-1 meaning -errno.  They reach all state through the task
 * (t->mm, t->files, t->k) and never trust a guest pointer: every user
 * access goes through copy_{from,to}_user, so a bad pointer gives -EFAULT,
 * never a memsim crash.
 */
#ifndef MEMSIM_SYS_INTERNAL_H
#define MEMSIM_SYS_INTERNAL_H

#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"

/* The model clock now, in cycles (emu's timing model owns the count). */
static inline uint64_t kclock_cycles(const struct kernel *k) { return *k->clock.cycles; }

/* sys_core.c: memory, identity and limits */
long sys_exit(struct task_struct *t, const uint32_t a[6]);
long sys_brk(struct task_struct *t, const uint32_t a[6]);
long sys_mmap2(struct task_struct *t, const uint32_t a[6]);
long sys_old_mmap(struct task_struct *t, const uint32_t a[6]);
long sys_munmap(struct task_struct *t, const uint32_t a[6]);
long sys_mprotect(struct task_struct *t, const uint32_t a[6]);
long sys_madvise(struct task_struct *t, const uint32_t a[6]);
long sys_mremap(struct task_struct *t, const uint32_t a[6]);
long sys_mincore(struct task_struct *t, const uint32_t a[6]);
long sys_msync(struct task_struct *t, const uint32_t a[6]);
long sys_mlock(struct task_struct *t, const uint32_t a[6]);
long sys_mlock2(struct task_struct *t, const uint32_t a[6]);
long sys_munlock(struct task_struct *t, const uint32_t a[6]);
long sys_mlockall(struct task_struct *t, const uint32_t a[6]);
long sys_munlockall(struct task_struct *t, const uint32_t a[6]);
long sys_getpid(struct task_struct *t, const uint32_t a[6]);
long sys_getppid(struct task_struct *t, const uint32_t a[6]);
long sys_gettid(struct task_struct *t, const uint32_t a[6]);
long sys_getuid(struct task_struct *t, const uint32_t a[6]);
long sys_getgid(struct task_struct *t, const uint32_t a[6]);
long sys_uname(struct task_struct *t, const uint32_t a[6]);
long sys_getrandom(struct task_struct *t, const uint32_t a[6]);
long sys_ugetrlimit(struct task_struct *t, const uint32_t a[6]);
long sys_old_getrlimit(struct task_struct *t, const uint32_t a[6]);
long sys_setrlimit(struct task_struct *t, const uint32_t a[6]);
long sys_prlimit64(struct task_struct *t, const uint32_t a[6]);
long sys_sysinfo(struct task_struct *t, const uint32_t a[6]);

/* sys_task.c: per-task registrations */
long sys_set_tid_address(struct task_struct *t, const uint32_t a[6]);
long sys_set_robust_list(struct task_struct *t, const uint32_t a[6]);
long sys_get_robust_list(struct task_struct *t, const uint32_t a[6]);
long sys_rseq(struct task_struct *t, const uint32_t a[6]);

/* sys_proc.c: process groups, wait, prctl, affinity (one process) */
int  task_capable(int cap);            /* memsim's effective capability */
long sys_getpgrp(struct task_struct *t, const uint32_t a[6]);
long sys_getpgid(struct task_struct *t, const uint32_t a[6]);
long sys_getsid(struct task_struct *t, const uint32_t a[6]);
long sys_setpgid(struct task_struct *t, const uint32_t a[6]);
long sys_setsid(struct task_struct *t, const uint32_t a[6]);
long sys_wait4(struct task_struct *t, const uint32_t a[6]);
long sys_waitid(struct task_struct *t, const uint32_t a[6]);
long sys_prctl(struct task_struct *t, const uint32_t a[6]);
long sys_sched_getaffinity(struct task_struct *t, const uint32_t a[6]);
long sys_sched_setaffinity(struct task_struct *t, const uint32_t a[6]);
long sys_getcpu(struct task_struct *t, const uint32_t a[6]);

/* sys_fs.c: files */
long sys_read(struct task_struct *t, const uint32_t a[6]);
long sys_write(struct task_struct *t, const uint32_t a[6]);
long sys_writev(struct task_struct *t, const uint32_t a[6]);
long sys_readv(struct task_struct *t, const uint32_t a[6]);
long sys_open(struct task_struct *t, const uint32_t a[6]);
long sys_openat(struct task_struct *t, const uint32_t a[6]);
long sys_close(struct task_struct *t, const uint32_t a[6]);
long sys_lseek(struct task_struct *t, const uint32_t a[6]);
long sys_llseek(struct task_struct *t, const uint32_t a[6]);
long sys_fstat64(struct task_struct *t, const uint32_t a[6]);
long sys_stat64(struct task_struct *t, const uint32_t a[6]);
long sys_lstat64(struct task_struct *t, const uint32_t a[6]);
long sys_fstatat64(struct task_struct *t, const uint32_t a[6]);
long sys_statx(struct task_struct *t, const uint32_t a[6]);
long sys_readlink(struct task_struct *t, const uint32_t a[6]);
long sys_readlinkat(struct task_struct *t, const uint32_t a[6]);
long sys_access(struct task_struct *t, const uint32_t a[6]);
long sys_faccessat(struct task_struct *t, const uint32_t a[6]);
long sys_faccessat2(struct task_struct *t, const uint32_t a[6]);
long sys_ioctl(struct task_struct *t, const uint32_t a[6]);
long sys_dup(struct task_struct *t, const uint32_t a[6]);
long sys_dup2(struct task_struct *t, const uint32_t a[6]);
long sys_dup3(struct task_struct *t, const uint32_t a[6]);
long sys_fcntl64(struct task_struct *t, const uint32_t a[6]);
long sys_getdents64(struct task_struct *t, const uint32_t a[6]);
long sys_poll(struct task_struct *t, const uint32_t a[6]);
long sys_getcwd(struct task_struct *t, const uint32_t a[6]);
long sys_chdir(struct task_struct *t, const uint32_t a[6]);
long sys_fchdir(struct task_struct *t, const uint32_t a[6]);

/* sys_fsmeta.c: calls that change the file system (EROFS in Linux's order) */
long sys_unlink(struct task_struct *t, const uint32_t a[6]);
long sys_rmdir(struct task_struct *t, const uint32_t a[6]);
long sys_unlinkat(struct task_struct *t, const uint32_t a[6]);
long sys_mkdir(struct task_struct *t, const uint32_t a[6]);
long sys_mkdirat(struct task_struct *t, const uint32_t a[6]);
long sys_mknod(struct task_struct *t, const uint32_t a[6]);
long sys_mknodat(struct task_struct *t, const uint32_t a[6]);
long sys_rename(struct task_struct *t, const uint32_t a[6]);
long sys_renameat(struct task_struct *t, const uint32_t a[6]);
long sys_renameat2(struct task_struct *t, const uint32_t a[6]);
long sys_symlink(struct task_struct *t, const uint32_t a[6]);
long sys_symlinkat(struct task_struct *t, const uint32_t a[6]);
long sys_link(struct task_struct *t, const uint32_t a[6]);
long sys_linkat(struct task_struct *t, const uint32_t a[6]);
long sys_chmod(struct task_struct *t, const uint32_t a[6]);
long sys_fchmodat(struct task_struct *t, const uint32_t a[6]);
long sys_chown(struct task_struct *t, const uint32_t a[6]);
long sys_lchown(struct task_struct *t, const uint32_t a[6]);
long sys_fd_erofs(struct task_struct *t, const uint32_t a[6]);
long sys_fchownat(struct task_struct *t, const uint32_t a[6]);
long sys_utimensat(struct task_struct *t, const uint32_t a[6]);
long sys_utimensat64(struct task_struct *t, const uint32_t a[6]);
long sys_utime(struct task_struct *t, const uint32_t a[6]);
long sys_utimes(struct task_struct *t, const uint32_t a[6]);
long sys_futimesat(struct task_struct *t, const uint32_t a[6]);
long sys_truncate(struct task_struct *t, const uint32_t a[6]);
long sys_truncate64(struct task_struct *t, const uint32_t a[6]);
long sys_ftruncate(struct task_struct *t, const uint32_t a[6]);
long sys_ftruncate64(struct task_struct *t, const uint32_t a[6]);
long sys_getdents(struct task_struct *t, const uint32_t a[6]);

/* sys_fdops.c: small calls on descriptors and the file state */
long sys_pread64(struct task_struct *t, const uint32_t a[6]);
long sys_pwrite64(struct task_struct *t, const uint32_t a[6]);
long sys_fsync(struct task_struct *t, const uint32_t a[6]);
long sys_syncfs(struct task_struct *t, const uint32_t a[6]);
long sys_flock(struct task_struct *t, const uint32_t a[6]);
long sys_fadvise64(struct task_struct *t, const uint32_t a[6]);
long sys_fadvise64_64(struct task_struct *t, const uint32_t a[6]);
long sys_fstatfs64(struct task_struct *t, const uint32_t a[6]);
long sys_statfs(struct task_struct *t, const uint32_t a[6]);
long sys_fstatfs(struct task_struct *t, const uint32_t a[6]);
long sys_statfs64(struct task_struct *t, const uint32_t a[6]);
long sys_umask(struct task_struct *t, const uint32_t a[6]);
long sys_getpriority(struct task_struct *t, const uint32_t a[6]);
long sys_setpriority(struct task_struct *t, const uint32_t a[6]);
long sys_getgroups32(struct task_struct *t, const uint32_t a[6]);
long sys_sendfile(struct task_struct *t, const uint32_t a[6]);
long sys_sendfile64(struct task_struct *t, const uint32_t a[6]);

/* sys_select.c: select and pselect6 */
long sys_newselect(struct task_struct *t, const uint32_t a[6]);
long sys_old_select(struct task_struct *t, const uint32_t a[6]);
long sys_pselect6(struct task_struct *t, const uint32_t a[6]);
long sys_pselect6_time64(struct task_struct *t, const uint32_t a[6]);

/* sys_socket.c: no socket family is modelled */
long sys_socketcall(struct task_struct *t, const uint32_t a[6]);
long sys_socket(struct task_struct *t, const uint32_t a[6]);
long sys_socketpair(struct task_struct *t, const uint32_t a[6]);
long sys_accept4(struct task_struct *t, const uint32_t a[6]);
long sys_recvmmsg(struct task_struct *t, const uint32_t a[6]);
long sys_sockfd_op(struct task_struct *t, const uint32_t a[6]);

/* sys_time.c: clocks, sleeps, timers, resource usage */
long sys_time(struct task_struct *t, const uint32_t a[6]);
long sys_gettimeofday(struct task_struct *t, const uint32_t a[6]);
long sys_clock_gettime(struct task_struct *t, const uint32_t a[6]);
long sys_clock_gettime64(struct task_struct *t, const uint32_t a[6]);
long sys_clock_getres(struct task_struct *t, const uint32_t a[6]);
long sys_clock_getres_time64(struct task_struct *t, const uint32_t a[6]);
long sys_nanosleep(struct task_struct *t, const uint32_t a[6]);
long sys_clock_nanosleep(struct task_struct *t, const uint32_t a[6]);
long sys_clock_nanosleep_time64(struct task_struct *t, const uint32_t a[6]);
long sys_sched_yield(struct task_struct *t, const uint32_t a[6]);
long sys_alarm(struct task_struct *t, const uint32_t a[6]);
long sys_setitimer(struct task_struct *t, const uint32_t a[6]);
long sys_getitimer(struct task_struct *t, const uint32_t a[6]);
long sys_getrusage(struct task_struct *t, const uint32_t a[6]);
long sys_times(struct task_struct *t, const uint32_t a[6]);
uint64_t time_ns(const struct task_struct *t);          /* model time since boot */
uint64_t time_maxrss_pages(struct task_struct *t);      /* updates the high-water mark */
/* Sleep until the model clock reaches until (timers run meanwhile). */
long time_sleep_until(struct task_struct *t, uint64_t until);

/* sys_segment.c: descriptors */
long sys_set_thread_area(struct task_struct *t, const uint32_t a[6]);
long sys_get_thread_area(struct task_struct *t, const uint32_t a[6]);
long sys_modify_ldt(struct task_struct *t, const uint32_t a[6]);

/* fd_table.c (the rest is sched.h and fs.h).  What mmap needs of guest fd: its mode and, for a readable regular file,
 * its mapping object with a reference for the caller (f->vmf; one host
 * descriptor per file, however often it is mapped).  0 or -EBADF. */
long fd_mmap_file(struct task_struct *t, uint32_t fd, struct mmap_file *f);
/* Close every descriptor and the cwd (task_free). */
void fd_table_close(struct task_struct *t);

/* sys_wait.c: a blocking call of the one task (futex waits, sigtimedwait) */
struct guest_timeout {
    int present;                /* 0: wait forever */
    int absolute;               /* sec/nsec is a deadline on the clock, not a length */
    int realtime;               /* the clock: CLOCK_REALTIME, else CLOCK_MONOTONIC */
    uint64_t sec, nsec;
};
/* A guest timespec at uts: 0, -EFAULT, or -EINVAL (timespec64_valid). */
long read_timeout(struct task_struct *t, uint32_t uts, int time64, struct guest_timeout *to);
/* Block with nobody to wake the task: -ETIMEDOUT after the model clock
 * reached the timeout, or the run ends as a deadlock (no timeout).  With a
 * scheduler this is where the task goes TASK_INTERRUPTIBLE on a wait queue
 * and the call returns -ERESTART_BLOCK (syscalls.h). */
long guest_block(struct task_struct *t, const struct guest_timeout *to, const char *what);
/* sys_time.c: the guest clock clk (a clockid) in nanoseconds of model time. */
uint64_t guest_clock_ns(const struct task_struct *t, uint32_t clk);

/* sys_futex.c */
long sys_futex(struct task_struct *t, const uint32_t a[6]);
long sys_futex_time64(struct task_struct *t, const uint32_t a[6]);

/* sys_signal.c: signals within the process */
long sys_kill(struct task_struct *t, const uint32_t a[6]);
long sys_tkill(struct task_struct *t, const uint32_t a[6]);
long sys_tgkill(struct task_struct *t, const uint32_t a[6]);
long sys_rt_sigaction(struct task_struct *t, const uint32_t a[6]);
long sys_sigaction(struct task_struct *t, const uint32_t a[6]);
long sys_signal(struct task_struct *t, const uint32_t a[6]);
long sys_sigprocmask(struct task_struct *t, const uint32_t a[6]);
long sys_sgetmask(struct task_struct *t, const uint32_t a[6]);
long sys_ssetmask(struct task_struct *t, const uint32_t a[6]);
long sys_rt_sigprocmask(struct task_struct *t, const uint32_t a[6]);
long sys_rt_sigpending(struct task_struct *t, const uint32_t a[6]);
long sys_rt_sigtimedwait(struct task_struct *t, const uint32_t a[6]);
long sys_rt_sigtimedwait_time64(struct task_struct *t, const uint32_t a[6]);
/* The return to user mode: act on every pending signal not blocked. */
void signal_deliver_pending(struct task_struct *t);
/* A signal from the kernel (SIGPIPE): pending unless ignored and not blocked. */
void signal_send_kernel(struct task_struct *t, uint32_t sig);
/* sig has a user handler, which memsim cannot run: the run ends ("unsupported-handler"), 1. */
int signal_unsupported_handler(struct task_struct *t, uint32_t sig);
/* Sleep until a signal acts with blocked set to wait (pause, sigsuspend, a
 * select with nothing to wait for): the real timer's expiry on the model
 * clock, or a deadlock.  The run is over when it returns (-EINTR). */
long signal_wait(struct task_struct *t, uint64_t wait, const char *what);
long sys_pause(struct task_struct *t, const uint32_t a[6]);
long sys_sigsuspend(struct task_struct *t, const uint32_t a[6]);
long sys_rt_sigsuspend(struct task_struct *t, const uint32_t a[6]);
long sys_sigaltstack(struct task_struct *t, const uint32_t a[6]);

#endif

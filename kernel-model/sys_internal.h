/*
 * sys_internal.h — the system-call handlers and their shared helpers
 * (internal to kernel-model/; the table and dispatch are syscalls.h).
 *
 * Handlers are written SYSCALL_DEFINEn (below): typed arguments, the
 * calling task as t; they return the result, -4095..-1 meaning -errno.
 * The table's entry points are declared here, SYSCALL_ENTRY(name), one per
 * handler.  They reach all state through the task
 * (t->mm, t->files, t->k) and never trust a guest pointer: every user
 * access goes through copy_{from,to}_user, so a bad pointer gives -EFAULT,
 * never a memsim crash.
 */
#ifndef MEMSIM_SYS_INTERNAL_H
#define MEMSIM_SYS_INTERNAL_H

#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"

/*
 * SYSCALL_DEFINEn(name, type1, arg1, ..., typen, argn) { body }: a handler
 * as Linux writes it (include/linux/syscalls.h).  It defines
 *
 *   long sys_name(struct task_struct *t, type1 arg1, ..., typen argn)
 *
 * with the body, the calling task as t, so an in-kernel caller passes
 * typed arguments; and __ia32_sys_name(t, regs), the entry the table
 * points at, which takes argument i from the i-th of bx, cx, dx, si, di,
 * bp (Linux's __se_sys_name/__do_sys_name pair on i386).  Each register is
 * converted to its parameter's type: uint32_t for user pointers, addresses,
 * sizes and flags as the model uses them, int or int32_t where the call
 * takes a signed value, exactly as the old (int)a[i] casts did.
 */
#define __SC_DECL(t, a) t a
#define __SC_MAP1(m, t1, a1) m(t1, a1)
#define __SC_MAP2(m, t1, a1, t2, a2) m(t1, a1), __SC_MAP1(m, t2, a2)
#define __SC_MAP3(m, t1, a1, t2, a2, t3, a3) m(t1, a1), __SC_MAP2(m, t2, a2, t3, a3)
#define __SC_MAP4(m, t1, a1, t2, a2, t3, a3, t4, a4) m(t1, a1), __SC_MAP3(m, t2, a2, t3, a3, t4, a4)
#define __SC_MAP5(m, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) m(t1, a1), __SC_MAP4(m, t2, a2, t3, a3, t4, a4, t5, a5)
#define __SC_MAP6(m, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) m(t1, a1), __SC_MAP5(m, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)
/* the call's arguments from regs, each as its parameter's type */
#define __SC_REG1(t1, a1) (t1)regs->bx
#define __SC_REG2(t1, a1, t2, a2) __SC_REG1(t1, a1), (t2)regs->cx
#define __SC_REG3(t1, a1, t2, a2, t3, a3) __SC_REG2(t1, a1, t2, a2), (t3)regs->dx
#define __SC_REG4(t1, a1, t2, a2, t3, a3, t4, a4) __SC_REG3(t1, a1, t2, a2, t3, a3), (t4)regs->si
#define __SC_REG5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) __SC_REG4(t1, a1, t2, a2, t3, a3, t4, a4), (t5)regs->di
#define __SC_REG6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) __SC_REG5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5), (t6)regs->bp

#define SYSCALL_ENTRY(name) long __ia32_sys_##name(struct task_struct *t, const struct pt_regs *regs)

#define SYSCALL_DEFINE0(name)                                                   \
    long sys_##name(struct task_struct *t);                                     \
    SYSCALL_ENTRY(name);                                                      \
    SYSCALL_ENTRY(name) { (void)regs; return sys_##name(t); }                 \
    long sys_##name(struct task_struct *t)

#define SYSCALL_DEFINEx(n, name, ...)                                           \
    long sys_##name(struct task_struct *t, __SC_MAP##n(__SC_DECL, __VA_ARGS__)); \
    SYSCALL_ENTRY(name);                                                      \
    SYSCALL_ENTRY(name) { return sys_##name(t, __SC_REG##n(__VA_ARGS__)); }   \
    long sys_##name(struct task_struct *t, __SC_MAP##n(__SC_DECL, __VA_ARGS__))

#define SYSCALL_DEFINE1(name, ...) SYSCALL_DEFINEx(1, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) SYSCALL_DEFINEx(2, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) SYSCALL_DEFINEx(3, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) SYSCALL_DEFINEx(4, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) SYSCALL_DEFINEx(5, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) SYSCALL_DEFINEx(6, name, __VA_ARGS__)

/* A 64-bit argument passed in two registers, low word first. */
static inline int64_t arg64(uint32_t lo, uint32_t hi) { return (int64_t)((uint64_t)hi << 32 | lo); }

/* The model clock now, in cycles (emu's timing model owns the count). */
static inline uint64_t kclock_cycles(const struct kernel *k) { return *k->clock.cycles; }

/* sys_core.c: memory, identity and limits */
SYSCALL_ENTRY(exit);
SYSCALL_ENTRY(brk);
SYSCALL_ENTRY(mmap2);
SYSCALL_ENTRY(old_mmap);
SYSCALL_ENTRY(munmap);
SYSCALL_ENTRY(mprotect);
SYSCALL_ENTRY(madvise);
SYSCALL_ENTRY(mremap);
SYSCALL_ENTRY(mincore);
SYSCALL_ENTRY(msync);
SYSCALL_ENTRY(mlock);
SYSCALL_ENTRY(mlock2);
SYSCALL_ENTRY(munlock);
SYSCALL_ENTRY(mlockall);
SYSCALL_ENTRY(munlockall);
SYSCALL_ENTRY(getpid);
SYSCALL_ENTRY(getppid);
SYSCALL_ENTRY(gettid);
SYSCALL_ENTRY(getuid);
SYSCALL_ENTRY(getgid);
SYSCALL_ENTRY(uname);
SYSCALL_ENTRY(getrandom);
SYSCALL_ENTRY(ugetrlimit);
SYSCALL_ENTRY(old_getrlimit);
SYSCALL_ENTRY(setrlimit);
SYSCALL_ENTRY(prlimit64);
SYSCALL_ENTRY(sysinfo);

/* sys_task.c: per-task registrations */
SYSCALL_ENTRY(set_tid_address);
SYSCALL_ENTRY(set_robust_list);
SYSCALL_ENTRY(get_robust_list);
SYSCALL_ENTRY(rseq);

/* fork.c, sys_core.c: making and ending tasks */
SYSCALL_ENTRY(fork);
SYSCALL_ENTRY(vfork);
SYSCALL_ENTRY(clone);
SYSCALL_ENTRY(clone3);
SYSCALL_ENTRY(exit_group);

/* sys_proc.c: process groups, wait, prctl, affinity */
int  task_capable(int cap);            /* memsim's effective capability */
/* CLONE_SETTLS: the TLS descriptor the user_desc at u_info (in t's memory)
 * asks for, and its GDT entry (6-8; -1 is EINVAL: no allocation). */
long thread_area_desc(struct task_struct *t, uint32_t u_info, uint32_t *entry, uint8_t d[8]);
SYSCALL_ENTRY(getpgrp);
SYSCALL_ENTRY(getpgid);
SYSCALL_ENTRY(getsid);
SYSCALL_ENTRY(setpgid);
SYSCALL_ENTRY(setsid);
SYSCALL_ENTRY(wait4);
SYSCALL_ENTRY(waitid);
SYSCALL_ENTRY(prctl);
SYSCALL_ENTRY(sched_getaffinity);
SYSCALL_ENTRY(sched_setaffinity);
SYSCALL_ENTRY(getcpu);

/* sys_fs.c: files */
SYSCALL_ENTRY(read);
SYSCALL_ENTRY(write);
SYSCALL_ENTRY(writev);
SYSCALL_ENTRY(readv);
SYSCALL_ENTRY(open);
SYSCALL_ENTRY(openat);
SYSCALL_ENTRY(close);
SYSCALL_ENTRY(lseek);
SYSCALL_ENTRY(llseek);
SYSCALL_ENTRY(fstat64);
SYSCALL_ENTRY(stat64);
SYSCALL_ENTRY(lstat64);
SYSCALL_ENTRY(fstatat64);
SYSCALL_ENTRY(statx);
SYSCALL_ENTRY(readlink);
SYSCALL_ENTRY(readlinkat);
SYSCALL_ENTRY(copy_file_range);
/* eventpoll.c */
SYSCALL_ENTRY(epoll_create);
SYSCALL_ENTRY(epoll_create1);
SYSCALL_ENTRY(epoll_ctl);
SYSCALL_ENTRY(epoll_wait);
SYSCALL_ENTRY(epoll_pwait);
SYSCALL_ENTRY(epoll_pwait2);
/* eventfd.c */
SYSCALL_ENTRY(eventfd);
SYSCALL_ENTRY(eventfd2);
/* sys_xattr.c: extended attributes (none stored) */
SYSCALL_ENTRY(setxattr);
SYSCALL_ENTRY(lsetxattr);
SYSCALL_ENTRY(fsetxattr);
SYSCALL_ENTRY(getxattr);
SYSCALL_ENTRY(lgetxattr);
SYSCALL_ENTRY(fgetxattr);
SYSCALL_ENTRY(listxattr);
SYSCALL_ENTRY(llistxattr);
SYSCALL_ENTRY(flistxattr);
SYSCALL_ENTRY(removexattr);
SYSCALL_ENTRY(lremovexattr);
SYSCALL_ENTRY(fremovexattr);
SYSCALL_ENTRY(access);
SYSCALL_ENTRY(faccessat);
SYSCALL_ENTRY(faccessat2);
SYSCALL_ENTRY(ioctl);           /* tty_ioctl.c */
SYSCALL_ENTRY(dup);
SYSCALL_ENTRY(dup2);
SYSCALL_ENTRY(dup3);
SYSCALL_ENTRY(fcntl64);
SYSCALL_ENTRY(getdents64);
SYSCALL_ENTRY(poll);            /* select.c */
SYSCALL_ENTRY(pipe);                /* pipe.c */
SYSCALL_ENTRY(pipe2);
SYSCALL_ENTRY(execve);
SYSCALL_ENTRY(execveat);
SYSCALL_ENTRY(getcwd);
SYSCALL_ENTRY(chdir);
SYSCALL_ENTRY(fchdir);

/* sys_fsmeta.c: calls that change the file system (EROFS in Linux's order) */
SYSCALL_ENTRY(unlink);
SYSCALL_ENTRY(rmdir);
SYSCALL_ENTRY(unlinkat);
SYSCALL_ENTRY(mkdir);
SYSCALL_ENTRY(mkdirat);
SYSCALL_ENTRY(mknod);
SYSCALL_ENTRY(mknodat);
SYSCALL_ENTRY(rename);
SYSCALL_ENTRY(renameat);
SYSCALL_ENTRY(renameat2);
SYSCALL_ENTRY(symlink);
SYSCALL_ENTRY(symlinkat);
SYSCALL_ENTRY(link);
SYSCALL_ENTRY(linkat);
SYSCALL_ENTRY(chmod);
SYSCALL_ENTRY(fchmodat);
SYSCALL_ENTRY(chown);
SYSCALL_ENTRY(lchown);
SYSCALL_ENTRY(fchmod);
SYSCALL_ENTRY(fchown);
SYSCALL_ENTRY(fchownat);
SYSCALL_ENTRY(utimensat);
SYSCALL_ENTRY(utimensat64);
SYSCALL_ENTRY(utime);
SYSCALL_ENTRY(utimes);
SYSCALL_ENTRY(futimesat);
SYSCALL_ENTRY(truncate);
SYSCALL_ENTRY(truncate64);
SYSCALL_ENTRY(ftruncate);
SYSCALL_ENTRY(ftruncate64);
SYSCALL_ENTRY(getdents);

/* sys_fdops.c: small calls on descriptors and the file state */
SYSCALL_ENTRY(pread64);
SYSCALL_ENTRY(pwrite64);
SYSCALL_ENTRY(preadv);
SYSCALL_ENTRY(pwritev);
SYSCALL_ENTRY(fsync);
SYSCALL_ENTRY(ipc);                 /* sys_ipc.c: SysV shm */
SYSCALL_ENTRY(shmget);
SYSCALL_ENTRY(shmctl);
SYSCALL_ENTRY(shmat);
SYSCALL_ENTRY(shmdt);
SYSCALL_ENTRY(syncfs);
SYSCALL_ENTRY(flock);
SYSCALL_ENTRY(fadvise64);
SYSCALL_ENTRY(fadvise64_64);
SYSCALL_ENTRY(fstatfs64);
SYSCALL_ENTRY(statfs);
SYSCALL_ENTRY(fstatfs);
SYSCALL_ENTRY(statfs64);
SYSCALL_ENTRY(umask);
SYSCALL_ENTRY(getpriority);
SYSCALL_ENTRY(setpriority);
SYSCALL_ENTRY(getgroups32);
SYSCALL_ENTRY(sendfile);
SYSCALL_ENTRY(sendfile64);

/* sys_select.c: select and pselect6; select.c: ppoll (poll is above) */
SYSCALL_ENTRY(newselect);
SYSCALL_ENTRY(old_select);
SYSCALL_ENTRY(pselect6);
SYSCALL_ENTRY(pselect6_time64);
SYSCALL_ENTRY(ppoll);
SYSCALL_ENTRY(ppoll_time64);

/* sys_socket.c: no socket family is modelled */
SYSCALL_ENTRY(socketcall);
SYSCALL_ENTRY(socket);
SYSCALL_ENTRY(socketpair);
SYSCALL_ENTRY(accept4);
SYSCALL_ENTRY(recvmmsg);
SYSCALL_ENTRY(sockfd_op);

/* sys_time.c: clocks, sleeps, timers, resource usage */
SYSCALL_ENTRY(time);
SYSCALL_ENTRY(gettimeofday);
SYSCALL_ENTRY(clock_gettime);
SYSCALL_ENTRY(clock_gettime64);
SYSCALL_ENTRY(clock_getres);
SYSCALL_ENTRY(clock_getres_time64);
SYSCALL_ENTRY(nanosleep);
SYSCALL_ENTRY(clock_nanosleep);
SYSCALL_ENTRY(clock_nanosleep_time64);
SYSCALL_ENTRY(sched_yield);
SYSCALL_ENTRY(alarm);
SYSCALL_ENTRY(setitimer);
SYSCALL_ENTRY(getitimer);
SYSCALL_ENTRY(getrusage);
SYSCALL_ENTRY(times);
uint64_t time_ns(const struct task_struct *t);          /* model time since boot */
/* u as an i386 struct rusage (utime, stime, maxrss in KiB, minflt). */
void rusage_fill(const struct task_struct *t, const struct cpu_use *u, uint32_t ru[18]);
/* Sleep until the model clock reaches until (timers run meanwhile). */
long time_sleep_until(struct task_struct *t, uint64_t until);

/* sys_segment.c: descriptors */
SYSCALL_ENTRY(set_thread_area);
SYSCALL_ENTRY(get_thread_area);
SYSCALL_ENTRY(modify_ldt);

/* fd_table.c (the rest is sched.h and fs.h).  What mmap needs of guest fd: its mode and, for a readable regular file,
 * its mapping object with a reference for the caller (f->vmf; one host
 * descriptor per file, however often it is mapped).  0 or -EBADF. */
long fd_mmap_file(struct task_struct *t, uint32_t fd, struct mmap_file *f);
/* Close every descriptor and the cwd (task_free). */
void fd_table_close(struct task_struct *t);

/* sys_wait.c: a blocking call's timeout (the wait itself is wait.h's task_block) */
struct guest_timeout {
    int present;                /* 0: wait forever */
    int absolute;               /* sec/nsec is a deadline on the clock, not a length */
    int realtime;               /* the clock: CLOCK_REALTIME, else CLOCK_MONOTONIC */
    uint64_t sec, nsec;
};
/* A guest timespec at uts: 0, -EFAULT, or -EINVAL (timespec64_valid). */
long read_timeout(struct task_struct *t, uint32_t uts, int time64, struct guest_timeout *to);
/* sys_time.c: the guest clock clk (a clockid) in nanoseconds of model time. */
uint64_t guest_clock_ns(const struct task_struct *t, uint32_t clk);

/* sys_futex.c */
SYSCALL_ENTRY(futex);
SYSCALL_ENTRY(futex_time64);

/* sys_signal.c: signals within the process */
SYSCALL_ENTRY(kill);
SYSCALL_ENTRY(tkill);
SYSCALL_ENTRY(tgkill);
SYSCALL_ENTRY(rt_sigaction);
SYSCALL_ENTRY(sigaction);
SYSCALL_ENTRY(signal);
SYSCALL_ENTRY(sigprocmask);
SYSCALL_ENTRY(sgetmask);
SYSCALL_ENTRY(ssetmask);
SYSCALL_ENTRY(rt_sigprocmask);
SYSCALL_ENTRY(rt_sigpending);
SYSCALL_ENTRY(rt_sigtimedwait);
SYSCALL_ENTRY(rt_sigtimedwait_time64);
/* The return to user mode: act on every pending signal not blocked (a
 * handler's frame, a default action), then restart a call that asked for
 * it if no handler ran, and restore sigsuspend's mask. */
void signal_deliver_pending(struct task_struct *t);
/* A deliverable (pending, unblocked) signal has a user handler. */
int signal_handler_pending(const struct task_struct *t);
/* A signal may have become deliverable while t runs in user mode: the
 * engine enters the kernel at the next instruction boundary (arch op). */
void signal_wake_up(struct task_struct *t);
/* SIG_IGN, or SIG_DFL for a signal whose default is to ignore it. */
int sig_handler_ignored(const struct task_struct *t, uint32_t sig);
/* sig_fatal: its action kills the process (SIG_DFL, a terminating default). */
int sig_fatal(const struct task_struct *t, uint32_t sig);
/* do_sigaltstack's change to nw (ss_sp, ss_flags, ss_size) with the user
 * stack at sp: 0 or -EPERM, -EINVAL, -ENOMEM. */
long do_sigaltstack(struct task_struct *t, const uint32_t nw[3], uint32_t sp);
/* Sleep until a signal acts with blocked set to wait (pause, sigsuspend, a
 * select with nothing to wait for): the real timer's expiry on the model
 * clock, or a deadlock.  -ERESTARTNOHAND when a handler is to run (the
 * guest sees -EINTR after it), -EINTR when the run is over. */
long signal_wait(struct task_struct *t, uint64_t wait, const char *what);
SYSCALL_ENTRY(pause);
SYSCALL_ENTRY(sigsuspend);
SYSCALL_ENTRY(rt_sigsuspend);
SYSCALL_ENTRY(sigaltstack);
SYSCALL_ENTRY(sigreturn);
SYSCALL_ENTRY(rt_sigreturn);

/* sys_exec.c: unshare_sighand, then Linux's flush_signal_handlers(t, 0):
 * a caught signal is SIG_DFL again, an ignored one stays ignored; flags,
 * masks and restorers go (exec, clone3's CLONE_CLEAR_SIGHAND).  0 or
 * -ENOMEM. */
int flush_signal_handlers(struct task_struct *t);

/* sys_fs.c: the walk of a stat-like call on guest path `path` (flags
 * AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH): 0 and *st, with hfd a descriptor of
 * the host object (-1: the model's) and host_ro set for a read-only host
 * tree; or -errno. */
long stat_lookup(struct task_struct *t, uint32_t dirfd, char *path, uint32_t flags,
                 struct stat *st, int *hfd, int *host_ro);

#endif

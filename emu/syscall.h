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
long sys_ioctl(struct machine *m, const uint32_t a[6]);
long sys_dup(struct machine *m, const uint32_t a[6]);
long sys_dup2(struct machine *m, const uint32_t a[6]);
long sys_dup3(struct machine *m, const uint32_t a[6]);
long sys_fcntl64(struct machine *m, const uint32_t a[6]);
long sys_getdents64(struct machine *m, const uint32_t a[6]);
long sys_poll(struct machine *m, const uint32_t a[6]);
long sys_getcwd(struct machine *m, const uint32_t a[6]);
long sys_chdir(struct machine *m, const uint32_t a[6]);

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

#endif

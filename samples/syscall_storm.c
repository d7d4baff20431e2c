/*
 * syscall_storm.c — fuzzes the system-call layer from inside the guest.
 *
 * 20000 system calls drawn by a fixed-seed PRNG from the calls a program
 * may make without harming itself or the host (no exit, no kill, no writes
 * to files, no unmapping of its own image), with hostile arguments: NULL,
 * odd addresses, kernel addresses, a PROT_NONE page, a read-only page, a
 * buffer that ends at a PROT_NONE page, huge lengths, random fds and flags.
 * Every call must simply return (a value or -errno); the kernel must
 * neither crash nor kill the guest.  The output is only the count, so
 * memsim and qemu-i386 must agree on it: "storm: 20000 calls survived".
 *
 *   syscall_storm [CALLS]       (default 20000; tests/golden records 700)
 *
 * What the calls read is what earlier calls wrote (scratch), so the storm
 * must not feed back what differs from one host or checkout to the next:
 * the calls that report host file state (stat64, fstat64, statx, getcwd,
 * readlink) write into a sink no later call reads, never into scratch; the
 * host's inode numbers, times and the cwd's path stay out of every later
 * argument.  The files the opens find are the devices the kernel model
 * serves itself, /dev/null and /dev/zero (a path argument names one of
 * them a tenth of the time).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint32_t state = 0x2545f491u;
static uint32_t rnd(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static char scratch[8192];
static char sink[8192];                 /* host file state: written, never read */
static char *none_page, *ro_page;

/* The files the opens may find: devices the kernel model serves itself. */
static const char *const dev_paths[] = { "/dev/null", "/dev/zero" };

/* A pointer argument: sometimes good (into good, or a device path when
 * paths), mostly not. */
static uint32_t any_ptr_arg(char *good, int paths)
{
    uint32_t r = rnd() % 10;
    if (r == 7 && paths)
        return (uint32_t)(uintptr_t)dev_paths[rnd() % 2];
    switch (r) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 0xc0000000u + (rnd() & 0xffff);
    case 3: return 0xfffff000u;
    case 4: return (uint32_t)(uintptr_t)none_page + (rnd() & 0xfff);
    case 5: return (uint32_t)(uintptr_t)ro_page;
    case 6: return (uint32_t)(uintptr_t)ro_page + 4096 - 8;   /* runs into PROT_NONE */
    default: return (uint32_t)(uintptr_t)good + (rnd() & 0xfff);
    }
}

static uint32_t ptr_arg(void) { return any_ptr_arg(scratch, 1); }
/* the result buffer of a call that reports host file state */
static uint32_t host_out_arg(void) { return any_ptr_arg(sink, 0); }

static uint32_t int_arg(void)
{
    switch (rnd() % 4) {
    case 0: return rnd() & 0xf;
    case 1: return rnd();
    case 2: return (uint32_t)-1;
    default: return rnd() & 0xffff;
    }
}

static uint32_t fd_arg(void) { return 3 + rnd() % 8; }   /* never stdin/stdout/stderr */

static void one_call(void)
{
    uint32_t r = rnd() % 24;
    switch (r) {
    case 0:  syscall(SYS_time, ptr_arg()); break;
    case 1:  syscall(SYS_uname, ptr_arg()); break;
    case 2:  syscall(SYS_clock_gettime, int_arg() & 15, ptr_arg()); break;
    case 3:  syscall(SYS_gettimeofday, ptr_arg(), 0); break;
    case 4:  syscall(SYS_getrandom, ptr_arg(), rnd() % 64, 0); break;
    case 5:  syscall(SYS_sysinfo, ptr_arg()); break;
    case 6:  syscall(SYS_ugetrlimit, int_arg(), ptr_arg()); break;
    case 7:  syscall(SYS_prlimit64, 0, int_arg(), 0, ptr_arg()); break;
    case 8:  syscall(SYS_rt_sigprocmask, rnd() % 4, 0, ptr_arg(), rnd() % 2 ? 8 : int_arg()); break;
    case 9:  syscall(SYS_rt_sigaction, 1 + rnd() % 64, 0, ptr_arg(), 8); break;
    case 10: syscall(SYS_fstat64, fd_arg(), host_out_arg()); break;
    case 11: syscall(SYS_stat64, ptr_arg(), host_out_arg()); break;
    case 12: syscall(SYS_readlink, ptr_arg(), host_out_arg(), int_arg()); break;
    case 13: syscall(SYS_access, ptr_arg(), rnd() % 8); break;
    case 14: syscall(SYS_lseek, fd_arg(), int_arg(), rnd() % 4); break;
    case 15: syscall(SYS_read, fd_arg(), ptr_arg(), rnd() % 8192); break;
    case 16: syscall(SYS_getcwd, host_out_arg(), int_arg()); break;
    case 17: syscall(SYS_statx, -100, ptr_arg(), rnd() & 0x6100, int_arg(), host_out_arg()); break;
    case 18: syscall(SYS_ioctl, fd_arg(), 0x5401, ptr_arg()); break;
    case 19: syscall(SYS_poll, ptr_arg(), rnd() % 4, 0); break;
    case 20: syscall(SYS_get_thread_area, ptr_arg()); break;
    case 21: syscall(SYS_writev, fd_arg(), ptr_arg(), rnd() % 4); break;
    case 22: {
        /* map, touch, protect and unmap a scratch area of its own */
        uint32_t len = (1 + rnd() % 16) * 4096;
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            p[rnd() % len] = 1;
            syscall(SYS_mprotect, p + 4096 * (rnd() % (len / 4096)), 4096 * (1 + rnd() % 2), rnd() % 8);
            syscall(SYS_madvise, p, len, rnd() % 5);
            munmap(p, len);
        }
        break;
    }
    default: syscall(SYS_open, ptr_arg(), 0, 0); break;   /* read-only opens of whatever */
    }
}

int main(int argc, char **argv)
{
    none_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ro_page = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (none_page == MAP_FAILED || ro_page == MAP_FAILED)
        return 1;
    munmap(ro_page + 4096, 4096);      /* ro_page is followed by a hole */
    mprotect(ro_page + 4096, 0, PROT_NONE);
    int calls = argc > 1 ? atoi(argv[1]) : 20000;
    for (int i = 0; i < calls; i++)
        one_call();
    printf("storm: %d calls survived\n", calls);
    return 0;
}

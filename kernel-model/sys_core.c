/*
 * sys_core.c — the memory, identity and resource-limit system calls.
 * File calls are in sys_fs.c, clocks and timers in sys_time.c; the table
 * is syscall_table.c, dispatch syscall.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/version.h"
#include "kernel-model/sys_internal.h"

#define RLIM_INFINITY_32 0xffffffffu

/* exit(2) ends this thread (the process with its last thread);
 * exit_group(2) every thread of the process. */
SYSCALL_DEFINE1(exit, uint32_t, error_code)
{
    task_exit_thread(t, (int)(error_code & 0xff));
    return 0;
}

SYSCALL_DEFINE1(exit_group, uint32_t, error_code)
{
    task_exit(t, (int)(error_code & 0xff));
    return 0;
}

SYSCALL_DEFINE1(brk, uint32_t, brk)
{
    return (long)do_brk(t->mm, brk);
}

static long mmap_common(struct task_struct *t, uint32_t addr, uint32_t len, uint32_t prot,
                        uint32_t flags, uint32_t fd, uint32_t pgoff)
{
    struct mmap_file file = { 0 };
    uint32_t file_bytes = 0;
    int anon = (flags & MAP_ANONYMOUS_) != 0;
    if (!anon) {
        /* the fd first (ksys_mmap_pgoff's fget), the file's mode in order
         * inside do_mmap_file */
        long err = fd_mmap_file(t, fd, &file);
        if (err)
            return err;
        /* The file is read at fault time: pages past its end then are
         * SIGBUS, the tail of the last page zeros (memory.c). */
        file_bytes = len;
    }
    long r = do_mmap_file(t->mm, addr, len, prot, flags, anon ? NULL : &file, pgoff,
                          file_bytes, NULL);
    vm_file_put(file.vmf);
    return r;
}

SYSCALL_DEFINE6(mmap2, uint32_t, addr, uint32_t, len, uint32_t, prot, uint32_t, flags, uint32_t, fd, uint32_t, pgoff)
{
    return mmap_common(t, addr, len, prot, flags, fd, pgoff);
}

/* old_mmap (90): one pointer to six longs, the offset in bytes. */
SYSCALL_DEFINE1(old_mmap, uint32_t, arg)
{
    uint32_t v[6];
    if (copy_from_user(t->mm, v, arg, sizeof v))
        return -EFAULT;
    if (v[5] & ~PAGE_MASK)
        return -EINVAL;
    return mmap_common(t, v[0], v[1], v[2], v[3], v[4], v[5] >> PAGE_SHIFT);
}

SYSCALL_DEFINE2(munmap, uint32_t, addr, uint32_t, len) { return do_munmap(t->mm, addr, len); }
SYSCALL_DEFINE3(mprotect, uint32_t, start, uint32_t, len, uint32_t, prot) { return do_mprotect(t->mm, start, len, prot); }

SYSCALL_DEFINE3(madvise, uint32_t, start, uint32_t, len_in, uint32_t, behavior)
{
    return do_madvise(t->mm, start, len_in, behavior);
}

SYSCALL_DEFINE5(mremap, uint32_t, addr, uint32_t, old_len, uint32_t, new_len, uint32_t, flags, uint32_t, new_addr)
{
    return do_mremap(t->mm, addr, old_len, new_len, flags, new_addr);
}

/* mincore(start, len, vec): the model fills a host buffer; vec must lie
 * below TASK_SIZE (access_ok, -EFAULT) before the walk, and the bytes the
 * walk wrote are copied out even when it ends in -ENOMEM, as Linux's
 * chunked copy does. */
SYSCALL_DEFINE3(mincore, uint32_t, start, uint32_t, len, uint32_t, vec)
{
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
    long r = do_mincore(t->mm, start, len, buf, &done);
    if (done && copy_to_user(t->mm, vec, buf, done))
        r = -EFAULT;
    free(buf);
    return r;
}

SYSCALL_DEFINE3(msync, uint32_t, start, uint32_t, len, uint32_t, flags) { return do_msync(t->mm, start, len, flags); }
SYSCALL_DEFINE2(mlock, uint32_t, start, uint32_t, len) { return do_mlock(t->mm, start, len, 0); }
SYSCALL_DEFINE3(mlock2, uint32_t, start, uint32_t, len, uint32_t, flags) { return do_mlock(t->mm, start, len, flags); }
SYSCALL_DEFINE2(munlock, uint32_t, start, uint32_t, len) { return do_munlock(t->mm, start, len); }
SYSCALL_DEFINE1(mlockall, uint32_t, flags) { return do_mlockall(t->mm, flags); }
SYSCALL_DEFINE0(munlockall) { return do_munlockall(t->mm); }

SYSCALL_DEFINE0(getpid) { return t->tgid; }
SYSCALL_DEFINE0(gettid) { return t->pid; }
SYSCALL_DEFINE0(getppid) { return t->ppid; }
SYSCALL_DEFINE0(getuid) { return (long)getuid(); }
SYSCALL_DEFINE0(getgid) { return (long)getgid(); }

SYSCALL_DEFINE1(uname, uint32_t, name)
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strcpy(u[0], "Linux");
    strcpy(u[1], "memsim");
    strcpy(u[2], "6.1.0-memsim");
    strcpy(u[3], "#1 SMP PREEMPT_DYNAMIC memsim " MEMSIM_VERSION);
    strcpy(u[4], "i686");
    strcpy(u[5], "(none)");
    return copy_to_user(t->mm, name, u, sizeof u) ? -EFAULT : 0;
}

#define GRND_NONBLOCK 1u
#define GRND_RANDOM   2u
#define GRND_INSECURE 4u

/* getrandom(2): the whole length (no signal can interrupt the model). */
SYSCALL_DEFINE3(getrandom, uint32_t, ubuf, uint32_t, len, uint32_t, flags)
{
    if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
        (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    len = len > INT32_MAX ? INT32_MAX : len;
    uint8_t buf[4096];
    for (uint32_t done = 0; done < len; ) {
        uint32_t n = len - done < sizeof buf ? len - done : (uint32_t)sizeof buf;
        kernel_random_bytes(t->k, buf, n);
        if (copy_to_user(t->mm, ubuf + done, buf, n))
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

static long getrlimit_32(struct task_struct *t, uint32_t resource, uint32_t rlim, uint32_t inf)
{
    if (resource >= RLIM_NLIMITS_)
        return -EINVAL;
    const struct rlimit64_ *rl = &t->mm->rlim[resource];
    uint32_t r[2] = { rlim_to_32(rl->rlim_cur, inf), rlim_to_32(rl->rlim_max, inf) };
    return copy_to_user(t->mm, rlim, r, sizeof r) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(ugetrlimit, uint32_t, resource, uint32_t, rlim)
{
    return getrlimit_32(t, resource, rlim, RLIM_INFINITY_32);
}

SYSCALL_DEFINE2(old_getrlimit, uint32_t, resource, uint32_t, rlim)
{
    return getrlimit_32(t, resource, rlim, 0x7fffffffu);
}

#define CAP_SYS_RESOURCE 24

SYSCALL_DEFINE2(setrlimit, uint32_t, resource, uint32_t, rlim)
{
    uint32_t r[2];
    if (copy_from_user(t->mm, r, rlim, sizeof r))
        return -EFAULT;
    struct rlimit64_ lim = { rlim_from_32(r[0]), rlim_from_32(r[1]) };
    return rlimit_set(t->mm->rlim, resource, lim, task_capable(CAP_SYS_RESOURCE));
}

SYSCALL_DEFINE4(prlimit64, uint32_t, pid, uint32_t, resource, uint32_t, new_rlim, uint32_t, old_rlim)
{
    uint64_t r[2];
    if (pid != 0 && pid != t->pid)
        return -ESRCH;
    if (resource >= RLIM_NLIMITS_)
        return -EINVAL;
    struct rlimit64_ old = t->mm->rlim[resource];
    if (new_rlim) {
        if (copy_from_user(t->mm, r, new_rlim, sizeof r))
            return -EFAULT;
        long err = rlimit_set(t->mm->rlim, resource, (struct rlimit64_){ r[0], r[1] },
                              task_capable(CAP_SYS_RESOURCE));
        if (err)
            return err;
    }
    r[0] = old.rlim_cur;
    r[1] = old.rlim_max;
    if (old_rlim && copy_to_user(t->mm, old_rlim, r, sizeof r))
        return -EFAULT;
    return 0;
}

SYSCALL_DEFINE1(sysinfo, uint32_t, info)
{
    uint32_t si[16] = { 0 };            /* struct sysinfo, i386: 64 bytes */
    si[0] = (uint32_t)(kclock_cycles(t->k) / t->k->clock.hz);              /* uptime */
    si[4] = t->k->pm.nr_pages;                               /* totalram */
    si[5] = nr_free_pages(&t->k->pgdat);                     /* freeram */
    si[10] = 1;                                             /* procs (u16) */
    si[13] = PAGE_SIZE;                                     /* mem_unit */
    return copy_to_user(t->mm, info, si, sizeof si) ? -EFAULT : 0;
}


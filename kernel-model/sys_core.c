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

long sys_exit(struct task_struct *t, const uint32_t a[6])
{
    task_exit(t, (int)(a[0] & 0xff));
    return 0;
}

long sys_brk(struct task_struct *t, const uint32_t a[6])
{
    return (long)do_brk(t->mm, a[0]);
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

long sys_mmap2(struct task_struct *t, const uint32_t a[6])
{
    return mmap_common(t, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* old_mmap (90): one pointer to six longs, the offset in bytes. */
long sys_old_mmap(struct task_struct *t, const uint32_t a[6])
{
    uint32_t v[6];
    if (copy_from_user(t->mm, v, a[0], sizeof v))
        return -EFAULT;
    if (v[5] & ~PAGE_MASK)
        return -EINVAL;
    return mmap_common(t, v[0], v[1], v[2], v[3], v[4], v[5] >> PAGE_SHIFT);
}

long sys_munmap(struct task_struct *t, const uint32_t a[6]) { return do_munmap(t->mm, a[0], a[1]); }
long sys_mprotect(struct task_struct *t, const uint32_t a[6]) { return do_mprotect(t->mm, a[0], a[1], a[2]); }

long sys_madvise(struct task_struct *t, const uint32_t a[6])
{
    return do_madvise(t->mm, a[0], a[1], a[2]);
}

long sys_mremap(struct task_struct *t, const uint32_t a[6])
{
    return do_mremap(t->mm, a[0], a[1], a[2], a[3], a[4]);
}

/* mincore(start, len, vec): the model fills a host buffer; vec must lie
 * below TASK_SIZE (access_ok, -EFAULT) before the walk, and the bytes the
 * walk wrote are copied out even when it ends in -ENOMEM, as Linux's
 * chunked copy does. */
long sys_mincore(struct task_struct *t, const uint32_t a[6])
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
    long r = do_mincore(t->mm, start, len, buf, &done);
    if (done && copy_to_user(t->mm, vec, buf, done))
        r = -EFAULT;
    free(buf);
    return r;
}

long sys_msync(struct task_struct *t, const uint32_t a[6]) { return do_msync(t->mm, a[0], a[1], a[2]); }
long sys_mlock(struct task_struct *t, const uint32_t a[6]) { return do_mlock(t->mm, a[0], a[1], 0); }
long sys_mlock2(struct task_struct *t, const uint32_t a[6]) { return do_mlock(t->mm, a[0], a[1], a[2]); }
long sys_munlock(struct task_struct *t, const uint32_t a[6]) { return do_munlock(t->mm, a[0], a[1]); }
long sys_mlockall(struct task_struct *t, const uint32_t a[6]) { return do_mlockall(t->mm, a[0]); }
long sys_munlockall(struct task_struct *t, const uint32_t a[6]) { return do_munlockall(t->mm); }

long sys_getpid(struct task_struct *t, const uint32_t a[6]) { return t->tgid; }
long sys_gettid(struct task_struct *t, const uint32_t a[6]) { return t->pid; }
long sys_getppid(struct task_struct *t, const uint32_t a[6]) { return t->ppid; }
long sys_getuid(struct task_struct *t, const uint32_t a[6]) { return (long)getuid(); }
long sys_getgid(struct task_struct *t, const uint32_t a[6]) { return (long)getgid(); }

long sys_uname(struct task_struct *t, const uint32_t a[6])
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strcpy(u[0], "Linux");
    strcpy(u[1], "memsim");
    strcpy(u[2], "6.1.0-memsim");
    strcpy(u[3], "#1 SMP PREEMPT_DYNAMIC memsim " MEMSIM_VERSION);
    strcpy(u[4], "i686");
    strcpy(u[5], "(none)");
    return copy_to_user(t->mm, a[0], u, sizeof u) ? -EFAULT : 0;
}

#define GRND_NONBLOCK 1u
#define GRND_RANDOM   2u
#define GRND_INSECURE 4u

/* getrandom(2): the whole length (no signal can interrupt the model). */
long sys_getrandom(struct task_struct *t, const uint32_t a[6])
{
    uint32_t flags = a[2];
    if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
        (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    uint32_t len = a[1] > INT32_MAX ? INT32_MAX : a[1];
    uint8_t buf[4096];
    for (uint32_t done = 0; done < len; ) {
        uint32_t n = len - done < sizeof buf ? len - done : (uint32_t)sizeof buf;
        kernel_random_bytes(t->k, buf, n);
        if (copy_to_user(t->mm, a[0] + done, buf, n))
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

static long getrlimit_32(struct task_struct *t, const uint32_t a[6], uint32_t inf)
{
    if (a[0] >= RLIM_NLIMITS_)
        return -EINVAL;
    const struct rlimit64_ *rl = &t->mm->rlim[a[0]];
    uint32_t r[2] = { rlim_to_32(rl->rlim_cur, inf), rlim_to_32(rl->rlim_max, inf) };
    return copy_to_user(t->mm, a[1], r, sizeof r) ? -EFAULT : 0;
}

long sys_ugetrlimit(struct task_struct *t, const uint32_t a[6])
{
    return getrlimit_32(t, a, RLIM_INFINITY_32);
}

long sys_old_getrlimit(struct task_struct *t, const uint32_t a[6])
{
    return getrlimit_32(t, a, 0x7fffffffu);
}

#define CAP_SYS_RESOURCE 24

long sys_setrlimit(struct task_struct *t, const uint32_t a[6])
{
    uint32_t r[2];
    if (copy_from_user(t->mm, r, a[1], sizeof r))
        return -EFAULT;
    struct rlimit64_ lim = { rlim_from_32(r[0]), rlim_from_32(r[1]) };
    return rlimit_set(t->mm->rlim, a[0], lim, task_capable(CAP_SYS_RESOURCE));
}

long sys_prlimit64(struct task_struct *t, const uint32_t a[6])
{
    uint64_t r[2];
    if (a[0] != 0 && a[0] != t->pid)
        return -ESRCH;
    if (a[1] >= RLIM_NLIMITS_)
        return -EINVAL;
    struct rlimit64_ old = t->mm->rlim[a[1]];
    if (a[2]) {
        if (copy_from_user(t->mm, r, a[2], sizeof r))
            return -EFAULT;
        long err = rlimit_set(t->mm->rlim, a[1], (struct rlimit64_){ r[0], r[1] },
                              task_capable(CAP_SYS_RESOURCE));
        if (err)
            return err;
    }
    r[0] = old.rlim_cur;
    r[1] = old.rlim_max;
    if (a[3] && copy_to_user(t->mm, a[3], r, sizeof r))
        return -EFAULT;
    return 0;
}

long sys_sysinfo(struct task_struct *t, const uint32_t a[6])
{
    uint32_t si[16] = { 0 };            /* struct sysinfo, i386: 64 bytes */
    si[0] = (uint32_t)(kclock_cycles(t->k) / t->k->clock.hz);              /* uptime */
    si[4] = t->k->pm.nr_pages;                               /* totalram */
    si[5] = nr_free_pages(&t->k->pgdat);                     /* freeram */
    si[10] = 1;                                             /* procs (u16) */
    si[13] = PAGE_SIZE;                                     /* mem_unit */
    return copy_to_user(t->mm, a[0], si, sizeof si) ? -EFAULT : 0;
}


/*
 * eventfd.c — eventfd (323) and eventfd2 (328) (fs/eventfd.c): a file
 * around a 64-bit counter, the wake-up channel of event loops and thread
 * pools (libuv, glib, Python's asyncio on Linux).
 *
 * A read of at least 8 bytes takes the counter (EFD_SEMAPHORE: 1 of it)
 * and waits while it is 0; a write of 8 bytes adds a value and waits while
 * the sum would pass 0xfffffffffffffffe; either returns EAGAIN instead of
 * waiting with EFD_NONBLOCK.  Readable while the counter is not 0,
 * writable while 1 more fits (poll, select, epoll).  The waits are the
 * model's: the read and write queues, the call re-run when woken.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kernel-model/fs.h"
#include "kernel-model/poll.h"
#include "kernel-model/sys_internal.h"

#define EFD_SEMAPHORE 1u
#define EFD_SHARED_FCNTL_FLAGS (G_O_CLOEXEC | G_O_NONBLOCK)
#define ULLONG_MAX_ 0xffffffffffffffffull

struct eventfd_ctx {
    uint64_t count;
    unsigned flags;             /* EFD_SEMAPHORE */
    struct wait_queue_head rd_wait, wr_wait;
};

/* The bytes the user's iovec holds; the first 8 written or read. */
static uint64_t iov_total(const struct user_iov *iov, unsigned nr)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < nr; i++)
        n += iov[i].len;
    return n;
}

static int iov_copy(struct task_struct *t, const struct user_iov *iov, unsigned nr, void *buf,
                    int to_user)
{
    uint8_t *b = buf;
    uint32_t left = 8;
    for (unsigned i = 0; i < nr && left; i++) {
        uint32_t n = iov[i].len < left ? iov[i].len : left;
        if (n && (to_user ? copy_to_user(t->mm, iov[i].base, b, n)
                          : copy_from_user(t->mm, b, iov[i].base, n)))
            return -EFAULT;
        b += n;
        left -= n;
    }
    return 0;
}

static long eventfd_read_iter(struct task_struct *t, struct file *f, const struct user_iov *iov,
                              unsigned nr)
{
    struct eventfd_ctx *ctx = f->private_data;
    if (iov_total(iov, nr) < 8)
        return -EINVAL;
    if (!ctx->count) {
        if (f->f_flags & G_O_NONBLOCK)
            return -EAGAIN;
        struct wait_queue_head *q = &ctx->rd_wait;
        return task_block(t, &q, 1, NULL, "eventfd read");
    }
    uint64_t v = ctx->flags & EFD_SEMAPHORE ? 1 : ctx->count;
    if (iov_copy(t, iov, nr, &v, 1))
        return -EFAULT;
    ctx->count -= v;
    wake_up(&ctx->wr_wait);
    return 8;
}

static long eventfd_write_iter(struct task_struct *t, struct file *f, const struct user_iov *iov,
                               unsigned nr)
{
    struct eventfd_ctx *ctx = f->private_data;
    uint64_t v;
    if (iov_total(iov, nr) < 8)
        return -EINVAL;
    if (iov_copy(t, iov, nr, &v, 0))
        return -EFAULT;
    if (v == ULLONG_MAX_)
        return -EINVAL;
    if (ULLONG_MAX_ - ctx->count <= v) {
        if (f->f_flags & G_O_NONBLOCK)
            return -EAGAIN;
        struct wait_queue_head *q = &ctx->wr_wait;
        return task_block(t, &q, 1, NULL, "eventfd write");
    }
    ctx->count += v;
    if (ctx->count)
        wake_up(&ctx->rd_wait);
    return 8;
}

static unsigned eventfd_poll(struct file *f, struct poll_table *pt)
{
    struct eventfd_ctx *ctx = f->private_data;
    poll_wait(pt, &ctx->rd_wait);
    poll_wait(pt, &ctx->wr_wait);
    unsigned mask = 0;
    if (ctx->count)
        mask |= G_POLLIN | G_POLLRDNORM;
    if (ctx->count == ULLONG_MAX_)
        mask |= G_POLLERR;
    if (ULLONG_MAX_ - 1 > ctx->count)
        mask |= G_POLLOUT | G_POLLWRNORM;
    return mask;
}

static void eventfd_release(struct file *f)
{
    struct eventfd_ctx *ctx = f->private_data;
    wake_up(&ctx->rd_wait);      /* nobody may stay queued on freed memory */
    wake_up(&ctx->wr_wait);
    free(ctx);
}

static const struct file_operations eventfd_fops = {
    .kind = FILE_EVENTFD, .read_iter = eventfd_read_iter, .write_iter = eventfd_write_iter,
    .poll = eventfd_poll, .getattr = anon_inode_getattr, .release = eventfd_release,
};

/* do_eventfd: flags other than EFD_CLOEXEC, EFD_NONBLOCK and
 * EFD_SEMAPHORE are EINVAL. */
static long do_eventfd(struct task_struct *t, uint32_t count, uint32_t flags)
{
    if (flags & ~(EFD_SHARED_FCNTL_FLAGS | EFD_SEMAPHORE))
        return -EINVAL;
    struct eventfd_ctx *ctx = calloc(1, sizeof *ctx);
    struct file *f = ctx ? alloc_file(&eventfd_fops, NULL, 2u | (flags & G_O_NONBLOCK),
                                      "anon_inode:[eventfd]", ctx) : NULL;
    if (!f) {
        free(ctx);
        return -ENOMEM;
    }
    ctx->count = count;
    ctx->flags = flags & EFD_SEMAPHORE;
    init_waitqueue_head(&ctx->rd_wait);
    init_waitqueue_head(&ctx->wr_wait);
    f->f_mode = FMODE_READ_ | FMODE_WRITE_;
    return fd_install_file(t, f, (flags & G_O_CLOEXEC) != 0, 0);
}

SYSCALL_DEFINE1(eventfd, uint32_t, count)
{
    return do_eventfd(t, count, 0);
}

SYSCALL_DEFINE2(eventfd2, uint32_t, count, uint32_t, flags)
{
    return do_eventfd(t, count, flags);
}

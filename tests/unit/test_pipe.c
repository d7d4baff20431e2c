/*
 * test_pipe.c — anonymous pipes (kernel-model/pipe.c) through the guest's
 * system calls, against Linux 6.1's fs/pipe.c:
 *   - pipe/pipe2: the two ends (O_RDONLY, O_WRONLY), O_CLOEXEC, O_NONBLOCK,
 *     bad flags EINVAL, O_NOTIFICATION_PIPE ENOPKG, a bad pointer EFAULT
 *     and EMFILE with nothing left behind; fstat S_IFIFO 0600, lseek/pread
 *     ESPIPE, fsync EINVAL, read of the write end EBADF;
 *   - capacity 65536 (16 pages), F_GETPIPE_SZ, FIONREAD, small writes
 *     merging into one page, PIPE_BUF atomicity and partial writes with
 *     O_NONBLOCK (EAGAIN), writev as one write, packet mode (O_DIRECT);
 *   - EOF once the last writer closed, EPIPE + SIGPIPE with no reader, a
 *     write of 0 bytes is 0 even then;
 *   - pipe_poll's masks (POLLIN/POLLOUT/POLLHUP/POLLERR);
 *   - F_SETPIPE_SZ: pages rounded up to a power of two, EBUSY below the
 *     content, EINVAL past 2^31, EPERM past pipe-max-size without
 *     CAP_SYS_RESOURCE; F_SETFL O_NONBLOCK/O_DIRECT on a model file;
 *   - pages: one from buddy per buffer as written, freed when drained but
 *     one spare, the rest with the pipe; the ends counted per struct file
 *     (dup keeps an end open, its last close ends it);
 *   - a blocking read nobody can satisfy is the deadlock (one task).
 * At the end every frame is back (sys_fini).  Both paging modes.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "kernel-model/fs.h"
#include "kernel-model/pipe.h"
#include "kernel-model/poll.h"
#include "tests/unit/task_fixture.h"

#define BIG (128u * 1024u)
#define F_GETFL_ 3u
#define F_SETFL_ 4u
#define F_DUPFD_ 0u

static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
    uint32_t a[6] = { a0, a1, a2, 0, 0, 0 };
    return fixture_syscall(t, nr, a);
}

/* pipe2 into fds[]: the result. */
static long mkpipe(struct task_struct *t, uint32_t ubuf, uint32_t flags, int32_t fds[2])
{
    long r = call(t, NR_PIPE2, ubuf, flags, 0);
    if (!r)
        CHECK_EQ(copy_from_user(t->mm, fds, ubuf, 8), 0);
    return r;
}

static long wr(struct task_struct *t, int32_t fd, uint32_t buf, uint32_t n)
{
    return call(t, NR_WRITE, (uint32_t)fd, buf, n);
}

static long rd(struct task_struct *t, int32_t fd, uint32_t buf, uint32_t n)
{
    return call(t, NR_READ, (uint32_t)fd, buf, n);
}

static int fionread(struct task_struct *t, int32_t fd, uint32_t ubuf)
{
    int n = -1;
    CHECK_EQ(call(t, NR_IOCTL, (uint32_t)fd, FIONREAD, ubuf), 0);
    CHECK_EQ(copy_from_user(t->mm, &n, ubuf, 4), 0);
    return n;
}

static unsigned mask_of(struct task_struct *t, int32_t fd)
{
    return vfs_poll(fdget(t->files, (uint32_t)fd), NULL);
}

/* Frames in use as pipe buffers (purpose "pipe"). */
static uint32_t pipe_frames(struct sys *s)
{
    uint32_t n = 0;
    for (uint32_t pfn = 0; pfn < s->k.pm.nr_pages; pfn++) {
        const struct page *pg = pfn_to_page(&s->k.pm, pfn);
        n += pg->purpose == PURPOSE_PIPE && pg->_refcount > 0 && !(pg->flags & PG_buddy);
    }
    return n;
}

static void close2(struct task_struct *t, const int32_t fds[2])
{
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)fds[0], 0, 0), 0);
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)fds[1], 0, 0), 0);
}

static void test_create(struct task_struct *t, uint32_t ubuf)
{
    int32_t p[2];
    CHECK_EQ(call(t, NR_PIPE, ubuf, 0, 0), 0);
    CHECK_EQ(copy_from_user(t->mm, p, ubuf, 8), 0);
    CHECK_EQ(p[0], 0);
    CHECK_EQ(p[1], 1);
    CHECK_EQ(call(t, NR_FCNTL64, 0, F_GETFL_, 0), 0);         /* O_RDONLY */
    CHECK_EQ(call(t, NR_FCNTL64, 1, F_GETFL_, 0), 1);         /* O_WRONLY */
    CHECK_EQ(call(t, NR_FCNTL64, 0, G_F_GETPIPE_SZ, 0), 65536);
    CHECK_EQ(call(t, NR_FSTAT64, 0, ubuf, 0), 0);
    uint32_t mode, nlink;
    int64_t size;
    uint32_t blksize;
    CHECK_EQ(copy_from_user(t->mm, &mode, ubuf + 16, 4), 0);
    CHECK_EQ(copy_from_user(t->mm, &nlink, ubuf + 20, 4), 0);
    CHECK_EQ(copy_from_user(t->mm, &size, ubuf + 44, 8), 0);
    CHECK_EQ(copy_from_user(t->mm, &blksize, ubuf + 52, 4), 0);
    CHECK_EQ(mode, S_IFIFO | 0600);
    CHECK_EQ(nlink, 1);
    CHECK_EQ(size, 0);
    CHECK_EQ(blksize, 4096);
    CHECK_EQ(call(t, NR_LSEEK, 0, 0, 0), -ESPIPE);
    CHECK_EQ(call(t, NR_PREAD64, 0, ubuf, 1), -ESPIPE);
    CHECK_EQ(call(t, NR_FSYNC, 1, 0, 0), -EINVAL);
    CHECK_EQ(rd(t, 1, ubuf, 1), -EBADF);                       /* the write end */
    CHECK_EQ(wr(t, 0, ubuf, 1), -EBADF);
    close2(t, p);

    CHECK_EQ(mkpipe(t, ubuf, G_O_CLOEXEC | G_O_NONBLOCK, p), 0);
    CHECK(fd_cloexec(t->files, (uint32_t)p[0]) && fd_cloexec(t->files, (uint32_t)p[1]));
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], F_GETFL_, 0), G_O_NONBLOCK);
    CHECK_EQ(rd(t, p[0], ubuf, 10), -EAGAIN);                  /* empty, a writer */
    close2(t, p);
    /* O_DIRECT goes to the write end only */
    CHECK_EQ(mkpipe(t, ubuf, G_O_DIRECT, p), 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], F_GETFL_, 0), 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[1], F_GETFL_, 0), 1 | G_O_DIRECT);
    close2(t, p);

    /* bad input: nothing is left behind (sys_fini counts every frame) */
    CHECK_EQ(call(t, NR_PIPE2, ubuf, 0x1, 0), -EINVAL);        /* O_WRONLY is no pipe2 flag */
    CHECK_EQ(call(t, NR_PIPE2, ubuf, G_O_EXCL, 0), -ENOPKG);   /* O_NOTIFICATION_PIPE */
    CHECK_EQ(call(t, NR_PIPE2, 0, 0, 0), -EFAULT);
    CHECK_EQ(call(t, NR_PIPE, 0xc0000000u, 0, 0), -EFAULT);
    CHECK_EQ(fdget(t->files, 0), NULL);                        /* no fd installed */
    uint64_t cur = t->mm->rlim[RLIMIT_NOFILE_].rlim_cur;
    t->mm->rlim[RLIMIT_NOFILE_].rlim_cur = 1;                  /* room for one fd only */
    CHECK_EQ(call(t, NR_PIPE2, ubuf, 0, 0), -EMFILE);
    CHECK_EQ(fdget(t->files, 0), NULL);
    t->mm->rlim[RLIMIT_NOFILE_].rlim_cur = cur;
}

/* 16 pages, FIONREAD, EAGAIN, atomicity, partial writes, the page counts. */
static void test_capacity(struct sys *s, struct task_struct *t, uint32_t big, uint32_t ubuf)
{
    int32_t p[2];
    CHECK_EQ(mkpipe(t, ubuf, G_O_NONBLOCK, p), 0);
    uint32_t before = nr_free_pages(&s->k.pgdat);
    CHECK_EQ(mask_of(t, p[0]), 0);
    CHECK_EQ(mask_of(t, p[1]), G_POLLOUT | G_POLLWRNORM);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(wr(t, p[1], big, 4096), 4096);
    CHECK_EQ(nr_free_pages(&s->k.pgdat), before - 16);
    CHECK_EQ(pipe_frames(s), 16);
    CHECK_EQ(fionread(t, p[0], ubuf), 65536);
    CHECK_EQ(wr(t, p[1], big, 1), -EAGAIN);                    /* full */
    CHECK_EQ(mask_of(t, p[0]), G_POLLIN | G_POLLRDNORM);
    CHECK_EQ(mask_of(t, p[1]), 0);
    /* drained: every page back but the spare */
    CHECK_EQ(rd(t, p[0], big, BIG), 65536);
    CHECK_EQ(nr_free_pages(&s->k.pgdat), before - 1);
    CHECK_EQ(pipe_frames(s), 1);
    CHECK_EQ(rd(t, p[0], big, 1), -EAGAIN);

    /* small writes merge into one page: 4 x 1000 in one, the 5th a new page */
    for (int i = 0; i < 5; i++)
        CHECK_EQ(wr(t, p[1], big, 1000), 1000);
    CHECK_EQ(get_pipe_info(fdget(t->files, (uint32_t)p[0]))->head -
             get_pipe_info(fdget(t->files, (uint32_t)p[0]))->tail, 2);
    CHECK_EQ(rd(t, p[0], big, 2500), 2500);                    /* reads what is asked */
    CHECK_EQ(rd(t, p[0], big, BIG), 2500);                     /* then what is there */

    /* PIPE_BUF: 15 full pages and 100 bytes; a 4096-byte write does not fit whole */
    for (int i = 0; i < 15; i++)
        CHECK_EQ(wr(t, p[1], big, 4096), 4096);
    CHECK_EQ(wr(t, p[1], big, 100), 100);
    CHECK_EQ(wr(t, p[1], big, 4096), -EAGAIN);                 /* atomic: nothing written */
    CHECK_EQ(fionread(t, p[0], ubuf), 15 * 4096 + 100);
    CHECK_EQ(wr(t, p[1], big, 3996), 3996);                    /* merges: the page is full */
    CHECK_EQ(fionread(t, p[0], ubuf), 65536);
    CHECK_EQ(rd(t, p[0], big, BIG), 65536);

    /* a write bigger than the room is partial (8 KiB of 10000 in 2 pages) */
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[1], G_F_SETPIPE_SZ, 8192), 8192);
    CHECK_EQ(wr(t, p[1], big, 10000), 8192);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[1], G_F_SETPIPE_SZ, 4096), -EBUSY);
    CHECK_EQ(rd(t, p[0], big, BIG), 8192);
    CHECK_EQ(t->pipe_written, 0);
    close2(t, p);
    CHECK_EQ(nr_free_pages(&s->k.pgdat), before - 1);          /* a slab page the resized ring took stays with its cache */
    CHECK_EQ(pipe_frames(s), 0);                               /* the spare went with it */
}

static void test_vectors_and_packets(struct task_struct *t, uint32_t big, uint32_t ubuf)
{
    int32_t p[2];
    CHECK_EQ(mkpipe(t, ubuf, G_O_NONBLOCK, p), 0);
    uint32_t iov[6] = { big, 10, big + 100, 20, big + 200, 30 };
    CHECK_EQ(copy_to_user(t->mm, ubuf + 64, iov, sizeof iov), 0);
    CHECK_EQ(call(t, NR_WRITEV, (uint32_t)p[1], ubuf + 64, 3), 60);
    CHECK_EQ(fionread(t, p[0], ubuf), 60);
    CHECK_EQ(call(t, NR_READV, (uint32_t)p[0], ubuf + 64, 3), 60);
    iov[1] = 0x80000000u;                                      /* a negative length */
    CHECK_EQ(copy_to_user(t->mm, ubuf + 64, iov, sizeof iov), 0);
    CHECK_EQ(call(t, NR_WRITEV, (uint32_t)p[1], ubuf + 64, 3), -EINVAL);
    /* packet mode through F_SETFL: one write, one read, the rest dropped */
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[1], F_SETFL_, G_O_DIRECT | G_O_NONBLOCK), 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[1], F_GETFL_, 0), 1 | G_O_DIRECT | G_O_NONBLOCK);
    CHECK_EQ(wr(t, p[1], big, 10), 10);
    CHECK_EQ(wr(t, p[1], big, 10), 10);
    CHECK_EQ(rd(t, p[0], big, 100), 10);
    CHECK_EQ(rd(t, p[0], big, 4), 4);                          /* the other 6 are gone */
    CHECK_EQ(rd(t, p[0], big, 100), -EAGAIN);
    close2(t, p);
    /* O_DIRECT on a tmpfs-like model file is EINVAL: only a FIFO has packets */
}

/* EOF, EPIPE/SIGPIPE, the poll masks of a closed end, dup and close. */
static void test_ends(struct task_struct *t, uint32_t big, uint32_t ubuf)
{
    int32_t p[2];
    CHECK_EQ(mkpipe(t, ubuf, 0, p), 0);
    long d = call(t, NR_DUP, (uint32_t)p[1], 0, 0);            /* a second fd, one file */
    CHECK(d > 1);
    CHECK_EQ(wr(t, p[1], big, 5), 5);
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)p[1], 0, 0), 0);
    CHECK_EQ(mask_of(t, p[0]), G_POLLIN | G_POLLRDNORM);       /* the dup holds the end */
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)d, 0, 0), 0);
    CHECK_EQ(mask_of(t, p[0]), G_POLLIN | G_POLLRDNORM | G_POLLHUP);
    CHECK_EQ(rd(t, p[0], big, 100), 5);
    CHECK_EQ(rd(t, p[0], big, 100), 0);                        /* EOF, no wait */
    CHECK_EQ(mask_of(t, p[0]), G_POLLHUP);
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)p[0], 0, 0), 0);

    CHECK_EQ(mkpipe(t, ubuf, 0, p), 0);
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)p[0], 0, 0), 0);
    CHECK_EQ(mask_of(t, p[1]), G_POLLOUT | G_POLLWRNORM | G_POLLERR);
    t->sig.blocked |= 1ull << (SIGPIPE - 1);                   /* pending, not acted on */
    CHECK_EQ(wr(t, p[1], big, 0), 0);                          /* 0 bytes: no EPIPE */
    CHECK_EQ(signal_pending_set(&t->sig) & (1ull << (SIGPIPE - 1)), 0);
    CHECK_EQ(wr(t, p[1], big, 10), -EPIPE);
    CHECK(signal_pending_set(&t->sig) & (1ull << (SIGPIPE - 1)));
    signal_discard(&t->sig, SIGPIPE);
    t->sig.blocked = 0;
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)p[1], 0, 0), 0);
}

static void test_setpipe_sz(struct task_struct *t, uint32_t big, uint32_t ubuf)
{
    int32_t p[2];
    CHECK_EQ(mkpipe(t, ubuf, G_O_NONBLOCK, p), 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ, 0), 4096);      /* at least a page */
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ, 5000), 8192);   /* a power of two */
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ, 3 * 4096), 16384);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_GETPIPE_SZ, 0), 16384);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ, 0x80000001u), -EINVAL);
    long big_r = call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ, 2u << 20);
    CHECK_EQ(big_r, task_capable(24) ? (long)(2u << 20) : -EPERM);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ, 1u << 20), 1 << 20);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(wr(t, p[1], big, 4096), 4096);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ, 8192), -EBUSY);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ, 16384), 16384);  /* the data moves */
    CHECK_EQ(rd(t, p[0], big, BIG), 3 * 4096);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], G_F_SETPIPE_SZ + 100, 0), -EINVAL);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], F_SETFL_, 0), 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)p[0], F_GETFL_, 0), 0);
    close2(t, p);
}

/* One task: a read nobody can satisfy is a deadlock, the run's end. */
static void test_deadlock(struct task_struct *t, uint32_t big, uint32_t ubuf)
{
    int32_t p[2];
    CHECK_EQ(mkpipe(t, ubuf, 0, p), 0);
    rd(t, p[0], big, 1);
    CHECK(task_dead(t));
    CHECK(t->exit_reason && !strcmp(t->exit_reason, "deadlock"));
}

static void test_all(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    if (!t)
        return;
    uint32_t ubuf = user_page(t);
    long big = do_mmap(t->mm, 0, BIG, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_,
                       NULL, 0, 0, NULL);
    CHECK(big > 0);
    void *zeros = calloc(1, BIG);                      /* fault the buffer in: the page */
    CHECK_EQ(copy_to_user(t->mm, (uint32_t)big, zeros, BIG), 0);   /* counts are the pipe's */
    free(zeros);
    test_create(t, ubuf);
    test_capacity(&s, t, (uint32_t)big, ubuf);
    test_vectors_and_packets(t, (uint32_t)big, ubuf);
    test_ends(t, (uint32_t)big, ubuf);
    test_setpipe_sz(t, (uint32_t)big, ubuf);
    test_deadlock(t, (uint32_t)big, ubuf);
    task_free(t);
    sys_fini(&s);
}

int main(void)
{
    run_in_every_paging_mode(test_all);
    return CHECK_DONE();
}

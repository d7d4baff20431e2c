/*
 * pipe.c — anonymous pipes as Linux 6.1's fs/pipe.c makes them: the
 * pipe_inode_info and its ring of one-page buffers, pipe_read/pipe_write
 * with PIPE_BUF atomicity, merging of small writes, packet mode (O_DIRECT),
 * EOF and EPIPE/SIGPIPE, pipe_poll's mask, FIONREAD, F_SETPIPE_SZ, and
 * pipe(2)/pipe2(2).  The contract is pipe.h.
 *
 * Blocking (wait.h): a read of an empty pipe with a writer, and a write to
 * a full pipe with a reader, check first and then return task_block on
 * rd_wait / wr_wait.  A write that moved some bytes before it blocked keeps
 * their count in t->pipe_written: the re-run skips them in the user's
 * buffers and goes on (Linux's loop around wait_event, unrolled).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/pipe.h"
#include "kernel-model/poll.h"

/* The sizes of 6.1's objects on i386 (kzalloc of struct pipe_inode_info:
 * 112 bytes, kmalloc-128; kcalloc of the slots: 24 bytes each). */
#define PIPE_INFO_BYTES 112u
#define PIPE_BUFFER_BYTES 24u

static unsigned occupancy(uint32_t head, uint32_t tail) { return head - tail; }
static int pipe_empty(const struct pipe_inode_info *p) { return p->head == p->tail; }
static int pipe_full(const struct pipe_inode_info *p)
{
    return occupancy(p->head, p->tail) >= p->max_usage;
}
static struct pipe_buffer *slot(struct pipe_inode_info *p, uint32_t i)
{
    return &p->bufs[i & (p->ring_size - 1)];
}

uint32_t pipe_page_alloc(struct kernel *k)
{
    return alloc_pages(&k->pgdat, GFP_HIGHUSER | __GFP_ACCOUNT, 0, PURPOSE_PIPE);
}

/* ---- the pipe's life ------------------------------------------------------ */

/* kcalloc of n slots, every page PFN_NONE; its kmalloc object in *kaddr. */
static struct pipe_buffer *alloc_bufs(struct kernel *k, unsigned n, uint32_t *kaddr)
{
    struct pipe_buffer *b = calloc(n, sizeof *b);
    if (!b)
        return NULL;
    if (!(*kaddr = kmalloc(&k->slab, (size_t)n * PIPE_BUFFER_BYTES))) {
        free(b);
        return NULL;
    }
    for (unsigned i = 0; i < n; i++)
        b[i].page = PFN_NONE;
    return b;
}

static struct pipe_inode_info *alloc_pipe_info(struct kernel *k)
{
    struct pipe_inode_info *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->k = k;
    p->tmp_page = PFN_NONE;
    if (!(p->kaddr = kmalloc(&k->slab, PIPE_INFO_BYTES)) ||
        !(p->bufs = alloc_bufs(k, PIPE_DEF_BUFFERS, &p->bufs_kaddr))) {
        kfree(&k->slab, p->kaddr);
        free(p);
        return NULL;
    }
    p->ring_size = p->max_usage = PIPE_DEF_BUFFERS;
    p->readers = p->writers = 1;
    init_waitqueue_head(&p->rd_wait);
    init_waitqueue_head(&p->wr_wait);
    return p;
}

/* anon_pipe_buf_release: the page becomes the spare when there is none. */
static void buf_release(struct pipe_inode_info *p, struct pipe_buffer *b)
{
    if (pfn_to_page(&p->k->pm, b->page)->_refcount == 1 && p->tmp_page == PFN_NONE)
        p->tmp_page = b->page;
    else
        put_page(&p->k->pgdat, b->page);
    b->page = PFN_NONE;
    b->len = b->offset = 0;
}

static void free_pipe_info(struct pipe_inode_info *p)
{
    struct kernel *k = p->k;
    for (uint32_t i = p->tail; i != p->head; i++)
        if (slot(p, i)->page != PFN_NONE)
            put_page(&k->pgdat, slot(p, i)->page);
    if (p->tmp_page != PFN_NONE)
        put_page(&k->pgdat, p->tmp_page);
    kfree(&k->slab, p->bufs_kaddr);
    kfree(&k->slab, p->kaddr);
    free(p->bufs);
    free(p);
}

struct pipe_inode_info *get_pipe_info(const struct file *f)
{
    return f && f->f_op == &pipefifo_fops ? f->private_data : NULL;
}

uint32_t pipe_readable(const struct pipe_inode_info *p)
{
    uint32_t n = 0;
    for (uint32_t i = p->tail; i != p->head; i++)
        n += p->bufs[i & (p->ring_size - 1)].len;
    return n;
}

/* ---- user buffers ------------------------------------------------------- */

/* A position in the call's user buffers (Linux's iov_iter). */
struct uiter {
    const struct user_iov *iov;
    unsigned nr, i;
    uint32_t off;                   /* into iov[i] */
    uint64_t count;                 /* bytes left */
};

static void uiter_init(struct uiter *it, const struct user_iov *iov, unsigned nr)
{
    *it = (struct uiter){ .iov = iov, .nr = nr };
    for (unsigned i = 0; i < nr; i++)
        it->count += iov[i].len;
}

static void uiter_advance(struct uiter *it, uint64_t n)
{
    it->count -= n;
    while (n && it->i < it->nr) {
        uint32_t left = it->iov[it->i].len - it->off;
        uint32_t step = n < left ? (uint32_t)n : left;
        it->off += step;
        n -= step;
        if (it->off == it->iov[it->i].len)
            it->i++, it->off = 0;
    }
    while (it->i < it->nr && it->off == it->iov[it->i].len)
        it->i++, it->off = 0;
}

/*
 * Copy up to n bytes between the page and the user buffers (copy_page_*_iter),
 * in pieces that never cross a user page, so that a fault stops the copy
 * where the first inaccessible page begins, as on Linux.  Returns the bytes
 * copied; the iterator moves by them.
 */
static uint32_t copy_page_iter(struct task_struct *t, uint8_t *kbuf, uint32_t n, struct uiter *it,
                               int to_user)
{
    uint32_t done = 0;
    while (done < n && it->count) {
        const struct user_iov *v = &it->iov[it->i];
        uint32_t ua = v->base + it->off, len = v->len - it->off;
        uint32_t in_page = PAGE_SIZE - (ua & (PAGE_SIZE - 1));
        len = len < in_page ? len : in_page;
        len = len < n - done ? len : n - done;
        int r = to_user ? copy_to_user(t->mm, ua, kbuf + done, len)
                        : copy_from_user(t->mm, kbuf + done, ua, len);
        if (r)
            break;
        done += len;
        uiter_advance(it, len);
    }
    return done;
}

static uint8_t *page_data(struct pipe_inode_info *p, uint32_t pfn)
{
    return pfn_to_host(&p->k->pm, pfn);
}

/* ---- read --------------------------------------------------------------- */

/* Move what the pipe holds into the buffers: bytes, or -EFAULT if none. */
static long read_buffers(struct task_struct *t, struct pipe_inode_info *p, struct uiter *it)
{
    long ret = 0;
    while (!pipe_empty(p) && it->count) {
        struct pipe_buffer *b = slot(p, p->tail);
        uint32_t chars = b->len < it->count ? b->len : (uint32_t)it->count;
        uint32_t w = copy_page_iter(t, page_data(p, b->page) + b->offset, chars, it, 1);
        if (w < chars)
            return ret ? ret : -EFAULT;     /* Linux: the bytes stay in the pipe */
        ret += chars;
        b->offset += chars;
        b->len -= chars;
        if (b->flags & PIPE_BUF_FLAG_PACKET) {
            b->len = 0;                     /* the rest of the packet is discarded */
            it->count = 0;
        }
        if (!b->len) {
            buf_release(p, b);
            p->tail++;
        }
    }
    return ret;
}

static long pipe_read_iter(struct task_struct *t, struct file *f, const struct user_iov *iov,
                           unsigned nr)
{
    struct pipe_inode_info *p = f->private_data;
    struct uiter it;
    uiter_init(&it, iov, nr);
    if (!it.count)
        return 0;
    int was_full = pipe_full(p);
    long ret = read_buffers(t, p, &it);
    if (ret == 0 && pipe_empty(p) && p->writers) {
        if (f->f_flags & G_O_NONBLOCK)
            return -EAGAIN;
        struct wait_queue_head *q = &p->rd_wait;
        return task_block(t, &q, 1, NULL, "pipe read");
    }
    if (was_full && !pipe_full(p))
        wake_up(&p->wr_wait);
    return ret;                             /* 0: EOF (no writer) */
}

/* ---- write -------------------------------------------------------------- */

/* The bytes of a write whose size is not a whole number of pages go into
 * the last buffer when they fit (6.1's merge before the loop): 0 or -EFAULT. */
static long merge_tail(struct task_struct *t, struct pipe_inode_info *p, struct uiter *it,
                       long *ret)
{
    uint32_t chars = (uint32_t)(it->count & (PAGE_SIZE - 1));
    if (!chars || pipe_empty(p))
        return 0;
    struct pipe_buffer *b = slot(p, p->head - 1);
    uint32_t off = b->offset + b->len;
    if (!(b->flags & PIPE_BUF_FLAG_CAN_MERGE) || off + chars > PAGE_SIZE)
        return 0;
    uint32_t c = copy_page_iter(t, page_data(p, b->page) + off, chars, it, 0);
    if (c < chars)
        return -EFAULT;
    b->len += c;
    *ret = c;
    return 0;
}

/* One new buffer filled from the user's: 1 when the page was filled (or the
 * data ended), 0 on a fault, -ENOMEM. */
static int write_new_buffer(struct task_struct *t, struct file *f, struct pipe_inode_info *p,
                            struct uiter *it, long *ret)
{
    if (p->tmp_page == PFN_NONE && (p->tmp_page = pipe_page_alloc(p->k)) == PFN_NONE)
        return -ENOMEM;
    struct pipe_buffer *b = slot(p, p->head++);
    *b = (struct pipe_buffer){ .page = p->tmp_page,
                               .flags = (f->f_flags & G_O_DIRECT) ? PIPE_BUF_FLAG_PACKET
                                                                  : PIPE_BUF_FLAG_CAN_MERGE };
    p->tmp_page = PFN_NONE;
    uint32_t c = copy_page_iter(t, page_data(p, b->page), PAGE_SIZE, it, 0);
    if (c < PAGE_SIZE && it->count)
        return 0;                           /* the slot stays, empty, as in 6.1 */
    b->len = c;
    *ret += c;
    return 1;
}

static long write_result(struct task_struct *t, long ret)
{
    t->pipe_written = 0;
    return ret;
}

static long pipe_write_iter(struct task_struct *t, struct file *f, const struct user_iov *iov,
                            unsigned nr)
{
    struct pipe_inode_info *p = f->private_data;
    struct uiter it;
    uiter_init(&it, iov, nr);
    if (!it.count)
        return write_result(t, 0);
    long ret = t->pipe_written;             /* a blocked write's re-run goes on */
    uiter_advance(&it, (uint64_t)ret);
    if (!p->readers) {
        signal_send_kernel(t, SIGPIPE);
        return write_result(t, ret ? ret : -EPIPE);
    }
    if (!ret && merge_tail(t, p, &it, &ret))
        return write_result(t, -EFAULT);
    while (it.count) {
        if (!p->readers) {
            signal_send_kernel(t, SIGPIPE);
            ret = ret ? ret : -EPIPE;
            break;
        }
        if (!pipe_full(p)) {
            int r = write_new_buffer(t, f, p, &it, &ret);
            if (r <= 0) {
                ret = ret ? ret : (r ? r : -EFAULT);
                break;
            }
            continue;
        }
        if (f->f_flags & G_O_NONBLOCK) {
            ret = ret ? ret : -EAGAIN;
            break;
        }
        wake_up(&p->rd_wait);               /* the readers drain it meanwhile */
        t->pipe_written = (uint32_t)ret;
        struct wait_queue_head *q = &p->wr_wait;
        long w = task_block(t, &q, 1, NULL, "pipe write");
        if (w == -ERESTART_BLOCK)
            return w;
        return write_result(t, ret ? ret : w);   /* a signal: what was written */
    }
    if (ret > 0) {
        wake_up(&p->rd_wait);
        f->f_inode->i_mtime = f->f_inode->i_ctime = p->k->epoch;
    }
    return write_result(t, ret);
}

/* ---- the other operations ------------------------------------------------- */

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe_inode_info *p = f->private_data;
    poll_wait(pt, &p->rd_wait);
    poll_wait(pt, &p->wr_wait);
    unsigned mask = 0;
    if (f->f_mode & FMODE_READ_) {
        if (!pipe_empty(p))
            mask |= G_POLLIN | G_POLLRDNORM;
        if (!p->writers)
            mask |= G_POLLHUP;  /* f_version (0) != w_counter (1): an anonymous pipe */
    }
    if (f->f_mode & FMODE_WRITE_) {
        if (!pipe_full(p))
            mask |= G_POLLOUT | G_POLLWRNORM;
        if (!p->readers)
            mask |= G_POLLERR;
    }
    return mask;
}

static long pipe_ioctl(struct file *f, unsigned cmd, void *arg)
{
    if (cmd != FIONREAD)
        return -ENOTTY;                     /* pipe_ioctl's -ENOIOCTLCMD: vfs_ioctl's ENOTTY */
    int n = (int)pipe_readable(f->private_data);
    memcpy(arg, &n, sizeof n);
    return 0;
}

static long pipe_getattr(struct file *f, struct stat *st)
{
    const struct inode *i = f->f_inode;
    memset(st, 0, sizeof *st);
    st->st_dev = PIPE_DEV_G;
    st->st_ino = i->i_ino;
    st->st_mode = i->i_mode;
    st->st_nlink = 1;
    st->st_uid = i->i_uid;
    st->st_gid = i->i_gid;
    st->st_blksize = PAGE_SIZE;
    st->st_atim.tv_sec = i->i_atime;
    st->st_mtim.tv_sec = i->i_mtime;
    st->st_ctim.tv_sec = i->i_ctime;
    return 0;
}

/* pipe_release: the end closes; the pipe goes with its last file. */
static void pipe_release(struct file *f)
{
    struct pipe_inode_info *p = f->private_data;
    if (f->f_mode & FMODE_READ_)
        p->readers--;
    if (f->f_mode & FMODE_WRITE_)
        p->writers--;
    if (!p->readers != !p->writers) {       /* the other end sees EOF or EPIPE */
        wake_up(&p->rd_wait);
        wake_up(&p->wr_wait);
    }
    if (--p->files == 0)
        free_pipe_info(p);
}

const struct file_operations pipefifo_fops = {
    .kind = FILE_PIPE, .read_iter = pipe_read_iter, .write_iter = pipe_write_iter,
    .poll = pipe_poll, .ioctl = pipe_ioctl, .getattr = pipe_getattr, .release = pipe_release,
};

/* ---- F_SETPIPE_SZ ------------------------------------------------------- */

/* round_pipe_size: a power-of-two number of pages, 0 past 2^31. */
static uint32_t round_pipe_size(uint32_t size)
{
    if (size > (1u << 31))
        return 0;
    if (size < PAGE_SIZE)
        return PAGE_SIZE;
    uint32_t r = PAGE_SIZE;
    while (r < size)
        r <<= 1;
    return r;
}

/* pipe_resize_ring: the buffers move to a new ring of nr slots in order. */
static long resize_ring(struct pipe_inode_info *p, uint32_t nr)
{
    uint32_t n = occupancy(p->head, p->tail), kaddr;
    if (nr < n)
        return -EBUSY;
    struct pipe_buffer *b = alloc_bufs(p->k, nr, &kaddr);
    if (!b)
        return -ENOMEM;
    for (uint32_t i = 0; i < n; i++)
        b[i] = *slot(p, p->tail + i);
    kfree(&p->k->slab, p->bufs_kaddr);
    free(p->bufs);
    p->bufs = b;
    p->bufs_kaddr = kaddr;
    p->tail = 0;
    p->head = n;
    p->ring_size = p->max_usage = nr;
    wake_up(&p->wr_wait);                   /* more room for the writers */
    return 0;
}

long pipe_fcntl(struct file *f, uint32_t cmd, uint32_t arg)
{
    struct pipe_inode_info *p = get_pipe_info(f);
    if (!p)
        return -EBADF;
    if (cmd == G_F_SETPIPE_SZ) {
        uint32_t size = round_pipe_size(arg), nr = size >> PAGE_SHIFT;
        if (!nr)
            return -EINVAL;
        /* pipe-max-size for a user without CAP_SYS_RESOURCE (24; pipe_set_size) */
        if (nr > p->max_usage && size > PIPE_MAX_SIZE_G && !task_capable(24))
            return -EPERM;
        long r = resize_ring(p, nr);
        if (r)
            return r;
    }
    return (long)p->max_usage * PAGE_SIZE;
}

/* ---- pipe(2), pipe2(2) ----------------------------------------------------- */

/* get_pipe_inode: a pipefs inode (inode_cache) owned by the caller. */
static struct inode *get_pipe_inode(struct kernel *k)
{
    struct inode *i = new_inode(S_IFIFO | S_IRUSR | S_IWUSR);
    if (!i)
        return NULL;
    i->i_k = k;
    i->i_dev = PIPE_DEV_G;
    i->i_ino = ++k->shmem_next_ino;         /* get_next_ino */
    i->i_nlink = 1;
    i->i_uid = getuid();                    /* the guest's is memsim's (sys_core.c) */
    i->i_gid = getgid();
    i->i_atime = i->i_mtime = i->i_ctime = k->epoch;
    inode_alloc_object(k, i, k->slab.inode_cachep);
    return i;
}

static struct file *pipe_file(struct inode *i, struct pipe_inode_info *p, uint32_t flags,
                              unsigned mode)
{
    char name[32];
    snprintf(name, sizeof name, "pipe:[%llu]", (unsigned long long)i->i_ino);
    struct file *f = alloc_file(&pipefifo_fops, i, flags, name, p);
    if (f) {
        f->f_mode = mode;
        p->files++;
    }
    return f;
}

long create_pipe_files(struct task_struct *t, struct file *res[2], uint32_t flags)
{
    struct kernel *k = t->k;
    struct inode *i = get_pipe_inode(k);
    struct pipe_inode_info *p = i ? alloc_pipe_info(k) : NULL;
    if (!p) {
        iput(i);
        return -ENFILE;
    }
    /* the write end first, then its clone for reading (alloc_file_clone) */
    res[1] = pipe_file(i, p, 1u | (flags & (G_O_NONBLOCK | G_O_DIRECT)), FMODE_WRITE_);
    res[0] = res[1] ? pipe_file(ihold(i), p, 0u | (flags & G_O_NONBLOCK), FMODE_READ_) : NULL;
    if (!res[0]) {
        if (res[1])
            iput(i), fput(res[1]);          /* the last file frees the pipe */
        else
            free_pipe_info(p), iput(i);
        return -ENFILE;
    }
    return 0;
}

#define G_O_NOTIFICATION_PIPE G_O_EXCL

static long do_pipe2(struct task_struct *t, uint32_t fildes, uint32_t flags)
{
    if (flags & ~(G_O_CLOEXEC | G_O_NONBLOCK | G_O_DIRECT | G_O_NOTIFICATION_PIPE))
        return -EINVAL;
    if (flags & G_O_NOTIFICATION_PIPE)
        return -ENOPKG;                     /* no watch queues (CONFIG_WATCH_QUEUE off) */
    struct file *files[2];
    long r = create_pipe_files(t, files, flags);
    if (r)
        return r;
    int32_t fd[2];
    uint32_t limit = fd_nofile_limit(t);
    long a = get_unused_fd(t->files, 0, limit);
    long b = a < 0 ? a : get_unused_fd(t->files, (uint32_t)a + 1, limit);
    if (a < 0 || b < 0)
        r = -EMFILE;
    else {
        fd[0] = (int32_t)a, fd[1] = (int32_t)b;
        if (copy_to_user(t->mm, fildes, fd, sizeof fd))
            r = -EFAULT;
    }
    if (r) {
        fput(files[0]);
        fput(files[1]);
        return r;
    }
    fd_install(t->files, (uint32_t)a, files[0], (flags & G_O_CLOEXEC) != 0);
    fd_install(t->files, (uint32_t)b, files[1], (flags & G_O_CLOEXEC) != 0);
    return 0;
}

SYSCALL_DEFINE1(pipe, uint32_t, fildes) { return do_pipe2(t, fildes, 0); }
SYSCALL_DEFINE2(pipe2, uint32_t, fildes, uint32_t, flags) { return do_pipe2(t, fildes, flags); }

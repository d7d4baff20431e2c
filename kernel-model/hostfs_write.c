/*
 * hostfs_write.c — `--writable-root`: names and data under --root written
 * in the host tree (the contract and the sandbox rule: hostfs_write.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/hostfs_write.h"
#include "kernel-model/namei.h"
#include "kernel-model/overlay.h"
#include "kernel-model/vma.h"

/* ---- names --------------------------------------------------------------- */

/* The created name's permissions as the guest's umask made them: the
 * host's umask (memsim's) may have taken more. */
static void fix_mode(int pfd, const char *name, uint32_t want)
{
    struct stat st;
    if (!fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) && (st.st_mode & 07777) != want &&
        !S_ISLNK(st.st_mode))
        fchmodat(pfd, name, want, 0);       /* just made by us: not a symlink */
}

long hostw_make(struct nd_path *p, uint32_t mode, const char *link)
{
    uint32_t type = mode & S_IFMT, perm = mode & 07777;
    long r = link ? symlinkat(link, p->parent_fd, p->last)
           : type == S_IFDIR ? mkdirat(p->parent_fd, p->last, perm)
           : mknodat(p->parent_fd, p->last, type | perm, 0);
    if (r)
        return -errno;
    if (!link)
        fix_mode(p->parent_fd, p->last, perm);
    return 0;
}

/* A host file whose last name went: its cached inode leaves the cache, so
 * that a new file given the same inode number never finds its pages.  An
 * unused one goes now (its pages with it: an unlinked file's dirty pages
 * are never written, as Linux's final iput); one still open or mapped
 * goes at its last iput. */
static void forget_inode(struct kernel *k, const struct stat *st)
{
    for (struct vm_file *f = k->vm_files.head; f; f = f->next)
        if (f->dev == (uint64_t)st->st_dev && f->ino == (uint64_t)st->st_ino) {
            vm_file_unhash(f);
            break;
        }
    for (struct inode *i = k->inodes; i; i = i->i_next) {
        if (i->i_dev != (uint64_t)st->st_dev || i->i_ino != (uint64_t)st->st_ino ||
            i->i_data.no_writeback)
            continue;
        if (i->i_count == 0) {
            inode_evict(k, i);
            return;
        }
        *i->i_pprev = i->i_next;            /* unhashed: evicted at the last iput */
        if (i->i_next)
            i->i_next->i_pprev = i->i_pprev;
        i->i_next = NULL;
        i->i_pprev = NULL;
        return;
    }
}

/* The last link of a regular file at (pfd, name) is about to go. */
static int last_link(int pfd, const char *name, struct stat *st)
{
    return !fstatat(pfd, name, st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st->st_mode) &&
           st->st_nlink == 1;
}

long hostw_unlink(struct task_struct *t, struct nd_path *p, int dir)
{
    struct stat st;
    int last = !dir && last_link(p->parent_fd, p->last, &st);
    if (unlinkat(p->parent_fd, p->last, dir ? AT_REMOVEDIR : 0))
        return -errno;
    if (last)
        forget_inode(t->k, &st);
    return 0;
}

long hostw_rename(struct task_struct *t, struct nd_path *a, struct nd_path *b, uint32_t flags)
{
    struct stat st;
    int last = !(flags & RENAME_EXCHANGE) && last_link(b->parent_fd, b->last, &st) &&
               !(a->st.st_dev == st.st_dev && a->st.st_ino == st.st_ino);
    if (renameat2(a->parent_fd, a->last, b->parent_fd, b->last, flags))
        return -errno;
    if (last)
        forget_inode(t->k, &st);
    return 0;
}

long hostw_link(struct nd_path *old, struct nd_path *new)
{
    return linkat(old->parent_fd, old->last, new->parent_fd, new->last, 0) ? -errno : 0;
}

/* A call on an O_PATH descriptor through memsim's own /proc/self/fd (the
 * descriptor is the walk's object: nothing is looked up again by name). */
static void fd_link(int fd, char *buf, size_t n)
{
    snprintf(buf, n, "/proc/self/fd/%d", fd);
}

/* The times of an upper_attr as utimensat's: UTIME_OMIT for a time not
 * set, UTIME_NOW for "now" (the host's clock: the file is the host's). */
static void attr_times(const struct upper_attr *a, struct timespec ts[2])
{
    ts[0] = (struct timespec){ a->atime, a->atime_nsec };
    ts[1] = (struct timespec){ a->mtime, a->mtime_nsec };
    if (!(a->valid & UATTR_ATIME_SET))
        ts[0].tv_nsec = a->valid & UATTR_ATIME ? UTIME_NOW : UTIME_OMIT;
    if (!(a->valid & UATTR_MTIME_SET))
        ts[1].tv_nsec = a->valid & UATTR_MTIME ? UTIME_NOW : UTIME_OMIT;
}

/* notify_change on host object fd (an O_PATH descriptor, or an open one),
 * never followed: chown and the times act on a symlink itself (lchown,
 * AT_SYMLINK_NOFOLLOW); chmod only ever gets a followed object. */
static long setattr_host(int fd, const struct upper_attr *a)
{
    char link[40];
    fd_link(fd, link, sizeof link);
    if ((a->valid & UATTR_MODE) && chmod(link, a->mode & 07777))
        return -errno;
    if ((a->valid & (UATTR_UID | UATTR_GID)) &&
        fchownat(fd, "", a->valid & UATTR_UID ? a->uid : (uint32_t)-1,
                 a->valid & UATTR_GID ? a->gid : (uint32_t)-1, AT_EMPTY_PATH))
        return -errno;
    struct timespec ts[2];
    attr_times(a, ts);
    if ((a->valid & (UATTR_ATIME | UATTR_MTIME)) && utimensat(fd, "", ts, AT_EMPTY_PATH))
        return -errno;
    return 0;
}

long hostw_setattr(struct nd_path *p, const struct upper_attr *a)
{
    return setattr_host(p->fd, a);
}

long hostw_setattr_fd(struct file *f, const struct upper_attr *a)
{
    return setattr_host(file_host_fd(f), a);
}

/* ---- sizes ------------------------------------------------------------------ */

static struct inode *cached_inode(struct kernel *k, const struct stat *st)
{
    for (struct inode *i = k->inodes; i; i = i->i_next)
        if (i->i_dev == (uint64_t)st->st_dev && i->i_ino == (uint64_t)st->st_ino)
            return i;
    return NULL;
}

/* The cache of inode i (NULL: none cached) after its file went from old to
 * size bytes: a shrink is truncate_pagecache's. */
static void cache_setsize(struct task_struct *t, struct inode *i, int64_t old, int64_t size)
{
    if (i && size < old)
        truncate_pagecache(t->k, t->mm, i, size);
}

/* The host file on hfd to length, and its cached pages with it. */
static long setsize(struct task_struct *t, int hfd, int64_t length)
{
    struct stat st;
    if (fstat(hfd, &st))
        return -errno;
    if (ftruncate(hfd, (off_t)length))
        return -errno;
    struct inode *i = cached_inode(t->k, &st);
    cache_setsize(t, i, st.st_size, length);
    if (i)
        i->i_size = length;
    return 0;
}

long hostw_truncate(struct task_struct *t, struct nd_path *p, int64_t length)
{
    int fd = openat(p->parent_fd, p->last, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    long r = setsize(t, fd, length);
    close(fd);
    return r;
}

long hostw_ftruncate(struct task_struct *t, struct file *f, int64_t length)
{
    return setsize(t, file_host_fd(f), length);
}

/* ---- open and write ------------------------------------------------------- */

/* The inode's write-back descriptor: a description of its own (read-write
 * when memsim may read the file: a partial page is read through it). */
static long attach_wb_fd(struct inode *i, int hfd)
{
    if (i->i_wb_fd >= 0)
        return 0;
    char link[40];
    fd_link(hfd, link, sizeof link);
    i->i_wb_fd = open(link, O_RDWR | O_CLOEXEC);
    if (i->i_wb_fd < 0)
        i->i_wb_fd = open(link, O_WRONLY | O_CLOEXEC);
    return i->i_wb_fd < 0 ? -errno : 0;
}

/* The walked regular file (or new name) p, opened on the host by its
 * parent and last name, never followed (the walk followed what it had
 * to): a new name is created there (O_EXCL: it was negative). */
static int open_at_parent(const struct nd_path *p, uint32_t flags, uint32_t want)
{
    int hflags = (int)(flags & (G_O_ACCMODE | G_O_TRUNC | G_O_APPEND | O_NONBLOCK | O_NOCTTY));
    if (!nd_exists(p))
        hflags |= O_CREAT | O_EXCL;
    int fd = openat(p->parent_fd, p->last, hflags | O_NOFOLLOW | O_CLOEXEC, want);
    return fd < 0 ? -errno : fd;
}

long hostw_open(struct task_struct *t, struct nd_path *p, const char *path, uint32_t flags,
                uint32_t mode, struct file **out)
{
    int writing = (flags & G_O_ACCMODE) != 0 || (flags & G_O_TRUNC);
    int creat = (flags & G_O_CREAT) != 0;
    if (!nd_exists(p)) {
        if (!creat)
            return -ENOENT;
        if (p->trailing_slash)
            return -EISDIR;
    } else if (creat && (flags & G_O_EXCL))
        return -EEXIST;
    else if (S_ISLNK(p->st.st_mode))
        return -ELOOP;                      /* O_NOFOLLOW on a symlink */
    else if (!writing || !S_ISREG(p->st.st_mode) || p->last_type != LAST_NORM)
        return 1;                           /* a read, a directory, a device: fs_path.c's */
    uint32_t want = mode & 07777 & ~t->fs->umask;
    int fd = open_at_parent(p, flags, want);
    if (fd < 0)
        return fd;
    struct stat st;
    if (fstat(fd, &st)) {
        long r = -errno;
        close(fd);
        return r;
    }
    if (!nd_exists(p) && (st.st_mode & 07777) != want)
        fchmod(fd, want);
    if (flags & G_O_TRUNC)                  /* the host emptied it: so is its cache */
        cache_setsize(t, cached_inode(t->k, &st), INT64_MAX, 0);
    long err;
    struct file *f = host_file_open(t->k, fd, path, NULL, HOST_OPEN_WRITABLE, &err);
    if (!f)
        return err;
    if ((f->f_mode & FMODE_WRITE_) && (err = attach_wb_fd(f->f_inode, fd))) {
        fput(f);
        return err;
    }
    *out = f;
    return 0;
}

long hostw_file_write(struct kernel *k, struct file *f, int hfd, const void *buf, size_t n,
                      int64_t *pos)
{
    struct stat st;
    if (fstat(hfd, &st))
        return -errno;
    int64_t at = (f->f_flags & O_APPEND) ? st.st_size : *pos, end = at + (int64_t)n;
    if (!n)
        return 0;
    /* the size is the host's, set now (its limits answer: EFBIG, ENOSPC);
     * the bytes follow at write-back */
    if (end > st.st_size && ftruncate(hfd, (off_t)end))
        return -errno;
    struct inode *i = f->f_inode;
    long r = filemap_write(k, i->i_mapping, i->i_wb_fd, buf, n, at, st.st_size);
    if (r < (long)n && end > st.st_size)
        ftruncate(hfd, (off_t)(r > 0 && at + r > st.st_size ? at + r : st.st_size));
    if (r <= 0)
        return r;
    futimens(hfd, (struct timespec[2]){ { 0, UTIME_OMIT }, { 0, UTIME_NOW } });  /* file_update_time */
    *pos = at + r;
    i->i_size = *pos > st.st_size ? *pos : st.st_size;
    return r;
}

/* ---- write-back ------------------------------------------------------------- */

long hostw_writeback(struct kernel *k, struct mm_struct *mm, struct inode *inode,
                     uint32_t first, uint32_t last)
{
    if (!inode || inode->i_data.no_writeback || !inode->i_data.nrdirty)
        return 0;
    struct stat st;
    int fd = inode->i_wb_fd, known = fd >= 0 && !fstat(fd, &st);
    long r = filemap_write_back(k, mm, inode->i_mapping, fd, first, last,
                                known ? st.st_size : inode->i_size);
    /* write-back is no modification: the mtime stays the write()'s, or
     * becomes now for a shared mapping's stores (their fault's, in Linux) */
    if (known && !inode->i_mmap_written)
        futimens(fd, (struct timespec[2]){ { 0, UTIME_OMIT }, st.st_mtim });
    inode->i_mmap_written = 0;
    return r;
}

/* The order of the whole-cache write-back: by the frame of each file's
 * first cached page.  Neither the inode cache's order (when each inode was
 * made: a replay's placeholders come at other times) nor the host identity
 * (an events file renumbers it) is the same in a replay; frames are
 * outcomes, compared as the recording's, so this order is. */
static int by_first_page(const void *a, const void *b)
{
    uint32_t x = (*(struct inode *const *)a)->i_data.i_pages[0].pfn;
    uint32_t y = (*(struct inode *const *)b)->i_data.i_pages[0].pfn;
    return x < y ? -1 : x > y;
}

void hostw_sync(struct kernel *k, struct mm_struct *mm)
{
    size_t n = 0, cap = 0;
    struct inode **dirty = NULL;
    for (struct inode *i = k->inodes; i; i = i->i_next) {
        if (!i->i_data.nrdirty || i->i_data.no_writeback)
            continue;
        if (n == cap) {
            struct inode **d = realloc(dirty, (cap = cap ? 2 * cap : 16) * sizeof *d);
            if (!d)
                break;                  /* no memory: written back unsorted below */
            dirty = d;
        }
        dirty[n++] = i;
    }
    if (dirty)
        qsort(dirty, n, sizeof *dirty, by_first_page);
    for (size_t j = 0; j < n; j++)
        hostw_writeback(k, mm, dirty[j], 0, UINT32_MAX);
    free(dirty);
    for (struct inode *i = k->inodes; i; i = i->i_next)
        hostw_writeback(k, mm, i, 0, UINT32_MAX);   /* none left, unless realloc failed */
}

/* The inode a shared mapping has dirtied pages of (a vm_file without its
 * inode yet was never faulted: nothing of it to write). */
static struct inode *shared_inode(const struct vm_area_struct *v)
{
    if (!(v->vm_flags & VM_SHARED) || !v->vm_file || !v->vm_file->inode)
        return NULL;
    return v->vm_file->inode->i_data.no_writeback ? NULL : v->vm_file->inode;
}

unsigned hostw_unmapping(struct mm_struct *mm, uint32_t start, uint32_t end, struct inode **out)
{
    unsigned n = 0;
    if (!mm->k->writable_root)
        return 0;
    struct vm_area_struct *v;
    for_each_vma_range(mm, v, start, end) {
        struct inode *i = shared_inode(v);
        unsigned j = 0;
        while (j < n && out[j] != i)
            j++;
        if (i && j == n && n < HOSTW_UNMAP_MAX)
            out[n++] = ihold(i);
    }
    return n;
}

void hostw_unmapped(struct mm_struct *mm, struct inode **inodes, unsigned n)
{
    for (unsigned j = 0; j < n; j++) {
        struct vm_area_struct *v;
        int still = 0;
        for_each_vma(mm, v)
            still |= shared_inode(v) == inodes[j];
        if (!still)
            hostw_writeback(mm->k, mm, inodes[j], 0, UINT32_MAX);
        iput(inodes[j]);
    }
}

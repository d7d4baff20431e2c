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
#include "kernel-model/vma.h"

#define G_O_FLAGS_PASSED (G_O_ACCMODE | G_O_CREAT | G_O_EXCL | G_O_TRUNC | G_O_APPEND | \
                          G_O_DIRECTORY | G_O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)

/* ---- names --------------------------------------------------------------- */

/* Is directory pfd the root's /proc or /sys?  The guest's /proc is the
 * model's procfs and /sys a kernel file system: neither takes new names
 * (Linux: no ->mkdir, ->unlink, ->create there, -EPERM), whatever
 * directory the host tree has at that place.  Compared by identity, so
 * every spelling of the path (/./proc, a symlink to it) counts. */
static int kernel_fs_dir(struct task_struct *t, int pfd)
{
    static const char *const names[] = { "proc", "sys" };
    struct stat d, k;
    if (fstat(pfd, &d))
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!fstatat(t->root_fd, names[i], &k, AT_SYMLINK_NOFOLLOW) && S_ISDIR(k.st_mode) &&
            k.st_dev == d.st_dev && k.st_ino == d.st_ino)
            return 1;
    return 0;
}

int hostw_parent(struct task_struct *t, uint32_t dirfd, const char *path, char *name)
{
    char dir[PATH_MAX_G];
    size_t n = strlen(path);
    int slashes = 0;
    if (n >= sizeof dir)
        return -ENAMETOOLONG;
    memcpy(dir, path, n + 1);
    while (n > 1 && dir[n - 1] == '/') {
        dir[--n] = 0;
        slashes = 1;
    }
    char *slash = strrchr(dir, '/');
    const char *last = slash ? slash + 1 : dir;
    if (!*last || !strcmp(last, ".") || !strcmp(last, "..")) {
        /* "/", ".", "..": the directory itself, resolved inside the root
         * (a ".." looked up from a parent descriptor could leave it) */
        strcpy(name, ".");
        return fs_open(t, dirfd, path, O_PATH | O_DIRECTORY);
    }
    if (strlen(last) > HOSTW_NAME_MAX)
        return -ENAMETOOLONG;
    /* a trailing slash stays on the name: the host's *at call answers for
     * it as Linux does (ENOTDIR for a file) */
    snprintf(name, HOSTW_NAME_BUF, "%s%s", last, slashes ? "/" : "");
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
    /* openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) from the root, the
     * host's procfs hidden (fs_path.c) */
    int pfd = fs_open(t, dirfd, dir, O_PATH | O_DIRECTORY);
    if (pfd >= 0 && kernel_fs_dir(t, pfd)) {
        close(pfd);
        return -EPERM;
    }
    return pfd;
}

/* The created name's permissions as the guest's umask made them: the
 * host's umask (memsim's) may have taken more. */
static void fix_mode(int pfd, const char *name, uint32_t want)
{
    struct stat st;
    if (!fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) && (st.st_mode & 07777) != want &&
        !S_ISLNK(st.st_mode))
        fchmodat(pfd, name, want, 0);       /* just made by us: not a symlink */
}

long hostw_mkdir(int pfd, const char *name, uint32_t mode)
{
    if (mkdirat(pfd, name, mode))
        return -errno;
    fix_mode(pfd, name, mode);
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

long hostw_unlink(struct task_struct *t, int pfd, const char *name, int dir)
{
    struct stat st;
    int last = !dir && last_link(pfd, name, &st);
    if (unlinkat(pfd, name, dir ? AT_REMOVEDIR : 0))
        return -errno;
    if (last)
        forget_inode(t->k, &st);
    return 0;
}

long hostw_rename(struct task_struct *t, int opfd, const char *oname, int npfd,
                  const char *nname, uint32_t flags)
{
    struct stat st, src;
    int last = !(flags & RENAME_EXCHANGE) && last_link(npfd, nname, &st) &&
               !(!fstatat(opfd, oname, &src, AT_SYMLINK_NOFOLLOW) &&
                 src.st_dev == st.st_dev && src.st_ino == st.st_ino);
    if (renameat2(opfd, oname, npfd, nname, flags))
        return -errno;
    if (last)
        forget_inode(t->k, &st);
    return 0;
}

long hostw_symlink(const char *target, int pfd, const char *name)
{
    return symlinkat(target, pfd, name) ? -errno : 0;
}

long hostw_link(int opfd, const char *oname, int npfd, const char *nname)
{
    return linkat(opfd, oname, npfd, nname, 0) ? -errno : 0;
}

long hostw_utimens(int pfd, const char *name, const struct timespec ts[2], int nofollow)
{
    return utimensat(pfd, name, ts, nofollow ? AT_SYMLINK_NOFOLLOW : 0) ? -errno : 0;
}

/* ---- the sys_fsmeta.c entry points ---------------------------------------- */

long hostw_unlink_at(struct task_struct *t, uint32_t dirfd, const char *path, int dir)
{
    char name[HOSTW_NAME_BUF];
    int pfd = hostw_parent(t, dirfd, path, name);
    if (pfd < 0)
        return pfd;
    long r = hostw_unlink(t, pfd, name, dir);
    close(pfd);
    return r;
}

long hostw_mkdir_at(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t mode)
{
    char name[HOSTW_NAME_BUF];
    int pfd = hostw_parent(t, dirfd, path, name);
    if (pfd < 0)
        return pfd;
    long r = hostw_mkdir(pfd, name, mode & 07777 & ~t->umask);
    close(pfd);
    return r;
}

long hostw_rename_at(struct task_struct *t, uint32_t od, const char *from, uint32_t nd,
                     const char *to, uint32_t flags)
{
    char oname[HOSTW_NAME_BUF], nname[HOSTW_NAME_BUF];
    int opfd = hostw_parent(t, od, from, oname);
    if (opfd < 0)
        return opfd;
    int npfd = hostw_parent(t, nd, to, nname);
    long r = npfd < 0 ? npfd : hostw_rename(t, opfd, oname, npfd, nname, flags);
    close(opfd);
    if (npfd >= 0)
        close(npfd);
    return r;
}

long hostw_symlink_at(struct task_struct *t, const char *target, uint32_t dirfd, const char *path)
{
    char name[HOSTW_NAME_BUF];
    int pfd = hostw_parent(t, dirfd, path, name);
    if (pfd < 0)
        return pfd;
    long r = hostw_symlink(target, pfd, name);
    close(pfd);
    return r;
}

/* The descriptor of what path names, followed inside the root (O_PATH). */
static int target_fd(struct task_struct *t, uint32_t dirfd, const char *path, int follow)
{
    return fs_open(t, dirfd, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
}

/* A call on an O_PATH descriptor through memsim's own /proc/self/fd (the
 * descriptor is already resolved inside the root: nothing is looked up
 * again by name). */
static void fd_link(int fd, char *buf, size_t n)
{
    snprintf(buf, n, "/proc/self/fd/%d", fd);
}

long hostw_link_at(struct task_struct *t, uint32_t od, const char *from, uint32_t nd,
                   const char *to, int follow)
{
    char oname[HOSTW_NAME_BUF], nname[HOSTW_NAME_BUF];
    int npfd = hostw_parent(t, nd, to, nname);
    if (npfd < 0)
        return npfd;
    long r;
    if (follow) {
        int fd = target_fd(t, od, from, 1);
        char link[40];
        fd_link(fd, link, sizeof link);
        r = fd < 0 ? fd : linkat(AT_FDCWD, link, npfd, nname, AT_SYMLINK_FOLLOW) ? -errno : 0;
        if (fd >= 0)
            close(fd);
    } else {
        int opfd = hostw_parent(t, od, from, oname);
        r = opfd < 0 ? opfd : hostw_link(opfd, oname, npfd, nname);
        if (opfd >= 0)
            close(opfd);
    }
    close(npfd);
    return r;
}

long hostw_chmod_at(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t mode)
{
    int fd = target_fd(t, dirfd, path, 1);
    if (fd < 0)
        return fd;
    char link[40];
    fd_link(fd, link, sizeof link);
    long r = chmod(link, mode & 07777) ? -errno : 0;
    close(fd);
    return r;
}

long hostw_utimens_at(struct task_struct *t, uint32_t dirfd, const char *path,
                      const struct timespec *ts, int nofollow)
{
    if (nofollow) {
        char name[HOSTW_NAME_BUF];
        int pfd = hostw_parent(t, dirfd, path, name);
        if (pfd < 0)
            return pfd;
        long r = hostw_utimens(pfd, name, ts, 1);
        close(pfd);
        return r;
    }
    int fd = target_fd(t, dirfd, path, 1);
    if (fd < 0)
        return fd;
    long r = utimensat(fd, "", ts, AT_EMPTY_PATH) ? -errno : 0;
    close(fd);
    return r;
}

long hostw_mknod_at(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t mode)
{
    char name[HOSTW_NAME_BUF];
    int pfd = hostw_parent(t, dirfd, path, name);
    if (pfd < 0)
        return pfd;
    uint32_t type = mode & S_IFMT, perm = mode & 07777 & ~t->umask;
    struct stat st;
    long r;
    if (type == S_IFCHR || type == S_IFBLK)
        r = !fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) ? -EEXIST : -EPERM;
    else if (mknodat(pfd, name, (type ? type : S_IFREG) | perm, 0))
        r = -errno;
    else {
        fix_mode(pfd, name, perm);
        r = 0;
    }
    close(pfd);
    return r;
}

/* A root file or directory the guest opened: its host descriptor, or
 * -EROFS (another file: tmpfs, stdio, a device), -EBADF. */
static int root_file_fd(struct task_struct *t, uint32_t fd)
{
    struct file *f = fdget(t->files, fd);
    if (!f)
        return -EBADF;
    if (f->f_op->kind != FILE_HOSTFS && f->f_op->kind != FILE_HOSTFS_DIR)
        return -EROFS;
    return file_host_fd(f);
}

long hostw_fchmod(struct task_struct *t, uint32_t fd, uint32_t mode)
{
    int h = root_file_fd(t, fd);
    return h < 0 ? h : fchmod(h, mode & 07777) ? -errno : 0;
}

long hostw_futimens(struct task_struct *t, uint32_t fd, const struct timespec *ts)
{
    int h = root_file_fd(t, fd);
    return h < 0 ? h : futimens(h, ts) ? -errno : 0;
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

long hostw_truncate_at(struct task_struct *t, const char *path, int64_t length)
{
    int fd = fs_open(t, G_AT_FDCWD, path, O_WRONLY);
    if (fd < 0)
        return fd;
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

long hostw_open(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
                uint32_t mode, struct file **out)
{
    uint32_t acc = flags & G_O_ACCMODE;
    if (acc == 0 && !(flags & (G_O_CREAT | G_O_TRUNC)))
        return 1;                           /* a read: the read-only path */
    int excl = (flags & (G_O_CREAT | G_O_EXCL)) == (G_O_CREAT | G_O_EXCL);
    struct stat st;
    int pfd = fs_open(t, dirfd, path, O_PATH | (excl || (flags & G_O_NOFOLLOW) ? O_NOFOLLOW : 0));
    int existed = pfd >= 0 && !fstat(pfd, &st);
    if (pfd >= 0)
        close(pfd);
    if (existed && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode))
        return 1;                           /* devices, FIFOs: fs_path.c's rules */
    uint32_t want = mode & 07777 & ~t->umask;
    int fd = fs_open_mode(t, dirfd, path, (int)(flags & G_O_FLAGS_PASSED), want);
    if (fd < 0)
        return fd;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return 1;
    }
    if (!existed && (flags & G_O_CREAT) && (st.st_mode & 07777) != want)
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

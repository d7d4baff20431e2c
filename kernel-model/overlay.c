/*
 * overlay.c — the in-model overlay over the root (fs/overlayfs with a tmpfs
 * upper): guest writes, creates, truncates, renames and unlinks of names
 * under the root land in the model, never on the host, and are gone at
 * exit.
 *
 * The upper layer is the third superblock of shmem.c's mounts (OVL_SB),
 * a tree of shmem_dentry: an entry with an inode is an upper file or
 * directory (a tmpfs inode whose data is its page-cache pages, shmem_file.c
 * serves it); an entry without one is a whiteout (the lower name is gone)
 * or a host directory that holds upper names (a "merge" directory).  An
 * upper directory is opaque: nothing of the host is seen below it (made by
 * mkdir, so there never was anything).  A path not in the tree is the
 * host's (the caller's read-only answer follows), so reads of untouched
 * files cost nothing here and allocate nothing.
 *
 * Copy-up: the first open for writing or with O_TRUNC, truncate, or rename
 * of a host regular file makes an upper inode with the host file's mode
 * and fills its pages from the host file's bytes (pread into fresh cache
 * pages of the upper inode: the host inode's cached pages are not shared;
 * the copy is of the bytes).  Symlinks and special files are not copied up
 * (their writes keep the host's answer); a host directory is renamed only
 * as overlayfs without redirect_dir does it: EXDEV.
 *
 * Paths: absolute guest paths, and relative ones from the guest's working
 * directory, normalized by name ("." dropped, ".." one name up, as the
 * chroot's "..").  Names are matched as written: a host symlink among the
 * directories (/bin -> usr/bin) is a directory name of its own here, so an
 * upper file made through one spelling is not seen through the other.
 * /proc, /sys and /dev are never overlaid (their own rules: procfs, the
 * host's read-only sysfs, devices), nor is "/" itself written.
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kernel-model/overlay.h"
#include "kernel-model/shmem_priv.h"

struct ovl_where {
    struct shmem_sb *sb;
    struct shmem_dentry *dir, *d;   /* d: the last name's entry, or NULL */
    const char *name;
    size_t n;
    int upper_dir;                  /* dir is an upper (opaque) directory */
    int trailing_slash;
    char path[PATH_MAX_G];          /* the normalized absolute path */
};

/* ---- paths -------------------------------------------------------------- */

/* Is the last component (trailing slashes aside) "." or ".."? */
static int dot_last(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/')
        b--;
    return (n - b == 1 && path[b] == '.') || (n - b == 2 && path[b] == '.' && path[b + 1] == '.');
}

/* The absolute, normalized guest path of path (relative: from the working
 * directory) into out; 1 when it is not the overlay's. */
static long ovl_path(struct task_struct *t, uint32_t dirfd, const char *path, int modify,
                     char *out, int *trailing_slash)
{
    char full[PATH_MAX_G * 2];
    if (!path[0] || (modify && dot_last(path)))
        return 1;                   /* "" and a last "." or "..": the host's (Linux's) answer */
    if (path[0] == '/')
        snprintf(full, sizeof full, "%s", path);
    else if (dirfd == G_AT_FDCWD) {
        char cwd[PATH_MAX_G];
        if (fs_getcwd(t, cwd, sizeof cwd))
            return 1;
        snprintf(full, sizeof full, "%s/%s", cwd, path);
    } else
        return 1;                   /* relative to a directory descriptor: the host's */
    size_t len = strlen(full);
    if (len >= PATH_MAX_G)
        return -ENAMETOOLONG;
    *trailing_slash = len > 1 && full[len - 1] == '/';
    size_t o = 0;
    for (char *p = full, *e; *p; p = e) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        e = p + strcspn(p, "/");
        size_t n = (size_t)(e - p);
        if (n == 1 && p[0] == '.')
            continue;
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[--o] != '/')
                ;
            continue;
        }
        out[o++] = '/';
        memcpy(out + o, p, n);
        o += n;
    }
    out[o] = 0;
    if (!o)
        strcpy(out, "/");           /* the root itself (ovl_walk: only read) */
    static const char *const own[] = { "/proc", "/sys", "/dev" };
    for (size_t i = 0; i < sizeof own / sizeof *own; i++) {
        size_t l = strlen(own[i]);
        if (!strncmp(out, own[i], l) && (!out[l] || out[l] == '/'))
            return 1;
    }
    return 0;
}

int ovl_covers(struct task_struct *t, uint32_t dirfd, const char *path)
{
    char out[PATH_MAX_G];
    int ts;
    return ovl_path(t, dirfd, path, 1, out, &ts) == 0;
}

/* The host's answer for a guest path: lstat (follow: stat) or -errno. */
static long host_stat(struct task_struct *t, const char *path, int follow, struct stat *st)
{
    int fd = fs_open(t, G_AT_FDCWD, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return fd;
    long r = fstat(fd, st) ? -errno : 0;
    close(fd);
    return r;
}

/*
 * Walk path's upper entries.  1: nothing of the overlay is on the way
 * and nothing is to be changed (modify 0): the host's.  0 and *w; -errno.
 * With modify, the host directories on the way get merge entries (each
 * checked to be a host directory first: its errno otherwise).
 */
static long ovl_walk(struct task_struct *t, uint32_t dirfd, const char *path, int modify,
                     struct ovl_where *w)
{
    memset(w, 0, offsetof(struct ovl_where, path));
    long r = ovl_path(t, dirfd, path, modify, w->path, &w->trailing_slash);
    if (r)
        return r;
    struct shmem_mounts *m = shmem_mounts(t->k);
    if (!m)
        return -ENOMEM;
    w->sb = &m->sb[OVL_SB];
    w->dir = &w->sb->root;
    if (!w->path[1]) {              /* "/": a merge directory when it holds names */
        if (modify || !w->dir->child)
            return 1;
        w->d = w->dir;
        w->name = "", w->n = 0;
        return 0;
    }
    for (char *p = w->path + 1;;) {
        char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        struct shmem_dentry *d = shmem_d_lookup(w->dir, p, n);
        if (!e) {
            if (!d && !w->upper_dir && !modify)
                return 1;
            w->d = d, w->name = p, w->n = n;
            return 0;
        }
        if (d && d->inode && !S_ISDIR(d->inode->i_mode))
            return -ENOTDIR;
        if ((d && d->whiteout) || (!d && w->upper_dir))
            return -ENOENT;
        if (!d) {
            if (!modify)
                return 1;
            *e = 0;
            struct stat st;
            r = host_stat(t, w->path, 1, &st);
            *e = '/';
            if (!r && !S_ISDIR(st.st_mode))
                r = -ENOTDIR;
            if (r)
                return r;
            if (!(d = shmem_d_alloc(t->k, w->dir, p, n, NULL)))
                return -ENOMEM;
        }
        w->upper_dir = d->inode != NULL;
        w->dir = d;
        p = e + 1;
    }
}

/* ---- upper entries ------------------------------------------------------ */

/* A new upper inode of mode under the last name of w (a whiteout there
 * goes: the new entry hides the lower name itself). */
static struct shmem_dentry *ovl_create(struct kernel *k, struct ovl_where *w, uint32_t mode)
{
    if (w->d)
        shmem_d_remove(k, w->d);
    struct inode *i = shmem_new_inode(k, w->sb, mode);
    w->d = i ? shmem_d_alloc(k, w->dir, w->name, w->n, i) : NULL;
    if (i && !w->d)
        iput(i);
    return w->d;
}

/* Copy-up of the host regular file at w's path (stat st): its bytes into
 * the pages of a new upper inode. */
static long ovl_copy_up(struct task_struct *t, struct ovl_where *w, const struct stat *st)
{
    int fd = fs_open(t, G_AT_FDCWD, w->path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0)
        return fd;
    struct shmem_dentry *d = ovl_create(t->k, w, st->st_mode & (S_IFMT | 07777));
    long r = d ? 0 : -ENOMEM;
    char buf[PAGE_SIZE];
    for (int64_t pos = 0; !r;) {
        ssize_t n = pread(fd, buf, sizeof buf, pos);
        if (n <= 0) {
            r = n < 0 ? -errno : 0;
            break;
        }
        long wr = shmem_write_at(t->k, d->inode, buf, (size_t)n, pos);
        r = wr < 0 ? wr : 0;
        pos += n;
    }
    close(fd);
    if (d) {
        d->inode->i_mtime = st->st_mtime;
        d->inode->i_ctime = st->st_ctime;
    }
    if (r && d) {
        shmem_d_remove(t->k, d);
        w->d = NULL;
    }
    return r;
}

/* Hide the lower name at w (its upper entry gone): a whiteout entry. */
static long whiteout(struct kernel *k, const struct ovl_where *w)
{
    struct shmem_dentry *wh = shmem_d_alloc(k, w->dir, w->name, w->n, NULL);
    if (!wh)
        return -ENOMEM;
    wh->whiteout = 1;
    return 0;
}

/* Does the lower layer have w's name (so removing the upper one leaves a
 * whiteout)? */
static int has_lower(struct task_struct *t, const struct ovl_where *w)
{
    struct stat st;
    return !w->upper_dir && host_stat(t, w->path, 0, &st) == 0;
}

/* ---- merged directories ------------------------------------------------- */

struct ovl_dirent { char *name; uint64_t ino; unsigned type; };

struct ovl_dir {
    struct stat st;                 /* the host directory's */
    struct ovl_dirent *e;
    uint32_t n, cap, pos;
};

static int dir_add(struct ovl_dir *od, const char *name, uint64_t ino, unsigned type)
{
    if (od->n == od->cap) {
        uint32_t cap = od->cap ? od->cap * 2 : 16;
        struct ovl_dirent *e = realloc(od->e, cap * sizeof *e);
        if (!e)
            return -1;
        od->e = e, od->cap = cap;
    }
    if (!(od->e[od->n].name = strdup(name)))
        return -1;
    od->e[od->n].ino = ino, od->e[od->n].type = type;
    od->n++;
    return 0;
}

static void dir_free(struct ovl_dir *od)
{
    for (uint32_t i = 0; i < od->n; i++)
        free(od->e[i].name);
    free(od->e);
    free(od);
}

/* The merged listing of the host directory at path with merge entry d:
 * the host's names less the ones d whites out or replaces, then d's upper
 * names.  NULL and *err. */
static struct ovl_dir *dir_merge(struct task_struct *t, const char *path,
                                 const struct shmem_dentry *d, long *err)
{
    struct ovl_dir *od = calloc(1, sizeof *od);
    int fd = od ? fs_open(t, G_AT_FDCWD, path, O_RDONLY | O_DIRECTORY) : -ENOMEM;
    if (fd < 0) {
        free(od);
        *err = fd;
        return NULL;
    }
    DIR *dp = fstat(fd, &od->st) ? NULL : fdopendir(fd);
    if (!dp) {
        *err = -errno;
        close(fd);
        free(od);
        return NULL;
    }
    int bad = 0;
    for (struct dirent *de; !bad && (de = readdir(dp));) {
        const struct shmem_dentry *u = shmem_d_lookup((struct shmem_dentry *)d, de->d_name,
                                                      strlen(de->d_name));
        if (!u || (!u->inode && !u->whiteout))
            bad = dir_add(od, de->d_name, de->d_ino, de->d_type);
    }
    closedir(dp);
    for (const struct shmem_dentry *c = d->child; c && !bad; c = c->next)
        if (c->inode)
            bad = dir_add(od, c->name, c->inode->i_ino, S_ISDIR(c->inode->i_mode) ? 4 : 8);
    if (bad) {
        dir_free(od);
        *err = -ENOMEM;
        return NULL;
    }
    return od;
}

static long ovl_dir_getdents(struct file *f, struct mm_struct *mm, uint32_t ubuf, uint32_t len,
                             int old)
{
    struct ovl_dir *od = f->private_data;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    uint32_t out = 0;
    for (; od->pos < od->n; od->pos++) {
        const struct ovl_dirent *e = &od->e[od->pos];
        uint32_t rec = shmem_put_dirent(NULL, old, e->name, e->ino, 0, e->type);
        if (out + rec > len)
            break;
        out += shmem_put_dirent(buf + out, old, e->name, e->ino, od->pos + 1, e->type);
    }
    long r = !out && od->pos < od->n ? -EINVAL
           : out && copy_to_user(mm, ubuf, buf, out) ? -EFAULT : (long)out;
    free(buf);
    return r;
}

static long ovl_dir_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    struct ovl_dir *od = f->private_data;
    if (whence != SEEK_SET || off < 0)
        return whence == SEEK_CUR && !off ? (*res = od->pos, 0) : -EINVAL;
    od->pos = off > od->n ? od->n : (uint32_t)off;
    f->f_pos = *res = od->pos;
    return 0;
}

static long ovl_dir_getattr(struct file *f, struct stat *st)
{
    *st = ((struct ovl_dir *)f->private_data)->st;
    return 0;
}

static void ovl_dir_release(struct file *f)
{
    dir_free(f->private_data);
}

static const struct file_operations ovl_dir_ops = {
    .kind = FILE_SHMEM, .getdents = ovl_dir_getdents, .llseek = ovl_dir_llseek,
    .getattr = ovl_dir_getattr, .release = ovl_dir_release,
};

static long open_merged_dir(struct task_struct *t, struct ovl_where *w, uint32_t flags,
                            struct file **out)
{
    if ((flags & G_O_ACCMODE) || (flags & G_O_TRUNC))
        return -EISDIR;
    long err;
    struct ovl_dir *od = dir_merge(t, w->path, w->d, &err);
    if (!od)
        return err;
    struct inode *i = new_inode(od->st.st_mode);
    struct file *f = i ? alloc_file(&ovl_dir_ops, i, flags & ~(uint32_t)(G_O_CREAT | G_O_CLOEXEC),
                                    w->path, od) : NULL;
    if (!f) {
        if (i)
            iput(i);
        dir_free(od);
        return -ENOMEM;
    }
    f->f_mode = FMODE_READ_;
    *out = f;
    return 0;
}

/* Is the directory at w (a host one, maybe with a merge entry) empty in
 * the merged view? 1, 0, -errno. */
static long merged_empty(struct task_struct *t, struct ovl_where *w)
{
    if (w->d && w->d->inode)
        return !w->d->child;
    struct shmem_dentry none = { 0 };
    long err;
    struct ovl_dir *od = dir_merge(t, w->path, w->d ? w->d : &none, &err);
    if (!od)
        return err;
    int empty = 1;
    for (uint32_t i = 0; i < od->n; i++)
        if (strcmp(od->e[i].name, ".") && strcmp(od->e[i].name, ".."))
            empty = 0;
    dir_free(od);
    return empty;
}

/* ---- the calls ---------------------------------------------------------- */

long ovl_open(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t flags,
              uint32_t mode, struct file **out)
{
    uint32_t acc = flags & G_O_ACCMODE;
    int creat = (flags & G_O_CREAT) != 0, writing = acc != 0 || (flags & G_O_TRUNC);
    struct ovl_where w;
    long r = ovl_walk(t, dirfd, path, writing || creat, &w);
    if (r)
        return r;
    if (w.d && w.d->inode) {
        if (creat && (flags & G_O_EXCL))
            return -EEXIST;
        return shmem_open_dentry(t, w.sb, w.d, w.path, flags, w.trailing_slash, out);
    }
    if (w.d && !w.d->whiteout) {                /* a host directory with upper names */
        if (creat && (flags & G_O_EXCL))
            return -EEXIST;
        return open_merged_dir(t, &w, flags, out);
    }
    struct stat st;
    r = w.d || w.upper_dir ? -ENOENT : host_stat(t, w.path, !(flags & G_O_NOFOLLOW), &st);
    if (r == -ENOENT) {
        if (!creat)
            return w.d || w.upper_dir ? -ENOENT : 1;
        if (w.trailing_slash)
            return -EISDIR;
        if (!ovl_create(t->k, &w, S_IFREG | (mode & 07777 & ~t->umask)))
            return -ENOMEM;
        return shmem_open_dentry(t, w.sb, w.d, w.path, flags, 0, out);
    }
    if (r)
        return r;
    if (creat && (flags & G_O_EXCL))
        return -EEXIST;
    if (!writing || !S_ISREG(st.st_mode))
        return 1;                               /* the host's file (a directory: EISDIR) */
    if (host_stat(t, w.path, 0, &st) || !S_ISREG(st.st_mode))
        return 1;                               /* a symlink: not copied up */
    r = ovl_copy_up(t, &w, &st);
    return r ? r : shmem_open_dentry(t, w.sb, w.d, w.path, flags, w.trailing_slash, out);
}

long ovl_stat(struct task_struct *t, uint32_t dirfd, const char *path, struct stat *st)
{
    struct ovl_where w;
    long r = ovl_walk(t, dirfd, path, 0, &w);
    if (r)
        return r;
    if (w.d && w.d->inode) {
        if (w.trailing_slash && !S_ISDIR(w.d->inode->i_mode))
            return -ENOTDIR;
        shmem_fill_stat(w.d->inode, w.sb->dev, st);
        return 0;
    }
    return w.d && !w.d->whiteout ? 1 : w.d || w.upper_dir ? -ENOENT : 1;
}

/* unlink (dir 0) and rmdir (dir 1). */
long ovl_unlink(struct task_struct *t, uint32_t dirfd, const char *path, int dir)
{
    struct ovl_where w;
    long r = ovl_walk(t, dirfd, path, 1, &w);
    if (r)
        return r;
    struct stat st;
    int is_dir;
    if (w.d && w.d->whiteout)
        return -ENOENT;
    if (w.d && w.d->inode)
        is_dir = S_ISDIR(w.d->inode->i_mode);
    else if (w.d)
        is_dir = 1;                             /* a merge entry: a host directory */
    else if (w.upper_dir)
        return -ENOENT;
    else if ((r = host_stat(t, w.path, 0, &st)))
        return r;
    else
        is_dir = S_ISDIR(st.st_mode);
    if (dir && !is_dir)
        return -ENOTDIR;
    if (!dir && is_dir)
        return -EISDIR;
    if (!dir && w.trailing_slash)
        return -ENOTDIR;
    if (dir && (r = merged_empty(t, &w)) <= 0)
        return r ? r : -ENOTEMPTY;
    int lower = has_lower(t, &w);
    if (w.d)
        shmem_d_remove(t->k, w.d);
    return lower ? whiteout(t->k, &w) : 0;
}

long ovl_mkdir(struct task_struct *t, uint32_t dirfd, const char *path, uint32_t mode)
{
    struct ovl_where w;
    long r = ovl_walk(t, dirfd, path, 1, &w);
    if (r)
        return r;
    if (w.d && !w.d->whiteout)
        return -EEXIST;
    if (!w.d && !w.upper_dir) {
        struct stat st;
        r = host_stat(t, w.path, 0, &st);
        if (r != -ENOENT)
            return r ? r : -EEXIST;
    }
    return ovl_create(t->k, &w, S_IFDIR | (mode & 07777 & ~t->umask)) ? 0 : -ENOMEM;
}

long ovl_truncate(struct task_struct *t, const char *path, int64_t length)
{
    struct ovl_where w;
    long r = ovl_walk(t, G_AT_FDCWD, path, 1, &w);
    if (r)
        return r;
    if (w.d && !w.d->inode)
        return w.d->whiteout ? -ENOENT : -EISDIR;
    if (!w.d) {
        struct stat st;
        if (w.upper_dir)
            return -ENOENT;
        if ((r = host_stat(t, w.path, 0, &st)))
            return r;
        if (!S_ISREG(st.st_mode))
            return 1;                           /* the host's answer */
        if ((r = ovl_copy_up(t, &w, &st)))
            return r;
    }
    return shmem_truncate_inode(t, w.d->inode, length);
}

/* The source of a rename as an upper entry (a host file copied up). */
static long rename_source(struct task_struct *t, struct ovl_where *a)
{
    if (a->d)
        return a->d->whiteout ? -ENOENT : a->d->inode ? 0 : -EXDEV;
    if (a->upper_dir)
        return -ENOENT;
    struct stat st;
    long r = host_stat(t, a->path, 0, &st);
    if (r)
        return r;
    if (!S_ISREG(st.st_mode))
        return -EXDEV;                          /* a lower directory, symlink: not moved */
    return ovl_copy_up(t, a, &st);
}

/* The target's type in the merged view: 0 none, 1 a file, 2 a directory. */
static long target_kind(struct task_struct *t, struct ovl_where *b)
{
    if (b->d)
        return b->d->whiteout ? 0 : !b->d->inode || S_ISDIR(b->d->inode->i_mode) ? 2 : 1;
    struct stat st;
    long r = b->upper_dir ? -ENOENT : host_stat(t, b->path, 0, &st);
    return r == -ENOENT ? 0 : r ? r : S_ISDIR(st.st_mode) ? 2 : 1;
}

long ovl_rename(struct task_struct *t, const char *from, const char *to, uint32_t flags)
{
    struct ovl_where a, b;
    long r = ovl_walk(t, G_AT_FDCWD, from, 1, &a);
    if (r)
        return r;
    if ((r = ovl_walk(t, G_AT_FDCWD, to, 1, &b)))
        return r;                               /* 1: /proc, /sys, /dev, a dot: the host's */
    long have = target_kind(t, &a);
    if (have <= 0)
        return have ? have : -ENOENT;
    if (flags & ~1u)                            /* RENAME_EXCHANGE, _WHITEOUT: not modelled */
        return -EINVAL;
    if (!strcmp(a.path, b.path))
        return rename_source(t, &a) == -ENOENT ? -ENOENT : 0;
    long kind = target_kind(t, &b);
    if (kind < 0)
        return kind;
    if ((r = rename_source(t, &a)))
        return r;
    if ((r = ovl_walk(t, G_AT_FDCWD, to, 1, &b)))  /* the copy-up may have made entries */
        return r;
    int ad = S_ISDIR(a.d->inode->i_mode);
    for (struct shmem_dentry *p = b.dir; p; p = p->parent)
        if (p == a.d)
            return -EINVAL;                     /* into itself */
    if (kind) {
        if (flags & 1u)
            return -EEXIST;
        if (ad && kind == 1)
            return -ENOTDIR;
        if (!ad && kind == 2)
            return -EISDIR;
        if (kind == 2 && (r = merged_empty(t, &b)) <= 0)
            return r ? r : -ENOTEMPTY;
    }
    char *name = strndup(b.name, b.n);
    if (!name)
        return -ENOMEM;
    if (b.d)
        shmem_d_remove(t->k, b.d);
    int lower = has_lower(t, &a);
    struct shmem_dentry *src = a.d;
    shmem_d_unlink(src);
    free(src->name);
    src->name = name;
    shmem_d_link(b.dir, src);
    return lower ? whiteout(t->k, &a) : 0;
}

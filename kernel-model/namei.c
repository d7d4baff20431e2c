/*
 * namei.c — the model's path walk (fs/namei.c's link_path_walk,
 * walk_component, step_into, follow_dotdot, pick_link), the contract in
 * namei.h; what callers ask of its answer is nd_path.c's.
 *
 * The walk stands at one directory at a time (struct nd_dir): its mount,
 * its upper entry in the mount's tree (a tmpfs directory, an upper
 * directory, a merge entry, or none yet), and the host directory below it
 * as an O_PATH descriptor (none under tmpfs or an opaque upper directory).
 * Its canonical guest path is kept as a string: ".." goes to the canonical
 * parent (follow_dotdot), so ".." is the guest tree's, never the host's
 * below a symlinked directory, and never above the root.
 *
 * A relative path is walked as the base directory's canonical path with
 * the path after it: one walk from the root for every call.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "kernel-model/namei.h"
#include "kernel-model/shmem_priv.h"

struct nd_dir {
    enum nd_mnt mnt;
    struct shmem_sb *sb;
    struct shmem_dentry *upper;     /* this directory's upper entry, or NULL */
    int host_fd;                    /* the host directory, -1: none below */
    uint64_t dev;                   /* its st_dev (0: unknown): a name on another
                                       file system is checked for procfs */
};

struct nameidata {
    struct task_struct *t;
    struct shmem_mounts *m;
    struct nd_dir cur;
    int nlinks;
    char gpath[PATH_MAX_G];         /* cur's canonical guest path */
};

/* What one name in the current directory is. */
struct nd_child {
    enum nd_layer layer;
    enum nd_mnt mnt;                /* the child's own mount (a mount point differs) */
    struct shmem_sb *sb;
    struct shmem_dentry *d;
    int fd;                         /* the host object, or a merged upper dir's lower */
    struct stat st;
};

static int on_procfs(int fd)
{
    struct statfs s;
    return fstatfs(fd, &s) == 0 && s.f_type == PROC_SUPER_MAGIC;
}

static void dir_put(struct nd_dir *d)
{
    if (d->host_fd >= 0)
        close(d->host_fd);
    d->host_fd = -1;
}

/* gpath inside sb's mount: the rest of it after the mount's own path
 * ("" at the mount's root), or NULL when gpath is not below the mount. */
static const char *mount_rel(const struct shmem_sb *sb, const char *gpath)
{
    size_t l = strlen(sb->mnt);
    if (l == 1)
        return gpath;                       /* the overlay: "/" */
    if (strncmp(gpath, sb->mnt, l) || (gpath[l] && gpath[l] != '/'))
        return NULL;
    return gpath + l;
}

/* The upper entry of canonical directory gpath in sb's mount, looked up
 * only (NULL: none, or gpath not in that mount). */
static struct shmem_dentry *find_upper(struct shmem_sb *sb, const char *gpath)
{
    struct shmem_dentry *d = &sb->root;
    for (const char *s = mount_rel(sb, gpath); d && s && *s;) {
        while (*s == '/')
            s++;
        size_t n = strcspn(s, "/");
        if (n)
            d = shmem_d_lookup(d, s, n);
        s += n;
    }
    return d;
}

/* The root's tree: the overlay, or under --writable-root the host's own
 * (no upper layer: sb and upper entries NULL). */
static struct nd_dir root_tree(struct nameidata *nd, const char *gpath, int fd)
{
    struct shmem_sb *sb = &nd->m->sb[OVL_SB];
    if (nd->t->k->writable_root)
        return (struct nd_dir){ .mnt = MNT_HOST_RW, .host_fd = fd };
    return (struct nd_dir){ .mnt = MNT_OVERLAY, .sb = sb, .upper = find_upper(sb, gpath),
                            .host_fd = fd };
}

/* Is the walk at the root of the root's tree (where /proc, /tmp, /dev and
 * /sys are mounted)? */
static int at_tree_root(const struct nameidata *nd)
{
    return (nd->cur.mnt == MNT_OVERLAY || nd->cur.mnt == MNT_HOST_RW) && !strcmp(nd->gpath, "/");
}

/* The walk restarts at the guest's root: --root's directory, or the host's "/". */
static long set_root(struct nameidata *nd)
{
    struct task_struct *t = nd->t;
    int fd = t->root_fd >= 0 ? fcntl(t->root_fd, F_DUPFD_CLOEXEC, 3)
                             : open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    dir_put(&nd->cur);
    nd->cur = root_tree(nd, "/", fd);
    strcpy(nd->gpath, "/");
    return 0;                       /* dev 0: the root's names are checked */
}

static int name_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && !memcmp(s, w, n);
}

/* The host's name in the current directory (one component, never
 * followed): 0 and c->fd, or -errno; ENOENT also for anything on procfs. */
static long lookup_host(struct nameidata *nd, const char *name, size_t n, struct nd_child *c)
{
    char nm[NAME_MAX_G + 1];
    memcpy(nm, name, n);
    nm[n] = 0;
    int fd = openat(nd->cur.host_fd, nm, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    /* procfs is another file system than its parent's: a name on the
     * directory's own file system needs no fstatfs */
    if (fstat(fd, &c->st) || ((uint64_t)c->st.st_dev != nd->cur.dev && on_procfs(fd))) {
        close(fd);
        return -ENOENT;
    }
    c->fd = fd;
    return 0;
}

/* The model's mounts, by canonical place: /proc, /tmp, /dev/shm.  1: c is
 * the mount's root; 0: not a mount point. */
static int lookup_mount(struct nameidata *nd, const char *name, size_t n, struct nd_child *c)
{
    int at_root = at_tree_root(nd);
    int tmpfs = -1;
    if (at_root && name_is(name, n, "proc")) {
        c->layer = LAYER_PROC;
        c->mnt = MNT_PROC;
        return 1;
    }
    if (at_root && name_is(name, n, "tmp"))
        tmpfs = 0;
    else if (nd->cur.mnt == MNT_HOST_RO && !strcmp(nd->gpath, "/dev") && name_is(name, n, "shm"))
        tmpfs = 1;
    if (tmpfs < 0)
        return 0;
    struct shmem_sb *sb = &nd->m->sb[tmpfs];
    struct inode *root = shmem_root_inode(nd->t->k, sb);
    if (!root)
        return -ENOMEM;
    /* /tmp keeps the root's own /tmp below it as its lower, read-only:
     * files the user hands the guest there (`memsim run -- prog
     * /tmp/in`) are seen, as under qemu-user, and every write stays in
     * the model.  /dev/shm has none: the host's holds other processes'
     * shared memory. */
    int lower = -1;
    if (!tmpfs) {
        struct nd_child h = { .fd = -1 };
        if (!lookup_host(nd, name, n, &h) && S_ISDIR(h.st.st_mode))
            lower = h.fd;
        else if (h.fd >= 0)
            close(h.fd);
    }
    *c = (struct nd_child){ .layer = LAYER_UPPER, .mnt = MNT_TMPFS, .sb = sb, .d = &sb->root,
                            .fd = lower };
    shmem_fill_stat(root, sb->dev, &c->st);
    return 1;
}

/* walk_component's lookup: the upper entry first, then the host's lower. */
static long lookup_child(struct nameidata *nd, const char *name, size_t n, struct nd_child *c)
{
    *c = (struct nd_child){ .layer = LAYER_NEGATIVE, .mnt = nd->cur.mnt, .sb = nd->cur.sb,
                            .fd = -1 };
    if (n > NAME_MAX_G)
        return -ENAMETOOLONG;
    long r = lookup_mount(nd, name, n, c);
    if (r)
        return r < 0 ? r : 0;
    struct shmem_dentry *u = nd->cur.upper ? shmem_d_lookup(nd->cur.upper, name, n) : NULL;
    c->d = u;
    if (u && u->whiteout)
        return 0;
    if (u && u->inode) {
        c->layer = LAYER_UPPER;
        shmem_fill_stat(u->inode, c->sb->dev, &c->st);
        if (!S_ISDIR(u->inode->i_mode) || u->opaque || nd->cur.host_fd < 0)
            return 0;
        struct stat st = c->st;             /* a copied-up directory: its lower below */
        r = lookup_host(nd, name, n, c);
        c->st = st;
        return r == -ENOENT ? 0 : r;
    }
    if (nd->cur.host_fd < 0)
        return 0;
    r = lookup_host(nd, name, n, c);
    if (r)
        return r == -ENOENT ? 0 : r;
    c->layer = LAYER_HOST;
    if (at_tree_root(nd) && (name_is(name, n, "dev") || name_is(name, n, "sys")))
        c->mnt = MNT_HOST_RO;               /* devices and sysfs: the host's, no upper */
    return 0;
}

static long append_name(char *gpath, const char *name, size_t n)
{
    size_t l = strlen(gpath);
    int slash = !(l == 1 && gpath[0] == '/');
    if (l + slash + n >= PATH_MAX_G)
        return -ENAMETOOLONG;
    if (slash)
        gpath[l++] = '/';
    memcpy(gpath + l, name, n);
    gpath[l + n] = 0;
    return 0;
}

/* step_into a directory child c (its descriptor taken over). */
static long step_into(struct nameidata *nd, const char *name, size_t n, struct nd_child *c)
{
    long r = append_name(nd->gpath, name, n);
    if (r) {
        if (c->fd >= 0)
            close(c->fd);
        return r;
    }
    struct nd_dir d = { .mnt = c->mnt, .sb = c->sb, .upper = NULL, .host_fd = c->fd,
                        .dev = c->layer == LAYER_HOST ? (uint64_t)c->st.st_dev : 0 };
    if (c->mnt == MNT_TMPFS || c->layer == LAYER_UPPER || c->mnt == MNT_OVERLAY)
        d.upper = c->d;                     /* tmpfs's, an upper dir, a merge entry or none */
    if (c->mnt == MNT_HOST_RO)
        d.sb = NULL;
    dir_put(&nd->cur);
    nd->cur = d;
    return 0;
}

static void child_put(struct nd_child *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* The directory of canonical guest path gpath (a re-walk from the root,
 * directories only). */
static long walk_canonical(struct nameidata *nd, const char *gpath)
{
    char path[PATH_MAX_G];
    snprintf(path, sizeof path, "%s", gpath);
    long r = set_root(nd);
    for (char *s = path; !r;) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        size_t n = strcspn(s, "/");
        struct nd_child c;
        if ((r = lookup_child(nd, s, n, &c)))
            break;
        if (c.layer == LAYER_NEGATIVE || c.layer == LAYER_PROC || !S_ISDIR(c.st.st_mode)) {
            child_put(&c);
            return -ENOENT;                 /* the tree changed under the walk */
        }
        r = step_into(nd, s, n, &c);
        s += n;
    }
    return r;
}

/* Start at host directory fd (taken over) whose canonical guest path is
 * gpath: a directory descriptor, the working directory, a ".." target. */
static long start_at_host(struct nameidata *nd, int fd, const char *gpath)
{
    if (fd < 0)
        return -errno;
    dir_put(&nd->cur);
    int ro = !strncmp(gpath, "/dev", 4) || !strncmp(gpath, "/sys", 4);
    ro = ro && (!gpath[4] || gpath[4] == '/');
    struct shmem_sb *tmp = &nd->m->sb[0];
    if (ro)
        nd->cur = (struct nd_dir){ .mnt = MNT_HOST_RO, .host_fd = fd };
    else if (mount_rel(tmp, gpath))         /* /tmp's lower: tmpfs's, over the root's /tmp */
        nd->cur = (struct nd_dir){ .mnt = MNT_TMPFS, .sb = tmp, .upper = find_upper(tmp, gpath),
                                   .host_fd = fd };
    else
        nd->cur = root_tree(nd, gpath, fd);
    snprintf(nd->gpath, sizeof nd->gpath, "%s", gpath);
    return 0;
}

/* follow_dotdot: one canonical name up, never above the guest's root.
 * Under --root the parent's canonical path is walked again from the root,
 * so a host directory moved out of the root meanwhile is no way out.  With
 * the default root there is nothing above "/" to reach, and a host
 * directory's parent is the host's ".." (the walk reached it by its real
 * names, so that is its canonical parent, also for memsim's working
 * directory hidden under the /tmp mount). */
static long follow_dotdot(struct nameidata *nd)
{
    if (!strcmp(nd->gpath, "/"))
        return 0;
    char up[PATH_MAX_G];
    strcpy(up, nd->gpath);
    char *s = strrchr(up, '/');
    s[s == up] = 0;
    if (nd->t->root_fd < 0 && nd->cur.host_fd >= 0 && nd->cur.mnt != MNT_TMPFS)
        return start_at_host(nd, openat(nd->cur.host_fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC),
                             up);
    return walk_canonical(nd, up);
}

/* The target of symlink c: 0 and target, or -errno. */
static long read_link(const struct nd_child *c, char *target)
{
    if (c->layer == LAYER_UPPER) {
        const char *l = c->d->inode->i_link;
        snprintf(target, PATH_MAX_G, "%s", l ? l : "");
        return 0;
    }
    ssize_t n = readlinkat(c->fd, "", target, PATH_MAX_G - 1);
    if (n < 0)
        return -errno;
    target[n] = 0;
    return 0;
}

/* pick_link: the rest of the walk becomes target + rest, from the root
 * for an absolute target. */
static long pick_link(struct nameidata *nd, struct nd_child *c, const char *rest, int slash,
                      char *buf)
{
    char target[PATH_MAX_G];
    long r = ++nd->nlinks > MAXSYMLINKS ? -ELOOP : read_link(c, target);
    child_put(c);
    if (r)
        return r;
    if (!target[0])
        return -ENOENT;
    char tail[PATH_MAX_G];
    snprintf(tail, sizeof tail, "%s", rest);
    int n = snprintf(buf, PATH_MAX_G, "%s%s%s", target, *tail || slash ? "/" : "", tail);
    if (n < 0 || n >= (int)PATH_MAX_G)
        return -ENAMETOOLONG;
    return target[0] == '/' ? set_root(nd) : 0;
}

/* The walk ended on the current directory itself ("/", ".", ".."). */
static long result_dir(struct nameidata *nd, enum nd_last type, struct nd_path *p)
{
    struct nd_dir *c = &nd->cur;
    p->last_type = type;
    p->mnt = c->mnt;
    p->sb = c->sb;
    p->d = c->upper;
    p->fd = c->host_fd;
    c->host_fd = -1;
    strcpy(p->gpath, nd->gpath);
    if (c->upper && c->upper->inode) {
        p->layer = LAYER_UPPER;
        shmem_fill_stat(c->upper->inode, c->sb->dev, &p->st);
        return 0;
    }
    p->layer = LAYER_HOST;
    if (!c->dev && on_procfs(p->fd))
        return -ENOENT;             /* a start (--root, memsim's cwd) on the host's procfs */
    return fstat(p->fd, &p->st) ? -errno : 0;
}

/* The last component c of the walk, in the current directory. */
static long result_last(struct nameidata *nd, const char *name, size_t n, int slash,
                        unsigned flags, struct nd_child *c, struct nd_path *p)
{
    p->layer = c->layer;
    p->mnt = c->mnt;
    p->sb = c->sb;
    p->d = c->d;
    p->fd = c->fd;
    p->st = c->st;
    p->trailing_slash = slash;
    p->dir = nd->cur.upper;
    p->parent_fd = nd->cur.host_fd;
    nd->cur.host_fd = -1;
    p->mountpoint = c->mnt != nd->cur.mnt;
    if (c->mnt != nd->cur.mnt && c->layer == LAYER_HOST)
        p->sb = nd->cur.sb;                 /* /dev, /sys: names in the overlay's "/" */
    if (p->mountpoint)
        p->mnt = nd->cur.mnt;
    memcpy(p->last, name, n);
    p->last[n] = 0;
    strcpy(p->gpath, nd->gpath);
    long r = append_name(p->gpath, name, n);
    if (r)
        return r;
    int isdir = S_ISDIR(p->st.st_mode);
    if (nd_exists(p) && !isdir && (slash || (flags & LOOKUP_DIRECTORY)))
        return -ENOTDIR;
    return 0;
}

/* link_path_walk and the last component: buf (a path from the current
 * directory, changed by symlinks) to *p. */
static long path_walk(struct nameidata *nd, char *buf, unsigned flags, struct nd_path *p)
{
    char *s = buf;
    for (;;) {
        while (*s == '/')
            s++;
        if (!*s)
            return result_dir(nd, !strcmp(nd->gpath, "/") ? LAST_ROOT : LAST_NORM, p);
        size_t n = strcspn(s, "/");
        char *rest = s + n;
        int slash = *rest == '/';
        while (*rest == '/')
            rest++;
        int last = !*rest;
        long r = 0;
        if (name_is(s, n, ".") || name_is(s, n, "..")) {
            int dotdot = n == 2;
            if (dotdot && (r = follow_dotdot(nd)))
                return r;
            if (last)
                return result_dir(nd, dotdot ? LAST_DOTDOT : LAST_DOT, p);
            s = rest;
            continue;
        }
        struct nd_child c;
        if ((r = lookup_child(nd, s, n, &c)))
            return r;
        if (c.layer == LAYER_PROC) {        /* the rest is procfs's, by name */
            p->layer = LAYER_PROC;
            p->mnt = MNT_PROC;
            p->trailing_slash = slash && last;
            int k = snprintf(p->gpath, sizeof p->gpath, "/proc%s%s", *rest || slash ? "/" : "",
                             rest);
            return k < (int)sizeof p->gpath ? 0 : -ENAMETOOLONG;
        }
        int link = c.layer != LAYER_NEGATIVE && S_ISLNK(c.st.st_mode);
        if (link && (!last || slash || (flags & LOOKUP_FOLLOW))) {
            if ((r = pick_link(nd, &c, rest, slash, buf)))
                return r;
            s = buf;
            continue;
        }
        if (last)
            return result_last(nd, s, n, slash, flags, &c, p);
        if (c.layer == LAYER_NEGATIVE || !S_ISDIR(c.st.st_mode)) {
            child_put(&c);
            return c.layer == LAYER_NEGATIVE ? -ENOENT : -ENOTDIR;
        }
        if ((r = step_into(nd, s, n, &c)))
            return r;
        s = rest;
    }
}

/* Where a relative path starts (path_init): the working directory or
 * dirfd itself, a host directory by its descriptor (so one hidden under a
 * mount since it was opened stays reachable, as a Linux cwd does), the
 * model's directories by their canonical path. */
static long path_init(struct nameidata *nd, uint32_t dirfd)
{
    struct task_struct *t = nd->t;
    struct file *d;
    char gpath[PATH_MAX_G];
    if (dirfd == G_AT_FDCWD) {
        if (!t->fs->cwd && t->root_fd >= 0)
            return set_root(nd);
        if (!t->fs->cwd)                /* memsim's working directory */
            return getcwd(gpath, sizeof gpath)
                 ? start_at_host(nd, open(".", O_PATH | O_DIRECTORY | O_CLOEXEC), gpath) : -errno;
        d = t->fs->cwd;
    } else if (!(d = fdget(t->files, dirfd)))
        return -EBADF;
    long r = nd_file_path(t, d, gpath, sizeof gpath);
    if (r)
        return r;
    if (host_file_dir(d))
        return start_at_host(nd, fcntl(file_host_fd(d), F_DUPFD_CLOEXEC, 3), gpath);
    return walk_canonical(nd, gpath);
}

long namei(struct task_struct *t, uint32_t dirfd, const char *path, unsigned flags,
           struct nd_path *p)
{
    memset(p, 0, offsetof(struct nd_path, gpath));
    p->fd = p->parent_fd = -1;
    p->gpath[0] = 0;
    if (!path[0])
        return -ENOENT;
    struct nameidata nd = { .t = t, .cur = { .host_fd = -1 } };
    if (!(nd.m = shmem_mounts(t->k)))
        return -ENOMEM;
    char *buf = malloc(PATH_MAX_G);
    if (!buf)
        return -ENOMEM;
    long r = snprintf(buf, PATH_MAX_G, "%s", path) >= (int)PATH_MAX_G ? -ENAMETOOLONG : 0;
    if (!r)
        r = path[0] == '/' ? set_root(&nd) : path_init(&nd, dirfd);
    if (!r)
        r = path_walk(&nd, buf, flags, p);
    dir_put(&nd.cur);
    free(buf);
    if (r)
        nd_path_release(p);
    return r;
}

struct shmem_dentry *nd_merge_path(struct task_struct *t, struct shmem_sb *sb, const char *gpath)
{
    struct shmem_dentry *d = &sb->root;
    const char *s = mount_rel(sb, gpath);
    if (!s)
        return NULL;                        /* not in this mount: the caller's bug */
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        size_t n = strcspn(s, "/");
        struct shmem_dentry *c = shmem_d_lookup(d, s, n);
        if (!c && !(c = shmem_d_alloc(t->k, d, s, n, NULL)))
            return NULL;                    /* a merge entry: the host's directory */
        d = c;
        s += n;
    }
    return d;
}

/*
 * procfs.c — the guest's /proc (fs/proc/): names, the file tables, open,
 * read/lseek/fstat over the text rendered at open (seq_file), the
 * directories' getdents, the links (self, exe, cwd, fd/N), stat by name.
 * What the files say: procfs_mm.c and procfs_smaps.c (per process),
 * procfs_meminfo.c (the machine); the text buffer: seq_file.c.
 * Contract: procfs.h.
 *
 * Writing: every file is 0444 (vmallocinfo 0400: only root reads it) and
 * has no write operation.  Without
 * privilege open for writing is EACCES (generic_permission); root passes
 * the permission check (CAP_DAC_OVERRIDE) and then the write fails as
 * Linux's does: EINVAL for a /proc/PID file (no ->write: FMODE_CAN_WRITE
 * is clear), EIO for a /proc/NAME file (proc_reg_write without
 * ->proc_write).  The guest's uid is memsim's (getuid, as sys_core.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/procfs.h"

/* ---- the tables ------------------------------------------------------- */

struct proc_entry {
    const char *name;
    proc_show_fn show;
    unsigned mode;                      /* permission bits (proc_create's); 0: 0444 */
};

/* /proc/NAME: the machine's files. */
static const struct proc_entry proc_root_entries[] = {
    { "buddyinfo", proc_buddyinfo_show, 0444 },
    { "meminfo",   proc_meminfo_show, 0444 },
    { "pagetypeinfo", proc_pagetypeinfo_show, 0400 },
    { "slabinfo",  proc_slabinfo_show, 0444 },
    { "vmallocinfo", proc_vmallocinfo_show, 0400 },   /* proc_create_seq_private(0400) */
    { "vmstat",    proc_vmstat_show, 0444 },
    { "zoneinfo",  proc_zoneinfo_show, 0444 },
};

/* /proc/PID/NAME: the process's files. */
static const struct proc_entry proc_pid_entries[] = {
    { "cmdline", proc_pid_cmdline_show, 0444 },
    { "environ", proc_pid_environ_show, 0444 },
    { "maps",    proc_pid_maps_show, 0444 },
    { "smaps",   proc_pid_smaps_show, 0444 },
    { "smaps_rollup", proc_pid_smaps_rollup_show, 0444 },
    { "statm",   proc_pid_statm_show, 0444 },
    { "status",  proc_pid_status_show, 0444 },
};

/* /proc/PID links and directories besides the files */
static const char *const proc_pid_links[] = { "cwd", "exe" };

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A row without a mode (a two-field row) is 0444, as most of /proc. */
static unsigned entry_mode(const struct proc_entry *e)
{
    return e && e->mode ? e->mode : 0444;
}

static const struct proc_entry *entry_find(const struct proc_entry *tab, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(tab[i].name, name))
            return &tab[i];
    return NULL;
}

/* ---- names -------------------------------------------------------------- */

enum proc_node_kind { PROC_ROOT, PROC_PID_DIR, PROC_FD_DIR, PROC_FILE, PROC_LINK, PROC_FD };

struct proc_node {
    enum proc_node_kind kind;
    const struct proc_entry *entry;     /* PROC_FILE */
    int per_pid;                        /* PROC_FILE: a /proc/PID file */
    const char *link;                   /* PROC_LINK: "self", "exe", "cwd" */
    long fd;                            /* PROC_FD */
};

#define PROC_MAX_DEPTH 8

/* The components of an absolute path, "." and "" dropped and ".." popped
 * (at the root, ".." stays there).  Returns the count, -1 when not absolute
 * or too deep for any /proc name, -ENAMETOOLONG. */
static int split_path(const char *path, char *buf, size_t len, char *comp[PROC_MAX_DEPTH])
{
    if (path[0] != '/')
        return -1;
    size_t n = strlen(path);
    if (n >= len)
        return -ENAMETOOLONG;
    memcpy(buf, path, n + 1);
    int depth = 0;
    for (char *save = NULL, *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..")) {
            depth -= depth > 0;
            continue;
        }
        if (depth == PROC_MAX_DEPTH)
            return -1;
        comp[depth++] = c;
    }
    return depth;
}

/* A decimal without a leading zero (name_to_int), or -1. */
static long name_to_int(const char *s)
{
    size_t len = strspn(s, "0123456789");
    if (!len || s[len] || (s[0] == '0' && len > 1) || len > 9)
        return -1;
    return strtol(s, NULL, 10);
}

static int is_own_pid(const struct task_struct *t, const char *s)
{
    return !strcmp(s, "self") || name_to_int(s) == (long)t->tgid;
}

/* What comp[1..n) names under /proc/PID: 0 or -errno. */
static int lookup_pid(char *comp[], int n, struct proc_node *node)
{
    if (n == 0) {
        node->kind = PROC_PID_DIR;
        return 0;
    }
    if ((node->entry = entry_find(proc_pid_entries, ARRAY_LEN(proc_pid_entries), comp[0]))) {
        node->kind = PROC_FILE;
        node->per_pid = 1;
        return n == 1 ? 0 : -ENOTDIR;
    }
    for (size_t i = 0; i < ARRAY_LEN(proc_pid_links); i++)
        if (!strcmp(comp[0], proc_pid_links[i])) {
            node->kind = PROC_LINK;
            node->link = proc_pid_links[i];
            return n == 1 ? 0 : -ENOENT;    /* the target is a file of the root */
        }
    if (strcmp(comp[0], "fd"))
        return -ENOENT;
    if (n == 1) {
        node->kind = PROC_FD_DIR;
        return 0;
    }
    node->kind = PROC_FD;
    node->fd = name_to_int(comp[1]);
    return n == 2 && node->fd >= 0 ? 0 : -ENOENT;
}

static int proc_lookup_comps(struct task_struct *t, char *comp[], int n, struct proc_node *node);

/* The node a path names: 0, -errno, or 1 when the path is not /proc. */
static int proc_lookup(struct task_struct *t, const char *path, struct proc_node *node)
{
    char buf[PATH_MAX_G];
    char *comp[PROC_MAX_DEPTH];
    memset(node, 0, sizeof *node);
    int n = split_path(path, buf, sizeof buf, comp);
    if (n == -1 && path[0] == '/' && !strncmp(path, "/proc/", 6))
        return -ENOENT;                 /* deeper than any /proc name */
    if (n < 0)
        return n == -1 ? 1 : n;
    if (n == 0 || strcmp(comp[0], "proc"))
        return 1;
    int r = proc_lookup_comps(t, comp, n, node);
    size_t len = strlen(path);
    if (!r && path[len - 1] == '/' && (node->kind == PROC_FILE || node->kind == PROC_FD))
        return -ENOTDIR;                /* "name/" of a file (or fd N's non-directory) */
    return r;
}

static int proc_lookup_comps(struct task_struct *t, char *comp[], int n, struct proc_node *node)
{
    if (n == 1) {
        node->kind = PROC_ROOT;
        return 0;
    }
    if (is_own_pid(t, comp[1])) {
        if (n == 2 && !strcmp(comp[1], "self"))
            node->link = "self";        /* a link to the pid's directory */
        return lookup_pid(comp + 2, n - 2, node);
    }
    if ((node->entry = entry_find(proc_root_entries, ARRAY_LEN(proc_root_entries), comp[1]))) {
        node->kind = PROC_FILE;
        return n == 2 ? 0 : -ENOTDIR;
    }
    return -ENOENT;                     /* other pids: the guest is alone */
}

/* ---- open files --------------------------------------------------------- */

struct proc_file {
    struct seq_file m;          /* PROC_FILE: the text; a directory: its
                                   entries at open, one "TNAME\n" each, T
                                   'a' + the d_type */
    uint32_t nr_entries;        /* a directory's */
    struct proc_node node;
    uint32_t pid;               /* whose directory */
};

static struct proc_file *proc_private(struct file *f) { return f->private_data; }

static long proc_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    struct proc_file *p = proc_private(f);
    if (!(f->f_mode & FMODE_READ_))
        return -EBADF;
    if (*pos < 0 || (uint64_t)*pos >= p->m.count)
        return 0;
    size_t left = p->m.count - (size_t)*pos;
    size_t k = n < left ? n : left;
    memcpy(buf, p->m.buf + *pos, k);
    *pos += (int64_t)k;
    return (long)k;
}

static long proc_write(struct file *f, const void *buf, size_t n, int64_t *pos)
{
    (void)buf; (void)n; (void)pos;
    if (!(f->f_mode & FMODE_WRITE_))
        return -EBADF;
    return proc_private(f)->node.per_pid ? -EINVAL : -EIO;
}

/* seq_lseek: SEEK_SET and SEEK_CUR to any offset >= 0 (past the end
 * reads 0 bytes); SEEK_END is EINVAL. */
static long proc_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    if (whence == SEEK_CUR)
        off += f->f_pos;
    else if (whence != SEEK_SET)
        return -EINVAL;
    if (off < 0)
        return -EINVAL;
    f->f_pos = *res = off;
    return 0;
}

/* procfs's superblock: an anonymous device, as every procfs mount has */
#define PROC_DEV makedev(0, 22)

static uint64_t node_ino(const struct proc_file *p)
{
    const struct proc_node *n = &p->node;
    uint64_t base = n->kind == PROC_ROOT ? 1 : 4026531840ull + p->pid * 64ull;
    if (n->kind == PROC_FILE && !n->per_pid)
        return 4026531000ull + (uint64_t)(n->entry - proc_root_entries);
    if (n->kind == PROC_FILE)
        return base + 2 + (uint64_t)(n->entry - proc_pid_entries);
    return base + (n->kind == PROC_FD_DIR);
}

static void node_stat(const struct proc_file *p, uint32_t mode, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = PROC_DEV;
    st->st_ino = node_ino(p);
    st->st_mode = mode;
    st->st_nlink = S_ISDIR(mode) ? 2 : 1;
    st->st_uid = getuid();
    st->st_gid = getgid();
    st->st_blksize = 1024;
}

static long proc_getattr(struct file *f, struct stat *st)
{
    node_stat(proc_private(f), f->f_inode->i_mode, st);
    return 0;
}

static void proc_release(struct file *f)
{
    struct proc_file *p = proc_private(f);
    free(p->m.buf);
    free(p);
}

/* ---- directories -------------------------------------------------------- */

#define DT_DIR_ 4
#define DT_REG_ 8
#define DT_LNK_ 10

static void dir_add(struct proc_file *p, unsigned char type, const char *name)
{
    seq_printf(&p->m, "%c%s\n", 'a' + type, name);    /* DT_LNK is '\n' itself */
    p->nr_entries++;
}

/* A directory's entries as they are at open (proc_root_readdir: the
 * machine's files, then self, then the pids; proc_pident_readdir). */
static void dir_render(struct task_struct *t, struct proc_file *p)
{
    dir_add(p, DT_DIR_, ".");
    dir_add(p, DT_DIR_, "..");
    char num[16];
    switch (p->node.kind) {
    case PROC_ROOT:
        for (size_t i = 0; i < ARRAY_LEN(proc_root_entries); i++)
            dir_add(p, DT_REG_, proc_root_entries[i].name);
        dir_add(p, DT_LNK_, "self");
        snprintf(num, sizeof num, "%u", t->tgid);
        dir_add(p, DT_DIR_, num);
        break;
    case PROC_PID_DIR:
        for (size_t i = 0; i < ARRAY_LEN(proc_pid_entries); i++)
            dir_add(p, DT_REG_, proc_pid_entries[i].name);
        for (size_t i = 0; i < ARRAY_LEN(proc_pid_links); i++)
            dir_add(p, DT_LNK_, proc_pid_links[i]);
        dir_add(p, DT_DIR_, "fd");
        break;
    default:                            /* PROC_FD_DIR */
        for (uint32_t fd = 0; fd < NR_OPEN_MAX; fd++)
            if (t->files->fd[fd]) {
                snprintf(num, sizeof num, "%u", fd);
                dir_add(p, DT_LNK_, num);
            }
        break;
    }
}

/* The i-th entry rendered by dir_render, or NULL; *len its name's length. */
static const char *dir_entry(const struct proc_file *p, uint32_t i, size_t *len)
{
    const char *s = p->m.buf, *end = p->m.buf + p->m.count;
    for (; s < end && i; i--)
        s = memchr(s, '\n', (size_t)(end - s)) + 1;
    if (s >= end)
        return NULL;
    *len = (size_t)((const char *)memchr(s, '\n', (size_t)(end - s)) - s);
    return s;
}

/* One record, linux_dirent64 or the i386 linux_dirent (fs/readdir.c):
 * its length, or 0 when it does not fit in room. */
static size_t put_dirent(uint8_t *out, size_t room, uint64_t ino, uint32_t off,
                         const char *name, size_t nlen, unsigned char type, int old)
{
    size_t reclen = old ? (10 + nlen + 2 + 3) & ~(size_t)3 : (19 + nlen + 1 + 7) & ~(size_t)7;
    if (reclen > room)
        return 0;
    memset(out, 0, reclen);
    uint16_t rl = (uint16_t)reclen;
    if (old) {
        uint32_t i32 = (uint32_t)ino;
        memcpy(out, &i32, 4);
        memcpy(out + 4, &off, 4);
        memcpy(out + 8, &rl, 2);
        memcpy(out + 10, name, nlen);
        out[reclen - 1] = type;
    } else {
        int64_t off64 = off;
        memcpy(out, &ino, 8);
        memcpy(out + 8, &off64, 8);
        memcpy(out + 16, &rl, 2);
        out[18] = type;
        memcpy(out + 19, name, nlen);
    }
    return reclen;
}

/* getdents: the entries from f_pos (an entry index) on, as many as fit;
 * EINVAL when not even one does (filldir's "result buffer too small"). */
static long proc_getdents(struct file *f, struct mm_struct *mm, uint32_t ubuf, uint32_t len, int old)
{
    struct proc_file *p = proc_private(f);
    uint32_t room = len < 65536 ? len : 65536;
    uint8_t *buf = malloc(room ? room : 1);
    if (!buf)
        return -ENOMEM;
    size_t used = 0, nlen;
    uint32_t i = f->f_pos < 0 ? UINT32_MAX : (uint32_t)f->f_pos;
    const char *e;
    for (; (e = dir_entry(p, i, &nlen)); i++) {
        uint64_t ino = node_ino(p) + 100 + i;
        size_t r = put_dirent(buf + used, room - used, ino, i + 1, e + 1, nlen - 1,
                              (unsigned char)(e[0] - 'a'), old);
        if (!r)
            break;
        used += r;
    }
    long ret = used ? (long)used : e ? -EINVAL : 0;
    if (used && copy_to_user(mm, ubuf, buf, (uint32_t)used))
        ret = -EFAULT;
    else if (used)
        f->f_pos = i;
    free(buf);
    return ret;
}

static const struct file_operations proc_file_ops = {
    .kind = FILE_PROCFS, .read = proc_read, .write = proc_write, .llseek = proc_llseek,
    .getattr = proc_getattr, .release = proc_release,
};

static long proc_dir_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    (void)f; (void)buf; (void)n; (void)pos;
    return -EISDIR;                     /* generic_read_dir */
}

static const struct file_operations proc_dir_ops = {
    .kind = FILE_PROCFS, .read = proc_dir_read, .getdents = proc_getdents, .llseek = proc_llseek,
    .getattr = proc_getattr, .release = proc_release,
};

/* ---- the exit snapshot (memsim proc) --------------------------------------- */

/* Each file of tab as an EV_PROC_FILE: the task's (per_pid), or the
 * machine's with pid and tid 0. */
static void snapshot_table(struct task_struct *t, const struct proc_entry *tab, size_t n,
                           int per_pid)
{
    for (size_t i = 0; i < n; i++) {
        struct seq_file m = { .nofault = 1 };
        if (!tab[i].show(&m, t) && !m.failed) {
            struct event ev = { .type = EV_PROC_FILE };
            if (per_pid)
                task_event_ids(t, &ev);
            ev.u.proc_file = (struct proc_file_event){
                .name = tab[i].name, .data = (const uint8_t *)m.buf, .len = (uint32_t)m.count };
            event_emit_unsequenced(t->k->events, &ev);
        }
        free(m.buf);
    }
}

void procfs_exit_snapshot(struct task_struct *t)
{
    if (!t->k->events)
        return;
    snapshot_table(t, proc_root_entries, ARRAY_LEN(proc_root_entries), 0);
    snapshot_table(t, proc_pid_entries, ARRAY_LEN(proc_pid_entries), 1);
}

/* ---- paths relative to a /proc directory -------------------------------- */

const char *procfs_path_at(struct task_struct *t, uint32_t dirfd, const char *path,
                           char *buf, size_t len)
{
    struct file *d = path[0] == '/' || dirfd == G_AT_FDCWD ? NULL : fdget(t->files, dirfd);
    if (!d || d->f_op != &proc_dir_ops)
        return path;
    const struct proc_file *p = proc_private(d);
    int n;
    if (p->node.kind == PROC_ROOT)
        n = snprintf(buf, len, "/proc/%s", path);
    else if (p->node.kind == PROC_PID_DIR)
        n = snprintf(buf, len, "/proc/%u/%s", p->pid, path);
    else
        n = snprintf(buf, len, "/proc/%u/fd/%s", p->pid, path);
    return n >= 0 && (size_t)n < len ? buf : path;
}

/* ---- open and readlink -------------------------------------------------- */

static int may_write(uint32_t flags)
{
    return (flags & G_O_ACCMODE) != 0 || (flags & G_O_TRUNC);
}

/* Render the node's text into p->m: 0 or -errno. */
static long proc_render(struct task_struct *t, struct proc_file *p)
{
    if (p->node.kind != PROC_FILE)
        dir_render(t, p);
    else {
        long r = p->node.entry->show(&p->m, t);
        if (r)
            return r;
    }
    return p->m.failed ? -ENOMEM : 0;
}

static long proc_open_node(struct task_struct *t, const struct proc_node *node, const char *path,
                           uint32_t flags)
{
    int dir = node->kind != PROC_FILE;
    if ((flags & (G_O_CREAT | G_O_EXCL)) == (G_O_CREAT | G_O_EXCL))
        return -EEXIST;
    if (dir && may_write(flags))
        return -EISDIR;
    if (!dir && (flags & G_O_DIRECTORY))
        return -ENOTDIR;
    if (!dir && may_write(flags) && getuid() != 0)
        return -EACCES;                 /* 0444, no CAP_DAC_OVERRIDE */
    if (!dir && (flags & G_O_ACCMODE) != 1 && !(entry_mode(node->entry) & 04) && getuid() != 0)
        return -EACCES;                 /* 0400: the owner (root) reads */
    struct inode *inode = new_inode(dir ? S_IFDIR | 0555 : S_IFREG | entry_mode(node->entry));
    struct proc_file *p = calloc(1, sizeof *p);
    long r = inode && p ? 0 : -ENOMEM;
    if (!r) {
        p->node = *node;
        p->pid = t->tgid;
        r = proc_render(t, p);
    }
    struct file *f = NULL;
    if (!r) {
        f = alloc_file(dir ? &proc_dir_ops : &proc_file_ops, inode,
                       flags & (G_O_ACCMODE | G_O_DIRECTORY | O_NONBLOCK), path, p);
        r = f ? 0 : -ENOMEM;
    }
    if (r) {
        if (p)
            free(p->m.buf);
        free(p);
        free(inode);
        return r;
    }
    uint32_t acc = flags & G_O_ACCMODE;
    f->f_mode = (acc != 1 ? FMODE_READ_ : 0) | (acc != 0 ? FMODE_WRITE_ : 0);
    return fd_install_file(t, f, (flags & G_O_CLOEXEC) != 0, 0);
}

/* What a link of the own pid's directory points at: its length in buf. */
static long link_target(struct task_struct *t, const struct proc_node *node, char *buf, size_t size)
{
    char tmp[PATH_MAX_G];
    if (node->link && !strcmp(node->link, "self"))
        snprintf(tmp, sizeof tmp, "%u", t->tgid);
    else if (node->kind == PROC_LINK && !strcmp(node->link, "exe"))
        snprintf(tmp, sizeof tmp, "%s", t->exe_guest_path ? t->exe_guest_path : "");
    else if (node->kind == PROC_LINK) {
        long r = fs_getcwd(t, tmp, sizeof tmp);
        if (r)
            return r;
    } else if (node->kind == PROC_FD) {
        struct file *f = fdget(t->files, (uint32_t)node->fd);
        if (!f)
            return -ENOENT;
        char link[40];
        ssize_t n = -1;
        if (f->f_path && f->f_path[0] == '/')
            snprintf(tmp, sizeof tmp, "%s", f->f_path);
        else if (t->root_fd < 0 && file_host_fd(f) >= 0) {
            /* the host's name of the object (a terminal, pipe:[N]) */
            snprintf(link, sizeof link, "/proc/self/fd/%d", file_host_fd(f));
            n = readlink(link, tmp, sizeof tmp - 1);
            tmp[n < 0 ? 0 : n] = 0;
        } else
            snprintf(tmp, sizeof tmp, "%s", f->f_path ? f->f_path : "");
    } else
        return -EINVAL;                 /* not a link */
    size_t n = strlen(tmp);
    n = n < size ? n : size;
    memcpy(buf, tmp, n);
    return (long)n;
}

long procfs_open(struct task_struct *t, const char *path, uint32_t flags,
                 char *fd_alias, size_t alias_len)
{
    struct proc_node node;
    long r = proc_lookup(t, path, &node);
    if (r)
        return r;
    if (node.kind == PROC_FD) {
        snprintf(fd_alias, alias_len, "/proc/self/fd/%ld", node.fd);
        return 2;
    }
    if (node.kind == PROC_LINK) {       /* exe, cwd: open what they name */
        long n = link_target(t, &node, fd_alias, alias_len - 1);
        if (n < 0)
            return n;
        fd_alias[n] = 0;
        return 2;
    }
    if (node.link && (flags & G_O_NOFOLLOW))
        return -ELOOP;                  /* /proc/self itself */
    return proc_open_node(t, &node, path, flags);
}

long procfs_readlink(struct task_struct *t, const char *path, char *buf, size_t size,
                     int *is_proc)
{
    struct proc_node node;
    long r = proc_lookup(t, path, &node);
    *is_proc = r != 1;
    if (r)
        return r == 1 ? 0 : r;
    if (!node.link && node.kind != PROC_FD)
        return -EINVAL;
    return link_target(t, &node, buf, size);
}

/* ---- stat by name ------------------------------------------------------- */

static uint32_t node_mode(const struct proc_node *n, int nofollow)
{
    if (nofollow && n->kind == PROC_FD)
        return S_IFLNK | 0700;          /* proc_fd_link's lrwx------ */
    if (n->kind == PROC_LINK || (nofollow && n->link))
        return S_IFLNK | 0777;
    return n->kind == PROC_FILE ? S_IFREG | entry_mode(n->entry) : S_IFDIR | 0555;
}

long procfs_stat(struct task_struct *t, const char *path, int nofollow, struct stat *st,
                 char *alias, size_t alias_len)
{
    struct proc_file p = { .pid = t->tgid };
    long r = proc_lookup(t, path, &p.node);
    if (r)
        return r;
    if (!nofollow && p.node.kind == PROC_FD) {
        struct file *f = fdget(t->files, (uint32_t)p.node.fd);
        if (!f)
            return -ENOENT;
        return f->f_op->getattr ? f->f_op->getattr(f, st) : -EBADF;
    }
    if (!nofollow && p.node.kind == PROC_LINK) {
        long n = link_target(t, &p.node, alias, alias_len - 1);
        if (n < 0)
            return n;
        alias[n] = 0;
        return 2;
    }
    node_stat(&p, node_mode(&p.node, nofollow), st);
    return 0;
}

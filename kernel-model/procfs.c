/*
 * procfs.c — the guest's /proc (fs/proc/): names, the file tables, open,
 * the links (self, exe, cwd, fd/N), stat by name, the exit snapshot; the
 * open files' read/lseek/fstat over the text rendered at open (seq_file)
 * and the directories' getdents: procfs_file.c.
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
#include "kernel-model/procfs_priv.h"

/* ---- the tables ------------------------------------------------------- */

/* /proc/NAME: the machine's files. */
const struct proc_entry proc_root_entries[] = {
    { "buddyinfo", proc_buddyinfo_show, 0444 },
    { "meminfo",   proc_meminfo_show, 0444 },
    { "pagetypeinfo", proc_pagetypeinfo_show, 0400 },
    { "slabinfo",  proc_slabinfo_show, 0400 },      /* SLUB's SLABINFO_RIGHTS */
    { "sysvipc/shm", proc_sysvipc_shm_show, 0444 },  /* in /proc/sysvipc (PROC_SYSVIPC_DIR) */
    { "vmallocinfo", proc_vmallocinfo_show, 0400 },   /* proc_create_seq_private(0400) */
    { "vmstat",    proc_vmstat_show, 0444 },
    { "zoneinfo",  proc_zoneinfo_show, 0444 },
};

/* /proc/PID/NAME: the process's files. */
const struct proc_entry proc_pid_entries[] = {
    { "cmdline", proc_pid_cmdline_show, 0444 },
    { "environ", proc_pid_environ_show, 0444 },
    { "maps",    proc_pid_maps_show, 0444 },
    { "smaps",   proc_pid_smaps_show, 0444 },
    { "smaps_rollup", proc_pid_smaps_rollup_show, 0444 },
    { "statm",   proc_pid_statm_show, 0444 },
    { "status",  proc_pid_status_show, 0444 },
    { "stat",    proc_pid_stat_show, 0444 },       /* after the older ones: their */
    { "comm",    proc_pid_comm_show, 0644 },       /* inode numbers stay */
};

/* /proc/PID links and directories besides the files */
const char *const proc_pid_links[] = { "cwd", "exe" };

const size_t nr_proc_root_entries = ARRAY_LEN(proc_root_entries);
const size_t nr_proc_pid_entries = ARRAY_LEN(proc_pid_entries);
const size_t nr_proc_pid_links = ARRAY_LEN(proc_pid_links);

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

/* ---- names (struct proc_node: procfs_priv.h) ----------------------------- */

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

/* /proc/N for another live or zombie task: a process (listed by readdir)
 * or, as Linux's proc_pid_lookup allows, one of its threads by tid. */
static uint32_t other_pid(const struct task_struct *t, const char *s)
{
    long n = name_to_int(s);
    return n > 0 && find_task_by_pid(t->k, (uint32_t)n) ? (uint32_t)n : 0;
}

struct task_struct *proc_node_task(struct task_struct *t, const struct proc_node *node)
{
    if (!node->pid || node->pid == t->tgid)
        return t;
    return find_task_by_pid(t->k, node->pid);
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
        node->pid = t->tgid;
        return lookup_pid(comp + 2, n - 2, node);
    }
    if ((node->pid = other_pid(t, comp[1])))
        return lookup_pid(comp + 2, n - 2, node);
    if (!strcmp(comp[1], "sysvipc")) {
        /* ipc_init_proc_interface's files: "sysvipc/NAME" in the table */
        char name[64];
        if (n == 2) {
            node->kind = PROC_SYSVIPC_DIR;
            return 0;
        }
        snprintf(name, sizeof name, "sysvipc/%s", comp[2]);
        if (!(node->entry = entry_find(proc_root_entries, ARRAY_LEN(proc_root_entries), name)))
            return -ENOENT;
        node->kind = PROC_FILE;
        return n == 3 ? 0 : -ENOTDIR;
    }
    if (strchr(comp[1], '/') == NULL &&
        (node->entry = entry_find(proc_root_entries, ARRAY_LEN(proc_root_entries), comp[1]))) {
        node->kind = PROC_FILE;
        return n == 2 ? 0 : -ENOTDIR;
    }
    return -ENOENT;                     /* no such pid (or released) */
}

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
    else if (p->node.kind == PROC_SYSVIPC_DIR)
        n = snprintf(buf, len, "/proc/sysvipc/%s", path);
    else
        n = snprintf(buf, len, "/proc/%u/fd/%s", p->pid, path);
    return n >= 0 && (size_t)n < len ? buf : path;
}

/* ---- open and readlink -------------------------------------------------- */

static int may_write(uint32_t flags)
{
    return (flags & G_O_ACCMODE) != 0 || (flags & G_O_TRUNC);
}

/* Render the node's text into p->m: 0 or -errno.  A file of another
 * process reads its memory as access_remote_vm would, without the caller's
 * mm loaded: only the pages present (nofault). */
static long proc_render(struct task_struct *t, struct proc_file *p)
{
    struct task_struct *target = proc_node_task(t, &p->node);
    if (!target)
        return -ENOENT;
    if (p->node.kind != PROC_FILE)
        dir_render(p->node.pid ? target : t, p);
    else {
        p->m.nofault = target->mm != t->mm;
        long r = p->node.entry->show(&p->m, p->node.per_pid ? target : t);
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
        p->pid = node->pid ? node->pid : t->tgid;
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

/* The host's name of what fd f of o is (a path, a terminal, pipe:[N]). */
static void fd_target(const struct task_struct *o, struct file *f, char *tmp, size_t size)
{
    char link[40];
    ssize_t n = -1;
    if (f->f_path && f->f_path[0] == '/')
        snprintf(tmp, size, "%s", f->f_path);
    else if (o->root_fd < 0 && file_host_fd(f) >= 0) {
        snprintf(link, sizeof link, "/proc/self/fd/%d", file_host_fd(f));
        n = readlink(link, tmp, size - 1);
        tmp[n < 0 ? 0 : n] = 0;
    } else
        snprintf(tmp, size, "%s", f->f_path ? f->f_path : "");
}

/* What a link of a pid's directory points at: its length in buf.  "self"
 * is the caller's; exe, cwd and fd/N are the directory's task's, gone
 * with its files and mm once it is a zombie (ENOENT, as Linux's). */
static long link_target(struct task_struct *t, const struct proc_node *node, char *buf, size_t size)
{
    char tmp[PATH_MAX_G];
    struct task_struct *o = proc_node_task(t, node);
    if (!o)
        return -ENOENT;
    if (node->link && !strcmp(node->link, "self"))
        snprintf(tmp, sizeof tmp, "%u", t->tgid);
    else if ((node->kind == PROC_LINK || node->kind == PROC_FD) && task_dead(o))
        return -ENOENT;
    else if (node->kind == PROC_LINK && !strcmp(node->link, "exe"))
        snprintf(tmp, sizeof tmp, "%s", o->exe_guest_path ? o->exe_guest_path : "");
    else if (node->kind == PROC_LINK) {
        long r = fs_getcwd(o, tmp, sizeof tmp);
        if (r)
            return r;
    } else if (node->kind == PROC_FD) {
        struct file *f = o->files ? fdget(o->files, (uint32_t)node->fd) : NULL;
        if (!f)
            return -ENOENT;
        fd_target(o, f, tmp, sizeof tmp);
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
    if (node.kind == PROC_FD && proc_node_task(t, &node) == t) {
        snprintf(fd_alias, alias_len, "/proc/self/fd/%ld", node.fd);
        return 2;
    }
    if (node.kind == PROC_FD) {         /* another's descriptor: what it names */
        long n = link_target(t, &node, fd_alias, alias_len - 1);
        if (n < 0)
            return n;
        fd_alias[n] = 0;
        return fd_alias[0] == '/' ? 2 : -ENOENT;
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
    if (p.node.pid)
        p.pid = p.node.pid;
    struct task_struct *o = proc_node_task(t, &p.node);
    if (!o)
        return -ENOENT;
    if (!nofollow && p.node.kind == PROC_FD) {
        struct file *f = o->files ? fdget(o->files, (uint32_t)p.node.fd) : NULL;
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

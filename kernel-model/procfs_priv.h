/*
 * procfs_priv.h — private to procfs.c (the tables, names, open, readlink,
 * stat by name) and procfs_file.c (the open files' and directories'
 * operations): the entries, the node a path names, an open file.
 */
#ifndef MEMSIM_PROCFS_PRIV_H
#define MEMSIM_PROCFS_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "kernel-model/fs.h"
#include "kernel-model/procfs.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* procfs's superblock: an anonymous device, as every procfs mount has */
#define PROC_DEV makedev(0, 22)

struct proc_entry {
    const char *name;
    proc_show_fn show;
    unsigned mode;                      /* permission bits (proc_create's); 0: 0444 */
};

/* The tables (procfs.c): /proc/NAME, /proc/PID/NAME, /proc/PID's links. */
extern const struct proc_entry proc_root_entries[], proc_pid_entries[];
extern const char *const proc_pid_links[];
extern const size_t nr_proc_root_entries, nr_proc_pid_entries, nr_proc_pid_links;

enum proc_node_kind { PROC_ROOT, PROC_PID_DIR, PROC_FD_DIR, PROC_FILE, PROC_LINK, PROC_FD,
                      PROC_SYSVIPC_DIR };

struct proc_node {
    enum proc_node_kind kind;
    const struct proc_entry *entry;     /* PROC_FILE */
    int per_pid;                        /* PROC_FILE: a /proc/PID file */
    const char *link;                   /* PROC_LINK: "self", "exe", "cwd" */
    long fd;                            /* PROC_FD */
    uint32_t pid;                       /* under /proc/PID: whose (a pid, or a thread's
                                           tid); 0 for the machine's nodes */
};

struct proc_file {
    struct seq_file m;          /* PROC_FILE: the text; a directory: its
                                   entries at open, one "TNAME\n" each, T
                                   'a' + the d_type */
    uint32_t nr_entries;        /* a directory's */
    struct proc_node node;
    uint32_t pid;               /* whose directory */
};

static inline struct proc_file *proc_private(struct file *f) { return f->private_data; }

/* ---- procfs_file.c ---- */
extern const struct file_operations proc_file_ops, proc_dir_ops;
/* The stat of the node p has open, with mode. */
void node_stat(const struct proc_file *p, uint32_t mode, struct stat *st);
/* A directory's entries as they are at open, into p->m (target: the
 * task of a /proc/PID directory, else the caller). */
void dir_render(struct task_struct *target, struct proc_file *p);
/* The task a /proc/PID node names (the caller's own for /proc/self), or
 * NULL when it has been released since (its directory is gone: ENOENT). */
struct task_struct *proc_node_task(struct task_struct *t, const struct proc_node *node);

#endif

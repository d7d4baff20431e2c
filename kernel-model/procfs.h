/*
 * procfs.h — the guest's /proc, served by the model (fs/proc/), never the
 * host's (internal to kernel-model/).
 *
 * A /proc file is generated when it is opened, as seq_file's single_open
 * does: its show function renders the whole text from the model's state
 * into a buffer (struct seq_file) that read and lseek then walk; the file
 * does not change while it is open.  Files are read-only.  Every file is
 * one entry of a table (procfs.c: proc_root_entries for /proc/NAME,
 * proc_pid_entries for /proc/PID/NAME): a name, a mode and a show
 * function, so a new file (slabinfo, vmallocinfo) is one line there and a
 * render function.
 *
 * The process tree: /proc/self, and /proc/PID for every task not yet
 * released (zombies too: State Z, no mm, no files); readdir of /proc lists
 * each process's tgid, a thread is reached by its tid but not listed.
 * Another process's memory (cmdline, environ) is read from the pages it
 * has present, as access_remote_vm would, never faulting.
 */
#ifndef MEMSIM_PROCFS_H
#define MEMSIM_PROCFS_H

#include <stddef.h>
#include <stdint.h>

struct task_struct;

/* The text of one /proc file while it is rendered (Linux's seq_file:
 * buf/count, and pad_until for seq_setwidth/seq_pad).  On host OOM
 * `failed` is set and later output is dropped; the open answers -ENOMEM. */
struct seq_file {
    char *buf;
    size_t count, size;
    size_t pad_until;
    int failed;
    int nofault;        /* read user memory without faulting (the exit snapshot) */
};

/* Room for more bytes (and a NUL) at m->buf + m->count: 0, or -1 (failed). */
int seq_reserve(struct seq_file *m, size_t more);
void seq_printf(struct seq_file *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void seq_putc(struct seq_file *m, char c);
void seq_write(struct seq_file *m, const void *data, size_t len);
/* seq_setwidth(m, w): the column seq_pad() pads to, counted from here. */
void seq_setwidth(struct seq_file *m, size_t width);
/* Pad with spaces to the width set, then put c (0: nothing). */
void seq_pad(struct seq_file *m, char c);

/* A show function: renders the file for task t into m; 0 or -errno. */
typedef int (*proc_show_fn)(struct seq_file *m, struct task_struct *t);

/* What Linux's mm counters would say of mm (pages), from its VMAs and
 * PTEs (procfs_mm.c): total_vm, data_vm, exec_vm, stack_vm, locked_vm,
 * committed (VM_ACCOUNT), and the resident pages by kind. */
struct mm_struct;
struct mm_counts {
    uint64_t total_vm, data_vm, exec_vm, stack_vm, locked_vm, committed;
    uint64_t anon, file, locked_rss;
};
void proc_mm_counts(struct mm_struct *mm, struct mm_counts *c);

/* procfs_mm.c: one maps line (show_map_vma), shared with smaps */
struct vm_area_struct;
void proc_show_map_vma(struct seq_file *m, struct mm_struct *mm, const struct vm_area_struct *vma);
/* procfs_smaps.c: /proc/PID/smaps, smaps_rollup */
int proc_pid_smaps_show(struct seq_file *m, struct task_struct *t);
int proc_pid_smaps_rollup_show(struct seq_file *m, struct task_struct *t);
/* procfs_mm.c: /proc/PID/maps, status, statm (the task's mm) */
int proc_pid_maps_show(struct seq_file *m, struct task_struct *t);
int proc_pid_status_show(struct seq_file *m, struct task_struct *t);
int proc_pid_statm_show(struct seq_file *m, struct task_struct *t);
/* "R (running)", "S (sleeping)", "Z (zombie)", ... (fs/proc/array.c) */
const char *proc_task_state(const struct task_struct *t);
/* procfs_stat.c: /proc/PID/stat (do_task_stat's 52 fields), comm */
int proc_pid_stat_show(struct seq_file *m, struct task_struct *t);
int proc_pid_comm_show(struct seq_file *m, struct task_struct *t);
/* procfs_meminfo.c: /proc/meminfo, /proc/buddyinfo (the machine) */
int proc_meminfo_show(struct seq_file *m, struct task_struct *t);
int proc_buddyinfo_show(struct seq_file *m, struct task_struct *t);
int proc_slabinfo_show(struct seq_file *m, struct task_struct *t);
int proc_pagetypeinfo_show(struct seq_file *m, struct task_struct *t);
int proc_zoneinfo_show(struct seq_file *m, struct task_struct *t);
/* shm_ctl.c: /proc/sysvipc/shm (sysvipc_shm_proc_show, 32-bit columns) */
int proc_sysvipc_shm_show(struct seq_file *m, struct task_struct *t);

/* procfs_zone.c: the zone files of one node (6.1's mm/vmstat.c), and the
 * debugfs extfrag files' text (extfrag_index, or with unusable
 * unusable_index), which the guest cannot open (no debugfs). */
struct pglist_data;
struct zone;
void pagetypeinfo_show(struct seq_file *m, const struct pglist_data *pgdat);
void zoneinfo_show(struct seq_file *m, const struct pglist_data *pgdat,
                   const uint64_t node[41]);    /* NR_VM_NODE_STAT_ITEMS (vmstat.h) */
void extfrag_show(struct seq_file *m, const struct pglist_data *pgdat, int unusable);
/* 6.1's __fragmentation_index and unusable_free_index of zone for a
 * request of 2^order frames, in thousandths: fragmentation 0 (a failure
 * would be for lack of memory) .. 1000 (for fragmentation), -1000 when a
 * block is free; unusable 0 .. 1000, the share of free memory in blocks
 * too small. */
int  fragmentation_index(const struct zone *zone, unsigned order);
int  unusable_free_index(const struct zone *zone, unsigned order);
/* procfs_mm.c: /proc/PID/cmdline and environ (the mm's strings) */
int proc_pid_cmdline_show(struct seq_file *m, struct task_struct *t);
int proc_pid_environ_show(struct seq_file *m, struct task_struct *t);

/* The exiting task's /proc: every file of the two tables (/proc/NAME and
 * /proc/PID/NAME) rendered as it is now, before the mm goes, each an
 * EV_PROC_FILE (unsequenced).  User memory (cmdline, environ) is read
 * from the pages that are present, never faulted in, so the snapshot
 * changes no state and emits no other event. */
void procfs_exit_snapshot(struct task_struct *t);

/*
 * open(2) of a guest path that names /proc (absolute, "/proc" or under it,
 * after "." / ".." / "//" are folded): the new guest fd or -errno
 * (ENOENT for names the model has not, other pids included, with O_CREAT
 * too: proc_root_lookup fails before any ->create; EACCES for
 * writing without privilege, as a 0444 file; EISDIR for a directory opened
 * for writing).  1: the path is not under /proc (the caller resolves it).
 * *fd_alias: for /proc/PID/fd/N the caller's own-fd name "/proc/self/fd/N"
 * is written there and 2 returned (fs_path.c reopens the descriptor).
 */
long procfs_open(struct task_struct *t, const char *path, uint32_t flags,
                 char *fd_alias, size_t alias_len);
/* The path to resolve for `path` relative to dirfd: when path is relative
 * and dirfd is a /proc directory the guest opened, "/proc[/PID[/fd]]/path"
 * in buf (openat(dirfd of /proc/self, "maps") is /proc/PID/maps, as Linux's
 * lookup from that dentry); otherwise path itself. */
const char *procfs_path_at(struct task_struct *t, uint32_t dirfd, const char *path,
                           char *buf, size_t len);
/* stat of a /proc path by name (nofollow: lstat, a link's own): 0 and *st
 * filled, -errno, 1 when not /proc, or 2 when it names a file of the root
 * (exe, cwd followed): its path is in alias, for the caller to stat. */
struct stat;
long procfs_stat(struct task_struct *t, const char *path, int nofollow, struct stat *st,
                 char *alias, size_t alias_len);
/* readlink of a /proc path: *is_proc 0 when the path is not under /proc
 * (nothing done); else the target's length (copied to buf, not
 * terminated, at most size) or -errno (EINVAL: not a link). */
long procfs_readlink(struct task_struct *t, const char *path, char *buf, size_t size,
                     int *is_proc);

#endif

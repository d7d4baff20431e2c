/* The model's /proc (kernel-model/procfs*.c): maps, status and statm of a
 * hand-made layout against the text Linux 6.1 prints for it (derived in
 * the comments), the names (self, the own pid, other pids, "." and ".."),
 * read/lseek over the rendered text, meminfo's and buddyinfo's sources. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/procfs.h"
#include "tests/unit/task_fixture.h"

static char *render(proc_show_fn show, struct task_struct *t)
{
    struct seq_file m = { 0 };
    CHECK_EQ(show(&m, t), 0);
    seq_putc(&m, 0);
    return m.buf;
}

/* A file of /proc opened and read whole through its file operations. */
static char *read_proc(struct task_struct *t, const char *path, long *err)
{
    char alias[64];
    long fd = procfs_open(t, path, O_RDONLY, alias, sizeof alias);
    *err = fd < 0 ? fd : 0;
    if (fd < 0)
        return NULL;
    struct file *f = fdget(t->files, (uint32_t)fd);
    static char buf[8192];
    int64_t pos = 0;
    long n, total = 0;
    while ((n = f->f_op->read(f, buf + total, 7, &pos)) > 0)   /* small reads */
        total += n;
    buf[total] = 0;
    close_fd(t->files, (uint32_t)fd);
    return buf;
}

/*
 * The layout: a 3-page anonymous rw mapping at 0x10000000 (2 pages
 * touched), a 2-page heap from start_brk 0x08100000, a 16-page stack below
 * 0xc0000000 holding start_stack.  show_map_vma: offset 0, 00:00, inode 0
 * for anonymous VMAs; a named line is padded to column 48, then one space
 * and the name; an unnamed one ends in the inode's trailing space.
 */
static void test_maps_status(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    struct mm_struct *mm = t->mm;
    CHECK_EQ(do_mmap(mm, 0x10000000u, 3 * PG, RW, FIXED, NULL, 0, 0, NULL), 0x10000000);
    CHECK_EQ(mm_populate(mm, 0x10000000u, 0x10002000u), FAULT_OK);
    mm->start_brk = mm->brk = 0x08100000u;
    CHECK_EQ(do_brk(mm, 0x08102000u), 0x08102000u);
    CHECK_EQ(do_mmap(mm, 0xbfff0000u, 16 * PG, RW, FIXED | MAP_GROWSDOWN_, NULL, 0, 0, "[stack]"),
             (long)0xbfff0000u);
    mm->start_stack = 0xbfffff00u;

    char *maps = render(proc_pid_maps_show, t);
    CHECK_STR(maps,
              "08100000-08102000 rw-p 00000000 00:00 0          [heap]\n"
              "10000000-10003000 rw-p 00000000 00:00 0 \n"
              "bfff0000-c0000000 rw-p 00000000 00:00 0          [stack]\n");
    free(maps);

    /* VmSize 21 pages; VmData the rw private non-stack ones (3 + 2); VmStk
     * 16; VmRSS the 2 touched anonymous pages; no text: VmExe 0, VmLib 0 */
    char *st = render(proc_pid_status_show, t);
    CHECK(strstr(st, "Name:\tprog\nUmask:\t") == st);
    CHECK(strstr(st, "\nPid:\t1000\n") != NULL);
    CHECK(strstr(st, "\nVmPeak:\t      84 kB\nVmSize:\t      84 kB\nVmLck:\t       0 kB\n"
                     "VmPin:\t       0 kB\nVmHWM:\t       8 kB\nVmRSS:\t       8 kB\n"
                     "RssAnon:\t       8 kB\nRssFile:\t       0 kB\nRssShmem:\t       0 kB\n"
                     "VmData:\t      20 kB\nVmStk:\t      64 kB\nVmExe:\t       0 kB\n"
                     "VmLib:\t       0 kB\nVmPTE:\t") != NULL);
    CHECK(strstr(st, "\nThreads:\t1\nSigQ:\t0/") != NULL);
    CHECK(strstr(st, "\nSigBlk:\t0000000000000000\n") != NULL);
    free(st);
    /* task_statm: size resident shared text 0 data(data + stack) 0 */
    char *statm = render(proc_pid_statm_show, t);
    CHECK_STR(statm, "21 2 0 0 0 21 0\n");
    free(statm);

    /* smaps: the anonymous VMA's 2 resident pages, private (one mapping
     * each), anonymous; Size the whole VMA; rollup the sums over all */
    char *sm = render(proc_pid_smaps_show, t);
    char *anon = strstr(sm, "10000000-10003000 rw-p 00000000 00:00 0 \nSize:                 12 kB\n"
                            "KernelPageSize:        4 kB\nMMUPageSize:           4 kB\n"
                            "Rss:                   8 kB\nPss:                   8 kB\n");
    CHECK(anon != NULL);
    CHECK(anon && strstr(anon, "\nShared_Clean:          0 kB\nShared_Dirty:          0 kB\n"));
    CHECK(anon && strstr(anon, "\nAnonymous:             8 kB\n"));
    CHECK(anon && strstr(anon, "\nPrivate_Hugetlb:       0 kB\nSwap:                  0 kB\n"));
    CHECK(anon && strstr(anon, "\nVmFlags: rd wr mr mw me ac \n"));   /* private writable: VM_ACCOUNT */
    free(sm);
    char *ru = render(proc_pid_smaps_rollup_show, t);
    CHECK(strstr(ru, "08100000-c0000000 ---p 00000000 00:00 0          [rollup]\n"
                     "Rss:                   8 kB\nPss:                   8 kB\n") == ru);
    CHECK(strstr(ru, "\nPss_Anon:              8 kB\nPss_File:              0 kB\n") != NULL);
    free(ru);

    /* the names */
    long err;
    char *a = read_proc(t, "/proc/self/maps", &err);
    CHECK(a && !strncmp(a, "08100000-08102000", 17));
    a = read_proc(t, "//proc/./1000/../self/maps", &err);
    CHECK(a && !strncmp(a, "08100000-08102000", 17));
    CHECK(read_proc(t, "/proc/1/maps", &err) == NULL && err == -ENOENT);
    CHECK(read_proc(t, "/proc/1000/nosuch", &err) == NULL && err == -ENOENT);
    CHECK(read_proc(t, "/proc/self/maps/x", &err) == NULL && err == -ENOTDIR);
    char alias[64];
    CHECK_EQ(procfs_open(t, "/procfoo", O_RDONLY, alias, sizeof alias), 1);
    CHECK_EQ(procfs_open(t, "/etc/passwd", O_RDONLY, alias, sizeof alias), 1);
    CHECK_EQ(procfs_open(t, "/proc/self/fd/0", O_RDONLY, alias, sizeof alias), 2);
    CHECK_STR(alias, "/proc/self/fd/0");
    CHECK_EQ(procfs_open(t, "/proc/self", O_WRONLY, alias, sizeof alias), -EISDIR);
    CHECK_EQ(procfs_open(t, "/proc/meminfo", O_RDONLY | O_CREAT | O_EXCL, alias, sizeof alias),
             -EEXIST);
    int is_proc;
    char link[64];
    CHECK_EQ(procfs_readlink(t, "/proc/self", link, sizeof link, &is_proc), 4);
    CHECK(is_proc && !memcmp(link, "1000", 4));
    t->exe_guest_path = strdup("/usr/bin/prog");      /* as emu/run.c sets it */
    CHECK_EQ(procfs_readlink(t, "/proc/self/exe", link, sizeof link, &is_proc), 13);
    CHECK(!memcmp(link, "/usr/bin/prog", 13));
    CHECK_EQ(procfs_readlink(t, "/proc/self/maps", link, sizeof link, &is_proc), -EINVAL);
    CHECK_EQ(procfs_readlink(t, "/tmp", link, sizeof link, &is_proc), 0);
    CHECK(!is_proc);

    /* buddyinfo is the allocator's own text; meminfo's MemTotal its pages */
    char bi[1024];
    CHECK(buddyinfo_format(&s.k.pgdat, bi, sizeof bi) > 0);
    a = read_proc(t, "/proc/buddyinfo", &err);
    CHECK_STR(a, bi);
    a = read_proc(t, "/proc/meminfo", &err);
    uint64_t managed = 0;
    for (int z = 0; z < MAX_NR_ZONES; z++)
        managed += s.k.pgdat.node_zones[z].managed_pages;
    char want[64];
    snprintf(want, sizeof want, "MemTotal:       %8llu kB\n", (unsigned long long)managed * 4);
    CHECK(a && strstr(a, want) == a);
    CHECK(strstr(a, "\nAnonPages:             8 kB\n") != NULL);
    CHECK(strstr(a, "\nSwapTotal:             0 kB\n") != NULL);

    uint32_t none[6] = { 0 };
    CHECK_EQ(fixture_syscall(t, NR_GETPID, none), 1000);     /* getpid: the pid /proc names */
    CHECK(user_page(t) != 0);
    task_free(t);
    sys_fini(&s);
}

/* The number of blank-separated fields of a stat line. */
static int nr_fields(const char *s)
{
    int n = 0;
    for (const char *p = s; *p && *p != '\n'; p++)
        n += *p == ' ';
    return n + 1;
}

/* /proc/PID of another task: its status and stat say its state (R, S, Z),
 * its comm; a zombie has no Umask, FDSize 0, no Vm lines and its exit
 * code in stat; its exe link is gone; an unknown pid is ENOENT. */
static void test_other_pid(void)
{
    struct sys s;
    struct task_struct *a = boot_task(&s);
    wake_up_new_task(a);
    struct task_struct *b = task_alloc(a->k, alloc_pid(a->k), "/usr/bin/other");
    CHECK(b != NULL);
    b->mm = a->mm;
    b->mm->mm_users++;
    b->ppid = a->pid;
    wake_up_new_task(b);
    long err;
    char *st = read_proc(a, "/proc/1001/status", &err);
    CHECK(st && strstr(st, "Name:\tother\nUmask:\t") == st);
    CHECK(strstr(st, "\nState:\tR (running)\nTgid:\t1001\nNgid:\t0\nPid:\t1001\nPPid:\t1000\n") != NULL);
    CHECK(strstr(st, "\nThreads:\t1\n") != NULL);
    b->state = TASK_INTERRUPTIBLE;                   /* asleep in a call */
    sched_dequeue(b);
    st = read_proc(a, "/proc/1001/status", &err);
    CHECK(st && strstr(st, "\nState:\tS (sleeping)\n") != NULL);
    CHECK_STR(read_proc(a, "/proc/1001/comm", &err), "other\n");
    st = read_proc(a, "/proc/1001/stat", &err);
    /* pid (comm) state ppid pgrp session tty_nr tpgid flags */
    CHECK(st && strstr(st, "1001 (other) S 1000 1001 1 0 -1 0 ") == st);
    CHECK_EQ(nr_fields(st), 52);
    /* priority nice num_threads itrealvalue; rsslim (RLIM_INFINITY) ... the
     * signal words, wchan 1 (asleep), nswap cnswap, exit_signal SIGCHLD */
    CHECK(strstr(st, " 20 0 1 0 ") != NULL);
    CHECK(strstr(st, " 4294967295 ") != NULL);
    CHECK(strstr(st, " 0 0 0 0 1 0 0 17 0 ") != NULL);
    st = read_proc(a, "/proc/self/stat", &err);
    CHECK(st && strstr(st, "1000 (prog) R ") == st);
    /* a zombie */
    b->state = EXIT_ZOMBIE;
    b->exit_code = 9;                                /* killed by SIGKILL */
    fd_table_close(b);                               /* exit_files, exit_fs */
    st = read_proc(a, "/proc/1001/status", &err);
    CHECK(st && strstr(st, "Name:\tother\nState:\tZ (zombie)\n") == st);
    CHECK(strstr(st, "\nFDSize:\t0\n") != NULL);
    CHECK(strstr(st, "Umask") == NULL);
    st = read_proc(a, "/proc/1001/stat", &err);
    CHECK(st && strstr(st, "1001 (other) Z ") == st);
    CHECK(strstr(st, " 9\n") != NULL && nr_fields(st) == 52);
    int is_proc;
    char link[64];
    CHECK_EQ(procfs_readlink(a, "/proc/1001/exe", link, sizeof link, &is_proc), -ENOENT);
    CHECK(read_proc(a, "/proc/1002/status", &err) == NULL && err == -ENOENT);
    task_free(b);
    task_free(a);
    sys_fini(&s);
}

int main(void)
{
    test_maps_status();
    test_other_pid();
    return CHECK_DONE();
}

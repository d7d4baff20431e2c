/*
 * run.c — memsim_run(): check the program, build the machine, run the
 * guest, record the run and tear everything down.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include "emu/elf.h"
#include "emu/machine.h"
#include "trace/strace.h"

/* ---- program checks, each with its documented exit status ---- */

/*
 * A guest path, opened on the host before the guest has run: inside
 * --root DIR when it is absolute (RESOLVE_IN_ROOT: ".." and absolute
 * symlinks stay inside, as the model's walk keeps them), from memsim's
 * working directory when relative, as the guest's walk would find it.  No
 * magic links: the host's /proc is never the guest's.  fd, or -1 (errno).
 */
static int open_guest_path(const struct memsim_options *opt, const char *path)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    if (path[0] != '/' || !opt->root || strcmp(opt->root, "/") == 0)
        return open(path, flags);
    int root = open(opt->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -1;
    struct open_how how = { .flags = (uint64_t)flags,
                            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
    int e = errno;
    close(root);
    errno = e;
    return fd;
}

/* The host path of an open file (its canonical name, symlinks resolved). */
static int fd_host_path(int fd, char *buf, size_t len)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, len - 1);
    if (n < 0 || n == (ssize_t)len - 1)
        return -1;
    buf[n] = 0;
    return 0;
}

/*
 * The checks execve makes before anything changes: the file exists (else
 * 127), is a regular file the caller may execute (EACCES: 126; access(2)
 * also says EACCES for a noexec mount), then the image is read.  Opened
 * non-blocking: a FIFO must not block us.  Under --root DIR an absolute
 * path is the root's file when the root has one (as after chroot DIR),
 * else the host's (a program built outside the root).  host gets the
 * file's host path.
 */
static int read_file_checked(const struct memsim_options *opt, const char *path, const char *what,
                             uint8_t **data, size_t *size, int *fd, char *host, char *err,
                             size_t errlen)
{
    struct stat st;
    *fd = open_guest_path(opt, path);
    if (*fd < 0 && errno == ENOENT && !what && path[0] == '/')
        *fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (*fd < 0) {
        snprintf(err, errlen, "%s%s%s: %s", what ? what : "", what ? " " : "", path,
                 strerror(errno));
        return errno == ENOENT || errno == ENOTDIR ? MEMSIM_EXIT_NOTFOUND : MEMSIM_EXIT_NOEXEC;
    }
    const char *is = fstat(*fd, &st) ? strerror(errno)
                     : S_ISDIR(st.st_mode) ? "is a directory"
                     : !S_ISREG(st.st_mode) ? "not a regular file" : NULL;
    if (!is && fd_host_path(*fd, host, PATH_MAX))
        is = "cannot name the file";
    if (!is && faccessat(AT_FDCWD, host, X_OK, AT_EACCESS) != 0)
        is = "Permission denied (execve needs execute permission)";
    if (!is && st.st_size > (1 << 30))
        is = "larger than 1 GiB";
    if (is) {
        snprintf(err, errlen, "%s%s%s: %s", what ? what : "", what ? " " : "", path, is);
        return MEMSIM_EXIT_NOEXEC;
    }
    *size = (size_t)st.st_size;
    *data = malloc(*size ? *size : 1);
    if (!*data || pread(*fd, *data, *size, 0) != (ssize_t)*size) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return MEMSIM_EXIT_NOEXEC;
    }
    return 0;
}

/*
 * The interpreter a dynamic program names (PT_INTERP), as execve checks
 * it: missing, 127; a directory, not executable or not an i386 ELF, 126,
 * each with one line naming it.  The guest opens it again through the
 * model (emu/exec.c): this is the refusal before anything is touched.
 */
static int check_interp(const struct memsim_options *opt, const uint8_t *image, size_t size,
                        char *interp, size_t len, char *err, size_t errlen)
{
    char why[200], what[PATH_MAX + 32], host[PATH_MAX];
    int r = elf_interp(image, size, interp, len);
    if (r <= 0) {
        if (r < 0)
            snprintf(err, errlen, "%s: malformed PT_INTERP (not a NUL-terminated path inside "
                     "the file)", opt->program);
        interp[0] = 0;
        return r < 0 ? MEMSIM_EXIT_NOEXEC : 0;
    }
    uint8_t *data = NULL;
    size_t isize = 0;
    int fd;
    snprintf(what, sizeof what, "%s: interpreter", opt->program);
    int rc = read_file_checked(opt, interp, what, &data, &isize, &fd, host, err, errlen);
    if (!rc) {
        struct elf_image img;
        if (elf_parse(data, isize, &img, why, sizeof why) != ELF_OK) {
            snprintf(err, errlen, "%s: bad ELF interpreter %s: %s", opt->program, interp, why);
            rc = MEMSIM_EXIT_NOEXEC;
        }
    }
    free(data);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* Everything the run reads, by device and inode: the trace may be none of
 * them (--db naming the program would rename it to .old and write over it). */
static size_t run_inputs(const struct memsim_options *opt, int prog_fd, struct trace_input *in)
{
    static const char *const stream[3] = {
        "memsim's standard input", "memsim's standard output", "memsim's standard error",
    };
    struct stat st;
    size_t n = 0;
    if (fstat(prog_fd, &st) == 0)
        in[n++] = (struct trace_input){ "the program", st.st_dev, st.st_ino };
    if (opt->cpu_config_path && stat(opt->cpu_config_path, &st) == 0)
        in[n++] = (struct trace_input){ "the --cpu-config file", st.st_dev, st.st_ino };
    for (int fd = 0; fd < 3; fd++)
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
            in[n++] = (struct trace_input){ stream[fd], st.st_dev, st.st_ino };
    return n;
}

/*
 * Every refusal comes here, before any file is touched: a refused run
 * leaves an existing trace as it was and makes no .old.  Returns 0, or the
 * exit status with the reason in err.
 */
static int check_run(const struct memsim_options *opt, uint8_t **image, size_t *size, int *fd,
                     struct elf_image *img, char *host, char *interp, size_t interp_len,
                     char *err, size_t errlen)
{
    struct trace_input in[5];
    char why[200];
    int rc = read_file_checked(opt, opt->program, NULL, image, size, fd, host, err, errlen);
    if (rc)
        return rc;
    if (elf_parse(*image, *size, img, why, sizeof why) != ELF_OK) {
        snprintf(err, errlen, "%s: %s", opt->program, why);
        return MEMSIM_EXIT_NOEXEC;
    }
    if ((rc = check_interp(opt, *image, *size, interp, interp_len, err, errlen)))
        return rc;
    if (exec_check_args(opt, err, errlen))
        return MEMSIM_EXIT_NOEXEC;
    if (opt->db_path && trace_path_check(opt->db_path, in, run_inputs(opt, *fd, in), err, errlen))
        return MEMSIM_EXIT_USAGE;
    return 0;
}

/*
 * What readlink("/proc/self/exe") gives: an absolute path, as Linux's d_path
 * does (static glibc asserts it starts with '/').  Under --root it is the
 * program's path inside the root.  A program outside the root is "/NAME":
 * Linux would name it from the host's root, which would show the guest a
 * host path outside its root.
 */
static char *guest_exe_path(const struct memsim_options *opt, const char *prog)
{
    char root[PATH_MAX];
    if (opt->root && realpath(opt->root, root) && strcmp(root, "/") != 0) {
        size_t n = strlen(root);
        if (strncmp(prog, root, n) == 0 && prog[n] == '/')
            return strdup(prog + n);
        return strdup(strrchr(prog, '/'));
    }
    return strdup(prog);
}

/* ---- machine life ---- */

/* --boot-log: what a real kernel's log says about memory at boot. */
static void print_boot_log(const struct pglist_data *pgdat)
{
    char buf[2048];
    if (boot_log_format(pgdat, buf, sizeof buf) >= 0)
        fputs(buf, stderr);
}

/* What the kernel model needs of the machine once booted: the clock it
 * reads (the timing model's counters), the run options, the arch ops. */
static void machine_boot_kernel(struct machine *m)
{
    m->k.clock = (struct kernel_clock){
        .cycles = &m->tm.cycles, .syscall_cycles = &m->tm.syscall_cycles,
        .fault_cycles = &m->tm.fault_cycles, .nr_faults = &m->tm.nr_faults,
        .hz = m->cpu.hz, .timer_cycle = UINT64_MAX,       /* no timer armed */
    };
    m->k.rng = m->opt.seed;
    m->k.fault_around_pages = m->opt.fault_around ? FAULT_AROUND_PAGES : 0;
    m->k.writable_root = m->opt.writable_root;
    m->k.epoch = m->opt.epoch;
    m->k.max_tasks = (uint32_t)(m->opt.max_tasks ? m->opt.max_tasks : MEMSIM_DEFAULT_MAX_TASKS);
    machine_arch_ops(m, &m->k.arch);
}

static int machine_create(struct machine *m, const struct memsim_options *opt,
                          unsigned stdio_open, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->opt = *opt;
    if (!m->opt.quantum)
        m->opt.quantum = MEMSIM_DEFAULT_QUANTUM;
    INIT_LIST_HEAD(&m->task_archs);
    /* The task exists before the kernel boots (its stdio comes first); it
     * only keeps a pointer to m->k. */
    struct task_struct *t = m->task = m->init_task = task_alloc(&m->k, GUEST_PID, opt->program);
    if (!t || fd_table_init(t, stdio_open)) {
        snprintf(err, errlen, "cannot set up the guest's stdio: %s", strerror(errno));
        return MEMSIM_EXIT_INTERNAL;
    }
    if (opt->root && strcmp(opt->root, "/") != 0 &&
        (t->root_fd = open(opt->root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        snprintf(err, errlen, "--root %s: %s", opt->root, strerror(errno));
        return MEMSIM_EXIT_USAGE;
    }
    t->root_fd = fd_move_high(t->root_fd);
    /* What may fail without emitting events comes before the trace opens,
     * so that such a failure does not rotate the previous trace either. */
    m->cpu = *opt->cpu;
    if (mmu_init(&m->mmu, NULL, 0) || mmu_configure(&m->mmu, &m->cpu, err, errlen)) {
        if (!err[0])
            snprintf(err, errlen, "cannot set up the MMU model: out of host memory");
        return MEMSIM_EXIT_INTERNAL;
    }
    timing_init(&m->tm, &m->mmu, &m->cpu);
    host_map_account_init(&m->host_maps);
    if (!(m->ctx = mm_context_create(m, err, errlen)))
        return MEMSIM_EXIT_INTERNAL;
    /* The trace records from the kernel model's boot on. */
    if (opt->db_path && !(m->trace = trace_open(opt->db_path, err, errlen)))
        return MEMSIM_EXIT_INTERNAL;
    trace_set_level(m->trace, opt->trace_level);
    event_stream_init(&m->events, &m->tm.cycles);
    event_stream_add_sink(&m->events, &m->tm, timing_count_event);
    if (m->trace)
        event_stream_add_sink(&m->events, m->trace, trace_consume);
    if (opt->strace) {
        strace_init(&m->strace, stderr);
        event_stream_add_sink(&m->events, &m->strace, strace_consume);
    }
    struct kernel_config kcfg = { .ram_bytes = opt->ram_bytes, .paging = opt->paging,
                                  .mmu = &m->mmu, .events = &m->events };
    if (kernel_boot(&m->k, &kcfg, err, errlen))
        return err[0] ? MEMSIM_EXIT_USAGE : MEMSIM_EXIT_INTERNAL;
    if (opt->boot_log)
        print_boot_log(&m->k.pgdat);
    machine_boot_kernel(m);
    m->k.timing = (struct fault_timing){ &m->tm, timing_charge_fault };
    /* Guest fds index the guest's own table, so no guest number can name the
     * RAM memfd; it still goes above the guest range, out of the way of
     * anything that would look at host numbers (a debugger, /proc). */
    m->k.pm.memfd = fd_move_high(m->k.pm.memfd);
    m->mmu.clock = &m->tm.cycles;
    m->mmu.pid = t->pid;
    m->mmu.events = &m->events;

    if (cpu_setup(m)) {
        snprintf(err, errlen, "%s", m->error);
        return MEMSIM_EXIT_INTERNAL;
    }
    if ((opt->trace_level & TRACE_ACCESSES) && access_rec_start(m, opt->sample_every, opt->sample_window)) {
        snprintf(err, errlen, "%s", m->error);
        return MEMSIM_EXIT_INTERNAL;
    }
    if (cpu_setup_engine(m, m->ctx)) {
        snprintf(err, errlen, "%s", m->error);
        return MEMSIM_EXIT_INTERNAL;
    }
    return 0;
}

static void machine_destroy(struct machine *m)
{
    free(m->rec);                         /* a run that failed before its end */
    m->rec = NULL;
    free(m->ldt_view);
    m->ldt_view = NULL;
    acct_free(&m->acct);
    machine_reap_contexts(m, 1);
    /* A run refused before machine_create (check_run) or before the kernel
     * booted has no task list yet: its lists are still all zero. */
    int have_tasks = m->k.tasks.next != NULL;
    /* before the mms: no notifier calls in teardown */
    if (have_tasks) {
        struct task_struct *t;
        for_each_task(&m->k, t) {
            struct mm_context *c = t->mm ? t->mm->context : NULL;
            if (c && c != m->ctx)
                mm_context_destroy(c);
        }
    }
    mm_context_destroy(m->ctx);
    m->ctx = NULL;
    if (have_tasks)                       /* zombies nobody reaped, then the first */
        kernel_release_tasks(&m->k, m->init_task);
    task_free(m->init_task);
    m->task = m->init_task = NULL;
    if (m->task_archs.next)
        machine_task_archs_free(m);
    mmu_destroy(&m->mmu);
    kernel_destroy(&m->k);
}

static void record_run_start(struct machine *m, const struct memsim_options *opt,
                             const uint8_t *image, size_t size)
{
    char hash[65] = "";
    size_t len = 1;
    for (int i = 0; i < opt->argc; i++)
        len += strlen(opt->argv[i]) + 1;
    char *args = calloc(1, len);
    for (int i = 0; args && i < opt->argc; i++) {
        if (i)
            strcat(args, " ");
        strcat(args, opt->argv[i]);
    }
    sha256_hex(image, size, hash);        /* the bytes that run, not what the path names now */
    struct trace_run_info info = {
        .program = opt->program, .args = args ? args : "", .sha256 = hash,
        .options = opt->options_text ? opt->options_text : "", .epoch = (int64_t)opt->epoch,
        .size = size, .ram = opt->ram_bytes,
        .paging = opt->paging == PAGING_PAE ? "pae" : "2level",
        .cpu = opt->cpu ? opt->cpu->name : NULL, .hz = opt->cpu ? opt->cpu->hz : 0,
        .seed = opt->seed,
        .root = opt->root ? opt->root : "/", .cpu_config = opt->cpu_config_path,
        .argc = opt->argc, .argv = opt->argv, .envp = opt->envp,
    };
    /* Committed at once: a run killed before its first batch still leaves
     * its runs row (exit_reason NULL: it never ended) and its inputs. */
    if (trace_begin_run(m->trace, &info) == 0)
        trace_commit(m->trace);
    free(args);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Every task has died (or the first was never made). */
static int run_over(struct machine *m)
{
    struct task_struct *t;
    for_each_task(&m->k, t)
        if (!task_dead(t))
            return 0;
    return 1;
}

static void fill_result(struct machine *m, struct memsim_result *res, double wall)
{
    memset(res, 0, sizeof *res);
    const struct task_struct *t = m->init_task;
    res->exit_status = t->exit_status;
    res->exit_reason = t->exit_reason ? t->exit_reason : "exit";
    snprintf(res->report, sizeof res->report, "%s", t->report);
    res->instructions = m->tm.icount;
    res->cycles = m->tm.cycles;
    res->walks = m->mmu.stats.walks;
    res->faults = m->tm.nr_faults;
    res->syscalls = m->tm.nr_syscalls;
    res->enosys = m->k.enosys;
    res->tlb_hits = m->mmu.itlb.stats.hits + m->mmu.dtlb.stats.hits;
    res->tlb_misses = m->mmu.itlb.stats.misses + m->mmu.dtlb.stats.misses;
    res->free_pages_end = nr_free_pages(&m->k.pgdat);
    res->wall_seconds = wall;
    res->nr_stats = timing_collect_stats(&m->tm, m->dc_misses_gone + (m->ctx ? m->ctx->dc.misses : 0), res->stats, TIMING_MAX_STATS);
    (void)acct_charge(&m->acct, &m->tm, m->task);    /* the last turn */
    acct_fill(&m->acct, &m->tm, res);
}

void memsim_result_free(struct memsim_result *res)
{
    free(res->procs);
    res->procs = NULL;
    res->nr_procs = 0;
}

/* The stats table: the run's counters under the first process's pid when
 * it ran alone (as before there were processes); else each process's
 * share under its pid and the run's total under pid 0. */
static void record_stats(struct machine *m, const struct memsim_result *res)
{
    uint32_t total_pid = res->nr_procs ? 0 : m->init_task->pid;
    for (unsigned i = 0; i < res->nr_stats; i++)
        if (!res->stats[i].ratio)
            trace_stat(m->trace, total_pid, res->stats[i].name, (uint64_t)res->stats[i].value);
    for (unsigned p = 0; p < res->nr_procs; p++)
        for (unsigned i = 0; i < res->procs[p].nr_stats; i++)
            if (!res->procs[p].stats[i].ratio)
                trace_stat(m->trace, res->procs[p].pid, res->procs[p].stats[i].name,
                           (uint64_t)res->procs[p].stats[i].value);
}

/* Run the machine built from img; the trace's runs row is completed
 * whichever way the guest's run ended (an exit, a signal, memsim's own
 * SIGINT/SIGTERM/SIGHUP/SIGPIPE). */
static int run_guest(struct machine *m, const struct memsim_options *opt,
                     const struct elf_image *img, int fd, const char *host, const char *interp,
                     struct memsim_result *res, double t0, char *err, size_t errlen)
{
    /* snapshots only feed the trace: none without one that records them */
    int snapshots = m->trace && (opt->trace_level & TRACE_SNAPSHOTS);
    m->task->exe_guest_path = guest_exe_path(opt, host);
    (void)task_set_exec_args(m->task, opt->argv, opt->argc);  /* NULL text if out of memory */
    if (snapshots)
        snapshot_schedule_start(&m->k, opt->snapshot_every);
    wake_up_new_task(m->task);              /* EV_PROCESS_START; its exit comes where it dies */
    interrupt_engine(m->ctx->uc);
    int failed = exec_program(m, img, fd, interp[0] ? interp : NULL) || machine_task_arch_init(m, m->task) || cpu_run(m);
    interrupt_engine(NULL);                 /* before uc_close: the handler must not see it */
    if (snapshots)
        kernel_snapshot(&m->k, &m->init_task, 1); /* at exit: the mm is still the task's */
    if (failed && !run_over(m)) {
        snprintf(err, errlen, "%s", m->error);
        return MEMSIM_EXIT_INTERNAL;
    }
    if (!run_over(m))
        machine_interrupted(m);             /* a signal during exec: still a complete row */
    if (access_rec_finish(m)) {
        snprintf(err, errlen, "the access stream could not be recorded: %s",
                 trace_error(m->trace)[0] ? trace_error(m->trace) : "too many faults in one access");
        return MEMSIM_EXIT_INTERNAL;
    }
    fill_result(m, res, now_seconds() - t0);
    if (m->trace) {
        struct trace_run_totals tot = { m->tm.icount, m->tm.cycles, m->init_task->exit_status,
                                        res->exit_reason, res->wall_seconds };
        trace_end_run(m->trace, &tot);
        record_stats(m, res);
        trace_commit(m->trace);             /* counted once committed, not inserted */
        res->trace_rows = trace_rows(m->trace);
    }
    return 0;
}

int memsim_run(const struct memsim_options *opt, struct memsim_result *res,
               char *err, size_t errlen)
{
    uint8_t *image = NULL;
    size_t size = 0;
    int fd = -1, rc;
    struct elf_image img;
    struct host_signals sigs;
    char host[PATH_MAX] = "", interp[PATH_MAX] = "";
    struct machine *m = calloc(1, sizeof *m);
    double t0 = now_seconds();

    err[0] = 0;
    if (!m) {
        snprintf(err, errlen, "out of host memory");
        return MEMSIM_EXIT_INTERNAL;
    }
    /* Before memsim opens anything: no file of ours may become fd 0-2. */
    unsigned stdio_open = fd_stdio_reserve();
    interrupt_arm(&sigs);
    if ((rc = check_run(opt, &image, &size, &fd, &img, host, interp, sizeof interp, err, errlen)))
        goto out;
    fd = fd_move_high(fd);
    if ((rc = machine_create(m, opt, stdio_open, err, errlen)))
        goto out;
    if (m->trace)
        record_run_start(m, opt, image, size);
    rc = run_guest(m, opt, &img, fd, host, interp, res, t0, err, errlen);
out:;
    char terr[300];
    if (m->trace)       /* teardown frees are not recorded: the trace is closed */
        event_stream_remove_sink(&m->events, m->trace);
    if (m->trace && trace_close(m->trace, terr, sizeof terr) && !rc) {
        snprintf(err, errlen, "trace %s: %s", opt->db_path, terr);
        rc = MEMSIM_EXIT_INTERNAL;
    }
    m->trace = NULL;
    machine_destroy(m);
    interrupt_disarm(&sigs);
    free(m);
    free(image);
    if (fd >= 0)
        close(fd);
    return rc;
}

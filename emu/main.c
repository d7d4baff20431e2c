/*
 * main.c — the memsim command line.
 *
 *   memsim run [options] [--] PROGRAM [ARGS...]      (--trace LIST: trace/trace.h levels)
 *   memsim query [--csv] DB SQL
 *   memsim export TRACE [--format events|csv|chrome] [--table T] [--all] [-o FILE]
 *   memsim diff A B
 *   memsim replay TRACE
 *   memsim report TRACE [--html FILE]
 *   memsim proc TRACE FILE|--list
 *
 * A TRACE is a trace database or an events file (a name ending in
 * ".events", docs/TRACE_SCHEMA.md "Events files"); export and replay read
 * either through open_trace_arg().  Bad input (not a trace, an unsupported
 * schema_version, a malformed events file) exits 2 with one line; an
 * output file (export -o, report --html) that cannot be written exits 1.
 *
 * Exit status of `run`: the guest's own (its exit code, or 128 + the signal
 * that killed it), else 125 bad options or an unusable --db, 126 not
 * executable (EACCES, ENOEXEC, E2BIG as execve), 127 no such program,
 * 128 + sig when memsim's own SIGINT/SIGTERM/SIGHUP/SIGPIPE stopped the
 * run (the trace is complete), 70 memsim failed.
 */
#include <inttypes.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "emu/memsim.h"
#include "emu/cli.h"
#include "common/access_stream.h"
#include "common/size.h"
#include "kernel-model/snapshot.h"
#include "replay/replay.h"
#include "trace/trace.h"
#include "trace/stats_print.h"

extern char **environ;

void usage(FILE *f)
{
    fprintf(f,
        "usage: memsim run [options] [--] PROGRAM [ARGS...]\n"
        "       memsim query [--csv] DB SQL\n"
        "       memsim export TRACE [--format events|csv|chrome] [--table T] [--all] [-o FILE]\n"
        "                     events: the events file (--all: every row); csv: table or view T\n"
        "                     (or accesses: the access stream decoded, one row per access)\n"
        "                     (RFC 4180); chrome: trace-event JSON for Perfetto / chrome://tracing\n"
        "                     (0 written, 1 write error, 2 bad input: not a trace, unknown T)\n"
        "       memsim diff A B     totals side by side, then the first event where the\n"
        "                     two traces' kernel outcomes diverge (0 the same events, 1 they\n"
        "                     diverge, 2 bad input)\n"
        "       memsim report TRACE [--html FILE]   text tables; --html: one self-contained page with charts\n"
        "       memsim report --html FILE TRACE TRACE...   one page comparing traces (totals, RSS and faults over the run)\n"
        "       memsim proc TRACE FILE|--list   /proc/FILE as it was at the guest's exit (FILE: NAME,\n"
        "                     PID/NAME, self/NAME; --list: the files recorded; 0 printed, 1 no\n"
        "                     such file in the trace, 2 bad input)\n"
        "       memsim replay [--ram SIZE] [--paging MODE] [--expect-same] [--db OUT] TRACE\n"
        "                     (TRACE: a trace database or a FILE.events; 0 match, 1 divergence, 2 bad input)\n"
        "       memsim replay [--stats] [--cpu NAME] [--cpu-config FILE] [--db OUT] TRACE\n"
        "                     (a trace recorded with --trace accesses: its accesses through the TLBs,\n"
        "                     caches and timing model of the recorded or the given CPU)\n"
        "run options:\n"
        "  --db FILE      trace database (default memsim.db; the previous one becomes FILE.old)\n"
        "  --no-trace     do not write a trace\n"
        "  --trace LIST   what the trace records, comma-separated (default: default):\n"
        "                   syscalls  system calls, the user memory they read/wrote, mmap'd files\n"
        "                   faults    page faults\n"
        "                   walks     page-table walks (translations)\n"
        "                   allocs    frame allocations and frees\n"
        "                   vmas      VMA changes\n"
        "                   tlb       TLB flushes\n"
        "                   segments  segment checks (non-flat segments)\n"
        "                   snapshots memory over time (snapshots)\n"
        "                   accesses  every fetch and data access (the access stream), with\n"
        "                             the events replay needs to place it (syscalls..tlb)\n"
        "                   default = all but accesses; all; none = only the run row, its\n"
        "                   inputs, processes and stats.  replay needs syscalls,faults,walks,\n"
        "                   allocs,vmas,tlb\n"
        "  --sample N[:W] keep one window of W accesses (default 10000) in N of the access\n"
        "                 stream (needs --trace accesses): window k is measured when\n"
        "                 k %% N == N-1, the window before it is its warm-up, the rest is not\n"
        "                 recorded; replay --stats then estimates from the measured windows\n"
        "  --snapshot-every N  cycles between snapshots of memory (free pages per order,\n"
        "                 RSS, page tables); 0: only at exit; auto (default): 5000,\n"
        "                 doubled after every 64\n"
        "  --ram SIZE     modelled RAM, e.g. 64M, 1G (default 256M, 4M..4G)\n"
        "  --seed N       seed for getrandom and AT_RANDOM, decimal (default 0)\n"
        "  --quantum N    instructions a task runs before another runnable task gets the\n"
        "                 CPU (round robin; default 1000000, 1..10^12)\n"
        "  --max-tasks N  tasks alive at once: a fork past them is EAGAIN, as Linux's\n"
        "                 threads-max (default 1024, 1..32768)\n"
        "  --epoch SECS   the guest's boot time, seconds since 1970 (default: now)\n"
        "  --root DIR     the guest's / on the host (default /); its files are read-only to\n"
        "                 the guest: writes go to an in-model overlay, discarded at exit\n"
        "  --writable-root  writes under --root DIR go to the host tree itself (never\n"
        "                 outside DIR; /tmp and /dev/shm stay the model's tmpfs); needs\n"
        "                 --root DIR other than / (exit status 125 otherwise: memsim never\n"
        "                 writes the host's own /)\n"
        "  -E NAME=VALUE  set a guest environment variable (repeatable)\n"
        "  --env-clear    start the guest with an empty environment\n"
        "  --cpu NAME     the modelled CPU (default skylake; `memsim cpu` lists them)\n"
        "  --cpu-config F override any CPU field from a file of key = value lines\n"
        "  --summary      print a summary of the run to stderr\n"
        "  --stats        print the run's counters to stderr, like perf stat\n"
        "  --strace       print the guest's system calls to stderr, as strace does\n"
        "  --boot-log     print the kernel model's boot memory map to stderr, as dmesg\n"
        "                 shows Linux's (e820, zones, Total pages, Memory:)\n"
        "  --paging MODE  page tables: 2level (default) or pae (PAE, NX on)\n"
        "  --fault-around a read fault of a file also maps the up to 16 pages around it\n"
        "                 (64K aligned) already in the page cache, as Linux's\n"
        "                 fault_around_bytes; it never reads new ones (default off)\n"
        "  --engine raw   benchmark baseline: Unicorn alone, no model on the access path\n"
        "       memsim cpu [NAME]   print a CPU preset as a config file\n");
}

/* --seed: decimal digits only, an unsigned 64-bit number ("-1" is not
 * 2^64 - 1, "010" is ten, "0x10" is refused). */
static int parse_decimal(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

/* A file option's value that looks like an option ("--db --", "--db
 * --no-trace") is a forgotten value, not a file name: refused, so no file
 * named "--" appears.  A file of that name can be given as ./--. */
int file_value_ok(const char *opt, const char *value)
{
    if (value[0] != '-')
        return 1;
    fprintf(stderr, "memsim: %s %s: expected a file name, not an option (write ./%s for a "
            "file of that name)\n", opt, value, value);
    return 0;
}

struct env_builder {
    char **vars;
    size_t n, cap;
};

static int env_set(struct env_builder *e, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return -1;
    size_t klen = (size_t)(eq - kv) + 1;
    for (size_t i = 0; i < e->n; i++)
        if (strncmp(e->vars[i], kv, klen) == 0) {
            e->vars[i] = (char *)kv;
            return 0;
        }
    if (e->n + 2 > e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        char **v = realloc(e->vars, e->cap * sizeof *v);
        if (!v)
            return -1;
        e->vars = v;
    }
    e->vars[e->n++] = (char *)kv;
    e->vars[e->n] = NULL;
    return 0;
}

/* "3 system calls not implemented: pipe (42) x2, socket (359) x1": what a
 * program that failed was refused (names where the table has one). */
static void print_enosys(const struct enosys_log *l)
{
    if (!l->calls)
        return;
    fprintf(stderr, "  %llu system call%s not implemented:", (unsigned long long)l->calls,
            l->calls == 1 ? "" : "s");
    for (unsigned i = 0; i < l->n; i++) {
        fprintf(stderr, "%s ", i ? "," : "");
        if (l->e[i].name)
            fprintf(stderr, "%s (%u)", l->e[i].name, l->e[i].nr);
        else
            fprintf(stderr, "%u", l->e[i].nr);
        fprintf(stderr, " x%llu", (unsigned long long)l->e[i].count);
    }
    if (l->unlisted)
        fprintf(stderr, ", %llu more of other numbers", (unsigned long long)l->unlisted);
    fputc('\n', stderr);
}

/* --stats: the run's counters; with several processes, each one's share
 * (in pid order) and then the total. */
static void print_stats(const struct memsim_result *r)
{
    if (!r->nr_procs) {
        stats_print(r->stats, r->nr_stats, stderr);
        return;
    }
    char title[64];
    for (unsigned i = 0; i < r->nr_procs; i++) {
        snprintf(title, sizeof title, "pid %u (%.16s)", r->procs[i].pid, r->procs[i].comm);
        stats_print_titled(r->procs[i].stats, r->procs[i].nr_stats, title, stderr);
    }
    snprintf(title, sizeof title, "total of %u processes", r->nr_procs);
    stats_print_titled(r->stats, r->nr_stats, title, stderr);
}

static void print_summary(const struct memsim_options *o, const struct memsim_result *r)
{
    double ips = r->wall_seconds > 0 ? r->instructions / r->wall_seconds / 1e6 : 0;
    uint64_t lookups = r->tlb_hits + r->tlb_misses;
    fprintf(stderr,
        "memsim: %s exited with status %d (%s)\n"
        "  instructions  %llu (%.1f MIPS, %.2f s)\n"
        "  cycles        %llu\n"
        "  TLB           %llu lookups, %.2f%% hits; %llu page walks\n"
        "  kernel        %llu page faults, %llu system calls, %llu frames free at exit\n"
        "  trace         %s (%llu rows)\n",
        o->program, r->exit_status, r->exit_reason,
        (unsigned long long)r->instructions, ips, r->wall_seconds,
        (unsigned long long)r->cycles,
        (unsigned long long)lookups, lookups ? 100.0 * r->tlb_hits / lookups : 0.0,
        (unsigned long long)r->walks,
        (unsigned long long)r->faults, (unsigned long long)r->syscalls,
        (unsigned long long)r->free_pages_end,
        o->db_path ? o->db_path : "none", (unsigned long long)r->trace_rows);
    print_enosys(&r->enosys);
}

enum { O_DB = 256, O_QUANTUM, O_MAX_TASKS, O_FAULT_AROUND, O_NOTRACE, O_RAM, O_SEED, O_ROOT, O_ENVCLEAR, O_SUMMARY, O_HELP,
       O_CPU, O_CPUCFG, O_STATS, O_ENGINE, O_PAGING, O_EPOCH, O_STRACE, O_TRACE,
       O_SNAPSHOT_EVERY, O_SAMPLE, O_BOOT_LOG, O_WRITABLE_ROOT };

/* --sample N[:W]: N from 1 to SAMPLE_MAX_EVERY, W (accesses a window,
 * default ACCESS_SAMPLE_WINDOW) from SAMPLE_MIN_WINDOW to SAMPLE_MAX_WINDOW. */
#define SAMPLE_MAX_EVERY  1000000u
#define SAMPLE_MIN_WINDOW 100u
#define SAMPLE_MAX_WINDOW 1000000000u

static int parse_sample(const char *arg, uint32_t *every, uint32_t *window)
{
    char n[24];
    const char *colon = strchr(arg, ':');
    size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
    uint64_t e, w = ACCESS_SAMPLE_WINDOW;
    if (len >= sizeof n)
        return -1;
    memcpy(n, arg, len);
    n[len] = 0;
    if (parse_decimal(n, &e) || e < 1 || e > SAMPLE_MAX_EVERY ||
        (colon && (parse_decimal(colon + 1, &w) || w < SAMPLE_MIN_WINDOW || w > SAMPLE_MAX_WINDOW)))
        return -1;
    *every = (uint32_t)e;
    *window = (uint32_t)w;
    return 0;
}

/* --epoch's limit: the last second of year 9999, so that epoch plus model
 * time fits every clock and date(1) can print it. */
#define MAX_EPOCH 253402300799ull

/* What `memsim run`'s options say, before anything is read or opened. */
struct run_args {
    struct memsim_options o;
    int summary, stats, clear, epoch_set;
    const char *cpu_name, *cpu_file;
    const char *extra[64];              /* -E NAME=VALUE */
    int nextra;
};

/* One option (c from getopt_long, its value arg): 0, or 125 with the line
 * printed.  Each value is checked here, before any file is touched. */
static int run_option(struct run_args *a, int c, const char *arg)
{
    switch (c) {
    case O_DB:
        if (!file_value_ok("--db", arg))
            return MEMSIM_EXIT_USAGE;
        a->o.db_path = arg;
        return 0;
    case O_NOTRACE: a->o.db_path = NULL; return 0;
    case O_FAULT_AROUND: a->o.fault_around = 1; return 0;
    case O_WRITABLE_ROOT: a->o.writable_root = 1; return 0;
    case O_TRACE: {
        char why[512];
        if (trace_level_parse(arg, &a->o.trace_level, why, sizeof why)) {
            fprintf(stderr, "memsim: --trace %s: %s\n", arg, why);
            return MEMSIM_EXIT_USAGE;
        }
        return 0;
    }
    case O_RAM:
        if (parse_size(arg, &a->o.ram_bytes)) {
            fprintf(stderr, "memsim: --ram %s: expected a size from 4M to 4G, e.g. 64M\n", arg);
            return MEMSIM_EXIT_USAGE;
        }
        return 0;
    case O_SNAPSHOT_EVERY:
        if (!strcmp(arg, "auto")) {
            a->o.snapshot_every = SNAPSHOT_EVERY_AUTO;
        } else if (parse_decimal(arg, &a->o.snapshot_every) ||
                   a->o.snapshot_every == SNAPSHOT_EVERY_AUTO) {
            fprintf(stderr, "memsim: --snapshot-every %s: expected a number of cycles "
                    "(0: only at exit) or auto\n", arg);
            return MEMSIM_EXIT_USAGE;
        }
        return 0;
    case O_SAMPLE:
        if (parse_sample(arg, &a->o.sample_every, &a->o.sample_window)) {
            fprintf(stderr, "memsim: --sample %s: expected N or N:W, one window of W accesses "
                    "in N (N 1..%u, W %u..%u, default %u)\n", arg, SAMPLE_MAX_EVERY,
                    SAMPLE_MIN_WINDOW, SAMPLE_MAX_WINDOW, ACCESS_SAMPLE_WINDOW);
            return MEMSIM_EXIT_USAGE;
        }
        return 0;
    case O_SEED:
        if (parse_decimal(arg, &a->o.seed)) {
            fprintf(stderr, "memsim: --seed %s: expected a decimal number from 0 to "
                    "18446744073709551615\n", arg);
            return MEMSIM_EXIT_USAGE;
        }
        return 0;
    case O_MAX_TASKS:
        if (parse_decimal(arg, &a->o.max_tasks) || !a->o.max_tasks || a->o.max_tasks > 32768) {
            fprintf(stderr, "memsim: --max-tasks %s: expected a number of tasks from 1 to 32768\n", arg);
            return MEMSIM_EXIT_USAGE;
        }
        return 0;
    case O_QUANTUM:
        if (parse_decimal(arg, &a->o.quantum) || !a->o.quantum || a->o.quantum > 1000000000000ull) {
            fprintf(stderr, "memsim: --quantum %s: expected a number of instructions from 1 "
                    "to 1000000000000\n", arg);
            return MEMSIM_EXIT_USAGE;
        }
        return 0;
    case O_EPOCH:
        if (parse_decimal(arg, &a->o.epoch) || a->o.epoch > MAX_EPOCH) {
            fprintf(stderr, "memsim: --epoch %s: expected a decimal number of seconds from 0 "
                    "to %llu (9999-12-31T23:59:59Z)\n", arg, (unsigned long long)MAX_EPOCH);
            return MEMSIM_EXIT_USAGE;
        }
        a->epoch_set = 1;
        return 0;
    case O_ROOT:
        if (!file_value_ok("--root", arg))
            return MEMSIM_EXIT_USAGE;
        a->o.root = arg;
        return 0;
    case O_ENVCLEAR: a->clear = 1; return 0;
    case O_SUMMARY: a->summary = 1; return 0;
    case O_STATS: a->stats = 1; return 0;
    case O_STRACE: a->o.strace = 1; return 0;
    case O_BOOT_LOG: a->o.boot_log = 1; return 0;
    case O_CPU: a->cpu_name = arg; return 0;
    case O_CPUCFG:
        if (!file_value_ok("--cpu-config", arg))
            return MEMSIM_EXIT_USAGE;
        a->cpu_file = arg;
        return 0;
    case O_ENGINE:
        if (strcmp(arg, "model") && strcmp(arg, "raw")) {
            fprintf(stderr, "memsim: --engine %s: expected model or raw\n", arg);
            return MEMSIM_EXIT_USAGE;
        }
        a->o.raw_engine = !strcmp(arg, "raw");
        return 0;
    case O_PAGING:
        if (strcmp(arg, "2level") && strcmp(arg, "pae")) {
            fprintf(stderr, "memsim: --paging %s: expected 2level or pae\n", arg);
            return MEMSIM_EXIT_USAGE;
        }
        a->o.paging = strcmp(arg, "pae") ? PAGING_2LEVEL : PAGING_PAE;
        return 0;
    default:                            /* 'E' */
        if (!strchr(arg, '=') || arg[0] == '=' || a->nextra == 64) {
            fprintf(stderr, "memsim: -E %s: expected NAME=VALUE\n", arg);
            return MEMSIM_EXIT_USAGE;
        }
        a->extra[a->nextra++] = arg;
        return 0;
    }
}

/* Is dir the host's own / ("/", "//", "/.", a symlink to it)?  A missing
 * dir is not: --root reports it when it opens it. */
static int names_host_root(const char *dir)
{
    struct stat a, b;
    return !strcmp(dir, "/") ||
           (!stat(dir, &a) && !stat("/", &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/* The options up to the program: -1 to go on, else the exit status. */
static int parse_run_args(int argc, char **argv, struct run_args *a)
{
    static const struct option opts[] = {
        { "db", required_argument, 0, O_DB }, { "no-trace", no_argument, 0, O_NOTRACE },
        { "ram", required_argument, 0, O_RAM }, { "seed", required_argument, 0, O_SEED },
        { "quantum", required_argument, 0, O_QUANTUM },
        { "max-tasks", required_argument, 0, O_MAX_TASKS },
        { "root", required_argument, 0, O_ROOT }, { "env-clear", no_argument, 0, O_ENVCLEAR },
        { "summary", no_argument, 0, O_SUMMARY }, { "help", no_argument, 0, O_HELP },
        { "cpu", required_argument, 0, O_CPU }, { "cpu-config", required_argument, 0, O_CPUCFG },
        { "stats", no_argument, 0, O_STATS }, { "strace", no_argument, 0, O_STRACE }, { "engine", required_argument, 0, O_ENGINE },
        { "paging", required_argument, 0, O_PAGING }, { "epoch", required_argument, 0, O_EPOCH },
        { "trace", required_argument, 0, O_TRACE },
        { "snapshot-every", required_argument, 0, O_SNAPSHOT_EVERY },
        { "sample", required_argument, 0, O_SAMPLE }, { "boot-log", no_argument, 0, O_BOOT_LOG },
        { "fault-around", no_argument, 0, O_FAULT_AROUND },
        { "writable-root", no_argument, 0, O_WRITABLE_ROOT },
        { 0, 0, 0, 0 },
    };
    int c, rc;

    optind = 1;
    opterr = 0;                        /* our own messages, named "memsim" */
    while ((c = getopt_long(argc, argv, "+:E:", opts, NULL)) != -1) {
        if (c == O_HELP) {
            usage(stdout);
            return 0;
        }
        if (c == '?' || c == ':') {
            if (c == ':')
                fprintf(stderr, "memsim: run: option '%s' needs a value\n", argv[optind - 1]);
            else
                fprintf(stderr, "memsim: run: unrecognized option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return MEMSIM_EXIT_USAGE;
        }
        if ((rc = run_option(a, c, optarg)))
            return rc;
    }
    if (a->o.sample_every && (!a->o.db_path || !(a->o.trace_level & TRACE_ACCESSES))) {
        fprintf(stderr, "memsim: --sample samples the access stream: it needs --trace accesses "
                "(or all) and a trace\n");
        return MEMSIM_EXIT_USAGE;
    }
    if (a->o.writable_root && (!a->o.root || names_host_root(a->o.root))) {
        /* writing the host's own / is not what a sandbox is for */
        fprintf(stderr, "memsim: --writable-root needs --root DIR (a directory other than /)\n");
        return MEMSIM_EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "memsim: run: no program given\n");
        usage(stderr);
        return MEMSIM_EXIT_USAGE;
    }
    return -1;
}

static int cmd_run(int argc, char **argv)
{
    struct run_args a = {
        .o = { .ram_bytes = 256ull << 20, .db_path = "memsim.db", .root = "/",
               .trace_level = TRACE_LEVEL_DEFAULT, .snapshot_every = SNAPSHOT_EVERY_AUTO },
        .cpu_name = cpu_preset_names[0],
    };
    struct memsim_options *o = &a.o;
    struct env_builder env = { 0 };
    struct cpu_config cpu;
    char options_text[512], err[512];
    int rc = parse_run_args(argc, argv, &a);

    if (rc >= 0)
        return rc;
    if (cpu_config_preset(&cpu, a.cpu_name, err, sizeof err) ||
        (a.cpu_file && cpu_config_load(&cpu, a.cpu_file, err, sizeof err))) {
        fprintf(stderr, "memsim: %s\n", err);
        return MEMSIM_EXIT_USAGE;
    }
    if (!a.epoch_set) {
        /* the host's time now, so that the guest's dates look right; the
         * trace records it (runs.epoch) for a rerun with --epoch */
        time_t now = time(NULL);
        o->epoch = now > 0 ? (uint64_t)now : 0;
    }
    o->cpu = &cpu;
    o->cpu_config_path = a.cpu_file;
    for (char **e = environ; !a.clear && e && *e; e++)
        env_set(&env, *e);
    for (int i = 0; i < a.nextra; i++)
        env_set(&env, a.extra[i]);
    o->envp = env.vars ? env.vars : (char *[]){ NULL };
    o->program = argv[optind];
    o->argv = argv + optind;
    o->argc = argc - optind;
    /* The options a run's outcome depends on; the snapshot interval and
     * the sampling only where they are not the default (auto, none), so
     * default runs read the same. */
    char every[40] = "", sample[40] = "", quantum[80] = "";
    if (o->quantum && o->quantum != MEMSIM_DEFAULT_QUANTUM)
        snprintf(quantum, sizeof quantum, " quantum=%llu", (unsigned long long)o->quantum);
    if (o->max_tasks && o->max_tasks != MEMSIM_DEFAULT_MAX_TASKS)
        snprintf(quantum + strlen(quantum), sizeof quantum - strlen(quantum), " max-tasks=%llu",
                 (unsigned long long)o->max_tasks);
    if (o->snapshot_every != SNAPSHOT_EVERY_AUTO)
        snprintf(every, sizeof every, " snapshot-every=%llu", (unsigned long long)o->snapshot_every);
    if (o->sample_every)
        snprintf(sample, sizeof sample, " sample=%u:%u", o->sample_every, o->sample_window);
    snprintf(options_text, sizeof options_text, "ram=%llu seed=%llu root=%s paging=%s cpu=%s%s%s%s%s%s%s%s",
             (unsigned long long)o->ram_bytes, (unsigned long long)o->seed, o->root,
             o->paging == PAGING_PAE ? "pae" : "2level", cpu.name,
             a.cpu_file ? " cpu-config=" : "", a.cpu_file ? a.cpu_file : "", every, sample, quantum,
             o->fault_around ? " fault-around=16" : "", o->writable_root ? " writable-root" : "");
    o->options_text = options_text;

    struct memsim_result r;
    fflush(stdout);
    rc = memsim_run(o, &r, err, sizeof err);
    free(env.vars);
    if (rc) {
        fprintf(stderr, "memsim: %s\n", err);
        return rc;
    }
    if (r.report[0])
        fprintf(stderr, "%s\n", r.report);
    if (a.summary)
        print_summary(o, &r);
    if (a.stats)
        print_stats(&r);
    memsim_result_free(&r);
    return r.exit_status;
}

/* `memsim cpu`: list the presets; `memsim cpu NAME`: print one as a config file. */
static int cmd_cpu(int argc, char **argv)
{
    struct cpu_config cpu;
    char err[512];
    if (argc < 2) {
        for (const char *const *n = cpu_preset_names; *n; n++) {
            cpu_config_preset(&cpu, *n, err, sizeof err);
            printf("%-10s %s%s\n", *n, cpu.description, n == cpu_preset_names ? " (default)" : "");
        }
        return 0;
    }
    if (cpu_config_preset(&cpu, argv[1], err, sizeof err)) {
        fprintf(stderr, "memsim: %s\n", err);
        return MEMSIM_EXIT_USAGE;
    }
    cpu_config_print(&cpu, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return MEMSIM_EXIT_USAGE;
    }
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "query") == 0)
        return cmd_query(argc - 1, argv + 1);
    if (strcmp(argv[1], "cpu") == 0)
        return cmd_cpu(argc - 1, argv + 1);
    if (strcmp(argv[1], "export") == 0)
        return cmd_export(argc - 1, argv + 1);
    if (strcmp(argv[1], "diff") == 0)
        return cmd_diff(argc - 1, argv + 1);
    if (strcmp(argv[1], "replay") == 0)
        return replay_main(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(argv[1], "proc") == 0)
        return cmd_proc(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("memsim %s\n", MEMSIM_VERSION);
        return 0;
    }
    fprintf(stderr, "memsim: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return MEMSIM_EXIT_USAGE;
}

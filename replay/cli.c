/*
 * cli.c — the `replay` command line (replay.h replay_main), the one
 * implementation behind `memsim replay` and the memsim-replay executable
 * (replay_tool.c), which is linked without Unicorn and Capstone.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "common/size.h"
#include "replay/replay.h"
#include "trace/stats_print.h"

/* The label of a sampled stream's counters (run --sample N[:W]). */
static void print_sampled(const struct replay_report *rep, FILE *f)
{
    fprintf(f, "\n SAMPLED (run --sample %u:%u): %" PRIu64 " measured windows of %u accesses, "
            "%" PRIu64 " accesses measured", rep->sample_period, rep->sample_window,
            rep->sample_windows, rep->sample_window, rep->sample_measured);
    if (rep->sample_accesses)
        fprintf(f, " of %" PRIu64 " (%.2f%%)", rep->sample_accesses,
                100.0 * (double)rep->sample_measured / (double)rep->sample_accesses);
    fprintf(f, ".\n The counts below are the measured windows' only (not scaled); ratios, "
            "miss rates and CPI are the sampled estimate of the whole run's.\n");
}

/* `memsim replay [--ram SIZE] [--paging MODE] [--expect-same] [--db OUT]
 * [--stats] [--cpu NAME] [--cpu-config FILE] TRACE` (a trace database or an
 * events file; the last three simulate its access stream): exit 0
 * when every outcome matches (or a what-if ran), 1 at a divergence, 2 for
 * bad input (replay/replay.h). */
int replay_main(int argc, char **argv)
{
    struct replay_options o = { 0 };
    struct replay_report rep;
    char err[600] = "";
    int i = 1;
    /* One thread: SQLite's mutexes are a few per cent of reading a trace.
     * Before any other SQLite call (a no-op, SQLITE_MISUSE, after one). */
    sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--expect-same") == 0)
            o.expect_same = 1;
        else if (strcmp(argv[i], "--paging") == 0 && i + 1 < argc)
            o.paging = argv[++i];
        else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            o.db_out = argv[++i];
        else if (strcmp(argv[i], "--stats") == 0)
            o.stats = 1;
        else if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc)
            o.cpu = argv[++i];
        else if (strcmp(argv[i], "--cpu-config") == 0 && i + 1 < argc)
            o.cpu_config = argv[++i];
        else if (strcmp(argv[i], "--ram") == 0 && i + 1 < argc) {
            if (parse_size(argv[++i], &o.ram_bytes)) {
                fprintf(stderr, "memsim: replay: --ram %s: not a size\n", argv[i]);
                return 2;
            }
        } else
            break;
    }
    if (argc - i != 1) {
        fprintf(stderr, "usage: memsim replay [--ram SIZE] [--paging 2level|pae] [--expect-same] [--db OUT]\n"
                        "                     [--stats] [--cpu NAME] [--cpu-config FILE] TRACE\n");
        return 2;
    }
    int rc = replay_file(argv[i], &o, &rep, err, sizeof err);
    if (rc < 0 || rc == REPLAY_BAD_INPUT) {
        fprintf(stderr, "memsim: replay: %s\n", err);
        return 2;
    }
    if (rep.what_if) {
        if (rep.differences)
            printf("%" PRIu64 " events replayed on the changed machine, %" PRIu64
                   " outcomes differ\n", rep.compared, rep.differences);
        else
            printf("%" PRIu64 " events replayed on the changed machine, all outcomes the same\n",
                   rep.compared);
        fputs(rep.text, stdout);
    } else if (rc == REPLAY_OK) {
        printf("%" PRIu64 " events replayed, all outcomes match\n", rep.compared);
    } else {
        fputs(rep.text, stdout);
    }
    if (rep.nr_stats && o.stats && rep.sample_period)
        print_sampled(&rep, stderr);
    if (rep.nr_stats && o.stats)            /* where `memsim run --stats` prints them */
        stats_print(rep.stats, rep.nr_stats, stderr);
    return rc;
}

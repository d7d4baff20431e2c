/*
 * fuzz_replay.c — libFuzzer target for a trace reader and the replay: the
 * input is an events file (trace/events_load.c parses it into an in-memory
 * trace) that replay_run (replay/) then re-drives through the kernel model.
 * Seeded with the golden traces (tests/golden/NAME.events), mutations reach every input replay
 * takes from a trace: the run row, exec_image and exec_segments (argv,
 * envp, sizes, segments), the system calls and faults, context_switches
 * (tids, reasons), signal_frames (esp, ss), file_maps, uaccess data.
 *
 * The contract checked, beyond no crash, no read outside a buffer (ASan)
 * and no undefined behaviour (UBSan): events_load returns 0, or -1 with a
 * one-line reason; replay_run returns REPLAY_OK, REPLAY_DIVERGED or
 * REPLAY_BAD_INPUT (one line in err), or -1 (an internal failure, one line
 * in err).  A violation aborts, which libFuzzer reports with the input.
 * Inputs whose machine has more than 64 MiB of RAM are parsed but not
 * replayed (speed: every replay boots that much model RAM).
 *
 * Build and run: tests/fuzz/README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "replay/replay.h"
#include "trace/events_file.h"

#define MAX_REPLAY_RAM (64u << 20)

static void violated(const char *what, const char *err)
{
    fprintf(stderr, "fuzz_replay: contract violated: %s (%s)\n", what, err);
    abort();
}

static int one_line(const char *s)
{
    return s[0] && !strchr(s, '\n');
}

static uint64_t recorded_ram(sqlite3 *db)
{
    sqlite3_stmt *st;
    uint64_t ram = UINT64_MAX;
    if (sqlite3_prepare_v2(db, "SELECT ram FROM runs ORDER BY id LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return ram;
    if (sqlite3_step(st) == SQLITE_ROW)
        ram = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return ram;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_replay.%d.events", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    sqlite3 *db = NULL;
    char err[600] = "";
    if (events_load(path, &db, err, sizeof err)) {
        if (db || !one_line(err))
            violated("events_load failed without one line, or left a database", err);
        return 0;
    }
    if (recorded_ram(db) <= MAX_REPLAY_RAM) {
        struct replay_options opt = { 0 };
        struct replay_report *rep = malloc(sizeof *rep);
        if (rep) {
            err[0] = '\0';
            int rc = replay_run(db, &opt, rep, err, sizeof err);
            if (rc != REPLAY_OK && rc != REPLAY_DIVERGED && rc != REPLAY_BAD_INPUT && rc != -1)
                violated("replay_run returned no documented status", err);
            if ((rc == REPLAY_BAD_INPUT || rc == -1) && !one_line(err))
                violated("replay_run failed without one line", err);
            free(rep);
        }
    }
    events_close(db);
    return 0;
}

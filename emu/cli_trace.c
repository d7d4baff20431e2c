/*
 * cli_trace.c — the verbs that read a trace: `memsim query`, `export`,
 * `diff`, `report` and `proc` (cli.h).  A TRACE is a trace database or an events
 * file (a name ending in ".events"), told apart in one place,
 * open_trace_arg().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/cli.h"
#include "emu/memsim.h"
#include "trace/trace.h"
#include "trace/events_file.h"
#include "trace/export.h"
#include "trace/diff.h"
#include "trace/report.h"
#include "trace/proc_files.h"

int cmd_query(int argc, char **argv)
{
    int csv = 0, i = 1;
    if (i < argc && strcmp(argv[i], "--csv") == 0) {
        csv = 1;
        i++;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: memsim query [--csv] DB SQL\n");
        return MEMSIM_EXIT_USAGE;
    }
    char err[512];
    if (trace_query(argv[i], argv[i + 1], csv, stdout, err, sizeof err)) {
        fprintf(stderr, "memsim: query: %s\n", err);
        return 1;
    }
    return 0;
}


/* Open TRACE for export or replay: an events file is parsed into an
 * in-memory trace, a database is opened read-only.  0, or -1 with the line
 * printed. */
static int open_trace_arg(const char *cmd, const char *path, struct sqlite3 **db)
{
    char err[1024];
    int rc = events_is_file(path) ? events_load(path, db, err, sizeof err)
                                  : events_open_trace(path, db, err, sizeof err);
    if (rc)
        fprintf(stderr, "memsim: %s: %s\n", cmd, err);
    return rc;
}

#define EXPORT_USAGE "usage: memsim export TRACE [--format events|csv|chrome] [--table T] [--all] [-o FILE]\n"

/* `memsim export TRACE [--format F] [--table T] [--all] [-o FILE]` */
int cmd_export(int argc, char **argv)
{
    const char *in = NULL, *out_path = NULL;
    struct export_options eo = { .format = EXPORT_EVENTS, .sel = EVENTS_SELECT_KERNEL };
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (export_format_parse(argv[++i], &eo.format)) {
                fprintf(stderr, "memsim: export: --format %s: expected " EXPORT_FORMATS "\n",
                        argv[i]);
                return EXIT_BAD_INPUT;
            }
        } else if (!strcmp(argv[i], "--table") && i + 1 < argc) {
            eo.table = argv[++i];
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out_path = argv[++i];
        } else if (!strcmp(argv[i], "--all")) {
            eo.sel = EVENTS_SELECT_ALL;
        } else if (argv[i][0] != '-' && !in) {
            in = argv[i];
        } else {
            fputs(EXPORT_USAGE, stderr);
            return EXIT_BAD_INPUT;
        }
    }
    if (!in) {
        fputs(EXPORT_USAGE, stderr);
        return EXIT_BAD_INPUT;
    }
    if (eo.table && eo.format != EXPORT_CSV) {
        fprintf(stderr, "memsim: export: --table goes with --format csv\n");
        return EXIT_BAD_INPUT;
    }
    if (eo.format == EXPORT_CSV && !eo.table) {
        fprintf(stderr, "memsim: export: --format csv needs --table T\n");
        return EXIT_BAD_INPUT;
    }
    struct sqlite3 *db;
    if (open_trace_arg("export", in, &db))
        return EXIT_BAD_INPUT;
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    char err[4096];
    int rc = 0;
    if (!out) {
        fprintf(stderr, "memsim: export: %s: %s\n", out_path, strerror(errno));
        rc = 1;
    } else if ((rc = trace_export(db, &eo, out, err, sizeof err))) {
        fprintf(stderr, "memsim: export: %s: %s\n", in, err);
    }
    if (out && out != stdout && fclose(out) && !rc) {
        fprintf(stderr, "memsim: export: %s: %s\n", out_path, strerror(errno));
        rc = 1;
    }
    events_close(db);
    return rc;
}

/* `memsim diff A B`: exit 0 the same events, 1 they diverge, 2 bad input
 * (as diff(1): the totals may differ with the same events). */
int cmd_diff(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
        fprintf(stderr, "usage: memsim diff A B   (0 the same events, 1 they diverge, 2 bad input)\n");
        return EXIT_BAD_INPUT;
    }
    struct sqlite3 *a, *b;
    if (open_trace_arg("diff", argv[1], &a))
        return EXIT_BAD_INPUT;
    if (open_trace_arg("diff", argv[2], &b)) {
        events_close(a);
        return EXIT_BAD_INPUT;
    }
    char err[1024];
    int rc = trace_diff(a, b, argv[1], argv[2], stdout, err, sizeof err);
    if (rc == DIFF_BAD_INPUT)
        fprintf(stderr, "memsim: diff: %s\n", err);
    events_close(a);
    events_close(b);
    if (rc != DIFF_BAD_INPUT && fflush(stdout)) {
        fprintf(stderr, "memsim: diff: write error: %s\n", strerror(errno));
        return EXIT_BAD_INPUT;
    }
    return rc;
}

#define REPORT_USAGE "usage: memsim report TRACE [--html FILE] | memsim report --html FILE TRACE TRACE...\n"

/* `memsim report TRACE [--html FILE]`: the text tables to stdout, or the
 * HTML page to FILE (opened before the trace is read, so an unwritable path
 * fails at once: exit 1).  0, 1 output error, 2 bad input. */
/* Several traces with --html: one page comparing them (report_compare.c). */
static int report_compare(const char *html, char **in, unsigned n, FILE *out)
{
    struct sqlite3 **dbs = calloc(n, sizeof *dbs);
    const char **names = calloc(n, sizeof *names);
    int rc = dbs && names ? 0 : -1;
    for (unsigned i = 0; rc == 0 && i < n; i++) {
        const char *slash = strrchr(in[i], '/');
        names[i] = slash ? slash + 1 : in[i];
        if (open_trace_arg("report", in[i], &dbs[i]))
            rc = EXIT_BAD_INPUT;
    }
    char err[1024];
    if (rc == 0 && trace_report_compare_html(dbs, names, n, out, err, sizeof err)) {
        fprintf(stderr, "memsim: report: %s: %s\n", html, err);
        rc = 1;
    }
    for (unsigned i = 0; dbs && i < n; i++)
        if (dbs[i])
            events_close(dbs[i]);
    free(dbs);
    free(names);
    return rc < 0 ? 1 : rc;
}

int cmd_report(int argc, char **argv)
{
    const char *html = NULL;
    char **in = calloc((size_t)argc, sizeof *in);
    unsigned nin = 0;
    if (!in)
        return 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--html") && i + 1 < argc && file_value_ok("--html", argv[i + 1])) {
            html = argv[++i];
        } else if (argv[i][0] != '-') {
            in[nin++] = argv[i];
        } else {
            fputs(REPORT_USAGE, stderr);
            free(in);
            return EXIT_BAD_INPUT;
        }
    }
    if (!nin || (nin > 1 && !html)) {
        fputs(REPORT_USAGE, stderr);
        free(in);
        return EXIT_BAD_INPUT;
    }
    FILE *out = html ? fopen(html, "w") : stdout;
    if (!out) {
        fprintf(stderr, "memsim: report: --html %s: %s\n", html, strerror(errno));
        free(in);
        return 1;
    }
    int rc;
    if (nin > 1) {
        rc = report_compare(html, in, nin, out);
    } else {
        struct sqlite3 *db;
        if (open_trace_arg("report", in[0], &db)) {
            rc = EXIT_BAD_INPUT;
        } else {
            char err[1024];
            rc = (html ? trace_report_html : trace_report_text)(db, out, err, sizeof err) ? 1 : 0;
            if (rc)
                fprintf(stderr, "memsim: report: %s: %s\n", html ? html : in[0], err);
            events_close(db);
        }
    }
    if (html && fclose(out) && !rc) {
        fprintf(stderr, "memsim: report: %s: %s\n", html, strerror(errno));
        rc = 1;
    }
    if (html && rc == EXIT_BAD_INPUT)
        remove(html);
    free(in);
    return rc;
}

#define PROC_USAGE "usage: memsim proc TRACE FILE|--list\n"

/* `memsim proc TRACE FILE` prints /proc/FILE as it was at the guest's exit;
 * `--list` the files recorded.  0 printed; 1 no such file in the trace;
 * 2 bad input (usage, not a trace). */
int cmd_proc(int argc, char **argv)
{
    if (argc != 3 || (argv[2][0] == '-' && strcmp(argv[2], "--list"))) {
        fputs(PROC_USAGE, stderr);
        return EXIT_BAD_INPUT;
    }
    struct sqlite3 *db;
    if (open_trace_arg("proc", argv[1], &db))
        return EXIT_BAD_INPUT;
    char err[1024];
    int list = !strcmp(argv[2], "--list");
    int rc = list ? trace_proc_list(db, stdout, err, sizeof err)
                  : trace_proc_file(db, argv[2], stdout, err, sizeof err);
    if (rc)
        fprintf(stderr, "memsim: proc: %s: %s\n", argv[1], err);
    if (fflush(stdout) && !rc) {
        fprintf(stderr, "memsim: proc: write error\n");
        rc = -1;
    }
    events_close(db);
    return rc == 2 ? EXIT_BAD_INPUT : rc ? 1 : 0;
}

/*
 * report.h — `memsim report TRACE [--html FILE]`: what a trace says, for
 * people.  Presentation lives here, in trace/; the model only emits events.
 *
 * The report is a list of sections, each one SQL query over the trace's
 * tables and views (report.c): run totals; faults by kind, by resolution and
 * by VMA; the pages with most faults and most walks; allocations by
 * allocator, order and purpose, and the frames still held at exit; system
 * calls and their errors; TLB and cache statistics per level; memory over
 * time (snapshots).  trace_report_text() prints them as aligned text tables;
 * trace_report_html() writes one self-contained HTML page (inline CSS, no
 * script, no network) with the same tables and SVG charts drawn here
 * (report_svg.c).  A section whose tables the trace lacks (an older schema,
 * an events file) says so and the report goes on.
 *
 * db is an open trace (events_open_trace or events_load).  Both return 0,
 * or -1 with one line in err (out of memory, a write error on out).
 */
#ifndef MEMSIM_REPORT_H
#define MEMSIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

struct sqlite3;

int trace_report_text(struct sqlite3 *db, FILE *out, char *err, size_t errlen);
int trace_report_html(struct sqlite3 *db, FILE *out, char *err, size_t errlen);

/* `memsim report --html FILE TRACE TRACE...`: one page comparing n traces
 * (report_compare.c): a totals table, a row per trace, and two charts
 * with a series per trace over the share of each run: RSS (the snapshots)
 * and the page faults so far.  names label the traces (their file names). */
int trace_report_compare_html(struct sqlite3 *const *dbs, const char *const *names, unsigned n,
                              FILE *out, char *err, size_t errlen);

#endif

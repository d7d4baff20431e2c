/*
 * proc_files.h — `memsim proc TRACE FILE`: a /proc file as it was when the
 * guest exited, from the trace's proc_files table (kernel-model renders
 * every file of its /proc tables when a task dies, before its mm goes:
 * procfs_exit_snapshot, EV_PROC_FILE).
 *
 * FILE names a row: "NAME" is /proc/NAME when the trace has that machine-
 * wide file, else the first process's /proc/PID/NAME (as /proc/self/NAME
 * reads); "PID/NAME" and "self/NAME" a process's; a leading "/proc/" is
 * ignored.  The text is written as the guest would have read it, bytes
 * and all (cmdline and environ are NUL-separated).
 *
 * db is an open trace (events_open_trace or events_load).  Both return 0;
 * 1 when the trace has no such file (or no proc_files table: recorded
 * before it existed); 2 for a FILE of none of the forms; -1 for anything
 * else (a query or write error); err has one line when not 0.
 */
#ifndef MEMSIM_PROC_FILES_H
#define MEMSIM_PROC_FILES_H

#include <stddef.h>
#include <stdio.h>

struct sqlite3;

int trace_proc_file(struct sqlite3 *db, const char *file, FILE *out, char *err, size_t errlen);
/* One line per recorded file: "NAME" or "PID/NAME", in the order rendered. */
int trace_proc_list(struct sqlite3 *db, FILE *out, char *err, size_t errlen);

#endif

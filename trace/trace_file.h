/*
 * trace_file.h — private to trace/: taking ownership of a trace path, and
 * opening one to read (trace_file.c).
 */
#ifndef MEMSIM_TRACE_FILE_H
#define MEMSIM_TRACE_FILE_H

struct sqlite3;

#include <stddef.h>

/* Lock the file at path for this process (flock, held until *lock_fd is
 * closed), moving a previous trace there to path.old and removing a stale
 * path-journal.  Afterwards path names an empty or new regular file locked
 * through *lock_fd.  Returns 0, or -1 with the reason in err (another run
 * holds it, a file that is not a memsim trace is in the way, ...). */
int trace_lock_path(const char *path, int *lock_fd, char *err, size_t errlen);

/* Open the database at path read-only for a reader (query, export,
 * report, replay): a regular file SQLite can read, the committed batches
 * of a killed run's PATH-wal included.  0, or -1 with *db NULL and why in
 * err without the path (the caller says which trace). */
int trace_open_read(const char *path, struct sqlite3 **db, char *err, size_t errlen);

#endif

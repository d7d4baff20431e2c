/*
 * trace_file.c — which file a trace may be written to, and how the previous
 * trace makes way for it.
 *
 * The trace path is the one file memsim writes on the user's behalf, so the
 * rules here are about never losing the user's data:
 *
 *  - memsim replaces only its own traces.  A file at PATH or PATH.old that
 *    is not empty and not a memsim trace (SQLite with memsim's meta and runs
 *    tables) is refused with one line, never renamed or overwritten.
 *  - PATH, PATH.old, PATH-journal, PATH-wal and PATH-shm may not be an
 *    input of the run (the program, --cpu-config, a regular file on
 *    stdin/stdout/stderr): compared by device and inode, so DIR/sub/../prog
 *    is the program too.
 *  - One run owns a PATH: it holds flock(LOCK_EX) on the inode at PATH for
 *    the whole run.  Another run finds it locked and refuses; it never
 *    renames a live trace.  The lock is taken on the file *at* PATH (created
 *    empty when there is none), then the previous trace is renamed to
 *    PATH.old and a new file is created with O_EXCL and locked before the
 *    old one is released: at every moment the file named PATH is locked by
 *    its owner.  A run that opened the old inode just before the rename
 *    gets its lock only after that, sees that PATH names another inode now,
 *    and tries again (the classic lock-file check).
 *  - The trace of a killed run is in WAL mode (trace/schema.h): its
 *    committed batches may be in PATH-wal only.  It is recognised by a
 *    read that sees the WAL, and before it is renamed to PATH.old its WAL
 *    is checkpointed into it and removed (fold_wal), so the .old stands
 *    alone; a WAL or WAL index left at PATH or PATH.old is removed before
 *    another database takes that name (it would be replayed into it).
 *
 * trace_path_check() makes every check without changing anything (but for
 * the PATH-shm a read of a killed trace's WAL may create), so a run
 * refused for any reason leaves the files as they were; trace_lock_path()
 * repeats the checks under the lock before it renames.
 */
#include "common/errmsg.h"
#include "trace/trace.h"
#include "trace/trace_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory part of path ("." when there is none). */
static int dir_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
    if (n == 0) {
        snprintf(dir, len, ".");
        return 0;
    }
    if (n >= len)
        return -1;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return 0;
}

static int dir_problem(const char *path)
{
    struct stat st;
    char dir[PATH_MAX];
    if (dir_of(path, dir, sizeof dir) != 0)
        return ENAMETOOLONG;
    if (stat(dir, &st) != 0)
        return errno;
    if (!S_ISDIR(st.st_mode))
        return ENOTDIR;
    if (access(dir, W_OK | X_OK) != 0)
        return errno;
    return 0;
}

/* path + suffix, malloc'd. */
static char *with_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", path, suffix);
    return s;
}

/* "file:PATH?immutable=1", PATH %-escaped: SQLite then takes no lock and
 * ignores a journal (a stale -journal must not make a trace look foreign,
 * nor may a read-only check try to roll it back). */
static char *immutable_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    char *uri = malloc(3 * strlen(path) + sizeof "file:?immutable=1");
    char *p = uri;
    if (!uri)
        return NULL;
    p += sprintf(p, "file:");
    for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("/._-", *c)) {
            *p++ = (char)*c;
        } else {
            *p++ = '%';
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
        }
    }
    strcpy(p, "?immutable=1");
    return uri;
}

/* Is the database open at fd (named path) in WAL mode (header byte 18 is
 * 2) with a regular PATH-wal: the trace of a run that was killed?  A WAL
 * beside a file in rollback mode is stale (not this file's): false. */
static int has_wal(const char *path, int fd)
{
    struct stat st;
    unsigned char mode = 0;
    if (pread(fd, &mode, 1, 18) != 1 || mode != 2)
        return 0;
    char *wal = with_suffix(path, "-wal");
    int yes = wal && lstat(wal, &st) == 0 && S_ISREG(st.st_mode);
    free(wal);
    return yes;
}

/* Remove PATH-wal and PATH-shm (no such file is fine): a WAL left beside
 * another database would be replayed into it.  0, or -1 with errno. */
static int remove_wal(const char *path)
{
    static const char *const suffix[] = { "-wal", "-shm" };
    for (int i = 0; i < 2; i++) {
        struct stat st;
        char *f = with_suffix(path, suffix[i]);
        if (!f || (lstat(f, &st) == 0 && S_ISREG(st.st_mode) && unlink(f) != 0)) {
            int e = f ? errno : ENOMEM;
            free(f);
            errno = e;
            return -1;
        }
        free(f);
    }
    return 0;
}

/*
 * The trace of a killed run (a memsim trace with its PATH-wal): checkpoint
 * the WAL's committed batches into the file and delete the WAL, as any
 * writer opening it would, so that the file renamed to PATH.old stands
 * alone.  0, or -1 with err set.
 */
static int fold_wal(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        set_err(err, errlen, "cannot finish the previous trace '%s' (its run was killed): %s",
                path, msg ? msg : db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_free(msg);
    if (sqlite3_close(db) != SQLITE_OK && rc == SQLITE_OK) {
        set_err(err, errlen, "cannot finish the previous trace '%s': %s", path, sqlite3_errmsg(db));
        rc = SQLITE_ERROR;
    }
    return rc == SQLITE_OK ? 0 : -1;
}

int trace_open_read(const char *path, sqlite3 **db, char *err, size_t errlen)
{
    struct stat st;
    *db = NULL;
    /* Anything but a regular file is refused before SQLite opens it (a
     * FIFO would block the open); a missing one gets its errno, not
     * SQLite's vaguer message. */
    int e = stat(path, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (e || !S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s", e ? strerror(e) : "not a regular file");
        return -1;
    }
    int rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
    /* SQLite opens lazily: read the schema now, so a file it cannot read
     * fails here with its own reason. */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(*db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int wal = fd >= 0 && has_wal(path, fd);
    if (fd >= 0)
        close(fd);
    if (wal && dir_problem(path))
        /* A reader of a WAL file must create PATH-shm beside it. */
        set_err(err, errlen, "its run was killed and its committed rows are in %s-wal, which "
                "SQLite reads only where it may create %s-shm: this directory is not "
                "writable; copy both files to one that is", path, path);
    else
        set_err(err, errlen, "%s%s", rc == SQLITE_NOTADB ? "not a trace database: " : "",
                *db ? sqlite3_errmsg(*db) : "out of memory");
    sqlite3_close(*db);
    *db = NULL;
    return -1;
}

/*
 * Whether the regular, non-empty file open at fd (named path) is a memsim
 * trace: the SQLite header, then memsim's tables.  The header is read
 * through fd first, so SQLite opens only a file already known to be a
 * database (and never a FIFO: the caller checked S_ISREG on fd).
 */
static int is_memsim_trace(const char *path, int fd, const char **why)
{
    static const char magic[16] = "SQLite format 3";
    char head[16];
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int tables = 0;

    if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head || memcmp(head, magic, 16)) {
        *why = "not an SQLite database";
        return 0;
    }
    /* A trace whose run was killed is in WAL mode with its committed
     * batches (its tables, even) in PATH-wal, which an immutable open
     * ignores: then a plain read-only open, which reads the WAL (and may
     * create PATH-shm for it). */
    int wal = has_wal(path, fd);
    char *uri = wal ? strdup(path) : immutable_uri(path);
    int flags = SQLITE_OPEN_READONLY | (wal ? 0 : SQLITE_OPEN_URI);
    if (uri && sqlite3_open_v2(uri, &db, flags, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                           " AND name IN ('meta', 'runs')", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        tables = sqlite3_column_int(s, 0);
    int busy = db && (sqlite3_errcode(db) & 0xff) == SQLITE_BUSY;
    sqlite3_finalize(s);
    sqlite3_close(db);
    free(uri);
    if (tables != 2)
        *why = busy ? "locked by another process" : "an SQLite database without memsim's tables";
    return tables == 2;
}

enum { MAY_REPLACE, NEED_TRACE = 1, PROBE_LOCK = 2 };

/*
 * May memsim rename or write over the file at path?  Yes when there is no
 * file, or (with NEED_TRACE) an empty file or a memsim trace; never for a
 * directory, a special file or an input.  PROBE_LOCK also refuses a file
 * another run holds.  Opens read-only and non-blocking, changes nothing.
 */
static int check_replaceable(const char *path, const char *role, int how,
                             const struct trace_input *in, size_t nin,
                             char *err, size_t errlen)
{
    struct stat st;
    const char *why = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        set_err(err, errlen, "cannot create trace '%s': %s%s%s", path,
                role, *role ? ": " : "", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        why = "is a directory";
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    for (size_t i = 0; !why && i < nin; i++)
        if (in[i].dev == st.st_dev && in[i].ino == st.st_ino) {
            set_err(err, errlen, "cannot create trace '%s': %s%sis also %s", path, role,
                    *role ? " " : "", in[i].what);
            close(fd);
            return -1;
        }
    if (!why && (how & PROBE_LOCK) && flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
        set_err(err, errlen, "trace '%s' is in use by another memsim run", path);
        close(fd);
        return -1;
    }
    if (!why && (how & NEED_TRACE) && st.st_size > 0 && !is_memsim_trace(path, fd, &why)) {
        set_err(err, errlen, "cannot create trace '%s': %s%s'%s' is not a memsim trace (%s); "
                "memsim replaces only its own traces: move it away or choose another --db",
                path, role, *role ? " " : "", path, why);
        close(fd);
        return -1;
    }
    close(fd);
    if (why) {
        set_err(err, errlen, "cannot create trace '%s': %s%s%s", path, role,
                *role ? " " : "", why);
        return -1;
    }
    return 0;
}

int trace_path_check(const char *path, const struct trace_input *in, size_t nin,
                     char *err, size_t errlen)
{
    if (!path || !*path) {
        set_err(err, errlen, "cannot create trace: empty path");
        return -1;
    }
    char *old = with_suffix(path, ".old"), *journal = with_suffix(path, "-journal");
    char *wal = with_suffix(path, "-wal"), *shm = with_suffix(path, "-shm");
    int rc = -1, e;
    if (!old || !journal || !wal || !shm)
        set_err(err, errlen, "cannot create trace '%s': out of memory", path);
    else if (check_replaceable(path, "", NEED_TRACE | PROBE_LOCK, in, nin, err, errlen) ||
             check_replaceable(old, "(the previous trace's new name)", NEED_TRACE | PROBE_LOCK,
                               in, nin, err, errlen) ||
             check_replaceable(journal, "(its journal)", MAY_REPLACE, in, nin, err, errlen) ||
             check_replaceable(wal, "(its WAL)", MAY_REPLACE, in, nin, err, errlen) ||
             check_replaceable(shm, "(its WAL index)", MAY_REPLACE, in, nin, err, errlen))
        ;
    else if ((e = dir_problem(path)) != 0)
        set_err(err, errlen, "cannot create trace '%s': %s", path, strerror(e));
    else
        rc = 0;
    free(old);
    free(journal);
    free(wal);
    free(shm);
    return rc;
}

/* Lock the open file fd of path exclusively, or say why not (another run
 * holds it); on failure fd is closed. */
static int lock_held(int fd, const char *path, char *err, size_t errlen)
{
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    set_err(err, errlen, errno == EWOULDBLOCK ? "trace '%s' is in use by another memsim run"
                                              : "cannot lock trace '%s': %s",
            path, strerror(errno));
    close(fd);
    return -1;
}

/* Does path still name the file open at fd? */
static int still_named(int fd, const char *path)
{
    struct stat held, named;
    return fstat(fd, &held) == 0 && stat(path, &named) == 0 &&
           held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

/* Open (creating if need be) and lock the file at path: the inode locked is
 * the one path names afterwards.  Returns the fd, or -1 with err set. */
static int lock_at(const char *path, int flags, char *err, size_t errlen)
{
    for (int tries = 0; tries < 16; tries++) {
        struct stat held;
        int fd = open(path, O_RDONLY | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | flags, 0666);
        if (fd < 0) {
            set_err(err, errlen, errno == EEXIST ? "trace '%s' is in use by another memsim run"
                                                 : "cannot create trace '%s': %s",
                    path, strerror(errno));
            return -1;
        }
        if (lock_held(fd, path, err, errlen) != 0)
            return -1;
        if (still_named(fd, path)) {
            if (fstat(fd, &held) == 0 && S_ISREG(held.st_mode))
                return fd;
            set_err(err, errlen, "cannot create trace '%s': not a regular file", path);
            close(fd);
            return -1;
        }
        close(fd);                  /* renamed under us by its previous owner: again */
    }
    set_err(err, errlen, "cannot lock trace '%s': it keeps being replaced", path);
    return -1;
}

/*
 * rename(path, old), where the file at old — replaced by the rename — may be
 * another run's live trace (`--db X.old` while a run on X rotates): lock it
 * and hold the lock across the rename, or, when there is none, rename with
 * RENAME_NOREPLACE so that one created meanwhile is locked first, not lost.
 */
static int rename_over_old(const char *path, const char *old, char *err, size_t errlen)
{
    for (int tries = 0; tries < 16; tries++) {
        int ofd = open(old, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (ofd < 0 && errno == ENOENT) {
            if (remove_wal(old) != 0)
                break;
            if (renameat2(AT_FDCWD, path, AT_FDCWD, old, RENAME_NOREPLACE) == 0)
                return 0;
            if (errno == EEXIST)
                continue;                   /* created meanwhile: lock it */
            if (errno != EINVAL)            /* EINVAL: no NOREPLACE on this file system */
                break;
            if (rename(path, old) == 0)
                return 0;
            break;
        }
        if (ofd < 0)
            break;
        if (lock_held(ofd, old, err, errlen) != 0)
            return -1;
        int rc = !still_named(ofd, old) ? 1 : remove_wal(old) ? -1 : rename(path, old);
        int e = errno;
        close(ofd);                         /* after the rename: no one took it over */
        if (rc == 0)
            return 0;
        if (rc < 0) {
            errno = e;
            break;
        }
    }
    set_err(err, errlen, "cannot rename trace '%s' to '%s': %s", path, old, strerror(errno));
    return -1;
}

/* Holding the lock on the non-empty file at path: check it again (the
 * authoritative check), rename it to path.old and lock a new empty file. */
static int rotate_locked(const char *path, int *fd, char *err, size_t errlen)
{
    char *old = with_suffix(path, ".old");
    const char *why;
    int rc = -1;
    if (!old) {
        set_err(err, errlen, "cannot create trace '%s': out of memory", path);
        return -1;
    }
    if (!is_memsim_trace(path, *fd, &why))
        set_err(err, errlen, "cannot create trace '%s': '%s' is not a memsim trace (%s); "
                "memsim replaces only its own traces", path, path, why);
    else if (check_replaceable(old, "(the previous trace's new name)", NEED_TRACE | PROBE_LOCK,
                               NULL, 0, err, errlen) == 0 &&
             (!has_wal(path, *fd) || fold_wal(path, err, errlen) == 0) &&
             rename_over_old(path, old, err, errlen) == 0) {
        /* O_EXCL: a run that found no file while we renamed owns path now. */
        int nfd = lock_at(path, O_EXCL, err, errlen);
        if (nfd >= 0) {
            close(*fd);
            *fd = nfd;
            rc = 0;
        }
    }
    free(old);
    return rc;
}

int trace_lock_path(const char *path, int *lock_fd, char *err, size_t errlen)
{
    struct stat st;
    int fd = lock_at(path, 0, err, errlen);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0) {
        set_err(err, errlen, "cannot create trace '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (st.st_size > 0 && rotate_locked(path, &fd, err, errlen) != 0) {
        close(fd);
        return -1;
    }
    /* A stale rollback journal would be "rolled back" into the new file. */
    char *journal = with_suffix(path, "-journal");
    if (!journal || (lstat(journal, &st) == 0 && S_ISREG(st.st_mode) && unlink(journal) != 0)) {
        set_err(err, errlen, "cannot remove stale journal '%s-journal': %s", path,
                journal ? strerror(errno) : "out of memory");
        free(journal);
        close(fd);
        return -1;
    }
    free(journal);
    if (remove_wal(path) != 0) {
        set_err(err, errlen, "cannot remove the stale WAL of '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    *lock_fd = fd;
    return 0;
}

/*
 * test_trace_file.c — which file a trace may replace (trace/trace_file.c):
 * path checks that change nothing, only memsim traces rotated (text, a
 * foreign SQLite database, a non-trace at PATH.old are refused and left
 * byte-identical), inputs compared by inode (DIR/sub/../prog is the
 * program), and the lock: a second open of a live trace is refused, also
 * after the first one rotated, and the live file keeps its name.
 */
#include "tests/unit/check.h"
#include "trace/trace.h"
#include "trace/trace_file.h"

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/test_trace_file.XXXXXX";

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static ino_t inode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The first 255 bytes of a file as a string ("" when absent). */
static const char *content(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

/* A complete trace with one run row named program. */
static void make_trace(const char *path, const char *program)
{
    char err[512] = "", cerr[512];
    struct trace_run_info info = { .program = program };
    struct trace *t = trace_open(path, err, sizeof err);
    CHECK(t != NULL);
    if (!t) {
        fprintf(stderr, "trace_open %s: %s\n", path, err);
        return;
    }
    CHECK_EQ(trace_begin_run(t, &info), 0);
    CHECK_EQ(trace_close(t, cerr, sizeof cerr), 0);
}

static int has(const char *err, const char *part)
{
    if (strstr(err, part))
        return 1;
    fprintf(stderr, "expected '%s' in: %s\n", part, err);
    return 0;
}

static void test_path_check(void)
{
    char path[300], other[300], expect[700], err[512] = "";
    tmp_path(path, sizeof path, "missing/x.db");
    CHECK_EQ(trace_path_check(path, NULL, 0, err, sizeof err), -1);
    snprintf(expect, sizeof expect, "cannot create trace '%s': No such file or directory", path);
    CHECK_STR(err, expect);
    CHECK(trace_open(path, err, sizeof err) == NULL);
    CHECK_STR(err, expect);
    tmp_path(path, sizeof path, "missing");
    CHECK(!exists(path));

    CHECK_EQ(trace_path_check(tmpdir, NULL, 0, err, sizeof err), -1);
    CHECK(has(err, "Is a directory") || has(err, "is a directory"));
    CHECK(trace_open(tmpdir, err, sizeof err) == NULL);

    tmp_path(other, sizeof other, "plain.txt");
    write_file(other, "keep");
    tmp_path(path, sizeof path, "plain.txt/x.db");   /* "directory" is a file */
    CHECK_EQ(trace_path_check(path, NULL, 0, err, sizeof err), -1);
    CHECK(has(err, "Not a directory"));
    CHECK_EQ(trace_path_check("", NULL, 0, err, sizeof err), -1);
    CHECK(trace_open("/dev/null", err, sizeof err) == NULL);
    CHECK(has(err, "not a regular file"));
}

/* A file that is not a memsim trace is refused at PATH and at PATH.old;
 * nothing is renamed or written. */
static void test_not_a_trace(void)
{
    char path[300], old[310], err[512] = "";
    tmp_path(path, sizeof path, "notes.txt");
    snprintf(old, sizeof old, "%s.old", path);
    write_file(path, "precious notes\n");
    CHECK_EQ(trace_path_check(path, NULL, 0, err, sizeof err), -1);
    CHECK(has(err, "is not a memsim trace (not an SQLite database)"));
    CHECK(trace_open(path, err, sizeof err) == NULL);
    CHECK(has(err, "is not a memsim trace"));
    CHECK_STR(content(path), "precious notes\n");
    CHECK(!exists(old));

    /* A trace at PATH, text at PATH.old: the rotation would overwrite it. */
    tmp_path(path, sizeof path, "t1.db");
    snprintf(old, sizeof old, "%s.old", path);
    make_trace(path, "first");
    write_file(old, "older precious notes\n");
    ino_t ino = inode_of(path);
    CHECK_EQ(trace_path_check(path, NULL, 0, err, sizeof err), -1);
    CHECK(has(err, ".old' is not a memsim trace"));
    CHECK(trace_open(path, err, sizeof err) == NULL);
    CHECK_STR(content(old), "older precious notes\n");
    CHECK_EQ(inode_of(path), ino);

    /* SQLite, but not memsim's: refused too. */
    sqlite3 *db = NULL;
    tmp_path(path, sizeof path, "other.sqlite");
    CHECK_EQ(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_EQ(sqlite3_exec(db, "CREATE TABLE accounts(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CHECK(trace_open(path, err, sizeof err) == NULL);
    CHECK(has(err, "without memsim's tables"));

    /* An empty file holds nothing: it becomes the trace, no .old. */
    tmp_path(path, sizeof path, "empty.db");
    snprintf(old, sizeof old, "%s.old", path);
    write_file(path, "");
    make_trace(path, "in place");
    CHECK(!exists(old));
}

/* Inputs by inode: the program under another spelling, and at PATH.old. */
static void test_inputs(void)
{
    char prog[300], alias[320], db[300], err[512] = "";
    struct stat st;
    tmp_path(prog, sizeof prog, "prog");
    write_file(prog, "\177ELF not really");
    CHECK_EQ(stat(prog, &st), 0);
    struct trace_input in = { "the program", st.st_dev, st.st_ino };
    CHECK_EQ(mkdir(strcat(strcpy(alias, tmpdir), "/sub"), 0755), 0);
    tmp_path(alias, sizeof alias, "sub/../prog");
    CHECK_EQ(trace_path_check(alias, &in, 1, err, sizeof err), -1);
    CHECK(has(err, "is also the program"));
    tmp_path(db, sizeof db, "prog.db");        /* fine: another file */
    CHECK_EQ(trace_path_check(db, &in, 1, err, sizeof err), 0);
    /* --db X where X.old is the program: rotating would overwrite it. */
    CHECK_EQ(rename(prog, strcat(strcpy(alias, db), ".old")), 0);
    CHECK_EQ(trace_path_check(db, &in, 1, err, sizeof err), -1);
    CHECK(has(err, "is also the program"));
    CHECK_STR(content(alias), "\177ELF not really");
}

/* One run owns a trace path: a second open is refused and renames nothing,
 * both when the first run created the file and when it rotated one. */
static void test_lock(void)
{
    char path[300], old[310], err[512] = "", cerr[512];
    tmp_path(path, sizeof path, "live.db");
    snprintf(old, sizeof old, "%s.old", path);
    for (int round = 0; round < 2; round++) {    /* 0: no file before; 1: a rotation */
        struct trace *t = trace_open(path, err, sizeof err);
        CHECK(t != NULL);
        if (!t)
            return;
        ino_t live = inode_of(path), older = inode_of(old);
        CHECK_EQ(exists(old), round == 1);
        CHECK_EQ(trace_path_check(path, NULL, 0, err, sizeof err), -1);
        CHECK(has(err, "is in use by another memsim run"));
        CHECK(trace_open(path, err, sizeof err) == NULL);
        CHECK(has(err, "is in use by another memsim run"));
        CHECK_EQ(inode_of(path), live);
        CHECK_EQ(inode_of(old), older);
        CHECK_EQ(trace_close(t, cerr, sizeof cerr), 0);
    }
    ino_t live = inode_of(path);
    make_trace(path, "after");                  /* released: rotates again */
    CHECK_EQ(inode_of(old), live);
}

/* A run on X.old is live (its lock held): a run on X must not rotate X
 * over it — refused by the check and by the rotation itself. */
static void test_live_old(void)
{
    char path[300], old[310], err[512] = "", cerr[512];
    tmp_path(path, sizeof path, "rot.db");
    snprintf(old, sizeof old, "%s.old", path);
    make_trace(path, "first");
    struct trace *a = trace_open(old, err, sizeof err);    /* run A on rot.db.old */
    CHECK(a != NULL);
    if (!a)
        return;
    ino_t live = inode_of(old), first = inode_of(path);
    CHECK_EQ(trace_path_check(path, NULL, 0, err, sizeof err), -1);
    CHECK(has(err, "is in use by another memsim run"));
    int lock_fd = -1;
    CHECK_EQ(trace_lock_path(path, &lock_fd, err, sizeof err), -1);   /* past the check */
    CHECK(has(err, "is in use by another memsim run"));
    CHECK_EQ(inode_of(old), live);
    CHECK_EQ(inode_of(path), first);
    CHECK_EQ(trace_close(a, cerr, sizeof cerr), 0);
    make_trace(path, "second");                 /* A ended: rotates again */
    CHECK_EQ(inode_of(old), first);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_path_check();
    test_not_a_trace();
    test_inputs();
    test_lock();
    test_live_old();
    nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return CHECK_DONE();
}

/*
 * test_trace.c — the SQLite trace: rows and columns of every event table,
 * seq and cycle, NULL handling, the run row, .old rotation, insert failure, `query` output in table and CSV mode, and SHA-256.
 */
#include "tests/unit/check.h"

static char close_err[512];   /* trace_close's reason */
#include "trace/schema.h"
#include "trace/trace.h"
#include "mmu/mmu_events.h"

#include <ftw.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/test_trace.XXXXXX";

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_EQ(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* The whole content of a file, malloc'd and NUL-terminated. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 1 << 16);
    if (f && buf)
        fread(buf, 1, (1 << 16) - 1, f);
    if (f)
        fclose(f);
    return buf;
}

/* ---- reading the trace back ------------------------------------------ */

static sqlite3 *open_ro(const char *path)
{
    sqlite3 *db = NULL;
    CHECK_EQ(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

/* The first column of the one row `sql` returns. */
static sqlite3_int64 q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 v = -999999;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "prepare %s: %s\n", sql, sqlite3_errmsg(db));
        CHECK(0);
        return v;
    }
    CHECK_EQ(sqlite3_step(s), SQLITE_ROW);
    v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static const char *q_text(sqlite3 *db, const char *sql)
{
    static char buf[256];
    sqlite3_stmt *s = NULL;
    snprintf(buf, sizeof buf, "(error)");
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "prepare %s: %s\n", sql, sqlite3_errmsg(db));
        CHECK(0);
        return buf;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        snprintf(buf, sizeof buf, "%s", t ? (const char *)t : "(null)");
    }
    sqlite3_finalize(s);
    return buf;
}

/* ---- the events ------------------------------------------------------ */

#define PAE_NX_ENTRY 0x8000000012345067ull

static uint64_t clk;

/* One event of type with pid, at clock c, through the trace's stream. */
static struct event_stream stream;
static void emit(uint64_t c, enum event_type type, uint32_t pid, struct event *ev)
{
    clk = c;
    ev->type = type;
    ev->pid = ev->tid = pid;
    event_emit(&stream, ev);
}

/* Eleven events through the stream (the trace its sink), clock 100 ... 600. */
static void write_events(struct trace *t)
{
    struct event e;
    event_stream_init(&stream, &clk);
    event_stream_add_sink(&stream, t, trace_consume);

    e = (struct event){ .u.walk = { .vaddr = 0x08048123, .access = MMU_FETCH,
        .user = 1, .levels = 2, .entry_addr = { 0x1080, 0x2120 },
        .entry_val = { 0x2067, 0x5025 }, .paddr = 0x5123, .fault = 0 } };
    emit(100, EV_WALK, 7, &e);
    e = (struct event){ .u.walk = { .vaddr = 0xbfff0010, .access = MMU_READ,
        .user = 1, .levels = 1, .entry_addr = { 0x1bfc, 0xdead },
        .entry_val = { 0, 0xbeef }, .paddr = 0xffff, .fault = 1, .error_code = 4 } };
    emit(150, EV_WALK, 7, &e);
    e = (struct event){ .u.fault = { .eip = 0x08048123, .address = 0xbfff0010,
        .error_code = 6, .access = MMU_WRITE, .kind = FK_ANON,
        .resolution = FR_DEMAND_ZERO, .pfn = 0x1234 } };
    emit(200, EV_FAULT, 7, &e);
    e = (struct event){ .u.fault = { .eip = 0x0804a000, .address = 0x10,
        .error_code = 4, .access = MMU_READ, .kind = FK_BAD,
        .resolution = FR_SIGSEGV_MAPERR, .pfn = UINT32_MAX } };
    emit(250, EV_FAULT, 8, &e);
    e = (struct event){ .u.alloc = { ALLOCATOR_BUDDY, ALLOC_OP_ALLOC, 2, 0x1234, "Normal", "anon" } };
    emit(300, EV_ALLOC, 0, &e);
    e = (struct event){ .u.alloc = { ALLOCATOR_BOOTMEM, ALLOC_OP_RESERVE, 0, 0x10, "DMA", "kernel-image" } };
    emit(350, EV_ALLOC, 0, &e);
    e = (struct event){ .u.vma = { VMA_OP_MAP, 0x08048000, 0x0804a000, 5, 0x875, "/bin/x,\"y\"" } };
    emit(400, EV_VMA, 7, &e);
    e = (struct event){ .u.vma = { VMA_OP_BRK, 0x0804c000, 0x0804d000, 3, 0x100073, NULL } };
    emit(450, EV_VMA, 7, &e);
    e = (struct event){ .u.syscall = { 45, "brk", { 0x0804d000, 0, 0, 0, 0, 0 }, -12, 0 } };
    emit(500, EV_SYSCALL_EXIT, 7, &e);
    e = (struct event){ .u.syscall = { 192, "mmap2",
        { 0, 4096, 3, 0x22, 0xffffffff, 0 }, (int32_t)0xb7fff000u, 0 } };
    emit(550, EV_SYSCALL_EXIT, 7, &e);
    e = (struct event){ .u.walk = { .vaddr = 0xc0001000, .access = MMU_WRITE,
        .user = 0, .levels = 3, .entry_addr = { 0x3018, 0x4000, 0x5008 },
        .entry_val = { 0x4001, 0x5063, PAE_NX_ENTRY }, .paddr = 0x12345000 } };
    emit(600, EV_WALK, 8, &e);
}

static void check_order(sqlite3 *db)
{
    static const char *const table[] = { "translations", "translations",
        "faults", "faults", "allocations", "allocations", "vmas", "vmas",
        "syscalls", "syscalls", "translations" };
    sqlite3_stmt *s = NULL;
    int i = 0;
    CHECK_EQ(sqlite3_prepare_v2(db,
        "SELECT seq, cycle, 'translations' FROM translations UNION ALL "
        "SELECT seq, cycle, 'faults' FROM faults UNION ALL "
        "SELECT seq, cycle, 'allocations' FROM allocations UNION ALL "
        "SELECT seq, cycle, 'vmas' FROM vmas UNION ALL "
        "SELECT seq, cycle, 'syscalls' FROM syscalls ORDER BY seq",
        -1, &s, NULL), SQLITE_OK);
    while (s && sqlite3_step(s) == SQLITE_ROW && i < 11) {
        CHECK_EQ(sqlite3_column_int64(s, 0), i + 1);
        CHECK_EQ(sqlite3_column_int64(s, 1), 100 + 50 * i);
        CHECK_STR((const char *)sqlite3_column_text(s, 2), table[i]);
        i++;
    }
    CHECK_EQ(i, 11);
    sqlite3_finalize(s);
}

static void check_translations(sqlite3 *db)
{
    CHECK_EQ(q_int(db, "SELECT count(*) FROM translations"), 3);
    CHECK_STR(q_text(db, "SELECT access || user || levels || result FROM translations"
                         " WHERE seq = 1"), "fetch12ok");
    CHECK_EQ(q_int(db, "SELECT vaddr FROM translations WHERE seq = 1"), 0x08048123);
    CHECK_EQ(q_int(db, "SELECT l1_addr + l1_val FROM translations WHERE seq = 1"),
             0x1080 + 0x2067);
    CHECK_EQ(q_int(db, "SELECT l2_addr * 65536 + l2_val FROM translations WHERE seq = 1"),
             0x2120ull * 65536 + 0x5025);
    CHECK_EQ(q_int(db, "SELECT paddr FROM translations WHERE seq = 1"), 0x5123);
    CHECK_EQ(q_int(db, "SELECT l3_addr IS NULL AND l3_val IS NULL AND error_code IS NULL"
                       " FROM translations WHERE seq = 1"), 1);
    /* A faulting one-level walk: level 2 and 3 NULL, no paddr, an error code. */
    CHECK_STR(q_text(db, "SELECT access || levels || result FROM translations"
                         " WHERE seq = 2"), "read1fault");
    CHECK_EQ(q_int(db, "SELECT l1_addr FROM translations WHERE seq = 2"), 0x1bfc);
    CHECK_EQ(q_int(db, "SELECT l2_addr IS NULL AND l2_val IS NULL AND l3_addr IS NULL"
                       " AND paddr IS NULL FROM translations WHERE seq = 2"), 1);
    CHECK_EQ(q_int(db, "SELECT error_code FROM translations WHERE seq = 2"), 4);
    /* PAE: three levels, a 64-bit entry with NX kept bit for bit. */
    CHECK_EQ(q_int(db, "SELECT l3_val FROM translations WHERE seq = 11"), PAE_NX_ENTRY);
    CHECK_EQ(q_int(db, "SELECT l3_addr FROM translations WHERE seq = 11"), 0x5008);
    CHECK_EQ(q_int(db, "SELECT user FROM translations WHERE seq = 11"), 0);
}

static void check_kernel_rows(sqlite3 *db)
{
    CHECK_STR(q_text(db, "SELECT printf('%d %x %x %d %s %s %s %x', pid, eip, address,"
                         " error_code, access, kind, resolution, pfn) FROM faults"
                         " WHERE seq = 3"),
              "7 8048123 bfff0010 6 write anon demand-zero 1234");
    CHECK_EQ(q_int(db, "SELECT pfn IS NULL FROM faults WHERE seq = 4"), 1);
    CHECK_STR(q_text(db, "SELECT resolution FROM faults WHERE seq = 4"),
              "SIGSEGV/SEGV_MAPERR");
    CHECK_STR(q_text(db, "SELECT printf('%s %s %d %x %s %s', allocator, op, ord, pfn,"
                         " zone, purpose) FROM allocations WHERE seq = 5"),
              "buddy alloc 2 1234 Normal anon");
    CHECK_STR(q_text(db, "SELECT allocator || op || ord FROM allocations WHERE seq = 6"),
              "bootmemreserve0");
    CHECK_STR(q_text(db, "SELECT printf('%d %s %x %x %d %s %x %s', pid, op, start, stop,"
                         " prot, prot_str, flags, name) FROM vmas WHERE seq = 7"),
              "7 map 8048000 804a000 5 r-x 875 /bin/x,\"y\"");
    CHECK_STR(q_text(db, "SELECT prot_str FROM vmas WHERE seq = 8"), "rw-");
    CHECK_EQ(q_int(db, "SELECT name IS NULL FROM vmas WHERE seq = 8"), 1);
    CHECK_STR(q_text(db, "SELECT printf('%d %d %s %x %d', pid, nr, name, arg0, ret)"
                         " FROM syscalls WHERE seq = 9"), "7 45 brk 804d000 -12");
    CHECK_EQ(q_int(db, "SELECT arg4 FROM syscalls WHERE seq = 10"), 0xffffffffu);
    CHECK_EQ(q_int(db, "SELECT ret & 0xffffffff FROM syscalls WHERE seq = 10"),
             0xb7fff000u);
}

static void check_run_and_views(sqlite3 *db)
{
    CHECK_STR(q_text(db, "SELECT value FROM meta WHERE key = 'schema_version'"), TRACE_SCHEMA_VERSION);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM runs"), 1);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                       " AND name = 'allocations_pfn' AND tbl_name = 'allocations'"), 1);
    /* the caused walks' partial index replay reads them through */
    CHECK_EQ(q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                       " AND name = 'translations_caused' AND tbl_name = 'translations'"
                       " AND sql LIKE '%WHERE cause > 0'"), 1);
    CHECK_STR(q_text(db, "SELECT program || '|' || args || '|' || sha256 || '|' ||"
                         " options || '|' || memsim_version FROM runs"),
              "/bin/x|/bin/x -v|abcd|cpu=test|0.1");
    CHECK_EQ(q_int(db, "SELECT started GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T"
                       "[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z' FROM runs"), 1);
    CHECK_STR(q_text(db, "SELECT printf('%d %d %d %s %.2f', instructions, cycles,"
                         " exit_status, exit_reason, wall_seconds) FROM runs"),
              "1000 600 139 SIGSEGV 1.25");
    CHECK_EQ(q_int(db, "SELECT count(*) FROM runs WHERE epoch = 1700000000"), 1);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM fault_summary"), 2);
    CHECK_EQ(q_int(db, "SELECT count FROM fault_summary WHERE kind = 'anon'"), 1);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM page_walks_by_page"), 3);
    CHECK_EQ(q_int(db, "SELECT faults FROM page_walks_by_page WHERE vpn = 0xbfff0"), 1);
    CHECK_EQ(q_int(db, "SELECT pages FROM allocation_summary WHERE allocator = 'buddy'"), 4);
    CHECK_EQ(q_int(db, "SELECT errors FROM syscall_summary WHERE name = 'brk'"), 1);
    CHECK_EQ(q_int(db, "SELECT errors FROM syscall_summary WHERE name = 'mmap2'"), 0);
    /* "Which frame resolved each fault": a join the docs show. */
    CHECK_STR(q_text(db, "SELECT a.purpose FROM faults f JOIN allocations a"
                         " ON a.pfn = f.pfn AND a.op = 'alloc'"), "anon");
}

static void test_events(const char *path)
{
    char err[256] = "";
    static char *argv[] = { "/bin/x", "-v", NULL }, *envp[] = { "A=1", "B=two words", NULL };
    static const uint32_t auxv[] = { 6, 4096, 25, 0xbffff000u };
    struct trace_run_info info = { "/bin/x", "/bin/x -v", "abcd", "cpu=test", 1700000000,
                                   .size = 12345, .ram = 1 << 28, .paging = "pae",
                                   .cpu = "test", .seed = 7, .root = "/",
                                   .argc = 2, .argv = argv, .envp = envp };
    struct trace_run_totals totals = { 1000, 600, 139, "SIGSEGV", 1.25 };
    struct trace *t = trace_open(path, err, sizeof err);
    CHECK(t != NULL);
    if (!t) {
        fprintf(stderr, "trace_open: %s\n", err);
        return;
    }
    CHECK_EQ(trace_begin_run(t, &info), 0);
    CHECK_EQ(trace_begin_run(t, &info), -1);      /* one run per trace */
    CHECK(strstr(trace_error(t), "run already begun") != NULL);
    CHECK_EQ(trace_auxv(t, auxv, 2), 0);
    write_events(t);
    CHECK_EQ(trace_rows(t), 0);                    /* inserted, not committed: not counted */
    CHECK_EQ(trace_commit(t), 0);
    CHECK_EQ(trace_rows(t), 11);
    CHECK_EQ(trace_end_run(t, &totals), 0);
    CHECK_EQ(trace_stat(t, 7, "l1d.misses", 1234), 0);
    CHECK_EQ(trace_stat(t, 7, "walks", UINT64_C(1) << 40), 0);
    CHECK_EQ(trace_rows(t), 11);                   /* counters are not events: no seq */
    CHECK_EQ(trace_close(t, close_err, sizeof close_err), 0);
    CHECK_STR(close_err, "");
    sqlite3 *db = open_ro(path);
    CHECK_STR(q_text(db, "SELECT group_concat(pid || ' ' || name || ' ' || value, ';')"
                         " FROM stats"), "7 l1d.misses 1234;7 walks 1099511627776");
    CHECK_STR(q_text(db, "SELECT group_concat(typeof(value)) FROM stats"), "integer,integer");
    check_order(db);
    check_translations(db);
    check_kernel_rows(db);
    check_run_and_views(db);
    /* What a replay needs to start the run again. */
    CHECK_STR(q_text(db, "SELECT size || ' ' || ram || ' ' || paging || ' ' || cpu || ' '"
                         " || seed || ' ' || root || ' ' || (cpu_config IS NULL) FROM runs"),
              "12345 268435456 pae test 7 / 1");
    CHECK_STR(q_text(db, "SELECT group_concat(kind || idx || '=' || value, ';') FROM"
                         " (SELECT * FROM run_inputs WHERE value IS NOT NULL ORDER BY rowid)"),
              "argv0=/bin/x;argv1=-v;envp0=A=1;envp1=B=two words");
    CHECK_STR(q_text(db, "SELECT group_concat(a_type || ':' || a_val, ';') FROM"
                         " (SELECT * FROM run_inputs WHERE kind = 'auxv' ORDER BY idx)"),
              "6:4096;25:3221221376");
    sqlite3_close(db);
}

/* No clock: cycle 0.  No trace_begin_run: trace_end_run makes the run row. */
static void test_null_clock(void)
{
    char path[256], err[256] = "";
    struct event w = { .type = EV_WALK, .pid = 1,
                       .u.walk = { .vaddr = 0x1000, .levels = 1, .paddr = 0x2000 } };
    struct trace_run_totals totals = { 5, 6, 0, "exit", 0.5 };
    tmp_path(path, sizeof path, "noclock.db");
    struct trace *t = trace_open(path, err, sizeof err);
    CHECK(t != NULL);
    if (!t)
        return;
    event_stream_init(&stream, NULL);                 /* a stream without a clock */
    event_stream_add_sink(&stream, t, trace_consume);
    event_emit(&stream, &w);
    CHECK_EQ(trace_end_run(t, &totals), 0);
    CHECK_EQ(trace_close(t, close_err, sizeof close_err), 0);
    sqlite3 *db = open_ro(path);
    CHECK_EQ(q_int(db, "SELECT cycle FROM translations WHERE seq = 1"), 0);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM runs WHERE program IS NULL AND epoch IS NULL"
                       " AND instructions = 5 AND exit_reason = 'exit'"), 1);
    sqlite3_close(db);
    CHECK_EQ(trace_close(NULL, NULL, 0), 0);
    CHECK_EQ(trace_rows(NULL), 0);
}

/* Opening an existing trace moves it to .old (replacing an older .old) and
 * removes a stale -journal, -wal and -shm (the .old keeps its rows). */
static void test_reopen(const char *path)
{
    char old[300], journal[300], wal[300], shm[300], err[256] = "";
    struct trace_run_info info = { .program = "second" };
    snprintf(old, sizeof old, "%s.old", path);
    snprintf(journal, sizeof journal, "%s-journal", path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    CHECK(!exists(old));
    CHECK(!exists(wal));                          /* a closed trace has no WAL */
    write_file(journal, "stale", 5);
    write_file(wal, "stale", 5);
    write_file(shm, "stale", 5);
    struct trace *t = trace_open(path, err, sizeof err);
    CHECK(t != NULL);
    if (!t)
        fprintf(stderr, "trace_open: %s\n", err);
    CHECK(!exists(journal));
    CHECK(!exists(shm));
    if (!t)
        return;
    CHECK_EQ(trace_begin_run(t, &info), 0);
    CHECK_EQ(trace_close(t, close_err, sizeof close_err), 0);
    CHECK(!exists(wal));                          /* folded back at close */
    sqlite3 *db = open_ro(old);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM translations"), 3);   /* the first run */
    sqlite3_close(db);
    db = open_ro(path);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM translations"), 0);
    CHECK_STR(q_text(db, "SELECT program FROM runs"), "second");
    sqlite3_close(db);

    t = trace_open(path, err, sizeof err);    /* again: .old replaced */
    CHECK(t != NULL);
    CHECK_EQ(trace_close(t, close_err, sizeof close_err), 0);
    db = open_ro(old);
    CHECK_STR(q_text(db, "SELECT program FROM runs"), "second");
    sqlite3_close(db);
}

/* A failing insert (file size limit hit at the batch COMMIT) stops
 * recording; the run goes on; trace_close returns -1 with the reason. */
static void test_insert_error(void)
{
    char path[256], err[256] = "";
    struct rlimit saved, small;
    struct event w = { .type = EV_WALK, .pid = 1, .u.walk = { .vaddr = 0x1000, .levels = 2,
        .entry_addr = { 1, 2 }, .entry_val = { 3, 4 }, .paddr = 0x2000 } };
    tmp_path(path, sizeof path, "full.db");
    struct trace *t = trace_open(path, err, sizeof err);
    CHECK(t != NULL);
    if (!t)
        return;
    getrlimit(RLIMIT_FSIZE, &saved);
    small = saved;
    small.rlim_cur = 256 * 1024;
    signal(SIGXFSZ, SIG_IGN);
    CHECK_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    event_stream_init(&stream, NULL);
    event_stream_add_sink(&stream, t, trace_consume);
    for (int i = 0; i < TRACE_BATCH + 1000; i++)
        event_emit(&stream, &w);
    CHECK_EQ(trace_rows(t), 0);                     /* its COMMIT failed: none counted */
    CHECK(strncmp(trace_error(t), "cannot write trace '", 20) == 0);
    event_emit(&stream, &w);
    CHECK_EQ(trace_rows(t), 0);
    struct trace_run_totals totals = { 1, 1, 0, "exit", 0 };
    CHECK_EQ(trace_end_run(t, &totals), -1);
    CHECK_EQ(trace_close(t, close_err, sizeof close_err), -1);
    CHECK(strncmp(close_err, "cannot write trace '", 20) == 0);
    CHECK(strstr(close_err, "(the trace keeps the 0 event rows committed before it)") != NULL);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, SIG_DFL);
    sqlite3 *db = open_ro(path);                    /* still a valid database */
    CHECK_STR(q_text(db, "PRAGMA integrity_check"), "ok");
    CHECK_STR(q_text(db, "SELECT value FROM meta WHERE key = 'schema_version'"), TRACE_SCHEMA_VERSION);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM translations"), 0);  /* as counted */
    sqlite3_close(db);
}

/* Run trace_query into a file and return what it printed. */
static char *query_output(const char *db, const char *sql, int csv, int *rc,
                          char *err, size_t errlen)
{
    char out_path[256];
    tmp_path(out_path, sizeof out_path, "query.out");
    FILE *out = fopen(out_path, "w");
    CHECK(out != NULL);
    if (!out)
        return calloc(1, 1);
    *rc = trace_query(db, sql, csv, out, err, errlen);
    fclose(out);
    return read_file(out_path);
}

static void check_query(const char *db, const char *sql, int csv, const char *expect)
{
    char err[256] = "";
    int rc = -1;
    char *got = query_output(db, sql, csv, &rc, err, sizeof err);
    CHECK_EQ(rc, 0);
    CHECK_STR(got, expect);
    if (rc)
        fprintf(stderr, "trace_query: %s\n", err);
    free(got);
}

static void check_query_error(const char *db, const char *sql, const char *expect)
{
    char err[256] = "";
    int rc = 0;
    free(query_output(db, sql, 0, &rc, err, sizeof err));
    CHECK_EQ(rc, -1);
    if (*expect)                    /* "": any reason */
        CHECK_STR(err, expect);
}

static void test_query(const char *db_path)
{
    char missing[300], expect[400];
    check_query(db_path, "SELECT seq, kind, resolution, pfn FROM faults ORDER BY seq", 0,
                "seq  kind  resolution            pfn\n"
                "---  ----  -------------------  ----\n"
                "  3  anon  demand-zero          4660\n"
                "  4  bad   SIGSEGV/SEGV_MAPERR\n");
    check_query(db_path, "SELECT seq, name, prot_str, start FROM vmas ORDER BY seq", 1,
                "seq,name,prot_str,start\r\n"
                "7,\"/bin/x,\"\"y\"\"\",r-x,134512640\r\n"
                "8,,rw-,134529024\r\n");
    check_query(db_path, " SELECT 1 AS a; -- two results\n SELECT 'x' AS b, NULL AS c;", 0,
                "a\n-\n1\n\nb  c\n-  -\nx\n");
    check_query(db_path, "SELECT kind FROM faults WHERE 0", 0, "kind\n----\n");
    check_query(db_path, "SELECT 2.5 AS r, -3 AS i", 1, "r,i\r\n2.5,-3\r\n");

    tmp_path(missing, sizeof missing, "nope.db");
    snprintf(expect, sizeof expect,
             "cannot open trace '%s': No such file or directory", missing);
    check_query_error(missing, "SELECT 1", expect);
    CHECK(!exists(missing));                        /* not created */
    check_query_error(db_path, "SELECT * FROM nope", "SQL error: no such table: nope");
    check_query_error(db_path, "DELETE FROM faults",
                      "SQL error: 'DELETE FROM faults' is not a read-only statement"
                      " (query never changes or creates a file)");
    /* Statements that would create files, although the connection is
     * read-only: VACUUM INTO is not read-only, ATTACH is disabled. */
    char made[300], sql[400];
    snprintf(made, sizeof made, "%s.vacuumed", db_path);
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", made);
    check_query_error(db_path, sql, "");
    CHECK(!exists(made));
    snprintf(sql, sizeof sql, "ATTACH '%s' AS x; CREATE TABLE x.t(a)", made);
    check_query_error(db_path, sql, "");
    CHECK(!exists(made));
    sqlite3 *db = open_ro(db_path);
    CHECK_EQ(q_int(db, "SELECT count(*) FROM faults"), 2);
    sqlite3_close(db);
}

static void check_sha(const char *name, const char *data, size_t len, const char *expect)
{
    char path[256], hex[65] = "";
    tmp_path(path, sizeof path, name);
    write_file(path, data, len);
    CHECK_EQ(sha256_file(path, hex), 0);
    CHECK_STR(hex, expect);
}

static void test_sha256(void)
{
    char path[256], hex[65];
    check_sha("empty", "", 0,
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha("abc", "abc", 3,
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* 56 bytes: the length no longer fits the first block's padding. */
    check_sha("two-block", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    CHECK(million != NULL);
    if (million) {
        memset(million, 'a', 1000000);
        check_sha("million-a", million, 1000000,
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        free(million);
    }
    tmp_path(path, sizeof path, "no-such-file");
    CHECK_EQ(sha256_file(path, hex), -1);
    CHECK_EQ(sha256_file(tmpdir, hex), -1);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

int main(void)
{
    char path[256];
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    tmp_path(path, sizeof path, "run.db");
    test_events(path);
    test_query(path);
    test_reopen(path);
    test_null_clock();
    test_insert_error();
    test_sha256();
    nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return CHECK_DONE();
}

/*
 * test_trace_schema.c — the CHECK lists of trace/schema.h's enumerated
 * columns hold every name the model's *_name() functions give (a list that
 * fell behind an enum would make the trace stop at the first such row), and
 * refuse a value outside them; the schema builds on this SQLite.
 */
#include "tests/unit/check.h"
#include "common/event.h"
#include "mmu/segment.h"
#include "trace/schema.h"

#include <sqlite3.h>
#include <stdio.h>

static sqlite3 *db;

/* 1 when a row with value in table.column is accepted. */
static int accepts(const char *table, const char *column, const char *value)
{
    char *sql = sqlite3_mprintf("INSERT INTO \"%w\"(\"%w\") VALUES(%Q)", table, column, value);
    int ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_free(sql);
    return ok;
}

#define ALL_NAMES(table, column, n, name_of) do {                             \
    for (unsigned i_ = 0; i_ < (unsigned)(n); i_++)                         \
        CHECK(accepts(table, column, name_of(i_)));                         \
    CHECK(!accepts(table, column, "bogus"));                                \
} while (0)

static const char *access_of(unsigned i) { return (const char *[]){ "read", "write", "fetch" }[i]; }
static const char *kind_of(unsigned i) { return fault_kind_name((enum fault_kind)i); }
static const char *resolution_of(unsigned i) { return fault_resolution_name((enum fault_resolution)i); }
static const char *allocator_of(unsigned i) { return alloc_allocator_name((enum alloc_allocator)i); }
static const char *alloc_op_of(unsigned i) { return alloc_op_name((enum alloc_op)i); }
static const char *vma_op_of(unsigned i) { return vma_op_name((enum vma_op)i); }
static const char *flush_of(unsigned i)
{
    static const enum flush_kind k[] = { FLUSH_INVLPG, FLUSH_CR3, FLUSH_ALL, FLUSH_MODE };
    return flush_kind_name(k[i]);
}
static const char *dir_of(unsigned i) { return uaccess_dir_name((enum uaccess_dir)i); }
static const char *switch_of(unsigned i) { return switch_reason_name((enum switch_reason)i); }
/* snapshots' columns are NOT NULL: a row with every one, metric m */
static int snapshot_accepts(const char *m)
{
    char *sql = sqlite3_mprintf("INSERT INTO snapshots(snap, seq, cycle, metric, value)"
                                " VALUES(1, 1, 1, %Q, 0)", m);
    int ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_free(sql);
    return ok;
}

static const char *seg_result_of(unsigned i) { return (const char *[]){ "ok", "#GP", "#SS", "#NP" }[i]; }

int main(void)
{
    char *msg = NULL;
    if (sqlite3_open(":memory:", &db) || sqlite3_exec(db, TRACE_SCHEMA TRACE_INDEXES_SQL, NULL, NULL, &msg)) {
        printf("schema: %s\n", msg ? msg : sqlite3_errmsg(db));
        return 1;
    }
    ALL_NAMES("faults", "access", 3, access_of);
    ALL_NAMES("translations", "access", 3, access_of);
    ALL_NAMES("segments", "access", 3, access_of);
    ALL_NAMES("faults", "kind", FK_NR, kind_of);
    ALL_NAMES("faults", "resolution", FR_NR, resolution_of);
    ALL_NAMES("allocations", "allocator", ALLOCATOR_NR, allocator_of);
    ALL_NAMES("allocations", "op", ALLOC_OP_NR, alloc_op_of);
    ALL_NAMES("vmas", "op", VMA_OP_NR, vma_op_of);
    ALL_NAMES("tlb_flushes", "kind", 4, flush_of);
    ALL_NAMES("uaccess", "dir", UA_STRING + 1, dir_of);
    ALL_NAMES("context_switches", "reason", SWITCH_NR, switch_of);
    ALL_NAMES("segments", "seg", NR_SEG_REGS, seg_reg_name);
    ALL_NAMES("segments", "result", 4, seg_result_of);
    CHECK(accepts("translations", "result", "ok") && accepts("translations", "result", "fault"));
    CHECK(!accepts("translations", "result", "bogus"));
    CHECK(accepts("runs", "paging", "2level") && accepts("runs", "paging", "pae"));
    CHECK(!accepts("runs", "paging", "3level"));
    CHECK(accepts("faults", "kind", NULL));              /* NULL: not applicable */
    for (unsigned i = 0; i < SNAP_NR; i++)
        CHECK(snapshot_accepts(snapshot_metric_name((enum snapshot_metric)i)));
    CHECK(!snapshot_accepts("bogus") && !snapshot_accepts(NULL));
    sqlite3_close(db);
    return CHECK_DONE();
}

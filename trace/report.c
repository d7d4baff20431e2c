/*
 * report.c — the report's sections (one SQL query each) and its text form
 * (report.h).  The HTML form (report_html.c) renders the same sections.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* strerrorname_np */
#endif
#include "common/errmsg.h"
#include "trace/report.h"
#include "trace/report_priv.h"
#include "trace/schema.h"

#include <string.h>

/* Faults joined to the VMA that held their address when they happened: the
 * last vmas row of the process before the fault whose range covers the
 * address (a map, protect, grow or brk names the VMA; an unmap means none).
 * vmas rows are changes, not the VMA list, so this reconstructs the list
 * only as far as every change reports the range it changed — which
 * mm_report_vma does. */
#define FAULT_VMA_SQL                                                        \
    "WITH f AS (SELECT f.address, (SELECT v.seq FROM vmas v"                 \
    "  WHERE v.pid = f.pid AND v.seq < f.seq AND f.address >= v.start"       \
    "  AND f.address < v.stop ORDER BY v.seq DESC LIMIT 1) AS vseq"          \
    "  FROM faults f)"                                                       \
    " SELECT CASE WHEN v.seq IS NULL OR v.op = 'unmap' THEN '(no VMA)'"      \
    "  WHEN coalesce(v.name, '') = '' THEN '[anon]' ELSE v.name END AS vma," \
    "  count(*) AS faults, count(DISTINCT f.address >> 12) AS pages"         \
    " FROM f LEFT JOIN vmas v ON v.seq = f.vseq"                             \
    " GROUP BY vma ORDER BY faults DESC, vma"

#define STAT_OF(kind)                                                        \
    "sum(CASE WHEN name LIKE '%." kind "' THEN value END)"

const struct report_section report_sections[] = {
    { "run", "Run", NULL,
      "SELECT 'program' AS field, program AS value FROM runs"
      " UNION ALL SELECT 'arguments', args FROM runs"
      " UNION ALL SELECT 'cpu', cpu FROM runs"
      " UNION ALL SELECT 'instructions', instructions FROM runs"
      " UNION ALL SELECT 'cycles', cycles FROM runs"
      " UNION ALL SELECT 'CPI', printf('%.3f', 1.0 * cycles / instructions) FROM runs"
      "  WHERE cycles IS NOT NULL AND instructions > 0"
      " UNION ALL SELECT 'exit', CASE WHEN exit_reason IS NULL"
      "  THEN 'never ended (memsim was killed, or its trace failed)'"
      "  ELSE printf('%d (%s)', exit_status, exit_reason) END FROM runs"
      " UNION ALL SELECT 'trace level', trace_level FROM runs" },
    { "faults-by-kind", "Faults by kind", NULL,
      "SELECT kind, count(*) AS faults,"
      " printf('%.1f%%', 100.0 * count(*) / (SELECT count(*) FROM faults)) AS share"
      " FROM faults GROUP BY kind ORDER BY faults DESC, kind" },
    { "faults-by-resolution", "Faults by resolution", NULL,
      "SELECT resolution, count(*) AS faults,"
      " printf('%.1f%%', 100.0 * count(*) / (SELECT count(*) FROM faults)) AS share"
      " FROM faults GROUP BY resolution ORDER BY faults DESC, resolution" },
    { "faults-by-vma", "Faults by VMA",
      "each fault's VMA: the last vmas change before it that covers its address",
      FAULT_VMA_SQL },
    { "pages-by-faults", "Pages with most faults", "the top 20",
      "SELECT printf('0x%08x', (address >> 12) << 12) AS page, pid, count(*) AS faults,"
      " group_concat(DISTINCT kind) AS kinds FROM faults"
      " GROUP BY pid, address >> 12 ORDER BY faults DESC, pid, page LIMIT 20" },
    { "pages-by-walks", "Pages with most walks",
      "the top 20; an events file keeps only the walks a fault or system call caused",
      "SELECT printf('0x%08x', vpn << 12) AS page, pid, walks, faults AS walk_faults"
      " FROM page_walks_by_page LIMIT 20" },
    { "allocations", "Allocations by allocator, order and purpose", NULL,
      "SELECT allocator, ord AS \"order\", purpose,"
      " sum(op IN ('alloc', 'reserve')) AS allocs, sum(op = 'free') AS frees,"
      " sum(CASE WHEN op IN ('alloc', 'reserve') AND allocator NOT IN ('slab', 'vmalloc')"
      " THEN 1 << ord ELSE 0 END) AS pages"
      " FROM allocations GROUP BY allocator, ord, purpose ORDER BY allocator, ord, purpose" },
    { "held-at-exit", "Frames still held at exit",
      "allocations with no free before the trace closed (slab objects and vmalloc areas:"
      " no pages, their frames are the buddy blocks of purpose slab and vmalloc)",
      "SELECT allocator, purpose, count(*) AS blocks,"
      " sum(CASE WHEN allocator IN ('slab', 'vmalloc') THEN 0 ELSE 1 << ord END) AS pages"
      " FROM allocation_lifetimes WHERE free_seq IS NULL"
      " GROUP BY allocator, purpose ORDER BY pages DESC, allocator, purpose" },
    { "syscalls", "System calls", NULL,
      "SELECT name, nr, count AS calls, errors FROM syscall_summary" },
    { "syscall-errors", "System call errors", NULL,
      "SELECT name, errno, errno_name(errno) AS error, count(*) AS count FROM syscalls"
      " WHERE errno IS NOT NULL GROUP BY name, errno ORDER BY count DESC, name, errno" },
    { "tlb-cache", "TLB and cache statistics per level", NULL,
      "SELECT substr(name, 1, instr(name, '.') - 1) AS level,"
      " " STAT_OF("hits") " AS hits, " STAT_OF("misses") " AS misses,"
      " CASE WHEN " STAT_OF("hits") " + " STAT_OF("misses") " > 0 THEN"
      "  printf('%.2f%%', 100.0 * " STAT_OF("misses") " / (" STAT_OF("hits")
      "  + " STAT_OF("misses") ")) END AS miss_rate,"
      " " STAT_OF("evictions") " AS evictions, " STAT_OF("writebacks") " AS writebacks,"
      " " STAT_OF("flushes") " AS flushes, " STAT_OF("accesses") " AS accesses"
      " FROM stats WHERE instr(name, '.') > 0 AND " STATS_TOTAL " GROUP BY level"
      " ORDER BY instr(',itlb,dtlb,stlb,pde_cache,l1i,l1d,l2,llc,dram,', ',' || level || ','),"
      " level" },
    { "counters", "Other counters", NULL,
      "SELECT name, sum(value) AS value FROM stats WHERE instr(name, '.') = 0"
      " AND " STATS_TOTAL
      " GROUP BY name ORDER BY name" },
    { "memory", "Memory over time", "pages, from a few of the snapshots",
      "WITH s AS (SELECT snap, min(cycle) AS cycle,"
      "  sum(CASE WHEN metric = 'free-pages' THEN value END) AS free_pages,"
      "  sum(CASE WHEN metric = 'rss' THEN value END) AS rss,"
      "  sum(CASE WHEN metric = 'pgtable-pages' THEN value END) AS pgtable_pages"
      "  FROM snapshots GROUP BY snap),"
      " n AS (SELECT max(snap) AS last FROM snapshots)"
      " SELECT snap, cycle, free_pages, rss, pgtable_pages FROM s, n"
      " WHERE snap = 1 OR snap = last OR snap % max(1, last / 8) = 0 ORDER BY snap" },
};
const unsigned report_nr_sections = sizeof report_sections / sizeof report_sections[0];

static void errno_name_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *name = strerrorname_np(sqlite3_value_int(argv[0]));
    sqlite3_result_text(ctx, name ? name : "?", -1, SQLITE_STATIC);
}

/*
 * A schema-7 trace (written before schema 8's columns and views) gets
 * them as TEMP views, which the report's unqualified names find before
 * the file's own tables: runs without hz and trace_level, syscalls
 * without the generated errno and result, and none of the views.  Only
 * this connection sees them; the file is not changed.
 */
static void schema7_views(sqlite3 *db)
{
    if (report_int(db, "SELECT value FROM meta WHERE key = 'schema_version'", 8) != 7)
        return;
    static const char shims[] =
        "CREATE TEMP VIEW runs AS SELECT *, NULL AS hz, NULL AS trace_level FROM main.runs;"
        "CREATE TEMP VIEW syscalls AS SELECT *,"
        " CASE WHEN ret BETWEEN -4095 AND -1 THEN -ret END AS errno,"
        " CASE WHEN ret NOT BETWEEN -4095 AND -1 THEN ret & 4294967295 END AS result"
        " FROM main.syscalls;";
    sqlite3_exec(db, shims, NULL, NULL, NULL);
    /* schema.h's views, each made TEMP (one definition of each view) */
    sqlite3_str *views = sqlite3_str_new(db);
    const char *from = TRACE_VIEWS, *at;
    while ((at = strstr(from, "CREATE VIEW "))) {
        sqlite3_str_append(views, from, (int)(at - from));
        sqlite3_str_appendall(views, "CREATE TEMP VIEW ");
        from = at + strlen("CREATE VIEW ");
    }
    sqlite3_str_appendall(views, from);
    char *sql = sqlite3_str_finish(views);
    if (sql)
        sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
}

void report_functions(sqlite3 *db)
{
    sqlite3_create_function(db, "errno_name", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            errno_name_fn, NULL, NULL);
    schema7_views(db);
}

long long report_int(sqlite3 *db, const char *sql, long long def)
{
    sqlite3_stmt *s;
    long long v = def;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return def;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

int report_section_load(sqlite3 *db, const struct report_section *sec, struct table *t,
                        char *why, size_t whylen)
{
    sqlite3_stmt *s;
    memset(t, 0, sizeof *t);
    if (sqlite3_prepare_v2(db, sec->sql, -1, &s, NULL) != SQLITE_OK) {
        /* a table or column this trace does not have (older schema) */
        set_err(why, whylen, "not in this trace (%s)", sqlite3_errmsg(db));
        return 1;
    }
    int rc = table_begin(t, s);
    while (rc == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
        rc = table_add_row(t, s) ? -1 : 0;
    if (rc == SQLITE_DONE)
        rc = 0;
    else if (rc > 0)
        set_err(why, whylen, "SQL error: %s", sqlite3_errmsg(db));
    else if (rc < 0)
        set_err(why, whylen, "out of memory");
    sqlite3_finalize(s);
    return rc ? -1 : 0;
}

int trace_report_text(sqlite3 *db, FILE *out, char *err, size_t errlen)
{
    report_functions(db);
    for (unsigned i = 0; i < report_nr_sections; i++) {
        const struct report_section *sec = &report_sections[i];
        struct table t;
        char why[512];
        int rc = report_section_load(db, sec, &t, why, sizeof why);
        fprintf(out, "%s%s\n", i ? "\n" : "", sec->title);
        if (sec->note)
            fprintf(out, "-- %s\n", sec->note);
        if (rc < 0) {
            table_free(&t);
            set_err(err, errlen, "%s: %s", sec->title, why);
            return -1;
        }
        if (rc > 0)
            fprintf(out, "  %s\n", why);
        else if (!t.nrows)
            fprintf(out, "  (none)\n");
        else if (table_print(out, &t)) {
            table_free(&t);
            set_err(err, errlen, "out of memory");
            return -1;
        }
        table_free(&t);
    }
    if (fflush(out) || ferror(out)) {
        set_err(err, errlen, "write error");
        return -1;
    }
    return 0;
}

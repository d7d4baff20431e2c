/*
 * schema.h — private to trace/: the trace database's DDL, the connection
 * settings and the insert statements.  docs/TRACE_SCHEMA.md documents every
 * table and column; keep the two in step (and bump TRACE_SCHEMA_VERSION when
 * a column changes meaning).
 */
#ifndef MEMSIM_TRACE_SCHEMA_H
#define MEMSIM_TRACE_SCHEMA_H

#define TRACE_SCHEMA_VERSION "7"
#define TRACE_MEMSIM_VERSION "0.1"
#define TRACE_BATCH          100000   /* event rows per transaction */

/* Settings for the writer: the trace is a scratch file that is complete only
 * after trace_close(), so durability is traded for speed.  The page size must
 * be set before the first table exists.  The in-memory journal (not OFF) keeps
 * statement rollback working after an insert error. */
#define TRACE_PRAGMAS                                                        \
    "PRAGMA page_size=8192;"                                                 \
    "PRAGMA journal_mode=MEMORY;"                                            \
    "PRAGMA synchronous=OFF;"                                                \
    "PRAGMA locking_mode=EXCLUSIVE;"                                         \
    "PRAGMA cache_size=-65536;"                                              \
    "PRAGMA temp_store=MEMORY;"

/* No indexes during the run: every event table is keyed by seq (the rowid),
 * which arrives in increasing order, so inserts append.  Views are defined
 * here, evaluated only when queried. */
#define TRACE_SCHEMA                                                         \
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"                   \
    "INSERT INTO meta VALUES('schema_version', '" TRACE_SCHEMA_VERSION "');" \
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, program TEXT, args TEXT,"     \
    " sha256 TEXT, options TEXT, started TEXT, instructions INTEGER,"        \
    " cycles INTEGER, exit_status INTEGER, exit_reason TEXT,"                \
    " wall_seconds REAL, memsim_version TEXT, epoch INTEGER,"                \
    " size INTEGER, ram INTEGER, paging TEXT, cpu TEXT, seed INTEGER,"       \
    " root TEXT, cpu_config TEXT, replay_of TEXT);"                          \
    "CREATE TABLE run_inputs(run INTEGER, kind TEXT, idx INTEGER,"           \
    " value TEXT, a_type INTEGER, a_val INTEGER);"                           \
    "CREATE TABLE syscalls(seq INTEGER PRIMARY KEY, cycle INTEGER,"          \
    " pid INTEGER, nr INTEGER, name TEXT, arg0 INTEGER, arg1 INTEGER,"       \
    " arg2 INTEGER, arg3 INTEGER, arg4 INTEGER, arg5 INTEGER, ret INTEGER,"  \
    " cause INTEGER, enter_seq INTEGER);"                                    \
    "CREATE TABLE translations(seq INTEGER PRIMARY KEY, cycle INTEGER,"      \
    " pid INTEGER, vaddr INTEGER, access TEXT, user INTEGER, levels INTEGER,"\
    " l1_addr INTEGER, l1_val INTEGER, l2_addr INTEGER, l2_val INTEGER,"     \
    " l3_addr INTEGER, l3_val INTEGER, paddr INTEGER, result TEXT,"          \
    " error_code INTEGER, cause INTEGER);"                                   \
    "CREATE TABLE faults(seq INTEGER PRIMARY KEY, cycle INTEGER, pid INTEGER,"\
    " eip INTEGER, address INTEGER, error_code INTEGER, access TEXT,"        \
    " kind TEXT, resolution TEXT, pfn INTEGER, cause INTEGER,"             \
    " begin_seq INTEGER);"                                                   \
    "CREATE TABLE allocations(seq INTEGER PRIMARY KEY, cycle INTEGER,"       \
    " allocator TEXT, op TEXT, ord INTEGER, pfn INTEGER, zone TEXT,"         \
    " purpose TEXT, cause INTEGER);"                                        \
    "CREATE TABLE vmas(seq INTEGER PRIMARY KEY, cycle INTEGER, pid INTEGER," \
    " op TEXT, start INTEGER, stop INTEGER, prot INTEGER, prot_str TEXT,"    \
    " flags INTEGER, name TEXT, cause INTEGER);"                             \
    "CREATE TABLE stats(pid INTEGER, name TEXT, value REAL);"                \
    "CREATE TABLE tlb_flushes(seq INTEGER PRIMARY KEY, cycle INTEGER,"       \
    " pid INTEGER, kind TEXT, vaddr INTEGER, cr3 INTEGER, cause INTEGER);"   \
    "CREATE TABLE segments(seq INTEGER PRIMARY KEY, cycle INTEGER,"          \
    " pid INTEGER, eip INTEGER, seg TEXT, selector INTEGER, offset INTEGER," \
    " size INTEGER, linear INTEGER, base INTEGER, seg_limit INTEGER,"        \
    " access TEXT, result TEXT, error_code INTEGER, cause INTEGER);"         \
    "CREATE TABLE uaccess(seq INTEGER PRIMARY KEY, cycle INTEGER,"           \
    " pid INTEGER, dir TEXT, addr INTEGER, len INTEGER, result INTEGER,"     \
    " data BLOB, cause INTEGER);"                                            \
    "CREATE TABLE file_maps(seq INTEGER PRIMARY KEY, cycle INTEGER,"         \
    " pid INTEGER, fd INTEGER, result INTEGER, f_mode INTEGER, path TEXT,"   \
    " size INTEGER, dev INTEGER, ino INTEGER, cause INTEGER);"               \
    "CREATE TABLE exec_image(run INTEGER, exe_path TEXT, entry INTEGER,"     \
    " phdr INTEGER, phentsize INTEGER, phnum INTEGER, start_code INTEGER,"   \
    " end_code INTEGER, start_data INTEGER, end_data INTEGER,"               \
    " exec_stack INTEGER, uid INTEGER, gid INTEGER, max_map_count INTEGER);" \
    "CREATE TABLE exec_segments(run INTEGER, idx INTEGER, vaddr INTEGER,"    \
    " memsz INTEGER, offset INTEGER, filesz INTEGER, prot INTEGER);"         \
    "CREATE TABLE access_blocks(seq_first INTEGER, n INTEGER, data BLOB);"   \
    "CREATE VIEW fault_summary AS"                                           \
    " SELECT kind, resolution, COUNT(*) AS count FROM faults"                \
    " GROUP BY kind, resolution ORDER BY count DESC, kind, resolution;"      \
    "CREATE VIEW page_walks_by_page AS"                                      \
    " SELECT pid, vaddr >> 12 AS vpn, COUNT(*) AS walks,"                    \
    " SUM(result = 'fault') AS faults FROM translations"                     \
    " GROUP BY pid, vpn ORDER BY walks DESC, pid, vpn;"                      \
    "CREATE VIEW allocation_summary AS"                                      \
    " SELECT allocator, op, purpose, COUNT(*) AS count,"                     \
    " SUM(1 << ord) AS pages FROM allocations"                               \
    " GROUP BY allocator, op, purpose ORDER BY allocator, op, purpose;"      \
    "CREATE VIEW syscall_summary AS"                                         \
    " SELECT name, nr, COUNT(*) AS count,"                                   \
    " SUM(ret < 0 AND ret >= -4095) AS errors FROM syscalls"                 \
    " GROUP BY nr, name ORDER BY count DESC, nr;"

/* Run by trace_close() when every row made it: the one index, so "which
 * allocation gave the frame that resolved this fault" needs no table scan per
 * fault.  Allocations are a small share of the rows; measured ~0.4-0.8 s per
 * million allocation rows. */
#define TRACE_CLOSE_SQL                                                      \
    "CREATE INDEX allocations_pfn ON allocations(pfn);"

/* Parameter 1 is seq, 2 cycle; `cause` is the one after the table's own
 * columns (COL_CAUSE in trace.c). */
#define TRACE_INSERT_WALK                                                    \
    "INSERT INTO translations VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_FAULT   "INSERT INTO faults VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_ALLOC   "INSERT INTO allocations VALUES(?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_VMA     "INSERT INTO vmas VALUES(?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_SYSCALL                                                 \
    "INSERT INTO syscalls VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_UACCESS "INSERT INTO uaccess VALUES(?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_FILE_MAP                                                \
    "INSERT INTO file_maps VALUES(?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_EXEC                                                    \
    "INSERT INTO exec_image VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_EXEC_SEG "INSERT INTO exec_segments VALUES(?,?,?,?,?,?,?)"
#define TRACE_INSERT_STAT    "INSERT INTO stats VALUES(?,?,?)"
#define TRACE_INSERT_FLUSH   "INSERT INTO tlb_flushes VALUES(?,?,?,?,?,?,?)"
#define TRACE_INSERT_SEGMENT                                                 \
    "INSERT INTO segments VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_RUN                                                     \
    "INSERT INTO runs(program, args, sha256, options, started,"              \
    " memsim_version, epoch, size, ram, paging, cpu, seed, root, cpu_config,"\
    " replay_of) VALUES(?,?,?,?,?,'" TRACE_MEMSIM_VERSION "',?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_ACCESS  "INSERT INTO access_blocks VALUES(?,?,?)"
#define TRACE_INSERT_INPUT   "INSERT INTO run_inputs VALUES(?,?,?,?,?,?)"
#define TRACE_UPDATE_RUN                                                     \
    "UPDATE runs SET instructions=?, cycles=?, exit_status=?, exit_reason=?,"\
    " wall_seconds=? WHERE id=?"

#endif

/*
 * schema.h — private to trace/: the trace database's DDL, the connection
 * settings and the insert statements.  docs/TRACE_SCHEMA.md documents every
 * table and column; keep the two in step (and bump TRACE_SCHEMA_VERSION when
 * a column changes meaning).
 */
#ifndef MEMSIM_TRACE_SCHEMA_H
#define MEMSIM_TRACE_SCHEMA_H

#define TRACE_SCHEMA_VERSION "12"
#define TRACE_SCHEMA_OLDEST  7          /* the oldest version export and replay read */
#define TRACE_MEMSIM_VERSION "0.1"
#define TRACE_BATCH          100000   /* event rows per transaction */

/* Settings for the writer, the one place they are set (trace_open).  What a
 * kill may leave is decided here:
 *  - journal_mode=WAL: a COMMIT appends the batch's pages to PATH-wal, the
 *    database file changes only at a checkpoint, so a memsim killed at any
 *    moment (SIGKILL, a crash) leaves a valid database holding every
 *    committed batch: the next reader replays the WAL's committed frames and
 *    ignores the rest.  A rollback journal would leave a hot PATH-journal
 *    instead, which a read-only open (`memsim query`, export, report,
 *    replay) cannot roll back: it fails with SQLITE_READONLY_ROLLBACK.  A
 *    read-only open of a WAL file works as long as PATH-shm exists or can
 *    be created (the directory is writable).  MEMORY or OFF journals let a
 *    kill during a cache spill or a COMMIT corrupt the file.
 *  - locking_mode=EXCLUSIVE before the WAL: the wal-index lives in the
 *    writer's heap, no PATH-shm is made while the run lasts.
 *  - synchronous=OFF: no fsync.  A killed process loses nothing the kernel
 *    already has, so this is safe against SIGKILL; only a power loss or an
 *    OS crash may lose or tear the last batches.
 * trace_close() folds the WAL back (TRACE_CLOSE_JOURNAL): a finished trace
 * is one self-contained file with no -wal, readable on read-only media.
 * The page size must be set before the first table exists. */
#define TRACE_PRAGMAS                                                        \
    "PRAGMA page_size=8192;"                                                 \
    "PRAGMA locking_mode=EXCLUSIVE;"                                         \
    "PRAGMA journal_mode=WAL;"                                               \
    "PRAGMA synchronous=OFF;"                                                \
    "PRAGMA cache_size=-65536;"                                              \
    "PRAGMA temp_store=MEMORY;"

/* Run last by trace_close(): checkpoint the WAL into the file and delete it. */
#define TRACE_CLOSE_JOURNAL  "PRAGMA journal_mode=DELETE"

/* The values of the enumerated text columns: every name the model's *_name()
 * functions give (common/event.c, mmu/segment.h); a value outside the list
 * is a bug, and its insert fails (the trace stops with the reason).
 * unit/test_trace_schema checks the lists against those functions.  CHECK
 * rather than STRICT: STRICT constrains types, not values, and a STRICT
 * table cannot be opened by SQLite before 3.37.
 *
 * Each list is a CHECK expression on column c written as equalities joined
 * by OR (NULL passes, as with IN), not `c IN (...)`: SQLite codes a constant
 * IN list of more than two values inside a CHECK as an ephemeral b-tree
 * built afresh for every row inserted (~17 000 host instructions a row,
 * most of an insert's cost: docs/PERFORMANCE.md "The writer"); the
 * comparisons cost ~100. */
#define TRACE_EQ(c, v) c "='" v "'"
#define TRACE_OR(c, v) " OR " TRACE_EQ(c, v)
#define TRACE_ACCESSES_SQL(c) "(" TRACE_EQ(c, "read") TRACE_OR(c, "write")   \
    TRACE_OR(c, "fetch") ")"
#define TRACE_FAULT_KINDS_SQL(c) "(" TRACE_EQ(c, "bad") TRACE_OR(c, "anon")  \
    TRACE_OR(c, "file") TRACE_OR(c, "cow") TRACE_OR(c, "stack")              \
    TRACE_OR(c, "spurious") ")"
#define TRACE_RESOLUTIONS_SQL(c) "(" TRACE_EQ(c, "none")                     \
    TRACE_OR(c, "demand-zero") TRACE_OR(c, "zero-page")                      \
    TRACE_OR(c, "file-read") TRACE_OR(c, "cow-copy")                         \
    TRACE_OR(c, "cow-zero") TRACE_OR(c, "cow-reuse")                         \
    TRACE_OR(c, "SIGSEGV/SEGV_MAPERR") TRACE_OR(c, "SIGSEGV/SEGV_ACCERR")    \
    TRACE_OR(c, "SIGBUS") TRACE_OR(c, "OOM") TRACE_OR(c, "bad-pagetable")    \
    ")"
#define TRACE_ALLOCATORS_SQL(c) "(" TRACE_EQ(c, "bootmem")                   \
    TRACE_OR(c, "buddy") TRACE_OR(c, "slab") TRACE_OR(c, "vmalloc") ")"
#define TRACE_ALLOC_OPS_SQL(c) "(" TRACE_EQ(c, "alloc") TRACE_OR(c, "free")  \
    TRACE_OR(c, "reserve") ")"
#define TRACE_VMA_OPS_SQL(c) "(" TRACE_EQ(c, "map") TRACE_OR(c, "unmap")     \
    TRACE_OR(c, "protect") TRACE_OR(c, "grow") TRACE_OR(c, "brk") ")"
#define TRACE_FLUSH_KINDS_SQL(c) "(" TRACE_EQ(c, "invlpg")                   \
    TRACE_OR(c, "cr3") TRACE_OR(c, "all") TRACE_OR(c, "mode") ")"
#define TRACE_SEG_REGS_SQL(c) "(" TRACE_EQ(c, "es") TRACE_OR(c, "cs")        \
    TRACE_OR(c, "ss") TRACE_OR(c, "ds") TRACE_OR(c, "fs") TRACE_OR(c, "gs")  \
    ")"
#define TRACE_WALK_RESULTS_SQL(c) "(" TRACE_EQ(c, "ok") TRACE_OR(c, "fault") ")"
#define TRACE_SEG_RESULTS_SQL(c) "(" TRACE_EQ(c, "ok") TRACE_OR(c, "#GP")    \
    TRACE_OR(c, "#SS") TRACE_OR(c, "#NP") ")"
#define TRACE_UACCESS_DIRS_SQL(c) "(" TRACE_EQ(c, "read")                    \
    TRACE_OR(c, "write") TRACE_OR(c, "string") ")"
#define TRACE_INPUT_KINDS_SQL(c) "(" TRACE_EQ(c, "argv")                     \
    TRACE_OR(c, "envp") TRACE_OR(c, "auxv") ")"
#define TRACE_PAGING_SQL(c) "(" TRACE_EQ(c, "2level") TRACE_OR(c, "pae")     \
    ")"
#define TRACE_PAGECACHE_OPS_SQL(c) "(" TRACE_EQ(c, "add")                     \
    TRACE_OR(c, "delete") TRACE_OR(c, "reclaim") TRACE_OR(c, "dirty")        \
    TRACE_OR(c, "writeback") ")"
#define TRACE_SWITCH_REASONS_SQL(c) "(" TRACE_EQ(c, "preempted")           \
    TRACE_OR(c, "blocked") TRACE_OR(c, "exited") TRACE_OR(c, "yielded") ")"
#define TRACE_SNAPSHOT_METRICS_SQL(c) "(" TRACE_EQ(c, "free-pages")          \
    TRACE_OR(c, "rss") TRACE_OR(c, "pgtable-pages") ")"

/* allocations, with the CHECK list of its allocator column: schema 9's
 * (TRACE_ALLOCATORS_SQL) in a new trace, TRACE_ALLOCATORS_OLD_SQL in the
 * database an older events file loads into (TRACE_SCHEMA8_ALLOCATIONS). */
#define TRACE_ALLOCATIONS_TABLE(allocators)                                  \
    "CREATE TABLE allocations(seq INTEGER PRIMARY KEY, cycle INTEGER,"       \
    " allocator TEXT CHECK" allocators ","                                   \
    " op TEXT CHECK" TRACE_ALLOC_OPS_SQL("op") ", ord INTEGER,"            \
    " pfn INTEGER, zone TEXT, purpose TEXT, cause INTEGER, addr INTEGER,"    \
    " gfp TEXT);"

/* Each event table is keyed by seq (the rowid), which arrives in
 * increasing order, so inserts append; the few other indexes
 * (TRACE_INDEXES_SQL) are kept by the writer thread.  processes has an index from
 * the start: a process's exit updates its row, and processes are few.
 * Views are evaluated only when queried.  syscalls.errno and .result are
 * generated (VIRTUAL: computed when read, not stored) from ret; pragma
 * table_info leaves them out (table_xinfo lists them), so the events format
 * never holds them. */
#define TRACE_SCHEMA                                                         \
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"                   \
    "INSERT INTO meta VALUES('schema_version', '" TRACE_SCHEMA_VERSION "');" \
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, program TEXT, args TEXT,"     \
    " sha256 TEXT, options TEXT, started TEXT, instructions INTEGER,"        \
    " cycles INTEGER, exit_status INTEGER, exit_reason TEXT,"                \
    " wall_seconds REAL, memsim_version TEXT, epoch INTEGER,"                \
    " size INTEGER, ram INTEGER,"                                            \
    " paging TEXT CHECK" TRACE_PAGING_SQL("paging") ", cpu TEXT,"          \
    " seed INTEGER, root TEXT, cpu_config TEXT, replay_of TEXT, hz INTEGER," \
    " trace_level TEXT);"                                                    \
    "CREATE TABLE run_inputs(run INTEGER,"                                   \
    " kind TEXT CHECK" TRACE_INPUT_KINDS_SQL("kind") ", idx INTEGER,"      \
    " value TEXT, a_type INTEGER, a_val INTEGER);"                           \
    "CREATE TABLE processes(start_seq INTEGER PRIMARY KEY, pid INTEGER,"     \
    " tid INTEGER, ppid INTEGER, comm TEXT, start_cycle INTEGER,"            \
    " exit_seq INTEGER, exit_cycle INTEGER, exit_status INTEGER,"            \
    " exit_reason TEXT, argv TEXT, exe TEXT, peak_rss_pages INTEGER);"       \
    "CREATE INDEX processes_tid ON processes(tid);"                          \
    "CREATE TABLE syscalls(seq INTEGER PRIMARY KEY, cycle INTEGER,"          \
    " pid INTEGER, nr INTEGER, name TEXT, arg0 INTEGER, arg1 INTEGER,"       \
    " arg2 INTEGER, arg3 INTEGER, arg4 INTEGER, arg5 INTEGER, ret INTEGER,"  \
    " cause INTEGER, enter_seq INTEGER,"                                     \
    " errno INTEGER GENERATED ALWAYS AS"                                     \
    " (CASE WHEN ret BETWEEN -4095 AND -1 THEN -ret END) VIRTUAL,"           \
    " result INTEGER GENERATED ALWAYS AS"                                    \
    " (CASE WHEN ret NOT BETWEEN -4095 AND -1 THEN ret & 4294967295 END)"    \
    " VIRTUAL);"                                                             \
    "CREATE TABLE translations(seq INTEGER PRIMARY KEY, cycle INTEGER,"      \
    " pid INTEGER, vaddr INTEGER,"                                           \
    " access TEXT CHECK" TRACE_ACCESSES_SQL("access") ", user INTEGER,"    \
    " levels INTEGER,"                                                       \
    " l1_addr INTEGER, l1_val INTEGER, l2_addr INTEGER, l2_val INTEGER,"     \
    " l3_addr INTEGER, l3_val INTEGER, paddr INTEGER,"                       \
    " result TEXT CHECK" TRACE_WALK_RESULTS_SQL("result") ","               \
    " error_code INTEGER, cause INTEGER);"                                   \
    "CREATE TABLE faults(seq INTEGER PRIMARY KEY, cycle INTEGER, pid INTEGER,"\
    " eip INTEGER, address INTEGER, error_code INTEGER,"                     \
    " access TEXT CHECK" TRACE_ACCESSES_SQL("access") ","                  \
    " kind TEXT CHECK" TRACE_FAULT_KINDS_SQL("kind") ","                   \
    " resolution TEXT CHECK" TRACE_RESOLUTIONS_SQL("resolution") ","       \
    " pfn INTEGER, cause INTEGER, begin_seq INTEGER);"                       \
    TRACE_ALLOCATIONS_TABLE(TRACE_ALLOCATORS_SQL("allocator"))              \
    "CREATE TABLE vmas(seq INTEGER PRIMARY KEY, cycle INTEGER, pid INTEGER," \
    " op TEXT CHECK" TRACE_VMA_OPS_SQL("op") ", start INTEGER,"            \
    " stop INTEGER, prot INTEGER, prot_str TEXT,"                            \
    " flags INTEGER, name TEXT, cause INTEGER);"                             \
    "CREATE TABLE stats(pid INTEGER NOT NULL, name TEXT NOT NULL,"           \
    " value INTEGER NOT NULL, PRIMARY KEY(pid, name));"                      \
    "CREATE TABLE tlb_flushes(seq INTEGER PRIMARY KEY, cycle INTEGER,"       \
    " pid INTEGER, kind TEXT CHECK" TRACE_FLUSH_KINDS_SQL("kind") ","      \
    " vaddr INTEGER, cr3 INTEGER, cause INTEGER);"                           \
    "CREATE TABLE segments(seq INTEGER PRIMARY KEY, cycle INTEGER,"          \
    " pid INTEGER, eip INTEGER,"                                             \
    " seg TEXT CHECK" TRACE_SEG_REGS_SQL("seg") ", selector INTEGER,"      \
    " offset INTEGER, size INTEGER, linear INTEGER, base INTEGER,"           \
    " seg_limit INTEGER, access TEXT CHECK" TRACE_ACCESSES_SQL("access") ","\
    " result TEXT CHECK" TRACE_SEG_RESULTS_SQL("result") ","               \
    " error_code INTEGER, cause INTEGER);"                                   \
    "CREATE TABLE uaccess(seq INTEGER PRIMARY KEY, cycle INTEGER,"           \
    " pid INTEGER, dir TEXT CHECK" TRACE_UACCESS_DIRS_SQL("dir") ","       \
    " addr INTEGER, len INTEGER, result INTEGER,"                            \
    " data BLOB, cause INTEGER);"                                            \
    "CREATE TABLE file_maps(seq INTEGER PRIMARY KEY, cycle INTEGER,"         \
    " pid INTEGER, fd INTEGER, result INTEGER, f_mode INTEGER, path TEXT,"   \
    " size INTEGER, dev INTEGER, ino INTEGER, cause INTEGER);"               \
    "CREATE TABLE page_cache(seq INTEGER PRIMARY KEY, cycle INTEGER,"        \
    " op TEXT CHECK" TRACE_PAGECACHE_OPS_SQL("op") ", dev INTEGER,"        \
    " ino INTEGER, idx INTEGER, pfn INTEGER, cause INTEGER);"                \
    "CREATE TABLE context_switches(seq INTEGER PRIMARY KEY, cycle INTEGER,"  \
    " prev_pid INTEGER, prev_tid INTEGER, next_pid INTEGER, next_tid INTEGER,"\
    " reason TEXT CHECK" TRACE_SWITCH_REASONS_SQL("reason") ", wait TEXT,"  \
    " cr3_write INTEGER, cr3 INTEGER, cause INTEGER);"                       \
    "CREATE TABLE signal_frames(seq INTEGER PRIMARY KEY, cycle INTEGER,"     \
    " pid INTEGER, tid INTEGER, op TEXT CHECK(op IN ('deliver', 'return')),"  \
    " signo INTEGER, handler INTEGER, sp INTEGER, ss INTEGER, rt INTEGER,"    \
    " cause INTEGER);"                                                       \
    "CREATE TABLE timer_fires(seq INTEGER PRIMARY KEY, cycle INTEGER,"       \
    " pid INTEGER, tid INTEGER,"                                             \
    " which TEXT CHECK(which IN ('real', 'virtual', 'prof')), cause INTEGER);"\
    TRACE_SNAPSHOTS_TABLE                                                    \
    TRACE_PROC_FILES_TABLE                                                   \
    "CREATE TABLE exec_image(run INTEGER, exe_path TEXT, entry INTEGER,"     \
    " phdr INTEGER, phentsize INTEGER, phnum INTEGER, start_code INTEGER,"   \
    " end_code INTEGER, start_data INTEGER, end_data INTEGER,"               \
    " exec_stack INTEGER, uid INTEGER, gid INTEGER, max_map_count INTEGER,"  \
    " pid INTEGER, execfn TEXT, argv BLOB, envp BLOB, size INTEGER,"        \
    " dev INTEGER, ino INTEGER, dyn INTEGER, align INTEGER,"                 \
    " load_bias INTEGER, interp TEXT, interp_entry INTEGER,"                 \
    " interp_dyn INTEGER, interp_base INTEGER, interp_size INTEGER,"         \
    " interp_dev INTEGER, interp_ino INTEGER);"                              \
    "CREATE TABLE exec_segments(run INTEGER, idx INTEGER, vaddr INTEGER,"    \
    " memsz INTEGER, offset INTEGER, filesz INTEGER, prot INTEGER,"          \
    " pid INTEGER, image TEXT CHECK(" TRACE_EQ("image", "program")           \
    TRACE_OR("image", "interpreter") "));"                                   \
    "CREATE TABLE access_blocks(seq_first INTEGER, n INTEGER, data BLOB,"    \
    " window_idx INTEGER, phase TEXT CHECK(" TRACE_EQ("phase", "measured")    \
    TRACE_OR("phase", "warmup") "));"                                        \
    "CREATE TABLE access_sampling(period INTEGER, window_accesses INTEGER,"  \
    " accesses INTEGER);"                                                    \
    TRACE_VIEWS

/* Memory over time, long format: one row per value of a snapshot (kernel-
 * model/snapshot.h), so a later counter is a new metric (the CHECK list
 * grows), not a new column.  A snapshot's rows share snap, seq (the last
 * event before it: snapshots take no seq of their own) and cycle.  Not in
 * the events view, which holds what happened, not state. */
#define TRACE_SNAPSHOTS_TABLE                                                \
    "CREATE TABLE snapshots(snap INTEGER NOT NULL, seq INTEGER NOT NULL,"    \
    " cycle INTEGER NOT NULL, pid INTEGER,"                                  \
    " metric TEXT NOT NULL CHECK" TRACE_SNAPSHOT_METRICS_SQL("metric") ","\
    " scope TEXT, ord INTEGER, value INTEGER NOT NULL);"

/* /proc as it was when each process exited (`memsim proc`): one row per
 * file, pid NULL for /proc/NAME, the text as the guest would have read it
 * (a BLOB: cmdline and environ hold NULs).  State, like snapshots: the
 * rows share the seq of the event before them, and they are not in the
 * events view nor in the kernel selection of an events file. */
#define TRACE_PROC_FILES_TABLE                                               \
    "CREATE TABLE proc_files(seq INTEGER NOT NULL, cycle INTEGER,"           \
    " pid INTEGER, name TEXT NOT NULL, data BLOB, cause INTEGER);"

/* The unified timeline: every event row with its table's name (source), a
 * kind (the row's enumerated column) and a one-line summary. */
#define TRACE_EVENTS_VIEW                                                    \
    "CREATE VIEW events AS"                                                  \
    " SELECT seq, cycle, pid, 'syscalls' AS source, name AS kind,"           \
    " printf('%s(0x%x, 0x%x, 0x%x) = %d', name, arg0, arg1, arg2, ret)"      \
    " AS summary FROM syscalls"                                              \
    " UNION ALL SELECT seq, cycle, pid, 'faults', kind,"                     \
    " printf('%s 0x%08x eip 0x%08x: %s', access, address, eip, resolution)"  \
    " FROM faults"                                                           \
    " UNION ALL SELECT seq, cycle, pid, 'translations', result,"             \
    " printf('%s 0x%08x -> %s', access, vaddr, CASE WHEN paddr IS NULL"      \
    " THEN 'fault' ELSE printf('0x%x', paddr) END) FROM translations"        \
    " UNION ALL SELECT seq, cycle, NULL, 'allocations', op,"                 \
    " printf('%s order %d pfn 0x%x %s %s', allocator, ord, pfn, zone,"       \
    " purpose) || CASE WHEN addr IS NULL THEN '' ELSE"                       \
    " printf(' addr 0x%08x', addr) END"                                      \
    " || CASE WHEN gfp IS NULL THEN '' ELSE ' ' || gfp END FROM allocations" \
    " UNION ALL SELECT seq, cycle, pid, 'vmas', op,"                         \
    " printf('0x%08x-0x%08x %s %s', start, stop, prot_str,"                  \
    " coalesce(name, '')) FROM vmas"                                         \
    " UNION ALL SELECT seq, cycle, pid, 'tlb_flushes', kind,"                \
    " printf('cr3 0x%x%s', cr3, CASE WHEN vaddr IS NULL THEN '' ELSE"        \
    " printf(' vaddr 0x%08x', vaddr) END) FROM tlb_flushes"                  \
    " UNION ALL SELECT seq, cycle, pid, 'segments', result,"                 \
    " printf('%s %s:0x%x eip 0x%08x', access, seg, offset, eip)"             \
    " FROM segments"                                                         \
    " UNION ALL SELECT seq, cycle, pid, 'uaccess', dir,"                     \
    " printf('0x%08x len %d = %d', addr, len, result) FROM uaccess"          \
    " UNION ALL SELECT seq, cycle, pid, 'file_maps', 'file_map',"            \
    " printf('fd %d = %d %s', fd, result, coalesce(path, '')) FROM file_maps"\
    " UNION ALL SELECT seq, cycle, NULL, 'page_cache', op,"                  \
    " printf('dev %d ino %d index %d pfn 0x%x', dev, ino, idx, pfn)"         \
    " FROM page_cache"                                                       \
    " UNION ALL SELECT seq, cycle, prev_pid, 'context_switches', reason,"    \
    " printf('%d/%d -> %d/%d%s%s', prev_pid, prev_tid, next_pid, next_tid,"  \
    " CASE WHEN wait IS NULL THEN '' ELSE ' in ' || wait END,"               \
    " CASE WHEN cr3_write THEN printf(' cr3 0x%x', cr3) ELSE '' END)"        \
    " FROM context_switches"                                                 \
    " UNION ALL SELECT seq, cycle, pid, 'signal_frames', op,"                \
    " CASE op WHEN 'deliver' THEN printf('signal %d to %d/%d: handler"       \
    " 0x%08x, esp 0x%08x%s', signo, pid, tid, handler, sp, CASE WHEN rt THEN"\
    " ' (rt)' ELSE '' END) ELSE printf('%s from esp 0x%08x', CASE WHEN rt"   \
    " THEN 'rt_sigreturn' ELSE 'sigreturn' END, sp) END FROM signal_frames"  \
    " UNION ALL SELECT seq, cycle, pid, 'timer_fires', which,"               \
    " printf('the %s timer of %d expired', which, pid) FROM timer_fires"     \
    " ORDER BY seq;"

/* Each alloc or reserve row with the first free of the same block (a slab
 * object: the same addr) after it (NULL: still held at the end of the
 * run); allocations_pfn makes the lookup one index probe. */
#define TRACE_LIFETIME_VIEW                                                  \
    "CREATE VIEW allocation_lifetimes AS"                                    \
    " SELECT a.seq AS alloc_seq, a.cycle AS alloc_cycle, a.allocator,"       \
    " a.ord, a.pfn, a.zone, a.purpose, a.cause AS alloc_cause, a.addr,"      \
    " f.seq AS free_seq, f.cycle AS free_cycle,"                             \
    " f.cycle - a.cycle AS cycles_held FROM allocations a"                   \
    " LEFT JOIN allocations f ON f.seq = (SELECT g.seq FROM allocations g"   \
    " WHERE g.pfn = a.pfn AND g.ord = a.ord AND g.seq > a.seq"               \
    " AND g.op = 'free' AND g.allocator = a.allocator AND g.addr IS a.addr"  \
    " ORDER BY g.pfn, g.ord, g.seq LIMIT 1)"                                 \
    " WHERE a.op IN ('alloc', 'reserve');"

#define TRACE_VIEWS                                                          \
    TRACE_EVENTS_VIEW TRACE_LIFETIME_VIEW                                    \
    "CREATE VIEW fault_summary AS"                                           \
    " SELECT kind, resolution, COUNT(*) AS count FROM faults"                \
    " GROUP BY kind, resolution ORDER BY count DESC, kind, resolution;"      \
    "CREATE VIEW faults_by_page AS"                                          \
    " SELECT pid, address >> 12 AS vpn, COUNT(*) AS faults FROM faults"      \
    " GROUP BY pid, vpn ORDER BY faults DESC, pid, vpn;"                     \
    "CREATE VIEW page_walks_by_page AS"                                      \
    " SELECT pid, vaddr >> 12 AS vpn, COUNT(*) AS walks,"                    \
    " SUM(result = 'fault') AS faults FROM translations"                     \
    " GROUP BY pid, vpn ORDER BY walks DESC, pid, vpn;"                      \
    "CREATE VIEW allocation_summary AS"                                      \
    " SELECT allocator, op, purpose, COUNT(*) AS count,"                     \
    " SUM(CASE WHEN allocator IN ('slab', 'vmalloc') THEN 0 ELSE 1 << ord"   \
    " END) AS pages"                                                         \
    " FROM allocations"                                                      \
    " GROUP BY allocator, op, purpose ORDER BY allocator, op, purpose;"      \
    "CREATE VIEW syscall_summary AS"                                         \
    " SELECT name, nr, COUNT(*) AS count,"                                   \
    " COUNT(errno) AS errors FROM syscalls"                                  \
    " GROUP BY nr, name ORDER BY count DESC, nr;"

/* The indexes of the event tables.  A run's trace creates them with the
 * schema and its writer thread keeps them as rows go in (trace_open): that
 * costs the writer thread, which has room beside the guest, instead of a
 * build at close on the thread that waits for it (zero_read: ~150 ms of a
 * 0.5 s run); a killed run's trace has them too.  The events loader, on
 * one thread, builds them once after its inserts.  allocations_pfn serves "which allocation gave the frame
 * of this fault" (by pfn) and the allocation_lifetimes view (pfn, ord,
 * seq); faults_page faults per page (query `address >> 12`, the indexed
 * expression); translations_pid walks per process, in seq order (kept
 * cheaply: a process's walks append to its range; an index by page would
 * take a random insert per walk, ~3x the writer's cost on walk-heavy runs);
 * translations_caused the walks something caused (a fault, a system call)
 * in seq order, so replay reads the few walks that are outcomes without
 * stepping through every guest TLB miss (a partial index: only the caused
 * walks are in it). */
#define TRACE_INDEXES_SQL                                                      \
    "CREATE INDEX allocations_pfn ON allocations(pfn, ord, seq);"          \
    "CREATE INDEX faults_page ON faults(pid, address >> 12);"                \
    "CREATE INDEX translations_pid ON translations(pid);"                   \
    "CREATE INDEX translations_caused ON translations(seq) WHERE cause > 0;"

/* Schema 9 renamed the boot allocator `memblock` to `bootmem` (and the
 * allocation purpose `file` to `pagecache`; purpose has no CHECK).  An
 * events file of schema 7 or 8 keeps its own names, so that it loads and
 * exports back byte for byte: its database's allocations table also
 * accepts `memblock`.  Nothing renames rows: a reader of an old trace sees
 * that memsim's names (docs/TRACE_SCHEMA.md "Versions"). */
#define TRACE_ALLOCATORS_OLD_SQL(c) "(" TRACE_EQ(c, "memblock")              \
    TRACE_OR(c, "bootmem") TRACE_OR(c, "buddy") TRACE_OR(c, "slab")          \
    TRACE_OR(c, "vmalloc") ")"
#define TRACE_SCHEMA8_ALLOCATIONS                                            \
    "DROP TABLE allocations;"                                                \
    TRACE_ALLOCATIONS_TABLE(TRACE_ALLOCATORS_OLD_SQL("allocator"))

/* The one table of schema 7 whose columns schema 8 changed rather than
 * extended: stats held REAL values (cpi among them).  The events loader
 * gives a schema-7 file's database this table. */
#define TRACE_SCHEMA7_STATS                                                  \
    "DROP TABLE stats; CREATE TABLE stats(pid INTEGER, name TEXT, value REAL);"

/* The stats rows of the run's total, for a reader's WHERE: a run of one
 * process has only its rows (its pid); a run of several has each
 * process's share under its pid and the total under pid 0 (schema 10). */
#define STATS_TOTAL "pid = (SELECT min(pid) FROM stats)"

/* Parameter 1 is seq, 2 cycle; `cause` is the one after the table's own
 * columns (COL_CAUSE in trace.c). */
#define TRACE_INSERT_WALK                                                    \
    "INSERT INTO translations VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_FAULT   "INSERT INTO faults VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_ALLOC   "INSERT INTO allocations VALUES(?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_VMA     "INSERT INTO vmas VALUES(?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_SYSCALL                                                 \
    "INSERT INTO syscalls VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_UACCESS "INSERT INTO uaccess VALUES(?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_FILE_MAP                                                \
    "INSERT INTO file_maps VALUES(?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_PAGE_CACHE "INSERT INTO page_cache VALUES(?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_EXEC                                                    \
    "INSERT INTO exec_image VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_EXEC_SEG "INSERT INTO exec_segments VALUES(?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_SWITCH  "INSERT INTO context_switches VALUES(?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_SIGFRAME "INSERT INTO signal_frames VALUES(?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_TIMER   "INSERT INTO timer_fires VALUES(?,?,?,?,?,?)"
#define TRACE_INSERT_STAT    "INSERT INTO stats VALUES(?,?,?)"
#define TRACE_INSERT_SNAPSHOT "INSERT INTO snapshots VALUES(?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_PROC_FILE "INSERT INTO proc_files VALUES(?,?,?,?,?,?)"
#define TRACE_INSERT_PROCESS                                                 \
    "INSERT INTO processes(start_seq, pid, tid, ppid, comm, start_cycle)"     \
    " VALUES(?,?,?,?,?,?)"
#define TRACE_EXIT_PROCESS                                                   \
    "UPDATE processes SET exit_seq=?, exit_cycle=?, exit_status=?,"         \
    " exit_reason=?, argv=?, exe=?, peak_rss_pages=?"                        \
    " WHERE tid=? AND exit_seq IS NULL"
#define TRACE_INSERT_FLUSH   "INSERT INTO tlb_flushes VALUES(?,?,?,?,?,?,?)"
#define TRACE_INSERT_SEGMENT                                                 \
    "INSERT INTO segments VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_RUN                                                     \
    "INSERT INTO runs(program, args, sha256, options, started,"              \
    " memsim_version, epoch, size, ram, paging, cpu, seed, root, cpu_config,"\
    " replay_of, hz, trace_level)"                                           \
    " VALUES(?,?,?,?,?,'" TRACE_MEMSIM_VERSION "',?,?,?,?,?,?,?,?,?,?,?)"
#define TRACE_INSERT_ACCESS  "INSERT INTO access_blocks VALUES(?,?,?,?,?)"
#define TRACE_INSERT_INPUT   "INSERT INTO run_inputs VALUES(?,?,?,?,?,?)"
#define TRACE_UPDATE_RUN                                                     \
    "UPDATE runs SET instructions=?, cycles=?, exit_status=?, exit_reason=?,"\
    " wall_seconds=? WHERE id=?"

#endif

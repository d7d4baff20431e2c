#!/bin/bash
# ctest replay/divergence: replay names exactly the outcome that changed.
# Copies of samples/page_touch's trace with one recorded fault's pfn altered
# and with one (model-served) system call's return altered: exit 1, and the
# first line names that seq and table, followed by recorded vs replayed.
# Bad input: not a trace, a truncated trace, schema_version 5, 6 and 13: exit 2
# with exactly one line.  A schema-7 or 8 trace exports and reports, and its
# replay is refused in one line (its outcomes are an older model's).  A
# schema-9 trace (no context_switches, exec pid or processes argv/exe/peak
# RSS: schema 10 changed no outcome) and a schema-10 one (no
# signal_frames: schema 11 changed none either) replay.
#   check-divergence.sh MEMSIM BIN_DIR
set -u
MEMSIM=$1 BIN=$2
command -v python3 >/dev/null || { echo "SKIP: python3 (its sqlite3 module edits the copies)"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/replay-div.XXXXXX")
fail=0
bad() { echo "FAIL: $*"; fail=1; }
sql() { python3 -c 'import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit()
for row in r: print("|".join(map(str,row)))' "$@"; }
script() { python3 -c 'import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$@"; }

db=$TMP/orig.db
"$MEMSIM" run --db "$db" --epoch 0 "$BIN/page_touch" >/dev/null 2>&1 </dev/null
"$MEMSIM" replay "$db" >"$TMP/orig.out" 2>&1 || bad "the unaltered trace does not replay: $(head -1 "$TMP/orig.out")"

# expect_first NAME LINE: the replay of NAME.db exits 1, its first line LINE
expect_first() {
    local out=$TMP/$1.out rc
    "$MEMSIM" replay "$TMP/$1.db" >"$out" 2>&1
    rc=$?
    [ $rc -eq 1 ] || bad "$1: exit $rc, want 1"
    [ "$(head -1 "$out")" = "$2" ] || bad "$1: first line '$(head -1 "$out")', want '$2'"
}
# expect_divergence NAME TABLE SEQ RECORDED-SUBSTRING REPLAYED-SUBSTRING
expect_divergence() {
    local out=$TMP/$1.out
    expect_first "$1" "first divergence at seq $3 ($2):"
    grep -q "^  recorded: .*$4" "$out" || bad "$1: no 'recorded: ...$4' line"
    grep -q "^  replayed: .*$5" "$out" || bad "$1: no 'replayed: ...$5' line"
    echo "ok   $1: $(head -1 "$out") $(grep '^  recorded:' "$out") $(grep '^  replayed:' "$out")"
}

# One guest fault's frame, half way through the run.
cp "$db" "$TMP/pfn.db"
read -r fseq fpfn < <(sql "$TMP/pfn.db" "SELECT seq, pfn FROM faults WHERE pfn IS NOT NULL
    AND cause = 0 ORDER BY seq LIMIT 1 OFFSET 40" | tr '|' ' ')
sql "$TMP/pfn.db" "UPDATE faults SET pfn = pfn + 1000 WHERE seq = $fseq"
expect_divergence pfn faults "$fseq" "pfn=$((fpfn + 1000))" "pfn=$fpfn"

# One brk's return (brk is the model's own: replay runs it, never reads it).
cp "$db" "$TMP/ret.db"
read -r sseq sret < <(sql "$TMP/ret.db" "SELECT seq, ret FROM syscalls WHERE name = 'brk'
    ORDER BY seq LIMIT 1 OFFSET 1" | tr '|' ' ')
sql "$TMP/ret.db" "UPDATE syscalls SET ret = 12345 WHERE seq = $sseq"
expect_divergence ret syscalls "$sseq" "brk = 12345" "brk = $sret"

# A call recorded after the last task died: the replay, whose tasks are
# all dead, says so at that input instead of stopping quietly.
cp "$db" "$TMP/after.db"
read -r aseq < <(sql "$TMP/after.db" "SELECT max(seq) + 10 FROM syscalls")
sql "$TMP/after.db" "INSERT INTO syscalls(seq, cycle, pid, nr, name, arg0, arg1, arg2, arg3, arg4,
    arg5, ret, cause, enter_seq) VALUES($aseq + 1, 0, 1000, 20, 'getpid', 0, 0, 0, 0, 0, 0, 1000, 0, $aseq)"
expect_first after "first divergence at seq $aseq (syscalls): every task of the replay is dead; the recording goes on"
echo "ok   after: $(head -1 "$TMP/after.out")"

# expect_bad NAME PATTERN: exit 2, one line matching PATTERN
expect_bad() {
    local out=$TMP/$1.out rc
    "$MEMSIM" replay "$TMP/$1.db" >"$out" 2>&1
    rc=$?
    [ $rc -eq 2 ] || bad "$1: exit $rc, want 2"
    [ "$(wc -l <"$out")" -eq 1 ] || bad "$1: $(wc -l <"$out") lines, want 1: $(cat "$out")"
    grep -q "$2" "$out" || bad "$1: '$(cat "$out")' does not say '$2'"
    echo "ok   $1: $(cat "$out")"
}
echo "hello, I am not a database" >"$TMP/text.db"
expect_bad text "not a trace database"
head -c $(( $(stat -c %s "$db") / 2 )) "$db" >"$TMP/truncated.db"
expect_bad truncated "malformed"
for v in 5 6; do
    cp "$db" "$TMP/v$v.db"
    sql "$TMP/v$v.db" "UPDATE meta SET value = '$v' WHERE key = 'schema_version'"
    expect_bad "v$v" "schema_version $v is not supported"
done
# An older trace (schema 8: the boot allocator was `memblock`, no gfp
# column, page_cache or proc_files tables; schema 7 besides: no runs.hz,
# runs.trace_level, processes, generated syscalls columns; REAL stats)
# exports with its own version in the events header and its own names, and
# that events file loads back; replay refuses both in one line.
older() {   # older V: $TMP/vV.db, the trace made to look like schema V's
    cp "$db" "$TMP/v$1.db"
    sql "$TMP/v$1.db" "UPDATE meta SET value = '$1' WHERE key = 'schema_version'" >/dev/null
    # schema 8's allocations: no gfp, `memblock` in the allocator list
    # (legacy_alter_table: the views keep naming allocations; the events
    # view, which names gfp and page_cache, goes)
    script "$TMP/v$1.db" "PRAGMA legacy_alter_table=ON; DROP VIEW events;
        ALTER TABLE allocations RENAME TO a9;
        CREATE TABLE allocations(seq INTEGER PRIMARY KEY, cycle INTEGER, allocator TEXT,
            op TEXT, ord INTEGER, pfn INTEGER, zone TEXT, purpose TEXT, cause INTEGER,
            addr INTEGER);
        INSERT INTO allocations SELECT seq, cycle,
            CASE allocator WHEN 'bootmem' THEN 'memblock' ELSE allocator END,
            op, ord, pfn, zone, CASE purpose WHEN 'pagecache' THEN 'file' ELSE purpose END,
            cause, addr FROM a9;
        DROP TABLE a9; DROP TABLE page_cache; DROP TABLE proc_files;"
    if [ "$1" = 7 ]; then
        sql "$TMP/v7.db" "ALTER TABLE runs DROP COLUMN trace_level" >/dev/null
        sql "$TMP/v7.db" "ALTER TABLE runs DROP COLUMN hz" >/dev/null
        sql "$TMP/v7.db" "DROP TABLE processes" >/dev/null
    fi
}
for v in 7 8; do
    older $v
    expect_bad "v$v" "recorded by an older memsim (schema $v): its outcomes are that model's; re-record"
    "$MEMSIM" export "$TMP/v$v.db" >"$TMP/v$v.events" 2>&1 </dev/null || bad "schema $v: export failed: $(head -1 "$TMP/v$v.events")"
    head -1 "$TMP/v$v.events" | grep -q "schema_version=$v select=kernel" || bad "schema $v: export header $(head -1 "$TMP/v$v.events")"
    grep -q "allocator=memblock" "$TMP/v$v.events" || bad "schema $v: export lost the memblock rows"
    "$MEMSIM" export "$TMP/v$v.events" >"$TMP/v$v.again" 2>&1 </dev/null || bad "schema $v events file: does not load: $(head -1 "$TMP/v$v.again")"
    cmp -s "$TMP/v$v.events" "$TMP/v$v.again" || bad "schema $v events file: load and export changed it"
    "$MEMSIM" replay "$TMP/v$v.events" >"$TMP/v${v}e.out" 2>&1 </dev/null
    [ $? -eq 2 ] && grep -q "older memsim (schema $v)" "$TMP/v${v}e.out" ||
        bad "schema $v events file: replay not refused: $(cat "$TMP/v${v}e.out")"
    "$MEMSIM" report "$TMP/v$v.db" >"$TMP/v$v.report" 2>&1 </dev/null || bad "schema $v: report failed: $(head -1 "$TMP/v$v.report")"
    echo "ok   v$v: exported, loaded back, reported, replay refused"
done
# ... and reports every section: schema 8's columns and views come as TEMP
# views (trace/report.c); a real schema-7 file has none of them
for v in events allocation_lifetimes fault_summary faults_by_page page_walks_by_page \
         allocation_summary syscall_summary; do
    sql "$TMP/v7.db" "DROP VIEW IF EXISTS $v" >/dev/null
done
script "$TMP/v7.db" "ALTER TABLE syscalls DROP COLUMN errno; ALTER TABLE syscalls DROP COLUMN result"
"$MEMSIM" report "$TMP/v7.db" >"$TMP/v7.report" 2>&1 </dev/null || bad "schema 7: report failed: $(head -1 "$TMP/v7.report")"
! grep -q "not in this trace" "$TMP/v7.report" ||
    bad "schema 7: report sections missing: $(grep -B3 'not in this trace' "$TMP/v7.report" | head -4)"
grep -qE '^System calls$' "$TMP/v7.report" && grep -qE '^exit +[0-9]+ \(exit\)' "$TMP/v7.report" ||
    bad "schema 7: report lacks its run or system-call lines"
"$MEMSIM" query "$TMP/v7.db" "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'hz'" | grep -q '^ *0$' ||
    bad "schema 7: the report changed the file"
echo "ok   v7: reported"
cp "$db" "$TMP/v9.db"
script "$TMP/v9.db" "UPDATE meta SET value = '9' WHERE key = 'schema_version';
    DROP VIEW events; DROP TABLE context_switches; DROP TABLE signal_frames;
    ALTER TABLE exec_image DROP COLUMN pid; ALTER TABLE exec_segments DROP COLUMN pid;
    ALTER TABLE processes DROP COLUMN argv; ALTER TABLE processes DROP COLUMN exe;
    ALTER TABLE processes DROP COLUMN peak_rss_pages;"
"$MEMSIM" replay "$TMP/v9.db" >"$TMP/v9.out" 2>&1 </dev/null
[ $? -eq 0 ] && grep -q "all outcomes match" "$TMP/v9.out" || bad "schema 9: replay: $(cat "$TMP/v9.out")"
echo "ok   v9: replayed: $(cat "$TMP/v9.out")"
cp "$db" "$TMP/v10.db"
script "$TMP/v10.db" "UPDATE meta SET value = '10' WHERE key = 'schema_version';
    DROP VIEW events; DROP TABLE signal_frames;"
"$MEMSIM" replay "$TMP/v10.db" >"$TMP/v10.out" 2>&1 </dev/null
[ $? -eq 0 ] && grep -q "all outcomes match" "$TMP/v10.out" || bad "schema 10: replay: $(cat "$TMP/v10.out")"
echo "ok   v10: replayed: $(cat "$TMP/v10.out")"
# schema 11: no loader placement or interpreter columns (static programs
# only needed none): replays as before
cp "$db" "$TMP/v11.db"
script "$TMP/v11.db" "UPDATE meta SET value = '11' WHERE key = 'schema_version';
    ALTER TABLE exec_segments DROP COLUMN image;
    ALTER TABLE exec_image DROP COLUMN dyn; ALTER TABLE exec_image DROP COLUMN align;
    ALTER TABLE exec_image DROP COLUMN load_bias; ALTER TABLE exec_image DROP COLUMN interp;
    ALTER TABLE exec_image DROP COLUMN interp_entry; ALTER TABLE exec_image DROP COLUMN interp_dyn;
    ALTER TABLE exec_image DROP COLUMN interp_base; ALTER TABLE exec_image DROP COLUMN interp_size;
    ALTER TABLE exec_image DROP COLUMN interp_dev; ALTER TABLE exec_image DROP COLUMN interp_ino;"
"$MEMSIM" replay "$TMP/v11.db" >"$TMP/v11.out" 2>&1 </dev/null
[ $? -eq 0 ] && grep -q "all outcomes match" "$TMP/v11.out" || bad "schema 11: replay: $(cat "$TMP/v11.out")"
echo "ok   v11: replayed: $(cat "$TMP/v11.out")"
# a schema-10 run that called execve recorded no strings or file for its
# later images: refused in one line (schema 11 replays it: replay/samples)
"$MEMSIM" run --db "$TMP/exec10.db" --epoch 0 "$BIN/exec_chain" >/dev/null 2>&1 </dev/null
script "$TMP/exec10.db" "UPDATE meta SET value = '10' WHERE key = 'schema_version';
    DROP VIEW events; DROP TABLE signal_frames; ALTER TABLE exec_image DROP COLUMN argv;
    ALTER TABLE exec_image DROP COLUMN envp; ALTER TABLE exec_image DROP COLUMN execfn;
    ALTER TABLE exec_image DROP COLUMN size; ALTER TABLE exec_image DROP COLUMN dev;
    ALTER TABLE exec_image DROP COLUMN ino;"
expect_bad exec10 "the trace has 3 execs (the guest called execve) but no exec_image.argv (recorded before schema 11): replay replays a run of one exec only"
for v in 13; do
    cp "$db" "$TMP/v$v.db"
    sql "$TMP/v$v.db" "UPDATE meta SET value = '$v' WHERE key = 'schema_version'"
    expect_bad "v$v" "schema_version $v is not supported"
done
sql "$TMP/text2.db" "CREATE TABLE t(x)" >/dev/null
expect_bad text2 "not a memsim trace"
: >"$TMP/empty.db"
expect_bad empty "not a memsim trace"
"$MEMSIM" replay "$TMP/missing.db" >"$TMP/missing.out" 2>&1
[ $? -eq 2 ] && [ "$(wc -l <"$TMP/missing.out")" -eq 1 ] || bad "missing file: $(cat "$TMP/missing.out")"

# A run of several processes (samples/fork_cow: four children, COW faults
# in each): it replays; one child's COW copy given another frame diverges at
# that fault; a switch to a task that never existed, or to one the model
# holds blocked, is named at the switch's seq in one line.
fdb=$TMP/fork.db
"$MEMSIM" run --db "$fdb" --epoch 0 "$BIN/fork_cow" >/dev/null 2>&1 </dev/null
"$MEMSIM" replay "$fdb" >"$TMP/fork.out" 2>&1 || bad "fork_cow does not replay: $(head -1 "$TMP/fork.out")"
cp "$fdb" "$TMP/cow.db"
read -r cseq cpfn < <(sql "$TMP/cow.db" "SELECT seq, pfn FROM faults WHERE resolution = 'cow-copy'
    AND pid <> (SELECT min(pid) FROM processes) ORDER BY seq LIMIT 1" | tr '|' ' ')
[ -n "${cseq:-}" ] || bad "fork_cow: no child's cow-copy fault in the trace"
sql "$TMP/cow.db" "UPDATE faults SET pfn = pfn + 1000 WHERE seq = $cseq"
expect_divergence cow faults "$cseq" "pfn=$((cpfn + 1000))" "pfn=$cpfn"
# expect_switch NAME SEQ TEXT: exit 1, the first line names the switch
expect_switch() {
    expect_first "$1" "first divergence at seq $2 (context_switches): $3"
    echo "ok   $1: $(head -1 "$TMP/$1.out")"
}
cp "$fdb" "$TMP/nosuch.db"
read -r wseq wprev < <(sql "$TMP/nosuch.db" "SELECT seq, prev_tid FROM context_switches
    ORDER BY seq LIMIT 1" | tr '|' ' ')
sql "$TMP/nosuch.db" "UPDATE context_switches SET next_tid = 4242 WHERE seq = $wseq"
expect_switch nosuch "$wseq" "the recording switches from tid $wprev to tid 4242; in the replay tid 4242 does not exist"
# the parent blocks in wait4 at the first switch: a recording that says
# it runs on finds it blocked in the model
cp "$fdb" "$TMP/blocked.db"
sql "$TMP/blocked.db" "UPDATE context_switches SET next_tid = $wprev WHERE seq = $wseq"
expect_switch blocked "$wseq" "the recording switches from tid $wprev to tid $wprev; in the replay tid $wprev is blocked"

if [ $fail -ne 0 ]; then echo "kept: $TMP"; exit 1; fi
rm -rf "$TMP"
echo "all divergence and bad-input cases as documented"

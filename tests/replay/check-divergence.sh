#!/bin/bash
# ctest replay/divergence: replay names exactly the outcome that changed.
# Copies of samples/page_touch's trace with one recorded fault's pfn altered
# and with one (model-served) system call's return altered: exit 1, and the
# first line names that seq and table, followed by recorded vs replayed.
# Bad input: not a trace, a truncated trace, schema_version 5, 6 and 9: exit 2
# with exactly one line.  A schema-7 trace replays and exports.
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

db=$TMP/orig.db
"$MEMSIM" run --db "$db" --epoch 0 "$BIN/page_touch" >/dev/null 2>&1 </dev/null
"$MEMSIM" replay "$db" >"$TMP/orig.out" 2>&1 || bad "the unaltered trace does not replay: $(head -1 "$TMP/orig.out")"

# expect_divergence NAME TABLE SEQ RECORDED-SUBSTRING REPLAYED-SUBSTRING
expect_divergence() {
    local out=$TMP/$1.out rc
    "$MEMSIM" replay "$TMP/$1.db" >"$out" 2>&1
    rc=$?
    [ $rc -eq 1 ] || bad "$1: exit $rc, want 1"
    local first="first divergence at seq $3 ($2):"
    [ "$(head -1 "$out")" = "$first" ] || bad "$1: first line '$(head -1 "$out")', want '$first'"
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
# A schema-7 trace (what users have: no runs.hz, runs.trace_level, processes,
# generated syscalls columns; REAL stats) still replays and exports, with
# its own version in the events header.
cp "$db" "$TMP/v7.db"
sql "$TMP/v7.db" "UPDATE meta SET value = '7' WHERE key = 'schema_version'" >/dev/null
sql "$TMP/v7.db" "ALTER TABLE runs DROP COLUMN trace_level" >/dev/null
sql "$TMP/v7.db" "ALTER TABLE runs DROP COLUMN hz" >/dev/null
sql "$TMP/v7.db" "DROP TABLE processes" >/dev/null
"$MEMSIM" replay "$TMP/v7.db" >"$TMP/v7.out" 2>&1 </dev/null || bad "schema 7: replay failed: $(cat "$TMP/v7.out")"
"$MEMSIM" export "$TMP/v7.db" >"$TMP/v7.events" 2>&1 </dev/null || bad "schema 7: export failed: $(head -1 "$TMP/v7.events")"
head -1 "$TMP/v7.events" | grep -q "schema_version=7 select=kernel" || bad "schema 7: export header $(head -1 "$TMP/v7.events")"
"$MEMSIM" replay "$TMP/v7.events" >"$TMP/v7e.out" 2>&1 </dev/null || bad "schema 7 events file: replay failed: $(cat "$TMP/v7e.out")"
echo "ok   v7: replayed and exported"
# ... and reports every section: schema 8's columns and views come as TEMP
# views (trace/report.c); a real schema-7 file has none of them
for v in events allocation_lifetimes fault_summary faults_by_page page_walks_by_page \
         allocation_summary syscall_summary; do
    sql "$TMP/v7.db" "DROP VIEW $v" >/dev/null
done
sql "$TMP/v7.db" "ALTER TABLE syscalls DROP COLUMN errno; ALTER TABLE syscalls DROP COLUMN result" >/dev/null
"$MEMSIM" report "$TMP/v7.db" >"$TMP/v7.report" 2>&1 </dev/null || bad "schema 7: report failed: $(head -1 "$TMP/v7.report")"
! grep -q "not in this trace" "$TMP/v7.report" ||
    bad "schema 7: report sections missing: $(grep -B3 'not in this trace' "$TMP/v7.report" | head -4)"
grep -qE '^System calls$' "$TMP/v7.report" && grep -qE '^exit +[0-9]+ \(exit\)' "$TMP/v7.report" ||
    bad "schema 7: report lacks its run or system-call lines"
"$MEMSIM" query "$TMP/v7.db" "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'hz'" | grep -q '^ *0$' ||
    bad "schema 7: the report changed the file"
echo "ok   v7: reported"
for v in 9; do
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

if [ $fail -ne 0 ]; then echo "kept: $TMP"; exit 1; fi
rm -rf "$TMP"
echo "all divergence and bad-input cases as documented"

#!/bin/bash
# ctest replay/log: a trace's replay log (trace/replay_log.h) and its rows
# give replay the same recorded run.  For a few samples: the trace has a
# complete log; replay and a what-if replay (--ram 8M, whose report quotes
# recorded outcomes) print the same through the log and, in a copy whose log
# was dropped with SQL, through the rows; an edit of a copied table (a no-op
# UPDATE) drops the log and its meta key (the triggers); a log whose chunks
# were deleted is not used; the events export is the same with and without.
#   check-log.sh MEMSIM BIN_DIR
set -u
MEMSIM=$1 BIN=$2
command -v python3 >/dev/null || { echo "SKIP: python3 (its sqlite3 module edits the copies)"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/replay-log.XXXXXX")
fail=0
bad() { echo "FAIL: $*"; fail=1; }
sql() { python3 -c 'import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchall(); c.commit()
for row in r: print("|".join(map(str,row)))' "$@"; }
# same NAME DB-A DB-B: replay, a what-if replay and the export agree.
same() {
    local a b
    for opt in "" "--ram 8M"; do
        a=$("$MEMSIM" replay $opt "$2" 2>&1; echo "rc=$?")
        b=$("$MEMSIM" replay $opt "$3" 2>&1; echo "rc=$?")
        [ "$a" = "$b" ] || bad "$1: replay $opt differs: $(diff <(echo "$a") <(echo "$b") | head -5)"
    done
    "$MEMSIM" export "$2" --format events >"$TMP/a.events" 2>&1
    "$MEMSIM" export "$3" --format events >"$TMP/b.events" 2>&1
    cmp -s "$TMP/a.events" "$TMP/b.events" || bad "$1: the events exports differ"
}
for s in hello page_touch stdio_file mmap_file brk_shrink syscall_storm malloc_mmap; do
    [ -x "$BIN/$s" ] || continue
    db=$TMP/$s.db
    (cd "$TMP" && "$MEMSIM" run --db "$db" --epoch 0 "$BIN/$s" >/dev/null 2>&1 </dev/null)
    n=$(sql "$db" "SELECT value FROM meta WHERE key = 'replay_log'")
    chunks=$(sql "$db" "SELECT count(*) FROM replay_log")
    [ -n "$n" ] && [ "$chunks" -gt 0 ] || bad "$s: no complete replay log (meta '$n', $chunks chunks)"
    "$MEMSIM" replay "$db" | head -1 | grep -q 'all outcomes match$' || bad "$s: does not replay"

    cp "$db" "$TMP/rows.db"                 # the log dropped: the rows are read
    sql "$TMP/rows.db" "DELETE FROM meta WHERE key = 'replay_log'"
    same "$s log/rows" "$db" "$TMP/rows.db"

    cp "$db" "$TMP/edit.db"                 # an edit drops the log (triggers)
    sql "$TMP/edit.db" "UPDATE syscalls SET ret = ret WHERE seq = (SELECT min(seq) FROM syscalls)"
    left=$(sql "$TMP/edit.db" "SELECT (SELECT count(*) FROM replay_log) + (SELECT count(*) FROM meta WHERE key = 'replay_log')")
    [ "$left" = 0 ] || bad "$s: an UPDATE of syscalls left the log ($left)"
    same "$s log/edited" "$db" "$TMP/edit.db"

    cp "$db" "$TMP/cut.db"                  # chunks missing: not complete
    sql "$TMP/cut.db" "DELETE FROM replay_log WHERE chunk = (SELECT max(chunk) FROM replay_log)"
    same "$s log/cut" "$db" "$TMP/cut.db"
    echo "ok   $s: $n records in $chunks chunks; replay, --ram 8M and export agree with the rows"
done
if [ $fail -ne 0 ]; then echo "kept: $TMP"; exit 1; fi
rm -rf "$TMP"
echo "the replay log and the rows agree"

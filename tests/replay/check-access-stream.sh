#!/bin/bash
# ctest replay/access_stream: `--trace accesses` records the access stream.
# matrix and malloc_mmap recorded with it: the CSV export has one insn row
# per instruction the run counted (stats.instructions), one row per data
# access, markers in seq order; matrix's stream takes at most 4 bytes per
# access; the trace still replays with every outcome matching.  Bad input:
# an unknown --trace level (125), csv of a trace without the stream (2),
# csv of another table (125).
#   check-access-stream.sh MEMSIM BIN_DIR
set -u
MEMSIM=$1 BIN=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/access-stream.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
stat_of() { sqlite3 "$1" "SELECT CAST(value AS INTEGER) FROM stats WHERE name='$2'"; }

for prog in matrix malloc_mmap; do
    db=$TMP/$prog.db
    "$MEMSIM" run --trace accesses --db "$db" --epoch 0 --stats "$BIN/$prog" \
        >"$TMP/$prog.run" 2>&1 </dev/null || bad "$prog: run failed"
    # about 40 M rows: counted as they stream by, never stored
    read -r head insns data marks seqok < <("$MEMSIM" export "$db" --format csv --table accesses |
        awk -F, 'NR==1 {h = ($0 == "idx,kind,addr,size,class")}
        NR>1 && $2=="insn" {i++}
        NR>1 && ($2=="read" || $2=="write") {d++}
        NR>1 && $2=="mark" {m++; if ($3 + 0 <= last) bad=1; last=$3 + 0}
        END {print h + 0, i+0, d+0, m+0, bad ? 0 : 1}')
    [ "$head" = 1 ] || bad "$prog: csv header"
    want=$(stat_of "$db" instructions)
    [ "$insns" = "$want" ] || bad "$prog: $insns insn rows, stats.instructions $want"
    [ "$data" -gt 0 ] && [ "$marks" -gt 0 ] || bad "$prog: $data data rows, $marks markers"
    [ "$seqok" = 1 ] || bad "$prog: markers not in increasing seq order"
    "$MEMSIM" replay "$db" >"$TMP/$prog.replay" 2>&1 || bad "$prog: replay: $(head -1 "$TMP/$prog.replay")"
    echo "ok   $prog: $insns instructions, $data data accesses, $marks markers"
done
bpa=$(sqlite3 "$TMP/matrix.db" "SELECT printf('%.3f', 1.0 * SUM(LENGTH(data)) / SUM(n)) FROM access_blocks")
awk -v b="$bpa" 'BEGIN { exit !(b > 0 && b <= 4) }' || bad "matrix: $bpa bytes per access (want <= 4)"
echo "ok   matrix: $bpa bytes per access"

"$MEMSIM" run --trace bogus --db "$TMP/x.db" "$BIN/hello" >/dev/null 2>"$TMP/err"
rc=$?; [ $rc -eq 125 ] || bad "--trace bogus: exit $rc, want 125"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || bad "--trace bogus: not one line: $(cat "$TMP/err")"
"$MEMSIM" run --db "$TMP/plain.db" "$BIN/hello" >/dev/null 2>&1 </dev/null
"$MEMSIM" export "$TMP/plain.db" --format csv --table accesses >/dev/null 2>"$TMP/err"
rc=$?; [ $rc -eq 2 ] || bad "csv without a stream: exit $rc, want 2"
grep -q 'no access stream' "$TMP/err" || bad "csv without a stream: $(cat "$TMP/err")"
"$MEMSIM" export "$TMP/plain.db" --format csv --table nosuch >/dev/null 2>"$TMP/err"
rc=$?; [ $rc -eq 2 ] || bad "csv --table nosuch: exit $rc, want 2 (bad input)"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || bad "csv --table nosuch: not one line: $(cat "$TMP/err")"
exit $fail

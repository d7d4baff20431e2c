#!/bin/bash
# ctest replay/what_if: samples/malloc_mmap's trace replayed on a changed
# machine.  --ram 8M and --paging pae report how many outcomes differ and
# the first few, exit 0; --expect-same turns that into exit 1; the recorded
# machine again (--paging 2level, --ram 256M) says all outcomes the same;
# an unknown paging mode is bad input (2).  --db OUT: the replayed run is an
# ordinary trace (runs.replay_of names the input, ram the replay's machine)
# that replays itself; --db naming the input is refused (2).
#   check-what-if.sh MEMSIM BIN_DIR
set -u
MEMSIM=$1 BIN=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/replay-whatif.XXXXXX")
fail=0
bad() { echo "FAIL: $*"; fail=1; }
db=$TMP/t.db
"$MEMSIM" run --db "$db" --epoch 0 "$BIN/malloc_mmap" >/dev/null 2>&1 </dev/null

# case WANT_RC PATTERN-OF-FIRST-LINE OPTION...
case_() {
    local want=$1 pat=$2 out=$TMP/out rc
    shift 2
    "$MEMSIM" replay "$@" "$db" >"$out" 2>&1
    rc=$?
    [ $rc -eq "$want" ] || bad "$*: exit $rc, want $want"
    head -1 "$out" | grep -q "$pat" || bad "$*: first line '$(head -1 "$out")' does not match '$pat'"
    echo "ok   $* -> $rc: $(head -1 "$out")"
}
differ='^[0-9][0-9]* events replayed on the changed machine, [1-9][0-9]* outcomes differ$'
same='^[0-9][0-9]* events replayed on the changed machine, all outcomes the same$'
case_ 0 "$differ" --ram 8M
grep -q '^first divergence at seq [0-9]* (' "$TMP/out" || bad "--ram 8M: no first divergence listed"
case_ 1 "$differ" --ram 8M --expect-same
case_ 0 "$differ" --paging pae
case_ 1 "$differ" --paging pae --expect-same
case_ 0 "$same" --paging 2level --expect-same
case_ 0 "$same" --ram 256M --expect-same
case_ 2 "choose 2level or pae" --paging 3level

rm -f "$TMP/out.db"
case_ 0 "all outcomes match" --db "$TMP/out.db"
row=$(python3 -c 'import sqlite3,sys
print("|".join(map(str, sqlite3.connect(sys.argv[1]).execute(
    "SELECT replay_of, ram, paging, exit_status FROM runs").fetchone())))' "$TMP/out.db")
[ "$row" = "$db|268435456|2level|0" ] || bad "--db OUT runs row '$row'"
"$MEMSIM" replay "$TMP/out.db" >"$TMP/out2" 2>&1 || bad "the --db OUT trace does not replay: $(head -1 "$TMP/out2")"
case_ 0 "outcomes differ" --ram 8M --db "$TMP/out8.db"
row=$(python3 -c 'import sqlite3,sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT ram FROM runs").fetchone()[0])' "$TMP/out8.db")
[ "$row" = 8388608 ] || bad "--ram 8M --db OUT: runs.ram $row"
case_ 2 "is also the trace replayed" --db "$db"

if [ $fail -ne 0 ]; then echo "kept: $TMP"; exit 1; fi
rm -rf "$TMP"
echo "what-if replays report as documented"

#!/bin/bash
# ctest replay/cache_pressure: a run whose page cache is reclaimed replays
# with every outcome matching.  samples/cache_pressure under --ram 8M with
# a scratch --root holding a 16 MiB /big and a /tmp: read faults on a
# shared tmpfs mapping add clean tmpfs pages (never reclaimed), then two
# reads of /big make reclaim take /big's pages.  The trace must show
# reclaim rows, none of them of the tmpfs device (0:30 = 30), and the
# replay (whose stand-in inode of the tmpfs file knows it is tmpfs's by
# its device: inode.c iget_ident) must match.
#   check-cache-pressure.sh MEMSIM BIN_DIR
set -u
MEMSIM=$1 BIN=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/replay-pressure.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
mkdir -p "$TMP/root/tmp"
head -c 16M /dev/zero | tr '\0' 'x' >"$TMP/root/big"
db=$TMP/run.db
"$MEMSIM" run --ram 8M --root "$TMP/root" --db "$db" --epoch 0 -- "$BIN/cache_pressure" \
    >"$TMP/out" 2>&1 </dev/null || bad "the run failed: $(cat "$TMP/out")"
grep -q "^pass 1: 16777216 bytes" "$TMP/out" && grep -q "^tmpfs: 1048576 bytes" "$TMP/out" ||
    bad "the run's output: $(cat "$TMP/out")"
q() { "$MEMSIM" query "$db" "$1" | tail -n +3 | tr -d ' '; }
reclaimed=$(q "SELECT count(*) FROM page_cache WHERE op = 'reclaim'")
tmpfs_added=$(q "SELECT count(*) FROM page_cache WHERE op = 'add' AND dev = 30")
tmpfs_reclaimed=$(q "SELECT count(*) FROM page_cache WHERE op = 'reclaim' AND dev = 30")
[ "${reclaimed:-0}" -gt 1000 ] || bad "only ${reclaimed:-0} pages reclaimed: no memory pressure"
[ "${tmpfs_added:-0}" = 256 ] || bad "${tmpfs_added:-0} tmpfs pages added, want 256"
[ "${tmpfs_reclaimed:-x}" = 0 ] || bad "${tmpfs_reclaimed:-?} tmpfs pages reclaimed"
echo "ok   recorded: $reclaimed pages reclaimed, $tmpfs_added tmpfs pages kept"
"$MEMSIM" replay "$db" >"$TMP/replay" 2>&1 || bad "replay: $(head -12 "$TMP/replay")"
grep -q "all outcomes match" "$TMP/replay" && echo "ok   $(cat "$TMP/replay")"
exit $fail

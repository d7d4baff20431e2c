#!/usr/bin/env bash
# check-page-touch-trace.sh — the page faults of samples/page_touch.c, as
# recorded in memsim's trace, must be exactly the ones the sample documents.
#
#   check-page-touch-trace.sh MEMSIM PAGE_TOUCH_BIN
#
# Runs page_touch under `memsim run --db`, finds its 64-page (262144-byte)
# anonymous read-write mapping in the vmas table (op 'map'; it must be the
# only one of that size), and checks the faults table rows inside it, between
# that map and its unmap:
#   - 16 × kind 'anon'/'zero-page',  pages 0..15,  access 'read',  error code P=0 W=0 U=1
#   - 16 × kind 'cow' /'cow-zero',   pages 0..15,  access 'write', error code P=1 W=1 U=1
#   - 48 × kind 'anon'/'demand-zero',pages 16..63, access 'write', error code P=0 W=1 U=1
#   - nothing else, one fault of each kind per page, each page's zero-page
#     fault before its cow-zero fault;
#   - every fault has a pfn; the 16 zero-page faults share one pfn (the zero
#     page); the 64 write faults have 64 distinct pfns, none the zero page;
#   - every pfn was allocated before its fault: an allocations row with op
#     'alloc' (the zero page may instead be a boot-time 'reserve') and a lower
#     seq whose range [pfn, pfn + 2^ord) covers it; and for the write faults
#     the buddy allocator's last alloc/free row covering the pfn before the
#     fault is an 'alloc' (the frame was not handed out while free).
# Queries use the sqlite3 CLI when installed, else `memsim query --csv`.
# Exit status 0 when all hold, 1 otherwise (each failed check is printed).
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM PAGE_TOUCH_BIN" >&2
    exit 2
fi
memsim=$1 bin=$2

die() { echo "FAIL page_touch trace: $*"; exit 1; }
[ -x "$memsim" ] || die "memsim not found: $memsim"
[ -f "$bin" ] || die "sample binary missing: $bin (build the 'samples' target)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-page-touch.XXXXXX") || die "mktemp failed"
db=$tmp/page_touch.db

"$memsim" run --db "$db" -- "$bin" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
status=$?
if [ "$status" != 0 ]; then
    sed 's/^/  stderr: /' "$tmp/stderr" | head -n 20
    die "memsim run exited with status $status (kept $tmp)"
fi
[ -f "$db" ] || die "memsim run wrote no trace database $db"

# q SQL: print the result rows, columns separated by '|', no header.
if command -v sqlite3 > /dev/null; then
    q() { sqlite3 -batch -noheader -separator '|' "$db" "$1"; }
else
    q() { "$memsim" query "$db" "$1" --csv | tail -n +2 | tr -d '\r' | tr ',' '|'; }
fi

failures=0
# expect WHAT WANT SQL: the query's (single-value) result must equal WANT.
expect() {
    local what=$1 want=$2 sql=$3 got
    got=$(q "$sql" 2>&1)
    if [ "$got" = "$want" ]; then
        echo "  ok   $what = $want"
    else
        echo "  FAIL $what: got '$got', want '$want'"
        failures=$((failures + 1))
    fi
}

# The mapping: the only 256 KiB read-write 'map' event of the run.
nmaps=$(q "SELECT COUNT(*) FROM vmas WHERE op = 'map' AND stop - start = 262144 AND (prot & 3) = 3") \
    || die "query on vmas failed (kept $tmp)"
if [ "$nmaps" != 1 ]; then
    q "SELECT seq, pid, op, printf('%08x-%08x', start, stop), prot_str, name FROM vmas WHERE op = 'map'" | sed 's/^/  vma: /'
    die "expected one 262144-byte read-write mapping in vmas, found '$nmaps' (kept $tmp)"
fi
IFS='|' read -r map_seq pid start stop < <(q "SELECT seq, pid, start, stop FROM vmas WHERE op = 'map' AND stop - start = 262144 AND (prot & 3) = 3")
unmap_seq=$(q "SELECT MIN(seq) FROM vmas WHERE op = 'unmap' AND pid = $pid AND seq > $map_seq AND start < $stop AND stop > $start")
[ -n "$unmap_seq" ] || unmap_seq=9223372036854775807
printf '  mapping %08x-%08x (pid %s), mapped at seq %s, unmapped at seq %s\n' \
    "$start" "$stop" "$pid" "$map_seq" "$unmap_seq"

# pf: the faults in the mapping while it existed, with their page index.
pf="WITH pf AS (SELECT f.*, (f.address - $start) / 4096 AS page FROM faults f
     WHERE f.pid = $pid AND f.address >= $start AND f.address < $stop
       AND f.seq > $map_seq AND f.seq < $unmap_seq)"

echo "  faults in the mapping (kind|resolution|count):"
q "$pf SELECT kind, resolution, COUNT(*) FROM pf GROUP BY kind, resolution ORDER BY kind, resolution" | sed 's/^/    /'

expect "all faults" 80 "$pf SELECT COUNT(*) FROM pf"
expect "anon/zero-page" 16 "$pf SELECT COUNT(*) FROM pf WHERE kind = 'anon' AND resolution = 'zero-page'"
expect "cow/cow-zero" 16 "$pf SELECT COUNT(*) FROM pf WHERE kind = 'cow' AND resolution = 'cow-zero'"
expect "anon/demand-zero" 48 "$pf SELECT COUNT(*) FROM pf WHERE kind = 'anon' AND resolution = 'demand-zero'"

expect "zero-page faults on distinct pages 0..15, read, error code 4" 16 \
    "$pf SELECT COUNT(DISTINCT page) FROM pf WHERE resolution = 'zero-page'
     AND page < 16 AND access = 'read' AND (error_code & 7) = 4"
expect "cow-zero faults on distinct pages 0..15, write, error code 7" 16 \
    "$pf SELECT COUNT(DISTINCT page) FROM pf WHERE resolution = 'cow-zero'
     AND page < 16 AND access = 'write' AND (error_code & 7) = 7"
expect "demand-zero faults on distinct pages 16..63, write, error code 6" 48 \
    "$pf SELECT COUNT(DISTINCT page) FROM pf WHERE resolution = 'demand-zero'
     AND page >= 16 AND access = 'write' AND (error_code & 7) = 6"
expect "pages whose zero-page fault precedes their cow-zero fault" 16 \
    "$pf SELECT COUNT(*) FROM pf z JOIN pf c ON z.page = c.page
     WHERE z.resolution = 'zero-page' AND c.resolution = 'cow-zero' AND z.seq < c.seq"

expect "faults without a pfn" 0 "$pf SELECT COUNT(*) FROM pf WHERE pfn IS NULL"
expect "distinct zero-page pfns" 1 "$pf SELECT COUNT(DISTINCT pfn) FROM pf WHERE resolution = 'zero-page'"
expect "distinct pfns of the 64 write faults" 64 \
    "$pf SELECT COUNT(DISTINCT pfn) FROM pf WHERE access = 'write'"
expect "write faults given the zero page's frame" 0 \
    "$pf SELECT COUNT(*) FROM pf w WHERE w.access = 'write'
     AND w.pfn IN (SELECT pfn FROM pf WHERE resolution = 'zero-page')"

expect "write faults whose pfn was not allocated before them" 0 \
    "$pf SELECT COUNT(*) FROM pf f WHERE f.access = 'write' AND NOT EXISTS (
       SELECT 1 FROM allocations a WHERE a.op = 'alloc' AND a.seq < f.seq
         AND f.pfn >= a.pfn AND f.pfn < a.pfn + (1 << COALESCE(a.ord, 0)))"
expect "zero-page faults whose pfn was not allocated or reserved before them" 0 \
    "$pf SELECT COUNT(*) FROM pf f WHERE f.resolution = 'zero-page' AND NOT EXISTS (
       SELECT 1 FROM allocations a WHERE a.op IN ('alloc', 'reserve') AND a.seq < f.seq
         AND f.pfn >= a.pfn AND f.pfn < a.pfn + (1 << COALESCE(a.ord, 0)))"
expect "write faults whose frame was free (last buddy event before the fault is a free)" 0 \
    "$pf SELECT COUNT(*) FROM pf f WHERE f.access = 'write' AND (
       SELECT a.op FROM allocations a WHERE a.allocator = 'buddy'
         AND a.op IN ('alloc', 'free') AND a.seq < f.seq
         AND f.pfn >= a.pfn AND f.pfn < a.pfn + (1 << COALESCE(a.ord, 0))
       ORDER BY a.seq DESC LIMIT 1) IS NOT 'alloc'"

# munmap zaps the 64 present pages: each one is invalidated in the TLB
# (INVLPG), after the unmap event and with its own page address
expect "distinct pages invalidated by the munmap" 64 \
    "SELECT COUNT(DISTINCT vaddr) FROM tlb_flushes WHERE kind = 'invlpg' AND seq > $unmap_seq
       AND vaddr >= $start AND vaddr < $stop"
expect "TLB flushes that are not page aligned" 0 \
    "SELECT COUNT(*) FROM tlb_flushes WHERE kind = 'invlpg' AND vaddr % 4096 != 0"

if [ "$failures" = 0 ]; then
    rm -rf "$tmp"
    echo "PASS page_touch trace"
    exit 0
fi
echo "  kept: $tmp"
echo "FAIL page_touch trace: $failures check(s) failed"
exit 1

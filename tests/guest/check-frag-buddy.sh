#!/usr/bin/env bash
# check-frag-buddy.sh — samples/frag_buddy.c under memsim: Normal at
# --ram 64M and HighMem at --ram 1G (where user pages come from).  The
# sample checks itself (pagetypeinfo adds up to buddyinfo at every stage,
# order-0 blocks grow by at least the frames freed when every other frame
# goes, the order-10 fragmentation index goes from -1.000 to near 1, and
# everything merges back); this script adds the facts that hold only for
# the model's fresh machine, derived from its boot (mm_init.c):
#   - at the start the zone's free memory is nearly all order-10 blocks
#     (64M: 12 Normal pageblocks, the boot's allocations took part of one:
#     at least 10 whole; 1G: 32 HighMem pageblocks, none used at boot:
#     at least 31 whole after exec's user pages);
#   - after freeing every other frame, no free block of order >= 9 is
#     left (the zone held 512 free pages, less than two order-9 blocks
#     scattered by the allocation), so the order-10 index is >= 0.900;
#   - the order-10 count at the end is back to the start's.
# Not in samples.list: natively the output is the host's buddyinfo.
#
#   check-frag-buddy.sh MEMSIM FRAG_BUDDY_BIN
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM FRAG_BUDDY_BIN" >&2; exit 2; }
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-frag.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0

# order-10 count of the buddyinfo line after stage $2 in file $1
order10() { awk -v s="$2" '$0 == s { f = 1; next } f && /buddyinfo/ { print $NF; exit }' "$1"; }

for run in "64M Normal 10" "1G HighMem 31"; do
    set -- $run
    ram=$1 zone=$2 min10=$3
    "$memsim" run --no-trace --ram "$ram" -- "$bin" "$zone" > "$tmp/out" 2>&1 < /dev/null
    status=$?
    if [ "$status" -ne 0 ] || ! grep -q '^frag_buddy: ok$' "$tmp/out"; then
        echo "FAIL frag_buddy $ram $zone: status $status"; cat "$tmp/out"; bad=1; continue
    fi
    s10=$(order10 "$tmp/out" start) h10=$(order10 "$tmp/out" "every other page free")
    e10=$(order10 "$tmp/out" "all freed")
    [ "$s10" -ge "$min10" ] || { echo "FAIL frag_buddy $ram: $s10 order-10 blocks at the start"; bad=1; }
    [ "$h10" -eq 0 ] || { echo "FAIL frag_buddy $ram: $h10 order-10 blocks with every other frame free"; bad=1; }
    [ "$e10" -eq "$s10" ] || { echo "FAIL frag_buddy $ram: $e10 order-10 blocks at the end, $s10 at the start"; bad=1; }
    idx=$(awk '$0 == "every other page free" { f = 1; next } f && /extfrag/ { print $NF; exit }' "$tmp/out")
    awk -v i="$idx" 'BEGIN { exit !(i >= 0.9) }' || { echo "FAIL frag_buddy $ram: order-10 index $idx"; bad=1; }
done
[ "$bad" -eq 0 ] && echo "PASS frag_buddy (64M Normal, 1G HighMem)"
exit "$bad"

#!/usr/bin/env bash
# check-diff.sh MEMSIM SAMPLES_BIN GOLDEN_DIR — `memsim diff A B`.
#
#   self     a trace against itself: exit 0, every ratio 1.00 (or "-" where
#            A's total is 0), "the same N kernel outcomes"
#   what-if  a run at --ram 256M against its replay at --ram 8M --db OUT:
#            exit 1, and the first divergence it names is the seq and table
#            the replay itself reported first
#   cpu      runs with --cpu skylake and --cpu core2: the kernel's events
#            are the same (exit 0, checked against the outcome tables
#            themselves), the totals are not (cycles, L2 misses), and
#            instructions are equal
#   bad      a missing file, a text file, a wrong argument count: exit 2,
#            one line
set -u
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-diff.XXXXXX") || exit 1
nfail=0
fail() { echo "FAIL export/diff: $*"; nfail=$((nfail + 1)); }

"$memsim" run --epoch 1700000000 --db "$tmp/a.db" -- "$bin/malloc_mmap" > /dev/null 2>&1 || fail "run a.db"

# ---- self
"$memsim" diff "$tmp/a.db" "$tmp/a.db" > "$tmp/self.out" 2> "$tmp/self.err"
st=$?
[ "$st" = 0 ] || fail "self: exit $st ($(cat "$tmp/self.err"))"
grep -q "^events: the same [0-9]* kernel outcomes in both" "$tmp/self.out" || fail "self: no 'the same' line"
rows=$(awk '/^total /{on=1; next} on && NF == 0 {exit} on' "$tmp/self.out")
[ "$(printf '%s\n' "$rows" | grep -c '')" -ge 8 ] || fail "self: fewer than 8 total rows"
bad=$(printf '%s\n' "$rows" | awk '$NF != "1.00" && $NF != "-"')
[ -z "$bad" ] || fail "self: ratios other than 1.00: $bad"
for name in instructions cycles cpi "page faults" walks "frames allocated" l1d.misses dtlb.misses; do
    printf '%s\n' "$rows" | grep -q "^$name " || fail "self: no total '$name'"
done

# ---- what-if: the same inputs on 8M of RAM
"$memsim" replay --ram 8M --db "$tmp/b.db" "$tmp/a.db" > "$tmp/replay.out" 2>&1
first=$(grep -m1 -o 'divergence at seq [0-9]* ([a-z_]*)' "$tmp/replay.out")
[ -n "$first" ] || fail "what-if: the replay at --ram 8M reported no difference: $(head -3 "$tmp/replay.out")"
"$memsim" diff "$tmp/a.db" "$tmp/b.db" > "$tmp/whatif.out" 2> "$tmp/whatif.err"
st=$?
[ "$st" = 1 ] || fail "what-if: exit $st, expected 1 ($(cat "$tmp/whatif.err"))"
seq=${first#divergence at seq }
seq=${seq%% *}
table=${first##* }
grep -q "^events: the first divergence is outcome [0-9]* of .* at A seq $seq $table" "$tmp/whatif.out" ||
    fail "what-if: diff does not name the replay's first divergence (seq $seq $table): $(grep '^events' "$tmp/whatif.out")"
grep -q "^  A: seq $seq " "$tmp/whatif.out" && grep -q "^  B: " "$tmp/whatif.out" ||
    fail "what-if: no A/B lines"
grep -q "^    seq " "$tmp/whatif.out" || fail "what-if: no events before the divergence"

# ---- another CPU: the timing changes, the kernel's events do not
"$memsim" run --epoch 1700000000 --cpu core2 --db "$tmp/c.db" -- "$bin/malloc_mmap" > /dev/null 2>&1 || fail "run c.db"
"$memsim" diff "$tmp/a.db" "$tmp/c.db" > "$tmp/cpu.out" 2> "$tmp/cpu.err"
st=$?
[ "$st" = 0 ] || fail "cpu: exit $st, expected 0: $(grep -A3 '^events' "$tmp/cpu.out")"
grep -q "^events: the same [0-9]* kernel outcomes in both" "$tmp/cpu.out" || fail "cpu: no 'the same' line"
awk '$1 == "instructions" && $2 != $3 {exit 1}' "$tmp/cpu.out" || fail "cpu: instructions differ"
for name in cycles l2.misses; do
    awk -v n=$name '$1 == n && $2 == $3 {exit 1}' "$tmp/cpu.out" || fail "cpu: $name the same on both CPUs"
done
# the oracle for "the same": every outcome table's rows without the seq
# numbers (walks of the guest's TLB misses shift them), cycles and the
# bytes calls wrote (clock values follow the cycles)
if command -v sqlite3 > /dev/null; then
    rows() {
        sqlite3 "$1" "SELECT access, kind, resolution, address, error_code, eip, pfn FROM faults ORDER BY seq;
                      SELECT allocator, op, ord, pfn, zone, purpose FROM allocations ORDER BY seq;
                      SELECT op, start, stop, prot, flags, name FROM vmas ORDER BY seq;
                      SELECT name, ret FROM syscalls ORDER BY seq;
                      SELECT dir, addr, len, result FROM uaccess ORDER BY seq;
                      SELECT kind, vaddr, cr3 FROM tlb_flushes ORDER BY seq;"
    }
    cmp -s <(rows "$tmp/a.db") <(rows "$tmp/c.db") || fail "cpu: diff says the same, the tables differ"
fi

# ---- bad input
echo "not a trace" > "$tmp/text.db"
for args in "$tmp/missing.db $tmp/a.db" "$tmp/a.db $tmp/text.db" "$tmp/a.db"; do
    "$memsim" diff $args > "$tmp/out" 2> "$tmp/err"
    st=$?
    if [ "$st" != 2 ] || [ "$(grep -c '' "$tmp/err")" != 1 ] || [ -s "$tmp/out" ]; then
        fail "diff $args: exit $st, $(grep -c '' "$tmp/err") lines on stderr, expected 2 and one"
    fi
done

if [ "$nfail" = 0 ]; then
    rm -rf "$tmp"
    echo "PASS export/diff"
    exit 0
fi
echo "kept: $tmp"
exit 1

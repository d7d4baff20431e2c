#!/usr/bin/env bash
# check-tlb-reach.sh — the reach of the modelled data TLBs, measured by
# samples/tlb_reach.c, must match the CPU preset's TLB geometry.
#
#   check-tlb-reach.sh MEMSIM TLB_REACH_BIN [PRESET]
#
# PRESET defaults to skylake.  Reads dtlb.entries and stlb.entries from
# `memsim cpu PRESET` (stlb.entries 0: no STLB, its checks are skipped), then
# for N = 16, 32, 64, ... 8192 pages (up to 4x the larger TLB) runs
# `memsim run --cpu PRESET --no-trace --env-clear --stats -- tlb_reach N R`
# with R = max(400, 2^18 / N) rounds, and takes dtlb/stlb hits and misses
# from the --stats counters on stderr.  Per access is per timed load (N * R):
# the counters also hold the untimed round (one DTLB and two STLB misses per
# page: the miss before the page fault and the one on its retry) and the
# start-up of libc, which with R >= 400 are under 1% of the loads.
# Checks, with E the entries of a level:
#   - DTLB misses per access < 2% while N <= E/2, > 90% once N >= 2E;
#   - STLB misses per access likewise against the STLB's E;
#   - cycles per access (the sample's rdtsc figure) rise by at least one
#     cycle from the largest N <= E/2 to the smallest N >= 2E, for each level:
#     a translation that misses a TLB level must cost more than one that hits.
# Prints the table (with the average cycles of a page walk and of an STLB
# hit: walk_cycles / walks, stlb_cycles / stlb.hits); exit status 0 when all
# hold, 1 otherwise (with the table and each failing line), 2 on usage errors.
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 MEMSIM TLB_REACH_BIN [PRESET]" >&2
    exit 2
fi
memsim=$1 bin=$2 preset=${3:-skylake}

die() { echo "FAIL tlb_reach: $*"; exit 1; }
[ -x "$memsim" ] || die "memsim not found: $memsim"
[ -f "$bin" ] || die "sample binary missing: $bin (build the 'samples' target)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-tlb-reach.XXXXXX") || die "mktemp failed"
"$memsim" cpu "$preset" > "$tmp/cpu" 2>&1 || { cat "$tmp/cpu"; die "memsim cpu $preset failed"; }
key() { awk -v k="$1" 'split($0, kv, / *= */) == 2 && kv[1] == k { print kv[2] + 0 }' "$tmp/cpu"; }
dtlb=$(key dtlb.entries) stlb=$(key stlb.entries)
if [ -z "$dtlb" ] || [ "$dtlb" -le 0 ]; then die "preset $preset has no dtlb.entries"; fi
[ -n "$stlb" ] || stlb=0
biggest=$(( stlb > dtlb ? stlb : dtlb ))

start=$(date +%s.%N)
: > "$tmp/results"
n=16
while [ "$n" -le 8192 ] || [ "$n" -le $(( 4 * biggest )) ]; do
    rounds=$(( (1 << 18) / n ))
    [ "$rounds" -ge 400 ] || rounds=400
    "$memsim" run --cpu "$preset" --no-trace --env-clear --stats -- "$bin" "$n" "$rounds" \
        > "$tmp/out.$n" 2> "$tmp/err.$n" < /dev/null
    status=$?
    if [ "$status" != 0 ]; then
        sed 's/^/  stderr: /' "$tmp/err.$n" | head -n 20
        die "memsim run tlb_reach $n $rounds exited with status $status (kept $tmp)"
    fi
    # N ROUNDS CYCLES_PER_ACCESS DTLB_HITS DTLB_MISSES STLB_HITS STLB_MISSES
    #   CYCLES_PER_WALK CYCLES_PER_STLB_HIT
    awk -v n="$n" -v r="$rounds" '
        $1 == "pages" && $2 == n { c = $4 }
        $2 == "dtlb.hits" { dh = $1 } $2 == "dtlb.misses" { dm = $1 }
        $2 == "stlb.hits" { sh = $1 } $2 == "stlb.misses" { sm = $1 }
        $2 == "walks" { w = $1 } $2 == "walk_cycles" { wc = $1 } $2 == "stlb_cycles" { sc = $1 }
        END { if (c == "" || dm == "") { print "parse error" > "/dev/stderr"; exit 1 }
              print n, r, c, dh + 0, dm + 0, sh + 0, sm + 0, w ? wc / w : 0, sh ? sc / sh : 0 }' \
        "$tmp/out.$n" "$tmp/err.$n" >> "$tmp/results" || die "cannot parse the output of tlb_reach $n (kept $tmp)"
    n=$(( n * 2 ))
done
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

echo "TLB reach, --cpu $preset (dtlb.entries $dtlb, stlb.entries $stlb; ${secs} s):"
awk -v preset="$preset" -v dtlb="$dtlb" -v stlb="$stlb" '
    function fail(msg) { failures = failures "  FAIL " preset ": " msg "\n" }
    # The per-access miss rate of one level must be ~0 below E/2, ~1 above 2E.
    function knee(name, e, col,    k, rate, lo, hi) {
        lo = -1; hi = -1
        for (k = 0; k < m; k++) {
            rate = v[k, col] / acc[k]
            if (N[k] <= e / 2) {
                lo = k
                if (rate >= 0.02)
                    fail(sprintf("%s misses per access %.4f at N = %d <= %s.entries/2 = %d (want < 0.02)",
                                 name, rate, N[k], name, e / 2))
            } else if (N[k] >= 2 * e) {
                if (hi < 0) hi = k
                if (rate <= 0.90)
                    fail(sprintf("%s misses per access %.4f at N = %d >= 2 * %s.entries = %d (want > 0.90)",
                                 name, rate, N[k], name, 2 * e))
            }
        }
        if (lo < 0 || hi < 0) {
            fail(sprintf("no N <= %d or no N >= %d around the %s knee", e / 2, 2 * e, name))
            return
        }
        printf "  %s knee: %.2f cycles/access at N = %d, %.2f at N = %d\n", name, c[lo], N[lo], c[hi], N[hi]
        if (c[hi] < c[lo] + 1)
            fail(sprintf("cycles per access do not rise across the %s knee: %.2f at N = %d (hits), %.2f at N = %d (misses); there a walk costs %.2f cycles, an STLB hit %.2f",
                         name, c[lo], N[lo], c[hi], N[hi], v[hi, 8], v[lo, 9]))
    }
    BEGIN { m = 0 }
    { N[m] = $1; acc[m] = $1 * $2; c[m] = $3; v[m, 4] = $4; v[m, 5] = $5; v[m, 6] = $6; v[m, 7] = $7
      v[m, 8] = $8; v[m, 9] = $9; m++ }
    END {
        printf "  %6s %6s %8s %10s %9s %10s %9s %9s %9s %8s %8s\n", "N", "rounds", "cyc/acc", "dtlb.hits",
               "dtlb.miss", "stlb.hits", "stlb.miss", "dtlb m/a", "stlb m/a", "cyc/walk", "cyc/stlb"
        for (k = 0; k < m; k++)
            printf "  %6d %6d %8.2f %10d %9d %10d %9d %9.4f %9.4f %8.2f %8.2f\n", N[k], acc[k] / N[k], c[k],
                   v[k, 4], v[k, 5], v[k, 6], v[k, 7], v[k, 5] / acc[k], v[k, 7] / acc[k], v[k, 8], v[k, 9]
        knee("dtlb", dtlb, 5)
        if (stlb > 0) knee("stlb", stlb, 7)
        if (failures != "") { printf "%s", failures; exit 1 }
    }' "$tmp/results"
status=$?
if [ "$status" != 0 ]; then
    echo "FAIL tlb_reach (kept $tmp)"
    exit 1
fi
rm -rf "$tmp"
echo "PASS tlb_reach: $preset"
exit 0

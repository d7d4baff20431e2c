#!/usr/bin/env bash
# check-staircase.sh — the cache "staircase" of samples/pointer_chase.c
# under memsim must match the CPU preset's cache geometry and latencies.
#
#   check-staircase.sh MEMSIM POINTER_CHASE_BIN [PRESET...]
#
# PRESETs default to "skylake core2" (core2 has no LLC, so its list of levels
# differs).  For each, the script reads the preset with `memsim cpu NAME`
# (l1d/l2/llc .size and .latency, dram.latency; a level of size 0 is
# absent), runs `memsim run --cpu NAME --no-trace --env-clear -- pointer_chase`
# (the environment's size moves the stack and so the frames the chains get;
# cleared, the numbers do not depend on the caller's environment) (working
# sets 4 KiB .. 64 MiB, or up to 4x the largest cache if that is more) and
# checks:
#   - the per-access overhead o = c(4 KiB) - l1d.latency (the load
#     instruction's own cost plus the loop's share) satisfies 0 < o < 4;
#   - every working set that clearly sits in a level — larger than the level
#     before it (0 for the L1D), at most half this level's size (no upper
#     bound for DRAM) — measures within 10% of that level's latency + o, and
#     every level has at least one such set;
#   - cycles per access never fall from one size to the next (a dip of up to
#     1% is tolerated), and from the largest set of one level to the smallest
#     set of the next they rise by at least half the latency difference.
# Prints the table of each preset; exit status 0 when all hold, 1 otherwise
# (with the table and each failing line), 2 on usage errors.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 MEMSIM POINTER_CHASE_BIN [PRESET...]" >&2
    exit 2
fi
memsim=$1 bin=$2
shift 2
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(skylake core2)

die() { echo "FAIL staircase: $*"; exit 1; }
[ -x "$memsim" ] || die "memsim not found: $memsim"
[ -f "$bin" ] || die "sample binary missing: $bin (build the 'samples' target)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-staircase.XXXXXX") || die "mktemp failed"
failed=0

for preset in "${presets[@]}"; do
    if ! "$memsim" cpu "$preset" > "$tmp/$preset.cpu" 2> "$tmp/$preset.cpu.err"; then
        cat "$tmp/$preset.cpu.err"
        die "memsim cpu $preset failed (kept $tmp)"
    fi
    # The largest cache decides how far the sizes must go to reach DRAM.
    max=$(awk -F' *= *' '
        function bytes(v) { if (v ~ /[Kk]$/) return v * 1024; if (v ~ /[Mm]$/) return v * 1048576
                            if (v ~ /[Gg]$/) return v * 1073741824; return v + 0 }
        $1 ~ /^(l1d|l2|llc)\.size$/ { s = bytes($2); if (s > m) m = s }
        END { x = 67108864; while (x < 4 * m) x *= 2; printf "%d\n", x }' "$tmp/$preset.cpu")
    start=$(date +%s.%N)
    "$memsim" run --cpu "$preset" --no-trace --env-clear -- "$bin" 4096 "$max" \
        > "$tmp/$preset.out" 2> "$tmp/$preset.err" < /dev/null
    status=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    if [ "$status" != 0 ]; then
        sed 's/^/  stderr: /' "$tmp/$preset.err" | head -n 20
        die "memsim run --cpu $preset pointer_chase exited with status $status (kept $tmp)"
    fi

    echo "staircase, --cpu $preset (pointer_chase 4096 $max, ${secs} s):"
    awk -v preset="$preset" '
        function bytes(v) { if (v ~ /[Kk]$/) return v * 1024; if (v ~ /[Mm]$/) return v * 1048576
                            if (v ~ /[Gg]$/) return v * 1073741824; return v + 0 }
        function human(b) { return b >= 1048576 ? b / 1048576 " MiB" : b / 1024 " KiB" }
        function fail(msg) { failures = failures "  FAIL " preset ": " msg "\n" }
        BEGIN { n = 0; nl = 0 }
        FNR == NR {                                 # the preset: key = value
            if ($0 !~ /^#/ && split($0, kv, / *= */) == 2) cfg[kv[1]] = kv[2]
            next
        }
        NF == 2 && $1 ~ /^[0-9]+$/ { ws[n] = $1 + 0; c[n] = $2 + 0; n++; next }
        { fail("unexpected output line: " $0) }
        END {
            # The levels present, in order; DRAM last with no size bound.
            split("l1d l2 llc", names, " ")
            for (i = 1; i <= 3; i++) {
                s = bytes(cfg[names[i] ".size"])
                if (s > 0) { lname[nl] = toupper(names[i]); lsize[nl] = s
                             llat[nl] = cfg[names[i] ".latency"] + 0; nl++ }
            }
            lname[nl] = "DRAM"; lsize[nl] = -1; llat[nl] = cfg["dram.latency"] + 0; nl++
            if (lname[0] != "L1D") fail("the preset has no L1D")
            if (n == 0 || ws[0] != 4096) { fail("no 4096-byte set in the output"); o = 0 }
            else o = c[0] - llat[0]
            if (!(o > 0 && o < 4))
                fail(sprintf("overhead c(4 KiB) - l1d.latency = %.2f - %d = %.2f, not in (0, 4)",
                             c[0], llat[0], o))

            printf "  %-10s %10s  %-6s %9s %7s\n", "ws", "cyc/acc", "level", "expected", "dev"
            for (k = 0; k < n; k++) {
                lev[k] = -1
                for (j = 0; j < nl; j++) {
                    below = j ? lsize[j - 1] : 0
                    if (ws[k] > below && (lsize[j] < 0 || ws[k] <= lsize[j] / 2)) { lev[k] = j; break }
                }
                if (lev[k] >= 0) {
                    want = llat[lev[k]] + o
                    dev = (c[k] - want) / want
                    mark = (dev > 0.10 || dev < -0.10) ? "  <-- FAIL" : ""
                    printf "  %-10s %10.2f  %-6s %9.2f %+6.1f%%%s\n", human(ws[k]), c[k],
                           lname[lev[k]], want, 100 * dev, mark
                    if (mark != "")
                        fail(sprintf("%s measures %.2f cycles/access, not within 10%% of %s latency %d + overhead %.2f = %.2f",
                                     human(ws[k]), c[k], lname[lev[k]], llat[lev[k]], o, want))
                    seen[lev[k]]++
                    if (!(lev[k] in first)) first[lev[k]] = k
                    last[lev[k]] = k
                } else {
                    printf "  %-10s %10.2f  %-6s %9s %7s\n", human(ws[k]), c[k], "(edge)", "-", "-"
                }
                if (k && c[k] < c[k - 1] * 0.99)
                    fail(sprintf("cycles per access fall from %.2f at %s to %.2f at %s",
                                 c[k - 1], human(ws[k - 1]), c[k], human(ws[k])))
            }
            for (j = 0; j < nl; j++) {
                if (!seen[j]) { fail("no working set measured clearly inside " lname[j]); continue }
                if (j && seen[j - 1]) {
                    step = c[first[j]] - c[last[j - 1]]
                    need = (llat[j] - llat[j - 1]) / 2
                    if (step < need)
                        fail(sprintf("step %s -> %s is %.2f cycles (%s: %.2f, %s: %.2f), less than half the latency difference %.1f",
                                     lname[j - 1], lname[j], step, human(ws[last[j - 1]]), c[last[j - 1]],
                                     human(ws[first[j]]), c[first[j]], need))
                }
            }
            printf "  overhead per access: %.2f cycles (c(4 KiB) %.2f - l1d.latency %d)\n", o, c[0], llat[0]
            if (failures != "") { printf "%s", failures; exit 1 }
        }' "$tmp/$preset.cpu" "$tmp/$preset.out" || failed=1
done

if [ "$failed" != 0 ]; then
    echo "FAIL staircase (kept $tmp)"
    exit 1
fi
rm -rf "$tmp"
echo "PASS staircase: ${presets[*]}"
exit 0

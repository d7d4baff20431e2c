#!/bin/bash
# ctest replay/sample: `run --trace accesses --sample N[:W]` keeps one
# window of W accesses in N.  matrix recorded whole and with --sample 10 and
# --sample 1:
#  - the sampled stream holds only windows k % 10 = 9 (measured) and 8
#    (warm-up), each of exactly W accesses but the run's last; it takes less
#    than 3/10 of the whole stream's bytes (2/10 expected: two windows in
#    ten); access_sampling.accesses is the whole stream's SUM(n);
#  - replay --stats labels the counters SAMPLED, matches every outcome, and
#    its L1D miss rate is within 3% and its CPI within 5% (relative) of the
#    whole stream's (measured: -0.7% and +2.2%, docs/PERFORMANCE.md);
#  - --sample 1 (every window measured) gives exactly the whole stream's
#    counters: the per-window sums lose nothing;
#  - the recorded kernel events are the whole recording's (diff: no note);
#    replay --db OUT writes the measured totals and access_sampling, and
#    diff notes the sampled side;
#  - the CSV export adds window,phase; idx is the index in the whole run;
#  - bad input: --sample 0, x, 10:5, 10:, without --trace accesses, with
#    --no-trace: exit 125, one line.
#   check-sample.sh MEMSIM BIN_DIR
set -u
MEMSIM=$1 BIN=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sample.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
counters() { sed -n '/Performance counter stats/,$p' "$1"; }
stat_of() { counters "$1" | awk -v n="$2" '$2 == n { print $1 }'; }
rate() { awk -v h="$(stat_of "$1" "$2.hits")" -v m="$(stat_of "$1" "$2.misses")" 'BEGIN { printf "%.6f", m / (h + m) }'; }
run() { "$MEMSIM" run --epoch 0 --seed 1 --env-clear "$@" </dev/null; }
W=10000

run --trace accesses --db "$TMP/whole.db" "$BIN/matrix" >/dev/null 2>&1 || bad "matrix: run failed"
run --trace accesses --sample 10 --db "$TMP/s10.db" "$BIN/matrix" >/dev/null 2>&1 ||
    bad "matrix --sample 10: run failed"
run --trace accesses --sample 1:$W --db "$TMP/s1.db" "$BIN/matrix" >/dev/null 2>&1 ||
    bad "matrix --sample 1: run failed"

# (a) what the sampled stream holds, and its size
read -r wn wbytes < <(sqlite3 -separator ' ' "$TMP/whole.db" "SELECT SUM(n), SUM(LENGTH(data)) FROM access_blocks")
read -r sbytes period win total < <(sqlite3 -separator ' ' "$TMP/s10.db" \
    "SELECT (SELECT SUM(LENGTH(data)) FROM access_blocks), period, window_accesses, accesses FROM access_sampling")
[ "$period $win" = "10 $W" ] || bad "access_sampling: period $period window $win, want 10 $W"
[ "$total" = "$wn" ] || bad "access_sampling.accesses $total, the whole stream has $wn"
awk -v s="$sbytes" -v w="$wbytes" 'BEGIN { exit !(s > 0 && s < 3 * w / 10) }' ||
    bad "--sample 10: $sbytes bytes, the whole stream $wbytes (want < 3/10)"
echo "ok   --sample 10: $sbytes of $wbytes bytes ($(awk -v s="$sbytes" -v w="$wbytes" 'BEGIN { printf "%.3f", s / w }'))"
wrong=$(sqlite3 "$TMP/s10.db" "SELECT COUNT(*) FROM access_blocks WHERE phase IS NULL
    OR (window_idx % 10 = 9) != (phase = 'measured') OR window_idx % 10 < 8")
[ "$wrong" = 0 ] || bad "$wrong blocks outside windows k % 10 in (8, 9) or with the wrong phase"
short=$(sqlite3 "$TMP/s10.db" "SELECT COUNT(*) FROM (SELECT window_idx, SUM(n) AS a FROM access_blocks
    GROUP BY window_idx) WHERE a != $W AND window_idx != $wn / $W")
[ "$short" = 0 ] || bad "$short windows of other than $W accesses (before the run's last)"
[ "$(sqlite3 "$TMP/whole.db" "SELECT COUNT(*) FROM access_blocks WHERE window_idx IS NOT NULL OR phase IS NOT NULL")" = 0 ] ||
    bad "an unsampled stream has window_idx or phase set"

# (b) the sampled estimate
"$MEMSIM" replay --stats "$TMP/whole.db" >"$TMP/whole.out" 2>"$TMP/whole.sim" || bad "replay --stats whole: exit $?"
"$MEMSIM" replay --stats "$TMP/s10.db" >"$TMP/s10.out" 2>"$TMP/s10.sim" || bad "replay --stats --sample 10: exit $?"
grep -q 'all outcomes match$' "$TMP/s10.out" || bad "--sample 10 replay: $(head -1 "$TMP/s10.out")"
grep -q "SAMPLED (run --sample 10:$W): .* measured windows of $W accesses, .* accesses measured of $wn" "$TMP/s10.sim" ||
    bad "--sample 10: no SAMPLED label: $(head -3 "$TMP/s10.sim")"
for what in "l1d 3" "cpi 5"; do
    read -r k tol <<<"$what"
    if [ "$k" = cpi ]; then a=$(stat_of "$TMP/whole.sim" cpi) b=$(stat_of "$TMP/s10.sim" cpi)
    else a=$(rate "$TMP/whole.sim" l1d) b=$(rate "$TMP/s10.sim" l1d); fi
    err=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", 100 * (b - a) / a }')
    awk -v e="$err" -v t="$tol" 'BEGIN { exit !(e < t && e > -t) }' ||
        bad "--sample 10: $k $b, the whole stream's $a: $err% (want within $tol%)"
    echo "ok   --sample 10: $k $b, whole $a ($err%)"
done

# the recorded kernel events are all there: the same as the whole stream's
"$MEMSIM" diff "$TMP/whole.db" "$TMP/s10.db" >"$TMP/diff" 2>&1 || bad "diff whole s10: exit $?: $(tail -3 "$TMP/diff")"
grep -q note "$TMP/diff" && bad "diff of two recordings notes sampling: $(grep note "$TMP/diff")"
# --db OUT: the measured windows' totals, marked sampled; diff says so
"$MEMSIM" replay --stats --db "$TMP/out10.db" "$TMP/s10.db" >/dev/null 2>&1 || bad "replay --stats --db: exit $?"
[ "$(sqlite3 "$TMP/out10.db" "SELECT instructions FROM runs")" = "$(stat_of "$TMP/s10.sim" instructions)" ] ||
    bad "--db OUT: runs.instructions is not the measured windows'"
[ "$(sqlite3 "$TMP/out10.db" "SELECT period || ':' || window_accesses FROM access_sampling")" = "10:$W" ] ||
    bad "--db OUT: no access_sampling row"
"$MEMSIM" replay --stats --db "$TMP/outw.db" "$TMP/whole.db" >/dev/null 2>&1 || bad "replay --stats --db whole: exit $?"
"$MEMSIM" diff "$TMP/outw.db" "$TMP/out10.db" 2>&1 | grep -q "note: B simulated a sampled access stream (--sample 10:$W)" ||
    bad "diff of a sampled replay: no note"
echo "ok   --db OUT of a sampled replay: its totals, access_sampling, diff's note"

# --sample 1: every window measured (window 0 counts from the start, boot and
# exec included), the whole run's counters exactly
"$MEMSIM" replay --stats "$TMP/s1.db" >/dev/null 2>"$TMP/s1.sim" || bad "replay --stats --sample 1: exit $?"
counters "$TMP/whole.sim" | cmp -s - <(counters "$TMP/s1.sim") || {
    bad "--sample 1: the counters differ from the whole stream's:"
    diff <(counters "$TMP/whole.sim") <(counters "$TMP/s1.sim") | head -10
}
echo "ok   --sample 1: the whole stream's counters"

# (d) the CSV of a sampled stream
read -r head rows badidx badphase windows < <("$MEMSIM" export "$TMP/s10.db" --format csv --table accesses |
    awk -F, -v W=$W 'NR == 1 { h = ($0 == "idx,kind,addr,size,class,window,phase") }
    NR > 1 && $2 != "mark" { n++; if ($1 < $6 * W || $1 >= ($6 + 1) * W) bi++ }
    NR > 1 { if (($6 % 10 == 9) != ($7 == "measured") || ($7 != "measured" && $7 != "warmup")) bp++; w[$6] = 1 }
    END { for (k in w) nw++; print h + 0, n + 0, bi + 0, bp + 0, nw + 0 }')
want=$(sqlite3 "$TMP/s10.db" "SELECT SUM(n) FROM access_blocks")
[ "$head" = 1 ] || bad "csv: the header is not idx,kind,addr,size,class,window,phase"
[ "$rows" = "$want" ] || bad "csv: $rows access rows, access_blocks hold $want"
[ "$badidx" = 0 ] || bad "csv: $badidx rows with idx outside their window"
[ "$badphase" = 0 ] || bad "csv: $badphase rows with a wrong phase"
echo "ok   csv: $rows rows in $windows windows"

# (c) bad input
for opt in "--trace accesses --sample 0" "--trace accesses --sample x" "--trace accesses --sample 10:5" \
           "--trace accesses --sample 10:" "--sample 10" "--trace accesses --no-trace --sample 10"; do
    # shellcheck disable=SC2086
    run --db "$TMP/bad.db" $opt "$BIN/hello" >/dev/null 2>"$TMP/err"
    rc=$?
    [ $rc -eq 125 ] || bad "$opt: exit $rc, want 125"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || bad "$opt: not one line: $(cat "$TMP/err")"
    [ ! -e "$TMP/bad.db" ] || bad "$opt: a trace was written"
done
echo "ok   bad --sample values: exit 125, one line"
exit $fail

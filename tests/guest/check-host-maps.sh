#!/usr/bin/env bash
# ctest guest/host_map_budget: more MADV_DONTNEED holes than the host can map.
# samples/dontneed_holes with 70000 pages under --ram 1G writes them in
# order, then drops every other one: 35000 holes between 35000 aliases are
# 70000 host mappings, past the default vm.max_map_count (65530).  memsim
# counts each split before making it: the guest either runs as on Linux
# (a host with a higher limit) or is stopped with the one documented line
# and status 137 — never memsim crashing inside Unicorn (which it did while
# holes were thought to cost nothing).
#   check-host-maps.sh MEMSIM BIN_DIR
set -u
memsim=$1 bin=$2/dontneed_holes
tmp=$(mktemp -d)
fail() { echo "FAIL: $*"; echo "kept: $tmp"; exit 1; }
pages=70000

"$memsim" run --no-trace --ram 1G -- "$bin" $pages > "$tmp/out" 2> "$tmp/err"
status=$?
limit=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 65530)
case $status in
0)
    # the pages left are the even ones, each holding 1 + i % 7
    sum=$(awk -v n=$pages 'BEGIN { for (i = 0; i < n; i += 2) s += 1 + i % 7; print s }')
    [ "$(head -1 "$tmp/out")" = "after holes: sum $sum, nonzero bytes in holes 0" ] \
        || fail "status 0 but stdout: $(cat "$tmp/out")"
    [ "$limit" -gt $pages ] \
        || fail "ran to the end although vm.max_map_count is $limit: were the holes mapped at all?"
    ;;
137)
    [ "$(wc -l < "$tmp/err")" = 1 ] || fail "stderr should be one line: $(cat "$tmp/err")"
    grep -q '^memsim: the host cannot map more guest pages ([0-9]* host mappings; raise vm.max_map_count' "$tmp/err" \
        || fail "stderr: $(cat "$tmp/err")"
    [ "$(wc -l < "$tmp/out")" = 0 ] || fail "the guest got past its holes: $(cat "$tmp/out")"
    ;;
*)
    fail "status $status (want 0, or 137 with the host-mapping line): $(head -c 400 "$tmp/err")"
    ;;
esac
rm -rf "$tmp"
echo "host_map_budget: status $status (vm.max_map_count $limit)"

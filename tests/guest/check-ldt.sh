#!/usr/bin/env bash
# ctest guest/ldt_segment: segmentation as the SDM and Linux define it.
# samples/ldt_limit builds an LDT data segment of 16 bytes with modify_ldt,
# reads it through %fs, then reads one byte past the limit: #GP -> SIGSEGV.
# The expected results are Linux's, not qemu-i386's: qemu-user does not
# check segment limits or null selectors in protected mode.
#   check-ldt.sh MEMSIM BIN_DIR
set -u
memsim=$1 bin=$2/ldt_limit
tmp=$(mktemp -d)
fail() { echo "FAIL: $*"; echo "kept: $tmp"; exit 1; }

"$memsim" run --db "$tmp/t.db" -- "$bin" > "$tmp/out" 2> "$tmp/err"
status=$?
[ "$status" = 139 ] || fail "status $status, expected 139 (SIGSEGV)"
expected='LDT entry 0 read back: 8 bytes, limit 15, base matches: yes
sum of the 16 bytes inside the limit: 120'
[ "$(cat "$tmp/out")" = "$expected" ] || fail "stdout: $(cat "$tmp/out")"
[ "$(wc -l < "$tmp/err")" = 1 ] || fail "stderr should be one line: $(cat "$tmp/err")"
grep -q '^memsim: SIGSEGV (#GP) at %fs:0x00000010, eip 0x[0-9a-f]* (access past the segment limit)$' "$tmp/err" \
    || fail "stderr: $(cat "$tmp/err")"

q() { "$memsim" query --csv "$tmp/t.db" "$1" | tail -n +2 | tr -d '\r'; }
[ "$(q "SELECT count(*) FROM segments WHERE seg = 'fs' AND selector = 7 AND result = 'ok' AND seg_limit = 15")" = 16 ] \
    || fail "expected 16 checked reads inside the limit"
[ "$(q "SELECT offset || ' ' || error_code FROM segments WHERE result = '#GP'")" = "16 0" ] \
    || fail "expected one #GP(0) row at offset 16"
[ "$(q "SELECT count(*) FROM segments WHERE seg = 'fs' AND linear - base != offset")" = 0 ] \
    || fail "linear must be base + offset"

"$memsim" run --no-trace -- "$bin" null > "$tmp/out" 2> "$tmp/err"
status=$?
[ "$status" = 139 ] || fail "null selector: status $status, expected 139"
[ "$(cat "$tmp/out")" = "loaded the null selector into %fs" ] || fail "null selector stdout: $(cat "$tmp/out")"
grep -q '^memsim: SIGSEGV (#GP) at %fs:0x00000000, .*null segment selector' "$tmp/err" \
    || fail "null selector stderr: $(cat "$tmp/err")"
"$memsim" run --no-trace -- "$bin" notpresent > "$tmp/out" 2> "$tmp/err"
status=$?
[ "$status" = 135 ] || fail "not-present selector: status $status, expected 135 (SIGBUS, as Linux's #NP handler)"
[ "$(tail -1 "$tmp/out")" = "loading a not-present LDT segment into %fs" ] || fail "not-present stdout: $(cat "$tmp/out")"
grep -q '^memsim: SIGBUS (#NP segment not present, vector 11) at eip' "$tmp/err" \
    || fail "not-present stderr: $(cat "$tmp/err")"
rm -rf "$tmp"
echo "ldt_segment: limit and null-selector checks as on hardware"

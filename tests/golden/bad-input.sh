#!/usr/bin/env bash
# bad-input.sh — `memsim export` (every format), `memsim diff` and `memsim replay` on bad
# input exit 2 with exactly one line on stderr naming the problem (and, for
# an events file, FILE:LINE), and write nothing to stdout.
#
#   bad-input.sh MEMSIM GOOD.events
#
# Cases: events files with an unknown table, an unknown field, a malformed
# number, text in an INTEGER column, seq out of order, no header, an unsupported schema_version and an
# empty file; a missing file; a text file and a non-memsim SQLite database
# given as a trace; a trace of another schema_version; a trace database
# truncated and one with pages overwritten; an unknown format or table.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM GOOD.events" >&2
    exit 2
fi
memsim=$1 good=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-golden-bad.XXXXXX") || exit 1
nfail=0
fail() { echo "FAIL golden/bad_input: $*"; nfail=$((nfail + 1)); }

# expect FILE PATTERN: both commands exit 2, one stderr line matching PATTERN
expect() {
    local file=$1 pattern=$2 cmd
    for cmd in replay export "export --format chrome" "export --format csv --table faults"; do
        expect_one "$pattern" $cmd "$file"
    done
    expect_one "$pattern" diff "$good" "$file"
}

# expect_one PATTERN ARGS...: memsim ARGS exits 2, one stderr line matching PATTERN
expect_one() {
    local pattern=$1 status
    shift
    "$memsim" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    status=$?
    if [ "$status" != 2 ]; then
        fail "$*: exit $status, expected 2 ($(head -n 2 "$tmp/err"))"
    elif [ "$(grep -c '' "$tmp/err")" != 1 ]; then
        fail "$*: $(grep -c '' "$tmp/err") lines on stderr, expected one"
    elif ! grep -q -e "$pattern" "$tmp/err"; then
        fail "$*: '$(cat "$tmp/err")' does not match '$pattern'"
    elif [ -s "$tmp/out" ]; then
        fail "$*: wrote to stdout"
    fi
}

# variant NAME LINE_NO NEW_LINE: a copy of the good file with one line replaced
variant() {
    awk -v n="$2" -v l="$3" 'NR == n { print l; next } { print }' "$good" > "$tmp/$1.events"
}

n=$(grep -c '' "$good")
last=$(tail -n 1 "$good")
variant unknown_table "$n" "${last/table=* /table=nosuch }"
expect "$tmp/unknown_table.events" "unknown_table.events:$n: unknown table 'nosuch'"
variant unknown_field "$n" "$last colour=red"
expect "$tmp/unknown_field.events" "unknown_field.events:$n: unknown field 'colour'"
variant malformed 5 "input run=1 kind=argv idx=0x"
expect "$tmp/malformed.events" "malformed.events:5: malformed number"
variant wrong_type 5 "input run=1 kind=argv idx=zero"
expect "$tmp/wrong_type.events" "wrong_type.events:5: field .idx. of table run_inputs: INTEGER column given text"
variant order "$n" "seq=1 ${last#seq=* }"
expect "$tmp/order.events" "order.events:$n: seq 1 after seq"
variant no_header 1 "run id=1"
expect "$tmp/no_header.events" "no_header.events:1: not a memsim events file"
variant old_schema 1 "memsim-events format=1 schema_version=5 select=kernel"
expect "$tmp/old_schema.events" "old_schema.events:1: schema_version is not supported"
: > "$tmp/empty.events"
expect "$tmp/empty.events" "empty.events:0: empty file"
expect "$tmp/missing.events" "missing.events: No such file"
expect "$tmp/missing.db" "missing.db: No such file"
echo "not a database" > "$tmp/text.db"
expect "$tmp/text.db" "text.db"
if command -v sqlite3 > /dev/null; then
    sqlite3 "$tmp/foreign.db" "CREATE TABLE t(x);"
    expect "$tmp/foreign.db" "not a memsim trace"
    sqlite3 "$tmp/v5.db" "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
                          INSERT INTO meta VALUES('schema_version', '5'); CREATE TABLE runs(id INTEGER);"
    expect "$tmp/v5.db" "schema_version 5 is not supported"
fi

# a real trace database, truncated and tampered with
if "$memsim" replay --db "$tmp/good.db" "$good" > /dev/null 2>&1; then
    size=$(stat -c %s "$tmp/good.db")
    head -c $((size / 2)) "$tmp/good.db" > "$tmp/truncated.db"
    expect "$tmp/truncated.db" "truncated.db: .*malformed"
    cp "$tmp/good.db" "$tmp/tampered.db"
    # pages past the schema overwritten, from the allocations table's first
    # page on (wherever the layout puts it), a third of the file: the damage
    # is found while reading
    from=$((size / 4096 / 3))
    if command -v sqlite3 > /dev/null; then
        root=$(sqlite3 "$tmp/good.db" "SELECT rootpage FROM sqlite_master WHERE name = 'allocations'")
        psize=$(sqlite3 "$tmp/good.db" "PRAGMA page_size")
        from=$(((root - 1) * psize / 4096))
    fi
    dd if=/dev/zero of="$tmp/tampered.db" bs=4096 seek=$from count=$((size / 4096 / 3)) \
       conv=notrunc 2> /dev/null
    for cmd in replay export "export --format chrome" "export --format csv --table allocations"; do
        expect_one "tampered.db: .*malformed" $cmd "$tmp/tampered.db"
    done
    expect_one "tampered.db: .*malformed" diff "$tmp/good.db" "$tmp/tampered.db"
    expect_one "unknown table 'nosuch' (the trace has: .*faults" export "$tmp/good.db" --format csv --table nosuch
    expect_one "expected events, csv or chrome" export "$tmp/good.db" --format xml
    expect_one "needs --table" export "$tmp/good.db" --format csv
else
    fail "replay --db of $(basename "$good") failed"
fi

if [ "$nfail" = 0 ]; then
    rm -rf "$tmp"
    echo "PASS golden/bad_input"
    exit 0
fi
echo "kept: $tmp"
exit 1

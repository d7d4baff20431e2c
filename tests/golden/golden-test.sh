#!/usr/bin/env bash
# golden-test.sh — ctest golden/NAME: the committed tests/golden/NAME.events
# still describes what the kernel model does with samples/NAME.
#
#   golden-test.sh NAME BUILD_DIR
#
# 1. The file parses (events_load) and exports back to the same bytes.
# 2. `memsim replay NAME.events` succeeds (until the replay engine is
#    connected, replay only loads and checks the file; the REPLAY line below
#    turns the step off).
# 3. The sample is re-recorded into a temp dir with record.sh, exactly as the
#    committed file was, and compared byte for byte: a change in any outcome
#    fails with the first differing line.  Skipped (the test still passes on
#    1 and 2, and says so) when the re-recording cannot be the same run: the
#    sample binary is missing or is not the one recorded (its sha256, e.g.
#    another compiler), or memsim runs as another uid than the recording
#    (auxv AT_UID; getuid passes the host's through).
#
# To accept an intended change: tests/golden/record.sh BUILD_DIR NAME, then
# read `git diff tests/golden`.
set -u
REPLAY=1                                # 0: skip step 2

if [ $# -ne 2 ]; then
    echo "usage: $0 NAME BUILD_DIR" >&2
    exit 2
fi
name=$1 build=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
golden=$here/$name.events
memsim=$build/emu/memsim
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-golden-test-$name.XXXXXX") || exit 1

fail() {
    echo "FAIL golden/$name: $*"
    echo "  kept: $tmp"
    exit 1
}

[ -f "$golden" ] || fail "no $golden"
[ -x "$memsim" ] || fail "no memsim at $memsim"

# ---- 1. parse and export back
"$memsim" export "$golden" --format events -o "$tmp/reexport.events" 2> "$tmp/export.err" \
    || fail "the committed file does not load: $(head -n 1 "$tmp/export.err")"
cmp -s "$golden" "$tmp/reexport.events" \
    || fail "export of the loaded file differs from it: $(cmp "$golden" "$tmp/reexport.events")"

# ---- 2. replay
if [ "$REPLAY" = 1 ]; then
    "$memsim" replay "$golden" > "$tmp/replay.out" 2>&1 \
        || fail "replay: $(head -n 20 "$tmp/replay.out")"
fi

# ---- 3. re-record and compare
skip=""
bin=$build/samples/bin/$name
# the events writer quotes a value only when it starts like a number
recorded_sha=$(sed -n '2s/.* sha256="\{0,1\}\([0-9a-f]\{64\}\)"\{0,1\} .*/\1/p' "$golden")
recorded_uid=$(grep -m1 -o 'kind=auxv idx=[0-9]* a_type=11 a_val=0x[0-9a-f]*' "$golden" | sed 's/.*a_val=//')
if [ -z "$recorded_sha" ]; then
    fail "no sha256 in the run line of $golden"
elif [ ! -x "$bin" ]; then
    skip="no sample binary $bin"
elif [ "$(sha256sum "$bin" | cut -d' ' -f1)" != "$recorded_sha" ]; then
    skip="the sample binary is not the recorded one (sha256 differs: another compiler?)"
elif [ -n "$recorded_uid" ] && [ "$((recorded_uid))" != "$(id -u)" ]; then
    skip="recorded as uid $((recorded_uid)), running as uid $(id -u)"
fi
if [ -z "$skip" ]; then
    GOLDEN_OUT=$tmp/rec "$here/record.sh" "$build" "$name" > "$tmp/record.out" 2>&1 \
        || fail "re-recording failed: $(tail -n 3 "$tmp/record.out")"
    if ! cmp -s "$golden" "$tmp/rec/$name.events"; then
        line=$(cmp "$golden" "$tmp/rec/$name.events" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p')
        echo "FAIL golden/$name: the kernel model's outcomes changed; first difference at line ${line:-?}:"
        echo "  committed: $(sed -n "${line:-1}p" "$golden" | cut -c1-300)"
        echo "  now:       $(sed -n "${line:-1}p" "$tmp/rec/$name.events" | cut -c1-300)"
        diff -u --label committed --label now "$golden" "$tmp/rec/$name.events" | head -n 40 | sed 's/^/    /'
        echo "  if the change is intended: tests/golden/record.sh $build $name; git diff tests/golden"
        echo "  kept: $tmp"
        exit 1
    fi
fi

rm -rf "$tmp"
echo "PASS golden/$name${skip:+ (re-record comparison skipped: $skip)}"
exit 0

#!/usr/bin/env bash
# run-guest-test.sh — run one guest sample under memsim and compare it with
# the qemu-i386 reference recorded in EXPECTED_DIR; the sample run natively
# must match it too (skipped where the kernel cannot run i386 programs).
#
#   run-guest-test.sh NAME MEMSIM SAMPLE_BIN EXPECTED_DIR [ARGS...]
#
# Runs   MEMSIM run --db TMP/NAME.db $MEMSIM_RUN_OPTS -- SAMPLE_BIN ARGS...
# with stdin from /dev/null, and checks
#   - stdout equals EXPECTED_DIR/NAME.stdout byte for byte (a unified diff is
#     printed on mismatch);
#   - the exit status equals EXPECTED_DIR/NAME.status;
#   - when the expected status is 139 (killed by SIGSEGV): stderr is exactly
#     one line and that line names SIGSEGV.
# MEMSIM_RUN_OPTS (environment, word-split) adds options to `memsim run`;
# samples.list sets it through `memsim:` fields.
#
# Exit status 0 if everything matches, 1 otherwise.  On failure the temporary
# directory (stdout, stderr, trace database) is kept and its path printed.
set -u

if [ $# -lt 4 ]; then
    echo "usage: $0 NAME MEMSIM SAMPLE_BIN EXPECTED_DIR [ARGS...]" >&2
    exit 2
fi
name=$1 memsim=$2 bin=$3 expdir=$4
shift 4

fail() { echo "FAIL guest/$name: $*"; exit 1; }

[ -x "$memsim" ] || fail "memsim binary not found or not executable: $memsim"
[ -f "$bin" ] || fail "sample binary missing: $bin (build the 'samples' target)"
exp_out=$expdir/$name.stdout
exp_status_file=$expdir/$name.status
[ -f "$exp_out" ] && [ -f "$exp_status_file" ] \
    || fail "no expected output $exp_out / $exp_status_file (see tests/guest/record-expected.sh)"
exp_status=$(tr -d ' \n' < "$exp_status_file")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-guest-$name.XXXXXX") || fail "mktemp failed"

read -r -a opts <<< "${MEMSIM_RUN_OPTS:-}"
cmd=("$memsim" run --db "$tmp/$name.db" ${opts[@]+"${opts[@]}"} -- "$bin" "$@")
"${cmd[@]}" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
status=$?

ok=1
report() { echo "  $*"; }

# against WHO STDOUT_FILE STATUS: compare one run with the expected files
against() {
    if ! cmp -s "$exp_out" "$2"; then
        ok=0
        report "$1's stdout differs from $exp_out:"
        diff -u --text --label expected --label "$1" "$exp_out" "$2" | head -n 80 | sed 's/^/    /'
    fi
    if [ "$3" != "$exp_status" ]; then
        ok=0
        report "$1's exit status $3, expected $exp_status"
    fi
}

against memsim "$tmp/stdout" "$status"

if [ "$exp_status" = 139 ]; then
    nlines=$(grep -c '' "$tmp/stderr")
    if [ "$nlines" != 1 ]; then
        ok=0
        report "stderr has $nlines lines, expected exactly one naming SIGSEGV"
    elif ! grep -q 'SIGSEGV' "$tmp/stderr"; then
        ok=0
        report "the stderr line does not name SIGSEGV"
    fi
fi

# Native Linux is the reference as much as qemu-i386 (the expected files were
# recorded under qemu-i386; issue 7): an x86-64 kernel with IA-32 emulation
# runs the static sample directly, and it must print the same.  Skipped, with
# a line, where the kernel cannot run i386 programs.
native=""
"$bin" "$@" > "$tmp/native.stdout" 2> "$tmp/native.stderr" < /dev/null
nstatus=$?
if [ "$nstatus" = 126 ] && grep -qi -e 'exec format' -e 'cannot execute' "$tmp/native.stderr"; then
    native=" (native run skipped: this kernel cannot run i386 programs)"
else
    against native "$tmp/native.stdout" "$nstatus"
fi

if [ "$ok" = 1 ]; then
    rm -rf "$tmp"
    echo "PASS guest/$name$native"
    exit 0
fi

echo "  command:$(printf ' %q' "${cmd[@]}")"
if [ -s "$tmp/stderr" ]; then
    report "stderr (first 20 lines):"
    head -n 20 "$tmp/stderr" | sed 's/^/    /'
fi
report "kept: $tmp"
echo "FAIL guest/$name"
exit 1

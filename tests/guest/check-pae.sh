#!/usr/bin/env bash
# check-pae.sh — every qemu-compared sample must give the same result under
# --paging pae as the qemu-i386 reference (and so as under the default
# 2-level paging): PAE page tables, 2 MiB kernel pages and NX change how
# memory is translated, never what the guest computes.
#
#   check-pae.sh MEMSIM SAMPLES_BIN_DIR
#
# Runs each samples.list line as tests/guest/CMakeLists.txt does (arguments,
# env: and memsim: fields, @FIXTURES@) through run-guest-test.sh with
# `--paging pae` added to the memsim options, so stdout, exit status and the
# one-line SIGSEGV report are checked against expected/ the same way.  Then
# checks that the trace records the mode: runs.options has paging=pae.
# Exit status 0 when every sample passes, 1 otherwise, 2 on usage errors.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM SAMPLES_BIN_DIR" >&2
    exit 2
fi
memsim=$1 bindir=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

failed=()
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    IFS='|' read -r -a fields <<< "$line"
    name=${fields[0]}
    envs=() args=() opts=""
    for f in "${fields[@]:1}"; do
        f=${f//@FIXTURES@/$here/fixtures}
        case "$f" in
            env:*) envs+=("${f#env:}") ;;
            memsim:*) opts+=" ${f#memsim:}" ;;
            *) args+=("$f") ;;
        esac
    done
    if ! env ${envs[@]+"${envs[@]}"} MEMSIM_RUN_OPTS="${opts# } --paging pae" \
        bash "$here/run-guest-test.sh" "$name" "$memsim" "$bindir/$name" "$here/expected" \
        ${args[@]+"${args[@]}"}; then
        failed+=("$name")
    fi
done < "$here/samples.list"

# The mode is part of the run's recorded options.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-pae.XXXXXX") || exit 1
"$memsim" run --db "$tmp/t.db" --paging pae -- "$bindir/hello" > /dev/null 2>&1
opts=$("$memsim" query --csv "$tmp/t.db" "SELECT options FROM runs" 2>&1)
case "$opts" in
    *paging=pae*) echo "PASS runs.options records paging=pae" ;;
    *) echo "FAIL runs.options does not record paging=pae: $opts"; failed+=("runs.options") ;;
esac
rm -rf "$tmp"

if [ ${#failed[@]} -gt 0 ]; then
    echo "FAIL guest/pae: ${failed[*]}"
    exit 1
fi
echo "PASS guest/pae"

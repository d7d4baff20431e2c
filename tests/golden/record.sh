#!/usr/bin/env bash
# record.sh — (re)record the golden traces: one events file per samples.list
# sample, tests/golden/NAME.events.  Run it when a change to the kernel model
# is meant to change what it does, then read `git diff tests/golden` (it
# shows every outcome that changed) and commit the files with the change.
#
#   tests/golden/record.sh [BUILD_DIR] [NAME...]
#
# BUILD_DIR defaults to build/ (it needs emu/memsim and samples/bin/).  With
# NAMEs only those samples are recorded.  GOLDEN_OUT=DIR writes the files to
# DIR instead of tests/golden (golden-test.sh re-records into a temp dir).
#
# Each sample runs as samples.list says (arguments, env: and memsim: fields),
# made independent of the host and the checkout so that the same build gives
# the same bytes anywhere:
#   - in the directory /tmp/memsim-golden/NAME (fixed, whatever TMPDIR says:
#     the model names the program by its absolute path in VMA names and
#     readlink("/proc/self/exe")), holding a copy of the sample as ./NAME and
#     of tests/guest/fixtures as ./fixtures (@FIXTURES@ becomes "fixtures"),
#     so argv and the stack layout name no path of the checkout;
#   - `env -i` and `--env-clear`: the guest's environment is the env: fields
#     only (given with -E); --epoch 0 and the default --seed 0;
#   - stdin from /dev/null, stdout and stderr to files.
# The trace is exported with `memsim export --format events` (the kernel
# selection: no cycle column, no stats, no segments rows, only caused walks;
# docs/TRACE_SCHEMA.md "Events files").
#
# What the files still depend on: the sample binaries (their sha256 is in the
# `run` line; another compiler gives other binaries and other traces) and the
# uid memsim runs as (auxv AT_UID.. and getuid pass the host's through).
# golden-test.sh skips its re-record comparison when either differs.
#
# Samples whose file would be too big (the directory stays under ~20 MB, a
# file under ~300 KB) run with a smaller argument; adjust() below lists them.
# Every sample has a file: ctest golden/coverage fails for one without.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
[ $# -gt 0 ] && shift
[ -d "$build" ] || { echo "record.sh: no build directory $build" >&2; exit 1; }
build=$(cd "$build" && pwd)
only=("$@")
out=${GOLDEN_OUT:-$here}
memsim=$build/emu/memsim
bindir=$build/samples/bin
list=$repo/tests/guest/samples.list
workroot=/tmp/memsim-golden             # fixed: see record()

[ -x "$memsim" ] || { echo "record.sh: no memsim at $memsim (build first, or pass BUILD_DIR)" >&2; exit 1; }
[ -d "$bindir" ] || { echo "record.sh: no samples in $bindir (configure with -DMEMSIM_SAMPLES=ON)" >&2; exit 1; }
mkdir -p "$out"

# adjust NAME: the golden run's arguments when they differ from samples.list.
adjust() {
    case $1 in
        # 12000 MADV_DONTNEED holes by default: 15 MB of events; 300 show the same paths
        dontneed_holes) echo "args 300" ;;
        # 90 112 zero-page faults by default (14 MB); 4 MiB forward and 1 MiB
        # backward (1 280) read, cow and re-read the same kinds of pages
        zero_read) echo "args 4 1" ;;
        # 20 000 calls by default (7 MB); 700 reach every call kind, a few
        # opens of the devices and calls on their descriptors
        syscall_storm) echo "args 700" ;;
        *) echo "" ;;
    esac
}

wanted() {
    [ ${#only[@]} -eq 0 ] && return 0
    local n
    for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# record NAME FIELD...: one sample's events file into $out/NAME.events
record() {
    local name=$1 f how work status
    shift
    local envs=() args=() opts=()
    for f in "$@"; do
        f=${f//@FIXTURES@/fixtures}
        case $f in
            env:*) envs+=(-E "${f#env:}") ;;
            memsim:*) read -r -a more <<< "${f#memsim:}"; opts+=("${more[@]}") ;;
            *) args+=("$f") ;;
        esac
    done
    how=$(adjust "$name")
    case $how in
        args*) read -r -a args <<< "${how#args }" ;;
    esac
    [ -x "$bindir/$name" ] || { echo "$name: skipped: no $bindir/$name (not built here)"; return 0; }
    # A fixed directory, not mktemp's: the model names the program by its
    # absolute path (VMA names, readlink of /proc/self/exe), so the path is
    # part of the outcomes.  The lock keeps two recordings of one sample
    # (ctest -j and a developer's record.sh) apart.
    mkdir -p "$workroot"
    exec {lock}> "$workroot/$name.lock"
    flock "$lock"
    work=$workroot/$name
    rm -rf "$work"
    mkdir "$work"
    cp "$bindir/$name" "$work/$name"
    cp -R "$repo/tests/guest/fixtures" "$work/fixtures"
    set +e
    (cd "$work" && env -i "$memsim" run --epoch 0 --env-clear --db run.db \
        ${envs[@]+"${envs[@]}"} ${opts[@]+"${opts[@]}"} -- "./$name" ${args[@]+"${args[@]}"} \
        < /dev/null > stdout 2> stderr)
    status=$?
    set -e
    if [ ! -s "$work/run.db" ] || ! "$memsim" export "$work/run.db" --format events -o "$out/$name.events"; then
        echo "record.sh: $name: no trace (status $status): $(head -n 3 "$work/stderr")" >&2
        echo "record.sh: kept $work" >&2
        exec {lock}>&-
        return 1
    fi
    rm -rf "$work"
    exec {lock}>&-
    printf '%-16s status %3d, %7d lines, %8d bytes\n' "$name" "$status" \
        "$(grep -c '' "$out/$name.events")" "$(wc -c < "$out/$name.events")"
}

rc=0
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    IFS='|' read -r -a fields <<< "$line"
    wanted "${fields[0]}" || continue
    record "${fields[@]}" || rc=1
done < "$list"
exit $rc

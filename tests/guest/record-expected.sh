#!/usr/bin/env bash
# record-expected.sh — (re)record the reference outputs of the guest samples
# under qemu-i386, the functional reference.  For maintainers: run it after
# adding a sample or changing what one prints, read the diff of
# tests/guest/expected/, and commit it with the sample.
#
#   tests/guest/record-expected.sh [SAMPLES_BIN_DIR] [NAME...]
#
# SAMPLES_BIN_DIR defaults to build/samples/bin (build the `samples` target
# first: cmake --build build --target samples).  With NAMEs, only those
# samples are recorded.  Each sample runs as samples.list says (arguments,
# env: fields; memsim: fields are ignored), stdin from /dev/null, writing
#   expected/NAME.stdout   its stdout, byte for byte
#   expected/NAME.status   its exit status as the shell sees it (139 = SIGSEGV)
# qemu's own stderr (e.g. "uncaught target signal 11") is not recorded.
# A sample with expected/NAME.native keeps its outputs: they come from native
# Linux because qemu-i386 differs from Linux there (the file says how).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
bindir=${1:-$repo/build/samples/bin}
[ $# -gt 0 ] && shift
only=("$@")

command -v qemu-i386 >/dev/null || { echo "record-expected: qemu-i386 not found (apt-get install qemu-user)" >&2; exit 1; }
[ -d "$bindir" ] || { echo "record-expected: no samples directory $bindir (build the 'samples' target, or pass its path)" >&2; exit 1; }
mkdir -p "$here/expected"

wanted() {
    [ ${#only[@]} -eq 0 ] && return 0
    local n
    for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

listed=()
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    IFS='|' read -r -a fields <<< "$line"
    name=${fields[0]}
    listed+=("$name")
    wanted "$name" || continue
    envs=() args=()
    for f in "${fields[@]:1}"; do
        f=${f//@FIXTURES@/$here/fixtures}
        case "$f" in
            env:*) envs+=("${f#env:}") ;;
            memsim:*) ;;
            *) args+=("$f") ;;
        esac
    done
    if [ -f "$here/expected/$name.native" ]; then
        echo "record-expected: $name: kept (native Linux's output: $(head -n 1 "$here/expected/$name.native"))"
        continue
    fi
    bin=$bindir/$name
    [ -x "$bin" ] || { echo "record-expected: missing $bin" >&2; exit 1; }
    set +e
    # The braces keep bash from reporting the guest's SIGSEGV death itself.
    { env ${envs[@]+"${envs[@]}"} qemu-i386 "$bin" ${args[@]+"${args[@]}"} \
        > "$here/expected/$name.stdout" 2> /dev/null < /dev/null; } 2> /dev/null
    status=$?
    set -e
    echo "$status" > "$here/expected/$name.status"
    printf '%-14s status %3d, %3d lines of stdout\n' "$name" "$status" \
        "$(grep -c '' "$here/expected/$name.stdout" || true)"
done < "$here/samples.list"

# A sample without a samples.list line has no guest test: say so.
for src in "$repo"/samples/*.c; do
    n=$(basename "$src" .c)
    found=0
    for l in "${listed[@]}"; do [ "$l" = "$n" ] && found=1; done
    [ "$found" = 1 ] || echo "record-expected: warning: samples/$n.c is not in samples.list (no guest test)" >&2
done

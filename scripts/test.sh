#!/usr/bin/env bash
# Build and run every test: unit tests, guest programs compared with
# qemu-i386, trace checks, busybox; then the same suite built with
# AddressSanitizer and UndefinedBehaviorSanitizer.
#   scripts/test.sh            everything
#   MEMSIM_NO_SANITIZE=1 ...   skip the sanitizer pass
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$here/scripts/setup.sh" "$here/build"
"$here/scripts/fetch-busybox.sh" >/dev/null || echo "test: busybox not available; its test will be skipped"

echo "== test suite (RelWithDebInfo)"
(cd "$here/build" && ctest --output-on-failure -j"$jobs")

if [ -z "${MEMSIM_NO_SANITIZE:-}" ]; then
    echo "== test suite under -fsanitize=address,undefined"
    "$here/scripts/setup.sh" "$here/build-asan" -DMEMSIM_SANITIZE=ON
    # Unicorn's JIT keeps allocations alive at exit by design; leaks are not checked here.
    (cd "$here/build-asan" && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")
fi

#!/usr/bin/env bash
# Build and run every test: unit tests, guest programs compared with
# qemu-i386, trace checks, busybox; then the same suite built with
# AddressSanitizer and UndefinedBehaviorSanitizer.
#   scripts/test.sh            everything
#   MEMSIM_NO_SANITIZE=1 ...   skip the sanitizer pass
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$here/scripts/setup.sh" "$here/build" -DMEMSIM_SANITIZE=OFF -DMEMSIM_SAMPLES=ON
"$here/scripts/fetch-busybox.sh" >/dev/null || echo "test: busybox not available; its test will be skipped"

echo "== test suite (RelWithDebInfo)"
(cd "$here/build" && ctest --output-on-failure -j"$jobs")

echo "== fuzz: elf_parse for 30 s, seeded with the samples (clang libFuzzer)"
cmake -S "$here" -B "$here/build-fuzz" -DCMAKE_C_COMPILER=clang -DMEMSIM_FUZZ=ON \
      -DMEMSIM_SAMPLES=OFF >/dev/null
cmake --build "$here/build-fuzz" --target fuzz_elf fuzz_syscall fuzz_replay -j"$jobs" >/dev/null
mkdir -p "$here/build-fuzz/corpus"
"$here/build-fuzz/tests/fuzz/fuzz_elf" -max_total_time=30 -max_len=16384 -seed=1 \
    "$here/build-fuzz/corpus" "$here/build/samples/bin" 2>&1 | tail -2

echo "== fuzz: memory syscalls through the kernel model for 30 s (clang libFuzzer)"
mkdir -p "$here/build-fuzz/corpus-syscall"
"$here/build-fuzz/tests/fuzz/fuzz_syscall" -max_total_time=30 -seed=1 \
    -artifact_prefix="$here/build-fuzz/" "$here/build-fuzz/corpus-syscall" 2>&1 | tail -2

echo "== fuzz: events files loaded and replayed for 30 s, seeded with the goldens (clang libFuzzer)"
mkdir -p "$here/build-fuzz/corpus-replay"
"$here/build-fuzz/tests/fuzz/fuzz_replay" -max_total_time=30 -seed=1 \
    -artifact_prefix="$here/build-fuzz/" "$here/build-fuzz/corpus-replay" "$here/tests/golden" 2>&1 | tail -2

if [ -z "${MEMSIM_NO_SANITIZE:-}" ]; then
    echo "== test suite under -fsanitize=address,undefined"
    "$here/scripts/setup.sh" "$here/build-asan" -DMEMSIM_SANITIZE=ON -DMEMSIM_SAMPLES=ON
    # Unicorn's JIT keeps allocations alive at exit by design; leaks are not checked here.
    (cd "$here/build-asan" && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")
fi

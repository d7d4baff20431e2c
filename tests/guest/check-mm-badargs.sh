#!/usr/bin/env bash
# check-mm-badargs.sh — the bad-input table of the mm system calls
# (samples/mm_badargs.c: mmap, mremap, madvise, mprotect, msync, mlock with
# unaligned addresses, zero or overflowing lengths, bad flags, bad or
# non-mappable descriptors).
#
#   check-mm-badargs.sh MEMSIM MM_BADARGS_BIN
#
# The reference is Linux 6.1 on an i386 kernel: expected/mm_badargs.stdout.
# It was recorded by running the binary natively (a 6.18 x86-64 kernel
# running the i386 program) and checked case by case against the 6.1
# sources; one line differs from the native run and follows i386 instead:
#   "mmap file pgoff wraps" EOVERFLOW: on a 32-bit kernel pgoff + pages wraps
#     an unsigned long (do_mmap's overflow check); a 64-bit kernel has room
#     for the offset and maps it.
# memsim must match it under both paging modes.  When this host runs i386
# binaries, the native output must match too, but for that line.
#
# qemu-i386 is a cross-check, not the reference: it emulates these calls
# itself, and where it differs from Linux the test follows Linux.  The cases
# it answers differently (qemu 7.2 user mode) are listed in QEMU_DIFFERS:
# it passes madvise through as a no-op (0 for every advice and range), does
# not check mremap's VMA (EFAULT) or length rules, mprotect/msync/mlock of
# unmapped ranges succeed on its own reservations, mprotect len 0 is ENOMEM,
# MAP_FIXED_NOREPLACE is not honoured, MAP_SHARED_VALIDATE's flag check is
# missing, mlock2 is not implemented, and like a 64-bit kernel it maps the
# wrapping pgoff.  Every other line must agree with
# qemu; a listed line that starts agreeing is reported (the list is stale).
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM MM_BADARGS_BIN" >&2
    exit 2
fi
memsim=$1 bin=$2
here=$(cd "$(dirname "$0")" && pwd)
expected=$here/expected/mm_badargs.stdout
file=$here/fixtures/lines.txt
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-mmbad.XXXXXX") || exit 1
bad=0
QEMU_DIFFERS='mmap file validate unknown flag
mmap file pgoff wraps
mmap fixed_noreplace busy
mremap new_len 0
mremap new_len 0xfffff001
mremap unmapped
mremap across vmas
madvise unknown advice 99
madvise unmapped
madvise willneed unmapped
madvise free file
madvise populate_write ro
madvise remove anon
madvise wipeonfork file
madvise cold locked
mprotect unmapped
mprotect len 0
msync unmapped
mlock unmapped
mlock2 bad flags
munlock unmapped
mlock unaligned'

for opts in "--paging 2level" "--paging pae"; do
    # shellcheck disable=SC2086
    timeout 60 "$memsim" run --no-trace --root / $opts -- "$bin" "$file" \
        > "$tmp/out" 2> "$tmp/err" < /dev/null
    status=$?
    if [ $status -ne 0 ] || ! cmp -s "$tmp/out" "$expected"; then
        echo "FAIL mm_badargs memsim ($opts): status $status"
        diff "$expected" "$tmp/out" | head -20
        head -5 "$tmp/err"
        bad=1
    fi
done

# native: everything but the one i386-only line
if "$bin" "$file" > "$tmp/native" 2> /dev/null; then
    grep -v '^mmap file pgoff wraps ' "$expected" > "$tmp/want-native"
    grep -v '^mmap file pgoff wraps ' "$tmp/native" > "$tmp/got-native"
    if ! cmp -s "$tmp/want-native" "$tmp/got-native"; then
        echo "FAIL mm_badargs native: this kernel differs from the table"
        diff "$tmp/want-native" "$tmp/got-native" | head -20
        bad=1
    fi
fi

# qemu-i386: the cross-check, with its known differences
if command -v qemu-i386 > /dev/null && qemu-i386 "$bin" "$file" > "$tmp/qemu" 2> /dev/null; then
    while IFS= read -r want && IFS= read -r got <&3; do
        name=$(printf '%s' "${want:0:34}" | sed 's/ *$//')
        listed=0
        printf '%s\n' "$QEMU_DIFFERS" | grep -qxF "$name" && listed=1
        if [ "$want" = "$got" ] && [ $listed = 1 ]; then
            echo "NOTE mm_badargs qemu: '$name' now agrees with Linux (QEMU_DIFFERS is stale)"
        elif [ "$want" != "$got" ] && [ $listed = 0 ]; then
            echo "FAIL mm_badargs qemu: '$name': Linux '${want:35}', qemu '${got:35}'"
            bad=1
        fi
    done < "$expected" 3< "$tmp/qemu"
else
    echo "SKIP mm_badargs qemu: qemu-i386 missing or the run failed"
fi
[ $bad -eq 0 ] && { echo "PASS mm_badargs"; rm -rf "$tmp"; } || echo "kept $tmp"
exit $bad

#!/usr/bin/env bash
# fetch-busybox.sh — put Debian's busybox-static for i386 in third_party/busybox/.
#
# busybox is the "real program nobody wrote for memsim" of the guest tests
# (tests/guest/busybox-tests.sh).  scripts/fetch-debian.sh downloads the
# package busybox-static:i386 and unpacks it into third_party/busybox/
# (gitignored), giving third_party/busybox/bin/busybox.
#
#   scripts/fetch-busybox.sh            # fetch if missing, print the binary path
#   scripts/fetch-busybox.sh --force    # fetch again even if present
#
# On failure: one line on stderr starting with "fetch-debian: " or
# "fetch-busybox: " and a non-zero exit status.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$here/third_party/busybox"

die() { echo "fetch-busybox: $*" >&2; exit 1; }

force=0
case "${1:-}" in
    --force) force=1 ;;
    "") ;;
    *) die "usage: $0 [--force]" ;;
esac

# Older/newer packages put it in /bin or /usr/bin; accept either.
find_bin() {
    for b in "$dest/bin/busybox" "$dest/usr/bin/busybox"; do
        [ -x "$b" ] && { echo "$b"; return 0; }
    done
    return 1
}

if [ "$force" = 0 ] && b=$(find_bin); then
    echo "$b"
    exit 0
fi
mkdir -p "$here/third_party"
work=$(mktemp -d "$here/third_party/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$here/scripts/fetch-debian.sh" "$work" busybox-static
rm -rf "$dest"
mv "$work/busybox-static" "$dest"
b=$(find_bin) || die "the package unpacked but has no bin/busybox"
echo "$b"

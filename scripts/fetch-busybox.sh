#!/usr/bin/env bash
# fetch-busybox.sh — put Debian's busybox-static for i386 in third_party/busybox/.
#
# busybox is the "real program nobody wrote for memsim" of the guest tests
# (tests/guest/busybox-tests.sh).  This downloads the Debian package
# busybox-static:i386 with apt-get and unpacks it with dpkg -x into
# third_party/busybox/ (gitignored), giving third_party/busybox/bin/busybox.
#
#   scripts/fetch-busybox.sh            # fetch if missing, print the binary path
#   scripts/fetch-busybox.sh --force    # fetch again even if present
#
# Needs dpkg and apt-get; enables the i386 architecture (dpkg
# --add-architecture i386, needs root) and runs apt-get update only when
# the package cannot be found otherwise.  Idempotent: if the binary is there
# it only prints its path.  On failure: one line on stderr starting with
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

command -v dpkg >/dev/null 2>&1 || die "dpkg not found (needs a Debian-based system)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found (needs a Debian-based system)"

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot enable i386 packages / apt-get update"
    sudo_cmd=(sudo)
fi

if [ "$(dpkg --print-architecture)" != i386 ] && \
   ! dpkg --print-foreign-architectures | grep -qx i386; then
    echo "fetch-busybox: enabling the i386 architecture (dpkg --add-architecture i386)" >&2
    "${sudo_cmd[@]}" dpkg --add-architecture i386 || die "dpkg --add-architecture i386 failed"
fi

have_pkg() {
    apt-cache show busybox-static:i386 >/dev/null 2>&1
}
if ! have_pkg; then
    echo "fetch-busybox: busybox-static:i386 unknown to apt, running apt-get update" >&2
    # A partial failure (one mirror mid-sync) still leaves the other indexes
    # usable, so only the package lookup below decides.
    "${sudo_cmd[@]}" apt-get update -qq >&2 \
        || echo "fetch-busybox: apt-get update reported errors; trying anyway" >&2
    have_pkg || die "no package busybox-static:i386 in the configured apt sources (apt-get update failed?)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download writes into the current directory; as root it warns that
# the _apt sandbox user cannot reach a private directory, so make it readable.
chmod 755 "$work"
[ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1 && chown _apt "$work" 2>/dev/null || true
(cd "$work" && apt-get download -q busybox-static:i386 >&2) \
    || die "apt-get download busybox-static:i386 failed"
deb=$(ls "$work"/busybox-static_*_i386.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || die "apt-get download produced no .deb"

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
dpkg -x "$deb" "$dest.tmp" || die "dpkg -x $deb failed"
cp "$deb" "$dest.tmp/" # keep the package beside it, for provenance
rm -rf "$dest"
mv "$dest.tmp" "$dest"

b=$(find_bin) || die "the package unpacked but has no bin/busybox"
echo "$b"

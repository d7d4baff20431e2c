#!/usr/bin/env bash
# fetch-debian.sh — unpack Debian i386 packages into a directory, for the
# tests that run real programs nobody wrote for memsim.
#
#   scripts/fetch-debian.sh DEST PKG...     # e.g. DEST=build/debian bash-static
#
# Each PKG (without :i386) is fetched with `apt-get download PKG:i386` and
# unpacked with dpkg -x into DEST/PKG/ (the .deb kept beside it, for
# provenance).  A package already unpacked there is not fetched again.
# Enables the i386 architecture (dpkg --add-architecture i386, as root or
# with sudo) and runs apt-get update only when a package cannot be found
# otherwise.  No package is installed on the host.  On failure: one line on
# stderr starting with "fetch-debian: " and exit status 1.
set -euo pipefail

die() { echo "fetch-debian: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 DEST PKG..."
dest=$1
shift

missing=()
for p in "$@"; do
    [ -f "$dest/$p/.unpacked" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v dpkg >/dev/null 2>&1 || die "dpkg not found (needs a Debian-based system)"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found (needs a Debian-based system)"
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot enable i386 packages / apt-get update"
    sudo_cmd=(sudo)
fi
if [ "$(dpkg --print-architecture)" != i386 ] && \
   ! dpkg --print-foreign-architectures | grep -qx i386; then
    echo "fetch-debian: enabling the i386 architecture (dpkg --add-architecture i386)" >&2
    "${sudo_cmd[@]}" dpkg --add-architecture i386 || die "dpkg --add-architecture i386 failed"
fi
have_all() {
    local p
    for p in "${missing[@]}"; do apt-cache show "$p:i386" >/dev/null 2>&1 || return 1; done
}
if ! have_all; then
    echo "fetch-debian: ${missing[*]} (i386) unknown to apt, running apt-get update" >&2
    # A partial failure (one mirror mid-sync) still leaves the other indexes
    # usable, so only the package lookup decides.
    "${sudo_cmd[@]}" apt-get update -qq >&2 \
        || echo "fetch-debian: apt-get update reported errors; trying anyway" >&2
    have_all || die "not all of ${missing[*]} (i386) are in the configured apt sources"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download writes into the current directory; as root it warns that
# the _apt sandbox user cannot reach a private directory, so make it readable.
chmod 755 "$work"
[ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1 && chown _apt "$work" 2>/dev/null || true
for p in "${missing[@]}"; do
    (cd "$work" && apt-get download -q "$p:i386" >&2) || die "apt-get download $p:i386 failed"
    deb=$(ls "$work/${p}"_*_i386.deb 2>/dev/null | head -n1)
    [ -n "$deb" ] || die "apt-get download $p:i386 produced no .deb"
    rm -rf "$dest/$p.tmp"
    mkdir -p "$dest/$p.tmp"
    dpkg -x "$deb" "$dest/$p.tmp" || die "dpkg -x $deb failed"
    cp "$deb" "$dest/$p.tmp/"
    touch "$dest/$p.tmp/.unpacked"
    rm -rf "${dest:?}/$p"
    mv "$dest/$p.tmp" "$dest/$p"
done

#!/usr/bin/env bash
# Install what memsim needs from Debian 12's packages (only what is missing)
# and configure + build it.  Usage: scripts/setup.sh [BUILD_DIR] [cmake args...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shift || true

# chromium: only the test guest/report_html uses it (a headless browser that
# opens `memsim report --html`); the test skips without it.
packages=(build-essential clang cmake pkg-config libunicorn-dev libcapstone-dev
          libsqlite3-dev sqlite3 gcc-multilib g++-multilib qemu-user chromium golang-go)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q || echo "setup: apt-get update reported errors; trying the install anyway"
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"

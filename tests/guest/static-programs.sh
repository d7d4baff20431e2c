#!/usr/bin/env bash
# static-programs.sh — Debian's static i386 programs (bash-static,
# zsh-static, sash, e2fsck-static, gpgv-static) under memsim against the
# same binaries run natively: native Linux is the reference.  Each case's
# stdout and exit status must match byte for byte.
#
#   tests/guest/static-programs.sh MEMSIM CACHE_DIR [CASE_NO...]
#
# The packages are fetched once into CACHE_DIR (the build tree) with
# scripts/fetch-debian.sh; without the network or apt, or on a kernel that
# cannot run i386 programs natively, the test is skipped (77) with a line
# saying why.  Cases that need what memsim does not have yet (pipes and
# fork, signal handlers, /proc) are listed in tests/guest/README.md, not here.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
memsim=$1 cache=$2
shift 2
only=("$@")
pkgs=(bash-static zsh-static sash e2fsck-static gpgv-static)

if ! "$here/../../scripts/fetch-debian.sh" "$cache" "${pkgs[@]}" 2>"$cache.fetch.log"; then
    echo "static-programs: SKIPPED: cannot fetch ${pkgs[*]} (i386): $(tail -n1 "$cache.fetch.log")"
    exit 77
fi
bash_s=$cache/bash-static/bin/bash-static
zsh_s=$cache/zsh-static/bin/zsh-static
sash_s=$cache/sash/bin/sash
e2fsck_s=$cache/e2fsck-static/sbin/e2fsck.static
gpgv_s=$cache/gpgv-static/usr/bin/gpgv-static
if ! "$bash_s" -c true 2>/dev/null; then
    echo "static-programs: SKIPPED: this kernel cannot run i386 programs natively (no IA-32 emulation)"
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p data/sub
seq 1 2000 > data/nums
printf 'b\na\nc\na\n' > data/small
for i in $(seq 1 300); do echo "line $i alpha beta gamma $((i * 7 % 13))"; done > data/text
: > data/sub/empty
# an 8 MiB ext2 image for e2fsck, when mke2fs is at hand (e2fsprogs)
have_img=0
if command -v mke2fs >/dev/null 2>&1 || [ -x /sbin/mke2fs ]; then
    truncate -s 8M data/fs.img && PATH=$PATH:/sbin:/usr/sbin mke2fs -q -F data/fs.img && have_img=1
fi
# gpgv on Debian's own signed Release file, when apt has one and the key
have_gpg=0
rel=$(ls /var/lib/apt/lists/*_InRelease 2>/dev/null | head -n1)
keys=$(ls /usr/share/keyrings/debian-archive-keyring.gpg 2>/dev/null | head -n1)
if [ -z "$keys" ] && command -v gpg >/dev/null 2>&1 && ls /etc/apt/trusted.gpg.d/*.asc >/dev/null 2>&1; then
    cat /etc/apt/trusted.gpg.d/*.asc | gpg --dearmor > data/keys.gpg 2>/dev/null && keys=$work/data/keys.gpg
fi
[ -n "$rel" ] && [ -n "$keys" ] && cp "$rel" data/InRelease && have_gpg=1

cases=(
    "$bash_s -c 'echo \$((2**40)); printf \"%s\\n\" {a..e}'"
    "$bash_s -c 'for f in data/*; do echo \$f; done; x=abc; echo \${x^^}'"
    "$bash_s -c 'cd data && pwd && cd .. && pwd; read -r x < data/small; echo \$x'"
    "$bash_s -c 'mapfile -t a < data/text; echo \${#a[@]} \${a[299]}'"
    "$bash_s -c 'printf \"%.20f\\n\" 0.1; echo \$(( 1 << 62 )); ulimit -s; ulimit -c'"
    "$bash_s -c 'kill -TERM \$\$; echo after'"
    "$bash_s -c 'trap \"\" USR1; kill -USR1 \$\$; echo ignored'"
    "LANG=C.UTF-8 $bash_s -c 'x=äöü; echo \${#x}'"
    "$bash_s --version"
    "$zsh_s -c 'echo \$((2**40)); print -l a b c; echo data/*(.N)'"
    "$zsh_s -c 'zmodload zsh/mathfunc; echo \$(( sqrt(2) )); typeset -A h; h=(a 1 b 2); print -l \${(ko)h}'"
    "LANG=C.UTF-8 $zsh_s -c 'x=äöü; echo \${#x}'"
    "$sash_s -c '-ls data'"
    "$e2fsck_s -V"
    "$gpgv_s --version"
)
[ $have_img = 1 ] && cases+=("$e2fsck_s -n -f data/fs.img" "LANG=C.UTF-8 $e2fsck_s -n -f data/fs.img")
[ $have_gpg = 1 ] && cases+=("$gpgv_s --keyring $keys data/InRelease")

wanted() {
    [ ${#only[@]} -eq 0 ] && return 0
    local n
    for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

fail=0 n=0 ran=0
for c in "${cases[@]}"; do
    n=$((n + 1))
    wanted $n || continue
    ran=$((ran + 1))
    (eval "timeout 60 $c") < /dev/null > nat.out 2> nat.err
    nat=$?
    (eval "timeout 120 $memsim run --no-trace -- $c") < /dev/null > mem.out 2> mem.err
    mem=$?
    if [ $nat != $mem ] || ! cmp -s nat.out mem.out; then
        fail=$((fail + 1))
        echo "FAIL case $n: $c"
        echo "  status native $nat, memsim $mem"
        diff nat.out mem.out | head -n 10 | sed 's/^/  /'
        head -n 3 mem.err | sed 's/^/  memsim stderr: /'
    fi
done
echo "static-programs: $((ran - fail))/$ran cases match native Linux"
[ $fail = 0 ]

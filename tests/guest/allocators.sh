#!/usr/bin/env bash
# allocators.sh — one workload (samples/alloc_mix.c) under the allocators
# people study: glibc's malloc static and dynamic, jemalloc and tcmalloc
# (LD_PRELOAD, Debian's libjemalloc2 and libtcmalloc-minimal4), musl's
# mallocng static and dynamic (Debian's musl and musl-dev), and Go's runtime
# (samples/go/go_alloc).  Each run's output and status must be the
# reference's (qemu-i386 -L ROOT; native Linux for Go, which qemu-i386 7.2
# cannot run), no run may meet an unimplemented system call, and each
# allocator must show, in its trace, the design its documentation states:
#   glibc     the heap grows by brk; chunks past the mmap threshold are
#             mmap'd and munmap'd one by one
#   jemalloc  no brk at all (opt.dss "secondary": mmap first); its extents
#             come in mappings of megabytes
#   tcmalloc  sbrk first (TCMalloc_SystemAlloc), so the heap grows by brk
#   musl      brk only for its metadata; groups and large allocations are
#             mmap'd and unmapped individually
#   Go        the heap arena reserved PROT_NONE up front (hundreds of MiB on
#             386), then committed piecemeal
#
#   tests/guest/allocators.sh MEMSIM SAMPLES_BIN ROOT DEBIAN_CACHE [--tables]
#
# ROOT is built by scripts/make-root.sh and musl-dev fetched into
# DEBIAN_CACHE by scripts/fetch-debian.sh (both cached in the build tree);
# without the network the test is skipped (77) with the reason.  --tables
# prints the comparison docs/ALLOCATORS.md shows, from the traces, and
# keeps them in $ALLOCATORS_KEEP when set (for memsim report).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 4 ] || { echo "usage: $0 MEMSIM SAMPLES_BIN ROOT DEBIAN_CACHE [--tables]" >&2; exit 2; }
memsim=$1 bin=$2 root=$3 cache=$4 tables=${5:-}
skip() { echo "allocators: SKIPPED: $*"; exit 77; }

command -v qemu-i386 >/dev/null || skip "no qemu-i386 (the reference)"
[ -x "$bin/go_alloc" ] || skip "no samples/bin/go_alloc (no go toolchain: scripts/setup.sh installs golang-go)"
mkdir -p "$(dirname "$root")" "$cache"
# the same list as real-programs.sh: whichever test runs first unpacks it
pkgs=(coreutils grep sed gawk findutils diffutils gzip tar bash perl-base python3-minimal sqlite3
      libjemalloc2 libtcmalloc-minimal4 musl)
"$here/../../scripts/make-root.sh" "$root" "${pkgs[@]}" >/dev/null 2>"$root.alloc.log"
case $? in
    0) ;;
    2) skip "cannot fetch the i386 packages: $(tail -n1 "$root.alloc.log")" ;;
    *) echo "FAIL allocators: make-root.sh: $(tail -n1 "$root.alloc.log")"; exit 1 ;;
esac
"$here/../../scripts/fetch-debian.sh" "$cache" musl-dev 2>"$cache/musl-dev.log" ||
    skip "cannot fetch musl-dev (i386): $(tail -n1 "$cache/musl-dev.log")"
root=$(cd "$root" && pwd)
work=${ALLOCATORS_KEEP:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${ALLOCATORS_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# musl's alloc_mix, static and dynamic, with the host's i386 gcc and
# musl-dev's startup files, headers and libc (musl-gcc's specs, by hand)
m=$cache/musl-dev/usr/lib/i386-linux-musl inc=$cache/musl-dev/usr/include/i386-linux-musl
cc=${CC:-cc}
libgcc=$("$cc" -m32 -print-libgcc-file-name)
"$cc" -m32 -O2 -nostdinc -isystem "$inc" -isystem "$("$cc" -m32 -print-file-name=include)" \
    -c "$here/../../samples/alloc_mix.c" -o "$work/am.o" &&
"$cc" -m32 -static -nostdlib -nostartfiles "$m/crt1.o" "$m/crti.o" "$work/am.o" "$m/libc.a" \
    "$libgcc" "$m/crtn.o" -o "$work/musl_alloc_mix" &&
"$cc" -m32 -pie -nostdlib -nostartfiles -Wl,-dynamic-linker,/lib/ld-musl-i386.so.1 \
    "$m/Scrt1.o" "$m/crti.o" "$work/am.o" -L"$root/usr/lib/i386-linux-musl" -lc "$libgcc" \
    "$m/crtn.o" -o "$work/musl_dyn_alloc_mix" ||
    { echo "FAIL allocators: cannot build alloc_mix against musl"; exit 1; }
mkdir -p "$root/opt/memsim"
cp "$bin/alloc_mix" "$bin/dyn_alloc_mix" "$bin/go_alloc" "$work/musl_alloc_mix" \
   "$work/musl_dyn_alloc_mix" "$root/opt/memsim/"

lib=/usr/lib/i386-linux-gnu
# NAME|LD_PRELOAD|PROGRAM (in the root)
runs=(
    "glibc-static||/opt/memsim/alloc_mix"
    "glibc||/opt/memsim/dyn_alloc_mix"
    "jemalloc|$lib/libjemalloc.so.2|/opt/memsim/dyn_alloc_mix"
    "tcmalloc|$lib/libtcmalloc_minimal.so.4|/opt/memsim/dyn_alloc_mix"
    "musl-static||/opt/memsim/musl_alloc_mix"
    "musl||/opt/memsim/musl_dyn_alloc_mix"
    "go||/opt/memsim/go_alloc"
)
q() { sqlite3 "$work/$1.db" "$2"; }
bad=0
fail() { echo "FAIL allocators/$1: $2"; bad=1; }
for r in "${runs[@]}"; do
    IFS='|' read -r name pre prog <<< "$r"
    env=()
    [ -n "$pre" ] && env=(-E "LD_PRELOAD=$pre")
    if [ "$name" = go ]; then
        "$root$prog" > "$work/$name.ref" 2>/dev/null
    else
        (cd "$root" && qemu-i386 -L "$root" "${env[@]}" "$root$prog" > "$work/$name.ref" 2>/dev/null)
    fi
    rs=$?
    "$memsim" run --db "$work/$name.db" --root "$root" "${env[@]}" -- "$prog" \
        > "$work/$name.out" 2> "$work/$name.err" < /dev/null
    ms=$?
    [ "$rs" = "$ms" ] || fail "$name" "status $ms, reference $rs: $(head -n2 "$work/$name.err")"
    cmp -s "$work/$name.ref" "$work/$name.out" || fail "$name" "output differs: $(diff "$work/$name.ref" "$work/$name.out" | head -3 | tr '\n' ' ')"
    enosys=$(q "$name" "SELECT group_concat(DISTINCT name) FROM syscalls WHERE ret = -38")
    [ -z "$enosys" ] || fail "$name" "ENOSYS: $enosys"
done

# the design each allocator documents, as its trace shows it
brk_kib() { q "$1" "SELECT coalesce((max(ret) - min(ret)) / 1024, 0) FROM syscalls WHERE nr = 45 AND ret > 0"; }
calls() { q "$1" "SELECT count(*) FROM syscalls WHERE nr = $2"; }
largest() {  # NAME none|rw: the largest anonymous mapping, PROT_NONE or not, in KiB
    local cond="!= '---'"
    [ "$2" = none ] && cond="= '---'"
    q "$1" "SELECT coalesce(max(stop - start), 0) / 1024 FROM vmas WHERE op = 'map' AND name = '' AND prot_str $cond"
}
expect() {  # NAME WHAT VALUE OP LIMIT
    if [ "$3" "$4" "$5" ]; then echo "PASS allocators/$1: $2: $3"; else fail "$1" "$2: $3, want $4 $5"; fi
}
for n in glibc-static glibc; do
    expect $n "the heap grows by brk (KiB)" "$(brk_kib $n)" -gt 1024
    expect $n "chunks past the mmap threshold munmap'd one by one" "$(calls $n 91)" -ge 10
done
expect jemalloc "no brk growth: mmap only (KiB)" "$(brk_kib jemalloc)" -eq 0
expect jemalloc "extents in mappings of megabytes (largest, KiB)" "$(largest jemalloc rw)" -ge 2048
expect tcmalloc "sbrk first: the heap grows by brk (KiB)" "$(brk_kib tcmalloc)" -gt 1024
for n in musl-static musl; do
    expect $n "brk only for metadata (KiB)" "$(brk_kib $n)" -lt 256
    expect $n "groups and large allocations mmap'd one by one" "$(calls $n 192)" -ge 100
    expect $n "... and munmap'd one by one" "$(calls $n 91)" -ge 100
done
expect go "the arena reserved PROT_NONE up front (largest, KiB)" "$(largest go none)" -ge 262144

if [ "$tables" = --tables ]; then
    echo
    echo "| allocator | instructions | brk calls | heap growth (KiB) | mmap2 | munmap | madvise | anonymous VMAs mapped | their size (MiB) | page faults | anonymous faults | peak RSS (KiB) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for r in "${runs[@]}"; do
        n=${r%%|*}
        q "$n" "SELECT '| $n | ' || (SELECT instructions FROM runs) || ' | ' ||
            (SELECT count(*) FROM syscalls WHERE nr = 45) || ' | ' ||
            (SELECT coalesce((max(ret) - min(ret)) / 1024, 0) FROM syscalls WHERE nr = 45 AND ret > 0) || ' | ' ||
            (SELECT count(*) FROM syscalls WHERE nr = 192) || ' | ' || (SELECT count(*) FROM syscalls WHERE nr = 91) || ' | ' ||
            (SELECT count(*) FROM syscalls WHERE nr = 219) || ' | ' ||
            (SELECT count(*) FROM vmas WHERE op = 'map' AND name = '') || ' | ' ||
            (SELECT printf('%.1f', coalesce(sum(stop - start), 0) / 1048576.0) FROM vmas WHERE op = 'map' AND name = '') || ' | ' ||
            (SELECT count(*) FROM faults) || ' | ' || (SELECT count(*) FROM faults WHERE kind = 'anon') || ' | ' ||
            (SELECT max(peak_rss_pages) * 4 FROM processes) || ' |'"
    done
    echo
    echo "| allocator | dTLB miss % | sTLB miss % | L1d miss % | L2 miss % | LLC miss % | CPI |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for r in "${runs[@]}"; do
        n=${r%%|*}
        q "$n" "WITH s(k, v) AS (SELECT name, sum(value) FROM stats WHERE pid = (SELECT min(pid) FROM stats) GROUP BY name)
            SELECT printf('| $n | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |',
              100.0 * (SELECT v FROM s WHERE k = 'dtlb.misses') / ((SELECT v FROM s WHERE k = 'dtlb.hits') + (SELECT v FROM s WHERE k = 'dtlb.misses')),
              100.0 * (SELECT v FROM s WHERE k = 'stlb.misses') / ((SELECT v FROM s WHERE k = 'stlb.hits') + (SELECT v FROM s WHERE k = 'stlb.misses')),
              100.0 * (SELECT v FROM s WHERE k = 'l1d.misses') / ((SELECT v FROM s WHERE k = 'l1d.hits') + (SELECT v FROM s WHERE k = 'l1d.misses')),
              100.0 * (SELECT v FROM s WHERE k = 'l2.misses') / ((SELECT v FROM s WHERE k = 'l2.hits') + (SELECT v FROM s WHERE k = 'l2.misses')),
              100.0 * (SELECT v FROM s WHERE k = 'llc.misses') / ((SELECT v FROM s WHERE k = 'llc.hits') + (SELECT v FROM s WHERE k = 'llc.misses')),
              1.0 * (SELECT v FROM s WHERE k = 'cycles') / (SELECT v FROM s WHERE k = 'instructions'))"
    done
fi
[ $bad -eq 0 ] && echo "allocators: every allocator matched its reference and showed its design"
exit $bad

#!/usr/bin/env bash
# check-boot-log.sh — `memsim run --boot-log` prints the boot's memory map
# to stderr as Linux 6.1 i386's dmesg lines (kernel-model/boot_log.c), with
# the model's values.  The expected text below is derived by hand from the
# boot (kernel-model/mm_init.c, bootmem.c) for --ram 64M and 1G, 2-level
# paging; the derivation is in the comments.  The guest's own output and
# exit status must be untouched by the flag, and the flag must not change
# the trace.
#
#   check-boot-log.sh MEMSIM HELLO_BIN
set -u
[ $# -eq 2 ] || { echo "usage: $0 MEMSIM HELLO_BIN" >&2; exit 2; }
memsim=$1 bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-bootlog.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0

# Both sizes: one usable e820 range [0, RAM) (the model has no firmware
# holes; the first MiB is reserved by the boot, as 6.1 does), no movable
# zone, one node range.  Kernel image: 1024K code, 192K rwdata, 448K rodata,
# 256K init, 128K bss (page_alloc.h's split of its 2 MiB).
#
# 64M = 16384 frames, all lowmem (0MB HIGHMEM, 64MB LOWMEM); DMA [0, 16M),
# Normal [16M, 64M), HighMem empty.
#   Total pages (free_area_init_core's estimate): DMA 4096 - 4096*32/4096
#   = 4064, Normal 12288 - 96 = 12192: 16256 (>= 5 * 1024: grouping on).
#   Reserved: firmware 256 + image 512 + mem_map 128 (16384 * 32 bytes)
#   + 1 frame of pageblock flags (4 + 8 bytes packed) + swapper_pg_dir 1
#   + the pkmap and fixmap page tables 2 = 900 frames = 3600K (bootmem's
#   bitmap frame is freed at mem_init); free = 16384 - 900 = 15484 frames
#   = 61936K.
cat > "$tmp/want-64M" <<'EOF'
BIOS-provided physical RAM map:
BIOS-e820: [mem 0x0000000000000000-0x0000000003ffffff] usable
0MB HIGHMEM available.
64MB LOWMEM available.
Zone ranges:
  DMA      [mem 0x0000000000000000-0x0000000000ffffff]
  Normal   [mem 0x0000000001000000-0x0000000003ffffff]
  HighMem  empty
Movable zone start for each node
Early memory node ranges
  node   0: [mem 0x0000000000000000-0x0000000003ffffff]
Built 1 zonelists, mobility grouping on.  Total pages: 16256
Memory: 61936K/65536K available (1024K kernel code, 192K rwdata, 448K rodata, 256K init, 128K bss, 3600K reserved, 0K cma-reserved, 0K highmem)
EOF

# 1G = 262144 frames: lowmem ends at 896M (229376 frames), 128MB HIGHMEM;
# Normal [16M, 896M), HighMem [896M, 1G).
#   Total pages: DMA 4064, Normal 225280 - 1760 = 223520, HighMem 32768
#   (no mem_map charge for highmem): 260352.
#   Reserved: 256 + 512 + mem_map 2048 (262144 * 32 bytes) + 1 (pageblock
#   flags: 4 + 112 + 16 bytes in one frame) + swapper 1 + pkmap and fixmap
#   page tables 2 = 2820 = 11280K; free 262144 - 2820 = 259324 = 1037296K;
#   highmem managed 32768 = 131072K.
cat > "$tmp/want-1G" <<'EOF'
BIOS-provided physical RAM map:
BIOS-e820: [mem 0x0000000000000000-0x000000003fffffff] usable
128MB HIGHMEM available.
896MB LOWMEM available.
Zone ranges:
  DMA      [mem 0x0000000000000000-0x0000000000ffffff]
  Normal   [mem 0x0000000001000000-0x0000000037ffffff]
  HighMem  [mem 0x0000000038000000-0x000000003fffffff]
Movable zone start for each node
Early memory node ranges
  node   0: [mem 0x0000000000000000-0x000000003fffffff]
Built 1 zonelists, mobility grouping on.  Total pages: 260352
Memory: 1037296K/1048576K available (1024K kernel code, 192K rwdata, 448K rodata, 256K init, 128K bss, 11280K reserved, 0K cma-reserved, 131072K highmem)
EOF

for ram in 64M 1G; do
    "$memsim" run --no-trace --ram "$ram" --boot-log -- "$bin" \
        > "$tmp/out-$ram" 2> "$tmp/err-$ram" < /dev/null
    status=$?
    [ "$status" -eq 0 ] || { echo "FAIL boot-log $ram: exit status $status"; bad=1; }
    [ "$(cat "$tmp/out-$ram")" = "hello, world" ] ||
        { echo "FAIL boot-log $ram: the guest's stdout changed"; bad=1; }
    if ! diff -u "$tmp/want-$ram" "$tmp/err-$ram" > "$tmp/diff-$ram"; then
        echo "FAIL boot-log $ram: stderr differs from the derived log:"
        cat "$tmp/diff-$ram"
        bad=1
    fi
done

# Without the flag, nothing on stderr; with it, the same trace.
"$memsim" run --no-trace --ram 64M -- "$bin" > /dev/null 2> "$tmp/quiet" < /dev/null
[ -s "$tmp/quiet" ] && { echo "FAIL boot-log: stderr without --boot-log:"; cat "$tmp/quiet"; bad=1; }
"$memsim" run --db "$tmp/a.db" --ram 64M -- "$bin" > /dev/null 2>&1 < /dev/null
"$memsim" run --db "$tmp/b.db" --ram 64M --boot-log -- "$bin" > /dev/null 2>&1 < /dev/null
"$memsim" export "$tmp/a.db" -o "$tmp/a.events" > /dev/null 2>&1
"$memsim" export "$tmp/b.db" -o "$tmp/b.events" > /dev/null 2>&1
if ! cmp -s <(grep -v '^run ' "$tmp/a.events") <(grep -v '^run ' "$tmp/b.events"); then
    echo "FAIL boot-log: --boot-log changed the trace"
    bad=1
fi
[ "$bad" -eq 0 ] && echo "PASS boot-log (64M, 1G)"
exit "$bad"

#!/usr/bin/env bash
# check-proc.sh — the guest's /proc is the model's (kernel-model/procfs*.c).
#
#   check-proc.sh MEMSIM PROC_SELF_BIN [BUSYBOX]
#
# 1. samples/proc_self.c's portable checks (its lines hold on any Linux)
#    under memsim, against the same i386 binary run natively when the
#    kernel runs i386 programs.
# 2. `proc_self exact` under memsim against the expected text below, written
#    by hand from Linux 6.1's rules for what the sample does (derivation in
#    the comments); natively the same, but for /proc/1, which exists there.
# 3. The format of /proc/self/maps (show_map_vma on an i386 kernel: the name
#    padded to column 48) as busybox `cat` prints it, its VMAs the guest's:
#    the binary's own path, [stack], no host path, no address above 3 GiB;
#    skipped without BUSYBOX.  And /proc/meminfo's, status's and smaps's
#    fields.
set -u
[ $# -ge 2 ] || { echo "usage: $0 MEMSIM PROC_SELF_BIN [BUSYBOX]" >&2; exit 2; }
memsim=$1 bin=$2 busybox=${3:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-proc.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() { echo "FAIL proc/$1"; bad=1; }
pass() { echo "PASS proc/$1"; }
run() { "$memsim" run -- "$@" 2>"$tmp/err"; }

# ---- 1. portable checks
run "$bin" one "two words" >"$tmp/m.out" || fail "portable: status $?"
if ! [ -s "$tmp/m.out" ] || grep -q ': no\|exact: no' "$tmp/m.out"; then
    fail portable; cat "$tmp/m.out"
else
    pass portable
fi
if "$bin" one "two words" >"$tmp/n.out" 2>/dev/null; then
    if diff -u "$tmp/n.out" "$tmp/m.out"; then pass portable-native; else fail portable-native; fi
else
    echo "SKIP proc/portable-native (the kernel does not run i386 programs)"
fi

# ---- 2. exact numbers and bad input
# VmSize, VmData: the 64-page private anonymous rw mapping (is_data_mapping);
# VmRSS, RssAnon: its 64 pages touched once each, nothing else new (stdout's
# buffer was made before the baseline); statm's pages are status's kB / 4
# (task_statm: resident = file + anon, shared = file).
# Bad input, as Linux answers root (the guest's uid is memsim's): no other
# pid (the guest is alone: /proc/1 is ENOENT in the model); an unknown name
# and O_CREAT of one ENOENT (proc_root_lookup fails before any create); a
# directory for writing EISDIR; a 0444 file opens for writing
# (CAP_DAC_OVERRIDE), then write is EINVAL for /proc/PID/maps (no ->write)
# and EIO for /proc/meminfo (proc_reg_write without ->proc_write); a
# read-only fd EBADF; seq_lseek refuses SEEK_END; past the end reads 0.
# Without root, open for writing is EACCES (0444) and there is no write.
{
cat <<'OUT'
proc_self
VmSize grew by 256 kB
VmData grew by 256 kB
VmRSS grew by 256 kB
RssAnon grew by 256 kB
statm size*4 is VmSize: yes, resident*4 is VmRSS: yes, shared*4 is RssFile: yes
open /proc/1/status: No such file or directory
open /proc/self/nosuch: No such file or directory
creat /proc/new: No such file or directory
open /proc/self O_WRONLY: Is a directory
OUT
if [ "$(id -u)" = 0 ]; then
    printf '%s\n' "open maps O_WRONLY: ok" "write maps: Invalid argument" \
                  "write meminfo: Input/output error"
else
    echo "open maps O_WRONLY: Permission denied"
fi
cat <<'OUT'
write to a read-only maps fd: Bad file descriptor
lseek SEEK_END: Invalid argument
read past the end: 0
OUT
} >"$tmp/exact.expected"
run "$bin" exact >"$tmp/exact.out" || fail "exact: status $?"
if diff -u "$tmp/exact.expected" "$tmp/exact.out"; then pass exact; else fail exact; fi
if "$bin" exact >"$tmp/exact.native" 2>/dev/null; then
    # natively /proc/1 exists, and the rss counters are per-thread caches
    # that status and statm may read at different syncs
    filt() { grep -v '^open /proc/1/\|^statm\|grew by' "$1"; }
    if diff -u <(filt "$tmp/exact.expected") <(filt "$tmp/exact.native"); then
        pass exact-native
    else
        fail exact-native
    fi
fi

# ---- 3. formats
# show_map_vma: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " then, for a
# named VMA, spaces to column 48 (seq_setwidth(25 + 6 * sizeof(void *) - 1)),
# one more space (seq_pad's c) and the name, which so starts at column 49
# (a 64-bit kernel: 73); an unnamed one ends at the inode's trailing space.
maps_ok() {   # FILE BINARY_PATH
    local x8='[0-9a-f]{8}' x2='[0-9a-f]{2,}'
    if grep -Evq "^$x8-$x8 [r-][w-][x-][sp] $x8 $x2:$x2 [0-9]+ " "$1"; then
        grep -Ev "^$x8-$x8 [r-][w-][x-][sp] $x8 $x2:$x2 [0-9]+ " "$1" | sed 's/^/bad line: /'
        return 1
    fi
    awk -v bin="$2" '
        { n++ }
        { head = $1 " " $2 " " $3 " " $4 " " $5 " " }
        # seq_pad: spaces up to 48, then one more (a longer head: just that one)
        NF > 5 && $0 != (length(head) >= 48 ? head " " $6 : sprintf("%-48s %s", head, $6)) {
            print "bad padding: " $0; bad = 1 }
        NF == 5 && $0 != head { print "bad unnamed line: " $0; bad = 1 }
        $6 == bin { exe = 1 }
        $6 == "[stack]" { stack = 1 }
        /memsim/ { print "host path: " $0; bad = 1 }
        { split($1, r, "-"); if (r[2] > "c0000000") { print "kernel address: " $0; bad = 1 } }
        END { if (!exe) print "no line of " bin; if (!stack) print "no [stack]"
              exit bad || !exe || !stack || n < 3 }' "$1"
}
if [ -n "$busybox" ] && [ -f "$busybox" ]; then
    bb=$(cd "$(dirname "$busybox")" && pwd)/$(basename "$busybox")
    run "$bb" cat /proc/self/maps >"$tmp/bb.maps" || fail "busybox-maps: status $?"
    if maps_ok "$tmp/bb.maps" "$bb"; then pass busybox-maps; else fail busybox-maps; cat "$tmp/bb.maps"; fi
    run "$bb" cat /proc/self/status >"$tmp/bb.status"
    grep -q "^Name:	busybox$" "$tmp/bb.status" && grep -q '^VmRSS:	 *[1-9][0-9]* kB$' "$tmp/bb.status" &&
        grep -q "^Pid:	$(grep '^Tgid:' "$tmp/bb.status" | cut -f2)$" "$tmp/bb.status" &&
        pass busybox-status || { fail busybox-status; cat "$tmp/bb.status"; }
    run "$bb" ls /proc/self/ >"$tmp/bb.ls"
    if [ "$(tr '\n' ' ' <"$tmp/bb.ls")" = "cmdline comm cwd environ exe fd maps smaps smaps_rollup stat statm status " ]; then
        pass busybox-ls
    else
        fail busybox-ls; cat "$tmp/bb.ls"
    fi
    # smaps: show_smap's lines in 6.1's order after each maps line; the
    # rollup is rendered at its own open, after cat faulted in more of its
    # text, so its Rss is at least the sum of the VMAs' (unit/test_procfs
    # checks the sums exactly)
    run "$bb" cat /proc/self/smaps /proc/self/smaps_rollup >"$tmp/bb.smaps"
    labels="Size KernelPageSize MMUPageSize Rss Pss Pss_Dirty Shared_Clean Shared_Dirty Private_Clean Private_Dirty Referenced Anonymous LazyFree AnonHugePages ShmemPmdMapped FilePmdMapped Shared_Hugetlb Private_Hugetlb Swap SwapPss Locked THPeligible VmFlags "
    first=$(sed -n '2,24p' "$tmp/bb.smaps" | sed 's/:.*//' | tr '\n' ' ')
    sums=$(awk '/\[rollup\]/ { roll = 1 } /^Rss:/ { if (roll) r = $2; else s += $2 }
                END { print (s <= r && s > 0) ? "ok" : "sum " s " rollup " r }' "$tmp/bb.smaps")
    if [ "$first" = "$labels" ] && [ "$sums" = ok ]; then
        pass busybox-smaps
    else
        fail busybox-smaps; echo "$first"; echo "$sums"
    fi
else
    echo "SKIP proc/busybox (no busybox binary)"
fi
# meminfo: 6.1's field order for the configuration the model is (HIGHMEM,
# no swap, zswap, THP, hugetlb, CMA), "%-16s%8lu kB" each
if [ -n "$busybox" ] && [ -f "$busybox" ]; then
    run "$bb" cat /proc/meminfo >"$tmp/meminfo"
    fields="MemTotal MemFree MemAvailable Buffers Cached SwapCached Active Inactive Active(anon) Inactive(anon) Active(file) Inactive(file) Unevictable Mlocked HighTotal HighFree LowTotal LowFree SwapTotal SwapFree Dirty Writeback AnonPages Mapped Shmem KReclaimable Slab SReclaimable SUnreclaim KernelStack PageTables NFS_Unstable Bounce WritebackTmp CommitLimit Committed_AS VmallocTotal VmallocUsed VmallocChunk Percpu DirectMap4k DirectMap4M "
    got=$(sed 's/:.*//' "$tmp/meminfo" | tr '\n' ' ')
    total=$(awk '/^MemTotal:/ { print $2 }' "$tmp/meminfo")
    if [ "$got" = "$fields" ] && ! grep -vq '^[A-Za-z0-9_()]*: *[0-9]* kB$' "$tmp/meminfo" &&
       awk 'length($0) != 27 { bad = 1 } END { exit bad }' "$tmp/meminfo" &&
       [ "$total" -gt 200000 ] && [ "$total" -le 262144 ]; then
        pass meminfo
    else
        fail meminfo; cat "$tmp/meminfo"
    fi
fi
exit $bad

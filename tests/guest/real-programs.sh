#!/usr/bin/env bash
# real-programs.sh — Debian's dynamically linked i386 programs (coreutils,
# grep, sed, gawk, findutils, diffutils, gzip, tar, bash, perl-base,
# python3-minimal, sqlite3) under memsim, each against qemu-i386 -L ROOT
# on the same root: stdout, stderr and exit status must match byte for
# byte, and no run may meet an unimplemented system call (the ENOSYS
# audit: memsim --summary names every one).
#
#   tests/guest/real-programs.sh MEMSIM ROOT [NAME...]
#
# ROOT is built (once; then from the cache beside it) by
# scripts/make-root.sh; without the network it is skipped (77) with the
# reason.  The cases are tests/guest/real-programs.list.  Both run with a
# clean environment and /data (the fixtures written below) as the working
# directory: qemu from ROOT/data with argv[0] the guest path (-0), memsim
# through the root's own `env -C /data`, which execs the program (memsim
# starts a rooted guest at /, as chroot(1) does).  Paths are relative to
# /data because qemu-user remaps absolute paths into -L only for some
# calls (statx and opendir of /data see the host's).  /tmp is memsim's
# tmpfs and the host's /tmp under qemu: the cases leave nothing there.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 2 ] || { echo "usage: $0 MEMSIM ROOT [NAME...]" >&2; exit 2; }
memsim=$1 root=$2
shift 2
only=("$@")
# one list for every test that uses the root (allocators.sh has the same):
# whichever runs first unpacks it all, the other finds it there
pkgs=(coreutils grep sed gawk findutils diffutils gzip tar bash perl-base python3-minimal sqlite3
      libjemalloc2 libtcmalloc-minimal4 musl)

command -v qemu-i386 >/dev/null || { echo "real-programs: SKIPPED: no qemu-i386 (the reference)"; exit 77; }
mkdir -p "$(dirname "$root")"
"$here/../../scripts/make-root.sh" "$root" "${pkgs[@]}" >/dev/null 2>"$root.log"
rc=$?
if [ $rc -eq 2 ]; then
    echo "real-programs: SKIPPED: cannot fetch the i386 packages: $(tail -n1 "$root.log")"
    exit 77
elif [ $rc -ne 0 ]; then
    echo "FAIL real-programs: make-root.sh: $(tail -n1 "$root.log")"
    exit 1
fi
root=$(cd "$root" && pwd)

# the fixtures, in the root (it is the build tree's own)
mkdir -p "$root/data"
printf '10\n2\n33\n4\n' > "$root/data/nums.txt"
printf 'alpha\nbeta\ngamma\ndelta\nepsilon\n' > "$root/data/words.txt"
cat > "$root/data/script.pl" <<'PERL'
use strict; use warnings;
my @f = (1, 1); push @f, $f[-1] + $f[-2] while @f < 20;
printf "%d fibs, last %d\n", scalar @f, $f[-1];
open my $fh, '<', 'words.txt' or die "words.txt: $!"; my @w = <$fh>; chomp @w;
my %len; $len{$_} = length for @w;
print join(' ', sort { $len{$a} <=> $len{$b} or $a cmp $b } @w), "\n";
PERL
cat > "$root/data/script.sh" <<'BASH'
set -e
declare -A seen
for w in "$@" $(cat words.txt); do seen[$w]=$(( ${seen[$w]:-0} + 1 )); done
for w in $(printf '%s\n' "${!seen[@]}" | sort); do printf '%s:%s ' "$w" "${seen[$w]}"; done; echo
sum=0; while read -r n; do sum=$((sum + n)); done < nums.txt; echo "sum $sum"
f() { local x=$1; echo $((x * x)); }; echo "sq $(f 12)"
wc -l < words.txt | { read n; echo "lines $n"; }
BASH
# bad libraries for ld.so: a 64-bit ELF as a preload, a truncated libm
cp /bin/true "$root/data/elf64.so"
mkdir -p "$root/data/badlib"
head -c 2000 "$root/usr/lib/i386-linux-gnu/libm.so.6" > "$root/data/badlib/libm.so.6"
# a library whose second PT_LOAD overlaps its first (vaddr moved onto the
# first's page, the offset kept): built here, patched with perl (Debian's
# essential perl-base), the patch keeping p_vaddr = p_paddr
printf 'int answer(void) { return 42; }\n' > "$root/data/lib.c"
${CC:-cc} -m32 -shared -fPIC -o "$root/data/libok.so" "$root/data/lib.c" 2>/dev/null &&
perl -e '
    local $/; open my $f, "<", $ARGV[0] or die; binmode $f; my $d = <$f>;
    my ($phoff) = unpack "V", substr($d, 28, 4); my ($phnum) = unpack "v", substr($d, 44, 2);
    my @loads = grep { unpack("V", substr($d, $phoff + 32 * $_, 4)) == 1 } 0 .. $phnum - 1;
    my $o1 = $phoff + 32 * $loads[0], $o2 = $phoff + 32 * $loads[1];
    my ($v1) = unpack "V", substr($d, $o1 + 8, 4); my ($off2) = unpack "V", substr($d, $o2 + 4, 4);
    my $v = ($v1 & ~0xfff) | ($off2 & 0xfff);
    substr($d, $o2 + 8, 8) = pack "VV", $v, $v;
    open my $o, ">", $ARGV[1] or die; binmode $o; print $o $d;' \
    "$root/data/libok.so" "$root/data/liboverlap.so" ||
    echo "real-programs: cannot build the overlapping library (cc -m32, perl): its case fails"
# in the past: a file newer than the guest's clock (which starts at the
# whole second memsim started) is one ls -l shows with its year
touch -d '2025-06-01 12:00:00' "$root/data" "$root/data"/*

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clean_env=(env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME=/root)
npass=0 nfail=0
while IFS='|' read -r name cmd; do
    case $name in ''|'#'*) continue ;; esac
    if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$name"; then continue; fi
    genv=() native=0
    if [ "${cmd#env:}" != "$cmd" ]; then
        genv=(-E "${cmd%%|*}")
        genv[1]=${genv[1]#env:}
        cmd=${cmd#*|}
    fi
    [ "${cmd#native|}" != "$cmd" ] && native=1 cmd=${cmd#native|}
    eval "args=($cmd)"
    prog=${args[0]}
    stdin=/dev/null
    [ "$name" = tr ] && stdin=$root/data/words.txt
    rm -f /tmp/t.db                     # the sqlite3 case's, on the host under qemu
    if [ $native = 1 ]; then            # only LD_LIBRARY_PATH cases: it becomes --library-path
        lp=${genv[1]#LD_LIBRARY_PATH=}
        (cd "$root/data" && "${clean_env[@]}" timeout 300 "$root/usr/lib/i386-linux-gnu/ld-linux.so.2" \
            --library-path "$root$lp:$root/usr/lib/i386-linux-gnu" "$root$prog" "${args[@]:1}" \
            < "$stdin" > "$work/q.out" 2> "$work/q.err") 2>/dev/null   # no "Bus error" of ours
    else
        (cd "$root/data" && "${clean_env[@]}" timeout 300 qemu-i386 -L "$root" "${genv[@]}" -0 "$prog" "$root$prog" \
            "${args[@]:1}" < "$stdin" > "$work/q.out" 2> "$work/q.err")
    fi
    qs=$?
    rm -f /tmp/t.db
    # the program itself, or through the root's env -C /data (an execve)
    # when it needs /data as its working directory; a case with its own
    # environment runs directly (env would meet its LD_PRELOAD too)
    wrap=(/usr/bin/env -C /data)
    [ ${#genv[@]} -gt 0 ] && wrap=()
    "${clean_env[@]}" timeout 300 "$memsim" run --no-trace --summary --root "$root" "${genv[@]}" -- \
        "${wrap[@]}" "${args[@]}" < "$stdin" > "$work/m.out" 2> "$work/m.all"
    ms=$?
    # memsim's own lines (--summary's, a kill report) end its stderr; the
    # guest's come first.  The native reference's shell reports a signal
    # on its own stderr ("Bus error"): not the guest's either.
    grep -v '^memsim: \|^  [a-zA-Z]' "$work/m.all" > "$work/m.err"
    [ $native = 1 ] && : > "$work/q.err" && : > "$work/m.err"
    why=()
    [ "$qs" = "$ms" ] || why+=("status $ms, qemu-i386 $qs")
    cmp -s "$work/q.out" "$work/m.out" || why+=("stdout differs: $(diff "$work/q.out" "$work/m.out" | head -3 | tr '\n' ' ')")
    cmp -s "$work/q.err" "$work/m.err" || why+=("stderr differs: $(diff "$work/q.err" "$work/m.err" | head -3 | tr '\n' ' ')")
    grep -q 'not implemented' "$work/m.all" && why+=("ENOSYS: $(grep 'not implemented' "$work/m.all")")
    if [ ${#why[@]} -eq 0 ]; then
        echo "PASS real-programs/$name (status $ms, $(grep -c '' "$work/m.out") lines, $(sed -n 's/^  instructions *\([0-9]*\).*/\1/p' "$work/m.all") instructions)"
        npass=$((npass + 1))
    else
        echo "FAIL real-programs/$name: ${why[*]}"
        nfail=$((nfail + 1))
    fi
done < "$here/real-programs.list"
echo "real-programs: $npass passed, $nfail failed"
[ $npass -gt 0 ] && [ $nfail -eq 0 ]

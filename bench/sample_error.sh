#!/usr/bin/env bash
# The error of a sampled access stream (run --sample N[:W]): each sample
# recorded once whole and once per sampling; `memsim replay --stats` of each;
# the sampled estimate of the L1D miss rate, the L2 miss rate and CPI against
# the whole stream's, the stream's bytes (per access of the whole run), and
# the recording's and the replay's wall time (median of RUNS).
#   bench/sample_error.sh [BUILD_DIR] [RUNS] [SAMPLINGS...]   (default build, 3, 10 100)
# Prints a Markdown table for docs/PERFORMANCE.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
runs=${2:-3}
shift $(($# > 2 ? 2 : $#))
samplings=("$@")
[ ${#samplings[@]} -gt 0 ] || samplings=(10 100)
memsim=$build/emu/memsim
replay_bin=$build/replay/memsim-replay
bin=$build/samples/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"     # median_seconds

# "l1d_rate l2_rate cpi" from replay --stats' counters
rates() {
    "$replay_bin" --stats "$1" 2>&1 >/dev/null | awk '$2 == "l1d.hits" {h1 = $1} $2 == "l1d.misses" {m1 = $1}
        $2 == "l2.hits" {h2 = $1} $2 == "l2.misses" {m2 = $1} $2 == "cpi" {c = $1}
        END {printf "%.4f %.4f %.4f\n", 100 * m1 / (h1 + m1), 100 * m2 / (h2 + m2), c}'
}

echo "| sample | --sample | bytes | bytes/access | record s | replay --stats s | L1D miss % | L2 miss % | CPI | L1D err | CPI err |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for s in matrix qsort_strings malloc_mmap; do
    whole=
    for smp in - "${samplings[@]}"; do
        db=$tmp/$s.$smp.db
        opt=(); [ "$smp" = - ] || opt=(--sample "$smp")
        rec=$(median_seconds --fresh "$db" "$runs" "$memsim" run --trace accesses "${opt[@]}" --db "$db" --epoch 0 --seed 1 \
                      --env-clear "$bin/$s")
        read -r n bytes < <(sqlite3 -separator ' ' "$db" \
            "SELECT COALESCE((SELECT accesses FROM access_sampling), SUM(n)), SUM(LENGTH(data)) FROM access_blocks")
        t=$(median_seconds "$runs" "$replay_bin" --stats "$db")
        read -r l1 l2 cpi < <(rates "$db")
        [ -n "$whole" ] || whole="$l1 $cpi"
        awk -v s="$s" -v smp="$smp" -v n="$n" -v by="$bytes" -v r="$rec" -v t="$t" -v l1="$l1" -v l2="$l2" -v c="$cpi" \
            -v w="$whole" 'BEGIN { split(w, a, " ")
            printf "| %s | %s | %d | %.3f | %.3f | %.3f | %.2f | %.2f | %.3f | %+.1f%% | %+.1f%% |\n", s, smp,
                   by, by / n, r, t, l1, l2, c, 100 * (l1 - a[1]) / a[1], 100 * (c - a[2]) / a[2] }'
    done
done

# bench/lib.sh — what the benchmark scripts share (sourced, not run).

# The median of the numbers on stdin, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Wall seconds of one command, from bash's own clock ($EPOCHREALTIME, bash
# 5: no process is started to read it, where two `date` processes used to
# add 2-9 ms to every measurement), its output discarded.  The command's
# own process start is part of what is measured.
seconds() {
    local t0 t1
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    LC_ALL=C awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.4f\n", b - a }'
}

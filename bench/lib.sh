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

# A samples.list line's fields after the name (tests/guest/samples.list:
# env:VAR=VALUE, memsim:OPTIONS, else a guest argument; @FIXTURES@ is $1)
# into the arrays opts (memsim run's options) and args (the guest's).
sample_fields() {
    local fixtures=$1 f more
    shift
    opts=() args=()
    for f in "$@"; do
        f=${f//@FIXTURES@/$fixtures}
        case $f in
            env:*) opts+=(-E "${f#env:}") ;;
            memsim:*) read -r -a more <<< "${f#memsim:}"; opts+=("${more[@]}") ;;
            *) args+=("$f") ;;
        esac
    done
}

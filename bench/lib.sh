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
    "$@" </dev/null >/dev/null 2>&1 || true
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

# The median wall seconds of RUNS runs of a command (seconds above); with
# --fresh DB, the trace DB (and its .old) is removed before each run.
#   median_seconds [--fresh DB] RUNS COMMAND...
median_seconds() {
    local fresh= runs i
    if [ "$1" = --fresh ]; then fresh=$2; shift 2; fi
    runs=$1
    shift
    for ((i = 0; i < runs; i++)); do
        [ -z "$fresh" ] || rm -f "$fresh" "$fresh.old"
        seconds "$@"
    done | median
}

# Call FUNC once per sample of tests/guest/samples.list whose binary is in
# BIN and whose name is one of ONLY... (every sample when none is given),
# with s (the name), opts, args (sample_fields) and cmd (memsim run's
# arguments after the subcommand: a fixed epoch, the list's options, the
# binary and its arguments) set.
#   for_each_sample LIST FIXTURES BIN FUNC [ONLY...]
for_each_sample() {
    local list=$1 fixtures=$2 bin=$3 fn=$4 n want fields
    shift 4
    while IFS='|' read -r -a fields; do
        s=${fields[0]:-}
        case $s in ''|'#'*) continue ;; esac
        if [ $# -gt 0 ]; then
            want=
            for n in "$@"; do [ "$n" = "$s" ] && want=1; done
            [ -n "$want" ] || continue
        fi
        [ -x "$bin/$s" ] || continue
        sample_fields "$fixtures" "${fields[@]:1}"      # opts, args
        cmd=(--epoch 0 ${opts[@]+"${opts[@]}"} -- "$bin/$s" ${args[@]+"${args[@]}"})
        "$fn" </dev/null
    done < "$list"
}

# The inputs of bench/run.sh's busybox workloads, written into DIR: in98.txt
# (98 KiB of text from a 3000-word vocabulary, for gzip) and lines.txt
# (20 000 lines of a number and a word, for sort).  python3's seeded random
# gives the same bytes on every machine.
#   make_inputs DIR
make_inputs() {
    python3 - "$1" <<'EOF'
import random, sys
d = sys.argv[1]
r = random.Random(13)
words = [''.join(r.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(r.randint(2, 9)))
         for _ in range(3000)]
text, n = [], 0
while n < 98 * 1024:
    line = ' '.join(r.choice(words) for _ in range(r.randint(3, 12))) + ' %d\n' % r.randint(0, 99999)
    text.append(line)
    n += len(line)
open(d + '/in98.txt', 'w').write(''.join(text)[:98 * 1024])
r = random.Random(11)
open(d + '/lines.txt', 'w').write(''.join('%08d %s\n' % (r.randint(0, 10**8 - 1),
                                   ''.join(r.choice('abcdefghij') for _ in range(6)))
                                   for _ in range(20000)))
EOF
}

#!/bin/bash
# ctest replay/samples: record every samples.list sample (memsim run --db
# --epoch 0, with the line's arguments, env: and memsim: options) and replay
# its trace; each must exit 0 with "N events replayed, all outcomes match".
# A failure names the sample and the divergence.  Samples that cannot replay
# yet are listed in SKIP with the reason and printed as SKIP lines.  Runs of
# several processes, threads and execs replay like any other.
#   check-samples.sh MEMSIM BIN_DIR SAMPLES_LIST FIXTURES [NAME...]
set -u
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
MEMSIM=$(abs "$1") BIN=$(abs "$2") LIST=$3 FIX=$(abs "$4")
shift 4
ONLY="$*"
# NAME:reason, one per line (none at present).
SKIP=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/replay-samples.XXXXXX")
fail=0 n=0
while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    name=${line%%|*}
    if [ -n "$ONLY" ]; then
        case " $ONLY " in *" $name "*) ;; *) continue ;; esac
    fi
    reason=$(printf '%s\n' "$SKIP" | sed -n "s/^$name://p")
    if [ -n "$reason" ]; then
        echo "SKIP $name: $reason"
        continue
    fi
    IFS='|' read -r -a fields <<<"$line"
    args=() opts=() envs=()
    for f in "${fields[@]:1}"; do
        f=${f//@FIXTURES@/$FIX}
        case $f in
        env:*) envs+=("${f#env:}") ;;
        memsim:*) read -r -a o <<<"${f#memsim:}"; opts+=("${o[@]}") ;;
        *) args+=("$f") ;;
        esac
    done
    db=$TMP/$name.db
    rm -f "$db"
    (cd "$TMP" && env "${envs[@]}" "$MEMSIM" run --db "$db" --epoch 0 "${opts[@]}" \
        "$BIN/$name" "${args[@]}" >"$TMP/$name.out" 2>&1 </dev/null)
    n=$((n + 1))
    if ! "$MEMSIM" replay "$db" >"$TMP/$name.replay" 2>&1; then
        echo "FAIL $name: $(head -1 "$TMP/$name.replay")"
        sed -n '2,12p' "$TMP/$name.replay" | sed 's/^/    /'
        fail=$((fail + 1))
    elif ! grep -q '^[0-9]* events replayed, all outcomes match$' "$TMP/$name.replay"; then
        echo "FAIL $name: $(head -1 "$TMP/$name.replay")"
        fail=$((fail + 1))
    else
        echo "ok   $name: $(head -1 "$TMP/$name.replay")"
    fi
done <"$LIST"
if [ "$fail" -ne 0 ]; then
    echo "$fail of $n samples do not replay (kept: $TMP)"
    exit 1
fi
rm -rf "$TMP"
echo "all $n samples replay"

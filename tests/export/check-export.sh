#!/usr/bin/env bash
# check-export.sh MEMSIM SAMPLES_BIN GOLDEN_DIR — `memsim export --format
# csv|chrome` (check-export.py) on two recorded traces: malloc_mmap, and
# args_env with arguments that need CSV quoting (comma, quote, newline,
# UTF-8) and JSON escaping (both record snapshots: the counters);
# and of an events file (the golden malloc_mmap).
set -u
memsim=$1 bin=$2 golden=$3
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-export.XXXXXX") || exit 1
nfail=0
"$memsim" run --db "$tmp/mm.db" -- "$bin/malloc_mmap" > /dev/null 2>&1
python3 "$here/check-export.py" "$memsim" "$tmp/mm.db" || nfail=$((nfail + 1))
"$memsim" run --db "$tmp/args.db" -- "$bin/args_env" 'a,b' 'say "hi"' $'two\r\nlines' 'é ü' > /dev/null 2>&1
python3 "$here/check-export.py" "$memsim" "$tmp/args.db" || nfail=$((nfail + 1))
# an events file is a trace too
if ! "$memsim" export "$golden/malloc_mmap.events" --format chrome \
        | python3 -c 'import json, sys; d = json.load(sys.stdin); assert len(d["traceEvents"]) > 100'; then
    echo "FAIL export: chrome of malloc_mmap.events"
    nfail=$((nfail + 1))
fi
if [ "$("$memsim" export "$golden/malloc_mmap.events" --format csv --table vmas | grep -c '')" -lt 2 ]; then
    echo "FAIL export: csv of malloc_mmap.events"
    nfail=$((nfail + 1))
fi
if [ "$nfail" = 0 ]; then
    rm -rf "$tmp"
    echo "PASS export/formats"
    exit 0
fi
echo "kept: $tmp"
exit 1

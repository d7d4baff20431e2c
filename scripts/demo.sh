#!/usr/bin/env bash
# The main job on the built-in default: set up, build, run the page-touch
# sample (demand paging and copy-on-write of the zero page) under the model,
# and summarise what the memory system did.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
"$here/scripts/setup.sh" "$build"

db=$here/memsim.db
memsim=$build/emu/memsim
echo
echo "== memsim run --summary --db memsim.db -- samples/bin/page_touch"
"$memsim" run --summary --db "$db" -- "$build/samples/bin/page_touch"
echo
echo "== page faults by kind and resolution"
"$memsim" query "$db" "SELECT kind, resolution, count(*) AS faults FROM faults GROUP BY kind, resolution ORDER BY faults DESC"
echo
echo "== frames allocated, by purpose"
"$memsim" query "$db" "SELECT purpose, count(*) AS frames FROM allocations WHERE op = 'alloc' GROUP BY purpose ORDER BY frames DESC"
echo
echo "== the memory hierarchy (CPU preset skylake): misses per TLB and cache level"
"$memsim" query "$db" "SELECT name, CAST(value AS INTEGER) AS count FROM stats WHERE name IN ('instructions', 'cycles') OR name LIKE '%.misses' OR name = 'walks'"
echo
echo "trace: $db  (try: $memsim query $db \"SELECT * FROM faults LIMIT 10\")"

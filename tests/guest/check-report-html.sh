#!/usr/bin/env bash
# check-report-html.sh — `memsim report TRACE --html FILE` (trace/report.h)
# in a real browser: Debian's chromium, headless.
#
#   check-report-html.sh MEMSIM SAMPLES_BIN
#
#   The page of malloc_mmap's trace is self-contained (no src=, no href but
#   the empty data: icon, no url(, @import or <script>); chromium loads it
#   with no console message (the check is first shown to catch one, on a
#   page that logs an error); its DOM has the charts: svg#chart-over-time,
#   #chart-buddy (a series per buddy order, 11), #chart-rss, #address-map
#   with a g.vma band per VMA and [heap] among them, and the report's
#   tables (section ids).  A screenshot is written to $MEMSIM_REPORT_SHOT
#   when set (to look at).
#   The compare page (`memsim report --html FILE A B`, report_compare.c) of
#   that trace and alloc_mix's: no console message, a totals row per trace,
#   svg#chart-rss-compare and #chart-faults-compare with a series per
#   trace; several traces without --html, or one that is not a trace, exit
#   2 and leave no page.
# Exit 0 when all hold, 77 (skip) without chromium, 1 otherwise.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM SAMPLES_BIN" >&2
    exit 2
fi
memsim=$1 bin=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "SKIP report_html: no chromium (Debian's chromium package, which scripts/setup.sh installs)"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-report-html.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
problem() { echo "FAIL report_html: $*"; fails=$((fails + 1)); }

# load PAGE NAME: chromium's DOM to NAME.dom, its log to NAME.log
load() {
    timeout 120 "$browser" --headless --disable-gpu --no-sandbox --user-data-dir="$tmp/profile" \
        --enable-logging=stderr --v=0 --dump-dom "file://$1" > "$tmp/$2.dom" 2> "$tmp/$2.log" ||
        problem "chromium failed on $1: $(tail -n 3 "$tmp/$2.log")"
}
console() { grep -E 'CONSOLE|Uncaught' "$tmp/$1.log"; }

# ---- the console check catches a console error
printf '<!DOCTYPE html><html><body><script>console.error("report-check")</script></body></html>\n' \
    > "$tmp/neg.html"
load "$tmp/neg.html" neg
console neg | grep -q report-check || problem "the console check does not see a console.error"

# ---- the page
"$memsim" run --db "$tmp/t.db" -- "$bin/malloc_mmap" > /dev/null 2>&1 < /dev/null
"$memsim" report "$tmp/t.db" --html "$tmp/report.html" 2> "$tmp/report.err" ||
    problem "report --html exited $?: $(cat "$tmp/report.err")"
external=$(grep -oE '(src=|href="[^d#]|url\(|@import|<script|<link[^>]*stylesheet)[^ >]{0,40}' "$tmp/report.html")
[ -z "$external" ] || problem "the page is not self-contained: $external"
load "$tmp/report.html" page
[ -z "$(console page)" ] || problem "console messages: $(console page | head -n 3)"
dom=$tmp/page.dom
for id in chart-over-time chart-buddy chart-rss address-map; do
    grep -q "<svg id=\"$id\" class=\"chart" "$dom" || problem "no svg#$id in the DOM"
done
count() { grep -o "$1" "$dom" | wc -l; }
[ "$(count '<polyline class="series"')" -ge 14 ] ||
    problem "$(count '<polyline class="series"') series polylines, expected >= 14 (3 + 11 orders + RSS)"
[ "$(count 'data-series="order ')" = 11 ] || problem "$(count 'data-series="order ') buddy-order series, expected 11"
[ "$(count '<g class="vma"')" -ge 4 ] || problem "$(count '<g class="vma"') VMA bands, expected >= 4"
grep -q '<g class="vma" data-name="\[heap\]"' "$dom" || problem "no [heap] band"
for id in run faults-by-kind faults-by-vma held-at-exit syscalls tlb-cache memory; do
    grep -q "<section id=\"$id\"><h2>" "$dom" || problem "no section#$id"
done
if [ -n "${MEMSIM_REPORT_SHOT:-}" ]; then
    timeout 120 "$browser" --headless --disable-gpu --no-sandbox --user-data-dir="$tmp/profile" \
        --screenshot="$MEMSIM_REPORT_SHOT" --window-size=1200,3000 "file://$tmp/report.html" \
        > /dev/null 2>&1 || problem "no screenshot"
fi

# ---- the compare page of two traces
"$memsim" run --db "$tmp/t2.db" -- "$bin/alloc_mix" > /dev/null 2>&1 < /dev/null
"$memsim" report --html "$tmp/compare.html" "$tmp/t.db" "$tmp/t2.db" 2> "$tmp/compare.err" ||
    problem "report --html of two traces exited $?: $(cat "$tmp/compare.err")"
load "$tmp/compare.html" compare
[ -z "$(console compare)" ] || problem "console messages on the compare page: $(console compare | head -3)"
cdom=$tmp/compare.dom
for id in chart-rss-compare chart-faults-compare; do
    grep -q "<svg id=\"$id\" class=\"chart" "$cdom" || problem "no svg#$id on the compare page"
done
[ "$(grep -o '<polyline class="series"' "$cdom" | wc -l)" = 4 ] ||
    problem "$(grep -o '<polyline class="series"' "$cdom" | wc -l) series on the compare page, expected 4 (2 traces x 2 charts)"
[ "$(grep -o '<tr><td>t2\?\.db</td>' "$cdom" | wc -l)" = 2 ] || problem "the totals table has no row per trace"
"$memsim" report "$tmp/t.db" "$tmp/t2.db" > "$tmp/two.out" 2> "$tmp/two.err"
[ $? = 2 ] && grep -q '^usage: memsim report' "$tmp/two.err" || problem "two traces without --html: not a usage error"
echo "not a trace" > "$tmp/bad.db"
"$memsim" report --html "$tmp/bad.html" "$tmp/t.db" "$tmp/bad.db" > /dev/null 2> "$tmp/bad.err"
[ $? = 2 ] && [ ! -e "$tmp/bad.html" ] || problem "a non-trace among the traces: not exit 2 with no page ($(cat "$tmp/bad.err"))"

[ "$fails" = 0 ] && echo "report_html: all checks passed"
[ "$fails" = 0 ]

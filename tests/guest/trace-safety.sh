#!/usr/bin/env bash
# trace-safety.sh — the trace never loses the user's data, and a run stopped
# by memsim's own signals still completes its runs row.
#
#   trace-safety.sh MEMSIM SAMPLES_BIN_DIR [CC]
#
# SAMPLES_BIN_DIR must hold the hello sample; CC (default gcc) builds three
# small i386 guests here (a busy loop, a writer that fills stdout, the same
# with SIGPIPE ignored).  Every memsim command runs under `timeout`.
#
# Cases (each prints PASS/FAIL/SKIP):
#   refused_*: an existing trace, then runs refused (125/126) for a 2^30-entry
#       STLB (twice), a program without the execute bit, a missing
#       --cpu-config: the trace byte-identical, no .old.
#   db_is_program / db_is_program_alias / db_old_is_program / db_is_config /
#   db_is_stdout: --db naming an input (also as DIR/sub/../prog, or as the
#       name the rotation would give the trace): 125, the input unchanged.
#   db_not_trace / db_foreign_sqlite / db_old_not_trace: a file at --db or
#       --db.old that is not a memsim trace: 125, both files unchanged.
#   db_in_use: a second run on the --db of a live run: 125 "in use", the
#       live trace keeps its inode and no .old appears.
#   SIGINT / SIGTERM / SIGHUP to memsim running a busy loop (no system
#       call): status 128 + sig, the runs row has exit_reason 'interrupted',
#       instructions > 0, exit_status 128 + sig, and the stats rows.
#   sigpipe_guest: a guest writing to stdout piped into `head -c 1`: killed
#       by SIGPIPE (141) as on Linux, runs row exit_reason 'SIGPIPE'.
#   sigpipe_ignored: the same guest with SIGPIPE ignored gets EPIPE from
#       write and exits 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/verdict.sh"   # problem, verdict, skip, expect

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 MEMSIM SAMPLES_BIN_DIR [CC]" >&2
    exit 2
fi
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
memsim=$(abs "$1") hello=$(abs "$2/hello") cc=${3:-gcc}
for f in "$memsim" "$hello"; do
    [ -x "$f" ] || { echo "FAIL guest/trace_safety: missing $f (build memsim and the samples)"; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-trace-safety.XXXXXX") || exit 1
cd "$tmp" || exit 1
BG=()
trap 'for p in "${BG[@]}"; do kill -KILL "$p" 2>/dev/null; done' EXIT

# m NAME ARGS...: memsim ARGS in $tmp, stdin /dev/null; sets $status
m() {
    local name=$1
    shift
    timeout -k 5 60 "$memsim" "$@" > "$name.out" 2> "$name.err" < /dev/null
    status=$?
}
q() { timeout 30 "$memsim" query --csv "$1" "$2" 2> /dev/null | tr -d '\r' | tail -n +2; }
one_line() {
    [ "$(grep -c '' "$1.err")" = 1 ] || problem "stderr has $(grep -c '' "$1.err") lines, expected one"
    grep -qiE -- "$2" "$1.err" || problem "stderr does not match /$2/"
}
same() { cmp -s "$1" "$2" || problem "$1 changed"; }
absent() { [ ! -e "$1" ] || problem "$1 was created"; }

# ---- refused runs leave the trace as it was
m make_trace run --db good.db -- "$hello"
[ "$status" = 0 ] && [ -s good.db ] || { echo "FAIL setup: no trace (status $status)"; exit 1; }
cp good.db good.db.orig
printf 'stlb.entries = 1073741824\nstlb.ways = 1\n' > stlb.cfg
cp "$hello" hello644 && chmod 644 hello644
for r in "stlb|125|--cpu-config stlb.cfg -- $hello" "stlb_again|125|--cpu-config stlb.cfg -- $hello" \
         "noexec|126|-- ./hello644" "missing_config|125|--cpu-config no-such.cfg -- $hello"; do
    IFS='|' read -r name want args <<< "$r"
    # shellcheck disable=SC2086
    m "refused_$name" run --db good.db $args
    expect "$want"; same good.db good.db.orig; absent good.db.old; verdict "refused_$name"
done

# ---- --db naming an input
cp "$hello" prog && cp "$hello" prog.orig
m db_is_program run --db prog -- ./prog
expect 125; one_line db_is_program 'is also the program'; same prog prog.orig; absent prog.old
verdict db_is_program
mkdir -p sub
m db_is_program_alias run --db "$tmp/sub/../prog" -- "$tmp/prog"
expect 125; same prog prog.orig; absent prog.old; verdict db_is_program_alias
cp "$hello" x.old && cp "$hello" x.old.orig && cp good.db x
m db_old_is_program run --db x -- ./x.old
expect 125; one_line db_old_is_program 'x.old.*is also the program'; same x.old x.old.orig
verdict db_old_is_program
printf 'l1d.latency = 5\n' > cfg.cfg && cp cfg.cfg cfg.orig
m db_is_config run --cpu-config cfg.cfg --db cfg.cfg -- "$hello"
expect 125; same cfg.cfg cfg.orig; verdict db_is_config
timeout 60 "$memsim" run --db out.db -- "$hello" > out.db 2> db_is_stdout.err < /dev/null
status=$?
expect 125; one_line db_is_stdout 'standard output'; absent out.db.old; verdict db_is_stdout

# ---- files that are not memsim traces are never replaced
printf 'precious notes\n' > notes.txt && cp notes.txt notes.orig
printf 'older notes\n' > notes.txt.old && cp notes.txt.old notes.old.orig
m db_not_trace run --db notes.txt -- "$hello"
expect 125; one_line db_not_trace 'not a memsim trace'; same notes.txt notes.orig
same notes.txt.old notes.old.orig; verdict db_not_trace
if command -v sqlite3 > /dev/null 2>&1; then
    sqlite3 accounts.sqlite 'CREATE TABLE accounts(owner, balance)' && cp accounts.sqlite accounts.orig
    m db_foreign_sqlite run --db accounts.sqlite -- "$hello"
    expect 125; one_line db_foreign_sqlite "without memsim's tables"; same accounts.sqlite accounts.orig
    absent accounts.sqlite.old; verdict db_foreign_sqlite
else
    skip db_foreign_sqlite "no sqlite3 shell"
fi
cp good.db t2.db && cp good.db t2.orig && printf 'keep me\n' > t2.db.old
m db_old_not_trace run --db t2.db -- "$hello"
expect 125; one_line db_old_not_trace "t2.db.old' is not a memsim trace"; same t2.db t2.orig
[ "$(cat t2.db.old)" = "keep me" ] || problem "t2.db.old was overwritten"
verdict db_old_not_trace

# ---- guests built here
cat > busy.c <<'EOF'
int main(void) { volatile unsigned long x = 0; for (;;) x++; }
EOF
cat > fill.c <<'EOF'
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    static char buf[65536];
    if (argc > 1) signal(SIGPIPE, SIG_IGN);
    memset(buf, 'x', sizeof buf);
    for (int i = 0; i < 16384; i++)
        if (write(1, buf, sizeof buf) < 0) {
            fprintf(stderr, "write: %s\n", strerror(errno));
            return errno == EPIPE ? 0 : 3;
        }
    return 4;
}
EOF
built=1
for p in busy fill; do
    "$cc" -m32 -static -O2 -o "$p" "$p.c" 2> "$p.cc.err" || built=0
done
if [ "$built" = 0 ]; then
    for c in db_in_use SIGINT SIGTERM SIGHUP sigpipe_guest sigpipe_ignored; do
        skip "$c" "$cc -m32 -static cannot build the guests"
    done
    echo "trace-safety: $npass passed, $nfail failed, $nskip skipped"
    [ "$nfail" = 0 ]; exit
fi

# start NAME ARGS...: memsim in the background (default signal
# dispositions), waits until its trace exists; sets $pid
start() {
    local name=$1
    shift
    rm -f "$name.db" "$name.db.old"
    env --default-signal=INT,TERM,HUP,PIPE true 2> /dev/null && set -- env --default-signal=INT,TERM,HUP,PIPE "$@"
    "$@" > "$name.out" 2> "$name.err" < /dev/null &
    pid=$!
    BG+=("$pid")
    for _ in $(seq 100); do [ -s "$name.db" ] && break; sleep 0.1; done
    sleep 1
}

# ---- the lock: a second run on a live trace refuses, renames nothing
start live "$memsim" run --db live.db -- ./busy
ino=$(stat -c %i live.db)
m db_in_use run --db live.db -- "$hello"
expect 125; one_line db_in_use 'in use by another memsim run'
[ "$(stat -c %i live.db)" = "$ino" ] || problem "live.db is no longer the live trace"
absent live.db.old; verdict db_in_use
kill -KILL "$pid" 2> /dev/null; wait "$pid" 2> /dev/null

# ---- memsim's own signals: a complete runs row, then 128 + sig
for sig in INT TERM HUP; do
    start "sig$sig" "$memsim" run --db "sig$sig.db" -- ./busy
    kill -"$sig" "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2> /dev/null && { problem "still running 10 s after SIG$sig"; kill -KILL "$pid"; }
    wait "$pid" 2> /dev/null
    status=$?
    want=$((128 + $(kill -l "$sig")))
    expect "$want"
    row=$(q "sig$sig.db" "SELECT exit_status, exit_reason, instructions > 0, cycles > 0 FROM runs")
    [ "$row" = "$want,interrupted,1,1" ] || problem "runs row '$row', expected '$want,interrupted,1,1'"
    [ "$(q "sig$sig.db" "SELECT count(*) > 0 FROM stats WHERE name = 'instructions'")" = 1 ] ||
        problem "no stats rows"
    grep -q "^memsim: SIG$sig: stopped the guest" "sig$sig.err" || problem "no report line"
    verdict "SIG$sig"
done

# ---- SIGPIPE: the guest gets EPIPE and Linux's SIGPIPE
timeout 60 "$memsim" run --db pipe.db -- ./fill 2> sigpipe_guest.err < /dev/null | head -c 1 > /dev/null
status=${PIPESTATUS[0]}
expect 141
row=$(q pipe.db "SELECT exit_status, exit_reason FROM runs")
[ "$row" = "141,SIGPIPE" ] || problem "runs row '$row', expected '141,SIGPIPE'"
verdict sigpipe_guest
timeout 60 "$memsim" run --db pipe2.db -- ./fill ignore 2> sigpipe_ignored.err < /dev/null | head -c 1 > /dev/null
status=${PIPESTATUS[0]}
expect 0
grep -q 'write: Broken pipe' sigpipe_ignored.err || problem "the guest did not see EPIPE"
[ "$(q pipe2.db "SELECT exit_status, exit_reason FROM runs")" = "0,exit" ] || problem "runs row"
verdict sigpipe_ignored

echo "trace-safety: $npass passed, $nfail failed, $nskip skipped"
if [ "$nfail" = 0 ]; then
    cd / && rm -rf "$tmp"
    exit 0
fi
echo "kept: $tmp"
exit 1

#!/usr/bin/env bash
# trace-kill.sh — the trace survives a kill and a full disk (issue 9, item 10).
#
#   trace-kill.sh MEMSIM CC kill|tmpfs
#
# CC (gcc) builds `churn` here, an i386 guest that maps, touches and unmaps
# 1 MiB at a time (N rounds, 0: forever): a few thousand trace rows a
# round, so batches of TRACE_BATCH (100000) rows commit every few tenths
# of a second.  Every check of a trace goes through `memsim query`, which
# opens it read-only.
#
# kill (always runs):
#   SIGINT, SIGTERM: exit 128 + sig; runs row exit_status 128 + sig and
#       exit_reason 'interrupted'; PRAGMA integrity_check ok; a query on
#       faults; the close's indexes made; no -wal left and the file back in
#       rollback mode (header bytes 18-19 = 1 1): one self-contained file.
#   SIGKILL: exit 137; the file (with its -wal) is a valid database to a
#       read-only open: integrity_check ok, the runs row there with
#       exit_reason NULL, the event rows a whole number of batches (> 0):
#       every committed batch, no part of the one in flight; `memsim report`
#       says the run never ended.  Then a new run
#       on the same --db: the killed trace becomes .old with the same rows,
#       standing alone (no .old-wal), integrity ok.
#   efbig: the trace's file limited by RLIMIT_FSIZE (ulimit -f; SIGXFSZ as
#       the shell leaves it: memsim ignores it): exit 70, one line on stderr
#       that says how many event rows the trace keeps; the file valid, and
#       its event rows exactly that many, a whole number of batches.
# tmpfs: the same on a 24 MiB tmpfs (a real ENOSPC, "database or disk is
#       full"), read after the tmpfs grows to 64 MiB (a reader needs room
#       for PATH-shm); needs root and mount(2), else exits 77 (skipped).
# "A whole number of batches": the commit at the run's start holds the
# runs row and the kernel boot's rows, every later one TRACE_BATCH rows.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/verdict.sh"   # problem, verdict, skip, expect

if [ $# -ne 3 ]; then
    echo "usage: $0 MEMSIM CC kill|tmpfs" >&2
    exit 2
fi
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
memsim=$(abs "$1") cc=$2 mode=$3
batch=100000                              # TRACE_BATCH (trace/schema.h)
[ -x "$memsim" ] || { echo "FAIL guest/trace_kill: missing $memsim"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-trace-kill.XXXXXX") || exit 1
cd "$tmp" || exit 1
BG=() mnt=
cleanup() {
    for p in "${BG[@]}"; do kill -KILL "$p" 2> /dev/null; done
    [ -n "$mnt" ] && umount "$mnt" 2> /dev/null
}
trap cleanup EXIT

q() { timeout 60 "$memsim" query --csv "$1" "$2" 2> q.err | tr -d '\r' | tail -n +2; }
# the event rows with seq below BOUND (a subquery), or all of them
event_rows() {
    local t w=${2:+"WHERE seq < ($2)"} sql="SELECT 0"
    for t in translations faults allocations vmas syscalls segments tlb_flushes uaccess \
             file_maps page_cache snapshots; do
        sql="$sql + (SELECT count(*) FROM $t $w)"
    done
    q "$1" "$sql AS n"
}
# valid DB: integrity_check ok and a query on faults, through read-only opens
valid() {
    local ok
    ok=$(q "$1" "PRAGMA integrity_check")
    [ "$ok" = ok ] || problem "$1: integrity_check '$ok' ($(head -c 200 q.err))"
    [ -n "$(q "$1" "SELECT count(*) FROM faults WHERE kind = 'anon'")" ] ||
        problem "$1: the faults query failed ($(head -c 200 q.err))"
}
# whole batches: the run-start commit (the runs row, with the kernel boot's
# rows: those before the first process starts) and then a positive number
# of batches of TRACE_BATCH rows, none of the batch in flight; sets $rows
whole_batches() {
    local boot
    rows=$(event_rows "$1") boot=$(event_rows "$1" "SELECT min(start_seq) FROM processes")
    [ -n "$rows" ] && [ -n "$boot" ] && [ "$rows" -gt "$boot" ] &&
        [ $(((rows - boot) % batch)) = 0 ] ||
        problem "$1: $rows event rows, $boot of them at boot: expected boot + k * $batch, k > 0"
}
rollback_mode() {   # the header's file format bytes: 1 1 rollback, 2 2 WAL
    [ "$(od -An -tu1 -j18 -N2 "$1" | tr -s ' ')" = " 1 1" ] || problem "$1 is still in WAL mode"
    [ ! -e "$1-wal" ] || problem "$1-wal left behind"
}

cat > churn.c <<'EOF'
#include <stdlib.h>
#include <sys/mman.h>
int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 0;
    for (long i = 0; n == 0 || i < n; i++) {
        char *p = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return 1;
        for (int j = 0; j < 1 << 20; j += 4096)
            p[j] = (char)j;
        munmap(p, 1 << 20);
    }
    return 0;
}
EOF
if ! "$cc" -m32 -static -O2 -o churn churn.c 2> churn.cc.err; then
    echo "SKIP trace_kill: $cc -m32 -static cannot build the guest"
    exit 77
fi

# start NAME ARGS...: memsim in the background with the default signal
# dispositions; waits until NAME.db and its WAL hold > MIN_MB; sets $pid
start() {
    local name=$1 min=$2
    shift 2
    rm -f "$name.db" "$name.db.old" "$name.db-wal"
    env --default-signal=INT,TERM true 2> /dev/null && set -- env --default-signal=INT,TERM "$@"
    "$@" > "$name.out" 2> "$name.err" < /dev/null &
    pid=$!
    BG+=("$pid")
    for _ in $(seq 300); do
        local size
        size=$(cat "$name.db" "$name.db-wal" 2> /dev/null | wc -c)
        [ "$size" -gt $((min << 20)) ] && break
        sleep 0.1
    done
}
finish() {   # wait for $pid to end (10 s at most); sets $status
    for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2> /dev/null && { problem "still running 10 s after the signal"; kill -KILL "$pid"; }
    wait "$pid" 2> /dev/null
    status=$?
}

# The full-disk check: run NAME (memsim ARGS in a subshell that first runs
# LIMIT, e.g. "ulimit -f N"), expect 70 and one line naming the rows kept;
# then run FREE (make room) and check the trace holds exactly those rows.
disk_full() {
    local name=$1 db=$2 limit=$3 msg=$4 free=$5
    shift 5
    ( eval "$limit" && exec timeout -k 5 300 "$memsim" "$@" ) > "$name.out" 2> "$name.err" < /dev/null
    status=$?
    expect 70
    [ "$(grep -c '' "$name.err")" = 1 ] || problem "stderr has $(grep -c '' "$name.err") lines, expected one"
    grep -qE "$msg" "$name.err" || problem "stderr does not say /$msg/"
    local kept
    kept=$(sed -n 's/.*the trace keeps the \([0-9]*\) event rows committed before it.*/\1/p' "$name.err")
    [ -n "$kept" ] || problem "stderr does not say how many rows were kept"
    eval "$free" || problem "cannot make room: $free"
    valid "$db"
    whole_batches "$db"
    [ "$rows" = "$kept" ] || problem "the trace has $rows event rows, stderr says $kept"
}

if [ "$mode" = tmpfs ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP trace_disk_full_tmpfs: not root: cannot mount a tmpfs (the ulimit -f case in guest/trace_kill runs anyway)"
        exit 77
    fi
    mkdir small
    if ! mount -t tmpfs -o size=24m tmpfs small 2> mount.err; then
        echo "SKIP trace_disk_full_tmpfs: mount -t tmpfs failed: $(head -n 1 mount.err)"
        exit 77
    fi
    mnt=$tmp/small
    # a reader needs room for the WAL index (PATH-shm): as a user would,
    # free some space (here: grow the tmpfs) before reading the trace
    disk_full tmpfs small/full.db true 'database or disk is full' \
        "mount -o remount,size=64m $mnt" run --ram 16M --db small/full.db -- ./churn 2000
    verdict tmpfs_full
    echo "trace-disk-full-tmpfs: $npass passed, $nfail failed"
    [ "$nfail" = 0 ] && { cd / && rm -rf "$tmp"; exit 0; }
    echo "kept: $tmp"; exit 1
fi

# ---- SIGINT, SIGTERM: the guest stopped, the trace flushed and closed
for sig in INT TERM; do
    start "sig$sig" 20 "$memsim" run --db "sig$sig.db" -- ./churn
    kill -"$sig" "$pid"
    finish
    want=$((128 + $(kill -l "$sig")))
    expect "$want"
    row=$(q "sig$sig.db" "SELECT exit_status, exit_reason, instructions > 0 FROM runs")
    [ "$row" = "$want,interrupted,1" ] || problem "runs row '$row', expected '$want,interrupted,1'"
    valid "sig$sig.db"
    n=$(q "sig$sig.db" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN
        ('faults_page', 'allocations_pfn', 'translations_pid', 'translations_caused')")
    [ "$n" = 4 ] || problem "$n of the 4 indexes"
    rollback_mode "sig$sig.db"
    verdict "SIG$sig"
done

# ---- SIGKILL: every committed batch, readable read-only
start killed 40 "$memsim" run --db killed.db -- ./churn
kill -KILL "$pid"
finish
expect 137
[ -e killed.db-wal ] || problem "no killed.db-wal: not the WAL the kill was meant to hit"
valid killed.db
whole_batches killed.db
killed_rows=$rows
row=$(q killed.db "SELECT count(*), count(exit_reason), count(instructions), min(program) FROM runs")
[ "$row" = "1,0,0,./churn" ] || problem "runs row '$row', expected one for ./churn that never ended"
timeout 60 "$memsim" report killed.db > killed.report 2> killed.report.err ||
    problem "memsim report on the killed trace failed: $(head -n 1 killed.report.err)"
grep -qE '^exit +never ended' killed.report || problem "the report does not say the run never ended"
verdict SIGKILL
# the killed trace in a directory its reader cannot write: SQLite cannot
# create killed.db-shm there, so the reader says so in one line (exit 1)
# instead of "unable to open database file".  Root writes anywhere: the
# reader is then run as nobody.
as_reader=()
[ "$(id -u)" = 0 ] && command -v setpriv > /dev/null &&
    as_reader=(setpriv --reuid=65534 --regid=65534 --clear-groups)
# (nobody must reach memsim and the temporary directory: else skipped)
chmod 755 "$tmp"
if { [ "$(id -u)" != 0 ] || [ ${#as_reader[@]} -gt 0 ]; } &&
   "${as_reader[@]}" "$memsim" --help > /dev/null 2>&1; then
    mkdir ro && cp killed.db killed.db-wal ro/ && chmod 644 ro/* &&
        chmod 555 ro || problem "cannot set up the read-only directory"
    "${as_reader[@]}" "$memsim" query ro/killed.db "SELECT count(*) FROM faults" > ro.out 2> ro.err
    status=$?
    expect 1
    [ "$(grep -c '' ro.err)" = 1 ] || problem "read-only dir: stderr has $(grep -c '' ro.err) lines, expected one"
    grep -q 'killed.db-shm: this directory is not writable' ro.err ||
        problem "read-only dir: stderr does not name the missing -shm: $(head -n 1 ro.err)"
    chmod 755 ro
    verdict SIGKILL_readonly_dir
else
    echo "SKIP SIGKILL_readonly_dir: no other user can run $memsim here (root without setpriv, or a path nobody cannot reach)"
fi
# the next run on that --db keeps the killed trace as .old, standing alone
timeout 120 "$memsim" run --db killed.db -- ./churn 1 > rerun.out 2> rerun.err < /dev/null
status=$?
expect 0
valid killed.db.old
whole_batches killed.db.old
[ "$rows" = "$killed_rows" ] || problem "killed.db.old has $rows event rows, the killed trace had $killed_rows"
rollback_mode killed.db.old
[ ! -e killed.db.old-shm ] || problem "killed.db.old-shm left behind"
rollback_mode killed.db
[ "$(q killed.db "SELECT exit_reason FROM runs")" = exit ] || problem "the new run's row"
verdict SIGKILL_then_rerun

# ---- a full disk, as a file size limit (EFBIG): always available.  The
# limit (KiB) must leave room for the modelled RAM's memfd (--ram 16M).
# churn without a count never ends: memsim must stop the guest once its
# trace fails (at the next system call) instead of running it on (the
# timeout of disk_full would end it, status 124).
disk_full efbig fsize.db "ulimit -f 40960" 'cannot write trace' true \
    run --ram 16M --db fsize.db -- ./churn
verdict efbig

echo "trace-kill: $npass passed, $nfail failed"
if [ "$nfail" = 0 ]; then
    cd / && rm -rf "$tmp"
    exit 0
fi
echo "kept: $tmp"
exit 1

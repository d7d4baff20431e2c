#!/usr/bin/env bash
# check-accounting.sh MEMSIM SAMPLES_BIN [BUSYBOX] — per-process accounting
# in the trace (schema 10), asserted with SQL on the runs' databases:
#   - fork_cow: one processes row per process (4), the children's ppid the
#     parent's, exit statuses 0, 10, 11 and 138 (SIGUSR1), argv and exe the
#     program's, a peak RSS; context switches parent -> child blocked in
#     wait4, child -> parent exited, three times, each writing CR3 and the
#     cause of that tlb_flushes row; the per-pid stats add up to the pid-0
#     total for every counter; `--stats` prints 4 processes and the total.
#   - pipe_fork: the switches alternate between the two processes, every one
#     blocked in a pipe read or write but the last (the child exited);
#     with --quantum 2000 some are `preempted` and the output is the same.
#   - exec_chain: its three exec_image rows carry its pid, and processes.argv
#     is the last exec's (the #! interpreter's argv).
#   - shm_pair: each page of its three shared objects (SysV by IPC_PRIVATE
#     and by key, POSIX shm) is one frame faulted in by both processes (the
#     same pfn under both pids).
#   - busybox (when present): sh -c 'busybox true' forks a child that execs:
#     its exec_image row carries the child's pid and its argv is its own.
set -u
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
memsim=$(abs "$1") bin=$(abs "$2") busybox=${3:+$(abs "$3")}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-acct.XXXXXX") || exit 1
fail=0
q() { "$memsim" query --csv "$1" "$2" | tail -n +2 | tr -d '\r'; }
check() {   # check NAME GOT WANT
    if [ "$2" = "$3" ]; then
        echo "ok   $1"
    else
        echo "FAIL $1: got '$2', want '$3'"
        fail=1
    fi
}

# ---- fork_cow ----
db=$tmp/fork_cow.db
"$memsim" run --stats --db "$db" -- "$bin/fork_cow" >"$tmp/fc.out" 2>"$tmp/fc.err" </dev/null
check "fork_cow status" "$?" 0
check "fork_cow processes" "$(q "$db" "SELECT count(*) FROM processes")" 4
check "fork_cow ppids" "$(q "$db" "SELECT count(*) FROM processes WHERE ppid = (SELECT pid FROM processes ORDER BY start_seq LIMIT 1)")" 3
check "fork_cow exit statuses" "$(q "$db" "SELECT group_concat(exit_status, ' ') FROM (SELECT exit_status FROM processes ORDER BY pid)")" "0 10 11 138"
check "fork_cow exit reasons" "$(q "$db" "SELECT group_concat(exit_reason, ' ') FROM (SELECT exit_reason FROM processes ORDER BY pid)")" "exit exit exit SIGUSR1"
check "fork_cow argv/exe" "$(q "$db" "SELECT count(*) FROM processes WHERE argv = '$bin/fork_cow' AND exe = '$bin/fork_cow'")" 4
check "fork_cow peak rss" "$(q "$db" "SELECT count(*) FROM processes WHERE peak_rss_pages > 10")" 4
first=$(q "$db" "SELECT min(pid) FROM processes")
check "fork_cow switches" "$(q "$db" "SELECT group_concat((prev_pid - $first) || ':' || (next_pid - $first) || ':' || reason || ':' || coalesce(wait, '') || ':' || cr3_write, ' ') FROM (SELECT * FROM context_switches ORDER BY seq)")" \
      "0:1:blocked:wait4:1 1:0:exited::1 0:2:blocked:wait4:1 2:0:exited::1 0:3:blocked:wait4:1 3:0:exited::1"
check "fork_cow cr3 flush caused by each switch" "$(q "$db" "SELECT count(*) FROM context_switches c JOIN tlb_flushes f ON f.cause = c.seq AND f.kind = 'cr3' AND f.cr3 = c.cr3")" 6
check "fork_cow stats pids" "$(q "$db" "SELECT group_concat(pid, ' ') FROM (SELECT DISTINCT pid FROM stats ORDER BY pid)")" "0 $first $((first + 1)) $((first + 2)) $((first + 3))"
check "fork_cow per-pid stats add up" "$(q "$db" "SELECT count(*) FROM (SELECT name FROM stats WHERE pid > 0 GROUP BY name HAVING sum(value) != (SELECT value FROM stats t WHERE t.pid = 0 AND t.name = stats.name))")" 0
check "fork_cow counters attributed" "$(q "$db" "SELECT count(DISTINCT name) FROM stats WHERE pid > 0 AND name IN ('instructions', 'cycles', 'page_faults', 'syscalls', 'dtlb.misses', 'l1d.misses')")" 6
check "fork_cow children ran" "$(q "$db" "SELECT count(*) FROM stats WHERE pid > $first AND name = 'instructions' AND value > 1000")" 3
check "fork_cow instructions total" "$(q "$db" "SELECT value FROM stats WHERE pid = 0 AND name = 'instructions'")" "$(q "$db" "SELECT instructions FROM runs")"
check "fork_cow --stats headings" "$(grep -c '^ Performance counter stats (modelled, pid [0-9]* (fork_cow)):$' "$tmp/fc.err")" 4
check "fork_cow --stats total" "$(grep -c '^ Performance counter stats (modelled, total of 4 processes):$' "$tmp/fc.err")" 1
# the sum of the printed per-process instructions is the printed total
sum=$(grep -E '^ +[0-9]+ +instructions' "$tmp/fc.err" | awk 'NR <= 4 { s += $1 } END { print s }')
tot=$(grep -E '^ +[0-9]+ +instructions' "$tmp/fc.err" | awk 'NR == 5 { print $1 }')
check "fork_cow --stats instructions add up" "$sum" "$tot"
# one process alone: the old output, one heading, no pid 0 rows
"$memsim" run --stats --db "$tmp/hello.db" -- "$bin/hello" >/dev/null 2>"$tmp/hello.err" </dev/null
check "hello --stats heading" "$(grep -c 'Performance counter stats' "$tmp/hello.err"):$(grep -c '^ Performance counter stats (modelled):$' "$tmp/hello.err")" "1:1"
check "hello stats pid" "$(q "$tmp/hello.db" "SELECT group_concat(DISTINCT pid) FROM stats")" "$(q "$tmp/hello.db" "SELECT pid FROM processes")"
check "hello no switches" "$(q "$tmp/hello.db" "SELECT count(*) FROM context_switches")" 0

# ---- pipe_fork ----
db=$tmp/pipe_fork.db
"$memsim" run --db "$db" -- "$bin/pipe_fork" >"$tmp/pf.out" 2>/dev/null </dev/null
check "pipe_fork status" "$?" 0
check "pipe_fork processes" "$(q "$db" "SELECT group_concat((pid - $first) || ':' || ppid || ':' || exit_status, ' ') FROM (SELECT * FROM processes ORDER BY pid)")" "0:1:0 1:$first:7"
# each switch's next is the following one's prev, and it always changes process
chain="SELECT count(*) FROM context_switches a JOIN context_switches b ON b.seq = (SELECT min(seq) FROM context_switches WHERE seq > a.seq) WHERE a.next_tid != b.prev_tid OR a.prev_pid = a.next_pid"
check "pipe_fork switches chain" "$(q "$db" "$chain")" 0
check "pipe_fork switches alternate" "$(q "$db" "SELECT count(*) FROM context_switches WHERE prev_pid + next_pid != 2 * $first + 1")" 0
check "pipe_fork blocked on pipes" "$(q "$db" "SELECT count(*) > 4 AND sum(reason = 'blocked' AND wait IN ('pipe read', 'pipe write')) = count(*) - 1 FROM context_switches")" 1
check "pipe_fork last switch" "$(q "$db" "SELECT (prev_pid - $first) || ':' || reason FROM context_switches ORDER BY seq DESC LIMIT 1")" "1:exited"
check "pipe_fork per-pid stats add up" "$(q "$db" "SELECT count(*) FROM (SELECT name FROM stats WHERE pid > 0 GROUP BY name HAVING sum(value) != (SELECT value FROM stats t WHERE t.pid = 0 AND t.name = stats.name))")" 0
db=$tmp/pipe_fork_q.db
"$memsim" run --quantum 2000 --db "$db" -- "$bin/pipe_fork" >"$tmp/pfq.out" 2>/dev/null </dev/null
check "pipe_fork --quantum output" "$(cmp -s "$tmp/pf.out" "$tmp/pfq.out" && echo same)" same
check "pipe_fork --quantum preempted" "$(q "$db" "SELECT count(*) > 0 FROM context_switches WHERE reason = 'preempted' AND wait IS NULL")" 1
check "pipe_fork --quantum switches chain" "$(q "$db" "$chain")" 0
check "pipe_fork --quantum stats add up" "$(q "$db" "SELECT count(*) FROM (SELECT name FROM stats WHERE pid > 0 GROUP BY name HAVING sum(value) != (SELECT value FROM stats t WHERE t.pid = 0 AND t.name = stats.name))")" 0

# ---- exec_chain ----
db=$tmp/exec_chain.db
"$memsim" run --db "$db" -- "$bin/exec_chain" >/dev/null 2>&1 </dev/null
check "exec_chain status" "$?" 7
check "exec_chain exec pids" "$(q "$db" "SELECT count(*) || ':' || count(DISTINCT pid) || ':' || min(pid) FROM exec_image")" "3:1:$first"
check "exec_chain segment pids" "$(q "$db" "SELECT count(*) FROM exec_segments WHERE pid IS NOT $first")" 0
check "exec_chain argv" "$(q "$db" "SELECT argv LIKE '$bin/exec_chain script-arg %/run.sh x' FROM processes")" 1
check "exec_chain no switches" "$(q "$db" "SELECT count(*) FROM context_switches")" 0

# ---- shm_pair: one frame in two mms ----
db=$tmp/shm_pair.db
"$memsim" run --db "$db" -- "$bin/shm_pair" >"$tmp/sp.out" 2>&1 </dev/null
check "shm_pair status" "$?" 0
shared="SELECT f.pid, f.pfn FROM faults f JOIN vmas v ON v.op = 'map' AND v.pid = f.pid AND f.address >= v.start
        AND f.address < v.stop AND (v.name LIKE '/SYSV%' OR v.name LIKE '/dev/shm/%')
        AND v.seq = (SELECT max(seq) FROM vmas w WHERE w.op = 'map' AND w.pid = f.pid
                     AND f.address >= w.start AND f.address < w.stop AND w.seq < f.seq)"
check "shm_pair shared pages" "$(q "$db" "SELECT count(DISTINCT pfn) FROM ($shared)")" 4
check "shm_pair each in both" "$(q "$db" "SELECT count(*) FROM (SELECT pfn FROM ($shared) GROUP BY pfn HAVING count(DISTINCT pid) = 2)")" 4

# ---- busybox: a child that execs ----
if [ -n "$busybox" ] && [ -x "$busybox" ]; then
    db=$tmp/bb.db
    "$memsim" run --db "$db" -- "$busybox" sh -c "$busybox true; exit 3" >/dev/null 2>&1 </dev/null
    check "busybox status" "$?" 3
    check "busybox exec pids" "$(q "$db" "SELECT group_concat(pid - $first, ' ') FROM (SELECT pid FROM exec_image ORDER BY rowid)")" "0 1"
    check "busybox child argv" "$(q "$db" "SELECT argv || ':' || exe FROM processes WHERE pid = $((first + 1))")" "$busybox true:$busybox"
    check "busybox parent argv" "$(q "$db" "SELECT argv FROM processes WHERE pid = $first")" "$busybox sh -c $busybox true; exit 3"
else
    echo "SKIP accounting/busybox: no third_party/busybox"
fi

[ $fail = 0 ] && rm -rf "$tmp"
exit $fail

#!/usr/bin/env bash
# bad-input.sh — memsim on inputs that are not runnable programs, bad
# options, unusable trace paths, bad queries and a guest that runs out of
# memory: each must end with its documented exit status and a clear message,
# never with a crash or a hang.
#
#   bad-input.sh MEMSIM SAMPLES_BIN_DIR [CC]
#
# SAMPLES_BIN_DIR must hold the hello and oom_hog samples; CC (default gcc)
# builds the dynamically linked i386 programs.  Statuses (emu/main.c):
#   127 no such program (or interpreter), 126 not a runnable i386 ELF, 125 bad options,
#   70 memsim internal failure, else the guest's (128 + signal when killed).
# Every memsim command runs under `timeout` (60 s; 10 s for the FIFO case,
# whose failure mode is blocking forever), so a hang fails the test (124).
# A memsim crash would show as 134 (abort) or 139 (SIGSEGV) and fails every
# case; the guest's own 139 is told apart by memsim's kill report, a stderr
# line "memsim: SIGSEGV (SEGV_...", which a crash of memsim does not print.
#
# Cases (each prints PASS/FAIL/SKIP):
#   127: a missing file, an empty name, a path through a regular file;
#        stdout empty, exactly one stderr line "memsim: PATH: ...".
#   126: a directory, /dev/null, a FIFO, an empty file, a text file, a #!
#        script, the first 100 and the first 52 bytes of hello, the ELF magic
#        followed by garbage, hello's ELF header followed by garbage, a
#        64-bit ELF (the host's /bin/true): stdout empty, exactly one stderr
#        line naming the file and the problem.
#   127/126: a dynamic program (built here with gcc -m32; skipped if that
#        fails) whose interpreter under --root is missing (127), a
#        directory, a 64-bit ELF, text or a truncated ld.so (126): one line
#        naming the interpreter.
#   139: hello with its code segment made PROT_NONE: the guest dies at its
#        first fetch, one stderr line "memsim: SIGSEGV (SEGV_...".
#   125: unknown option, --ram 1K / abc / 5G / 2^34+1 G (wraps 64 bits when
#        shifted), --seed x / empty, -E without '=', --root missing dir,
#        --writable-root without --root or with --root / (or /.), run
#        with no program, no command, an unknown command, query with one
#        argument: stdout empty (hello never ran), stderr names the problem.
#   --db unusable (parent directory missing, parent is a regular file, the
#        path is a directory, empty path): 125 or 70 (documented failure
#        statuses), exactly one stderr line, hello printed nothing (it never
#        started), nothing created.
#   126 also: a copy of hello without the execute bit (execve's EACCES), and
#        hello with a 3 MB environment (E2BIG: over a quarter of the 8 MiB
#        stack limit), one line each.
#   125 also: --trace with a word that is not a level, an empty word, no
#        value (one line listing the levels);
#        --seed -1 / 0x10 / 2^64 (decimal unsigned 64-bit only),
#        --cpu-config of /dev/zero, a FIFO (must not block), a directory, a
#        file over 1 MiB, a line over 4096 bytes, a 2^30-entry STLB and an
#        LLC of 2^28 lines (validation refuses what would need a huge
#        calloc); --db -- (no file "--" is created).
#   query: missing db (non-zero, one line naming it, file not created), bad
#        SQL ('SQL error'), a write statement (refused, db unchanged), a
#        non-database file, a directory, a FIFO (refused, never blocks),
#        VACUUM INTO and ATTACH (no file created); one good query as the
#        control; --seed 010 recorded as seed=10.
#   OOM: oom_hog under --ram 16M and --ram 4M: status 137, its one stdout
#        line, exactly one stderr line "memsim: out of memory ...", and the
#        trace's runs row says exit_status 137 / OOM, which only a memsim
#        that finished normally writes (a host SIGKILL of memsim is 137 too).
#   ENOSYS: --summary lists the system calls answered -ENOSYS with counts.
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 MEMSIM SAMPLES_BIN_DIR [CC]" >&2
    exit 2
fi
memsim=$1 bindir=$2 cc=${3:-gcc}
hello=$bindir/hello
oom_hog=$bindir/oom_hog
for f in "$memsim" "$hello" "$oom_hog"; do
    [ -x "$f" ] || { echo "FAIL guest/bad_input: missing $f (build memsim and the samples)"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-bad-input.XXXXXX") || exit 1
nfail=0 npass=0 nskip=0
TIMEOUT=60

# run NAME [TIMEOUT] -- CMD...   sets $status; output in $tmp/NAME.out/.err
run() {
    local name=$1 t=$TIMEOUT
    shift
    if [ "$1" != -- ]; then t=$1; shift; fi
    shift
    cur=$name
    cmd_text=$(printf ' %q' "$@")
    timeout -k 5 "$t" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" < /dev/null
    status=$?
}

problems=()
problem() { problems+=("$*"); }

# Explain a status that no case accepts.
status_meaning() {
    case $1 in
        124|137) if [ "$1" = 124 ] || ! grep -q '^memsim: ' "$tmp/$cur.err"; then
                     echo "hang: killed by timeout"; return; fi ;;
    esac
    case $1 in
        134) echo "memsim aborted (SIGABRT)" ;;
        139|135|136|132)
            if grep -q '^memsim: SIG[A-Z]* (' "$tmp/$cur.err"; then echo "guest killed by a signal"
            else echo "memsim itself crashed (signal $(($1 - 128)), no kill report)"; fi ;;
        *) echo "status $1" ;;
    esac
}

expect_status() {     # expect_status ALLOWED...
    local s
    for s in "$@"; do [ "$status" = "$s" ] && return 0; done
    problem "exit status $status ($(status_meaning "$status")), expected $*"
    return 1
}

no_stdout() {
    [ -s "$tmp/$cur.out" ] && problem "stdout not empty (the guest ran?): $(head -c 200 "$tmp/$cur.out")"
}

# one_line REGEX: stderr is exactly one line, starting "memsim: ", matching REGEX (ERE, case-insensitive)
one_line() {
    local n
    n=$(grep -c '' "$tmp/$cur.err")
    if [ "$n" != 1 ]; then
        problem "stderr has $n lines, expected exactly one"
    elif ! grep -q '^memsim: ' "$tmp/$cur.err"; then
        problem "stderr line does not start with 'memsim: '"
    fi
    if ! head -n 1 "$tmp/$cur.err" | grep -qiE -- "$1"; then
        problem "stderr does not match /$1/"
    fi
}

# first_line REGEX: the first stderr line matches (a usage text may follow)
first_line() {
    [ -s "$tmp/$cur.err" ] || { problem "nothing on stderr"; return; }
    head -n 1 "$tmp/$cur.err" | grep -qiE -- "$1" || problem "first stderr line does not match /$1/"
}

contains_fixed() {    # the stderr line names STRING (e.g. the path)
    grep -qF -- "$1" "$tmp/$cur.err" || problem "stderr does not name '$1'"
}

verdict() {
    if [ ${#problems[@]} -eq 0 ]; then
        echo "PASS $cur"
        npass=$((npass + 1))
    else
        echo "FAIL $cur"
        echo "    command:$cmd_text"
        local p
        for p in "${problems[@]}"; do echo "    $p"; done
        if [ -s "$tmp/$cur.err" ]; then
            echo "    stderr:"
            head -n 5 "$tmp/$cur.err" | sed 's/^/      /'
        fi
        nfail=$((nfail + 1))
    fi
    problems=()
}

skip() { echo "SKIP $1: $2"; nskip=$((nskip + 1)); }

# ---------------------------------------------------------------- 127
run missing -- "$memsim" run --no-trace "$tmp/no-such-program"
expect_status 127; no_stdout; one_line 'no such file'; contains_fixed "$tmp/no-such-program"; verdict

run empty_name -- "$memsim" run --no-trace ""
expect_status 127; no_stdout; one_line '.'; verdict

run through_file -- "$memsim" run --no-trace "$hello/x"
expect_status 127; no_stdout; one_line 'not a directory|no such'; contains_fixed "$hello/x"; verdict

# ---------------------------------------------------------------- 126
# run_noexec NAME FILE REGEX [TIMEOUT]
run_noexec() {
    # executable, so that the check under test is the one that refuses it
    [ -f "$2" ] && [ "${2#"$tmp"/}" != "$2" ] && chmod +x "$2"
    run "$1" "${4:-$TIMEOUT}" -- "$memsim" run --no-trace "$2"
    expect_status 126; no_stdout; one_line "$3"; contains_fixed "$2"; verdict
}

mkdir "$tmp/a-directory"
run_noexec directory "$tmp/a-directory" 'directory'
run_noexec dev_null /dev/null 'regular'
mkfifo "$tmp/a-fifo"
run_noexec fifo "$tmp/a-fifo" 'regular|fifo' 10
: > "$tmp/empty"
run_noexec empty_file "$tmp/empty" 'not an ELF|empty'
printf 'this is just text\nnot a program\n' > "$tmp/text"
run_noexec text_file "$tmp/text" 'not an ELF'
printf '#!/bin/sh\necho should not run\n' > "$tmp/script.sh"
chmod +x "$tmp/script.sh"
run_noexec script "$tmp/script.sh" 'not an ELF|script'
head -c 100 "$hello" > "$tmp/truncated100"
run_noexec truncated_100 "$tmp/truncated100" 'truncat|program header|past the end|too short'
head -c 52 "$hello" > "$tmp/truncated52"
run_noexec truncated_52 "$tmp/truncated52" 'truncat|program header|past the end|too short'
# Deterministic garbage: an LCG, so a failure reproduces.
garbage() {
    LC_ALL=C awk -v n="$1" 'BEGIN { x = 12345; for (i = 0; i < n; i++) { x = (x * 69069 + 1) % 4294967296; printf "%c", int(x / 16777216) } }'
}
{ printf '\177ELF'; garbage 4096; } > "$tmp/magic-garbage"
run_noexec magic_garbage "$tmp/magic-garbage" '.'
{ head -c 52 "$hello"; garbage 8192; } > "$tmp/header-garbage"
run_noexec header_garbage "$tmp/header-garbage" '.'

host_true=$(command -v true 2>/dev/null)
[ -f /bin/true ] && host_true=/bin/true
if [ -n "$host_true" ] && [ "$(head -c 5 "$host_true" | od -An -tx1 | tr -d ' \n')" = 7f454c4602 ]; then
    run_noexec elf64 "$host_true" '64'
else
    skip elf64 "no 64-bit ELF /bin/true on this host"
fi

# A dynamic program's interpreter (PT_INTERP), looked up under --root:
# missing, 127; a directory, a 64-bit ELF, text, a truncated ld.so, 126;
# each one line naming it.  The program itself is the host's (outside the
# root), the interpreter the root's.
printf 'int main(void) { return 0; }\n' > "$tmp/dyn.c"
if "$cc" -m32 -no-pie -o "$tmp/dyn_nopie" "$tmp/dyn.c" 2> /dev/null &&
   interp=$(tr -d '\0' < "$tmp/dyn_nopie" | grep -a -o -m1 '/lib[^ ]*ld-linux[^ ]*\.so\.[0-9]' | head -1) &&
   [ -n "$interp" ]; then
    run_interp() {  # NAME STATUS PATTERN: run dyn_nopie with $tmp/r-NAME as the root
        run "interp_$1" -- "$memsim" run --no-trace --root "$tmp/r-$1" "$tmp/dyn_nopie"
        expect_status "$2"; no_stdout; one_line "$3"; contains_fixed "$interp"; verdict
    }
    mkdir -p "$tmp/r-missing" "$tmp/r-dir$interp" "$tmp/r-elf64${interp%/*}" \
             "$tmp/r-text${interp%/*}" "$tmp/r-cut${interp%/*}"
    run_interp missing 127 'interpreter .*No such file'
    run_interp dir 126 'interpreter .*directory'
    if [ -n "$host_true" ]; then
        cp "$host_true" "$tmp/r-elf64$interp"
        run_interp elf64 126 'bad ELF interpreter .*64-bit'
    fi
    printf 'not a loader\n' > "$tmp/r-text$interp" && chmod +x "$tmp/r-text$interp"
    run_interp text 126 'bad ELF interpreter .*not an ELF'
    if [ -f "$interp" ]; then
        head -c 3000 "$interp" > "$tmp/r-cut$interp" && chmod +x "$tmp/r-cut$interp"
        run_interp cut 126 'bad ELF interpreter .*(past the end|program header)'
    fi
else
    skip interp "$cc -m32 cannot build a dynamically linked i386 program"
fi

# execve's EACCES: a regular file without the execute bit is 126, never run
cp "$hello" "$tmp/hello644"
chmod 644 "$tmp/hello644"
run no_exec_bit -- "$memsim" run --no-trace "$tmp/hello644"
expect_status 126; no_stdout; one_line 'permission denied'; contains_fixed "$tmp/hello644"; verdict

# execve's E2BIG: argv + envp over a quarter of the 8 MiB RLIMIT_STACK is 126
# with one line, before anything runs (memsim's own exec needs a bigger
# stack limit to receive 3 MB; skipped where it cannot be raised).
big=$(head -c 100000 /dev/zero | tr '\0' x)
cur=e2big cmd_text=" memsim run --no-trace hello (30 x 100 kB environment)"
( { ulimit -s 65536 || ulimit -s unlimited; } 2>/dev/null || exit 200
  for i in $(seq 30); do export "MEMSIM_BIG_$i=$big"; done
  exec timeout -k 5 "$TIMEOUT" "$memsim" run --no-trace "$hello" ) > "$tmp/e2big.out" 2> "$tmp/e2big.err" < /dev/null
status=$?
unset big
if [ "$status" = 200 ] || grep -q 'Argument list too long' "$tmp/e2big.err" && ! grep -q '^memsim' "$tmp/e2big.err"; then
    skip e2big "cannot raise the stack limit to hand memsim a 3 MB environment"
else
    expect_status 126; no_stdout; one_line 'E2BIG'; verdict
fi

# ---------------------------------------------------------------- 139
# A valid ELF whose code cannot run: hello with p_flags 0 (PROT_NONE) on its
# executable PT_LOAD.  The guest dies on its first instruction fetch, as on
# Linux: 139 and memsim's one-line kill report naming the fault (without NX
# a *readable* segment would be executable, so the flags are cleared whole).
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
cp "$hello" "$tmp/none_text"
phoff=$(u32 "$hello" 28)
phnum=$(od -An -tu2 -j44 -N2 "$hello" | tr -d ' ')
patched=0
for ((i = 0; i < phnum; i++)); do
    ph=$((phoff + 32 * i))
    if [ "$(u32 "$hello" "$ph")" = 1 ] && [ $(($(u32 "$hello" $((ph + 24))) & 1)) = 1 ]; then
        printf '\0\0\0\0' | dd of="$tmp/none_text" bs=1 seek=$((ph + 24)) conv=notrunc status=none
        patched=$((patched + 1))
    fi
done
if [ "$patched" -ge 1 ]; then
    run none_text -- "$memsim" run --no-trace "$tmp/none_text"
    expect_status 139; no_stdout; one_line '^memsim: SIGSEGV \(SEGV_(ACCERR|MAPERR)\)'; verdict
else
    skip none_text "no executable PT_LOAD found in $hello"
fi

# ---------------------------------------------------------------- 125
# run_usage NAME REGEX ARGS...   (memsim ARGS...: 125, stdout empty)
run_usage() {
    local name=$1 re=$2
    shift 2
    run "$name" -- "$memsim" "$@"
    expect_status 125; no_stdout; first_line "$re"; verdict
}
run_usage unknown_option 'unrecognized option|unknown option|invalid option' run --bogus --no-trace "$hello"
run_usage ram_1K '--ram 1K' run --no-trace --ram 1K "$hello"

# CPU presets and config files: 125 with the valid choices listed
printf 'l1d.ways = 3\n' > "$tmp/bad-geometry.cfg"
printf 'l9.size = 32K\n' > "$tmp/bad-key.cfg"
printf 'l1d.replacement = sometimes\n' > "$tmp/bad-repl.cfg"
run_usage cpu_unknown "unknown CPU 'bogus' \\(choose from: skylake, core2" run --no-trace --cpu bogus "$hello"
run_usage cpu_config_geometry 'bad-geometry.cfg:1: l1d: .*power-of-two' run --no-trace --cpu-config "$tmp/bad-geometry.cfg" "$hello"
run_usage cpu_config_key "bad-key.cfg:1: unknown key 'l9.size' \\(valid: " run --no-trace --cpu-config "$tmp/bad-key.cfg" "$hello"
run_usage cpu_config_repl "bad-repl.cfg:1: l1d.replacement: .*\\(valid: lru, fifo, random\\)" run --no-trace --cpu-config "$tmp/bad-repl.cfg" "$hello"
run_usage cpu_config_missing 'nonexistent.cfg' run --no-trace --cpu-config "$tmp/nonexistent.cfg" "$hello"
run_usage engine_bad '--engine fast: expected model or raw' run --no-trace --engine fast "$hello"
run_usage paging_bad '--paging 3level: expected 2level or pae' run --no-trace --paging 3level "$hello"
run_usage paging_missing "option '--paging' needs a value" run --no-trace --paging
run_usage ram_abc '--ram abc' run --no-trace --ram abc "$hello"
run_usage ram_5G '--ram 5G' run --no-trace --ram 5G "$hello"
run_usage ram_wraps '--ram 17179869185G' run --no-trace --ram 17179869185G "$hello"
run_usage seed_x '--seed x' run --no-trace --seed x "$hello"
run_usage seed_negative '--seed -1: expected a decimal' run --no-trace --seed -1 "$hello"
run_usage seed_hex '--seed 0x10: expected a decimal' run --no-trace --seed 0x10 "$hello"
run_usage seed_too_big '--seed 18446744073709551616' run --no-trace --seed 18446744073709551616 "$hello"
run_usage trace_level_bad "--trace faults,bogus: 'bogus' is not a trace level \\(expected a comma-separated list of syscalls, faults" run --no-trace --trace faults,bogus "$hello"
run_usage trace_level_empty "--trace faults,: '' is not a trace level" run --no-trace --trace faults, "$hello"
run_usage trace_level_missing "option '--trace' needs a value" run --no-trace --trace
# bounded config reading: not a regular file, too big, a too-long line, and
# a geometry that would need a 24 GiB calloc (refused by validation)
run "cpu_config_devzero" 10 -- "$memsim" run --no-trace --cpu-config /dev/zero "$hello"
expect_status 125; no_stdout; one_line '/dev/zero: not a regular file'; verdict
mkfifo "$tmp/cfg-fifo"
run "cpu_config_fifo" 10 -- "$memsim" run --no-trace --cpu-config "$tmp/cfg-fifo" "$hello"
expect_status 125; no_stdout; one_line 'not a regular file'; verdict
run_usage cpu_config_directory 'is a directory' run --no-trace --cpu-config "$tmp" "$hello"
head -c 1100000 /dev/zero | tr '\0' '#' > "$tmp/huge.cfg"
run_usage cpu_config_huge 'larger than 1048576 bytes' run --no-trace --cpu-config "$tmp/huge.cfg" "$hello"
{ printf '# '; head -c 5000 /dev/zero | tr '\0' x; echo; } > "$tmp/longline.cfg"
run_usage cpu_config_long_line 'longline.cfg:1: line longer than 4096' run --no-trace --cpu-config "$tmp/longline.cfg" "$hello"
printf 'stlb.entries = 1073741824\nstlb.ways = 1\n' > "$tmp/stlb-huge.cfg"
run_usage cpu_config_stlb_huge 'stlb-huge.cfg:1: stlb.entries 1073741824 is more than 1048576' run --no-trace --cpu-config "$tmp/stlb-huge.cfg" "$hello"
printf 'llc.size = 4095M\nllc.ways = 4095\nllc.line = 16\n' > "$tmp/llc-huge.cfg"
run_usage cpu_config_llc_huge 'llc: size .* lines, more than 16777216' run --no-trace --cpu-config "$tmp/llc-huge.cfg" "$hello"
run_usage seed_empty '--seed' run --no-trace --seed '' "$hello"
run_usage env_no_equals '-E' run --no-trace -E NOEQUALS "$hello"
run_usage root_missing "$tmp/no-such-root" run --no-trace --root "$tmp/no-such-root" "$hello"
run_usage writable_root_no_root '--writable-root needs --root DIR' run --no-trace --writable-root "$hello"
run_usage writable_root_slash '--writable-root needs --root DIR' run --no-trace --writable-root --root / "$hello"
run_usage writable_root_slash_dot '--writable-root needs --root DIR' run --no-trace --root /. --writable-root "$hello"
run_usage no_program 'no program' run --no-trace
run_usage no_command 'usage' 
run_usage unknown_command "unknown command" frobnicate "$hello"
run_usage query_one_arg 'usage' query "$tmp/x.db"

# ---------------------------------------------------------------- --db
# run_baddb NAME DBPATH REGEX: the error comes before the guest starts
run_baddb() {
    run "$1" -- "$memsim" run --db "$2" "$hello"
    expect_status 125 70; no_stdout; one_line "$3"
    [ -n "$2" ] && contains_fixed "$2"
}
run_baddb db_no_parent "$tmp/no-such-dir/sub/t.db" 'no such file|cannot'
[ -e "$tmp/no-such-dir" ] && problem "$tmp/no-such-dir was created"
verdict
printf 'a regular file\n' > "$tmp/regular"
run_baddb db_parent_is_file "$tmp/regular/t.db" 'not a directory|cannot'
[ "$(cat "$tmp/regular")" = "a regular file" ] || problem "$tmp/regular was modified"
verdict
mkdir "$tmp/db-is-dir"
run_baddb db_is_directory "$tmp/db-is-dir" 'directory|regular|cannot'
[ -d "$tmp/db-is-dir" ] && [ -z "$(ls -A "$tmp/db-is-dir")" ] || problem "$tmp/db-is-dir was changed"
verdict
run_baddb db_empty_path "" 'empty|path|cannot'
verdict
# "--db --" is a forgotten value, not a file named "--"
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
( m=$(abs "$memsim") h=$(abs "$hello"); cd "$tmp" && exec timeout -k 5 "$TIMEOUT" "$m" run --db -- "$h" ) > "$tmp/db_dashdash.out" 2> "$tmp/db_dashdash.err" < /dev/null
status=$? cur=db_dashdash cmd_text=" memsim run --db -- hello"
expect_status 125; no_stdout; one_line "--db --: expected a file name"
[ -e "$tmp/--" ] && problem "a file named '--' was created"
verdict

# ---------------------------------------------------------------- query
# A real trace for the query cases, and the control: a good query works.
run make_db -- "$memsim" run --db "$tmp/good.db" "$hello"
expect_status 0
[ "$(cat "$tmp/make_db.out")" = "hello, world" ] || problem "hello printed '$(head -c 100 "$tmp/make_db.out")'"
verdict
run query_good -- "$memsim" query --csv "$tmp/good.db" 'SELECT exit_status, exit_reason FROM runs'
expect_status 0
[ "$(tr -d '\r' < "$tmp/query_good.out" | tail -n 1)" = "0,exit" ] || problem "unexpected output: $(head -c 200 "$tmp/query_good.out")"
verdict

# query_fails NAME REGEX ARGS...: an ordinary failure (1..125), one line
query_fails() {
    local name=$1 re=$2
    shift 2
    run "$name" -- "$memsim" query "$@"
    if [ "$status" = 0 ] || [ "$status" -gt 125 ]; then
        problem "exit status $status ($(status_meaning "$status")), expected a failure status 1..125"
    fi
    no_stdout; one_line "$re"
}
query_fails query_missing_db 'no such file|cannot open' "$tmp/missing.db" 'SELECT 1'
contains_fixed "$tmp/missing.db"
[ -e "$tmp/missing.db" ] && problem "query created $tmp/missing.db"
verdict
query_fails query_bad_sql 'SQL error' "$tmp/good.db" 'SELEKT * FROM runs'
verdict
query_fails query_no_table 'SQL error' "$tmp/good.db" 'SELECT * FROM no_such_table'
verdict
before=$(cksum < "$tmp/good.db")
query_fails query_write 'SQL error.*read-?only' "$tmp/good.db" 'DELETE FROM runs'
[ "$(cksum < "$tmp/good.db")" = "$before" ] || problem "the trace was modified"
verdict
query_fails query_not_a_db 'SQL error|not a database|cannot' "$tmp/text" 'SELECT * FROM runs'
verdict
query_fails query_directory 'directory|cannot' "$tmp/a-directory" 'SELECT 1'
verdict
# a FIFO is refused before SQLite opens it (opening it would block)
run query_fifo 10 -- "$memsim" query "$tmp/a-fifo" 'SELECT 1'
[ "$status" = 124 ] && problem "blocked on the FIFO"
[ "$status" = 0 ] && problem "exit status 0"
one_line 'not a regular file'; verdict
# query creates no file: VACUUM INTO is not read-only, ATTACH is disabled
query_fails query_vacuum_into 'not a read-only statement' "$tmp/good.db" "VACUUM INTO '$tmp/vacuumed.db'"
[ -e "$tmp/vacuumed.db" ] && problem "VACUUM INTO wrote $tmp/vacuumed.db"
verdict
query_fails query_attach 'SQL error' "$tmp/good.db" "ATTACH '$tmp/attached.db' AS a; CREATE TABLE a.t(x)"
[ -e "$tmp/attached.db" ] && problem "ATTACH created $tmp/attached.db"
verdict
# --seed is decimal: 010 is ten, as the trace's options record
run seed_decimal -- "$memsim" run --seed 010 --db "$tmp/seed.db" "$hello"
expect_status 0
opts=$(timeout 60 "$memsim" query --csv "$tmp/seed.db" 'SELECT options FROM runs' 2>&1 | tail -n 1)
case $opts in *"seed=10 "*) ;; *) problem "runs.options '$opts', expected seed=10" ;; esac
verdict

# ---------------------------------------------------------------- OOM
# run_oom NAME RAM
run_oom() {
    local name=$1 ram=$2
    rm -f "$tmp/$name.db"
    run "$name" -- "$memsim" run --ram "$ram" --db "$tmp/$name.db" "$oom_hog"
    expect_status 137
    [ "$(cat "$tmp/$name.out")" = "oom_hog: allocating" ] \
        || problem "stdout is not exactly 'oom_hog: allocating': $(head -c 200 "$tmp/$name.out")"
    one_line "^memsim: out of memory \\(--ram $ram\\)"
    # Written by trace_end_run only when memsim ran to the end itself.
    local row
    row=$(timeout 60 "$memsim" query --csv "$tmp/$name.db" \
              'SELECT exit_status, exit_reason FROM runs' 2>&1 | tr -d '\r' | tail -n 1)
    [ "$row" = "137,OOM" ] || problem "runs row: '$row', expected '137,OOM'"
    verdict
}
run_oom oom_16M 16M
run_oom oom_4M 4M

# ---------------------------------------------------------------- ENOSYS
# --summary counts every -ENOSYS the guest got: a program calling 17 (break: sys_ni_syscall in Linux) twice,
# 31 (stty: ENOSYS in Linux too) once and 5000 (past the table) once; names where the table has one
# (glibc's own set_robust_list/rseq probes are counted too, so the total
# is not fixed).  Without --summary nothing is said.
cat > "$tmp/nosys.c" <<'CEOF'
#include <unistd.h>
int main(void) { syscall(17); syscall(17); syscall(31); syscall(5000); return 0; }
CEOF
if "$cc" -m32 -static -O2 -o "$tmp/nosys" "$tmp/nosys.c" 2> /dev/null; then
    run enosys_summary -- "$memsim" run --no-trace --summary "$tmp/nosys"
    expect_status 0
    grep -Eq '^  [0-9]+ system calls not implemented: (.*, )?17 x2, 31 x1, 5000 x1$' "$tmp/$cur.err" \
        || problem "no ENOSYS line with '17 x2, 31 x1, 5000 x1': $(tail -n 1 "$tmp/$cur.err")"
    verdict
    run enosys_quiet -- "$memsim" run --no-trace "$tmp/nosys"
    expect_status 0
    [ -s "$tmp/$cur.err" ] && problem "stderr not empty without --summary"
    verdict
else
    skip enosys_summary "$cc -m32 -static cannot build the sample"
fi

echo "bad-input: $npass passed, $nfail failed, $nskip skipped"
if [ "$nfail" = 0 ]; then
    rm -rf "$tmp"
    exit 0
fi
echo "kept: $tmp"
exit 1

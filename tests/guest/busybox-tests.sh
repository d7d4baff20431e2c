#!/usr/bin/env bash
# busybox-tests.sh — run Debian's static i386 busybox under memsim and under
# qemu-i386 (the reference, run live) and compare them.
#
#   busybox-tests.sh MEMSIM [BUSYBOX [CASE...]]
#
# BUSYBOX defaults to third_party/busybox/bin/busybox (scripts/fetch-busybox.sh
# puts it there).  Every case below runs a busybox applet (or a two-command
# pipeline of them, both halves under the same runner) with a given stdin;
# stdout and the exit status of every command must be identical under memsim
# and qemu-i386, and every memsim run's trace must replay (memsim replay: all
# outcomes match).  stderr is not compared (memsim may add its own lines), but
# memsim's is shown when a case fails.
#
# memsim runs get `--root /` (the guest sees the host file system, as under
# qemu) unless MEMSIM_RUN_OPTS says otherwise, and each its own --db in a
# temporary directory.  The fs-* cases change files: each runner gets a
# fresh copy of a small tree (make_tree), qemu-i386 in it as its working
# directory (the writes are real there), memsim with --root on its own
# copy (the writes stay in the model's overlay), and memsim's copy must be
# unchanged afterwards.  With CASE names only those cases run.
#
# Exit status: 0 all passed, 1 some failed, 77 skipped (no busybox binary or
# no qemu-i386; ctest's SKIP_RETURN_CODE).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
fixtures=$here/fixtures

if [ $# -lt 1 ]; then
    echo "usage: $0 MEMSIM [BUSYBOX [CASE...]]" >&2
    exit 2
fi
MEMSIM=$1
BUSYBOX=${2:-$repo/third_party/busybox/bin/busybox}
shift $(( $# >= 2 ? 2 : 1 ))
only=("$@")

if [ ! -x "$BUSYBOX" ]; then
    echo "SKIP: no busybox binary at $BUSYBOX (run scripts/fetch-busybox.sh)"
    exit 77
fi
if ! command -v qemu-i386 > /dev/null; then
    echo "SKIP: qemu-i386 (the reference) is not installed (apt-get install qemu-user)"
    exit 77
fi
[ -x "$MEMSIM" ] || { echo "FAIL: memsim binary not found: $MEMSIM"; exit 1; }
BUSYBOX=$(cd "$(dirname "$BUSYBOX")" && pwd)/$(basename "$BUSYBOX")   # the fs-* cases cd

read -r -a memsim_opts <<< "${MEMSIM_RUN_OPTS---root /}"

# ---------------------------------------------------------------- the cases
# shellcheck disable=SC2016  # the $ in the cases are for the guest shell
# add_case NAME INPUT ARG...
#   INPUT: '-' (stdin /dev/null), 'fixture:FILE' (tests/guest/fixtures/FILE),
#          or 'text:STRING' (printf %b STRING).
#   ARGs: the applet and its arguments; a lone '|' pipes into a second
#   busybox command.  @FIXTURES@ becomes the fixtures directory.
CASE_NAMES=() CASE_INPUTS=() CASE_ARGS=()
add_case() {
    local name=$1 input=$2 IFS=$'\x1f'
    shift 2
    CASE_NAMES+=("$name")
    CASE_INPUTS+=("$input")
    CASE_ARGS+=("$*")
}

add_case echo           -                    echo hello from busybox
add_case echo-e         -                    echo -e 'tab\there\nnewline'
add_case true-false     -                    sh -c 'true && false; echo "status $?"; exit 3'
add_case sh-arith       -                    sh -c 'i=0; s=0; while [ $i -lt 200 ]; do i=$((i + 1)); s=$((s + i * i)); done; echo "$i $s $((s % 97)) $((1 << 20)) $((-7 / 2))"'
add_case sh-loops       -                    sh -c 'for w in alpha beta gamma delta; do n=${#w}; case $n in 4) k=four;; 5) k=five;; *) k=other;; esac; printf "%s %d %s\n" "$w" "$n" "$k"; done; set -- a b c; echo "$# args: $*"; f() { echo "in f: $1"; return 5; }; f x; echo "f returned $?"'
add_case sh-read        fixture:lines.txt    sh -c 'n=0; while read -r num rest; do n=$((n + 1)); [ $((n % 40)) -eq 0 ] && echo "$n: $num"; done; echo "read $n lines"'
# Pipelines, subshells and command substitution inside the guest shell:
# fork, pipe, dup2, execve of /proc/self/exe for the applets busybox does
# not run in the forked child itself, wait4 and SIGCHLD (sh's wait)
add_case sh-pipeline    -                    sh -c 'seq 1 3000 | sort -rn | head -n 3'
add_case sh-subst       -                    sh -c 'echo "c b a" | tr " " "\n" | sort; echo "sub: $(echo inner | tr a-z A-Z)"'
add_case sh-status      -                    sh -c 'false | true; echo $?; (exit 7); echo $?; x=$(seq 3 | wc -l); echo "x=$x"'
add_case sh-background  -                    sh -c 'sleep 0 & wait; echo "done $?"; (echo sub; exit 4) | cat; echo "pipe ${PIPESTATUS:-$?}"'
# Sleeping children while the shell waits, and the other way round: each
# sleep blocks with a deadline and the others run meanwhile; the model clock
# moves only when every task sleeps, so the shorter sleep ends first
add_case sh-sleep-bg    -                    sh -c '(sleep 0.2; echo b) & echo a; wait; echo c'
add_case sh-sleep-order -                    sh -c '(sleep 0.2; echo late) & (sleep 0.1; echo early) & wait; echo "done $?"'
add_case sh-sleep-parent -                   sh -c 'sleep 0.3 & (echo x; sleep 0.1; echo y); usleep 1000; wait; echo z $?'
add_case sh-traps       -                    sh -c 'trap "echo got USR1" USR1; kill -USR1 $$; echo after; trap "echo bye" EXIT; echo end'
add_case sh-trap-chld   -                    sh -c 'trap "echo child done" CHLD; sleep 0 & wait; (trap "echo in sub" EXIT; exit 2); echo "sub $?"'
add_case sh-xargs       -                    sh -c 'seq 7 | xargs echo n:; seq 6 | xargs -n 4 echo x; printf "a b\nc\n" | xargs -I{} echo [{}]'
add_case sh-files       fixture:lines.txt    sh -c 'cat > /tmp/memsim-bb-$$; wc -l < /tmp/memsim-bb-$$; grep -c zone /tmp/memsim-bb-$$; rm /tmp/memsim-bb-$$; echo $$ $PPID | wc -w'
# Pipelines of builtins inside the guest shell: fork, a model pipe, and the
# read builtin's poll of fd 0 (the pipe's wait queue, woken by the writer).
add_case sh-pipe-read   -                    sh -c 'echo 1 | (read v; echo got $v)'
add_case sh-pipe-loop   -                    sh -c 'for i in 1 2 3; do echo $i | (read v; echo got $v); done'
add_case sh-pipe-while  -                    sh -c 'printf "a b\nc d\ne f\n" | while read x y; do echo "$y $x"; done; echo "done $?"'
add_case sh-pipe-ifs    -                    sh -c 'echo "x:y:z" | { IFS=: read a b c; echo "$c $b $a"; }; echo end'
add_case sh-pipe-sum    -                    sh -c 'i=0; while [ $i -lt 20 ]; do echo $i; i=$((i+1)); done | { s=0; while read n; do s=$((s+n)); done; echo "sum $s"; }'
add_case sh-pipe-stdin  text:'a 1\nb 2\nc 3\n'  sh -c 'while read l; do echo "$l" | { read a b; echo "$b-$a"; }; done'
add_case sh-pipe-eof    -                    sh -c ': | { read v; echo "eof rc $?"; }; echo hi | { read -t 5 v; echo "rc $? $v"; }'
add_case sort           fixture:lines.txt    sort
add_case sort-keys      fixture:lines.txt    sort -k3,3 -k1,1nr
add_case words-sorted   fixture:lines.txt    awk '{ for (i = 2; i <= NF; i++) print $i }' '|' sort
add_case uniq-count     text:'a\na\nb\nc\nc\nc\n'  uniq -c
add_case md5sum         fixture:lines.txt    md5sum
add_case md5sum-file    -                    md5sum @FIXTURES@/lines.txt
add_case sha256sum      fixture:lines.txt    sha256sum
add_case wc             fixture:lines.txt    wc
add_case wc-lwc         fixture:lines.txt    wc -l -w -c
add_case head-tail      fixture:lines.txt    head -n 40 '|' tail -n 3
add_case cut            fixture:lines.txt    cut -d ' ' -f 1,3-4
add_case seq            -                    seq 1 3 40
add_case seq-sep        -                    seq -s , -w 8 12
add_case tr-upper       text:'Hello, Memsim!\nsecond line\n'  tr a-z A-Z
add_case tr-delete      fixture:lines.txt    tr -d aeiou
add_case awk-begin      -                    awk 'BEGIN { for (i = 1; i <= 10; i++) s += i * i; printf "%d %.4f %s\n", s, s / 7, substr("memsim", 2, 3) }'
add_case awk-fields     fixture:lines.txt    awk '{ n += NF; if (length($0) > m) m = length($0) } /zone/ { z++ } END { print NR, n, m, z }'
add_case awk-assoc      fixture:lines.txt    awk '{ for (i = 2; i <= NF; i++) c[$i]++ } END { for (w in c) print c[w], w }' '|' sort -k1,1nr -k2
add_case gzip-roundtrip fixture:lines.txt    gzip -c '|' gzip -dc
add_case gzip-bytes     fixture:lines.txt    gzip -9 -c '|' md5sum
add_case expr           -                    expr 6 '*' 7
add_case expr-false     -                    expr 3 '>' 5
add_case expr-string    -                    expr length 'hello world'
add_case printf         -                    printf '%05d|%x|%o|%s|%c|%-6s|%.3s\n' 42 255 8 str xyz ab abcdef
add_case od-hex         text:'memsim\0\1\2\377'  od -A x -t x1
add_case od-chars       text:'memsim\0\1\2\377'  od -c
# the file system: symlinks, links, attributes, a symlinked directory (bin ->
# usr/bin), one process each (a shell would need fork)
add_case fs-cat-link    -                    cat dir/link
add_case fs-ls-bin      -                    ls bin/
add_case fs-find-links  -                    find . -type l
add_case fs-stat        -                    stat -c '%n %F %a %h %s' etc/data.txt bin bin/ dir/link usr/bin/tool
add_case fs-ln-s        -                    ln -s data.txt etc/l
add_case fs-ln-hard     -                    ln etc/data.txt etc/hard
add_case fs-ln-exists   -                    ln -s data.txt etc/data.txt
add_case fs-chmod       -                    chmod -v 600 etc/data.txt bin/tool
add_case fs-touch       -                    touch -d '2001-02-03 04:05:06' etc/data.txt dir/link
add_case fs-mkdir-p     -                    mkdir -pv new/a/b
add_case fs-cp-a        -                    cp -av dir copy
add_case fs-cp-symdir   -                    cp -av bin/tool bin/tool2
add_case fs-mv          -                    mv dir/a bin/a2
add_case fs-rm-r        -                    rm -rv dir

# ------------------------------------------------------------ the runner
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-busybox.XXXXXX") || { echo "FAIL: mktemp"; exit 1; }

# The fs-* cases' tree (relative symlinks only: the same inside --root).
make_tree() {
    rm -rf "$1" && mkdir -p "$1/etc" "$1/usr/bin" "$1/dir/sub" || return 1
    echo data > "$1/etc/data.txt"
    printf 'tool\n' > "$1/usr/bin/tool" && chmod 755 "$1/usr/bin/tool"
    echo aaaa > "$1/dir/a"
    echo deep > "$1/dir/sub/deep"
    ln -s usr/bin "$1/bin"
    ln -s ../etc/data.txt "$1/dir/link"
}
# Every name's type, mode, size, mtime and link target, and the bytes.
tree_state() {
    (cd "$1" && find . -printf '%p %y %m %s %T@ %l\n' | sort && find . -type f -exec md5sum {} + | sort)
}

# bb MODE TAG ARG...: one busybox command under qemu or memsim, killed after
# BUSYBOX_TIMEOUT seconds (default 120; status 124 then).
bb() {
    local mode=$1 tag=$2
    shift 2
    if [ "$mode" = qemu ] && [ -n "${TREE:-}" ]; then
        (cd "$TREE" && exec timeout "${BUSYBOX_TIMEOUT:-120}" qemu-i386 "$BUSYBOX" "$@")
    elif [ "$mode" = qemu ]; then
        timeout "${BUSYBOX_TIMEOUT:-120}" qemu-i386 "$BUSYBOX" "$@"
    elif [ -n "${TREE:-}" ]; then
        timeout "${BUSYBOX_TIMEOUT:-120}" "$MEMSIM" run --db "$tmp/$tag.db" --root "$TREE" \
            -- "$BUSYBOX" "$@"
    else
        timeout "${BUSYBOX_TIMEOUT:-120}" "$MEMSIM" run --db "$tmp/$tag.db" \
            ${memsim_opts[@]+"${memsim_opts[@]}"} -- "$BUSYBOX" "$@"
    fi
}

# run_case MODE INDEX: writes $tmp/MODE.{out,err,err2,status}.
run_case() {
    local mode=$1 i=$2 name=${CASE_NAMES[$2]} input=${CASE_INPUTS[$2]} infile
    local -a all first=() second=()
    mapfile -t -d $'\x1f' all < <(printf '%s' "${CASE_ARGS[$i]}")
    local a seen_pipe=0
    for a in "${all[@]}"; do
        a=${a//@FIXTURES@/$fixtures}
        if [ "$a" = '|' ]; then seen_pipe=1
        elif [ $seen_pipe = 0 ]; then first+=("$a")
        else second+=("$a")
        fi
    done
    case "$input" in
        -) infile=/dev/null ;;
        fixture:*) infile=$fixtures/${input#fixture:} ;;
        text:*) infile=$tmp/input; printf '%b' "${input#text:}" > "$infile" ;;
        *) echo "bad input spec $input" >&2; return 1 ;;
    esac
    local o=$tmp/$mode
    TREE=
    if [ "${name#fs-}" != "$name" ]; then
        TREE=$tmp/tree-$mode
        make_tree "$TREE" || return 1
        [ "$mode" = memsim ] && tree_state "$TREE" > "$tmp/tree.before"
    fi
    # The braces keep bash from reporting a guest killed by a signal itself.
    if [ $seen_pipe = 0 ]; then
        { bb "$mode" "$name.$mode" "${first[@]}" < "$infile" > "$o.out" 2> "$o.err"
          echo $? > "$o.status"; } 2> /dev/null
    else
        { bb "$mode" "$name.$mode.1" "${first[@]}" < "$infile" 2> "$o.err" \
            | bb "$mode" "$name.$mode.2" "${second[@]}" > "$o.out" 2> "$o.err2"
          echo "${PIPESTATUS[*]}" > "$o.status"; } 2> /dev/null
    fi
}

wanted() {
    [ ${#only[@]} -eq 0 ] && return 0
    local n
    for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

passed=0 failed=0
for i in "${!CASE_NAMES[@]}"; do
    name=${CASE_NAMES[$i]}
    wanted "$name" || continue
    rm -f "$tmp"/qemu.* "$tmp"/memsim.*
    run_case qemu "$i"
    run_case memsim "$i"
    problems=()
    cmp -s "$tmp/qemu.out" "$tmp/memsim.out" || problems+=("stdout differs")
    cmp -s "$tmp/qemu.status" "$tmp/memsim.status" \
        || problems+=("exit status $(cat "$tmp/memsim.status"), qemu-i386 $(cat "$tmp/qemu.status")")
    if [ "${name#fs-}" != "$name" ]; then
        tree_state "$tmp/tree-memsim" | cmp -s - "$tmp/tree.before" \
            || problems+=("memsim changed the host tree under --root")
    fi
    # every memsim run's trace replays: the kernel model re-driven from it
    # makes every recorded outcome again (processes, pipes, signals, execs)
    for db in "$tmp/$name".memsim*.db; do
        [ -f "$db" ] || continue
        "$MEMSIM" replay "$db" > "$db.replay" 2>&1 && grep -q 'all outcomes match$' "$db.replay" \
            || problems+=("replay of ${db##*/}: $(head -n 1 "$db.replay")")
    done
    if [ ${#problems[@]} -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASS busybox/$name"
        continue
    fi
    failed=$((failed + 1))
    echo "FAIL busybox/$name: ${problems[*]}"
    if ! cmp -s "$tmp/qemu.out" "$tmp/memsim.out"; then
        diff -u --text --label qemu-i386 --label memsim "$tmp/qemu.out" "$tmp/memsim.out" \
            | head -n 40 | sed 's/^/    /'
    fi
    for e in "$tmp/memsim.err" "$tmp/memsim.err2"; do
        [ -s "$e" ] && { echo "  memsim stderr:"; head -n 10 "$e" | sed 's/^/    /'; }
    done
    mkdir -p "$tmp/failed/$name" && cp "$tmp"/qemu.* "$tmp"/memsim.* "$tmp"/"$name".* "$tmp/failed/$name/" 2> /dev/null
done

echo "busybox: $passed passed, $failed failed"
if [ "$failed" = 0 ]; then
    rm -rf "$tmp"
    exit 0
fi
echo "kept: $tmp/failed"
exit 1

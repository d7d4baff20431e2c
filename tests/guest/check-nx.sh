#!/usr/bin/env bash
# check-nx.sh — NX: samples/nx_exec.c calls code copied into memory without
# exec rights (an anonymous RW mmap, an exec mapping after mprotect took
# PROT_EXEC away, the stack, the heap).  The reference is Linux's semantics,
# not qemu-i386:
#   --paging pae     NX is on (EFER.NXE), the PTEs of a VMA without VM_EXEC
#                    have XD: the call is SIGSEGV with SEGV_ACCERR on the
#                    instruction fetch (exit 139, one stderr line), after
#                    "exec mapping: 42" and the "calling" line; the trace's
#                    last fault is that fetch, error code P|U|I/D (21);
#   --paging 2level  32-bit paging has no NX bit: the call returns 42 and the
#                    program exits 0, as on a CPU without PAE.
#
#   check-nx.sh MEMSIM NX_EXEC_BIN
#
# (memsim query --csv ends its lines with CRLF, as RFC 4180 says.)
# Exit status 0 when every case holds, 1 otherwise, 2 on usage errors.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 MEMSIM NX_EXEC_BIN" >&2
    exit 2
fi
memsim=$1 bin=$2
[ -x "$memsim" ] || { echo "FAIL nx: memsim not found: $memsim"; exit 1; }
[ -f "$bin" ] || { echo "FAIL nx: sample binary missing: $bin"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-nx.XXXXXX") || exit 1
bad=0

fail() { echo "FAIL nx $case: $*"; bad=1; case_ok=0; }

for how in mmap mprotect stack heap; do
    for mode in 2level pae; do
        case="$mode $how" case_ok=1
        "$memsim" run --db "$tmp/t.db" --paging "$mode" -- "$bin" "$how" \
            > "$tmp/out" 2> "$tmp/err" < /dev/null
        status=$?
        {
            echo "exec mapping: 42"
            echo "$how: calling code without exec rights"
            [ "$mode" = 2level ] && echo "$how: returned 42 (no NX)"
        } > "$tmp/want"
        cmp -s "$tmp/want" "$tmp/out" || fail "stdout: $(tr '\n' '|' < "$tmp/out")"
        if [ "$mode" = 2level ]; then
            [ "$status" = 0 ] || fail "exit status $status, expected 0"
            [ -s "$tmp/err" ] && fail "stderr: $(head -n 3 "$tmp/err")"
        else
            [ "$status" = 139 ] || fail "exit status $status, expected 139"
            [ "$(grep -c '' "$tmp/err")" = 1 ] && grep -q 'SIGSEGV (SEGV_ACCERR).*instruction fetch' "$tmp/err" \
                || fail "stderr is not one SEGV_ACCERR instruction-fetch line: $(head -n 3 "$tmp/err")"
            last=$("$memsim" query --csv "$tmp/t.db" \
                "SELECT access, error_code, resolution FROM faults ORDER BY seq DESC LIMIT 1" | tail -n 1 | tr -d '\r')
            [ "$last" = "fetch,21,SIGSEGV/SEGV_ACCERR" ] || fail "last fault row: $last"
        fi
        [ "$case_ok" = 1 ] && echo "PASS nx $case"
        rm -f "$tmp/t.db" "$tmp/t.db.old"
    done
done
if [ "$bad" != 0 ]; then
    echo "  kept: $tmp"
    echo "FAIL guest/nx"
    exit 1
fi
rm -rf "$tmp"
echo "PASS guest/nx"

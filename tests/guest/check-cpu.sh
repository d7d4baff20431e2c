#!/usr/bin/env bash
# ctest guest/cpu_insn: what Linux does when a user program runs an
# instruction it may not (samples/cpu_insn.c), and the signals a program
# sends itself whose default action is not to terminate (samples/sig_default.c).
# Expected statuses are Linux's (128 + signal).  They were checked natively
# (i386 code on an x86-64 kernel) and under qemu-i386; where the two differ
# the kernel source decides and the table says so:
#   icebp     Linux's #DB handler: SIGTRAP (qemu-i386 says SIGILL);
#   syscall   #UD on i386 kernels and on Intel CPUs in 32-bit code (the CPUs
#             memsim models; an AMD host under an x86-64 kernel runs it);
#   sysenter  an i386 kernel (entry_SYSENTER_32) runs the system call in eax:
#             exit_group(42) (qemu-i386: SIGSEGV; AMD CPUs: #UD).  memsim has
#             no vDSO and resumes after the instruction (sysenter_ret).
#   lock_*    lock on what may not take one is #UD at decode, before the
#             access: lock_mov_ld and lock_add_ld load from address 0, and
#             are SIGILL, not SIGSEGV (Unicorn alone runs them as plain
#             mov/add).
#   stop signals: Linux stops the process until a SIGCONT nobody else can
#             send; memsim stops and at once continues it (documented).
#   check-cpu.sh MEMSIM BIN_DIR
set -u
memsim=$1 bin=$2
tmp=$(mktemp -d)
bad=0
fail() { echo "FAIL $*"; bad=1; }
signame() {
    case $1 in 132) echo SIGILL;; 133) echo SIGTRAP;; 139) echo SIGSEGV;; *) echo "status $1";; esac
}

# TEST:STATUS:the exception memsim must name
cases="ud2:132:#UD lock_nop:132:#UD lock_reg:132:#UD lock_mov_st:132:#UD
       lock_mov_ld:132:#UD lock_add_ld:132:#UD icebp:133:#DB
       int3:133:#BP int_3:133:#BP long_insn:139:#GP long_lock:139:#GP
       in:139:#GP out:139:#GP insb:139:#GP outsb:139:#GP cli:139:#GP sti:139:#GP
       hlt:139:#GP mov_cr0:139:#GP rdpmc:139:#GP int_0:139:#GP int_1:139:#GP int_6:139:#GP
       int_0x81:139:#GP int_4:139:#OF into:139:#OF syscall:132:#UD"
for c in $cases; do
    t=${c%%:*} want=${c#*:} want=${want%%:*} exc=${c##*:}
    timeout 30 "$memsim" run --no-trace -- "$bin/cpu_insn" "$t" > "$tmp/out" 2> "$tmp/err" < /dev/null
    status=$?
    if [ "$status" != "$want" ]; then
        fail "$t: status $status, expected $want ($(signame "$want")): $(head -c 200 "$tmp/err")"
        continue
    fi
    [ "$(grep -c '' "$tmp/err")" = 1 ] || { fail "$t: stderr should be one line: $(cat "$tmp/err")"; continue; }
    grep -q "^memsim: $(signame "$want") ($exc " "$tmp/err" || fail "$t: stderr does not name $(signame "$want") ($exc): $(cat "$tmp/err")"
    grep -q unmapped "$tmp/err" && fail "$t: the code is mapped, yet reported as unmapped: $(cat "$tmp/err")"
done

timeout 30 "$memsim" run --no-trace -- "$bin/cpu_insn" long_insn > /dev/null 2> "$tmp/err" < /dev/null
grep -q 'instruction longer than 15 bytes' "$tmp/err" || fail "long_insn: the report should say why: $(cat "$tmp/err")"

timeout 30 "$memsim" run --no-trace -- "$bin/cpu_insn" sysenter > "$tmp/out" 2> "$tmp/err" < /dev/null
status=$?
[ "$status" = 42 ] || fail "sysenter: status $status, expected 42 (exit_group(42) run by sysenter): $(cat "$tmp/out" "$tmp/err")"

timeout 30 "$memsim" run --no-trace --root / -- "$bin/cpu_insn" sysenter_ret > "$tmp/out" 2> "$tmp/err" < /dev/null
status=$?
expected='sysenter getpid: same as int 0x80, other registers kept: yes
sysenter with [ebp] unreadable: -14
sysenter mmap2 with the page offset at [ebp]: page 1 mapped'
[ "$status" = 0 ] && [ "$(cat "$tmp/out")" = "$expected" ] \
    || fail "sysenter_ret: status $status, stdout: $(cat "$tmp/out") $(cat "$tmp/err")"

# stop signals: stopped and at once continued (no one else could send SIGCONT)
for sig in 19 20 21 22; do
    timeout 30 "$memsim" run --no-trace -- "$bin/sig_default" "$sig" > "$tmp/out" 2> "$tmp/err" < /dev/null
    status=$?
    [ "$status" = 0 ] && grep -q "^kill(self, $sig) -> 0; survived$" "$tmp/out" \
        || fail "kill(self, $sig): status $status: $(cat "$tmp/out" "$tmp/err")"
done
# a signal whose default is to terminate still does
timeout 30 "$memsim" run --no-trace -- "$bin/sig_default" 15 > "$tmp/out" 2> "$tmp/err" < /dev/null
status=$?
[ "$status" = 143 ] || fail "kill(self, SIGTERM): status $status, expected 143"

if [ "$bad" = 0 ]; then
    rm -rf "$tmp"
    echo "cpu_insn: CPL-3 faults, sysenter and default-ignored signals as on Linux"
    exit 0
fi
echo "kept: $tmp"
exit 1

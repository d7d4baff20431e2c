#!/usr/bin/env bash
# bench/profile.sh — where memsim's time goes, by part, on the four
# workloads of bench/run.sh, for `--engine raw`, the model untraced and
# the model traced: perf samples (perf record, cpu-clock) grouped by the
# function they landed in.
#
#   bench/profile.sh [BUILD_DIR]
#
# Prints a Markdown table (share of all samples of the run, every thread)
# for docs/PERFORMANCE.md.  The groups:
#   translation   Unicorn translating guest code (TCG front end, optimizer,
#                 register allocator, TB lookup and linking)
#   JIT code      the translated guest code itself (no symbol)
#   slow path     Unicorn's softmmu load/store helpers and its region
#                 lookup (memory_mapping), taken for every access once a
#                 memory hook exists, and for every store in any case
#   SMC tracking  the 2.0.1 write path: page_collection_lock's tree, the
#                 page-descriptor walk and TB invalidation on every store,
#                 and the malloc/free they make (SQLite's own allocations
#                 land here too when traced)
#   eflags sync   the EFLAGS materialisation a per-instruction code hook
#                 forces (helper_read_eflags, cc_compute_all)
#   memsim hooks  memsim's code and memory hooks (hook_code, hook_mem) with
#                 the L1 TLB and L1 cache lookups inlined into them, the
#                 decode cache, segment checks; with one hook of a type
#                 Unicorn calls it directly from the translated code, so the
#                 call itself lands here too
#   TLB + cache   the MMU model past the L1s: STLB, walks, the L2, the LLC,
#                 write-backs
#   writer        the trace: SQLite, the row writer, the event queue
#   kernel model  memsim's modelled kernel (system calls, faults)
#   host kernel   the host's kernel (page faults of the window, syscalls)
#   other
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
memsim=$build/emu/memsim
bin=$build/samples/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v perf >/dev/null || { echo "profile.sh: perf is missing (Debian: linux-perf)" >&2; exit 1; }

. "$here/bench/lib.sh"       # make_inputs
make_inputs "$tmp"
busybox=$("$here/scripts/fetch-busybox.sh" 2>/dev/null) || busybox=
workloads=("matrix|$bin/matrix" "malloc_mmap|$bin/malloc_mmap")
[ -z "$busybox" ] || workloads+=("gzip|$busybox gzip -c $tmp/in98.txt" "sort|$busybox sort $tmp/lines.txt")

groups="translation|JIT code|slow path|SMC tracking|eflags sync|memsim hooks|TLB + cache|writer|kernel model|host kernel|other"
classify() {
    awk -F'\t' -v groups="$groups" '
    function group(dso, sym) {
        if (dso ~ /kernel/) return "host kernel"
        if (sym ~ /^0x/ || sym == "[unknown]" || dso ~ /unknown|JIT|perf-/) return "JIT code"
        if (sym ~ /^(helper_read_eflags|helper_cc_compute|cpu_cc_compute|compute_all_|compute_c_)/) return "eflags sync"
        if (sym ~ /^(page_find_alloc|page_collection|page_trylock_add|page_entry|page_lock|tb_invalidate_phys|build_page_bitmap|g_tree|q_tree|tree_|g_malloc|g_free|g_slice|malloc|_int_malloc|_int_free|cfree|free|__libc_malloc|__libc_free|malloc_consolidate|unlink_chunk|tcache)/) return "SMC tracking"
        if (sym ~ /^(load_helper|store_helper|memory_mapping|helper_(le|be|ret)_|full_(le|be|ret)_|helper_ld|helper_st|cpu_ld|cpu_st|probe_access|tlb_fill|x86_cpu_tlb_fill|notdirty|io_read|io_write|bsearch_mapped)/) return "slow path"
        if (sym ~ /^(tcg_|liveness_|la_|reachable_code|tb_gen_code|gen_intermediate_code|translator_|i386_tr_|disas_insn|gen_|tb_find|tb_lookup|tb_htable|tb_link|tb_alloc|qht_|helper_lookup_tb_ptr|cpu_exec|cpu_tb_exec|tcg_optimize|temp_|reg_alloc|tcg_reg|x86_ld|cpu_get_tb_cpu_state|get_page_addr_code|tb_page_add|tb_cmp|tb_jmp|do_tb|cpu_loop|uc_)/) return "translation"
        if (sym ~ /^(hook_code|hook_mem|hook_bad|code_hook|mem_hook|decode_|segment_access|insn_|read_insn|fetch$|fetch_new_line|fetch_split|finish_previous|stop_before|cycle_events|record_data|access_put|seg_check)/) return "memsim hooks"
        if (sym ~ /^(mem_access|cache_|fill_line|write_back|tlb_|mmu_|timing_|walk_|pte_|stlb|machine_access|access_slow)/) return "TLB + cache"
        if (sym ~ /^(sqlite3|trace_|writer_|row_|event_|bind_|queue_|__memcpy|__memmove|__memset|pthread_)/) return "writer"
        if (dso ~ /memsim/) return "kernel model"
        return "other"
    }
    { share[group($2, $3)] += $1 }
    END {
        n = split(groups, g, "|")
        for (i = 1; i <= n; i++) printf "%s%.1f", (i > 1 ? "\t" : ""), share[g[i]]
        printf "\n"
    }'
}

printf "| workload | mode |"; IFS='|' read -r -a gs <<< "$groups"
for g in "${gs[@]}"; do printf " %s %% |" "$g"; done; echo
printf "|---|---|"; for g in "${gs[@]}"; do printf -- "---:|"; done; echo
for w in "${workloads[@]}"; do
    name=${w%%|*}
    read -r -a cmd <<< "${w#*|}"
    for mode in raw model model+trace; do
        case $mode in
            raw) opts=(--engine raw --no-trace) ;;
            model) opts=(--no-trace) ;;
            model+trace) rm -f "$tmp/t.db"; opts=(--db "$tmp/t.db") ;;
        esac
        perf record -q -F 2000 -o "$tmp/perf.data" -- "$memsim" run "${opts[@]}" -- "${cmd[@]}" >/dev/null 2>&1
        perf report -i "$tmp/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null |
            awk '$1 ~ /%$/ { sub(/%$/, "", $1); print $1 "\t" $2 "\t" $4 }' | classify > "$tmp/row"
        printf "| %s | %s | %s |\n" "$name" "$mode" "$(sed 's/\t/ | /g' "$tmp/row")"
    done
done

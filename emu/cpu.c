/*
 * cpu.c — the CPU side's hot path: Unicorn's hooks (the state a program
 * starts with, the GDT and the segment loads: cpu_setup.c; the run loop
 * that drives the engine between system calls: cpu_run.c).
 *
 * Every instruction reaches hook_code (precise EIP, fetch translation, the
 * instruction count); every data access reaches hook_mem before Unicorn
 * performs it.  Both call the MMU model inline and leave for the slow path
 * (machine_access) only on a TLB miss that faults.  int 0x80 and sysenter
 * stop the engine so that system calls, which may remap Unicorn regions, run
 * outside Unicorn's execution loop.  What an instruction raises at CPL 3 is
 * decided from memsim's decode (decode.c), not by Unicorn.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "common/cpu_features.h"
#include "emu/machine.h"


/* ---------------- hooks ---------------- */

/*
 * The bytes of an instruction, read through the page tables from the frames
 * (never through Unicorn, whose view of a page the model has not faulted in
 * is PROT_NONE host memory).  Returns how many were readable.
 */
static size_t read_insn(struct machine *m, uint32_t eip, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        uint32_t va = eip + (uint32_t)got;
        uint32_t pfn = follow_pte(m->task->mm, va);
        if (pfn == PFN_NONE)
            break;
        size_t chunk = PAGE_SIZE - (va & ~PAGE_MASK);
        if (chunk > n - got)
            chunk = n - got;
        memcpy(buf + got, (uint8_t *)pfn_to_host(&m->k.pm, pfn) + (va & ~PAGE_MASK), chunk);
        got += chunk;
    }
    return got;
}

/*
 * Decode the instruction at eip.  size is Unicorn's length, or its
 * placeholder 0xf1f1f1f1 for an instruction it could not translate: then
 * up to 16 bytes are read (Unicorn's translator has faulted in whatever it
 * read) and the decode alone says what the instruction is.
 */
static const struct decoded *decode_slow(struct machine *m, uint32_t eip, uint32_t size)
{
    uint8_t code[16];
    int known = size && size <= X86_MAX_INSN_LENGTH;
    size_t n = read_insn(m, eip, code, known ? size : sizeof code);
    return decode_fill(&m->ctx->dc, eip, code, n, known ? n : 0);
}

/*
 * An access the TLB could not satisfy directly.  Descriptor-table reads
 * that segment loads make are the CPU's own supervisor accesses; everything
 * else is the guest's.
 */
static int in_descriptor_table(const struct machine *m, uint32_t va)
{
    return va - (PAGE_OFFSET + (m->gdt_pfn << PAGE_SHIFT)) < PAGE_SIZE ||
           (m->task->ldt && va - m->task->ldt < LDT_SIZE);
}

static int access_user(const struct machine *m, uint32_t va, enum mmu_access acc)
{
    return !(acc == MMU_READ && (m->kernel_seg_load || (m->insn && (m->insn->flags & DEC_SEGLOAD))) &&
             in_descriptor_table(m, va));
}

/* timing_slow_fn (ctx: the machine): the STLB, the walker, the faults. */
static int access_slow(void *ctx, uint32_t va, enum mmu_access acc, uint64_t *pa)
{
    struct machine *m = ctx;
    return machine_access(m, va, acc, access_user(m, va, acc), pa);
}

/* A translation outside the access hooks (a region fault, the run loop's
 * check): recorded in the access stream as one of its own. */
int cpu_translate_recorded(struct machine *m, uint32_t va, enum mmu_access acc, uint64_t *pa)
{
    if (m->rec)
        access_put_translate(m->rec, va, acc, access_user(m, va, acc));
    return access_slow(m, va, acc, pa);
}


/* rdtsc cannot be hooked in Unicorn 2.0.1: before the next instruction
 * runs, EDX:EAX are replaced by the model's cycle count at the rdtsc. */
static void finish_rdtsc(struct machine *m)
{
    uint32_t lo = (uint32_t)m->rdtsc_value, hi = (uint32_t)(m->rdtsc_value >> 32), zero = 0;
    uc_reg_write(m->ctx->uc, UC_X86_REG_EAX, &lo);
    uc_reg_write(m->ctx->uc, UC_X86_REG_EDX, &hi);
    if (m->rdtsc_pending & DEC_RDTSCP)
        uc_reg_write(m->ctx->uc, UC_X86_REG_ECX, &zero);     /* TSC_AUX: cpu 0 */
    m->rdtsc_pending = 0;
}

/* The timing model's fetch (mmu/timing.h), its slow path the machine's. */
static inline __attribute__((always_inline)) void fetch(struct machine *m, uint32_t va)
{
    timing_fetch(&m->tm, va, access_slow, m);
}

/* The code hook's fetch: out of line, since most instructions are in the
 * line just fetched (then timing_fetch does nothing), and a call on the
 * hook's common path would make it save registers for every instruction. */
static __attribute__((noinline)) void fetch_new_line(struct machine *m, uint32_t va)
{
    fetch(m, va);
}


/*
 * An access through a segment that is not flat: check it as the CPU does
 * (QEMU skips limit checks in protected mode, so the model must) and trace
 * it.  Linux turns #GP into SIGSEGV and #SS/#NP into SIGBUS.  Returns 1 if
 * the guest was killed.
 */
static int segment_access(struct machine *m, uint32_t va, uint32_t size, enum mmu_access acc)
{
    const struct decoded *d = m->insn;
    if (!m->insn_segcheck)
        return 0;
    const struct seg_desc *sd = &m->sreg[d->seg];
    uint32_t linear = 0, offset = va - sd->base;
    struct seg_result r = seg_check_access((enum seg_reg)d->seg, sd, (m->sreg_null >> d->seg) & 1,
                                           offset, size, acc == MMU_WRITE, 0, &linear);
    struct event ev = { .type = EV_SEGMENT, .pid = m->task->pid, .tid = m->task->pid };
    ev.u.seg = (struct seg_event){ .eip = m->eip, .seg = d->seg,
                                   .selector = m->sel[d->seg], .offset = offset, .size = size,
                                   .linear = va, .base = sd->base, .limit = sd->limit,
                                   .access = (uint8_t)acc, .fault = (uint8_t)r.fault,
                                   .error_code = r.error_code };
    event_emit(&m->events, &ev);
    if (r.fault == SEG_OK)
        return 0;
    window_sacrifice(&m->ctx->win, va);           /* Unicorn completes the access */
    task_exit_signal(m->task, r.fault == SEG_FAULT_GP ? SIGSEGV : SIGBUS,
                 "memsim: %s (%s) at %%%s:0x%08x, eip 0x%08x (%s)",
                 r.fault == SEG_FAULT_GP ? "SIGSEGV" : "SIGBUS",
                 r.fault == SEG_FAULT_GP ? "#GP" : r.fault == SEG_FAULT_SS ? "#SS" : "#NP",
                 seg_reg_name(d->seg), offset, m->eip, r.why ? r.why : "segment check");
    return 1;
}

/*
 * An instruction Unicorn could not translate: it reports the size
 * placeholder 0xf1f1f1f1 and would raise an exception of its choosing.  The
 * CPU has fetched the first byte (a fetch fault there wins); memsim's
 * decode says how long the instruction is (its last byte is fetched too)
 * and what it raises: #GP past 15 bytes, #DB for icebp, #UD otherwise.
 */
static void insn_untranslatable(struct machine *m, uint32_t va, uint32_t size)
{
    const struct decoded *d = decode_slow(m, va, size);
    if (m->rec)
        access_put_badinsn_len(m->rec, d->size);
    if (timing_fetch_splits(&m->tm, va, d->size))
        fetch(m, va + d->size - 1);
    uint32_t vector = d->flags & (DEC_FAULT | DEC_UNDECODED) ? d->fault : X86_TRAP_UD;
    machine_exception(m, vector, d->flags & DEC_UNDECODED && vector == X86_TRAP_GP
                                   ? "instruction longer than 15 bytes" : NULL);
}

/* The rare instructions the code hook acts on: segment loads (the next
 * instruction rereads the descriptors: sreg_stale, clear until then), those
 * the decode knows to fault at CPL 3 (Unicorn would run them or raise the
 * wrong exception), and rdtsc. */
#define DEC_SPECIAL (DEC_SEGLOAD | DEC_FAULT | DEC_RDTSC | DEC_RDTSCP)

static void insn_special(struct machine *m, const struct decoded *d)
{
    if (d->flags & DEC_SEGLOAD)
        m->sreg_stale = 1;
    if (d->flags & DEC_FAULT) {
        machine_exception(m, d->fault, NULL);
        return;
    }
    if (d->flags & (DEC_RDTSC | DEC_RDTSCP)) {
        m->rdtsc_pending = d->flags & (DEC_RDTSC | DEC_RDTSCP);
        m->rdtsc_value = m->tm.cycles;
    }
}

/*
 * The code hook's body.  rec (a constant: two instances, hook_code and
 * hook_code_rec) says whether the access stream is recorded, so a run
 * without --trace accesses does not test for it per instruction.
 */

/* The kernel's timer tick between instructions; a task it made runnable
 * starts the current one's quantum (off the hot path). */
static __attribute__((noinline)) void timer_tick(struct machine *m)
{
    if (kernel_timer_tick(&m->k))
        cpu_start_slice(m);
}

/* What the previous instruction left for this one (off the hot path): its
 * rdtsc's result, or its segment load's new descriptors. */
static __attribute__((noinline)) void finish_previous(struct machine *m)
{
    if (m->rdtsc_pending)
        finish_rdtsc(m);
    if (m->sreg_stale)
        cpu_load_segments(m);
}

/* A signal became pending (a timer at the previous instruction, a fault
 * Unicorn completed: stop_icount 0) or the quantum is over: enter the
 * kernel before this instruction counts. */
static __attribute__((noinline)) void stop_before(struct machine *m)
{
    if (!m->signal_stop) {
        m->preempted = 1;
        set_tsk_need_resched(m->task);
        m->task->quantum_expired = 1;
    }
    uc_emu_stop(m->ctx->uc);
}

/* An instruction that ends in another L1I line than it starts (the size
 * placeholder of an untranslatable one always lands here).  Returns 1 if
 * the instruction raised instead. */
static __attribute__((noinline)) int fetch_split(struct machine *m, uint32_t va, uint32_t size)
{
    if (size > X86_MAX_INSN_LENGTH) {
        insn_untranslatable(m, va, size);
        return 1;
    }
    fetch(m, va + size - 1);
    return 0;
}

/* A timer's deadline or a snapshot is due (each UINT64_MAX when none is). */
static __attribute__((noinline)) void cycle_events(struct machine *m)
{
    /* an interval timer or a sleeper's deadline reached: its signal lands
     * between instructions even in a loop with no calls, and a woken task
     * gets a quantum's turn */
    if (m->tm.cycles >= m->k.clock.timer_cycle)
        timer_tick(m);
    if (m->tm.cycles >= m->k.snapshot.next_cycle)
        kernel_snapshot_live(&m->k);
}

/* What every instruction does once it is decoded: the decode for its
 * accesses, and whether they go through a segment that is not flat
 * (usually not: one test in hook_mem), its base cost. */
static inline __attribute__((always_inline)) void insn_decoded(struct machine *m,
                                                               const struct decoded *d)
{
    m->insn = d;
    m->insn_segcheck = (d->flags & DEC_MEMSEG) && ((m->sreg_nonflat >> d->seg) & 1);
    timing_insn(&m->tm, d->cls);
}

/* After an instruction's own costs: a timer or snapshot that came due. */
static inline __attribute__((always_inline)) void insn_check_clock(struct machine *m)
{
    if (__builtin_expect(m->tm.cycles >= m->k.clock.timer_cycle ||
                         m->tm.cycles >= m->k.snapshot.next_cycle, 0))
        cycle_events(m);
}

static inline __attribute__((always_inline)) void code_hook(struct machine *m, uint32_t va,
                                                            uint32_t size, const int rec)
{
    if (__builtin_expect(m->rdtsc_pending | m->sreg_stale, 0))
        finish_previous(m);
    if (__builtin_expect(m->tm.icount >= m->stop_icount, 0)) {
        stop_before(m);
        return;
    }
    m->eip = va;
    m->tm.icount++;
    if (rec) {                              /* --trace accesses: before its faults */
        if (size > X86_MAX_INSN_LENGTH)
            access_put_badinsn(m->rec, va);
        else
            access_put_insn(m->rec, va, size);
    }
    if ((va >> m->tm.l1i_shift) != m->tm.fetch_line)
        fetch_new_line(m, va);
    if (__builtin_expect(timing_fetch_splits(&m->tm, va, size), 0) && fetch_split(m, va, size))
        return;
    const struct decoded *d = decode_lookup(&m->ctx->dc, va);
    if (__builtin_expect(!d || d->size != size, 0))   /* new, or dropped: its bytes were rewritten or unmapped */
        d = decode_slow(m, va, size);
    insn_decoded(m, d);
    if (rec)
        access_put_insn_class(m->rec, d->cls);
    /* (sreg_stale and rdtsc_pending are clear here: finish_previous) */
    if (__builtin_expect(d->flags & DEC_SPECIAL, 0))
        insn_special(m, d);
    insn_check_clock(m);
}

/* code_hook without --trace accesses, for every instruction that needs
 * nothing off its common path (see code_hook_fast). */
static __attribute__((noinline)) void code_hook_full(struct machine *m, uint32_t va, uint32_t size)
{
    code_hook(m, va, size, 0);
}

/*
 * Most instructions start in the L1I line just fetched, end in it, are in
 * the decode cache and are nothing special: for them code_hook does no
 * call at all, yet its other paths make it save six registers on every
 * instruction.  This is code_hook's work for exactly that case, with
 * nothing done before the case is known (decode_lookup only reads); any
 * other instruction goes, by a tail call, to code_hook itself, as do a due
 * timer or snapshot after the instruction is counted.
 */
static inline __attribute__((always_inline)) void code_hook_fast(struct machine *m, uint32_t va,
                                                                 uint32_t size)
{
    const struct decoded *d = decode_lookup(&m->ctx->dc, va);
    if (__builtin_expect((m->rdtsc_pending | m->sreg_stale) || m->tm.icount >= m->stop_icount ||
                         (va >> m->tm.l1i_shift) != m->tm.fetch_line ||
                         timing_fetch_splits(&m->tm, va, size) || !d || d->size != size ||
                         (d->flags & DEC_SPECIAL), 0)) {
        code_hook_full(m, va, size);
        return;
    }
    m->eip = va;
    m->tm.icount++;
    insn_decoded(m, d);
    insn_check_clock(m);
}

static void hook_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
    code_hook_fast(ud, (uint32_t)addr, size);
}

static void hook_code_rec(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
    code_hook(ud, (uint32_t)addr, size, 1);
}

/* A data access: the timing model's, its slow path the machine's. */
static inline __attribute__((always_inline)) void data_access(struct machine *m, uint32_t va,
                                                               enum mmu_access acc)
{
    timing_data(&m->tm, va, acc, access_slow, m);
}

/* --trace accesses: one data access (split or not: the replay splits it
 * at its own line size), or the CPU's read of a descriptor table. */
static void record_data(struct machine *m, uint32_t va, uint32_t size, enum mmu_access acc)
{
    if (access_user(m, va, acc))
        access_put_data(m->rec, va, size, acc == MMU_WRITE);
    else
        access_put_kread(m->rec, va, size);
}

/* The memory hook's body; rec as for code_hook. */
static inline __attribute__((always_inline)) void mem_hook(struct machine *m, uc_mem_type type,
                                                           uint32_t va, int size, const int rec)
{
    uint32_t last = va + (uint32_t)size - 1;
    enum mmu_access acc = type == UC_MEM_WRITE ? MMU_WRITE : MMU_READ;
    if (machine_stopped(m))
        goto dead;
    if (m->insn_segcheck && va < PAGE_OFFSET && segment_access(m, va, (uint32_t)size, acc))
        goto dead;
    if (rec)
        record_data(m, va, (uint32_t)size, acc);
    /* a store into code: the decode of the instructions it overlaps is stale
     * (Unicorn drops its own translated blocks) */
    if (acc == MMU_WRITE && decode_page_has_code(&m->ctx->dc, va))
        decode_written(&m->ctx->dc, va, (uint32_t)size);
    data_access(m, va, acc);
    if (timing_data_splits(&m->tm, va, (uint32_t)size) && !machine_stopped(m)) {
        /* a split access touches two lines, perhaps two pages */
        if (acc == MMU_WRITE && decode_page_has_code(&m->ctx->dc, last))
            decode_written(&m->ctx->dc, va, (uint32_t)size);
        data_access(m, last, acc);
    }
    if (!machine_stopped(m))
        return;
dead:
    /* The guest is dead, but Unicorn completes this access (and the rest of
     * the instruction's): whatever the window holds at either page — PROT_NONE,
     * a read-only page, a frame — it must land on scratch memory. */
    window_sacrifice(&m->ctx->win, va);
    window_sacrifice(&m->ctx->win, last);
}

/* mem_hook without --trace accesses, for the accesses mem_hook_fast
 * does not take. */
static __attribute__((noinline)) void mem_hook_full(struct machine *m, uc_mem_type type,
                                                    uint32_t va, int size)
{
    mem_hook(m, type, va, size, 0);
}

/* The rest of an access whose L1 TLB lookup failed: mem_hook's after
 * data_access (the access does not split), where a fault may kill. */
static __attribute__((noinline)) void mem_translate_missed(struct machine *m, uint32_t va,
                                                           int size, enum mmu_access acc)
{
    timing_data_translate(&m->tm, va, acc, access_slow, m);
    if (machine_stopped(m)) {
        window_sacrifice(&m->ctx->win, va);
        window_sacrifice(&m->ctx->win, va + (uint32_t)size - 1);
    }
}

/* The rest of an access that missed the L1D (by value: a tail call cannot
 * point into its caller's frame). */
static __attribute__((noinline)) void mem_l1_missed(struct machine *m, uint64_t pa, size_t set,
                                                    uint32_t key, enum mmu_access acc)
{
    const struct timing_l1_miss miss = { .pa = pa, .key = key, .set = set };
    timing_data_miss(&m->tm, &miss, acc);
}

/*
 * Most accesses come from a live guest, need no segment check, store to no
 * page holding decoded code, stay within one L1D line and hit the L1 TLB
 * and the L1D: mem_hook does no call for them, yet its other paths make it
 * save six registers on every access.  This is mem_hook's work for exactly
 * that case; anything else goes to mem_hook before anything is done, and
 * the two rare halves of the access (an L1 TLB or L1D miss) go out of line
 * by tail calls.  Of those only the translation can kill the guest (a
 * fault that does not resolve), so only it may have to sacrifice the page.
 */
static inline __attribute__((always_inline)) void mem_hook_fast(struct machine *m, uc_mem_type type,
                                                                uint32_t va, int size)
{
    enum mmu_access acc = type == UC_MEM_WRITE ? MMU_WRITE : MMU_READ;
    if (__builtin_expect(machine_stopped(m) || m->insn_segcheck ||
                         (acc == MMU_WRITE && decode_page_has_code(&m->ctx->dc, va)) ||
                         timing_data_splits(&m->tm, va, (uint32_t)size), 0)) {
        mem_hook_full(m, type, va, size);
        return;
    }
    struct timing_l1_miss miss;
    switch (timing_data_l1(&m->tm, va, acc, &miss)) {
    case TIMING_HIT:
        return;
    case TIMING_TLB_MISS:
        mem_translate_missed(m, va, size, acc);
        return;
    case TIMING_L1_MISS:
        mem_l1_missed(m, miss.pa, miss.set, miss.key, acc);
        return;
    }
}

static void hook_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                     int64_t value, void *ud)
{
    mem_hook_fast(ud, type, (uint32_t)addr, size);
}

static void hook_mem_rec(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                         int64_t value, void *ud)
{
    mem_hook(ud, type, (uint32_t)addr, size, 1);
}

/*
 * Unicorn found no region, or a region without the right: the model decides.
 * A fault it resolves (stack growth, a text page on first fetch) lets Unicorn
 * retry; anything else has already killed the guest.
 */
static bool hook_bad(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                     int64_t value, void *ud)
{
    struct machine *m = ud;
    uint32_t va = (uint32_t)addr, last = va + (uint32_t)(size > 0 ? size : 1) - 1;
    enum mmu_access acc = MMU_READ;

    if (machine_stopped(m))
        return false;
    /*
     * Unicorn reads code when it translates a block, byte group by byte
     * group, before any instruction runs.  That is no fetch yet (hook_code
     * translates each one): only make sure the page is there, faulting it
     * in as the first fetch would.
     */
    if (type == UC_MEM_FETCH_PROT && va < PAGE_OFFSET)
        return machine_fault_in(m, va, MMU_FETCH) == 0 &&
               machine_fault_in(m, last, MMU_FETCH) == 0;
    if (type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT)
        acc = MMU_WRITE;
    else if (type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT)
        acc = MMU_FETCH;
    /* segmentation comes before paging: the read hook never ran for an
     * address without a region, so check the segment here */
    if (acc != MMU_FETCH && m->insn_segcheck && va < PAGE_OFFSET &&
        segment_access(m, va, (uint32_t)(size > 0 ? size : 1), acc))
        return false;
    uint64_t pa;
    if (cpu_translate_recorded(m, va, acc, &pa) ||
        ((last ^ va) & PAGE_MASK && cpu_translate_recorded(m, last, acc, &pa)))
        return false;
    if (type == UC_MEM_WRITE_PROT || type == UC_MEM_READ_PROT) {
        /* The model allows what the region forbids: a mirror bug, not the guest's. */
        task_exit_signal(m->task, SIGSEGV, "memsim: internal error: region rights disagree with the model at 0x%08x", va);
        return false;
    }
    return true;
}

/* int 0x80, or an exception Unicorn raised (int $n for the DPL-0 vectors
 * never gets here: the code hook raised #GP before it ran). */
static void hook_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    struct machine *m = ud;
    if (intno == IA32_SYSCALL_VECTOR) {
        m->pending_syscall = SYSCALL_INT80;
        uc_emu_stop(uc);
        return;
    }
    machine_exception(m, intno, NULL);
}

/* sysenter: a system call (syscall_entry.c: sysenter_dispatch). */
static void hook_sysenter(uc_engine *uc, void *ud)
{
    struct machine *m = ud;
    m->pending_syscall = SYSCALL_SYSENTER;
    uc_emu_stop(uc);
}

/* CPUID leaf 1 is the modelled CPU's (common/cpu_features.h), not
 * Unicorn 2.0.1's hard-coded EDX; every other leaf is Unicorn's.  Returns
 * 1 when it answered (Unicorn skips the instruction). */
static int hook_cpuid(uc_engine *uc, void *ud)
{
    (void)ud;
    uint32_t eax;
    uc_reg_read(uc, UC_X86_REG_EAX, &eax);
    if (eax != 1)
        return 0;
    const uint32_t v[4] = { GUEST_CPUID_1_EAX, GUEST_CPUID_1_EBX, GUEST_CPUID_1_ECX,
                            GUEST_CPUID_1_EDX };
    const int regs[4] = { UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX };
    for (int i = 0; i < 4; i++)
        uc_reg_write(uc, regs[i], &v[i]);
    return 1;
}

/* The raw engine (a benchmark baseline) runs Unicorn with no hook on the
 * access path: only system calls and region faults reach memsim. */
int cpu_add_hooks(struct machine *m, struct mm_context *c)
{
    uc_hook h;
    uc_err e = UC_ERR_OK;
    if (!m->opt.raw_engine) {
        e = uc_hook_add(c->uc, &h, UC_HOOK_CODE, m->rec ? hook_code_rec : hook_code, m, 1, 0);
        if (!e) e = uc_hook_add(c->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                                m->rec ? hook_mem_rec : hook_mem, m, 1, 0);
    }
    if (!e) e = uc_hook_add(c->uc, &h, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT, hook_bad, m, 1, 0);
    if (!e) e = uc_hook_add(c->uc, &h, UC_HOOK_INTR, hook_intr, m, 1, 0);
    if (!e) e = uc_hook_add(c->uc, &h, UC_HOOK_INSN, hook_sysenter, m, 1, 0, UC_X86_INS_SYSENTER);
    if (!e) e = uc_hook_add(c->uc, &h, UC_HOOK_INSN, hook_cpuid, m, 1, 0, UC_X86_INS_CPUID);
    if (e) {
        snprintf(m->error, sizeof m->error, "Unicorn refused a hook: %s", uc_strerror(e));
        return -1;
    }
    return 0;
}

/*
 * cpu_setup.c — the CPU state memsim gives a fresh program, and the
 * segment registers' descriptors: Linux's GDT (its kernel and user flat
 * segments and the TLS slots), CR0/CR4 and the FPU's init state as Linux
 * leaves them, the ring-0 iret stub that enters user mode, and the reload
 * of the segment registers' hidden parts from the GDT and LDT.  The hooks
 * and the run loop are cpu.c's.
 */
#include <string.h>
#include "emu/machine.h"

#define GDT_ENTRIES 32
#define KERNEL_CS 0x60u
#define KERNEL_DS 0x68u
#define USER_CS 0x73u
#define USER_DS 0x7bu

static uint32_t kva(uint32_t pfn) { return PAGE_OFFSET + (pfn << PAGE_SHIFT); }

/* A flat 4 GiB descriptor; the accessed bit is preset so the CPU never writes the GDT. */
static void flat_desc(uint8_t d[8], uint8_t access)
{
    const uint8_t flat[8] = { 0xff, 0xff, 0, 0, 0, access, 0xcf, 0 };
    memcpy(d, flat, 8);
}

static uint8_t *gdt(struct machine *m) { return pfn_to_host(&m->k.pm, m->gdt_pfn); }

static uint32_t alloc_kernel_frame(struct machine *m, enum page_purpose why)
{
    return alloc_pages(&m->k.pgdat, GFP_KERNEL | __GFP_ZERO, 0, why);
}

#define X86_CR0_MP 0x00000002u
#define X86_CR0_EM 0x00000004u
#define X86_CR0_TS 0x00000008u
#define X86_CR0_ET 0x00000010u
#define X86_CR0_NE 0x00000020u
#define X86_CR4_OSFXSR     0x00000200u
#define X86_CR4_OSXMMEXCPT 0x00000400u

/*
 * CR0 and CR4 as Linux leaves them for a user process on a CPU with FXSR
 * and SSE: MP, NE and ET set, EM clear (the x87 is there), TS clear (no
 * lazy FPU switching since 4.x, fpu__init_cpu_generic), and CR4.OSFXSR and
 * OSXMMEXCPT (fpu__init_cpu_generic / fpu__init_system_xstate): FXSAVE and
 * FXRSTOR then include MXCSR and the XMM registers, and SIMD exceptions are
 * #XM.  Paging stays off in the engine (the model translates), so CR0.PG
 * and WP are the model's (mmu.cr0), not Unicorn's.  The FPU starts as
 * Linux's init_fpstate: FCW 0x37f, MXCSR 0x1f80 (MXCSR_DEFAULT: every SIMD
 * exception masked), where Unicorn leaves MXCSR 0.
 */
static int control_registers(struct machine *m, uc_engine *uc)
{
    uint32_t cr0 = 0, cr4 = 0, fcw = 0x37f, mxcsr = 0x1f80;
    uc_reg_read(uc, UC_X86_REG_CR0, &cr0);
    uc_reg_read(uc, UC_X86_REG_CR4, &cr4);
    cr0 = (cr0 | X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE) & ~(X86_CR0_EM | X86_CR0_TS);
    cr4 |= X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    if (uc_reg_write(uc, UC_X86_REG_CR0, &cr0) != UC_ERR_OK ||
        uc_reg_write(uc, UC_X86_REG_CR4, &cr4) != UC_ERR_OK ||
        uc_reg_write(uc, UC_X86_REG_FPCW, &fcw) != UC_ERR_OK ||
        uc_reg_write(uc, UC_X86_REG_MXCSR, &mxcsr) != UC_ERR_OK) {
        snprintf(m->error, sizeof m->error, "Unicorn refused CR0/CR4 or the FPU state");
        return -1;
    }
    return 0;
}

/* The kernel's own frames, allocated once per machine: the GDT, the iret
 * stub and the kernel stack.  Every engine maps the same host memory for
 * them, as every process on one CPU sees the same GDT. */
int cpu_setup(struct machine *m)
{
    m->gdt_pfn = alloc_kernel_frame(m, PURPOSE_GDT);
    m->stub_pfn = alloc_kernel_frame(m, PURPOSE_KERNEL);
    m->kstack_pfn = alloc_kernel_frame(m, PURPOSE_KSTACK);
    if (m->gdt_pfn == PFN_NONE || m->stub_pfn == PFN_NONE || m->kstack_pfn == PFN_NONE) {
        snprintf(m->error, sizeof m->error, "--ram is too small for the kernel's own pages");
        return -1;
    }
    flat_desc(gdt(m) + 8 * (KERNEL_CS >> 3), 0x9b);
    flat_desc(gdt(m) + 8 * (KERNEL_DS >> 3), 0x93);
    flat_desc(gdt(m) + 8 * (USER_CS >> 3), 0xfb);
    flat_desc(gdt(m) + 8 * (USER_DS >> 3), 0xf3);
    *(uint8_t *)pfn_to_host(&m->k.pm, m->stub_pfn) = 0xcf;   /* iret */
    return 0;
}

/* An engine made a CPU of this machine: the kernel frames at their
 * direct-map addresses, GDTR on the GDT, CR0/CR4 and the FPU as Linux
 * leaves them.  The hooks come after (cpu_add_hooks): the first engine
 * enters user mode through the iret stub without them. */
int cpu_setup_engine(struct machine *m, struct mm_context *c)
{
    if (hostmap_map_kernel_page(c, m->gdt_pfn, 0) || hostmap_map_kernel_page(c, m->stub_pfn, 0) ||
        hostmap_map_kernel_page(c, m->kstack_pfn, 1))
        return -1;
    uc_x86_mmr gdtr = { 0, kva(m->gdt_pfn), GDT_ENTRIES * 8 - 1, 0 };
    if (uc_reg_write(c->uc, UC_X86_REG_GDTR, &gdtr) != UC_ERR_OK) {
        snprintf(m->error, sizeof m->error, "Unicorn refused the GDT");
        return -1;
    }
    return control_registers(m, c->uc);
}

int cpu_write_tls(struct machine *m, unsigned entry, const uint8_t desc[8])
{
    memcpy(gdt(m) + 8 * entry, desc, 8);
    return 0;
}

/*
 * Unicorn will not load CS/SS with RPL 3 from the host side, so the machine
 * starts at CPL 0 on a one-instruction stub, `iret`, whose frame on the
 * kernel stack holds the user EIP, CS, EFLAGS, ESP and SS — the way Linux's
 * start_thread returns to a fresh program.
 */
int cpu_enter_user(struct machine *m, uint32_t entry, uint32_t sp)
{
    uint32_t top = kva(m->kstack_pfn) + PAGE_SIZE - 20;
    uint32_t *frame = (uint32_t *)((uint8_t *)pfn_to_host(&m->k.pm, m->kstack_pfn) + PAGE_SIZE - 20);
    frame[0] = entry;
    frame[1] = USER_CS;
    frame[2] = 0x202;                     /* IF, reserved bit 1 */
    frame[3] = sp;
    frame[4] = USER_DS;
    uint32_t zero = 0, ss = KERNEL_DS, ds = USER_DS;
    int regs[] = { UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX,
                   UC_X86_REG_ESI, UC_X86_REG_EDI, UC_X86_REG_EBP };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        uc_reg_write(m->ctx->uc, regs[i], &zero);
    uc_reg_write(m->ctx->uc, UC_X86_REG_SS, &ss);
    uc_reg_write(m->ctx->uc, UC_X86_REG_ESP, &top);
    uc_reg_write(m->ctx->uc, UC_X86_REG_DS, &ds);
    uc_reg_write(m->ctx->uc, UC_X86_REG_ES, &ds);
    /* until=entry, not count=1: removing a count hook later flushes every
     * translated block, a 0.4 s memset of the code buffer in Unicorn 2.0.1 */
    uc_err e = uc_emu_start(m->ctx->uc, kva(m->stub_pfn), entry, 0, 0);
    uint32_t cs = 0, eip = 0;
    uc_reg_read(m->ctx->uc, UC_X86_REG_CS, &cs);
    uc_reg_read(m->ctx->uc, UC_X86_REG_EIP, &eip);
    /* Unicorn may already try to translate the entry block, which faults
     * (no hooks yet): what counts is that iret reached CPL 3 at the entry. */
    if ((e != UC_ERR_OK && e != UC_ERR_FETCH_PROT) || cs != USER_CS || eip != entry) {
        snprintf(m->error, sizeof m->error, "entering user mode failed (%s, cs=0x%x)",
                 uc_strerror(e), cs);
        return -1;
    }
    return 0;
}

/* The LDT's entries up to the highest one a TI=1 selector names, copied
 * from the vmalloc area (its pages are not contiguous on the host); NULL
 * when the task has no LDT. */
static const uint8_t *ldt_for_loads(struct machine *m, const uint32_t sel[NR_SEG_REGS])
{
    uint32_t need = 0;
    if (!m->task->ldt || !m->ldt_view)
        return NULL;
    for (int r = 0; r < NR_SEG_REGS; r++)
        if ((sel[r] & 4) && (sel[r] & 0xfff8u) + 8 > need)
            need = (sel[r] & 0xfff8u) + 8;
    ldt_read(m->task, m->ldt_view, need);
    return m->ldt_view;
}

/*
 * The segment registers' hidden parts, reread after any instruction that
 * loaded one (Unicorn has already applied the protected-mode load checks
 * and raised #GP/#NP where due).  A descriptor changed in its table does
 * not affect a register until it is loaded again, as on hardware.
 */
void cpu_load_segments(struct machine *m)
{
    static const int uc_sreg[NR_SEG_REGS] = { UC_X86_REG_ES, UC_X86_REG_CS, UC_X86_REG_SS,
                                              UC_X86_REG_DS, UC_X86_REG_FS, UC_X86_REG_GS };
    uint32_t sel[NR_SEG_REGS] = { 0 };
    for (int r = 0; r < NR_SEG_REGS; r++)
        uc_reg_read(m->ctx->uc, uc_sreg[r], &sel[r]);
    const uint8_t *ldt = ldt_for_loads(m, sel);
    m->sreg_nonflat = m->sreg_null = 0;
    for (int r = 0; r < NR_SEG_REGS; r++) {
        int null_sel = 0;
        m->sel[r] = (uint16_t)sel[r];
        seg_load((enum seg_reg)r, (uint16_t)sel[r], 3, gdt(m), GDT_ENTRIES * 8 - 1,
                 ldt, ldt ? LDT_SIZE - 1 : 0, &m->sreg[r], &null_sel);
        if (null_sel)
            m->sreg_null |= (uint8_t)(1u << r);
        if (null_sel || !seg_is_flat(&m->sreg[r]))
            m->sreg_nonflat |= (uint8_t)(1u << r);
    }
    m->sreg_stale = 0;
}

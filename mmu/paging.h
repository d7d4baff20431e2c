/*
 * paging.h — x86 paging structures of a 32-bit CPU (Intel SDM vol. 3A §4.3,
 * §4.4).
 *
 * Two-level paging: CR3 -> page directory (1024 PDEs) -> page table (1024
 * PTEs) -> 4 KiB page; the linear address splits 10/10/12.  A PDE with PS set
 * (CR4.PSE) maps a 4 MiB page directly.  Entries are little-endian uint32_t
 * in modelled physical memory.
 *
 * PAE paging (CR4.PAE): CR3 -> 4-entry PDPT (32-byte aligned) -> page
 * directory (512 PDEs) -> page table (512 PTEs) -> 4 KiB page; the address
 * splits 2/9/9/12.  A PDE with PS set maps a 2 MiB page.  Entries are
 * little-endian uint64_t; bit 63 is XD (NX) when EFER.NXE is set.  The flag
 * bits 0-8 mean the same in both formats.
 */
#ifndef MEMSIM_PAGING_H
#define MEMSIM_PAGING_H

#include <stdint.h>

#define _PAGE_PRESENT  0x001u
#define _PAGE_RW       0x002u
#define _PAGE_USER     0x004u
#define _PAGE_PWT      0x008u
#define _PAGE_PCD      0x010u
#define _PAGE_ACCESSED 0x020u
#define _PAGE_DIRTY    0x040u
#define _PAGE_PSE      0x080u   /* in a PDE: 4 MiB page */
#define _PAGE_GLOBAL   0x100u
#define _PAGE_FRAME    0xfffff000u

#define PGDIR_SHIFT 22
#define PTRS_PER_PGD 1024
#define PTRS_PER_PTE 1024
#define PSE_FRAME    0xffc00000u

static inline uint32_t pgd_index(uint32_t va) { return va >> PGDIR_SHIFT; }
static inline uint32_t pte_index(uint32_t va) { return (va >> 12) & (PTRS_PER_PTE - 1); }

/* ---- PAE (SDM §4.4; Linux pgtable-3level_types.h) ---- */
#define _PAGE_NX          (1ull << 63)          /* XD: no instruction fetch */
#define PAE_PDPT_SHIFT    30
#define PAE_PMD_SHIFT     21                    /* a PDE maps 2 MiB */
#define PAE_PTRS_PER_PDPT 4
#define PAE_PTRS_PER_PMD  512
#define PAE_PTRS_PER_PTE  512
#define PAE_MAXPHYADDR    36                    /* the modelled CPU's */
#define PAE_CR3_MASK      0xffffffe0u           /* the PDPT's address */
#define PAE_FRAME         0x0000000ffffff000ull /* bits 35:12 */
#define PAE_LARGE_FRAME   0x0000000fffe00000ull /* bits 35:21 of a 2 MiB PDE */
/* Reserved bits (must be 0 in a present entry, else #PF with RSVD): */
#define PAE_RSVD_HIGH     0x7ffffff000000000ull /* bits 62:MAXPHYADDR of a PDE/PTE */
#define PAE_RSVD_LARGE    0x00000000001fe000ull /* bits 20:13 of a 2 MiB PDE */
#define PAE_RSVD_PDPTE    0xfffffff0000001e6ull /* bits 63:36, 8:5, 2:1 of a PDPTE */

static inline uint32_t pae_pdpt_index(uint32_t va) { return va >> PAE_PDPT_SHIFT; }
static inline uint32_t pae_pmd_index(uint32_t va) { return (va >> PAE_PMD_SHIFT) & (PAE_PTRS_PER_PMD - 1); }
static inline uint32_t pae_pte_index(uint32_t va) { return (va >> 12) & (PAE_PTRS_PER_PTE - 1); }

enum paging_mode {
    PAGING_2LEVEL = 0,      /* 32-bit paging: --paging 2level (the default) */
    PAGING_PAE    = 1,      /* PAE paging: --paging pae */
};

#define X86_CR0_PE  (1u << 0)
#define X86_CR0_WP  (1u << 16)
#define X86_CR0_PG  (1u << 31)
#define X86_CR4_PSE (1u << 4)
#define X86_CR4_PAE (1u << 5)
#define X86_CR4_PGE (1u << 7)
#define X86_EFER_NXE (1u << 11)  /* IA32_EFER.NXE: XD honoured (PAE only here) */

/* #PF error code bits (arch/x86/include/asm/trap_pf.h) */
#define X86_PF_PROT  (1u << 0)   /* 0: not present, 1: protection */
#define X86_PF_WRITE (1u << 1)
#define X86_PF_USER  (1u << 2)
#define X86_PF_RSVD  (1u << 3)
#define X86_PF_INSTR (1u << 4)

#endif

/*
 * paging.h — x86 32-bit paging structures (Intel SDM vol. 3A §4.3).
 *
 * Two-level paging: CR3 -> page directory (1024 PDEs) -> page table (1024
 * PTEs) -> 4 KiB page; the linear address splits 10/10/12.  A PDE with PS set
 * (CR4.PSE) maps a 4 MiB page directly.  Entries are little-endian uint32_t
 * in modelled physical memory.
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

#define X86_CR0_PE  (1u << 0)
#define X86_CR0_WP  (1u << 16)
#define X86_CR0_PG  (1u << 31)
#define X86_CR4_PSE (1u << 4)
#define X86_CR4_PAE (1u << 5)
#define X86_CR4_PGE (1u << 7)

/* #PF error code bits (arch/x86/include/asm/trap_pf.h) */
#define X86_PF_PROT  (1u << 0)   /* 0: not present, 1: protection */
#define X86_PF_WRITE (1u << 1)
#define X86_PF_USER  (1u << 2)
#define X86_PF_RSVD  (1u << 3)
#define X86_PF_INSTR (1u << 4)

#endif

/*
 * cpu_features.h — what the guest's CPU says it has (CPUID leaf 1), the one
 * place both sides read: emu/cpuid.c answers the CPUID instruction with it,
 * and the kernel model's exec puts CPUID.1:EDX in AT_HWCAP, as Linux's
 * ELF_HWCAP is boot_cpu_data's CPUID.1:EDX word.
 *
 * The CPU is a P6-family part (family 6, model 6, stepping 3: Unicorn's
 * own signature) with x87, MMX, SSE, SSE2, CMOV, CX8, FXSR, TSC, PAE and
 * the rest of the P6 set in EDX; ECX is what Unicorn's TCG executes:
 * SSSE3, CX16, SSE4.1, SSE4.2, AES.  Unicorn 2.0.1 itself answers leaf 1
 * with a hard-coded EDX of 0x07088100 (no FPU, TSC or MMX: its
 * x86_reg_reset hack, upstream issue 1787), which Go's runtime refuses
 * ("can only be run on processors with MMX support").
 */
#ifndef MEMSIM_CPU_FEATURES_H
#define MEMSIM_CPU_FEATURES_H

#define GUEST_CPUID_1_EAX 0x00000663u   /* family 6, model 6, stepping 3 */
#define GUEST_CPUID_1_EBX 0x00000800u   /* CLFLUSH line 8 * 8 = 64 bytes, APIC id 0 */
#define GUEST_CPUID_1_ECX 0x02182200u   /* SSSE3 CX16 SSE4.1 SSE4.2 AES */
#define GUEST_CPUID_1_EDX 0x078bfbffu   /* FPU..PSE36 CLFSH MMX FXSR SSE SSE2 */

#endif

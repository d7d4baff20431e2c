/* fpu_state.c — the FPU and SSE state a fresh Linux process starts with and
 * what FXSAVE/FXRSTOR see (CR4.OSFXSR set, CR0.EM and TS clear):
 * FCW 0x37f, MXCSR 0x1f80; FXSAVE stores FCW, MXCSR and XMM0-7; FXRSTOR
 * loads XMM registers and MXCSR from its image.  Linux and qemu-i386 agree. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t area[512] __attribute__((aligned(16)));

int main(void)
{
    uint16_t fcw = 0;
    uint32_t mxcsr = 0;
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    printf("at start: fcw %04x, mxcsr %08x\n", fcw, mxcsr);

    uint32_t pat0[4] = { 0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00 };
    uint32_t pat7[4] = { 0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10 };
    memset(area, 0xee, sizeof area);
    __asm__ volatile("movdqu %0, %%xmm0; movdqu %1, %%xmm7; fxsave %2"
                     :: "m"(pat0), "m"(pat7), "m"(area) : "memory");
    uint16_t img_fcw;
    uint32_t img_mxcsr;
    memcpy(&img_fcw, area + 0, 2);
    memcpy(&img_mxcsr, area + 24, 4);
    printf("fxsave: fcw %04x, mxcsr %08x, xmm0 %s, xmm7 %s\n", img_fcw, img_mxcsr,
           memcmp(area + 160, pat0, 16) ? "NOT saved" : "saved",
           memcmp(area + 160 + 7 * 16, pat7, 16) ? "NOT saved" : "saved");

    /* fxrstor an image with xmm0 zero, xmm7 = pat0 and MXCSR rounding toward zero */
    memset(area + 160, 0, 16);
    memcpy(area + 160 + 7 * 16, pat0, 16);
    uint32_t rz = 0x1f80 | 0x6000;
    memcpy(area + 24, &rz, 4);
    uint32_t back0[4], back7[4], mx2 = 0;
    __asm__ volatile("fxrstor %3; movdqu %%xmm0, %0; movdqu %%xmm7, %1; stmxcsr %2"
                     : "=m"(back0), "=m"(back7), "=m"(mx2) : "m"(area) : "memory");
    printf("fxrstor: xmm0 %08x, xmm7 %s, mxcsr %08x\n", back0[0],
           memcmp(back7, pat0, 16) ? "wrong" : "loaded", mx2);

    /* the rounding mode just loaded applies: 1.5 and -1.5 toward zero */
    float f[2] = { 1.5f, -1.5f };
    int32_t i0, i1;
    __asm__ volatile("cvtss2si %2, %0; cvtss2si %3, %1" : "=r"(i0), "=r"(i1) : "m"(f[0]), "m"(f[1]));
    printf("cvtss2si toward zero: %d %d\n", i0, i1);
    uint32_t def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" :: "m"(def));
    __asm__ volatile("cvtss2si %2, %0; cvtss2si %3, %1" : "=r"(i0), "=r"(i1) : "m"(f[0]), "m"(f[1]));
    printf("cvtss2si to nearest: %d %d\n", i0, i1);
    return 0;
}

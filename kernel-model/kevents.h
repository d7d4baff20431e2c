/*
 * kevents.h — the events the kernel model reports: page faults, page
 * allocations, VMA changes and system calls.
 *
 * kernel-model/ never writes a trace itself: it calls the observer, and emu/
 * wires the observer to trace/.  Strings in events are static (names of
 * kinds, zones, purposes) or live at least until the callback returns.
 * Every callback may be NULL.
 */
#ifndef MEMSIM_KEVENTS_H
#define MEMSIM_KEVENTS_H

#include <stdint.h>

struct fault_event {
    uint32_t pid;
    uint32_t eip;           /* instruction that faulted (0 for kernel uaccess) */
    uint32_t address;       /* faulting linear address (CR2) */
    uint32_t error_code;    /* x86 #PF error code: P W U RSVD I/D */
    uint8_t  access;        /* enum mmu_access */
    const char *kind;       /* "anon", "file", "cow", "stack", "bad" ... */
    const char *resolution; /* "demand-zero", "zero-page", "file-read", "cow-copy",
                               "cow-reuse", "SIGSEGV/SEGV_MAPERR" ... */
    uint32_t pfn;           /* frame that resolved it, or UINT32_MAX */
};

struct alloc_event {
    const char *allocator;  /* "memblock", "buddy" */
    const char *op;         /* "alloc", "free", "reserve" */
    unsigned    order;
    uint32_t    pfn;
    const char *zone;       /* "DMA", "Normal", "HighMem" */
    const char *purpose;    /* page_purpose_name() */
};

struct vma_event {
    uint32_t pid;
    const char *op;         /* "map", "unmap", "protect", "grow", "brk" */
    uint32_t start, end;
    uint32_t prot;          /* PROT_* bits */
    uint32_t flags;         /* VM_* bits */
    const char *name;       /* "[heap]", "[stack]", file path, or "" */
};

struct syscall_event {
    uint32_t pid;
    uint32_t nr;
    const char *name;
    uint32_t args[6];
    int32_t  ret;
};

struct kernel_observer {
    void *ctx;
    void (*fault)(void *ctx, const struct fault_event *ev);
    void (*alloc)(void *ctx, const struct alloc_event *ev);
    void (*vma)(void *ctx, const struct vma_event *ev);
    void (*syscall)(void *ctx, const struct syscall_event *ev);
};

#endif

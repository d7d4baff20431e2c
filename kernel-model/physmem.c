/*
 * physmem.c — the machine's RAM and its struct page array (Linux mem_map).
 *
 * RAM is a memfd so that emu/ can alias single frames into a guest's host
 * window (mmap(memfd, pfn << PAGE_SHIFT)) while the model keeps one
 * read/write mapping of all of it at pm->base.  Both views are MAP_SHARED on
 * the same file, so a byte written through either is seen by the other.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE                      /* memfd_create (CMake defines it too) */
#endif
#include "common/errmsg.h"
#include "kernel-model/page.h"
#include "kernel-model/page_alloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PHYSMEM_MIN_SIZE (4ull << 20)
/* PAE's 36-bit physical address space: the most an i386 kernel can address. */
#define PHYSMEM_MAX_SIZE (64ull << 30)

int physmem_init(struct physmem *pm, uint64_t size, char *err, size_t errlen)
{
    memset(pm, 0, sizeof(*pm));
    pm->memfd = -1;

    size &= ~(uint64_t)(PAGE_SIZE - 1);
    if (size < PHYSMEM_MIN_SIZE || size > PHYSMEM_MAX_SIZE) {
        set_err(err, errlen, "RAM size %llu bytes out of range (4 MiB .. 64 GiB)",
                (unsigned long long)size);
        return -1;
    }

    pm->memfd = memfd_create("memsim-ram", MFD_CLOEXEC);
    if (pm->memfd < 0) {
        set_err(err, errlen, "memfd_create: %s", strerror(errno));
        goto fail;
    }
    /* ftruncate makes a sparse file: untouched frames cost no host memory. */
    if (ftruncate(pm->memfd, (off_t)size) < 0) {
        set_err(err, errlen, "ftruncate memfd to %llu bytes: %s",
                (unsigned long long)size, strerror(errno));
        goto fail;
    }
    void *base = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
                      pm->memfd, 0);
    if (base == MAP_FAILED) {
        set_err(err, errlen, "mmap RAM: %s", strerror(errno));
        goto fail;
    }
    pm->base = base;
    pm->size = size;
    pm->nr_pages = (uint32_t)(size >> PAGE_SHIFT);

    /* Every frame starts unused, and a zeroed struct page says so (page.h):
     * calloc's fresh zero pages are left untouched (Linux defers struct page
     * init for the same reason), so a boot faults in only the struct pages
     * bootmem and buddy write. */
    pm->mem_map = calloc(pm->nr_pages, sizeof(struct page));
    if (!pm->mem_map) {
        set_err(err, errlen, "mem_map: cannot allocate %u struct pages", pm->nr_pages);
        goto fail;
    }
    pm->used = calloc((pm->nr_pages + 63) / 64, sizeof *pm->used);
    if (!pm->used) {
        set_err(err, errlen, "cannot allocate the frame bitmap");
        goto fail;
    }
    return 0;

fail:
    physmem_destroy(pm);
    return -1;
}

int physmem_is_hole(const struct physmem *pm, uint32_t pfn, uint32_t n)
{
    off_t at = (off_t)pfn << PAGE_SHIFT, end = at + ((off_t)n << PAGE_SHIFT);
    off_t data = lseek(pm->memfd, at, SEEK_DATA);
    return data < 0 ? errno == ENXIO : data >= end;
}

/* Safe on a half-initialised or already destroyed physmem. */
void physmem_destroy(struct physmem *pm)
{
    if (pm->base)
        munmap(pm->base, (size_t)pm->size);
    if (pm->memfd >= 0)
        close(pm->memfd);
    free(pm->mem_map);
    free(pm->used);
    memset(pm, 0, sizeof(*pm));
    pm->memfd = -1;
}

const char *page_purpose_name(enum page_purpose p)
{
    static const char *const names[NR_PAGE_PURPOSES] = {
        [PURPOSE_NONE]         = "none",
        [PURPOSE_FIRMWARE]     = "firmware",
        [PURPOSE_KERNEL_IMAGE] = "kernel-image",
        [PURPOSE_MEM_MAP]      = "mem_map",
        [PURPOSE_PGD]          = "pgd",
        [PURPOSE_PAGETABLE]    = "pagetable",
        [PURPOSE_ANON]         = "anon",
        [PURPOSE_PAGECACHE]    = "pagecache",
        [PURPOSE_ZERO_PAGE]    = "zero-page",
        [PURPOSE_GDT]          = "gdt",
        [PURPOSE_KSTACK]       = "kstack",
        [PURPOSE_KERNEL]       = "kernel",
        [PURPOSE_TEST]         = "test",
        [PURPOSE_SLAB]         = "slab",
        [PURPOSE_BOOTMEM_MAP]  = "bootmem-map",
        [PURPOSE_PAGEBLOCK_FLAGS] = "pageblock-flags",
        [PURPOSE_VMALLOC]      = "vmalloc",
        [PURPOSE_PIPE]         = "pipe",
    };

    if ((unsigned)p >= NR_PAGE_PURPOSES)
        return "unknown";
    return names[p];
}

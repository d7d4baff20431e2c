/*
 * vmalloc.h — the kernel's vmalloc area (Linux 6.1 mm/vmalloc.c, i386).
 *
 * The area lies between VMALLOC_START and VMALLOC_END of the i386 layout
 * (arch/x86/include/asm/pgtable_32_areas.h): 8 MiB (VMALLOC_OFFSET) above
 * high_memory, the end of low memory's direct map (PAGE_OFFSET plus the
 * RAM below 896 MiB, the model's lowmem limit), up to two pages below
 * PKMAP_BASE.  PKMAP_BASE comes from the fixmap's size through 6.1's
 * macros (vmalloc.c says how; with PMD rounding the result is the same for
 * any uniprocessor 686 config): 0xFF400000 with 2-level paging, 0xFF600000
 * with PAE, so VMALLOC_END is 0xFF3FE000 or 0xFF5FE000.
 *
 * vmalloc(size) gives a virtually contiguous buffer: a vmap_area placed at
 * the lowest address where size plus one guard page fits (6.1's
 * find_vmap_lowest_match; VM_NO_GUARD is never used), backed page by page
 * by the buddy allocator (GFP_KERNEL | __GFP_HIGHMEM, purpose "vmalloc"),
 * each page mapped in swapper_pg_dir (PAGE_KERNEL: present, writable,
 * global, NX with PAE).  Kernel page tables for the area are allocated on
 * demand and never freed, as Linux's; with 2-level paging a new page table
 * is copied into every mm's page directory (arch_sync_kernel_mappings:
 * there is no shared kernel PMD), with PAE every pgd shares swapper's
 * kernel PMD already.  vfree unmaps the pages, flushes their translations
 * (INVLPG per page) and frees them; 6.1 defers that flush and purges lazily
 * (lazy_max_pages), the model does it at once.
 *
 * The bookkeeping is Linux's objects: a vmap_area from the "vmap_area"
 * kmem_cache, a vm_struct from kmalloc, and the array of page pointers
 * from kmalloc, or from vmalloc itself when it is larger than a page.
 * Each area is one EV_ALLOC / EV_FREE with allocator "vmalloc": purpose the
 * caller (the model function that asked, as /proc/vmallocinfo prints it),
 * addr the area's address, ord the smallest order that holds its pages,
 * pfn its first page; its pages are buddy rows with purpose "vmalloc".
 */
#ifndef MEMSIM_VMALLOC_H
#define MEMSIM_VMALLOC_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-model/page_alloc.h"

struct kernel;
struct seq_file;
struct task_struct;

#define VMALLOC_OFFSET (8u << 20)

/* One allocated area (Linux's vmap_area and its vm_struct in one). */
struct vmap_area {
    uint32_t va_start, va_end;   /* [start, end): the pages and the guard page */
    uint32_t nr_pages;
    uint32_t *pages;             /* their pfns (host copy of area->pages) */
    const char *caller;          /* static: names the trace row and vmallocinfo */
    uint32_t va_obj, vm_obj;     /* the vmap_area and vm_struct slab objects */
    uint32_t pages_obj;          /* the page array: a kmalloc object ... */
    struct vmap_area *pages_area;/* ... or, above a page, a vmalloc area */
    struct vmap_area *next;      /* the busy list, by address */
};

struct vmalloc_state {
    uint32_t start, end;         /* VMALLOC_START, VMALLOC_END */
    struct vmap_area *busy;      /* allocated areas, by address */
    uint64_t nr_pages;           /* pages backing them (vmalloc_nr_pages) */
    struct kmem_cache *vmap_area_cachep;
};

/* Boot (after slab and swapper): the area's bounds and the vmap_area cache.
 * 0, or -1 when out of host memory. */
int  vmalloc_init(struct kernel *k);
void vmalloc_destroy(struct kernel *k);     /* host memory only */

/* VMALLOC_START / VMALLOC_END for a machine with ram_bytes of RAM. */
uint32_t vmalloc_start_for(uint64_t ram_bytes);
uint32_t vmalloc_end_for(int pae);
/* PKMAP_BASE, the permanent kmap area above it (highmem.c): 0xFF400000
 * with 2-level paging, 0xFF600000 with PAE. */
uint32_t pkmap_base_for(int pae);

/* A buffer of size bytes (rounded up to pages) in the vmalloc area, or 0
 * when there is no room or no memory (nothing is left allocated).  caller
 * is a static string: the function the buffer is for. */
uint32_t vmalloc(struct kernel *k, size_t size, const char *caller);
/* Linux's __vmalloc: the pages with gfp (__GFP_ZERO: zeroed), __GFP_HIGHMEM
 * added as __vmalloc_area_node does. */
uint32_t vmalloc_gfp(struct kernel *k, size_t size, gfp_t gfp, const char *caller);
/* Free what vmalloc returned (0 is ignored, as vfree(NULL)). */
void vfree(struct kernel *k, uint32_t addr);
/* The host bytes of the page holding addr in an area (NULL: not one). */
void *vmalloc_to_host(struct kernel *k, uint32_t addr);
/* The frame mapped at addr (vmalloc_to_pfn), or PFN_NONE. */
uint32_t vmalloc_to_pfn(struct kernel *k, uint32_t addr);
/* Copy len bytes into / out of an area, page by page. */
void vmalloc_write(struct kernel *k, uint32_t addr, const void *src, size_t len);
void vmalloc_read(struct kernel *k, uint32_t addr, void *dst, size_t len);

/* Consistency: areas sorted, disjoint, inside the bounds, a guard page
 * after each; every page a vmalloc frame mapped at its address in
 * swapper's tables; nr_pages the sum.  0, or -1 with a reason. */
int vmalloc_check(struct kernel *k, char *err, size_t errlen);

/* /proc/vmallocinfo (6.1's s_show for the areas the model has). */
int proc_vmallocinfo_show(struct seq_file *m, struct task_struct *t);

#endif

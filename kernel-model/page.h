/*
 * page.h — physical memory: RAM in a memfd, and one struct page per frame.
 *
 * RAM is a memfd of the configured size, mapped once read/write at pm->base
 * so the model (page-table walker, kernel, syscalls) reads and writes frames
 * directly.  emu/ additionally aliases single frames into the guest's host
 * window with mmap(memfd, pfn << PAGE_SHIFT).
 *
 * struct page follows Linux: _refcount counts users of the frame, mapcount
 * counts page-table mappings (Linux's _mapcount, which starts at -1, plus
 * one: 0 is "not mapped").  All zero is a valid unused frame, so the
 * mem_map is calloc'd and never written at boot (a 256 MiB machine's 64 Ki
 * struct pages would otherwise cost every run ~640 host page faults); the
 * zone is pfn_zone(pfn), not a field, and the free-list links mean
 * something only on a list.  A mapping is
 * a user PTE naming the frame, present or PROT_NONE (the frame kept while
 * hidden): set_pte_at, zap_pte and do_wp_page keep the count, a move
 * (mremap) leaves it.  Unlike Linux, whose zero page is a special PTE with
 * no map count, the shared zero page is counted like any frame (so a
 * write fault can tell "mapped more than once" from the count alone).
 * mapping and index say whose page it is and where in that owner, for the
 * page cache and the reverse map to come: a page-cache page's
 * address_space and its page offset in the file (filemap.h); an anonymous page's anon_vma
 * (PG_anon says which kind; anon_vma_ptr: the kernel address of the object;
 * after fork a frame parent and child share has the parent's, one owner)
 * and its virtual page number at fault time (an mremap moves the PTE and
 * leaves index, as Linux keeps the moved VMA's vm_pgoff).
 */
#ifndef MEMSIM_PAGE_H
#define MEMSIM_PAGE_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1u << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))
#define PFN_NONE   UINT32_MAX

/* page->flags */
enum pageflags {
    PG_reserved = 1u << 0,  /* never on a free list: given out by bootmem (firmware, image, mem_map ...) */
    PG_buddy    = 1u << 1,  /* head of a free block on free_area[page->order] */
    PG_anon     = 1u << 2,  /* anonymous user page */
    PG_dirty    = 1u << 3,
    PG_zero     = 1u << 4,  /* the shared zero page */
    PG_file     = 1u << 5,  /* in a file's page cache: mapping is its address_space */
    PG_pgtable  = 1u << 6,  /* holds a page directory or page table */
    PG_head     = 1u << 7,  /* first frame of an allocated block of order > 0 */
    PG_slab     = 1u << 8,  /* a frame of a slab (slab.c): mapping is its struct slab */
    PG_lazyfree = 1u << 9,  /* MADV_FREE'd anonymous page: Linux's !PG_swapbacked, which
                               reclaim may drop while clean (the model never reclaims) */
    PG_uptodate = 1u << 10, /* a cache page holding the file's bytes (filemap.c) */
    PG_lru      = 1u << 11, /* on a file LRU list (next/prev link it) */
    PG_active   = 1u << 12, /* on the active list, not the inactive one */
    PG_referenced = 1u << 13, /* used once since it was last moved (mark_page_accessed) */
};

/* Why a frame was allocated: recorded in the trace and in /proc. */
enum page_purpose {
    PURPOSE_NONE = 0,
    PURPOSE_FIRMWARE,       /* below 1 MiB: BIOS, real-mode area */
    PURPOSE_KERNEL_IMAGE,
    PURPOSE_MEM_MAP,        /* the struct page array itself */
    PURPOSE_PGD,            /* page directory (or PAE PDPT) */
    PURPOSE_PAGETABLE,
    PURPOSE_ANON,           /* anonymous user page */
    PURPOSE_PAGECACHE,      /* a page of a file's page cache (filemap.c) */
    PURPOSE_ZERO_PAGE,
    PURPOSE_GDT,
    PURPOSE_KSTACK,
    PURPOSE_KERNEL,         /* other kernel use */
    PURPOSE_TEST,           /* unit tests */
    PURPOSE_SLAB,           /* a slab of a kmem_cache (slab.c) */
    PURPOSE_BOOTMEM_MAP,    /* the boot allocator's bitmap (bootmem.c), freed at mem_init */
    PURPOSE_PAGEBLOCK_FLAGS,/* a zone's pageblock flags (migrate types), from bootmem */
    PURPOSE_VMALLOC,        /* a page of a vmalloc area (vmalloc.c) */
    PURPOSE_PIPE,           /* a pipe buffer's page (pipe.c) */
    NR_PAGE_PURPOSES
};

const char *page_purpose_name(enum page_purpose p);  /* "anon", "pagetable", ... */

struct page {
    uint32_t flags;         /* enum pageflags */
    int32_t  _refcount;
    int32_t  mapcount;      /* PTEs mapping the frame: Linux's _mapcount + 1 (0: not
                               mapped), so that an all-zero struct page is an unused frame */
    uint8_t  order;         /* block order while PG_buddy or PG_head */
    uint8_t  migratetype;   /* while PG_buddy: the free list it is on (page_alloc.h) */
    uint16_t purpose;       /* enum page_purpose */
    uint32_t next, prev;    /* free-list links (pfns, PFN_NONE terminated) */
    uint32_t private;       /* owner-specific */
    uint32_t index;         /* page offset in mapping (anon: va >> PAGE_SHIFT) */
    void    *mapping;       /* owner: struct address_space (PG_file) or anon_vma (PG_anon: anon_vma_ptr);
                               opaque here, NULL for kernel pages and the zero page */
};

/* An anonymous page's mapping: its anon_vma's kernel address (Linux's
 * page->mapping = anon_vma | PAGE_MAPPING_ANON; PG_anon is the flag). */
static inline void *anon_vma_ptr(uint32_t anon_vma)
{
    return (void *)(uintptr_t)anon_vma;
}

/* The number of PTEs mapping the frame (Linux's page_mapcount). */
static inline int page_mapcount(const struct page *page)
{
    return page->mapcount;
}

struct physmem {
    int      memfd;         /* the RAM; frames are aliased from it */
    uint8_t *base;          /* host mapping of all RAM */
    uint64_t size;          /* bytes, a multiple of PAGE_SIZE */
    uint32_t nr_pages;
    struct page *mem_map;   /* nr_pages entries */
    uint64_t *used;         /* bit per frame: handed out since boot, so its host
                             * bytes may be non-zero (a fresh memfd reads zeros) */
};

/* Create RAM of `size` bytes (rounded down to pages; at least 4 MiB).
 * Returns 0, or -1 with a one-line reason in err. */
int  physmem_init(struct physmem *pm, uint64_t size, char *err, size_t errlen);
void physmem_destroy(struct physmem *pm);
/* 1 when no byte of frames [pfn, pfn + n) is in the memfd (a hole: reads as
 * zeros, nothing to clear); 0 when some is, or the host cannot say.  A
 * swapped-out page counts as present (lseek SEEK_DATA). */
int  physmem_is_hole(const struct physmem *pm, uint32_t pfn, uint32_t n);

static inline struct page *pfn_to_page(const struct physmem *pm, uint32_t pfn)
{
    return &pm->mem_map[pfn];
}
static inline uint32_t page_to_pfn(const struct physmem *pm, const struct page *p)
{
    return (uint32_t)(p - pm->mem_map);
}
static inline void *pfn_to_host(const struct physmem *pm, uint32_t pfn)
{
    return pm->base + ((uint64_t)pfn << PAGE_SHIFT);
}

#endif

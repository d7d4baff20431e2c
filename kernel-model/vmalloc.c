/*
 * vmalloc.c — the vmalloc area: placement, backing, mapping, vfree,
 * the checker and /proc/vmallocinfo (see vmalloc.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/procfs.h"
#include "kernel-model/sched.h"
#include "kernel-model/vmalloc.h"

/* ---- the layout (pgtable_32_areas.h, fixmap.h, cpu_entry_area.h) ------ */

#define FIXADDR_TOP_         0xfffff000u   /* __FIXADDR_TOP: -PAGE_SIZE */
/* enum fixed_addresses before __end_of_permanent_fixed_addresses on a
 * uniprocessor 686 config (hole, earlycon, APIC, 64 IO-APICs, 16 kmap_local
 * slots, PCIe MCFG, text poke ...): an estimate; the PMD rounding below makes
 * VMALLOC_END the same for anything from 1 to ~400 slots. */
#define FIX_PERMANENT_SLOTS  90u
#define TOTAL_FIX_BTMAPS     512u          /* NR_FIX_BTMAPS 64 * FIX_BTMAPS_SLOTS 8 */
/* sizeof(struct cpu_entry_area) of one CPU in pages: GDT, entry stack, TSS
 * with its I/O bitmaps (5), doublefault stack, debug store and its BTS and
 * PEBS buffers (1 + 32) */
#define CPU_ENTRY_AREA_PAGES_ 41u

/* FIXADDR_TOT_START: the boot-time slots FIX_BTMAP_END..BEGIN must not
 * cross a page table, so they start at the next multiple of 512 when they
 * would; FIX_WP_TEST and FIX_TBOOT_BASE follow. */
static uint32_t fixaddr_tot_start(int pae)
{
    uint32_t perm = FIX_PERMANENT_SLOTS, ptrs = pae ? 512u : 1024u;
    uint32_t btmap_end = ((perm ^ (perm + TOTAL_FIX_BTMAPS - 1)) & -ptrs)
                             ? perm + TOTAL_FIX_BTMAPS - (perm & (TOTAL_FIX_BTMAPS - 1))
                             : perm;
    uint32_t end_of_fixed = btmap_end + TOTAL_FIX_BTMAPS + 2;
    return FIXADDR_TOP_ - (end_of_fixed << PAGE_SHIFT);
}

uint32_t pkmap_base_for(int pae)
{
    uint32_t pmd_mask = ~((1u << (pae ? PAE_PMD_SHIFT : PGDIR_SHIFT)) - 1);
    uint32_t cea = (fixaddr_tot_start(pae) - PAGE_SIZE * (CPU_ENTRY_AREA_PAGES_ + 1)) & pmd_mask;
    uint32_t ldt_base = (cea - PAGE_SIZE) & pmd_mask;
    return (ldt_base - PAGE_SIZE) & pmd_mask;
}

uint32_t vmalloc_end_for(int pae)
{
    return pkmap_base_for(pae) - 2 * PAGE_SIZE;     /* CONFIG_HIGHMEM */
}

/* high_memory is the end of low memory's direct map: the model's lowmem is
 * everything below 896 MiB (ZONE_NORMAL_END_PFN). */
uint32_t vmalloc_start_for(uint64_t ram_bytes)
{
    uint64_t lowmem = (uint64_t)ZONE_NORMAL_END_PFN << PAGE_SHIFT;
    return PAGE_OFFSET + (uint32_t)(ram_bytes < lowmem ? ram_bytes : lowmem) + VMALLOC_OFFSET;
}

/* struct vmap_area on i386: va_start, va_end, rb_node (12), list (8), and
 * the subtree_max_size / vm union. */
#define VMAP_AREA_SIZE 32u
/* struct vm_struct: next, addr, size, flags, pages, nr_pages, phys_addr
 * (phys_addr_t: 8 bytes with PAE), caller. */
static uint32_t vm_struct_size(const struct kernel *k)
{
    return k->paging == PAGING_PAE ? 36u : 32u;
}

int vmalloc_init(struct kernel *k)
{
    struct vmalloc_state *v = &k->vmap;
    memset(v, 0, sizeof *v);
    v->start = vmalloc_start_for(k->pm.size);
    v->end = vmalloc_end_for(k->paging == PAGING_PAE);
    v->vmap_area_cachep = kmem_cache_create(&k->slab, "vmap_area", VMAP_AREA_SIZE, 0, 0);
    return v->vmap_area_cachep ? 0 : -1;
}

void vmalloc_destroy(struct kernel *k)
{
    struct vmap_area *a = k->vmap.busy;
    while (a) {
        struct vmap_area *next = a->next;
        free(a->pages);
        free(a);
        a = next;
    }
    k->vmap.busy = NULL;
}

/* ---- events --------------------------------------------------------------- */

static unsigned order_for(uint32_t nr_pages)
{
    unsigned order = 0;
    while ((1u << order) < nr_pages)
        order++;
    return order;
}

static void report(struct kernel *k, enum event_type type, const struct vmap_area *a)
{
    if (!k->events)
        return;
    struct event ev = { .type = type };
    ev.u.alloc = (struct alloc_event){
        .allocator = ALLOCATOR_VMALLOC, .op = type == EV_ALLOC ? ALLOC_OP_ALLOC : ALLOC_OP_FREE,
        .order = order_for(a->nr_pages), .pfn = a->pages[0],
        .zone = zone_name(pfn_zone(a->pages[0])), .purpose = a->caller, .addr = a->va_start,
    };
    event_emit(k->events, &ev);
}

/* ---- placement (alloc_vmap_area: the lowest fit) ---------------------------- */

/* Where `size` bytes fit first from VMALLOC_START, and the area before
 * that place in the busy list (NULL: the head).  0 when nothing fits. */
static uint32_t find_lowest_match(const struct vmalloc_state *v, uint32_t size,
                                  struct vmap_area **prev)
{
    uint32_t addr = v->start;
    *prev = NULL;
    for (struct vmap_area *a = v->busy; a; a = a->next) {
        if (a->va_start - addr >= size && a->va_start >= addr)
            break;
        addr = a->va_end;
        *prev = a;
    }
    return addr <= v->end && v->end - addr >= size ? addr : 0;
}

static void busy_insert(struct vmalloc_state *v, struct vmap_area *prev, struct vmap_area *a)
{
    struct vmap_area **link = prev ? &prev->next : &v->busy;
    a->next = *link;
    *link = a;
}

static void busy_remove(struct vmalloc_state *v, struct vmap_area *a)
{
    for (struct vmap_area **link = &v->busy; *link; link = &(*link)->next)
        if (*link == a) {
            *link = a->next;
            return;
        }
}

static struct vmap_area *find_area(struct vmalloc_state *v, uint32_t addr)
{
    for (struct vmap_area *a = v->busy; a; a = a->next)
        if (addr >= a->va_start && addr < a->va_start + (a->nr_pages << PAGE_SHIFT))
            return a;
    return NULL;
}

/* ---- backing and mapping (__vmalloc_area_node, vmap_pages_range) ---------- */

static void free_area_pages(struct kernel *k, struct vmap_area *a, uint32_t mapped, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t va = a->va_start + (i << PAGE_SHIFT);
        pte_t *pte = i < mapped ? kernel_pte_offset(k, va) : NULL;
        if (pte)
            clear_kernel_pte(k, va, pte);
        free_pages(&k->pgdat, a->pages[i], 0);
    }
}

/* Allocate and map every page of a: 0, or -1 with nothing left. */
static int populate_area(struct kernel *k, struct vmap_area *a, gfp_t gfp)
{
    uint32_t i;
    for (i = 0; i < a->nr_pages; i++) {
        a->pages[i] = alloc_pages(&k->pgdat, gfp, 0, PURPOSE_VMALLOC);
        if (a->pages[i] == PFN_NONE)
            break;
    }
    if (i < a->nr_pages) {
        free_area_pages(k, a, 0, i);
        return -1;
    }
    for (i = 0; i < a->nr_pages; i++) {
        pte_t *pte = kernel_pte_alloc(k, a->va_start + (i << PAGE_SHIFT));
        if (!pte)
            break;
        set_kernel_pte(k, pte, a->pages[i]);
    }
    if (i < a->nr_pages) {
        free_area_pages(k, a, i, a->nr_pages);
        return -1;
    }
    return 0;
}

/* The page array: kmalloc up to a page, a nested vmalloc above. */
static int alloc_page_array(struct kernel *k, struct vmap_area *a)
{
    uint32_t bytes = a->nr_pages * 4u;              /* struct page * on i386 */
    if (bytes > PAGE_SIZE) {
        uint32_t addr = vmalloc(k, bytes, a->caller);
        a->pages_area = addr ? find_area(&k->vmap, addr) : NULL;
        return a->pages_area ? 0 : -1;
    }
    a->pages_obj = kmalloc(&k->slab, bytes);
    return a->pages_obj ? 0 : -1;
}

static void free_page_array(struct kernel *k, struct vmap_area *a)
{
    if (a->pages_area)
        vfree(k, a->pages_area->va_start);
    else
        kfree(&k->slab, a->pages_obj);
}

/* Unwind a half-built area: its objects, its place, its host memory. */
static void area_discard(struct kernel *k, struct vmap_area *a)
{
    kmem_cache_free(&k->slab, k->vmap.vmap_area_cachep, a->va_obj);
    kfree(&k->slab, a->vm_obj);
    busy_remove(&k->vmap, a);
    free(a->pages);
    free(a);
}

uint32_t vmalloc_gfp(struct kernel *k, size_t size, gfp_t gfp, const char *caller)
{
    struct vmalloc_state *v = &k->vmap;
    if (!size || size > v->end - v->start)
        return 0;
    uint32_t nr = (uint32_t)((size + PAGE_SIZE - 1) >> PAGE_SHIFT);
    struct vmap_area *a = calloc(1, sizeof *a), *prev;
    uint32_t *pages = calloc(nr, sizeof *pages);
    uint32_t addr = a && pages ? find_lowest_match(v, (nr + 1) << PAGE_SHIFT, &prev) : 0;
    if (!addr) {
        free(a);
        free(pages);
        return 0;
    }
    *a = (struct vmap_area){ .va_start = addr, .va_end = addr + ((nr + 1) << PAGE_SHIFT),
                             .nr_pages = nr, .pages = pages, .caller = caller };
    busy_insert(v, prev, a);                   /* taken before the nested page array */
    a->vm_obj = kmalloc(&k->slab, vm_struct_size(k));           /* __get_vm_area_node */
    a->va_obj = a->vm_obj ? kmem_cache_alloc(&k->slab, v->vmap_area_cachep) : 0;
    if (!a->va_obj || alloc_page_array(k, a)) {
        area_discard(k, a);
        return 0;
    }
    if (populate_area(k, a, gfp | __GFP_HIGHMEM)) {
        free_page_array(k, a);
        area_discard(k, a);
        return 0;
    }
    v->nr_pages += nr;
    report(k, EV_ALLOC, a);
    return addr;
}

uint32_t vmalloc(struct kernel *k, size_t size, const char *caller)
{
    return vmalloc_gfp(k, size, GFP_KERNEL, caller);
}

void vfree(struct kernel *k, uint32_t addr)
{
    struct vmap_area *a = addr ? find_area(&k->vmap, addr) : NULL;
    if (!a || a->va_start != addr)
        return;                                /* Linux WARNs: "Trying to vfree() bad address" */
    report(k, EV_FREE, a);
    k->vmap.nr_pages -= a->nr_pages;
    free_area_pages(k, a, a->nr_pages, a->nr_pages);
    free_page_array(k, a);
    area_discard(k, a);
}

/* ---- access ------------------------------------------------------------- */

/* vmalloc_to_page: through swapper's PTE, as Linux. */
uint32_t vmalloc_to_pfn(struct kernel *k, uint32_t addr)
{
    if (addr < k->vmap.start || addr >= k->vmap.end)
        return PFN_NONE;
    pte_t *pte = kernel_pte_offset(k, addr);
    uint64_t v = pte ? pte_read(k, pte) : 0;
    if (!(v & _PAGE_PRESENT) || pte_pfn(v) >= k->pm.nr_pages)
        return PFN_NONE;
    return pte_pfn(v);
}

void *vmalloc_to_host(struct kernel *k, uint32_t addr)
{
    uint32_t pfn = vmalloc_to_pfn(k, addr);
    if (pfn == PFN_NONE)
        return NULL;
    return (uint8_t *)pfn_to_host(&k->pm, pfn) + (addr & (PAGE_SIZE - 1));
}

void vmalloc_write(struct kernel *k, uint32_t addr, const void *src, size_t len)
{
    const uint8_t *s = src;
    while (len) {
        size_t n = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
        n = n < len ? n : len;
        uint8_t *d = vmalloc_to_host(k, addr);
        if (!d)
            return;
        memcpy(d, s, n);
        s += n, addr += (uint32_t)n, len -= n;
    }
}

void vmalloc_read(struct kernel *k, uint32_t addr, void *dst, size_t len)
{
    uint8_t *d = dst;
    while (len) {
        size_t n = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
        n = n < len ? n : len;
        const uint8_t *s = vmalloc_to_host(k, addr);
        if (!s)
            return;
        memcpy(d, s, n);
        d += n, addr += (uint32_t)n, len -= n;
    }
}

/* ---- the checker ---------------------------------------------------------- */

static int check_area(struct kernel *k, const struct vmap_area *a, uint32_t floor,
                      char *err, size_t errlen)
{
    const struct vmalloc_state *v = &k->vmap;
    if (a->va_start < floor || a->va_start < v->start || a->va_end > v->end ||
        a->va_end != a->va_start + ((a->nr_pages + 1) << PAGE_SHIFT)) {
        snprintf(err, errlen, "vmalloc: area 0x%08x-0x%08x out of order or bounds", a->va_start,
                 a->va_end);
        return -1;
    }
    for (uint32_t i = 0; i <= a->nr_pages; i++) {
        uint32_t va = a->va_start + (i << PAGE_SHIFT);
        pte_t *pte = kernel_pte_offset(k, va);
        uint64_t e = pte ? pte_read(k, pte) : 0;
        int want = i < a->nr_pages;
        if (want != ((e & _PAGE_PRESENT) != 0) || (want && pte_pfn(e) != a->pages[i]) ||
            (want && pfn_to_page(&k->pm, a->pages[i])->purpose != PURPOSE_VMALLOC)) {
            snprintf(err, errlen, "vmalloc: 0x%08x of area 0x%08x is %s", va, a->va_start,
                     want ? "not its page" : "mapped (the guard page)");
            return -1;
        }
    }
    return 0;
}

int vmalloc_check(struct kernel *k, char *err, size_t errlen)
{
    uint64_t pages = 0;
    uint32_t floor = 0;
    for (const struct vmap_area *a = k->vmap.busy; a; a = a->next) {
        if (check_area(k, a, floor, err, errlen))
            return -1;
        floor = a->va_end;
        pages += a->nr_pages;
    }
    if (pages != k->vmap.nr_pages) {
        snprintf(err, errlen, "vmalloc: %llu pages in areas, %llu counted",
                 (unsigned long long)pages, (unsigned long long)k->vmap.nr_pages);
        return -1;
    }
    return 0;
}

/* ---- /proc/vmallocinfo ------------------------------------------------------ */

/* 6.1's s_show per area: "0x%pK-0x%pK %7ld", " %pS" of the caller,
 * " pages=%d", " vmalloc" (VM_ALLOC), " vpages" when the page array is
 * itself in the vmalloc area; no show_numa_info (an i386 kernel without
 * CONFIG_NUMA), no purge list (the model frees at once).  %pK is the real
 * address (the file is 0400: root, with kptr_restrict 1 and CAP_SYSLOG).
 * %pS is "symbol+offset/size" of the return address in the caller: the
 * model's caller is a name, not code, so offset and size print as 0x0.
 * size includes the guard page, as vm_struct.size does. */
int proc_vmallocinfo_show(struct seq_file *m, struct task_struct *t)
{
    for (const struct vmap_area *a = t->k->vmap.busy; a; a = a->next) {
        uint32_t size = a->va_end - a->va_start;
        seq_printf(m, "0x%08x-0x%08x %7u %s+0x0/0x0 pages=%u vmalloc%s\n", a->va_start,
                   a->va_end, size, a->caller, a->nr_pages, a->pages_area ? " vpages" : "");
    }
    return 0;
}

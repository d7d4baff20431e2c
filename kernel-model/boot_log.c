/*
 * boot_log.c — the boot's memory lines as Linux 6.1 i386 prints them to
 * the kernel log (`memsim run --boot-log`), from the model's values.
 *
 * Lines, in dmesg order, and where each comes from:
 *   BIOS-provided physical RAM map: / BIOS-e820: [mem A-B] usable
 *       (arch/x86/kernel/e820.c e820__print_table): the model's RAM is one
 *       range [0, --ram) with no firmware holes; 6.1 reserves the first
 *       MiB itself (the bootmem reservation "firmware"), as here.
 *   NMB HIGHMEM available. / NMB LOWMEM available. (init_32.c
 *       initmem_init): frames above / below max_low_pfn, which is the
 *       model's 896 MiB boundary (a real kernel's is a little lower: the
 *       vmalloc and fixmap areas' size).
 *   Zone ranges: / "  %-8s [mem A-B]" or "empty" (free_area_init), the
 *       zones' pfn bounds; Movable zone start for each node (no
 *       kernelcore=/movablecore=, so no node lines); Early memory node
 *       ranges / "  node   0: [mem A-B]".
 *   Built 1 zonelists, mobility grouping on|off.  Total pages: N
 *       (build_all_zonelists): N = sum over zones of present pages minus,
 *       for lowmem zones, the mem_map frames describing them.
 *   Memory: FK/PK available (code, rwdata, rodata, init, bss, reserved,
 *       cma-reserved, highmem) (mem_init_print_info): F = free frames
 *       right after mem_init, P = all RAM, the image's sections as
 *       page_alloc.h splits its 2 MiB, reserved = RAM - managed frames,
 *       highmem = HighMem's managed frames.
 * Lines 6.1 prints in between that the model has no value for (DMI, ACPI,
 * the e820 updates, "mapped low ram", "On node 0, zone DMA: N pages in
 * unavailable ranges", percpu, hash tables, "Virtual kernel memory layout")
 * are left out; there are no timestamps (dmesg -t).
 */
#include "kernel-model/page_alloc.h"

#include <stdarg.h>
#include <stdio.h>

struct out {
    char *buf;
    size_t len, off;
    int bad;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->len - o->off) {
        o->bad = 1;
        o->off = o->len - 1;
        return;
    }
    o->off += (size_t)n;
}

#define PHYS(pfn) ((unsigned long long)(pfn) << PAGE_SHIFT)
#define KB(pages) ((pages) << (PAGE_SHIFT - 10))

static void zone_ranges(struct out *o, const struct pglist_data *pgdat)
{
    uint32_t nr = pgdat->pm->nr_pages, lo = 0;
    static const uint32_t max_zone_pfn[MAX_NR_ZONES] = {
        ZONE_DMA_END_PFN, ZONE_NORMAL_END_PFN, UINT32_MAX,
    };

    put(o, "Zone ranges:\n");
    for (int z = 0; z < MAX_NR_ZONES; z++) {
        uint32_t hi = max_zone_pfn[z] < nr ? max_zone_pfn[z] : nr;
        if (hi < lo)
            hi = lo;
        if (hi == lo)
            put(o, "  %-8s empty\n", zone_name((enum zone_type)z));
        else
            put(o, "  %-8s [mem 0x%016llx-0x%016llx]\n", zone_name((enum zone_type)z),
                PHYS(lo), PHYS(hi) - 1);
        lo = hi;
    }
    put(o, "Movable zone start for each node\n");
    put(o, "Early memory node ranges\n");
    put(o, "  node %3d: [mem 0x%016llx-0x%016llx]\n", 0, 0ull, PHYS(nr) - 1);
}

int boot_log_format(const struct pglist_data *pgdat, char *buf, size_t len)
{
    struct out o = { buf, len, 0, 0 };
    uint32_t nr = pgdat->pm->nr_pages, managed = 0;
    uint32_t high = pgdat->node_zones[ZONE_HIGHMEM].managed_pages;

    if (!buf || len == 0)
        return -1;
    buf[0] = '\0';
    for (int z = 0; z < MAX_NR_ZONES; z++)
        managed += pgdat->node_zones[z].managed_pages;
    put(&o, "BIOS-provided physical RAM map:\n");
    put(&o, "BIOS-e820: [mem 0x%016llx-0x%016llx] usable\n", 0ull, PHYS(nr) - 1);
    put(&o, "%uMB HIGHMEM available.\n", (nr - pgdat->boot.max_low_pfn) >> (20 - PAGE_SHIFT));
    put(&o, "%uMB LOWMEM available.\n", pgdat->boot.max_low_pfn >> (20 - PAGE_SHIFT));
    zone_ranges(&o, pgdat);
    put(&o, "Built 1 zonelists, mobility grouping %s.  Total pages: %u\n",
        pgdat->page_group_by_mobility_disabled ? "off" : "on", pgdat->boot.vm_total_pages);
    put(&o, "Memory: %uK/%uK available (%uK kernel code, %uK rwdata, %uK rodata, %uK init, "
        "%uK bss, %uK reserved, 0K cma-reserved, %uK highmem)\n",
        KB(pgdat->boot.free_at_mem_init), KB(nr), KERNEL_CODE_KB, KERNEL_RWDATA_KB,
        KERNEL_RODATA_KB, KERNEL_INIT_KB, KERNEL_BSS_KB, KB(nr - managed), KB(high));
    return o.bad ? -1 : (int)o.off;
}

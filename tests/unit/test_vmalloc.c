/*
 * test_vmalloc.c — the vmalloc area (kernel-model/vmalloc.h): the i386
 * bounds, first-fit placement with a guard page, page-by-page backing
 * mapped in swapper's tables (and, 2-level, in every mm's pgd), vfree,
 * the trace rows, /proc/vmallocinfo's lines, and random alloc/free
 * sequences with vmalloc_check and the contents after every operation.
 * Each case runs in both paging modes.
 */
#include <stdlib.h>
#include <string.h>
#include "kernel-model/pgtable.h"
#include "kernel-model/procfs.h"
#include "kernel-model/sched.h"
#include "tests/unit/kernel_fixture.h"

static unsigned vm_rows, vm_frees, page_rows;
static char last_caller[64];
static uint32_t last_addr;

static void sink(void *ctx, const struct event *ev)
{
    (void)ctx;
    if (ev->type != EV_ALLOC && ev->type != EV_FREE)
        return;
    const struct alloc_event *a = &ev->u.alloc;
    if (a->allocator == ALLOCATOR_VMALLOC) {
        vm_rows += ev->type == EV_ALLOC;
        vm_frees += ev->type == EV_FREE;
        snprintf(last_caller, sizeof last_caller, "%s", a->purpose);
        last_addr = a->addr;
    } else if (a->allocator == ALLOCATOR_BUDDY && !strcmp(a->purpose, "vmalloc"))
        page_rows += ev->type == EV_ALLOC;
}

static void check_ok(struct sys *s)
{
    char err[256] = "";
    int r = vmalloc_check(&s->k, err, sizeof err);
    CHECK(r == 0 || !fprintf(stderr, "%s\n", err));
}

/* The kernel page tables the vmalloc area has: they stay, as Linux's, so
 * the fixture's frame count at teardown leaves them out. */
static void fini_keeping_kernel_tables(struct sys *s)
{
    uint32_t span = 1u << pmd_shift(&s->k), n = 0;
    for (uint64_t va = s->k.vmap.start & ~(span - 1); va < s->k.vmap.end; va += span)
        n += kernel_pte_offset(&s->k, (uint32_t)va) != NULL;
    s->free_before_mm -= n;
    sys_fini(s);
}

/* Can the CPU reach va through the current mm's tables (a supervisor read)? */
static int kernel_mapped(struct sys *s, uint32_t va)
{
    uint64_t pa;
    uint32_t ec;
    return mmu_translate(&s->mmu, va, MMU_READ, 0, &pa, &ec) == 0;
}

static void test_layout(void)
{
    CHECK_EQ(vmalloc_start_for(256 * MiB), 0xD0800000u);
    CHECK_EQ(vmalloc_start_for(1024 * MiB), 0xF8800000u);    /* high_memory 896 MiB */
    CHECK_EQ(vmalloc_end_for(0), 0xFF3FE000u);                /* PKMAP_BASE 0xFF400000 */
    CHECK_EQ(vmalloc_end_for(1), 0xFF5FE000u);                /* PAE: 0xFF600000 */
}

static void test_place_and_free(void)
{
    struct sys s;
    vm_rows = vm_frees = page_rows = 0;
    if (sys_boot(&s, 64 * MiB, test_stream(NULL, sink), 1))
        return;
    uint32_t start = s.k.vmap.start;
    CHECK_EQ(start, 0xC0000000u + 64 * MiB + 8 * MiB);
    uint32_t a = vmalloc(&s.k, 100, "test_a");
    uint32_t b = vmalloc(&s.k, 3 * PG, "test_b");
    CHECK_EQ(a, start);
    CHECK_EQ(b, start + 2 * PG);                 /* one page and its guard */
    CHECK_EQ(vm_rows, 2);
    CHECK_EQ(page_rows, 4);
    CHECK_STR(last_caller, "test_b");
    CHECK_EQ(last_addr, b);
    CHECK_EQ(s.k.vmap.nr_pages, 4);
    CHECK(kernel_mapped(&s, a));
    CHECK(kernel_mapped(&s, b + 2 * PG + 123));
    CHECK(!kernel_mapped(&s, a + PG));           /* guard pages fault */
    CHECK(!kernel_mapped(&s, b + 3 * PG));
    uint32_t pfn = pte_pfn(sys_pte(&s, b + PG));
    CHECK_EQ(pfn_to_page(&s.k.pm, pfn)->purpose, PURPOSE_VMALLOC);
    check_ok(&s);

    char text[] = "across the page boundary";
    vmalloc_write(&s.k, b + PG - 5, text, sizeof text);
    char back[sizeof text];
    vmalloc_read(&s.k, b + PG - 5, back, sizeof back);
    CHECK_STR(back, text);

    vfree(&s.k, a);
    CHECK_EQ(vm_frees, 1);
    CHECK(!kernel_mapped(&s, a));                /* unmapped and flushed */
    CHECK_EQ(vmalloc(&s.k, PG, "test_c"), start);  /* first fit: the hole */
    uint32_t big = vmalloc(&s.k, 2 * PG, "test_d");  /* does not fit before b */
    CHECK_EQ(big, b + 4 * PG);
    check_ok(&s);
    vfree(&s.k, b);
    vfree(&s.k, big);
    vfree(&s.k, start);
    vfree(&s.k, 0);                              /* vfree(NULL) */
    vfree(&s.k, start + 5);                      /* not an area's start: ignored */
    CHECK_EQ(s.k.vmap.nr_pages, 0);
    CHECK(s.k.vmap.busy == NULL);
    CHECK_EQ(vmalloc(&s.k, 0, "zero"), 0);
    CHECK_EQ(vmalloc(&s.k, (size_t)(s.k.vmap.end - start), "too big"), 0);
    check_ok(&s);
    fini_keeping_kernel_tables(&s);
}

/* An area whose page array is above a page: the array is vmalloc'd too. */
static void test_nested_and_info(void)
{
    struct sys s;
    struct task_struct t = { 0 };
    if (sys_boot(&s, 64 * MiB, NULL, 1))
        return;
    t.k = &s.k;
    uint32_t small = vmalloc(&s.k, PG, "test_small");
    uint32_t big = vmalloc(&s.k, 1100 * PG, "big_table");     /* 4400-byte page array */
    CHECK(small && big);
    check_ok(&s);
    struct seq_file m = { 0 };
    CHECK_EQ(proc_vmallocinfo_show(&m, &t), 0);
    char want[512];
    uint32_t st = s.k.vmap.start;
    snprintf(want, sizeof want,
             "0x%08x-0x%08x    8192 test_small+0x0/0x0 pages=1 vmalloc\n"
             "0x%08x-0x%08x 4509696 big_table+0x0/0x0 pages=1100 vmalloc vpages\n"
             "0x%08x-0x%08x   12288 big_table+0x0/0x0 pages=2 vmalloc\n",
             st, st + 2 * PG, st + 2 * PG, st + 1103 * PG, st + 1103 * PG, st + 1106 * PG);
    CHECK_STR(m.buf ? m.buf : "", want);
    free(m.buf);
    vfree(&s.k, big);
    CHECK(s.k.vmap.busy && !s.k.vmap.busy->next);   /* the array went with it */
    vfree(&s.k, small);
    fini_keeping_kernel_tables(&s);
}

/* A new kernel page table reaches every mm's pgd (2-level), or is shared
 * (PAE): an mm made before and one made after both see the area. */
static void test_sync(void)
{
    struct sys s;
    if (sys_boot(&s, 64 * MiB, NULL, 1))
        return;
    struct mm_struct *later;
    uint32_t a = vmalloc(&s.k, 5 * PG, "sync");
    later = mm_alloc(&s.k, 2);
    CHECK(kernel_mapped(&s, a + 4 * PG));
    mmu_write_cr3(&s.mmu, later->pgd << PAGE_SHIFT);
    CHECK(kernel_mapped(&s, a + 4 * PG));
    mmu_write_cr3(&s.mmu, s.mm->pgd << PAGE_SHIFT);
    mm_release(later);
    vfree(&s.k, a);
    fini_keeping_kernel_tables(&s);
}

/* Random sizes and frees against a shadow of every live area's bytes. */
static void test_random(void)
{
    struct sys s;
    if (sys_boot(&s, 32 * MiB, NULL, 1))
        return;
    enum { N = 24 };
    uint32_t addr[N] = { 0 }, len[N] = { 0 };
    uint32_t free0 = nr_free_pages(&s.k.pgdat);
    srand(10);
    for (int step = 0; step < 600; step++) {
        int i = rand() % N;
        if (addr[i]) {
            uint8_t got[64];
            vmalloc_read(&s.k, addr[i] + len[i] - sizeof got, got, sizeof got);
            for (size_t j = 0; j < sizeof got; j++)
                CHECK_EQ(got[j], (uint8_t)(i + j));
            vfree(&s.k, addr[i]);
            addr[i] = 0;
        } else {
            len[i] = 64 + (uint32_t)(rand() % (40 * PG));
            addr[i] = vmalloc(&s.k, len[i], "random");
            CHECK(addr[i] != 0);
            uint8_t pat[64];
            for (size_t j = 0; j < sizeof pat; j++)
                pat[j] = (uint8_t)(i + j);
            vmalloc_write(&s.k, addr[i] + len[i] - sizeof pat, pat, sizeof pat);
        }
        check_ok(&s);
    }
    for (int i = 0; i < N; i++)
        vfree(&s.k, addr[i]);
    sys_shrink_slabs(&s);
    CHECK(nr_free_pages(&s.k.pgdat) <= free0);      /* kernel page tables stay */
    CHECK_EQ(s.k.vmap.nr_pages, 0);
    fini_keeping_kernel_tables(&s);
}

int main(void)
{
    test_layout();
    for (int mode = 0; mode < 2; mode++) {
        fixture_paging = mode ? PAGING_PAE : PAGING_2LEVEL;
        test_place_and_free();
        test_nested_and_info();
        test_sync();
        test_random();
    }
    return CHECK_DONE();
}

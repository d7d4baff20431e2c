/*
 * test_fault.c — do_page_fault on real page tables: the zero page, demand
 * zero, COW of the zero page, shared anonymous memory, SIGSEGV with
 * SEGV_MAPERR/SEGV_ACCERR, stack growth (RLIMIT_STACK, guard gap),
 * copy_{to,from}_user and strncpy_from_user, the fault events, and OOM.
 *
 * Faults are raised the way the CPU raises them: an access goes through
 * mmu_translate, and the #PF error code it reports (SDM vol. 3A §4.7) is
 * handed to do_page_fault.  Outcomes follow Linux's mm/memory.c and
 * arch/x86/mm/fault.c.  Every case runs twice: on 2-level and on PAE page
 * tables (kernel_fixture.h's run_in_every_paging_mode).
 */
#include "tests/unit/kernel_fixture.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>


/* ---- the machine ---------------------------------------------------------- */

/* Fault events go to a ring of 64 (the OOM test takes ~250 faults);
 * elog.f[i] is event i while fewer than 64 were seen. */

struct fault_rec {
    uint32_t address, error_code, pfn, eip;
    uint8_t access;
    const char *kind, *resolution;
};

static struct {
    int nf, nv;
    struct fault_rec f[64];
    const char *vop[64];
    uint32_t vstart[64];
} elog;

static void on_fault(const struct fault_event *ev)
{
    elog.f[elog.nf % 64] = (struct fault_rec){ ev->address, ev->error_code, ev->pfn, ev->eip,
                                              ev->access, fault_kind_name(ev->kind),
                                              fault_resolution_name(ev->resolution) };
    elog.nf++;
}

static void on_vma(const struct vma_event *ev)
{
    if (elog.nv < 64) {
        elog.vop[elog.nv] = vma_op_name(ev->op);
        elog.vstart[elog.nv] = ev->start;
    }
    elog.nv++;
}

static void on_event(void *ctx, const struct event *ev)
{
    if (ev->type == EV_FAULT)
        on_fault(&ev->u.fault);
    else if (ev->type == EV_VMA)
        on_vma(&ev->u.vma);
}

static int sys_init(struct sys *s, uint64_t ram)
{
    memset(&elog, 0, sizeof elog);
    return sys_boot(s, ram, test_stream(NULL, on_event), 7);
}



static uint32_t pte_of(struct sys *s, uint32_t va)
{
    return (uint32_t)sys_pte(s, va);          /* the low word: flags and frame, no NX */
}

static const struct page *page_of(struct sys *s, uint32_t pfn)
{
    return pfn_to_page(&s->k.pm, pfn);
}

static int frame_is_zero(struct sys *s, uint32_t pfn)
{
    const uint8_t *p = pfn_to_host(&s->k.pm, pfn);
    for (uint32_t i = 0; i < PG; i++)
        if (p[i])
            return 0;
    return 1;
}

static int last_fault_is(const char *kind, const char *res, uint32_t ec)
{
    if (elog.nf < 1)
        return 0;
    const struct fault_rec *f = &elog.f[(elog.nf - 1) % 64];
    int ok = f->kind && f->resolution && strcmp(f->kind, kind) == 0 &&
             strcmp(f->resolution, res) == 0 && f->error_code == ec;
    if (!ok)
        fprintf(stderr, "last fault: %s/%s ec %#x\n", f->kind ? f->kind : "(null)",
                f->resolution ? f->resolution : "(null)", f->error_code);
    return ok;
}

static long mmap_anon(struct sys *s, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags)
{
    return do_mmap(s->mm, addr, len, prot, flags, NULL, 0, 0, NULL);
}

/* ---- anonymous memory ------------------------------------------------------ */

static void test_zero_page_then_cow(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    const struct page *zp = page_of(&s, s.k.zero_pfn);
    CHECK_EQ(zp->_refcount, 1);
    CHECK_EQ(zp->mapcount, 0);
    uint32_t a = (uint32_t)mmap_anon(&s, 0, 4 * PG, RW, ANON);
    CHECK_EQ(a, 0xB7FFC000);

    uint64_t pa = 0;
    CHECK_EQ(touch(&s, a + 0x10, MMU_READ, &pa), FAULT_OK);
    CHECK_EQ(elog.nf, 1);
    CHECK(last_fault_is("anon", "zero-page", X86_PF_USER));
    CHECK_EQ(elog.f[0].pfn, s.k.zero_pfn);
    CHECK_EQ(elog.f[0].address, a + 0x10);
    CHECK_EQ(elog.f[0].eip, 0x08048123);
    CHECK_EQ(elog.f[0].access, MMU_READ);
    CHECK_EQ(pte_of(&s, a) >> 12, s.k.zero_pfn);
    CHECK_EQ(pte_of(&s, a) & (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER), _PAGE_PRESENT | _PAGE_USER);
    CHECK_EQ(pa, ((uint64_t)s.k.zero_pfn << 12) + 0x10);
    CHECK_EQ(zp->_refcount, 2);
    CHECK_EQ(zp->mapcount, 1);
    CHECK_EQ(s.mm->rss_pages, 1);
    CHECK_EQ(touch(&s, a + PG, MMU_READ, NULL), FAULT_OK);    /* another page, same frame */
    CHECK_EQ(pte_of(&s, a + PG) >> 12, s.k.zero_pfn);
    CHECK_EQ(zp->_refcount, 3);

    /* Write: the read-only zero page raises P|W|U; a fresh zeroed frame. */
    CHECK_EQ(touch(&s, a + 0x10, MMU_WRITE, &pa), FAULT_OK);
    CHECK_EQ(elog.nf, 3);
    CHECK(last_fault_is("cow", "cow-zero", X86_PF_PROT | X86_PF_WRITE | X86_PF_USER));
    uint32_t pfn = elog.f[2].pfn;
    CHECK(pfn != s.k.zero_pfn && pfn != PFN_NONE);
    CHECK_EQ(pte_of(&s, a) >> 12, pfn);
    CHECK(pte_of(&s, a) & _PAGE_RW);
    CHECK_EQ(pa, ((uint64_t)pfn << 12) + 0x10);
    CHECK(frame_is_zero(&s, pfn));
    CHECK_EQ(page_of(&s, pfn)->_refcount, 1);
    CHECK_EQ(page_of(&s, pfn)->mapcount, 1);
    CHECK_EQ(zp->_refcount, 2);
    CHECK_EQ(s.mm->rss_pages, 2);
    s.k.pm.base[pa] = 0x42;
    CHECK(frame_is_zero(&s, s.k.zero_pfn));                   /* nobody wrote it */
    CHECK_EQ(touch(&s, a + 0x10, MMU_READ, &pa), FAULT_OK);
    CHECK_EQ(s.k.pm.base[pa], 0x42);
    CHECK_EQ(elog.nf, 3);                                     /* no more faults */
    sys_fini(&s);
}

static void test_demand_zero(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    /* Leave garbage in a free frame so zeroing is really needed. */
    uint32_t junk = alloc_pages(&s.k.pgdat, GFP_HIGHUSER_MOVABLE, 0, PURPOSE_TEST);
    memset(pfn_to_host(&s.k.pm, junk), 0xAA, PG);
    free_pages(&s.k.pgdat, junk, 0);

    uint32_t a = (uint32_t)mmap_anon(&s, 0x50000000, 2 * PG, RW, FIXED);
    uint64_t pa = 0;
    CHECK_EQ(touch(&s, a + 0x123, MMU_WRITE, &pa), FAULT_OK);
    CHECK_EQ(elog.nf, 1);
    CHECK(last_fault_is("anon", "demand-zero", X86_PF_WRITE | X86_PF_USER));
    uint32_t pfn = elog.f[0].pfn;
    CHECK(pfn != s.k.zero_pfn);
    CHECK(frame_is_zero(&s, pfn));
    CHECK_EQ(pte_of(&s, a) & ~_PAGE_FRAME,
             _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY);
    CHECK_EQ(pa, ((uint64_t)pfn << 12) + 0x123);
    CHECK_EQ(page_of(&s, pfn)->mapcount, 1);
    CHECK(page_of(&s, pfn)->flags & PG_anon);

    /* MAP_SHARED anonymous is a tmpfs file's (shmem_zero_setup): even a
     * read gets a real page, its page-cache page, and not the zero page.
     * As every shared file page here, it is mapped read-only until the
     * first write (write-notify), which makes the same frame writable. */
    uint32_t b = (uint32_t)mmap_anon(&s, 0x50010000, PG, RW, MAP_SHARED_ | MAP_ANONYMOUS_ | MAP_FIXED_);
    CHECK_EQ(touch(&s, b, MMU_READ, NULL), FAULT_OK);
    CHECK(last_fault_is("file", "file-read", X86_PF_USER));
    CHECK(elog.f[1].pfn != s.k.zero_pfn);
    CHECK(page_of(&s, elog.f[1].pfn)->flags & PG_file);
    CHECK(frame_is_zero(&s, elog.f[1].pfn));
    CHECK_EQ(touch(&s, b, MMU_WRITE, NULL), FAULT_OK);
    CHECK_EQ(elog.nf, 3);
    CHECK_EQ(elog.f[2].pfn, elog.f[1].pfn);                  /* the same frame, now writable */
    CHECK(pte_of(&s, b) & _PAGE_RW);
    sys_fini(&s);
}

/* ---- SIGSEGV ------------------------------------------------------------------ */

static void test_segv(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    uint32_t ro = (uint32_t)mmap_anon(&s, 0x50000000, 2 * PG, PROT_READ_, FIXED);
    /* Write to a PROT_READ page never touched: not present, W|U. */
    CHECK_EQ(touch(&s, ro, MMU_WRITE, NULL), FAULT_SIGSEGV_ACCERR);
    CHECK(last_fault_is("bad", "SIGSEGV/SEGV_ACCERR", X86_PF_WRITE | X86_PF_USER));
    CHECK_EQ(elog.f[0].pfn, PFN_NONE);
    CHECK_EQ(pte_of(&s, ro) & _PAGE_PRESENT, 0);
    /* Read it (zero page), then write: P|W|U, still ACCERR. */
    CHECK_EQ(touch(&s, ro + PG, MMU_READ, NULL), FAULT_OK);
    CHECK_EQ(touch(&s, ro + PG, MMU_WRITE, NULL), FAULT_SIGSEGV_ACCERR);
    CHECK(last_fault_is("bad", "SIGSEGV/SEGV_ACCERR",
                        X86_PF_PROT | X86_PF_WRITE | X86_PF_USER));
    CHECK(frame_is_zero(&s, s.k.zero_pfn));

    /* PROT_NONE: even a read is ACCERR. */
    uint32_t none = (uint32_t)mmap_anon(&s, 0x50004000, PG, PROT_NONE_, FIXED);
    CHECK_EQ(touch(&s, none, MMU_READ, NULL), FAULT_SIGSEGV_ACCERR);

    /* Outside every VMA: MAPERR. */
    CHECK_EQ(touch(&s, 0x50003000, MMU_READ, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK(last_fault_is("bad", "SIGSEGV/SEGV_MAPERR", X86_PF_USER));
    CHECK_EQ(touch(&s, 0x00001000, MMU_WRITE, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK_EQ(touch(&s, 0x60000000, MMU_READ, NULL), FAULT_SIGSEGV_MAPERR);  /* above all */

    /* A user access to the kernel's direct map: the PSE PDE is present but
     * supervisor-only (P|U), and Linux reports SEGV_MAPERR. */
    CHECK_EQ(touch(&s, 0xC0001000, MMU_READ, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK(last_fault_is("bad", "SIGSEGV/SEGV_MAPERR", X86_PF_PROT | X86_PF_USER));
    CHECK_EQ(touch(&s, 0xFFFFF000, MMU_WRITE, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK_EQ(s.mm->map_count, 2);
    sys_fini(&s);
}

/* ---- stack growth --------------------------------------------------------------- */

static void test_stack_growth(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    CHECK_EQ(mmap_anon(&s, 0xBFFF0000, 16 * PG, RW, FIXED | MAP_GROWSDOWN_), 0xBFFF0000);
    struct vm_area_struct *st = find_vma(s.mm, 0xBFFF0000);
    CHECK(st && (st->vm_flags & VM_GROWSDOWN));
    elog.nv = 0;

    CHECK_EQ(touch(&s, 0xBFFEFFFC, MMU_WRITE, NULL), FAULT_OK);   /* one word below */
    CHECK(last_fault_is("stack", "demand-zero", X86_PF_WRITE | X86_PF_USER));
    CHECK_EQ(find_vma(s.mm, 0xBFFEF000)->vm_start, 0xBFFEF000);
    CHECK_EQ(elog.nv, 1);
    CHECK(elog.vop[0] && strcmp(elog.vop[0], "grow") == 0);
    CHECK_EQ(elog.vstart[0], 0xBFFEF000);

    CHECK_EQ(touch(&s, 0xBFF00010, MMU_READ, NULL), FAULT_OK);    /* ~1 MiB down */
    CHECK(last_fault_is("stack", "zero-page", X86_PF_USER));
    CHECK_EQ(find_vma(s.mm, 0xBFF00000)->vm_start, 0xBFF00000);
    CHECK_EQ(s.mm->map_count, 1);

    /* RLIMIT_STACK (8 MiB): [0xBF800000, 0xC0000000) is exactly the limit. */
    CHECK_EQ(touch(&s, 0xBF800000, MMU_WRITE, NULL), FAULT_OK);
    CHECK_EQ(find_vma(s.mm, 0xBF800000)->vm_start, 0xBF800000);
    CHECK_EQ(touch(&s, 0xBF7FFFFC, MMU_WRITE, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK(last_fault_is("bad", "SIGSEGV/SEGV_MAPERR", X86_PF_WRITE | X86_PF_USER));
    CHECK_EQ(find_vma(s.mm, 0)->vm_start, 0xBF800000);

    /* A VMA without VM_GROWSDOWN does not grow. */
    CHECK_EQ(mmap_anon(&s, 0x60010000, PG, RW, FIXED), 0x60010000);
    CHECK_EQ(touch(&s, 0x6000FFFC, MMU_WRITE, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK_EQ(find_vma(s.mm, 0x6000F000)->vm_start, 0x60010000);
    sys_fini(&s);
}

static void test_stack_guard_gap(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    CHECK_EQ(mmap_anon(&s, 0x90000000, PG, RW, FIXED), 0x90000000);
    CHECK_EQ(mmap_anon(&s, 0x90200000, 16 * PG, RW, FIXED | MAP_GROWSDOWN_), 0x90200000);
    /* 256 pages (1 MiB) must stay free above 0x90001000: a new start of
     * 0x90100000 leaves 0xFF000, too little; 0x90101000 leaves exactly 1 MiB. */
    CHECK_EQ(touch(&s, 0x90100FFF, MMU_READ, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK_EQ(find_vma(s.mm, 0x90100000)->vm_start, 0x90200000);
    CHECK_EQ(touch(&s, 0x90001000, MMU_WRITE, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK_EQ(touch(&s, 0x90101000, MMU_WRITE, NULL), FAULT_OK);
    CHECK(last_fault_is("stack", "demand-zero", X86_PF_WRITE | X86_PF_USER));
    CHECK_EQ(find_vma(s.mm, 0x90100000)->vm_start, 0x90101000);
    CHECK_EQ(s.mm->map_count, 2);
    sys_fini(&s);
}

/* ---- uaccess ---------------------------------------------------------------------- */

static void test_copy_user(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    uint32_t a = (uint32_t)mmap_anon(&s, 0x50000000, 2 * PG, RW, FIXED);
    const char msg[10] = "0123456789";
    char back[10] = {0};

    /* Crosses the page boundary: 5 bytes in each page.  The kernel's
     * writes fault as supervisor accesses: W only, no U. */
    CHECK_EQ(copy_to_user(s.mm, a + PG - 5, msg, 10), 0);
    CHECK_EQ(elog.nf, 2);
    CHECK_EQ(elog.f[0].error_code, X86_PF_WRITE);
    CHECK_STR(elog.f[0].resolution, "demand-zero");
    CHECK_EQ(elog.f[0].eip, 0);
    CHECK_EQ(elog.f[1].address, a + PG);
    const uint8_t *p0 = pfn_to_host(&s.k.pm, pte_of(&s, a) >> 12);
    const uint8_t *p1 = pfn_to_host(&s.k.pm, pte_of(&s, a + PG) >> 12);
    CHECK(memcmp(p0 + PG - 5, "01234", 5) == 0);
    CHECK(memcmp(p1, "56789", 5) == 0);
    CHECK_EQ(copy_from_user(s.mm, back, a + PG - 5, 10), 0);
    CHECK(memcmp(back, msg, 10) == 0);

    /* Unmapped, kernel, and straddling TASK_SIZE: -EFAULT. */
    CHECK_EQ(copy_from_user(s.mm, back, 0x50002000, 4), -EFAULT);
    CHECK_EQ(copy_from_user(s.mm, back, a + 2 * PG - 2, 4), -EFAULT);   /* runs off the end */
    CHECK_EQ(copy_to_user(s.mm, 0xC0000000, msg, 4), -EFAULT);
    CHECK_EQ(copy_from_user(s.mm, back, 0xC0100000, 4), -EFAULT);
    CHECK_EQ(copy_from_user(s.mm, back, 0xBFFFFFFE, 4), -EFAULT);

    /* Read-only memory: reading gives the zero page's zeros; writing is
     * -EFAULT and the zero page stays zero (CR0.WP catches the kernel). */
    uint32_t ro = (uint32_t)mmap_anon(&s, 0x50004000, PG, PROT_READ_, FIXED);
    memset(back, 0x11, sizeof back);
    CHECK_EQ(copy_from_user(s.mm, back, ro + 8, 10), 0);
    CHECK(memcmp(back, "\0\0\0\0\0\0\0\0\0\0", 10) == 0);
    CHECK_EQ(copy_to_user(s.mm, ro, msg, 1), -EFAULT);
    /* Writable memory mapped to the zero page by a read: the kernel's
     * write breaks COW (P|W, supervisor) and the zero page stays zero. */
    uint32_t z = (uint32_t)mmap_anon(&s, 0x50006000, PG, RW, FIXED);
    CHECK_EQ(copy_from_user(s.mm, back, z, 1), 0);
    CHECK_EQ(pte_of(&s, z) >> 12, s.k.zero_pfn);
    CHECK_EQ(copy_to_user(s.mm, z + 100, msg, 10), 0);
    CHECK(last_fault_is("cow", "cow-zero", X86_PF_PROT | X86_PF_WRITE));
    CHECK(frame_is_zero(&s, s.k.zero_pfn));
    CHECK(memcmp((uint8_t *)pfn_to_host(&s.k.pm, pte_of(&s, z) >> 12) + 100, msg, 10) == 0);
    sys_fini(&s);
}

static void test_strncpy_from_user(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    uint32_t a = (uint32_t)mmap_anon(&s, 0x50000000, 2 * PG, RW, FIXED);
    char buf[64];
    /* "hello/world" + NUL: 12 bytes, 6 in each page. */
    CHECK_EQ(copy_to_user(s.mm, a + PG - 6, "hello/world", 12), 0);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(strncpy_from_user(s.mm, buf, a + PG - 6, sizeof buf), 11);
    CHECK_STR(buf, "hello/world");
    CHECK_EQ(strncpy_from_user(s.mm, buf, a + PG - 6, 12), 11);     /* NUL just fits */
    CHECK_EQ(strncpy_from_user(s.mm, buf, a + PG - 6, 11), -ENAMETOOLONG);
    CHECK_EQ(strncpy_from_user(s.mm, buf, a + PG - 6, 3), -ENAMETOOLONG);
    CHECK_EQ(strncpy_from_user(s.mm, buf, a + PG, 64), 5);           /* "world" */
    CHECK_EQ(strncpy_from_user(s.mm, buf, 0x50003000, 64), -EFAULT);
    CHECK_EQ(strncpy_from_user(s.mm, buf, 0xC0000000, 64), -EFAULT);
    /* No NUL before the mapping ends: the next page is unmapped. */
    CHECK_EQ(copy_to_user(s.mm, a + 2 * PG - 3, "abc", 3), 0);
    CHECK_EQ(strncpy_from_user(s.mm, buf, a + 2 * PG - 3, 64), -EFAULT);
    /* Untouched memory reads as the empty string. */
    uint32_t b = (uint32_t)mmap_anon(&s, 0x50004000, PG, RW, FIXED);
    CHECK_EQ(strncpy_from_user(s.mm, buf, b, 64), 0);
    CHECK_STR(buf, "");
    sys_fini(&s);
}

/* ---- out of memory ------------------------------------------------------------------ */

static void test_oom(void)
{
    struct sys s;
    /* 4 MiB = 1024 frames; bootmem keeps 256 (firmware) + 512 (image) +
     * 8 (mem_map: 1024 * 32 bytes) + 1 (pageblock flags) + swapper_pg_dir
     * + the pkmap and fixmap page tables = 780 (its bitmap frame goes back
     * at mem_init), leaving 244; the zero page leaves 243, mm_alloc the
     * mm_struct's slab (order 1: 241) and the pgd (240).  PAE: swapper is
     * a PDPT and the kernel PMD (242 after boot), and the mm's pgd a PDPT
     * and its three user PMDs (236). */
    const int pae = fixture_paging == PAGING_PAE;
    const uint32_t after_boot = pae ? 242 : 243, after_mm = after_boot - (pae ? 4 : 1) - 2;
    if (sys_init(&s, 4 * MiB))
        return;
    CHECK_EQ(s.free_before_mm, after_boot);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), after_mm);
    uint32_t a = (uint32_t)mmap_anon(&s, 0, 1u << 20, RW, ANON);
    CHECK_EQ(a, 0xB7F00000);                     /* one page table covers it */
    uint32_t n = 0;
    enum fault_result r;
    while ((r = touch(&s, a + n * PG, MMU_WRITE, NULL)) == FAULT_OK && n < 256)
        n++;
    /* The VMA's vm_area_struct slab, its anon_vma and anon_vma_chain
     * slabs, 1 page table + 236 pages (PAE: 232) use up every frame. */
    CHECK_EQ(r, FAULT_OOM);
    CHECK_EQ(n, after_mm - 2 - ANON_VMA_SLABS);
    CHECK(last_fault_is("anon", "OOM", X86_PF_WRITE | X86_PF_USER));
    CHECK_EQ(elog.f[(elog.nf - 1) % 64].pfn, PFN_NONE);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), 0);
    CHECK_EQ(s.mm->rss_pages, after_mm - 2 - ANON_VMA_SLABS);
    CHECK_EQ(touch(&s, a, MMU_READ, NULL), FAULT_OK);          /* mapped pages still work */
    /* Reads of new pages need no frame: the zero page. */
    CHECK_EQ(touch(&s, a + 250 * PG, MMU_READ, NULL), FAULT_OK);
    CHECK(last_fault_is("anon", "zero-page", X86_PF_USER));
    sys_fini(&s);                                /* every frame back, buddy sound */
}

/* Many faults of every kind, then mm_release: nothing leaks. */
static void test_release_after_mixed_faults(void)
{
    struct sys s;
    if (sys_init(&s, 64 * MiB))
        return;
    uint32_t a = (uint32_t)mmap_anon(&s, 0x40000000, 64 * PG, RW, FIXED);
    uint32_t b = (uint32_t)mmap_anon(&s, 0x40800000, 8 * PG, RW,
                                     MAP_SHARED_ | MAP_ANONYMOUS_ | MAP_FIXED_);
    CHECK_EQ(mmap_anon(&s, 0xBFFFF000, PG, RW, FIXED | MAP_GROWSDOWN_), 0xBFFFF000);
    for (uint32_t i = 0; i < 64; i++)
        CHECK_EQ(touch(&s, a + i * PG, (i % 3) ? MMU_READ : MMU_WRITE, NULL), FAULT_OK);
    for (uint32_t i = 0; i < 64; i += 2)
        CHECK_EQ(touch(&s, a + i * PG, MMU_WRITE, NULL), FAULT_OK);
    for (uint32_t i = 0; i < 8; i++)
        CHECK_EQ(touch(&s, b + i * PG, MMU_READ, NULL), FAULT_OK);
    CHECK_EQ(touch(&s, 0xBFFF0000, MMU_WRITE, NULL), FAULT_OK);
    CHECK_EQ(s.mm->rss_pages, 64 + 8 + 1);
    /* Pages 1, 5, 7, ... (odd, not multiples of 3) still map the zero page:
     * 64 - 32 even - 11 odd multiples of 3 (3, 9, ..., 63) = 21. */
    CHECK_EQ(page_of(&s, s.k.zero_pfn)->_refcount, 1 + 21);
    CHECK_EQ(do_munmap(s.mm, a + 16 * PG, 16 * PG), 0);
    CHECK_EQ(s.mm->pgtable_pages, 3);
    sys_fini(&s);
}

static void run_all(void)
{
    test_zero_page_then_cow();
    test_demand_zero();
    test_segv();
    test_stack_growth();
    test_stack_guard_gap();
    test_copy_user();
    test_strncpy_from_user();
    test_oom();
    test_release_after_mixed_faults();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

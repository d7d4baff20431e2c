/*
 * test_vma.c — address-space layout: do_mmap placement (top-down from
 * MMAP_BASE = 0xB8000000, hints, MAP_FIXED, MAP_FIXED_NOREPLACE), munmap
 * and mprotect splitting and merging, find_vma, brk, and the VMA events.
 *
 * The rules are Linux's (mm/mmap.c get_unmapped_area and
 * arch_get_unmapped_area_topdown, round_hint_to_min, __do_munmap,
 * mprotect_fixup, brk); addresses are worked out by hand from them.  Every
 * case runs on 2-level and on PAE page tables.
 */
#include "tests/unit/kernel_fixture.h"
#include "tests/unit/mm_check.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>


/* ---- the machine: kernel model + MMU, as emu/run.c wires them ------------ */

struct vma_rec {
    const char *op;
    uint32_t start, end, prot;
    char name[32];
};

static struct {
    int n;
    struct vma_rec v[64];
} vlog;

static void on_vma(void *ctx, const struct event *e)
{
    const struct vma_event *ev = &e->u.vma;
    if (e->type != EV_VMA)
        return;
    if (vlog.n < 64) {
        struct vma_rec *r = &vlog.v[vlog.n];
        r->op = vma_op_name(ev->op);
        r->start = ev->start;
        r->end = ev->end;
        r->prot = ev->prot;
        snprintf(r->name, sizeof r->name, "%s", ev->name ? ev->name : "(null)");
    }
    vlog.n++;
}

static int sys_init(struct sys *s)
{
    vlog.n = 0;
    return sys_boot(s, 64 * MiB, test_stream(NULL, on_vma), 1);
}

/* The PTE for va read straight from the tables (0 if none). */
static uint32_t pte_of(struct sys *s, uint32_t va)
{
    return (uint32_t)sys_pte(s, va);          /* the low word: flags and frame, no NX */
}

struct want { uint32_t start, end, prot; };

/* The mm's VMAs are exactly these (prot = VM_READ|VM_WRITE|VM_EXEC bits). */
static int vmas_are(struct mm_struct *mm, const struct want *w, size_t n)
{
    int ok = mm->map_count == n;
    const struct vm_area_struct *v = vma_first(mm);
    for (size_t i = 0; ok && i < n; i++, v = vma_next(mm, v))
        ok = v->vm_start == w[i].start && v->vm_end == w[i].end && (v->vm_flags & 7) == w[i].prot;
    if (!ok) {
        fprintf(stderr, "VMAs:");
        for_each_vma(mm, v)
            fprintf(stderr, " [%#x,%#x) %u", v->vm_start, v->vm_end, v->vm_flags & 7);
        fprintf(stderr, "\n");
    }
    return ok;
}
#define VMAS(mm, ...) do { const struct want w_[] = { __VA_ARGS__ }; \
    CHECK(vmas_are(mm, w_, sizeof w_ / sizeof w_[0])); } while (0)

static int vma_ev_is(int i, const char *op, uint32_t start, uint32_t end, uint32_t prot)
{
    if (i >= vlog.n || i >= 64)
        return 0;
    const struct vma_rec *r = &vlog.v[i];
    return r->op && strcmp(r->op, op) == 0 && r->start == start && r->end == end &&
           r->prot == prot;
}

static long mmap_anon(struct sys *s, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags)
{
    return do_mmap(s->mm, addr, len, prot, flags, NULL, 0, 0, NULL);
}

/* ---- placement ----------------------------------------------------------- */

static void test_topdown(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(s.mm->mmap_base, 0xB8000000u);
    CHECK_EQ(mmap_anon(&s, 0, 3 * PG, RW, ANON), 0xB7FFD000);
    CHECK_EQ(mmap_anon(&s, 0, 2 * PG, RO, ANON), 0xB7FFB000);
    CHECK_EQ(mmap_anon(&s, 0, 4 * PG, RW, ANON), 0xB7FF7000);
    VMAS(s.mm, { 0xB7FF7000, 0xB7FFB000, RW }, { 0xB7FFB000, 0xB7FFD000, RO },
               { 0xB7FFD000, 0xB8000000, RW });
    CHECK(vma_ev_is(0, "map", 0xB7FFD000, 0xB8000000, RW));
    CHECK(vma_ev_is(1, "map", 0xB7FFB000, 0xB7FFD000, RO));
    CHECK_STR(vlog.v[1].name, "");

    /* Free the middle one: a one-page request goes to the top of the hole. */
    CHECK_EQ(do_munmap(s.mm, 0xB7FFB000, 2 * PG), 0);
    CHECK(vma_ev_is(3, "unmap", 0xB7FFB000, 0xB7FFD000, RO));
    CHECK_EQ(mmap_anon(&s, 0, PG, RO, ANON), 0xB7FFC000);
    /* Two pages no longer fit in the one left: below the lowest, merged
     * with the RW neighbour above it. */
    CHECK_EQ(mmap_anon(&s, 0, 2 * PG, RW, ANON), 0xB7FF5000);
    /* One page fits the remaining hole exactly. */
    CHECK_EQ(mmap_anon(&s, 0, PG, RO | PROT_EXEC_, ANON), 0xB7FFB000);
    /* A length that is not a page multiple is rounded up. */
    CHECK_EQ(mmap_anon(&s, 0, 100, RO, ANON), 0xB7FF4000);
    VMAS(s.mm, { 0xB7FF4000, 0xB7FF5000, RO }, { 0xB7FF5000, 0xB7FFB000, RW },
               { 0xB7FFB000, 0xB7FFC000, RO | PROT_EXEC_ }, { 0xB7FFC000, 0xB7FFD000, RO },
               { 0xB7FFD000, 0xB8000000, RW });
    CHECK_EQ(nth_vma(s.mm, 1)->vm_flags & (VM_SHARED | VM_MAYREAD | VM_MAYWRITE),
             VM_MAYREAD | VM_MAYWRITE);
    CHECK_EQ(vlog.n, 8);                 /* 7 maps and 1 unmap */
    sys_fini(&s);
}

static void test_hints(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(mmap_anon(&s, 0x40000000, 2 * PG, RW, ANON), 0x40000000);   /* free: honoured */
    CHECK_EQ(mmap_anon(&s, 0x40001000, PG, RO, ANON), 0xB7FFF000);       /* taken: ignored */
    /* Linux rounds a hint down (round_hint_to_min: hint &= PAGE_MASK)... */
    CHECK_EQ(mmap_anon(&s, 0x50000123, PG, RO, ANON), 0x50000000);
    /* ...and raises one below mmap_min_addr to mmap_min_addr (0x10000). */
    CHECK_EQ(mmap_anon(&s, 0x1000, PG, RO, ANON), 0x10000);
    /* A hint whose range would pass TASK_SIZE is ignored. */
    CHECK_EQ(mmap_anon(&s, 0xBFFFF000, 2 * PG, RW, ANON), 0xB7FFD000);
    /* A hint overlapping the end of a mapping is ignored too. */
    CHECK_EQ(mmap_anon(&s, 0x40001000, 2 * PG, RO | PROT_EXEC_, ANON), 0xB7FFB000);
    VMAS(s.mm, { 0x10000, 0x11000, RO }, { 0x40000000, 0x40002000, RW },
               { 0x50000000, 0x50001000, RO }, { 0xB7FFB000, 0xB7FFD000, RO | PROT_EXEC_ },
               { 0xB7FFD000, 0xB7FFF000, RW }, { 0xB7FFF000, 0xB8000000, RO });
    sys_fini(&s);
}

/* ---- MAP_FIXED ------------------------------------------------------------ */

static void test_map_fixed(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(mmap_anon(&s, 0x60000000, 8 * PG, RW, FIXED), 0x60000000);
    for (uint32_t i = 0; i < 8; i++)
        poke(&s, 0x60000000 + i * PG, (uint8_t)(0xa0 + i));
    uint32_t free8 = nr_free_pages(&s.k.pgdat);
    vlog.n = 0;
    /* Replace pages 2..3: the old frames go, the VMA splits in three. */
    CHECK_EQ(mmap_anon(&s, 0x60002000, 2 * PG, RO, FIXED), 0x60002000);
    VMAS(s.mm, { 0x60000000, 0x60002000, RW }, { 0x60002000, 0x60004000, RO },
               { 0x60004000, 0x60008000, RW });
    CHECK(vma_ev_is(0, "unmap", 0x60002000, 0x60004000, RW));
    CHECK(vma_ev_is(1, "map", 0x60002000, 0x60004000, RO));
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free8 + 2);
    CHECK_EQ(s.mm->rss_pages, 6);
    CHECK_EQ(pte_of(&s, 0x60002000) & _PAGE_PRESENT, 0);
    CHECK_EQ(peek(&s, 0x60002000), 0);               /* new, empty mapping */
    CHECK_EQ(peek(&s, 0x60001000), 0xa1);
    CHECK_EQ(peek(&s, 0x60004000), 0xa4);

    /* Across three VMAs with the flags of the outer two: all merge again. */
    vlog.n = 0;
    CHECK_EQ(mmap_anon(&s, 0x60001000, 4 * PG, RW, FIXED), 0x60001000);
    VMAS(s.mm, { 0x60000000, 0x60008000, RW });
    CHECK_EQ(vlog.n, 4);
    CHECK(vma_ev_is(0, "unmap", 0x60001000, 0x60002000, RW));
    CHECK(vma_ev_is(1, "unmap", 0x60002000, 0x60004000, RO));
    CHECK(vma_ev_is(2, "unmap", 0x60004000, 0x60005000, RW));
    CHECK(vma_ev_is(3, "map", 0x60001000, 0x60005000, RW));
    CHECK_EQ(peek(&s, 0x60000000), 0xa0);
    CHECK_EQ(peek(&s, 0x60004000), 0);
    CHECK_EQ(peek(&s, 0x60005000), 0xa5);

    /* MAP_FIXED_NOREPLACE: -EEXIST on any overlap, nothing changed. */
    uint32_t nf = MAP_FIXED_NOREPLACE_ | ANON;
    CHECK_EQ(mmap_anon(&s, 0x60004000, PG, RO, nf), -EEXIST);
    CHECK_EQ(mmap_anon(&s, 0x60007000, 2 * PG, RO, nf), -EEXIST);
    VMAS(s.mm, { 0x60000000, 0x60008000, RW });
    CHECK_EQ(peek(&s, 0x60005000), 0xa5);
    CHECK_EQ(mmap_anon(&s, 0x60009000, PG, RO, nf), 0x60009000);
    sys_fini(&s);
}

static void test_invalid(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(mmap_anon(&s, 0x60000000, 2 * PG, RW, FIXED), 0x60000000);
    CHECK_EQ(mmap_anon(&s, 0, 0, RW, ANON), -EINVAL);                 /* len 0 */
    CHECK_EQ(mmap_anon(&s, 0, PG, RW, MAP_ANONYMOUS_), -EINVAL);      /* no type */
    CHECK_EQ(mmap_anon(&s, 0x60000800, PG, RW, FIXED), -EINVAL);      /* unaligned */
    CHECK_EQ(mmap_anon(&s, 0, 0xC0001000u, RW, ANON), -ENOMEM);       /* > TASK_SIZE */
    /* get_unmapped_area: past TASK_SIZE is -ENOMEM, below mmap_min_addr
     * -EPERM (security_mmap_addr), for FIXED and FIXED_NOREPLACE alike. */
    CHECK_EQ(mmap_anon(&s, 0xBFFFF000, 2 * PG, RW, FIXED), -ENOMEM);
    CHECK_EQ(mmap_anon(&s, 0xBFFFF000, 2 * PG, RW, ANON | MAP_FIXED_NOREPLACE_), -ENOMEM);
    CHECK_EQ(mmap_anon(&s, 0x1000, PG, RW, FIXED), -EPERM);
    CHECK_EQ(mmap_anon(&s, 0x1000, PG, RW, ANON | MAP_FIXED_NOREPLACE_), -EPERM);

    CHECK_EQ(do_munmap(s.mm, 0x60000800, PG), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, 0x60000000, 0), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, 0xC0000000, PG), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, 0xBFFFF000, 2 * PG), -EINVAL);
    CHECK_EQ(do_mprotect(s.mm, 0x60000800, PG, RO), -EINVAL);
    CHECK_EQ(do_mprotect(s.mm, 0x60000000, PG, 0x10), -EINVAL);       /* unknown prot bit */
    CHECK_EQ(do_mprotect(s.mm, 0x60000000, PG, PROT_GROWSUP_ | RW), -EINVAL);   /* no VM_GROWSUP on x86 */
    CHECK_EQ(do_mprotect(s.mm, 0x60000000, PG, PROT_GROWSDOWN_ | RW), -EINVAL); /* not a stack */
    CHECK_EQ(do_mprotect(s.mm, 0x60000000, 0, RO), 0);                /* empty: nothing */
    VMAS(s.mm, { 0x60000000, 0x60002000, RW });
    CHECK_EQ(vlog.n, 1);
    sys_fini(&s);
}

/* ---- munmap ---------------------------------------------------------------- */

static void test_munmap(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    uint32_t free0 = nr_free_pages(&s.k.pgdat);
    CHECK_EQ(mmap_anon(&s, 0x60000000, 8 * PG, RW, FIXED), 0x60000000);
    for (uint32_t i = 0; i < 8; i++)
        poke(&s, 0x60000000 + i * PG, (uint8_t)(0x10 + i));
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free0 - 9 - VMA_SLAB - ANON_VMA_SLABS);          /* 8 pages + 1 table */
    vlog.n = 0;
    CHECK_EQ(do_munmap(s.mm, 0x60002000, 2 * PG), 0);         /* the middle */
    VMAS(s.mm, { 0x60000000, 0x60002000, RW }, { 0x60004000, 0x60008000, RW });
    CHECK_EQ(vlog.n, 1);
    CHECK(vma_ev_is(0, "unmap", 0x60002000, 0x60004000, RW));
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free0 - 7 - VMA_SLAB - ANON_VMA_SLABS);
    CHECK_EQ(s.mm->rss_pages, 6);
    CHECK_EQ(touch(&s, 0x60002000, MMU_READ, NULL), FAULT_SIGSEGV_MAPERR);
    CHECK_EQ(peek(&s, 0x60001000), 0x11);
    CHECK_EQ(peek(&s, 0x60004000), 0x14);
    CHECK_EQ(do_munmap(s.mm, 0x60002000, PG), 0);             /* a hole: fine, no event */
    CHECK_EQ(vlog.n, 1);
    CHECK_EQ(do_munmap(s.mm, 0x60004000, 1), 0);              /* length rounds up */
    VMAS(s.mm, { 0x60000000, 0x60002000, RW }, { 0x60005000, 0x60008000, RW });

    /* Everything in this 4 MiB slot gone: the page table goes too. */
    CHECK_EQ(do_munmap(s.mm, 0x60000000, 8 * PG), 0);
    CHECK_EQ(s.mm->map_count, 0);
    CHECK_EQ(s.mm->pgtable_pages, 0);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free0 - VMA_SLAB - ANON_VMA_SLABS);
    sys_fini(&s);
}

static void test_munmap_spanning(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(mmap_anon(&s, 0x70000000, 2 * PG, RO, FIXED), 0x70000000);
    CHECK_EQ(mmap_anon(&s, 0x70002000, 2 * PG, RW, FIXED), 0x70002000);
    CHECK_EQ(mmap_anon(&s, 0x70005000, 2 * PG, RO | PROT_EXEC_, FIXED), 0x70005000);
    for (uint32_t va = 0x70002000; va < 0x70004000; va += PG)
        poke(&s, va, 1);
    vlog.n = 0;
    /* [0x70001000, 0x70006000): the end of A, all of B, the hole, C's head. */
    CHECK_EQ(do_munmap(s.mm, 0x70001000, 5 * PG), 0);
    VMAS(s.mm, { 0x70000000, 0x70001000, RO }, { 0x70006000, 0x70007000, RO | PROT_EXEC_ });
    CHECK_EQ(vlog.n, 3);
    CHECK(vma_ev_is(0, "unmap", 0x70001000, 0x70002000, RO));
    CHECK(vma_ev_is(1, "unmap", 0x70002000, 0x70004000, RW));
    CHECK(vma_ev_is(2, "unmap", 0x70005000, 0x70006000, RO | PROT_EXEC_));
    CHECK_EQ(s.mm->rss_pages, 0);
    CHECK_EQ(s.mm->pgtable_pages, 1);                 /* A and C still use the table */
    sys_fini(&s);
}

/* ---- mprotect -------------------------------------------------------------- */

static void test_mprotect(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(mmap_anon(&s, 0x60000000, 8 * PG, RW, FIXED), 0x60000000);
    poke(&s, 0x60002000, 0x5a);
    vlog.n = 0;
    CHECK_EQ(do_mprotect(s.mm, 0x60002000, 2 * PG, RO), 0);
    VMAS(s.mm, { 0x60000000, 0x60002000, RW }, { 0x60002000, 0x60004000, RO },
               { 0x60004000, 0x60008000, RW });
    CHECK(vma_ev_is(0, "protect", 0x60002000, 0x60004000, RO));
    CHECK_EQ(pte_of(&s, 0x60002000) & (_PAGE_PRESENT | _PAGE_RW), _PAGE_PRESENT);
    CHECK_EQ(touch(&s, 0x60002000, MMU_WRITE, NULL), FAULT_SIGSEGV_ACCERR);
    CHECK_EQ(peek(&s, 0x60002000), 0x5a);

    /* Back to RW: equal neighbours merge into one VMA again, and the
     * exclusive page is writable without another fault. */
    CHECK_EQ(do_mprotect(s.mm, 0x60002000, 2 * PG, RW), 0);
    VMAS(s.mm, { 0x60000000, 0x60008000, RW });
    CHECK(pte_of(&s, 0x60002000) & _PAGE_RW);

    /* A range running into a hole: -ENOMEM, the part before the hole
     * changed (Linux's do_mprotect_pkey loop stops at the hole); a range
     * starting in a hole changes nothing. */
    CHECK_EQ(do_mprotect(s.mm, 0x60006000, 4 * PG, RO), -ENOMEM);
    VMAS(s.mm, { 0x60000000, 0x60006000, RW }, { 0x60006000, 0x60008000, RO });
    CHECK_EQ(do_mprotect(s.mm, 0x60100000, PG, RO), -ENOMEM);
    CHECK_EQ(do_mprotect(s.mm, 0x60006000, 2 * PG, RW), 0);
    VMAS(s.mm, { 0x60000000, 0x60008000, RW });

    /* Across two VMAs with different flags: both take the new rights, but
     * the first, writable once, keeps VM_ACCOUNT (its commit charge) and
     * so stays apart from the one that never was, as on 6.1. */
    CHECK_EQ(mmap_anon(&s, 0x60008000, 2 * PG, RO | PROT_EXEC_, FIXED), 0x60008000);
    CHECK(!(find_vma(s.mm, 0x60008000)->vm_flags & VM_ACCOUNT));
    CHECK_EQ(do_mprotect(s.mm, 0x60000000, 10 * PG, RO), 0);
    VMAS(s.mm, { 0x60000000, 0x60008000, RO }, { 0x60008000, 0x6000A000, RO });
    CHECK(find_vma(s.mm, 0x60000000)->vm_flags & VM_ACCOUNT);
    sys_fini(&s);
}

/*
 * 6.1's vma_merge joins the range that changed to a neighbour only when
 * the range's anon_vma is NULL or the neighbour's (is_mergeable_anon_vma
 * with the neighbour's one-link chain), and looks at nothing else:
 *   - a faulted VMA made equal to an unfaulted neighbour stays apart;
 *   - mprotect to the rights a VMA already has changes nothing (no merge);
 *   - the unfaulted neighbour made equal to the faulted one joins it.
 * Worked out from mm/mmap.c (6.1: mprotect_fixup, vma_merge,
 * can_vma_merge_after/before, is_mergeable_anon_vma).  Newer kernels
 * (6.12+: vma_merge_existing_range) let a faulted range join an unfaulted
 * neighbour, so a 6.18 host is no reference for this case.
 */
static void test_mprotect_anon_vma(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(mmap_anon(&s, 0x60000000, 2 * PG, RW, FIXED), 0x60000000);
    CHECK_EQ(mmap_anon(&s, 0x60002000, 2 * PG, RO, FIXED), 0x60002000);
    poke(&s, 0x60000000, 1);                    /* the lower one gets an anon_vma */
    VMAS(s.mm, { 0x60000000, 0x60002000, RW }, { 0x60002000, 0x60004000, RO });
    CHECK_EQ(do_mprotect(s.mm, 0x60002000, 2 * PG, RW), 0);   /* R = the unfaulted upper */
    VMAS(s.mm, { 0x60000000, 0x60004000, RW });

    /* both accounted (VM_ACCOUNT: writable once), so equal flags at the end */
    CHECK_EQ(mmap_anon(&s, 0x60012000, 2 * PG, RW, FIXED), 0x60012000);
    CHECK_EQ(do_mprotect(s.mm, 0x60012000, 2 * PG, RO), 0);
    CHECK_EQ(mmap_anon(&s, 0x60010000, 2 * PG, RW, FIXED), 0x60010000);
    poke(&s, 0x60010000, 1);
    CHECK_EQ(do_mprotect(s.mm, 0x60010000, 2 * PG, RO), 0);   /* R = the faulted lower */
    VMAS(s.mm, { 0x60000000, 0x60004000, RW }, { 0x60010000, 0x60012000, RO },
               { 0x60012000, 0x60014000, RO });
    check_vmas(s.mm);                           /* apart, and the checker agrees */
    vlog.n = 0;
    CHECK_EQ(do_mprotect(s.mm, 0x60012000, 2 * PG, RO), 0);   /* no change: no merge */
    CHECK_EQ(vlog.n, 0);
    VMAS(s.mm, { 0x60000000, 0x60004000, RW }, { 0x60010000, 0x60012000, RO },
               { 0x60012000, 0x60014000, RO });
    CHECK_EQ(do_mprotect(s.mm, 0x60012000, 2 * PG, RW), 0);
    CHECK_EQ(do_mprotect(s.mm, 0x60012000, 2 * PG, RO), 0);   /* R = the unfaulted upper */
    VMAS(s.mm, { 0x60000000, 0x60004000, RW }, { 0x60010000, 0x60014000, RO });
    sys_fini(&s);
}

/* VM_ACCOUNT (mmap_region's accountable_mapping, mprotect_fixup): a private
 * mapping made read-only, its middle made writable and read-only again,
 * is three VMAs on 6.1 (the middle keeps the charge); a private writable
 * one is charged from the start, so the same dance merges back to one. */
static void test_mprotect_account(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(mmap_anon(&s, 0x60000000, 3 * PG, RO, FIXED), 0x60000000);
    CHECK_EQ(do_mprotect(s.mm, 0x60001000, PG, RW), 0);
    CHECK_EQ(do_mprotect(s.mm, 0x60001000, PG, RO), 0);
    VMAS(s.mm, { 0x60000000, 0x60001000, RO }, { 0x60001000, 0x60002000, RO },
               { 0x60002000, 0x60003000, RO });
    CHECK(find_vma(s.mm, 0x60001000)->vm_flags & VM_ACCOUNT);
    CHECK(!(find_vma(s.mm, 0x60000000)->vm_flags & VM_ACCOUNT));

    CHECK_EQ(mmap_anon(&s, 0x60010000, 3 * PG, RW, FIXED), 0x60010000);
    CHECK_EQ(do_mprotect(s.mm, 0x60010000, 3 * PG, RO), 0);
    CHECK_EQ(do_mprotect(s.mm, 0x60011000, PG, RW), 0);
    CHECK_EQ(do_mprotect(s.mm, 0x60011000, PG, RO), 0);
    CHECK_EQ(find_vma(s.mm, 0x60010000)->vm_end, 0x60013000u);

    /* MAP_NORESERVE and shared memory are never charged */
    CHECK_EQ(mmap_anon(&s, 0x60020000, PG, RW, FIXED | MAP_NORESERVE_), 0x60020000);
    CHECK(!(find_vma(s.mm, 0x60020000)->vm_flags & VM_ACCOUNT));
    sys_fini(&s);
}

/* mprotect(PROT_NONE) and back keeps the memory (Linux keeps the PTE as a
 * PROT_NONE entry; accesses in between are SIGSEGV/SEGV_ACCERR). */
static void test_mprotect_none_keeps_data(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK_EQ(mmap_anon(&s, 0x60000000, 4 * PG, RW, FIXED), 0x60000000);
    poke(&s, 0x60001000, 0x5a);
    uint32_t free1 = nr_free_pages(&s.k.pgdat);
    CHECK_EQ(do_mprotect(s.mm, 0x60001000, PG, PROT_NONE_), 0);
    VMAS(s.mm, { 0x60000000, 0x60001000, RW }, { 0x60001000, 0x60002000, 0 },
               { 0x60002000, 0x60004000, RW });
    CHECK_EQ(touch(&s, 0x60001000, MMU_READ, NULL), FAULT_SIGSEGV_ACCERR);
    uint8_t b = 0;
    CHECK_EQ(copy_from_user(s.mm, &b, 0x60001000, 1), -EFAULT);
    CHECK_EQ(s.mm->rss_pages, 1);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free1);
    CHECK_EQ(do_mprotect(s.mm, 0x60001000, PG, RW), 0);
    VMAS(s.mm, { 0x60000000, 0x60004000, RW });
    CHECK_EQ(peek(&s, 0x60001000), 0x5a);
    poke(&s, 0x60001000, 0x5b);                      /* writable again */
    CHECK_EQ(peek(&s, 0x60001000), 0x5b);
    /* munmap of a PROT_NONE page frees its frame. */
    CHECK_EQ(do_mprotect(s.mm, 0x60001000, PG, PROT_NONE_), 0);
    CHECK_EQ(do_munmap(s.mm, 0x60001000, PG), 0);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), free1 + 1);
    CHECK_EQ(s.mm->rss_pages, 0);
    sys_fini(&s);
}

/* ---- find_vma ---------------------------------------------------------------- */

static void test_find_vma(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    CHECK(find_vma(s.mm, 0x60000000) == NULL);
    CHECK_EQ(mmap_anon(&s, 0x60000000, 2 * PG, RW, FIXED), 0x60000000);
    CHECK_EQ(mmap_anon(&s, 0x60005000, PG, RW, FIXED), 0x60005000);
    struct vm_area_struct *a = nth_vma(s.mm, 0), *b = nth_vma(s.mm, 1);
    CHECK(find_vma(s.mm, 0) == a);
    CHECK(find_vma(s.mm, 0x60000000) == a);
    CHECK(find_vma(s.mm, 0x60001fff) == a);
    CHECK(find_vma(s.mm, 0x60002000) == b);          /* in the gap: the next one */
    CHECK(find_vma(s.mm, 0x60004fff) == b);
    CHECK(find_vma(s.mm, 0x60005fff) == b);
    CHECK(find_vma(s.mm, 0x60006000) == NULL);
    CHECK(find_vma(s.mm, 0x60005000) == b);          /* the cache holds b now... */
    CHECK(find_vma(s.mm, 0x10) == a);                /* ...and still answers right */
    CHECK(find_vma(s.mm, 0x60003000) == b);
    CHECK(find_vma(s.mm, 0xFFFFFFFF) == NULL);
    sys_fini(&s);
}

/* ---- brk ----------------------------------------------------------------------- */

static void test_brk(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    const uint32_t base = 0x08100000;
    s.mm->start_brk = s.mm->brk = base;
    uint32_t f0 = nr_free_pages(&s.k.pgdat);

    CHECK_EQ(do_brk(s.mm, base + 0x5010), base + 0x5010);
    CHECK_EQ(s.mm->brk, base + 0x5010);
    VMAS(s.mm, { base, base + 0x6000, RW });
    CHECK_STR(nth_vma(s.mm, 0)->vm_name, "[heap]");
    CHECK(vma_ev_is(0, "brk", base, base + 0x6000, RW));
    CHECK_STR(vlog.v[0].name, "[heap]");
    CHECK_EQ(do_brk(s.mm, base + 0x8000), base + 0x8000);
    VMAS(s.mm, { base, base + 0x8000, RW });         /* still one [heap] */
    CHECK(vma_ev_is(1, "brk", base + 0x6000, base + 0x8000, RW));
    for (uint32_t va = base; va < base + 0x8000; va += PG)
        poke(&s, va, 0x77);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), f0 - 9 - VMA_SLAB - ANON_VMA_SLABS);      /* 8 pages + 1 table */

    CHECK_EQ(do_brk(s.mm, base + 0x1000), base + 0x1000);
    VMAS(s.mm, { base, base + 0x1000, RW });
    CHECK(vma_ev_is(2, "unmap", base + 0x1000, base + 0x8000, RW));
    CHECK_EQ(nr_free_pages(&s.k.pgdat), f0 - 2 - VMA_SLAB - ANON_VMA_SLABS);
    CHECK_EQ(do_brk(s.mm, base - PG), base + 0x1000);    /* below start_brk: refused */
    /* Grown again, the released memory reads as zeros. */
    CHECK_EQ(do_brk(s.mm, base + 0x2000), base + 0x2000);
    CHECK_EQ(peek(&s, base + 0x1000), 0);
    CHECK_EQ(peek(&s, base), 0x77);

    CHECK_EQ(do_brk(s.mm, base), base);
    CHECK_EQ(s.mm->map_count, 0);
    CHECK_EQ(nr_free_pages(&s.k.pgdat), f0 - VMA_SLAB - ANON_VMA_SLABS);

    /* A mapping in the way: brk stays where it is.  Linux also keeps a
     * page free below the next mapping (newbrk + PAGE_SIZE > its start). */
    CHECK_EQ(mmap_anon(&s, base + 0x4000, PG, RW, FIXED), base + 0x4000);
    CHECK_EQ(do_brk(s.mm, base + 0x6000), base);
    CHECK_EQ(do_brk(s.mm, base + 0x4000), base);
    CHECK_EQ(do_brk(s.mm, base + 0x3000), base + 0x3000);
    /* A stack above keeps its guard gap free as well. */
    CHECK_EQ(mmap_anon(&s, 0x08300000, PG, RW, FIXED | MAP_GROWSDOWN_), 0x08300000);
    CHECK_EQ(do_munmap(s.mm, base + 0x4000, PG), 0);
    CHECK_EQ(do_brk(s.mm, 0x08200000), base + 0x3000);      /* 0x08300000 - 1 MiB */
    CHECK_EQ(do_brk(s.mm, 0x081FF000), 0x081FF000);
    VMAS(s.mm, { base, 0x081FF000, RW }, { 0x08300000, 0x08301000, RW });
    sys_fini(&s);
}

/* ---- the open file (do_mmap's FMODE_READ / FMODE_WRITE / ->mmap) -------- */

static long mmap_f(struct sys *s, uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags,
                   unsigned f_mode)
{
    struct mmap_file f = { .f_mode = f_mode, .vmf = NULL };
    return do_mmap_file(s->mm, addr, len, prot, flags, &f, 0, len, NULL);
}

static void test_file_modes(void)
{
    struct sys s;
    if (sys_init(&s))
        return;
    const uint32_t P = MAP_PRIVATE_, S = MAP_SHARED_;
    const unsigned R = FMODE_READ_, W = FMODE_WRITE_, M = FMODE_MMAP_, Z = FMODE_ZERO_;
    /* not open for reading: EACCES, before "no ->mmap" */
    CHECK_EQ(mmap_f(&s, 0, PG, RO, P, W | M), -EACCES);
    CHECK_EQ(mmap_f(&s, 0, PG, RO, P, W), -EACCES);
    CHECK_EQ(mmap_f(&s, 0, PG, RO, S, W | M), -EACCES);
    /* no ->mmap (a directory, a pipe, /dev/null): ENODEV */
    CHECK_EQ(mmap_f(&s, 0, PG, RO, P, R), -ENODEV);
    CHECK_EQ(mmap_f(&s, 0, PG, RO, P, R | W), -ENODEV);
    CHECK_EQ(mmap_f(&s, 0, PG, RO, P, R | M), -ENODEV);   /* no pages given */
    /* shared and writable needs FMODE_WRITE; with it, no page cache: ENODEV */
    CHECK_EQ(mmap_f(&s, 0, PG, RW, S, R | M), -EACCES);
    CHECK_EQ(mmap_f(&s, 0, PG, RW, S, R | W | M), -ENODEV);
    CHECK_EQ(mmap_f(&s, 0, PG, RW, 3u, R | M), -EACCES);  /* MAP_SHARED_VALIDATE */
    CHECK_EQ(mmap_f(&s, 0, PG, RO, S, R | M), -ENODEV);
    /* the length, the offset and the type come first */
    CHECK_EQ(mmap_f(&s, 0, 0, RO, P, W), -EINVAL);
    CHECK_EQ(mmap_f(&s, 0, 0xfffff001u, RO, P, W), -ENOMEM);
    CHECK_EQ(mmap_f(&s, 0, PG, RO, 0, W), -EINVAL);
    CHECK_EQ(s.mm->map_count, 0);
    /* a refused MAP_FIXED leaves what was there */
    CHECK_EQ(mmap_anon(&s, 0x60000000, 2 * PG, RW, FIXED), 0x60000000);
    poke(&s, 0x60000000, 0x5a);
    CHECK_EQ(mmap_f(&s, 0x60000000, PG, RO, P | MAP_FIXED_, R), -ENODEV);
    CHECK_EQ(mmap_f(&s, 0x60000000, PG, RO, P | MAP_FIXED_, W | M), -EACCES);
    CHECK_EQ(peek(&s, 0x60000000), 0x5a);
    /* /dev/zero: anonymous memory, private or shared, if open for reading */
    CHECK_EQ(mmap_f(&s, 0, PG, RO, P, W | Z), -EACCES);
    long z = mmap_f(&s, 0, 2 * PG, RW, P, R | Z);
    CHECK(z > 0);
    const struct vm_area_struct *v = find_vma(s.mm, (uint32_t)z);
    CHECK(v && v->vm_file == NULL && v->vm_file_bytes == 0);
    CHECK_EQ(peek(&s, (uint32_t)z + PG), 0);
    poke(&s, (uint32_t)z, 7);
    CHECK_EQ(peek(&s, (uint32_t)z), 7);
    CHECK_EQ(mmap_f(&s, 0, PG, RW, S, R | Z), -EACCES);  /* shared, writable: FMODE_WRITE */
    CHECK(mmap_f(&s, 0, PG, RW, S, R | W | Z) > 0);
    sys_fini(&s);
}

static void run_all(void)
{
    test_topdown();
    test_hints();
    test_map_fixed();
    test_invalid();
    test_munmap();
    test_munmap_spanning();
    test_mprotect();
    test_mprotect_none_keeps_data();
    test_mprotect_anon_vma();
    test_mprotect_account();
    test_find_vma();
    test_brk();
    test_file_modes();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

/*
 * test_kobjects.c — the kernel's objects stay put and stay counted.
 *
 * VMAs are objects of their own: a pointer to one taken before an unrelated
 * mmap, munmap or mprotect elsewhere (enough of them to regrow the index)
 * still points at the same, unchanged VMA; a split keeps the lower part in
 * the old object and a merge keeps the lower VMA's object.  Random
 * mmap/munmap/mprotect/touch sequences keep the index sorted, non-
 * overlapping, merged and equal to a page-by-page reference model, and
 * every frame's map count equal to the PTEs naming it, counted by walking
 * the page tables straight from RAM.  Every case runs on 2-level and on
 * PAE page tables.
 */
#include "tests/unit/kernel_fixture.h"
#include "tests/unit/mm_check.h"
#include "kernel-model/vfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static long map_fixed(struct sys *s, uint32_t addr, uint32_t len, uint32_t prot)
{
    return do_mmap(s->mm, addr, len, prot, FIXED, NULL, 0, 0, NULL);
}

/* ---- pointers survive unrelated changes ------------------------------------ */

static void test_vma_pointers_stable(void)
{
    struct sys s;
    if (sys_boot(&s, 64 * MiB, NULL, 1))
        return;
    CHECK_EQ(map_fixed(&s, 0x60000000, 3 * PG, RW), 0x60000000);
    CHECK_EQ(map_fixed(&s, 0x70000000, 2 * PG, RO), 0x70000000);
    struct vm_area_struct *a = vma_lookup(s.mm, 0x60000000), *b = vma_lookup(s.mm, 0x70000000);
    CHECK(a != NULL && b != NULL && a != b);
    struct vm_area_struct a0 = *a, b0 = *b;

    /* 200 mappings alternating in rights (no merging): the index regrows */
    for (uint32_t i = 0; i < 200; i++)
        CHECK_EQ(map_fixed(&s, 0x40000000 + i * PG, PG, i & 1 ? RO : RW), 0x40000000 + i * PG);
    CHECK_EQ(s.mm->map_count, 202);
    CHECK_EQ(do_munmap(s.mm, 0x40000000 + 10 * PG, 50 * PG), 0);
    CHECK_EQ(do_mprotect(s.mm, 0x40000000 + 100 * PG, 20 * PG, RW), 0);   /* merges */
    CHECK_EQ(map_fixed(&s, 0x50000000, 8 * PG, RW), 0x50000000);
    CHECK_EQ(do_mprotect(s.mm, 0x50000000 + 2 * PG, PG, RO), 0);         /* splits */
    CHECK_EQ(do_mprotect(s.mm, 0x50000000 + 2 * PG, PG, RW), 0);         /* merges */
    CHECK_EQ(do_munmap(s.mm, 0x50000000 + 4 * PG, PG), 0);
    poke(&s, 0x40000000 + 120 * PG, 1);                                   /* a fault */
    CHECK(vma_lookup(s.mm, 0x60000000) == a);
    CHECK(vma_lookup(s.mm, 0x70000000) == b);
    CHECK(memcmp(a, &a0, sizeof a0) == 0);
    CHECK(memcmp(b, &b0, sizeof b0) == 0);

    /* A split keeps the lower part in the object, a merge the lower VMA. */
    CHECK_EQ(do_mprotect(s.mm, 0x60000000 + 2 * PG, PG, RO), 0);
    CHECK(vma_lookup(s.mm, 0x60000000) == a);
    CHECK_EQ(a->vm_end, 0x60000000 + 2 * PG);
    struct vm_area_struct *hi = vma_lookup(s.mm, 0x60000000 + 2 * PG);
    CHECK(hi != a && vma_next(s.mm, a) == hi && vma_prev(s.mm, hi) == a);
    CHECK_EQ(do_mprotect(s.mm, 0x60000000 + 2 * PG, PG, RW), 0);
    CHECK(vma_lookup(s.mm, 0x60000000 + 2 * PG) == a);
    CHECK(memcmp(a, &a0, sizeof a0) == 0);
    CHECK(vma_next(s.mm, a) == b);
    sys_fini(&s);
}

/* ---- random operations against a reference model --------------------------- */

#define WIN_BASE  0x40000000u
#define WIN_PAGES 96u
#define NO_MAP    0xffu

struct model {
    uint8_t prot[WIN_PAGES];      /* NO_MAP, or the page's PROT_* */
};

static uint32_t rnd(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* The VMAs inside the window are exactly the model, sorted, not
 * overlapping, merged where Linux merges (check_vmas: equal rights are not
 * enough, anon_vmas and vm_pgoff must agree too), and the index finds each
 * of them where it is. */
static void check_against_model(struct sys *s, const struct model *m)
{
    struct mm_struct *mm = s->mm;
    uint8_t seen[WIN_PAGES];
    memset(seen, NO_MAP, sizeof seen);
    const struct vm_area_struct *v, *prev = NULL;
    uint32_t n = 0;
    for_each_vma(mm, v) {
        n++;
        CHECK(v->vm_start < v->vm_end);
        if (prev)
            CHECK(prev->vm_end <= v->vm_start);
        CHECK(find_vma(mm, v->vm_start) == v);
        CHECK(find_vma(mm, v->vm_end - 1) == v);
        CHECK(vma_prev(mm, v) == prev);
        if (v->vm_start >= WIN_BASE && v->vm_end <= WIN_BASE + WIN_PAGES * PG)
            for (uint32_t va = v->vm_start; va < v->vm_end; va += PG)
                seen[(va - WIN_BASE) / PG] = (uint8_t)vm_flags_to_prot(v->vm_flags);
        prev = v;
    }
    CHECK_EQ(n, mm->map_count);
    CHECK(vma_last(mm) == prev);
    check_vmas(mm);
    for (uint32_t p = 0; p < WIN_PAGES; p++)
        if (seen[p] != m->prot[p]) {
            fprintf(stderr, "page %u: VMAs say %u, the model %u\n", p, seen[p], m->prot[p]);
            CHECK(!"VMAs match the model");
            break;
        }
}

static void random_step(struct sys *s, struct model *m, uint32_t *seed)
{
    static const uint8_t prots[] = { RW, RO, PROT_NONE_, RW | PROT_EXEC_ };
    uint32_t p = rnd(seed) % WIN_PAGES, n = 1 + rnd(seed) % 12;
    if (p + n > WIN_PAGES)
        n = WIN_PAGES - p;
    uint32_t va = WIN_BASE + p * PG, prot = prots[rnd(seed) % 4];
    switch (rnd(seed) % 5) {
    case 0:
        CHECK_EQ(map_fixed(s, va, n * PG, prot), va);
        memset(&m->prot[p], (int)prot, n);
        break;
    case 1:
        CHECK_EQ(do_munmap(s->mm, va, n * PG), 0);
        memset(&m->prot[p], NO_MAP, n);
        break;
    case 2: {                                  /* Linux: up to the first hole */
        uint32_t i = p;
        for (; i < p + n && m->prot[i] != NO_MAP; i++)
            ;
        CHECK_EQ(do_mprotect(s->mm, va, n * PG, prot), i < p + n ? -ENOMEM : 0);
        if (i > p)
            memset(&m->prot[p], (int)prot, i - p);
        break;
    }
    default:                                   /* touch what allows it */
        for (uint32_t i = p; i < p + n; i++) {
            if (m->prot[i] == NO_MAP || m->prot[i] == PROT_NONE_)
                continue;
            uint32_t at = WIN_BASE + i * PG;
            if ((m->prot[i] & PROT_WRITE_) && (rnd(seed) & 1))
                poke(s, at, (uint8_t)i);
            else
                CHECK(peek(s, at) >= 0);
        }
        break;
    }
}

static void test_random_against_model(void)
{
    struct sys s;
    if (sys_boot(&s, 64 * MiB, NULL, 1))
        return;
    /* a file mapping and a watched VMA outside the window */
    char path[] = "/tmp/memsim-kobjects-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    uint8_t buf[4 * PG];
    memset(buf, 0x5a, sizeof buf);
    CHECK_EQ(write(fd, buf, sizeof buf), (long)sizeof buf);
    struct vm_file *file = vm_file_open(fd, path);
    CHECK(file != NULL);
    CHECK_EQ(do_mmap(s.mm, 0x30000000, 4 * PG, RW, MAP_PRIVATE_ | MAP_FIXED_, file, 0,
                     4 * PG, NULL), 0x30000000);
    vm_file_put(file);                         /* the VMA holds it */
    close(fd);
    unlink(path);
    for (uint32_t i = 0; i < 4; i++)
        CHECK_EQ(peek(&s, 0x30000000 + i * PG), 0x5a);
    CHECK_EQ(do_mprotect(s.mm, 0x30000000 + PG, PG, RO), 0);   /* split the file VMA */
    struct vm_area_struct *fv = vma_lookup(s.mm, 0x30000000 + 2 * PG), f0 = *fv;

    struct model m;
    memset(m.prot, NO_MAP, sizeof m.prot);
    uint32_t seed = 0x2545f491u ^ (uint32_t)fixture_paging;
    for (int step = 0; step < 1500; step++) {
        random_step(&s, &m, &seed);
        if (step % 25 == 0) {
            check_against_model(&s, &m);
            check_mapcounts(&s);
        }
    }
    check_against_model(&s, &m);
    check_mapcounts(&s);
    CHECK(vma_lookup(s.mm, 0x30000000 + 2 * PG) == fv);
    CHECK(memcmp(fv, &f0, sizeof f0) == 0);
    /* file pages: the file's page cache, index = their page in it */
    for (uint32_t i = 0; i < 4; i++) {
        uint32_t pfn = follow_pte(s.mm, 0x30000000 + i * PG);
        CHECK(pfn != PFN_NONE);
        if (pfn == PFN_NONE)
            continue;
        const struct page *page = pfn_to_page(&s.k.pm, pfn);
        CHECK(page->mapping == vma_lookup(s.mm, 0x30000000 + i * PG)->vm_file->inode->i_mapping);
        CHECK_EQ(page->index, i);
        CHECK_EQ(page_mapcount(page), 1);
    }
    sys_fini(&s);
}

static void run_all(void)
{
    test_vma_pointers_stable();
    test_random_against_model();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

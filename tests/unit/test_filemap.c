/*
 * test_filemap.c — the page cache (kernel-model/filemap.c) under random
 * sequences of reads, private and shared file mappings, faults, writes,
 * munmaps and reclaims, with the invariants checked after every operation:
 *   - every cached page is in exactly one file at one index, and says so
 *     (PG_file, mapping, index), is on exactly one LRU list and is not free
 *     (filemap_check);
 *   - every frame's map count equals the PTEs naming it, no mapped frame is
 *     free (mm_check.h check_mapcounts), buddy is sound;
 *   - a cached page holds the file's bytes (a private write never reaches
 *     the cache: it copied the page) and no page of a read-only file is dirty;
 *   - what the guest reads through a mapping is the file's byte, or its own
 *     private write.
 * Plus the fixed cases: a read fills the cache and a fault then finds the
 * page (no second frame), pages stay after the last close, a private write
 * copies the cache page, a shared read maps the cache page itself, and the
 * shrinker drops only clean unmapped pages; --writable-root's dirty pages
 * and their write-back (test_writeback).  Every case runs on 2-level and
 * PAE page tables.
 */
#include "tests/unit/kernel_fixture.h"
#include "tests/unit/mm_check.h"
#include "kernel-model/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NFILES 3
#define SLOTS 6
#define SLOT_BASE 0x40000000u
#define SLOT_SPAN (16 * PG)

static const uint32_t file_pages[NFILES] = { 5, 9, 2 };

/* The byte at offset off of file f. */
static uint8_t file_byte(int f, uint32_t off)
{
    return (uint8_t)(f * 61 + (off >> 12) * 7 + (off & 0xfff) * 3 + 1);
}

struct hfile {
    char path[64];
    int fd;
    uint32_t size;              /* bytes: the last page partial */
    struct inode *inode;
};

struct slot {
    int file;                   /* -1: nothing mapped */
    int shared, writable;
    uint32_t pgoff, npages;
    int16_t written[16];        /* a private write's byte at page start, or -1 */
};

struct fm {
    struct sys s;
    struct hfile f[NFILES];
    struct slot slot[SLOTS];
};

static int make_files(struct fm *t)
{
    for (int i = 0; i < NFILES; i++) {
        struct hfile *h = &t->f[i];
        snprintf(h->path, sizeof h->path, "/tmp/memsim-filemap-%d-XXXXXX", i);
        h->fd = mkstemp(h->path);
        CHECK(h->fd >= 0);
        if (h->fd < 0)
            return -1;
        h->size = file_pages[i] * PG - 100;
        uint8_t *b = malloc(h->size);
        for (uint32_t o = 0; o < h->size; o++)
            b[o] = file_byte(i, o);
        CHECK_EQ(write(h->fd, b, h->size), (long)h->size);
        free(b);
        struct stat st;
        CHECK(fstat(h->fd, &st) == 0);
        h->inode = iget_host(&t->s.k, &st);
        CHECK(h->inode != NULL);
    }
    return 0;
}

static void drop_files(struct fm *t)
{
    for (int i = 0; i < NFILES; i++) {
        iput(t->f[i].inode);
        close(t->f[i].fd);
        unlink(t->f[i].path);
    }
}

/* ---- invariants ------------------------------------------------------------ */

static void check_cache_bytes(struct fm *t)
{
    for (int i = 0; i < NFILES; i++) {
        const struct address_space *m = t->f[i].inode->i_mapping;
        for (size_t j = 0; j < m->nrpages; j++) {
            const struct page *p = pfn_to_page(&t->s.k.pm, m->i_pages[j].pfn);
            const uint8_t *b = pfn_to_host(&t->s.k.pm, m->i_pages[j].pfn);
            uint32_t base = m->i_pages[j].index * PG;
            CHECK(!(p->flags & PG_dirty));          /* a read-only file */
            for (uint32_t o = 0; o < PG; o += 509) {
                uint8_t want = base + o < t->f[i].size ? file_byte(i, base + o) : 0;
                if (b[o] != want) {
                    fprintf(stderr, "file %d page %u byte %u: %#x, not %#x\n", i,
                            m->i_pages[j].index, o, b[o], want);
                    CHECK(!"a cached page holds the file's bytes");
                    return;
                }
            }
        }
    }
}

static void check_all(struct fm *t)
{
    char err[256] = "";
    if (filemap_check(&t->s.k, err, sizeof err)) {
        fprintf(stderr, "filemap_check: %s\n", err);
        CHECK(!"filemap_check");
    }
    check_mapcounts(&t->s);
    check_cache_bytes(t);
    if (buddy_check(&t->s.k.pgdat, err, sizeof err)) {
        fprintf(stderr, "buddy_check: %s\n", err);
        CHECK(!"buddy_check");
    }
}

/* ---- operations ------------------------------------------------------------- */

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) % n;
}

static void op_read(struct fm *t, uint32_t *seed)
{
    int i = (int)rnd(seed, NFILES);
    struct hfile *h = &t->f[i];
    uint32_t pos = rnd(seed, h->size + PG), n = rnd(seed, 3 * PG) + 1;
    uint8_t *buf = malloc(n);
    long r = filemap_read(&t->s.k, h->inode->i_mapping, h->fd, buf, n, pos, h->size);
    long want = pos >= h->size ? 0 : (long)(n < h->size - pos ? n : h->size - pos);
    CHECK_EQ(r, want);
    for (long o = 0; o < r; o += 97)
        if (buf[o] != file_byte(i, pos + (uint32_t)o)) {
            CHECK(!"filemap_read gives the file's bytes");
            break;
        }
    free(buf);
}

static void op_map(struct fm *t, uint32_t *seed)
{
    int n = (int)rnd(seed, SLOTS);
    struct slot *sl = &t->slot[n];
    if (sl->file >= 0)
        return;
    int i = (int)rnd(seed, NFILES);
    struct vm_file *vmf = vm_file_get(&t->s.k.vm_files, t->f[i].fd, t->f[i].path);
    CHECK(vmf != NULL);
    if (!vmf)
        return;
    sl->file = i;
    sl->shared = rnd(seed, 2);
    sl->writable = !sl->shared && rnd(seed, 2);
    sl->pgoff = rnd(seed, file_pages[i]);
    sl->npages = file_pages[i] - sl->pgoff;
    for (int p = 0; p < 16; p++)
        sl->written[p] = -1;
    uint32_t addr = SLOT_BASE + (uint32_t)n * SLOT_SPAN;
    long r = do_mmap(t->s.mm, addr, sl->npages * PG, sl->writable ? RW : RO,
                     (sl->shared ? MAP_SHARED_ : MAP_PRIVATE_) | MAP_FIXED_, vmf, sl->pgoff,
                     sl->npages * PG, NULL);
    CHECK_EQ(r, (long)addr);
    vm_file_put(vmf);               /* the VMA holds it */
}

static void op_unmap(struct fm *t, uint32_t *seed)
{
    int n = (int)rnd(seed, SLOTS);
    if (t->slot[n].file < 0)
        return;
    CHECK_EQ(do_munmap(t->s.mm, SLOT_BASE + (uint32_t)n * SLOT_SPAN, SLOT_SPAN), 0);
    t->slot[n].file = -1;
}

/* Read (or, on a private writable slot, write) one page's first byte. */
static void op_touch(struct fm *t, uint32_t *seed)
{
    int n = (int)rnd(seed, SLOTS);
    struct slot *sl = &t->slot[n];
    if (sl->file < 0)
        return;
    uint32_t p = rnd(seed, sl->npages);
    uint32_t addr = SLOT_BASE + (uint32_t)n * SLOT_SPAN + p * PG;
    if (sl->writable && rnd(seed, 2)) {
        uint8_t v = (uint8_t)(rnd(seed, 255) + 1);
        CHECK_EQ(copy_to_user(t->s.mm, addr, &v, 1), 0);
        sl->written[p] = v;
        return;
    }
    uint8_t v = 0;
    CHECK_EQ(copy_from_user(t->s.mm, &v, addr, 1), 0);
    uint8_t want = sl->written[p] >= 0 ? (uint8_t)sl->written[p]
                                       : file_byte(sl->file, (sl->pgoff + p) * PG);
    CHECK_EQ(v, want);
}

/* A booted kernel with the three files; nonzero when setup failed. */
static int fm_setup(struct fm *t)
{
    if (sys_boot(&t->s, 64 * MiB, NULL, 1))
        return -1;
    for (int n = 0; n < SLOTS; n++)
        t->slot[n].file = -1;
    return make_files(t);
}

static void test_random(void)
{
    struct fm t;
    if (fm_setup(&t))
        return;
    uint32_t seed = 0x9e3779b9u ^ (uint32_t)fixture_paging;
    for (int step = 0; step < 3000; step++) {
        switch (rnd(&seed, 10)) {
        case 0: case 1: op_read(&t, &seed); break;
        case 2: op_map(&t, &seed); break;
        case 3: op_unmap(&t, &seed); break;
        case 4: shrink_page_cache(&t.s.k, rnd(&seed, 8)); break;
        default: op_touch(&t, &seed); break;
        }
        check_all(&t);
    }
    for (int n = 0; n < SLOTS; n++)
        if (t.slot[n].file >= 0)
            do_munmap(t.s.mm, SLOT_BASE + (uint32_t)n * SLOT_SPAN, SLOT_SPAN);
    check_all(&t);
    drop_files(&t);
    sys_fini(&t.s);
}

/* ---- fixed cases ------------------------------------------------------------ */

static uint32_t pte_frame(struct sys *s, uint32_t va)
{
    pte_t *pte = pte_offset(s->mm, va);
    uint64_t v = pte ? pte_read(&s->k, pte) : 0;
    return (v & _PAGE_PRESENT) ? pte_pfn(v) : PFN_NONE;
}

static void test_cases(void)
{
    struct fm t;
    if (fm_setup(&t))
        return;
    struct kernel *k = &t.s.k;
    struct address_space *m = t.f[1].inode->i_mapping;
    uint8_t buf[2 * PG];

    /* a read fills the cache: one frame per page, the inactive list */
    uint32_t free0 = nr_free_pages(&k->pgdat);
    CHECK_EQ(filemap_read(k, m, t.f[1].fd, buf, 2 * PG - 10, 10, t.f[1].size), (long)(2 * PG - 10));
    CHECK_EQ(m->nrpages, 2);
    CHECK_EQ(nr_free_pages(&k->pgdat), free0 - 2);
    uint32_t p0 = filemap_lookup(m, 0);
    CHECK(p0 != PFN_NONE && (pfn_to_page(&k->pm, p0)->flags & PG_uptodate));
    CHECK_EQ(pfn_to_page(&k->pm, p0)->_refcount, 1);            /* the cache's */
    CHECK_EQ(k->lru.nr[LRU_INACTIVE_FILE], 2);
    /* read again: no new frame, the page is activated on its second use */
    CHECK_EQ(filemap_read(k, m, t.f[1].fd, buf, 1, 0, t.f[1].size), 1);
    CHECK_EQ(nr_free_pages(&k->pgdat), free0 - 2);
    CHECK(pfn_to_page(&k->pm, p0)->flags & PG_active);

    /* a private read fault maps that very frame read-only */
    struct vm_file *vmf = vm_file_get(&k->vm_files, t.f[1].fd, t.f[1].path);
    CHECK_EQ(do_mmap(t.s.mm, 0x50000000, 4 * PG, RW, MAP_PRIVATE_ | MAP_FIXED_, vmf, 0, 4 * PG,
                     NULL), 0x50000000);
    CHECK_EQ(copy_from_user(t.s.mm, buf, 0x50000000, 1), 0);
    CHECK(vmf->inode == t.f[1].inode);                  /* one inode per host file */
    CHECK_EQ(pte_frame(&t.s, 0x50000000), p0);
    CHECK_EQ(page_mapcount(pfn_to_page(&k->pm, p0)), 1);
    CHECK(!(pte_read(k, pte_offset(t.s.mm, 0x50000000)) & _PAGE_RW));
    /* a write copies it (wp_page_copy): the cache keeps the file's bytes */
    uint8_t v = 0xee;
    CHECK_EQ(copy_to_user(t.s.mm, 0x50000000, &v, 1), 0);
    uint32_t anon = pte_frame(&t.s, 0x50000000);
    CHECK(anon != p0 && (pfn_to_page(&k->pm, anon)->flags & PG_anon));
    CHECK_EQ(page_mapcount(pfn_to_page(&k->pm, p0)), 0);
    CHECK_EQ(((uint8_t *)pfn_to_host(&k->pm, p0))[0], file_byte(1, 0));
    /* a write to a page not yet mapped copies without mapping the cache page */
    CHECK_EQ(copy_to_user(t.s.mm, 0x50000000 + 2 * PG, &v, 1), 0);
    uint32_t p2 = filemap_lookup(m, 2);
    CHECK(p2 != PFN_NONE && pte_frame(&t.s, 0x50000000 + 2 * PG) != p2);
    CHECK_EQ(page_mapcount(pfn_to_page(&k->pm, p2)), 0);

    /* a shared read-only mapping maps the cache page itself */
    CHECK_EQ(do_mmap(t.s.mm, 0x51000000, 2 * PG, RO, MAP_SHARED_ | MAP_FIXED_, vmf, 0, 2 * PG,
                     NULL), 0x51000000);
    CHECK_EQ(copy_from_user(t.s.mm, buf, 0x51000000, 1), 0);
    CHECK_EQ(pte_frame(&t.s, 0x51000000), p0);
    /* through a read-only descriptor it can never be written (VM_MAYWRITE) */
    CHECK(!(vma_lookup(t.s.mm, 0x51000000)->vm_flags & (VM_SHARED | VM_MAYWRITE)));
    CHECK(vma_lookup(t.s.mm, 0x51000000)->vm_flags & VM_MAYSHARE);
    CHECK_EQ(do_mprotect(t.s.mm, 0x51000000, PG, RW), -EACCES);
    vm_file_put(vmf);

    /* the shrinker takes clean unmapped pages only: p0 is mapped */
    shrink_page_cache(k, ~0ul);
    CHECK_EQ(filemap_lookup(m, 0), p0);
    CHECK_EQ(filemap_lookup(m, 1), PFN_NONE);
    CHECK_EQ(filemap_lookup(m, 2), PFN_NONE);
    check_all(&t);

    /* pages stay after the last reference to the inode goes */
    CHECK_EQ(do_munmap(t.s.mm, 0x50000000, 0x02000000), 0);
    CHECK_EQ(filemap_lookup(m, 0), p0);
    struct inode *keep = t.f[1].inode;
    CHECK_EQ(keep->i_count, 1);
    t.f[1].inode = NULL;
    iput(keep);                                         /* i_count 0: kept with p0 */
    struct stat st;
    CHECK(fstat(t.f[1].fd, &st) == 0);
    CHECK(iget_host(k, &st) == keep);
    t.f[1].inode = keep;
    CHECK_EQ(filemap_lookup(keep->i_mapping, 0), p0);
    check_all(&t);
    drop_files(&t);
    sys_fini(&t.s);
}

/* --fault-around: a read fault maps the cached pages around it (never reads
 * new ones), inside the VMA; a write fault maps only its own copy. */
static void test_fault_around(void)
{
    struct fm t;
    if (fm_setup(&t))
        return;
    struct kernel *k = &t.s.k;
    struct hfile *h = &t.f[1];                          /* 9 pages */
    uint8_t *buf = malloc(9 * PG);
    k->fault_around_pages = FAULT_AROUND_PAGES;
    CHECK_EQ(filemap_read(k, h->inode->i_mapping, h->fd, buf, 6 * PG, 0, h->size), (long)(6 * PG));
    struct vm_file *vmf = vm_file_get(&k->vm_files, h->fd, h->path);
    CHECK_EQ(do_mmap(t.s.mm, 0x50000000, 9 * PG, RO, MAP_PRIVATE_ | MAP_FIXED_, vmf, 0, 9 * PG,
                     NULL), 0x50000000);
    vm_file_put(vmf);
    uint32_t free0 = nr_free_pages(&k->pgdat);
    CHECK_EQ(copy_from_user(t.s.mm, buf, 0x50000000 + 2 * PG, 1), 0);
    for (uint32_t p = 0; p < 9; p++)                    /* pages 0-5 cached, 6-8 not */
        CHECK_EQ(pte_frame(&t.s, 0x50000000 + p * PG) != PFN_NONE, p < 6);
    CHECK_EQ(nr_free_pages(&k->pgdat), free0 - 1);      /* the page table; nothing read in */
    CHECK_EQ(t.s.mm->rss_pages, 6);
    /* a fault on an uncached page reads only that page */
    CHECK_EQ(copy_from_user(t.s.mm, buf, 0x50000000 + 7 * PG, 1), 0);
    CHECK_EQ(nr_free_pages(&k->pgdat), free0 - 2);
    CHECK(pte_frame(&t.s, 0x50000000 + 6 * PG) == PFN_NONE);
    check_all(&t);
    CHECK_EQ(do_munmap(t.s.mm, 0x50000000, 9 * PG), 0);
    free(buf);
    drop_files(&t);
    sys_fini(&t.s);
}

static int pte_writable(struct sys *s, uint32_t va)
{
    pte_t *pte = pte_offset(s->mm, va);
    return pte && (pte_read(&s->k, pte) & _PAGE_RW);
}

/* --writable-root's bookkeeping: a write dirties cache pages (the host file
 * unchanged until write-back; read() sees them), reclaim keeps dirty pages,
 * a shared store dirties its page, write-back pwrites each dirty page's
 * bytes up to the size, cleans it and write-protects its PTE (the next
 * store faults and dirties it again), and a write-back with no host
 * descriptor (a replay) only cleans. */
static void test_writeback(void)
{
    struct fm t;
    if (fm_setup(&t))
        return;
    struct kernel *k = &t.s.k;
    struct hfile *h = &t.f[0];                          /* 5 pages less 100 bytes */
    struct address_space *m = h->inode->i_mapping;
    uint8_t b[8];
    int wb = open(h->path, O_RDWR | O_CLOEXEC);
    CHECK(wb >= 0);
    h->inode->i_wb_fd = wb;                             /* closed with the inode */
    CHECK_EQ(filemap_write(k, m, wb, "hello", 5, PG + 10, h->size), 5);
    CHECK_EQ(m->nrdirty, 1);
    CHECK_EQ(pread(h->fd, b, 1, PG + 10), 1);
    CHECK_EQ(b[0], file_byte(0, PG + 10));              /* not written back yet */
    CHECK_EQ(filemap_read(k, m, h->fd, b, 5, PG + 10, h->size), 5);
    CHECK(!memcmp(b, "hello", 5));
    CHECK_EQ(((uint8_t *)pfn_to_host(&k->pm, filemap_lookup(m, 1)))[0], file_byte(0, PG));
    shrink_page_cache(k, ~0ul);
    CHECK(filemap_lookup(m, 1) != PFN_NONE);            /* dirty: never dropped */

    struct vm_file *vmf = vm_file_get(&k->vm_files, wb, h->path);
    struct mmap_file mf = { .f_mode = FMODE_READ_ | FMODE_WRITE_ | FMODE_MMAP_, .vmf = vmf };
    CHECK_EQ(do_mmap_file(t.s.mm, 0x50000000, 2 * PG, RW, MAP_SHARED_ | MAP_FIXED_, &mf, 0,
                          2 * PG, NULL), 0x50000000);
    CHECK_EQ(copy_to_user(t.s.mm, 0x50000000, "MAP", 3), 0);
    CHECK_EQ(m->nrdirty, 2);
    CHECK(pte_writable(&t.s, 0x50000000));
    CHECK_EQ(filemap_write_back(k, t.s.mm, m, wb, 0, UINT32_MAX, h->size), 0);
    CHECK_EQ(m->nrdirty, 0);
    CHECK(!pte_writable(&t.s, 0x50000000));            /* page_mkclean */
    CHECK_EQ(pread(h->fd, b, 3, 0), 3);
    CHECK(!memcmp(b, "MAP", 3));
    CHECK_EQ(pread(h->fd, b, 5, PG + 10), 5);
    CHECK(!memcmp(b, "hello", 5));
    struct stat st;
    CHECK(fstat(h->fd, &st) == 0 && st.st_size == (off_t)h->size);   /* nothing past the size */
    CHECK_EQ(copy_to_user(t.s.mm, 0x50000001, "Q", 1), 0);
    CHECK_EQ(m->nrdirty, 1);
    CHECK(pte_writable(&t.s, 0x50000000));
    CHECK_EQ(filemap_write_back(k, t.s.mm, m, -1, 0, UINT32_MAX, h->size), 0);
    CHECK_EQ(m->nrdirty, 0);
    CHECK_EQ(pread(h->fd, b, 2, 0), 2);
    CHECK(!memcmp(b, "MA", 2));                         /* no host descriptor: not written */
    char err[256] = "";
    CHECK(filemap_check(k, err, sizeof err) == 0);
    CHECK_EQ(do_munmap(t.s.mm, 0x50000000, 2 * PG), 0);
    vm_file_put(vmf);
    drop_files(&t);
    sys_fini(&t.s);
}

static void run_all(void)
{
    test_writeback();
    test_fault_around();
    test_cases();
    test_random();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}

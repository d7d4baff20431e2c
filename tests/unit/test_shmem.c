/*
 * test_shmem.c — tmpfs (kernel-model/shmem.c) through the guest's system
 * calls, on random sequences of open/O_CREAT, pwrite, pread, ftruncate,
 * shared mappings written through memory, munmap, rename and unlink of a
 * few names in a tmpfs directory, against a shadow copy of every file.
 * After every call: each file reads as its shadow (pread, and every shared
 * mapping of it), the page cache's invariants hold (filemap_check: each
 * page in one file at one index, not free), every frame's map count equals
 * its PTEs (mm_check.h), dirty pages are only in tmpfs files (the only
 * writable ones: a root file is never dirty), buddy is sound; at the end
 * every frame comes back; a truncate of a mapped file leaves no page
 * mapped past the new end.  Both paging modes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/fs.h"
#include "kernel-model/shmem.h"
#include "tests/unit/task_fixture.h"
#include "tests/unit/mm_check.h"

#define NAMES 3
#define MAXSZ (5 * PG)
#define MAPS 4

struct shadow {
    int exists;
    uint32_t size;
    uint8_t data[MAXSZ];
};

struct st {
    struct sys s;
    struct task_struct *t;
    uint32_t ubuf;              /* user memory: I/O (7 pages), then paths */
    struct shadow f[NAMES];
    struct { uint32_t addr; int name; uint32_t len; } map[MAPS];
};

static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2,
                 uint32_t a3)
{
    uint32_t a[6] = { a0, a1, a2, a3, 0, 0 };
    return fixture_syscall(t, nr, a);
}

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) % n;
}

/* The name's path in user memory (the page after the I/O buffer). */
static uint32_t upath(struct st *x, int name)
{
    char p[64];
    snprintf(p, sizeof p, "/tmp/memsim-test-shmem/f%d", name);
    uint32_t at = x->ubuf + 7 * PG + (uint32_t)name * 64;
    CHECK_EQ(copy_to_user(x->t->mm, at, p, (uint32_t)strlen(p) + 1), 0);
    return at;
}

static long open_name(struct st *x, int name, uint32_t flags)
{
    return call(x->t, NR_OPEN, upath(x, name), flags, 0644, 0);
}

/* ---- invariants ------------------------------------------------------------ */

static void check_contents(struct st *x)
{
    uint8_t *got = malloc(MAXSZ + 1);
    for (int n = 0; n < NAMES; n++) {
        long fd = open_name(x, n, O_RDONLY);
        if (!x->f[n].exists) {
            CHECK_EQ(fd, -ENOENT);
            continue;
        }
        CHECK(fd >= 0);
        long r = call(x->t, NR_PREAD64, (uint32_t)fd, x->ubuf, MAXSZ + 1, 0);
        CHECK_EQ(r, (long)x->f[n].size);
        CHECK_EQ(copy_from_user(x->t->mm, got, x->ubuf, x->f[n].size), 0);
        CHECK(memcmp(got, x->f[n].data, x->f[n].size) == 0);
        CHECK_EQ(call(x->t, NR_CLOSE, (uint32_t)fd, 0, 0, 0), 0);
    }
    /* a shared mapping is the file: its pages below EOF read as the shadow */
    for (int m = 0; m < MAPS; m++) {
        if (!x->map[m].addr || !x->f[x->map[m].name].exists)
            continue;
        const struct shadow *f = &x->f[x->map[m].name];
        uint32_t upto = f->size < x->map[m].len ? f->size : x->map[m].len;
        upto &= PAGE_MASK;                  /* whole pages inside the file */
        if (upto && !copy_from_user(x->t->mm, got, x->map[m].addr, upto))
            CHECK(memcmp(got, f->data, upto) == 0);
        /* past EOF no page stays mapped (truncate's unmap_mapping_range) */
        uint32_t eof = (f->size + PG - 1) & PAGE_MASK;
        for (uint32_t off = eof; off < x->map[m].len; off += PG)
            CHECK(!user_page_present(x->t->mm, x->map[m].addr + off));
    }
    free(got);
}

static void check_all(struct st *x)
{
    char err[256] = "";
    struct kernel *k = &x->s.k;
    if (filemap_check(k, err, sizeof err)) {
        fprintf(stderr, "filemap_check: %s\n", err);
        CHECK(!"filemap_check");
    }
    for (int lru = 0; lru < NR_LRU_LISTS; lru++)
        for (uint32_t pfn = k->lru.head[lru]; pfn != PFN_NONE; pfn = pfn_to_page(&k->pm, pfn)->next) {
            const struct page *p = pfn_to_page(&k->pm, pfn);
            if ((p->flags & PG_dirty) && !((const struct address_space *)p->mapping)->no_writeback)
                CHECK(!"dirty pages only in writable (tmpfs) files");
        }
    x->s.mm = x->t->mm;
    check_mapcounts(&x->s);
    x->s.mm = NULL;
    if (buddy_check(&k->pgdat, err, sizeof err)) {
        fprintf(stderr, "buddy_check: %s\n", err);
        CHECK(!"buddy_check");
    }
    check_contents(x);
}

/* ---- operations ------------------------------------------------------------- */

static void op_write(struct st *x, uint32_t *seed)
{
    int n = (int)rnd(seed, NAMES);
    long fd = open_name(x, n, O_RDWR | O_CREAT);
    CHECK(fd >= 0);
    struct shadow *f = &x->f[n];
    if (!f->exists)
        *f = (struct shadow){ .exists = 1 };
    uint32_t pos = rnd(seed, MAXSZ - 1), len = rnd(seed, MAXSZ - pos) + 1;
    uint8_t *b = malloc(len);
    for (uint32_t i = 0; i < len; i++)
        b[i] = (uint8_t)rnd(seed, 256);
    CHECK_EQ(copy_to_user(x->t->mm, x->ubuf, b, len), 0);
    CHECK_EQ(call(x->t, NR_PWRITE64, (uint32_t)fd, x->ubuf, len, pos), (long)len);
    if (pos > f->size)
        memset(f->data + f->size, 0, pos - f->size);
    memcpy(f->data + pos, b, len);
    if (pos + len > f->size)
        f->size = pos + len;
    free(b);
    CHECK_EQ(call(x->t, NR_CLOSE, (uint32_t)fd, 0, 0, 0), 0);
}

static void op_truncate(struct st *x, uint32_t *seed)
{
    int n = (int)rnd(seed, NAMES);
    struct shadow *f = &x->f[n];
    long fd = open_name(x, n, O_RDWR);
    if (!f->exists) {
        CHECK_EQ(fd, -ENOENT);
        return;
    }
    uint32_t size = rnd(seed, MAXSZ);
    CHECK_EQ(call(x->t, NR_FTRUNCATE, (uint32_t)fd, size, 0, 0), 0);
    if (size > f->size)
        memset(f->data + f->size, 0, size - f->size);
    f->size = size;
    CHECK_EQ(call(x->t, NR_CLOSE, (uint32_t)fd, 0, 0, 0), 0);
}

/* Map a file shared and store one byte through the mapping. */
static void op_map_store(struct st *x, uint32_t *seed)
{
    int m = (int)rnd(seed, MAPS), n = (int)rnd(seed, NAMES);
    struct shadow *f = &x->f[n];
    if (x->map[m].addr || !f->exists || f->size < PG)
        return;
    long fd = open_name(x, n, O_RDWR);
    CHECK(fd >= 0);
    uint32_t len = f->size & PAGE_MASK;
    uint32_t a[6] = { 0, len, PROT_READ_ | PROT_WRITE_, MAP_SHARED_, (uint32_t)fd, 0 };
    long addr = fixture_syscall(x->t, NR_MMAP2, a);
    CHECK(addr > 0);
    CHECK_EQ(call(x->t, NR_CLOSE, (uint32_t)fd, 0, 0, 0), 0);   /* the mapping keeps it */
    if (addr <= 0)
        return;
    x->map[m].addr = (uint32_t)addr;
    x->map[m].name = n;
    x->map[m].len = len;
    uint32_t off = rnd(seed, len);
    uint8_t v = (uint8_t)rnd(seed, 256);
    CHECK_EQ(copy_to_user(x->t->mm, (uint32_t)addr + off, &v, 1), 0);
    f->data[off] = v;
}

static void op_unmap(struct st *x, uint32_t *seed)
{
    int m = (int)rnd(seed, MAPS);
    if (!x->map[m].addr)
        return;
    CHECK_EQ(call(x->t, NR_MUNMAP, x->map[m].addr, x->map[m].len, 0, 0), 0);
    x->map[m].addr = 0;
}

static int mapped(const struct st *x, int n)
{
    for (int m = 0; m < MAPS; m++)
        if (x->map[m].addr && x->map[m].name == n)
            return 1;
    return 0;
}

static void op_unlink_or_rename(struct st *x, uint32_t *seed)
{
    int a = (int)rnd(seed, NAMES), b = (int)rnd(seed, NAMES);
    if (mapped(x, a) || mapped(x, b))
        return;                 /* the shadow follows names, not open inodes */
    if (rnd(seed, 2)) {
        CHECK_EQ(call(x->t, NR_UNLINK, upath(x, a), 0, 0, 0), x->f[a].exists ? 0 : -ENOENT);
        x->f[a].exists = 0;
        return;
    }
    uint32_t pa = upath(x, a), pb = upath(x, b);
    long r = call(x->t, NR_RENAME, pa, pb, 0, 0);
    CHECK_EQ(r, x->f[a].exists ? 0 : -ENOENT);
    if (x->f[a].exists && a != b) {
        x->f[b] = x->f[a];
        x->f[a].exists = 0;
    }
}

static void test_random(void)
{
    struct st *x = calloc(1, sizeof *x);
    if (!(x->t = boot_task(&x->s)))
        return;
    long u = do_mmap(x->t->mm, 0, 8 * PG, RW, MAP_PRIVATE_ | MAP_ANONYMOUS_, NULL, 0, 0, NULL);
    CHECK(u > 0);
    x->ubuf = (uint32_t)u;
    char dir[] = "/tmp/memsim-test-shmem";
    CHECK_EQ(copy_to_user(x->t->mm, x->ubuf, dir, sizeof dir), 0);
    CHECK_EQ(call(x->t, NR_MKDIR, x->ubuf, 0755, 0, 0), 0);
    CHECK_EQ(call(x->t, NR_MKDIR, x->ubuf, 0755, 0, 0), -EEXIST);
    uint32_t seed = 0x51ed270bu ^ (uint32_t)fixture_paging;
    for (int step = 0; step < 600; step++) {
        switch (rnd(&seed, 8)) {
        case 0: case 1: case 2: op_write(x, &seed); break;
        case 3: op_truncate(x, &seed); break;
        case 4: op_map_store(x, &seed); break;
        case 5: op_unmap(x, &seed); break;
        default: op_unlink_or_rename(x, &seed); break;
        }
        check_all(x);
    }
    for (int m = 0; m < MAPS; m++)
        if (x->map[m].addr)
            CHECK_EQ(call(x->t, NR_MUNMAP, x->map[m].addr, x->map[m].len, 0, 0), 0);
    CHECK_EQ(copy_to_user(x->t->mm, x->ubuf, dir, sizeof dir), 0);
    CHECK_EQ(call(x->t, NR_RMDIR, x->ubuf, 0, 0, 0), x->f[0].exists || x->f[1].exists ||
                                                    x->f[2].exists ? -ENOTEMPTY : 0);
    for (int n = 0; n < NAMES; n++)
        if (x->f[n].exists)
            CHECK_EQ(call(x->t, NR_UNLINK, upath(x, n), 0, 0, 0), 0);
    CHECK_EQ(copy_to_user(x->t->mm, x->ubuf, dir, sizeof dir), 0);
    long dfd = call(x->t, NR_OPEN, x->ubuf, O_RDONLY | O_DIRECTORY, 0, 0);
    CHECK(dfd >= 0);
    CHECK(call(x->t, NR_GETDENTS64, (uint32_t)dfd, x->ubuf + PG, PG, 0) > 0);   /* . and .. */
    CHECK_EQ(call(x->t, NR_RMDIR, x->ubuf, 0, 0, 0), 0);
    /* the open directory outlives its name: empty, not freed memory */
    CHECK_EQ(call(x->t, NR_GETDENTS64, (uint32_t)dfd, x->ubuf + PG, PG, 0), 0);
    CHECK_EQ(call(x->t, NR_CLOSE, (uint32_t)dfd, 0, 0, 0), 0);
    /* every tmpfs page went with its file */
    CHECK_EQ(x->s.k.lru.nr[LRU_INACTIVE_FILE] + x->s.k.lru.nr[LRU_ACTIVE_FILE], 0);
    task_free(x->t);
    shmem_destroy(&x->s.k);     /* umount: the mounts' root inodes live as long as they */
    sys_fini(&x->s);
    free(x);
}

int main(void)
{
    (void)user_page;
    run_in_every_paging_mode(test_random);
    return CHECK_DONE();
}

/*
 * window.c — the kinds of the window's pages, the host mappings they make,
 * and the budget that keeps those below vm.max_map_count.
 *
 * What the host kernel does (mm/mmap.c, vma_merge): a MAP_FIXED mmap over
 * one page first splits the mapping it lands in, then merges the new
 * mapping with a neighbour that has the same file, consecutive offsets,
 * the same flags and rights, and a compatible anon_vma.  So whether two
 * adjacent pages share a host mapping depends only on those two pages,
 * and the count changes by what happens at page p's two edges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "common/errmsg.h"
#include "emu/window.h"
#include "kernel-model/mm.h"

#define WINDOW_PAGES    (TASK_SIZE >> PAGE_SHIFT)
#define HOST_MAP_MARGIN 2048u   /* left for Unicorn, SQLite and malloc */

/*
 * alias[p]: 0 reserved, WINDOW_ZERO, WINDOW_SCRATCH, or an alias of frame
 * pfn: (pfn + 1) | WINDOW_WRITABLE if writable.  The anonymous kinds are
 * mapped alike every time (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, one
 * protection each), so a page merges with a neighbour of its kind; an
 * anonymous mapping's offset is its address, always consecutive.
 */
#define WINDOW_WRITABLE 0x80000000u
#define WINDOW_ZERO     0x7fffffffu     /* PROT_READ: the zero page */
#define WINDOW_SCRATCH  0x7ffffffeu     /* PROT_READ | PROT_WRITE */

static uint64_t read_number(const char *path, uint64_t dflt)
{
    FILE *f = fopen(path, "r");
    unsigned long long v;
    if (!f)
        return dflt;
    if (fscanf(f, "%llu", &v) != 1)
        v = dflt;
    fclose(f);
    return v;
}

static uint64_t count_host_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    uint64_t n = 0;
    int c;
    if (!f)
        return 0;
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

void host_map_account_init(struct host_map_account *a)
{
    uint64_t limit = read_number("/proc/sys/vm/max_map_count", 65530);
    uint64_t used = count_host_maps() + HOST_MAP_MARGIN;
    a->budget = limit > used ? limit - used : 0;
    a->host_maps = 0;
}

int window_init(struct host_window *w, struct host_map_account *acct, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->acct = acct;
    w->base = mmap(NULL, TASK_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    w->alias = calloc(WINDOW_PAGES, sizeof *w->alias);
    if (w->base == MAP_FAILED || !w->alias) {
        w->base = w->base == MAP_FAILED ? NULL : w->base;
        set_err(err, errlen, "cannot reserve 3 GiB of host address space for the guest");
        window_destroy(w);
        return -1;
    }
    w->host_maps = 1;
    acct->host_maps += 1;
    return 0;
}

void window_destroy(struct host_window *w)
{
    if (w->acct)
        w->acct->host_maps -= w->host_maps;
    if (w->base)
        munmap(w->base, TASK_SIZE);
    free(w->alias);
    memset(w, 0, sizeof *w);
}

static int is_alias(uint32_t k)
{
    return k && (k & ~WINDOW_WRITABLE) < WINDOW_SCRATCH;
}

/* Do pages p and p+1 belong to one host mapping? */
static int merged(const struct host_window *w, uint32_t p)
{
    uint32_t a = w->alias[p], b = w->alias[p + 1];
    if (is_alias(a) && is_alias(b))
        return (a & WINDOW_WRITABLE) == (b & WINDOW_WRITABLE) && b == a + 1;
    /*
     * Two anonymous pages of one kind.  (The host would refuse to merge a
     * page with both neighbours if each had its own anon_vma; only scratch
     * pages are ever written, after the guest died, so the count may then
     * be one low — harmless, window_sacrifice does not rely on it.)
     */
    return a == b && !is_alias(a);
}

/* Host mappings split off around page p (0, 1 or 2). */
static unsigned splits_around(const struct host_window *w, uint32_t p)
{
    unsigned n = 0;
    if (p > 0 && !merged(w, p - 1))
        n++;
    if (p + 1 < WINDOW_PAGES && !merged(w, p))
        n++;
    return n;
}

/* The host mappings of the window if page p were of kind k. */
static uint64_t maps_if(struct host_window *w, uint32_t p, uint32_t k)
{
    uint32_t old = w->alias[p];
    uint64_t before = splits_around(w, p);
    w->alias[p] = k;
    uint64_t after = splits_around(w, p);
    w->alias[p] = old;
    return w->host_maps - before + after;
}

/* mmap pages [p, p + n) as kind k. */
static int host_map(struct host_window *w, uint32_t p, uint32_t n, uint32_t k, int memfd)
{
    void *at = w->base + ((size_t)p << PAGE_SHIFT), *got;
    size_t len = (size_t)n << PAGE_SHIFT;
    if (is_alias(k)) {
        off_t off = (off_t)((k & ~WINDOW_WRITABLE) - 1) << PAGE_SHIFT;
        got = mmap(at, len, PROT_READ | (k & WINDOW_WRITABLE ? PROT_WRITE : 0),
                   MAP_SHARED | MAP_FIXED, memfd, off);
    } else {
        int prot = k == WINDOW_SCRATCH ? PROT_READ | PROT_WRITE : k == WINDOW_ZERO ? PROT_READ : PROT_NONE;
        got = mmap(at, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    }
    return got == at ? 0 : -1;
}

/* The window's count changes, and the accountant's with it. */
static void set_host_maps(struct host_window *w, uint64_t maps)
{
    w->acct->host_maps = w->acct->host_maps - w->host_maps + maps;
    w->host_maps = maps;
}

/*
 * Page p becomes kind k, if that keeps every window's host mappings within limit (or
 * does not add any).  A refused MAP_FIXED mmap leaves the old mapping in
 * place (the kernel checks the map count before it unmaps anything), so on
 * failure host and model are both unchanged.
 */
static int set_kind(struct host_window *w, uint32_t p, uint32_t k, int memfd, uint64_t limit)
{
    if (w->alias[p] == k)
        return 0;
    uint64_t maps = maps_if(w, p, k);
    uint64_t total = w->acct->host_maps - w->host_maps + maps;
    if (total > limit && maps > w->host_maps)
        return -1;
    if (host_map(w, p, 1, k, memfd))
        return -1;
    w->alias[p] = k;
    set_host_maps(w, maps);
    return 0;
}

int window_alias(struct host_window *w, int memfd, uint32_t va, uint32_t pfn, int writable)
{
    return set_kind(w, va >> PAGE_SHIFT, (pfn + 1) | (writable ? WINDOW_WRITABLE : 0), memfd,
                    w->acct->budget);
}

/*
 * The zero page as anonymous read-only memory, not as an alias of the zero
 * frame: aliases of one frame at consecutive pages never merge (their file
 * offsets are equal, not consecutive), so reading untouched memory in order
 * would cost a host mapping per page.  The model's PTE still names the zero
 * frame; only the host's copy of its (zero) bytes differs.
 */
int window_zero(struct host_window *w, uint32_t va)
{
    return set_kind(w, va >> PAGE_SHIFT, WINDOW_ZERO, -1, w->acct->budget);
}

/* Back to PROT_NONE: this costs when the page had neighbours of another kind
 * (a hole between two aliases splits their mapping). */
int window_unalias(struct host_window *w, uint32_t va)
{
    return set_kind(w, va >> PAGE_SHIFT, 0, -1, w->acct->budget);
}

/* Replace the host mapping around page p by scratch memory: its edges are
 * already edges on the host, so nothing is split and the count cannot grow. */
static int sacrifice_mapping(struct host_window *w, uint32_t p)
{
    uint32_t lo = p, hi = p;
    while (lo > 0 && merged(w, lo - 1))
        lo--;
    while (hi + 1 < WINDOW_PAGES && merged(w, hi))
        hi++;
    if (host_map(w, lo, hi - lo + 1, WINDOW_SCRATCH, -1))
        return -1;
    for (uint32_t i = lo; i <= hi; i++) {
        set_host_maps(w, maps_if(w, i, WINDOW_SCRATCH));
        w->alias[i] = WINDOW_SCRATCH;
    }
    return 0;
}

/*
 * The guest dies on this access, but Unicorn still completes it: whatever is
 * at va — nothing, a read-only alias of a COW page or the zero page that a
 * failed write was meant to replace, an alias the host would not remove —
 * becomes scratch memory, so the access lands harmlessly and no frame is
 * touched.
 */
int window_sacrifice(struct host_window *w, uint32_t va)
{
    if (va >= TASK_SIZE)
        return 0;
    uint32_t p = va >> PAGE_SHIFT;
    if (set_kind(w, p, WINDOW_SCRATCH, -1, w->acct->budget + WINDOW_SCRATCH_MAPS) == 0)
        return 0;
    return sacrifice_mapping(w, p);
}

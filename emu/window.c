/* window.c — aliases in the host window, and their host-mapping budget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "common/errmsg.h"
#include "emu/window.h"
#include "kernel-model/mm.h"

#define WINDOW_PAGES    (TASK_SIZE >> PAGE_SHIFT)
#define WINDOW_WRITABLE 0x80000000u
#define HOST_MAP_MARGIN 2048u   /* left for Unicorn, SQLite and malloc */

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

int window_init(struct host_window *w, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->base = mmap(NULL, TASK_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    w->alias = calloc(WINDOW_PAGES, sizeof *w->alias);
    if (w->base == MAP_FAILED || !w->alias) {
        w->base = w->base == MAP_FAILED ? NULL : w->base;
        set_err(err, errlen, "cannot reserve 3 GiB of host address space for the guest");
        window_destroy(w);
        return -1;
    }
    uint64_t limit = read_number("/proc/sys/vm/max_map_count", 65530);
    uint64_t used = count_host_maps() + HOST_MAP_MARGIN;
    w->budget = limit > used ? limit - used : 0;
    w->host_maps = 1;
    return 0;
}

void window_destroy(struct host_window *w)
{
    if (w->base)
        munmap(w->base, TASK_SIZE);
    free(w->alias);
    memset(w, 0, sizeof *w);
}

/* Do pages p and p+1 belong to one host mapping? */
static int merged(const struct host_window *w, uint32_t p)
{
    uint32_t a = w->alias[p], b = w->alias[p + 1];
    if (!a || !b)
        return !a && !b;
    return (a & WINDOW_WRITABLE) == (b & WINDOW_WRITABLE) && b == a + 1;
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

static int set_alias(struct host_window *w, uint32_t p, uint32_t value)
{
    unsigned before = splits_around(w, p);
    uint32_t old = w->alias[p];
    w->alias[p] = value;
    uint64_t maps = w->host_maps - before + splits_around(w, p);
    if (maps > w->budget && maps > w->host_maps) {
        w->alias[p] = old;
        return -1;
    }
    w->host_maps = maps;
    return 0;
}

int window_alias(struct host_window *w, int memfd, uint32_t va, uint32_t pfn, int writable)
{
    uint32_t p = va >> PAGE_SHIFT;
    if (set_alias(w, p, (pfn + 1) | (writable ? WINDOW_WRITABLE : 0)))
        return -1;
    void *want = w->base + ((size_t)p << PAGE_SHIFT);
    if (mmap(want, PAGE_SIZE, PROT_READ | (writable ? PROT_WRITE : 0),
             MAP_SHARED | MAP_FIXED, memfd, (off_t)pfn << PAGE_SHIFT) != want) {
        set_alias(w, p, 0);
        return -1;
    }
    return 0;
}

void window_unalias(struct host_window *w, uint32_t va)
{
    uint32_t p = va >> PAGE_SHIFT;
    set_alias(w, p, 0);                   /* returning to the reservation never costs */
    mmap(w->base + ((size_t)p << PAGE_SHIFT), PAGE_SIZE, PROT_NONE,
         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
}

/*
 * The guest dies on this access, but Unicorn still completes it: whatever is
 * at va — nothing, or a read-only alias of the zero page or a COW page that
 * a failed write was meant to replace — becomes a throwaway read/write page,
 * so the store lands harmlessly and no frame is touched.
 */
void window_sacrifice(struct host_window *w, uint32_t va)
{
    if (va >= TASK_SIZE)
        return;
    set_alias(w, va >> PAGE_SHIFT, 0);
    mmap(w->base + (va & PAGE_MASK), PAGE_SIZE, PROT_READ | PROT_WRITE,
         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

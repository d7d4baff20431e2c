/*
 * filemap.c — the page cache: the index of each file's pages, their LRU
 * lists, reading through the cache, and the shrinker (filemap.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/filemap.h"
#include "kernel-model/vmstat.h"
#include "kernel-model/mm.h"
#include "kernel-model/vfs.h"
#include "kernel-model/pgtable.h"

#define SWAP_CLUSTER_MAX_PAGES 32u   /* a reclaim batch (mm/vmscan.c) */

/* ---- the LRU lists (mm/swap.c) ----------------------------------------- */

void lruvec_init(struct lruvec *l)
{
    for (int i = 0; i < NR_LRU_LISTS; i++) {
        l->head[i] = l->tail[i] = PFN_NONE;
        l->nr[i] = 0;
    }
}

static enum lru_list page_lru(const struct page *p)
{
    return (p->flags & PG_active) ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE;
}

static void lru_add(struct kernel *k, uint32_t pfn, enum lru_list lru)
{
    struct page *p = pfn_to_page(&k->pm, pfn);
    struct lruvec *l = &k->lru;
    p->flags = (p->flags & ~(uint32_t)PG_active) | PG_lru | (lru == LRU_ACTIVE_FILE ? PG_active : 0);
    p->prev = PFN_NONE;
    p->next = l->head[lru];
    if (l->head[lru] != PFN_NONE)
        pfn_to_page(&k->pm, l->head[lru])->prev = pfn;
    else
        l->tail[lru] = pfn;
    l->head[lru] = pfn;
    l->nr[lru]++;
}

static void lru_del(struct kernel *k, uint32_t pfn)
{
    struct page *p = pfn_to_page(&k->pm, pfn);
    struct lruvec *l = &k->lru;
    if (!(p->flags & PG_lru))
        return;
    enum lru_list lru = page_lru(p);
    if (p->prev != PFN_NONE)
        pfn_to_page(&k->pm, p->prev)->next = p->next;
    else
        l->head[lru] = p->next;
    if (p->next != PFN_NONE)
        pfn_to_page(&k->pm, p->next)->prev = p->prev;
    else
        l->tail[lru] = p->prev;
    l->nr[lru]--;
    p->next = p->prev = PFN_NONE;
    p->flags &= ~(uint32_t)(PG_lru | PG_active);
}

void mark_page_accessed(struct kernel *k, uint32_t pfn)
{
    struct page *p = pfn_to_page(&k->pm, pfn);
    if (!(p->flags & PG_referenced)) {
        p->flags |= PG_referenced;
    } else if ((p->flags & PG_lru) && !(p->flags & PG_active)) {
        lru_del(k, pfn);
        lru_add(k, pfn, LRU_ACTIVE_FILE);       /* folio_activate */
        p->flags &= ~(uint32_t)PG_referenced;
    }
}

/* ---- events ------------------------------------------------------------ */

void pagecache_event(struct kernel *k, enum pagecache_op op, const struct address_space *m,
                     uint32_t index, uint32_t pfn)
{
    if (!k->events)
        return;
    const struct inode *host = m->host;
    struct event ev = { .type = EV_PAGE_CACHE };
    ev.u.page_cache = (struct page_cache_event){
        .op = (uint8_t)op, .index = index, .pfn = pfn,
        .dev = host ? host->i_dev : 0, .ino = host ? host->i_ino : 0,
    };
    event_emit(k->events, &ev);
}

/* ---- the index (Linux's xarray) ---------------------------------------- */

void mapping_init(struct address_space *m, struct inode *host, gfp_t gfp)
{
    *m = (struct address_space){ .host = host, .gfp_mask = gfp };
}

/* The slot of index, or where it would go. */
static size_t slot_of(const struct address_space *m, uint32_t index)
{
    size_t lo = 0, hi = m->nrpages;
    if (hi && m->i_pages[hi - 1].index < index)
        return hi;                              /* appending: the common case */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->i_pages[mid].index < index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t filemap_lookup(const struct address_space *m, uint32_t index)
{
    size_t i = slot_of(m, index);
    return i < m->nrpages && m->i_pages[i].index == index ? m->i_pages[i].pfn : PFN_NONE;
}

uint32_t find_get_page(struct kernel *k, struct address_space *m, uint32_t index)
{
    uint32_t pfn = filemap_lookup(m, index);
    if (pfn != PFN_NONE)
        get_page(&k->pgdat, pfn);
    return pfn;
}

int add_to_page_cache_lru(struct kernel *k, struct address_space *m, uint32_t pfn,
                          uint32_t index)
{
    size_t i = slot_of(m, index);
    if (i < m->nrpages && m->i_pages[i].index == index)
        return -EEXIST;
    if (m->nrpages == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 8;
        struct pagecache_slot *n = realloc(m->i_pages, cap * sizeof *n);
        if (!n)
            return -ENOMEM;
        m->i_pages = n;
        m->cap = cap;
    }
    memmove(&m->i_pages[i + 1], &m->i_pages[i], (m->nrpages - i) * sizeof *m->i_pages);
    m->i_pages[i] = (struct pagecache_slot){ index, pfn };
    m->nrpages++;
    struct page *p = pfn_to_page(&k->pm, pfn);
    p->flags |= PG_file;
    p->mapping = m;
    p->index = index;
    get_page(&k->pgdat, pfn);                   /* the cache's reference */
    lru_add(k, pfn, LRU_INACTIVE_FILE);
    pagecache_event(k, PGCACHE_ADD, m, index, pfn);
    return 0;
}

/* Out of the index and the LRU; the caller puts the cache's reference. */
static void page_cache_remove(struct kernel *k, uint32_t pfn, enum pagecache_op why)
{
    struct page *p = pfn_to_page(&k->pm, pfn);
    struct address_space *m = p->mapping;
    size_t i = slot_of(m, p->index);
    if (i >= m->nrpages || m->i_pages[i].pfn != pfn)
        return;                                 /* not cached: nothing to do */
    memmove(&m->i_pages[i], &m->i_pages[i + 1], (m->nrpages - i - 1) * sizeof *m->i_pages);
    m->nrpages--;
    if (p->flags & PG_dirty)
        m->nrdirty--;
    lru_del(k, pfn);
    pagecache_event(k, why, m, p->index, pfn);
    p->flags &= ~(uint32_t)(PG_file | PG_dirty | PG_uptodate | PG_referenced);
    p->mapping = NULL;
    put_page(&k->pgdat, pfn);
}

void delete_from_page_cache(struct kernel *k, uint32_t pfn)
{
    page_cache_remove(k, pfn, PGCACHE_DELETE);
}

/* ---- reading ------------------------------------------------------------ */

/* The readpage of a hostfs file: the host's bytes, zeros past its end. */
static int read_page(struct kernel *k, int host_fd, uint32_t index, uint32_t pfn)
{
    uint8_t *dst = pfn_to_host(&k->pm, pfn);
    ssize_t got = 0;
    if (host_fd >= 0 && (got = pread(host_fd, dst, PAGE_SIZE, (off_t)index << PAGE_SHIFT)) < 0)
        return -EIO;
    memset(dst + got, 0, PAGE_SIZE - (size_t)got);
    if (host_fd >= 0)
        count_vm_events(&k->vm_events, PGPGIN, PAGE_SIZE >> 10);    /* a 4 KiB read */
    return 0;
}

uint32_t filemap_get_page(struct kernel *k, struct address_space *m, uint32_t index,
                          int host_fd, long *err)
{
    uint32_t pfn = find_get_page(k, m, index);
    if (pfn != PFN_NONE)
        return pfn;
    pfn = alloc_pages(&k->pgdat, m->gfp_mask, 0, PURPOSE_PAGECACHE);
    if (pfn == PFN_NONE) {
        *err = -ENOMEM;
        return PFN_NONE;
    }
    long r = read_page(k, host_fd, index, pfn);
    if (!r)
        r = add_to_page_cache_lru(k, m, pfn, index);
    if (r) {
        put_page(&k->pgdat, pfn);
        *err = r;
        return PFN_NONE;
    }
    pfn_to_page(&k->pm, pfn)->flags |= PG_uptodate;
    return pfn;
}

long filemap_read(struct kernel *k, struct address_space *m, int host_fd, void *buf,
                  size_t n, int64_t pos, int64_t isize)
{
    size_t done = 0;
    if (pos < 0 || pos >= isize)
        return 0;
    if ((int64_t)n > isize - pos)
        n = (size_t)(isize - pos);
    while (done < n) {
        int64_t at = pos + (int64_t)done;
        uint32_t index = (uint32_t)(at >> PAGE_SHIFT), off = (uint32_t)(at & (PAGE_SIZE - 1));
        size_t chunk = PAGE_SIZE - off < n - done ? PAGE_SIZE - off : n - done;
        long err = 0;
        uint32_t pfn = m->no_writeback ? find_get_page(k, m, index)
                                       : filemap_get_page(k, m, index, host_fd, &err);
        if (pfn == PFN_NONE && m->no_writeback) {
            memset((uint8_t *)buf + done, 0, chunk);    /* a tmpfs hole: zeros, no page */
            done += chunk;
            continue;
        }
        if (pfn == PFN_NONE)
            return done ? (long)done : err;
        memcpy((uint8_t *)buf + done, (uint8_t *)pfn_to_host(&k->pm, pfn) + off, chunk);
        mark_page_accessed(k, pfn);
        put_page(&k->pgdat, pfn);
        done += chunk;
    }
    return (long)done;
}

/* ---- dirty and writeback ------------------------------------------------ */

void filemap_dirty(struct kernel *k, uint32_t pfn)
{
    struct page *p = pfn_to_page(&k->pm, pfn);
    if (!(p->flags & PG_file) || (p->flags & PG_dirty))
        return;
    p->flags |= PG_dirty;
    ((struct address_space *)p->mapping)->nrdirty++;
    pagecache_event(k, PGCACHE_DIRTY, p->mapping, p->index, pfn);
}

void filemap_clean(struct kernel *k, uint32_t pfn)
{
    struct page *p = pfn_to_page(&k->pm, pfn);
    if (!(p->flags & PG_file) || !(p->flags & PG_dirty))
        return;
    p->flags &= ~(uint32_t)PG_dirty;
    ((struct address_space *)p->mapping)->nrdirty--;
    pagecache_event(k, PGCACHE_WRITEBACK, p->mapping, p->index, pfn);
}

long filemap_write(struct kernel *k, struct address_space *m, int host_fd, const void *buf,
                   size_t n, int64_t pos, int64_t old_size)
{
    size_t done = 0;
    while (done < n) {
        int64_t at = pos + (int64_t)done;
        uint32_t index = (uint32_t)(at >> PAGE_SHIFT), off = (uint32_t)(at & (PAGE_SIZE - 1));
        size_t chunk = PAGE_SIZE - off < n - done ? PAGE_SIZE - off : n - done;
        /* a page wholly past the old end, or wholly overwritten, is not read */
        int whole = off == 0 && chunk == PAGE_SIZE;
        int fd = whole || ((int64_t)index << PAGE_SHIFT) >= old_size ? -1 : host_fd;
        long err = 0;
        uint32_t pfn = filemap_get_page(k, m, index, fd, &err);
        if (pfn == PFN_NONE)
            return done ? (long)done : err;
        memcpy((uint8_t *)pfn_to_host(&k->pm, pfn) + off, (const uint8_t *)buf + done, chunk);
        filemap_dirty(k, pfn);
        mark_page_accessed(k, pfn);
        put_page(&k->pgdat, pfn);
        done += chunk;
    }
    return (long)done;
}

/* The mms a walk of a file's i_mmap visits: every live one (after fork
 * several may map the file); the model has no per-file list of VMAs. */
#define for_each_mm(k, mm) \
    for (struct list_head *l_ = (k)->mms.next; \
         l_ && l_ != &(k)->mms && ((mm) = container_of(l_, struct mm_struct, mmlist)); l_ = l_->next)

static void page_mkclean_one(struct mm_struct *mm, uint32_t pfn)
{
    struct kernel *k = mm->k;
    const struct page *p = pfn_to_page(&k->pm, pfn);
    struct vm_area_struct *v;
    for_each_vma(mm, v) {
        /* a vm_file without its inode yet was never faulted: no PTEs */
        if (!(v->vm_flags & VM_SHARED) || !v->vm_file || !v->vm_file->inode ||
            v->vm_file->inode->i_mapping != p->mapping)
            continue;
        uint32_t pages = (v->vm_end - v->vm_start) >> PAGE_SHIFT;
        if (p->index < v->vm_pgoff || p->index - v->vm_pgoff >= pages)
            continue;
        uint32_t va = v->vm_start + ((p->index - v->vm_pgoff) << PAGE_SHIFT);
        change_protection(mm, va, va + PAGE_SIZE, v->vm_flags);   /* may_write: clean is RO */
    }
}

void page_mkclean(struct mm_struct *mm, uint32_t pfn)
{
    struct mm_struct *each;
    for_each_mm(mm->k, each)
        page_mkclean_one(each, pfn);
}

long filemap_write_back(struct kernel *k, struct mm_struct *mm, struct address_space *m,
                        int host_fd, uint32_t first, uint32_t last, int64_t isize)
{
    long err = 0;
    for (size_t i = slot_of(m, first); i < m->nrpages && m->i_pages[i].index <= last; i++) {
        uint32_t pfn = m->i_pages[i].pfn, index = m->i_pages[i].index;
        if (!(pfn_to_page(&k->pm, pfn)->flags & PG_dirty))
            continue;
        int64_t off = (int64_t)index << PAGE_SHIFT;
        size_t len = isize - off >= PAGE_SIZE ? PAGE_SIZE : isize > off ? (size_t)(isize - off) : 0;
        if (host_fd >= 0 && len &&
            pwrite(host_fd, pfn_to_host(&k->pm, pfn), len, (off_t)off) != (ssize_t)len && !err)
            err = -EIO;
        if (host_fd >= 0 && len)
            count_vm_events(&k->vm_events, PGPGOUT, PAGE_SIZE >> 10);
        filemap_clean(k, pfn);
        if (mm)
            page_mkclean(mm, pfn);
    }
    return err;
}

/* ---- truncation and reclaim --------------------------------------------- */

void truncate_pagecache(struct kernel *k, struct mm_struct *mm, struct inode *i, int64_t size)
{
    uint32_t keep = (uint32_t)((size + PAGE_SIZE - 1) >> PAGE_SHIFT);
    if (mm)
        unmap_mapping_pages(mm, i, keep);
    truncate_inode_pages(k, i->i_mapping, keep);
    uint32_t pfn = size & (PAGE_SIZE - 1) ? filemap_lookup(i->i_mapping, keep - 1) : PFN_NONE;
    if (pfn != PFN_NONE)
        memset((uint8_t *)pfn_to_host(&k->pm, pfn) + (size & (PAGE_SIZE - 1)), 0,
               PAGE_SIZE - (size & (PAGE_SIZE - 1)));
}

static void unmap_mapping_pages_one(struct mm_struct *mm, const struct inode *i, uint32_t from)
{
    struct vm_area_struct *vma;
    for_each_vma(mm, vma) {
        if (!vma->vm_file || vma->vm_file->inode != i)
            continue;
        uint32_t pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
        if (from >= vma->vm_pgoff + pages)
            continue;
        uint32_t start = from > vma->vm_pgoff
                         ? vma->vm_start + ((from - vma->vm_pgoff) << PAGE_SHIFT) : vma->vm_start;
        zap_page_range(mm, start, vma->vm_end, (vma->vm_flags & VM_EXEC) != 0);
    }
}

/* unmap_mapping_range (filemap.h): in every mm, as the i_mmap walk */
void unmap_mapping_pages(struct mm_struct *mm, const struct inode *i, uint32_t from)
{
    struct mm_struct *each;
    for_each_mm(mm->k, each)
        unmap_mapping_pages_one(each, i, from);
}


void truncate_inode_pages(struct kernel *k, struct address_space *m, uint32_t from)
{
    size_t i = slot_of(m, from);
    while (i < m->nrpages) {
        uint32_t pfn = m->i_pages[i].pfn;
        if (pfn_to_page(&k->pm, pfn)->mapcount > 0) {
            i++;                /* still mapped: kept until its PTEs go */
            continue;
        }
        delete_from_page_cache(k, pfn);
    }
}

/* A page the shrinker may drop: only the cache holds it, nothing maps it,
 * and its bytes are the file's (tmpfs pages are the data: never). */
static int reclaimable(const struct page *p)
{
    const struct address_space *m = p->mapping;
    return p->_refcount == 1 && p->mapcount == 0 && !(p->flags & PG_dirty) && !m->no_writeback;
}

/* Free cached inodes no one holds that have no pages left. */
static void prune_icache(struct kernel *k)
{
    struct inode *i = k->inodes;
    while (i) {
        struct inode *next = i->i_next;
        if (i->i_count == 0 && i->i_data.nrpages == 0)
            inode_evict(k, i);
        i = next;
    }
}

unsigned long shrink_page_cache(struct kernel *k, unsigned long want)
{
    unsigned long freed = 0;
    for (int lru = LRU_INACTIVE_FILE; lru < NR_LRU_LISTS && freed < want; lru++) {
        uint32_t pfn = k->lru.tail[lru];
        while (pfn != PFN_NONE && freed < want) {
            struct page *p = pfn_to_page(&k->pm, pfn);
            uint32_t prev = p->prev;
            if (reclaimable(p)) {
                page_cache_remove(k, pfn, PGCACHE_RECLAIM);
                freed++;
            }
            pfn = prev;
        }
    }
    prune_icache(k);
    return freed;
}

unsigned long filemap_reclaim(void *ctx, unsigned order)
{
    unsigned long want = 1ul << order;
    return shrink_page_cache(ctx, want > SWAP_CLUSTER_MAX_PAGES ? want : SWAP_CLUSTER_MAX_PAGES);
}

/* ---- invariants --------------------------------------------------------- */

static int check_mapping(struct kernel *k, const struct address_space *m, char *err, size_t n)
{
    unsigned long dirty = 0;
    for (size_t i = 0; i < m->nrpages; i++) {
        uint32_t pfn = m->i_pages[i].pfn;
        const struct page *p = pfn < k->pm.nr_pages ? pfn_to_page(&k->pm, pfn) : NULL;
        if (i && m->i_pages[i - 1].index >= m->i_pages[i].index)
            return snprintf(err, n, "page cache index not sorted at %zu", i), -1;
        if (!p || !(p->flags & PG_file) || p->mapping != m || p->index != m->i_pages[i].index)
            return snprintf(err, n, "pfn %#x at index %u does not say so", pfn,
                            m->i_pages[i].index), -1;
        if ((p->flags & PG_buddy) || p->_refcount < 1 + (p->mapcount > 0))
            return snprintf(err, n, "cached pfn %#x is free or lacks references", pfn), -1;
        if (!(p->flags & PG_lru))
            return snprintf(err, n, "cached pfn %#x is on no LRU list", pfn), -1;
        dirty += (p->flags & PG_dirty) != 0;
    }
    if (dirty != m->nrdirty)
        return snprintf(err, n, "nrdirty %lu, %lu dirty pages", m->nrdirty, dirty), -1;
    return 0;
}

int filemap_check(struct kernel *k, char *err, size_t errlen)
{
    unsigned long on_lists = 0;
    for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
        unsigned long nr = 0;
        uint32_t prev = PFN_NONE;
        for (uint32_t pfn = k->lru.head[lru]; pfn != PFN_NONE; pfn = pfn_to_page(&k->pm, pfn)->next) {
            const struct page *p = pfn_to_page(&k->pm, pfn);
            if (!(p->flags & PG_lru) || (int)page_lru(p) != lru || p->prev != prev ||
                !(p->flags & PG_file) || filemap_lookup(p->mapping, p->index) != pfn)
                return snprintf(err, errlen, "LRU %d: pfn %#x misplaced", lru, pfn), -1;
            if (++nr > k->pm.nr_pages)
                return snprintf(err, errlen, "LRU %d loops", lru), -1;
            prev = pfn;
        }
        if (nr != k->lru.nr[lru] || prev != k->lru.tail[lru])
            return snprintf(err, errlen, "LRU %d: %lu pages, counted %lu", lru, nr,
                            k->lru.nr[lru]), -1;
        on_lists += nr;
    }
    unsigned long cached = 0;
    for (const struct inode *i = k->inodes; i; i = i->i_next) {
        if (check_mapping(k, &i->i_data, err, errlen))
            return -1;
        cached += i->i_data.nrpages;
    }
    /* pages of mappings outside the inode cache (the program's image) are
     * on the lists too: the lists hold at least the cache's */
    if (cached > on_lists)
        return snprintf(err, errlen, "%lu cached pages, %lu on the LRU", cached, on_lists), -1;
    return 0;
}

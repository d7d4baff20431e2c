/*
 * filemap.h — the page cache (mm/filemap.c, mm/swap.c's LRU, mm/vmscan.c's
 * shrink of clean file pages), internal to kernel-model/.
 *
 * Every cached page of a file is one frame in the file's struct
 * address_space (the inode's i_data), at one page index: the index is a
 * sorted array of (index, pfn), Linux's xarray's job.  The frame's struct
 * page says the same from the other side: PG_file, mapping = the
 * address_space, index = the page index; PG_uptodate once its bytes are
 * the file's, PG_dirty when written and not yet written back, PG_lru with
 * PG_active/PG_referenced for its place on the kernel's two file LRU lists
 * (inactive, active; linked through page->next/prev, which only a free
 * block uses otherwise).  References: the cache holds one (_refcount), each
 * user another (a mapping PTE, a read in progress); mapcount counts the
 * PTEs (set_pte_at/zap_pte).
 *
 * Frames come from buddy with the mapping's gfp (GFP_HIGHUSER_MOVABLE for
 * regular files and tmpfs), purpose `pagecache`.  The readpage of a hostfs
 * file is a pread of the host descriptor the caller has (an open file's, or
 * the vm_file's of a fault); -1 (a replay's placeholder, or tmpfs, which has
 * no backing) fills zeros.
 *
 * Lifetime: pages stay after the last close, as Linux's (the inode stays in
 * the inode cache with them, inode.c).  They go when the file is truncated or
 * removed (tmpfs), when an allocation would fail (shrink_page_cache: clean,
 * unmapped pages from the inactive list's tail, then the active list's,
 * before buddy gives up), and at teardown.
 *
 * Each change is an EV_PAGE_CACHE event (the trace's page_cache table):
 * add, delete, reclaim (a delete by the shrinker), dirty, writeback.
 */
#ifndef MEMSIM_FILEMAP_H
#define MEMSIM_FILEMAP_H

#include <stddef.h>
#include <stdint.h>
#include "common/event.h"
#include "kernel-model/page_alloc.h"

struct kernel;
struct inode;
struct mm_struct;

struct pagecache_slot {
    uint32_t index, pfn;
};

/* The page cache of an inode (Linux's struct address_space). */
struct address_space {
    struct inode *host;         /* the owner */
    unsigned long nrpages;      /* pages cached: entries of i_pages */
    struct pagecache_slot *i_pages;   /* sorted by index */
    size_t cap;
    gfp_t gfp_mask;             /* for new pages (mapping_gfp_mask) */
    int no_writeback;           /* tmpfs: the pages are the data (shmem) */
    unsigned long nrdirty;      /* PG_dirty pages */
};

/* The kernel's file LRU lists (one node, one memcg): pfn heads, PFN_NONE
 * when empty; pages enter at the head, the shrinker takes the tail. */
enum lru_list { LRU_INACTIVE_FILE, LRU_ACTIVE_FILE, NR_LRU_LISTS };
struct lruvec {
    uint32_t head[NR_LRU_LISTS], tail[NR_LRU_LISTS];
    unsigned long nr[NR_LRU_LISTS];
};
void lruvec_init(struct lruvec *l);

void mapping_init(struct address_space *m, struct inode *host, gfp_t gfp);

/* The frame at index, or PFN_NONE; no reference taken (filemap_lookup) or
 * one for the caller (find_get_page). */
uint32_t filemap_lookup(const struct address_space *m, uint32_t index);
uint32_t find_get_page(struct kernel *k, struct address_space *m, uint32_t index);
/* Insert the caller's frame at index and put it on the inactive LRU (the
 * cache takes its own reference): 0, -EEXIST, or -ENOMEM. */
int  add_to_page_cache_lru(struct kernel *k, struct address_space *m, uint32_t pfn,
                           uint32_t index);
/* Take a cached frame out of its file (its mapping, its LRU, the cache's
 * reference): a truncate or unlink (EV op "delete"). */
void delete_from_page_cache(struct kernel *k, uint32_t pfn);

/* The page at index with a reference for the caller: cached, or a new frame
 * read from host_fd (pread at index << PAGE_SHIFT, zeros past what the host
 * gives; host_fd -1: zeros) and added.  PFN_NONE: no memory, or the read
 * failed (*err -EIO / -ENOMEM). */
uint32_t filemap_get_page(struct kernel *k, struct address_space *m, uint32_t index,
                          int host_fd, long *err);
/* Copy [pos, pos + n) of a file of size isize into buf through the cache
 * (filemap_read): bytes copied (0 at or past EOF), or -errno before any. */
long filemap_read(struct kernel *k, struct address_space *m, int host_fd, void *buf,
                  size_t n, int64_t pos, int64_t isize);
/* A read or a mapping fault used the page (folio_mark_accessed): referenced
 * once, activated on the second use. */
void mark_page_accessed(struct kernel *k, uint32_t pfn);
/* set_page_dirty and the writeback that cleans it (EV ops dirty, writeback). */
void filemap_dirty(struct kernel *k, uint32_t pfn);
void filemap_clean(struct kernel *k, uint32_t pfn);
/* Copy buf into [pos, pos + n) of a file whose host size was old_size,
 * through the cache: each page dirtied (a partial page inside the old size
 * is read first; the others start as zeros).  Bytes copied, or -errno
 * before any (--writable-root, hostfs_write.c). */
long filemap_write(struct kernel *k, struct address_space *m, int host_fd, const void *buf,
                   size_t n, int64_t pos, int64_t old_size);
/* Write-back of the dirty pages with index in [first, last]: each one's
 * bytes up to isize pwritten to host_fd (-1: none, a replay), the page
 * cleaned ("writeback" event) and, in mm, its shared PTEs write-protected
 * (page_mkclean: the next store faults and dirties it again).  0, or -EIO
 * when a pwrite failed (every page is cleaned anyway). */
long filemap_write_back(struct kernel *k, struct mm_struct *mm, struct address_space *m,
                        int host_fd, uint32_t first, uint32_t last, int64_t isize);
/* Write-protect the shared mappings of the (clean) cache page pfn in every
 * live mm (mm->k->mms: the file's i_mmap walk, fork's children too). */
void page_mkclean(struct mm_struct *mm, uint32_t pfn);
/* unmap_mapping_range(mapping, from, 0, even_cows) of inode i in every
 * live mm (mm->k->mms, as the i_mmap walk; mm names the kernel) (a
 * shrinking truncate: tmpfs, --writable-root files): every PTE of a file
 * page from `from` on goes, private COW copies too, so a later touch
 * faults past EOF (SIGBUS). */
void unmap_mapping_pages(struct mm_struct *mm, const struct inode *i, uint32_t from);
/* truncate_pagecache: the file of inode i shrank to size bytes: the PTEs
 * past the new end go in every mm (none when mm is NULL), the pages past it are dropped
 * (mapped ones stay until their PTEs go) and the last page's tail zeroed,
 * so a later extension reads zeros (tmpfs, --writable-root files). */
void truncate_pagecache(struct kernel *k, struct mm_struct *mm, struct inode *i, int64_t size);
/* Drop every page at or past index `from` that no PTE maps (truncate,
 * unlink, an inode's end): "delete" events; teardown passes events 0. */
void truncate_inode_pages(struct kernel *k, struct address_space *m, uint32_t from);
/* Free clean, unmapped, unused cache pages, oldest first, until `want`
 * frames are free (or none is left): "reclaim" events; then free unused
 * inodes with no pages.  Returns the frames freed. */
unsigned long shrink_page_cache(struct kernel *k, unsigned long want);
/* The page_reclaim hook alloc_pages calls before it fails (page_alloc.h). */
unsigned long filemap_reclaim(void *k, unsigned order);

/* The trace's event of a page-cache change of page pfn (op: enum
 * pagecache_op); dev and ino are the host's identity of the file. */
void pagecache_event(struct kernel *k, enum pagecache_op op, const struct address_space *m,
                     uint32_t index, uint32_t pfn);

/* Invariants (tests, fuzzers): every slot's page says PG_file, this mapping
 * and this index; the index sorted; nrpages and nrdirty match; every page on
 * the LRU lists once, in the cache, with its list's flags; no cached frame
 * free.  0, or -1 with a reason in err. */
int  filemap_check(struct kernel *k, char *err, size_t errlen);

#endif

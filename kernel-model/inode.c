/*
 * inode.c — the inode cache: one struct inode per host (st_dev, st_ino),
 * shared by every open of the same object and every vm_file mapping it.
 *
 * An inode's page cache (i_data) is where its file's pages live
 * (filemap.h).  As in Linux, the last iput does not free a cached inode
 * that still has pages: it stays, unused (i_count 0), so a file read again
 * later finds its pages; the shrinker frees it once its pages are reclaimed
 * (filemap.c prune_icache), teardown frees the rest.  An inode without
 * pages goes at its last iput (Linux would keep it on the unused list too;
 * nothing here would see the difference but its slab object).
 *
 * A list, as vm_file's table: a guest opens a few dozen distinct files.
 */
#include <stdlib.h>
#include <unistd.h>
#include "kernel-model/mm.h"
#include "kernel-model/shmem.h"
#include "kernel-model/vfs.h"

void inode_set_attr(struct inode *inode, const struct stat *st)
{
    inode->i_mode = st->st_mode;
    inode->i_size = st->st_size;
    inode->i_rdev = st->st_rdev;
}

struct inode *new_inode(uint32_t mode)
{
    struct inode *i = calloc(1, sizeof *i);
    if (!i)
        return NULL;
    i->i_count = 1;
    i->i_wb_fd = -1;
    i->i_mode = mode;
    mapping_init(&i->i_data, i, GFP_HIGHUSER_MOVABLE);
    i->i_mapping = &i->i_data;
    return i;
}

static struct inode *icache_find(struct kernel *k, uint64_t dev, uint64_t ino)
{
    for (struct inode *i = k->inodes; i; i = i->i_next)
        if (i->i_dev == dev && i->i_ino == ino)
            return i;
    return NULL;
}

static struct inode *icache_insert(struct kernel *k, uint64_t dev, uint64_t ino, uint32_t mode)
{
    struct inode *i = new_inode(mode);
    if (!i)
        return NULL;
    i->i_dev = dev;
    i->i_ino = ino;
    i->i_k = k;
    i->i_next = k->inodes;
    i->i_pprev = &k->inodes;
    if (k->inodes)
        k->inodes->i_pprev = &i->i_next;
    k->inodes = i;
    return i;
}

/* The inode's slab object (alloc_inode: the file system's cache). */
void inode_alloc_object(struct kernel *k, struct inode *i, struct kmem_cache *c)
{
    if (c && (i->i_kaddr = kmem_cache_alloc(&k->slab, c)))
        i->i_cache = c;
}

struct inode *iget_host(struct kernel *k, const struct stat *st)
{
    if (!k->pm.mem_map) {
        /* before boot (the inherited stdio, made with the task): an inode
         * of its own, in no cache (kernel_boot starts the cache empty) */
        struct inode *i = new_inode((uint32_t)st->st_mode);
        if (i) {
            i->i_dev = (uint64_t)st->st_dev;
            i->i_ino = (uint64_t)st->st_ino;
            inode_set_attr(i, st);
        }
        return i;
    }
    struct inode *i = icache_find(k, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
    if (i) {
        inode_set_attr(i, st);
        return ihold(i);
    }
    if (!(i = icache_insert(k, (uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint32_t)st->st_mode)))
        return NULL;
    inode_set_attr(i, st);
    inode_alloc_object(k, i, k->slab.inode_cachep);     /* the root's inodes: inode_cache */
    return i;
}

struct inode *iget_ident(struct kernel *k, uint64_t dev, uint64_t ino)
{
    struct inode *i = icache_find(k, dev, ino);
    if (i)
        return ihold(i);
    if ((i = icache_insert(k, dev, ino, S_IFREG | 0444)) && shmem_dev(dev)) {
        /* a replay's stand-in for a tmpfs file (its page-cache rows name
         * the mount's device): its pages are the data, never reclaimed, as
         * the recording's; linked until a redone unlink drops its pages */
        i->i_data.no_writeback = 1;
        i->i_nlink = 1;
    }
    return i;
}

struct inode *ihold(struct inode *inode)
{
    inode->i_count++;
    return inode;
}

void inode_evict(struct kernel *k, struct inode *inode)
{
    if (inode->i_pprev) {               /* in the inode cache */
        *inode->i_pprev = inode->i_next;
        if (inode->i_next)
            inode->i_next->i_pprev = inode->i_pprev;
    }
    if (k && inode->i_data.nrpages)
        truncate_inode_pages(k, &inode->i_data, 0);
    if (k && inode->i_kaddr)
        kmem_cache_free(&k->slab, inode->i_cache, inode->i_kaddr);
    if (inode->i_wb_fd >= 0)
        close(inode->i_wb_fd);          /* its dirty pages went at the task's death */
    free(inode->i_data.i_pages);
    free(inode->i_link);
    free(inode);
}

void iput(struct inode *inode)
{
    if (!inode || --inode->i_count > 0)
        return;
    if (inode->i_pprev && inode->i_data.nrpages &&
        !(inode->i_data.no_writeback && inode->i_nlink == 0))
        return;                         /* unused, kept with its pages (not an unlinked tmpfs file) */
    inode_evict(inode->i_k, inode);
}

void inode_cache_destroy(struct kernel *k)
{
    while (k->inodes)
        inode_evict(k, k->inodes);
}

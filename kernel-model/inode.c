/*
 * inode.c — the inode cache: one struct inode per host (st_dev, st_ino),
 * shared by every open of the same object, freed with its last file.
 *
 * The mmap object stays struct vm_file (mm.h), which the VMAs hold: a
 * mapping outlives every open file of its inode (mmap, close, keep using
 * the pages), and a vm_file keeps a host descriptor of its own for pread.
 * The inode holds a reference to its vm_file (i_vmf), made at the first
 * mmap, so every mapping through any open file of it shares one; when the
 * page cache makes inode->i_data the pages' home, VMAs can hold the inode
 * (or a struct file) instead and vm_file goes.
 *
 * A list, as vm_file's table: a guest opens a few dozen distinct files.
 */
#include <stdlib.h>
#include "kernel-model/mm.h"
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
    i->i_mode = mode;
    i->i_data.host = i;
    i->i_mapping = &i->i_data;
    return i;
}

struct inode *iget_host(struct kernel *k, const struct stat *st)
{
    for (struct inode *i = k->inodes; i; i = i->i_next) {
        if (i->i_dev == (uint64_t)st->st_dev && i->i_ino == (uint64_t)st->st_ino) {
            inode_set_attr(i, st);
            return ihold(i);
        }
    }
    struct inode *i = new_inode((uint32_t)st->st_mode);
    if (!i)
        return NULL;
    i->i_dev = (uint64_t)st->st_dev;
    i->i_ino = (uint64_t)st->st_ino;
    inode_set_attr(i, st);
    i->i_next = k->inodes;
    i->i_pprev = &k->inodes;
    if (k->inodes)
        k->inodes->i_pprev = &i->i_next;
    k->inodes = i;
    return i;
}

struct inode *ihold(struct inode *inode)
{
    inode->i_count++;
    return inode;
}

void iput(struct inode *inode)
{
    if (!inode || --inode->i_count > 0)
        return;
    if (inode->i_pprev) {               /* in the host inode cache */
        *inode->i_pprev = inode->i_next;
        if (inode->i_next)
            inode->i_next->i_pprev = inode->i_pprev;
    }
    vm_file_put(inode->i_vmf);
    free(inode);
}

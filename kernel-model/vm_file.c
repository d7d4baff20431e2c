/*
 * vm_file.c — one vm_file per host file, shared by every mapping of it.
 *
 * Linux's VMAs hold a struct file, not a descriptor: a program may open a
 * file, mmap it and close the descriptor thousands of times under a small
 * RLIMIT_NOFILE.  The model's vm_file holds a host descriptor, so giving
 * each mapping its own would spend one host descriptor per mapping and hit
 * memsim's own limit.  The table finds the vm_file of a file by its host
 * identity (st_dev, st_ino): a private mapping reads pages with pread, so
 * any readable descriptor of the file serves every mapping of it (so a
 * write-only one makes none: vm_file_get refuses it).
 *
 * The table is a list: a guest maps a few dozen distinct files, and a
 * lookup is one fstat plus a walk, off the hot path (mmap only).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "kernel-model/vfs.h"
#include "kernel-model/vma.h"

void vm_file_unhash(struct vm_file *f)
{
    if (!f->pprev)
        return;
    *f->pprev = f->next;
    if (f->next)
        f->next->pprev = f->pprev;
    f->next = NULL;
    f->pprev = NULL;
}

struct vm_file *vm_file_get(struct vm_file_table *t, int fd, const char *path)
{
    /* Only a descriptor open for reading makes a vm_file: the table shares
     * it with every later mapping of the same file, and each reads its
     * pages through it.  (do_mmap refuses a non-readable file first, as
     * Linux does, so this only guards the invariant.) */
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return NULL;
    if ((fl & O_PATH) || (fl & O_ACCMODE) == O_WRONLY) {
        errno = EACCES;
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st))
        return NULL;
    for (struct vm_file *f = t->head; f; f = f->next) {
        if (f->dev == (uint64_t)st.st_dev && f->ino == (uint64_t)st.st_ino) {
            f->refs++;
            return f;
        }
    }
    struct vm_file *f = vm_file_open(fd, path);
    if (!f) {
        errno = errno ? errno : ENOMEM;
        return NULL;
    }
    f->image = 0;                       /* an open file's: the inode cache's pages */
    f->dev = (uint64_t)st.st_dev;
    f->ino = (uint64_t)st.st_ino;
    f->next = t->head;
    f->pprev = &t->head;
    if (t->head)
        t->head->pprev = &f->next;
    t->head = f;
    return f;
}

struct address_space *vm_file_mapping(struct kernel *k, struct vm_file *f)
{
    if (!f->inode) {
        if (!f->image) {
            f->inode = iget_ident(k, f->dev, f->ino);
            /* a replay's stand-in for a tmpfs file (no_writeback: past_eof
             * reads the inode's size) is as big as the file was at the
             * recorded mmap; tmpfs's own vm_files come with their inode */
            if (f->inode && f->inode->i_data.no_writeback && f->inode->i_size < (int64_t)f->size)
                f->inode->i_size = (int64_t)f->size;
        } else if ((f->inode = new_inode(S_IFREG | 0444))) {
            f->inode->i_k = k;          /* in no cache: its pages go with f */
        }
    }
    return f->inode ? f->inode->i_mapping : NULL;
}

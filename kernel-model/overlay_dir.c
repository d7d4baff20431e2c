/*
 * overlay_dir.c — a merged directory of the overlay (ovl_dir_read_merged,
 * in the model): the host directory's names less the ones the upper layer
 * whites out or replaces, then the upper names.  The listing is made at
 * open (a snapshot, as overlayfs caches it per open directory) and read
 * with getdents; its offsets are entry indexes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kernel-model/namei.h"
#include "kernel-model/overlay.h"
#include "kernel-model/shmem_priv.h"

struct ovl_dirent { char *name; uint64_t ino; unsigned type; };

struct ovl_dir {
    struct stat st;                 /* the directory's (upper's, or the host's) */
    struct ovl_dirent *e;
    uint32_t n, cap, pos;
};

static int dir_add(struct ovl_dir *od, const char *name, uint64_t ino, unsigned type)
{
    if (od->n == od->cap) {
        uint32_t cap = od->cap ? od->cap * 2 : 16;
        struct ovl_dirent *e = realloc(od->e, cap * sizeof *e);
        if (!e)
            return -1;
        od->e = e, od->cap = cap;
    }
    if (!(od->e[od->n].name = strdup(name)))
        return -1;
    od->e[od->n].ino = ino, od->e[od->n].type = type;
    od->n++;
    return 0;
}

static void dir_free(struct ovl_dir *od)
{
    for (uint32_t i = 0; i < od->n; i++)
        free(od->e[i].name);
    free(od->e);
    free(od);
}

/* The merged listing of p (a host directory in p->fd, its upper entry
 * p->d or none).  NULL and *err. */
static struct ovl_dir *dir_merge(const struct nd_path *p, long *err)
{
    struct ovl_dir *od = calloc(1, sizeof *od);
    int fd = od ? openat(p->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    *err = od ? -errno : -ENOMEM;
    DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dp) {
        *err = fd >= 0 ? -errno : *err;
        if (fd >= 0)
            close(fd);
        free(od);
        return NULL;
    }
    od->st = p->st;
    const struct shmem_dentry *d = p->d;
    int bad = 0;
    for (struct dirent *de; !bad && (de = readdir(dp));) {
        const struct shmem_dentry *u =
            d ? shmem_d_lookup((struct shmem_dentry *)d, de->d_name, strlen(de->d_name)) : NULL;
        if (!u || (!u->inode && !u->whiteout))
            bad = dir_add(od, de->d_name, de->d_ino, de->d_type);
    }
    closedir(dp);
    for (const struct shmem_dentry *c = d ? d->child : NULL; c && !bad; c = c->next)
        if (c->inode)
            bad = dir_add(od, c->name, c->inode->i_ino, (c->inode->i_mode & S_IFMT) >> 12);
    if (bad) {
        dir_free(od);
        *err = -ENOMEM;
        return NULL;
    }
    return od;
}

static long ovl_dir_getdents(struct file *f, struct mm_struct *mm, uint32_t ubuf, uint32_t len,
                             int old)
{
    struct ovl_dir *od = f->private_data;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return -ENOMEM;
    uint32_t out = 0;
    for (; od->pos < od->n; od->pos++) {
        const struct ovl_dirent *e = &od->e[od->pos];
        uint32_t rec = shmem_put_dirent(NULL, old, e->name, e->ino, 0, e->type);
        if (out + rec > len)
            break;
        out += shmem_put_dirent(buf + out, old, e->name, e->ino, od->pos + 1, e->type);
    }
    long r = !out && od->pos < od->n ? -EINVAL
           : out && copy_to_user(mm, ubuf, buf, out) ? -EFAULT : (long)out;
    free(buf);
    return r;
}

static long ovl_dir_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    struct ovl_dir *od = f->private_data;
    if (whence != SEEK_SET || off < 0)
        return whence == SEEK_CUR && !off ? (*res = od->pos, 0) : -EINVAL;
    od->pos = off > od->n ? od->n : (uint32_t)off;
    f->f_pos = *res = od->pos;
    return 0;
}

static long ovl_dir_getattr(struct file *f, struct stat *st)
{
    *st = ((struct ovl_dir *)f->private_data)->st;
    return 0;
}

static void ovl_dir_release(struct file *f)
{
    dir_free(f->private_data);
}

static const struct file_operations ovl_dir_ops = {
    .kind = FILE_SHMEM, .getdents = ovl_dir_getdents, .llseek = ovl_dir_llseek,
    .getattr = ovl_dir_getattr, .release = ovl_dir_release,
};

long ovl_open_merged_dir(struct task_struct *t, struct nd_path *p, uint32_t flags,
                         struct file **out)
{
    (void)t;
    if ((flags & G_O_ACCMODE) || (flags & G_O_TRUNC))
        return -EISDIR;
    long err;
    struct ovl_dir *od = dir_merge(p, &err);
    if (!od)
        return err;
    struct inode *i = new_inode(od->st.st_mode);
    struct file *f = i ? alloc_file(&ovl_dir_ops, i, flags & ~(uint32_t)(G_O_CREAT | G_O_CLOEXEC),
                                    p->gpath, od) : NULL;
    if (!f) {
        if (i)
            iput(i);
        dir_free(od);
        return -ENOMEM;
    }
    f->f_mode = FMODE_READ_;
    *out = f;
    return 0;
}

long ovl_dir_empty(struct task_struct *t, struct nd_path *p)
{
    (void)t;
    long err;
    struct ovl_dir *od = dir_merge(p, &err);
    if (!od)
        return err;
    int empty = 1;
    for (uint32_t i = 0; i < od->n; i++)
        if (strcmp(od->e[i].name, ".") && strcmp(od->e[i].name, ".."))
            empty = 0;
    dir_free(od);
    return empty;
}

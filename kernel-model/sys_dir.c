/*
 * sys_dir.c — reading directories: getdents64, getdents and lseek on a directory.
 *
 * A directory offset (d_off, telldir) is a cookie the file system hands
 * out.  ext4 gives a 64-bit hash to a 64-bit caller and a 32-bit one to a
 * 32-bit caller (is_32bit_api(), FMODE_32BITHASH); memsim's host calls are
 * 64-bit, and an i386 glibc readdir refuses a d_off that does not fit in 32
 * bits with EOVERFLOW.  So the guest gets its own cookies, as a kernel
 * gives its own to a 32-bit task: the n-th entry's d_off is n + 1, and the
 * directory remembers the host cookie behind each one to seek back to it.
 * linux_dirent64 has the same layout on i386 and x86-64; only d_off changes.
 *
 * The state is the private part of the directory's struct file
 * (hostfs_dir_ops, hostfs.c), so every dup of the descriptor shares it, as
 * it shares the file and the host descriptor behind it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kernel-model/fs.h"

#define DIRENT_CHUNK (64u << 10)
#define MAX_DIR_ENTRIES 0x7fffffffu      /* guest offsets stay positive int32 */

struct guest_dir {
    char *gpath;            /* the directory's canonical guest path (namei.c) */
    uint32_t pos;           /* entries handed to the guest before the position */
    uint32_t nr, cap;       /* host cookies known */
    int64_t *cookie;        /* cookie[i]: the host offset just after entry i */
};

struct __attribute__((packed)) dirent64_hdr {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
};

struct guest_dir *guest_dir_new(const char *gpath)
{
    struct guest_dir *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    if (gpath && !(d->gpath = strdup(gpath))) {
        free(d);
        return NULL;
    }
    return d;
}

void guest_dir_free(struct guest_dir *d)
{
    if (!d)
        return;
    free(d->gpath);
    free(d->cookie);
    free(d);
}

const char *guest_dir_path(const struct guest_dir *d)
{
    return d->gpath;
}

/* The host offset where guest position pos starts. */
static int64_t host_offset(const struct guest_dir *d, uint32_t pos)
{
    return pos ? d->cookie[pos - 1] : 0;
}

static int remember(struct guest_dir *d, uint32_t idx, int64_t cookie)
{
    if (idx < d->nr) {
        d->cookie[idx] = cookie;
        return 0;
    }
    if (d->nr == d->cap) {
        uint32_t cap = d->cap ? d->cap * 2 : 64;
        int64_t *c = cap > d->cap ? realloc(d->cookie, cap * sizeof *c) : NULL;
        if (!c)
            return -1;
        d->cookie = c;
        d->cap = cap;
    }
    d->cookie[d->nr++] = cookie;
    return 0;
}

/* The number of records in a getdents64 buffer. */
static long renumber_count(const uint8_t *buf, size_t len)
{
    long k = 0;
    for (size_t off = 0; off + sizeof(struct dirent64_hdr) <= len; k++) {
        struct dirent64_hdr h;
        memcpy(&h, buf + off, sizeof h);
        if (!h.d_reclen)
            break;
        off += h.d_reclen;
    }
    return k;
}

/* Rewrite each record's d_off to the guest's cookie; the number of
 * records, or -EOVERFLOW past the guest's offsets, -ENOMEM. */
static long renumber(struct guest_dir *d, uint8_t *buf, size_t len)
{
    uint32_t idx = d->pos;
    for (size_t off = 0; off + sizeof(struct dirent64_hdr) <= len;) {
        struct dirent64_hdr h;
        memcpy(&h, buf + off, sizeof h);
        if (!h.d_reclen || idx >= MAX_DIR_ENTRIES)
            return -EOVERFLOW;
        if (remember(d, idx, h.d_off))
            return -ENOMEM;
        h.d_off = (int64_t)idx + 1;
        memcpy(buf + off, &h, sizeof h);
        off += h.d_reclen;
        idx++;
    }
    return (long)(idx - d->pos);
}

/*
 * getdents (141): struct linux_dirent, the i386 one with 32-bit d_ino and
 * d_off and d_type in the record's last byte (fs/readdir.c filldir).  An
 * inode that does not fit is EOVERFLOW, as filldir's check: entries before
 * it are returned, and the position stays at it.  Each old record is no
 * longer than the linux_dirent64 it comes from, so len bytes of those fit.
 * The number of entries converted; *out_len the bytes.
 */
static uint32_t to_old_dirents(const uint8_t *in, size_t len, uint8_t *out, uint32_t *out_len)
{
    uint32_t k = 0, o = 0;
    for (size_t off = 0; off + sizeof(struct dirent64_hdr) < len; k++) {
        struct dirent64_hdr h;
        memcpy(&h, in + off, sizeof h);
        if (h.d_ino > UINT32_MAX)
            break;
        const char *name = (const char *)in + off + sizeof h + 1;   /* after d_type */
        size_t nlen = strnlen(name, h.d_reclen - sizeof h - 1);
        uint32_t reclen = (uint32_t)((10 + nlen + 2 + 3) & ~(size_t)3);
        uint32_t ino = (uint32_t)h.d_ino, doff = (uint32_t)h.d_off;
        uint16_t rl = (uint16_t)reclen;
        memset(out + o, 0, reclen);
        memcpy(out + o, &ino, 4);
        memcpy(out + o + 4, &doff, 4);
        memcpy(out + o + 8, &rl, 2);
        memcpy(out + o + 10, name, nlen);
        out[o + reclen - 1] = in[off + sizeof h];                  /* d_type */
        o += reclen;
        off += h.d_reclen;
    }
    *out_len = o;
    return k;
}

long hostfs_getdents(struct file *f, struct mm_struct *mm, uint32_t ubuf, uint32_t count, int old)
{
    struct guest_dir *d = host_file_dir(f);
    int hfd = file_host_fd(f);
    uint32_t len = count < DIRENT_CHUNK ? count : DIRENT_CHUNK;
    uint8_t *buf = malloc(len ? len : 1), *obuf = old ? malloc(len ? len : 1) : NULL;
    if (!buf || (old && !obuf)) {
        free(buf);
        return -ENOMEM;
    }
    long n = syscall(SYS_getdents64, hfd, buf, len);
    long r = n < 0 ? -errno : n;
    long k = n > 0 ? renumber(d, buf, (size_t)n) : 0;
    uint8_t *out = buf;
    if (k < 0)
        r = k;
    else if (old && n > 0) {
        uint32_t olen;
        uint32_t done = to_old_dirents(buf, (size_t)n, obuf, &olen);
        r = done ? (long)olen : -EOVERFLOW;
        k = done;
        out = obuf;
    }
    if (r > 0 && copy_to_user(mm, ubuf, out, (uint32_t)r))
        r = -EFAULT;
    if (n > 0 && r > 0)
        d->pos += (uint32_t)k;
    f->f_pos = d->pos;
    /* on an error nothing was read; a short conversion stops at the
     * entry that did not fit: the host goes back to the guest's position */
    if (n > 0 && (r <= 0 || (old && k < renumber_count(buf, (size_t)n))))
        lseek(hfd, host_offset(d, d->pos), SEEK_SET);
    free(buf);
    free(obuf);
    return r;
}

static long getdents_common(struct task_struct *t, uint32_t fd, uint32_t dirent, uint32_t count, int old)
{
    struct file *f = fdget(t->files, fd);
    if (!f)
        return -EBADF;
    if (!f->f_op->getdents)
        return -ENOTDIR;            /* not a directory the guest opened */
    return f->f_op->getdents(f, t->mm, dirent, count, old);
}

SYSCALL_DEFINE3(getdents64, uint32_t, fd, uint32_t, dirent, uint32_t, count) { return getdents_common(t, fd, dirent, count, 0); }
SYSCALL_DEFINE3(getdents, uint32_t, fd, uint32_t, dirent, uint32_t, count) { return getdents_common(t, fd, dirent, count, 1); }

/* lseek on a directory: only offsets getdents64 handed out (or 0); f_pos
 * is the guest's entry index. */
long hostfs_dir_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    struct guest_dir *d = host_file_dir(f);
    int hfd = file_host_fd(f);
    if (whence == SEEK_CUR)
        off += d->pos;
    else if (whence != SEEK_SET)
        return -EINVAL;
    if (off < 0 || (uint64_t)off > d->nr)
        return -EINVAL;             /* an offset getdents64 never handed out */
    if (lseek(hfd, host_offset(d, (uint32_t)off), SEEK_SET) < 0)
        return -errno;
    d->pos = (uint32_t)off;
    f->f_pos = *res = off;
    return 0;
}

/*
 * procfs_file.c — an open /proc file or directory (procfs_priv.h): read,
 * write (refused as Linux's), lseek and fstat over the text rendered at
 * open (seq_file), and a directory's getdents over the entries listed at
 * open.  Opening: procfs.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/procfs_priv.h"



static long proc_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    struct proc_file *p = proc_private(f);
    if (!(f->f_mode & FMODE_READ_))
        return -EBADF;
    if (*pos < 0 || (uint64_t)*pos >= p->m.count)
        return 0;
    size_t left = p->m.count - (size_t)*pos;
    size_t k = n < left ? n : left;
    memcpy(buf, p->m.buf + *pos, k);
    *pos += (int64_t)k;
    return (long)k;
}

static long proc_write(struct file *f, const void *buf, size_t n, int64_t *pos)
{
    (void)buf; (void)n; (void)pos;
    if (!(f->f_mode & FMODE_WRITE_))
        return -EBADF;
    return proc_private(f)->node.per_pid ? -EINVAL : -EIO;
}

/* seq_lseek: SEEK_SET and SEEK_CUR to any offset >= 0 (past the end
 * reads 0 bytes); SEEK_END is EINVAL. */
static long proc_llseek(struct file *f, int64_t off, int whence, int64_t *res)
{
    if (whence == SEEK_CUR)
        off += f->f_pos;
    else if (whence != SEEK_SET)
        return -EINVAL;
    if (off < 0)
        return -EINVAL;
    f->f_pos = *res = off;
    return 0;
}


static uint64_t node_ino(const struct proc_file *p)
{
    const struct proc_node *n = &p->node;
    uint64_t base = n->kind == PROC_ROOT ? 1 : 4026531840ull + p->pid * 64ull;
    if (n->kind == PROC_SYSVIPC_DIR)
        return 4026531000ull + nr_proc_root_entries;     /* past the machine's files */
    if (n->kind == PROC_FILE && !n->per_pid)
        return 4026531000ull + (uint64_t)(n->entry - proc_root_entries);
    if (n->kind == PROC_FILE)
        return base + 2 + (uint64_t)(n->entry - proc_pid_entries);
    return base + (n->kind == PROC_FD_DIR);
}

void node_stat(const struct proc_file *p, uint32_t mode, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = PROC_DEV;
    st->st_ino = node_ino(p);
    st->st_mode = mode;
    st->st_nlink = S_ISDIR(mode) ? 2 : 1;
    st->st_uid = getuid();
    st->st_gid = getgid();
    st->st_blksize = 1024;
}

static long proc_getattr(struct file *f, struct stat *st)
{
    node_stat(proc_private(f), f->f_inode->i_mode, st);
    return 0;
}

static void proc_release(struct file *f)
{
    struct proc_file *p = proc_private(f);
    free(p->m.buf);
    free(p);
}

/* ---- directories -------------------------------------------------------- */

#define DT_DIR_ 4
#define DT_REG_ 8
#define DT_LNK_ 10

static void dir_add(struct proc_file *p, unsigned char type, const char *name)
{
    seq_printf(&p->m, "%c%s\n", 'a' + type, name);    /* DT_LNK is '\n' itself */
    p->nr_entries++;
}

/* A directory's entries as they are at open (proc_root_readdir: the
 * machine's files, then self, then the pids; proc_pident_readdir). */
void dir_render(struct task_struct *t, struct proc_file *p)
{
    dir_add(p, DT_DIR_, ".");
    dir_add(p, DT_DIR_, "..");
    char num[16];
    struct task_struct *o;
    switch (p->node.kind) {
    case PROC_ROOT:
        for (size_t i = 0; i < nr_proc_root_entries; i++)
            if (!strchr(proc_root_entries[i].name, '/'))
                dir_add(p, DT_REG_, proc_root_entries[i].name);
        dir_add(p, DT_DIR_, "sysvipc");
        dir_add(p, DT_LNK_, "self");
        for_each_task(t->k, o)          /* every process, zombies too, in pid order */
            if (o->group_leader == o) {
                snprintf(num, sizeof num, "%u", o->tgid);
                dir_add(p, DT_DIR_, num);
            }
        break;
    case PROC_PID_DIR:
        for (size_t i = 0; i < nr_proc_pid_entries; i++)
            dir_add(p, DT_REG_, proc_pid_entries[i].name);
        for (size_t i = 0; i < nr_proc_pid_links; i++)
            dir_add(p, DT_LNK_, proc_pid_links[i]);
        dir_add(p, DT_DIR_, "fd");
        break;
    case PROC_SYSVIPC_DIR:
        for (size_t i = 0; i < nr_proc_root_entries; i++)
            if (!strncmp(proc_root_entries[i].name, "sysvipc/", 8))
                dir_add(p, DT_REG_, proc_root_entries[i].name + 8);
        break;
    default:                            /* PROC_FD_DIR */
        for (uint32_t fd = 0; t->files && fd < NR_OPEN_MAX; fd++)
            if (t->files->fd[fd]) {
                snprintf(num, sizeof num, "%u", fd);
                dir_add(p, DT_LNK_, num);
            }
        break;
    }
}

/* The i-th entry rendered by dir_render, or NULL; *len its name's length. */
static const char *dir_entry(const struct proc_file *p, uint32_t i, size_t *len)
{
    const char *s = p->m.buf, *end = p->m.buf + p->m.count;
    for (; s < end && i; i--)
        s = memchr(s, '\n', (size_t)(end - s)) + 1;
    if (s >= end)
        return NULL;
    *len = (size_t)((const char *)memchr(s, '\n', (size_t)(end - s)) - s);
    return s;
}

/* One record, linux_dirent64 or the i386 linux_dirent (fs/readdir.c):
 * its length, or 0 when it does not fit in room. */
static size_t put_dirent(uint8_t *out, size_t room, uint64_t ino, uint32_t off,
                         const char *name, size_t nlen, unsigned char type, int old)
{
    size_t reclen = old ? (10 + nlen + 2 + 3) & ~(size_t)3 : (19 + nlen + 1 + 7) & ~(size_t)7;
    if (reclen > room)
        return 0;
    memset(out, 0, reclen);
    uint16_t rl = (uint16_t)reclen;
    if (old) {
        uint32_t i32 = (uint32_t)ino;
        memcpy(out, &i32, 4);
        memcpy(out + 4, &off, 4);
        memcpy(out + 8, &rl, 2);
        memcpy(out + 10, name, nlen);
        out[reclen - 1] = type;
    } else {
        int64_t off64 = off;
        memcpy(out, &ino, 8);
        memcpy(out + 8, &off64, 8);
        memcpy(out + 16, &rl, 2);
        out[18] = type;
        memcpy(out + 19, name, nlen);
    }
    return reclen;
}

/* getdents: the entries from f_pos (an entry index) on, as many as fit;
 * EINVAL when not even one does (filldir's "result buffer too small"). */
static long proc_getdents(struct file *f, struct mm_struct *mm, uint32_t ubuf, uint32_t len, int old)
{
    struct proc_file *p = proc_private(f);
    uint32_t room = len < 65536 ? len : 65536;
    uint8_t *buf = malloc(room ? room : 1);
    if (!buf)
        return -ENOMEM;
    size_t used = 0, nlen;
    uint32_t i = f->f_pos < 0 ? UINT32_MAX : (uint32_t)f->f_pos;
    const char *e;
    for (; (e = dir_entry(p, i, &nlen)); i++) {
        uint64_t ino = node_ino(p) + 100 + i;
        size_t r = put_dirent(buf + used, room - used, ino, i + 1, e + 1, nlen - 1,
                              (unsigned char)(e[0] - 'a'), old);
        if (!r)
            break;
        used += r;
    }
    long ret = used ? (long)used : e ? -EINVAL : 0;
    if (used && copy_to_user(mm, ubuf, buf, (uint32_t)used))
        ret = -EFAULT;
    else if (used)
        f->f_pos = i;
    free(buf);
    return ret;
}

const struct file_operations proc_file_ops = {
    .kind = FILE_PROCFS, .read = proc_read, .write = proc_write, .llseek = proc_llseek,
    .getattr = proc_getattr, .release = proc_release,
};

static long proc_dir_read(struct file *f, void *buf, size_t n, int64_t *pos)
{
    (void)f; (void)buf; (void)n; (void)pos;
    return -EISDIR;                     /* generic_read_dir */
}

const struct file_operations proc_dir_ops = {
    .kind = FILE_PROCFS, .read = proc_dir_read, .getdents = proc_getdents, .llseek = proc_llseek,
    .getattr = proc_getattr, .release = proc_release,
};

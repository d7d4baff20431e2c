/* The VFS objects (kernel-model/vfs.h: file.c, inode.c, hostfs.c,
 * fd_table.c): file references across dup and close, one offset per open
 * file, close-on-exec per fd, files_struct references, one inode per file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "tests/unit/task_fixture.h"

static char path[64];

static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
    uint32_t a[6] = { a0, a1, a2, 0, 0, 0 };
    return fixture_syscall(t, nr, a);
}

/* open(path) in the guest: the path is written to user memory at buf. */
static long guest_open(struct task_struct *t, uint32_t buf)
{
    CHECK_EQ(copy_to_user(t->mm, buf, path, (uint32_t)strlen(path) + 1), 0);
    return call(t, NR_OPEN, buf, O_RDONLY, 0);
}

/* read n bytes through fd into a string */
static void guest_read(struct task_struct *t, uint32_t fd, uint32_t buf, uint32_t n, char *out)
{
    CHECK_EQ(call(t, NR_READ, fd, buf, n), n);
    CHECK_EQ(copy_from_user(t->mm, out, buf, n), 0);
    out[n] = 0;
}

/* dup, dup2, dup3 and F_DUPFD share one file; it goes with the last fd. */
static void test_dup_refcount(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    uint32_t buf = user_page(t);
    long a = guest_open(t, buf);
    CHECK_EQ(a, 0);
    struct file *f = t->files->fd[a];
    int host = file_host_fd(f);
    CHECK(f->f_op == &hostfs_file_ops);
    CHECK_EQ(f->f_count, 1);
    long b = call(t, NR_DUP, (uint32_t)a, 0, 0);
    long c = call(t, NR_DUP2, (uint32_t)a, 7, 0);
    long d = call(t, NR_FCNTL64, (uint32_t)a, F_DUPFD, 20);
    CHECK_EQ(b, 1);
    CHECK_EQ(c, 7);
    CHECK_EQ(d, 20);
    CHECK(t->files->fd[b] == f && t->files->fd[c] == f && t->files->fd[d] == f);
    CHECK_EQ(f->f_count, 4);
    CHECK_EQ(call(t, NR_DUP2, (uint32_t)c, (uint32_t)c, 0), c);   /* same fd: nothing */
    CHECK_EQ(f->f_count, 4);
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)a, 0, 0), 0);
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)b, 0, 0), 0);
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)c, 0, 0), 0);
    CHECK_EQ(f->f_count, 1);
    CHECK(fcntl(host, F_GETFD) >= 0);               /* still open: fd 20 holds it */
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)d, 0, 0), 0);
    CHECK(fcntl(host, F_GETFD) < 0 && errno == EBADF);   /* released with the last */
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)d, 0, 0), -EBADF);
    CHECK(t->k->inodes == NULL);                    /* the inode went with it */
    task_free(t);
    sys_fini(&s);
}

/* dup2 onto an open fd puts the file that was there. */
static void test_dup2_replaces(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    uint32_t buf = user_page(t);
    long a = guest_open(t, buf), b = guest_open(t, buf);
    struct file *fb = t->files->fd[b];
    int hb = file_host_fd(fb);
    CHECK_EQ(call(t, NR_DUP2, (uint32_t)a, (uint32_t)b, 0), b);
    CHECK(t->files->fd[b] == t->files->fd[a]);
    CHECK(fcntl(hb, F_GETFD) < 0 && errno == EBADF);
    task_free(t);
    sys_fini(&s);
}

/* A dup shares the offset: lseek or read through one moves the other. */
static void test_shared_offset(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    uint32_t buf = user_page(t) + 128;
    char got[16];
    long a = guest_open(t, buf - 128);
    long b = call(t, NR_DUP, (uint32_t)a, 0, 0);
    guest_read(t, (uint32_t)a, buf, 3, got);
    CHECK(!strcmp(got, "012"));
    CHECK_EQ(call(t, NR_LSEEK, (uint32_t)b, 0, SEEK_CUR), 3);
    CHECK_EQ(call(t, NR_LSEEK, (uint32_t)b, 7, SEEK_SET), 7);
    guest_read(t, (uint32_t)a, buf, 3, got);
    CHECK(!strcmp(got, "789"));
    CHECK_EQ(call(t, NR_LSEEK, (uint32_t)b, 0, SEEK_CUR), 10);
    CHECK_EQ(call(t, NR_LSEEK, (uint32_t)b, -11, SEEK_CUR), -EINVAL);
    CHECK_EQ(call(t, NR_LSEEK, (uint32_t)a, -2, SEEK_END), 8);
    /* a second open is a second file: its own offset */
    long c = guest_open(t, buf - 128);
    guest_read(t, (uint32_t)c, buf, 2, got);
    CHECK(!strcmp(got, "01"));
    CHECK_EQ(call(t, NR_LSEEK, (uint32_t)a, 0, SEEK_CUR), 8);
    task_free(t);
    sys_fini(&s);
}

/* close-on-exec belongs to the fd, not to the file. */
static void test_cloexec_per_fd(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    uint32_t buf = user_page(t);
    long a = guest_open(t, buf);
    long b = call(t, NR_DUP3, (uint32_t)a, 5, O_CLOEXEC);
    CHECK_EQ(b, 5);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)b, F_GETFD, 0), FD_CLOEXEC);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)a, F_GETFD, 0), 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)a, F_SETFD, FD_CLOEXEC), 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)b, F_SETFD, 0), 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)a, F_GETFD, 0), FD_CLOEXEC);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)b, F_GETFD, 0), 0);
    long c = call(t, NR_FCNTL64, (uint32_t)a, F_DUPFD_CLOEXEC, 0);
    CHECK_EQ(call(t, NR_FCNTL64, (uint32_t)c, F_GETFD, 0), FD_CLOEXEC);
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)a, 0, 0), 0);
    CHECK(!fd_cloexec(t->files, (uint32_t)a));      /* a free fd has no bit */
    CHECK_EQ(call(t, NR_DUP3, (uint32_t)b, (uint32_t)b, 0), -EINVAL);
    task_free(t);
    sys_fini(&s);
}

/* Two opens of one path: two files, one inode. */
static void test_inode_shared(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    uint32_t buf = user_page(t);
    long a = guest_open(t, buf), b = guest_open(t, buf);
    struct file *fa = t->files->fd[a], *fb = t->files->fd[b];
    CHECK(fa != fb);
    CHECK(fa->f_inode == fb->f_inode);
    CHECK_EQ(fa->f_inode->i_count, 2);
    CHECK_EQ(fa->f_inode->i_size, 10);
    CHECK(fa->f_inode->i_mapping == &fa->f_inode->i_data);
    CHECK(fa->f_inode->i_data.host == fa->f_inode);
    CHECK_EQ(fa->f_inode->i_data.nrpages, 0);
    struct inode *inode = fa->f_inode;
    CHECK_EQ(call(t, NR_CLOSE, (uint32_t)a, 0, 0), 0);
    CHECK_EQ(inode->i_count, 1);
    CHECK(t->k->inodes == inode);
    task_free(t);
    CHECK(s.k.inodes == NULL);
    sys_fini(&s);
}

/* files_struct references: the table's files go with its last put. */
static int released;
static void count_release(struct file *f) { (void)f; released++; }
static const struct file_operations test_ops = { .kind = FILE_SHMEM, .release = count_release };

static void test_files_struct(void)
{
    struct files_struct *fs = files_alloc();
    CHECK(fs != NULL);
    struct file *f = alloc_file(&test_ops, NULL, 0, "x", NULL);
    CHECK(f != NULL);
    CHECK_EQ(get_unused_fd(fs, 0, 16), 0);
    fd_install(fs, 0, f, 1);
    fd_install(fs, 3, get_file(f), 0);
    CHECK_EQ(get_unused_fd(fs, 0, 16), 1);
    CHECK_EQ(get_unused_fd(fs, 3, 16), 4);
    CHECK_EQ(get_unused_fd(fs, 16, 16), -EINVAL);
    CHECK(fd_cloexec(fs, 0) && !fd_cloexec(fs, 3));
    CHECK(fget(fs, 3) == f);
    CHECK_EQ(f->f_count, 3);
    fput(f);
    CHECK(fdget(fs, 2) == NULL && fdget(fs, NR_OPEN_MAX) == NULL);
    CHECK(files_get(fs) == fs);
    files_put(fs);
    CHECK_EQ(released, 0);                          /* one holder left */
    CHECK_EQ(close_fd(fs, 0), 0);
    CHECK_EQ(close_fd(fs, 0), -EBADF);
    CHECK_EQ(released, 0);                          /* fd 3 still names it */
    files_put(fs);
    CHECK_EQ(released, 1);
}

/* fork's copy of a table: the same files, one reference more each. */
static void test_files_dup(void)
{
    released = 0;
    struct files_struct *fs = files_alloc();
    struct file *f = alloc_file(&test_ops, NULL, 0, NULL, NULL);
    fd_install(fs, 2, f, 1);
    struct files_struct *child = files_dup(fs);
    CHECK(child != NULL && child != fs);
    CHECK(fdget(child, 2) == f);
    CHECK_EQ(f->f_count, 2);
    CHECK(fd_cloexec(child, 2));
    CHECK_EQ(close_fd(fs, 2), 0);
    CHECK_EQ(released, 0);                          /* the child's fd holds it */
    CHECK(fdget(child, 2) == f);
    files_put(fs);
    files_put(child);
    CHECK_EQ(released, 1);
}

/* The memory devices the model serves open for writing anywhere, also
 * where the host's /dev is read-only to the guest (drivers/char/mem.c):
 * /dev/zero O_RDWR (the old way to share anonymous memory) reads zeros
 * and takes writes, /dev/full refuses them with ENOSPC, /dev/null takes
 * them; none reaches the host. */
static void test_mem_devices_writable(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    uint32_t buf = user_page(t);
    static const struct { const char *name; uint32_t acc; long write; } dev[] = {
        { "/dev/zero", O_RDWR, 3 }, { "/dev/full", O_WRONLY, -ENOSPC }, { "/dev/null", O_WRONLY, 3 },
    };
    for (size_t i = 0; i < sizeof dev / sizeof dev[0]; i++) {
        CHECK_EQ(copy_to_user(t->mm, buf, dev[i].name, (uint32_t)strlen(dev[i].name) + 1), 0);
        CHECK_EQ(call(t, NR_ACCESS, buf, W_OK, 0), 0);   /* not EROFS: writable there */
        long fd = call(t, NR_OPEN, buf, dev[i].acc, 0);
        CHECK(fd >= 0 || !fprintf(stderr, "open %s: %ld\n", dev[i].name, fd));
        if (fd < 0)
            continue;
        CHECK_EQ(call(t, NR_WRITE, (uint32_t)fd, buf, 3), dev[i].write);
        if (dev[i].acc == O_RDWR) {
            char out[8];
            guest_read(t, (uint32_t)fd, buf + 64, 4, out);
            CHECK(!memcmp(out, "\0\0\0\0", 4));
        }
        CHECK_EQ(call(t, NR_CLOSE, (uint32_t)fd, 0, 0), 0);
    }
    task_free(t);
    sys_fini(&s);
}

int main(void)
{
    /* in the working directory: the guest's /tmp is the model's own tmpfs */
    snprintf(path, sizeof path, "memsim-test-vfs-%d", (int)getpid());
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10);
    close(fd);
    test_dup_refcount();
    test_dup2_replaces();
    test_shared_offset();
    test_cloexec_per_fd();
    test_inode_shared();
    test_files_struct();
    test_files_dup();
    test_mem_devices_writable();
    unlink(path);
    return CHECK_DONE();
}

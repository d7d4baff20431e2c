/*
 * test_namei.c — the model's path walk (kernel-model/namei.c) and the
 * overlay calls built on it, on a scratch host tree given as --root:
 * symlink loops and the 40-link limit (ELOOP), ".." clamped at the root,
 * a symlinked directory (bin -> usr/bin) seen under both spellings,
 * openat from a directory descriptor into an overlay directory, trailing
 * slashes, O_NOFOLLOW, upper symlinks and hard links, chmod's copy-up,
 * the model's /proc reached through a symlink, /tmp a tmpfs mount over
 * the root's own /tmp (read through, written in the model).  At
 * the end the host tree is byte for byte what it was.  Then the same tree
 * under --writable-root: the root's tree is MNT_HOST_RW (/tmp and /proc
 * the same mounts), and symlinks out of the root written through land
 * inside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/namei.h"
#include "kernel-model/shmem.h"
#include "tests/unit/task_fixture.h"


struct env {
    struct sys s;
    struct task_struct *t;
    uint32_t ubuf;
    char dir[64];
};

static long call(struct env *e, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
    uint32_t a[6] = { a0, a1, a2, 0, 0, 0 };
    return fixture_syscall(e->t, nr, a);
}

/* A string in guest memory (slot 0..3 of the scratch page). */
static uint32_t ustr(struct env *e, int slot, const char *s)
{
    uint32_t at = e->ubuf + (uint32_t)slot * 1024;
    CHECK_EQ(copy_to_user(e->t->mm, at, s, (uint32_t)strlen(s) + 1), 0);
    return at;
}

/* The guest's stat64: mode and nlink (st_mode at 16, st_nlink at 20). */
static long gstat(struct env *e, const char *path, int follow, uint32_t *mode, uint32_t *nlink)
{
    uint32_t buf = e->ubuf + 3 * 1024;
    long r = call(e, follow ? NR_STAT64 : NR_LSTAT64, ustr(e, 0, path), buf, 0);
    uint32_t v[2] = { 0, 0 };
    if (!r)
        CHECK_EQ(copy_from_user(e->t->mm, v, buf + 16, 8), 0);
    if (mode)
        *mode = v[0];
    if (nlink)
        *nlink = v[1];
    return r;
}

static long walk(struct env *e, const char *path, unsigned flags, struct nd_path *p)
{
    long r = namei(e->t, G_AT_FDCWD, path, flags, p);
    return r;
}

static void host_mk(struct env *e, const char *name, const char *data)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", e->dir, name);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(data, f);
        fclose(f);
    }
}

static void host_ln(struct env *e, const char *target, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", e->dir, name);
    CHECK_EQ(symlink(target, p), 0);
}

static void setup(struct env *e)
{
    snprintf(e->dir, sizeof e->dir, "memsim-test-namei.XXXXXX");
    CHECK(mkdtemp(e->dir) != NULL);
    char p[256];
    snprintf(p, sizeof p, "%s/usr", e->dir);
    CHECK_EQ(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/usr/bin", e->dir);
    CHECK_EQ(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/tmp", e->dir);
    CHECK_EQ(mkdir(p, 0755), 0);
    host_mk(e, "tmp/host-file", "seen below the model's tmpfs");
    host_mk(e, "f", "host-f");
    host_mk(e, "usr/bin/tool", "tool");
    host_mk(e, "usr/bin/hostprog", "host");
    snprintf(p, sizeof p, "%s/usr/bin/hostprog", e->dir);
    CHECK_EQ(chmod(p, 0755), 0);
    host_ln(e, "usr/bin", "bin");
    host_ln(e, "loop2", "loop1");
    host_ln(e, "loop1", "loop2");
    host_ln(e, "/proc", "plink");
    host_ln(e, "f", "l0");
    for (int i = 1; i <= 41; i++) {                 /* l41 -> ... -> l0 -> f */
        char a[16], b[16];
        snprintf(a, sizeof a, "l%d", i - 1);
        snprintf(b, sizeof b, "l%d", i);
        host_ln(e, a, b);
    }
}

static void test_links(struct env *e)
{
    struct nd_path p;
    CHECK_EQ(walk(e, "/loop1", LOOKUP_FOLLOW, &p), -ELOOP);
    CHECK_EQ(walk(e, "/loop1", 0, &p), 0);           /* lstat: the link itself */
    CHECK_EQ(p.layer, LAYER_HOST);
    CHECK(S_ISLNK(p.st.st_mode));
    nd_path_release(&p);
    CHECK_EQ(walk(e, "/loop1/x", 0, &p), -ELOOP);    /* not the last: always followed */
    CHECK_EQ(walk(e, "/l39", LOOKUP_FOLLOW, &p), 0); /* 40 links: the limit */
    CHECK(S_ISREG(p.st.st_mode));
    CHECK(!strcmp(p.gpath, "/f"));
    nd_path_release(&p);
    CHECK_EQ(walk(e, "/l40", LOOKUP_FOLLOW, &p), -ELOOP);   /* 41 */
    CHECK_EQ(call(e, NR_OPEN, ustr(e, 0, "/l0"), O_RDONLY | G_O_NOFOLLOW, 0), -ELOOP);
    long fd = call(e, NR_OPEN, ustr(e, 0, "/l0"), O_RDONLY, 0);
    CHECK(fd >= 0);
    CHECK_EQ(call(e, NR_CLOSE, (uint32_t)fd, 0, 0), 0);
}

static void test_dotdot_and_slash(struct env *e)
{
    struct nd_path p;
    CHECK_EQ(walk(e, "/../../..", LOOKUP_FOLLOW, &p), 0);
    CHECK(!strcmp(p.gpath, "/"));
    CHECK_EQ(p.last_type, LAST_DOTDOT);
    nd_path_release(&p);
    CHECK_EQ(walk(e, "/usr/../../../f", LOOKUP_FOLLOW, &p), 0);
    CHECK(!strcmp(p.gpath, "/f"));
    nd_path_release(&p);
    /* ".." after a symlinked directory is the target's parent (bin -> usr/bin) */
    CHECK_EQ(walk(e, "/bin/../bin/tool", LOOKUP_FOLLOW, &p), 0);
    CHECK(!strcmp(p.gpath, "/usr/bin/tool"));
    nd_path_release(&p);
    CHECK_EQ(walk(e, "/f/", LOOKUP_FOLLOW, &p), -ENOTDIR);
    CHECK_EQ(walk(e, "/f/x", LOOKUP_FOLLOW, &p), -ENOTDIR);
    CHECK_EQ(call(e, NR_OPEN, ustr(e, 0, "/newfile/"), O_RDWR | O_CREAT, 0644), -EISDIR);
    CHECK_EQ(walk(e, "/missing/x", 0, &p), -ENOENT);
}

static void test_symlinked_dir(struct env *e)
{
    long fd = call(e, NR_OPEN, ustr(e, 0, "/bin/made"), O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    call(e, NR_CLOSE, (uint32_t)fd, 0, 0);
    uint32_t mode;
    CHECK_EQ(gstat(e, "/usr/bin/made", 1, &mode, NULL), 0);
    CHECK(S_ISREG(mode));
    /* a rename through the symlinked spelling lands under the real one */
    CHECK_EQ(call(e, NR_RENAME, ustr(e, 0, "/bin/made"), ustr(e, 1, "/usr/bin/moved"), 0), 0);
    CHECK_EQ(gstat(e, "/bin/moved", 1, NULL, NULL), 0);
    CHECK_EQ(gstat(e, "/usr/bin/made", 1, NULL, NULL), -ENOENT);
}

static void test_dirfd(struct env *e)
{
    CHECK_EQ(call(e, NR_MKDIR, ustr(e, 0, "/up"), 0755, 0), 0);
    long dfd = call(e, NR_OPEN, ustr(e, 0, "/up"), O_RDONLY | G_O_DIRECTORY, 0);
    CHECK(dfd >= 0);
    uint32_t a[6] = { (uint32_t)dfd, ustr(e, 0, "inner"), O_WRONLY | O_CREAT, 0600, 0, 0 };
    long fd = fixture_syscall(e->t, NR_OPENAT, a);
    CHECK(fd >= 0);
    call(e, NR_CLOSE, (uint32_t)fd, 0, 0);
    CHECK_EQ(gstat(e, "/up/inner", 1, NULL, NULL), 0);
    /* ".." from the directory descriptor: the guest's root, never above */
    uint32_t b[6] = { (uint32_t)dfd, ustr(e, 0, "../../f"), O_RDONLY, 0, 0, 0 };
    fd = fixture_syscall(e->t, NR_OPENAT, b);
    CHECK(fd >= 0);
    call(e, NR_CLOSE, (uint32_t)fd, 0, 0);
    call(e, NR_CLOSE, (uint32_t)dfd, 0, 0);
}

static void test_upper_objects(struct env *e)
{
    CHECK_EQ(call(e, NR_SYMLINK, ustr(e, 0, "usr/bin/tool"), ustr(e, 1, "/tl"), 0), 0);
    long n = call(e, NR_READLINK, ustr(e, 0, "/tl"), e->ubuf + 2048, 100);
    CHECK_EQ(n, 12);
    char buf[16] = "";
    CHECK_EQ(copy_from_user(e->t->mm, buf, e->ubuf + 2048, 12), 0);
    CHECK(!memcmp(buf, "usr/bin/tool", 12));
    uint32_t mode, nlink;
    CHECK_EQ(gstat(e, "/tl", 1, &mode, NULL), 0);     /* followed to the host's tool */
    CHECK(S_ISREG(mode));
    CHECK_EQ(gstat(e, "/tl", 0, &mode, NULL), 0);
    CHECK(S_ISLNK(mode));
    /* a hard link of a host file: copied up, then one inode, two names */
    CHECK_EQ(call(e, NR_LINK, ustr(e, 0, "/f"), ustr(e, 1, "/f2"), 0), 0);
    CHECK_EQ(gstat(e, "/f", 1, NULL, &nlink), 0);
    CHECK_EQ(nlink, 2);
    CHECK_EQ(call(e, NR_CHMOD, ustr(e, 0, "/f2"), 0600, 0), 0);
    CHECK_EQ(gstat(e, "/f", 1, &mode, NULL), 0);
    CHECK_EQ(mode & 07777, 0600);
    /* chmod of a host file copies it up; the host keeps its mode */
    CHECK_EQ(call(e, NR_CHMOD, ustr(e, 0, "/usr/bin/tool"), 0751, 0), 0);
    CHECK_EQ(gstat(e, "/bin/tool", 1, &mode, NULL), 0);
    CHECK_EQ(mode & 07777, 0751);
}

/* open_exec by the walk: an upper file is the overlay's copy */
static void test_open_exec(struct env *e)
{
    long fd = call(e, NR_OPEN, ustr(e, 0, "/bin/prog"), O_WRONLY | O_CREAT, 0755);
    CHECK(fd >= 0);
    CHECK_EQ(copy_to_user(e->t->mm, e->ubuf + 2048, "upper", 5), 0);
    CHECK_EQ(call(e, 4u /* write */, (uint32_t)fd, e->ubuf + 2048, 5), 5);
    call(e, NR_CLOSE, (uint32_t)fd, 0, 0);
    struct file *f;
    CHECK_EQ(fs_open_exec(e->t, "/usr/bin/prog", &f), 0);
    CHECK(f && f->f_op == &shmem_file_ops);
    if (f) {
        CHECK_EQ(f->f_inode->i_size, 5);
        fput(f);
    }
    CHECK_EQ(fs_open_exec(e->t, "/usr/bin", &f), -EACCES);      /* a directory */
    CHECK_EQ(fs_open_exec(e->t, "/missing", &f), -ENOENT);
    CHECK_EQ(fs_open_exec(e->t, "/l0", &f), -EACCES);             /* f: 0600 now, no x */
    CHECK_EQ(fs_open_exec(e->t, "/bin/tool", &f), 0);   /* copied up by chmod 0751 */
    CHECK(f && f->f_op == &shmem_file_ops);
    if (f)
        fput(f);
    CHECK_EQ(fs_open_exec(e->t, "/bin/hostprog", &f), 0);          /* the host's own file */
    CHECK(f && f->f_op == &hostfs_file_ops);
    if (f)
        fput(f);
}

static void test_mounts(struct env *e)
{
    struct nd_path p;
    CHECK_EQ(walk(e, "/plink/self/status", LOOKUP_FOLLOW, &p), 0);
    CHECK_EQ(p.layer, LAYER_PROC);                     /* the guest's /proc, the model's */
    CHECK(!strcmp(p.gpath, "/proc/self/status"));
    nd_path_release(&p);
    CHECK_EQ(walk(e, "/tmp/host-file", LOOKUP_FOLLOW, &p), 0);
    CHECK_EQ(p.layer, LAYER_HOST);                     /* the root's /tmp, read through */
    CHECK_EQ(p.mnt, MNT_TMPFS);
    nd_path_release(&p);
    /* written, renamed and removed in the tmpfs mount, never on the host
     * (host_print at the end) */
    long hf = call(e, NR_OPEN, ustr(e, 0, "/tmp/host-file"), O_WRONLY | O_APPEND, 0);
    CHECK(hf >= 0);
    CHECK_EQ(call(e, NR_WRITE, (uint32_t)hf, ustr(e, 1, "+"), 1), 1);
    call(e, NR_CLOSE, (uint32_t)hf, 0, 0);
    CHECK_EQ(walk(e, "/tmp/host-file", LOOKUP_FOLLOW, &p), 0);
    CHECK_EQ(p.layer, LAYER_UPPER);                    /* copied up into the tmpfs */
    CHECK_EQ((long)p.st.st_size, (long)strlen("seen below the model's tmpfs") + 1);
    nd_path_release(&p);
    CHECK_EQ(call(e, NR_RENAME, ustr(e, 0, "/tmp/host-file"), ustr(e, 1, "/tmp/moved"), 0), 0);
    CHECK_EQ(walk(e, "/tmp/host-file", LOOKUP_FOLLOW, &p), 0);
    CHECK_EQ(p.layer, LAYER_NEGATIVE);                 /* a whiteout over the host's */
    nd_path_release(&p);
    CHECK_EQ(call(e, NR_UNLINK, ustr(e, 0, "/tmp/moved"), 0, 0), 0);
    CHECK_EQ(walk(e, "/tmp", LOOKUP_FOLLOW, &p), 0);
    CHECK_EQ(p.layer, LAYER_UPPER);
    CHECK(p.mountpoint);
    nd_path_release(&p);
    /* tmpfs and the overlay are two mounts */
    long fd = call(e, NR_OPEN, ustr(e, 0, "/tmp/t"), O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    call(e, NR_CLOSE, (uint32_t)fd, 0, 0);
    CHECK_EQ(call(e, NR_RENAME, ustr(e, 0, "/tmp/t"), ustr(e, 1, "/t"), 0), -EXDEV);
    CHECK_EQ(call(e, NR_LINK, ustr(e, 0, "/tmp/t"), ustr(e, 1, "/tmp/t2"), 0), 0);
}

/* --writable-root: the walk's MNT_HOST_RW, its writes on the host by the
 * walk's parent and last name, never outside the root. */
static void test_writable_root(struct env *e)
{
    struct nd_path p;
    CHECK_EQ(walk(e, "/bin/tool", LOOKUP_FOLLOW, &p), 0);
    CHECK_EQ(p.mnt, MNT_HOST_RW);
    CHECK_EQ(p.layer, LAYER_HOST);
    CHECK(p.parent_fd >= 0 && !strcmp(p.last, "tool") && !strcmp(p.gpath, "/usr/bin/tool"));
    nd_path_release(&p);
    CHECK_EQ(walk(e, "/tmp/host-file", LOOKUP_FOLLOW, &p), 0);
    CHECK_EQ(p.mnt, MNT_TMPFS);                        /* still the model's tmpfs */
    CHECK_EQ(p.layer, LAYER_HOST);                     /* over the root's /tmp, read only */
    nd_path_release(&p);
    long hf = call(e, NR_OPEN, ustr(e, 0, "/tmp/host-file"), O_WRONLY | O_APPEND, 0);
    CHECK(hf >= 0);
    CHECK_EQ(call(e, NR_WRITE, (uint32_t)hf, ustr(e, 1, "+"), 1), 1);
    call(e, NR_CLOSE, (uint32_t)hf, 0, 0);
    char got[64] = "", hp[256];
    snprintf(hp, sizeof hp, "%s/tmp/host-file", e->dir);
    FILE *hfile = fopen(hp, "r");
    CHECK(hfile != NULL);
    if (hfile) {
        CHECK(fgets(got, sizeof got, hfile) != NULL);
        fclose(hfile);
    }
    CHECK(!strcmp(got, "seen below the model's tmpfs"));   /* the write stayed in tmpfs */
    CHECK_EQ(walk(e, "/plink/self", LOOKUP_FOLLOW, &p), 0);
    CHECK_EQ(p.layer, LAYER_PROC);
    nd_path_release(&p);
    host_ln(e, "../memsim-namei-outside", "esc");
    host_ln(e, "..", "up");
    long fd = call(e, NR_OPEN, ustr(e, 0, "/esc"), O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);                                    /* created at the root's /memsim-... */
    call(e, NR_CLOSE, (uint32_t)fd, 0, 0);
    CHECK_EQ(call(e, NR_MKDIR, ustr(e, 0, "/up/up/made"), 0755, 0), 0);
    CHECK_EQ(call(e, NR_MKDIR, ustr(e, 0, "/plink/x"), 0755, 0), getuid() ? -EACCES : -EPERM);
    struct stat st;
    char path[256];
    snprintf(path, sizeof path, "%s/memsim-namei-outside", e->dir);
    CHECK_EQ(lstat(path, &st), 0);
    CHECK(S_ISREG(st.st_mode));
    snprintf(path, sizeof path, "%s/made", e->dir);
    CHECK_EQ(lstat(path, &st), 0);
    CHECK_EQ(lstat("memsim-namei-outside", &st), -1);  /* nothing next to the root */
    CHECK_EQ(lstat("made", &st), -1);
}

/* Every name of the host tree, its type and bytes, as one string. */
static void host_print(struct env *e, char *out, size_t len)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "cd '%s' && find . -print0 | sort -z | xargs -0 ls -ld --time-style=+ "
             "| awk '{print $1, $5, $NF}'; cat f usr/bin/tool tmp/host-file", e->dir);
    FILE *f = popen(cmd, "r");
    size_t n = f ? fread(out, 1, len - 1, f) : 0;
    out[n] = 0;
    if (f)
        pclose(f);
}

/* A task rooted at the scratch tree (--writable-root when writable), with
 * a scratch page for guest strings: 0, or -1 when it cannot boot. */
static int boot_in_tree(struct env *e, int writable)
{
    if (!(e->t = boot_task(&e->s)))
        return -1;
    e->t->k->writable_root = writable;
    e->t->root_fd = open(e->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(e->t->root_fd >= 0);
    long u = do_mmap(e->t->mm, 0, 4 * PG, RW, MAP_PRIVATE_ | MAP_ANONYMOUS_, NULL, 0, 0, NULL);
    CHECK(u > 0);
    e->ubuf = (uint32_t)u;
    return 0;
}

static void shut_down(struct env *e)
{
    close(e->t->root_fd);
    e->t->root_fd = -1;
    task_free(e->t);
    shmem_destroy(&e->s.k);
    sys_fini(&e->s);
}

static void test_all(void)
{
    struct env *e = calloc(1, sizeof *e);
    setup(e);
    static char before[16384], after[16384];
    host_print(e, before, sizeof before);
    if (boot_in_tree(e, 0))
        return;
    test_links(e);
    test_dotdot_and_slash(e);
    test_symlinked_dir(e);
    test_dirfd(e);
    test_upper_objects(e);
    test_open_exec(e);
    test_mounts(e);
    shut_down(e);
    host_print(e, after, sizeof after);
    CHECK(!strcmp(before, after));          /* the host was never written */
    if (!boot_in_tree(e, 1)) {              /* the same tree, --writable-root */
        test_writable_root(e);
        shut_down(e);
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->dir);
    CHECK_EQ(system(cmd), 0);
    free(e);
}

int main(void)
{
    (void)user_page;
    run_in_every_paging_mode(test_all);
    return CHECK_DONE();
}
